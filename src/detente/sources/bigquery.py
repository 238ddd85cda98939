"""The dyad x day index ``detente bigquery-sql --per day`` computes in BigQuery, as downloaded from it.

Reads BigQuery's CSV export (a header row with the query's aliases, ``export.DAY_COLUMNS``; NULL as an
empty field; ``true``/``false``) or its newline-delimited JSON export (NULL fields left out, INT64
values as strings), plain or gzip, one file or a folder of export shards (read as one input, since a
day's rows may sit in different shards).

Stored in ``dyad_days`` (dataset ``gdelt_bigquery``) so that relations' ``index`` for this dataset
equals the query's ``index`` and the index DuckDB computes from the same events:

* each dyad row becomes a row with ``score`` = its ``goldstein_sum``;
* each day's *world row* (``actor_a`` and ``actor_b`` empty; the totals of all international events)
  becomes one row of the pseudo-actor ``WLD`` with itself, whose ``score`` is the rest of the world's
  volume: ``world_abs`` minus the day's stored ``|goldstein_sum|``. Relations divides by the sum of
  ``|score|`` of the day's rows, which is then exactly ``world_abs``; no dyad of two actors includes it.

Quarantined with a reason: a row that is not a day, has one actor or two equal ones, a value that is
not a finite number, an ``index`` that is not ``1000 x goldstein_sum / world_abs``, a dyad row whose
day has no world row or another ``world_abs``, a repeated row. Monthly output (a ``month`` column) is
refused: the store keeps days.

Internal: a reader (see :mod:`detente.sources`), used through ``Store.ingest`` and ``detente ingest --reader
bigquery``; not part of the Python API.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa

from detente.sources.base import BATCH_ROWS, DatasetInfo, StageContext, open_text
from detente.sources.delimited import head_text
from detente.sources.gdelt import DATASET as _GDELT

__all__: list[str] = []

NAME = "bigquery"
READS_DIRECTORIES = True
WORLD = "WLD"  # the pseudo-actor of the world rows (no ISO3 or CAMEO country has this code)
# the columns of export.DAY_COLUMNS the reader needs (tests check they are among them)
NEEDED = ("date", "actor_a", "actor_b", "directed", "goldstein_sum", "goldstein_abs", "world_abs", "index")
DATASET = DatasetInfo(
    name="gdelt_bigquery",
    title="GDELT events aggregated per dyad and day in BigQuery (detente bigquery-sql --per day)",
    license=_GDELT.license,
    url="https://console.cloud.google.com/bigquery?p=gdelt-bq&d=gdeltv2&t=events_partitioned",
    version="GDELT 2.0 events, BigQuery gdelt-bq.gdeltv2",
    first_day=_GDELT.first_day,
    citation=_GDELT.citation,  # the GDELT events the query aggregates
)
_CODE = re.compile(r"[A-Z0-9]{3}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TOL = 1e-9


def _first_line(path: Path) -> str:
    """The header line of a plain, gzip or zip export ("" when unreadable: then it is not this format)."""
    return head_text(path).partition("\n")[0].strip()


def _kind(line: str) -> str | None:
    """csv or json when ``line`` opens a BigQuery export of the day (or month) index, else None."""
    if line.startswith("{"):
        try:
            keys = set(json.loads(line))
        except ValueError:
            return None
        return "json" if {"world_abs", "goldstein_sum"} <= keys and ({"date", "month"} & keys) else None
    head = [h.strip().strip('"') for h in line.split(",")]
    return "csv" if {"world_abs", "goldstein_sum", "actor_a"} <= set(head) else None


def _members(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
    return [path]


def sniff(path: Path, head: bytes) -> bool:
    files = _members(path)
    return bool(files) and all(_kind(_first_line(f)) for f in files)


def _records(path: Path) -> Iterator[tuple[int, str, dict | None, str | None]]:
    """(line, raw text, fields as text or None, problem) per data row of one export file."""
    kind = _kind(_first_line(path))
    if kind is None:
        raise ValueError(f"{path.name}: not a BigQuery export of `detente bigquery-sql --per day` "
                         f"(expected a header with {', '.join(NEEDED)})")
    with open_text(path) as fh:
        if kind == "csv":
            rows = csv.reader(fh)
            header = [h.strip() for h in next(rows)]
            _check_header(path, header)
            for n, row in enumerate(rows, 2):
                raw = ",".join(row)
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    yield n, raw, None, f"{len(row)} fields, not the header's {len(header)}"
                    continue
                yield n, raw, dict(zip(header, row, strict=True)), None
        else:
            for n, line in enumerate(fh, 1):
                text = line.strip()
                if not text:
                    continue
                try:
                    rec = json.loads(text)
                except ValueError as e:
                    yield n, text, None, f"not a JSON object ({e.msg})"
                    continue
                if not isinstance(rec, dict):
                    yield n, text, None, "not a JSON object"
                    continue
                if n == 1:
                    _check_header(path, list(rec))
                yield n, text, {k: _text(v) for k, v in rec.items()}, None


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _check_header(path: Path, names: list[str]) -> None:
    if "month" in names and "date" not in names:
        raise ValueError(f"{path.name}: a monthly index (a month column); the store keeps days: rerun "
                         "`detente bigquery-sql --per day` and ingest that output")
    missing = [c for c in NEEDED if c not in names and c not in ("actor_a", "actor_b")]
    if missing:
        raise ValueError(f"{path.name}: no {', '.join(missing)} column; export the full result of "
                         "`detente bigquery-sql --per day`")


def _number(rec: dict, col: str, empty_ok: bool = False) -> float | None:
    v = rec.get(col, "").strip()
    if v == "" and empty_ok:
        return None
    try:
        x = float(v)
    except ValueError:
        raise _Bad(f"{col} {v!r} is not a number") from None
    if not math.isfinite(x):
        raise _Bad(f"{col} {v!r} is not a finite number")
    return x


class _Bad(ValueError):
    pass


@functools.lru_cache(maxsize=1 << 16)
def _day(d: str) -> date:
    """The day a ``date`` field names (one date object per distinct day: millions of rows share a few)."""
    if not _DAY.fullmatch(d):
        raise _Bad(f"date {d!r} is not a YYYY-MM-DD day")
    try:
        return date.fromisoformat(d)
    except ValueError:
        raise _Bad(f"date {d!r} is not a day of the calendar") from None


def _code(v: str) -> str | None:
    x = v.strip().upper()
    return sys.intern(x) if x else None


def _parse(rec: dict) -> tuple[date, str | None, str | None, bool, float, float, float, float | None]:
    day = _day(rec.get("date", "").strip())
    a, b = _code(rec.get("actor_a", "")), _code(rec.get("actor_b", ""))
    if (a is None) != (b is None):
        raise _Bad("one actor is empty: a dyad row needs both, the world row neither")
    for x in (a, b):
        if x is not None and (not _CODE.fullmatch(x) or x == WORLD):
            raise _Bad(f"actor {x!r} is not a 3-letter code")
    if a is not None and a == b:
        raise _Bad(f"actor_a and actor_b are both {a}")
    flag = rec.get("directed", "").strip().lower()
    if flag not in ("true", "false"):
        raise _Bad(f"directed {flag!r} is not true or false")
    gs, gabs, wabs = _number(rec, "goldstein_sum"), _number(rec, "goldstein_abs"), _number(rec, "world_abs")
    index = _number(rec, "index", empty_ok=True)
    assert gs is not None and gabs is not None and wabs is not None
    if gabs < abs(gs) - _TOL * max(1.0, gabs) or wabs < gabs - _TOL * max(1.0, wabs):
        raise _Bad(f"|goldstein_sum| {abs(gs)} <= goldstein_abs {gabs} <= world_abs {wabs} does not hold")
    want = 1000.0 * gs / wabs if wabs > 0 else None
    if (want is None) != (index is None) or (want is not None and index is not None
                                             and abs(index - want) > 1e-6 * max(1.0, abs(want))):
        raise _Bad(f"index {index} is not 1000 x goldstein_sum / world_abs = {want}")
    return day, a, b, flag == "true", gs, gabs, wabs, index


def stage(ctx: StageContext) -> int:
    read = 0
    directed: bool | None = None
    members = _members(ctx.path)
    multi = ctx.path.is_dir()
    names = [f"{ctx.path.name}/{m.relative_to(ctx.path).as_posix()}" if multi else None for m in members]
    # compact per row (a year of every country dyad is millions of rows): no raw text is kept; the few rows
    # quarantined after the whole input is read get their raw text from a second pass over their file
    world: dict[date, tuple[int, int, float]] = {}  # day -> (member, line, world_abs) of its first world row
    dyads: dict[date, list[tuple[int, int, str, str, float, float]]] = {}  # (member, line, a, b, gs, wabs)
    later: list[tuple[int, int, str]] = []  # (member, line, reason): quarantined once every row is read
    for mi, member in enumerate(members):
        name = names[mi]
        for line, raw, rec, problem in _records(member):
            read += 1
            if rec is None:
                ctx.quarantine(line, raw, problem or "unreadable row", name)
                continue
            try:
                day, a, b, flag, gs, _gabs, wabs, _index = _parse(rec)
            except _Bad as e:
                ctx.quarantine(line, raw, str(e), name)
                continue
            if directed is None:
                directed = flag
            if flag != directed:
                ctx.quarantine(line, raw, f"directed is {str(flag).lower()} but the first row said "
                               f"{str(directed).lower()}", name)
                continue
            if a is None or b is None:
                if day in world:
                    ctx.quarantine(line, raw, f"repeats the world row of line {world[day][1]} for {day}", name)
                else:
                    world[day] = (mi, line, wabs)
                continue
            if not directed and a > b:
                ctx.quarantine(line, raw, f"an undirected row needs actor_a <= actor_b ({a} > {b})", name)
                continue
            dyads.setdefault(day, []).append((mi, line, a, b, gs, wabs))
    batch = _Batch(ctx, bool(directed))
    for day in sorted(set(world) | set(dyads)):
        w = world.get(day)
        keep = []
        first: dict[tuple[str, str], int] = {}
        for mi, line, a, b, gs, wabs in dyads.pop(day, []):
            if (a, b) in first:
                later.append((mi, line, f"repeats the row of line {first[(a, b)]}"))
            elif w is None:
                later.append((mi, line, f"no world row for {day} (the day's totals the index divides by); "
                                        "ingest the whole query result"))
            elif abs(wabs - w[2]) > _TOL * max(1.0, w[2]):
                later.append((mi, line, f"world_abs {wabs} is not the {w[2]} of the world row for {day}"))
            else:
                keep.append((mi, line, a, b, gs))
            first.setdefault((a, b), line)
        if w is None:
            continue
        wmi, wline, wabs = w
        rest = wabs - sum(abs(k[4]) for k in keep)
        if rest < -_TOL * max(1.0, wabs):
            later.append((wmi, wline, f"world_abs {wabs} is less than the day's dyads' |goldstein_sum| "
                                      f"({wabs - rest}); the file is not one query's output"))
            later += [(mi, line, f"the world row for {day} was quarantined") for mi, line, *_ in keep]
            continue
        for _mi, line, a, b, gs in keep:
            batch.add(day, a, b, gs, line)
        batch.add(day, WORLD, WORLD, max(rest, 0.0), wline)
    batch.flush()
    _quarantine_later(ctx, members, names, later)
    return read


class _Batch:
    """dyad_days rows as columns, appended every BATCH_ROWS."""

    def __init__(self, ctx: StageContext, directed: bool):
        self.ctx, self.directed = ctx, directed
        self.cols: tuple[list, ...] = ([], [], [], [], [])

    def add(self, day: date, a: str, b: str, score: float, line: int) -> None:
        for col, v in zip(self.cols, (day, a, b, score, line), strict=True):
            col.append(v)
        if len(self.cols[0]) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        d, a, b, sc, ln = self.cols
        if d:
            self.ctx.append("dyad_days", pa.table({
                "date": pa.array(d, pa.date32()), "actor_a": pa.array(a, pa.string()),
                "actor_b": pa.array(b, pa.string()), "directed": pa.array([self.directed] * len(d), pa.bool_()),
                "score": pa.array(sc, pa.float64()), "line": pa.array(ln, pa.int64())}))
        self.cols = ([], [], [], [], [])


def _quarantine_later(ctx: StageContext, members: list[Path], names: list[str | None],
                      later: list[tuple[int, int, str]]) -> None:
    """Quarantine rows found bad only after the whole input was read, with their raw text (one more pass)."""
    by: dict[int, dict[int, str]] = {}
    for mi, line, reason in later:
        by.setdefault(mi, {})[line] = reason
    for mi, wanted in sorted(by.items()):
        for line, raw, _rec, _problem in _records(members[mi]):
            if line in wanted:
                ctx.quarantine(line, raw, wanted[line], names[mi])
