"""The few numerical routines detente needs, in our own numpy code (plus HiGHS for the integer program), so that
the install does not carry SciPy and ruptures (about 150 MB) for five functions. Each is checked against the
SciPy/ruptures result in ``tests/test_numerics.py`` (those packages are test-only).

- :func:`gamma_ppf`: quantiles of the gamma distribution (Poisson Garwood intervals: chi2.ppf(q, 2k) / 2);
- :func:`pelt_l2`: exact penalised change points of a 1-D series under the l2 cost (what
  ``ruptures.KernelCPD(kernel="linear")`` computes);
- :func:`binseg_one_l2`: the single best break of a (multi-column) series under the l2 cost on a grid of ``jump``
  (``ruptures.Binseg(model="l2", jump=5).predict(n_bkps=1)``);
- :func:`assignment_max`: the maximum-weight assignment of a small table (``scipy.optimize.linear_sum_assignment``);
- :func:`milp`: a minimisation with integer variables through HiGHS (``highspy``), as ``scipy.optimize.milp`` does.

Internal: the numerical kernels under claims, anomalies and balance; not part of the Python API.

>>> round(gamma_ppf(0.975, 3.0), 6)   # chi2.ppf(0.975, 6) / 2
7.224688
>>> pelt_l2([0.0] * 10 + [5.0] * 10, pen=1.0, min_size=2)
[10]
>>> binseg_one_l2([[0.0]] * 12 + [[3.0]] * 8, min_size=4, jump=5)
10
>>> assignment_max([[1, 5], [4, 2]])
([0, 1], [1, 0])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

__all__: list[str] = []


# -- the gamma distribution ---------------------------------------------------------------------------------
def _gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x): series below a + 1, continued fraction above."""
    if x <= 0:
        return 0.0
    gln = math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return total * math.exp(-x + a * math.log(x) - gln)
    b, c, d = x + 1 - a, 1e300, 1 / (x + 1 - a)
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return 1.0 - math.exp(-x + a * math.log(x) - gln) * h


@lru_cache(maxsize=4096)  # a pure function; claims ask for the same event counts in every robustness variant
def gamma_ppf(q: float, a: float) -> float:
    """The ``q`` quantile of Gamma(shape ``a``, scale 1), by bisection on :func:`_gamma_p` (to 1e-12 relative)."""
    if not 0 < q < 1:
        raise ValueError(f"quantile {q} must lie strictly between 0 and 1")
    lo, hi = 0.0, max(1.0, a)
    while _gamma_p(a, hi) < q:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if _gamma_p(a, mid) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-12 * max(1.0, hi):
            break
    return (lo + hi) / 2


# -- change points ------------------------------------------------------------------------------------------
def _sse_tables(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = y.reshape(len(y), -1).astype(float)
    s1 = np.vstack([np.zeros((1, y.shape[1])), np.cumsum(y, axis=0)])
    s2 = np.concatenate([[0.0], np.cumsum((y**2).sum(axis=1))])
    return s1, s2


def _sse(s1: np.ndarray, s2: np.ndarray, i: int | np.ndarray, j: int) -> np.ndarray:
    """Sum of squared deviations from the segment mean of y[i:j] (vectorised over ``i``)."""
    n = j - np.asarray(i)
    d = s1[j] - s1[i]
    return s2[j] - s2[i] - (d**2).sum(axis=-1) / n


def pelt_l2(y: Sequence[float] | np.ndarray, pen: float, min_size: int = 2) -> list[int]:
    """Change points (indices where a new segment starts, the end excluded) minimising SSE + ``pen`` per break.

    Exact optimal partitioning (the objective PELT solves, Killick, Fearnhead & Eckley 2012), vectorised over the
    last segment's start; segments are at least ``min_size`` long. O(n^2): a few ms for the weekly series here.
    """
    y = np.asarray(y, float)
    n = len(y)
    if n < 2 * min_size:
        return []
    s1, s2 = _sse_tables(y)
    f = np.full(n + 1, np.inf)
    f[0] = -pen
    last = np.zeros(n + 1, dtype=int)
    for t in range(min_size, n + 1):
        starts = np.arange(0, t - min_size + 1)
        starts = starts[np.isfinite(f[starts])]
        if not len(starts):
            continue
        costs = f[starts] + _sse(s1, s2, starts, t) + pen
        k = int(np.argmin(costs))
        f[t], last[t] = costs[k], starts[k]
    out, t = [], n
    while t > 0:
        s = int(last[t])
        if s > 0:
            out.append(s)
        t = s
    return sorted(out)


def binseg_one_l2(y: Sequence | np.ndarray, min_size: int = 4, jump: int = 5) -> int:
    """The single break (a multiple of ``jump``) that lowers the l2 cost most; segments at least ``min_size``."""
    y = np.asarray(y, float)
    n = len(y)
    s1, s2 = _sse_tables(y)
    grid = [k for k in range(jump, n, jump) if k >= min_size and n - k >= min_size]
    if not grid:
        return n
    ks = np.array(grid)
    gain = np.array([_sse(s1, s2, 0, int(k)) + _sse(s1, s2, int(k), n) for k in ks])
    return int(ks[int(np.argmin(gain))])


# -- assignment ---------------------------------------------------------------------------------------------
def assignment_max(table: Sequence[Sequence[float]] | np.ndarray) -> tuple[list[int], list[int]]:
    """Rows and columns of a maximum-weight matching of a small table (Hungarian method, O(n^3))."""
    w = np.asarray(table, float)
    r, c = w.shape
    n = max(r, c)
    cost = np.zeros((n, n))
    cost[:r, :c] = w.max() - w if w.size else 0.0
    u, v = np.zeros(n + 1), np.zeros(n + 1)
    p, way = np.zeros(n + 1, dtype=int), np.zeros(n + 1, dtype=int)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv, used = np.full(n + 1, np.inf), np.zeros(n + 1, dtype=bool)
        while True:
            used[j0] = True
            i0, delta, j1 = p[j0], np.inf, 0
            for j in range(1, n + 1):
                if not used[j]:
                    cur = cost[i0 - 1, j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j], way[j] = cur, j0
                    if minv[j] < delta:
                        delta, j1 = minv[j], j
            for j in range(n + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    pairs = sorted((int(p[j]) - 1, j - 1) for j in range(1, n + 1) if p[j] and p[j] - 1 < r and j - 1 < c)
    return [a for a, _ in pairs], [b for _, b in pairs]


# -- integer programs ---------------------------------------------------------------------------------------
_QUIET: dict[str, bool] = {}


def _highs():
    """A silent HiGHS instance: the first one prints a copyright banner on file descriptor 1 (C stdout), which
    would corrupt a command's JSON output, so that one is made with descriptor 1 pointed at /dev/null."""
    import os
    import sys

    import highspy

    if _QUIET.get("banner_done"):
        h = highspy.Highs()
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _QUIET["banner_done"] = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass
class MilpResult:
    x: np.ndarray | None
    status: int  # 0 optimal, 1 stopped by the time limit with a feasible point, 2 no solution
    mip_dual_bound: float | None


def milp(c: np.ndarray, rows: Sequence[int], cols: Sequence[int], vals: Sequence[float], n_rows: int,
         row_lo: np.ndarray, lb: np.ndarray, ub: np.ndarray, integer: np.ndarray,
         time_limit: float = 60.0) -> MilpResult:
    """Minimise c.x subject to A x >= row_lo (A from COO triplets), lb <= x <= ub, x integer where ``integer``."""
    import highspy

    h = _highs()
    h.setOptionValue("time_limit", float(time_limit))
    nv = len(c)
    inf = highspy.kHighsInf
    h.addCols(nv, np.asarray(c, float), np.asarray(lb, float), np.asarray(ub, float), 0,
              np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([], dtype=float))
    # duplicate (row, col) entries add up, as in a COO matrix
    key = np.asarray(rows, dtype=np.int64) * nv + np.asarray(cols, dtype=np.int64)
    uniq, inv = np.unique(key, return_inverse=True)
    summed = np.zeros(len(uniq))
    np.add.at(summed, inv, np.asarray(vals, float))
    r, k, v = (uniq // nv), (uniq % nv).astype(np.int32), summed
    starts = np.searchsorted(r, np.arange(n_rows)).astype(np.int32)
    h.addRows(n_rows, np.asarray(row_lo, float), np.full(n_rows, inf), len(v), starts, k, v)
    idx = np.flatnonzero(np.asarray(integer)).astype(np.int32)
    if len(idx):
        h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger))
    h.run()
    status = h.getModelStatus()
    sol = h.getSolution()
    info = h.getInfo()
    has = bool(sol.value_valid) and len(sol.col_value) == nv
    if status == highspy.HighsModelStatus.kOptimal:
        code = 0
    elif has:
        code = 1
    else:
        code = 2
    bound = getattr(info, "mip_dual_bound", None)
    return MilpResult(np.asarray(sol.col_value) if has else None, code, bound if code == 1 else None)
