"""Structural balance of a signed graph: triad census, exact and heuristic frustration, k-bloc partitions.

Everything here works on a symmetric signed matrix ``A`` (``A[i, j] > 0`` a positive edge of weight
``A[i, j]``, ``< 0`` a negative one, ``0`` no edge). A two-bloc partition is a vector of 0/1 labels;
an edge is *frustrated* when it is negative inside a bloc or positive across blocs. The frustration
index is the least number (or total weight) of frustrated edges over all partitions.

Exact method: the binary linear program of Aref, Mason & Wilson (2018, "Computing the line index of
balance using integer programming optimisation"; 2020, "A modeling and computational study of the
frustration index in signed networks", Networks 75(1)) -- one binary label per node, one frustration
variable per edge bounded below by |x_i - x_j| (positive edge) or |x_i + x_j - 1| (negative edge),
the label of the highest-degree node fixed to break the symmetry, and one cut per unbalanced triangle.
Our own code, solved with HiGHS through :func:`detente.numerics.milp`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from detente.errors import UserError
from detente.numerics import assignment_max, milp

EXACT_LIMIT = 80  # nodes; larger networks go to the heuristic (see bench/bench_balance.py)

__all__ = ["EXACT_LIMIT", "Frustration", "adjusted_rand", "all_optima", "correlation_clusters", "frustration",
           "frustration_exact", "frustration_heuristic", "frustration_of", "moves_between", "triad_census"]


@dataclass
class Frustration:
    """A two-bloc partition and its frustration: ``value``, ``labels``, the ``frustrated`` edges, and ``index``
    (normalised balance)."""

    value: float  # frustrated edges (count, or total weight when weighted)
    labels: list[int]  # 0/1 bloc label per node
    method: str  # "exact" | "heuristic" | "given"
    optimal: bool  # proven optimal (exact method that finished)
    weighted: bool
    n_edges: int
    seconds: float = 0.0
    bound: float | None = None  # lower bound when the solver stopped early
    frustrated: list[tuple[int, int]] = field(default_factory=list)

    @property
    def index(self) -> float:
        """Normalised balance 1 - F / (m / 2) (Aref & Wilson): 1 balanced; about 0 as bad as chance."""
        return 1.0 - self.value / (self.n_edges / 2) if self.n_edges else 1.0

    def as_dict(self) -> dict:
        d = asdict(self)
        d["index"] = self.index
        return d


def _check(A: np.ndarray) -> np.ndarray:
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise UserError(f"a signed network needs a square matrix, got shape {A.shape}")
    if not np.allclose(A, A.T, equal_nan=False):
        raise UserError("the signed matrix must be symmetric (undirected); symmetrise it first")
    A = A.copy()
    np.fill_diagonal(A, 0.0)
    return A


def edges(A: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper-triangle edges (i, j, signed weight)."""
    i, j = np.nonzero(np.triu(A, 1))
    return i, j, A[i, j]


# --------------------------------------------------------------------------------------- triads
def triad_census(A: np.ndarray) -> dict:
    """Closed triads by sign (+++, ++-, +--, ---) and the balance ratio (share with an even number of -).

    Parameters
    ----------
    A
        Symmetric signed matrix (the diagonal is ignored).

    Returns
    -------
    dict
        ``triads`` (count per sign pattern), ``total``, ``balanced`` (+++ and +--) and ``ratio`` (None without
        closed triads).

    Examples
    --------
    The two closed triads, 0-1-3 and 0-2-3, each have one negative edge (unbalanced):

    >>> import numpy as np
    >>> A = np.array([[0, 1, -1, 1], [1, 0, 0, -1], [-1, 0, 0, 1], [1, -1, 1, 0]])  # 0-1 and 2-3 friends, 0-3 too
    >>> triad_census(A)
    {'triads': {'+++': 0, '++-': 2, '+--': 0, '---': 0}, 'total': 2, 'balanced': 0, 'ratio': 0.0}
    """
    A = _check(A)
    P = (A > 0).astype(float)
    N = (A < 0).astype(float)
    ppp = np.trace(P @ P @ P) / 6
    ppn = np.trace(P @ P @ N) / 2
    pnn = np.trace(P @ N @ N) / 2
    nnn = np.trace(N @ N @ N) / 6
    counts = {k: int(round(v)) for k, v in (("+++", ppp), ("++-", ppn), ("+--", pnn), ("---", nnn))}
    total = sum(counts.values())
    balanced = counts["+++"] + counts["+--"]
    return {
        "triads": counts,
        "total": total,
        "balanced": balanced,
        "ratio": balanced / total if total else None,
    }


def frustration_of(A: np.ndarray, labels: np.ndarray | list[int]) -> tuple[float, float, list[tuple[int, int]]]:
    """(frustrated edge count, frustrated weight, edges) of a partition into any number of blocs.

    Parameters
    ----------
    A
        Symmetric signed matrix.
    labels
        Bloc label per node.

    Returns
    -------
    tuple
        (count, total absolute weight, list of frustrated (i, j) with i < j).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0, 1, -1, 1], [1, 0, 0, -1], [-1, 0, 0, 1], [1, -1, 1, 0]])  # 0-1 and 2-3 friends, 0-3 too
    >>> frustration_of(A, [0, 0, 1, 1])  # only the positive edge 0-3 crosses the blocs
    (1.0, 1.0, [(0, 3)])
    >>> frustration_of(A, [0, 0, 0, 0])  # one bloc: both negative edges are inside
    (2.0, 2.0, [(0, 2), (1, 3)])
    """
    A = _check(A)
    lab = np.asarray(labels)
    i, j, w = edges(A)
    same = lab[i] == lab[j]
    bad = (same & (w < 0)) | (~same & (w > 0))
    return float(bad.sum()), float(np.abs(w[bad]).sum()), list(zip(i[bad].tolist(), j[bad].tolist(), strict=True))


# --------------------------------------------------------------------------------------- exact
def _unbalanced_triangles(A: np.ndarray, max_cuts: int) -> list[tuple[int, int, int]]:
    S = np.sign(A)
    n = len(S)
    out: list[tuple[int, int, int]] = []
    for a in range(n):
        for b in np.nonzero(S[a, a + 1 :])[0] + a + 1:
            cs = np.nonzero(S[a, b + 1 :] * S[b, b + 1 :])[0] + b + 1
            for c in cs:
                if S[a, b] * S[b, c] * S[a, c] < 0:
                    out.append((a, int(b), int(c)))
                    if len(out) >= max_cuts:
                        return out
    return out


def frustration_exact(
    A: np.ndarray,
    weighted: bool = False,
    time_limit: float = 120.0,
    limit: int = EXACT_LIMIT,
    triangle_cuts: int = 50_000,
) -> Frustration:
    """The frustration index by binary programming (optimal partition included).

    Parameters
    ----------
    A
        Symmetric signed matrix, at most ``limit`` nodes.
    weighted
        Minimise the frustrated weight instead of the count of frustrated edges.
    time_limit
        Seconds for the solver; a run stopped early is ``optimal=False`` with the solver's ``bound``.
    limit
        Largest network accepted.
    triangle_cuts
        At most this many unbalanced-triangle cuts are added.

    Returns
    -------
    Frustration
        ``value``, the partition ``labels`` (the busiest node in bloc 0), ``frustrated`` edges, ``index``.

    Raises
    ------
    UserError
        A non-square or asymmetric matrix, more than ``limit`` nodes, or no solution in time.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0, 1, -1, 1], [1, 0, 0, -1], [-1, 0, 0, 1], [1, -1, 1, 0]])  # 0-1 and 2-3 friends, 0-3 too
    >>> f = frustration_exact(A)
    >>> f.value, f.labels, f.optimal, f.frustrated, f.index  # index = 1 - 1 / (5 edges / 2)
    (1.0, [0, 0, 1, 1], True, [(0, 3)], 0.6)
    """
    A = _check(A)
    n = len(A)
    if n > limit:
        raise UserError(
            f"the exact frustration index is limited to {limit} nodes (this network has {n}); "
            "use the heuristic (method='heuristic', CLI --method heuristic)"
        )
    t0 = time.perf_counter()
    i, j, w = edges(A)
    m = len(w)
    if m == 0:
        return Frustration(0.0, [0] * n, "exact", True, weighted, 0, time.perf_counter() - t0)
    cost = np.abs(w) if weighted else np.ones(m)
    # variables: x_0..x_{n-1} (binary labels), f_0..f_{m-1} (edge frustration, continuous in [0, 1])
    c = np.concatenate([np.zeros(n), cost])
    rows, cols, vals, lo = [], [], [], []
    r = 0
    for e, (a, b, s) in enumerate(zip(i, j, w, strict=True)):
        fe = n + e
        if s > 0:  # f >= x_a - x_b and f >= x_b - x_a
            rows += [r, r, r, r + 1, r + 1, r + 1]
            cols += [fe, a, b, fe, a, b]
            vals += [1, -1, 1, 1, 1, -1]
            lo += [0, 0]
        else:  # f >= x_a + x_b - 1 and f >= 1 - x_a - x_b
            rows += [r, r, r, r + 1, r + 1, r + 1]
            cols += [fe, a, b, fe, a, b]
            vals += [1, -1, -1, 1, 1, 1]
            lo += [-1, 1]
        r += 2
    eid = {(int(a), int(b)): e for e, (a, b) in enumerate(zip(i, j, strict=True))}
    for a, b, cc in _unbalanced_triangles(A, triangle_cuts):  # an unbalanced triangle has a frustrated edge
        for e in (eid[(a, b)], eid[(b, cc)], eid[(a, cc)]):
            rows.append(r)
            cols.append(n + e)
            vals.append(1)
        lo.append(1)
        r += 1
    deg = np.count_nonzero(A, axis=1)
    ub = np.ones(n + m)
    lb = np.zeros(n + m)
    ub[int(np.argmax(deg))] = 0  # symmetry: the busiest node is in bloc 0
    integrality = np.concatenate([np.ones(n), np.zeros(m)])
    res = milp(c, rows, cols, vals, r, np.asarray(lo, float), lb, ub, integrality.astype(bool), time_limit)
    secs = time.perf_counter() - t0
    if res.x is None:
        raise UserError(
            f"the integer program found no solution within {time_limit:g} s for {n} nodes; "
            "raise the time limit or use the heuristic"
        )
    labels = np.round(res.x[:n]).astype(int)
    cnt, wt, bad = frustration_of(A, labels)
    optimal = res.status == 0
    bound = getattr(res, "mip_dual_bound", None)
    return Frustration(wt if weighted else cnt, labels.tolist(), "exact", optimal, weighted, m, secs,
                       None if optimal else bound, bad)


# --------------------------------------------------------------------------------------- heuristic
def _descend(W: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Greedy single-node flips while one lowers the frustration (W: signed costs, s: +-1 labels)."""
    while True:
        gain = s * (W @ s)  # flipping node k changes the frustration by gain[k]
        k = int(np.argmin(gain))
        if gain[k] >= -1e-12:
            return s
        s[k] = -s[k]


def frustration_heuristic(
    A: np.ndarray, weighted: bool = False, restarts: int = 10, kicks: int = 200, patience: int = 20, seed: int = 0
) -> Frustration:
    """Spectral start + greedy flips, then iterated local search (random kicks of 1-3 nodes, stopping after
    ``patience`` kicks without a strict improvement or ``kicks`` in all); best of ``restarts`` runs.

    Parameters
    ----------
    A
        Symmetric signed matrix of any size.
    weighted
        Minimise the frustrated weight instead of the count.
    restarts, kicks, patience
        Search effort, as above.
    seed
        Seed of the random starts and kicks (the result is deterministic for a seed).

    Returns
    -------
    Frustration
        ``method='heuristic'`` and ``optimal=False`` (an upper bound on the frustration index).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0, 1, -1, 1], [1, 0, 0, -1], [-1, 0, 0, 1], [1, -1, 1, 0]])  # 0-1 and 2-3 friends, 0-3 too
    >>> f = frustration_heuristic(A)
    >>> f.value, f.labels, f.method, f.optimal
    (1.0, [0, 0, 1, 1], 'heuristic', False)
    """
    A = _check(A)
    n = len(A)
    t0 = time.perf_counter()
    i, j, w = edges(A)
    m = len(w)
    W = A if weighted else np.sign(A)
    rng = np.random.default_rng(seed)

    def cost(s: np.ndarray) -> float:
        return float((np.abs(W).sum() - s @ W @ s) / 4)

    starts = []
    if n:
        _, vecs = np.linalg.eigh(W)
        v = vecs[:, -1]
        starts.append(np.where(v >= 0, 1.0, -1.0))
    starts += [rng.choice([-1.0, 1.0], size=n) for _ in range(max(restarts - 1, 0))]
    best_s, best = np.ones(n), np.inf
    for s0 in starts:
        s = _descend(W, s0.copy())
        f = cost(s)
        stale = 0
        for _ in range(kicks):  # perturb a few nodes, descend again, keep if not worse
            t = s.copy()
            flip = rng.choice(n, size=max(1, min(n, int(rng.integers(1, 4)))), replace=False)
            t[flip] = -t[flip]
            t = _descend(W, t)
            ft = cost(t)
            stale = 0 if ft < f - 1e-12 else stale + 1
            if ft <= f + 1e-12:
                s, f = t, ft
            if stale >= patience:
                break
        if f < best - 1e-12:
            best_s, best = s, f
    labels = (best_s < 0).astype(int)
    if n and labels[int(np.argmax(np.count_nonzero(A, axis=1)))] == 1:
        labels = 1 - labels
    cnt, wt, bad = frustration_of(A, labels)
    return Frustration(wt if weighted else cnt, labels.tolist(), "heuristic", False, weighted, m,
                       time.perf_counter() - t0, None, bad)


def frustration(A: np.ndarray, weighted: bool = False, method: str = "auto", **kw) -> Frustration:
    """Exact up to ``EXACT_LIMIT`` nodes when ``method='auto'``, else the heuristic.

    Parameters
    ----------
    A
        Symmetric signed matrix.
    weighted
        Minimise the frustrated weight instead of the count.
    method
        ``auto``, ``exact`` (:func:`frustration_exact`) or ``heuristic`` (:func:`frustration_heuristic`).
    **kw
        Passed to the chosen method.

    Returns
    -------
    Frustration

    Raises
    ------
    UserError
        An unknown method, or what the method raises.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0, 1, -1, 1], [1, 0, 0, -1], [-1, 0, 0, 1], [1, -1, 1, 0]])  # 0-1 and 2-3 friends, 0-3 too
    >>> f = frustration(A)
    >>> f.method, f.value, f.labels
    ('exact', 1.0, [0, 0, 1, 1])

    With weight 3 on the 0-3 tie, keeping 0 and 3 together is worth two frustrated edges of weight 1:

    >>> B = A.copy()
    >>> B[0, 3] = B[3, 0] = 3
    >>> frustration(B, weighted=True).value, frustration(B).value
    (2.0, 1.0)
    """
    if method not in ("auto", "exact", "heuristic"):
        raise UserError(f"unknown frustration method {method!r}; use auto, exact or heuristic")
    n = len(A)
    if method == "exact" or (method == "auto" and n <= EXACT_LIMIT):
        return frustration_exact(A, weighted=weighted, **kw)
    return frustration_heuristic(A, weighted=weighted, **kw)


def brute_force(A: np.ndarray, weighted: bool = False) -> float:
    """Least frustration over all 2^(n-1) partitions (for tests; n <= 16)."""
    return all_optima(A, weighted=weighted)[0]


def all_optima(A: np.ndarray, weighted: bool = False, max_n: int = 16) -> tuple[float, list[list[int]]]:
    """Every optimal two-bloc partition (labels with node 0 in bloc 0), by enumeration; n <= ``max_n``.

    Parameters
    ----------
    A
        Symmetric signed matrix of at most ``max_n`` nodes.
    weighted
        Count frustrated weight instead of frustrated edges.
    max_n
        Largest network accepted (2^(n-1) partitions are enumerated).

    Returns
    -------
    tuple
        (least frustration, every partition that attains it).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[0, 1, -1, 1], [1, 0, 0, -1], [-1, 0, 0, 1], [1, -1, 1, 0]])  # 0-1 and 2-3 friends, 0-3 too
    >>> all_optima(A)
    (1.0, [[0, 0, 1, 1]])
    >>> all_optima(np.array([[0, -1, -1], [-1, 0, -1], [-1, -1, 0]]))  # three mutual enemies: three optima
    (1.0, [[0, 1, 0], [0, 0, 1], [0, 1, 1]])
    """
    A = _check(A)
    n = len(A)
    if n > max_n:
        raise UserError(f"enumerating every optimal partition is limited to {max_n} nodes (this network has {n})")
    if n == 0:
        return 0.0, [[]]
    i, j, w = edges(A)
    codes = np.arange(2 ** (n - 1), dtype=np.int64)
    L = ((codes[:, None] >> np.arange(n - 1)) & 1).astype(np.int8)
    L = np.concatenate([np.zeros((len(codes), 1), np.int8), L], axis=1)
    same = L[:, i] == L[:, j]
    bad = (same & (w < 0)) | (~same & (w > 0))
    cost = (bad * (np.abs(w) if weighted else 1.0)).sum(1)
    best = float(cost.min())
    return best, [row.tolist() for row in L[np.isclose(cost, best)]]


# --------------------------------------------------------------------------------------- k blocs
def correlation_clusters(
    A: np.ndarray, weighted: bool = True, restarts: int = 30, seed: int = 0, max_blocs: int | None = None
) -> list[int]:
    """Blocs with any number of members: minimise negative weight inside blocs + positive weight between.

    Local search over node moves (to any bloc, or a new one) from the two-bloc frustration optimum and
    random starts (correlation clustering, Bansal, Blum & Chawla 2004; for signed networks Doreian &
    Mrvar 1996). Nodes with no edges stay in blocs of their own. Labels are renumbered by bloc size.

    Parameters
    ----------
    A
        Symmetric signed matrix.
    weighted
        Use the edge weights (else only the signs).
    restarts, seed
        Random starts of the local search and their seed.
    max_blocs
        At most this many blocs (default: any number).

    Returns
    -------
    list of int
        Bloc label per node, 0 for the largest bloc.

    Examples
    --------
    Three mutual enemies end in three blocs; two blocs at most when asked:

    >>> import numpy as np
    >>> enemies = np.array([[0, -1, -1], [-1, 0, -1], [-1, -1, 0]])
    >>> correlation_clusters(enemies)
    [0, 1, 2]
    >>> sorted(correlation_clusters(enemies, max_blocs=2))
    [0, 0, 1]
    """
    A = _check(A)
    n = len(A)
    if n == 0:
        return []
    W = A if weighted else np.sign(A)
    rng = np.random.default_rng(seed)
    kmax = max_blocs or n

    def cost(lab: np.ndarray) -> float:
        same = lab[:, None] == lab[None, :]
        return float((np.where(same, np.clip(-W, 0, None), np.clip(W, 0, None))).sum() / 2)

    def improve(lab: np.ndarray) -> np.ndarray:
        lab = lab.copy()
        changed = True
        while changed:
            changed = False
            for v in rng.permutation(n):
                blocs = np.unique(lab)
                # cost contribution of v in bloc b: negative weight to b's members + positive weight to others
                pos = np.clip(W[v], 0, None)
                neg = np.clip(-W[v], 0, None)
                cur = lab[v]
                options = list(blocs) + ([lab.max() + 1] if len(blocs) < kmax else [])
                costs = []
                for b in options:
                    inside = (lab == b) & (np.arange(n) != v)
                    costs.append(neg[inside].sum() + pos[~inside & (np.arange(n) != v)].sum())
                k = int(np.argmin(costs))
                if costs[k] < costs[options.index(cur)] - 1e-12:
                    lab[v] = options[k]
                    changed = True
        return lab

    two = frustration(A, weighted=weighted, method="auto" if n <= 40 else "heuristic")
    starts = [np.array(two.labels)] + [rng.integers(0, min(kmax, 4), size=n) for _ in range(restarts)]
    best, best_c = None, np.inf
    for s in starts:
        lab = improve(s)
        c = cost(lab)
        if c < best_c - 1e-12:
            best, best_c = lab, c
    assert best is not None
    order = sorted(np.unique(best), key=lambda b: (-(best == b).sum(), int(np.nonzero(best == b)[0][0])))
    remap = {b: k for k, b in enumerate(order)}
    return [remap[b] for b in best]


# --------------------------------------------------------------------------------------- partitions
def adjusted_rand(a: list, b: list) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985).

    Parameters
    ----------
    a, b
        Labels of the same items in the same order (any hashable labels; the names do not matter).

    Returns
    -------
    float
        1 for the same partition, about 0 for chance agreement, negative for less than chance.

    Examples
    --------
    >>> adjusted_rand([0, 0, 1, 1], ["x", "x", "y", "y"])
    1.0
    >>> round(adjusted_rand([0, 0, 1, 1], [0, 1, 0, 1]), 6)
    -0.5
    """
    if len(a) != len(b):
        raise UserError("adjusted Rand needs two labelings of the same items")
    n = len(a)
    if n < 2:
        return 1.0
    ua, ia = np.unique(np.asarray(a, dtype=str), return_inverse=True)
    ub, ib = np.unique(np.asarray(b, dtype=str), return_inverse=True)
    table = np.zeros((len(ua), len(ub)))
    np.add.at(table, (ia, ib), 1)

    def c2(x: np.ndarray | float) -> np.ndarray | float:
        return x * (x - 1) / 2

    s_ij = c2(table).sum()
    s_a = c2(table.sum(1)).sum()
    s_b = c2(table.sum(0)).sum()
    expected = s_a * s_b / c2(n)
    top = (s_a + s_b) / 2
    if top == expected:
        return 1.0
    return float((s_ij - expected) / (top - expected))


def moves_between(a: list, b: list) -> int:
    """Partition distance: the fewest items to move to turn one partition into the other
    (n minus the best one-to-one matching of blocs in the contingency table).

    Parameters
    ----------
    a, b
        Labels of the same items in the same order.

    Returns
    -------
    int

    Examples
    --------
    >>> moves_between([0, 0, 1, 1], [1, 1, 0, 0])  # the same blocs, named the other way round
    0
    >>> moves_between([0, 0, 1, 1], [0, 0, 0, 1])
    1
    """
    ua, ia = np.unique(np.asarray(a, dtype=str), return_inverse=True)
    ub, ib = np.unique(np.asarray(b, dtype=str), return_inverse=True)
    table = np.zeros((len(ua), len(ub)))
    np.add.at(table, (ia, ib), 1)
    r, c = assignment_max(table)
    return int(len(a) - table[r, c].sum())
