"""Fast staging of big delimited event files with DuckDB, exact line numbers and full row accounting.

Used by the GDELT readers (and any reader whose rows map to ``events`` by one SQL expression).

How a file goes in:

1. ``plain_copy``: gzip and zip inputs are stream-decompressed (1 MB blocks, flat memory) into a
   temporary file in ``$TMPDIR``, scanned on the way; a plain file is scanned in a background thread
   overlapping step 2 when it holds no carriage return. The scan counts newlines, checks UTF-8 and
   records ``marks`` (byte offset, newlines before it) every block, so any line can be found again fast.
   DuckDB cannot read zip, and reading gzip itself would be single-threaded.
2. Fast path: DuckDB's parallel ``read_csv`` (every column VARCHAR, ``store_rejects`` on) copies only
   the columns the mapping reads into a temporary table. Insertion order is preserved, so the k-th
   row of that table is the k-th accepted line: its line number is ``header + k + (rejected lines
   before it)``. (We read every field ``WITH ORDINALITY`` before: 13.2 s against 2.9 s for the 17 used
   GDELT fields, ``bench/bench_ingest.py --parts ordinality``.) This is exact when every physical line is either a row
   or a reject, which is checked (good + rejected = newline count), and the order is checked against
   the file at the first line after every scan mark (one per 4 MB). Lines DuckDB rejects (wrong column count, invalid UTF-8 in a read
   column) go to quarantine with DuckDB's message; lines with invalid UTF-8 in a column not read are
   found by the scan and quarantined too. Quarantined rows get their raw text from the file itself.
3. Slow exact path, used only when a check fails (quotes that swallow lines) or the scan saw what DuckDB
   skips or chokes on (blank lines, stray carriage returns): Python reads line by line, quarantines blank,
   non-UTF-8 and wrong-width lines itself and hands Arrow batches of the rest to the same mapping.

The mapping computes a ``_reason`` (NULL for a good row) and ``_raw``; rows with a reason move to
quarantine before the store's own checks run.

Internal: the staging machinery the delimited readers share; not part of the Python API.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import gzip
import os
import shutil
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from detente import limits
from detente.schema import EVENTS
from detente.sources.base import BATCH_ROWS, StageContext

__all__: list[str] = []

BLOCK = 1 << 20
GZIP, ZIP, EMPTY_ZIP = b"\x1f\x8b", b"PK\x03\x04", b"PK\x05\x06"


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


def archive_problem(path: Path) -> str | None:
    """Why a file that starts like a gzip or zip archive cannot be read as one (None: it can, or it is plain).

    One clear sentence for each way an archive goes wrong (truncated, not an archive after its magic
    bytes, several members, no member, encrypted, a CRC error in its first block), checked before any
    reader runs so that none reports a corrupt archive as a file with "1 field".
    """
    with path.open("rb") as fh:
        magic = fh.read(4)
    try:
        if magic[:2] == GZIP:
            d = zlib.decompressobj(wbits=31)
            with path.open("rb") as fh:
                head = d.decompress(fh.read(1 << 16), 1 << 16)
            if not head and d.eof:
                return "the gzip stream is empty (0 bytes inside); nothing to ingest"
            if not head:
                return "the gzip stream is cut short before its first block; download the file again"
            return None
        if magic == EMPTY_ZIP:
            return "the zip archive is empty (no file in it); nothing to ingest"
        if magic == ZIP:
            with open_zip_member(path) as fh:
                fh.read(1 << 16)
    except zlib.error as e:
        return f"corrupt {'gzip' if magic[:2] == GZIP else 'zip'} data ({e}); download the file again"
    except ValueError as e:
        return str(e).removeprefix(f"{path.name}: ")
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        return f"corrupt zip data ({e}); download the file again"
    return None


def _open_compressed(path: Path) -> tuple[object, str] | None:
    """A gzip or single-member zip opened through the decompression limits (``detente.limits``); None if plain."""
    with path.open("rb") as fh:
        magic = fh.read(4)
    size = path.stat().st_size
    if magic[:2] == GZIP:
        return limits.limited(gzip.open(path, "rb"), "the gzip stream", size), "gzip"  # type: ignore[arg-type]
    if magic == ZIP:
        return limits.limited(open_zip_member(path), "the zip archive", size), "zip"  # type: ignore[arg-type]
    return None


def open_zip_member(path: Path):  # noqa: ANN201 (a zipfile.ZipExtFile)
    """The one member of a zip archive, opened; a one-line ValueError saying what is wrong otherwise."""
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        raise ValueError(f"{path.name}: not a readable zip archive although it starts like one ({e}); "
                         "download it again") from None
    except (OSError, EOFError) as e:
        raise ValueError(f"{path.name}: cannot read the zip archive ({e}); download it again") from None
    names = [n for n in zf.namelist() if not n.endswith("/")]
    if len(names) != 1:
        zf.close()
        shown = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
        raise ValueError(f"{path.name}: the zip holds {len(names)} files ({shown or 'none'}); detente reads a zip "
                         "of exactly one file: unzip it and ingest the files")
    try:
        return zf.open(names[0])
    except (NotImplementedError, RuntimeError, zipfile.BadZipFile) as e:  # encrypted, unknown compression
        zf.close()
        raise ValueError(f"{path.name}: cannot open its member {names[0]} ({e}); unzip it yourself and ingest "
                         "the plain file") from None


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
    bad_utf8: bool = False  # some bytes are not UTF-8 (``bad_lines`` finds where)
    marks: list[tuple[int, int]] = field(default_factory=list)  # (byte offset, newlines before it)
    _size: int = 0
    _tail: bytes = b"\n"
    _last: bytes = b"\n"
    _utf8: codecs.IncrementalDecoder = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")())

    def add(self, block: bytes) -> None:
        if not block:
            return
        self.marks.append((self._size, self.lines))
        self._size += len(block)
        self.lines += block.count(b"\n")
        self._last = block[-1:]
        if not self.bad_utf8 and (not block.isascii() or self._utf8.getstate()[0]):
            try:
                self._utf8.decode(block)
            except UnicodeDecodeError:
                self.bad_utf8 = True
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
        if not self.bad_utf8:
            try:
                self._utf8.decode(b"", final=True)  # a multi-byte character cut by the end of the file
            except UnicodeDecodeError:
                self.bad_utf8 = True
        return self

    @property
    def clean(self) -> bool:
        """True when DuckDB's reader sees exactly one record per physical line."""
        newlines = self.lines - (self._last != b"\n")
        return self.blank == 0 and self.cr == self.crlf and self.crlf in (0, newlines)


def _has_cr(path: Path) -> bool:
    """Whether a plain file holds a carriage return anywhere (empty files count as having one).

    Read in 4 MB blocks (memchr speed): an mmap of the whole file would count every page of it in the
    process's resident memory (an 8.7 GB file showed as an 8.4 GB peak).
    """
    with path.open("rb") as fh:
        first = fh.read(4 * BLOCK)
        if not first or b"\r" in first:
            return True
        while block := fh.read(4 * BLOCK):
            if b"\r" in block:
                return True
    return False


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
    limits.clean_stale()  # scratch directories of processes that were killed
    tmpdir = tempfile.mkdtemp(prefix=f"{limits.PREFIX}{os.getpid()}-")
    out = Path(tmpdir) / (path.name + ".txt")
    try:
        with src as fh, out.open("wb") as dst:  # type: ignore[attr-defined]
            while True:
                try:
                    block = fh.read(BLOCK)
                except (EOFError, OSError, zipfile.BadZipFile, zlib.error) as e:
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
Prepare = Callable[[str], None]  # source relation SQL -> (fills the lookup tables the mapping joins)


def fill_lookup(con: duckdb.DuckDBPyConnection, table: str, values_sql: str, fn: Callable[[str], str | None]) -> None:
    """Add to ``table`` (k VARCHAR, v VARCHAR; created if missing) every distinct non-NULL value of the
    one-column query ``values_sql`` it does not hold yet, mapped by ``fn`` in Python (a reader's ``prepare``)."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (k VARCHAR, v VARCHAR)")
    new = [v for (v,) in con.execute(
        f"SELECT DISTINCT v FROM ({values_sql}) t(v) WHERE v IS NOT NULL AND v NOT IN (SELECT k FROM {table})"
    ).fetchall()]
    if new:
        con.register("_lookup_new", pa.table({"k": pa.array(new, pa.string()),
                                              "v": pa.array([fn(x) for x in new], pa.string())}))
        try:
            con.execute(f"INSERT INTO {table} SELECT * FROM _lookup_new")
        finally:
            con.unregister("_lookup_new")


def read_lines(path: Path, wanted: Sequence[int], marks: Sequence[tuple[int, int]]) -> dict[int, bytes]:
    """The given 1-based physical lines of ``path`` (without their newline), found by seeking to the
    nearest scan mark before each and reading forward; one sequential pass when they are close together."""
    nbs = [nb for _, nb in marks]
    out: dict[int, bytes] = {}
    with path.open("rb") as fh:
        at = 1  # the line fh is positioned at the start of
        for line in sorted(set(wanted)):
            k = bisect.bisect_right(nbs, line - 2) - 1  # a mark at least one whole line before
            off, nb = marks[k] if k >= 0 else (0, 0)
            if off and (nb + 2 > at or at > line):
                fh.seek(off)
                fh.readline()  # the rest of line nb + 1
                at = nb + 2
            elif at > line:
                fh.seek(0)
                at = 1
            while at < line:
                fh.readline()
                at += 1
            out[line] = fh.readline().rstrip(b"\r\n")
            at += 1
    return out


def bad_lines(path: Path) -> list[int]:
    """Line numbers of the lines holding bytes that are not UTF-8 (run only when the scan saw some)."""
    bad = []
    with path.open("rb") as fh:
        for n, b in enumerate(fh, 1):
            if not b.isascii():
                try:
                    b.decode("utf-8")
                except UnicodeDecodeError:
                    bad.append(n)
    return bad


def stage_events(ctx: StageContext, path: Path, layout: Layout, mapping: Mapping, file: str | None = None,
                 used: Sequence[str] | None = None, prepare: Prepare | None = None) -> int:
    """Stage ``path`` (rows in ``layout``) into stage_events through ``mapping``; returns rows read.

    ``file`` labels this file's quarantined lines when it is one member of a directory read whole.
    ``used`` names the columns the mapping reads (default: all); DuckDB then parses only those.
    ``prepare`` is called with the raw relation just before the mapping reads it (once for the whole
    file, or once per batch on the exact path): a reader fills the lookup tables its mapping joins,
    mapping each distinct raw value once in Python.
    """
    con = ctx.con
    con.execute("ALTER TABLE stage_events ADD COLUMN _reason VARCHAR")
    con.execute("ALTER TABLE stage_events ADD COLUMN _raw VARCHAR")
    target = f"INSERT INTO stage_events ({', '.join(EVENTS.names)}, _reason, _raw) "
    try:
        with plain_copy(path) as (plain, scanned):
            # rows staged before this file (a directory reader stages several files) must survive a retry
            mark = con.execute("SELECT coalesce(max(rowid), -1) FROM stage_events").fetchall()[0][0]
            if prepare is not None:
                mapping = _prepared(mapping, prepare)
            read = _fast(ctx, plain, layout, mapping, target, scanned, file, used or layout.columns, mark)
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
        for t in ("_csv", "_rejects", "_rejects_scan", "_shifts"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
    return read


def _prepared(mapping: Mapping, prepare: Prepare) -> Mapping:
    def build(src: str) -> str:
        prepare(src)
        return mapping(src)

    return build


def _fields(layout: Layout, text: bytes) -> list[str | None]:
    """One line split as DuckDB splits it (empty field = NULL)."""
    line = text.decode("utf-8", "replace")
    if layout.quote:
        fields = next(csv.reader([line], delimiter=layout.delim, quotechar=layout.quote), [])
    else:
        fields = line.split(layout.delim)
    return [f if f != "" else None for f in fields]


def _fast(ctx: StageContext, plain: Path, layout: Layout, mapping: Mapping, target: str, scanned: Scanned,
          file: str | None, used: Sequence[str], mark: int) -> int | None:
    """DuckDB's parallel reader, optimistically while the newline scan runs; None: use ``_exact``."""
    con = ctx.con
    hdr = 1 if layout.header else 0
    cols = "{" + ", ".join(f"{sql_str(c)}: 'VARCHAR'" for c in layout.columns) + "}"
    quote = sql_str(layout.quote)
    read = ", ".join(f'"{c}"' for c in used)
    if not scanned.pending and not scanned().clean:
        return None  # stray carriage returns make DuckDB's reader fail: straight to the exact path
    con.execute("SET preserve_insertion_order = true")  # the row order is what gives line numbers
    good = con.execute(
        f"CREATE TEMP TABLE _csv AS SELECT {read} FROM read_csv({sql_str(str(plain))}, "
        f"columns={cols}, header={'true' if hdr else 'false'}, delim={sql_str(layout.delim)}, "
        f"quote={quote}, escape={quote}, auto_detect=false, null_padding=false, "
        f"store_rejects=true, rejects_table='_rejects', rejects_scan='_rejects_scan', max_line_size=4000000)"
    ).fetchall()[0][0]
    scan = scanned()  # a pending scan is of a CR-free file, which DuckDB reads without failing
    data_lines = scan.lines - hdr
    if not scan.clean:
        return None
    rej = con.execute(
        "SELECT line, first(csv_line ORDER BY column_idx NULLS FIRST), "
        "first(error_message ORDER BY column_idx NULLS FIRST) FROM _rejects GROUP BY line ORDER BY line"
    ).fetchall()
    if good + len(rej) != data_lines or any(not (hdr < r[0] <= hdr + data_lines) for r in rej):
        return None
    # Row ids count up from a base (inside a transaction DuckDB numbers new rows from a large offset):
    # the k-th good row (1-based) has rowid base + k - 1.
    base, top = con.execute("SELECT coalesce(min(rowid), 0), coalesce(max(rowid), -1) FROM _csv").fetchall()[0]
    if top - base + 1 != good:
        return None
    # the k-th good row follows the j-th rejected line when k > (good rows before that line) = line - hdr - j
    before = [r[0] - hdr - j for j, r in enumerate(rej, 1)]
    if not _order_holds(ctx, plain, layout, used, scan, good, hdr, base, [r[0] for r in rej]):
        return None
    k = f"(c.rowid - {base} + 1)"
    src = f"(SELECT c.*, {k} + {hdr} AS _line FROM _csv c)"
    if rej:
        con.execute("CREATE OR REPLACE TEMP TABLE _shifts (k BIGINT, n BIGINT)")
        con.executemany("INSERT INTO _shifts VALUES (?, ?)", [(b, j) for j, b in enumerate(before, 1)])
        src = (f"(SELECT c.*, {k} + {hdr} + coalesce(sh.n, 0) AS _line FROM _csv c "
               f"ASOF LEFT JOIN _shifts sh ON {k} > sh.k)")
    unread = [c for c in layout.columns if c not in used]
    if unread:  # the mapping sees every column; those not read are NULL (raw text comes from the file)
        nulls = ", ".join(f'NULL::VARCHAR AS "{c}"' for c in unread)
        src = f"(SELECT *, {nulls} FROM {src})"
    con.execute(target + mapping(src))
    con.execute("DROP TABLE _csv")
    if unread:
        _from_file(con, plain, scan, mark)
    for line_no, raw_text, msg in rej:
        ctx.quarantine(int(line_no), raw_text or "", f"unreadable line (DuckDB: {msg})", file)
    return data_lines


def _from_file(con: duckdb.DuckDBPyConnection, plain: Path, scan: Scan, mark: int) -> None:
    """What DuckDB did not parse, taken from the file for the rows staged after ``mark``: lines with bytes that
    are not UTF-8 in the unread fields get that reason, and every row with a reason gets its line's raw text."""
    def join(name: str, table: pa.Table, sql: str) -> None:
        con.register(name, table)
        try:
            con.execute(sql, [mark])
        finally:
            con.unregister(name)

    if scan.bad_utf8:
        join("_bad_lines", pa.table({"line": pa.array(bad_lines(plain), pa.int64())}),
             "UPDATE stage_events SET _reason = 'bytes that are not UTF-8' "
             "WHERE rowid > ? AND line IN (SELECT line FROM _bad_lines)")
    wanted = [r[0] for r in con.execute(
        "SELECT line FROM stage_events WHERE rowid > ? AND _reason IS NOT NULL", [mark]).fetchall()]
    if wanted:
        texts = read_lines(plain, wanted, scan.marks)
        join("_raw_lines", pa.table({"line": pa.array(list(texts), pa.int64()),
                                     "raw": pa.array([t.decode("utf-8", "replace") for t in texts.values()])}),
             "UPDATE stage_events s SET _raw = r.raw FROM _raw_lines r "
             "WHERE s.rowid > ? AND s._reason IS NOT NULL AND s.line = r.line")


def _order_holds(ctx: StageContext, plain: Path, layout: Layout, used: Sequence[str], scan: Scan, good: int,
                 hdr: int, base: int, rejected: list[int]) -> bool:
    """Whether the staged rows sit in file order: the first and last rows, and the first whole line after
    every scan mark (one per 4 MB, finer than DuckDB's parallel scan units), equal their lines in the file."""
    if good == 0:
        return True
    before = [line - hdr - j for j, line in enumerate(rejected, 1)]  # good rows before each rejected line
    lines = {k: hdr + k + bisect.bisect_left(before, k) for k in {1, good}}
    gone = set(rejected)
    for off, nb in scan.marks:
        line = nb + 2  # the first line that starts after the mark
        if off and line not in gone and hdr < line <= hdr + good + len(rejected):
            lines[line - hdr - bisect.bisect_left(rejected, line)] = line
    texts = read_lines(plain, list(lines.values()), scan.marks)
    index = [layout.columns.index(c) for c in used]
    rows = ctx.con.execute(
        f"SELECT rowid - {base} + 1, * FROM _csv WHERE rowid IN ({', '.join(str(base + k - 1) for k in lines)})"
    ).fetchall()
    for k, *values in rows:
        fields = _fields(layout, texts[lines[k]])
        if len(fields) != len(layout.columns) or [fields[i] for i in index] != list(values):
            return False
    return len(rows) == len(lines)


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
