"""One resampling rule for every interval in detente: a circular block bootstrap over covered days.

Daily event series are autocorrelated (a crisis lasts weeks), so single days cannot be resampled as if
independent. Every interval (relations' index CIs, network edges, claims' tests, the alignment gap) draws
blocks of consecutive days the same way:

* block length ``L = block_length(n)`` = max(14, ceil(n^(1/3))), never more than n // 2 (at least 1): two
  weeks at least, so a crisis and the weekly news cycle stay inside a block (Politis & Romano 1992 circular blocks);
* ``counts(n, B, seed)`` -> an (n, B) matrix: how often each day is drawn in each of B resamples, so any
  statistic that is a ratio of daily sums is ``(num @ C) / (den @ C)`` — one matrix product, no Python loop;
* seeds are integers or sequences (``[seed, period]``) for ``numpy.random.default_rng``: deterministic.

Examples
--------
>>> C = counts(30, 4, 0)
>>> C.shape, C.sum(axis=0).tolist()
((30, 4), [30.0, 30.0, 30.0, 30.0])
>>> block_length(30), block_length(5000), block_length(3)
(14, 18, 1)
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import numpy as np

__all__ = ["ALPHA", "MIN_BLOCK", "block_length", "counts", "indices", "interval", "p_value", "ratio_draws",
           "row_intervals"]

ALPHA = 0.05
MIN_BLOCK = 14


def block_length(n: int) -> int:
    """The block length for a series of ``n`` days: max(14, ceil(n^(1/3))), capped at n // 2 (at least 1).

    Parameters
    ----------
    n
        Number of (covered) days in the series.

    Returns
    -------
    int
        Days per block.

    Examples
    --------
    >>> block_length(10), block_length(100), block_length(8000), block_length(1)
    (5, 14, 20, 1)
    """
    if n <= 0:
        return 1
    return max(1, min(max(MIN_BLOCK, math.ceil(n ** (1 / 3))), n // 2))


def indices(n: int, B: int, seed: int | Sequence[int] | np.random.Generator = 0,
            block: int | None = None) -> np.ndarray:
    """(B, n) day indices of B circular block resamples of n days.

    Parameters
    ----------
    n
        Days in the series.
    B
        Number of resamples.
    seed
        An integer, a sequence of integers (``[seed, period]``) or a numpy Generator.
    block
        Block length; default :func:`block_length` of ``n``.

    Returns
    -------
    numpy.ndarray
        Integer array of shape (B, n): row b lists the days drawn in resample b, blocks of consecutive days that
        wrap around from the last day to the first.

    Examples
    --------
    >>> idx = indices(6, 2, seed=0, block=3)
    >>> idx.shape
    (2, 6)
    >>> idx.tolist()  # blocks of 3 consecutive days (mod 6): 5 0 1 | 3 4 5
    [[5, 0, 1, 3, 4, 5], [3, 4, 5, 1, 2, 3]]
    """
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

    Parameters
    ----------
    n, B, seed, block
        As in :func:`indices`.

    Returns
    -------
    numpy.ndarray
        Read-only (n, B) float array (for integer or sequence seeds); column b counts the draws of each day in
        resample b, so every column sums to n.

    Examples
    --------
    The two resamples of :func:`indices` ``(6, 2, seed=0, block=3)`` as counts:

    >>> C = counts(6, 2, seed=0, block=3)
    >>> C.T.tolist()
    [[1.0, 1.0, 0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 1.0, 2.0, 1.0, 1.0]]
    >>> C.sum(axis=0).tolist()
    [6.0, 6.0]
    """
    if isinstance(seed, np.random.Generator):
        return _counts(n, B, seed, block)
    key = (n, B, tuple(np.atleast_1d(seed).tolist()), block)
    got = _CACHE.get(key)
    if got is not None:
        return got
    m = _counts(n, B, np.random.default_rng(list(key[2])), block)
    m.setflags(write=False)
    global _BYTES
    with _LOCK:  # server threads share the cache; the byte total is kept, not summed per insert
        if key not in _CACHE:
            while _CACHE and _BYTES + m.nbytes > CACHE_BYTES:
                _BYTES -= _CACHE.pop(next(iter(_CACHE))).nbytes  # oldest first
            _CACHE[key] = m
            _BYTES += m.nbytes
        return _CACHE[key]


CACHE_BYTES = 192 * 2**20  # no more than the old 16-matrix limit could hold (16 x 2,200 days x B 1000 x 8 bytes)
_CACHE: dict[tuple, np.ndarray] = {}
_BYTES = 0
_LOCK = threading.Lock()


def _counts(n: int, B: int, rng: np.random.Generator, block: int | None) -> np.ndarray:
    idx = indices(n, B, rng, block)
    flat = (np.arange(B)[:, None] * n + idx).ravel()
    return np.ascontiguousarray(np.bincount(flat, minlength=B * n).reshape(B, n).T, dtype=float)


def ratio_draws(num: np.ndarray, den: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Resampled sum(num) / sum(den) for each column of C (NaN where the resampled denominator is 0).

    Parameters
    ----------
    num, den
        Daily numerator and denominator, length n.
    C
        (n, B) counts from :func:`counts`.

    Returns
    -------
    numpy.ndarray
        B ratios.

    Examples
    --------
    Resample 0 draws every day once (the observed ratio 6 / 5), resample 1 draws day 4 six times (12 / 6), and
    resample 2 draws day 5, whose denominator is 0, six times:

    >>> import numpy as np
    >>> num, den = np.array([1, 1, 0, 0, 2, 2]), np.array([1, 1, 1, 1, 1, 0])
    >>> C = np.array([[1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 6, 0], [0, 0, 0, 0, 0, 6]]).T
    >>> ratio_draws(num, den, C).tolist()
    [1.2, 2.0, nan]
    """
    # one (2, n) @ (n, B) product, a single pass over C: 1.17 vs 1.33 ms on a (2,200 x 1,000) C with one BLAS
    # thread (as in the report), equal with OpenBLAS's default on a quiet machine (bench/bench_report_parts.py);
    # sums equal up to rounding (1e-15 relative)
    n, d = np.vstack([np.asarray(num, float), np.asarray(den, float)]) @ C
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d != 0, n / np.where(d != 0, d, 1.0), np.nan)


def row_intervals(draws: np.ndarray, alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each row's draws, NaN draws left out (:func:`interval` for many rows at once).

    Rows without NaN share one ``np.percentile`` call (a call per row costs more than the work); rows with some
    NaN draws go through ``np.nanpercentile``; a row of NaN draws only gets NaN bounds directly (nanpercentile
    would warn, and a ``catch_warnings`` block is not thread-safe for the server's compute threads).

    Parameters
    ----------
    draws
        (rows, B) bootstrap draws.
    alpha
        1 - coverage.

    Returns
    -------
    tuple of numpy.ndarray
        (low, high), one value per row.

    Examples
    --------
    Draws 0..100 (the interval of :func:`interval`), draws 0..99 and a NaN one, and NaN draws only:

    >>> import numpy as np
    >>> d = np.array([np.arange(101.0), np.r_[np.arange(100.0), np.nan], np.full(101, np.nan)])
    >>> lo, hi = row_intervals(d)
    >>> lo.round(3).tolist(), hi.round(3).tolist()
    ([2.5, 2.475, nan], [97.5, 96.525, nan])
    """
    q = [100 * alpha / 2, 100 * (1 - alpha / 2)]
    nan = np.isnan(draws)
    bad, none = nan.any(axis=1), nan.all(axis=1)
    out = np.full((2, len(draws)), np.nan)
    if (~bad).any():
        out[:, ~bad] = np.percentile(draws[~bad], q, axis=1)
    some = bad & ~none
    if some.any():
        out[:, some] = np.nanpercentile(draws[some], q, axis=1)
    return out[0], out[1]


def interval(draws: np.ndarray, alpha: float = ALPHA) -> tuple[float, float]:
    """Percentile interval of the finite draws (NaN, NaN when there are none).

    Parameters
    ----------
    draws
        Bootstrap draws of a statistic; NaN and infinite draws are left out.
    alpha
        1 - coverage: 0.05 gives the 2.5 % and 97.5 % quantiles.

    Returns
    -------
    tuple of float
        (low, high).

    Examples
    --------
    >>> import numpy as np
    >>> interval(np.arange(101.0))
    (2.5, 97.5)
    >>> interval(np.arange(101.0), alpha=0.2)
    (10.0, 90.0)
    >>> interval(np.array([np.nan]))
    (nan, nan)
    """
    ok = draws[np.isfinite(draws)]
    if not len(ok):
        return math.nan, math.nan
    lo, hi = np.quantile(ok, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def p_value(draws: np.ndarray, null: float = 0.0) -> float:
    """Two-sided bootstrap p-value for H0: effect == null (share of draws on the far side of null).

    Parameters
    ----------
    draws
        Bootstrap draws of the effect; NaN and infinite draws are left out.
    null
        The effect under the null hypothesis.

    Returns
    -------
    float
        2 * min((#draws <= null) + 1, (#draws >= null) + 1) / (#draws + 1), at most 1; NaN without finite draws.

    Examples
    --------
    99 draws all above 0: (0 + 1) / 100 on the far side, doubled:

    >>> import numpy as np
    >>> p_value(np.arange(1.0, 100.0))
    0.02
    >>> p_value(np.arange(-49.0, 50.0))  # centred on the null
    1.0
    """
    ok = draws[np.isfinite(draws)]
    if not len(ok):
        return math.nan
    below = (np.sum(ok <= null) + 1) / (len(ok) + 1)
    above = (np.sum(ok >= null) + 1) / (len(ok) + 1)
    return float(min(1.0, 2 * min(below, above)))
