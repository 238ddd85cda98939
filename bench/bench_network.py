"""Timing of the network stage on the bundled store: one base-rate network, the rolling-origin hindcast.

    python bench/bench_network.py [--store FILE] [--repeat 3]

Cold = the module caches emptied first (a fresh process, after DuckDB's own warm-up); warm = the same call
again in the process (the hindcast's monthly networks and result are cached). Medians of --repeat runs;
docs/benchmarks.md records the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from detente import network, simulate
from detente.store import Store

UKRAINE = (["RUS", "UKR", "BLR", "POL", "USA", "CHN", "TUR", "DEU"], "2022-02-24:2023-12-31")


def clear() -> None:
    for cache in (network._NETS, network._DAYS, network._FULL, network._COVERAGE, network._CHECKED,
                  network._READERS, simulate._HINDCASTS):
        cache.clear()


def timed(fn) -> float:  # noqa: ANN001
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=os.environ.get("DETENTE_STORE"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not args.store:
        sys.exit("give --store FILE or set DETENTE_STORE")
    s = Store(args.store, read_only=True)
    network.build(s, *UKRAINE, case=None)  # DuckDB warm-up
    rows = {}
    for name, fn in (("network (8 actors, 2022-02-24..2023-12-31)", lambda: network.build(s, *UKRAINE, case=None)),
                     ("hindcast (74 months x 7 actors, 3 horizons)", lambda: simulate.hindcast(s))):
        cold, warm, built = [], [], []
        for _ in range(args.repeat):
            clear()
            b = network.NETWORKS_BUILT
            cold.append(timed(fn))
            built.append(network.NETWORKS_BUILT - b)
            warm.append(timed(fn))
        rows[name] = (statistics.median(cold), statistics.median(warm), built[0])
    print("| what | cold (s) | warm (s) | networks built |")
    print("|---|---|---|---|")
    for name, (c, w, b) in rows.items():
        print(f"| {name} | {c:.2f} | {w:.3f} | {b} |")


if __name__ == "__main__":
    main()
