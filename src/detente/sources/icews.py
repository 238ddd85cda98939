"""ICEWS Coded Event Data in the Harvard Dataverse layout (``events.YYYY.*.tab``: 20 tab-separated
columns with a header: Event ID, Event Date, Source Name, Source Sectors, Source Country, Event Text,
CAMEO Code, Intensity, Target Name, ...). Plain, gzip or single-file zip.

Staged like GDELT (``detente.sources.delimited``: DuckDB's parallel reader, exact line numbers, one SQL
mapping). ``NA``, ``N/A``, ``NULL`` and empty fields are missing. Country names and Event Texts are
mapped once per distinct value (``actors.iso3``, ``cameo.code_for_event_text``) into small lookup
tables the mapping joins; a CAMEO code a spreadsheet stripped of its leading zero ('40') gets it back.

Actors: ``source_text``/``target_text`` keep the ICEWS name ("Military (Azerbaijan)", "Ilham Aliyev");
the store resolves them with ``actors.resolution_rows``. The country column is pre-filled from
"Source Country" so a name the resolver does not know still gets its ISO3 country.
Event IDs repeat in the published files; the store folds repeats into one event (``reports``).

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from detente import actors, cameo
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

NAME = "icews"
DATASET = DatasetInfo(
    name="icews",
    title="ICEWS Coded Event Data",
    license="Harvard Dataverse terms of use (ICEWS data released for research use)",
    url="https://doi.org/10.7910/DVN/28075",
    version="Dataverse doi:10.7910/DVN/28075",
    first_day=date(1979, 1, 1),  # ICEWS starts in 1995; 1979 as for GDELT leaves room for back-coded events
    citation="""@data{boschee2015icews,
  author = {Boschee, Elizabeth and Lautenschlager, Jennifer and O'Brien, Sean and Shellman, Steve and
            Starz, James and Ward, Michael},
  title = {{ICEWS} Coded Event Data},
  publisher = {Harvard Dataverse},
  year = {2015},
  doi = {10.7910/DVN/28075},
  url = {https://doi.org/10.7910/DVN/28075}
}""",
)
COLUMNS = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number",
    "Publisher", "City", "District", "Province", "Country", "Latitude", "Longitude",
)
LAYOUT = Layout(COLUMNS, header=True, delim="\t", quote="")
NULLS = ("", "NA", "N/A", "NULL", "null")
USED = ("Event ID", "Event Date", "Source Name", "Source Country", "Event Text", "CAMEO Code", "Target Name",
        "Target Country", "City", "Province", "Country", "Latitude", "Longitude")


def sniff(path: Path, head: bytes) -> bool:
    if not path.is_file():
        return False
    # a zip's (or gzip's) head is compressed bytes: read the head of its member instead
    text = head_text(path, 65536) if head[:2] == b"\x1f\x8b" or head[:4] == b"PK\x03\x04" else head.decode(
        "utf-8", "replace")
    first = text.split("\n", 1)[0].rstrip("\r").lstrip("\ufeff")
    return first.split("\t")[:3] == list(COLUMNS[:3])


def _v(col: str) -> str:
    """SQL: the trimmed field, NULL when missing (a simple CASE: twice as fast as ``IN (...)`` here)."""
    nulls = " ".join(f"WHEN {sql_str(x)} THEN NULL" for x in NULLS)
    return f'(CASE trim(r."{col}") {nulls} ELSE trim(r."{col}") END)'


def _mapping(ctx: StageContext) -> Mapping:
    ds, fl, raw = sql_str(ctx.dataset), sql_str(ctx.file), raw_expr(LAYOUT)
    code = _v("CAMEO Code")
    bad_date = "'Event Date ' || chr(39) || coalesce(trim(r.\"Event Date\"), '') || chr(39) || ' is not YYYY-MM-DD'"

    def build(src: str) -> str:
        return f"""
        SELECT {_v('Event ID')}, x.day, {_v('Source Name')}, NULL, cs.v, NULL,
               {_v('Target Name')}, NULL, ct.v, NULL,
               CASE WHEN regexp_full_match(x.code, '[0-9]{{1,2}}') AND x.code NOT IN (SELECT code FROM cameo)
                    THEN lpad(x.code, 3, '0') ELSE x.code END,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               nullif(concat_ws(', ', {_v('City')}, {_v('Province')}, {_v('Country')}), ''),
               TRY_CAST(trim(r."Latitude") AS DOUBLE), TRY_CAST(trim(r."Longitude") AS DOUBLE), NULL, NULL,
               {ds}, {fl}, r._line,
               CASE WHEN x.day IS NULL THEN {bad_date} END AS _reason,
               CASE WHEN _reason IS NOT NULL THEN {raw} END
        FROM {src} r
        LEFT JOIN _icews_text tx ON tx.k = {_v('Event Text')}
        LEFT JOIN _icews_cc cs ON cs.k = {_v('Source Country')}
        LEFT JOIN _icews_cc ct ON ct.k = {_v('Target Country')}
        CROSS JOIN LATERAL (SELECT
            CASE WHEN regexp_full_match(trim(r."Event Date"), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
                 THEN TRY_CAST(trim(r."Event Date") AS DATE) END AS day,
            coalesce({code}, tx.v) AS code) x
        """

    return build


def _prepare(ctx: StageContext) -> Prepare:
    """Map the distinct country names (-> ISO3) and Event Texts (-> CAMEO) not seen yet into the lookups."""
    def prepare(src: str) -> None:
        fill_lookup(ctx.con, "_icews_cc", f"SELECT {_v('Source Country')} FROM {src} r UNION ALL "
                                          f"SELECT {_v('Target Country')} FROM {src} r", actors.iso3)
        fill_lookup(ctx.con, "_icews_text",
                    f"SELECT {_v('Event Text')} FROM {src} r WHERE {_v('CAMEO Code')} IS NULL",
                    cameo.code_for_event_text)

    return prepare


def stage(ctx: StageContext) -> int:
    first = head_text(ctx.path, 65536).split("\n", 1)[0].rstrip("\r")
    if first.lstrip("\ufeff").split("\t") != list(COLUMNS):
        got = first[:120] if first else "an empty file"
        raise ValueError(f"expected the ICEWS Dataverse header ({', '.join(COLUMNS[:4])}, ...), found {got!r}")
    try:
        return stage_events(ctx, ctx.path, LAYOUT, _mapping(ctx), used=USED, prepare=_prepare(ctx))
    finally:
        for t in ("_icews_cc", "_icews_text"):
            ctx.con.execute(f"DROP TABLE IF EXISTS {t}")
