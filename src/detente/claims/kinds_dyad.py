"""Kinds tested on one or more dyads' daily series or events: compare, change, break, association, presence."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd

from detente.claims import params as P
from detente.claims import stats
from detente.claims.data import Dyad, clip, weekly
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
    weekly_plot,
)
from detente.claims.verdict import Component


@register
class Compare(Kind):
    """Dyad x vs dyad y (or a constant) on a measure, in each listed period."""

    name = "compare"
    summary = "x more (or less) cooperative than y, in each period"
    params = {
        "x": P.Param(P.dyad, "a dyad, e.g. IRN-ARM", required=True),
        "y": P.Param(P.dyad_or_number, "a dyad or a number", default=0.0),
        "measure": P.MEASURE,
        "periods": P.PERIODS,
        "expect": P.one_of("greater", "less"),
        "margin": P.Param(P.number, "smallest difference that matters"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        dys = [self.x] + ([self.y] if isinstance(self.y, Dyad) else [])
        margin = self.measure_margin()
        label = f"{self.x} - {self.y}"
        miss = ctx.missing_actor(dataset, dys)
        for per, b in ctx.each_period(run, self.periods, dataset, self.expect, lambda p: f"{p}: {label}", miss):
            sx = clip(ctx.source.series(dataset, self.x, self.measure), *b)
            sy = clip(ctx.source.series(dataset, self.y, self.measure), *b) if isinstance(self.y, Dyad) else self.y
            est = stats.mean_diff(sx.to_numpy(), sy if isinstance(sy, float) else sy.to_numpy(), ctx.B, ctx.seed)
            run.components.append(diff_component(
                f"{per}: {label}", dataset, est, self.expect, margin, period=per,
                note=None if est.n >= MIN_DAYS else f"only {est.n} days with {self.measure} data"))
            s = 1 if self.expect == "greater" else -1
            run.evidence.append(Evidence(self.x, s, *b))
            if isinstance(self.y, Dyad):
                run.evidence.append(Evidence(self.y, -s, *b))
        if not miss:
            for d in dys:
                run.series[str(d)] = weekly_plot(ctx.source.series(dataset, d, self.measure))
        return run


@register
class Change(Kind):
    """A dyad's measure after vs before (two periods)."""

    name = "change"
    summary = "a measure rises, falls or stays the same between two periods"
    params = {
        "dyad": P.DYAD,
        "before": P.PERIOD,
        "after": P.PERIOD,
        "measure": P.MEASURE,
        "expect": P.CHANGE,
        "margin": P.Param(P.number, "smallest change that matters"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        name = f"{self.dyad} {self.measure}: {self.after} - {self.before}"
        exp = EXPECT_DIR[self.expect]
        miss = ctx.missing_actor(dataset, [self.dyad])
        bb, ba, outside = ctx.before_after(dataset, self.before, self.after)
        if miss or bb is None or ba is None:
            run.components.append(ctx.gap(name, dataset, exp, miss or outside))
            return run
        s = ctx.source.series(dataset, self.dyad, self.measure)
        est = stats.mean_diff(clip(s, *ba).to_numpy(), clip(s, *bb).to_numpy(), ctx.B, ctx.seed)
        run.components.append(diff_component(name, dataset, est, exp, self.measure_margin(),
                                             period=f"{self.before}->{self.after}"))
        sign = {"greater": 1, "less": -1}.get(exp, 1)
        run.evidence.append(Evidence(self.dyad, sign, *ba))  # what happened after, on the claimed side
        run.series[str(self.dyad)] = weekly_plot(s)
        return run


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
        "margin": P.Param(P.number, "smallest shift that matters"),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        margin = self.measure_margin()
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
            comps.append(fit_component(name, dataset, res, np.array([0.0, 1.0]), len(ok), exp, margin, 12,
                                       "weekly mean shift, OLS with Newey-West HAC errors"))
            run.evidence += [Evidence(d, 1, self.date, hi),
                             Evidence(d, -1, lo, self.date)]
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
        import ruptures

        frame = cols.dropna(how="all").ffill().bfill().dropna(axis=1)
        if len(frame) < 12 or not frame.shape[1]:
            return
        z = ((frame - frame.mean()) / frame.std(ddof=0).replace(0, 1)).to_numpy()
        bk = ruptures.Binseg(model="l2", min_size=4).fit(z).predict(n_bkps=1)[0]
        found = frame.index[min(bk, len(frame) - 1)].date()
        delta = abs((found - self.date).days)
        run.components.append(Component(
            f"most likely single break: {found}", dataset, float(delta), float(delta), float(delta), None,
            len(frame), "less", null=float(self.window), method="ruptures binary segmentation (l2) on "
            "standardised weekly series", note=f"{delta} days from {self.date}; tolerance {self.window}"))


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
        "measure": P.MEASURE,
        "periods": P.PERIODS,
        "expect": P.one_of("positive", "negative"),
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
        run.components.append(fit_component(
            name, dataset, res, w, len(df), exp, self.margin, 30,
            "sum of distributed-lag coefficients on standardised weekly series, y lag 1 as control, "
            "Newey-West HAC errors"))
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
        s_net = None if miss else ctx.source.series(dataset, self.dyad, "net")
        s_cnt = None if miss else ctx.source.series(dataset, self.dyad, "count")
        name = lambda per: f"{per}: {self.polarity} {self.dyad}"  # noqa: E731
        for per, b in ctx.each_period(run, self.periods, dataset, exp, name, miss):
            count = self._count(ctx, dataset, b, s_net, s_cnt)
            days = len(clip(s_cnt, *b))
            lo_r, hi_r = stats.poisson_interval(count)
            # a recorded count is a lower bound of what happened: [count, inf) when below the threshold
            hi = float(count) if count >= self.min_events else math.inf
            unit = "events" if ctx.source.shape[dataset] == "events" else "active days"
            run.components.append(Component(
                name(per), dataset, float(count), float(count), hi, None, days, exp,
                null=self.min_events - 0.5, min_n=1, period=per,
                method=f"recorded {unit}, threshold {self.min_events}",
                note=None if count else f"no {self.polarity} {self.dyad} {unit} recorded in {dataset} "
                                        f"{b[0]}..{b[1]}: absence of records is not evidence of absence",
                extra={"per_30_days": 30 * count / max(days, 1), "per_30_days_interval":
                       [30 * lo_r / max(days, 1), 30 * hi_r / max(days, 1)]}))
            run.evidence.append(Evidence(self.dyad, -1 if self.polarity == "conflictual" else 1, *b))
        if s_cnt is not None:
            run.series[f"{self.dyad} count"] = weekly_plot(s_cnt)
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
