"""Lossless incremental GDELT downloader: list, download in parallel, verify, resume, ingest.

Guarantees (tested against a local HTTP server in ``tests/test_fetch.py``):

- a file is written to ``NAME.part`` and renamed to ``NAME`` only once its size and MD5 match the
  list and its zip CRCs check out, so a file under its own name is always complete and verified;
- a re-run downloads only what is missing or corrupt, resuming a ``.part`` with an HTTP Range request;
- transient faults (timeouts, resets, truncation, 5xx, 429) are retried with bounded exponential backoff;
  404 and a source-side corrupt file are reported, not retried forever;
- a verified file is never deleted before its replacement verifies (a list whose MD5 changed, then a 500,
  keeps the old copy);
- bounded: at most the list's size in bytes (``Options.max_bytes`` when the list gives none), an overall
  deadline per attempt (``timeout`` + bytes / ``min_rate``: a server dripping 1 byte a second times out),
  redirects to another host refused unless allowed (``allow_hosts``), ``.part`` files opened without
  following symlinks and nothing written outside ``dest``; a list that is not a GDELT list (an HTML
  page) is refused with one line;
- expected 15-minute (2.0) or daily (1.0) slots absent from the list are reported, never skipped silently;
- with a store, only verified files are ingested, one transaction per file.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import httpx

from detente import gdelt_lists
from detente.errors import UserError
from detente.gdelt_lists import FileEntry, FileList, filter_zip, keep_row, slot_ranges  # noqa: F401 (re-exported)

CHUNK = 1 << 16
LIST_MAX = 2 * 10**9  # bytes of a list file (GDELT 2.0's masterfilelist.txt is ~ 200 MB)
MANIFEST = ".detente-verified.tsv"
FORMATS = {1: "gdelt1", 2: "gdelt2"}

__all__ = ["FORMATS", "FetchError", "FetchInterrupted", "FetchReport", "FileResult", "Options", "fetch_gdelt"]


class FetchError(UserError):
    """A problem that stops the whole fetch (list unreachable, disk full); says what to do next."""


class FetchInterrupted(KeyboardInterrupt):  # noqa: N818 (it is a KeyboardInterrupt)
    """Ctrl-C during a fetch; carries what was done so the caller can say how to resume."""

    def __init__(self, report: FetchReport):
        super().__init__("interrupted")
        self.report = report


@dataclass
class FileResult:
    """One listed file after a fetch: ``status`` (downloaded, present, not_found, corrupt, failed), bytes,
    attempts, the reason for a failure, and the ingest summary when a store was given."""

    name: str
    key: str
    status: str  # downloaded | present | not_found | corrupt | failed
    bytes: int = 0
    attempts: int = 0
    reason: str | None = None
    ingest: dict | None = None  # the store's IngestSummary, plus rows_filtered_out with --actors

    @property
    def ok(self) -> bool:
        return self.status in ("downloaded", "present")


@dataclass
class FetchReport:
    """What a fetch did: per-file ``results``, the expected slots the list lacks (``missing``), malformed list
    lines, and ``summary()`` counts."""

    version: int
    start: date
    end: date
    dest: Path
    expected: int = 0
    listed: int = 0
    missing: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if not r.ok]

    @property
    def ingest_failed(self) -> list[FileResult]:
        return [r for r in self.results if r.ingest and r.ingest.get("error")]

    def summary(self) -> dict[str, Any]:
        ing = [r.ingest for r in self.results if r.ingest and not r.ingest.get("error")]
        out: dict[str, Any] = {
            "version": self.version,
            "start": self.start,
            "end": self.end,
            "dest": str(self.dest),
            "slots_expected": self.expected,
            "files_listed": self.listed,
            "slots_missing": len(self.missing),
            "missing": slot_ranges(self.missing),
            "downloaded": self.count("downloaded"),
            "already_present": self.count("present"),
            "not_found": self.count("not_found"),
            "corrupt": self.count("corrupt"),
            "failed": self.count("failed"),
            "bytes_downloaded": sum(r.bytes for r in self.results),
            "list_lines_malformed": len(self.malformed),
        }
        if ing:
            for k in ("rows_read", "rows_stored", "rows_quarantined", "rows_duplicate", "rows_filtered_out"):
                out[k] = sum(int(i.get(k) or 0) for i in ing)
            out["files_ingested"] = sum(not i.get("skipped") and not i.get("no_actor_rows") for i in ing)
            out["files_without_actor_rows"] = sum(bool(i.get("no_actor_rows")) for i in ing)
            out["files_already_ingested"] = sum(bool(i.get("skipped")) for i in ing)
            out["ingest_failed"] = len(self.ingest_failed)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {**self.summary(), "files": [asdict(r) for r in self.results], "missing_slots": self.missing}


class Reporter(Protocol):
    def start(self, files: int, total_bytes: int) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def file_done(self, result: FileResult) -> None: ...


class NullReporter:
    def start(self, files: int, total_bytes: int) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass

    def file_done(self, result: FileResult) -> None:
        pass


class RateLimit:
    """At most ``per_second`` request starts per second across all workers (None: no limit)."""

    def __init__(self, per_second: float | None):
        self.gap = 1.0 / per_second if per_second else 0.0
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        if not self.gap:
            return
        with self.lock:
            now = time.monotonic()
            t = max(now, self.next)
            self.next = t + self.gap
        if t > now:
            stop.wait(t - now)


@dataclass
class Options:
    """Download settings: parallel workers, request rate, timeouts, retries with backoff, size and speed bounds,
    hosts a redirect may lead to."""

    workers: int = 4
    rate: float | None = None  # requests per second
    timeout: float = 30.0
    retries: int = 4  # extra attempts after the first
    backoff: float = 1.0  # first wait; doubles each retry
    max_backoff: float = 30.0
    max_bytes: int = 2 * 10**9  # per file when the list gives no size (GDELT 1.0's largest yearly zip is < 1 GB)
    min_rate: float = 4096.0  # bytes/s: an attempt's overall deadline is timeout + bytes / min_rate
    allow_hosts: tuple[str, ...] = ()  # hosts a redirect may lead to besides the one asked


def md5_file(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def zip_problem(path: Path) -> str | None:
    """Why ``path`` is not a sound zip (None when it is)."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad:
                return f"zip member {bad} fails its CRC check"
            if not zf.namelist():
                return "zip is empty"
    except zipfile.BadZipFile:
        return "not a zip archive"
    except (OSError, EOFError, zipfile.LargeZipFile) as e:
        return f"unreadable zip ({e})"
    return None


def _describe(e: Exception, timeout: float) -> str:
    if isinstance(e, httpx.TimeoutException):
        return f"no data for {timeout:g} s (server stalled; timed out)"
    if isinstance(e, httpx.RemoteProtocolError):
        return "connection closed before the file was complete (truncated)"
    text = str(e) or type(e).__name__
    if "reset" in text.lower() or isinstance(getattr(e, "__cause__", None), ConnectionResetError):
        return "connection reset by the server"
    if isinstance(e, httpx.ConnectError):
        return f"cannot connect ({text})"
    return f"{type(e).__name__}: {text}"


class _Retry(Exception):
    pass


class _Refused(Exception):
    """A final answer for one file (a redirect to another host): reported, not retried."""


REDIRECTS = (301, 302, 303, 307, 308)


def _lsize(path: Path) -> int | None:
    """Size of a regular file at ``path`` without following a symlink; a symlink (or anything else) is removed
    (it can only be planted: detente writes plain files), None when nothing is there."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISREG(st.st_mode):
        return st.st_size
    if stat.S_ISLNK(st.st_mode):
        path.unlink()  # the link, never its target
        return None
    raise FetchError(f"{path} exists and is not a regular file; move it out of the way and re-run")


def _open_nofollow(path: Path, append: bool):  # noqa: ANN202 (a binary file object)
    """Open ``path`` for writing without following a symlink at it (O_NOFOLLOW: ELOOP instead)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | (os.O_APPEND if append else os.O_TRUNC)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise FetchError(f"{path} is a symbolic link; detente does not write through links, remove it and "
                             "re-run") from None
        raise
    return os.fdopen(fd, "ab" if append else "wb")


class Downloader:
    """Downloads a list of files into ``dest`` with a bounded thread pool."""

    def __init__(self, dest: Path, opts: Options, reporter: Reporter | None = None,
                 client: httpx.Client | None = None):
        self.dest = Path(dest)
        self.opts = opts
        self.reporter = reporter or NullReporter()
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(opts.timeout), follow_redirects=False,  # followed by hand: hosts are checked
            limits=httpx.Limits(max_connections=max(opts.workers, 1) + 1),
            headers={"User-Agent": "detente-fetch (+https://github.com/detente)"},
        )
        self.stop = threading.Event()
        self.rate = RateLimit(opts.rate)
        self._lock = threading.Lock()
        self.manifest = self._load_manifest()

    # -- requests ----------------------------------------------------------------------------
    def _send(self, url: str, headers: dict | None = None, stream: bool = False) -> httpx.Response:
        """GET ``url``, following at most 5 redirects, each to the same host (or one of ``allow_hosts``)."""
        origin = httpx.URL(url).host
        for _ in range(6):
            r = self.client.send(self.client.build_request("GET", url, headers=headers), stream=stream)
            if r.status_code not in REDIRECTS or "location" not in r.headers:
                return r
            r.close()
            nxt = r.url.join(r.headers["location"])
            if nxt.host != origin and nxt.host not in self.opts.allow_hosts:
                raise _Refused(f"{url} redirects to another host ({nxt.host}); refused (pass --allow-host "
                               f"{nxt.host} if you trust it)")
            if nxt.scheme not in ("http", "https"):
                raise _Refused(f"{url} redirects to {nxt.scheme}: URLs; refused")
            url = str(nxt)
        raise _Refused(f"{url}: more than 5 redirects; refused")

    # -- list files ------------------------------------------------------------------------
    def get_text(self, url: str, required: bool = True) -> str | None:
        """A list file's text, retried like a download; None for a 404 when not required."""
        last = ""
        for attempt in range(self.opts.retries + 1):
            if attempt:
                self._sleep(attempt)
            self.rate.wait(self.stop)
            try:
                r = self._send(url, stream=True)
            except httpx.TransportError as e:
                last = _describe(e, self.opts.timeout)
                continue
            except _Refused as e:
                raise FetchError(f"{e}; check --base-url") from None
            try:
                if r.status_code < 400:
                    body = bytearray()
                    start = time.monotonic()
                    for chunk in r.iter_bytes():
                        body += chunk
                        if time.monotonic() - start > self.opts.timeout + len(body) / self.opts.min_rate:
                            raise httpx.ReadTimeout(f"too slow: {len(body)} bytes in {time.monotonic() - start:.1f} s")
                        if len(body) > LIST_MAX:
                            raise FetchError(f"{url}: longer than {LIST_MAX // 10**6} MB, not a GDELT file list; "
                                             "check --base-url")
                    text = body.decode(r.encoding or "utf-8", "replace")
            except httpx.TransportError as e:
                last = _describe(e, self.opts.timeout)
                continue
            finally:
                r.close()
            if r.status_code == 404:
                if not required:
                    return None
                raise FetchError(f"{url}: not found (404); check --base-url points at a GDELT file directory")
            if r.status_code == 429 or r.status_code >= 500:
                last = f"HTTP {r.status_code}"
                continue
            if r.status_code >= 400:
                raise FetchError(f"{url}: HTTP {r.status_code}; check --base-url")
            return text
        raise FetchError(f"{url}: {last} after {self.opts.retries + 1} attempts; check the connection and re-run")

    # -- verified-file manifest -----------------------------------------------------------
    def _load_manifest(self) -> dict[str, tuple[int, str, int]]:
        out: dict[str, tuple[int, str, int]] = {}
        p = self.dest / MANIFEST
        if p.exists():
            for line in p.read_text(errors="replace").splitlines():
                parts = line.split("\t")
                if len(parts) == 4 and parts[1].isdigit() and parts[3].isdigit():
                    out[parts[0]] = (int(parts[1]), parts[2], int(parts[3]))
        return out

    def _remember(self, path: Path, md5: str) -> None:
        st = path.stat()
        with self._lock:
            self.manifest[path.name] = (st.st_size, md5, st.st_mtime_ns)
            with _open_nofollow(self.dest / MANIFEST, append=True) as fh:
                fh.write(f"{path.name}\t{st.st_size}\t{md5}\t{st.st_mtime_ns}\n".encode())

    def _problem(self, path: Path, entry: FileEntry, trust_manifest: bool = True) -> str | None:
        """Why the file at ``path`` does not match ``entry`` (None when it does)."""
        st = path.stat()
        if entry.size is not None and st.st_size != entry.size:
            return f"size {st.st_size} bytes, the list says {entry.size}"
        known = self.manifest.get(path.name) if trust_manifest else None
        if known and known[0] == st.st_size and known[2] == st.st_mtime_ns and (entry.md5 in (None, known[1])):
            return None
        digest = md5_file(path)
        if entry.md5 is not None and digest != entry.md5:
            return f"MD5 {digest}, the list says {entry.md5}"
        bad = zip_problem(path)
        if bad:
            return bad
        if path.suffix != ".part":
            self._remember(path, digest)
        return None

    # -- download one file ---------------------------------------------------------------
    def _sleep(self, attempt: int) -> None:
        self.stop.wait(min(self.opts.max_backoff, self.opts.backoff * 2 ** (attempt - 1)))
        if self.stop.is_set():
            raise KeyboardInterrupt

    def _write(self, fh: Any, chunk: bytes, part: Path) -> None:
        try:
            fh.write(chunk)
        except OSError as e:
            if e.errno == errno.ENOSPC:
                raise FetchError(
                    f"disk full writing {part}; free space under {self.dest} and re-run (verified files are kept)"
                ) from e
            raise FetchError(f"cannot write {part}: {e.strerror or e}; check {self.dest} and re-run") from e

    def download(self, entry: FileEntry) -> FileResult:
        final = self.dest / entry.name
        part = self.dest / (entry.name + ".part")
        res = FileResult(entry.name, entry.key, "failed")
        old = None  # a copy in dest that does not match the list: replaced only once the new one verifies
        if final.exists():
            why = self._problem(final, entry)
            if why is None:
                res.status = "present"
                return res
            old = why
        for attempt in range(self.opts.retries + 1):
            if self.stop.is_set():
                raise KeyboardInterrupt
            if attempt:
                self._sleep(attempt)
            res.attempts = attempt + 1
            try:
                got = self._transfer(entry, part)
            except _Retry as e:
                res.reason = str(e)
                continue
            except _Refused as e:
                res.reason = str(e)
                return self._kept(res, old)
            except httpx.TransportError as e:
                res.reason = _describe(e, self.opts.timeout)
                continue
            if got is not None:  # 404 or another final answer
                res.status, res.reason = got
                return self._kept(res, old)
            res.bytes = part.stat().st_size
            why = self._problem(part, entry)
            if why is None:
                os.replace(part, final)
                self._remember(final, entry.md5 or md5_file(final))
                res.status, res.reason = "downloaded", None
                return res
            res.reason = why
            if entry.size is not None and part.stat().st_size < entry.size:
                continue  # short: resume from where it stopped
            self.reporter.advance(-part.stat().st_size)
            part.unlink(missing_ok=True)
            if why.startswith(("not a zip", "zip ", "unreadable zip")) and entry.md5 is not None:
                res.status = "corrupt"  # the bytes match the list's MD5: the source itself is broken
                res.reason = f"{why} although its MD5 matches the list (corrupt at the source)"
                return res
        if res.reason and "the list says" in res.reason:
            res.status = "corrupt"
        res.reason = f"{res.reason}; gave up after {res.attempts} attempts, re-run to retry"
        return self._kept(res, old)

    def _kept(self, res: FileResult, old: str | None) -> FileResult:
        """A failed result that says the earlier copy in dest was kept (never deleted before a replacement)."""
        if old is not None and res.reason:
            res.reason += f" (the earlier copy in {self.dest} is kept: {old})"
        return res

    def _transfer(self, entry: FileEntry, part: Path) -> tuple[str, str] | None:
        """Fetch (the rest of) ``entry`` into ``part``; a (status, reason) tuple for a final answer.

        Bounded: never more than the list's size (or ``max_bytes``), an overall deadline of
        ``timeout + bytes / min_rate`` seconds, ``part`` opened without following a symlink.
        """
        offset = _lsize(part) or 0
        cap = entry.size if entry.size is not None else self.opts.max_bytes
        if entry.size is not None and offset >= entry.size:
            if offset == entry.size:
                return None  # complete already: just verify
            part.unlink()
            offset = 0
        headers = {"Range": f"bytes={offset}-"} if offset else {}
        self.rate.wait(self.stop)
        r = self._send(entry.url, headers=headers, stream=True)
        try:
            if r.status_code == 404:
                return "not_found", f"404 not found at {entry.url}"
            if r.status_code == 416:
                part.unlink(missing_ok=True)
                raise _Retry(f"the server's copy has at most {offset} bytes but the list says {entry.size}")
            if r.status_code == 429 or r.status_code >= 500:
                raise _Retry(f"HTTP {r.status_code}")
            if r.status_code >= 400:
                return "failed", f"{entry.url}: HTTP {r.status_code}"
            append = r.status_code == 206 and bool(offset)
            if not append and offset:
                self.reporter.advance(-offset)
                offset = 0
            what = f"the list's {cap} bytes" if entry.size is not None else f"the {cap}-byte ceiling (max_bytes)"
            length = r.headers.get("content-length", "")
            if length.isdigit() and offset + int(length) > cap:
                part.unlink(missing_ok=True)
                raise _Retry(f"the server offers {offset + int(length)} bytes, more than {what}")
            start, got = time.monotonic(), 0
            try:
                with _open_nofollow(part, append) as fh:
                    for chunk in r.iter_raw():  # as received: a cut connection keeps what arrived
                        if self.stop.is_set():
                            raise KeyboardInterrupt
                        got += len(chunk)
                        if offset + got > cap:
                            fh.close()
                            part.unlink(missing_ok=True)
                            raise _Retry(f"the server sent more than {what}; stopped there")
                        self._write(fh, chunk, part)
                        self.reporter.advance(len(chunk))
                        elapsed = time.monotonic() - start
                        if elapsed > self.opts.timeout + got / self.opts.min_rate:
                            raise _Retry(f"too slow: {got} bytes in {elapsed:.1f} s (the deadline is --timeout "
                                         f"{self.opts.timeout:g} s + 1 s per {self.opts.min_rate:g} bytes)")
            except FetchError:
                part.unlink(missing_ok=True)
                raise
        finally:
            r.close()
        return None

    # -- many files -------------------------------------------------------------------------
    def run(self, entries: Sequence[FileEntry], on_done: Callable[[FileResult], None]) -> None:
        """Download ``entries`` with the pool; ``on_done`` runs in this (the calling) thread."""
        self.dest.mkdir(parents=True, exist_ok=True)
        pending_bytes = sum((e.size or 0) for e in entries if not (self.dest / e.name).exists())
        resumed = sum(_lsize(self.dest / (e.name + ".part")) or 0 for e in entries)
        self.reporter.start(len(entries), pending_bytes)
        self.reporter.advance(resumed)
        ex = ThreadPoolExecutor(max_workers=max(1, self.opts.workers), thread_name_prefix="fetch")
        futures: set[Future] = set()
        try:
            futures = {ex.submit(self.download, e) for e in entries}
            while futures:
                done, futures = wait(futures, timeout=0.25, return_when=FIRST_COMPLETED)
                for fut in done:
                    res = fut.result()  # re-raises KeyboardInterrupt / FetchError from a worker
                    self.reporter.file_done(res)
                    on_done(res)
        except BaseException:
            self.stop.set()
            for f in futures:
                f.cancel()
            raise
        finally:
            ex.shutdown(wait=True, cancel_futures=True)


# -- the public function -------------------------------------------------------------------
def list_files(dl: Downloader, version: int, start: date, end: date, base_url: str | None) -> FileList:
    if version == 2:
        base = base_url or gdelt_lists.V2_BASE
        url = gdelt_lists.join(base, "masterfilelist.txt")
        text = dl.get_text(url)
        gdelt_lists.check_list(text or "", url, "SIZE MD5 URL", FetchError)
        return gdelt_lists.parse_master_v2((text or "").splitlines(), start, end, base_url)
    base = base_url or gdelt_lists.V1_BASE
    sizes = dl.get_text(gdelt_lists.join(base, "filesizes"), required=False)
    md5s = dl.get_text(gdelt_lists.join(base, "md5sums"), required=False)
    if sizes is not None:
        gdelt_lists.check_list(sizes, gdelt_lists.join(base, "filesizes"), "SIZE NAME", FetchError)
    if md5s is not None:
        gdelt_lists.check_list(md5s, gdelt_lists.join(base, "md5sums"), "MD5  NAME", FetchError)
    index = dl.get_text(gdelt_lists.join(base, "index.html"), required=sizes is None or md5s is None)
    return gdelt_lists.parse_v1(sizes, md5s, start, end, base, index)


def fetch_gdelt(
    version: int,
    start: date,
    end: date,
    dest: Path,
    *,
    actors: Sequence[str] | None = None,
    store: Any = None,
    base_url: str | None = None,
    opts: Options | None = None,
    reporter: Reporter | None = None,
    client: httpx.Client | None = None,
) -> FetchReport:
    """Download GDELT ``version`` (1 or 2) event files for ``start``..``end`` (UTC days) into ``dest``.

    With ``store`` (a :class:`detente.store.Store`), each verified file is ingested as it arrives
    (rows filtered to ``actors`` first when given). Raises :class:`FetchInterrupted` on Ctrl-C.

    Parameters
    ----------
    version
        1 (daily files) or 2 (15-minute export files).
    start, end
        Inclusive UTC days.
    dest
        Download folder (verified files keep their GDELT names; ``.part`` files resume).
    actors
        With ``store``: keep only rows in which one of these countries takes part.
    store
        A writable store to ingest each verified file into.
    base_url
        A mirror of GDELT's folder (its lists and files) instead of data.gdeltproject.org.
    opts
        Workers, rate, timeouts, retries, size bounds (:class:`Options`).
    reporter
        Progress callbacks.
    client
        An ``httpx.Client`` to use (default: a new one).

    Returns
    -------
    FetchReport
        Per-file results, the slots the list lacks (``missing``) and ``summary()`` counts.

    Raises
    ------
    UserError
        Bad arguments, or a range with no GDELT files; :class:`FetchError` for a list that is not one.

    Examples
    --------
    A mirror (here an in-memory ``httpx.MockTransport``) that lists one export file for 2024-03-01:

    >>> import hashlib, io, tempfile, zipfile
    >>> import httpx
    >>> buf = io.BytesIO()
    >>> with zipfile.ZipFile(buf, "w") as z:
    ...     z.writestr("20240301000000.export.CSV", "1\\t20240301\\n")
    >>> data = buf.getvalue()
    >>> name = "20240301000000.export.CSV.zip"
    >>> listing = f"{len(data)} {hashlib.md5(data).hexdigest()} http://mirror.test/gdeltv2/{name}\\n"
    >>> files = {"/gdeltv2/masterfilelist.txt": listing.encode(), "/gdeltv2/" + name: data}
    >>> def serve(request):
    ...     body = files.get(request.url.path)
    ...     return httpx.Response(200, stream=httpx.ByteStream(body)) if body else httpx.Response(404)
    >>> client = httpx.Client(transport=httpx.MockTransport(serve))
    >>> dest = tempfile.mkdtemp()
    >>> report = fetch_gdelt(2, date(2024, 3, 1), date(2024, 3, 1), dest, base_url="http://mirror.test/gdeltv2/",
    ...                      client=client)
    >>> [(r.name, r.status) for r in report.results]
    [('20240301000000.export.CSV.zip', 'downloaded')]
    >>> s = report.summary()
    >>> s["slots_expected"], s["files_listed"], s["missing"]  # 96 slots a day; the other 95 are reported
    (96, 1, '20240301001500..20240301234500 (95)')

    A second run finds the verified file and downloads nothing:

    >>> again = fetch_gdelt(2, date(2024, 3, 1), date(2024, 3, 1), dest, base_url="http://mirror.test/gdeltv2/",
    ...                     client=client)
    >>> [(r.name, r.status, r.bytes) for r in again.results]
    [('20240301000000.export.CSV.zip', 'present', 0)]
    >>> fetch_gdelt(3, date(2024, 3, 1), date(2024, 3, 1), dest)
    Traceback (most recent call last):
    ...
    detente.errors.UserError: --version must be 1 or 2, not 3
    """
    if version not in FORMATS:
        raise UserError(f"--version must be 1 or 2, not {version}")
    if end < start:
        raise UserError(f"--end {end} is before --start {start}; swap them")
    opts = opts or Options()
    if opts.workers < 1:
        raise UserError("--workers must be at least 1")
    if opts.rate is not None and opts.rate <= 0:
        raise UserError("--rate must be a positive number of requests per second")
    dest = Path(dest)
    dl = Downloader(dest, opts, reporter, client)
    report = FetchReport(version, start, end, dest)
    try:
        fl = list_files(dl, version, start, end, base_url)
        report.expected, report.listed = len(fl.expected), len(fl.entries)
        report.missing, report.malformed = fl.missing, fl.malformed
        if not fl.expected:
            first = gdelt_lists.V2_FIRST_SLOT.date() if version == 2 else date(gdelt_lists.V1_FIRST_YEAR, 1, 1)
            raise UserError(f"GDELT {version}.0 has no files for {start}..{end}; it starts on {first}")

        def done(res: FileResult) -> None:
            report.results.append(res)
            if store is not None and res.ok:
                res.ingest = ingest_one(store, dest / res.name, FORMATS[version], actors)

        dl.run(fl.entries, done)
    except KeyboardInterrupt as e:
        raise FetchInterrupted(report) from e
    finally:
        if client is None:
            dl.client.close()
    return report


def ingest_one(store: Any, path: Path, fmt: str, actors: Sequence[str] | None) -> dict:
    """Ingest one verified file (filtered to ``actors``); errors are recorded, not raised."""
    from detente import limits
    from detente.store import StoreError, interrupted

    filtered_out = 0
    src = path
    tmp = None
    scratch = limits.scratch()
    try:
        if actors:  # the filtered copy goes to scratch space (removed on any exit), never beside the downloads
            tmp = scratch.__enter__() / path.name
            read, kept = filter_zip(path, tmp, actors)
            filtered_out, src = read - kept, tmp
            if kept == 0:  # nothing for these actors: no file to store, but the count is reported
                return {"file": path.name, "rows_read": 0, "rows_stored": 0, "rows_quarantined": 0,
                        "rows_duplicate": 0, "skipped": False, "rows_filtered_out": read, "no_actor_rows": True}
        summary = store.ingest_file(src, fmt=fmt).as_dict()
        summary["rows_filtered_out"] = filtered_out
        return summary
    except (StoreError, ValueError, OSError, zipfile.BadZipFile) as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return {"file": path.name, "error": msg}
    except Exception as e:  # Ctrl-C inside a DuckDB query comes back as an error, not KeyboardInterrupt
        if interrupted(e) and not limits.terminated():
            raise KeyboardInterrupt from None
        raise
    finally:
        if tmp is not None:
            scratch.__exit__(None, None, None)
