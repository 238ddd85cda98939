"""Time in analyst prose: anchors ("in March 2023", "since 2020", "after the Pulwama attack", "currently") and
the window a claim is tested on.

An :class:`Anchor` is what a clause says about time: a point (a day or a named event), a stated span (a month,
a season, a year, "2020 to 2022"), an open span ("since 2020", "after the 2020 war"), a span before a date, a
duration up to the text's date ("for three decades") or the present ("currently", "still"). Named events are
resolved through :mod:`detente.gazetteer` (a curated, cited list); a named event it cannot resolve is kept in
``Anchor.unresolved`` so the caller reports it, and a date written beside it ("the Hanoi summit in February
2019") is used instead.

:func:`window` turns a claim's aspect (``event``, ``level`` or ``change``) and its anchor into the dates it is
tested on, never after the text's date ``on``:

* a one-off event: a short window around it (two weeks around a day, the stated month or year);
* a level: the stated window; "since X" = X..on; "currently" or no anchor = the latest year up to ``on``;
* a change: the year before the anchor against the year after it; a stated span ("in August 2019") against
  the same length before it (at least 90 days).

Examples
--------
>>> a = anchors("In August 2019 India revoked the special status.", date(2024, 1, 1))[0]
>>> (a.text, a.start, a.end, a.precision)
('In August 2019', datetime.date(2019, 8, 1), datetime.date(2019, 8, 31), 'month')
>>> w = window("change", a, date(2024, 1, 1))
>>> (w.before, w.after)
((datetime.date(2019, 5, 3), datetime.date(2019, 7, 31)), (datetime.date(2019, 8, 1), datetime.date(2019, 8, 31)))
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

__all__ = ["Anchor", "Window", "anchors", "dates", "window"]

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
_MON = r"(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|" \
       r"jun|jul|aug|sep|sept|oct|nov|dec)\.?"
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12), "the first half of": (1, 6), "the second half of": (7, 12),
         "the end of": (10, 12), "the start of": (1, 3), "the beginning of": (1, 3)}
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "ten": 10, "a": 1, "a few": 3, "several": 3, "fifteen": 15, "twenty": 20, "thirty": 30}
AFTER = ("since", "after", "following", "in the wake of", "from", "ever since", "in the aftermath of")
BEFORE = ("before", "prior to", "until", "till", "up to", "ahead of")
IN = ("in", "during", "throughout", "by", "on", "of", "at", "over", "across")
LATEST = r"\b(currently|today|nowadays|now|at present|these days|still|presently|at the moment|remains?|" \
         r"remained|continues? to|for now)\b"
EVENT_NOUNS = r"(?:war|attack|attacks|bombing|clash|clashes|invasion|summit|accords?|agreement|deal|treaty|" \
              r"ceasefire|truce|coup|crisis|offensive|operation|strike|strikes|incursion|election|referendum|" \
              r"declaration|talks|visit|sanctions|annexation|uprising|revolution|massacre|shootdown|withdrawal)"
DEFAULT_SPAN = 365  # days: the default length of a change's before/after windows and of a "latest" level
EVENT_HALF = 7  # days either side of a dated one-off event
FOLLOW_EVENT = 30  # days after an event a claim with no date of its own, in the same paragraph, is tested on


@dataclass
class Anchor:
    """A time expression: ``kind`` point | span | since | before | duration | latest | relative (see module doc)."""

    text: str | None
    start: date | None = None
    end: date | None = None
    kind: str | None = None
    precision: str | None = None  # day | month | season | year | event
    event: str | None = None  # the gazetteer event's name
    source: str | None = None  # its citation
    length: int | None = None  # days: "in the two years after" -> 730
    unresolved: list[str] = field(default_factory=list)
    pos: int = 0  # offset in the sentence

    def as_dict(self) -> dict:
        return {"text": self.text, "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "kind": self.kind, "precision": self.precision,
                "event": self.event, "source": self.source, "unresolved": list(self.unresolved),
                "relative": "latest" if self.kind == "latest" else None}


@dataclass
class Window:
    """Dates a claim is tested on: ``span`` (level, event) or ``before``/``after`` (change), and why."""

    aspect: str
    span: tuple[date, date] | None = None
    before: tuple[date, date] | None = None
    after: tuple[date, date] | None = None
    why: str = ""
    problem: str | None = None  # set when the claim cannot be tested (e.g. its anchor is after the text's date)

    def as_dict(self) -> dict:
        f = lambda b: f"{b[0]}..{b[1]}" if b else None  # noqa: E731
        return {"aspect": self.aspect, "span": f(self.span), "before": f(self.before), "after": f(self.after),
                "why": self.why, "problem": self.problem}

    def label(self) -> str:
        if self.span:
            return f"{self.span[0]}..{self.span[1]}"
        if self.before and self.after:
            return f"{self.before[0]}..{self.before[1]} vs {self.after[0]}..{self.after[1]}"
        return "-"


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _year(s: str) -> int:
    return int(s)


# date expressions, most specific first; each yields (start, end, precision)
_DAY1 = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON}\s*,?\s+((?:19|20)\d\d)\b", re.I)
_DAY2 = re.compile(rf"\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+((?:19|20)\d\d)\b", re.I)
_RANGE = re.compile(r"\b(?:between\s+)?((?:19|20)\d\d)\s*(?:to|and|until|-|–)\s*((?:19|20)\d\d)\b", re.I)
_PART = re.compile(r"\b(early|mid|late|the first half of|the second half of|the end of|the start of|"
                   r"the beginning of)[\s-]+((?:19|20)\d\d)\b", re.I)
_SEASON = re.compile(r"\b(?:the\s+)?(spring|summer|autumn|fall|winter)\s+(?:of\s+)?((?:19|20)\d\d)\b", re.I)
_MONTH = re.compile(rf"\b(early|mid|late)?[\s-]*{_MON}\s+(?:of\s+)?((?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_MAY_YEAR = re.compile(r"\s*(?:of\s+)?\d")  # on the 4 chars after "May": "May 2022" but not "may of 2022"
# the preposition written before a named event / a date, at the end of the text before it
_EVENT_PREP = re.compile(r"((?:ever\s+)?since|after|following|in the wake of|in the aftermath of|before|prior to|"
                         r"until|during|ahead of)\s+(?:the\s+)?(?:[a-z][\w'’-]*\s+){0,2}$", re.I)
_DATE_PREP = re.compile(r"((?:ever\s+)?since|from|after|following|before|prior to|until|in|during|throughout|"
                        r"by|on|of|over|between)\s+(?:the\s+)?$", re.I)


def dates(s: str) -> list[tuple[int, int, date, date, str]]:
    """Dated expressions in ``s`` as (start offset, end offset, first day, last day, precision), left to right.

    Examples
    --------
    >>> [(d[2].isoformat(), d[3].isoformat(), d[4]) for d in dates("on 24 February 2022 and in late 2021")]
    [('2022-02-24', '2022-02-24', 'day'), ('2021-09-01', '2021-12-31', 'season')]
    """
    out: list[tuple[int, int, date, date, str]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, lo: date, hi: date, prec: str) -> None:
        start = m.start() + len(m.group()) - len(m.group().lstrip(" -"))
        if any(a < m.end() and start < b for a, b in taken):
            return
        taken.append((start, m.end()))
        out.append((start, m.end(), lo, hi, prec))

    for rx, di, mi in ((_DAY1, 1, 2), (_DAY2, 2, 1)):  # "24 February 2022", "February 24, 2022"
        for m in rx.finditer(s):
            try:
                d = date(_year(m.group(3)), MONTHS[m.group(mi).lower()], int(m.group(di)))
            except ValueError:
                continue
            add(m, d, d, "day")
    for m in _RANGE.finditer(s):
        a, b = _year(m.group(1)), _year(m.group(2))
        if a < b:
            add(m, date(a, 1, 1), date(b, 12, 31), "year")
    for m in _PART.finditer(s):
        y = _year(m.group(2))
        lo, hi = PARTS[m.group(1).lower()]
        add(m, date(y, lo, 1), _last_day(y, hi), "season")
    for m in _SEASON.finditer(s):
        y = _year(m.group(2))
        lo, hi = SEASONS[m.group(1).lower()]
        add(m, date(y, lo, 1), _last_day(y + (1 if hi < lo else 0), hi), "season")
    for m in _MONTH.finditer(s):
        if m.group(2).lower() == "may" and not _MAY_YEAR.match(s[m.end(2):m.end(2) + 4]):
            continue
        y, mo = _year(m.group(3)), MONTHS[m.group(2).lower().rstrip(".")]
        part = (m.group(1) or "").lower()
        lo, hi = date(y, mo, 1), _last_day(y, mo)
        if part == "early":
            hi = date(y, mo, 10)
        elif part == "mid":
            lo, hi = date(y, mo, 11), date(y, mo, 20)
        elif part == "late":
            lo = date(y, mo, 21)
        add(m, lo, hi, "month")
    for m in _YEAR.finditer(s):
        add(m, date(_year(m.group(1)), 1, 1), date(_year(m.group(1)), 12, 31), "year")
    return sorted(out)


_PREP_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in sorted(AFTER + BEFORE + IN, key=len, reverse=True))
                      + r")\s+(?:the\s+|its\s+|their\s+)?(?:[\w'’-]+\s+){0,3}$")


def _prep(before: str) -> str | None:
    """The temporal preposition that ends ``before`` (the text left of a date or event), if any."""
    m = _PREP_RE.search(before.lower()[-60:])
    return m.group(1) if m else None


def _gazetteer(s: str, actors: tuple[str, ...], on: date | None) -> list:
    try:
        from detente import gazetteer
    except ImportError:  # the gazetteer is an optional stage
        return []
    try:
        return list(gazetteer.find(s, actors, on))
    except (FileNotFoundError, OSError):
        return []


def anchors(s: str, on: date, actors: tuple[str, ...] = (), previous: Anchor | None = None) -> list[Anchor]:
    """Time anchors in sentence (or clause) ``s``, left to right; ``previous`` resolves "since then".

    Examples
    --------
    >>> [(a.text, a.kind, a.start) for a in anchors("Iran has backed Armenia since 2020.", date(2024, 1, 1))]
    [('since 2020', 'since', datetime.date(2020, 1, 1))]
    """
    low = s.lower()
    out: list[Anchor] = []
    # named events ("the Pulwama attack", "the 44-day war"), with a date beside them when written
    found = dates(s)
    used: list[tuple[int, int]] = []
    for m in _gazetteer(s, actors, on):
        prep = _prep(s[:m.start])
        near = [d for d in found if 0 <= d[0] - m.end <= 12 or 0 <= m.start - d[1] <= 3]
        written = s[max(0, m.start - 30):m.start]
        pm = _EVENT_PREP.search(written)
        start_text = m.start - (len(pm.group(0)) if pm else 0)
        end_text = near[0][1] if near and near[0][0] >= m.end else m.end
        text = s[start_text:end_text].strip()
        a = Anchor(text, pos=start_text)
        if m.status == "resolved" and m.event is not None:
            ev = m.event
            a.start, a.end, a.precision, a.event, a.source = ev.date, ev.end or ev.date, "event", ev.name, ev.source
        elif near:
            a.start, a.end, a.precision = near[0][2], near[0][3], near[0][4]
            if _named(m.text):
                a.unresolved.append(m.text)
        elif _named(m.text):
            a.unresolved.append(m.text)
        else:
            continue  # a generic phrase ("the truce") the context does not pin down: not a named event
        a.kind = _kind(pm.group(1).lower() if pm else prep, bool(a.start))
        used += [(start_text, end_text)] + [(d[0], d[1]) for d in near]
        out.append(a)
    # candidates of named events the gazetteer did not return at all: "after the X attack", "the X summit"
    for m in re.finditer(rf"\b(?:after|since|following|before|during|in the wake of)\s+the\s+"
                         rf"((?:[A-Z][\w'’-]*\s+){{1,3}}{EVENT_NOUNS})\b", s):
        if any(a <= m.start(1) < b for a, b in used):
            continue
        if not _gazetteer_available():
            near = [d for d in found if 0 <= d[0] - m.end() <= 12]
            a = Anchor(s[m.start():near[0][1] if near else m.end()].strip(), pos=m.start())
            if near:
                a.start, a.end, a.precision = near[0][2], near[0][3], near[0][4]
                used.append((near[0][0], near[0][1]))
            a.unresolved.append("the " + m.group(1))
            a.kind = _kind(m.group(0).split()[0].lower(), bool(a.start))
            used.append((m.start(), m.end()))
            out.append(a)
    for lo_off, hi_off, lo, hi, prec in found:
        if any(a <= lo_off < b for a, b in used):
            continue
        prep = _prep(s[:lo_off])
        pm = _DATE_PREP.search(s[max(0, lo_off - 25):lo_off])
        t0 = lo_off - (len(pm.group(0)) if pm else 0)
        a = Anchor(s[t0:hi_off].strip(), lo, hi, _kind(pm.group(1).lower() if pm else prep, True), prec, pos=t0)
        if a.kind == "after" and prec == "year" and pm and pm.group(1).lower() == "after":
            a.start = date(lo.year + 1, 1, 1)  # "after 2020": from 2021
        out.append(a)
    # "for nearly 30 years", "for three decades", "over the past decade"
    m = re.search(r"\b(?:for|(?:over|in|during)\s+the\s+(?:past|last))\s+(?:the\s+)?(?:nearly|almost|about|around|"
                  r"over|more than|some|roughly|well over)?\s*(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|"
                  r"fifteen|twenty|thirty|a few|several)?\s*(years?|decades?)\b(?!\s+(?:after|since|that|following|"
                  r"before))", low)
    bare = re.search(r"\bfor (decades|years)\b(?!\s+(?:after|since|that|following|before))", low)
    if bare and not m:  # "for decades": at least two; "for years": a few
        out.append(Anchor(s[bare.start():bare.end()], _years_before(on, 20 if bare.group(1) == "decades" else 5), on,
                          "duration", "year", pos=bare.start()))
    if m and (m.group(1) or m.group(0).find("past") >= 0 or m.group(0).find("last") >= 0):
        n = NUMBERS.get(m.group(1) or "a") or (int(m.group(1)) if (m.group(1) or "").isdigit() else 1)
        years = n * (10 if m.group(2).startswith("decade") else 1)
        if years <= 100:
            out.append(Anchor(s[m.start():m.end()], _years_before(on, years), on, "duration", "year",
                              pos=m.start()))
    # "in the two years after", "over the following two years", "within a year"
    m = re.search(r"\b(?:in|over|during|within)\s+(?:the\s+)?(?:following|next|subsequent)?\s*(\w+)\s+"
                  r"(years?|months?)\s*(?:after|that followed|since)?", low)
    if m and (m.group(1) in NUMBERS or m.group(1).isdigit()) and (
            "follow" in m.group(0) or "next" in m.group(0) or "after" in m.group(0)):
        n = NUMBERS.get(m.group(1)) or int(m.group(1))
        days = n * (365 if m.group(2).startswith("year") else 30)
        for a in out:
            a.length = a.length or days
        if not out and previous is not None and previous.start:
            out.append(Anchor(s[m.start():m.end()], previous.start, None, "after", previous.precision,
                              previous.event, previous.source, days, pos=m.start()))
    m = re.search(r"\b(?:ever\s+)?since then\b|\bsince that time\b|\bthereafter\b", low)
    if m and previous is not None and previous.start:
        out.append(Anchor(s[m.start():m.end()], previous.start, on, "since", previous.precision, previous.event,
                          previous.source, pos=m.start()))
    if not any(a.kind != "duration" for a in out):
        m = re.search(LATEST, low)
        if m:
            out.append(Anchor(s[m.start():m.end()], None, None, "latest", pos=m.start()))
    return sorted(out, key=lambda a: a.pos)


def _named(text: str) -> bool:
    """A proper name ("the Pulwama attack", "Abraham Accords"), not a generic phrase ("the truce")."""
    return any(w[:1].isupper() or w[:1].isdigit() for w in text.split() if w.lower() != "the")


@functools.cache
def _gazetteer_available() -> bool:
    try:
        from detente import gazetteer

        gazetteer.events()
        return True
    except Exception:  # noqa: BLE001 - absent module or data: the fallback finds the names itself
        return False


def _kind(prep: str | None, dated: bool) -> str:
    if prep in ("since", "ever since", "from"):
        return "since"
    if prep in ("after", "following", "in the wake of", "in the aftermath of"):
        return "after"
    if prep in BEFORE:
        return "before"
    return "point" if dated else "relative"


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def _pivot(a: Anchor) -> date:
    """The first day a claim anchored "after"/"since" ``a`` speaks of: after a span (a war, a month), the day after
    it ends; since a span, its start, unless it is an event with a length (a war: since it ended)."""
    assert a.start is not None
    long_event = a.precision == "event" and a.end is not None and a.end > a.start
    if a.kind == "after" and a.end and a.end > a.start and a.precision != "year":
        return a.end + timedelta(days=1)
    if long_event:
        return a.end + timedelta(days=1)  # type: ignore[operator]
    return a.start


def window(aspect: str, a: Anchor | None, on: date, data_end: date | None = None,
           context: Anchor | None = None) -> Window:
    """The dates a claim of ``aspect`` (event | level | change) anchored at ``a`` is tested on (module doc).

    ``data_end``: the last day the store has data for (the "latest" window ends there when before ``on``);
    ``context``: the last dated anchor earlier in the same paragraph, for an undated one-off event.

    Parameters
    ----------
    aspect : str
        ``event`` (a one-off), ``level`` (a standing relation) or ``change``.
    a : Anchor or None
        From :func:`anchors`; None = no time written.
    on : date
        The text's date: no window ends after it.
    data_end : date, optional
        The store's last day of data.
    context : Anchor, optional
        The paragraph's last dated anchor.

    Returns
    -------
    Window
        ``span`` (event, level) or ``before``/``after`` (change), ``why`` in words, ``problem`` when untestable.

    Examples
    --------
    >>> on = date(2024, 1, 1)
    >>> w = window("level", anchors("Iran has backed Armenia since 2020.", on)[0], on)
    >>> w.label(), w.why
    ('2020-01-01..2024-01-01', "since 2020-01-01 ('since 2020') up to the text's date")
    >>> window("event", anchors("On 24 February 2022 Russia invaded Ukraine.", on)[0], on).label()
    '2022-02-17..2022-03-03'
    >>> window("level", None, on).label()  # no date written: the latest 365 days
    '2023-01-02..2024-01-01'
    """
    last = min(on, data_end) if data_end else on
    latest_why = f"the latest {DEFAULT_SPAN} days up to {last}" + (
        f" (the text's date is {on}; the data end on {data_end})" if data_end and data_end < on else
        " (the text's date)")
    if a is not None and a.start and a.start > on:
        return Window(aspect, why=f"'{a.text}' starts {a.start}", problem=f"'{a.text}' ({a.start}) is after the "
                      f"text's date {on}: a text cannot speak of what had not happened yet; check --on")
    clip = lambda lo, hi: (lo, min(hi, on))  # noqa: E731
    days = timedelta(days=1)
    what = f"'{a.text}'" + (f" = {a.event} ({a.start}; {a.source})" if a and a.event else "") if a else ""
    if aspect == "change":
        if a is None or a.start is None or a.kind in ("latest", "relative", "duration"):
            after = (last - timedelta(days=DEFAULT_SPAN - 1), last)
            before = (after[0] - timedelta(days=DEFAULT_SPAN), after[0] - days)
            return Window(aspect, before=before, after=after, why="a change with no date: " + latest_why +
                          " against the year before")
        pivot = _pivot(a) if a.kind in ("after", "since") else a.start
        length = a.length or DEFAULT_SPAN
        if a.kind == "before":  # "tensions rose before the invasion": the months before it against a year earlier
            n = a.length or 180
            after = (pivot - timedelta(days=n), pivot - days)
            before = (after[0] - timedelta(days=DEFAULT_SPAN), after[0] - days)
            return Window(aspect, before=before, after=after,
                          why=f"the {n} days before {pivot} ({what}) against the {DEFAULT_SPAN} days before them")
        if a.kind in ("point",) and a.end and a.end > a.start and a.precision != "event":
            after = clip(a.start, a.end)  # "worsened in late 2021": that stated span
            n = (after[1] - after[0]).days + 1
            before = (after[0] - timedelta(days=max(n, 90)), after[0] - days)
            why = f"{what} is the stated span; compared with the {max(n, 90)} days before it"
        elif a.kind == "since":
            after = clip(pivot, on if not a.length else pivot + timedelta(days=length - 1))
            before = (pivot - timedelta(days=DEFAULT_SPAN), pivot - days)
            why = f"since {pivot} ({what}) up to the text's date, against the year before"
        else:
            after = clip(pivot, pivot + timedelta(days=length - 1))
            before = (pivot - timedelta(days=DEFAULT_SPAN), pivot - days)
            why = f"the {length} days from {pivot} ({what}) against the {DEFAULT_SPAN} days before"
        if a.precision == "event" and a.end and a.end > a.start and a.kind in ("after", "since"):
            before = (a.start - timedelta(days=DEFAULT_SPAN), a.start - days)  # before the war, not during it
            why += f" it began ({a.start})"
        return Window(aspect, before=before, after=after, why=why)
    if aspect == "event":
        if a is not None and a.start:
            if a.precision in ("day", "event") and (a.end is None or (a.end - a.start).days <= 14):
                span = clip(a.start - timedelta(days=EVENT_HALF), (a.end or a.start) + timedelta(days=EVENT_HALF))
                return Window(aspect, span=span, why=f"a one-off event on {a.start} ({what}): "
                              f"{EVENT_HALF} days either side")
            if a.kind in ("point",) and a.end:
                return Window(aspect, span=clip(a.start, a.end), why=f"a one-off event in {what}: that span")
            if a.kind in ("after", "since"):
                lo = _pivot(a)
                span = clip(lo, lo + timedelta(days=FOLLOW_EVENT - 1 if a.precision != "year" else 364))
                return Window(aspect, span=span, why=f"a one-off event after {what}: the "
                              f"{(span[1] - span[0]).days + 1} days from {lo}")
        if context is not None and context.start:
            lo = context.start
            span = clip(lo, (context.end or lo) + timedelta(days=FOLLOW_EVENT))
            return Window(aspect, span=span, why=f"a one-off event with no date of its own, read in the time of "
                          f"the paragraph ('{context.text}'): {span[0]}..{span[1]}")
        return Window(aspect, span=(last - timedelta(days=DEFAULT_SPAN - 1), last),
                      why="a one-off event with no date: " + latest_why)
    # level
    if a is None or a.kind in (None, "relative") or (a.kind != "latest" and a.start is None):
        return Window(aspect, span=(last - timedelta(days=DEFAULT_SPAN - 1), last),
                      why="a standing relation with no date: " + latest_why)
    if a.kind == "latest":
        return Window(aspect, span=(last - timedelta(days=DEFAULT_SPAN - 1), last), why=f"'{a.text}': " + latest_why)
    if a.kind == "duration":
        return Window(aspect, span=clip(a.start, on), why=f"'{a.text}': {a.start} up to the text's date")
    if a.kind == "since":
        lo = _pivot(a)
        return Window(aspect, span=clip(lo, on), why=f"since {lo} ({what}) up to the text's date")
    if a.kind == "after":
        lo = _pivot(a)
        hi = lo + timedelta(days=(a.length or 2 * DEFAULT_SPAN) - 1)
        return Window(aspect, span=clip(lo, hi), why=f"after {what}: {lo} and the {(a.length or 2 * DEFAULT_SPAN)}"
                      f" days from it")
    if a.kind == "before":
        hi = a.start - days
        return Window(aspect, span=(hi - timedelta(days=2 * DEFAULT_SPAN - 1), hi),
                      why=f"before {what}: the two years up to {hi}")
    return Window(aspect, span=clip(a.start, a.end or a.start), why=f"the stated window {what}")
