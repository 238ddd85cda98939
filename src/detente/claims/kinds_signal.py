"""Kinds tested on the year- and month-level signals (not on events): partner trade and arms transfers.

Each kind names the one dataset it rests on (``signal``): ``trade_share`` reads ``partner_trade`` (monthly
exports / imports of a reporter by partner, thousand USD; only Armenia 2007-2024 is bundled), ``arms_supplier``
reads ``sipri_arms`` (delivered SIPRI TIV per deal, spread evenly over its delivery years, as
:func:`detente.alignment.arms_by_year`). :func:`detente.claims.run.evaluate_one` runs such a test once, under
its own dataset, so the verdict lists that dataset beside the event datasets.

Shares are in percentage points (0-100) and are ratios of sums (the partner's flow over the reporter's flow
with every partner in the store; partners the reader could not resolve, such as "other countries", are not in
it). Intervals: a circular block bootstrap (:mod:`detente.resample`) over months (trade) or years (arms), each
period resampled on its own.

Internal: each kind is registered in :data:`detente.claims.kinds.KINDS` and used through case files (:func:`detente.claims.load_case`, ``detente claims``); not part of the Python API.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detente import resample
from detente.claims import params as P
from detente.claims import units
from detente.claims.casefile import Case, CaseError, Node
from detente.claims.kinds import EXPECT_DIR, Context, Kind, Run, register
from detente.claims.verdict import Component, with_draws

__all__: list[str] = []

MIN_MONTHS = 12
MIN_YEARS = 3
TRADE_MARGIN = 1.0  # share points: a change of the partner's share smaller than 1 point of the reporter's trade
ARMS_MARGIN = 5.0  # share points of the recipient's delivered TIV (yearly arms deliveries are lumpy)
FLOWS = {"imports": ("trade_import",), "exports": ("trade_export",), "total": ("trade_import", "trade_export")}


def years(n: Node, case: Case) -> tuple[int, int]:
    """A window of calendar years: ``[2011, 2019]``."""
    v = n.value
    if not isinstance(v, list) or len(v) != 2 or not all(isinstance(x.value, int) and not isinstance(x.value, bool)
                                                          for x in v) or v[0].value > v[1].value:
        raise n.fail("expected a window of two years, first <= last", "[2011, 2019]")
    return int(v[0].value), int(v[1].value)


def actor_list(n: Node, case: Case) -> list[str]:
    if isinstance(n.value, list):
        if not n.value:
            raise n.fail("expected one actor or a list of actors", "ISR or [ISR, TUR]")
        return [P.actor(x, case) for x in n.value]
    return [P.actor(n, case)]


def _share_diff(num_a: np.ndarray, den_a: np.ndarray, num_b: np.ndarray | None, den_b: np.ndarray | None,
                B: int, seed: int, null: float = 0.0) -> tuple[float, float, float, float]:
    """100 x (share a - share b) (or share a - null when b is None) with a block bootstrap interval and p."""
    Ca = resample.counts(len(den_a), B, [seed, len(den_a)])
    ra, da = 100 * num_a.sum() / den_a.sum(), 100 * resample.ratio_draws(num_a, den_a, Ca)
    if num_b is None or den_b is None:
        rb, db = null, null
    else:
        Cb = resample.counts(len(den_b), B, [seed + 1, len(den_b)])
        rb, db = 100 * num_b.sum() / den_b.sum(), 100 * resample.ratio_draws(num_b, den_b, Cb)
    draws = da - db
    lo, hi = resample.interval(draws)
    return float(ra - rb), lo, hi, resample.p_value(draws, 0.0), draws


@register
class TradeShare(Kind):
    """A partner's share of a reporter's imports, exports or total trade: after vs before (months)."""

    name = "trade_share"
    summary = "a partner's share of a reporter's trade rises, falls or stays the same between two periods"
    signal = "partner_trade"
    params = {
        "reporter": P.Param(P.actor, "the reporting state, e.g. ARM", required=True),
        "partner": P.Param(P.actor, "the partner, e.g. IRN", required=True),
        "flow": P.one_of("imports", "exports", "total"),
        "before": P.PERIOD,
        "after": P.PERIOD,
        "expect": P.CHANGE,
        "margin": P.Param(P.number, f"smallest change that matters, in share points (default {TRADE_MARGIN})",
                          default=TRADE_MARGIN),
    }

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        name = f"{self.partner} share of {self.reporter} {self.flow} (%): {self.after} - {self.before}"
        kinds = FLOWS[self.flow]
        df = ctx.source.con.execute(
            f"SELECT date, actor_b, value FROM signals WHERE dataset = ? AND actor_a = ? AND value IS NOT NULL"
            f" AND kind IN ({', '.join('?' * len(kinds))})", [dataset, self.reporter, *kinds]).df()
        if df.empty:
            have = [r[0] for r in ctx.source.con.execute(
                "SELECT DISTINCT actor_a FROM signals WHERE dataset = ? ORDER BY 1", [dataset]).fetchall()]
            run.components.append(ctx.gap(name, dataset, exp, f"{dataset} has no trade reported by "
                                          f"{self.reporter} (reporters in the store: {', '.join(have) or 'none'}; "
                                          "only Armenia's series is bundled; add one with `detente ingest`)"))
            return run
        df["date"] = pd.to_datetime(df["date"])
        tot = df.groupby("date")["value"].sum()
        part = df[df.actor_b == self.partner].groupby("date")["value"].sum().reindex(tot.index, fill_value=0.0)
        sides = []
        for per in (self.before, self.after):
            p = ctx.case.periods[per]
            lo = pd.Timestamp(ctx.moved(p.start)) if p.start else tot.index.min()
            hi = pd.Timestamp(ctx.moved(p.end)) if p.end else tot.index.max()
            m = (tot.index >= lo) & (tot.index <= hi)  # months whose first day lies inside the period
            sides.append((part[m].to_numpy(float), tot[m].to_numpy(float)))
        (nb, db), (na, da) = sides
        n = min(len(db), len(da))
        if n < MIN_MONTHS or not db.sum() or not da.sum():
            run.components.append(ctx.gap(name, dataset, exp, f"{self.reporter} reports {len(db)} months in "
                                          f"{self.before} and {len(da)} in {self.after} (need {MIN_MONTHS})"))
            return run
        eff, lo_, hi_, p, draws = _share_diff(na, da, nb, db, ctx.B, ctx.seed)
        run.components.append(with_draws(Component(
            name, dataset, eff, lo_, hi_, p, n, exp, margin=self.margin, min_n=MIN_MONTHS,
            method=f"ratio of monthly sums, circular block bootstrap over months (block "
                   f"{resample.block_length(len(da))}/{resample.block_length(len(db))}, B={ctx.B}); margin "
                   f"{self.margin} share points",
            period=f"{self.before}->{self.after}",
            note=f"{dataset}: {self.reporter}'s reported trade; partners the reader could not resolve are not in "
                 "the total",
            extra={"before": 100 * nb.sum() / db.sum(), "after": 100 * na.sum() / da.sum(),
                   "months_before": len(db), "months_after": len(da), "unit": "share points"}, unit=units.POINTS),
            draws))
        run.series[f"{self.partner} share of {self.reporter} {self.flow}"] = (100 * part / tot).dropna()
        return run


@register
class ArmsSupplier(Kind):
    """Suppliers' share of a recipient's delivered arms (SIPRI TIV): per window vs a share, or after vs before."""

    name = "arms_supplier"
    summary = "suppliers' share of a recipient's delivered arms (SIPRI TIV) is above a share, or rises / falls"
    signal = "sipri_arms"
    params = {
        "supplier": P.Param(actor_list, "a supplier or a list of suppliers, e.g. [ISR, TUR]", required=True),
        "recipient": P.Param(P.actor, "the recipient, e.g. AZE", required=True),
        "windows": P.Param(lambda n, c: [years(x, c) for x in n.value] if isinstance(n.value, list) else
                           [years(n, c)], "[[2011, 2019], [2021, 2024]] (level test per window)"),
        "before": P.Param(years, "[2011, 2019] (with after: a change test)"),
        "after": P.Param(years, "[2021, 2024]"),
        "expect": P.one_of("greater", "less", "increase", "decrease", "none"),
        "share": P.Param(P.number, "the share (%) a level test compares with (default 50: a majority)",
                         default=50.0),
        "margin": P.Param(P.number, f"smallest difference that matters, in share points (default {ARMS_MARGIN})",
                          default=ARMS_MARGIN),
    }

    def __init__(self, values: dict[str, Any], case: Case):
        super().__init__(values, case)
        change = values.get("before") is not None or values.get("after") is not None
        if change and (values.get("before") is None or values.get("after") is None or values.get("windows")):
            raise CaseError("arms_supplier: give windows (level tests) or both before and after (a change); "
                            "expected windows: [[2011, 2019]] or before: [2011, 2019], after: [2021, 2024]")
        if not change and not values.get("windows"):
            raise CaseError("arms_supplier needs windows, or before and after; expected windows: [[2011, 2019]]")

    def _years(self, ctx: Context, dataset: str) -> pd.DataFrame:
        from detente.alignment import arms_by_year  # the one spread of a deal's TIV over its delivery years

        return arms_by_year(ctx.source, recipient=self.recipient, dataset=dataset)[["year", "supplier", "tiv"]]

    def deals(self, ctx: Context, dataset: str, w: tuple[int, int], sign: int, k: int = 3) -> list[dict]:
        """The largest deals (delivered TIV) with deliveries in the window: the suppliers' count for the claim
        when ``sign`` > 0, the other suppliers' against it (the reverse when ``sign`` < 0)."""
        df = ctx.source.con.execute(
            "SELECT actor_a, actor_b, year, date, end_date, item, value, label FROM signals WHERE dataset = ?"
            " AND kind = 'arms_transfer' AND actor_b = ? AND value > 0 AND year(date) <= ? AND year(end_date) >= ?"
            " ORDER BY value DESC", [dataset, self.recipient, w[1], w[0]]).df()
        rows = []
        for mine, part in ((True, df[df.actor_a.isin(self.supplier)]), (False, df[~df.actor_a.isin(self.supplier)])):
            for r in part.head(k).itertuples(index=False):
                rows.append({"date": pd.Timestamp(r.date).date(), "source": r.actor_a, "target": r.actor_b,
                             "event_type": f"arms delivered {pd.Timestamp(r.date).year}-"
                                           f"{pd.Timestamp(r.end_date).year} (ordered {r.year}): {r.label}",
                             "cameo_code": None, "goldstein": None, "score": float(r.value), "dataset": dataset,
                             "source_url": None, "event_id": r.item, "dyad": f"{r.actor_a}>{r.actor_b}",
                             "side": "for" if mine == (sign > 0) else "against"})
        return rows

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        who = "+".join(self.supplier)
        df = self._years(ctx, dataset)
        span = ctx.source.con.execute("SELECT min(year(date)), max(year(end_date)) FROM signals WHERE dataset = ?"
                                      " AND kind = 'arms_transfer'", [dataset]).fetchone()

        def window(w: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
            ys = np.arange(max(w[0], span[0] or w[0]), min(w[1], span[1] or w[1]) + 1)
            tot = df.groupby("year")["tiv"].sum().reindex(ys, fill_value=0.0)
            sup = df[df.supplier.isin(self.supplier)].groupby("year")["tiv"].sum().reindex(ys, fill_value=0.0)
            return sup.to_numpy(float), tot.to_numpy(float)

        def short(w: tuple[int, int]) -> str:
            return f"{w[0]}-{w[1]}"

        tests = [(f"{who} share of {self.recipient} delivered TIV {short(w)} (%) vs {self.share:g}", w, None)
                 for w in self.windows or []]
        if self.before is not None:
            tests = [(f"{who} share of {self.recipient} delivered TIV (%): {short(self.after)} - "
                      f"{short(self.before)}", self.after, self.before)]
        for name, w, ref in tests:
            na, da = window(w)
            nb, db = window(ref) if ref else (None, None)
            n = len(da) if db is None else min(len(da), len(db))
            if n < MIN_YEARS or not da.sum() or (db is not None and not db.sum()):
                run.components.append(ctx.gap(name, dataset, exp, f"{dataset}: no deliveries to {self.recipient} "
                                              f"in enough years of the window (need {MIN_YEARS} years, the register "
                                              f"covers deliveries {span[0]}..{span[1]})"))
                continue
            eff, lo, hi, p, draws = _share_diff(na, da, nb, db, ctx.B, ctx.seed, null=0.0 if ref else self.share)
            extra = {"share": 100 * na.sum() / da.sum(), "recipient_tiv": float(da.sum()), "unit": "share points"}
            if db is not None:
                extra.update(before=100 * nb.sum() / db.sum(), after=extra["share"])
            run.components.append(with_draws(Component(
                name, dataset, eff if ref else eff + self.share, lo if ref else lo + self.share,
                hi if ref else hi + self.share, p, n, exp, null=0.0 if ref else self.share, margin=self.margin,
                min_n=MIN_YEARS, period=short(w),
                method=f"ratio of yearly delivered TIV (each deal spread evenly over its delivery years), "
                       f"circular block bootstrap over years (B={ctx.B}); margin {self.margin} share points",
                note=f"{dataset}: SIPRI trend-indicator values of deliveries; deals without delivery years are "
                     "left out", extra=extra, unit=units.POINTS if ref else units.PERCENT),
                draws if ref else draws + self.share))
            sign = 1 if exp in ("greater", "nonzero") else -1
            run.rows += [r for r in self.deals(ctx, dataset, w, sign) if not any(
                r["event_id"] == x["event_id"] for x in run.rows)]
        return run


IDEAL_MARGIN = 0.1  # ideal-point units (Voeten idealpointall; states span about -2..+3): a tenth of a point


@register
class IdealDistance(Kind):
    """A dyad's UN ideal-point distance: vs another dyad's in each period, or after vs before."""

    name = "ideal_distance"
    summary = "a dyad's UN ideal-point distance is below (above) another dyad's, or falls / rises between periods"
    signal = "un_idealpoints"
    params = {
        "dyad": P.DYAD,
        "versus": P.Param(P.dyad, "a dyad to compare with, per period (a level test)"),
        "periods": P.PERIODS,
        "before": P.Param(P.period, "with after: a change test"),
        "after": P.Param(P.period, "a period name"),
        "expect": P.one_of("less", "greater", "increase", "decrease", "none"),
        "margin": P.Param(P.number, f"smallest difference that matters, in ideal-point units (default "
                                    f"{IDEAL_MARGIN})", default=IDEAL_MARGIN),
    }

    def __init__(self, values: dict[str, Any], case: Case):
        super().__init__(values, case)
        change = values.get("before") is not None or values.get("after") is not None
        if change == (values.get("versus") is not None) or (change and None in (values["before"], values["after"])):
            raise CaseError("ideal_distance: give versus (a dyad, per period) or both before and after (a change)")

    def _distance(self, ctx: Context, dataset: str, a: str, b: str, per: str) -> tuple[np.ndarray, np.ndarray]:
        """(weight x distance, weight) per calendar year the period overlaps and both states have a point;
        weight = the period's days in that year (as alignment_frame)."""
        p = ctx.case.periods[per]
        d = ctx.source._ideal.get((a, b))
        if d is None:  # the same per-year distances serve every period and robustness variant
            from detente.alignment import bsv_ideal_points

            df = bsv_ideal_points(ctx.source, [a, b])
            w = None if df.empty else df.pivot_table(index="year", columns="actor", values="ideal")
            d = (pd.Series(dtype=float) if w is None or a not in w or b not in w
                 else (w[a] - w[b]).abs().dropna())
            ctx.source._ideal[(a, b)] = d
        if d.empty:
            return np.zeros(0), np.zeros(0)
        lo = ctx.moved(p.start) if p.start else pd.Timestamp(int(d.index.min()), 1, 1).date()
        hi = ctx.moved(p.end) if p.end else pd.Timestamp(int(d.index.max()), 12, 31).date()
        num, den = [], []
        for y, v in d.items():
            y0, y1 = max(lo, pd.Timestamp(int(y), 1, 1).date()), min(hi, pd.Timestamp(int(y), 12, 31).date())
            if y0 <= y1:
                days = (y1 - y0).days + 1
                num.append(v * days)
                den.append(days)
        return np.asarray(num, float), np.asarray(den, float)

    def run(self, ctx: Context, dataset: str) -> Run:
        run = Run()
        exp = EXPECT_DIR[self.expect]
        a, b = self.dyad.actors
        cases = ([(f"{self.dyad} - {self.versus} UN ideal-point distance: {per}", per, None) for per in self.periods]
                 if self.versus is not None else
                 [(f"{self.dyad} UN ideal-point distance: {self.after} - {self.before}", self.after, self.before)])
        for name, per, ref in cases:
            nx, dx = self._distance(ctx, dataset, a, b, per)
            if ref is None:
                ny, dy = self._distance(ctx, dataset, *self.versus.actors, per)
                common = len(dx) == len(dy)
            else:
                ny, dy = self._distance(ctx, dataset, a, b, ref)
                common = True
            n = min(len(dx), len(dy))
            if n < MIN_YEARS or not common:
                run.components.append(ctx.gap(name, dataset, exp, f"{dataset}: {n} years with both states' ideal "
                                              f"points in the period (need {MIN_YEARS}; the release ends in 2023)",
                                              per))
                continue
            Cx = resample.counts(len(dx), ctx.B, [ctx.seed, len(dx)])
            Cy = Cx if ref is None else resample.counts(len(dy), ctx.B, [ctx.seed + 1, len(dy)])
            draws = resample.ratio_draws(nx, dx, Cx) - resample.ratio_draws(ny, dy, Cy)
            lo, hi = resample.interval(draws)
            vx, vy = float(nx.sum() / dx.sum()), float(ny.sum() / dy.sum())
            run.components.append(with_draws(Component(
                name, dataset, vx - vy, lo, hi, resample.p_value(draws), n, exp, margin=self.margin,
                min_n=MIN_YEARS, period=per if ref is None else f"{ref}->{per}",
                method=f"day-weighted mean over calendar years of |ideal_a - ideal_b|, circular block bootstrap over "
                       f"years ({'paired, ' if ref is None else ''}B={ctx.B}); margin {self.margin}",
                note=f"{dataset}: Voeten's idealpointall, comparable across years",
                extra={"distance": vx, ("versus" if ref is None else "before"): vy, "years": n},
                unit=units.IDEAL_DISTANCE), draws))
        return run
