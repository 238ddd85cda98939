"""Download (+ ingest) throughput of `detente fetch gdelt` from a local HTTP server, by worker count.

The server (tests/gdelt_server.py) runs on 127.0.0.1 and serves one day of GDELT 2.0 export files built
from the real rows in shared/data/gdelt1-georgia (``--rows`` per 15-minute file; real files hold about
1,000-2,000). ``--latency`` adds a fixed delay before each answer to stand in for a WAN round trip.
Each configuration runs ``--repeat`` times into a fresh directory (and a fresh copy of an empty store);
the median is reported.

    python bench/bench_fetch.py --slots 96 --rows 1000 --repeat 3 --latency 0 0.05 --markdown
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from detente import fetch as F  # noqa: E402
from gdelt_server import GdeltServer, V2Archive  # noqa: E402

DAY = date(2021, 3, 28)


def build(server: GdeltServer, slots: int, rows: int) -> tuple[V2Archive, int]:
    arc = V2Archive(server)
    t = datetime(DAY.year, DAY.month, DAY.day)
    for _ in range(slots):
        arc.add_slot(t.strftime("%Y%m%d%H%M%S"), rows=rows)
        t += timedelta(minutes=15)
    arc.publish()
    return arc, sum(len(b) for b in arc.exports.values())


def one_run(arc: V2Archive, workers: int, ingest: bool, empty_store: Path | None) -> dict:
    from detente.store import Store

    work = Path(tempfile.mkdtemp(prefix="bench-fetch-"))
    store = None
    try:
        if ingest:
            shutil.copy(empty_store, work / "s.duckdb")
            store = Store(work / "s.duckdb")
        t = time.perf_counter()
        rep = F.fetch_gdelt(2, DAY, DAY, work / "dl", base_url=arc.base, store=store,
                            opts=F.Options(workers=workers, timeout=30))
        secs = time.perf_counter() - t
        ok = sum(r.ok for r in rep.results)
        rows = sum((r.ingest or {}).get("rows_read", 0) for r in rep.results)
        return {"secs": secs, "files": ok, "rows": rows}
    finally:
        if store is not None:
            store.close()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--slots", type=int, default=96)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.05])
    ap.add_argument("--no-ingest", action="store_true", help="measure downloads only")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()

    from detente.store import Store

    tmp = Path(tempfile.mkdtemp(prefix="bench-store-"))
    empty = tmp / "empty.duckdb"
    Store(empty).close()
    results = []
    with GdeltServer() as server:
        arc, nbytes = build(server, a.slots, a.rows)
        modes = [False] if a.no_ingest else [False, True]
        for latency in a.latency:
            server.latency = latency
            for ingest in modes:
                for w in a.workers:
                    runs = [one_run(arc, w, ingest, empty) for _ in range(a.repeat)]
                    secs = statistics.median(r["secs"] for r in runs)
                    files, rows = runs[0]["files"], runs[0]["rows"]
                    assert files == a.slots, f"only {files} of {a.slots} files verified"
                    results.append({"latency_ms": latency * 1000, "ingest": ingest, "workers": w, "secs": secs,
                                    "files_s": files / secs, "rows_s": rows / secs if ingest else None,
                                    "mb_s": nbytes / 1e6 / secs})
                    print(f"latency {latency * 1000:.0f} ms ingest={ingest} workers={w}: {secs:.2f} s median, "
                          f"{files / secs:.1f} files/s" + (f", {rows / secs:,.0f} rows/s" if ingest else ""),
                          file=sys.stderr, flush=True)
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"{a.slots} files x {a.rows} rows ({nbytes / 1e6:.1f} MB zipped), median of {a.repeat}", file=sys.stderr)
    if a.markdown:
        print("| added latency | ingest | workers | median s | files/s | rows/s | MB/s | vs 1 worker |")
        print("|---|---|---|---|---|---|---|---|")
        base: dict = {}
        for r in results:
            key = (r["latency_ms"], r["ingest"])
            base.setdefault(key, r["secs"])
            rows_s = f"{r['rows_s']:,.0f}" if r["rows_s"] is not None else "-"
            print(f"| {r['latency_ms']:.0f} ms | {'yes' if r['ingest'] else 'no'} | {r['workers']} | {r['secs']:.2f} "
                  f"| {r['files_s']:.1f} | {rows_s} | {r['mb_s']:.2f} | {base[key] / r['secs']:.2f}x |")


if __name__ == "__main__":
    main()
