"""GDELT 1.0 event files: the daily ``YYYYMMDD.export.CSV.zip`` (58 tab-separated fields, no header; 57
before April 2013, without SOURCEURL) and comma-separated extracts with a header (extra trailing
columns such as a ``month`` added by whoever cut the extract are ignored).

Staged in one DuckDB statement (see ``detente.sources.delimited``): event_id = GLOBALEVENTID, date =
SQLDATE, actors from Actor{1,2}CountryCode (CAMEO country codes -> ISO3 via ``actors.countries()``),
Actor{1,2}Type1Code as the sector, Actor{1,2}Code as the text; CAMEO attributes from the store's
``cameo`` table (GDELT's own Goldstein table); NumMentions/NumSources/NumArticles/AvgTone; ActionGeo
full name and coordinates; SOURCEURL. GDELT repeats an event in later files: the store folds repeats.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from detente import actors
from detente.sources.base import DatasetInfo, StageContext
from detente.sources.delimited import Layout, Mapping, head_text, raw_expr, sql_str, stage_events

__all__: list[str] = []

NAME = "gdelt1"
DATASET = DatasetInfo(
    name="gdelt1",
    title="GDELT 1.0 Event Database",
    license="GDELT: free and open for any use with attribution (https://www.gdeltproject.org/about.html#termsofuse)",
    url="http://data.gdeltproject.org/events/index.html",
    version="GDELT 1.0 events",
    first_day=date(1979, 1, 1),  # GDELT's back file starts on 1979-01-01
    citation="""@inproceedings{leetaru2013gdelt,
  author = {Leetaru, Kalev and Schrodt, Philip A.},
  title = {{GDELT}: Global Data on Events, Location and Tone, 1979--2012},
  booktitle = {ISA Annual Convention},
  address = {San Francisco},
  year = {2013}
}""",
)

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_EVENT = ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
          "NumMentions", "NumSources", "NumArticles", "AvgTone")
_HEAD = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")


def columns(geo: tuple[str, ...], url: bool = True) -> tuple[str, ...]:
    return (*_HEAD, *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR), *_EVENT,
            *(f"{g}Geo_{c}" for g in ("Actor1", "Actor2", "Action") for c in geo), "DATEADDED",
            *(("SOURCEURL",) if url else ()))


GEO1 = ("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID")
COLUMNS = columns(GEO1)  # 58
COLUMNS_57 = columns(GEO1, url=False)  # daily files before April 2013
FILE_RE = re.compile(r"^\d{8}\.export\.csv(\.zip|\.gz)?$", re.IGNORECASE)


def _head(path: Path, head: bytes) -> str:
    if head[:2] == b"\x1f\x8b" or head[:4] == b"PK\x03\x04":
        return head_text(path, 65536)
    return head.decode("utf-8", "replace")


# Headers are mapped to GDELT's fields BY NAME, so a file whose columns are renamed or reordered still reads
# right. A header name is first looked up in RENAMED_FIELDS (exact spelling), then compared with GDELT's own names
# ignoring case, underscores and spaces ("Num_Mentions" = NumMentions, "Actor1Geo_ADM1Code" = itself). Names
# that are no GDELT field (a pandas index column, mention fields) are kept as unused extras.
RENAMED_FIELDS: dict[str, str] = {
    # the renaming of the shared GDELT 2.0 sample (gdelt2-events-sample, "Luka-Radulovic" extracts). Some of
    # its names mislead and were checked against the rows: "Actor_1_Country_Code" heads the Actor1Code field
    # (AFG, AFGGOV, ...) and "Actor_1_Country_ABBR" the Actor1CountryCode one; "Mention_Type" .. "ActorGeo_
    # FeaturID_Extra" are the ActionGeo block (type 1-5, full name, FIPS country, ADM1, ADM2, lat, long, id).
    "Day": "SQLDATE", "YYYYMM": "MonthYear", "YYYY": "Year", "Day_Time": "FractionDate",
    **{f"Actor_{n}_{a}": f"Actor{n}{b}" for n in (1, 2) for a, b in (
        ("Country_Code", "Code"), ("Country_ABBR", "CountryCode"), ("Know_Group_Code", "KnownGroupCode"),
        ("Religion_Code", "Religion1Code"), ("Role", "Type1Code"), ("Role2", "Type2Code"),
        ("Role3", "Type3Code"))},
    "Mention_Type": "ActionGeo_Type", "ST_PR_CNTRY": "ActionGeo_FullName", "Country": "ActionGeo_CountryCode",
    "ADM1Code_Extra": "ActionGeo_ADM1Code", "ADM2Code_Extra": "ActionGeo_ADM2Code", "Lat_Extra": "ActionGeo_Lat",
    "Long_Extra": "ActionGeo_Long", "ActorGeo_FeaturID_Extra": "ActionGeo_FeatureID",
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_ALL = {_key(c): c for c in columns(("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
                                     "FeatureID"))}  # every GDELT 1.0/2.0 event field, by its key


def by_name(names: tuple[str, ...], known: tuple[tuple[str, ...], ...]) -> tuple[str, ...] | None:
    """The GDELT field of each header name in file order (``_extraN`` for names that are none), when the names
    cover exactly one of the ``known`` field lists; None otherwise (a field twice, or not this format).

    >>> cols = columns(("Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"))
    >>> out = by_name(("Num_Mentions", "Global_Event_ID", "extra", *[c for c in cols[1:] if c != "NumMentions"]),
    ...               (cols,))
    >>> out[:3]
    ('NumMentions', 'GLOBALEVENTID', '_extra0')
    """
    named = [RENAMED_FIELDS.get(n) or _ALL.get(_key(n)) for n in names]
    got = [f for f in named if f is not None]
    if len(got) != len(set(got)):
        return None  # one field under two names: do not guess which one holds it
    for cols in known:
        if set(got) == set(cols):  # all of this layout's fields and none of another's (ADM2Code: 2.0)
            extra = iter(range(len(names)))
            return tuple(f if f is not None else f"_extra{next(extra)}" for f in named)
    return None


def _header_names(first: str, delim: str) -> tuple[str, ...] | None:
    try:
        return tuple(x.strip().strip('"') for x in next(csv.reader([first.replace("\r", " ")], delimiter=delim)))
    except (csv.Error, StopIteration):  # not a CSV header at all: some other format's first line
        return None


def layout_of(head: str, known: tuple[tuple[str, ...], ...]) -> Layout | None:
    """The layout of a file that starts with ``head``, among ``known`` column lists."""
    head = head.lstrip("\ufeff")
    first = head.split("\n", 1)[0].rstrip("\r")
    for delim in ("\t", ","):
        if delim not in first:
            continue
        names = _header_names(first, delim)
        if names and any(_key(n) == "globaleventid" for n in names):  # a header row, not data
            cols = by_name(names, known)
            return Layout(cols, True, delim, '"' if delim == "," else "") if cols else None
    return _headerless(head, known)


def _headerless(text: str, known: tuple[tuple[str, ...], ...]) -> Layout | None:
    """The known width most of the first lines have (one damaged first line must not decide)."""
    votes: dict[int, int] = {}
    for line in text.split("\n")[:50]:
        fields = line.rstrip("\r").split("\t")
        if len(fields) > 2 and fields[0].strip().isdigit() and re.fullmatch(r"\d{8}", fields[1].strip()):
            votes[len(fields)] = votes.get(len(fields), 0) + 1
    best = [cols for cols in known if votes.get(len(cols))]
    if not best:
        return None
    return Layout(max(best, key=lambda c: votes[len(c)]), False, "\t", "")


def sniff(path: Path, head: bytes) -> bool:
    if not path.is_file():
        return False
    if FILE_RE.match(path.name):
        return True
    return layout_of(_head(path, head), (COLUMNS, COLUMNS_57)) is not None


def _countries(ctx: StageContext) -> None:
    """Temp table _gdelt_cc(code, iso3): CAMEO country codes (mostly ISO3) -> ISO3."""
    values = ", ".join(f"({sql_str(c)}, {sql_str(i)})" for c, i in sorted(actors.cameo_iso3().items()))
    ctx.con.execute(f"CREATE OR REPLACE TEMP TABLE _gdelt_cc AS SELECT * FROM (VALUES {values}) t(code, iso3)")


# the fields ``mapping`` reads (DuckDB parses only these; a quarantined row's raw text comes from the file)
USED = ("GLOBALEVENTID", "SQLDATE", *(f"Actor{n}{c}" for n in (1, 2) for c in ("Code", "CountryCode", "Type1Code")),
        "EventCode", "NumMentions", "NumSources", "NumArticles", "AvgTone", "ActionGeo_FullName", "ActionGeo_Lat",
        "ActionGeo_Long")


def mapping(ctx: StageContext, layout: Layout, url: bool) -> Mapping:
    """SELECT from a source relation of raw GDELT fields (+ _line) to stage_events columns."""
    ds, fl = sql_str(ctx.dataset), sql_str(ctx.file)
    raw = raw_expr(layout)

    def side(n: int, c: str) -> str:
        return (f"nullif(trim(r.Actor{n}Code), '') AS {c}_text, c{n}.iso3 AS {c}_actor, c{n}.iso3 AS {c}_country, "
                f"nullif(trim(r.Actor{n}Type1Code), '') AS {c}_sector")

    def build(src: str) -> str:
        return f"""
        SELECT trim(r.GLOBALEVENTID) AS event_id, r._day AS date, {side(1, 'source')}, {side(2, 'target')},
               trim(r.EventCode) AS cameo_code, cm.root AS cameo_root, cm.quad_class, cm.goldstein, cm.plover_type,
               TRY_CAST(r.NumMentions AS INTEGER) AS mentions, TRY_CAST(r.NumSources AS INTEGER) AS sources,
               TRY_CAST(r.NumArticles AS INTEGER) AS articles, TRY_CAST(r.AvgTone AS DOUBLE) AS tone,
               nullif(r.ActionGeo_FullName, '') AS location, TRY_CAST(r.ActionGeo_Lat AS DOUBLE) AS latitude,
               TRY_CAST(r.ActionGeo_Long AS DOUBLE) AS longitude,
               {"nullif(trim(r.SOURCEURL), '')" if url else "NULL"} AS source_url, NULL AS reports,
               {ds} AS dataset, {fl} AS file, r._line AS line,
               CASE WHEN NOT regexp_full_match(coalesce(trim(r.GLOBALEVENTID), ''), '[0-9]+')
                      THEN 'GLOBALEVENTID ' || coalesce('''' || r.GLOBALEVENTID || '''', 'missing') || ' is not a number'
                    WHEN r._day IS NULL
                      THEN 'SQLDATE ' || coalesce('''' || r.SQLDATE || '''', 'missing') || ' is not a YYYYMMDD date'
                    WHEN cm.code IS NULL
                      THEN 'unknown CAMEO code ' || coalesce('''' || r.EventCode || '''', '(missing EventCode)')
               END AS _reason,
               CASE WHEN _reason IS NOT NULL THEN {raw} END AS _raw
        FROM (SELECT *, CASE WHEN _x BETWEEN DATE '1979-01-01' AND DATE '2100-01-01' THEN _x END AS _day
              FROM (SELECT *, CASE WHEN regexp_full_match(trim(SQLDATE), '[0-9]{{8}}')  -- 2021022 is no date
                                   THEN CAST(try_strptime(trim(SQLDATE), '%Y%m%d') AS DATE) END AS _x FROM {src})) r
        LEFT JOIN cameo cm ON cm.code = trim(r.EventCode)
        LEFT JOIN _gdelt_cc c1 ON c1.code = trim(r.Actor1CountryCode)
        LEFT JOIN _gdelt_cc c2 ON c2.code = trim(r.Actor2CountryCode)
        """

    return build


def stage_with(ctx: StageContext, known: tuple[tuple[str, ...], ...], what: str) -> int:
    head = head_text(ctx.path, 65536)
    layout = layout_of(head, known)
    if layout is None:
        n = len(head.split("\n", 1)[0].split("\t"))
        widths = " or ".join(str(len(k)) for k in known)
        raise ValueError(
            f"first line has {n} tab-separated fields, not the {widths} of {what}; check the file "
            f"or pass --format for its real layout"
        )
    _countries(ctx)
    try:
        url = "SOURCEURL" in layout.columns
        return stage_events(ctx, ctx.path, layout, mapping(ctx, layout, url), used=USED + (("SOURCEURL",) if url else ()))
    finally:
        ctx.con.execute("DROP TABLE IF EXISTS _gdelt_cc")


def stage(ctx: StageContext) -> int:
    return stage_with(ctx, (COLUMNS, COLUMNS_57), "a GDELT 1.0 event file")
