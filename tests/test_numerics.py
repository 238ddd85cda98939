"""Our own numerics against SciPy and ruptures (test-only oracles): the same numbers, on random and real inputs."""

from __future__ import annotations

import numpy as np
import pytest
import ruptures
from scipy import sparse, stats
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment
from scipy.optimize import milp as scipy_milp

from detente import numerics as N


@pytest.mark.parametrize("k", [1, 2, 5, 17, 120, 2500])
@pytest.mark.parametrize("q", [0.025, 0.5, 0.975])
def test_gamma_ppf_matches_chi2(k, q):
    assert N.gamma_ppf(q, k) == pytest.approx(stats.chi2.ppf(q, 2 * k) / 2, rel=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_pelt_matches_ruptures_kernelcpd(seed):
    rng = np.random.default_rng(seed)
    levels = rng.normal(0, 3, size=rng.integers(1, 5))
    y = np.concatenate([rng.normal(m, 1, size=rng.integers(15, 60)) for m in levels])
    pen = 8.0 * np.log(len(y))
    want = ruptures.KernelCPD(kernel="linear", min_size=4).fit(y).predict(pen=pen)[:-1]
    assert N.pelt_l2(y, pen, min_size=4) == want


@pytest.mark.parametrize("seed", range(12))
def test_binseg_matches_ruptures(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(14, 120))
    z = rng.normal(size=(n, int(rng.integers(1, 4))))
    z[n // 2:] += rng.normal(0, 2, size=z.shape[1])
    want = ruptures.Binseg(model="l2", min_size=4).fit(z).predict(n_bkps=1)[0]
    assert N.binseg_one_l2(z, min_size=4, jump=5) == want


@pytest.mark.parametrize("seed", range(10))
def test_assignment_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 9, size=(int(rng.integers(1, 7)), int(rng.integers(1, 7)))).astype(float)
    r, c = linear_sum_assignment(-t)
    mr, mc = N.assignment_max(t)
    assert t[mr, mc].sum() == t[r, c].sum() and len(mr) == min(t.shape)


def test_milp_matches_scipy_on_a_small_knapsack():
    # minimise -value subject to weight <= 10 (as -weight >= -10), binaries
    value, weight = np.array([6.0, 5, 8, 9, 6, 7, 3]), np.array([2.0, 3, 6, 7, 5, 9, 4])
    ours = N.milp(-value, [0] * 7, list(range(7)), -weight, 1, np.array([-10.0]), np.zeros(7), np.ones(7),
                  np.ones(7, bool))
    ref = scipy_milp(-value, integrality=np.ones(7), bounds=Bounds(0, 1),
                     constraints=LinearConstraint(sparse.csr_array(-weight.reshape(1, -1)), -10, np.inf))
    assert ours.status == 0 and value @ ours.x == pytest.approx(-ref.fun)


def test_milp_prints_nothing_on_stdout():
    """HiGHS' banner goes to C stdout on first use: it must not reach a command's (JSON) output."""
    import subprocess
    import sys

    code = ("import numpy as np; from detente import numerics as N; "
            "r = N.milp(np.array([1.0]), [0], [0], [1.0], 1, np.array([1.0]), np.zeros(1), np.ones(1), "
            "np.ones(1, bool)); print('x=', r.x.tolist())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout == "x= [1.0]\n", out.stdout
