"""Structural balance: triad census, exact / heuristic frustration, k blocs, partition comparisons."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from detente import balance
from detente.errors import UserError


def sym(n: int, edges: dict[tuple[int, int], float]) -> np.ndarray:
    A = np.zeros((n, n))
    for (i, j), w in edges.items():
        A[i, j] = A[j, i] = w
    return A


def random_signed(rng: np.random.Generator, n: int, density: float, p_neg: float, weighted: bool = False) -> np.ndarray:
    mask = np.triu(rng.random((n, n)) < density, 1)
    sign = np.where(rng.random((n, n)) < p_neg, -1.0, 1.0)
    w = rng.uniform(0.1, 1.0, (n, n)) if weighted else 1.0
    A = mask * sign * w
    return A + A.T


TRIANGLE_PPN = sym(3, {(0, 1): 1, (1, 2): 1, (0, 2): -1})


def test_unbalanced_triangle() -> None:
    c = balance.triad_census(TRIANGLE_PPN)
    assert c["triads"] == {"+++": 0, "++-": 1, "+--": 0, "---": 0}
    assert c["ratio"] == 0.0
    for f in (balance.frustration_exact(TRIANGLE_PPN), balance.frustration_heuristic(TRIANGLE_PPN)):
        assert f.value == 1 and len(f.frustrated) == 1
    assert balance.frustration_exact(TRIANGLE_PPN).optimal
    # three optimal partitions: flip any one of the three edges
    value, optima = balance.all_optima(TRIANGLE_PPN)
    assert value == 1 and len(optima) == 3


def test_balanced_triangle_splits_the_enemy_off() -> None:
    A = sym(3, {(0, 1): 1, (1, 2): -1, (0, 2): -1})
    assert balance.triad_census(A)["ratio"] == 1.0
    f = balance.frustration_exact(A)
    assert f.value == 0
    assert f.labels[0] == f.labels[1] != f.labels[2]


def test_weighted_frustration_flips_the_lightest_edge() -> None:
    A = sym(3, {(0, 1): 0.9, (1, 2): 0.3, (0, 2): -0.7})
    f = balance.frustration_exact(A, weighted=True)
    assert f.value == pytest.approx(0.3)
    assert f.frustrated == [(1, 2)]


def test_two_camps_with_one_traitor_edge() -> None:
    # camps {0,1,2} and {3,4}: positive inside, negative across, except a positive 2-3 edge
    e = {(0, 1): 1, (0, 2): 1, (1, 2): 1, (3, 4): 1, (0, 3): -1, (1, 4): -1, (2, 4): -1, (2, 3): 1}
    A = sym(5, e)
    f = balance.frustration_exact(A)
    assert f.value == 1 and f.frustrated == [(2, 3)]
    assert len({f.labels[i] for i in (0, 1, 2)}) == 1 and f.labels[3] == f.labels[4] != f.labels[0]
    assert balance.brute_force(A) == 1
    cnt, _, bad = balance.frustration_of(A, [0, 0, 0, 0, 0])  # everyone together: the 3 negatives are frustrated
    assert cnt == 3 and bad == [(0, 3), (1, 4), (2, 4)]


def test_triad_census_matches_enumeration() -> None:
    A = random_signed(np.random.default_rng(3), 14, 0.6, 0.35)
    want = {"+++": 0, "++-": 0, "+--": 0, "---": 0}
    for a, b, c in itertools.combinations(range(14), 3):
        s = [A[a, b], A[b, c], A[a, c]]
        if all(s):
            want[["+++", "++-", "+--", "---"][sum(x < 0 for x in s)]] += 1
    got = balance.triad_census(A)
    assert got["triads"] == want
    assert got["ratio"] == pytest.approx((want["+++"] + want["+--"]) / sum(want.values()))


@pytest.mark.parametrize("weighted", [False, True])
def test_exact_and_heuristic_match_brute_force_on_random_graphs(weighted: bool) -> None:
    rng = np.random.default_rng(20240925)
    for _ in range(60):
        n = int(rng.integers(3, 11))
        A = random_signed(rng, n, rng.uniform(0.3, 1.0), rng.uniform(0.1, 0.6), weighted)
        truth = balance.brute_force(A, weighted=weighted)
        ex = balance.frustration_exact(A, weighted=weighted)
        he = balance.frustration_heuristic(A, weighted=weighted, seed=1)
        assert ex.value == pytest.approx(truth) and ex.optimal
        assert he.value == pytest.approx(truth)
        # the returned partitions achieve the reported values
        assert balance.frustration_of(A, ex.labels)[1 if weighted else 0] == pytest.approx(truth)


def test_exact_on_60_nodes_beats_or_ties_the_planted_partition() -> None:
    rng = np.random.default_rng(7)
    n = 60
    camp = rng.integers(0, 2, n)
    A = random_signed(rng, n, 0.3, 0.0)
    A = np.where(camp[:, None] == camp[None, :], A, -A)  # balanced by construction
    noise = np.triu(rng.random((n, n)) < 0.05, 1)
    A = np.where(noise | noise.T, -A, A)  # flip 5% of the edges
    ex = balance.frustration_exact(A, time_limit=120)
    planted = balance.frustration_of(A, camp)[0]
    assert ex.optimal and ex.value <= planted
    he = balance.frustration_heuristic(A)
    assert he.value >= ex.value
    assert balance.frustration_of(A, he.labels)[0] == he.value and he.value <= planted


def test_too_large_for_the_exact_method_says_so() -> None:
    A = random_signed(np.random.default_rng(0), balance.EXACT_LIMIT + 1, 0.1, 0.3)
    with pytest.raises(UserError, match=r"limited to 80 nodes.*heuristic"):
        balance.frustration_exact(A)
    assert balance.frustration(A).method == "heuristic"


def test_correlation_clusters_find_three_hostile_camps() -> None:
    camps = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    A = np.array([[0 if i == j else (1 if camps[i] == camps[j] else -1) for j in range(9)] for i in range(9)], float)
    labels = balance.correlation_clusters(A)
    assert balance.adjusted_rand(labels, camps) == 1.0
    assert balance.frustration_exact(A).value == 9  # two blocs cannot hold three camps: one camp pair stays together


def test_adjusted_rand_and_moves_by_hand() -> None:
    assert balance.adjusted_rand([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert balance.adjusted_rand([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    assert balance.moves_between([0, 0, 0, 1, 1], [1, 1, 0, 0, 0]) == 1  # move the third item
    assert balance.moves_between(["a", "a", "b"], ["x", "x", "y"]) == 0


def test_asymmetric_matrix_is_refused() -> None:
    with pytest.raises(UserError, match="symmetric"):
        balance.triad_census(np.array([[0, 1], [0, 0]]))
