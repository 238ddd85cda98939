"""The FastAPI app: a read-only JSON API plus dashboard pages, each page with a JSON twin.

How a request is served (see docs/architecture.md, "Serving"):

* **Cached answers first.** Answers are kept as bytes: case-wide ones (claims, networks, sources) pinned for the
  server's life, per-request ones (dyad series, per-dyad anomalies) in an LRU bounded by bytes
  (:mod:`detente.web.cache`). A cached answer is sent from the event loop: no thread, no query, no queue.
* **Three bounded lanes** (:mod:`detente.web.pool`): ``compute`` (dyad series, events, dyad pages; N workers),
  ``light`` (sources, one claim's page; never behind heavy work) and ``case`` (the case's claims, networks and
  anomalies: computed once, then pinned). A request that could not start within ``queue_wait`` seconds is
  answered 503 at once with ``Retry-After``; one still running after ``timeout`` seconds is cancelled (its DuckDB
  query interrupted and its Python work stopped) and answered 503.
* **Links** (``next``) are built from the configured ``base_url`` (``serve --base-url``), never from the
  request's ``Host`` header; without one they are root-relative.

Errors are ``{"error": message}``: 422 for parameters the schema rejects, 400 for values that are valid but
unusable (e.g. start after end), 404 for unknown things, 405 with ``Allow``, 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import UserError
from detente.web.cache import ByteLRU, Tiered
from detente.web.pool import Cancelled, ComputePool, Job, Overloaded, current_job

log = logging.getLogger("detente.web")
HERE = Path(__file__).resolve().parent
DEFAULT_TIMEOUT = 10.0
DEFAULT_QUEUE_WAIT = 1.0
DEFAULT_CACHE_BYTES = 64 << 20
DEFAULT_CASE = "south_caucasus"


class ApiError(Exception):
    """An error the client can fix (4xx) or wait out (503, with ``retry_after`` seconds)."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class Failure:
    """A remembered client error (a small message, never the exception with its frames)."""

    __slots__ = ("kind", "message")

    def __init__(self, e: BaseException):
        self.kind = "lookup" if isinstance(e, LookupError) else "user"
        self.message = str(e)

    def raise_(self) -> None:
        if self.kind == "lookup":
            raise LookupError(self.message)
        raise UserError(self.message)


class StoreHandle:
    """One read-only DuckDB connection shared by all requests (each job gets a cursor), the caches and lanes."""

    def __init__(self, path: Path | None, workers: int = 2, cache_bytes: int = DEFAULT_CACHE_BYTES,
                 max_queue: int = 256):
        from detente.store import default_path

        self.path = Path(path) if path else default_path()
        self._store: Any = None
        self._lock = threading.Lock()
        self.cache = Tiered(ByteLRU(cache_bytes))
        self.compute = ComputePool(workers, max_queue, "compute", initial_estimate=0.05, on_idle=trim_memory)
        self.light = ComputePool(1, max_queue, "light", initial_estimate=0.02)
        self.case = ComputePool(1, 64, "case", initial_estimate=5.0)
        self.inflight: dict[Any, tuple[ComputePool, Job]] = {}

    def base(self) -> Any:
        from detente.store import Store, StoreError

        with self._lock:
            if self._store is None:
                if not self.path.exists():
                    raise ApiError(
                        503,
                        f"no store at {self.path}; run `detente init` (or start `detente serve --store FILE` "
                        "with an existing store)",
                    )
                try:
                    self._store = Store(self.path, read_only=True)
                except StoreError as e:
                    raise ApiError(503, str(e)) from None
            return self._store

    def request_store(self) -> Any:
        """A Store-like object whose ``con`` is a fresh cursor (safe to use from one thread)."""
        from detente.views import cursor_store

        return cursor_store(self.base())

    def job(self, fn: Callable[..., Any], args: tuple, kw: dict) -> Any:
        """Run ``fn(store, ...)`` on a fresh cursor; a cancel of the current job interrupts that cursor."""
        store = self.request_store()
        job = current_job()
        if job is not None:
            job.on_cancel(store.con.interrupt)
        try:
            return fn(store, *args, **kw)
        finally:
            store.con.close()

    def stats(self) -> dict:
        return {"cache": self.cache.stats(), "lanes": {"compute": self.compute.stats(), "light": self.light.stats(),
                "case": self.case.stats()}, "inflight": len(self.inflight)}

    def close(self) -> None:
        for p in (self.compute, self.light, self.case):
            p.close()
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def error(status: int, message: str, retry_after: int | None = None, headers: dict | None = None) -> JSONResponse:
    h = dict(headers or {})
    if retry_after is not None:
        h["Retry-After"] = str(int(retry_after))
    return JSONResponse({"error": message}, status_code=status, headers=h or None)


def case_name(case: Any) -> str:
    """The display/API name of a served case: a built-in name, a case file's ``name``, or a Case's ``name``."""
    if isinstance(case, str) and not case.endswith((".yaml", ".yml")) and "/" not in case:
        return case
    from detente import views

    obj = views.load_case(case)
    name = getattr(obj, "name", None) or (obj.get("name") if isinstance(obj, dict) else None)
    return str(name or Path(str(case)).stem)


def served_case(case: str | None = None, case_file: Path | None = None, text: Path | None = None) -> Any:
    """What the server serves: a built-in case name, a case file's path, or the Case made from a text's claims.
    Checked now, so that a bad name, file or text is one line before the server starts."""
    from detente.errors import UserError

    given = [x for x in (case, case_file, text) if x is not None]
    if len(given) > 1:
        raise UserError("give one of --case, --case-file and --text")
    if text is not None:
        import re

        from detente.extract import case_from_text, read_text

        name = re.sub(r"[^A-Za-z0-9_\-.]", "-", f"text-{text.stem}")[:80]
        return case_from_text(read_text(text), name=name)
    if case_file is not None:
        if not case_file.is_file():
            raise UserError(f"{case_file}: no such case file; check the path")
        from detente.claims.casefile import load_case

        load_case(case_file)  # a bad case file fails here, with its file:line
        return str(case_file)
    name = case or "south_caucasus"
    from detente.claims.casefile import load_case

    load_case(name)  # an unknown name fails here, listing the built-in ones
    return name


def create_app(store_path: Path | str | None = None, timeout: float = DEFAULT_TIMEOUT,
               slow_timeout: float = 120.0, warm: bool = True, *, case: Any = DEFAULT_CASE,
               base_url: str | None = None, workers: int = 2, queue_wait: float = DEFAULT_QUEUE_WAIT,
               cache_bytes: int = DEFAULT_CACHE_BYTES) -> FastAPI:
    """The app serving the store at ``store_path`` (default: ``detente.store.default_path()``).

    ``case``: a built-in case name, a case-file path or a Case object (``serve --case/--case-file/--text``).
    ``timeout``: seconds a computation may run; ``queue_wait``: seconds it may wait for a worker before the
    request is answered 503 + Retry-After; ``base_url``: the server's public URL, for ``next`` links.
    """
    limit_arenas()
    handle = StoreHandle(Path(store_path) if store_path else None, workers=workers, cache_bytes=cache_bytes)
    name = case_name(case)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm and handle.path.exists():  # the catalogue and every case-wide answer before the first visitor
            try:
                handle.compute.submit(handle.job, warm_catalogue, (), {})  # light lane stays free
                handle.case.submit(handle.job, warm_case, (case, name, handle.cache), {})
            except Overloaded:
                pass
        yield
        handle.close()

    app = FastAPI(
        lifespan=lifespan,
        title="detente",
        version=_version(),
        description="Read-only API over a detente store: dyad series, anomalies, networks, claims and sources. "
        "Every dashboard page has a JSON twin at the same path plus `.json`. Under load a request that cannot "
        "start within the server's queue budget is answered 503 at once with `Retry-After` (seconds).",
    )
    st = app.state
    st.handle, st.timeout, st.slow_timeout, st.queue_wait = handle, timeout, slow_timeout, queue_wait
    st.case, st.case_name = case, name
    st.base_url = base_url.rstrip("/") if base_url else ""

    def outcome(fut: asyncio.Future) -> Any:
        try:
            return fut.result()
        except Cancelled:
            raise ApiError(503, "the computation was stopped (time limit or shutdown); retry", 1) from None
        except Overloaded as e:
            raise ApiError(503, str(e), e.retry_after) from None
        except Exception as e:
            if type(e).__name__ == "InterruptException":
                raise ApiError(503, "the query was stopped; retry or ask for less", 1) from None
            raise

    async def wait_job(pool: ComputePool, job: Job, limit: float, cancel_on_timeout: bool = True) -> Any:
        """The job's result. This waiter gives up (releasing the job: the last waiter's release cancels it) when
        the job has not started by its start deadline (503 busy), has run ``limit`` s (``_TIMED_OUT``), or
        when this request is cancelled (client gone, server stopping)."""
        fut = asyncio.wrap_future(job.future)
        fut.add_done_callback(lambda f: f.cancelled() or f.exception())  # never "exception not retrieved"
        try:
            if math.isfinite(job.start_by) and job.state == "queued":  # phase 1: waiting for a worker
                loop = asyncio.get_running_loop()
                began: asyncio.Future = loop.create_future()

                def _began() -> None:
                    loop.call_soon_threadsafe(lambda: began.done() or began.set_result(True))

                job.on_start(_began)
                if job.state != "queued":
                    began.set_result(True)
                await asyncio.wait({fut, began}, timeout=max(0.0, job.start_by - time.monotonic()) + 0.05,
                                   return_when=asyncio.FIRST_COMPLETED)
                began.cancel()
                if fut.done():
                    return outcome(fut)
                if job.state == "queued":
                    pool.release(job)
                    raise ApiError(503, "the server was too busy to start this in time; retry",
                                   max(1, math.ceil(pool.estimate_wait())))
            started = job.started or time.monotonic()
            done, _ = await asyncio.wait({fut}, timeout=max(0.0, started + limit - time.monotonic()))
        except asyncio.CancelledError:  # the client went away or the server stops
            if cancel_on_timeout:
                pool.release(job)
            raise
        if not done:
            if cancel_on_timeout:
                pool.release(job)
            return _TIMED_OUT
        return outcome(fut)

    def submit(pool: ComputePool, key: Any, fn: Callable[..., Any], args: tuple, kw: dict,
               start_within: float) -> tuple[Job, bool]:
        """A job for ``key`` (shared with identical in-flight requests) or a new one; raises ApiError 503."""
        if key is not None:
            hit = handle.inflight.get(key)
            if hit is not None and hit[1].state in ("queued", "running"):
                hit[1].waiters += 1
                return hit[1], True
        try:
            job = pool.submit(handle.job, fn, args, kw, start_within=start_within, key=key)
        except Overloaded as e:
            raise ApiError(503, str(e), e.retry_after) from None
        if key is not None:
            handle.inflight[key] = (pool, job)
            job.future.add_done_callback(lambda _f: handle.inflight.pop(key, None)
                                         if handle.inflight.get(key, (None, None))[1] is job else None)
        return job, False

    async def lane(pool: ComputePool, fn: Callable[..., Any], *args: Any, key: Any = None,
                   start_within: float | None = None, **kw: Any) -> Any:
        job, _shared = submit(pool, key, fn, args, kw, st.queue_wait if start_within is None else start_within)
        out = await wait_job(pool, job, st.timeout)
        if out is _TIMED_OUT:
            raise ApiError(503, f"the query took longer than {st.timeout:g} s and was stopped; ask for less "
                           "(a shorter start..end range, a coarser freq, or a smaller limit)", 1)
        return out

    async def run(fn: Callable[..., Any], *args: Any, key: Any = None, **kw: Any) -> Any:
        """``fn(store, ...)`` in the compute lane: deadline admission, time limit, cancellation."""
        return await lane(handle.compute, fn, *args, key=key, **kw)

    async def light(fn: Callable[..., Any], *args: Any, key: Any = None, **kw: Any) -> Any:
        """``fn(store, ...)`` in the light lane (cheap queries that must not wait behind heavy work)."""
        return await lane(handle.light, fn, *args, key=key, **kw)

    async def memo(key: Any, fn: Callable[..., Any], *args: Any, lane_: str = "compute", **kw: Any) -> Any:
        """``fn``'s result cached under ``key`` (pinned or LRU by its kind); client errors remembered small."""
        got = handle.cache.get(key)
        if got is None:
            pool = {"compute": handle.compute, "light": handle.light}[lane_]
            try:
                got = await lane(pool, fn, *args, key=key, **kw)
            except (UserError, LookupError) as e:
                handle.cache[key] = Failure(e)
                raise
            handle.cache[key] = got
        if isinstance(got, Failure):
            got.raise_()
        return got

    async def slow(key: Any, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """A whole-case computation (claims, networks, the case's anomalies): computed once in the case lane,
        then pinned. A client that waits past ``slow_timeout`` gets 503 + Retry-After; the work goes on."""
        key = ("api_" + str(key[0]), *key[1:])  # pinned (cache.PINNED_KINDS); distinct from views' own keys
        got = handle.cache.get(key)
        if got is None:
            job, _ = submit(handle.case, key, fn, args, kw, math.inf)
            try:
                got = await wait_job(handle.case, job, st.slow_timeout, cancel_on_timeout=False)
            except (UserError, LookupError) as e:
                handle.cache[key] = Failure(e)
                raise
            if got is _TIMED_OUT:
                raise ApiError(503, f"{key[0]} of case {key[1]} are still being computed (done once per server "
                               "start); retry in a few seconds", 5)
            handle.cache[key] = got
        if isinstance(got, Failure):
            got.raise_()
        return got

    st.run, st.light, st.memo, st.slow = run, light, memo, slow

    @app.exception_handler(ApiError)
    async def _api_error(_r: Request, e: ApiError) -> JSONResponse:
        return error(e.status, e.message, e.retry_after)

    @app.exception_handler(UserError)
    async def _user_error(_r: Request, e: UserError) -> JSONResponse:
        return error(400, str(e).splitlines()[0] if str(e) else "bad request")

    @app.exception_handler(LookupError)
    async def _not_found(_r: Request, e: LookupError) -> JSONResponse:
        return error(404, str(e).strip("'\"").splitlines()[0] if str(e) else "not found")

    @app.exception_handler(RequestValidationError)
    async def _validation(_r: Request, e: RequestValidationError) -> JSONResponse:
        parts = []
        for err in e.errors()[:5]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
        return error(422, "bad parameter: " + "; ".join(parts) + "; see /docs for what each parameter accepts")

    @app.exception_handler(StarletteHTTPException)
    async def _http(r: Request, e: StarletteHTTPException) -> JSONResponse:
        if e.status_code == 404:
            return error(404, f"no such page {r.url.path!r}; try / (dashboard), /api/sources or /docs (API reference)")
        if e.status_code == 405:
            allow = (getattr(e, "headers", None) or {}).get("Allow") or "GET"
            return error(405, f"{r.method} is not allowed on {r.url.path}; this API is read-only, use {allow}",
                         headers={"Allow": allow})
        return error(e.status_code, str(e.detail), headers=getattr(e, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(r: Request, e: Exception) -> JSONResponse:
        if type(e).__name__ == "InterruptException":
            return error(503, "the query was stopped; retry or ask for less", 1)
        log.exception("internal error on %s", r.url.path)
        return error(500, "internal error; the server log has the details. Try other parameters or report it")

    from detente.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router, responses=api.ERRORS)  # the pages' JSON twins send the same error codes
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


_TIMED_OUT = object()


def trim_memory() -> None:
    """Give freed heap back to the OS (glibc ``malloc_trim``), so that RSS follows what is really held."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def limit_arenas(n: int = 2) -> None:
    """At most ``n`` glibc malloc arenas (``mallopt(M_ARENA_MAX)``): worker threads otherwise each grow their own
    heap, and RSS with them, for memory that is free but never returned."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt(-8, n)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def warm_catalogue(store: Any) -> None:
    """What ``relations`` reads once per read-only store (shared by every request's cursor): the catalogue, the
    known actors and the world's daily totals of every dataset."""
    from detente import relations

    relations.warm(store)


def case_answers(store: Any, case: Any, cache: Any) -> dict:
    """Every case-wide answer: the claim rows and verdicts, one network per period (and the whole span), the
    case's anomalies (or the client error they give)."""
    from detente import views

    obj = views.load_case(case, cache) if isinstance(case, str) else case
    rows = views._evaluate(store, case, cache)
    out: dict[str, Any] = {"rows": rows, "claims": views.claims(store, case, cache=cache), "networks": []}
    try:
        periods = [p["name"] for p in views.load_case_or_setup(obj, cache)["periods"]]
    except (UserError, views.Unavailable, LookupError):
        periods = []
    for period in [None, *periods]:
        out["networks"].append([period, views.network(store, case, period, cache=cache)])
    try:
        out["anomalies"] = views.anomalies(store, case, cache=cache)
    except (UserError, LookupError, views.Unavailable) as e:
        out["anomalies_failure"] = str(e)
    return out


def warm_main(argv: list[str] | None = None) -> None:
    """Child-process entry: ``STORE CASE OUT`` -> :func:`case_answers` as JSON in the file OUT (not stdout: a
    solver may print its banner there)."""
    import json
    import sys

    from detente import views
    from detente.store import Store

    store_path, case, out = (argv or sys.argv[1:])[:3]
    s = Store(store_path, read_only=True)
    try:
        Path(out).write_text(json.dumps(case_answers(s, case, {}), default=views.jsonable))
    finally:
        s.close()


def answers_in_child(store_path: Path, case: str, timeout: float = 900) -> dict:
    """:func:`case_answers` of a named (or file) case in a child process, so that its peak memory (~300 MB for
    the built-in case: claims, networks, anomalies) is the child's, not the server's."""
    import json
    import subprocess
    import sys
    import tempfile

    code = "from detente.web.app import warm_main; warm_main()"
    with tempfile.TemporaryDirectory(prefix="detente-warm-") as d:
        out = Path(d) / "answers.json"
        run = subprocess.run([sys.executable, "-c", code, str(store_path), case, str(out)], capture_output=True,
                             text=True, timeout=timeout, check=False)
        if run.returncode != 0 or not out.exists():
            err = run.stderr.strip().splitlines()
            raise RuntimeError(err[-1] if err else "warm-up child failed")
        return json.loads(out.read_text())


def warm_case(store: Any, case: Any, name: str, cache: Tiered) -> None:
    """Every case-wide answer pinned under the keys the API reads, computed in a child process when the case
    has a name or a file (else here)."""
    from detente import views

    got = None
    if isinstance(case, str):
        try:
            got = answers_in_child(store.path, case)
        except (RuntimeError, OSError, ValueError) as e:  # computed in-process below instead
            log.warning("case answers not computed in a child process (%s); computing them here", e)
    if got is None:
        got = case_answers(store, case, cache)
    obj = views.load_case(case, cache)
    cache[views._claims_key(case, obj)] = got["rows"]  # where views._evaluate looks (claim pages read them)
    cache[("api_claims", name)] = got["claims"]
    for period, net in got["networks"]:
        cache[("api_network", name, period)] = net
    if "anomalies_failure" in got:
        cache[("api_anomalies", name)] = Failure(UserError(got["anomalies_failure"]))
    else:
        cache[("api_anomalies", name)] = got["anomalies"]
    from detente.web.api import dumps

    for item in got["claims"].get("items", []):  # each claim's page, as the bytes /api/claims/{id} sends
        cid = str(item.get("id"))
        try:
            cache[("claim_bytes", name, cid.upper())] = dumps(views.jsonable(views.claim(store, case, cid,
                                                                                         cache=cache)))
        except (UserError, LookupError, views.Unavailable, ValueError, TypeError) as e:
            log.warning("claim %s not prepared (%s)", cid, e)
    trim_memory()


def _version() -> str:
    from detente.views import version

    return version()
