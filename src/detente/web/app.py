"""The FastAPI app: a read-only JSON API plus dashboard pages, each page with a JSON twin.

Every request runs on its own DuckDB cursor of one read-only connection, in a worker thread with a
time limit (the query is interrupted past it). Errors are ``{"error": message}`` with a 4xx code
(503 for a missing store or a query over its time limit); internals never reach the client.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from detente.errors import UserError

log = logging.getLogger("detente.web")
HERE = Path(__file__).resolve().parent
DEFAULT_TIMEOUT = 10.0


class ApiError(Exception):
    """An error the client can fix (4xx) or wait out (503), with what to send instead."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class BoundedCache(OrderedDict):
    """A dict that forgets its least recently set entries past ``size`` (results of read-only queries)."""

    def __init__(self, size: int = 256):
        super().__init__()
        self.size = size
        self.lock = threading.Lock()

    def __setitem__(self, key: Any, value: Any) -> None:
        with self.lock:
            super().__setitem__(key, value)
            self.move_to_end(key)
            while len(self) > self.size:
                self.popitem(last=False)


class StoreHandle:
    """One read-only DuckDB connection shared by all requests; each request gets a cursor."""

    def __init__(self, path: Path | None):
        from detente.store import default_path

        self.path = Path(path) if path else default_path()
        self._store: Any = None
        self._lock = threading.Lock()
        self.cache = BoundedCache()
        self.jobs: dict[Any, Future] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detente-compute")

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

    def compute(self, key: Any, fn: Callable[..., Any], *args: Any, **kw: Any) -> Future:
        """Run ``fn(store, ...)`` once per ``key`` in the background (single flight); later calls share it."""
        with self._lock:
            fut = self.jobs.get(key)
            if fut is None or (fut.done() and fut.exception() is not None and not isinstance(
                    fut.exception(), UserError)):
                fut = self.pool.submit(self._job, fn, args, kw)
                self.jobs[key] = fut
            return fut

    def _job(self, fn: Callable[..., Any], args: tuple, kw: dict) -> Any:
        store = self.request_store()
        try:
            return fn(store, *args, **kw)
        finally:
            store.con.close()

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(store_path: Path | str | None = None, timeout: float = DEFAULT_TIMEOUT,
               slow_timeout: float = 120.0, warm: bool = True) -> FastAPI:
    """The app serving the store at ``store_path`` (default: ``detente.store.default_path()``)."""
    handle = StoreHandle(Path(store_path) if store_path else None)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm and handle.path.exists():  # evaluate the built-in case's claims before the first visitor asks
            from detente import views

            handle.compute(("claims", "south_caucasus"), views.claims, "south_caucasus", cache=handle.cache)
        yield
        handle.close()

    app = FastAPI(
        lifespan=lifespan,
        title="detente",
        version=_version(),
        description="Read-only API over a detente store: dyad series, anomalies, networks, claims and sources. "
        "Every dashboard page has a JSON twin at the same path plus `.json`.",
    )
    app.state.handle = handle
    app.state.timeout = timeout

    async def run(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Run ``fn(store, ...)`` in a thread with the time limit; interrupt the query past it."""
        store = handle.request_store()
        task = asyncio.ensure_future(run_in_threadpool(fn, store, *args, **kw))
        try:
            return await asyncio.wait_for(asyncio.shield(task), timeout=app.state.timeout)
        except TimeoutError:
            store.con.interrupt()
            raise ApiError(
                503,
                f"the query took longer than {app.state.timeout:g} s and was stopped; ask for less "
                "(a shorter start..end range, a coarser freq, or a smaller limit)",
            ) from None
        finally:
            task.add_done_callback(lambda t: (t.cancelled() or t.exception(), store.con.close()))

    inflight: dict[Any, asyncio.Future] = {}

    async def once(key: Any, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """``run``, but concurrent requests for the same ``key`` share one computation (single flight)."""
        cached = handle.cache.get(key)
        if cached is not None:
            return cached
        task = inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(run(fn, *args, **kw))
            inflight[key] = task
            task.add_done_callback(lambda _t: inflight.pop(key, None))
        return await asyncio.shield(task)

    app.state.once = once

    async def slow(key: Any, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """A whole-case computation (claims, networks): computed once in the background, then cached."""
        fut = handle.compute(key, fn, *args, **kw)
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), timeout=app.state.slow_timeout)
        except TimeoutError:
            raise ApiError(
                503, f"{key[0]} of case {key[1]} are still being computed (done once per server start); "
                "retry in a few seconds",
            ) from None

    app.state.slow = slow
    app.state.slow_timeout = slow_timeout
    app.state.run = run

    @app.exception_handler(ApiError)
    async def _api_error(_r: Request, e: ApiError) -> JSONResponse:
        return error(e.status, e.message)

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
        return error(400, "bad parameter: " + "; ".join(parts) + "; see /docs for what each parameter accepts")

    @app.exception_handler(StarletteHTTPException)
    async def _http(r: Request, e: StarletteHTTPException) -> JSONResponse:
        if e.status_code == 404:
            return error(404, f"no such page {r.url.path!r}; try / (dashboard), /api/sources or /docs (API reference)")
        if e.status_code == 405:
            return error(405, f"{r.method} is not allowed on {r.url.path}; this API is read-only, use GET")
        return error(e.status_code, str(e.detail))

    @app.exception_handler(Exception)
    async def _internal(r: Request, e: Exception) -> JSONResponse:
        log.exception("internal error on %s", r.url.path)
        return error(500, "internal error; the server log has the details. Try other parameters or report it")

    from detente.web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app


def _version() -> str:
    from detente.views import version

    return version()
