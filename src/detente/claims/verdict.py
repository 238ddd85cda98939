"""The verdict rule, written once: test results become supported / contradicted / mixed / undecided / insufficient data.

docs/claims.md states the same rule in words; every hypothesis kind and every dataset goes through
:func:`outcome`, :func:`decide` and :func:`combine` and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

VERDICTS = ("supported", "contradicted", "mixed", "undecided", "insufficient data")
OUTCOMES = ("for", "against", "undecided", "insufficient")
EXPECTS = ("greater", "less", "none", "nonzero")


@dataclass
class Component:
    """One test inside a hypothesis: one period, one dataset, one comparison."""

    name: str
    dataset: str
    effect: float | None
    lo: float | None
    hi: float | None
    p: float | None
    n: int
    expect: str  # greater | less | none | nonzero (the claim says: effect > null, < null, ~ null, != null)
    null: float = 0.0
    margin: float = 0.0  # smallest effect that matters; |effect - null| <= margin counts as no effect
    min_n: int = 1
    method: str = ""
    period: str | None = None
    note: str | None = None
    outcome: str = field(default="insufficient")
    extra: dict = field(default_factory=dict)
    # the days it rests on (coverage.mark_components): the dataset's covered days in the test's window, the days
    # its dyads have data, and low_evidence below the floor; rests_on holds the window and the days per dyad
    covered_days: int | None = None
    days_with_data: int | None = None
    low_evidence: bool | None = None
    rests_on: dict | None = None

    def __post_init__(self) -> None:
        self.outcome = outcome(self)

    def as_dict(self) -> dict:
        d = asdict(self)
        for k in ("effect", "lo", "hi", "p"):
            v = d[k]
            d[k] = None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
        return d


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def outcome(c: Component) -> str:
    """One test: 'for' / 'against' the claim, 'undecided' (interval too wide), or 'insufficient' (no data).

    greater: interval above null -> for; below null -> against; inside null +/- margin -> against
             (the claimed difference is negligible); otherwise undecided.  less: the mirror image.
    none:    interval inside null +/- margin -> for; interval excluding null with |effect - null| > margin
             -> against; otherwise undecided.  nonzero: the mirror image of none.
    """
    if c.expect not in EXPECTS:
        raise ValueError(f"expect must be one of {', '.join(EXPECTS)}, got {c.expect!r}")
    if c.n < c.min_n or _missing(c.effect) or _missing(c.lo) or _missing(c.hi):
        return "insufficient"
    lo, hi, m, z = float(c.lo), float(c.hi), c.margin, c.null
    negligible = lo >= z - m and hi <= z + m
    if c.expect in ("none", "nonzero"):
        departs = (lo > z or hi < z) and abs(float(c.effect) - z) > m
        yes, no = (negligible, departs) if c.expect == "none" else (departs, negligible)
        return "for" if yes else "against" if no else "undecided"
    up, down = (lo > z, hi < z) if c.expect == "greater" else (hi < z, lo > z)
    if up:
        return "for"
    if down or negligible:
        return "against"
    return "undecided"


def decide(components: list[Component]) -> str:
    """One dataset's verdict from its tests' outcomes.

    no test for or against: undecided when some test had data (its interval straddles), else insufficient
    data; all tests for -> supported; some against and none for -> contradicted; anything else (for and
    against, or for and undecided) -> mixed.
    """
    outs = [c.outcome for c in components]
    f, a, u = outs.count("for"), outs.count("against"), outs.count("undecided")
    if f == 0 and a == 0:
        return "undecided" if u else "insufficient data"
    if f and not a and not u:
        return "supported"
    if a and not f:
        return "contradicted"
    return "mixed"


def combine(per_dataset: dict[str, str]) -> tuple[str, str]:
    """Overall verdict across datasets and a note on their agreement (disagreement is reported, not hidden)."""
    decided = {d: v for d, v in per_dataset.items() if v not in ("insufficient data", "undecided")}
    if not decided:
        if "undecided" in per_dataset.values():
            return "undecided", "data exist but every interval straddles the claim's threshold"
        return "insufficient data", "no dataset has data for its actors and periods"
    values = set(decided.values())
    skipped = sorted(set(per_dataset) - set(decided))
    tail = f"; {', '.join(skipped)} could not decide it" if skipped else ""
    if len(values) == 1:
        v = values.pop()
        if len(decided) == 1:
            return v, f"only {next(iter(decided))} could test it{tail}"
        return v, f"datasets agree ({', '.join(sorted(decided))}){tail}"
    parts = ", ".join(f"{d} {v}" for d, v in sorted(decided.items()))
    return "mixed", f"datasets disagree: {parts}{tail}"
