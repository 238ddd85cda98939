"""Fast staging of big delimited event files with DuckDB, exact line numbers and full row accounting.

Used by the GDELT readers (and any reader whose rows map to ``events`` by one SQL expression).

How a file goes in:

1. ``plain_copy``: gzip and zip inputs are stream-decompressed (1 MB blocks, flat memory) into a
   temporary file in ``$TMPDIR``, counting newlines on the way; a plain file is only scanned for its
   newline count, in a background thread overlapping step 2 when it holds no carriage return.
   DuckDB cannot read zip, and reading gzip itself would be single-threaded.
2. Fast path: one ``INSERT INTO stage_events SELECT <mapping> FROM read_csv(...) WITH ORDINALITY``
   with every column as VARCHAR, ``store_rejects`` on. Lines DuckDB rejects (wrong column count,
   invalid UTF-8, ...) go to quarantine with DuckDB's line number and message. The line number of a
   good row is ``header + ordinality + (rejected lines before it)``; this is exact when every physical
   line is either a row or a reject, which is checked: good + rejected must equal the newline count.
3. Slow exact path, used only when that check fails (quotes that swallow lines) or the newline scan
   saw what DuckDB skips or chokes on (blank lines, stray carriage returns): Python reads line by line, quarantines blank,
   non-UTF-8 and wrong-width lines itself and hands Arrow batches of the rest to the same mapping.

The mapping computes a ``_reason`` (NULL for a good row) and ``_raw``; rows with a reason move to
quarantine before the store's own checks run.
"""

from __future__ import annotations

import csv
import gzip
import mmap
import shutil
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from detente.schema import EVENTS
from detente.sources.base import BATCH_ROWS, StageContext

BLOCK = 1 << 20
GZIP, ZIP = b"\x1f\x8b", b"PK\x03\x04"


@dataclass(frozen=True)
class Layout:
    columns: tuple[str, ...]  # in file order
    header: bool
    delim: str  # "\t" or ","
    quote: str  # "" for none (GDELT's tab files), '"' for CSV


def head_text(path: Path, size: int = 65536) -> str:
    """The first ``size`` bytes of a plain, gzip or zip file, decoded (for sniffing)."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    try:
        if magic[:2] == GZIP:  # partial output even from a truncated stream
            d = zlib.decompressobj(wbits=31)
            with path.open("rb") as fh:
                data = d.decompress(fh.read(size), size)
        elif magic == ZIP:
            with zipfile.ZipFile(path) as zf:
                names = [n for n in zf.namelist() if not n.endswith("/")]
                if len(names) != 1:
                    return ""
                with zf.open(names[0]) as fh:
                    data = fh.read(size)
        else:
            with path.open("rb") as fh:
                data = fh.read(size)
    except (OSError, EOFError, zipfile.BadZipFile, ValueError, zlib.error):
        return ""
    return data.decode("utf-8", "replace")


def _open_compressed(path: Path) -> tuple[object, str] | None:
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic[:2] == GZIP:
        return gzip.open(path, "rb"), "gzip"
    if magic == ZIP:
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as e:
            raise ValueError(f"not a readable zip file ({e}); download it again") from None
        names = [n for n in zf.namelist() if not n.endswith("/")]
        if len(names) != 1:
            raise ValueError(f"zip holds {len(names)} files; expected one")
        return zf.open(names[0]), "zip"
    return None


@dataclass
class Scan:
    """Newline statistics gathered while copying or scanning a file (decides the staging path)."""

    lines: int = 0
    cr: int = 0  # carriage returns
    crlf: int = 0
    blank: int = 0  # empty lines ("\n\n", "\n\r\n" or a leading newline)
    # False: count newlines only, for a file known to hold no carriage return. Blank lines then go
    # uncounted: DuckDB skips them, so rows + rejects fall short of the newline count and the exact
    # path runs all the same.
    full: bool = True
    _tail: bytes = b"\n"
    _last: bytes = b"\n"

    def add(self, block: bytes) -> None:
        if not block:
            return
        self.lines += block.count(b"\n")
        self._last = block[-1:]
        if not self.full:
            return
        joined = self._tail + block
        cr = block.count(b"\r")
        self.cr += cr
        self.blank += joined.count(b"\n\n") - self._tail.count(b"\n\n")
        if cr or b"\r" in self._tail:  # the CR-pair counts only when there are CRs (most files have none)
            self.crlf += joined.count(b"\r\n") - self._tail.count(b"\r\n")
            self.blank += joined.count(b"\n\r\n") - self._tail.count(b"\n\r\n")
        self._tail = joined[-2:]

    def done(self) -> Scan:
        if self._last != b"\n":
            self.lines += 1  # a last line without its newline
        return self

    @property
    def clean(self) -> bool:
        """True when DuckDB's reader sees exactly one record per physical line."""
        newlines = self.lines - (self._last != b"\n")
        return self.blank == 0 and self.cr == self.crlf and self.crlf in (0, newlines)


def _has_cr(path: Path) -> bool:
    """Whether a plain file holds a carriage return anywhere (empty files count as having one)."""
    with path.open("rb") as fh:
        try:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return mm.find(b"\r") != -1
        except (ValueError, OSError):  # empty or not mappable: take the careful path
            return True


class Scanned:
    """A newline scan, finished (``pending`` False) or running in a background thread."""

    def __init__(self, scan: Scan, worker: threading.Thread | None = None,
                 failed: list[BaseException] | None = None):
        self._scan, self._worker, self._failed = scan, worker, failed or []
        self.pending = worker is not None

    def __call__(self) -> Scan:
        if self._worker is not None:
            self._worker.join()
            if self._failed:
                raise self._failed[0]
        return self._scan


@contextmanager
def plain_copy(path: Path) -> Iterator[tuple[Path, Scanned]]:
    """(a plain-text path for DuckDB, a function returning its newline statistics).

    gzip/zip inputs are decompressed to a temp file, scanned on the way. A plain file without carriage
    returns (DuckDB's reader fails on stray ones, so they are looked for first, with memchr speed) is
    scanned in a background thread that overlaps DuckDB's own read (DuckDB releases the GIL); calling
    the function waits for the scan. A plain file with carriage returns is scanned before DuckDB runs.
    """
    scan = Scan()
    opened = _open_compressed(path)
    if opened is None and not _has_cr(path):
        scan.full = False
        failed: list[BaseException] = []

        def run() -> None:
            try:
                with path.open("rb") as fh:
                    while block := fh.read(4 * BLOCK):
                        scan.add(block)
                scan.done()
            except BaseException as e:  # re-raised in the caller's thread
                failed.append(e)

        worker = threading.Thread(target=run, name="detente-newline-scan", daemon=True)
        worker.start()
        try:
            yield path, Scanned(scan, worker, failed)
        finally:
            worker.join()
        return
    if opened is None:
        with path.open("rb") as fh:
            while block := fh.read(4 * BLOCK):
                scan.add(block)
        scan.done()
        yield path, Scanned(scan)
        return
    src, kind = opened
    tmpdir = tempfile.mkdtemp(prefix="detente-ingest-")
    out = Path(tmpdir) / (path.name + ".txt")
    try:
        with src as fh, out.open("wb") as dst:  # type: ignore[attr-defined]
            while True:
                try:
                    block = fh.read(BLOCK)
                except (EOFError, OSError, zipfile.BadZipFile) as e:
                    raise ValueError(f"corrupt or truncated {kind} data ({e}); download the file again") from None
                if not block:
                    break
                scan.add(block)
                dst.write(block)
        scan.done()
        yield out, Scanned(scan)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def raw_expr(layout: Layout, alias: str = "r") -> str:
    """SQL rebuilding a row's text from its fields (for quarantine)."""
    sep = sql_str(layout.delim)
    return "concat_ws(" + sep + ", " + ", ".join(f'coalesce({alias}."{c}", \'\')' for c in layout.columns) + ")"


Mapping = Callable[[str], str]  # source relation SQL -> SELECT producing EVENTS columns + _reason, _raw


def stage_events(ctx: StageContext, path: Path, layout: Layout, mapping: Mapping, file: str | None = None) -> int:
    """Stage ``path`` (rows in ``layout``) into stage_events through ``mapping``; returns rows read.

    ``file`` labels this file's quarantined lines when it is one member of a directory read whole.
    """
    con = ctx.con
    con.execute("ALTER TABLE stage_events ADD COLUMN _reason VARCHAR")
    con.execute("ALTER TABLE stage_events ADD COLUMN _raw VARCHAR")
    target = f"INSERT INTO stage_events ({', '.join(EVENTS.names)}, _reason, _raw) "
    try:
        with plain_copy(path) as (plain, scanned):
            # rows staged before this file (a directory reader stages several files) must survive a retry
            mark = con.execute("SELECT coalesce(max(rowid), -1) FROM stage_events").fetchall()[0][0]
            read = _fast(ctx, plain, layout, mapping, target, scanned, file)
            if read is None:  # _fast quarantines nothing before it is sure, so only events need undoing
                con.execute("DELETE FROM stage_events WHERE rowid > ?", [mark])
                read = _exact(ctx, plain, layout, mapping, target, file)
        con.execute(
            "INSERT INTO stage_quarantine SELECT dataset, file, line, left(_raw, 2000), _reason "
            "FROM stage_events WHERE _reason IS NOT NULL"
        )
        con.execute("DELETE FROM stage_events WHERE _reason IS NOT NULL")
    finally:
        con.execute("ALTER TABLE stage_events DROP COLUMN _reason")
        con.execute("ALTER TABLE stage_events DROP COLUMN _raw")
    return read


def _fast(ctx: StageContext, plain: Path, layout: Layout, mapping: Mapping, target: str,
          scanned: Scanned, file: str | None) -> int | None:
    """DuckDB's parallel reader, optimistically while the newline scan runs; None: use ``_exact``."""
    con = ctx.con
    hdr = 1 if layout.header else 0
    cols = "{" + ", ".join(f"{sql_str(c)}: 'VARCHAR'" for c in layout.columns) + "}"
    quote = sql_str(layout.quote)
    src = (
        f"(SELECT * EXCLUDE (ordinality), ordinality + {hdr} AS _line FROM read_csv({sql_str(str(plain))}, "
        f"columns={cols}, header={'true' if hdr else 'false'}, delim={sql_str(layout.delim)}, "
        f"quote={quote}, escape={quote}, auto_detect=false, null_padding=false, "
        f"store_rejects=true, rejects_table='_rejects', rejects_scan='_rejects_scan', "
        f"max_line_size=4000000) WITH ORDINALITY)"
    )
    for t in ("_rejects", "_rejects_scan"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    if not scanned.pending and not scanned().clean:
        return None  # stray carriage returns make DuckDB's reader fail: straight to the exact path
    good = con.execute(target + mapping(src)).fetchall()[0][0]
    scan = scanned()  # a pending scan is of a CR-free file, which DuckDB reads without failing
    data_lines = scan.lines - hdr
    if not scan.clean:
        for t in ("_rejects", "_rejects_scan"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        return None
    try:
        rej = con.execute(
            "SELECT line, first(csv_line ORDER BY column_idx NULLS FIRST), "
            "first(error_message ORDER BY column_idx NULLS FIRST) "
            "FROM _rejects GROUP BY line ORDER BY line"
        ).fetchall()
    finally:
        for t in ("_rejects", "_rejects_scan"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    if good + len(rej) != data_lines or any(not (hdr < r[0] <= hdr + data_lines) for r in rej):
        return None
    if rej:
        # good rows before the j-th rejected line (1-based j) = line - header - j
        con.execute("CREATE OR REPLACE TEMP TABLE _shifts (k BIGINT, n BIGINT)")
        con.executemany("INSERT INTO _shifts VALUES (?, ?)", [(r[0] - hdr - j, j) for j, r in enumerate(rej, 1)])
        con.execute(  # ASOF: the last rejected line before each row (rows x rejects would blow up)
            "UPDATE stage_events s SET line = s.line + x.n FROM ("
            " SELECT e.line AS old, sh.n FROM stage_events e ASOF JOIN _shifts sh ON e.line - ? > sh.k) x"
            " WHERE s.line = x.old",
            [hdr],
        )
        con.execute("DROP TABLE _shifts")
        for line, raw, msg in rej:
            ctx.quarantine(int(line), raw or "", f"unreadable line (DuckDB: {msg})", file)
    return data_lines


def _exact(ctx: StageContext, plain: Path, layout: Layout, mapping: Mapping, target: str, file: str | None) -> int:
    """Line by line in Python: exact line numbers whatever the file holds."""
    width = len(layout.columns)
    cols: list[list] = [[] for _ in range(width)]
    lines: list[int] = []
    read = 0

    def flush() -> None:
        if not lines:
            return
        batch = pa.table(
            {**{c: pa.array(v, pa.string()) for c, v in zip(layout.columns, cols, strict=True)},
             "_line": pa.array(lines, pa.int64())}
        )
        ctx.con.register("_raw_batch", batch)
        try:
            ctx.con.execute(target + mapping("_raw_batch"))
        finally:
            ctx.con.unregister("_raw_batch")
        for v in cols:
            v.clear()
        lines.clear()

    with plain.open("rb") as fh:
        for n, b in enumerate(fh, 1):
            if n == 1 and layout.header:
                continue
            read += 1
            body = b.rstrip(b"\r\n")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as e:
                ctx.quarantine(n, body.decode("utf-8", "replace"), f"bytes that are not UTF-8 ({e.reason} at {e.start})",
                               file)
                continue
            if not text.strip():
                ctx.quarantine(n, text, "blank line", file)
                continue
            if layout.quote:
                fields = next(csv.reader([text], delimiter=layout.delim, quotechar=layout.quote), [])
            else:
                fields = text.split(layout.delim)
            if len(fields) != width:
                ctx.quarantine(n, text, f"expected {width} fields, found {len(fields)}", file)
                continue
            for v, f in zip(cols, fields, strict=True):
                v.append(f if f != "" else None)
            lines.append(n)
            if len(lines) >= BATCH_ROWS:
                flush()
    flush()
    return read
