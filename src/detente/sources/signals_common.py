"""Shared pieces of the signal readers (UN votes, alliances, conflicts, state lists): CSV rows with line numbers.

Internal: helpers the signal readers share; not part of the Python API.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from detente import actors
from detente.sources.base import BATCH_ROWS, StageContext, open_text

__all__: list[str] = []


def csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str], str]]:
    """(line number, row as dict, raw line) for each data row of a (gzip) CSV with a header."""
    with open_text(path) as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            return
        for row in reader:
            line = reader.line_num
            raw = ",".join(row)
            if len(row) != len(header):
                yield line, {}, raw
                continue
            yield line, dict(zip(header, row, strict=True)), raw


def num(v: str | None) -> float | None:
    if v is None or v.strip() in ("", "NA", "NaN"):
        return None
    return float(v)


class Batcher:
    """Collects signal rows and appends them to the stage in batches."""

    def __init__(self, ctx: StageContext, table: str = "signals"):
        self.ctx, self.table, self.rows = ctx, table, []

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        self.ctx.append(self.table, self.rows)
        self.rows = []


# Code lookups are called once per row: cache them (a few hundred distinct codes per file).
from_cow = cache(actors.from_cow)
from_gw = cache(actors.from_gw)
from_iso2 = cache(actors.from_iso2)
