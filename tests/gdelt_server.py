"""A real HTTP server on 127.0.0.1 that serves GDELT-format files, with faults on demand.

Files are real GDELT 1.0 rows from ``shared/data/gdelt1-georgia`` laid out exactly as GDELT
publishes them: tab-separated, no header, one member per zip; 58 columns in 1.0 daily files
(57 before 2013-04-01, without SOURCEURL); 61 in 2.0 export files (an ADM2 code added to each of
the three geo blocks, DATEADDED as YYYYMMDDHHMMSS). For 2.0 slots the date columns are set to the
slot's day so the file is consistent with its name; every other field is the real row.

Faults (``server.fault(path, kind, times)``): 404, 500, truncate (full Content-Length, half the
body, then close), reset (TCP RST before any answer), stall (headers, then silence), slow
(``server.throttle`` bytes every ``throttle_delay`` s).

Hostile modes: ``redirect:<url>`` (a fault kind: 302 to that URL), ``server.no_length`` (no
Content-Length: the body runs until the connection closes, so only the client can stop it),
``server.html_lists`` (every list file answered with an HTML portal page).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import socket
import struct
import threading
import time
import zipfile
from collections import defaultdict
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
GEORGIA = SHARED / "gdelt1-georgia" / "gdelt1_events_actiongeo_GG_2011-06_2013-05.csv.gz"

_ROWS: list[list[str]] | None = None


def real_rows() -> list[list[str]]:
    """The 105,444 real GDELT 1.0 rows (58 columns: the repo's trailing `month` column dropped)."""
    global _ROWS
    if _ROWS is None:
        with gzip.open(GEORGIA, "rt", encoding="utf-8", newline="") as fh:
            r = csv.reader(fh)
            next(r)
            _ROWS = [row[:58] for row in r]
    return _ROWS


def rows_added_on(day: str) -> list[list[str]]:
    """Rows whose DATEADDED is ``day`` (YYYYMMDD): what GDELT 1.0's daily file for that day holds."""
    return [r for r in real_rows() if r[56] == day]


def to_v2(row: list[str], slot: str) -> list[str]:
    """A 1.0 row in the 2.0 export layout (61 columns) for the 15-minute ``slot`` (YYYYMMDDHHMMSS)."""
    d = datetime.strptime(slot, "%Y%m%d%H%M%S")
    out = list(row)
    out[1], out[2], out[3] = d.strftime("%Y%m%d"), d.strftime("%Y%m"), str(d.year)
    out[4] = f"{d.year + (d.timetuple().tm_yday - 1) / 365:.4f}"
    out[56] = slot
    for i in (52, 45, 38):  # after each ADM1 code (ActionGeo, Actor2Geo, Actor1Geo), from the end
        out.insert(i + 1, "")
    assert len(out) == 61
    return out


GDELT2_SAMPLE = SHARED / "gdelt2-events-sample"


def sample_rows(day: str | None = "2020-11-13") -> list[list[str]]:
    """The 61 export fields of the real GDELT 2.0 sample rows (its pandas index column and trailing mention field
    dropped); ``day=None`` reads all three sample days."""
    out = []
    for f in sorted(GDELT2_SAMPLE.glob("*.csv") if day is None else [GDELT2_SAMPLE / f"{day}.csv"]):
        with open(f, newline="", encoding="utf-8") as fh:
            r = csv.reader(fh)
            next(r)
            out += [row[1:62] for row in r]
    return out


def redate_v2(row: list[str], slot: str, event_id: int | None = None) -> list[str]:
    """A 2.0 export row moved to the 15-minute ``slot`` (YYYYMMDDHHMMSS): its date fields and DATEADDED; a new
    GLOBALEVENTID when given (to keep ids unique across copies)."""
    d = datetime.strptime(slot, "%Y%m%d%H%M%S")
    out = list(row)
    if event_id is not None:
        out[0] = str(event_id)
    out[1], out[2], out[3] = d.strftime("%Y%m%d"), d.strftime("%Y%m"), str(d.year)
    out[4] = f"{d.year + (d.timetuple().tm_yday - 1) / 365:.4f}"
    out[59] = slot
    return out


def zip_rows(member: str, rows: list[list[str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, "".join("\t".join(r) + "\n" for r in rows))
    return buf.getvalue()


def md5(b: bytes) -> str:
    return hashlib.md5(b).hexdigest()


class Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, *a: object) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle + delayed ACK add ~40 ms a file
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:  # noqa: N802
        owner = self.server.owner
        path = self.path.split("?")[0]
        owner.log.append((path, self.headers.get("Range")))
        kind = owner.next_fault(path)
        if owner.latency:
            time.sleep(owner.latency)
        if kind and kind.startswith("redirect:"):
            self.send_response(302)
            self.send_header("Location", kind.split(":", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if owner.html_lists and path.rsplit("/", 1)[-1] in ("masterfilelist.txt", "filesizes", "md5sums"):
            page = b"<!DOCTYPE html><html><head><title>Portal</title></head><body>Sign in</body></html>\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return
        if kind == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        body = owner.files.get(path)
        if kind in ("404", "500") or body is None:
            code = 500 if kind == "500" else 404
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes=") and not owner.ignore_range:
            start = int(rng[6:].split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        chunk = body[start:]
        if owner.no_length:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(chunk)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if kind == "stall":
            owner.stopping.wait(owner.stall_seconds)
            self.close_connection = True
            return
        if kind == "truncate":
            self.wfile.write(chunk[: max(1, len(chunk) // 2)])
            self.wfile.flush()
            self.close_connection = True
            return
        throttle = owner.throttle if path.endswith(owner.throttle_suffix) else None
        step = throttle or len(chunk) or 1
        for i in range(0, len(chunk), step):
            if owner.stopping.is_set():
                return
            self.wfile.write(chunk[i: i + step])
            if throttle:
                self.wfile.flush()
                time.sleep(owner.throttle_delay)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: GdeltServer

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up is expected here
            super().handle_error(request, client_address)


class GdeltServer:
    """``with GdeltServer() as s:`` then add files; ``s.url`` is http://127.0.0.1:PORT."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.faults: dict[str, list[str]] = defaultdict(list)
        self.sticky: dict[str, str] = {}
        self.log: list[tuple[str, str | None]] = []
        self.latency = 0.0
        self.throttle: int | None = None  # with throttle_delay: send this many bytes, then pause
        self.throttle_delay = 0.05
        self.throttle_suffix = ""  # throttle only the paths ending with this ("": every path)
        self.stall_seconds = 5.0
        self.ignore_range = False
        self.no_length = False
        self.html_lists = False
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.httpd.owner = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> GdeltServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def fault(self, path: str, kind: str, times: int | None = 1) -> None:
        """Answer the next ``times`` requests for ``path`` with fault ``kind`` (None: every request)."""
        with self._lock:
            if times is None:
                self.sticky[path] = kind
            else:
                self.faults[path].extend([kind] * times)

    def next_fault(self, path: str) -> str | None:
        with self._lock:
            if self.faults.get(path):
                return self.faults[path].pop(0)
            return self.sticky.get(path)

    def requests(self, path_suffix: str) -> list[str | None]:
        """Range headers of the requests made for paths ending with ``path_suffix``."""
        return [rng for p, rng in self.log if p.endswith(path_suffix)]


class V2Archive:
    """A GDELT 2.0 directory (``/gdeltv2/``): export/mentions/gkg lines in masterfilelist.txt."""

    def __init__(self, server: GdeltServer, prefix: str = "/gdeltv2/"):
        self.server, self.prefix = server, prefix
        self.lines: list[str] = []
        self.exports: dict[str, bytes] = {}  # slot -> zip bytes
        self._pool = [r for r in real_rows() if r[56] >= "20130408"]
        self._next = 0

    @property
    def base(self) -> str:
        return self.server.url + self.prefix

    def take(self, n: int) -> list[list[str]]:
        """The next ``n`` real rows; past the end of the pool, ids get a new billion so they stay unique."""
        out = []
        for i in range(self._next, self._next + n):
            row = self._pool[i % len(self._pool)]
            if i >= len(self._pool):
                row = [str(int(row[0]) + 1_000_000_000 * (i // len(self._pool))), *row[1:]]
            out.append(row)
        self._next += n
        return out

    def add_slot(self, slot: str, rows: int = 3, listed: bool = True, served: bool = True,
                 body: bytes | None = None, list_md5: str | None = None, list_size: int | None = None) -> bytes:
        name = f"{slot}.export.CSV.zip"
        data = body if body is not None else zip_rows(name[:-4], [to_v2(r, slot) for r in self.take(rows)])
        self.exports[slot] = data
        if served:
            self.server.files[self.prefix + name] = data
        if listed:
            size = list_size if list_size is not None else len(data)
            self.lines.append(f"{size} {list_md5 or md5(data)} http://data.gdeltproject.org/gdeltv2/{name}")
            # the other two file kinds GDELT lists per slot (never downloaded by the events fetcher)
            self.lines.append(f"1234 {md5(slot.encode())} http://data.gdeltproject.org/gdeltv2/{slot}.mentions.CSV.zip")
            self.lines.append(f"5678 {md5(name.encode())} http://data.gdeltproject.org/gdeltv2/{slot}.gkg.csv.zip")
        return data

    def add_day(self, day: date, rows: int = 3, skip: tuple[str, ...] = ()) -> list[str]:
        slots = []
        t = datetime(day.year, day.month, day.day)
        for _ in range(96):
            s = t.strftime("%Y%m%d%H%M%S")
            if s[8:12] not in skip:
                self.add_slot(s, rows)
                slots.append(s)
            t += timedelta(minutes=15)
        return slots

    def publish(self) -> None:
        self.server.files[self.prefix + "masterfilelist.txt"] = ("\n".join(self.lines) + "\n").encode()


class V1Archive:
    """A GDELT 1.0 events directory (``/events/``): filesizes, md5sums, index.html."""

    def __init__(self, server: GdeltServer, prefix: str = "/events/"):
        self.server, self.prefix = server, prefix
        self.sizes: dict[str, int] = {}
        self.md5s: dict[str, str] = {}

    @property
    def base(self) -> str:
        return self.server.url + self.prefix

    def add(self, name: str, data: bytes, list_md5: str | None = None) -> bytes:
        self.server.files[self.prefix + name] = data
        self.sizes[name] = len(data)
        self.md5s[name] = list_md5 or md5(data)
        return data

    def add_daily(self, day: str, rows: list[list[str]] | None = None) -> bytes:
        rows = rows_added_on(day) if rows is None else rows
        return self.add(f"{day}.export.CSV.zip", zip_rows(f"{day}.export.CSV", rows))

    def add_monthly(self, month: str) -> bytes:
        rows = [r[:57] for r in real_rows() if r[1].startswith(month)]  # no SOURCEURL before April 2013
        return self.add(f"{month}.zip", zip_rows(f"{month}.csv", rows))

    def publish(self) -> None:
        names = sorted(self.sizes, reverse=True)
        self.server.files[self.prefix + "filesizes"] = "".join(f"{self.sizes[n]} {n}\n" for n in names).encode()
        self.server.files[self.prefix + "md5sums"] = "".join(f"{self.md5s[n]}  {n}\n" for n in names).encode()
        links = "".join(
            f'<LI><A HREF="{n}">{n}</A> {self.sizes[n] / 1e6:.1f}MB (MD5: {self.md5s[n]})\n' for n in names
        )
        self.server.files[self.prefix + "index.html"] = (
            f"<HTML><BODY><H1>GDELT 1.0 Event Files</H1><UL>{links}</UL></BODY></HTML>"
        ).encode()
