"""Coverage is data: which days each dataset covers for each actor, computed once per store open.

A dataset "covers" a day when it holds any row that day (its date coverage, ``datasets.coverage_*`` and the days
with rows). It covers an *actor* only if the actor can appear in it at all: the GDELT daily network is a matrix
over a fixed list of 249 countries (no Kosovo), so a dyad with an actor outside that list is "no data", never a
dyad with zero events. Beyond that, how often an actor appears is the evidence behind any number about it:
:func:`actor_table` gives days present per dataset and actor, and :func:`low_evidence` applies the stated floor.

Examples
--------
>>> EVIDENCE_FLOOR_DAYS
30
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Iterable
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from detente.store import files_state

if TYPE_CHECKING:
    from detente.store import Store

__all__ = ["EVIDENCE_FLOOR_DAYS", "actor_table", "answer_days", "covers_actor", "describe", "gaps", "low_evidence",
           "universe", "window_coverage"]

EVIDENCE_FLOOR_DAYS = 30  # an actor present on fewer days than this in a dataset and period is low-evidence
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_PAIRS: dict[int, tuple[pd.DataFrame, frozenset]] = {}
_SHARED: dict[tuple, pd.DataFrame] = {}  # (store file, files state) -> actor table, read-only stores


@functools.cache
def universe(dataset: str) -> frozenset[str] | None:
    """The actors a dataset can hold at all (None: any actor, as in event datasets).

    Examples
    --------
    >>> u = universe("gdelt_network")
    >>> len(u), "ARM" in u, "XKX" in u, universe("icews")
    (249, True, False, None)
    """
    if dataset == "gdelt_network":
        text = resources.files("detente.data").joinpath("gdelt_network_countries.txt").read_text()
        return frozenset(x.strip() for x in text.split() if x.strip())
    return None


def actor_table(store: Store) -> pd.DataFrame:
    """(dataset, actor, first_day, last_day, days): the days each actor appears in each dataset (memoised).

    The memo is per store and is renewed when a file is ingested or removed.

    Examples
    --------
    >>> import tempfile
    >>> from detente.store import Store
    >>> tmp = tempfile.TemporaryDirectory()
    >>> store = Store(tmp.name + "/example.duckdb")  # an empty store, then two hand-made dyad-days
    >>> _ = store.con.execute("INSERT INTO datasets (name, title) VALUES ('gdelt_network', 'hand-made rows')")
    >>> _ = store.con.execute("INSERT INTO dyad_days VALUES ('2021-03-01', 'ARM', 'AZE', false, -3.5, "
    ...                       "'gdelt_network', 'n.zip', NULL), ('2021-03-02', 'ARM', 'AZE', false, 1.0, "
    ...                       "'gdelt_network', 'n.zip', NULL)")
    >>> actor_table(store)[["dataset", "actor", "days"]].values.tolist()
    [['gdelt_network', 'ARM', 2], ['gdelt_network', 'AZE', 2]]
    >>> store.close(); tmp.cleanup()
    """
    hit = _CACHE.get(store)
    key = files_state(store)  # read once for a read-only store, every call for a writable one
    if hit is not None and hit[0] == key:
        return hit[1]
    # read-only opens of the same file and contents (the report, its claims and each Reader open several) share
    # one table: only an ingest, which changes ``files``, changes it
    shared = (str(store.path), key) if getattr(store, "read_only", False) and Path(store.path).is_file() else None
    if shared is not None and shared in _SHARED:
        _CACHE[store] = (key, _SHARED[shared])
        return _SHARED[shared]
    frame = store.con.execute("""
        WITH sides AS (
          SELECT dataset, actor_a AS actor, date FROM dyad_days WHERE actor_a <> actor_b UNION ALL
          SELECT dataset, actor_b, date FROM dyad_days WHERE actor_a <> actor_b UNION ALL
          SELECT dataset, source_country, date FROM events WHERE source_country IS NOT NULL UNION ALL
          SELECT dataset, target_country, date FROM events WHERE target_country IS NOT NULL)
        SELECT dataset, actor, min(date) AS first_day, max(date) AS last_day, count(DISTINCT date) AS days
        FROM sides GROUP BY ALL ORDER BY ALL""").df()
    _CACHE[store] = (key, frame)
    if shared is not None:
        if len(_SHARED) > 8:
            _SHARED.clear()
        _SHARED[shared] = frame
    return frame


def covers_actor(store: Store, dataset: str, actor: str) -> bool:
    """Can ``dataset`` say anything about ``actor``? False when the actor is outside the dataset's universe or
    never appears in it (then every measure of a dyad with it is NULL, "no data").

    Examples
    --------
    >>> import tempfile
    >>> from detente.store import Store
    >>> tmp = tempfile.TemporaryDirectory()
    >>> store = Store(tmp.name + "/example.duckdb")  # an empty store, then two hand-made dyad-days
    >>> _ = store.con.execute("INSERT INTO datasets (name, title) VALUES ('gdelt_network', 'hand-made rows')")
    >>> _ = store.con.execute("INSERT INTO dyad_days VALUES ('2021-03-01', 'ARM', 'AZE', false, -3.5, "
    ...                       "'gdelt_network', 'n.zip', NULL), ('2021-03-02', 'ARM', 'AZE', false, 1.0, "
    ...                       "'gdelt_network', 'n.zip', NULL)")
    >>> covers_actor(store, "gdelt_network", "ARM"), covers_actor(store, "gdelt_network", "XKX")
    (True, False)
    >>> covers_actor(store, "gdelt_network", "GEO")  # in the universe, but never in these rows
    False
    >>> store.close(); tmp.cleanup()
    """
    u = universe(dataset)
    if u is not None and actor not in u:
        return False
    t = actor_table(store)
    hit = _PAIRS.get(id(t))
    if hit is None or hit[0] is not t:  # (dataset, actor) pairs as a set, once per table
        if len(_PAIRS) > 16:
            _PAIRS.clear()
        hit = _PAIRS[id(t)] = (t, frozenset(zip(t["dataset"].tolist(), t["actor"].tolist(), strict=True)))
    return (dataset, actor) in hit[1]


def low_evidence(days_present: int | None, floor: int = EVIDENCE_FLOOR_DAYS) -> bool:
    """True when a number rests on fewer than ``floor`` days with data.

    Examples
    --------
    >>> low_evidence(12), low_evidence(349), low_evidence(None)
    (True, False, True)
    """
    return days_present is None or days_present < floor


def describe(store: Store, actors: list[str]) -> list[dict]:
    """One row per dataset and actor: days present, first and last day, and the low-evidence flag.

    Examples
    --------
    >>> import tempfile
    >>> from detente.store import Store
    >>> tmp = tempfile.TemporaryDirectory()
    >>> store = Store(tmp.name + "/example.duckdb")  # an empty store, then two hand-made dyad-days
    >>> _ = store.con.execute("INSERT INTO datasets (name, title) VALUES ('gdelt_network', 'hand-made rows')")
    >>> _ = store.con.execute("INSERT INTO dyad_days VALUES ('2021-03-01', 'ARM', 'AZE', false, -3.5, "
    ...                       "'gdelt_network', 'n.zip', NULL), ('2021-03-02', 'ARM', 'AZE', false, 1.0, "
    ...                       "'gdelt_network', 'n.zip', NULL)")
    >>> [(r["actor"], r["in_universe"], r["days"], r["low_evidence"]) for r in describe(store, ["ARM", "XKX"])]
    [('ARM', True, 2, True), ('XKX', False, 0, True)]
    >>> store.close(); tmp.cleanup()
    """
    t = actor_table(store)
    datasets = [r[0] for r in store.con.execute("SELECT name FROM datasets ORDER BY name").fetchall()]
    out = []
    for ds in datasets:
        for a in actors:
            row = t[(t.dataset == ds) & (t.actor == a)]
            days = int(row.days.iloc[0]) if len(row) else 0
            if days == 0 and universe(ds) is None and not len(t[t.dataset == ds]):
                continue  # a signals-only dataset: no actor-days
            out.append({"dataset": ds, "actor": a, "in_universe": covers_actor(store, ds, a) or days > 0,
                        "days": days, "first_day": row.first_day.iloc[0] if len(row) else None,
                        "last_day": row.last_day.iloc[0] if len(row) else None, "low_evidence": low_evidence(days)})
    return out


def gaps(days: Iterable, start: date, end: date) -> list[tuple[date, date]]:
    """The runs of calendar days in ``start..end`` that are not in ``days`` (covered days), as (first, last).

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> covered = [date(2021, 8, 30), date(2021, 8, 31), date(2021, 11, 1)]
    >>> gaps(covered, date(2021, 8, 30), date(2021, 11, 2))
    [(datetime.date(2021, 9, 1), datetime.date(2021, 10, 31)), (datetime.date(2021, 11, 2), datetime.date(2021, 11, 2))]
    """
    from datetime import timedelta

    have = {d.date() if hasattr(d, "date") and callable(d.date) else d for d in days}
    out: list[tuple[date, date]] = []
    day, run = start, None
    while day <= end:
        if day not in have:
            run = (run[0], day) if run else (day, day)
        elif run:
            out.append(run)
            run = None
        day += timedelta(days=1)
    if run:
        out.append(run)
    return out


def window_coverage(store: Store, start: date | None, end: date | None, kind: str = "events") -> list[dict]:
    """For each dataset of ``kind`` (events or dyad_days): the covered days of ``start..end`` and the gaps,
    with a one-line note when the dataset does not cover the whole window (so "0 events" is never read as
    "nothing happened" where the dataset has no data).

    Parameters
    ----------
    store
        An open store.
    start, end
        The inclusive window; None for the dataset's first or last day.
    kind
        ``events`` (event datasets such as ICEWS) or ``dyad_days`` (the GDELT daily network).

    Returns
    -------
    list of dict
        Per dataset: ``dataset``, ``start`` and ``end`` (the window, filled from the data when None),
        ``covered_days``, ``days`` (in the window), ``gaps`` (``[first, last]`` day pairs) and ``note`` (None when
        there is no gap).

    Examples
    --------
    ICEWS in the bundle ends on 2022-08-31:

    >>> import detente
    >>> from datetime import date
    >>> store = detente.open(read_only=True)
    >>> [w] = window_coverage(store, date(2022, 8, 29), date(2022, 9, 2))
    >>> w["dataset"], w["covered_days"], w["days"], [[str(a), str(b)] for a, b in w["gaps"]]
    ('icews', 3, 5, [['2022-09-01', '2022-09-02']])
    >>> w["note"]
    'icews does not cover 2022-09-01..2022-09-02: no events there means no data, not no events'
    >>> [(w["dataset"], w["covered_days"], w["note"]) for w in window_coverage(store, date(2021, 1, 1),
    ...                                                                        date(2021, 1, 31), "dyad_days")]
    [('gdelt_network', 31, None)]
    >>> store.close()
    """
    from detente import relations

    r = relations.shared_reader(store)
    out = []
    for info in r.infos().values():
        if info.kind != kind:
            continue
        days = r.days(info.name)
        lo, hi = start or (days[0].date() if len(days) else None), end or (days[-1].date() if len(days) else None)
        if lo is None or hi is None:
            continue
        sel = [d.date() for d in days if lo <= d.date() <= hi]
        holes = gaps(sel, lo, hi)
        note = None
        if holes:
            spans = ", ".join(f"{a}..{b}" if a != b else str(a) for a, b in holes[:4])
            more = f" and {len(holes) - 4} more gaps" if len(holes) > 4 else ""
            note = f"{info.name} does not cover {spans}{more}: no events there means no data, not no events"
        out.append({"dataset": info.name, "start": lo, "end": hi, "covered_days": len(sel),
                    "days": (hi - lo).days + 1, "gaps": [[a, b] for a, b in holes], "note": note})
    return out


def answer_days(store: Store, start: date | str | None = None, end: date | str | None = None) -> list[dict]:
    """The covered days an answer over ``start..end`` (default: all of each dataset) rests on, per dataset of
    events or dyad-days: first and last day of the window, covered days of the calendar days, and the note when
    the window has gaps (the API's ``covered`` field on answers that have no per-row days of their own).

    Examples
    --------
    >>> import tempfile
    >>> from detente.store import Store
    >>> tmp = tempfile.TemporaryDirectory()
    >>> store = Store(tmp.name + "/example.duckdb")  # an empty store, then two hand-made dyad-days
    >>> _ = store.con.execute("INSERT INTO datasets (name, title) VALUES ('gdelt_network', 'hand-made rows')")
    >>> _ = store.con.execute("INSERT INTO dyad_days VALUES ('2021-03-01', 'ARM', 'AZE', false, -3.5, "
    ...                       "'gdelt_network', 'n.zip', NULL), ('2021-03-03', 'ARM', 'AZE', false, 1.0, "
    ...                       "'gdelt_network', 'n.zip', NULL)")
    >>> [(r["dataset"], str(r["start"]), str(r["end"]), r["covered_days"], r["days"]) for r in answer_days(store)]
    [('gdelt_network', '2021-03-01', '2021-03-03', 2, 3)]
    >>> store.close(); tmp.cleanup()
    """
    lo = date.fromisoformat(str(start)[:10]) if start else None
    hi = date.fromisoformat(str(end)[:10]) if end else None
    rows = window_coverage(store, lo, hi, "events") + window_coverage(store, lo, hi, "dyad_days")
    return [{k: r[k] for k in ("dataset", "start", "end", "covered_days", "days", "note")} for r in rows]



def rests_on(source: Any, dataset: str, dyads: Iterable[Any], start: date | None, end: date | None) -> dict:
    """The days a test result rests on in ``dataset``: the dataset's covered days in ``start..end`` (clipped to
    its coverage), the days any of ``dyads`` has data, per dyad, and the low-evidence mark: fewer days with data
    than the network's floor for that many covered days (``network.day_floor``: 30, or a quarter of a short
    window's covered days), so a claim's test and a network edge on the same days agree.

    ``source`` is a :class:`detente.claims.data.Source` (its frames are cached and shared with the tests); the
    answer is memoised per source (tests of one claim, and claims on the same dyads and period, share it).
    """
    dyads = list(dict.fromkeys(dyads))
    memo = _RESTS.setdefault(source, {})
    key = (dataset, tuple(dyads), start, end)
    if key not in memo:
        memo[key] = _rests_on(source, dataset, dyads, start, end)
    return dict(memo[key])


_RESTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Source -> {(dataset, dyads, lo, hi): answer}


def _rests_on(source: Any, dataset: str, dyads: list, start: date | None, end: date | None) -> dict:
    from detente import network
    from detente.claims.data import clip

    cov = source.coverage(dataset)
    if cov is None:
        return {"dataset": dataset, "start": None, "end": None, "covered_days": 0, "days_with_data": 0,
                "dyad_days": {}, "floor": EVIDENCE_FLOOR_DAYS, "low_evidence": None}  # no data: not "low"
    lo = max(start, cov[0]) if start else cov[0]
    hi = min(end, cov[1]) if end else cov[1]
    if lo > hi:  # the window lies outside the dataset: it rests on no day
        return {"dataset": dataset, "start": start, "end": end, "covered_days": 0, "days_with_data": 0,
                "dyad_days": {str(d): 0 for d in dict.fromkeys(dyads)}, "floor": EVIDENCE_FLOOR_DAYS,
                "low_evidence": None}
    ix = source.days(dataset)
    covered = int(((ix >= pd.Timestamp(lo)) & (ix <= pd.Timestamp(hi))).sum())
    per: dict[str, int] = {}
    any_day: pd.Index | None = None
    for d in dict.fromkeys(dyads):
        f = clip(source.frame(dataset, d), lo, hi)
        have = f.index[(f["n"].fillna(0) > 0) | (f["abs"].fillna(0) > 0)]
        per[str(d)] = len(have)
        any_day = have if any_day is None else any_day.union(have)
    floor = network.day_floor(covered)
    # without a dyad (a test over a set of actors) the result rests on the covered days themselves
    with_data = len(any_day) if any_day is not None else None
    return {"dataset": dataset, "start": lo, "end": hi, "covered_days": covered, "days_with_data": with_data,
            "dyad_days": per, "floor": floor,
            "low_evidence": None if covered == 0 else low_evidence(covered if with_data is None else with_data, floor)}


def _dyads_of(test: Any) -> list:
    """The dyads a hypothesis test names in its parameters (x, y, dyad, dyads, ...), in order."""
    from detente.claims.data import Dyad

    out: list = []
    for v in (getattr(test, "p", None) or {}).values():
        for x in v if isinstance(v, list) else [v]:
            if isinstance(x, Dyad):
                out.append(x)
    return out


def mark_components(source: Any, case: Any, dataset: str, run: Any, test: Any = None, signal: bool = False) -> None:
    """Give each component of a test ``run`` on ``dataset`` the days it rests on (``Component.rests_on``,
    ``covered_days``, ``days_with_data``, ``low_evidence``). The window is the component's period when it names one
    of the case's, else the span of the run's evidence windows, else the dataset's coverage; the dyads are the
    run's evidence dyads, else the dyads the ``test`` names. A signal dataset (trade, arms, ideal points) rests on the component's ``n`` monthly or
    yearly observations: low evidence below the test's own minimum."""
    for c in run.components:
        if c.rests_on is not None:
            continue  # a memoised run shared by the robustness variants: marked once
        if signal:
            c.rests_on = {"dataset": dataset, "observations": int(c.n), "minimum": int(c.min_n),
                          "low_evidence": int(c.n) < int(c.min_n)}
            c.low_evidence = c.rests_on["low_evidence"]
            continue
        if not source.has(dataset):
            c.rests_on = {"dataset": dataset, "covered_days": 0, "days_with_data": 0, "low_evidence": None}
            c.covered_days, c.days_with_data, c.low_evidence = 0, 0, None  # no data is NULL, not low evidence
            continue
        ev = list(run.evidence)
        if c.period in (case.periods or {}):
            p = case.periods[c.period]
            lo, hi = p.start, p.end
        elif ev:
            starts, ends = [e.start for e in ev], [e.end for e in ev]
            lo = None if any(s is None for s in starts) else min(starts)
            hi = None if any(e is None for e in ends) else max(ends)
        else:
            lo = hi = None
        c.rests_on = rests_on(source, dataset, [e.dyad for e in ev] or _dyads_of(test), lo, hi)
        c.covered_days, c.days_with_data = c.rests_on["covered_days"], c.rests_on["days_with_data"]
        c.low_evidence = c.rests_on["low_evidence"]


def claim_days(datasets: dict[str, dict]) -> tuple[str, str]:
    """Two short texts for a claim's table row from its per-dataset components: the days its tests rest on
    (covered days of their windows, as a range over the tests; observations for a signal dataset) and which
    tests are low-evidence, per dataset.

    >>> from types import SimpleNamespace as C
    >>> per = {"gdelt_network": {"components": [C(covered_days=996, low_evidence=False, rests_on={}),
    ...                                         C(covered_days=45, low_evidence=False, rests_on={})]},
    ...        "icews": {"components": [C(covered_days=484, low_evidence=True, rests_on={})]},
    ...        "partner_trade": {"components": [C(covered_days=None, low_evidence=False,
    ...                                            rests_on={"observations": 34})]}}
    >>> claim_days(per)
    ('gdelt_network 45-996 d; icews 484 d; partner_trade 34 obs', 'icews 1/1')
    """
    days, low = [], []
    for ds, body in datasets.items():
        comps = [c for c in (body or {}).get("components") or [] if getattr(c, "rests_on", None) is not None]
        if not comps:
            continue
        cov = [c.covered_days for c in comps if c.covered_days is not None]
        obs = [c.rests_on.get("observations") for c in comps if c.rests_on.get("observations") is not None]
        if cov:
            lo, hi = min(cov), max(cov)
            days.append(f"{ds} {lo}-{hi} d" if lo != hi else f"{ds} {lo} d")
        elif obs:
            lo, hi = min(obs), max(obs)
            days.append(f"{ds} {lo}-{hi} obs" if lo != hi else f"{ds} {lo} obs")
        k = sum(1 for c in comps if c.low_evidence)
        if k:
            low.append(f"{ds} {k}/{len(comps)}")
    return "; ".join(days), "; ".join(low)
