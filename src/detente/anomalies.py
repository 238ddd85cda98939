"""Crises and breaks in dyad series.

* ``daily(store, actors, start, end, dataset)`` — the daily volume-normalised index per dyad (NaN on days the
  dataset does not cover), from :func:`detente.relations.dyad_frame`.
* ``scores(...)`` — a robust anomaly score per dyad-day against a trailing baseline: z = (x - median) / scale
  over the previous ``window`` covered days (at least ``min_days``; the day itself excluded; missing days
  skipped), scale = max(1.4826 MAD, 1.2533 mean absolute deviation, floor) where the floor is half the median
  |x| of the dyad's non-zero days (so a run of zero days cannot make one event infinitely surprising).
  direction = conflictual when z < 0, cooperative when z > 0; flagged when |z| >= ``threshold``.
* ``anomalies(...)`` — the flagged rows plus the flag rate (flagged / scored dyad-days).
* ``breaks(store, a, b, ...)`` — structural breaks of the weekly mean of the daily index (exact
  penalised change points on the l2 cost, :func:`detente.numerics.pelt_l2`, the same as ruptures' KernelCPD with the
  linear kernel, penalty = beta x sigma^2 x log n with sigma from the MAD of first differences); confidence of each
  break = share of a ladder of penalties (beta/4 .. 4 beta) that still finds a break within +-2 weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from detente import relations
from detente.errors import UserError
from detente.periods import cut, span

WINDOW, MIN_DAYS, THRESHOLD = 90, 30, 6.0
PENALTY_LADDER = (0.25, 0.5, 1.0, 2.0, 4.0)


def _range(store: Any, dataset: str | None, start: Any, end: Any) -> tuple[date, date, str]:
    infos = relations._pick(store, dataset, None)
    if dataset is None:  # the daily dataset with the longest coverage
        infos = sorted(infos, key=lambda d: ((d.end - d.start).days if d.start and d.end else -1), reverse=True)
    info = infos[0]
    lo, hi = span(start, end)
    lo, hi = lo or info.start, hi or info.end
    if lo is None or hi is None:
        raise UserError(f"{info.name} has no coverage dates; give --start and --end")
    if lo > hi:
        raise UserError(f"start {lo} is after end {hi}; swap --start and --end")
    return lo, hi, info.name


def daily(store: Any, actors: list[str], start: Any = None, end: Any = None, dataset: str | None = None,
          backend: str = "duckdb") -> pd.DataFrame:
    """Daily index per dyad: date, actor_a, actor_b, dataset, value (NaN = day not covered)."""
    lo, hi, ds = _range(store, dataset, start, end)
    # a trailing window needs history before `lo`
    f = relations.dyad_frame(store, actors, cut("day", lo, hi), dataset=ds, ci=False, backend=backend)
    f = f.rename(columns={"start": "date", "index": "value"})
    return f[["date", "actor_a", "actor_b", "dataset", "value"]]


def robust_z(x: np.ndarray, window: int = WINDOW, min_days: int = MIN_DAYS) -> tuple[np.ndarray, ...]:
    """(z, baseline, scale) of each x[t] against x[t-window:t] (NaNs skipped)."""
    n = len(x)
    pad = np.concatenate([np.full(window, np.nan), x])
    win = np.lib.stride_tricks.sliding_window_view(pad[:-1], window)[:n]  # row t = x[t-window .. t-1]
    ok = np.sum(~np.isnan(win), axis=1) >= min_days
    with np.errstate(all="ignore"), _quiet():
        med = np.nanmedian(win, axis=1)
        dev = np.abs(win - med[:, None])
        mad = 1.4826 * np.nanmedian(dev, axis=1)
        mean_ad = 1.2533 * np.nanmean(dev, axis=1)
    nz = np.abs(x[~np.isnan(x) & (x != 0)])
    floor = 0.5 * float(np.median(nz)) if len(nz) else 1.0
    scale = np.fmax(np.fmax(mad, mean_ad), floor)
    z = np.where(ok & ~np.isnan(x), (x - med) / scale, np.nan)
    return z, med, scale


class _quiet:
    def __enter__(self) -> None:
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *a: object) -> None:
        self._w.__exit__(*a)


def scores(store: Any, actors: list[str], start: Any = None, end: Any = None, dataset: str | None = None,
           window: int = WINDOW, min_days: int = MIN_DAYS, threshold: float = THRESHOLD,
           backend: str = "duckdb") -> pd.DataFrame:
    """Every dyad-day with its robust score (see module doc); baseline reaches ``window`` days before start."""
    lo, hi, ds = _range(store, dataset, start, end)
    d = daily(store, actors, lo - timedelta(days=window), hi, ds, backend)
    out = []
    for (_a, _b), g in d.groupby(["actor_a", "actor_b"], sort=True):
        g = g.sort_values("date").copy()
        z, med, scale = robust_z(g["value"].to_numpy(float), window, min_days)
        g["baseline"], g["scale"], g["score"] = med, scale, z
        out.append(g[g["date"] >= lo])
    res = pd.concat(out, ignore_index=True)
    res["direction"] = np.where(res["score"] < 0, "conflictual", np.where(res["score"] > 0, "cooperative", ""))
    res["flagged"] = res["score"].abs() >= threshold
    return res


@dataclass
class Anomalies:
    rows: pd.DataFrame  # date, actor_a, actor_b, direction, score, value, baseline, dataset
    scored: int  # dyad-days with a score
    flagged: int

    @property
    def flag_rate(self) -> float:
        return self.flagged / self.scored if self.scored else 0.0


def anomalies(store: Any, actors: list[str], start: Any = None, end: Any = None, dataset: str | None = None,
              threshold: float = THRESHOLD, window: int = WINDOW, backend: str = "duckdb") -> Anomalies:
    s = scores(store, actors, start, end, dataset, window, threshold=threshold, backend=backend)
    f = s[s["flagged"]].sort_values(["date", "actor_a", "actor_b"])
    cols = ["date", "actor_a", "actor_b", "direction", "score", "value", "baseline", "dataset"]
    return Anomalies(f[cols].reset_index(drop=True), int(s["score"].notna().sum()), len(f))


# -- structural breaks -----------------------------------------------------------------------
def weekly(d: pd.DataFrame) -> pd.Series:
    s = d.set_index(pd.to_datetime(d["date"]))["value"]
    return s.resample("W-SUN").mean().interpolate(limit_direction="both")


def breaks(store: Any, a: str, b: str, start: Any = None, end: Any = None, dataset: str | None = None,
           beta: float = 8.0, min_weeks: int = 4, backend: str = "duckdb") -> pd.DataFrame:
    """Breaks in the weekly mean of the A-B daily index: date (week start), before/after means, confidence."""
    aa, bb = relations.check_actors(store, [a, b])
    return breaks_in(daily(store, [aa, bb], start, end, dataset, backend), beta, min_weeks)


def breaks_in(d: pd.DataFrame, beta: float = 8.0, min_weeks: int = 4) -> pd.DataFrame:
    """Breaks of one dyad's daily index (a frame from :func:`daily` holding that dyad only)."""
    from detente.numerics import pelt_l2

    aa, bb = d["actor_a"].iloc[0], d["actor_b"].iloc[0]
    w = weekly(d.dropna(subset=["value"]))
    if len(w) < 3 * min_weeks:
        raise UserError(f"{aa}-{bb}: {len(w)} weeks of data is too short for breaks; widen --start/--end")
    y = w.to_numpy(float)
    sigma = 1.4826 * np.median(np.abs(np.diff(y) - np.median(np.diff(y)))) / np.sqrt(2)
    sigma = sigma if sigma > 0 else float(np.std(y)) or 1.0
    def at(mult: float) -> list[int]:  # exact penalised l2 change points (numerics.pelt_l2 = ruptures' KernelCPD)
        return pelt_l2(y, mult * beta * sigma**2 * np.log(len(y)), min_size=min_weeks)

    found = at(1.0)
    ladder = {m: at(m) for m in PENALTY_LADDER}
    rows, edges = [], [0, *found, len(y)]
    for i, k in enumerate(found):
        conf = np.mean([any(abs(k - j) <= 2 for j in ks) for ks in ladder.values()])
        rows.append({
            "date": (w.index[k] - pd.Timedelta(days=6)).date(), "actor_a": aa, "actor_b": bb,
            "mean_before": float(y[edges[i]:k].mean()), "mean_after": float(y[k:edges[i + 2]].mean()),
            "confidence": float(conf), "dataset": d["dataset"].iloc[0],
        })
    return pd.DataFrame(rows, columns=["date", "actor_a", "actor_b", "mean_before", "mean_after", "confidence",
                                       "dataset"])
