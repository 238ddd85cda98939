"""Interval estimates robust to autocorrelation: circular block bootstrap, HAC (Newey-West) regression.

Daily event series are autocorrelated (a crisis lasts weeks), so resampling single days or using OLS
errors makes intervals far too narrow. Means and ratios are bootstrapped in circular blocks through
:mod:`detente.resample` (the one block rule, interval and p-value); regressions
use Newey-West HAC covariance (statsmodels). Every function is seeded and returns plain floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from detente import resample

__all__ = ["Estimate", "Fit", "mean_diff", "ratio_diff", "hac_ols", "linear_combination", "poisson_interval"]

DEFAULT_B = 2000
ALPHA = 0.05


@dataclass(frozen=True)
class Estimate:
    effect: float
    lo: float
    hi: float
    p: float
    n: int
    method: str
    draws: np.ndarray | None = field(default=None, compare=False, repr=False)  # bootstrap replicates of effect


def block_means(x: np.ndarray, B: int, rng: np.random.Generator, block: int | None = None) -> np.ndarray:
    """B circular block bootstrap replicates of the mean of x (NaN already removed, time order kept)."""
    return x[resample.indices(len(x), B, rng, block)].mean(axis=1)


def mean_diff(x: np.ndarray, y: np.ndarray | float, B: int = DEFAULT_B, seed: int = 0,
              alpha: float = ALPHA) -> Estimate:
    """mean(x) - mean(y) (y a series or a constant) with a circular block bootstrap interval.

    Parameters
    ----------
    x : array
        A daily series in time order (NaN dropped).
    y : array or float
        A second series (resampled on its own) or a constant.
    B : int
        Bootstrap resamples.
    seed : int
        Seed of the resampling: the same seed gives the same interval.
    alpha : float
        1 - the interval's coverage.

    Returns
    -------
    Estimate
        ``effect``, ``lo``, ``hi``, ``p`` (two-sided, against 0), ``n`` and ``method``.

    Examples
    --------
    >>> x = np.array([0.2, 0.4, 0.1, 0.5, 0.3, 0.6, 0.2, 0.4, 0.3, 0.5, 0.1, 0.4, 0.2, 0.6, 0.3, 0.5])
    >>> e = mean_diff(x, 0.0, B=500, seed=1)
    >>> round(e.effect, 4), e.n, round(e.lo, 4), round(e.hi, 4), round(e.p, 4)
    (0.35, 16, 0.3375, 0.3625, 0.004)
    """
    x = np.asarray(x, float)
    x = x[~np.isnan(x)]
    rng = np.random.default_rng(seed)
    if np.isscalar(y):
        by = np.full(B, float(y))
        ey, ny = float(y), 0
    else:
        yy = np.asarray(y, float)
        yy = yy[~np.isnan(yy)]
        if len(yy) == 0:
            return Estimate(math.nan, math.nan, math.nan, math.nan, 0, "block bootstrap")
        by, ey, ny = block_means(yy, B, rng), float(yy.mean()), len(yy)
    if len(x) == 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0, "block bootstrap")
    boot = block_means(x, B, rng) - by
    eff = float(x.mean() - ey)
    lo, hi = resample.interval(boot, alpha)
    n = len(x) if ny == 0 else min(len(x), ny)
    return Estimate(eff, lo, hi, resample.p_value(boot, 0.0), n,
                    f"circular block bootstrap of daily means (block {resample.block_length(len(x))} days, B={B})",
                    boot)


Parts = tuple[np.ndarray, np.ndarray]


def ratio_diff(x: Parts, y: Parts | float, B: int = DEFAULT_B, seed: int = 0, paired: bool = False,
               alpha: float = ALPHA) -> Estimate:
    """sum(x_num)/sum(x_den) - (y's ratio, or the constant y), with a circular block bootstrap interval.

    ``paired``: x and y are the same days (two dyads in one period), resampled with the same draws; else
    each side gets its own draws. ``n`` = days with data (a non-zero denominator), the smaller side's.

    Parameters
    ----------
    x : tuple of arrays
        (numerator, denominator) per day, e.g. :func:`detente.relations.measure_parts`.
    y : tuple of arrays or float
        The other side's parts, or a constant.
    B, seed, alpha
        As in :func:`mean_diff`.
    paired : bool
        Resample x and y with the same days.

    Returns
    -------
    Estimate

    Examples
    --------
    Tone = sum(score) / sum(|score|) over eight days: 9 / 26:

    >>> num = np.array([2.0, -1, 3, 0, 1, 2, -2, 4])
    >>> den = np.array([4.0, 2, 5, 1, 2, 3, 4, 5])
    >>> e = ratio_diff((num, den), 0.0, B=500, seed=1)
    >>> round(e.effect, 4), e.n, round(e.lo, 4), round(e.hi, 4), e.method
    (0.3462, 8, 0.16, 0.5185, 'ratio of daily sums, circular block bootstrap over days (block 4, B=500)')
    """
    nx, dx = (np.asarray(v, float) for v in x)
    days_x = int(np.count_nonzero(dx))
    if days_x == 0 or not np.sum(dx):
        return Estimate(math.nan, math.nan, math.nan, math.nan, 0, "block bootstrap")
    Cx = resample.counts(len(dx), B, [seed, len(dx)])
    rx, bx = float(nx.sum() / dx.sum()), resample.ratio_draws(nx, dx, Cx)
    if isinstance(y, int | float):
        ry, by, n = float(y), float(y), days_x
    else:
        ny_, dy = (np.asarray(v, float) for v in y)
        days_y = int(np.count_nonzero(dy))
        if days_y == 0 or not np.sum(dy):
            return Estimate(math.nan, math.nan, math.nan, math.nan, 0, "block bootstrap")
        Cy = Cx if paired and len(dy) == len(dx) else resample.counts(len(dy), B, [seed + 1, len(dy)])
        ry, by, n = float(ny_.sum() / dy.sum()), resample.ratio_draws(ny_, dy, Cy), min(days_x, days_y)
    boot = bx - by
    lo, hi = resample.interval(boot, alpha)
    return Estimate(rx - ry, lo, hi, resample.p_value(boot, 0.0), n,
                    f"ratio of daily sums, circular block bootstrap over days (block "
                    f"{resample.block_length(len(dx))}, B={B}{', paired' if paired else ''})", boot)


@dataclass(frozen=True)
class Fit:
    params: np.ndarray
    cov: np.ndarray
    maxlags: int


def hac_ols(y: np.ndarray, X: np.ndarray, maxlags: int | None = None) -> Fit:
    """OLS of y on [1, X] with Newey-West (Bartlett kernel) HAC covariance.

    Same numbers as statsmodels ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L})`` (tested), without
    its import cost. Default L = floor(4 (n/100)^(2/9)), at least 1.

    Parameters
    ----------
    y : array
        The response, in time order.
    X : array
        Regressors (one column per regressor; the constant is added).
    maxlags : int, optional
        Newey-West lags L.

    Returns
    -------
    Fit
        ``params`` (constant first), ``cov`` (HAC covariance) and ``maxlags``.

    Examples
    --------
    Five points: the OLS line is 1.4 + 0.8 x (sum of cross products 8 / sum of squares 10):

    >>> fit = hac_ols(np.array([1.0, 3, 2, 5, 4]), np.array([0.0, 1, 2, 3, 4]))
    >>> fit.params.round(6).tolist(), fit.maxlags
    ([1.4, 0.8], 2)
    """
    y = np.asarray(y, float)
    X = np.column_stack([np.ones(len(y)), np.asarray(X, float)])
    n = len(y)
    L = maxlags if maxlags is not None else max(1, int(4 * (n / 100) ** (2 / 9)))
    XtX_inv = np.linalg.pinv(X.T @ X)
    beta = XtX_inv @ X.T @ y
    u = (y - X @ beta)[:, None] * X
    S = u.T @ u
    for lag in range(1, L + 1):
        g = u[lag:].T @ u[:-lag]
        S += (1 - lag / (L + 1)) * (g + g.T)
    return Fit(beta, XtX_inv @ S @ XtX_inv, L)


def linear_combination(res: Fit, weights: np.ndarray, alpha: float = ALPHA) -> tuple[float, float, float, float]:
    """Estimate, interval and p-value of w'beta from a fitted (HAC) regression.

    Parameters
    ----------
    res : Fit
        From :func:`hac_ols`.
    weights : array
        One weight per parameter (constant first).
    alpha : float
        1 - the normal interval's coverage.

    Returns
    -------
    tuple of float
        (estimate, low, high, p).

    Examples
    --------
    >>> fit = hac_ols(np.array([1.0, 3, 2, 5, 4]), np.array([0.0, 1, 2, 3, 4]))
    >>> [round(v, 4) for v in linear_combination(fit, np.array([0.0, 1.0]))]  # the slope
    [0.8, 0.6306, 0.9694, 0.0]
    """
    w = np.asarray(weights, float)
    est = float(w @ res.params)
    se = float(math.sqrt(max(w @ res.cov @ w, 0.0)))
    z = NormalDist().inv_cdf(1 - alpha / 2)
    p = float(2 * (1 - NormalDist().cdf(abs(est) / se))) if se > 0 else (0.0 if est else 1.0)
    return est, est - z * se, est + z * se, p


def poisson_interval(count: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count.

    Parameters
    ----------
    count : int
        Events observed.
    alpha : float
        1 - the interval's coverage.

    Returns
    -------
    tuple of float
        (low, high) for the rate behind ``count``.

    Examples
    --------
    >>> [round(v, 4) for v in poisson_interval(0)], [round(v, 4) for v in poisson_interval(5)]
    ([0.0, 3.6889], [1.6235, 11.6683])
    """
    from detente.numerics import gamma_ppf  # chi2.ppf(q, 2k) / 2 = the gamma(k) quantile

    lo = 0.0 if count == 0 else gamma_ppf(alpha / 2, count)
    hi = gamma_ppf(1 - alpha / 2, count + 1)
    return lo, hi
