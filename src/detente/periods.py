"""Periods: named date ranges that relations are measured over.

``parse(spec, case=None, start=None, end=None) -> list[Period]`` accepts

* a frequency, ``day | week | month | quarter | year``, cut over ``start..end`` (both required);
  weeks start on Monday and are named by their Monday (``2021-W03``);
* ``START:END`` (ISO dates, either side may be a bare year ``2021`` or month ``2021-03``) for one period;
* ``case`` (or ``case:NAME``) for the named periods of a case: ``case`` is a mapping / object with a
  ``periods`` list of ``{name, start, end}`` (``start``/``end`` may be None = the data's edge, filled from
  ``start``/``end``), or the name of the built-in case ``south_caucasus``; case periods are clipped to
  ``start..end`` and those wholly outside it dropped;
* a list of ``Period`` (returned as is, validated).

Periods are inclusive on both ends. Bad input raises :class:`detente.errors.UserError` (exit code 2 at the CLI).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from detente.errors import UserError

FREQS = ("day", "week", "month", "quarter", "year")

__all__ = ["FREQS", "Period", "case_periods", "cut", "parse", "span", "to_date"]



def __getattr__(name: str) -> Any:
    """``SOUTH_CAUCASUS``: the built-in case's ``(name, start, end)`` periods, read from its case.yaml (the one
    place they are written; None = the edge of the data)."""
    if name == "SOUTH_CAUCASUS":
        from detente import case

        return tuple(case.builtin("south_caucasus").period_list())
    raise AttributeError(name)


@dataclass(frozen=True, order=True)
class Period:
    """A named, inclusive date range (``start`` and ``end`` both included)."""

    name: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise UserError(f"period {self.name}: start {self.start} is after end {self.end}; swap them")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    def as_dict(self) -> dict:
        return {"period": self.name, "start": self.start, "end": self.end}


def to_date(s: str | date | None, end: bool = False, what: str = "date") -> date | None:
    """ISO date, ``YYYY-MM`` or ``YYYY`` (the first day, or with ``end=True`` the last day).

    Parameters
    ----------
    s : str, date or None
        The text to read; a date or None is returned as is.
    end : bool
        Read ``YYYY-MM`` / ``YYYY`` as the last day of the month / year.
    what : str
        What the date is, for the error message (e.g. ``"--on date"``).

    Returns
    -------
    date or None
        A malformed text raises :class:`detente.errors.UserError`.

    Examples
    --------
    >>> to_date("2021-03"), to_date("2021", end=True)
    (datetime.date(2021, 3, 1), datetime.date(2021, 12, 31))
    """
    if s is None or isinstance(s, date):
        return s
    t = str(s).strip()
    try:
        if len(t) == 4 and t.isdigit():
            return date(int(t), 12, 31) if end else date(int(t), 1, 1)
        if len(t) == 7 and t[4] == "-":
            y, m = int(t[:4]), int(t[5:])
            return date(y, m, calendar.monthrange(y, m)[1]) if end else date(y, m, 1)
        return date.fromisoformat(t)
    except ValueError:
        raise UserError(f"bad {what} {t!r}: write YYYY-MM-DD (or YYYY-MM, YYYY)") from None


def span(start: str | date | None, end: str | date | None) -> tuple[date | None, date | None]:
    """Parse and check a start..end pair (``YYYY``/``YYYY-MM`` ends are read as the whole year/month).

    Examples
    --------
    >>> span("2020", "2020-06")
    (datetime.date(2020, 1, 1), datetime.date(2020, 6, 30))
    >>> span(None, "2021")
    (None, datetime.date(2021, 12, 31))
    """
    lo, hi = to_date(start, what="start date"), to_date(end, end=True, what="end date")
    if lo and hi and lo > hi:
        raise UserError(f"start {lo} is after end {hi}; swap --start and --end")
    return lo, hi


def cut(freq: str, start: date, end: date) -> list[Period]:
    """Calendar periods of ``freq`` that overlap ``start..end``, clipped to it.

    Parameters
    ----------
    freq : str
        day, week (ISO weeks), month, quarter or year.
    start, end : date
        First and last day, both included.

    Returns
    -------
    list of Period
        Named ``2020-Q1``, ``2020-03``, ``2020-W09``, ``2020`` or the ISO day.

    Examples
    --------
    >>> from datetime import date
    >>> [(p.name, str(p.start), str(p.end)) for p in cut("quarter", date(2020, 2, 10), date(2020, 7, 1))]
    [('2020-Q1', '2020-02-10', '2020-03-31'), ('2020-Q2', '2020-04-01', '2020-06-30'), ('2020-Q3', '2020-07-01', '2020-07-01')]
    """
    if freq not in FREQS:
        raise UserError(f"unknown frequency {freq!r}; use one of {', '.join(FREQS)}")
    out: list[Period] = []
    if freq == "day":
        d = start
        while d <= end:
            out.append(Period(d.isoformat(), d, d))
            d += timedelta(days=1)
        return out
    if freq == "week":
        d = start - timedelta(days=start.weekday())
        while d <= end:
            y, w, _ = d.isocalendar()
            out.append(Period(f"{y}-W{w:02d}", max(d, start), min(d + timedelta(days=6), end)))
            d += timedelta(days=7)
        return out
    step = {"month": 1, "quarter": 3, "year": 12}[freq]
    y, m = start.year, ((start.month - 1) // step) * step + 1
    while date(y, m, 1) <= end:
        m2, y2 = m + step, y
        while m2 > 12:
            m2, y2 = m2 - 12, y2 + 1
        last = date(y2, m2, 1) - timedelta(days=1)
        name = {"month": f"{y}-{m:02d}", "quarter": f"{y}-Q{(m - 1) // 3 + 1}", "year": f"{y}"}[freq]
        out.append(Period(name, max(date(y, m, 1), start), min(last, end)))
        y, m = y2, m2
    return out


def _load_case(name: str) -> Any:
    """A case by name (built-in, under detente/cases/) or by path to its case.yaml (:func:`detente.case.load`)."""
    from detente import case

    return case.load(name)


def case_periods(case: Any, start: date | None = None, end: date | None = None) -> list[Period]:
    """Named periods of a case (mapping/object with ``periods``, or the built-in case's name).

    Open-ended periods are closed by ``start``/``end``; every period is clipped to them and those wholly
    outside are left out.

    Examples
    --------
    >>> from datetime import date
    >>> [p.name for p in case_periods("south_caucasus", date(2018, 1, 1), date(2024, 12, 31))]
    ['pre-war', 'war', 'post-war', 'after']
    >>> case_periods({"periods": {"war": {"start": "2020-09-27", "end": "2020-11-10"}}})
    [Period(name='war', start=datetime.date(2020, 9, 27), end=datetime.date(2020, 11, 10))]
    """
    if case is None:
        case = "south_caucasus"
    if isinstance(case, str):
        case = _load_case(case)
    if isinstance(case, Mapping):
        raw: Any = case.get("periods") or []
    elif hasattr(case, "periods"):
        raw = case.periods
    else:
        raise UserError(f"unknown case {case!r}; the built-in case is south_caucasus")
    if isinstance(raw, Mapping):  # case.yaml style: {name: {start, end}}
        raw = [v if v is not None and not isinstance(v, Mapping) else {"name": k, **(v or {})}
               for k, v in raw.items()]  # values: {start, end} mappings or period objects
    out = []
    for p in raw:
        if isinstance(p, Period) and p.start is not None and p.end is not None:
            out.append(p)
            continue
        get = p.get if isinstance(p, Mapping) else (lambda k, p=p: getattr(p, k, None))
        lo = to_date(get("start"), what="case period start") or start
        hi = to_date(get("end"), end=True, what="case period end") or end
        if lo is None or hi is None:
            raise UserError(f"case period {get('name')!r} is open-ended; give --start/--end to close it")
        lo, hi = max(lo, start or lo), min(hi, end or hi)  # clipped to the requested range
        if lo > hi:  # wholly outside the requested range
            continue
        out.append(Period(str(get("name")), lo, hi))
    if not out:
        raise UserError("the case has no periods inside the requested range; widen --start/--end")
    return out


def parse(spec: str | list[Period], case: Any = None, start: str | date | None = None,
          end: str | date | None = None) -> list[Period]:
    """Turn a frequency, ``START:END``, ``case`` or a list of Period into periods (see module doc).

    Examples
    --------
    >>> [p.name for p in parse("month", start="2021-01-15", end="2021-02")]
    ['2021-01', '2021-02']
    >>> parse("2020-09-27:2020-11-10")
    [Period(name='2020-09-27..2020-11-10', start=datetime.date(2020, 9, 27), end=datetime.date(2020, 11, 10))]
    """
    lo, hi = span(start, end)
    if isinstance(spec, list | tuple):
        periods = [p if isinstance(p, Period) else Period(*p) for p in spec]
        if not periods:
            raise UserError("no periods given")
        return periods
    s = str(spec).strip()
    if s in FREQS:
        if lo is None or hi is None:
            raise UserError(f"frequency {s!r} needs a start and an end date")
        return cut(s, lo, hi)
    if s == "case" or s.startswith("case:"):
        return case_periods(s[5:] or case if s.startswith("case:") else case, lo, hi)
    if ":" in s:
        a, b = s.split(":", 1)
        p_lo, p_hi = span(a or lo, b or hi)
        if p_lo is None or p_hi is None:
            raise UserError(f"period {s!r} is open-ended; give both ends or --start/--end")
        return [Period(f"{p_lo}..{p_hi}", p_lo, p_hi)]
    raise UserError(f"unknown frequency or period {s!r}: use one of {', '.join(FREQS)}, START:END or case")
