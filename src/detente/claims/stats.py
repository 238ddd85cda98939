"""Interval estimates robust to autocorrelation: moving-block bootstrap of means, HAC (Newey-West) regression.

Daily event series are autocorrelated (a crisis lasts weeks), so resampling single days or using OLS
errors makes intervals far too narrow. Means are bootstrapped in contiguous blocks (Kunsch 1989); regressions
use Newey-West HAC covariance (statsmodels). Every function is seeded and returns plain floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

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


def block_length(n: int, unit: str = "day") -> int:
    """Block length: two weeks of days (or four weeks), at least n^(1/3), never more than n // 2."""
    base = 14 if unit == "day" else 4
    return max(1, min(max(base, round(n ** (1 / 3))), max(1, n // 2)))


def block_means(x: np.ndarray, B: int, rng: np.random.Generator, block: int | None = None) -> np.ndarray:
    """B moving-block bootstrap replicates of the mean of x (NaN already removed, time order kept)."""
    n = len(x)
    L = block or block_length(n)
    k = math.ceil(n / L)
    starts = rng.integers(0, n - L + 1, size=(B, k))
    idx = (starts[:, :, None] + np.arange(L)[None, None, :]).reshape(B, k * L)[:, :n]
    return x[idx].mean(axis=1)


def _p_from_boot(boot: np.ndarray, null: float) -> float:
    """Two-sided bootstrap p-value for H0: effect == null (share of centred replicates past the observed)."""
    B = len(boot)
    below = (np.sum(boot <= null) + 1) / (B + 1)
    above = (np.sum(boot >= null) + 1) / (B + 1)
    return float(min(1.0, 2 * min(below, above)))


def mean_diff(x: np.ndarray, y: np.ndarray | float, B: int = DEFAULT_B, seed: int = 0,
              alpha: float = ALPHA) -> Estimate:
    """mean(x) - mean(y) (y a series or a constant) with a moving-block bootstrap interval."""
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
    lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
    n = len(x) if ny == 0 else min(len(x), ny)
    L = block_length(len(x))
    return Estimate(eff, float(lo), float(hi), _p_from_boot(boot, 0.0), n,
                    f"moving-block bootstrap of daily means (block {L} days, B={B})")


@dataclass(frozen=True)
class Fit:
    params: np.ndarray
    cov: np.ndarray
    maxlags: int


def hac_ols(y: np.ndarray, X: np.ndarray, maxlags: int | None = None) -> Fit:
    """OLS of y on [1, X] with Newey-West (Bartlett kernel) HAC covariance.

    Same numbers as statsmodels ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L})`` (tested), without
    its import cost. Default L = floor(4 (n/100)^(2/9)), at least 1.
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
    """Estimate, interval and p-value of w'beta from a fitted (HAC) regression."""
    w = np.asarray(weights, float)
    est = float(w @ res.params)
    se = float(math.sqrt(max(w @ res.cov @ w, 0.0)))
    z = NormalDist().inv_cdf(1 - alpha / 2)
    p = float(2 * (1 - NormalDist().cdf(abs(est) / se))) if se > 0 else (0.0 if est else 1.0)
    return est, est - z * se, est + z * se, p


def poisson_interval(count: int, alpha: float = ALPHA) -> tuple[float, float]:
    """Exact (Garwood) interval for a Poisson count."""
    from scipy import stats as sps

    lo = 0.0 if count == 0 else float(sps.chi2.ppf(alpha / 2, 2 * count) / 2)
    hi = float(sps.chi2.ppf(1 - alpha / 2, 2 * count + 2) / 2)
    return lo, hi
