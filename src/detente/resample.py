"""One resampling rule for every interval in detente: a circular block bootstrap over covered days.

Daily event series are autocorrelated (a crisis lasts weeks), so single days cannot be resampled as if
independent. Every interval (relations' index CIs, network edges, claims' tests, the alignment gap) draws
blocks of consecutive days the same way:

* block length ``L = block_length(n)`` = max(14, ceil(n^(1/3))), never more than n // 2 (at least 1): two
  weeks at least, so a crisis and the weekly news cycle stay inside a block (Politis & Romano 1992 circular blocks);
* ``counts(n, B, seed)`` -> an (n, B) matrix: how often each day is drawn in each of B resamples, so any
  statistic that is a ratio of daily sums is ``(num @ C) / (den @ C)`` — one matrix product, no Python loop;
* seeds are integers or sequences (``[seed, period]``) for ``numpy.random.default_rng``: deterministic.

>>> C = counts(30, 4, 0)
>>> C.shape, C.sum(axis=0).tolist()
((30, 4), [30.0, 30.0, 30.0, 30.0])
>>> block_length(30), block_length(5000), block_length(3)
(14, 18, 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

ALPHA = 0.05
MIN_BLOCK = 14


def block_length(n: int) -> int:
    """max(14, ceil(n^(1/3))) days, capped at n // 2 (at least 1)."""
    if n <= 0:
        return 1
    return max(1, min(max(MIN_BLOCK, math.ceil(n ** (1 / 3))), n // 2))


def indices(n: int, B: int, seed: int | Sequence[int] | np.random.Generator = 0,
            block: int | None = None) -> np.ndarray:
    """(B, n) day indices of B circular block resamples of n days."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    L = block or block_length(n)
    k = math.ceil(n / L)
    starts = rng.integers(0, n, size=(B, k))
    return ((starts[:, :, None] + np.arange(L)[None, None, :]) % n).reshape(B, -1)[:, :n]


def counts(n: int, B: int, seed: int | Sequence[int] | np.random.Generator = 0,
           block: int | None = None) -> np.ndarray:
    """(n, B) float matrix: times each of n days is drawn in each of B circular block resamples.

    Integer / tuple seeds are cached (the most recent matrices up to CACHE_BYTES), so every dyad of a period
    shares its draws and the robustness variants' shifted periods are not redrawn on every run.
    """
    if isinstance(seed, np.random.Generator):
        return _counts(n, B, seed, block)
    key = (n, B, tuple(np.atleast_1d(seed).tolist()), block)
    if key not in _CACHE:
        m = _counts(n, B, np.random.default_rng(list(key[2])), block)
        m.setflags(write=False)
        while _CACHE and sum(v.nbytes for v in _CACHE.values()) + m.nbytes > CACHE_BYTES:
            _CACHE.pop(next(iter(_CACHE)))  # oldest first
        _CACHE[key] = m
    return _CACHE[key]


CACHE_BYTES = 192 * 2**20  # no more than the old 16-matrix limit could hold (16 x 2,200 days x B 1000 x 8 bytes)
_CACHE: dict[tuple, np.ndarray] = {}


def _counts(n: int, B: int, rng: np.random.Generator, block: int | None) -> np.ndarray:
    idx = indices(n, B, rng, block)
    flat = (np.arange(B)[:, None] * n + idx).ravel()
    return np.ascontiguousarray(np.bincount(flat, minlength=B * n).reshape(B, n).T, dtype=float)


def ratio_draws(num: np.ndarray, den: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Resampled sum(num) / sum(den) for each column of C (NaN where the resampled denominator is 0)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.asarray(den, float) @ C
        return np.where(d != 0, (np.asarray(num, float) @ C) / np.where(d != 0, d, 1.0), np.nan)


def interval(draws: np.ndarray, alpha: float = ALPHA) -> tuple[float, float]:
    """Percentile interval of the finite draws (NaN, NaN when there are none)."""
    ok = draws[np.isfinite(draws)]
    if not len(ok):
        return math.nan, math.nan
    lo, hi = np.quantile(ok, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def p_value(draws: np.ndarray, null: float = 0.0) -> float:
    """Two-sided bootstrap p-value for H0: effect == null (share of draws on the far side of null)."""
    ok = draws[np.isfinite(draws)]
    if not len(ok):
        return math.nan
    below = (np.sum(ok <= null) + 1) / (len(ok) + 1)
    above = (np.sum(ok >= null) + 1) / (len(ok) + 1)
    return float(min(1.0, 2 * min(below, above)))
