"""The strongest events on each side of a verdict, with their provenance (event id, source URL)."""

from __future__ import annotations

import pandas as pd

from detente.claims.data import Source
from detente.claims.kinds import Evidence

PER_SIDE = 5


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
        side_rows = sorted((r for r in rows if r["side"] == side), key=lambda r: -abs(_strength(r)))
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
    cache = source.__dict__.setdefault("_evidence", {})
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
        sel = ev[m].sort_values(["goldstein", "date"])
        rows = []
        for part in (sel[sel["goldstein"] > 0].iloc[::-1].head(k), sel[sel["goldstein"] < 0].head(k)):
            for r in part.itertuples(index=False):
                rows.append({"date": pd.Timestamp(r.date).date(), "source": r.source_actor, "target": r.target_actor,
                             "event_type": r.cameo_name or r.cameo_code, "cameo_code": r.cameo_code,
                             "goldstein": float(r.goldstein), "dataset": dataset,
                             "source_url": r.source_url if isinstance(r.source_url, str) else None,
                             "event_id": r.event_id, "source_text": r.source_text, "target_text": r.target_text,
                             "dyad": str(d)})
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
