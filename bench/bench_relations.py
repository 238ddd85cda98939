"""Benchmark: the dyad x month index over 10M / 30M / 100M synthetic events.

Synthetic events are generated inside DuckDB by resampling the real ICEWS interactions of a store
(source, target, CAMEO code, QuadClass and Goldstein drawn together, so the joint distribution of dyads
and intensities is the real one) with dates uniform over 2018-01-01..2024-02-23. Each method runs in its own
subprocess (peak RSS = that process's maxrss) and produces the same frame: every dyad x month with counts
per QuadClass, Goldstein sum and the volume-normalised index.

    python bench/bench_relations.py --proto-store PATH --sizes 10,30,100 --spark-sizes 10 --repeats 3
    python bench/bench_relations.py --in-process 3 --calls 6   # dyad_frame called N times in one process

Methods: ``detente`` (relations.dyad_frame on DuckDB, ci=False), ``sql`` (hand-written DuckDB SQL building
the same frame), ``sql_groupby`` (the bare group-by, a lower bound), ``pandas`` (events already in memory as
categoricals; load time not counted), ``spark`` (dyad_frame on local[2] PySpark; Parquet export cached
and not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

LO, HI = date(2018, 1, 1), date(2024, 2, 23)
WORK = Path(os.environ.get("DETENTE_BENCH_DIR", "/tmp/detente-bench"))


def generate(proto_store: Path, n: int) -> Path:
    from detente.store import Store

    path = WORK / (f"synth_{n // 1_000_000}M.duckdb" if n % 1_000_000 == 0 else f"synth_{n}.duckdb")
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    s = Store(tmp)
    s.con.execute(f"ATTACH '{proto_store}' AS real (READ_ONLY)")
    s.con.execute(
        """CREATE TEMP TABLE proto AS SELECT row_number() OVER () - 1 AS rn, source_actor, target_actor,
                  cameo_code, quad_class, goldstein FROM real.events
           WHERE source_actor IS NOT NULL AND target_actor IS NOT NULL AND source_actor <> target_actor"""
    )
    m = s.con.execute("SELECT count(*) FROM proto").fetchone()[0]
    days = (HI - LO).days + 1
    s.con.execute(
        f"""INSERT INTO events (event_id, date, source_actor, target_actor, cameo_code, quad_class, goldstein,
                                dataset, file)
            SELECT r.range::VARCHAR, DATE '{LO}' + (hash(r.range * 31 + 7) % {days})::INTEGER,
                   p.source_actor, p.target_actor, p.cameo_code, p.quad_class, p.goldstein, 'synth', 'synth'
            FROM range({n}) r JOIN proto p ON p.rn = hash(r.range) % {m}"""
    )
    s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) VALUES "
                  f"('synth', 'synthetic events resampled from real ICEWS rows', DATE '{LO}', DATE '{HI}')")
    s.con.execute("CHECKPOINT")
    s.close()
    tmp.rename(path)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return path


HAND_SQL = f"""
WITH ev AS (SELECT date, source_actor s, target_actor t, quad_class q, goldstein g FROM events
            WHERE dataset = 'synth' AND source_actor IS NOT NULL AND target_actor IS NOT NULL
              AND source_actor <> target_actor AND date BETWEEN DATE '{LO}' AND DATE '{HI}'),
world AS (SELECT date_trunc('month', date) m, count(DISTINCT date) AS ndays, sum(abs(g)) w FROM ev GROUP BY 1),
dy AS (SELECT date_trunc('month', date) m, least(s, t) a, greatest(s, t) b, count(*) n,
              count(*) FILTER (q = 1) n1, count(*) FILTER (q = 2) n2, count(*) FILTER (q = 3) n3,
              count(*) FILTER (q = 4) n4, sum(g) gs FROM ev GROUP BY ALL),
acts AS (SELECT DISTINCT x FROM (SELECT a x FROM dy UNION ALL SELECT b FROM dy)),
months AS (SELECT range::DATE m FROM range(DATE '{LO.replace(day=1)}', DATE '{HI}', INTERVAL 1 MONTH)),
u AS (SELECT months.m, x.x a, y.x b FROM months, acts x, acts y WHERE x.x < y.x)
SELECT u.m, u.a, u.b, coalesce(world.ndays, 0) covered_days,
       CASE WHEN world.ndays > 0 THEN coalesce(n, 0) END n_events,
       CASE WHEN world.ndays > 0 THEN coalesce(n1, 0) END n1, CASE WHEN world.ndays > 0 THEN coalesce(n2, 0) END n2,
       CASE WHEN world.ndays > 0 THEN coalesce(n3, 0) END n3, CASE WHEN world.ndays > 0 THEN coalesce(n4, 0) END n4,
       CASE WHEN world.ndays > 0 THEN coalesce(gs, 0) END goldstein_sum,
       CASE WHEN world.ndays > 0 THEN 1000 * coalesce(gs, 0) / w END idx,
       CASE WHEN world.ndays > 0 AND n > 0 THEN gs / n END goldstein_mean,
       CASE WHEN world.ndays > 0 AND n1 + n2 + n3 + n4 > 0 THEN (n1 + n2 - n3 - n4) / (n1 + n2 + n3 + n4) END net_coop
FROM u LEFT JOIN world ON world.m = u.m LEFT JOIN dy ON dy.m = u.m AND dy.a = u.a AND dy.b = u.b
"""

GROUPBY_SQL = """SELECT date_trunc('month', date) m, least(source_actor, target_actor) a,
  greatest(source_actor, target_actor) b, count(*) n, sum(goldstein) gs FROM events
  WHERE source_actor IS NOT NULL AND target_actor IS NOT NULL AND source_actor <> target_actor GROUP BY ALL"""


def frame(method: str, path: str) -> tuple:
    """Build the dyad x month frame with ``method``; return (frame, wall s, CPU s) of the timed part."""
    import resource

    import duckdb

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    if method in ("detente", "spark"):
        from detente import relations as R
        from detente.periods import cut
        from detente.store import Store

        s = Store(path, read_only=True)
        ps = cut("month", LO, HI)
        if method == "spark":  # warm-up: session start and the cached Parquet export are not counted
            R.dyad_frame(s, None, ps[:1], dataset="synth", ci=False, backend="spark")
        t, c = time.perf_counter(), cpu()
        df = R.dyad_frame(s, None, ps, dataset="synth", ci=False, backend="duckdb" if method == "detente" else "spark")
    elif method in ("sql", "sql_groupby"):
        con = duckdb.connect(path, read_only=True)
        t, c = time.perf_counter(), cpu()
        df = con.execute(HAND_SQL if method == "sql" else GROUPBY_SQL).df()
    else:  # pandas: the same frame (actor codes decoded, NULL outside coverage, mean and net cooperation)
        import numpy as np
        import pandas as pd

        con = duckdb.connect(path, read_only=True)
        ev = con.sql(
            "SELECT date, source_actor s, target_actor t, quad_class q, goldstein g FROM events WHERE "
            "source_actor IS NOT NULL AND target_actor IS NOT NULL AND source_actor <> target_actor"
        ).to_arrow_table().to_pandas(strings_to_categorical=True)
        t, c = time.perf_counter(), cpu()
        cats = ev.s.cat.categories.union(ev.t.cat.categories)
        s_, t_ = ev.s.cat.set_categories(cats).cat.codes, ev.t.cat.set_categories(cats).cat.codes
        ev["a"], ev["b"] = np.minimum(s_, t_), np.maximum(s_, t_)
        ev["m"] = pd.to_datetime(ev["date"]).dt.to_period("M")
        ev["ag"] = ev.g.abs()
        world = ev.groupby("m").agg(days=("date", "nunique"), w=("ag", "sum"))
        for k in (1, 2, 3, 4):
            ev[f"n{k}"] = (ev.q == k).astype("int32")
        dy = ev.groupby(["m", "a", "b"], observed=True).agg(n=("g", "size"), n1=("n1", "sum"), n2=("n2", "sum"),
                                                           n3=("n3", "sum"), n4=("n4", "sum"), gs=("g", "sum"))
        acts = np.unique(np.concatenate([dy.index.get_level_values(1), dy.index.get_level_values(2)]))
        ia, ib = np.triu_indices(len(acts), 1)
        months = pd.period_range(LO, HI, freq="M")
        u = pd.MultiIndex.from_arrays([np.repeat(months, len(ia)), np.tile(acts[ia], len(months)),
                                       np.tile(acts[ib], len(months))], names=["m", "a", "b"])
        df = dy.reindex(u, fill_value=0).join(world, on="m")
        cov = df.days.fillna(0) > 0
        df["covered_days"] = df.days.fillna(0).astype("int64")
        df = df.drop(columns="days")
        for col in ("n", "n1", "n2", "n3", "n4", "gs"):
            df[col] = df[col].where(cov)
        coop, conf = df.n1 + df.n2, df.n3 + df.n4
        df["idx"] = 1000 * df.gs / df.w
        df["goldstein_mean"] = (df.gs / df.n).where(df.n > 0)
        df["net_coop"] = ((coop - conf) / (coop + conf)).where(coop + conf > 0)
        df = df.reset_index()
        names = np.asarray(cats, dtype=object)
        df["a"], df["b"] = names[df.a.to_numpy()], names[df.b.to_numpy()]
    return df, time.perf_counter() - t, cpu() - c


def common(method: str, df):
    """The frame in one shape for comparing methods: month, a, b, counts, sums, index, mean, net."""
    import pandas as pd

    if method in ("detente", "spark"):
        df = df.rename(columns={"period": "m", "actor_a": "a", "actor_b": "b", "n_events": "n",
                                "n_verbal_coop": "n1", "n_material_coop": "n2", "n_verbal_conflict": "n3",
                                "n_material_conflict": "n4", "goldstein_sum": "gs", "index": "idx"})
    elif method == "sql":
        df = df.rename(columns={"n_events": "n", "goldstein_sum": "gs"})
    df = df.assign(m=pd.PeriodIndex(pd.to_datetime(df.m.astype(str)), freq="M").astype(str) if method != "pandas"
                   else df.m.astype(str))
    cols = ["m", "a", "b", "covered_days", "n", "n1", "n2", "n3", "n4", "gs", "idx", "goldstein_mean", "net_coop"]
    df = df[cols].astype({"a": str, "b": str, **{c: "float64" for c in cols[3:]}})
    return df.sort_values(["m", "a", "b"]).reset_index(drop=True)


def check(path: str) -> None:
    """Build the frame with detente, the hand SQL and pandas on ``path`` and assert they are equal."""
    import shutil

    import duckdb
    import pandas as pd

    gap = WORK / "check_gap.duckdb"  # a copy without June 2020: that month must come out NULL, not 0
    shutil.copy(path, gap)
    con = duckdb.connect(str(gap))
    con.execute("DELETE FROM events WHERE date BETWEEN DATE '2020-06-01' AND DATE '2020-06-30'")
    con.close()
    path = str(gap)
    frames = {m: common(m, frame(m, path)[0]) for m in ("detente", "sql", "pandas")}
    for m in ("sql", "pandas"):
        pd.testing.assert_frame_equal(frames["detente"], frames[m], check_exact=False, rtol=1e-9, atol=1e-9)
    f = frames["detente"]
    print(f"equal: detente, sql and pandas give the same {len(f):,} rows ({f.n.isna().sum():,} NULL outside "
          f"coverage, {int((f.n == 0).sum()):,} zero, {int((f.n > 0).sum()):,} with events)")


def run_one(method: str, path: str) -> dict:
    """Inside a subprocess: time one method once, report rows and peak RSS."""
    import resource

    df, wall, cpu = frame(method, path)
    return {"method": method, "seconds": wall, "cpu_s": cpu, "rows": len(df),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def in_process(path: Path, calls: int) -> dict:
    """``relations.dyad_frame`` (every dyad x month, ``ci=False``) called ``calls`` times on one read-only open:
    wall and process CPU seconds of each call (the first pays the catalogue and world totals, later ones share
    them)."""
    from detente import relations as R
    from detente.periods import cut
    from detente.store import Store

    ps = cut("month", LO, HI)
    times, cpus, rows = [], [], 0
    with Store(path, read_only=True) as s:
        for _ in range(calls):
            t, c = time.perf_counter(), time.process_time()
            rows = len(R.dyad_frame(s, None, ps, dataset="synth", ci=False))
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
    return {"calls": [round(x, 2) for x in times], "median_s": round(statistics.median(times), 2),
            "cpu_s": [round(x, 2) for x in cpus], "median_cpu_s": round(statistics.median(cpus), 2),
            "rows": rows, "load": round(os.getloadavg()[0], 1)}


def measure(method: str, path: Path, repeats: int) -> dict:
    runs = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, __file__, "--one", method, str(path)], capture_output=True, text=True)
        if out.returncode != 0:
            return {"method": method, "error": (out.stderr.strip().splitlines() or ["?"])[-1]}
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {"method": method, "seconds": statistics.median(r["seconds"] for r in runs),
            "cpu_s": statistics.median(r["cpu_s"] for r in runs), "rows": runs[0]["rows"],
            "peak_mb": max(r["peak_mb"] for r in runs), "runs": [round(r["seconds"], 2) for r in runs]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=2)
    ap.add_argument("--check", type=float, metavar="MILLIONS",
                    help="generate that many million events and assert all methods give the same frame")
    ap.add_argument("--proto-store", type=Path)
    ap.add_argument("--sizes", default="10,30,100")
    ap.add_argument("--spark-sizes", default="10")
    ap.add_argument("--pandas-max", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--in-process", type=float, metavar="MILLIONS",
                    help="generate that many million events and time dyad_frame --calls times in this process")
    ap.add_argument("--calls", type=int, default=6)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(run_one(*a.one)))
        return
    if a.proto_store is None:
        from detente.store import default_path

        a.proto_store = default_path()
    if a.check:
        check(str(generate(a.proto_store, int(a.check * 1_000_000))))
        return
    if a.in_process:
        print(json.dumps(in_process(generate(a.proto_store, int(a.in_process * 1_000_000)), a.calls)))
        return
    results = []
    for size in [int(x) for x in a.sizes.split(",")]:
        path = generate(a.proto_store, size * 1_000_000)
        methods = ["sql_groupby", "sql", "detente"]
        if size <= a.pandas_max:
            methods.append("pandas")
        if str(size) in a.spark_sizes.split(","):
            methods.append("spark")
        for m in methods:
            r = measure(m, path, a.repeats if m != "spark" else 1)
            r["events_M"] = size
            results.append(r)
            print(json.dumps(r), flush=True)
    print("\n| events | method | median s | runs | CPU s | rows | peak RSS MB | vs hand SQL |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        sql = next((x for x in results if x["events_M"] == r["events_M"] and x["method"] == "sql"), None)
        if "error" in r:
            print(f"| {r['events_M']}M | {r['method']} | failed: {r['error']} | | | | | |")
            continue
        ratio = f"{r['seconds'] / sql['seconds']:.2f}x" if sql and "seconds" in sql else ""
        print(f"| {r['events_M']}M | {r['method']} | {r['seconds']:.2f} | {r['runs']} | {r['cpu_s']:.1f} | {r['rows']:,} | "
              f"{r['peak_mb']:,.0f} | {ratio} |")


if __name__ == "__main__":
    main()
