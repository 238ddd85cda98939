"""The report's parts that session 7 made faster, each old way against new way side by side: rounds interleaved
(old, new, old, new, ...), medians of ``--rounds``, on a copy of the bundled store.

    python bench/bench_report_parts.py --store COPY.duckdb [--rounds 3] [--parts ratio,blas]
    OPENBLAS_NUM_THREADS=1 python bench/bench_report_parts.py --store COPY.duckdb --parts ratio   # as in the report

* ``ratio``: a bootstrap ratio over a (2,200 days x 1,000 draws) count matrix, two vector products (old) against
  one (2, n) @ (n, B) product (``resample.ratio_draws``, new); the same draws up to rounding;
* ``blas``: the report's claims process for the built-in case (``report.evaluate_main``, the world's weekly sums
  handed over as the parent does) with OpenBLAS's default threads (old) against one thread
  (``cli.one_blas_thread``, new): a fresh process per run, wall and CPU seconds.

The world's weekly sums have their own bench (``bench/bench_weekly_world.py``, one tree per run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def ratio(rounds: int, calls: int = 200) -> dict:
    import numpy as np

    from detente import resample

    C = resample.counts(2200, 1000, [0, 2200])
    rng = np.random.default_rng(0)
    num = rng.normal(size=2200)
    den = np.abs(num) + 1
    old, new = [], []
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(calls):
            d = den @ C
            a = np.where(d != 0, (num @ C) / np.where(d != 0, d, 1.0), np.nan)
        old.append((time.perf_counter() - t) / calls * 1e3)
        t = time.perf_counter()
        for _ in range(calls):
            b = resample.ratio_draws(num, den, C)
        new.append((time.perf_counter() - t) / calls * 1e3)
    assert np.allclose(a, b, rtol=1e-12), "the two products differ beyond rounding"
    return {"old": old, "new": new, "unit": "ms per ratio"}


CHILD = "from detente.report import evaluate_main; evaluate_main()"


def blas(store: str, rounds: int) -> dict:
    from detente import relations
    from detente.store import Store

    with tempfile.TemporaryDirectory() as folder:
        s = Store(store, read_only=True)
        files = relations.save_weekly(s, folder)
        s.close()
        line = json.dumps({"weekly": [str(f) for f in files]}) + "\n"
        base = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                                                                 "OMP_NUM_THREADS")}
        out: dict = {"old": [], "new": [], "old_cpu": [], "new_cpu": [], "unit": "s"}
        for _ in range(rounds):
            for name, env in (("old", base), ("new", {**base, "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                                                      "OMP_NUM_THREADS": "1"})):
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                subprocess.run([sys.executable, "-c", CHILD, store, "south_caucasus"], input=line, text=True,
                               capture_output=True, check=True, env=env)
                out[name].append(time.perf_counter() - t)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                out[f"{name}_cpu"].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    return out


def runs(xs: list[float]) -> str:
    return ", ".join(f"{x:.3g}" for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a copy of the bundled store")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--parts", default="ratio,blas")
    a = ap.parse_args()
    print(f"rounds: {a.rounds}; load average at the start: {os.getloadavg()[0]:.1f}\n")
    print("| part | old (median, runs) | new (median, runs) | new / old |\n|---|---|---|---|")
    for part in a.parts.split(","):
        r = ratio(a.rounds) if part == "ratio" else blas(a.store, a.rounds)
        mo, mn = statistics.median(r["old"]), statistics.median(r["new"])
        print(f"| {part} ({r['unit']}) | {mo:.3g} ({runs(r['old'])}) | {mn:.3g} ({runs(r['new'])}) | "
              f"{mn / mo:.2f} |")
        if "old_cpu" in r:
            co, cn = statistics.median(r["old_cpu"]), statistics.median(r["new_cpu"])
            print(f"| {part} (CPU s) | {co:.3g} ({runs(r['old_cpu'])}) | {cn:.3g} ({runs(r['new_cpu'])}) | "
                  f"{cn / co:.2f} |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
