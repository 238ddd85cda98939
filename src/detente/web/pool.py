"""A bounded compute pool: a fixed number of worker threads, a bounded queue, admission by deadline, and
cancellation that really stops the work.

* **Admission.** ``submit`` estimates when the job could start (jobs ahead of it x the pool's moving average of
  service time / workers). If that is later than the job's ``start_within`` budget, or the queue is full, it
  raises :class:`Overloaded` at once (the API answers 503 with ``Retry-After``) instead of queueing work whose
  client will have given up. A queued job whose start deadline passes anyway is dropped unrun.
* **Cancellation.** :meth:`ComputePool.cancel` removes a queued job, or stops a running one twice over: it calls
  the job's interrupt hooks (``duckdb`` ``Connection.interrupt()`` of the job's cursor, which stops a query
  inside C) and raises :class:`Cancelled` inside the worker thread (``PyThreadState_SetAsyncExc``), which stops
  the Python work between bytecodes. The worker then takes the next job: no thread keeps computing for a request
  that has gone.
* **Sharing.** A job may have several waiters (identical concurrent requests); it is cancelled only when the last
  waiter gives up.
"""

from __future__ import annotations

import ctypes
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class Cancelled(BaseException):  # noqa: N818 - BaseException: library code's ``except Exception`` must not eat it
    """Raised inside a worker thread whose job was cancelled."""


class Overloaded(Exception):  # noqa: N818
    """The job cannot start within its budget: retry after ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Job:
    __slots__ = ("fn", "args", "kw", "future", "start_by", "hooks", "thread", "state", "waiters", "fired",
                 "submitted", "key", "started", "start_hooks")

    def __init__(self, fn: Callable[..., Any], args: tuple, kw: dict, start_by: float, key: Any = None):
        self.fn, self.args, self.kw = fn, args, kw
        self.future: Future = Future()
        self.start_by = start_by
        self.hooks: list[Callable[[], Any]] = []
        self.thread: int | None = None
        self.state = "queued"  # queued | running | done | cancelled
        self.waiters = 1
        self.fired = False
        self.submitted = time.monotonic()
        self.started: float | None = None  # monotonic time a worker took it
        self.start_hooks: list[Callable[[], Any]] = []
        self.key = key

    def on_start(self, hook: Callable[[], Any]) -> None:
        """Call ``hook`` (from the worker thread) when a worker takes this job."""
        self.start_hooks.append(hook)

    def on_cancel(self, hook: Callable[[], Any]) -> None:
        """Call ``hook`` (e.g. a DuckDB connection's ``interrupt``) if this job is cancelled while running."""
        self.hooks.append(hook)


_local = threading.local()


def current_job() -> Job | None:
    """The job the calling worker thread runs (None outside a pool)."""
    return getattr(_local, "job", None)


def _async_raise(thread_id: int, exc: type[BaseException] | None) -> int:
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                      ctypes.py_object(exc) if exc else None)


class ComputePool:
    """``workers`` threads and a queue of at most ``max_queue`` jobs; see the module doc."""

    def __init__(self, workers: int = 2, max_queue: int = 256, name: str = "compute", initial_estimate: float = 0.1,
                 on_idle: Callable[[], Any] | None = None):
        self.workers = max(1, int(workers))
        self.max_queue = max(1, int(max_queue))
        self.name = name
        self._q: deque[Job] = deque()
        self._cv = threading.Condition()
        self._threads: list[threading.Thread] = []
        self.running: set[Job] = set()
        self.service = initial_estimate  # moving average of seconds per job
        self.closed = False
        self.on_idle = on_idle  # called (at most once a second) when a worker finds the queue empty
        self._idle_at = 0.0
        self.counts = {"submitted": 0, "rejected": 0, "expired": 0, "cancelled": 0, "done": 0, "failed": 0}

    # -- admission --------------------------------------------------------------------------------
    def estimate_wait(self) -> float:
        """Seconds until a job submitted now would start (0 when a worker is free)."""
        busy = len(self.running)
        ahead = len(self._q)
        if busy < self.workers and ahead == 0:
            return 0.0
        return (ahead + 1) / self.workers * self.service

    def submit(self, fn: Callable[..., Any], *args: Any, start_within: float = math.inf, key: Any = None,
               **kw: Any) -> Job:
        """Queue ``fn(*args, **kw)``; raise :class:`Overloaded` when it could not start within ``start_within`` s."""
        with self._cv:
            if self.closed:
                raise Overloaded("the server is shutting down; retry in a few seconds", 5)
            wait = self.estimate_wait()
            if len(self._q) >= self.max_queue or wait > start_within:
                self.counts["rejected"] += 1
                retry = max(1, math.ceil(wait))
                raise Overloaded(f"the server is busy ({len(self.running)} computing, {len(self._q)} waiting, about "
                                 f"{wait:.1f} s before this could start); retry in {retry} s", retry)
            job = Job(fn, args, kw, time.monotonic() + start_within, key)
            self._q.append(job)
            self.counts["submitted"] += 1
            if len(self._threads) < self.workers:
                t = threading.Thread(target=self._worker, name=f"detente-{self.name}-{len(self._threads)}",
                                     daemon=True)
                self._threads.append(t)
                t.start()
            self._cv.notify()
            return job

    # -- cancellation -----------------------------------------------------------------------------
    def release(self, job: Job) -> None:
        """One waiter of ``job`` gave up; cancel the job when it was the last."""
        with self._cv:
            job.waiters -= 1
            if job.waiters > 0:
                return
        self.cancel(job)

    def cancel(self, job: Job) -> bool:
        """Stop ``job``: drop it if queued; interrupt its queries and raise Cancelled in its thread if running."""
        with self._cv:
            if job.state == "queued":
                try:
                    self._q.remove(job)
                except ValueError:
                    pass
                job.state = "cancelled"
                self.counts["cancelled"] += 1
                if not job.future.done():
                    job.future.set_exception(Cancelled())
                return True
            if job.state != "running" or job.fired:
                return False
            job.fired = True
            self.counts["cancelled"] += 1
            hooks = list(job.hooks)
            if job.thread is not None:
                _async_raise(job.thread, Cancelled)
        for h in hooks:  # outside the lock: interrupt() may take a moment
            try:
                h()
            except Exception:  # noqa: BLE001 - a closed cursor cannot be interrupted; nothing left to stop
                pass
        return True

    # -- workers ----------------------------------------------------------------------------------
    def _worker(self) -> None:
        me = threading.get_ident()
        while True:
            job = None
            try:
                job = self._next()
                if job is None:
                    return
                self._run(job, me)
            except Cancelled:  # arrived outside the job's own try (just before or after it): finish it here
                if job is not None and job.state == "running":
                    self._finish(job, me, None, Cancelled(), 0.0)

    def _next(self) -> Job | None:
        if self.on_idle is not None and not self._q and time.monotonic() - self._idle_at > 1.0:
            self._idle_at = time.monotonic()
            try:
                self.on_idle()
            except Exception:  # noqa: BLE001 - housekeeping must never stop a worker
                pass
        with self._cv:
            while True:
                while not self._q and not self.closed:
                    self._cv.wait()
                if self.closed and not self._q:
                    return None
                job = self._q.popleft()
                if time.monotonic() > job.start_by:  # its client has been told to retry, or has given up
                    job.state = "cancelled"
                    self.counts["expired"] += 1
                    if not job.future.done():
                        job.future.set_exception(Overloaded("the server was too busy to start this in time; retry",
                                                            max(1, math.ceil(self.estimate_wait()))))
                    continue
                job.state, job.thread, job.started = "running", threading.get_ident(), time.monotonic()
                self.running.add(job)
                for h in job.start_hooks:
                    try:
                        h()
                    except Exception:  # noqa: BLE001 - a waiter's event loop may be closed; the job still runs
                        pass
                return job

    def _run(self, job: Job, me: int) -> None:
        t0 = time.perf_counter()
        result: Any = None
        exc: BaseException | None = None
        _local.job = job
        try:
            result = job.fn(*job.args, **job.kw)
        except BaseException as e:  # noqa: BLE001 - Cancelled included; handed to the waiter
            exc = e
        self._finish(job, me, result, exc, time.perf_counter() - t0)

    def _finish(self, job: Job, me: int, result: Any, exc: BaseException | None, elapsed: float) -> None:
        while True:  # under the lock; a Cancelled arriving meanwhile is absorbed and the step retried
            try:
                with self._cv:
                    if job.state != "running":
                        return
                    self.running.discard(job)
                    if job.fired:
                        _async_raise(me, None)  # clear a pending, undelivered Cancelled
                    job.state = "cancelled" if job.fired else "done"
                    _local.job = None
                break
            except Cancelled:
                continue
        # from here on no Cancelled can arrive for this job (it is no longer running)
        if not job.fired and elapsed > 0:
            self.service = 0.8 * self.service + 0.2 * elapsed
        if exc is None and not job.fired:
            self.counts["done"] += 1
            if not job.future.done():
                job.future.set_result(result)
        else:
            self.counts["failed"] += 1
            if not job.future.done():
                job.future.set_exception(Cancelled() if job.fired else exc)

    def busy(self) -> int:
        return len(self.running)

    def queued(self) -> int:
        return len(self._q)

    def stats(self) -> dict:
        return {"workers": self.workers, "running": len(self.running), "queued": len(self._q),
                "service_s": round(self.service, 4), **self.counts}

    def close(self) -> None:
        with self._cv:
            self.closed = True
            pending = list(self._q)
            self._q.clear()
            running = list(self.running)
            self._cv.notify_all()
        for job in pending:
            job.state = "cancelled"
            if not job.future.done():
                job.future.set_exception(Cancelled())
        for job in running:
            self.cancel(job)
