"""The world's weekly sums (`relations.Reader._weekly_world`, the aggregation every base rate and drift is cut
from) on a store: wall and process CPU seconds of a fresh Reader, median of ``--runs`` fresh processes.

Compare two versions side by side by running this file from each tree in turn::

    for i in 1 2 3; do for t in OLD NEW; do PYTHONPATH=$t/src python bench/bench_weekly_world.py --store S --runs 1; done; done
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

ONE = """
import time
from detente import relations
from detente.store import Store
s = Store({store!r}, read_only=True)
r = relations.Reader(s)
t, c = time.perf_counter(), time.process_time()
r._weekly_world({dataset!r})
print(time.perf_counter() - t, time.process_time() - c)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", required=True, help="a store file (a copy of the bundled one)")
    ap.add_argument("--dataset", default="gdelt_network")
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    wall, cpu = [], []
    for _ in range(a.runs):
        out = subprocess.run([sys.executable, "-c", ONE.format(store=a.store, dataset=a.dataset)], check=True,
                             capture_output=True, text=True, env=os.environ).stdout.split()
        wall.append(float(out[0]))
        cpu.append(float(out[1]))
    print(f"{a.dataset} weekly world sums: median {statistics.median(wall):.2f} s wall, "
          f"{statistics.median(cpu):.2f} s CPU ({a.runs} runs, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
