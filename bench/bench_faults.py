"""What the issue-18 hardening costs and what the limits buy.

- ``checks``: ingest of a GDELT 1.0 file (the real Georgia rows repeated with fresh ids, ``gen_gdelt.py``) with the
  schema's value-range checks, against the same ingest with only the required-column checks (as before); each run
  a fresh subprocess, interleaved, median of ``--runs``.
- ``bombs``: a deflate zip and a gzip that unpack to 400 MB (ratio ~1000): seconds until the one-line refusal and the
  child's peak RSS (wait4 rusage).

    python bench/bench_faults.py --rows 1000000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE = """
import sys, time
from pathlib import Path
from detente import schema, store
if sys.argv[2] == "required-only":
    def _req(t, first_day=None):
        return [(f"{c.name} IS NULL", f"'missing {c.name}'") for c in t.cols if c.required]
    store.checks = _req
s = store.Store(Path(sys.argv[3]))
t = time.perf_counter()
s.ingest([Path(sys.argv[1])], fmt="gdelt1")
s.close()
print(time.perf_counter() - t)
"""


def run(argv: list[str], env: dict | None = None) -> tuple[str, str, float, int]:
    t = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(p.pid, 0)
    return p.stdout.read().decode(), p.stderr.read().decode(), time.perf_counter() - t, usage.ru_maxrss * 1024


def checks(rows: int, runs: int, tmp: Path) -> None:
    src = HERE / "out" / f"gdelt1_{rows}.export.CSV"
    if not src.exists():
        subprocess.run([sys.executable, str(HERE / "gen_gdelt.py"), "gdelt1", "--rows", str(rows), "--out", str(src)],
                       check=True)
    times: dict[str, list[float]] = {"ranges": [], "required-only": []}
    for i in range(runs):
        for mode in times:
            db = tmp / f"{mode}{i}.duckdb"
            out, err, _, _ = run([sys.executable, "-c", ONE, str(src), mode, str(db)])
            if not out.strip():
                raise SystemExit(err)
            times[mode].append(float(out))
            db.unlink()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"checks: {rows} rows, median of {runs}: ranges {med['ranges']:.2f} s, required-only "
          f"{med['required-only']:.2f} s, ratio {med['ranges'] / med['required-only']:.3f}")


def bombs(tmp: Path) -> None:
    sys.path.insert(0, str(HERE.parent / "tests"))
    from detente.store import Store
    from test_faults import DAILY, _bomb

    db = tmp / "b.duckdb"
    with Store(db) as s:
        s.ingest_file(DAILY, "gdelt1")
    for kind in ("zip", "gzip"):
        f = tmp / f"20130403.export.CSV.{'zip' if kind == 'zip' else 'gz'}"
        f.write_bytes(_bomb(kind, 400 * 2**20))
        _, err, secs, peak = run([sys.executable, "-m", "detente", "ingest", str(f), "--store", str(db)],
                                 {"TMPDIR": str(tmp)})
        print(f"bomb {kind}: {f.stat().st_size / 1e3:.0f} KB -> 400 MB; refused in {secs:.1f} s, peak RSS "
              f"{peak / 2**20:.0f} MB: {err.strip()[:90]}...")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--parts", default="checks,bombs")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        if "checks" in a.parts:
            checks(a.rows, a.runs, Path(d))
        if "bombs" in a.parts:
            bombs(Path(d))


if __name__ == "__main__":
    main()
