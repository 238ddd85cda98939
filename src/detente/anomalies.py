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

__all__ = ["MIN_DAYS", "THRESHOLD", "WINDOW", "Anomalies", "anomalies", "breaks", "breaks_in", "daily", "robust_z",
           "scores"]

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
    """Daily index per dyad: date, actor_a, actor_b, dataset, value (NaN = day not covered).

    Parameters
    ----------
    store
        An open store.
    actors
        Codes; every pair of them is a dyad.
    start, end
        Inclusive dates (ISO strings or dates); default the dataset's coverage.
    dataset
        A daily dataset; default the one with the longest coverage.
    backend
        ``duckdb`` or ``spark`` (:func:`detente.backends.source`).

    Returns
    -------
    pandas.DataFrame
        One row per dyad and day.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> d = daily(store, ["ARM", "AZE"], "2021-01-01", "2021-01-03")
    >>> [(str(r.date), r.actor_a, r.actor_b, r.dataset, round(r.value, 3)) for r in d.itertuples()]
    [('2021-01-01', 'ARM', 'AZE', 'gdelt_network', -9.117), ('2021-01-02', 'ARM', 'AZE', 'gdelt_network', 0.084),
     ('2021-01-03', 'ARM', 'AZE', 'gdelt_network', 0.537)]
    >>> store.close()
    """
    lo, hi, ds = _range(store, dataset, start, end)
    # a trailing window needs history before `lo`
    f = relations.dyad_frame(store, actors, cut("day", lo, hi), dataset=ds, ci=False, backend=backend)
    f = f.rename(columns={"start": "date", "index": "value"})
    return f[["date", "actor_a", "actor_b", "dataset", "value"]]


def robust_z(x: np.ndarray, window: int = WINDOW, min_days: int = MIN_DAYS) -> tuple[np.ndarray, ...]:
    """(z, baseline, scale) of each x[t] against x[t-window:t] (NaNs skipped).

    Parameters
    ----------
    x
        A daily series (NaN = not covered).
    window
        Trailing days in the baseline (the day itself excluded).
    min_days
        Covered days the baseline needs; fewer give z = NaN.

    Returns
    -------
    tuple of numpy.ndarray
        z = (x - baseline) / scale, the baseline (trailing median) and the scale (see the module docstring).

    Examples
    --------
    A flat baseline has no spread, so the scale is the floor, half the median non-zero |x| (0.5):

    >>> import numpy as np
    >>> z, baseline, scale = robust_z(np.array([1.0, 1.0, 1.0, 1.0, 5.0]), window=4, min_days=3)
    >>> z.tolist()  # days 0-2 have fewer than 3 days before them
    [nan, nan, nan, 0.0, 8.0]
    >>> baseline.tolist(), scale.tolist()
    ([nan, 1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 0.5, 0.5])
    """
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
    """Every dyad-day with its robust score (see module doc); baseline reaches ``window`` days before start.

    Parameters
    ----------
    store, actors, start, end, dataset, backend
        As in :func:`daily`.
    window, min_days
        As in :func:`robust_z`.
    threshold
        ``flagged`` when |score| >= threshold.

    Returns
    -------
    pandas.DataFrame
        The :func:`daily` columns plus ``baseline``, ``scale``, ``score``, ``direction`` (conflictual /
        cooperative) and ``flagged``.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> s = scores(store, ["ARM", "AZE"], "2022-09-12", "2022-09-14")
    >>> [(str(r.date), round(r.score, 1), r.direction, r.flagged) for r in s.itertuples()]
    [('2022-09-12', ...), ('2022-09-13', -27.6, 'conflictual', True), ('2022-09-14', -16.0, 'conflictual', True)]
    >>> store.close()
    """
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
    """The flagged dyad-days of :func:`anomalies`, with how many were scored (``flag_rate`` = flagged / scored)."""

    rows: pd.DataFrame  # date, actor_a, actor_b, direction, score, value, baseline, dataset
    scored: int  # dyad-days with a score
    flagged: int

    @property
    def flag_rate(self) -> float:
        return self.flagged / self.scored if self.scored else 0.0


def anomalies(store: Any, actors: list[str], start: Any = None, end: Any = None, dataset: str | None = None,
              threshold: float = THRESHOLD, window: int = WINDOW, backend: str = "duckdb") -> Anomalies:
    """The unusual dyad-days (|score| >= ``threshold``) among ``actors``, and the flag rate.

    Parameters
    ----------
    store, actors, start, end, dataset, backend
        As in :func:`daily`.
    threshold, window
        As in :func:`scores`.

    Returns
    -------
    Anomalies
        ``rows`` (date, actor_a, actor_b, direction, score, value, baseline, dataset; by date), ``scored``,
        ``flagged``, ``flag_rate``.

    Examples
    --------
    The September 2022 border fighting between Armenia and Azerbaijan stands out:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> a = anomalies(store, ["ARM", "AZE"], "2022-09-01", "2022-09-30")
    >>> [(str(r.date), r.actor_a, r.actor_b, r.direction) for r in a.rows.itertuples()]
    [('2022-09-13', 'ARM', 'AZE', 'conflictual'), ('2022-09-14', 'ARM', 'AZE', 'conflictual')]
    >>> a.scored, a.flagged
    (30, 2)
    >>> store.close()
    """
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
    """Breaks in the weekly mean of the A-B daily index: date (week start), before/after means, confidence.

    Parameters
    ----------
    store, start, end, dataset, backend
        As in :func:`daily`.
    a, b
        The two actors (codes or names).
    beta
        Penalty multiplier (larger: fewer breaks).
    min_weeks
        Shortest segment between breaks.

    Returns
    -------
    pandas.DataFrame
        One row per break: ``date`` (Monday of the week), ``actor_a``, ``actor_b``, ``mean_before``,
        ``mean_after``, ``confidence`` (share of the penalty ladder that finds it), ``dataset``.

    Raises
    ------
    UserError
        Fewer than 3 x ``min_weeks`` weeks of data.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> b = breaks(store, "ARM", "AZE", "2021-01-01", "2022-12-31")
    >>> [(str(r.date), round(r.mean_before, 2), round(r.mean_after, 2), r.confidence) for r in b.itertuples()]
    [('2022-09-12', 0.49, -9.7, 0.6), ('2022-10-10', -9.7, -0.39, 0.6)]
    >>> store.close()
    """
    aa, bb = relations.check_actors(store, [a, b])
    return breaks_in(daily(store, [aa, bb], start, end, dataset, backend), beta, min_weeks)


def breaks_in(d: pd.DataFrame, beta: float = 8.0, min_weeks: int = 4) -> pd.DataFrame:
    """Breaks of one dyad's daily index (a frame from :func:`daily` holding that dyad only).

    Parameters
    ----------
    d
        Columns ``date``, ``actor_a``, ``actor_b``, ``dataset``, ``value`` for one dyad.
    beta, min_weeks
        As in :func:`breaks`.

    Returns
    -------
    pandas.DataFrame
        As :func:`breaks`.

    Examples
    --------
    24 weeks repeating the weekly levels 0, 1, 3 (mean 4/3), the last twelve 5 higher: one break, on the
    Monday of week 13, found at every penalty of the ladder:

    >>> import pandas as pd
    >>> days = pd.date_range("2024-01-01", periods=168, freq="D")  # 2024-01-01 is a Monday
    >>> level = [[0.0, 1.0, 3.0][(i // 7) % 3] + (5.0 if i >= 84 else 0.0) for i in range(168)]
    >>> d = pd.DataFrame({"date": days.date, "actor_a": "ARM", "actor_b": "AZE", "dataset": "hand", "value": level})
    >>> b = breaks_in(d)
    >>> [(str(r.date), round(r.mean_before, 3), round(r.mean_after, 3), r.confidence) for r in b.itertuples()]
    [('2024-03-25', 1.333, 6.333, 1.0)]
    """
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
