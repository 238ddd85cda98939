"""API latency: one dyad series at 1, 10 and 50 concurrent clients against a real uvicorn server on loopback.

    python bench/bench_api.py [--store FILE] [--requests 200] [--seconds 30] [--markdown]

Starts `detente serve`'s app (uvicorn, one worker) on 127.0.0.1 in a subprocess, warms it with one request,
then for each concurrency level sends a bounded number of GET /api/dyads/IRN/ARM?freq=month requests
(bounded also in time) from that many concurrent keep-alive connections and reports p50/p99 latency and throughput.
A second pass varies the query (a different start year per request) so that results are not all
served from the server's result cache.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(store: Path, port: int) -> subprocess.Popen:
    code = ("import uvicorn, sys; from detente.web.app import create_app; "
            f"uvicorn.run(create_app({str(store)!r}, warm=False), host='127.0.0.1', port={port}, log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=5)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


async def get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive HTTP/1.1 GET on an open connection (a minimal client: httpx's own CPU cost at 50
    connections would dominate what we measure); returns the status code."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    await reader.readexactly(length)
    return status


async def level(port: int, clients: int, total: int, seconds: float, urls: list[str]) -> dict:
    lat: list[float] = []
    errors = 0
    sent = 0
    stop = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal sent, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while sent < total and time.monotonic() < stop:
                i = sent
                sent += 1
                t = time.perf_counter()
                status = await get(reader, writer, urls[i % len(urls)])
                lat.append(time.perf_counter() - t)
                errors += status != 200
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - t0
    lat.sort()
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else lat * 99
    return {"clients": clients, "requests": len(lat), "errors": errors, "p50_ms": 1000 * q[49],
            "p99_ms": 1000 * q[98], "rps": len(lat) / wall}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path(os.environ.get("DETENTE_STORE", "")) or None)
    ap.add_argument("--requests", type=int, default=200, help="requests per concurrency level")
    ap.add_argument("--seconds", type=float, default=30, help="time bound per level")
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    from detente.store import default_path

    store = args.store or default_path()
    if not store.exists():
        raise SystemExit(f"no store at {store}; run `detente init` or pass --store")
    proc = start_server(store, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        same = ["/api/dyads/IRN/ARM?freq=month"]
        t = time.perf_counter()
        httpx.get(base + same[0], timeout=120)
        cold = time.perf_counter() - t
        def measured(name: str, urls: list[str], c: int) -> tuple[str, dict]:
            c0 = cpu_seconds(proc.pid)
            r = asyncio.run(level(args.port, c, args.requests, args.seconds, urls))
            r["server_cpu_ms"] = 1000 * (cpu_seconds(proc.pid) - c0) / max(r["requests"], 1)
            return name, r

        rows = [measured("same query (cached after the first)", same, c) for c in (1, 10, 50)]
        for k, c in enumerate((1, 10, 50)):  # 6 start dates never asked before: 6 computed, the rest cached
            varied = [f"/api/dyads/IRN/ARM?freq=month&start=2018-{m:02d}-01" for m in range(1 + 6 * k, 7 + 6 * k)]
            if k == 2:
                varied = [f"/api/dyads/IRN/ARM?freq=month&start=2019-{m:02d}-01" for m in range(1, 7)]
            rows.append(measured("6 new queries, then cached", varied, c))
    finally:
        proc.terminate()
        proc.wait(10)
    load = os.getloadavg()[0]
    if args.markdown:
        print(f"cold first request (relations.dyad_series, monthly, with bootstrap CIs): {cold * 1000:.0f} ms; "
              f"load average at the end {load:.1f}\n")
        print("| query | clients | requests | errors | p50 ms | p99 ms | requests/s | server CPU ms/request |\n"
              "|---|---|---|---|---|---|---|---|")
        for name, r in rows:
            print(f"| {name} | {r['clients']} | {r['requests']} | {r['errors']} | {r['p50_ms']:.1f} | "
                  f"{r['p99_ms']:.1f} | {r['rps']:.0f} | {r['server_cpu_ms']:.2f} |")
    else:
        print(f"cold first request: {cold * 1000:.0f} ms")
        for name, r in rows:
            print(name, r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
