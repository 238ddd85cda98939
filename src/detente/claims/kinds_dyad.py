"""Kinds tested on one or more dyads' daily series or events: compare, change, break, association, presence.

Internal: each kind is registered in :data:`detente.claims.kinds.KINDS` and used through case files (:func:`detente.claims.load_case`, ``detente claims``); not part of the Python API.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from detente import relations, resample
from detente.claims import params as P
from detente.claims import stats, units
from detente.claims.data import Dyad, clip
from detente.claims.kinds import (
    EXPECT_DIR,
    MIN_DAYS,
    Context,
    Evidence,
    Kind,
    Run,
    diff_component,
    fit_component,
    register,
)
from detente.claims.verdict import Component

__all__: list[str] = []


@register
class Compare(Kind):
    """Dyad x vs the world's base rate (default), a dyad y or a constant, on a measure, in each period."""

    name = "compare"
    summary = "x more (or less) cooperative than the world's base rate for similar dyads (or than y), per period"
    params = {
        "x": P.Param(P.dyad, "a dyad, e.g. IRN-ARM", required=True),
        "y": P.Param(P.dyad_or_number, "base (the world's base rate), a dyad or a number", default="base"),
        "measure": P.MEASURE,
        "periods": P.PERIODS,
        "expect": P.one_of("greater", "less"),
        "margin": P.Param(P.number, "smallest difference that matters (default: a quarter of the IQR of "
                                    "similar world dyads)"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        m = ctx.m(self.measure)
        dys = [self.x] + ([self.y] if isinstance(self.y, Dyad) else [])
        label = f"{self.x} - {'base rate' if self.y == 'base' else self.y}"
        miss = ctx.missing_actor(dataset, dys)
        run.notes += [n for d in dys if (n := ctx.source.directed_note(dataset, d))]
        for per, b in ctx.each_period(run, self.periods, dataset, self.expect, lambda p: f"{p}: {label}", miss):
            px = ctx.source.parts(dataset, self.x, m, *b)
            base = ctx.base(dataset, m, b, ctx.volume(dataset, self.x, b))
            extra = {"measure": m, "base_rate": base["median"], "similar_dyads": base["n"],
                     "x": relations.ratio(*px)}
            if self.y == "base":
                y: Any = base["median"]
                vals = base["values"]
                extra["percentile"] = float((vals < extra["x"]).mean()) if len(vals) else None
            elif isinstance(self.y, Dyad):
                y = ctx.source.parts(dataset, self.y, m, *b)
                extra["y"] = relations.ratio(*y)
            else:
                y = self.y
            est = stats.ratio_diff(px, y, ctx.B, ctx.seed, paired=True)
            run.components.append(diff_component(
                f"{per}: {label}", dataset, est, self.expect, ctx.sesoi(base, self.margin), period=per,
                unit=units.level(m) if not isinstance(self.y, Dyad | str) and self.y == 0 else units.difference(m),
                note=None if est.n >= MIN_DAYS else f"only {est.n} days with {m} data", extra=extra))
            s = 1 if self.expect == "greater" else -1
            run.evidence.append(Evidence(self.x, s, *b))
            if isinstance(self.y, Dyad):
                run.evidence.append(Evidence(self.y, -s, *b))
        if not miss:
            for d in dys:
                run.series[str(d)] = ctx.source.weekly(dataset, d, m).dropna()
        return run


@register
class Change(Kind):
    """A dyad's measure after vs before (its own history), net of the world's drift for similar dyads."""

    name = "change"
    summary = "a measure rises, falls or stays the same between two periods (beyond the world's drift)"
    params = {
        "dyad": P.DYAD,
        "before": P.PERIOD,
        "after": P.PERIOD,
        "measure": P.CHANGE_MEASURE,
        "expect": P.CHANGE,
        "margin": P.Param(P.number, "smallest change that matters (default: a quarter of the IQR of similar "
                                    "world dyads)"),
        "baseline": P.Param(P.choice("world", "none"), "world (subtract the base rate's change) | none",
                            default="world"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        m = ctx.m(self.measure)
        exp = EXPECT_DIR[self.expect]
        miss = ctx.missing_actor(dataset, [self.dyad])
        bb, ba, outside = ctx.before_after(dataset, self.before, self.after)
        if miss or bb is None or ba is None:
            shown = "tone" if m == P.AUTO else m
            run.components.append(ctx.gap(f"{self.dyad} {shown}: {self.after} - {self.before}", dataset, exp,
                                          miss or outside))
            return run
        # the world's drift for dyads that looked like this one BEFORE (its daily volume then, in both periods):
        # the dyad's own volume after is part of what changed, so it must not pick the comparison dyads
        vol_b = ctx.volume(dataset, self.dyad, bb)
        rate = vol_b / max(1, len(clip(ctx.source.days(dataset).to_series(), *bb)))
        vol_a = rate * len(clip(ctx.source.days(dataset).to_series(), *ba))
        auto = m == P.AUTO
        if auto:
            m, tone_before = self._auto(ctx, dataset, bb, ctx.base(dataset, "tone", ba, vol_a), exp)
        name = f"{self.dyad} {m}: {self.after} - {self.before}"
        if n := ctx.source.directed_note(dataset, self.dyad):
            run.notes.append(n)
        pa_, pb_ = ctx.source.parts(dataset, self.dyad, m, *ba), ctx.source.parts(dataset, self.dyad, m, *bb)
        base_b = ctx.base(dataset, m, bb, vol_b)
        base_a = ctx.base(dataset, m, ba, vol_a)
        # the drift of those same dyads (followed from before into after), not of two different sets
        moved = relations.base_drift(ctx.source.reader, dataset, bb, ba, m, vol_b)
        drift = moved["median"] if self.baseline == "world" else 0.0
        drift = drift if drift == drift else 0.0
        est = stats.ratio_diff(pa_, pb_, ctx.B, ctx.seed)
        moved_draws = None if est.draws is None else est.draws - drift  # p from the same draws as the interval
        est = stats.Estimate(est.effect - drift, est.lo - drift, est.hi - drift,
                             est.p if moved_draws is None else resample.p_value(moved_draws, 0.0), est.n,
                             est.method + ("; minus the base rate's change" if drift else ""), moved_draws)
        margin = ctx.sesoi(base_a, self.margin)
        room = _room(m, relations.ratio(*pb_), exp, margin)
        run.components.append(diff_component(
            name, dataset, est, exp, margin, period=f"{self.before}->{self.after}", room=room, unit=units.difference(m),
            note=None if room else f"{m} is {relations.ratio(*pb_):+.3f} before, within the margin ({margin:.3g}) "
                                   "of its bound: it cannot show the claimed change, so no change is no evidence",
            extra={"measure": m, "before": relations.ratio(*pb_), "after": relations.ratio(*pa_),
                   "world_drift": drift, "drift_dyads": moved["n"], "base_before": base_b["median"],
                   "base_after": base_a["median"]}))
        sign = {"greater": 1, "less": -1}.get(exp, 1)
        run.evidence.append(Evidence(self.dyad, sign, *ba))  # what happened after, on the claimed side
        if auto and m != "tone":
            run.notes.append(f"{self.dyad}: tone is at its bound before ({tone_before:+.3f}), so the change "
                             f"is measured on {m} (measure: auto)")
        run.series[str(self.dyad)] = ctx.source.weekly(dataset, self.dyad, m).dropna()
        return run

    def _auto(self, ctx: Context, dataset: str, bb: Any, tone_base_after: dict, exp: str) -> tuple[str, float]:
        """``measure: auto``: tone (sum(score) / sum(|score|), a share that attention does not move) where it
        has room to move the claimed way before (by the margin of similar dyads after); ``intensity`` (tone x
        attention, unbounded) where tone sits within that margin of its bound, so a change from a saturated
        level still shows. Returns (the measure, tone before)."""
        level = relations.ratio(*ctx.source.parts(dataset, self.dyad, "tone", *bb))
        room = _room("tone", level, exp, ctx.sesoi(tone_base_after, self.margin))
        return ("tone" if room else "intensity"), level


BOUNDED = {"tone": (-1.0, 1.0), "net": (-1.0, 1.0)}  # measures that saturate: a ratio of a sum to its |sum|


def _room(measure: str, level: float, expect: str, margin: float) -> bool:
    """Whether a bounded measure at ``level`` can move by ``margin`` the way the claim needs (both ways for
    'none'); unbounded measures always can."""
    if measure not in BOUNDED or level != level:
        return True
    lo, hi = BOUNDED[measure]
    up, down = hi - level > margin, level - lo > margin
    return {"greater": up, "less": down}.get(expect, up and down)


@register
class Break(Kind):
    """A structural break (a shift in the weekly mean) in one or more dyads near a date."""

    name = "break"
    summary = "a shift in the level of dyad series at (or near) a date; for several dyads, in most of them"
    params = {
        "dyads": P.Param(P.dyads, "[IRN-ARM, ...] or one dyad", required=True),
        "date": P.Param(P.a_date, "YYYY-MM-DD", required=True),
        "measure": P.MEASURE,
        "span": P.Param(P.integer, "days of data on each side", default=365),
        "window": P.Param(P.integer, "days within which the detected break must fall", default=90),
        "expect": P.one_of("present", "absent"),
        "margin": P.Param(P.number, "smallest shift that matters (default: a quarter of the IQR of similar "
                                    "world dyads)"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        m = ctx.m(self.measure)
        at = ctx.moved(self.date)
        lo, hi = at - timedelta(days=self.span), at + timedelta(days=self.span)
        miss = ctx.missing_actor(dataset, self.dyads)
        cov = ctx.source.coverage(dataset)
        if miss or cov is None or cov[0] > at - timedelta(days=28) or cov[1] < at + timedelta(days=28):
            note = miss or f"{dataset} covers {cov[0] if cov else '-'}..{cov[1] if cov else '-'}: not 4 weeks " \
                           f"either side of {at}"
            run.components.append(ctx.gap(f"break at {self.date}", dataset, exp, note))
            return run
        cut = pd.Timestamp(at)
        cols, comps = {}, []
        for d in self.dyads:
            w = ctx.source.weekly(dataset, d, m, lo, hi)
            b0 = (max(lo, cov[0]), min(at - timedelta(days=1), cov[1]))
            margin = ctx.sesoi(ctx.base(dataset, m, b0, ctx.volume(dataset, d, b0)), self.margin)
            cols[str(d)] = w
            ok = w.dropna()
            step = np.asarray(ok.index >= cut, dtype=float)
            name = f"{d} shift at {self.date}"
            if len(ok) < 12 or step.sum() < 4 or (1 - step).sum() < 4:
                comps.append(ctx.gap(name, dataset, exp, f"only {len(ok)} weeks with data"))
                continue
            res = stats.hac_ols(ok.to_numpy(), step[:, None])
            comps.append(fit_component(name, dataset, res, np.array([0.0, 1.0]), len(ok), exp, margin, 12,
                                       "weekly mean shift, OLS with Newey-West HAC errors", units.shift(m)))
            run.evidence += [Evidence(d, 1, at, hi),
                             Evidence(d, -1, lo, at)]
        run.series = {k: v.dropna() for k, v in cols.items()}
        if len(comps) == 1:
            run.components += comps
        else:
            run.components.append(_share_component(comps, dataset, exp, f"dyads shifting at {self.date}"))
            run.notes += [f"{c.name}: {c.outcome}" for c in comps]
        if exp == "nonzero":
            self._locate(run, pd.DataFrame(cols), dataset)
        return run

    def _locate(self, run: Run, cols: pd.DataFrame, dataset: str) -> None:
        """Where a single break most likely falls, against the claimed date (within ``window`` days)."""
        from detente.numerics import binseg_one_l2

        frame = cols.dropna(how="all").ffill().bfill().dropna(axis=1)
        if len(frame) < 12 or not frame.shape[1]:
            return
        z = ((frame - frame.mean()) / frame.std(ddof=0).replace(0, 1)).to_numpy()
        bk = binseg_one_l2(z, min_size=4, jump=5)  # = ruptures' Binseg(model="l2", min_size=4), one break
        found = frame.index[min(bk, len(frame) - 1)].date()
        delta = abs((found - self.date).days)
        run.components.append(Component(
            f"most likely single break: {found}", dataset, float(delta), float(delta), float(delta), None,
            len(frame), "less", null=float(self.window), method="binary segmentation (l2) on "
            "standardised weekly series", note=f"{delta} days from {self.date}; tolerance {self.window}",
            unit=units.BREAK_DAYS))


def _share_component(comps: list[Component], dataset: str, exp: str, name: str) -> Component:
    """Several dyads' tests as one: the share whose own outcome is 'for', against a majority (0.5)."""
    usable = [c for c in comps if c.outcome != "insufficient"]
    if not usable:
        return Component(name, dataset, None, None, None, None, 0, "greater", note="no dyad had enough data")
    share = sum(c.outcome == "for" for c in usable) / len(usable)
    return Component(name, dataset, share, share, share, None, len(usable), "greater", null=0.5,
                     method=f"share of {len(usable)} dyads whose own test is 'for' (expect {exp}), vs a majority",
                     unit=units.SHARE_OF_DYADS,
                     extra={c.name: c.as_dict() for c in comps})


@register
class Association(Kind):
    """Lagged response of y to x's shocks (weekly): y_t on s_t..s_{t-L}, y_{t-1} and the world's news volume,
    where s = x's AR(1) residual (the week's surprise in x).

    Only weeks inside the listed periods are used (list the periods to leave a war window out); the world's
    weekly volume (log) and its change are controls, so a news surge that moves every dyad is not read as a
    response.
    """

    name = "association"
    summary = "when x moves, y moves the same (positive) or opposite (negative) way within L weeks"
    params = {
        "x": P.Param(P.dyad, "the driving dyad", required=True),
        "y": P.Param(P.dyad, "the responding dyad", required=True),
        "lags": P.Param(P.integer, "weeks of lag, 0..L", default=4),
        "measure": P.MEASURE,
        "periods": P.PERIODS,
        "expect": P.one_of("positive", "negative"),
        "margin": P.Param(P.number, "smallest standardised cumulative effect that matters", default=0.05),
        "controls": P.Param(P.choice("world", "none"), "world (news-volume controls) | none", default="world"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        m = ctx.m(self.measure)
        name = f"{self.y} on {self.x}, lags 0..{self.lags} weeks"
        miss = ctx.missing_actor(dataset, [self.x, self.y])
        spans = [b for per in self.periods if (b := ctx.bounds(per, dataset))]
        if miss or not spans:
            run.components.append(ctx.gap(name, dataset, exp, miss or f"{dataset} covers none of the periods"))
            return run
        lo, hi = min(b[0] for b in spans), max(b[1] for b in spans)
        wx, wy = ctx.source.weekly(dataset, self.x, m, lo, hi), ctx.source.weekly(dataset, self.y, m, lo, hi)
        inside = np.zeros(len(wx), dtype=bool)
        for b0, b1 in spans:  # weeks (ending Sunday) whose days lie inside one of the periods
            inside |= (wx.index >= pd.Timestamp(b0) + pd.Timedelta(days=6)) & (wx.index <= pd.Timestamp(b1))
        z = lambda s: (s - s.mean()) / (s.std() or 1.0)  # noqa: E731
        # x's shocks: the part of each week's x its own last week does not predict (AR(1) residual)
        zx = z(wx)
        ok = zx.notna() & zx.shift(1).notna()
        rho = float(np.dot(zx[ok], zx.shift(1)[ok]) / max(np.dot(zx.shift(1)[ok], zx.shift(1)[ok]), 1e-12))
        shock = zx - rho * zx.shift(1)
        df = pd.DataFrame({"y": z(wy), "y1": z(wy).shift(1)})
        for k in range(self.lags + 1):
            df[f"x{k}"] = shock.shift(k)
        ctl: list[str] = []
        if self.controls == "world":
            lw = np.log(ctx.source.world_weekly(dataset, lo, hi).reindex(wx.index))
            df["w"], df["dw"] = z(lw), z(lw.diff())
            ctl = ["w", "dw"]
        df = df[inside].dropna()
        if len(df) < 30:
            run.components.append(ctx.gap(name, dataset, exp, f"only {len(df)} complete weeks (need 30)"))
            return run
        cols = [f"x{k}" for k in range(self.lags + 1)] + ["y1"] + ctl
        res = stats.hac_ols(df["y"].to_numpy(), df[cols].to_numpy())
        w = np.r_[0.0, np.ones(self.lags + 1), np.zeros(1 + len(ctl))]
        excluded = [p for p in self.case.periods if p not in self.periods]
        run.components.append(fit_component(
            name, dataset, res, w, len(df), exp, self.margin, 30,
            f"sum of distributed-lag coefficients of y on x's shocks (AR(1) residuals, rho {rho:.2f}) on "
            "standardised weekly series, y lag 1"
            + (" and the world's weekly news volume (log, change)" if ctl else "") + " as controls, Newey-West HAC"
            + (f"; periods left out: {', '.join(excluded)}" if excluded else ""), units.LAGGED))
        s = 1 if exp == "greater" else -1
        run.evidence += [Evidence(self.x, 1, lo, hi), Evidence(self.y, s, lo, hi)]
        run.series = {str(self.x): wx.dropna(), str(self.y): wy.dropna()}
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
        "dyad": P.DYAD,
        "polarity": P.one_of("cooperative", "conflictual", "any"),
        "periods": P.PERIODS,
        "min_events": P.Param(P.integer, "events (or active days) needed", default=3),
        "expect": P.one_of("present", "absent"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = "greater" if self.expect == "present" else "less"
        miss = ctx.missing_actor(dataset, [self.dyad])
        if not miss and (n := ctx.source.directed_note(dataset, self.dyad)):
            run.notes.append(n)
        col = {"cooperative": "coop", "conflictual": "conf", "any": "n"}[self.polarity]
        name = lambda per: f"{per}: {self.polarity} {self.dyad}"  # noqa: E731
        for per, b in ctx.each_period(run, self.periods, dataset, exp, name, miss):
            d = clip(ctx.source.frame(dataset, self.dyad), *b)
            count, days = int(d[col].sum()), len(d)
            lo_r, hi_r = stats.poisson_interval(count)
            # a recorded count is a lower bound of what happened: [count, inf) when below the threshold
            hi = float(count) if count >= self.min_events else math.inf
            unit = "events" if ctx.source.shape[dataset] == "events" else "active days"
            run.components.append(Component(
                name(per), dataset, float(count), float(count), hi, None, days, exp,
                null=self.min_events - 0.5, min_n=1, period=per,
                method=f"recorded {unit}, threshold {self.min_events}",
                unit=units.EVENTS if unit == "events" else units.DAYS,
                note=None if count else f"no {self.polarity} {self.dyad} {unit} recorded in {dataset} "
                                        f"{b[0]}..{b[1]}: absence of records is not evidence of absence",
                extra={"per_30_days": 30 * count / max(days, 1), "per_30_days_interval":
                       [30 * lo_r / max(days, 1), 30 * hi_r / max(days, 1)]}))
            run.evidence.append(Evidence(self.dyad, -1 if self.polarity == "conflictual" else 1, *b))
        if not miss:
            run.series[f"{self.dyad} count"] = ctx.source.weekly(dataset, self.dyad, "count").dropna()
        return run
