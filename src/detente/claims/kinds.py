"""Hypothesis kinds: the registry (:data:`KINDS`, ``@register``), the base class and what kinds share.

A kind declares its parameters (``params``) and turns them into tests on one dataset (``run``), returning
:class:`~detente.claims.verdict.Component` results, the series they rest on and which events count as
evidence for or against. The kinds live in :mod:`~detente.claims.kinds_dyad` (one or more dyads' series)
and :mod:`~detente.claims.kinds_region` (a set of actors); both are imported at the end of this module, so
importing it fills the registry. Adding a kind = one new class with ``@register``; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from detente import relations
from detente.claims import params as P
from detente.claims import stats
from detente.claims.casefile import Case, Node
from detente.claims.data import DEFAULT_MEASURE, Dyad, Source, clip, weekly
from detente.claims.verdict import Component, with_draws

__all__ = ["KINDS", "Kind", "Run", "register"]

KINDS: dict[str, type[Kind]] = {}
MIN_DAYS = 10
SESOI_IQR = 0.25  # smallest effect of interest: a quarter of the spread (IQR) between similar world dyads
COOPERATION = ("intensity", "tone", "goldstein", "net")  # measures of how cooperative a dyad is: robustness variants
Bounds = tuple[date, date]


def register(cls: type[Kind]) -> type[Kind]:
    """Class decorator: add a :class:`Kind` to :data:`KINDS` under its ``name``, so case files can use it.

    Parameters
    ----------
    cls : type
        A Kind subclass with ``name``, ``summary``, ``params`` and ``run(ctx, dataset) -> Run``.

    Returns
    -------
    type
        ``cls`` itself.

    Examples
    --------
    >>> @register
    ... class Quiet(Kind):
    ...     name = "demo_quiet"
    ...     summary = "a kind that tests nothing"
    ...     def run(self, ctx, dataset):
    ...         return Run()
    >>> KINDS["demo_quiet"] is Quiet
    True
    >>> del KINDS["demo_quiet"]  # leave the registry as it was
    """
    KINDS[cls.name] = cls
    return cls


@dataclass
class Evidence:
    """Events on ``dyad`` in [start, end]: cooperative ones count for the claim when sign > 0."""

    dyad: Dyad
    sign: int
    start: date | None
    end: date | None


@dataclass
class Run:
    components: list[Component] = field(default_factory=list)
    series: dict[str, pd.Series] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # evidence rows a signal kind gives itself (e.g. arms deals)


class Context:
    """What a kind needs while testing: the store's series, the case, and the statistical settings."""

    def __init__(self, source: Source, case: Case, seed: int = 1, bootstrap: int = stats.DEFAULT_B,
                 measure: str | None = None, shift: int = 0):
        self.source, self.case, self.seed, self.B = source, case, seed, bootstrap
        self.swap, self.shift = measure, shift  # a robustness variant: another cooperation measure, moved bounds
        self.runs: dict = {}  # test runs shared by one evaluation's variants (claims.run._run)

    def m(self, measure: str) -> str:
        """The measure a test uses: the variant's cooperation measure in place of the written one."""
        return self.swap if self.swap and (measure in COOPERATION or measure == P.AUTO) else measure

    def moved(self, d: date) -> date:
        return d + timedelta(days=self.shift)

    def bounds(self, period: str, dataset: str) -> Bounds | None:
        """The period (boundaries moved by the variant's shift) clipped to the dataset's coverage; None when
        they do not overlap."""
        cov = self.source.coverage(dataset)
        if cov is None:
            return None
        p = self.case.periods[period]
        lo = max(self.moved(p.start) if p.start else cov[0], cov[0])
        hi = min(self.moved(p.end) if p.end else cov[1], cov[1])
        return (lo, hi) if lo <= hi else None

    def volume(self, dataset: str, dyad: Dyad, b: Bounds) -> float:
        """The dyad's absolute volume (sum |score|) in the bounds (memoised on the source)."""
        key = (dataset, dyad, b)
        got = self.source._volumes.get(key)
        if got is None:
            got = self.source._volumes[key] = float(clip(self.source.frame(dataset, dyad), *b)["abs"].sum())
        return got

    def base(self, dataset: str, measure: str, b: Bounds, volume: float) -> dict:
        """The world's base rate of ``measure`` for dyads of similar volume in the same days."""
        return relations.base_rate(self.source.reader, dataset, b[0], b[1], measure, volume)

    def sesoi(self, base: dict, given: float | None) -> float:
        """The smallest effect of interest: ``margin`` if the case gives one, else SESOI_IQR x the IQR of the
        similar-volume world dyads' values (so it lives in the measure's own units)."""
        if given is not None:
            return float(given)
        q = base.get("q3", float("nan")) - base.get("q1", float("nan"))
        return SESOI_IQR * q if q == q else 0.0

    def span(self, period: str) -> str:
        p = self.case.periods[period]
        return f"{p.start or 'data start'}..{p.end or 'data end'}"

    def missing_actor(self, dataset: str, dyads: list[Dyad]) -> str | None:
        have = self.source.actors(dataset)
        gone = sorted({a for d in dyads for a in d.actors} - have)
        if gone:
            return f"{dataset} has no data for {', '.join(gone)}"
        return None

    def gap(self, name: str, dataset: str, expect: str, note: str, period: str | None = None) -> Component:
        return Component(name, dataset, None, None, None, None, 0, expect, period=period, note=note)

    def outside(self, dataset: str, period: str) -> str:
        cov = self.source.coverage(dataset)
        where = f"{cov[0]}..{cov[1]}" if cov else "nothing"
        return f"{dataset} covers {where}; period {period} ({self.span(period)}) is outside it"

    def before_after(self, dataset: str, before: str, after: str) -> tuple[Bounds | None, Bounds | None, str]:
        """Bounds of two periods, and the note to give when one of them is missing (the first missing)."""
        bb, ba = self.bounds(before, dataset), self.bounds(after, dataset)
        return bb, ba, self.outside(dataset, before if bb is None else after)

    def each_period(self, run: Run, periods: list[str], dataset: str, expect: str, name: Callable[[str], str],
                    miss: str | None = None) -> Iterator[tuple[str, Bounds]]:
        """(period, bounds) of each period the dataset covers; a gap component in ``run`` for each other one
        (or for every one when ``miss`` says why the dataset cannot answer)."""
        for per in periods:
            b = self.bounds(per, dataset)
            if miss or b is None:
                run.components.append(self.gap(name(per), dataset, expect, miss or self.outside(dataset, per), per))
                continue
            yield per, b


class Kind:
    """Base class: subclasses set ``name``, ``summary``, ``params`` and implement ``run``."""

    name: ClassVar[str]
    summary: ClassVar[str]
    params: ClassVar[dict[str, P.Param]] = {}

    def __init__(self, values: dict[str, Any], case: Case):
        self.p = values
        self.case = case

    def __getattr__(self, key: str) -> Any:
        p = self.__dict__.get("p", {})
        if key in p:
            return p[key]
        raise AttributeError(key)

    def spec(self) -> dict:
        return {"kind": self.name, **{k: _show(v) for k, v in self.p.items()}}

    def run(self, ctx: Context, dataset: str) -> Run:  # pragma: no cover - abstract
        raise NotImplementedError


def _show(v: Any) -> Any:
    if isinstance(v, Dyad):
        return str(v)
    if isinstance(v, list):
        return [_show(x) for x in v]
    return v


def build(n: Node, case: Case, skip: set[str] | frozenset = frozenset()) -> Kind:
    """Validate one hypothesis (or all_of item) node and return its Kind instance."""
    if not isinstance(n.value, dict):
        raise n.fail("expected a mapping", "{kind: compare, x: IRN-ARM, ...}")
    kn = n.get("kind")
    if kn is None:
        raise n.fail("missing 'kind'", "kind: one of " + ", ".join(sorted(KINDS)))
    cls = KINDS.get(str(kn.value))
    if cls is None:
        raise kn.fail(f"unknown kind {kn.value!r}", "one of " + ", ".join(sorted(KINDS)))
    values: dict[str, Any] = {}
    for key, node in n.value.items():
        if key == "kind" or key in skip:
            continue
        if key not in cls.params:
            raise node.fail(f"kind {cls.name} has no parameter '{key}'",
                            "parameters " + ", ".join(cls.params))
        values[key] = cls.params[key].parse(node, case)
    for key, prm in cls.params.items():
        if key not in values:
            if prm.required:
                raise n.fail(f"kind {cls.name} needs '{key}'", f"{key}: {prm.expected}")
            values[key] = case.defaults.get(key, prm.default or DEFAULT_MEASURE) if key == "measure" else prm.default
            if key == "periods" and values[key] is None:
                values[key] = list(case.periods)
    return cls(values, case)


EXPECT_DIR = {"greater": "greater", "less": "less", "increase": "greater", "decrease": "less", "none": "none",
              "positive": "greater", "negative": "less", "present": "nonzero", "absent": "none"}


def weekly_plot(s: pd.Series) -> pd.Series:
    return weekly(s).dropna()


def diff_component(name: str, dataset: str, est: stats.Estimate, expect: str, margin: float,
                   **kw: Any) -> Component:
    """A difference of daily means (``stats.mean_diff``) as a component, needing MIN_DAYS days."""
    c = Component(name, dataset, est.effect, est.lo, est.hi, est.p, est.n, expect, margin=margin,
                  min_n=MIN_DAYS, method=est.method, **kw)
    return c if est.draws is None else with_draws(c, est.draws)


def fit_component(name: str, dataset: str, res: stats.Fit, weights: np.ndarray, n: int, expect: str,
                  margin: float, min_n: int, method: str, unit: str) -> Component:
    """A linear combination of regression coefficients (``stats.linear_combination``) as a component."""
    est, lo, hi, p = stats.linear_combination(res, weights)
    return Component(name, dataset, est, lo, hi, p, n, expect, margin=margin, min_n=min_n, method=method, unit=unit)


# the kinds register themselves on import; kept last because they import the names above
from detente.claims import kinds_dyad, kinds_region, kinds_signal  # noqa: E402, F401


