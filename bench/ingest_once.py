"""One detente ingest of FILE into a fresh store: seconds (ingest + close) and peak RSS.

    DETENTE_INGEST_MEMORY=2GB python bench/ingest_once.py bench/out/gdelt1_8400000.export.CSV

Used for the memory-limit comparison in docs/benchmarks.md ("## Ingest"); run it in a fresh process
each time (peak RSS is the process's high-water mark).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from detente.store import Store


def main() -> None:
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_file():
        raise SystemExit("usage: python bench/ingest_once.py FILE  (an event file, e.g. one bench/gen_gdelt.py made)")
    src = Path(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="detente-bench-") as tmp:
        s = Store(Path(tmp) / "bench.duckdb")
        t = time.perf_counter()
        (r,) = s.ingest([src])
        s.close()
        dt = time.perf_counter() - t
    hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:"))
    print(f"{src.name}: {dt:.2f} s, peak RSS {hwm / 1024:.0f} MB, {r.rows_stored:,} rows stored, "
          f"{r.rows_quarantined:,} quarantined")


if __name__ == "__main__":
    main()
