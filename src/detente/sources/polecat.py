"""POLECAT (PLOVER-coded) event files as published on the Harvard Dataverse: tab-delimited with a header.

The layout is read from the header by column name, so column order and extra columns do not matter.
Needed: ``Event ID``, ``Event Date``, ``Event Type``. Used when present: ``Actor Name``,
``Actor Country``, ``Primary Actor Sector``, ``Recipient Name``, ``Recipient Country``,
``Primary Recipient Sector``, ``Placename``, ``City``, ``District``, ``Province``, ``Country``,
``Latitude``, ``Longitude``. (``Event Mode``, ``Contexts``, ``Intensity``, story metadata are not part of
the events schema.) The fixture's header is the 40-column header of the real 2018 monthly release files
as public preprocessing code reads it (see docs/sources.md); the literal ``None`` those files use for a
missing value is read as missing.

``plover_type`` is the Event Type; ``cameo_code`` is the CAMEO code the PLOVER crosswalk puts first for
that type (``PLOVER_TO_CAMEO``), which gives the root, QuadClass and Goldstein through the store's
``cameo`` table. Countries are ISO3 in POLECAT; sectors are words mapped with ``actors.sector_of``.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

from pathlib import Path

from detente import actors
from detente.sources.base import DatasetInfo, StageContext
from detente.sources.delimited import (
    Layout,
    Mapping,
    Prepare,
    fill_lookup,
    head_text,
    raw_expr,
    sql_str,
    stage_events,
)

__all__: list[str] = []

NAME = "polecat"
DATASET = DatasetInfo(
    name="polecat",
    title="POLECAT: Political Event Classification, Attributes and Types (PLOVER-coded events)",
    license="Harvard Dataverse terms of use (see the dataset page)",
    url="https://doi.org/10.7910/DVN/AJGVIT",
    version="POLECAT weekly/yearly files (Dataverse doi:10.7910/DVN/AJGVIT)",
    citation="""@data{halterman2023polecat,
  author = {Halterman, Andrew and Bagozzi, Benjamin E. and Beger, Andreas and Schrodt, Philip A. and
            Scarborough, Grace I.},
  title = {{POLECAT} Global Political Event Dataset},
  publisher = {Harvard Dataverse},
  year = {2023},
  doi = {10.7910/DVN/AJGVIT},
  note = {Described in: PLOVER and POLECAT: A New Political Event Ontology and Dataset, ISA 2023}
}""",
)
REQUIRED = ("Event ID", "Event Date", "Event Type")
PLACE = ("City", "District", "Province", "State", "Country")  # "State": older layouts
USED = (*REQUIRED, "Actor Name", "Actor Country", "Primary Actor Sector", "Recipient Name", "Recipient Country",
        "Primary Recipient Sector", "Placename", *PLACE, "Latitude", "Longitude")
# PLOVER event type -> the CAMEO code whose meaning it carries (root codes where the crosswalk maps a
# whole root to the type; RETREAT has no root of its own: 084 "Return, release").
PLOVER_TO_CAMEO = {
    "AGREE": "03", "CONSULT": "04", "SUPPORT": "05", "COOPERATE": "06", "AID": "07", "CONCEDE": "08",
    "RETREAT": "084", "REQUEST": "10", "ACCUSE": "11", "REJECT": "12", "THREATEN": "13", "PROTEST": "14",
    "MOBILIZE": "15", "SANCTION": "16", "COERCE": "17", "ASSAULT": "18",
}


def _header(path: Path, head: bytes | None = None) -> list[str]:
    text = head_text(path, 16384) if head is None or head[:2] == b"\x1f\x8b" or head[:2] == b"PK" else \
        head.decode("utf-8", "replace")
    return [c.strip().strip('"') for c in text.split("\n", 1)[0].rstrip("\r").lstrip("\ufeff").split("\t")]


def sniff(path: Path, head: bytes) -> bool:
    if not path.is_file():
        return False
    cols = _header(path, head)
    return all(c in cols for c in REQUIRED) and ("Actor Name" in cols or "Recipient Name" in cols)


def _col(layout: Layout, name: str) -> str:
    """SQL: the trimmed field of row ``r``, NULL when empty, spelled "None" or absent from the layout."""
    return f'nullif(nullif(trim(r."{name}"), \'\'), \'None\')' if name in layout.columns else "NULL"


def _mapping(ctx: StageContext, layout: Layout) -> Mapping:
    ds, fl, raw = sql_str(ctx.dataset), sql_str(ctx.file), raw_expr(layout)

    def col(name: str) -> str:
        return _col(layout, name)

    place = "nullif(concat_ws(', ', " + ", ".join(col(c) for c in PLACE) + "), '')"
    location = f"coalesce({col('Placename')}, {place})"

    def build(src: str) -> str:
        return f"""
        SELECT {col('Event ID')}, x.day, {col('Actor Name')}, ca.iso3, ca.iso3, sa.v,
               {col('Recipient Name')}, cr.iso3, cr.iso3, sr.v,
               pc.code, NULL, NULL, NULL, upper({col('Event Type')}),
               NULL, NULL, NULL, NULL, {location},
               TRY_CAST({col('Latitude')} AS DOUBLE), TRY_CAST({col('Longitude')} AS DOUBLE), NULL, NULL,
               {ds}, {fl}, r._line,
               CASE WHEN {col('Event ID')} IS NULL THEN 'missing Event ID'
                    WHEN x.day IS NULL THEN 'Event Date ' || coalesce(chr(39) || r."Event Date" || chr(39), 'missing')
                                            || ' is not YYYY-MM-DD'
                    WHEN pc.code IS NULL THEN 'unknown CAMEO code: PLOVER event type '
                                              || coalesce(chr(39) || r."Event Type" || chr(39), 'missing')
                                              || ' has no CAMEO counterpart'
               END AS _reason,
               CASE WHEN _reason IS NOT NULL THEN {raw} END
        FROM {src} r
        CROSS JOIN LATERAL (SELECT CASE WHEN regexp_full_match(trim(r."Event Date"), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
                                        THEN TRY_CAST(trim(r."Event Date") AS DATE) END AS day) x
        LEFT JOIN _polecat_types pc ON pc.type = upper({col('Event Type')})
        LEFT JOIN _polecat_cc ca ON ca.code = {col('Actor Country')}
        LEFT JOIN _polecat_cc cr ON cr.code = {col('Recipient Country')}
        LEFT JOIN _polecat_sector sa ON sa.k = {col('Primary Actor Sector')}
        LEFT JOIN _polecat_sector sr ON sr.k = {col('Primary Recipient Sector')}
        """

    return build


def _tables(ctx: StageContext) -> None:
    types = ", ".join(f"({sql_str(t)}, {sql_str(c)})" for t, c in PLOVER_TO_CAMEO.items())
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE _polecat_types AS SELECT * FROM (VALUES {types}) t(type, code)")
    cc = ", ".join(f"({sql_str(i)}, {sql_str(i)})" for i in sorted(actors.countries()))
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE _polecat_cc AS SELECT * FROM (VALUES {cc}) t(code, iso3)")


def _prepare(ctx: StageContext, layout: Layout) -> Prepare:
    """Sector words ("Government", "Military") -> CAMEO agent codes, once per distinct word."""
    def prepare(src: str) -> None:
        words = " UNION ALL ".join(f"SELECT {_col(layout, c)} FROM {src} r"
                                   for c in ("Primary Actor Sector", "Primary Recipient Sector"))
        fill_lookup(ctx.con, "_polecat_sector", words, actors.sector_of)

    return prepare


def stage(ctx: StageContext) -> int:
    cols = _header(ctx.path)
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise ValueError(f"no {', '.join(repr(m) for m in missing)} column in the header; is this a POLECAT file?")
    layout = Layout(tuple(cols), True, "\t", "")
    _tables(ctx)
    try:
        used = [c for c in layout.columns if c in USED]
        return stage_events(ctx, ctx.path, layout, _mapping(ctx, layout), used=used, prepare=_prepare(ctx, layout))
    finally:
        for t in ("_polecat_types", "_polecat_cc", "_polecat_sector"):
            ctx.con.execute(f"DROP TABLE IF EXISTS {t}")
