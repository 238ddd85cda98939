"""Take the store to bigger engines: Hive-partitioned Parquet, and the dyad x month index as BigQuery SQL.

``export_parquet`` writes each table with DuckDB's ``COPY ... (FORMAT parquet, PARTITION_BY ...)``:
``DIR/events/year=2021/month=3/data_0.parquet``. Spark (``spark.read.parquet``), BigQuery
(``bq load --hive_partitioning_mode=AUTO``) and DuckDB (``read_parquet(..., hive_partitioning=true)``)
read that layout directly. ``dyad_month_sql`` writes the dyad x month event index once, in DuckDB's
dialect over GDELT's raw column names, and transpiles it with sqlglot for GDELT's public BigQuery table.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from detente.errors import UserError

TABLES = ("events", "dyad_days", "signals")

__all__ = ["BIGQUERY_TABLE", "DAY_COLUMNS", "INDEX_COLUMNS", "PARTITION_SLACK_DAYS", "TABLES", "dyad_month_sql",
           "export_parquet", "provenance", "read_back"]
# partition columns per table and --partition-by; derived columns are added to the copy
PARTITIONS: dict[str, dict[str, list[tuple[str, str]]]] = {
    "events": {"month": [("year", "year(date)"), ("month", "month(date)")], "year": [("year", "year(date)")]},
    "dyad_days": {"month": [("year", "year(date)"), ("month", "month(date)")], "year": [("year", "year(date)")]},
    # signals are yearly (votes have dates, alliances and conflicts do not): partition by kind and year
    "signals": {"month": [("kind", ""), ("year", "")], "year": [("kind", ""), ("year", "")]},
}


def tables_arg(table: str) -> tuple[str, ...]:
    """The tables a ``--table`` value names (``all``: every exported table); anything else is a UserError.

    Examples
    --------
    >>> tables_arg("all"), tables_arg("events")
    (('events', 'dyad_days', 'signals'), ('events',))
    """
    if table == "all":
        return TABLES
    if table not in TABLES:
        raise UserError(f"--table {table!r} is not exported; use one of: {', '.join(TABLES)}, all")
    return (table,)


def export_parquet(
    store: Any,
    dest: Path | str,
    tables: tuple[str, ...] = TABLES,
    partition_by: str = "month",
    overwrite: bool = False,
) -> list[dict]:
    """Write ``tables`` of ``store`` under ``dest/<table>/`` as (Hive-partitioned) Parquet; rows per table.

    Every Parquet file carries key-value metadata (detente's version, the table, the datasets and their
    licenses) and ``dest/datapackage.json`` describes the export (Frictionless data package: fields, sources,
    citations).

    Parameters
    ----------
    store
        An open store (read-only is enough).
    dest
        The export folder.
    tables
        Names from :data:`TABLES`.
    partition_by
        ``month`` (``year=/month=`` folders), ``year`` or ``none`` (one file per table); signals are always by
        kind and year.
    overwrite
        Replace files in a non-empty ``dest/<table>``.

    Returns
    -------
    list of dict
        Per table: ``table``, ``rows``, ``files``, ``partition_by``, ``path``.

    Raises
    ------
    UserError
        A bad ``partition_by``, or a non-empty target without ``overwrite``.

    Examples
    --------
    >>> import os, tempfile
    >>> from detente.store import Store
    >>> tmp = tempfile.mkdtemp()
    >>> store = Store(os.path.join(tmp, "example.duckdb"))  # a new store with two hand-made events
    >>> _ = store.con.execute("INSERT INTO datasets (name, title, license) VALUES ('hand', 'Hand-made', 'CC0')")
    >>> _ = store.con.execute(
    ...     "INSERT INTO events (dataset, file, event_id, date, source_country, target_country, cameo_code, goldstein)"
    ...     " VALUES ('hand', 'h.csv', '1', '2021-03-01', 'ARM', 'AZE', '190', -10.0),"
    ...     " ('hand', 'h.csv', '2', '2021-04-02', 'AZE', 'ARM', '042', 1.9)")
    >>> [[r["rows"], r["files"], r["partition_by"]] for r in export_parquet(store, os.path.join(tmp, "out"), ("events",))]
    [[2, 2, 'year, month']]
    >>> sorted(p.relative_to(tmp).as_posix() for p in Path(tmp, "out").rglob("*") if p.is_file())
    ['out/datapackage.json', 'out/events/year=2021/month=3/data_0.parquet', 'out/events/year=2021/month=4/data_0.parquet']
    >>> import pyarrow.parquet as pq
    >>> meta = pq.read_metadata(os.path.join(tmp, "out", "events", "year=2021", "month=3", "data_0.parquet")).metadata
    >>> meta[b"detente_table"], meta[b"datasets"], meta[b"licenses"]
    (b'events', b'hand', b'hand: CC0')
    >>> store.close()
    """
    if partition_by not in ("month", "year", "none"):
        raise UserError(f"--partition-by {partition_by!r}: use month, year or none")
    dest = Path(dest)
    prov = provenance(store)
    out = []
    for t in tables:
        target = dest / t
        if target.exists() and any(target.iterdir()) and not overwrite:
            raise UserError(f"{target} is not empty; pass --overwrite to replace it or choose another directory")
        target.mkdir(parents=True, exist_ok=True)
        n = store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        kv = _kv_metadata(prov, t)
        if partition_by == "none":
            store.con.execute(f"COPY {t} TO '{_q(target / 'data_0.parquet')}' (FORMAT parquet, {kv})")
            parts: list[str] = []
        else:
            cols = PARTITIONS[t][partition_by]
            extra = "".join(f", {expr} AS {name}" for name, expr in cols if expr)
            parts = [name for name, _ in cols]
            opts = f"FORMAT parquet, {kv}, PARTITION_BY (" + ", ".join(parts) + ")"
            if overwrite:
                opts += ", OVERWRITE_OR_IGNORE"
            store.con.execute(f"COPY (SELECT *{extra} FROM {t}) TO '{_q(target)}' ({opts})")
        files = sorted(target.rglob("*.parquet"))
        out.append({"table": t, "rows": int(n), "files": len(files), "partition_by": ", ".join(parts) or "none",
                    "path": str(target)})
    write_datapackage(dest, prov, out)
    return out


def provenance(store: Any) -> dict:
    """What an export rests on: detente's version, the store file, and every dataset with license and citation.

    Parameters
    ----------
    store
        An open store.

    Returns
    -------
    dict
        ``detente_version``, ``created`` (UTC, ISO 8601), ``store`` (its path) and ``datasets`` (name, title,
        version, license, citation, coverage_start, coverage_end; by name).

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> prov = provenance(store)
    >>> prov["detente_version"] == detente.__version__, [d["name"] for d in prov["datasets"]][:3]
    (True, ['atop', 'cow_alliance', 'cow_states'])
    >>> [d["coverage_start"] for d in prov["datasets"] if d["name"] == "icews"]
    ['2021-01-01']
    >>> store.close()
    """
    from detente import __version__

    rows = store.con.execute(
        "SELECT name, title, version, license, citation, coverage_start, coverage_end FROM datasets ORDER BY name"
    ).fetchall()
    keys = ("name", "title", "version", "license", "citation", "coverage_start", "coverage_end")
    return {
        "detente_version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": str(getattr(store, "path", "")),
        "datasets": [{k: (str(v) if isinstance(v, date) else v) for k, v in zip(keys, r, strict=True)} for r in rows],
    }


def _kv_metadata(prov: dict, table: str) -> str:
    """DuckDB's ``KV_METADATA`` option: Parquet key-value metadata naming detente, the table and the datasets."""
    pairs = {"detente_version": prov["detente_version"], "detente_table": table, "created": prov["created"],
             "datasets": ",".join(d["name"] for d in prov["datasets"]),
             "licenses": "; ".join(f"{d['name']}: {d['license']}" for d in prov["datasets"] if d.get("license"))}
    body = ", ".join(f"{k}: '{str(v).replace(chr(39), chr(39) * 2)}'" for k, v in pairs.items())
    return "KV_METADATA {" + body + "}"


def write_datapackage(dest: Path, prov: dict, tables: list[dict]) -> Path:
    """A Frictionless ``datapackage.json`` beside the exported tables: resources, their fields, the sources."""
    from detente.schema import TABLES as SCHEMA

    resources = []
    for t in tables:
        cols = SCHEMA[t["table"]].cols if t["table"] in SCHEMA else ()
        resources.append({
            "name": t["table"], "path": f"{t['table']}/", "format": "parquet", "rows": t["rows"],
            "partition_by": t["partition_by"],
            "schema": {"fields": [{"name": c.name, "type": c.type, "description": c.help} for c in cols]},
        })
    pkg = {
        "name": "detente-export", "profile": "data-package", "created": prov["created"],
        "detente_version": prov["detente_version"], "store": prov["store"],
        "sources": [{"title": d["title"] or d["name"], "name": d["name"], "version": d["version"],
                     "license": d["license"], "coverage": [d["coverage_start"], d["coverage_end"]],
                     "citation": d["citation"]} for d in prov["datasets"]],
        "licenses": sorted({d["license"] for d in prov["datasets"] if d.get("license")}),
        "resources": resources,
    }
    path = Path(dest) / "datapackage.json"
    path.write_text(json.dumps(pkg, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def read_back(con: Any, path: Path | str) -> str:
    """The DuckDB table expression that reads an exported table directory back.

    Parameters
    ----------
    con
        Unused (kept for callers that pass their connection).
    path
        An exported table folder, ``dest/<table>``.

    Returns
    -------
    str
        A ``read_parquet(...)`` expression with the Hive partition columns.

    Examples
    --------
    >>> import os, tempfile
    >>> from detente.store import Store
    >>> tmp = tempfile.mkdtemp()
    >>> store = Store(os.path.join(tmp, "example.duckdb"))  # a new store with two hand-made events
    >>> _ = store.con.execute("INSERT INTO datasets (name, title, license) VALUES ('hand', 'Hand-made', 'CC0')")
    >>> _ = store.con.execute(
    ...     "INSERT INTO events (dataset, file, event_id, date, source_country, target_country, cameo_code, goldstein)"
    ...     " VALUES ('hand', 'h.csv', '1', '2021-03-01', 'ARM', 'AZE', '190', -10.0),"
    ...     " ('hand', 'h.csv', '2', '2021-04-02', 'AZE', 'ARM', '042', 1.9)")
    >>> _ = export_parquet(store, os.path.join(tmp, "out"), ("events",))
    >>> rows = store.con.execute(f"SELECT event_id, year, month FROM {read_back(store.con, os.path.join(tmp, 'out', 'events'))}"
    ...                          " ORDER BY event_id").fetchall()
    >>> rows
    [('1', 2021, 3), ('2', 2021, 4)]
    >>> store.close()
    """
    return f"read_parquet('{_q(Path(path))}/**/*.parquet', hive_partitioning = true)"


def _q(p: Path) -> str:
    return str(p).replace("'", "''")


def _table(name: str) -> exp.Table:
    """``project.dataset.table`` as a table node, quoting parts like ``gdelt-bq`` that need it."""
    parts = [p.strip("`\"") for p in name.split(".")]
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise UserError(f"table {name!r}: write it as [project.]dataset.table, e.g. {BIGQUERY_TABLE}")
    ids = [exp.to_identifier(p, quoted=not p.isidentifier()) for p in parts]
    kw = dict(zip(("catalog", "db", "this")[3 - len(ids):], ids, strict=True))
    return exp.Table(**kw)


# -- BigQuery ------------------------------------------------------------------------------
# GDELT's ingestion-time partitioned copy: a _PARTITIONTIME bound makes BigQuery read only those days' partitions
# (the unpartitioned table is scanned whole for any date range).
BIGQUERY_TABLE = "gdelt-bq.gdeltv2.events_partitioned"
# An event is stored in the partition of the day GDELT first saw it (DATEADDED), on or after its SQLDATE; events
# first reported more than this many days after they happened fall outside the bound (--partition-slack to widen).
PARTITION_SLACK_DAYS = 31
# the columns after the period column; the first is ``month`` (per="month") or ``date`` (per="day")
MEASURE_COLUMNS = (
    "actor_a", "actor_b", "directed", "events", "verbal_coop", "material_coop", "verbal_conflict",
    "material_conflict", "goldstein_sum", "goldstein_mean", "tone_mean", "mentions", "articles",
    "goldstein_abs", "world_abs", "index",
)
INDEX_COLUMNS = ("month", *MEASURE_COLUMNS)
DAY_COLUMNS = ("date", *MEASURE_COLUMNS)
# raw GDELT columns the query reads (BigQuery bills by the columns scanned)
RAW_COLUMNS = (
    "SQLDATE", "MonthYear", "Actor1Code", "Actor1CountryCode", "Actor2Code", "Actor2CountryCode",
    "QuadClass", "GoldsteinScale", "NumMentions", "NumArticles", "AvgTone",
)


def _codes(actors: list[str]) -> str:
    for a in actors:
        if not (a.isalnum() and len(a) == 3):
            raise UserError(f"actor code {a!r} is not a 3-letter code like AZE; fix --actors")
    return ", ".join(f"'{a.upper()}'" for a in actors)


def _renames() -> dict[str, str]:
    """CAMEO country codes that differ from the ISO3 code the store keeps (the gdelt readers' map), e.g. TMP."""
    from detente import actors

    return {c: iso for c, iso in actors.cameo_iso3().items() if c != iso}


def dyad_month_sql(
    actors: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    table: str = BIGQUERY_TABLE,
    directed: bool = True,
    dialect: str = "bigquery",
    partition_slack: int | None = PARTITION_SLACK_DAYS,
    per: str = "month",
) -> str:
    """SQL for the dyad x month (or x day) index over GDELT's raw event table, in ``dialect``.

    The index is relations' normalised index: ``index = 1000 x goldstein_sum / world_abs``, where
    ``world_abs`` is the sum of ``|GoldsteinScale|`` over every international event of the period (two
    known, different actors; not only the dyads asked for), so it equals ``relations.dyad_frame``'s
    ``index`` on the same events. Each period also has one *world row* (``actor_a`` and ``actor_b``
    NULL) with the totals of all international events; ``per="day"`` output is what
    ``detente ingest --reader bigquery`` reads (``detente.sources.bigquery``).

    On a partitioned table (name ending ``_partitioned``, the default) in the bigquery dialect, ``start`` and
    ``end`` also bound ``_PARTITIONTIME`` (from ``start`` to ``end`` + ``partition_slack`` days), so only those
    partitions are billed; ``partition_slack=None`` leaves the bound out.

    A side's actor is its CountryCode, else the first three letters of its actor code (as the fetch
    filter does), with the CAMEO codes that are not ISO3 (TMP, KSV) renamed as the store does. With
    ``actors`` both sides of a dyad must be among them; without, both must have a country code.
    Columns: ``INDEX_COLUMNS`` (``DAY_COLUMNS`` per day): QuadClass 1-4 counts, Goldstein sum, mean and
    absolute sum, mean tone, mentions, articles, the world's absolute Goldstein sum and the index.

    Parameters
    ----------
    actors : list of str, optional
        ISO3/CAMEO country codes; both sides of a dyad must be among them.
    start, end : date, optional
        First and last day (``SQLDATE``), both included.
    table : str
        The events table; GDELT's public partitioned table by default.
    directed : bool
        Keep A->B and B->A apart (False folds them into one dyad, A < B).
    dialect : str
        ``bigquery`` or ``duckdb`` (run the same index locally).
    partition_slack : int or None
        Days after ``end`` still read from a partitioned table (events are filed after they happen).
    per : str
        ``month`` (one row per dyad-month) or ``day`` (per dyad-day: the file to ingest).

    Returns
    -------
    str
        One SELECT statement.

    Examples
    --------
    >>> from datetime import date
    >>> sql = dyad_month_sql(["AZE", "ARM"], date(2020, 9, 1), date(2020, 11, 30))
    >>> [line.strip() for line in sql.splitlines() if "_PARTITIONTIME" in line]
    ["_PARTITIONTIME >= TIMESTAMP('2020-09-01')", "AND _PARTITIONTIME < TIMESTAMP('2021-01-01')"]

    The duckdb dialect on three hand-made GDELT rows of October 2020: an attack (-10) and a statement
    (+3) between Azerbaijan and Armenia, and a Georgia -> Russia visit (+4). The world's volume is
    10 + 3 + 4 = 17, so the AZE -> ARM index is 1000 x (-10 + 3) / 17 = -411.76...:

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> _ = con.execute(
    ...     "CREATE TABLE ev AS SELECT * FROM (VALUES"
    ...     " (20201001, 202010, 'AZE', 'AZE', 'ARM', 'ARM', 4, -10.0, 5, 2, -6.0),"
    ...     " (20201015, 202010, 'AZE', 'AZE', 'ARM', 'ARM', 1, 3.0, 1, 1, 1.0),"
    ...     " (20201015, 202010, 'GEO', 'GEO', 'RUS', 'RUS', 1, 4.0, 1, 1, 2.0))"
    ...     " t(SQLDATE, MonthYear, Actor1CountryCode, Actor1Code, Actor2CountryCode, Actor2Code, QuadClass,"
    ...     " GoldsteinScale, NumMentions, NumArticles, AvgTone)")
    >>> sql = dyad_month_sql(["AZE", "ARM"], date(2020, 9, 1), date(2020, 11, 30), table="ev", dialect="duckdb")
    >>> for r in con.execute(sql).fetchall():  # month, dyad, events, goldstein_sum, world_abs, index
    ...     print(r[0], r[1], r[2], r[4], r[9], r[15], round(r[16], 2))
    2020-10-01 None None 3 -3.0 17.0 -176.47
    2020-10-01 AZE ARM 2 -7.0 17.0 -411.76
    """
    if dialect not in ("bigquery", "duckdb"):
        raise UserError(f"dialect {dialect!r}: use bigquery or duckdb")
    if per not in ("month", "day"):
        raise UserError(f"--per {per!r}: use month or day")
    renames = " ".join(f"WHEN '{c}' THEN '{i}'" for c, i in sorted(_renames().items()))
    side = ("CASE coalesce(nullif({c}CountryCode, ''), nullif(substr({c}Code, 1, 3), '')) " + renames +
            " ELSE coalesce(nullif({c}CountryCode, ''), nullif(substr({c}Code, 1, 3), '')) END")
    a, b = side.format(c="Actor1"), side.format(c="Actor2")
    if not directed:
        a, b = f"least({a}, {b})", f"greatest({a}, {b})"
    where = []
    if start:
        where.append(f"SQLDATE >= {start.strftime('%Y%m%d')}")
    if end:
        where.append(f"SQLDATE <= {end.strftime('%Y%m%d')}")
    if actors:
        codes = _codes(actors)
        dyad = f"actor_a IN ({codes}) AND actor_b IN ({codes})"
    else:  # states only: both sides carry a country code
        dyad = "nullif(Actor1CountryCode, '') IS NOT NULL AND nullif(Actor2CountryCode, '') IS NOT NULL"
    partition = []
    if (dialect == "bigquery" and table.strip("`").endswith("_partitioned") and partition_slack is not None
            and (start or end)):
        if partition_slack < 0:
            raise UserError(f"--partition-slack {partition_slack}: give 0 or more days")
        if start:
            partition.append(f"_PARTITIONTIME >= TIMESTAMP('{start.isoformat()}')")
        if end:
            last = end + timedelta(days=partition_slack + 1)
            partition.append(f"_PARTITIONTIME < TIMESTAMP('{last.isoformat()}')")
    if per == "month":
        period = "make_date(MonthYear // 100, MonthYear % 100, 1)"
    else:
        period = "make_date(SQLDATE // 10000, (SQLDATE // 100) % 100, SQLDATE % 100)"
    quad = "sum(CASE WHEN QuadClass = {q} THEN 1 ELSE 0 END)"
    sums = f"""count(*) AS events,
             {quad.format(q=1)} AS verbal_coop, {quad.format(q=2)} AS material_coop,
             {quad.format(q=3)} AS verbal_conflict, {quad.format(q=4)} AS material_conflict,
             sum(GoldsteinScale) AS goldstein_sum, avg(GoldsteinScale) AS goldstein_mean,
             avg(AvgTone) AS tone_mean, sum(NumMentions) AS mentions, sum(NumArticles) AS articles,
             sum(abs(GoldsteinScale)) AS goldstein_abs"""
    measures = [c for c in MEASURE_COLUMNS if c not in ("actor_a", "actor_b", "directed", "world_abs", "index")]
    sql = f"""
    WITH raw AS (
      SELECT {period} AS period, {a} AS actor_a, {b} AS actor_b, Actor1CountryCode, Actor2CountryCode,
             QuadClass, GoldsteinScale, NumMentions, NumArticles, AvgTone
      FROM __gdelt__
      {"WHERE " + " AND ".join(where) if where else ""}
    ),
    intl AS (
      SELECT * FROM raw WHERE actor_a IS NOT NULL AND actor_b IS NOT NULL AND actor_a <> actor_b
    ),
    world AS (
      SELECT period, sum(abs(GoldsteinScale)) AS world_abs FROM intl GROUP BY period
    ),
    sums AS (
      SELECT period, actor_a, actor_b, {sums} FROM intl WHERE {dyad} GROUP BY period, actor_a, actor_b
      UNION ALL
      SELECT period, NULL AS actor_a, NULL AS actor_b, {sums} FROM intl GROUP BY period
    )
    SELECT s.period AS {"month" if per == "month" else "date"}, s.actor_a, s.actor_b,
           {"TRUE" if directed else "FALSE"} AS directed, {", ".join(f"s.{c}" for c in measures)},
           w.world_abs, CASE WHEN w.world_abs > 0 THEN 1000 * s.goldstein_sum / w.world_abs END AS index
    FROM sums AS s JOIN world AS w ON w.period = s.period
    ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST
    """
    tree = sqlglot.parse_one(sql, read="duckdb")
    target = _table(table)

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and node.name == "__gdelt__":
            return target.copy()
        return node

    tree = tree.transform(swap)
    if partition:  # added after parsing: DuckDB has no _PARTITIONTIME pseudo-column to parse against
        raw = tree.find(exp.CTE)
        raw.this.set("where", exp.Where(this=exp.and_(
            *[sqlglot.parse_one(c, read="bigquery") for c in partition],
            *([raw.this.args["where"].this] if raw.this.args.get("where") else []))))
    return tree.sql(dialect=dialect, pretty=True)
