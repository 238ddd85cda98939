"""Hypothesis kinds: one small class each, registered in :data:`KINDS` by the ``@register`` decorator.

A kind declares its parameters (``params``) and turns them into tests on one dataset (``run``), returning
:class:`~detente.claims.verdict.Component` results, the series they rest on and which events count as
evidence for or against. Adding a kind = one new class with ``@register``; nothing else changes.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from detente.claims import params as P
from detente.claims import stats
from detente.claims.casefile import Case, Node
from detente.claims.data import Dyad, Source, clip, weekly
from detente.claims.verdict import Component

KINDS: dict[str, type[Kind]] = {}
MARGINS = {"net": 0.05, "goldstein": 0.25, "count": 0.05}
MIN_DAYS = 10


def register(cls: type[Kind]) -> type[Kind]:
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


class Context:
    """What a kind needs while testing: the store's series, the case, and the statistical settings."""

    def __init__(self, source: Source, case: Case, seed: int = 1, bootstrap: int = stats.DEFAULT_B):
        self.source, self.case, self.seed, self.B = source, case, seed, bootstrap

    def bounds(self, period: str, dataset: str) -> tuple[date, date] | None:
        """The period clipped to the dataset's coverage; None when they do not overlap."""
        cov = self.source.coverage(dataset)
        if cov is None:
            return None
        p = self.case.periods[period]
        lo = max(p.start or cov[0], cov[0])
        hi = min(p.end or cov[1], cov[1])
        return (lo, hi) if lo <= hi else None

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
            values[key] = case.defaults.get(key, prm.default) if key in ("measure",) else prm.default
            if key == "periods" and values[key] is None:
                values[key] = list(case.periods)
    return cls(values, case)


EXPECT_DIR = {"greater": "greater", "less": "less", "increase": "greater", "decrease": "less", "none": "none",
              "positive": "greater", "negative": "less", "present": "nonzero", "absent": "none"}


def _weekly_plot(s: pd.Series) -> pd.Series:
    return weekly(s).dropna()


# ---------------------------------------------------------------------------------------------
@register
class Compare(Kind):
    """Dyad x vs dyad y (or a constant) on a measure, in each listed period."""

    name = "compare"
    summary = "x more (or less) cooperative than y, in each period"
    params = {
        "x": P.Param(P.dyad, "a dyad, e.g. IRN-ARM", required=True),
        "y": P.Param(P.dyad_or_number, "a dyad or a number", default=0.0),
        "measure": P.Param(P.measure, "net | goldstein | count", default="net"),
        "periods": P.Param(P.periods, "[period, ...] or all"),
        "expect": P.Param(P.choice("greater", "less"), "greater | less", default="greater"),
        "margin": P.Param(P.number, "smallest difference that matters"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        dys = [self.x] + ([self.y] if isinstance(self.y, Dyad) else [])
        margin = self.margin if self.margin is not None else MARGINS[self.measure]
        label = f"{self.x} - {self.y}"
        miss = ctx.missing_actor(dataset, dys)
        for per in self.periods:
            b = ctx.bounds(per, dataset)
            if miss or b is None:
                run.components.append(ctx.gap(f"{per}: {label}", dataset, self.expect,
                                              miss or ctx.outside(dataset, per), per))
                continue
            sx = clip(ctx.source.series(dataset, self.x, self.measure), *b)
            sy = clip(ctx.source.series(dataset, self.y, self.measure), *b) if isinstance(self.y, Dyad) else self.y
            est = stats.mean_diff(sx.to_numpy(), sy if isinstance(sy, float) else sy.to_numpy(), ctx.B, ctx.seed)
            run.components.append(Component(
                f"{per}: {label}", dataset, est.effect, est.lo, est.hi, est.p, est.n, self.expect,
                margin=margin, min_n=MIN_DAYS, method=est.method, period=per,
                note=None if est.n >= MIN_DAYS else f"only {est.n} days with {self.measure} data"))
            s = 1 if self.expect == "greater" else -1
            run.evidence.append(Evidence(self.x, s, *b))
            if isinstance(self.y, Dyad):
                run.evidence.append(Evidence(self.y, -s, *b))
        if not miss:
            for d in dys:
                run.series[str(d)] = _weekly_plot(ctx.source.series(dataset, d, self.measure))
        return run


@register
class Change(Kind):
    """A dyad's measure after vs before (two periods)."""

    name = "change"
    summary = "a measure rises, falls or stays the same between two periods"
    params = {
        "dyad": P.Param(P.dyad, "a dyad", required=True),
        "before": P.Param(P.period, "a period name", required=True),
        "after": P.Param(P.period, "a period name", required=True),
        "measure": P.Param(P.measure, "net | goldstein | count", default="net"),
        "expect": P.Param(P.choice("increase", "decrease", "none"), "increase | decrease | none",
                          default="increase"),
        "margin": P.Param(P.number, "smallest change that matters"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        name = f"{self.dyad} {self.measure}: {self.after} - {self.before}"
        exp = EXPECT_DIR[self.expect]
        miss = ctx.missing_actor(dataset, [self.dyad])
        bb, ba = ctx.bounds(self.before, dataset), ctx.bounds(self.after, dataset)
        if miss or bb is None or ba is None:
            note = miss or ctx.outside(dataset, self.before if bb is None else self.after)
            run.components.append(ctx.gap(name, dataset, exp, note))
            return run
        s = ctx.source.series(dataset, self.dyad, self.measure)
        est = stats.mean_diff(clip(s, *ba).to_numpy(), clip(s, *bb).to_numpy(), ctx.B, ctx.seed)
        margin = self.margin if self.margin is not None else MARGINS[self.measure]
        run.components.append(Component(name, dataset, est.effect, est.lo, est.hi, est.p, est.n, exp,
                                        margin=margin, min_n=MIN_DAYS, method=est.method,
                                        period=f"{self.before}->{self.after}"))
        sign = {"greater": 1, "less": -1}.get(exp, 1)
        run.evidence.append(Evidence(self.dyad, sign, *ba))  # what happened after, on the claimed side
        run.series[str(self.dyad)] = _weekly_plot(s)
        return run


@register
class Break(Kind):
    """A structural break (a shift in the weekly mean) in one or more dyads near a date."""

    name = "break"
    summary = "a shift in the level of dyad series at (or near) a date; for several dyads, in most of them"
    params = {
        "dyads": P.Param(P.dyads, "[IRN-ARM, ...] or one dyad", required=True),
        "date": P.Param(P.a_date, "YYYY-MM-DD", required=True),
        "measure": P.Param(P.measure, "net | goldstein | count", default="net"),
        "span": P.Param(P.integer, "days of data on each side", default=365),
        "window": P.Param(P.integer, "days within which the detected break must fall", default=90),
        "expect": P.Param(P.choice("present", "absent"), "present | absent", default="present"),
        "margin": P.Param(P.number, "smallest shift that matters"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        import ruptures

        run = Run()
        exp = EXPECT_DIR[self.expect]
        margin = self.margin if self.margin is not None else MARGINS[self.measure]
        lo, hi = self.date - timedelta(days=self.span), self.date + timedelta(days=self.span)
        miss = ctx.missing_actor(dataset, self.dyads)
        cov = ctx.source.coverage(dataset)
        if miss or cov is None or cov[0] > self.date - timedelta(days=28) or cov[1] < self.date + timedelta(days=28):
            note = miss or f"{dataset} covers {cov[0] if cov else '-'}..{cov[1] if cov else '-'}: not 4 weeks " \
                           f"either side of {self.date}"
            run.components.append(ctx.gap(f"break at {self.date}", dataset, exp, note))
            return run
        cut = pd.Timestamp(self.date)
        cols, comps = {}, []
        for d in self.dyads:
            w = weekly(clip(ctx.source.series(dataset, d, self.measure), lo, hi))
            cols[str(d)] = w
            ok = w.dropna()
            step = np.asarray(ok.index >= cut, dtype=float)
            name = f"{d} shift at {self.date}"
            if len(ok) < 12 or step.sum() < 4 or (1 - step).sum() < 4:
                comps.append(ctx.gap(name, dataset, exp, f"only {len(ok)} weeks with data"))
                continue
            res = stats.hac_ols(ok.to_numpy(), step[:, None])
            est, clo, chi, p = stats.linear_combination(res, np.array([0.0, 1.0]))
            comps.append(Component(name, dataset, est, clo, chi, p, len(ok), exp, margin=margin, min_n=12,
                                   method="weekly mean shift, OLS with Newey-West HAC errors"))
            run.evidence += [Evidence(d, 1, self.date, hi),
                             Evidence(d, -1, lo, self.date)]
        run.series = {k: v.dropna() for k, v in cols.items()}
        if len(comps) == 1:
            run.components += comps
        else:
            run.components.append(_share_component(comps, dataset, exp, f"dyads shifting at {self.date}"))
            run.notes += [f"{c.name}: {c.outcome}" for c in comps]
        if exp == "nonzero":
            frame = pd.DataFrame(cols).dropna(how="all").ffill().bfill().dropna(axis=1)
            if len(frame) >= 12 and frame.shape[1]:
                z = ((frame - frame.mean()) / frame.std(ddof=0).replace(0, 1)).to_numpy()
                bk = ruptures.Binseg(model="l2", min_size=4).fit(z).predict(n_bkps=1)[0]
                found = frame.index[min(bk, len(frame) - 1)].date()
                delta = abs((found - self.date).days)
                run.components.append(Component(
                    f"most likely single break: {found}", dataset, float(delta), float(delta), float(delta), None,
                    len(frame), "less", null=float(self.window), method="ruptures binary segmentation (l2) on "
                    "standardised weekly series", note=f"{delta} days from {self.date}; tolerance {self.window}"))
        return run


def _share_component(comps: list[Component], dataset: str, exp: str, name: str) -> Component:
    """Several dyads' tests as one: the share whose own outcome is 'for', against a majority (0.5)."""
    usable = [c for c in comps if c.outcome != "insufficient"]
    if not usable:
        return Component(name, dataset, None, None, None, None, 0, "greater", note="no dyad had enough data")
    share = sum(c.outcome == "for" for c in usable) / len(usable)
    return Component(name, dataset, share, share, share, None, len(usable), "greater", null=0.5,
                     method=f"share of {len(usable)} dyads whose own test is 'for' (expect {exp}), vs a majority",
                     extra={c.name: c.as_dict() for c in comps})


@register
class Association(Kind):
    """Lagged association between two dyads' weekly series: y_t on x_t..x_{t-L} and y_{t-1}."""

    name = "association"
    summary = "when x moves, y moves the same (positive) or opposite (negative) way within L weeks"
    params = {
        "x": P.Param(P.dyad, "the driving dyad", required=True),
        "y": P.Param(P.dyad, "the responding dyad", required=True),
        "lags": P.Param(P.integer, "weeks of lag, 0..L", default=4),
        "measure": P.Param(P.measure, "net | goldstein | count", default="net"),
        "periods": P.Param(P.periods, "[period, ...] or all"),
        "expect": P.Param(P.choice("positive", "negative"), "positive | negative", default="positive"),
        "margin": P.Param(P.number, "smallest standardised cumulative effect that matters", default=0.05),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        name = f"{self.y} on {self.x}, lags 0..{self.lags} weeks"
        miss = ctx.missing_actor(dataset, [self.x, self.y])
        spans = [b for per in self.periods if (b := ctx.bounds(per, dataset))]
        if miss or not spans:
            run.components.append(ctx.gap(name, dataset, exp, miss or f"{dataset} covers none of the periods"))
            return run
        lo, hi = min(b[0] for b in spans), max(b[1] for b in spans)
        wx = weekly(clip(ctx.source.series(dataset, self.x, self.measure), lo, hi))
        wy = weekly(clip(ctx.source.series(dataset, self.y, self.measure), lo, hi))
        z = lambda s: (s - s.mean()) / (s.std() or 1.0)  # noqa: E731
        df = pd.DataFrame({"y": z(wy), "y1": z(wy).shift(1)})
        for k in range(self.lags + 1):
            df[f"x{k}"] = z(wx).shift(k)
        df = df.dropna()
        if len(df) < 30:
            run.components.append(ctx.gap(name, dataset, exp, f"only {len(df)} complete weeks (need 30)"))
            return run
        X = df[[f"x{k}" for k in range(self.lags + 1)] + ["y1"]].to_numpy()
        res = stats.hac_ols(df["y"].to_numpy(), X)
        w = np.r_[0.0, np.ones(self.lags + 1), 0.0]
        est, clo, chi, p = stats.linear_combination(res, w)
        run.components.append(Component(
            name, dataset, est, clo, chi, p, len(df), exp, margin=self.margin, min_n=30,
            method="sum of distributed-lag coefficients on standardised weekly series, y lag 1 as control, "
                   "Newey-West HAC errors"))
        s = 1 if exp == "greater" else -1
        run.evidence += [Evidence(self.x, 1, lo, hi), Evidence(self.y, s, lo, hi)]
        run.series = {str(self.x): wx.dropna(), str(self.y): wy.dropna()}
        return run


@register
class Alignment(Kind):
    """The signed network of the partition's actors vs a named partition into blocs."""

    name = "alignment"
    summary = "the named blocs fit the signed network better than any other split"
    params = {
        "partition": P.Param(P.partition, "[[AZE, TUR], [ARM, IRN]]", required=True),
        "periods": P.Param(P.periods, "[period, ...] or all"),
        "measure": P.Param(P.measure, "net | goldstein", default="net"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        groups = self.partition
        acts = [a for g in groups for a in g]
        have = ctx.source.actors(dataset)
        present = [a for a in acts if a in have]
        label = {a: i for i, g in enumerate(groups) for a in g}
        for per in self.periods:
            name = f"{per}: named blocs vs best alternative"
            b = ctx.bounds(per, dataset)
            if b is None or len(present) < 3:
                note = ctx.outside(dataset, per) if b is None else f"{dataset} has fewer than 3 of {', '.join(acts)}"
                run.components.append(ctx.gap(name, dataset, "greater", note, per))
                continue
            pairs = list(itertools.combinations(present, 2))
            W = pd.DataFrame({f"{a}-{c}": weekly(clip(ctx.source.series(dataset, Dyad(a, c), self.measure), *b))
                              for a, c in pairs})
            W = W.dropna(axis=1, how="all")
            if W.shape[1] < len(pairs) / 2 or len(W) < 4:
                run.components.append(ctx.gap(name, dataset, "greater", "too few dyads or weeks with data", per))
                continue
            idx = [(present.index(k.split("-")[0]), present.index(k.split("-")[1])) for k in W.columns]
            named = np.array([1.0 if label[present[i]] == label[present[j]] else -1.0 for i, j in idx])
            signs = _two_blocs(len(present))
            alt = signs[:, [i for i, _ in idx]] * signs[:, [j for _, j in idx]]
            alt = alt[~np.all(alt == named, axis=1)]
            M = W.to_numpy()

            eff, best = _fit_gap(M, named, alt)
            rng = np.random.default_rng(ctx.seed)
            n, L = len(M), stats.block_length(len(M), "week")
            k = math.ceil(n / L)
            boots = []
            for _ in range(min(ctx.B, 1000)):
                st = rng.integers(0, n - L + 1, size=k)
                ix = (st[:, None] + np.arange(L)).ravel()[:n]
                boots.append(_fit_gap(M[ix], named, alt)[0])
            clo, chi = np.quantile(boots, [0.025, 0.975])
            p = float(min(1.0, 2 * min(np.mean(np.array(boots) <= 0) + 1 / len(boots),
                                       np.mean(np.array(boots) >= 0) + 1 / len(boots))))
            bs = signs[np.where(~np.all(signs[:, [i for i, _ in idx]] * signs[:, [j for _, j in idx]] == named,
                                        axis=1))[0][best]]
            alt_blocs = [[a for a, s in zip(present, bs, strict=True) if s > 0],
                         [a for a, s in zip(present, bs, strict=True) if s < 0]]
            run.components.append(Component(
                name, dataset, eff, float(clo), float(chi), p, len(M), "greater", margin=0.0, min_n=4,
                method="weighted sign agreement of the named partition minus that of the best other 2-bloc "
                       f"split; moving-block bootstrap over weeks (block {L})", period=per,
                extra={"best_alternative": [g for g in alt_blocs if g], "dyads": list(W.columns)}))
            for (i, j), s in zip(idx, named, strict=True):
                run.evidence.append(Evidence(Dyad(present[i], present[j]), int(s), *b))
        return run


def _fit_gap(m: np.ndarray, named: np.ndarray, alt: np.ndarray) -> tuple[float, int]:
    """Weighted sign agreement of the named partition minus the best alternative's (and that one's row)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        w = np.nan_to_num(np.nanmean(m, axis=0))
    tot = np.abs(w).sum() or 1.0
    fit_alt = alt @ w / tot
    return float(named @ w / tot - fit_alt.max()), int(fit_alt.argmax())


def _two_blocs(n: int) -> np.ndarray:
    """Every split of n actors into at most two blocs, as +/-1 rows (first actor fixed to +1)."""
    rows = [[1] + [1 if (m >> k) & 1 == 0 else -1 for k in range(n - 1)] for m in range(2 ** (n - 1))]
    return np.array(rows, dtype=float)


@register
class Influence(Kind):
    """An actor's share of the region's interaction volume, after vs before."""

    name = "influence"
    summary = "an actor's share of the region's interactions rises (or falls) between two periods"
    params = {
        "actor": P.Param(P.actor, "an actor code", required=True),
        "region": P.Param(P.actors, "[ARM, AZE, ...] (default: the case's actors)"),
        "before": P.Param(P.period, "a period name", required=True),
        "after": P.Param(P.period, "a period name", required=True),
        "expect": P.Param(P.choice("increase", "decrease", "none"), "increase | decrease | none",
                          default="increase"),
        "margin": P.Param(P.number, "smallest change in share that matters", default=0.01),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        region = [a for a in (self.region or list(self.case.actors)) if a in ctx.source.actors(dataset)]
        name = f"{self.actor} share of regional interactions: {self.after} - {self.before}"
        bb, ba = ctx.bounds(self.before, dataset), ctx.bounds(self.after, dataset)
        if self.actor not in region or len(region) < 3 or bb is None or ba is None:
            note = (f"{dataset} has no data for {self.actor}" if self.actor not in region else
                    ctx.outside(dataset, self.before if bb is None else self.after))
            run.components.append(ctx.gap(name, dataset, exp, note))
            return run
        vol = ctx.source.region_volume(dataset, region)
        total = vol.sum(axis=1) / 2
        share = (vol[self.actor] / total.where(total > 0)).astype(float)
        est = stats.mean_diff(clip(share, *ba).to_numpy(), clip(share, *bb).to_numpy(), ctx.B, ctx.seed)
        run.components.append(Component(name, dataset, est.effect, est.lo, est.hi, est.p, est.n, exp,
                                        margin=self.margin, min_n=MIN_DAYS, method=est.method,
                                        extra={"region": region}))
        run.series[f"{self.actor} share"] = _weekly_plot(share)
        return run


@register
class Presence(Kind):
    """Recorded events of a kind between two actors in each period (recorded counts are lower bounds).

    Event data under-record, so a count below ``min_events`` leaves the claim undecided either way: it
    neither contradicts "present" nor supports "absent"; ``min_events`` or more support "present" and
    contradict "absent".
    """

    name = "presence"
    summary = "events of a polarity between two actors occur in each period"
    params = {
        "dyad": P.Param(P.dyad, "a dyad", required=True),
        "polarity": P.Param(P.choice("cooperative", "conflictual", "any"), "cooperative | conflictual | any",
                            default="cooperative"),
        "periods": P.Param(P.periods, "[period, ...] or all"),
        "min_events": P.Param(P.integer, "events (or active days) needed", default=3),
        "expect": P.Param(P.choice("present", "absent"), "present | absent", default="present"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = "greater" if self.expect == "present" else "less"
        miss = ctx.missing_actor(dataset, [self.dyad])
        s_net = None if miss else ctx.source.series(dataset, self.dyad, "net")
        s_cnt = None if miss else ctx.source.series(dataset, self.dyad, "count")
        for per in self.periods:
            name = f"{per}: {self.polarity} {self.dyad}"
            b = ctx.bounds(per, dataset)
            if miss or b is None:
                run.components.append(ctx.gap(name, dataset, exp, miss or ctx.outside(dataset, per), per))
                continue
            count = self._count(ctx, dataset, b, s_net, s_cnt)
            days = len(clip(s_cnt, *b))
            lo_r, hi_r = stats.poisson_interval(count)
            # a recorded count is a lower bound of what happened: [count, inf) when below the threshold
            hi = float(count) if count >= self.min_events else math.inf
            unit = "events" if ctx.source.shape[dataset] == "events" else "active days"
            run.components.append(Component(
                name, dataset, float(count), float(count), hi, None, days, exp,
                null=self.min_events - 0.5, min_n=1, period=per,
                method=f"recorded {unit}, threshold {self.min_events}",
                note=None if count else f"no {self.polarity} {self.dyad} {unit} recorded in {dataset} "
                                        f"{b[0]}..{b[1]}: absence of records is not evidence of absence",
                extra={"per_30_days": 30 * count / max(days, 1), "per_30_days_interval":
                       [30 * lo_r / max(days, 1), 30 * hi_r / max(days, 1)]}))
            run.evidence.append(Evidence(self.dyad, -1 if self.polarity == "conflictual" else 1, *b))
        if s_cnt is not None:
            run.series[f"{self.dyad} count"] = _weekly_plot(s_cnt)
        return run

    def _count(self, ctx: Context, dataset: str, b: tuple[date, date], s_net, s_cnt) -> int:
        if ctx.source.shape[dataset] == "dyad_days":
            s = clip(s_net, *b)
            sel = {"cooperative": s > 0, "conflictual": s < 0, "any": s.notna()}[self.polarity]
            return int(sel.sum())
        quads = {"cooperative": (1, 2), "conflictual": (3, 4), "any": (1, 2, 3, 4)}[self.polarity]
        where = "(source_actor = $2 AND target_actor = $3)"
        if not self.dyad.directed:
            where += " OR (source_actor = $3 AND target_actor = $2)"
        return int(ctx.source.con.execute(
            f"SELECT count(*) FROM events WHERE dataset = $1 AND ({where}) AND date BETWEEN $4 AND $5 "
            f"AND list_contains($6, quad_class)", [dataset, self.dyad.a, self.dyad.b, b[0], b[1], list(quads)]
        ).fetchone()[0])
