"""Report cold-run time: `detente report` on the bundled case in a fresh process, median of N runs.

    python bench/bench_report.py [--store FILE] [--runs 3] [--pdf] [--markdown]

Each run is a new Python process (imports, store open, every section computed from scratch: no cache
survives between runs), exactly what a user's `detente report` does once the store exists.
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
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--pdf", action="store_true", help="also time --pdf (Chromium)")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    from detente.store import default_path

    store = args.store or default_path()
    if not store.exists():
        raise SystemExit(f"no store at {store}; run `detente init` or pass --store")
    modes = [("html", [])] + ([("pdf", ["--pdf"])] if args.pdf else [])
    results, cpu = {}, {}
    sections: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, extra in modes:
            times, cpus = [], []
            for i in range(args.runs):
                out = Path(tmp) / f"r{i}.html"
                t, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run([sys.executable, "-m", "detente", "report", "--store", str(store), "--out", str(out),
                                *extra], check=True, capture_output=True)
                times.append(time.perf_counter() - t)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
                if name == "html":
                    prov = json.loads(out.with_suffix(".json").read_text())["provenance"]
                    for k, v in prov["section_seconds"].items():
                        sections.setdefault(k, []).append(v)
            results[name], cpu[name] = times, cpus
    load = os.getloadavg()[0]
    if args.markdown:
        print(f"load average at the end: {load:.1f}\n")
        print("| run | median wall s | runs (s) | median CPU s (user+sys, this process tree) |\n|---|---|---|---|")
        for name, times in results.items():
            print(f"| `detente report`{' --pdf' if name == 'pdf' else ''} (cold process) | "
                  f"{statistics.median(times):.1f} | {', '.join(f'{t:.1f}' for t in times)} | "
                  f"{statistics.median(cpu[name]):.1f} |")
        print("\n| section | median s |\n|---|---|")
        for k, v in sections.items():
            print(f"| {k} | {statistics.median(v):.2f} |")
    else:
        print(json.dumps({"runs": results, "cpu": cpu, "sections": sections, "load": load}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
