"""ICEWS events as temporal knowledge-graph quadruples (subject, relation, object, time).

Two layouts, both tab-separated, plain or gzip:

- named: ``source \\t relation \\t target \\t YYYY-MM-DD`` (e.g. the mmkb ICEWS14 / ICEWS05-15 splits);
- id-based: ``subject_id \\t relation_id \\t object_id \\t time [\\t 0]`` with ``entity2id.txt`` and
  ``relation2id.txt`` (``name \\t id``) beside the split files. Reads a directory (train, valid and test
  concatenated: the splits are by time) or one split file. ``time`` counts days from 1 January of the
  dataset's year (ICEWS21, ICEWS22, ICEWS14, ...) or, for ICEWS18 as RE-Net ships it, hours in 24-hour
  steps from 2018-01-01. The origin comes from the directory name or ``options['origin']``
  (``YYYY-MM-DD``) with ``options['step']`` (``day`` | ``hour``).

The relation is the ICEWS "Event Text" and is mapped to its CAMEO code; actors are left to the store's
resolver (``source_text`` = the ICEWS name, e.g. "Military (Azerbaijan)"). ``event_id`` is a stable hash
of (subject, relation, object, date) (``q`` + the first 16 hex digits of the MD5 of the four fields joined
by tabs), so a quadruple seen twice folds into one event with ``reports`` = 2. Staged with DuckDB SQL
(``detente.sources.delimited``), like GDELT.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import date
from pathlib import Path

from detente import cameo
from detente.sources.base import StageContext, lines
from detente.sources.delimited import Layout, Mapping, head_text, plain_copy, raw_expr, sql_str, stage_events
from detente.sources.icews import DATASET  # noqa: F401 (the reader contract: same dataset as the .tab reader)

__all__: list[str] = []

NAME = "icews_quads"
READS_DIRECTORIES = True
SPLITS = ("train", "valid", "test")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
YEAR_RE = re.compile(r"icews[_-]?(\d{2}|\d{4})(?!\d)", re.IGNORECASE)


class OriginError(ValueError):
    pass


def _text_head(head: bytes) -> str:
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 1 << 16)  # bounded
        except zlib.error:
            return ""
    return head.decode("utf-8", "replace")


def _split_files(folder: Path) -> list[Path]:
    out = []
    for s in SPLITS:
        for suffix in (".txt", ".txt.gz"):
            if (folder / f"{s}{suffix}").is_file():
                out.append(folder / f"{s}{suffix}")
    return out


def _has_id_tables(folder: Path) -> bool:
    return (folder / "entity2id.txt").is_file() and (folder / "relation2id.txt").is_file()


def sniff(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return _has_id_tables(path) and bool(_split_files(path))
    first = _text_head(head).split("\n", 1)[0].rstrip("\r")
    f = [x.strip() for x in first.split("\t")]
    if len(f) == 4 and DATE_RE.match(f[3]) and all(f[:3]):
        return True
    return _has_id_tables(path.parent) and len(f) in (4, 5) and all(x.isdigit() for x in f)


def origin_of(folder: Path, options: dict | None = None) -> tuple[date, int]:
    """(day 0, hours per time step) of an id-based ICEWS directory; an error when it cannot be told."""
    options = options or {}
    step_name = options.get("step")
    if options.get("origin"):
        try:
            day0 = date.fromisoformat(str(options["origin"]))
        except ValueError:
            raise OriginError(f"origin {options['origin']!r} is not a YYYY-MM-DD date") from None
    else:
        m = YEAR_RE.search(folder.name) or YEAR_RE.search(folder.parent.name)
        if not m:
            raise OriginError(
                f"{folder}: cannot tell the time origin of these ICEWS quadruples from the directory name; "
                "name it after its year (ICEWS21, ICEWS22, icews18) or pass the option origin=YYYY-MM-DD"
            )
        y = int(m.group(1))
        day0 = date(2000 + y if y < 100 else y, 1, 1)
        if step_name is None and day0.year == 2018:
            step_name = "hour"  # RE-Net's ICEWS18 counts hours in 24-hour steps
    if step_name not in (None, "day", "hour"):
        raise OriginError(f"step {step_name!r} must be 'day' or 'hour'")
    return day0, 24 if step_name == "hour" else 1


def _id_table(path: Path) -> list[tuple[int, str]]:
    out = []
    for n, line in lines(path):
        parts = line.split("\t")
        if len(parts) != 2 or not parts[1].strip().isdigit():
            raise ValueError(f"{path.name} line {n}: expected 'name<TAB>id', got {line[:80]!r}")
        out.append((int(parts[1]), parts[0].strip()))
    return out


def event_id(subject: str, relation: str, obj: str, day: date) -> str:
    """The stable id of a quadruple (the SQL in ``_EID`` computes the same)."""
    key = f"{subject}\t{relation}\t{obj}\t{day.isoformat()}".encode()
    return "q" + hashlib.md5(key).hexdigest()[:16]


_EID = "'q' || left(md5({s} || chr(9) || {r} || chr(9) || {o} || chr(9) || strftime({d}, '%Y-%m-%d')), 16)"
_NO_CODE = "'unknown CAMEO code: no CAMEO code for ICEWS event text ' || chr(39) || {r} || chr(39)"


def _load(ctx: StageContext, name: str, cols: str, rows: list[tuple]) -> None:
    """A small temp table from Python rows (VALUES lists: no Arrow/pandas round trip)."""
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({cols})")
    for k in range(0, len(rows), 5000):
        vals = ", ".join(
            "(" + ", ".join("NULL" if v is None else sql_str(v) if isinstance(v, str) else str(v) for v in r) + ")"
            for r in rows[k : k + 5000]
        )
        if vals:
            ctx.con.execute(f"INSERT INTO {name} VALUES {vals}")


def _relations(ctx: StageContext, names: list[tuple[int, str]]) -> None:
    rows = [(i, n, cameo.code_for_event_text(n)) for i, n in names]
    _load(ctx, "_quad_rel", "id BIGINT, name VARCHAR, code VARCHAR", rows)


def _mapping_named(ctx: StageContext, layout: Layout) -> Mapping:
    ds, fl, raw = sql_str(ctx.dataset), sql_str(ctx.file), raw_expr(layout, "x")
    eid = _EID.format(s="x.ss", r="x.rr", o="x.oo", d="x.day")
    nocode = _NO_CODE.format(r="x.rr")

    def build(src: str) -> str:
        return f"""
        SELECT {eid}, x.day, x.ss, NULL, NULL, NULL, x.oo, NULL, NULL, NULL,
               rl.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               {ds}, {fl}, x._line,
               CASE WHEN x.ss IS NULL OR x.rr IS NULL OR x.oo IS NULL
                      THEN 'empty source, relation or target'
                    WHEN x.day IS NULL THEN 'date ' || coalesce(chr(39) || x.d || chr(39), 'missing')
                                            || ' is not YYYY-MM-DD'
                    WHEN rl.code IS NULL THEN {nocode}
               END AS _reason,
               CASE WHEN _reason IS NOT NULL THEN {raw} END
        FROM (SELECT *, nullif(trim(s), '') AS ss, nullif(trim(r), '') AS rr, nullif(trim(o), '') AS oo,
                     CASE WHEN regexp_full_match(trim(d), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
                          THEN TRY_CAST(trim(d) AS DATE) END AS day FROM {src}) x
        LEFT JOIN _quad_rel rl ON rl.name = x.rr
        """

    return build


def _mapping_ids(ctx: StageContext, file: str, layout: Layout, day0: date, step: int) -> Mapping:
    ds, fl, raw = sql_str(ctx.dataset), sql_str(file), raw_expr(layout, "x")
    eid = _EID.format(s="e1.name", r="rl.name", o="e2.name", d="x.day")
    nocode = _NO_CODE.format(r="rl.name")
    last = date(day0.year, 12, 31)

    def build(src: str) -> str:
        return f"""
        SELECT {eid}, x.day, e1.name, NULL, NULL, NULL, e2.name, NULL, NULL, NULL,
               rl.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               {ds}, {fl}, x._line,
               CASE WHEN x.si IS NULL OR x.ri IS NULL OR x.oi IS NULL OR x.ti IS NULL
                      THEN 'expected 4 integer fields (subject, relation, object, time)'
                    WHEN x.ti % {step} <> 0 OR x.ti < 0 OR x.day > DATE '{last}'
                      THEN '!origin: time ' || x.ti || ' on line ' || x._line
                    WHEN e1.name IS NULL OR e2.name IS NULL THEN 'unknown entity id'
                    WHEN rl.name IS NULL THEN 'unknown relation id'
                    WHEN rl.code IS NULL THEN {nocode}
               END AS _reason,
               CASE WHEN _reason IS NOT NULL THEN {raw} END
        FROM (SELECT *, TRY_CAST(trim(s) AS BIGINT) AS si, TRY_CAST(trim(r) AS BIGINT) AS ri,
                     TRY_CAST(trim(o) AS BIGINT) AS oi, TRY_CAST(trim(t) AS BIGINT) AS ti,
                     DATE '{day0}' + CAST(TRY_CAST(trim(t) AS BIGINT) // {step} AS INTEGER) AS day
              FROM {src}) x
        LEFT JOIN _quad_ent e1 ON e1.id = x.si
        LEFT JOIN _quad_ent e2 ON e2.id = x.oi
        LEFT JOIN _quad_rel rl ON rl.id = x.ri
        """

    return build


def _stage_named(ctx: StageContext, path: Path) -> int:
    layout = Layout(("s", "r", "o", "d"), False, "\t", "")
    with plain_copy(path) as (plain, _):  # relation names are few: collect them, map each once
        names = ctx.con.execute(
            f"SELECT DISTINCT trim(r) FROM read_csv({sql_str(str(plain))}, columns={{'s': 'VARCHAR', "
            "'r': 'VARCHAR', 'o': 'VARCHAR', 'd': 'VARCHAR'}, header=false, delim='\t', quote='', escape='', "
            "auto_detect=false, ignore_errors=true)"
        ).fetchall()
    _relations(ctx, list(enumerate(sorted(n for (n,) in names if n))))
    try:
        return stage_events(ctx, path, layout, _mapping_named(ctx, layout))
    finally:
        ctx.con.execute("DROP TABLE IF EXISTS _quad_rel")


def _stage_ids(ctx: StageContext, folder: Path, files: list[Path]) -> int:
    day0, step = origin_of(folder, ctx.options)
    _load(ctx, "_quad_ent", "id BIGINT, name VARCHAR", _id_table(folder / "entity2id.txt"))
    _relations(ctx, _id_table(folder / "relation2id.txt"))
    prefix = f"{folder.name}/" if ctx.path.is_dir() else ""
    read = 0
    try:
        for f in files:
            width = len(head_text(f, 4096).split("\n", 1)[0].rstrip("\r").split("\t"))
            layout = Layout(("s", "r", "o", "t", "x")[: 5 if width == 5 else 4], False, "\t", "")
            name = prefix + f.name
            read += stage_events(ctx, f, layout, _mapping_ids(ctx, name, layout, day0, step), file=name)
            bad = ctx.con.execute(
                "SELECT file, reason FROM stage_quarantine WHERE reason LIKE '!origin:%' LIMIT 1"
            ).fetchall()
            if bad:
                unit = "hours" if step == 24 else "days"
                raise OriginError(
                    f"{bad[0][0]}: {bad[0][1].removeprefix('!origin: ')} is no offset in {unit} from {day0} "
                    f"that falls inside {day0.year}; the time origin is wrong: pass the option "
                    "origin=YYYY-MM-DD (and step=day or step=hour)"
                )
    finally:
        ctx.con.execute("DROP TABLE IF EXISTS _quad_ent")
        ctx.con.execute("DROP TABLE IF EXISTS _quad_rel")
    return read


def stage(ctx: StageContext) -> int:
    path = ctx.path
    if path.is_dir():
        files = _split_files(path)
        if not files or not _has_id_tables(path):
            raise ValueError(f"{path}: expected train/valid/test.txt with entity2id.txt and relation2id.txt")
        return _stage_ids(ctx, path, files)
    f = head_text(path, 4096).split("\n", 1)[0].rstrip("\r").split("\t")
    if len(f) == 4 and DATE_RE.match(f[3].strip()):
        return _stage_named(ctx, path)
    if not _has_id_tables(path.parent):
        raise ValueError(f"{path}: id-based quadruples need entity2id.txt and relation2id.txt beside them")
    return _stage_ids(ctx, path.parent, [path])
