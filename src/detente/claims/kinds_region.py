"""Kinds tested on a set of actors: alignment (named blocs vs the signed network) and influence (volume share).

Internal: each kind is registered in :data:`detente.claims.kinds.KINDS` and used through case files (:func:`detente.claims.load_case`, ``detente claims``); not part of the Python API.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd

from detente import resample
from detente.claims import params as P
from detente.claims import stats, units
from detente.claims.data import Dyad, clip, weekly
from detente.claims.kinds import (
    EXPECT_DIR,
    Context,
    Evidence,
    Kind,
    Run,
    diff_component,
    register,
)
from detente.claims.verdict import Component, with_draws

__all__: list[str] = []


@register
class Alignment(Kind):
    """The signed network of the partition's actors vs a named partition into blocs."""

    name = "alignment"
    summary = "the named blocs fit the signed network better than any other split"
    params = {
        "partition": P.Param(P.partition, "[[AZE, TUR], [ARM, IRN]]", required=True),
        "periods": P.PERIODS,
        "measure": P.MEASURE,
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
            m = ctx.m(self.measure)
            W = pd.DataFrame({f"{a}-{c}": ctx.source.weekly(dataset, Dyad(a, c), m, *b)
                              - ctx.base(dataset, m, b, ctx.volume(dataset, Dyad(a, c), b))["median"]
                              for a, c in pairs})  # signed against the world's base rate, not against 0
            W = W.dropna(axis=1, how="all")
            if W.shape[1] < len(pairs) / 2 or len(W) < 4:
                run.components.append(ctx.gap(name, dataset, "greater", "too few dyads or weeks with data", per))
                continue
            idx = [(present.index(k.split("-")[0]), present.index(k.split("-")[1])) for k in W.columns]
            named = np.array([1.0 if label[present[i]] == label[present[j]] else -1.0 for i, j in idx])
            signs = _two_blocs(len(present))
            every = signs[:, [i for i, _ in idx]] * signs[:, [j for _, j in idx]]
            other = ~np.all(every == named, axis=1)  # splits that differ from the named one
            alt = every[other]
            M = W.to_numpy()

            eff, best = _fit_gap(M, named, alt)
            n, L = len(M), resample.block_length(len(M))
            boots = np.asarray(_fit_gaps(M, named, alt, resample.counts(n, min(ctx.B, 500), [ctx.seed, n])), float)
            clo, chi = resample.interval(boots)
            p = resample.p_value(boots, 0.0)
            bs = signs[np.where(other)[0][best]]
            alt_blocs = [[a for a, s in zip(present, bs, strict=True) if s > 0],
                         [a for a, s in zip(present, bs, strict=True) if s < 0]]
            run.components.append(with_draws(Component(
                name, dataset, eff, float(clo), float(chi), p, len(M), "greater", margin=0.0, min_n=4,
                method="weighted sign agreement (weekly values minus the world's base rate) of the named "
                       f"partition minus that of the best other 2-bloc split; circular block bootstrap over weeks "
                       f"(block {L})", period=per, unit=units.BLOC_AGREEMENT,
                extra={"best_alternative": [g for g in alt_blocs if g], "dyads": list(W.columns)}), boots))
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


def _fit_gaps(m: np.ndarray, named: np.ndarray, alt: np.ndarray, C: np.ndarray) -> np.ndarray:
    """:func:`_fit_gap` for every resample at once: C (weeks x B) = how often each week is drawn."""
    ok = ~np.isnan(m)
    with np.errstate(all="ignore"):
        w = np.nan_to_num((np.where(ok, m, 0.0).T @ C) / (ok.T.astype(float) @ C)).T  # (B, dyads)
    tot = np.abs(w).sum(axis=1)
    tot[tot == 0] = 1.0
    return (w @ named) / tot - (w @ alt.T).max(axis=1) / tot


def _two_blocs(n: int) -> np.ndarray:
    """Every split of n actors into at most two blocs, as +/-1 rows (first actor fixed to +1)."""
    rows = [[1] + [1 if (m >> k) & 1 == 0 else -1 for k in range(n - 1)] for m in range(2 ** (n - 1))]
    return np.array(rows, dtype=float)


@register
class Influence(Kind):
    """An actor's share of its partners' interactions (partner share), after vs before.

    For each partner p in the region: the actor's part of p's absolute volume with the whole world
    (sum |score| of p-actor / sum |score| of p with everyone), averaged over partners. A state grows in
    influence when its partners give it a larger share of their dealings, not when the news mentions it more.
    """

    name = "influence"
    summary = "an actor's share of its regional partners' interactions rises (or falls) between two periods"
    params = {
        "actor": P.Param(P.actor, "an actor code", required=True),
        "region": P.Param(P.actors, "[ARM, AZE, ...] (default: the case's actors)"),
        "before": P.PERIOD,
        "after": P.PERIOD,
        "expect": P.CHANGE,
        "margin": P.Param(P.number, "smallest change in partner share that matters", default=0.01),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        region = [a for a in (self.region or list(self.case.actors)) if a in ctx.source.actors(dataset)]
        name = f"{self.actor} share of its partners' interactions: {self.after} - {self.before}"
        bb, ba, outside = ctx.before_after(dataset, self.before, self.after)
        if self.actor not in region or len(region) < 3 or bb is None or ba is None:
            note = f"{dataset} has no data for {self.actor}" if self.actor not in region else outside
            run.components.append(ctx.gap(name, dataset, exp, note))
            return run
        partners = [p for p in region if p != self.actor]
        tot = ctx.source.reader.actor_abs(dataset, partners)
        num = pd.DataFrame({p: ctx.source.frame(dataset, Dyad(self.actor, p))["abs"] for p in partners})

        def draws(b: tuple) -> tuple[float, np.ndarray, int]:
            n_, d_ = clip(num, *b).to_numpy(), clip(tot, *b).to_numpy()
            C = resample.counts(len(n_), ctx.B, [ctx.seed, len(n_)])
            with np.errstate(invalid="ignore", divide="ignore"):
                point = np.nanmean(n_.sum(0) / np.where(d_.sum(0) > 0, d_.sum(0), np.nan))
                both = np.vstack([n_.T, d_.T]) @ C  # shares' numerators and denominators in one pass over C
                k = n_.shape[1]
                share = both[:k] / np.where(both[k:] > 0, both[k:], np.nan)
            return float(point), np.nanmean(share, axis=0), len(n_)

        ea, da, na = draws(ba)
        eb, db, nb = draws(bb)
        boot = da - db
        lo, hi = resample.interval(boot)
        est = stats.Estimate(ea - eb, lo, hi, resample.p_value(boot), min(na, nb),
                             f"mean over {len(partners)} partners of the actor's share of the partner's volume; "
                             f"circular block bootstrap over days (B={ctx.B})", boot)
        run.components.append(diff_component(name, dataset, est, exp, self.margin, unit=units.SHARE_CHANGE,
                                             extra={"region": region, "before": eb, "after": ea}))
        daily = (num / tot.where(tot > 0)).mean(axis=1)
        run.series[f"{self.actor} partner share"] = weekly(daily).dropna()
        return run
