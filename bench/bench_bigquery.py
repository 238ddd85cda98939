"""The bigquery reader: rows per second for a synthetic `detente bigquery-sql --per day` export.

Run: python bench/bench_bigquery.py [--days 500] [--repeats 3]   (prints a Markdown line for docs/benchmarks.md)

The file holds, per day, a world row and about half of the 380 directed dyads of 20 countries (seeded), in
BigQuery's CSV export format. Each repeat ingests it into a fresh store (created, untimed, before the clock
starts); the figure is the median wall and process-CPU time of ``Store.ingest`` and the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from detente.export import DAY_COLUMNS
from detente.store import Store

CODES = ("ARM", "AZE", "GEO", "RUS", "TUR", "IRN", "USA", "FRA", "DEU", "CHN", "IND", "ISR", "UKR", "KAZ", "BLR",
         "GBR", "ITA", "POL", "SYR", "IRQ")


def write_export(path: Path, days: int, seed: int = 0) -> int:
    """A synthetic export: per day one world row and each directed dyad with probability 1/2; rows written."""
    rng = random.Random(seed)
    n = 0
    with path.open("w") as fh:
        fh.write(",".join(DAY_COLUMNS) + "\n")
        for k in range(days):
            day = date(2020, 1, 1) + timedelta(days=k)
            dyads = []
            for a in CODES:
                for b in CODES:
                    if a != b and rng.random() < 0.5:
                        g = rng.uniform(-10, 10)
                        dyads.append((a, b, g, abs(g) + rng.uniform(0, 3)))
            world = sum(d[3] for d in dyads) + 1000.0  # plus the events among other actors
            fh.write(f"{day},,,true,{len(dyads) + 100},0,0,0,0,0.0,0.0,0.0,0,0,{world!r},{world!r},0.0\n")
            for a, b, g, ab in dyads:
                fh.write(f"{day},{a},{b},true,3,1,1,1,0,{g!r},{g / 3!r},0.0,3,3,{ab!r},{world!r},"
                         f"{1000 * g / world!r}\n")
            n += 1 + len(dyads)
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "bq-day.csv"
        rows = write_export(f, args.days)
        wall, cpu = [], []
        for i in range(args.repeats):
            s = Store(Path(tmp) / f"s{i}.duckdb")
            try:
                t0, c0 = time.perf_counter(), time.process_time()
                (summary,) = s.ingest([f], fmt="bigquery")
                wall.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
            finally:
                s.close()
            assert summary.rows_stored == rows and summary.rows_quarantined == 0
        w, c = statistics.median(wall), statistics.median(cpu)
        print(f"| bigquery reader, {rows:,} rows ({args.days} days) | {w:.2f} s wall ({rows / w:,.0f} rows/s) | "
              f"{c:.2f} s CPU ({rows / c:,.0f} rows/s) | load {os.getloadavg()[0]:.1f} |")


if __name__ == "__main__":
    main()
