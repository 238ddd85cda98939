"""API under load: a real uvicorn server (``detente serve``'s app) on 127.0.0.1 in a subprocess, driven by raw
keep-alive HTTP/1.1 connections from asyncio (httpx's own CPU cost at 50 connections would dominate).

    python bench/bench_api.py [--store FILE] [--single 100] [--clients 50] [--per-client 200]
                              [--seconds 300] [--soak 0] [--markdown]

Phases, each bounded in requests and in time:

1. **single** — one client, ``--single`` never-seen dyads (distinct pairs of the store's most active actors,
   monthly, both datasets, bootstrap CIs): p50/p90 latency.
2. **load** — ``--clients`` concurrent clients x ``--per-client`` never-seen dyads each (all distinct). A client
   that gets 503 waits its ``Retry-After`` (capped at 2 s) and goes on with its next dyad. Reported: connection
   errors, answers by status, 503s without Retry-After, p50/p99 of the 200s, the slowest 503, server RSS peak,
   and how long after the clients stop the server's CPU goes idle (< 5 % of a core over 0.5 s).
3. **after** — every endpoint's latency right after the load; ``/api/claims/C1`` p50 over 50 requests once
   more than 1,000 distinct dyads have been asked.
4. **soak** (``--soak SECONDS``, optional) — ``--clients`` clients of mixed traffic (half never-seen dyads, half
   repeats of 200 popular ones, plus claims and sources); RSS sampled every 5 s; endpoints timed after it stops.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(store: Path, port: int, workers: int, queue_wait: float) -> subprocess.Popen:
    code = ("import uvicorn; from detente.web.app import create_app; "
            f"uvicorn.run(create_app({str(store)!r}, base_url='http://127.0.0.1:{port}', workers={workers}, "
            f"queue_wait={queue_wait}), host='127.0.0.1', port={port}, log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/sources", timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise SystemExit("server did not start")
    httpx.get(f"http://127.0.0.1:{port}/api/claims", timeout=600)  # the case's claims: evaluated once, pinned
    while httpx.get(f"http://127.0.0.1:{port}/api/status", timeout=5).json()["lanes"]["case"]["running"]:
        time.sleep(0.5)  # networks and anomalies of the case: computed once at start, pinned
    return proc


def dyads(store: Path, n: int, seed: int = 1) -> list[tuple[str, str]]:
    """``n`` distinct undirected pairs of the store's most active actors, shuffled (never asked before)."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    acts = [r[0] for r in con.execute(
        "SELECT x, count(*) c FROM (SELECT actor_a x FROM dyad_days UNION ALL SELECT actor_b FROM dyad_days "
        "UNION ALL SELECT source_actor FROM events UNION ALL SELECT target_actor FROM events) WHERE x IS NOT NULL "
        "GROUP BY x ORDER BY c DESC, x").fetchall() if re.fullmatch(r"[A-Z]{3}", r[0])]
    con.close()
    pairs = [(a, b) for i, a in enumerate(acts) for b in acts[i + 1:]]
    need = min(n, len(pairs))
    k = 2
    while k * (k - 1) // 2 < need:
        k += 1
    pool = [(a, b) for a, b in pairs if a in set(acts[:k + 20])]
    random.Random(seed).shuffle(pool)
    return pool[:need]


class Conn:
    """One keep-alive HTTP/1.1 connection (reconnects after a server close)."""

    def __init__(self, port: int):
        self.port = port
        self.r: asyncio.StreamReader | None = None
        self.w: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        if self.w is None:
            self.r, self.w = await asyncio.open_connection("127.0.0.1", self.port)
        self.w.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        await self.w.drain()
        head = await self.r.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        headers = {k.decode().lower(): v.decode().strip() for k, v in re.findall(rb"\r\n([^:\r\n]+):([^\r\n]*)", head)}
        body = await self.r.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.w is not None:
            self.w.close()
        self.r = self.w = None


def q(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def single(port: int, pairs: list[tuple[str, str]]) -> dict:
    c = Conn(port)
    lat, codes = [], []
    for a, b in pairs:
        t = time.perf_counter()
        status, _h, _b = await c.get(f"/api/dyads/{a}/{b}?freq=month")
        lat.append(time.perf_counter() - t)
        codes.append(status)
    c.close()
    return {"requests": len(lat), "ok": codes.count(200), "p50_ms": 1000 * q(lat, 50), "p90_ms": 1000 * q(lat, 90),
            "max_ms": 1000 * max(lat)}


async def load(port: int, pid: int, clients: int, lists: list[list[tuple[str, str]]], seconds: float) -> dict:
    ok_lat: list[float] = []
    busy_lat: list[float] = []
    statuses: dict[int, int] = {}
    no_retry = conn_errors = 0
    stop = time.monotonic() + seconds
    peak = [rss_mb(pid)]

    async def client(items: list[tuple[str, str]]) -> None:
        nonlocal no_retry, conn_errors
        c = Conn(port)
        for a, b in items:
            if time.monotonic() > stop:
                break
            t = time.perf_counter()
            try:
                status, h, _ = await c.get(f"/api/dyads/{a}/{b}?freq=month")
            except (OSError, asyncio.IncompleteReadError):
                conn_errors += 1
                c.close()
                continue
            dt = time.perf_counter() - t
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                ok_lat.append(dt)
            elif status == 503:
                busy_lat.append(dt)
                if "retry-after" not in h:
                    no_retry += 1
                await asyncio.sleep(min(2.0, float(h.get("retry-after", "1"))))
        c.close()

    async def sampler() -> None:
        while time.monotonic() < stop + 1 and not done.is_set():
            peak.append(rss_mb(pid))
            await asyncio.sleep(0.5)

    probe_lat: list[float] = []
    probe_codes: dict[int, int] = {}

    async def probe() -> None:  # cached answers and sources while the clients load the compute lane
        c = Conn(port)
        while not done.is_set():
            for path in ("/api/claims/C1", "/api/sources", "/api/claims"):
                t = time.perf_counter()
                status, _h, _b = await c.get(path)
                probe_lat.append(time.perf_counter() - t)
                probe_codes[status] = probe_codes.get(status, 0) + 1
            await asyncio.sleep(0.2)
        c.close()

    done = asyncio.Event()
    t0 = time.perf_counter()
    cpu0 = cpu_seconds(pid)
    samp = asyncio.create_task(sampler())
    prb = asyncio.create_task(probe())
    await asyncio.gather(*(client(items) for items in lists))
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(pid) - cpu0
    done.set()
    await samp
    await prb
    # CPU idle after the clients stop: first 0.5 s window with < 5 % of one core
    t_end = time.monotonic()
    idle_after = float("nan")
    prev = cpu_seconds(pid)
    while time.monotonic() - t_end < 30:
        await asyncio.sleep(0.5)
        now = cpu_seconds(pid)
        if now - prev < 0.025:
            idle_after = time.monotonic() - t_end - 0.5
            break
        prev = now
    return {"clients": clients, "requests": sum(statuses.values()), "statuses": statuses, "conn_errors": conn_errors,
            "503_without_retry_after": no_retry, "ok_p50_ms": 1000 * q(ok_lat, 50), "ok_p99_ms": 1000 * q(ok_lat, 99),
            "ok_max_ms": 1000 * max(ok_lat, default=float("nan")), "probe_statuses": probe_codes,
            "probe_p50_ms": 1000 * q(probe_lat, 50), "probe_p99_ms": 1000 * q(probe_lat, 99), "busy_max_ms": 1000 * max(busy_lat, default=0),
            "wall_s": wall, "ok_per_s": len(ok_lat) / wall, "server_cpu_s": cpu,
            "server_cpu_ms_per_200": 1000 * cpu / max(1, len(ok_lat)), "rss_peak_mb": max(peak), "cpu_idle_after_s": idle_after}


ENDPOINTS = ["/api/sources", "/api/cite", "/api/claims", "/api/claims/C1", "/api/network?period=war",
             "/api/anomalies?limit=5", "/api/dyads/IRN/ARM?freq=month", "/api/dyads/IRN/ARM/events",
             "/api/status"]


async def endpoints(port: int, fresh: tuple[str, str]) -> dict:
    c = Conn(port)
    out = {}
    for path in [*ENDPOINTS, f"/api/dyads/{fresh[0]}/{fresh[1]}?freq=quarter"]:
        t = time.perf_counter()
        status, _h, _b = await c.get(path)
        out[path] = (status, 1000 * (time.perf_counter() - t))
    lat = []
    for _ in range(50):
        t = time.perf_counter()
        await c.get("/api/claims/C1")
        lat.append(time.perf_counter() - t)
    c.close()
    out["claims_C1_p50_ms"] = 1000 * statistics.median(lat)
    return out


async def soak(port: int, pid: int, clients: int, seconds: float, fresh: list[tuple[str, str]],
               popular: list[tuple[str, str]]) -> dict:
    stop = time.monotonic() + seconds
    it = iter(fresh)
    rss: list[tuple[float, float]] = []
    counts: dict[int, int] = {}
    errors = 0
    rng = random.Random(7)

    async def client() -> None:
        nonlocal errors
        c = Conn(port)
        while time.monotonic() < stop:
            r = rng.random()
            if r < 0.5:
                a, b = next(it, popular[0])
                path = f"/api/dyads/{a}/{b}?freq=month"
            elif r < 0.9:
                a, b = rng.choice(popular)
                path = f"/api/dyads/{a}/{b}?freq=month"
            else:
                path = rng.choice(["/api/claims", "/api/claims/C2", "/api/sources", "/api/network?period=war"])
            try:
                status, h, _ = await c.get(path)
            except (OSError, asyncio.IncompleteReadError):
                errors += 1
                c.close()
                continue
            counts[status] = counts.get(status, 0) + 1
            if status == 503:
                await asyncio.sleep(min(2.0, float(h.get("retry-after", "1"))))
        c.close()

    async def sampler() -> None:
        t0 = time.monotonic()
        while time.monotonic() < stop:
            rss.append((time.monotonic() - t0, rss_mb(pid)))
            await asyncio.sleep(5)

    await asyncio.gather(sampler(), *(client() for _ in range(clients)))
    warm = [m for t, m in rss if t >= min(60.0, seconds / 3)]
    return {"seconds": seconds, "clients": clients, "statuses": counts, "conn_errors": errors,
            "rss_first_mb": rss[0][1] if rss else None, "rss_after_warmup_min_mb": min(warm, default=None),
            "rss_after_warmup_max_mb": max(warm, default=None), "rss_last_mb": rss[-1][1] if rss else None}


def compare(store: Path, pairs: list[tuple[str, str]]) -> dict:
    """In this process, as the server calls it: ``relations.dyad_series`` on a fresh cursor per dyad (the
    read-only memo warm after the first), never-seen dyads, monthly, both datasets, CIs; and the same on a
    writable open of a copy of the store (no memo: catalogue and world totals read again every call)."""
    import shutil
    import tempfile

    from detente import relations
    from detente.errors import UserError
    from detente.store import Store
    from detente.views import cursor_store

    def timed(s: Store, cursor: bool) -> list[float]:
        out = []
        for a, b in pairs[1:]:
            st = cursor_store(s) if cursor else s
            t = time.perf_counter()
            try:
                relations.dyad_series(st, a, b)
            except UserError:  # no data for the dyad: the server's 404, timed as well
                pass
            out.append(time.perf_counter() - t)
            if cursor:
                st.con.close()
        return out

    s = Store(store, read_only=True)
    relations.dyad_series(cursor_store(s), *pairs[0])
    warm = timed(s, True)
    s.close()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.duckdb"
        shutil.copy(store, copy)
        w = Store(copy)
        relations.dyad_series(w, *pairs[0])
        cold = timed(w, False)
        w.close()
    return {"dyads": len(warm), "memo_p50_ms": 1000 * statistics.median(warm),
            "memo_p90_ms": 1000 * q(warm, 90), "writable_p50_ms": 1000 * statistics.median(cold)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path(os.environ["DETENTE_STORE"]) if os.environ.get("DETENTE_STORE")
                    else None)  # Path("") would be the current folder
    ap.add_argument("--single", type=int, default=100, help="never-seen dyads asked by one client")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--per-client", type=int, default=200, help="never-seen dyads per client in the load phase")
    ap.add_argument("--seconds", type=float, default=300, help="time bound of the load phase")
    ap.add_argument("--soak", type=float, default=0, help="seconds of mixed soak traffic (0: skip)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queue-wait", type=float, default=1.0)
    ap.add_argument("--port", type=int, default=8799)
    ap.add_argument("--compare", type=int, default=0, help="also time relations.dyad_series in-process on N dyads")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    from detente.store import default_path

    store = args.store or default_path()
    if not store.exists():
        raise SystemExit(f"no store at {store}; run `detente init` or pass --store")
    n_soak = int(args.soak * 60) if args.soak else 0
    pairs = dyads(store, args.single + args.clients * args.per_client + 1 + n_soak + 200)
    one, rest = pairs[:args.single], pairs[args.single:]
    lists = [rest[i * args.per_client:(i + 1) * args.per_client] for i in range(args.clients)]
    rest = rest[args.clients * args.per_client:]
    fresh, popular, rest = rest[0], rest[1:201], rest[201:]
    if args.compare:
        c = compare(store, dyads(store, args.compare + 1, seed=99))
        print(f"- in-process, {c['dyads']} never-seen dyads (monthly, both datasets, CIs): relations.dyad_series "
              f"on request cursors (read-only memo) p50 {c['memo_p50_ms']:.0f} ms, p90 {c['memo_p90_ms']:.0f} ms; "
              f"on a writable open (no memo) p50 {c['writable_p50_ms']:.0f} ms; load {os.getloadavg()[0]:.1f}")
        if not args.single:
            return 0
    t0 = time.perf_counter()
    proc = start_server(store, args.port, args.workers, args.queue_wait)
    startup = time.perf_counter() - t0
    res: dict = {"startup_s_incl_claims": startup, "load_average_start": os.getloadavg()[0]}
    try:
        res["single"] = asyncio.run(single(args.port, one))
        res["load"] = asyncio.run(load(args.port, proc.pid, args.clients, lists, args.seconds))
        res["distinct_dyads_asked"] = len(one) + res["load"]["requests"]
        res["after"] = asyncio.run(endpoints(args.port, fresh))
        if args.soak:
            res["soak"] = asyncio.run(soak(args.port, proc.pid, args.clients, args.soak, rest, popular))
            res["after_soak"] = asyncio.run(endpoints(args.port, rest[-1]))
        res["server_rss_end_mb"] = rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(10)
    res["load_average_end"] = os.getloadavg()[0]
    if args.markdown:
        s, ld, af = res["single"], res["load"], res["after"]
        print(f"- single client, {s['requests']} never-seen dyads (monthly, 2 datasets, bootstrap CIs): "
              f"p50 {s['p50_ms']:.0f} ms, p90 {s['p90_ms']:.0f} ms, max {s['max_ms']:.0f} ms")
        print(f"- {ld['clients']} clients x {args.per_client} never-seen dyads: {ld['requests']} requests in "
              f"{ld['wall_s']:.0f} s, statuses {ld['statuses']}, connection errors {ld['conn_errors']}, 503 without "
              f"Retry-After {ld['503_without_retry_after']}; 200s p50 {ld['ok_p50_ms']:.0f} ms, p99 "
              f"{ld['ok_p99_ms']:.0f} ms, max {ld['ok_max_ms']:.0f} ms ({ld['ok_per_s']:.0f}/s, server CPU "
              f"{ld['server_cpu_ms_per_200']:.0f} ms per 200 incl. the 503s); slowest 503 "
              f"{ld['busy_max_ms']:.0f} ms; server RSS peak {ld['rss_peak_mb']:.0f} MB; CPU idle "
              f"{ld['cpu_idle_after_s']:.1f} s after the clients stopped")
        print(f"- meanwhile, cached answers and sources (`/api/claims/C1`, `/api/sources`, `/api/claims` every "
              f"0.2 s): statuses {ld['probe_statuses']}, p50 {ld['probe_p50_ms']:.1f} ms, p99 {ld['probe_p99_ms']:.1f} ms")
        print(f"- after {res['distinct_dyads_asked']} distinct dyads: /api/claims/C1 p50 {af['claims_C1_p50_ms']:.1f} ms;"
              " first answer per endpoint (status, ms): " + ", ".join(
                  f"`{k}` {v[0]} {v[1]:.0f}" for k, v in af.items() if isinstance(v, tuple)))
        if "soak" in res:
            sk = res["soak"]
            print(f"- soak {sk['seconds']:.0f} s x {sk['clients']} clients (mixed): statuses {sk['statuses']}, "
                  f"connection errors {sk['conn_errors']}, RSS first {sk['rss_first_mb']:.0f} MB, after warm-up "
                  f"{sk['rss_after_warmup_min_mb']:.0f}-{sk['rss_after_warmup_max_mb']:.0f} MB; after it stopped: "
                  + ", ".join(f"`{k}` {v[0]} {v[1]:.0f} ms" for k, v in res["after_soak"].items()
                              if isinstance(v, tuple)))
        print(f"- load average {res['load_average_start']:.1f} at the start, {res['load_average_end']:.1f} at the end")
    else:
        print(json.dumps(res, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
