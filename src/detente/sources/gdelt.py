"""GDELT 1.0 event files: the daily ``YYYYMMDD.export.CSV.zip`` (58 tab-separated fields, no header; 57
before April 2013, without SOURCEURL) and comma-separated extracts with a header (extra trailing
columns such as a ``month`` added by whoever cut the extract are ignored).

Staged in one DuckDB statement (see ``detente.sources.delimited``): event_id = GLOBALEVENTID, date =
SQLDATE, actors from Actor{1,2}CountryCode (CAMEO country codes -> ISO3 via ``actors.countries()``),
Actor{1,2}Type1Code as the sector, Actor{1,2}Code as the text; CAMEO attributes from the store's
``cameo`` table (GDELT's own Goldstein table); NumMentions/NumSources/NumArticles/AvgTone; ActionGeo
full name and coordinates; SOURCEURL. GDELT repeats an event in later files: the store folds repeats.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

from detente import actors
from detente.sources.base import DatasetInfo, StageContext
from detente.sources.delimited import Layout, Mapping, head_text, raw_expr, sql_str, stage_events

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


# Renamed headers seen in the wild, mapped to GDELT's own fields BY POSITION after the whole header has been
# matched: their names are not GDELT's and some mislead (in this one, "Actor_1_Country_Code" heads the Actor1Code
# field and "Mention_Type" the ActionGeo_Type field; checked against the rows). A leading pandas index column and
# trailing mention fields are kept as unused extras.
RENAMED_HEADERS: dict[tuple[str, ...], tuple[int, int]] = {  # header -> (fields before GLOBALEVENTID, after SOURCEURL)
    ("", "Global_Event_ID", "Day", "YYYYMM", "YYYY", "Day_Time", "Actor_1_Country_Code", "Actor_1_Name",
     "Actor_1_Country_ABBR", "Actor_1_Known_Group_Code", "Actor_1_Ethnic_Code", "Actor_1_Religion_Code",
     "Actor_1_Religion_2_Code", "Actor_1_Role", "Actor_1_Role2", "Actor_1_Role3", "Actor_2_Country_Code",
     "Actor_2_Name", "Actor_2_Country_ABBR", "Actor_2_Know_Group_Code", "Actor_2_Ethnic_Code",
     "Actor_2_Religion_Code", "Actor_2_Religion_2_Code", "Actor_2_Role", "Actor_2_Role2", "Actor_2_Role3",
     "Is_Root_Event", "Event_Code", "Event_Base_Code", "Event_Root_Code", "Quad_Class", "Goldstein_Scale",
     "Num_Mentions", "Num_Sources", "Num_Articles", "AVG_TONE", "Actor_1_Geo_Type", "Actor_1_Geo_FullName",
     "Actor_1_Geo_Country_Code", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long",
     "Actor1Geo_FeatureID", "Actor_2_Geo_Type", "Actor_2_Geo_FullName", "Actor_2_Geo_Country_Code",
     "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
     "Mention_Type", "ST_PR_CNTRY", "Country", "ADM1Code_Extra", "ADM2Code_Extra", "Lat_Extra", "Long_Extra",
     "ActorGeo_FeaturID_Extra", "Date_Added", "Source_URL", "Confidence"): (1, 1),
}


def _renamed(first: str, known: tuple[tuple[str, ...], ...]) -> Layout | None:
    try:
        names = tuple(x.strip().strip('"') for x in next(csv.reader([first.replace("\r", " ")])))
    except (csv.Error, StopIteration):  # not a CSV header at all: some other format's first line
        return None
    for header, (lead, tail) in RENAMED_HEADERS.items():
        if names == header:
            for cols in known:
                if len(cols) == len(names) - lead - tail:
                    return Layout(tuple(f"_lead{i}" for i in range(lead)) + cols
                                  + tuple(f"_extra{i}" for i in range(tail)), True, ",", '"')
    return None


def layout_of(head: str, known: tuple[tuple[str, ...], ...]) -> Layout | None:
    """The layout of a file that starts with ``head``, among ``known`` column lists."""
    head = head.lstrip("\ufeff")
    first = head.split("\n", 1)[0].rstrip("\r")
    renamed = _renamed(first, known) if "," in first else None
    if renamed is not None:
        return renamed
    if first.startswith("GLOBALEVENTID"):
        delim = "\t" if "\t" in first else ","
        names = tuple(x.strip().strip('"') for x in first.split(delim))
        for cols in known:
            if names[: len(cols)] == cols:
                extra = tuple(f"_extra{i}" for i in range(len(names) - len(cols)))
                return Layout(cols + extra, True, delim, '"' if delim == "," else "")
        return None
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
    pairs: dict[str, str] = {}
    for iso, r in actors.countries().items():
        pairs.setdefault(iso, iso)
        if r.get("cameo"):
            pairs.setdefault(r["cameo"], iso)
    values = ", ".join(f"({sql_str(c)}, {sql_str(i)})" for c, i in sorted(pairs.items()))
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
