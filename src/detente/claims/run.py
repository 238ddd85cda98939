"""Evaluate a case: every hypothesis on every dataset, a verdict per dataset, one overall, with evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from detente.claims.casefile import Case, Hypothesis
from detente.claims.data import Source
from detente.claims.evidence import strongest
from detente.claims.kinds import Context
from detente.claims.verdict import Component, combine, decide

DATASET_ORDER = ("gdelt_network", "icews")


@dataclass
class ClaimResult:
    id: str
    claim: str
    kind: str
    verdict: str
    agreement: str
    effect: float | None = None
    interval: tuple[float | None, float | None] = (None, None)
    p: float | None = None
    headline: str | None = None
    datasets: dict[str, dict] = field(default_factory=dict)  # dataset -> {verdict, components, notes}
    evidence: list[dict] = field(default_factory=list)
    series: dict[str, dict[str, list]] = field(default_factory=dict)  # dataset -> label -> [[date, value]]
    needs: str | None = None
    spec: list[dict] = field(default_factory=list)
    periods: dict[str, dict] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-ready: dates as ISO text, NaN and infinities as None."""
        return _json({
            "id": self.id, "claim": self.claim, "kind": self.kind, "verdict": self.verdict,
            "agreement": self.agreement, "effect": _num(self.effect),
            "interval": [_num(self.interval[0]), _num(self.interval[1])], "p": _num(self.p),
            "headline": self.headline,
            "datasets": {d: {"verdict": v["verdict"], "components": [c.as_dict() for c in v["components"]],
                             "notes": v["notes"]} for d, v in self.datasets.items()},
            "evidence": [{k: _plain(v) for k, v in e.items()} for e in self.evidence],
            "series": self.series, "needs": self.needs, "spec": self.spec, "periods": self.periods,
        })

    def row(self) -> dict:
        """One flat line for a table."""
        lo, hi = self.interval
        return {"id": self.id, "verdict": self.verdict, "kind": self.kind,
                "effect": _num(self.effect), "interval": f"[{_fmt(lo)}, {_fmt(hi)}]" if lo is not None else "",
                "datasets": "; ".join(f"{d}: {v['verdict']}" for d, v in self.datasets.items()),
                "claim": self.claim}


def _num(v: Any) -> float | None:
    if v is None:
        return None
    v = float(v)
    return None if math.isnan(v) else (v if math.isfinite(v) else None)


def _fmt(v: Any) -> str:
    v = _num(v)
    return "inf" if v is None else f"{v:.3g}"


def _json(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _json(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    if isinstance(v, float) or hasattr(v, "item"):
        return _num(v) if not isinstance(v, bool) else v
    return _plain(v)


def _plain(v: Any) -> Any:
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def evaluate(store, case: Case, ids: list[str] | None = None, datasets: list[str] | None = None,
             seed: int | None = None, bootstrap: int | None = None) -> list[ClaimResult]:
    """Test every hypothesis of ``case`` against the store; one ClaimResult per hypothesis."""
    source = store if isinstance(store, Source) else Source(store)
    seed = int(seed if seed is not None else case.defaults.get("seed", 1))
    B = int(bootstrap if bootstrap is not None else case.defaults.get("bootstrap", 2000))
    ctx = Context(source, case, seed=seed, bootstrap=B)
    wanted = datasets or case.datasets or [d for d in DATASET_ORDER if source.has(d)] or source.datasets()
    hyps = [case.hypothesis(i) for i in ids] if ids else case.hypotheses
    return [evaluate_one(ctx, h, wanted) for h in hyps]


def evaluate_one(ctx: Context, h: Hypothesis, datasets: list[str]) -> ClaimResult:
    per: dict[str, dict] = {}
    evidence: list[dict] = []
    series: dict[str, dict[str, list]] = {}
    for ds in datasets:
        comps: list[Component] = []
        notes: list[str] = []
        specs = []
        if not ctx.source.has(ds):
            comps.append(Component(f"{ds}", ds, None, None, None, None, 0, "greater",
                                   note=f"dataset {ds} is not in the store; run `detente sources`"))
        else:
            for t in h.tests:
                r = t.run(ctx, ds)
                comps += r.components
                notes += r.notes
                specs += r.evidence
                if r.series:
                    series.setdefault(ds, {}).update(
                        {k: [[i.date().isoformat(), round(float(v), 5)] for i, v in s.items()]
                         for k, s in r.series.items()})
            if any(c.outcome != "insufficient" for c in comps):
                evidence += strongest(ctx.source, ds, specs, actors=list(ctx.case.actors))
        per[ds] = {"verdict": decide(comps), "components": comps, "notes": notes}
    verdict, agreement = combine({d: v["verdict"] for d, v in per.items()})
    head = _headline(per)
    return ClaimResult(
        id=h.id, claim=h.claim, kind=h.kind, verdict=verdict, agreement=agreement,
        effect=head.effect if head else None, interval=(head.lo, head.hi) if head else (None, None),
        p=head.p if head else None, headline=f"{head.dataset}: {head.name}" if head else None,
        datasets=per, evidence=evidence, series=series,
        needs=h.needs if verdict == "insufficient data" or any(
            v["verdict"] == "insufficient data" for v in per.values()) else None,
        spec=[t.spec() for t in h.tests],
        periods={k: p.as_dict() for k, p in ctx.case.periods.items()},
    )


def _headline(per: dict[str, dict]) -> Component | None:
    """The component a one-line summary quotes: the first decided one, in dataset order."""
    for v in per.values():
        for c in v["components"]:
            if c.outcome in ("for", "against"):
                return c
    for v in per.values():
        for c in v["components"]:
            if c.outcome == "undecided":
                return c
    return None
