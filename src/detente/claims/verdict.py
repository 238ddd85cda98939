"""The verdict rule, written once: test results become supported / contradicted / mixed / undecided / insufficient data.

docs/claims.md states the same rule in words; every hypothesis kind and every dataset goes through
:func:`outcome`, :func:`decide` and :func:`combine` and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

__all__ = ["VERDICTS", "OUTCOMES", "Component", "outcome", "decide", "combine", "decisive", "strength"]

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
    unit: str | None = None  # what the effect is measured in, in words (claims.units), set by the kind
    # the days it rests on (coverage.mark_components): the dataset's covered days in the test's window, the days
    # its dyads have data, and low_evidence below the floor; rests_on holds the window and the days per dyad
    covered_days: int | None = None
    days_with_data: int | None = None
    low_evidence: bool | None = None
    rests_on: dict | None = None
    edge: str | None = None  # the outcome the test would get were its interval ends off by their Monte-Carlo error
    room: bool = True  # False: a bounded measure sits within margin of its bound, so 'negligible' is no evidence

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
    ``room`` False (a bounded measure within margin of its bound where the claim needs it to move): a
    negligible difference, or one on the wrong side smaller than the margin, counts neither way (undecided), as
    the measure could not have shown more.

    Parameters
    ----------
    c : Component
        The test: its effect, interval ``lo``..``hi``, ``n``, ``min_n``, ``expect``, ``null`` and ``margin``.

    Returns
    -------
    str
        One of ``OUTCOMES``; a Component computes it when made (``c.outcome``).

    Examples
    --------
    >>> def test(lo, hi, expect="greater", margin=0.0):
    ...     return Component("p1", "icews", (lo + hi) / 2, lo, hi, None, 30, expect, margin=margin)
    >>> outcome(test(0.1, 0.5)), outcome(test(-0.5, -0.1)), outcome(test(-0.1, 0.5))
    ('for', 'against', 'undecided')
    >>> outcome(test(-0.05, 0.05, margin=0.1))  # the claimed difference is negligible
    'against'
    >>> outcome(test(-0.05, 0.05, expect="none", margin=0.1)), test(0.1, 0.5).outcome
    ('for', 'for')
    >>> outcome(Component("p1", "icews", None, None, None, None, 0, "greater"))
    'insufficient'
    """
    if c.expect not in EXPECTS:
        raise ValueError(f"expect must be one of {', '.join(EXPECTS)}, got {c.expect!r}")
    if c.n < c.min_n or _missing(c.effect) or _missing(c.lo) or _missing(c.hi):
        return "insufficient"
    lo, hi, m, z = float(c.lo), float(c.hi), c.margin, c.null
    negligible = lo >= z - m and hi <= z + m and c.room
    if c.expect in ("none", "nonzero"):
        departs = (lo > z or hi < z) and abs(float(c.effect) - z) > m
        yes, no = (negligible, departs) if c.expect == "none" else (departs, negligible)
        return "for" if yes else "against" if no else "undecided"
    up, down = (lo > z, hi < z) if c.expect == "greater" else (hi < z, lo > z)
    down = down and (c.room or abs(float(c.effect) - z) > m)  # a pinned measure's wiggle is no evidence either
    if up:
        return "for"
    if down or negligible:
        return "against"
    return "undecided"


MC_Z = 3.0  # how many Monte-Carlo standard errors an interval end may be off (docs/claims.md, "Seeds")


def end_errors(draws: np.ndarray, alpha: float = 0.05) -> tuple[float, float]:
    """Monte-Carlo standard errors of the percentile interval's two ends from B bootstrap draws.

    An end is the a-quantile (a = alpha/2, 1 - alpha/2) of B draws; its error is sqrt(a (1 - a) / B) / f, f the
    draws' density there, read off the quantiles a -/+ a/2 (a window of B a draws, so a lumpy tail does not
    make the density look higher than it is).
    """
    ok = np.sort(np.asarray(draws, float)[np.isfinite(draws)])
    B = len(ok)
    out = []
    for a in (alpha / 2, 1 - alpha / 2):
        w = min(a, 1 - a) / 2
        q0, q1 = np.quantile(ok, [a - w, a + w])
        out.append(math.sqrt(a * (1 - a) / B) * float(q1 - q0) / (2 * w))
    return out[0], out[1]


def with_draws(c: Component, draws: np.ndarray) -> Component:
    """Keep a test's bootstrap draws on it (not a field: never serialised) for :func:`with_edge`, which the
    evaluation runs on the tests a verdict is printed for (not on the robustness variants'). Returns ``c``."""
    c._draws = draws  # type: ignore[attr-defined]
    return c


def with_edge(c: Component, draws: np.ndarray | None = None, alpha: float = 0.05, z: float = MC_Z) -> Component:
    """Set ``c.edge`` when the test's outcome rests on the bootstrap's luck: were either interval end ``z``
    Monte-Carlo standard errors (:func:`end_errors`) lower or higher and the outcome different, ``edge`` is
    that other outcome (another seed or B could give it). Returns ``c``.
    """
    draws = getattr(c, "_draws", None) if draws is None else draws
    if draws is None:
        return c
    ok = np.asarray(draws, float)
    ok = ok[np.isfinite(ok)]
    if c.outcome == "insufficient" or len(ok) < 20 or c.lo is None or c.hi is None:
        return c
    e_lo, e_hi = end_errors(ok, alpha)
    for lo in (float(c.lo) - z * e_lo, float(c.lo) + z * e_lo):
        for hi in (float(c.hi) - z * e_hi, float(c.hi) + z * e_hi):
            alt = outcome(replace(c, lo=lo, hi=max(lo, hi)))
            if alt != c.outcome:
                c.edge = alt
                return c
    return c


def decide(components: list[Component]) -> str:
    """One dataset's verdict from its tests' outcomes.

    no test for or against: undecided when some test had data (its interval straddles), else insufficient
    data; all tests for -> supported; some against and none for -> contradicted; anything else (for and
    against, or for and undecided) -> mixed.

    Parameters
    ----------
    components : list of Component
        One dataset's tests of a hypothesis.

    Returns
    -------
    str
        One of ``VERDICTS``.

    Examples
    --------
    >>> def test(lo, hi):
    ...     return Component("p", "icews", (lo + hi) / 2, lo, hi, None, 30, "greater")
    >>> decide([test(0.1, 0.3), test(0.2, 0.4)]), decide([test(-0.4, -0.1)])
    ('supported', 'contradicted')
    >>> decide([test(0.1, 0.3), test(-0.1, 0.2)]), decide([test(-0.1, 0.2)]), decide([])
    ('mixed', 'undecided', 'insufficient data')
    """
    return decide_outcomes([c.outcome for c in components])


def _get(c: Component | dict, key: str) -> Any:
    return c.get(key) if isinstance(c, dict) else getattr(c, key, None)


def strength(c: Component | dict) -> float:
    """How clearly a test is decided: the distance of its interval's near end from the null, per interval width
    (negative when the interval straddles the null; -inf without an interval).

    Examples
    --------
    >>> strength(Component("a", "d", 0.3, 0.2, 0.4, None, 30, "greater")), strength({"effect": 0, "lo": -1, "hi": 3})
    (1.0, -0.25)
    """
    lo, hi, z = _get(c, "lo"), _get(c, "hi"), _get(c, "null") or 0.0
    if lo is None or hi is None or _get(c, "effect") is None:
        return -math.inf
    width = max(hi - lo, 1e-9)
    return max(lo - z, z - hi) / width if (lo > z or hi < z) else -min(abs(lo - z), abs(hi - z)) / width


def decisive(components: list, verdict: str) -> list:
    """The test(s) that decide ``verdict``, not simply the first run: the one rule the claims' headline effect
    (``ClaimResult.effect``), the CLI, the report's summary and the dashboard quote.

    supported: the clearest test for; contradicted: the clearest against; mixed: the clearest for, then the
    clearest against (or, with none against, the undecided one with the narrowest interval); undecided and
    insufficient data: the undecided test with the narrowest interval. "Clearest" is :func:`strength` among
    tests with an interval first: a recorded count (lo = hi, a lower bound rather than an interval) is quoted
    only where no test on that side has one, so C8's headline is Iran-Azerbaijan's fall in tone, not "204 days
    with conflictual news". Works on ``Component`` objects and on their JSON dicts.

    Parameters
    ----------
    components : list of Component or dict
        Every dataset's tests of one hypothesis.
    verdict : str
        The hypothesis' overall verdict (``VERDICTS``; ``insufficient_data`` also read).

    Returns
    -------
    list
        Zero, one or two of ``components``.

    Examples
    --------
    >>> def test(name, lo, hi):
    ...     c = Component(name, "gdelt", (lo + hi) / 2, lo, hi, None, 30, "greater")
    ...     c.outcome = outcome(c)
    ...     return c
    >>> tests = [test("pre-war", -0.2, -0.01), test("war", 0.05, 0.6), test("post-war", 0.12, 0.38)]
    >>> [c.name for c in decisive(tests, "mixed")]  # post-war: (0.12 - 0) / 0.26 beats war's 0.05 / 0.55
    ['post-war', 'pre-war']
    >>> [c.name for c in decisive(tests[1:], "supported")], decisive([], "insufficient data")
    (['post-war'], [])
    >>> count = test("post-war: conflictual A>B", 204, 204)  # recorded days: no interval, ranks after one
    >>> [c.name for c in decisive([count, *tests[1:]], "supported")]
    ['post-war']
    """
    v = str(verdict or "").replace("_", " ")

    def spread(c: Component | dict) -> bool:
        lo, hi = _get(c, "lo"), _get(c, "hi")
        return lo is not None and hi is not None and hi > lo

    def best(side: str) -> list:
        xs = [c for c in components if _get(c, "outcome") == side]
        return [max(xs, key=lambda c: (spread(c), strength(c)))] if xs else []

    def narrowest() -> list:
        und = [c for c in components if _get(c, "outcome") == "undecided"]
        width = lambda c: (_get(c, "hi") - _get(c, "lo") if _get(c, "lo") is not None  # noqa: E731
                           and _get(c, "hi") is not None else math.inf)
        return [min(und, key=width)] if und else []

    if v == "supported":
        return best("for")
    if v == "contradicted":
        return best("against")
    if v == "mixed":
        return best("for") + (best("against") or narrowest())
    return narrowest()


def decide_outcomes(outs: list[str]) -> str:
    """:func:`decide` on the outcomes alone."""
    f, a, u = outs.count("for"), outs.count("against"), outs.count("undecided")
    if f == 0 and a == 0:
        return "undecided" if u else "insufficient data"
    if f and not a and not u:
        return "supported"
    if a and not f:
        return "contradicted"
    return "mixed"


def combine(per_dataset: dict[str, str]) -> tuple[str, str]:
    """Overall verdict across datasets and a note on their agreement (disagreement is reported, not hidden).

    Parameters
    ----------
    per_dataset : dict
        Dataset name -> its verdict (:func:`decide`).

    Returns
    -------
    tuple of str
        (verdict, note). Datasets that could not decide it are named, never outvoted.

    Examples
    --------
    >>> combine({"icews": "supported", "gdelt_network": "supported"})
    ('supported', 'datasets agree (gdelt_network, icews)')
    >>> combine({"icews": "supported", "gdelt_network": "contradicted"})
    ('mixed', 'datasets disagree: gdelt_network contradicted, icews supported')
    >>> combine({"icews": "insufficient data", "gdelt_network": "supported"})
    ('supported', 'only gdelt_network could test it; icews could not decide it')
    """
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
