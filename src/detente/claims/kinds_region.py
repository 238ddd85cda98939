"""Kinds tested on a set of actors: alignment (named blocs vs the signed network) and influence (volume share)."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd

from detente.claims import params as P
from detente.claims import stats
from detente.claims.data import Dyad, clip, weekly
from detente.claims.kinds import (
    EXPECT_DIR,
    Context,
    Evidence,
    Kind,
    Run,
    diff_component,
    register,
    weekly_plot,
)
from detente.claims.verdict import Component


@register
class Alignment(Kind):
    """The signed network of the partition's actors vs a named partition into blocs."""

    name = "alignment"
    summary = "the named blocs fit the signed network better than any other split"
    params = {
        "partition": P.Param(P.partition, "[[AZE, TUR], [ARM, IRN]]", required=True),
        "periods": P.PERIODS,
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
            every = signs[:, [i for i, _ in idx]] * signs[:, [j for _, j in idx]]
            other = ~np.all(every == named, axis=1)  # splits that differ from the named one
            alt = every[other]
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
            bs = signs[np.where(other)[0][best]]
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
        "before": P.PERIOD,
        "after": P.PERIOD,
        "expect": P.CHANGE,
        "margin": P.Param(P.number, "smallest change in share that matters", default=0.01),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        region = [a for a in (self.region or list(self.case.actors)) if a in ctx.source.actors(dataset)]
        name = f"{self.actor} share of regional interactions: {self.after} - {self.before}"
        bb, ba, outside = ctx.before_after(dataset, self.before, self.after)
        if self.actor not in region or len(region) < 3 or bb is None or ba is None:
            note = f"{dataset} has no data for {self.actor}" if self.actor not in region else outside
            run.components.append(ctx.gap(name, dataset, exp, note))
            return run
        vol = ctx.source.region_volume(dataset, region)
        total = vol.sum(axis=1) / 2
        share = (vol[self.actor] / total.where(total > 0)).astype(float)
        est = stats.mean_diff(clip(share, *ba).to_numpy(), clip(share, *bb).to_numpy(), ctx.B, ctx.seed)
        run.components.append(diff_component(name, dataset, est, exp, self.margin, extra={"region": region}))
        run.series[f"{self.actor} share"] = weekly_plot(share)
        return run
