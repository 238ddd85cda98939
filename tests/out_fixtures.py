"""Helpers for the report, web and browser tests: a hand-made store with numbers checkable on paper, and a
real uvicorn server on 127.0.0.1 run in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import httpx

from detente.store import Store

# (event_id, date, source, target, cameo, goldstein, reports, url)
EVENTS = [
    ("e1", date(2021, 3, 1), "IRN", "ARM", "036", 4.0, 1, "https://example.org/e1"),
    ("e2", date(2021, 3, 2), "ARM", "IRN", "057", 8.0, 2, None),
    ("e3", date(2021, 3, 3), "IRN", "ARM", "111", -2.0, 1, None),
    ("e4", date(2021, 4, 9), "IRN", "AZE", "190", -10.0, 3, None),  # another dyad: never an IRN-ARM event
    ("e5", date(2021, 4, 10), "ARM", "IRN", "042", 1.9, 1, None),
    ("e6", date(2021, 5, 5), "IRN", "ARM", "172", -5.0, 1, None),
    ("e7", date(2021, 5, 6), "IRN", "ARM", "057", 8.0, 5, None),  # ties e2 on Goldstein, more reports
]
BIBTEX = "@misc{tiny,\n  title = {A tiny hand-made dataset}\n}"


def tiny_store(path: Path) -> Path:
    """Six IRN-ARM events (3 cooperative, 2 conflictual... see EVENTS) and one IRN-AZE event; two datasets."""
    s = Store(path)
    for eid, d, src, tgt, code, g, rep, url in EVENTS:
        s.con.execute(
            "INSERT INTO events (event_id, date, source_text, source_actor, target_text, target_actor, cameo_code,"
            " goldstein, quad_class, reports, source_url, dataset, file, line)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'tiny', 'tiny.csv', 1)",
            [eid, d, src, src, tgt, tgt, code, g, 1 if g > 0 else 4, rep, url],
        )
    s.con.execute(
        "INSERT INTO datasets VALUES ('tiny', 'Tiny events', 'v1', 'CC0', ?, 'https://example.org', ?, ?)",
        [BIBTEX, date(2021, 3, 1), date(2021, 5, 6)],
    )
    s.con.execute(
        "INSERT INTO datasets VALUES ('empty', 'An empty dataset', NULL, 'CC0', NULL, NULL, NULL, NULL)"
    )
    s.close()
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(app, ready_path: str = "/api/sources") -> Iterator[str]:
    """Run ``app`` under a real uvicorn server on 127.0.0.1 in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=server.run, daemon=True)
    t.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + ready_path, timeout=5)
            break
        except httpx.TransportError:
            time.sleep(0.05)
    else:
        raise RuntimeError("uvicorn did not start within 30 s")
    try:
        yield base
    finally:
        server.should_exit = True
        t.join(10)


_SITES: dict[str, str] = {}


def shared_site(store: Path) -> str:
    """One warm server per test process over ``store`` (the bundled store), shared by the web and browser
    tests so that the case's claims are evaluated once; stopped when the process exits."""
    import atexit

    from detente.web.app import create_app

    key = str(store)
    if key not in _SITES:
        cm = serve(create_app(store))
        base = cm.__enter__()
        atexit.register(cm.__exit__, None, None, None)
        httpx.get(f"{base}/api/claims", timeout=600)  # evaluated once per server
        _SITES[key] = base
    return _SITES[key]


# Cases over tiny_store's actors and days: T1 (presence) alone, and with T2 (compare) (API, coverage, load tests).
ONE_CLAIM_CASE = """\
name: tiny_case
title: A tiny case over the tiny store
actors: {ARM: Armenia, AZE: Azerbaijan, IRN: Iran}
periods:
  march: {start: 2021-03-01, end: 2021-03-31}
  spring: {start: 2021-04-01, end: 2021-05-06}
datasets: [tiny]
hypotheses:
  - id: T1
    claim: Iran and Armenia cooperated
    kind: presence
    dyad: IRN-ARM
    polarity: cooperative
    periods: all
"""
TINY_CASE = ONE_CLAIM_CASE + """\
  - id: T2
    claim: Iran treats Armenia better than Azerbaijan
    kind: compare
    x: IRN-ARM
    y: IRN-AZE
    periods: all
    expect: greater
"""
