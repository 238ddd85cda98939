"""`detente report` wall time on the bundled store: cold, warm (sections cached in the store) and for a text.

    python bench/bench_report.py [--store FILE] [--runs 5] [--text FILE] [--src DIR] [--wait-quiet S] [--markdown]
    python bench/bench_report.py --screenshot docs/report-first-screen.png

Each run is a new Python process (`python -m detente report`), exactly what a user runs once the store exists:

* cold: every section computed (``--no-cache``; a tree without the cache is always cold);
* warm: the second and later runs of the same report, sections read from the store's ``report_cache``;
* text: ``--text FILE`` (an analyst's text turned into a case), cold and warm.

``--src DIR`` runs another source tree (``DIR/src`` first on PYTHONPATH), e.g. ``git archive REV src | tar -x
-C DIR`` for a before/after comparison on the same store and machine. Medians of ``--runs`` runs, with the
machine's load average, since other jobs on a shared machine slow every run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = ROOT / "tests" / "fixtures" / "texts" / "caucasus_commentary.txt"


CPU: list[float] = []  # user + sys seconds of each run's process tree, in run order
WAIT = 0.0  # --wait-quiet


QUIET: list[float] = []  # --wait-quiet: the longest wait, in seconds, for the other processes to go quiet


def busy_share(seconds: float = 1.0) -> float:
    """The share of the machine's CPU time used over ``seconds`` (from /proc/stat; 0 where it is not there)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait

    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except OSError:
        return 0.0
    return 1 - (i1 - i0) / max(t1 - t0, 1)


def wait_quiet(limit: float) -> None:
    """Wait (at most ``limit`` s) until the machine is at least 85 % idle over a second: on a shared machine
    each run then starts with its cores free (what a user's own machine gives)."""
    t = time.perf_counter()
    while busy_share() > 0.15 and time.perf_counter() - t < limit:
        pass
    QUIET.append(time.perf_counter() - t)


def run(cmd: list[str], env: dict) -> float:
    if WAIT:
        wait_quiet(WAIT)
    t, r0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
    return time.perf_counter() - t


def timed(cmd: list[str], env: dict, n: int) -> tuple[list[float], list[float]]:
    walls = [run(cmd, env) for _ in range(n)]
    return walls, CPU[-n:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--text", type=Path, default=TEXT)
    ap.add_argument("--src", type=Path, default=None, help="another source tree to time (DIR/src)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--modes", default="cold,warm,text", help="comma-separated: cold, warm, text")
    ap.add_argument("--screenshot", type=Path, default=None, help="write the report's first screen (1200x900) "
                                                                  "to this PNG and stop")
    ap.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                    help="before each run wait up to S seconds for the machine to be 85%% idle (a shared machine)")
    args = ap.parse_args()
    global WAIT
    WAIT = args.wait_quiet
    from detente.store import default_path

    store = args.store or Path(os.environ.get("DETENTE_STORE") or default_path())
    if not store.exists():
        raise SystemExit(f"no store at {store}; run `detente init` or pass --store")
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(args.src / "src") + os.pathsep + env.get("PYTHONPATH", "")
    base = [sys.executable, "-m", "detente", "report", "--store", str(store)]
    helptext = subprocess.run(base + ["--help"], capture_output=True, text=True, env=env).stdout
    has_cache = "--no-cache" in helptext
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.html"
        if args.screenshot:
            return screenshot(base + ["--out", str(out)], env, out, args.screenshot)
        want = set(args.modes.split(","))
        cold = base + ["--out", str(out)] + (["--no-cache"] if has_cache else [])
        modes: dict[str, tuple[list[float], list[float]]] = {}
        sections: dict = {}
        if "cold" in want:
            modes["cold"] = timed(cold, env, args.runs)
            sections = json.loads(out.with_suffix(".json").read_text())["provenance"].get("section_seconds", {})
        if has_cache and "warm" in want:
            run(base + ["--out", str(out)], env)  # fill the cache
            modes["warm"] = timed(base + ["--out", str(out)], env, args.runs)
        text = base + ["--out", str(out), "--text", str(args.text)]
        if "text" in want:
            modes["text cold"] = timed(text + (["--no-cache"] if has_cache else []), env, args.runs)
            if has_cache:
                run(text, env)
                modes["text warm"] = timed(text, env, args.runs)
    load = os.getloadavg()[0]
    tree = str(args.src) if args.src else "this tree"
    if args.markdown:
        waited = f"; waited up to {max(QUIET):.0f} s for a quiet machine" if QUIET else ""
        print(f"source: {tree}; runs per mode: {args.runs}; load average at the end: {load:.1f}{waited}\n")
        print("| run | median wall s | runs (s) | median CPU s (user+sys) |\n|---|---|---|---|")
        for name, (times, cpu) in modes.items():
            print(f"| `detente report` {name} | {statistics.median(times):.2f} | "
                  f"{', '.join(f'{t:.2f}' for t in times)} | {statistics.median(cpu):.2f} |")
        print("\nsections of the last cold run (s): " + ", ".join(f"{k} {v}" for k, v in sections.items()))
    else:
        print(json.dumps({"tree": tree, "runs": modes, "sections": sections, "load": load}, indent=1))
    return 0


def screenshot(cmd: list[str], env: dict, out: Path, png: Path) -> int:
    """The report's first screen as a PNG that carries the verdict counts it shows (a ``tEXt`` chunk
    ``detente-verdicts``), so tests/test_browser.py can tell when the committed screenshot has gone stale."""
    from playwright.sync_api import sync_playwright

    subprocess.run(cmd, check=True, capture_output=True, env=env)
    counts = json.loads(out.with_suffix(".json").read_text())["sections"]["summary"]["counts"]
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            pg = b.new_page(viewport={"width": 1200, "height": 900})
            pg.goto(out.as_uri())
            data = pg.screenshot()
        finally:
            b.close()
    png.write_bytes(png_with_text(data, "detente-verdicts", json.dumps(counts, sort_keys=True)))
    print(f"wrote {png}: verdicts {counts}")
    return 0


def png_with_text(data: bytes, key: str, text: str) -> bytes:
    """``data`` (a PNG) with a ``tEXt`` chunk ``key``: ``text`` right after its header chunk (PNG spec 11.3.4)."""
    chunk = _chunk(b"tEXt", key.encode("latin-1") + b"\0" + text.encode("latin-1"))
    end_of_header = 8 + 4 + 4 + 13 + 4  # the signature, then IHDR's length, type, 13 bytes and CRC
    return data[:end_of_header] + chunk + data[end_of_header:]


def png_texts(data: bytes) -> dict[str, str]:
    """A PNG's ``tEXt`` chunks as a dict (the reader of :func:`png_with_text`; CRCs checked).

    >>> one = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # a 1x1 greyscale header; no pixels needed here
    >>> png = PNG_SIGNATURE + _chunk(b"IHDR", one) + _chunk(b"IEND", b"")
    >>> png_texts(png_with_text(png, "detente-verdicts", '{"mixed": 6}'))
    {'detente-verdicts': '{"mixed": 6}'}
    """
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    out, i = {}, len(PNG_SIGNATURE)
    while i + 8 <= len(data):
        n, kind = struct.unpack(">I4s", data[i:i + 8])
        body = data[i + 8:i + 8 + n]
        if struct.unpack(">I", data[i + 8 + n:i + 12 + n])[0] != zlib.crc32(kind + body):
            raise ValueError(f"bad CRC in the {kind.decode('latin-1')} chunk at byte {i}")
        if kind == b"tEXt":
            key, _, text = body.partition(b"\0")
            out[key.decode("latin-1")] = text.decode("latin-1")
        i += 12 + n
    return out


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


if __name__ == "__main__":
    sys.exit(main())
