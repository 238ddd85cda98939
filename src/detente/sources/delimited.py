"""Fast staging of big delimited event files with DuckDB, exact line numbers and full row accounting.

Used by the GDELT readers (and any reader whose rows map to ``events`` by one SQL expression).

How a file goes in:

1. ``plain_copy``: gzip and zip inputs are stream-decompressed (1 MB blocks, flat memory) into a
   temporary file in ``$TMPDIR``, counting newlines on the way; a plain file is only scanned for its
   newline count. DuckDB cannot read zip, and reading gzip itself would be single-threaded.
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
import shutil
import tempfile
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
    _tail: bytes = b"\n"
    _last: bytes = b"\n"

    def add(self, block: bytes) -> None:
        if not block:
            return
        joined = self._tail + block
        self.lines += block.count(b"\n")
        self.cr += block.count(b"\r")
        self.crlf += joined.count(b"\r\n") - self._tail.count(b"\r\n")
        self.blank += joined.count(b"\n\n") + joined.count(b"\n\r\n") - (
            self._tail.count(b"\n\n") + self._tail.count(b"\n\r\n"))
        self._tail = joined[-2:]
        self._last = block[-1:]

    def done(self) -> Scan:
        if self._last != b"\n":
            self.lines += 1  # a last line without its newline
        return self

    @property
    def clean(self) -> bool:
        """True when DuckDB's reader sees exactly one record per physical line."""
        newlines = self.lines - (self._last != b"\n")
        return self.blank == 0 and self.cr == self.crlf and self.crlf in (0, newlines)


@contextmanager
def plain_copy(path: Path) -> Iterator[tuple[Path, Scan]]:
    """(a plain-text path for DuckDB, its newline statistics): decompresses gzip/zip to a temp file."""
    scan = Scan()
    opened = _open_compressed(path)
    if opened is None:
        with path.open("rb") as fh:
            while block := fh.read(4 * BLOCK):
                scan.add(block)
        yield path, scan.done()
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
        yield out, scan.done()
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
        with plain_copy(path) as (plain, scan):
            data_lines = scan.lines - (1 if layout.header else 0)
            # rows staged before this file (a directory reader stages several files) must survive a retry
            mark = con.execute("SELECT coalesce(max(rowid), -1) FROM stage_events").fetchall()[0][0]
            read = _fast(ctx, plain, layout, mapping, target, data_lines, file) if scan.clean else None
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
          data_lines: int, file: str | None) -> int | None:
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
    good = con.execute(target + mapping(src)).fetchall()[0][0]
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
