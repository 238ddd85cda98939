"""What every reader shares: dataset metadata and the staging context it writes into."""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from detente.schema import TABLES, arrow_schema

__all__ = ["BATCH_ROWS", "DatasetInfo", "StageContext", "open_text", "lines"]

BATCH_ROWS = 100_000


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title: str
    license: str
    citation: str  # BibTeX
    url: str = ""
    version: str = ""
    first_day: date | None = None  # the first day the dataset can hold; earlier rows are quarantined


@dataclass
class StageContext:
    """Given to a reader's ``stage``: where to put rows, and what it is reading."""

    con: duckdb.DuckDBPyConnection
    path: Path
    dataset: str
    file: str
    quarantined: list[tuple[int | None, str, str, str | None]] = field(default_factory=list)
    options: dict = field(default_factory=dict)  # reader options (e.g. icews_quads origin=YYYY-MM-DD)

    def append(self, table: str, batch: pa.Table | pa.RecordBatch | list[dict]) -> None:
        """Append rows (in ``table``'s schema; missing columns become NULL) to ``stage_<table>``."""
        schema = arrow_schema(TABLES[table])
        if isinstance(batch, list):
            if not batch:
                return
            batch = pa.Table.from_pylist(batch)
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        if batch.num_rows == 0:
            return
        cols = []
        for f in schema:
            if f.name in batch.column_names:
                cols.append(batch.column(f.name).cast(f.type))
            elif f.name == "dataset":
                cols.append(pa.array([self.dataset] * batch.num_rows, pa.string()))
            elif f.name == "file":
                cols.append(pa.array([self.file] * batch.num_rows, pa.string()))
            else:
                cols.append(pa.nulls(batch.num_rows, f.type))
        staged = pa.Table.from_arrays(cols, schema=schema)
        self.con.register("_staged_batch", staged)  # explicit: no reliance on replacement scans of locals
        try:
            self.con.execute(f"INSERT INTO stage_{table} SELECT * FROM _staged_batch")
        finally:
            self.con.unregister("_staged_batch")

    def quarantine(self, line: int | None, raw: str, reason: str, file: str | None = None) -> None:
        """Quarantine one input row; ``file`` names the member when a reader reads a directory whole."""
        self.quarantined.append((line, raw[:2000], reason, file))
        if len(self.quarantined) >= BATCH_ROWS:
            self.flush_quarantine()

    def flush_quarantine(self) -> None:
        if self.quarantined:
            lines, raws, reasons, files = zip(*self.quarantined, strict=True)
            n = len(lines)
            rows = pa.table(  # noqa: F841 (read by the SQL below)
                {
                    "dataset": pa.array([self.dataset] * n, pa.string()),
                    "file": pa.array([f or self.file for f in files], pa.string()),
                    "line": pa.array(lines, pa.int64()),
                    "raw": pa.array(raws, pa.string()),
                    "reason": pa.array(reasons, pa.string()),
                }
            )
            self.con.execute("INSERT INTO stage_quarantine SELECT * FROM rows")
            self.quarantined.clear()


def open_text(path: Path) -> io.TextIOBase:
    """Open a plain, gzip or single-member zip text file, decoding UTF-8 with replacement marks.

    Bytes that are not UTF-8 become U+FFFD so the row can be quarantined with its line number
    instead of the whole file failing.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    text file object
        Newlines are kept as written (``newline=""``).

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> f = Path(tmp.name) / "capitals.txt.gz"
    >>> _ = f.write_bytes(gzip.compress("Baku\\nYerevan\\r\\nTbilisi".encode()))
    >>> with open_text(f) as fh:
    ...     fh.read()
    'Baku\\nYerevan\\r\\nTbilisi'
    >>> tmp.cleanup()
    """
    from detente import limits
    from detente.sources.delimited import open_zip_member

    raw: io.BufferedIOBase
    with path.open("rb") as fh:
        magic = fh.read(4)
    size = path.stat().st_size
    if magic[:2] == b"\x1f\x8b":  # decompressed through the size and ratio limits (zip and gzip bombs)
        raw = limits.limited(gzip.open(path, "rb"), "the gzip stream", size)  # type: ignore[arg-type]
    elif magic == b"PK\x03\x04":
        raw = limits.limited(open_zip_member(path), "the zip archive", size)
    else:
        raw = path.open("rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


def lines(path: Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, line without its newline) for every line of a text file.

    Parameters
    ----------
    path : Path
        A plain, gzip or single-member zip text file (see :func:`open_text`).

    Yields
    ------
    tuple
        (line number, text); bytes that are not UTF-8 read as U+FFFD.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> f = Path(tmp.name) / "rows.txt"
    >>> _ = f.write_bytes(b"ok\\r\\nbad \\xff byte\\n")
    >>> [(n, text.replace("\\ufffd", "?")) for n, text in lines(f)]  # the byte 0xFF reads as U+FFFD
    [(1, 'ok'), (2, 'bad ? byte')]
    >>> tmp.cleanup()
    """
    with open_text(path) as fh:
        for n, line in enumerate(fh, 1):
            yield n, line.rstrip("\r\n")
