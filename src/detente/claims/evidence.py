"""The strongest events on each side of a verdict, with their provenance (event id, source URL).

Ranking: an event reported by several independent sources outranks a lone report; within that, intensity
(|Goldstein|) weighted by log2(1 + sources). A single-source event at the extremes of the scale
(|Goldstein| >= 8) is marked ``single_source_extreme``: the kind of row a coding error or one outlet's framing makes.
Events are taken only inside the claim's own window (the evidence spec's start..end).

Internal: used by :func:`detente.claims.evaluate` (each result's ``evidence``); not part of the Python API.

>>> rank(10.0, 1) < rank(7.0, 3)    # a corroborated 7 outranks a lone 10
True
>>> single_source_extreme(-10.0, 1), single_source_extreme(-10.0, 4), single_source_extreme(3.4, 1)
(True, False, False)
"""

from __future__ import annotations

import math

import pandas as pd

from detente.claims.data import Source
from detente.claims.kinds import Evidence

__all__: list[str] = []

PER_SIDE = 5
EXTREME = 8.0  # |Goldstein| at or beyond which a single-source event is flagged


def rank(goldstein: float, n_sources: int | None) -> tuple[int, float]:
    """The sort key (higher first): corroborated (2+ sources) before single reports, then |g| x log2(1 + sources)."""
    n = max(1, int(n_sources or 1))
    return (1 if n >= 2 else 0, abs(goldstein) * math.log2(1 + n))


def single_source_extreme(goldstein: float | None, n_sources: int | None) -> bool:
    return goldstein is not None and abs(goldstein) >= EXTREME and int(n_sources or 1) <= 1


def strongest(source: Source, dataset: str, specs: list[Evidence], per_side: int = PER_SIDE,
              actors: list[str] | None = None) -> list[dict]:
    """Up to ``per_side`` events (or days) for and against the claim, most intense first.

    A spec with sign +1 means cooperative events on that dyad support the claim and conflictual ones
    count against it; sign -1 the reverse. dyad_days datasets give their most extreme days instead.
    ``actors`` (the case's) lets event datasets be read once per evaluation instead of once per dyad.
    """
    rows: list[dict] = []
    seen: set = set()
    for sp in _merge(specs):
        for r in _fetch(source, dataset, sp, per_side, actors):
            key = (r["dataset"], r["event_id"] or (r["date"], r["source"], r["target"]))
            if key in seen:
                continue
            seen.add(key)
            coop = _strength(r) > 0
            r["side"] = "for" if coop == (sp.sign > 0) else "against"
            rows.append(r)
    out = []
    for side in ("for", "against"):
        side_rows = sorted((r for r in rows if r["side"] == side),
                           key=lambda r: rank(_strength(r), r.get("n_sources")), reverse=True)
        out += side_rows[:per_side]
    return out


def _strength(r: dict) -> float:
    return float(r.get("goldstein") if r.get("goldstein") is not None else r.get("score") or 0.0)


def _merge(specs: list[Evidence]) -> list[Evidence]:
    out: dict = {}
    for s in specs:
        key = (s.dyad, s.sign)
        if key in out:
            o = out[key]
            lo = min(x for x in (o.start, s.start) if x) if (o.start and s.start) else None
            hi = max(x for x in (o.end, s.end) if x) if (o.end and s.end) else None
            out[key] = Evidence(s.dyad, s.sign, lo, hi)
        else:
            out[key] = s
    return list(out.values())


def _fetch(source: Source, dataset: str, sp: Evidence, k: int, actors: list[str] | None) -> list[dict]:
    """The k strongest rows each way for one spec (cached on the Source: a warm re-run reads nothing)."""
    cache = source._evidence
    key = (dataset, sp.dyad, sp.start, sp.end, k, tuple(sorted(actors or [])))
    if key not in cache:
        cache[key] = _fetch_rows(source, dataset, sp, k, actors)
    return [dict(r) for r in cache[key]]


def _fetch_rows(source: Source, dataset: str, sp: Evidence, k: int, actors: list[str] | None) -> list[dict]:
    d = sp.dyad
    lo, hi = sp.start or "1900-01-01", sp.end or "2999-12-31"
    if source.shape.get(dataset) == "events":
        ev = source.events_among(dataset, sorted(set(actors or []) | set(d.actors)))
        m = (ev["source_actor"] == d.a) & (ev["target_actor"] == d.b)
        if not d.directed:
            m |= (ev["source_actor"] == d.b) & (ev["target_actor"] == d.a)
        m &= (ev["date"] >= pd.Timestamp(lo)) & (ev["date"] <= pd.Timestamp(hi))
        sel = ev[m]
        n_src = sel["n_sources"] if "n_sources" in sel else pd.Series(1, index=sel.index)
        keys = [rank(g, n) for g, n in zip(sel["goldstein"], n_src, strict=True)]
        sel = sel.assign(_c=[x[0] for x in keys], _w=[x[1] for x in keys], n_sources=n_src)
        sel = sel.sort_values(["_c", "_w", "date"], ascending=[False, False, True])
        rows = []
        for part in (sel[sel["goldstein"] > 0].head(k), sel[sel["goldstein"] < 0].head(k)):
            for r in part.itertuples(index=False):
                rows.append({"date": pd.Timestamp(r.date).date(), "source": r.source_actor, "target": r.target_actor,
                             "event_type": r.cameo_name or r.cameo_code, "cameo_code": r.cameo_code,
                             "goldstein": float(r.goldstein), "dataset": dataset,
                             "source_url": r.source_url if isinstance(r.source_url, str) else None,
                             "event_id": r.event_id, "source_text": r.source_text, "target_text": r.target_text,
                             "dyad": str(d), "n_sources": int(r.n_sources),
                             "single_source_extreme": single_source_extreme(float(r.goldstein), int(r.n_sources))})
        return rows
    a, b = sorted(d.actors)
    sc = source.scores(dataset, d)
    sc = sc[(sc.index >= pd.Timestamp(lo)) & (sc.index <= pd.Timestamp(hi))]
    rows = []
    for part in (sc[sc > 0].nlargest(k), sc[sc < 0].nsmallest(k)):
        for day, v in part.items():
            rows.append({"date": day.date(), "source": a, "target": b, "event_type": "daily net score (all events)",
                         "cameo_code": None, "goldstein": None, "score": float(v), "dataset": dataset,
                         "source_url": None, "event_id": None, "dyad": str(d)})
    return rows
