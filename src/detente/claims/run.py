"""Evaluate a case: every hypothesis on every dataset, a verdict per dataset, one overall, with evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from detente import coverage
from detente.claims.casefile import Case, CaseError, Hypothesis, compile_case
from detente.claims.data import Source
from detente.claims.evidence import strongest
from detente.claims.kinds import COOPERATION, Context
from detente.claims.params import AUTO
from detente.claims.verdict import Component, combine, decide, decide_outcomes, decisive, with_edge

__all__ = ["ClaimResult", "evaluate", "bootstrap_draws"]

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
    robustness: dict = field(default_factory=dict)  # label (robust | fragile), variants -> verdict, flips
    edge: list[str] = field(default_factory=list)  # tests whose Monte-Carlo error could flip the verdict

    def __repr__(self) -> str:
        """Short: ``<ClaimResult C8 verdict=supported effect=-0.28 ci=[-0.6, -0.0037] robustness=fragile>``."""
        from detente.results import short_repr

        return short_repr("ClaimResult", id=self.id, verdict=self.verdict, effect=self.effect, ci=self.interval,
                          robustness=self.robustness.get("label", "-"))

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
            "robustness": self.robustness, "edge": self.edge,
        })

    def row(self) -> dict:
        """One flat line for a table."""
        lo, hi = self.interval
        days, low = coverage.claim_days(self.datasets)
        return {"id": self.id, "verdict": self.verdict, "kind": self.kind,
                "effect": _num(self.effect), "interval": f"[{_fmt(lo)}, {_fmt(hi)}]" if lo is not None else "",
                "datasets": "; ".join(f"{d}: {v['verdict']}" for d, v in self.datasets.items()),
                "robustness": self.robustness.get("summary", ""), "rests_on": days, "low_evidence": low,
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


SHIFT_DAYS = 14  # period boundaries moved by +/- two weeks in the robustness variants


def check_periods(source: Source, case: Case, datasets: list[str]) -> None:
    """Every period of the case must hold covered days of at least one dataset: else one line naming the
    period's FILE:LINE and what the store covers (before anything is computed)."""
    covs = {d: source.coverage(d) for d in datasets if source.has(d)}
    have = "; ".join(f"{d} {c[0]}..{c[1]}" for d, c in covs.items() if c) or "no dataset of the case"
    for p in case.periods.values():
        days = 0
        for d, c in covs.items():
            b = p.bounded(*c) if c else None
            if b:
                ix = source.days(d)
                days += int(((ix >= str(b[0])) & (ix <= str(b[1]))).sum())
        if not days:
            where = f"{case.path or '<case>'}:{p.line or 1}"
            what = "is empty (no covered day)" if any(c and p.bounded(*c) for c in covs.values()) else \
                "lies outside the data"
            raise CaseError(f"{where}: period {p.name} ({p.start or 'start'}..{p.end or 'end'}) {what}; the store "
                            f"covers {have}; move the period inside the coverage")


def evaluate(store, case: Case, ids: list[str] | None = None, datasets: list[str] | None = None,
             seed: int | None = None, bootstrap: int | None = None, robustness: bool = True) -> list[ClaimResult]:
    """Test every hypothesis of ``case`` against the store; one ClaimResult per hypothesis.

    ``robustness``: each claim is also judged under the other cooperation measures (intensity, tone, goldstein, net in
    place of the written one) and with every period boundary moved by -/+ SHIFT_DAYS; the result's
    ``robustness`` says robust (every variant gives the same verdict) or fragile (and which variant flips it).

    Parameters
    ----------
    store : Store, duckdb connection or Source
        The store to read (read-only is enough).
    case : Case
        From :func:`detente.claims.load_case` or :func:`detente.claims.loads_case`.
    ids : list of str, optional
        Only these hypotheses.
    datasets : list of str, optional
        Only these datasets (default: the case's, else gdelt_network and icews where the store has them).
    seed, bootstrap : int, optional
        Override the case's seed and bootstrap resamples.
    robustness : bool
        Also run the measure and boundary variants (slower).

    Returns
    -------
    list of ClaimResult
        In the case's order; ``verdict``, ``datasets`` (per dataset: verdict and tests), ``evidence``, ``row()``.

    Examples
    --------
    >>> import detente
    >>> from detente.claims import loads_case
    >>> case = loads_case('''
    ... name: demo
    ... actors: [ARM, AZE]
    ... periods:
    ...   war: {start: 2020-09-27, end: 2020-11-10}
    ... hypotheses:
    ...   - {id: H1, claim: they fought, kind: presence, dyad: ARM-AZE, polarity: conflictual, periods: [war]}
    ... ''')
    >>> store = detente.open(read_only=True)
    >>> (res,) = evaluate(store, case)
    >>> res.id, res.verdict
    ('H1', 'supported')
    >>> {d: v["verdict"] for d, v in res.datasets.items()}
    {'gdelt_network': 'supported', 'icews': 'insufficient data'}
    >>> c = res.datasets["gdelt_network"]["components"][0]
    >>> c.name, c.outcome, c.effect, c.n  # 43 of the war's 45 covered days scored net conflictual
    ('war: conflictual ARM-AZE', 'for', 43.0, 45)
    >>> store.close()
    """
    source = store if isinstance(store, Source) else Source(store)
    compile_case(case)
    seed = int(seed if seed is not None else case.defaults.get("seed", 1))
    B = bootstrap_draws(case, bootstrap)
    wanted = datasets or case.datasets or [d for d in DATASET_ORDER if source.has(d)] or source.datasets()
    check_periods(source, case, wanted)
    for ds in wanted:
        if source.has(ds):
            source.preload(ds, list(case.actors))
    ctx = Context(source, case, seed=seed, bootstrap=B)
    hyps = [case.hypothesis(i) for i in ids] if ids else case.hypotheses
    out = [evaluate_one(ctx, h, wanted) for h in hyps]
    if robustness:
        variants = [(f"measure={m}", Context(source, case, seed, B, measure=m)) for m in COOPERATION]
        variants += [(f"boundaries {s:+d} d", Context(source, case, seed, B, shift=s))
                     for s in (-SHIFT_DAYS, SHIFT_DAYS)]
        for _, vctx in variants:
            vctx.runs = ctx.runs
        for h, r in zip(hyps, out, strict=True):
            # "auto" (change's default: tone, or intensity at tone's bound) is swapped like a written measure
            uses = {ctx.m(getattr(t, "measure", None) or "") for t in h.tests} & {*COOPERATION, AUTO}
            got = {}
            for name, vctx in variants:
                if name.startswith("measure=") and (not uses or uses == {name[8:]}):
                    continue  # no cooperation measure to swap, or the variant is the written measure
                got[name] = evaluate_one(vctx, h, wanted, light=True).verdict
            flips = {k: v for k, v in got.items() if v != r.verdict}
            label = "fragile" if flips or r.edge else "robust"
            parts = [f"on the edge ({'; '.join(r.edge)})"] if r.edge else []
            parts += [f"{k} -> {v}" for k, v in flips.items()]
            summary = label if not parts else "fragile: " + "; ".join(parts)
            r.robustness = {"label": label, "variants": got, "flips": flips, "edge": r.edge, "summary": summary}
    return out


def bootstrap_draws(case: Any, bootstrap: int | None = None) -> int:
    """The bootstrap draws behind a case's tests: ``bootstrap`` when given, else the case file's
    ``defaults.bootstrap``, else ``stats.DEFAULT_B`` (what :func:`evaluate` uses, and what the report states).

    Examples
    --------
    >>> from detente.claims import load_case
    >>> bootstrap_draws(load_case("south_caucasus")), bootstrap_draws(load_case("south_caucasus"), 500)
    (1000, 500)
    """
    from detente.claims.stats import DEFAULT_B

    if bootstrap is not None:
        return int(bootstrap)
    return int((getattr(case, "defaults", None) or {}).get("bootstrap") or DEFAULT_B)


def evaluate_one(ctx: Context, h: Hypothesis, datasets: list[str], light: bool = False) -> ClaimResult:
    """One hypothesis on every dataset (``light``: the verdicts only, without evidence and series)."""
    per: dict[str, dict] = {}
    evidence: list[dict] = []
    series: dict[str, dict[str, list]] = {}
    if h.tests and all(getattr(t, "signal", None) for t in h.tests):
        datasets = []  # only signal tests: no event dataset speaks to it
    for ds in datasets:
        comps: list[Component] = []
        notes: list[str] = []
        specs = []
        if not ctx.source.has(ds):
            comps.append(Component(f"{ds}", ds, None, None, None, None, 0, "greater",
                                   note=f"dataset {ds} is not in the store; run `detente sources`"))
        else:
            for t in h.tests:
                if getattr(t, "signal", None):
                    continue  # a signal kind runs once, on its own dataset (below)
                r = _run(ctx, t, ds)
                if not light:
                    coverage.mark_components(ctx.source, ctx.case, ds, r, t)
                comps += r.components
                notes += r.notes
                specs += r.evidence
                if r.series and not light:
                    series.setdefault(ds, {}).update(
                        {k: [[i.date().isoformat(), round(float(v), 5)] for i, v in s.items()]
                         for k, s in r.series.items()})
            if not light and any(c.outcome != "insufficient" for c in comps):
                evidence += strongest(ctx.source, ds, specs, actors=list(ctx.case.actors))
        per[ds] = {"verdict": decide(comps), "components": comps, "notes": notes}
    for t in h.tests:  # trade, arms, ideal points: tested once on the dataset the kind names (kinds_signal)
        sig = getattr(t, "signal", None)
        if sig:
            r = _run(ctx, t, sig)
            if not light:
                coverage.mark_components(ctx.source, ctx.case, sig, r, t, signal=True)
            v = per.setdefault(sig, {"components": [], "notes": []})
            v["components"] += r.components
            v["notes"] += r.notes
            v["verdict"] = decide(v["components"])
            if not light:
                evidence += r.rows
            if r.series and not light:
                series.setdefault(sig, {}).update(
                    {k: [[i.date().isoformat(), round(float(x), 5)] for i, x in s.items()] for k, s in r.series.items()})
    verdict, agreement = combine({d: v["verdict"] for d, v in per.items()})
    if light:
        return ClaimResult(id=h.id, claim=h.claim, kind=h.kind, verdict=verdict, agreement=agreement)
    head = next(iter(decisive([c for v in per.values() for c in v["components"]], verdict)), None)
    return ClaimResult(
        id=h.id, claim=h.claim, kind=h.kind, verdict=verdict, agreement=agreement,
        effect=head.effect if head else None, interval=(head.lo, head.hi) if head else (None, None),
        p=head.p if head else None, headline=f"{head.dataset}: {head.name}" if head else None,
        datasets=per, evidence=evidence, series=series,
        needs=h.needs if verdict in ("insufficient data", "undecided") or any(
            v["verdict"] in ("insufficient data", "undecided") for v in per.values()) else None,
        spec=[t.spec() for t in h.tests],
        periods={k: p.as_dict() for k, p in ctx.case.periods.items()},
        edge=_edge(per, verdict),
    )


def _edge(per: dict[str, dict], verdict: str) -> list[str]:
    """The tests on the edge (``Component.edge``, set here from their bootstrap draws) whose other outcome
    would change the overall verdict, as 'dataset: test -> verdict': a verdict another seed or B could give."""
    out = []
    for ds, v in per.items():
        outs = [c.outcome for c in v["components"]]
        for i, c in enumerate(v["components"]):
            with_edge(c)
            if c.edge is None:
                continue
            alt = combine({d: decide_outcomes(outs[:i] + [c.edge] + outs[i + 1:]) if d == ds else w["verdict"]
                           for d, w in per.items()})[0]
            if alt != verdict:
                out.append(f"{ds}: {c.name} -> {alt}")
    return out


def _run(ctx: Context, t: Any, ds: str) -> Any:
    """``t.run(ctx, ds)``, memoised within one evaluation: a robustness variant that swaps the cooperation measure
    leaves a test without one (presence, volume, influence) unchanged, so its run is reused, not redone."""
    m = getattr(t, "measure", None) or ""
    key = (id(t), ds, ctx.m(m), ctx.shift, ctx.B, ctx.seed)
    runs = ctx.runs
    if key not in runs:
        runs[key] = (t, t.run(ctx, ds))  # t kept alive so its id is never reused by another test
    return runs[key][1]


