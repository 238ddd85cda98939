"""Ingest benchmark: detente's full ingest vs DuckDB's own CSV load vs pandas, and memory scaling.

    python bench/bench_ingest.py --rows 2100000 --runs 3 --parts side,icews
    python bench/bench_ingest.py --runs 1 --scale-base 2100000 --parts scale

For each generated file (bench/out/, made by bench/gen_gdelt.py, or from the real ICEWS sample, if
missing) and each contender, runs ``--runs`` times, each in a fresh subprocess (so peak RSS is the run's
own), and prints medians:

- ``detente``: ``Store(fresh file).ingest([file])`` and closing the store: sniff, checksum, staging with
  actor/CAMEO mapping, quarantine, dedup, provenance, commit (everything a user's ``detente ingest`` does);
- ``duckdb``: ``CREATE TABLE t AS SELECT * FROM read_csv(file, delim='\\t', header=...)`` into a fresh
  DuckDB file (auto-detected, typed columns), closing included;
- ``pandas``: ``pandas.read_csv(file, sep='\\t', header=..., low_memory=False)``.

Parts: ``side`` (GDELT 1.0 and 2.0 layouts, ``--rows``), ``icews`` (the real ICEWS sample repeated to
``--icews-rows`` in the Dataverse .tab layout), ``scale`` (detente and DuckDB on GDELT 1.0 files of 1x, 4x
and 16x ``--scale-base`` rows; the 16x file of 2.1M rows is 8.7 GB: delete bench/out/ when done).
Results go to stdout as Markdown (copied into docs/benchmarks.md, section "## Ingest").
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

RUN = r"""
import json, sys, time
from pathlib import Path
kind, src, db, hdr = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
for p in (db, db.with_name(db.name + ".wal")):
    p.unlink(missing_ok=True)
if kind == "detente":
    from detente.store import Store
    s = Store(db)  # opening (and creating) the store is not timed: the load is
    t = time.perf_counter()
    (r,) = s.ingest([src])
    s.close()  # timed like DuckDB's load: closing checkpoints the file
    dt = time.perf_counter() - t
    extra = {"stored": r.rows_stored, "read": r.rows_read, "quarantined": r.rows_quarantined}
elif kind == "duckdb":
    import duckdb
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{src}', delim='\t', header={hdr})")
    con.close()  # the checkpoint to disk is part of a load
    dt = time.perf_counter() - t
    extra = {}
else:
    import pandas as pd
    t = time.perf_counter()
    df = pd.read_csv(src, sep="\t", header=0 if hdr == "true" else None, low_memory=False)
    dt = time.perf_counter() - t
    extra = {"rows": len(df)}
for p in (db, db.with_name(db.name + ".wal")):
    p.unlink(missing_ok=True)
# VmHWM, not ru_maxrss: Linux carries the parent's high-water mark into ru_maxrss across fork/exec
hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM:"))
print(json.dumps({"seconds": dt, "peak_mb": hwm / 1024, **extra}))
"""


def run(kind: str, src: Path) -> dict:
    db = OUT / f"bench_{kind}.duckdb"
    header = "true" if src.suffix == ".tab" else "false"  # ICEWS files have a header, GDELT's do not
    res = subprocess.run([sys.executable, "-c", RUN, kind, str(src), str(db), header], capture_output=True, text=True)
    if res.returncode:
        raise SystemExit(f"{kind} on {src.name} failed:\n{res.stderr[-2000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def load() -> str:
    """The 1/5/15-minute load averages (another process on the machine skews every contender)."""
    import os

    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ensure(layout: str, rows: int) -> Path:
    name = f"{layout}_{rows}.export.CSV"
    path = OUT / name
    if not path.exists():  # in a subprocess, so this process stays small
        t = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "gen_gdelt.py"), layout, "--rows", str(rows), "--out", str(path)],
                       check=True, capture_output=True)
        print(f"<!-- generated {name} in {time.perf_counter() - t:.1f} s -->", flush=True)
    return path


def ensure_icews(rows: int) -> Path:
    """The 3,705 real ICEWS 2018 sample rows repeated to ``rows`` with fresh Event IDs (Dataverse .tab layout)."""
    path = OUT / f"icews_{rows}.tab"
    if path.exists():
        return path
    real = HERE.parents[1] / "shared" / "data" / "icews-samples" / "events.2018.sample.tab"
    header, *body = real.read_text(encoding="utf-8").rstrip("\n").split("\n")
    tails = [ln.split("\t", 1)[1] for ln in body]
    with path.open("w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for i in range(rows):
            fh.write(f"{900_000_000 + i}\t{tails[i % len(tails)]}\n")
    return path


def side_by_side(src: Path, rows: int, runs: int) -> None:
    mb = src.stat().st_size / 1e6
    times: dict[str, list[float]] = {"detente": [], "duckdb": [], "pandas": []}
    peaks: dict[str, list[float]] = {k: [] for k in times}
    for _ in range(runs):  # interleaved, so a noisy neighbour hits all contenders alike
        for kind in times:
            r = run(kind, src)
            times[kind].append(r["seconds"])
            peaks[kind].append(r["peak_mb"])
    base = statistics.median(times["duckdb"])
    for kind, ts in times.items():
        med = statistics.median(ts)
        runs_s = ", ".join(f"{t:.2f}" for t in ts)
        print(f"| {src.name} | {rows:,} | {mb:.0f} | {kind} | {med:.2f} ({runs_s}) | {med / base:.2f}x "
              f"| {max(peaks[kind]):.0f} |", flush=True)
    pairs = ", ".join(f"{d / b:.2f}x" for d, b in zip(times["detente"], times["duckdb"], strict=True))
    print(f"<!-- {src.name}: detente/duckdb per interleaved round: {pairs}; load average now {load()} -->",
          flush=True)


def ordinality(src: Path, runs: int) -> None:
    """DuckDB's read into a temp table: the 17 fields the GDELT mapping uses, with and without WITH ORDINALITY,
    and all 58 with it (what the reader did before)."""
    import duckdb

    from detente.sources import gdelt

    cols = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in gdelt.COLUMNS) + "}"
    used = ", ".join(f'"{c}"' for c in (*gdelt.USED, "SOURCEURL"))
    read = (f"SELECT {used} FROM read_csv('{src}', columns={cols}, header=false, delim='\t', quote='', "
            "escape='', auto_detect=false)")  # the same read as detente's _csv copy
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    every = read.replace(f"SELECT {used} ", "SELECT * ", 1)
    for label, sql in (("the used fields (detente now)", read),
                       ("the used fields WITH ORDINALITY", f"{read} WITH ORDINALITY"),
                       ("all 58 fields WITH ORDINALITY (the previous reader)", f"{every} WITH ORDINALITY")):
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            con.execute(f"CREATE OR REPLACE TEMP TABLE _t AS {sql}")
            ts.append(time.perf_counter() - t)
        print(f"| {src.name} | {label} | {statistics.median(ts):.2f} s ({', '.join(f'{t:.2f}' for t in ts)}) |",
              flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2_100_000, help="rows of the side-by-side files")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--scale-base", type=int, default=500_000, help="rows of the 1x memory-scaling file")
    ap.add_argument("--icews-rows", type=int, default=1_000_000, help="rows of the ICEWS .tab file")
    ap.add_argument("--parts", default="side,icews,scale",
                    help="comma-separated: side (GDELT side by side), icews (ICEWS .tab side by side), scale (memory), "
                         "ordinality (DuckDB's read of the used fields vs all fields, with and without WITH ORDINALITY)")
    a = ap.parse_args()
    OUT.mkdir(exist_ok=True)

    print(f"<!-- load average at start: {load()} -->", flush=True)
    print("| file | rows | MB | contender | median s (runs) | vs duckdb | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    if "side" in a.parts:
        for layout in ("gdelt1", "gdelt2"):
            side_by_side(ensure(layout, a.rows), a.rows, a.runs)
    if "icews" in a.parts:
        side_by_side(ensure_icews(a.icews_rows), a.icews_rows, a.runs)
    if "ordinality" in a.parts:
        ordinality(ensure("gdelt1", a.rows), a.runs)

    if "scale" not in a.parts:
        return
    print()
    print("| scale | rows | MB | detente median s | DuckDB load median s | ratio | detente peak RSS MB | "
          "DuckDB load peak RSS MB |")
    print("|---|---|---|---|---|---|---|---|")
    for k in (1, 4, 16):
        src = ensure("gdelt1", a.scale_base * k)
        rs: dict[str, list[dict]] = {"detente": [], "duckdb": []}
        for _ in range(a.runs):
            for kind in rs:
                rs[kind].append(run(kind, src))
        med = {kind: statistics.median(r["seconds"] for r in v) for kind, v in rs.items()}
        peak = {kind: max(r["peak_mb"] for r in v) for kind, v in rs.items()}
        print(f"| {k}x | {a.scale_base * k:,} | {src.stat().st_size / 1e6:.0f} | {med['detente']:.2f} | "
              f"{med['duckdb']:.2f} | {med['detente'] / med['duckdb']:.2f}x | {peak['detente']:.0f} | "
              f"{peak['duckdb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
