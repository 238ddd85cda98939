"""Parquet export round trips and the BigQuery dyad x month SQL."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner

from detente import export as X
from detente.errors import UserError
from detente.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
GEORGIA = SHARED / "gdelt1-georgia" / "gdelt1_events_actiongeo_GG_2011-06_2013-05.csv.gz"

EVENTS = [  # event_id, date, source, target, cameo, goldstein
    ("e1", date(2021, 3, 1), "AZE", "ARM", "190", -10.0),
    ("e2", date(2021, 3, 31), "ARM", "AZE", "042", 1.9),
    ("e3", date(2021, 4, 15), "AZE", "TUR", "057", 8.0),
    ("e4", date(2022, 1, 2), "GEO", "RUS", "112", -2.0),
    ("e5", date(2022, 1, 30), "RUS", "GEO", "036", 4.0),
]


@pytest.fixture(scope="module")
def small_store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "s.duckdb"
    s = Store(path)
    for name in ("test", "net", "sig"):
        s.con.execute("INSERT INTO datasets (name, title) VALUES (?, 'hand-made rows')", [name])
    for eid, d, a, b, code, g in EVENTS:
        s.con.execute(
            "INSERT INTO events (event_id, date, source_actor, target_actor, cameo_code, goldstein, dataset, file) "
            "VALUES (?, ?, ?, ?, ?, ?, 'test', 'hand.csv')", [eid, d, a, b, code, g])
    for d, a, b, score in [(date(2021, 3, 1), "ARM", "AZE", -3.5), (date(2021, 3, 2), "ARM", "AZE", 1.0),
                           (date(2021, 5, 9), "GEO", "RUS", 2.25)]:
        s.con.execute("INSERT INTO dyad_days VALUES (?, ?, ?, false, ?, 'net', 'n.zip', NULL)", [d, a, b, score])
    for kind, a, b, year, d, item, v in [("un_vote", "AZE", None, 2019, date(2019, 12, 1), "r1", 1.0),
                                         ("un_vote", "ARM", None, 2019, date(2019, 12, 1), "r1", 0.0),
                                         ("alliance", "ARM", "RUS", 2018, None, "defense", 1.0)]:
        s.con.execute("INSERT INTO signals (kind, actor_a, actor_b, year, date, item, value, dataset, file) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, 'sig', 's.csv')", [kind, a, b, year, d, item, v])
    s.close()
    return path


@pytest.fixture
def small_store(small_store_path):
    s = Store(small_store_path, read_only=True)
    yield s
    s.close()


def test_month_partitions_round_trip(small_store, tmp_path):
    out = tmp_path / "pq"
    rows = X.export_parquet(small_store, out)
    assert {r["table"]: r["rows"] for r in rows} == {"events": 5, "dyad_days": 3, "signals": 3}
    parts = sorted(p.parent.relative_to(out / "events").as_posix() for p in (out / "events").rglob("*.parquet"))
    assert parts == ["year=2021/month=3", "year=2021/month=4", "year=2022/month=1"]
    con = duckdb.connect()
    got = con.execute(
        f"SELECT year, month, count(*), sum(goldstein) FROM {X.read_back(con, out / 'events')} "
        "GROUP BY ALL ORDER BY ALL").fetchall()
    assert got == [(2021, 3, 2, pytest.approx(-8.1)), (2021, 4, 1, 8.0), (2022, 1, 2, 2.0)]
    # every column comes back with its value
    back = con.execute(f"SELECT event_id, date, source_actor, cameo_code FROM {X.read_back(con, out / 'events')} "
                       "ORDER BY event_id").fetchall()
    assert back == [(e[0], e[1], e[2], e[4]) for e in EVENTS]
    dd = con.execute(f"SELECT count(*), sum(score) FROM {X.read_back(con, out / 'dyad_days')}").fetchone()
    assert dd == (3, pytest.approx(-0.25))
    sig = con.execute(f"SELECT kind, year, count(*), sum(value) FROM {X.read_back(con, out / 'signals')} "
                      "GROUP BY ALL ORDER BY ALL").fetchall()
    assert sig == [("alliance", 2018, 1, 1.0), ("un_vote", 2019, 2, 1.0)]


def test_refuses_to_overwrite_unless_asked(small_store, tmp_path):
    X.export_parquet(small_store, tmp_path / "pq", tables=("events",))
    with pytest.raises(UserError, match="not empty; pass --overwrite"):
        X.export_parquet(small_store, tmp_path / "pq", tables=("events",))
    rows = X.export_parquet(small_store, tmp_path / "pq", tables=("events",), overwrite=True)
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM {X.read_back(con, tmp_path / 'pq' / 'events')}").fetchone()[0] == 5
    assert rows[0]["files"] == 3


def test_year_and_unpartitioned(small_store, tmp_path):
    X.export_parquet(small_store, tmp_path / "y", tables=("events",), partition_by="year")
    assert sorted(p.name for p in (tmp_path / "y" / "events").iterdir()) == ["year=2021", "year=2022"]
    X.export_parquet(small_store, tmp_path / "n", tables=("dyad_days",), partition_by="none")
    assert duckdb.connect().execute(f"SELECT count(*) FROM '{tmp_path / 'n' / 'dyad_days' / 'data_0.parquet'}'").fetchone() == (3,)
    with pytest.raises(UserError, match="use month, year or none"):
        X.export_parquet(small_store, tmp_path / "z", partition_by="week")
    with pytest.raises(UserError, match="use one of"):
        X.tables_arg("claims")


def test_cli_export(small_store_path, tmp_path):
    from detente.cli import app

    path = small_store_path
    r = CliRunner().invoke(app, ["export", "--to", "parquet", "--partition-by", "month", str(tmp_path / "o"),
                                 "--table", "events", "--store", str(path), "-f", "json"])
    assert r.exit_code == 0, r.output
    assert '"rows": 5' in r.output and (tmp_path / "o" / "events" / "year=2022" / "month=1").is_dir()
    r = CliRunner().invoke(app, ["export", "--to", "csv", str(tmp_path / "o"), "--store", str(path)])
    assert r.exit_code == 2 and "use --to parquet" in r.output


def test_bundled_dyad_days_round_trip(bundled_store, tmp_path):
    X.export_parquet(bundled_store, tmp_path, tables=("dyad_days",))
    con = duckdb.connect()
    src = bundled_store.con.execute(
        "SELECT count(*), sum(score), count(DISTINCT date), min(date), max(date) FROM dyad_days").fetchone()
    back = con.execute(f"SELECT count(*), sum(score), count(DISTINCT date), min(date), max(date) "
                       f"FROM {X.read_back(con, tmp_path / 'dyad_days')}").fetchone()
    assert src[0] > 100_000 and back[0] == src[0] and back[2:] == src[2:]
    assert back[1] == pytest.approx(src[1], rel=1e-9)
    per_year = con.execute(f"SELECT year, count(*) FROM {X.read_back(con, tmp_path / 'dyad_days')} "
                           "GROUP BY 1 ORDER BY 1").fetchall()
    assert per_year == bundled_store.con.execute(
        "SELECT year(date), count(*) FROM dyad_days GROUP BY 1 ORDER BY 1").fetchall()


# -- BigQuery --------------------------------------------------------------------------------
def test_bigquery_sql_parses_and_selects_the_index():
    sql = X.dyad_month_sql(["AZE", "ARM", "GEO"], date(2020, 9, 1), date(2020, 11, 30))
    tree = sqlglot.parse_one(sql, read="bigquery")
    assert tuple(tree.named_selects) == X.INDEX_COLUMNS
    tables = {t.sql("bigquery") for t in tree.find_all(exp.Table)}
    assert tables == {"`gdelt-bq`.gdeltv2.events_partitioned", "raw"}
    # the partition bound: from the first day to the last + 31 days of slack (DATEADDED >= SQLDATE)
    assert "_PARTITIONTIME >= TIMESTAMP('2020-09-01')" in sql and "_PARTITIONTIME < TIMESTAMP('2021-01-01')" in sql
    cols = {c.name for c in tree.find_all(exp.Column)} - {"_PARTITIONTIME"}  # a pseudo-column, not billed
    assert set(X.RAW_COLUMNS) <= cols and not (cols - set(X.RAW_COLUMNS) - set(X.INDEX_COLUMNS))
    assert "SQLDATE >= 20200901 AND SQLDATE <= 20201130" in sql
    assert "DATE(DIV(MonthYear, 100), MOD(MonthYear, 100), 1)" in sql  # BigQuery functions, not DuckDB's
    assert "FILTER" not in sql and "GROUP BY ALL" not in sql
    with pytest.raises(UserError, match="3-letter"):
        X.dyad_month_sql(["AZE'; DROP TABLE x; --"])


@pytest.fixture(scope="module")
def raw_gdelt():
    """The real GDELT 1.0 rows in a DuckDB table with GDELT's own column names (BigQuery's schema)."""
    if not GEORGIA.exists():
        pytest.skip("needs ../shared/data")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE raw_events AS SELECT * EXCLUDE (month) FROM read_csv('{GEORGIA}', header=true, "
                "all_varchar=false, types={'Actor1Code': 'VARCHAR', 'Actor2Code': 'VARCHAR', "
                "'Actor1CountryCode': 'VARCHAR', 'Actor2CountryCode': 'VARCHAR'})")
    return con


@pytest.fixture(scope="module")
def raw_rows(raw_gdelt):
    """(MonthYear, actor 1, actor 2, QuadClass, Goldstein) per row, read with Python's csv module."""
    with gzip.open(GEORGIA, "rt", newline="") as fh:
        r = csv.reader(fh)
        h = {k: i for i, k in enumerate(next(r))}
        c = [h[k] for k in ("MonthYear", "Actor1CountryCode", "Actor1Code", "Actor2CountryCode", "Actor2Code",
                            "QuadClass", "GoldsteinScale")]
        return [(int(x[c[0]]), x[c[1]] or x[c[2]][:3], x[c[3]] or x[c[4]][:3], x[c[5]], float(x[c[6]])) for x in r]


def _expected(rows: list, actors: set[str], directed: bool) -> dict:
    acc: dict = defaultdict(lambda: [0, 0, 0.0])
    for month, a, b, quad, g in rows:
        if a in actors and b in actors and a != b:
            if not directed:
                a, b = min(a, b), max(a, b)
            k = (month, a, b)
            acc[k][0] += 1
            acc[k][1] += quad == "4"
            acc[k][2] += g
    return acc


@pytest.mark.parametrize("directed", [True, False])
def test_index_sql_computes_the_right_numbers(raw_gdelt, raw_rows, directed):
    actors = {"GEO", "RUS", "USA", "ARM", "AZE"}
    want = _expected(raw_rows, actors, directed)
    sql = X.dyad_month_sql(sorted(actors), table="raw_events", directed=directed, dialect="duckdb")
    # the BigQuery text, translated back, gives the same numbers: the transpile kept the meaning
    bq = X.dyad_month_sql(sorted(actors), table="raw_events", directed=directed)
    back = sqlglot.transpile(bq, read="bigquery", write="duckdb")[0]
    for q in (sql, back):
        got = raw_gdelt.execute(q).fetchall()
        assert len(got) == len(want) > 20
        for month, a, b, n, _q1, _q2, _q3, q4, gsum, *_ in got:
            e = want[(month.year * 100 + month.month, a, b)]
            assert (n, q4) == (e[0], e[1]) and gsum == pytest.approx(e[2])
    geo_rus = {k: v for k, v in want.items() if k[1:] == ("GEO", "RUS")}
    assert geo_rus  # the sample has Georgia -> Russia events to check


def test_export_carries_provenance(bundled_store, tmp_path):
    """datapackage.json beside the tables, and Parquet key-value metadata in every file (issue 17)."""
    import json

    rows = X.export_parquet(bundled_store, tmp_path / "out", tables=("signals",), partition_by="none")
    pkg = json.loads((tmp_path / "out" / "datapackage.json").read_text())
    names = {s["name"] for s in pkg["sources"]}
    assert {"unvotes", "atop", "ucdp_acd"} <= names
    assert pkg["resources"][0]["name"] == "signals" and pkg["resources"][0]["rows"] == rows[0]["rows"]
    assert [f["name"] for f in pkg["resources"][0]["schema"]["fields"]][:2] == ["kind", "actor_a"]
    kv = dict(duckdb.sql(f"SELECT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata('{tmp_path}/out/signals/*.parquet')")
              .fetchall())
    from detente import __version__

    assert kv["detente_version"] == __version__ and kv["detente_table"] == "signals"
    assert "unvotes" in kv["datasets"].split(",")


def test_bigquery_partition_bound_only_where_it_applies():
    lo, hi = date(2021, 1, 1), date(2021, 1, 31)
    unpart = X.dyad_month_sql(["AZE", "ARM"], lo, hi, table="gdelt-bq.gdeltv2.events")
    assert "_PARTITIONTIME" not in unpart
    assert "_PARTITIONTIME" not in X.dyad_month_sql(["AZE", "ARM"], lo, hi, dialect="duckdb")
    assert "_PARTITIONTIME" not in X.dyad_month_sql(["AZE", "ARM"], lo, hi, partition_slack=None)
    tight = X.dyad_month_sql(["AZE", "ARM"], lo, hi, partition_slack=0)
    assert "_PARTITIONTIME < TIMESTAMP('2021-02-01')" in tight
    with pytest.raises(UserError, match="slack"):
        X.dyad_month_sql(["AZE", "ARM"], lo, hi, partition_slack=-1)
