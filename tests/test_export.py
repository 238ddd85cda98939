"""Parquet export round trips, the BigQuery index SQL and the reader for its output."""

from __future__ import annotations

import csv
import gzip
import json
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
    tables = {t.name for t in tree.find_all(exp.Table)} - {c.alias for c in tree.find_all(exp.CTE)}
    assert tables == {"events_partitioned"}  # the one table read; the rest are the query's own CTEs
    assert "FROM `gdelt-bq`.gdeltv2.events_partitioned" in sql
    # the partition bound: from the first day to the last + 31 days of slack (DATEADDED >= SQLDATE)
    assert "_PARTITIONTIME >= TIMESTAMP('2020-09-01')" in sql and "_PARTITIONTIME < TIMESTAMP('2021-01-01')" in sql
    cols = {c.name for c in tree.find_all(exp.Column)} - {"_PARTITIONTIME"}  # a pseudo-column, not billed
    assert set(X.RAW_COLUMNS) <= cols and not (cols - set(X.RAW_COLUMNS) - set(X.INDEX_COLUMNS) - {"period"})
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


def _expected(rows: list, actors: set[str], directed: bool) -> tuple[dict, dict]:
    """(per month and dyad among ``actors``: events, material conflicts, Goldstein sum; per month: the world's
    |Goldstein| over every row with two known, different actors), by a plain loop."""
    rename = {"TMP": "TLS", "KSV": "XKX"}
    acc: dict = defaultdict(lambda: [0, 0, 0.0])
    world: dict = defaultdict(float)
    for month, a, b, quad, g in rows:
        a, b = rename.get(a, a), rename.get(b, b)
        if not a or not b or a == b:
            continue
        world[month] += abs(g)
        if a in actors and b in actors:
            if not directed:
                a, b = min(a, b), max(a, b)
            k = (month, a, b)
            acc[k][0] += 1
            acc[k][1] += quad == "4"
            acc[k][2] += g
    return acc, world


@pytest.mark.parametrize("directed", [True, False])
def test_index_sql_computes_the_right_numbers(raw_gdelt, raw_rows, directed):
    actors = {"GEO", "RUS", "USA", "ARM", "AZE"}
    want, world = _expected(raw_rows, actors, directed)
    sql = X.dyad_month_sql(sorted(actors), table="raw_events", directed=directed, dialect="duckdb")
    # the BigQuery text, translated back, gives the same numbers: the transpile kept the meaning
    bq = X.dyad_month_sql(sorted(actors), table="raw_events", directed=directed)
    back = sqlglot.transpile(bq, read="bigquery", write="duckdb")[0]
    col = {c: i for i, c in enumerate(X.INDEX_COLUMNS)}
    for q in (sql, back):
        got = raw_gdelt.execute(q).fetchall()
        dyads = [r for r in got if r[col["actor_a"]] is not None]
        assert len(dyads) == len(want) > 20 and len(got) - len(dyads) == len(world) > 20  # a world row a month
        for r in got:
            m = r[0].year * 100 + r[0].month
            assert r[col["world_abs"]] == pytest.approx(world[m])
            if r[col["actor_a"]] is None:
                continue
            e = want[(m, r[col["actor_a"]], r[col["actor_b"]])]
            assert (r[col["events"]], r[col["material_conflict"]]) == (e[0], e[1])
            assert r[col["goldstein_sum"]] == pytest.approx(e[2])
            assert r[col["index"]] == pytest.approx(1000 * e[2] / world[m])
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


# -- the BigQuery day index: SQL -> export file -> reader -> store -> relations (issue 17) -----------
# Hand-made GDELT rows in the shape of gdelt-bq.gdeltv2.events_partitioned (only the columns the query and
# the gdelt1 reader read, plus _PARTITIONTIME as a real column: DuckDB has no pseudo-column).
# (id, SQLDATE, actor 1 country, actor 2 country, EventCode, filed on): Goldstein/QuadClass come from the
# store's CAMEO table, as GDELT's GoldsteinScale does.
RAW = [
    (1, 20210301, "AZE", "ARM", "190", "2021-03-01"),  # -10, material conflict
    (2, 20210301, "ARM", "AZE", "042", "2021-03-01"),  # +1.9
    (3, 20210301, "GEO", "RUS", "112", "2021-03-02"),  # -2
    (4, 20210302, "RUS", "GEO", "036", "2021-03-02"),  # +4
    (5, 20210302, "AZE", "TUR", "057", "2021-03-03"),  # +8: in the world, not among the actors asked for
    (6, 20210302, "TMP", "AUS", "036", "2021-03-02"),  # +4: CAMEO's TMP is the store's TLS
    (7, 20210302, "AZE", "AZE", "190", "2021-03-02"),  # domestic: in no world
    (8, 20210302, "GEO", "RUS", "190", "2021-05-20"),  # filed 79 days late: outside the partition bound
]
BQ_ACTORS = ["ARM", "AZE", "GEO", "RUS"]
# What BigQuery returns for dyad_month_sql(BQ_ACTORS, 2021-03-01, 2021-03-31, per="day"), by hand:
# 03-01 world |G| = 10 + 1.9 + 2 = 13.9, sum G = -10.1; 03-02 world |G| = 4 + 8 + 4 = 16, sum G = 16.
# index = 1000 x goldstein_sum / world_abs (e.g. AZE>ARM: -10000 / 13.9 = -719.4244604...).
BQ_CSV = """date,actor_a,actor_b,directed,events,verbal_coop,material_coop,verbal_conflict,material_conflict,\
goldstein_sum,goldstein_mean,tone_mean,mentions,articles,goldstein_abs,world_abs,index
2021-03-01,,,true,3,1,0,1,1,-10.1,-3.3666666666666667,-1.0,7,4,13.9,13.9,-726.6187050359712
2021-03-01,ARM,AZE,true,1,1,0,0,0,1.9,1.9,1.0,1,1,1.9,13.9,136.69064748201438
2021-03-01,AZE,ARM,true,1,0,0,0,1,-10.0,-10.0,-6.0,5,2,10.0,13.9,-719.4244604316547
2021-03-01,GEO,RUS,true,1,0,0,1,0,-2.0,-2.0,2.0,1,1,2.0,13.9,-143.88489208633092
2021-03-02,,,true,3,3,0,0,0,16.0,5.333333333333333,2.0,3,3,16.0,16.0,1000.0
2021-03-02,RUS,GEO,true,1,1,0,0,0,4.0,4.0,2.0,1,1,4.0,16.0,250.0
"""
# the month, undirected, as relations gives it: covered days 03-01 and 03-02, world volume 13.9 + 16 = 29.9
HAND_INDEX = {("ARM", "AZE"): 1000 * (-10 + 1.9) / 29.9, ("GEO", "RUS"): 1000 * (-2 + 4) / 29.9}


def _cameo(store: Store) -> dict[str, tuple[int, float]]:
    return {c: (q, g) for c, q, g in store.con.execute("SELECT code, quad_class, goldstein FROM cameo").fetchall()}


@pytest.fixture(scope="module")
def raw_partitioned(small_store_path):
    """RAW as a DuckDB table with GDELT's column names and a real _PARTITIONTIME column."""
    s = Store(small_store_path, read_only=True)
    cameo = _cameo(s)
    s.close()
    con = duckdb.connect()
    con.execute("CREATE TABLE events_partitioned (GLOBALEVENTID BIGINT, SQLDATE BIGINT, MonthYear BIGINT, "
                "Actor1Code VARCHAR, Actor1CountryCode VARCHAR, Actor2Code VARCHAR, Actor2CountryCode VARCHAR, "
                "EventCode VARCHAR, QuadClass BIGINT, GoldsteinScale DOUBLE, NumMentions BIGINT, "
                "NumArticles BIGINT, AvgTone DOUBLE, _PARTITIONTIME TIMESTAMP)")
    for eid, d, a, b, code, filed in RAW:
        q, g = cameo[code]
        tone = {"190": -6.0, "042": 1.0, "112": 2.0}.get(code, 2.0)
        mentions, articles = (5, 2) if code == "190" else (1, 1)
        con.execute("INSERT INTO events_partitioned VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [eid, d, d // 100, a, a, b, b, code, q, g, mentions, articles, tone, filed])
    return con


def _bq_in_duckdb(sql: str) -> str:
    """BigQuery text -> DuckDB (the dialect translation the test needs; the table name points at the local copy)."""
    back = sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]
    return back.replace('"gdelt-bq".gdeltv2.events_partitioned', "events_partitioned")


def _csv_rows(text: str) -> list[tuple]:
    out = []
    for r in csv.DictReader(text.splitlines()):
        out.append((r["date"], r["actor_a"] or None, r["actor_b"] or None, int(r["events"]),
                    float(r["goldstein_sum"]), float(r["goldstein_abs"]), float(r["world_abs"]), float(r["index"])))
    return out


def test_bigquery_day_sql_gives_the_hand_made_export(raw_partitioned):
    sql = X.dyad_month_sql(BQ_ACTORS, date(2021, 3, 1), date(2021, 3, 31), per="day")
    tree = sqlglot.parse_one(sql, read="bigquery")
    from detente.sources import bigquery

    # the reader expects the SQL's aliases; the hand-made file's header is BigQuery's (the aliases in order)
    assert tuple(tree.named_selects) == X.DAY_COLUMNS == tuple(BQ_CSV.splitlines()[0].split(","))
    assert set(bigquery.NEEDED) <= set(X.DAY_COLUMNS)
    assert "_PARTITIONTIME < TIMESTAMP('2021-05-02')" in sql  # 2021-03-31 + 31 days of slack
    got = raw_partitioned.execute(_bq_in_duckdb(sql)).fetchall()
    names = X.DAY_COLUMNS
    rows = [(str(r[0]), r[1], r[2], r[names.index("events")], r[names.index("goldstein_sum")],
             r[names.index("goldstein_abs")], r[names.index("world_abs")], r[names.index("index")]) for r in got]
    want = _csv_rows(BQ_CSV)
    assert [r[:4] for r in rows] == [w[:4] for w in want]  # the late event 8 is outside the bound
    for r, w in zip(rows, want, strict=True):
        assert r[4:] == pytest.approx(w[4:], rel=1e-12)
    # the same SQL with the partition bound dropped reads event 8 too: GEO>RUS on 03-02 (-10)
    loose = raw_partitioned.execute(_bq_in_duckdb(X.dyad_month_sql(
        BQ_ACTORS, date(2021, 3, 1), date(2021, 3, 31), per="day", partition_slack=None))).fetchall()
    assert ("2021-03-02", "GEO", "RUS") in {(str(r[0]), r[1], r[2]) for r in loose}
    # the monthly form: the index over the month's world volume, undirected
    month = raw_partitioned.execute(_bq_in_duckdb(X.dyad_month_sql(
        BQ_ACTORS, date(2021, 3, 1), date(2021, 3, 31), directed=False))).fetchall()
    by = {(r[1], r[2]): r for r in month}
    assert set(by) == {(None, None), *HAND_INDEX}
    for k, v in HAND_INDEX.items():
        assert by[k][X.INDEX_COLUMNS.index("index")] == pytest.approx(v, rel=1e-12)
        assert by[k][X.INDEX_COLUMNS.index("world_abs")] == pytest.approx(29.9)


def _gdelt1_csv(path: Path, store: Store) -> Path:
    """The RAW events the bounded query reads, as a GDELT 1.0 extract with a header (the gdelt1 reader)."""
    from detente.sources import gdelt

    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=gdelt.COLUMNS)
        w.writeheader()
        for eid, d, a, b, code, filed in RAW:
            if filed > "2021-05-01":
                continue
            w.writerow({c: "" for c in gdelt.COLUMNS} | {
                "GLOBALEVENTID": eid, "SQLDATE": d, "MonthYear": d // 100, "Year": d // 10000, "Actor1Code": a,
                "Actor1CountryCode": a, "Actor2Code": b, "Actor2CountryCode": b, "EventCode": code,
                "EventRootCode": code[:2], "EventBaseCode": code, "IsRootEvent": 1, "NumMentions": 1,
                "NumSources": 1, "NumArticles": 1, "AvgTone": 0, "DATEADDED": filed.replace("-", "")})
    return path


def _month_index(store: Store, dataset: str) -> dict:
    from detente import relations
    from detente.periods import cut

    f = relations.dyad_frame(store, BQ_ACTORS, cut("month", date(2021, 3, 1), date(2021, 3, 31)),
                             dataset=dataset, ci=False)
    return {(r.actor_a, r.actor_b): (r.index, r.covered_days) for r in f.itertuples()}


def test_bigquery_export_ingests_to_the_same_index(tmp_path):
    store = Store(tmp_path / "bq.duckdb")
    try:
        f = tmp_path / "bq-results-20210401.csv"
        f.write_text(BQ_CSV)
        (s,) = store.ingest([f])  # auto-detected
        assert (s.format, s.dataset, s.rows_read, s.rows_stored, s.rows_quarantined) == (
            "bigquery", "gdelt_bigquery", 6, 6, 0)
        rows = store.con.execute("SELECT date::VARCHAR, actor_a, actor_b, directed, score FROM dyad_days "
                                 "ORDER BY ALL").fetchall()
        # the world rows carry the rest of the world's volume: 13.9 - (1.9 + 10 + 2) = 0 and 16 - 4 = 12
        assert [r[:4] for r in rows if r[1] == "WLD"] == [("2021-03-01", "WLD", "WLD", True),
                                                          ("2021-03-02", "WLD", "WLD", True)]
        assert [r[4] for r in rows if r[1] == "WLD"] == [pytest.approx(0.0, abs=1e-12), pytest.approx(12.0)]
        got = _month_index(store, "gdelt_bigquery")
        # every actor of the dataset: WLD's self-row is world volume, never an actor or a dyad
        from detente import relations
        from detente.periods import cut

        every = relations.dyad_frame(store, None, cut("month", date(2021, 3, 1), date(2021, 3, 31)),
                                     dataset="gdelt_bigquery", ci=False)
        assert {(r.actor_a, r.actor_b) for r in every.itertuples()} == {
            (a, b) for a in BQ_ACTORS for b in BQ_ACTORS if a < b}
        assert "WLD" not in relations.known_actors(store)
        from detente import coverage

        assert "WLD" not in set(coverage.actor_table(store)["actor"])
        # the same events read by the gdelt1 reader into the events table: relations' own index
        _gdelt1_csv(tmp_path / "events.csv", store)
        (e,) = store.ingest([tmp_path / "events.csv"], fmt="gdelt1")
        assert (e.rows_read, e.rows_stored) == (7, 7)
        duck = _month_index(store, "gdelt1")
        prov = store.con.execute("SELECT format, rows_read, rows_stored FROM files WHERE dataset = "
                                 "'gdelt_bigquery'").fetchall()
        lic = store.con.execute("SELECT license FROM datasets WHERE name = 'gdelt_bigquery'").fetchone()[0]
    finally:
        store.close()
    for k, v in HAND_INDEX.items():
        assert got[k] == (pytest.approx(v, rel=1e-12), 2) and duck[k] == (pytest.approx(v, rel=1e-12), 2)
    assert got[("ARM", "GEO")][0] == 0.0 == duck[("ARM", "GEO")][0]  # a quiet dyad on covered days
    assert prov == [("bigquery", 6, 6)] and lic.startswith("GDELT")


def test_bigquery_json_export_and_shards(tmp_path):
    """BigQuery's newline-delimited JSON (NULLs left out, INT64 as strings), split over two shards."""
    recs = []
    for r in csv.DictReader(BQ_CSV.splitlines()):
        recs.append({k: (v if k in ("date", "actor_a", "actor_b", "events") else
                         v == "true" if k == "directed" else float(v)) for k, v in r.items() if v != ""})
    shards = tmp_path / "export"
    shards.mkdir()
    (shards / "part-000000000000.json").write_text("".join(json.dumps(r) + "\n" for r in recs[:3]))
    (shards / "part-000000000001.json").write_text("".join(json.dumps(r) + "\n" for r in recs[3:]))
    store = Store(tmp_path / "j.duckdb")
    try:
        (s,) = store.ingest([shards], fmt="bigquery")
        assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (6, 6, 0)
        got = _month_index(store, "gdelt_bigquery")
    finally:
        store.close()
    assert got[("ARM", "AZE")][0] == pytest.approx(HAND_INDEX[("ARM", "AZE")], rel=1e-12)


def test_bigquery_reader_quarantines_malformed_rows(tmp_path):
    bad = [
        "2021-02-30,ARM,AZE,true,1,1,0,0,0,1.0,1.0,0,1,1,1.0,13.9,71.94244604316546",  # no such day
        "2021-03-01,ARM,,true,1,1,0,0,0,1.0,1.0,0,1,1,1.0,13.9,71.94244604316546",  # one actor
        "2021-03-01,ARM,TUR,true,1,1,0,0,0,1.0,1.0,0,1,1,1.0,13.9,50.0",  # index is not 1000 x 1 / 13.9
        "2021-03-01,ARM,AZE,true,1,1,0,0,0,1.9,1.9,1.0,1,1,1.9,13.9,136.69064748201438",  # repeats line 3
        "2021-03-05,ARM,AZE,true,1,1,0,0,0,1.0,1.0,0,1,1,1.0,10.0,100.0",  # no world row for 03-05
        "2021-03-02,AZE,ARM,true,1,1,0,0,0,x,1.0,0,1,1,1.0,16.0,62.5",  # not a number
        "2021-03-02,AZE,ARM,true,1,1,0,0,0,1.0,1.0,0,1,1,1.0,17.0,58.8235294117647",  # another world_abs
        "2021-03-02,AZE,ARM,true,1",  # too few fields
    ]
    f = tmp_path / "bq.csv"
    f.write_text(BQ_CSV + "\n".join(bad) + "\n")
    store = Store(tmp_path / "q.duckdb")
    try:
        (s,) = store.ingest([f], fmt="bigquery")
        reasons = store.con.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()
        world = store.con.execute("SELECT score FROM dyad_days WHERE actor_a = 'WLD' ORDER BY date").fetchall()
    finally:
        store.close()
    assert (s.rows_read, s.rows_stored, s.rows_quarantined, s.rows_duplicate) == (14, 6, 8, 0)
    assert [ln for ln, _ in reasons] == list(range(8, 16))
    text = " | ".join(r for _, r in reasons)
    for part in ("not a day of the calendar", "one actor is empty", "is not 1000 x goldstein_sum / world_abs",
                 "repeats the row of line 3", "no world row for 2021-03-05", "'x' is not a number",
                 "world_abs 17.0 is not the 16.0", "5 fields, not the header's 17"):
        assert part in text, part
    assert world == [(pytest.approx(0.0, abs=1e-12),), (12.0,)]  # quarantined rows take no world volume


def test_bigquery_reader_refuses_the_monthly_index(tmp_path):
    f = tmp_path / "month.csv"
    f.write_text("month," + BQ_CSV.split(",", 1)[1])
    store = Store(tmp_path / "m.duckdb")
    try:
        with pytest.raises(Exception, match="--per day"):
            store.ingest([f], fmt="bigquery")
    finally:
        store.close()


def test_cli_ingest_bigquery(tmp_path):
    from detente.cli import app

    f = tmp_path / "bq.csv"
    f.write_text(BQ_CSV)
    r = CliRunner().invoke(app, ["ingest", str(f), "--reader", "bigquery", "--store", str(tmp_path / "c.duckdb"),
                                 "-f", "json"])
    assert r.exit_code == 0, r.output
    assert '"rows_stored": 6' in r.output
    r = CliRunner().invoke(app, ["bigquery-sql", "--actors", "AZE,ARM", "--start", "2021-03-01", "--end",
                                 "2021-03-31", "--per", "day"])
    assert r.exit_code == 0 and "AS date" in r.output and "_PARTITIONTIME" in r.output
