"""Frustration index speed: the exact integer program vs network size, the heuristic on the world network.

Graphs are real: monthly sums per dyad of the GDELT daily country network (dyad_days, dataset
gdelt_network), sign = sign of the month's sum. Exact: the N most active countries of a month
(activity = sum of |monthly dyad sums|), N = 10..60, on every ``--every``-th month. Heuristic: all
countries with an edge that month (up to 249), every month; for N <= 60 its value is compared with the
exact optimum.

    python bench/bench_balance.py [--store PATH] [--every 6] [--sizes 10,20,30,40,50,60]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import duckdb
import numpy as np

from detente import balance


def monthly(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute(
        "SELECT date_trunc('month', date) AS m, actor_a, actor_b, sum(score) AS s FROM dyad_days "
        "WHERE dataset = 'gdelt_network' AND actor_a <> actor_b GROUP BY ALL HAVING sum(score) <> 0 ORDER BY m"
    ).fetchall()
    out: dict = {}
    for m, a, b, s in rows:
        out.setdefault(m, []).append((a, b, s))
    return out


def matrix(edges: list[tuple], keep: list[str] | None = None) -> tuple[list[str], np.ndarray]:
    nodes = sorted({a for a, _, _ in edges} | {b for _, b, _ in edges}) if keep is None else sorted(keep)
    pos = {n: k for k, n in enumerate(nodes)}
    A = np.zeros((len(nodes), len(nodes)))
    for a, b, s in edges:
        if a in pos and b in pos:
            A[pos[a], pos[b]] = A[pos[b], pos[a]] = np.sign(s)
    return nodes, A


def top(edges: list[tuple], n: int) -> list[str]:
    act: dict[str, float] = {}
    for a, b, s in edges:
        act[a] = act.get(a, 0) + abs(s)
        act[b] = act.get(b, 0) + abs(s)
    return sorted(act, key=lambda x: -act[x])[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=os.environ.get("DETENTE_STORE"))
    ap.add_argument("--every", type=int, default=6, help="exact runs on every k-th month")
    ap.add_argument("--sizes", default="10,20,30,40,50,60")
    ap.add_argument("--time-limit", type=float, default=300.0)
    args = ap.parse_args()
    if not args.store:
        from detente.store import default_path

        args.store = str(default_path())
    con = duckdb.connect(str(Path(args.store)), read_only=True)
    t0 = time.perf_counter()
    months = monthly(con)
    print(f"monthly dyad sums: {len(months)} months in {time.perf_counter() - t0:.1f} s")
    keys = sorted(months)
    print("\n| nodes | months | edges (median) | negative edges (median) | exact time median | max | "
          "frustration (median) | heuristic = exact |")
    print("|---|---|---|---|---|---|---|---|")
    for n in [int(x) for x in args.sizes.split(",")]:
        times, fr, ms, negs, agree, not_opt = [], [], [], [], 0, 0
        sample = keys[:: args.every]
        for m in sample:
            _, A = matrix(months[m], top(months[m], n))
            ex = balance.frustration_exact(A, time_limit=args.time_limit)
            he = balance.frustration_heuristic(A)
            times.append(ex.seconds)
            fr.append(ex.value)
            ms.append(ex.n_edges)
            negs.append(int((np.triu(A, 1) < 0).sum()))
            agree += he.value == ex.value
            not_opt += not ex.optimal
        flag = f" ({not_opt} hit the time limit)" if not_opt else ""
        print(f"| {n} | {len(sample)} | {statistics.median(ms):.0f} | {statistics.median(negs):.0f} | "
              f"{statistics.median(times):.3f} s | {max(times):.3f} s{flag} | {statistics.median(fr):.0f} | "
              f"{agree}/{len(sample)} |")
    times, sizes, fr, ms = [], [], [], []
    for m in keys:
        _, A = matrix(months[m])
        h = balance.frustration_heuristic(A)
        times.append(h.seconds)
        sizes.append(len(A))
        fr.append(h.value / h.n_edges)
        ms.append(h.n_edges)
    print(f"\nworld network, heuristic, {len(keys)} months: nodes median {statistics.median(sizes):.0f} "
          f"(max {max(sizes)}), edges median {statistics.median(ms):.0f}; time median "
          f"{statistics.median(times):.3f} s, max {max(times):.3f} s; frustrated share of edges median "
          f"{statistics.median(fr):.3f}")


if __name__ == "__main__":
    main()
