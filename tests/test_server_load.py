"""The server under load, through a real uvicorn server on 127.0.0.1: admission (503 + Retry-After at once),
cancellation that frees the worker, caches that keep case-wide answers and stay bounded, links that ignore
``Host``, and the one series path (``relations.dyad_series``, the API's numbers) keeping its previous numbers.
Behaviour only; speed is in bench/bench_api.py."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
from fastapi import Request

from detente.web.app import create_app
from detente.web.cache import ByteLRU, Tiered
from detente.web.pool import Cancelled, ComputePool, Overloaded
from out_fixtures import TINY_CASE, serve, tiny_store


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_store(tmp_path_factory.mktemp("load") / "tiny.duckdb")


@pytest.fixture(scope="module")
def tiny_case(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A case file over the tiny store (its claims evaluate there: the built-in case's periods lie outside it)."""
    f = tmp_path_factory.mktemp("case") / "tiny_case.yaml"
    f.write_text(TINY_CASE)
    return str(f)


def _get_many(urls: list[str], timeout: float = 30) -> list[tuple[httpx.Response, float]]:
    """All ``urls`` at once (one connection each); each response with its seconds."""

    async def one(c: httpx.AsyncClient, u: str) -> tuple[httpx.Response, float]:
        t = time.perf_counter()
        r = await c.get(u)
        return r, time.perf_counter() - t

    async def main() -> list:
        limits = httpx.Limits(max_connections=len(urls), max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=timeout, limits=limits) as c:
            return await asyncio.gather(*(one(c, u) for u in urls))

    return asyncio.run(main())


# -- the pool by itself ---------------------------------------------------------------------------------------
def test_pool_rejects_at_once_what_could_not_start_in_time() -> None:
    pool = ComputePool(workers=1, max_queue=100, initial_estimate=1.0)
    gate = threading.Event()
    try:
        first = pool.submit(gate.wait, 10, start_within=5)
        while pool.busy() == 0:
            time.sleep(0.01)
        queued = [pool.submit(time.sleep, 0, start_within=4.5) for _ in range(4)]  # waits 1, 2, 3, 4 s: admitted
        with pytest.raises(Overloaded) as e:  # would wait (4 + 1) x 1.0 s > 4.5 s: refused now, not after 4.5 s
            pool.submit(time.sleep, 0, start_within=4.5)
        assert e.value.retry_after == 5 and pool.counts["rejected"] == 1
        gate.set()
        assert first.future.result(5) is True
        for j in queued:
            assert j.future.result(5) is None
    finally:
        gate.set()
        pool.close()


def test_pool_drops_a_queued_job_whose_start_deadline_passed() -> None:
    pool = ComputePool(workers=1, initial_estimate=0.0)
    gate = threading.Event()
    ran = []
    try:
        pool.submit(gate.wait, 10, start_within=5)
        while pool.busy() == 0:
            time.sleep(0.01)
        late = pool.submit(ran.append, 1, start_within=0.05)
        time.sleep(0.2)
        gate.set()
        with pytest.raises(Overloaded):
            late.future.result(5)
        assert ran == [] and pool.counts["expired"] == 1  # never run: its client had been told to retry
    finally:
        gate.set()
        pool.close()


def test_cancel_stops_running_python_work_and_frees_the_worker() -> None:
    pool = ComputePool(workers=1)
    ticks = [0]

    def spin() -> None:
        while True:  # pure Python, no query: only the asynchronous Cancelled can stop it
            ticks[0] += 1

    try:
        job = pool.submit(spin)
        while ticks[0] < 1000:
            time.sleep(0.01)
        assert pool.cancel(job)
        with pytest.raises(Cancelled):
            job.future.result(5)
        seen = ticks[0]
        time.sleep(0.3)
        assert ticks[0] == seen  # nothing computes for a request that has gone
        assert pool.busy() == 0 and pool.submit(lambda: 42).future.result(5) == 42  # the same worker goes on
    finally:
        pool.close()


# -- the app: saturation, cancellation ------------------------------------------------------------------------
def _slow_app(tiny: Path, **kw):
    app = create_app(tiny, warm=False, **kw)
    state = {"ticks": 0, "stop": threading.Event()}

    def sleeper(_store, seconds: float) -> str:
        state["stop"].wait(seconds)
        return "slept"

    def spinner(_store) -> None:
        while True:
            state["ticks"] += 1

    def long_query(store) -> int:
        return store.con.execute("SELECT count(*) FROM range(100000000000) a").fetchone()[0]

    @app.get("/test/sleep")
    async def sleep(request: Request, seconds: float = 3.0, key: str | None = None) -> dict:
        return {"out": await request.app.state.run(sleeper, seconds, key=key)}

    @app.get("/test/spin")
    async def spin(request: Request) -> dict:
        return {"out": await request.app.state.run(spinner)}

    @app.get("/test/query")
    async def query(request: Request) -> dict:
        return {"out": await request.app.state.run(long_query)}

    return app, state


def test_saturated_server_answers_503_with_retry_after_at_once(tiny: Path) -> None:
    app, state = _slow_app(tiny, workers=1, queue_wait=0.3, timeout=20)
    try:
        with serve(app) as base:
            httpx.get(f"{base}/api/sources")  # warm the light lane and the store
            pool = app.state.handle.compute
            pool.service = 0.1  # what the moving average says jobs take: 3 fit in the 0.3 s queue budget
            first = threading.Thread(target=httpx.get, args=(f"{base}/test/sleep?seconds=6",), kwargs={"timeout": 30})
            first.start()
            while pool.busy() == 0:
                time.sleep(0.01)
            answers = _get_many([f"{base}/test/sleep?seconds=0&key=k{i}" for i in range(12)])
            busy = [(r, dt) for r, dt in answers if r.status_code == 503]
            assert len(busy) == 12  # none could start while the one worker sleeps 6 s
            for r, dt in busy:
                assert int(r.headers["retry-after"]) >= 1 and "retry" in r.json()["error"]
                assert dt < 3.0  # answered within the queue budget, long before the worker is free
            c = pool.counts  # refused at once, or admitted and then dropped unrun at their start deadline
            assert c["rejected"] >= 9 and c["rejected"] + c["expired"] + c["cancelled"] == 12 and pool.queued() == 0
            # the light lane and cached answers do not queue behind the heavy work
            r = httpx.get(f"{base}/api/sources", timeout=5)
            assert r.status_code == 200 and pool.busy() == 1
            state["stop"].set()
            first.join(30)
    finally:
        state["stop"].set()


def test_timed_out_python_work_is_stopped_and_the_worker_freed(tiny: Path) -> None:
    app, state = _slow_app(tiny, workers=1, timeout=0.5)
    with serve(app) as base:
        r = httpx.get(f"{base}/test/spin", timeout=30)
        assert r.status_code == 503 and "took longer than 0.5 s" in r.json()["error"]
        assert r.headers["retry-after"] == "1"
        deadline = time.monotonic() + 5
        while app.state.handle.compute.busy() and time.monotonic() < deadline:
            time.sleep(0.05)
        seen = state["ticks"]
        time.sleep(0.3)
        assert state["ticks"] == seen and app.state.handle.compute.busy() == 0
        assert httpx.get(f"{base}/api/dyads/IRN/ARM/events", timeout=30).status_code == 200


def test_timed_out_query_is_interrupted_and_the_worker_freed(tiny: Path) -> None:
    app, _state = _slow_app(tiny, workers=1, timeout=0.5)
    with serve(app) as base:
        r = httpx.get(f"{base}/test/query", timeout=30)
        assert r.status_code == 503
        deadline = time.monotonic() + 5
        while app.state.handle.compute.busy() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.state.handle.compute.busy() == 0
        assert app.state.handle.compute.counts["cancelled"] == 1
        assert httpx.get(f"{base}/api/dyads/IRN/ARM/events", timeout=30).status_code == 200


def test_identical_concurrent_requests_share_one_computation(tiny: Path) -> None:
    app, state = _slow_app(tiny, workers=2, timeout=20, queue_wait=5)
    with serve(app) as base:
        answers = _get_many([f"{base}/test/sleep?seconds=0.5&key=same"] * 6)
        assert [r.status_code for r, _ in answers] == [200] * 6
        assert app.state.handle.compute.counts["submitted"] == 1
        assert app.state.handle.inflight == {}  # nothing kept once answered
    state["stop"].set()


# -- caches ---------------------------------------------------------------------------------------------------
def test_lru_counts_reads_as_use_and_is_bounded_by_bytes() -> None:
    c = ByteLRU(max_bytes=1000)
    c["keep"] = b"k" * 100
    for i in range(100):
        c[("dyad", i)] = b"x" * 100
        assert c.get("keep") is not None  # read every time: never the least recently used
    assert c.used <= 1000 and len(c) == 10 and c.evictions == 91


def _tiny_dyad_urls(base: str, n: int) -> list[str]:
    urls = []
    d0 = date(2021, 3, 1)
    for k in range(66):
        for a, b in (("IRN", "ARM"), ("ARM", "AZE"), ("AZE", "IRN")):
            for freq in ("day", "week"):
                urls.append(f"{base}/api/dyads/{a}/{b}?freq={freq}&start={d0 + timedelta(days=k)}")
    assert len(urls) >= n
    return urls[:n]


def test_claims_survive_300_dyad_queries(tiny: Path, tiny_case: str) -> None:
    app = create_app(tiny, warm=False, cache_bytes=200_000, case=tiny_case)  # a small LRU: 300 answers must evict
    with serve(app) as base:
        app.state.base_url = base
        first = httpx.get(f"{base}/api/claims", timeout=300)
        assert first.status_code == 200 and first.json()["status"] == "ok" and first.json()["total"] == 2
        c1 = httpx.get(f"{base}/api/claims/T1", timeout=60)
        assert c1.status_code == 200 and c1.json()["id"] == "T1"
        computed = app.state.handle.case.counts["submitted"]
        with httpx.Client(timeout=60) as c:
            codes = [c.get(u).status_code for u in _tiny_dyad_urls(base, 300)]
        assert codes.count(200) >= 250, codes
        stats = app.state.handle.cache.stats()
        assert stats["lru_evictions"] > 0 and stats["lru_bytes"] <= 200_000 + 100_000  # bounded (newest kept)
        again = httpx.get(f"{base}/api/claims", timeout=5)
        assert again.json() == first.json() and httpx.get(f"{base}/api/claims/T1").content == c1.content
        assert app.state.handle.case.counts["submitted"] == computed  # served from the pinned store, not recomputed


def test_unknown_actors_do_not_grow_the_job_or_cache_stores(tiny: Path) -> None:
    app = create_app(tiny, warm=False, cache_bytes=50_000)
    with serve(app) as base:
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        with httpx.Client(timeout=60) as c:
            statuses = set()
            for i in range(300):
                a = "Q" + letters[i // 26 % 26] + letters[i % 26]
                statuses.add(c.get(f"{base}/api/anomalies", params={"a": a, "b": "ZZQ"}).status_code)
                statuses.add(c.get(f"{base}/api/dyads/{a}/ZZQ").status_code)
        assert statuses <= {400, 404}  # unknown actors: a client error, each time
        h = app.state.handle
        assert h.inflight == {}  # no job kept after its answer (was: every result, failures included, forever)
        assert h.cache.lru.used <= 50_000 + 10_000 and len(h.cache.pinned) < 10
        assert all(not isinstance(v, BaseException) for v in h.cache.pinned.values())


def test_tiered_cache_pins_case_wide_results() -> None:
    t = Tiered(ByteLRU(max_bytes=1000))
    t[("api_claims", "south_caucasus")] = {"items": list(range(1000))}  # big, but pinned
    t[("api_network", "south_caucasus", "war")] = {"edges": []}
    for i in range(1000):
        t[("dyad_json", "IRN", f"A{i:02d}")] = b"x" * 50
    assert ("api_claims", "south_caucasus") in t and ("api_network", "south_caucasus", "war") in t
    assert t.lru.used <= 1000


# -- links and status codes -----------------------------------------------------------------------------------
def test_forged_host_does_not_poison_cached_next_links(tiny: Path) -> None:
    app = create_app(tiny, warm=False, base_url="https://detente.example.org/")
    with serve(app) as base:
        url = f"{base}/api/dyads/IRN/ARM?freq=day&limit=5"
        forged = httpx.get(url, headers={"Host": "evil.example"}, timeout=60).json()
        honest = httpx.get(url, timeout=60).json()
        want = "https://detente.example.org/api/dyads/IRN/ARM?freq=day&limit=5&offset=5"
        assert forged["next"] == want and honest["next"] == want
        src = httpx.get(f"{base}/api/sources?limit=1", headers={"Host": "evil.example", "X-Forwarded-Host": "x.y"})
        assert src.json()["next"].startswith("https://detente.example.org/api/sources?")
    plain = create_app(tiny, warm=False)  # no base URL configured: root-relative links, never the Host
    with serve(plain) as base:
        r = httpx.get(f"{base}/api/sources?limit=1", headers={"Host": "evil.example"}).json()
        assert r["next"] == "/api/sources?limit=1&offset=1"


def test_openapi_documents_the_codes_the_api_sends(tiny: Path) -> None:
    app = create_app(tiny, warm=False)
    with serve(app) as base:
        spec = httpx.get(f"{base}/openapi.json").json()
        for path in ("/api/dyads/{a}/{b}", "/api/sources", "/api/claims/{claim_id}"):
            codes = spec["paths"][path]["get"]["responses"]
            assert {"200", "400", "404", "422", "503"} <= set(codes)
            assert codes["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
            assert "Retry-After" in codes["503"]["headers"]
        r = httpx.get(f"{base}/api/dyads/IRN/ARM", params={"limit": 0})
        assert r.status_code == 422 and set(r.json()) == {"error"}
        r = httpx.put(f"{base}/api/claims")
        assert r.status_code == 405 and r.headers["allow"] == "GET"


# -- serve --case / --case-file / --text ------------------------------------------------------------------------
def test_served_case_is_checked_before_serving(tmp_path: Path) -> None:
    from detente.errors import UserError
    from detente.web.app import served_case

    assert served_case(None, None, None) == "south_caucasus"
    with pytest.raises(UserError, match="one of --case, --case-file and --text"):
        served_case("south_caucasus", tmp_path / "x.yaml", None)
    with pytest.raises(UserError, match="no such case file"):
        served_case(None, tmp_path / "missing.yaml", None)
    with pytest.raises(UserError):
        served_case("no_such_case", None, None)


def test_a_case_file_is_served_under_its_own_name(tiny: Path, tiny_case: str) -> None:
    from detente.web.app import served_case

    app = create_app(tiny, warm=False, case=served_case(case_file=Path(tiny_case)))
    assert app.state.case_name == "tiny_case"
    with serve(app) as base:
        r = httpx.get(f"{base}/api/claims", params={"case": "tiny_case", "limit": 1}, timeout=300)
        assert r.status_code == 200 and r.json()["total"] == 2 and [c["id"] for c in r.json()["items"]] == ["T1"]
        other = httpx.get(f"{base}/api/claims", params={"case": "south_caucasus"})
        assert other.status_code == 404 and "tiny_case" in other.json()["error"]
        bad = httpx.get(f"{base}/api/network", params={"period": "war"})  # the case's own periods, not Karabakh's
        assert bad.status_code == 400 and bad.json()["error"].endswith("send one of march, spring")


# -- one series path: relations.dyad_series, fast, with the numbers it had -------------------------------------
FROZEN = Path(__file__).resolve().parent / "fixtures" / "relations_series_frozen.json"


def test_one_series_path_keeps_the_previous_numbers(tmp_path: Path) -> None:
    """The previous relations code's outputs (frozen in the fixture, CIs included) on the small hand-made store:
    the numpy period sums and the cached-draw bootstrap give the same numbers."""
    import json

    from detente import relations
    from rel_fixtures import small_store

    s = small_store(tmp_path / "t.duckdb")
    try:
        for case in json.loads(FROZEN.read_text())["cases"]:
            got = relations.dyad_series(s, case["a"], case["b"], **case["kw"])
            want = pd.DataFrame(case["rows"], columns=case["columns"])
            assert len(got) == len(want) > 0, case["kw"]
            for col in case["columns"]:
                g, w = got[col].tolist(), want[col].tolist()
                if col in ("index", "ci_low", "ci_high"):
                    gn, wn = (np.array([np.nan if x is None or x is pd.NA else x for x in v], float) for v in (g, w))
                    assert np.allclose(gn, wn, rtol=1e-9, atol=1e-12, equal_nan=True), (case["kw"], col)
                else:
                    assert [str(x) for x in g] == [str(x) for x in w], (case["kw"], col)
    finally:
        s.close()


def test_series_on_a_read_only_store_equals_a_fresh_read(bundled_store, bundled_store_path: Path) -> None:
    """The read-only memo (catalogue, world totals, draw denominators shared by every cursor) changes no number:
    a series through two request cursors equals the same series on a writable open, which reads everything anew."""
    from detente import relations
    from detente.store import Store
    from detente.views import cursor_store

    kw = {"freq": "week", "start": "2021-03-01", "end": "2021-09-30"}
    first = cursor_store(bundled_store)
    warm = relations.dyad_series(first, "USA", "RUS", **kw)
    first.con.close()
    again = cursor_store(bundled_store)
    try:
        assert relations._memo(again) is relations._memo(bundled_store) is not None  # one memo per file state
        assert relations.dyad_series(again, "USA", "RUS", **kw).equals(warm)
    finally:
        again.con.close()
    copy = tmp = bundled_store_path.parent / "series_copy.duckdb"
    import shutil

    shutil.copy(bundled_store_path, tmp)
    w = Store(copy)  # writable: no memo
    try:
        assert relations._memo(w) is None
        cold = relations.dyad_series(w, "USA", "RUS", **kw)
    finally:
        w.close()
        tmp.unlink()
    pd.testing.assert_frame_equal(cold, warm, rtol=1e-12)


def test_server_series_is_relations_dyad_series(tiny: Path) -> None:
    """The API answers with relations.dyad_series' numbers (there is no second path), each point carrying the
    days it rests on and its low-evidence mark, and a per-dataset evidence summary."""
    from detente import relations
    from detente.store import Store

    s = Store(tiny, read_only=True)
    try:
        want = relations.dyad_series(s, "IRN", "ARM", freq="month")
    finally:
        s.close()
    app = create_app(tiny, warm=False)
    with serve(app) as base:
        r = httpx.get(f"{base}/api/dyads/IRN/ARM", params={"freq": "month"}, timeout=60)
        assert r.status_code == 200
        body = r.json()
    pts = body["points"]
    assert [p["index"] for p in pts] == pytest.approx(want["index"].tolist(), rel=1e-12)
    assert [p["ci_low"] for p in pts] == pytest.approx(want["ci_low"].tolist(), rel=1e-12)
    # tiny: IRN-ARM events on Mar 1, 2, 3, Apr 10, May 5, 6 (3 + 1 + 2 days); the dataset covers the days with
    # any event: Mar 1-3, Apr 9-10, May 5-6
    assert [(p["period"], p["covered_days"], p["active_days"], p["low_evidence"]) for p in pts] == [
        ("2021-03-01", 3, 3, True), ("2021-04-01", 2, 1, True), ("2021-05-01", 2, 2, True)]
    assert body["evidence"] == [{"dataset": "tiny", "covered_days": 7, "active_days": 6, "low_evidence": True,
                                 "evidence_floor_days": 30, "covered_from": "2021-03-01",
                                 "covered_to": "2021-05-06"}]  # periods end at the coverage


def test_series_errors(bundled_store) -> None:
    from detente import relations
    from detente.errors import UserError

    for args, kw, msg in (((("IRN", "XQZ")), {}, "unknown actor 'XQZ'"),
                          (("IRN", "ARM"), {"dataset": "nope"}, "no dyad data for dataset 'nope'"),
                          (("IRN", "ARM"), {"start": "2030-01-01"}, "no data in 2030-01-01"),
                          (("IRN", "ARM"), {"dataset": "gdelt_network", "directed": True},
                           "gdelt_network holds undirected scores only")):
        with pytest.raises(UserError, match=msg):
            relations.dyad_series(bundled_store, *args, **kw)
