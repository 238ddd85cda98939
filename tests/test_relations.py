"""relations: exact dyad sums on the 20-event fixture, NULL vs 0 at coverage edges, the volume-normalised
index and its bootstrap interval, and the same numbers on DuckDB and PySpark."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from detente import relations as R
from detente.errors import UserError
from detente.periods import Period, parse
from rel_fixtures import small_store

ACTORS = ["ARM", "AZE", "IRN", "TUR"]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = small_store(tmp_path_factory.mktemp("rel") / "t.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="module")
def monthly(store):
    f = R.dyad_frame(store, ACTORS, parse("month", start="2021-01", end="2021-04"), dataset="ev20")
    return f.set_index(["period", "actor_a", "actor_b"])


def test_universe_is_every_dyad_times_every_period():
    ps = parse("month", start="2021-01", end="2021-03")
    u = R.universe(ACTORS, ps, directed=False)
    assert len(u) == 3 * 6 and (u.actor_a < u.actor_b).all()
    assert len(R.universe(ACTORS, ps, directed=True)) == 3 * 12


def test_exact_dyad_sums_on_20_events(monthly):
    # January: e01 (-10, q4), e02 (-10, q4), e03 (-2, q3) are ARM-AZE; e08 (AZE->AZE) and e10 (no target) are
    # not interactions. World |Goldstein| in January = 10+10+2+8+1+1.9+7+4 = 43.9.
    r = monthly.loc[("2021-01", "ARM", "AZE")]
    assert (r.n_events, r.n_material_conflict, r.n_verbal_conflict, r.n_verbal_coop) == (3, 2, 1, 0)
    assert r.goldstein_sum == -22 and r.goldstein_mean == pytest.approx(-22 / 3) and r.net_coop == -1
    assert r["index"] == pytest.approx(1000 * -22 / 43.9)
    r = monthly.loc[("2021-01", "ARM", "IRN")]  # e06 visit 1.9 (q1) + e07 aid 7 (q2)
    assert (r.n_events, r.n_verbal_coop, r.n_material_coop, r.goldstein_sum) == (2, 1, 1, pytest.approx(8.9))
    # February: world |G| = 9+4+2+2+1+7+1.9 = 26.9; AZE-IRN = e14 (-2, q3) + e15 (1, q1): net 0, mean -0.5
    r = monthly.loc[("2021-02", "AZE", "IRN")]
    assert (r.n_events, r.goldstein_sum, r.goldstein_mean, r.net_coop) == (2, -1, -0.5, 0)
    assert r["index"] == pytest.approx(-1000 / 26.9)
    assert monthly.loc[("2021-02", "ARM", "AZE")]["index"] == pytest.approx(1000 * 13 / 26.9)
    assert monthly.loc[("2021-03", "IRN", "TUR")]["index"] == pytest.approx(1000 * 9 / 14)
    assert list(monthly.covered_days.xs("ARM", level=1).xs("AZE", level=1)) == [5, 4, 2, 0]


def test_directed_splits_the_dyad(store):
    f = R.dyad_frame(store, ["ARM", "AZE"], parse("2021-01:2021-01"), dataset="ev20", directed=True, ci=False)
    got = {(r.actor_a, r.actor_b): (r.n_events, r.goldstein_sum) for r in f.itertuples()}
    assert got == {("AZE", "ARM"): (2, -12.0), ("ARM", "AZE"): (1, -10.0)}


def test_undirected_folds_both_directions_in_universe_order(store):
    # overlapping periods, named against alphabetical order: rows keep the given period order
    ps = [Period("z-jan", date(2021, 1, 1), date(2021, 1, 31)), Period("a-q1", date(2021, 1, 1), date(2021, 3, 31))]
    und = R.dyad_frame(store, None, ps, dataset="ev20", ci=False)
    dr = R.dyad_frame(store, None, ps, dataset="ev20", directed=True, ci=False)
    acts = sorted(set(und.actor_a) | set(und.actor_b))
    pairs = [(a, b) for a in acts for b in acts if a < b]
    assert len(und) == 2 * len(pairs) and len(dr) == 2 * 2 * len(pairs)
    assert list(zip(und.period, und.actor_a, und.actor_b, strict=True)) == \
        [(p, a, b) for p in ("z-jan", "a-q1") for a, b in pairs]
    cols = ["n_events", "n_verbal_coop", "n_material_coop", "n_verbal_conflict", "n_material_conflict",
            "goldstein_sum"]
    lo, hi = np.minimum(dr.actor_a, dr.actor_b), np.maximum(dr.actor_a, dr.actor_b)
    folded = dr.assign(actor_a=lo, actor_b=hi).groupby(["period", "actor_a", "actor_b"])[cols].sum()
    got = und.set_index(["period", "actor_a", "actor_b"])[cols].loc[folded.index]
    pd.testing.assert_frame_equal(got.astype(float), folded.astype(float))
    g = und.set_index(["period", "actor_a", "actor_b"]).goldstein_sum  # Jan -22, Feb +13, Mar quiet
    assert (g[("z-jan", "ARM", "AZE")], g[("a-q1", "ARM", "AZE")]) == (-22, -9)


def test_zero_inside_coverage_null_outside(monthly):
    quiet = monthly.loc[("2021-03", "ARM", "AZE")]  # covered month, no ARM-AZE event: zero, not missing
    assert quiet.covered and quiet.n_events == 0 and quiet["index"] == 0 and quiet.ci_low == quiet.ci_high == 0
    assert np.isnan(quiet.goldstein_mean)  # nothing to average
    past = monthly.loc[("2021-04", "ARM", "AZE")]  # past coverage_end: NULL, never 0
    assert not past.covered and past.n_events is pd.NA and np.isnan(past["index"]) and np.isnan(past.ci_low)


def test_network_missing_day_is_null_and_partial_coverage(store):
    ps = [Period("a", date(2021, 1, 1), date(2021, 1, 4)), Period("gap", date(2021, 1, 5), date(2021, 1, 5)),
          Period("c", date(2021, 1, 6), date(2021, 1, 12))]
    f = R.dyad_frame(store, ["ARM", "AZE", "IRN"], ps, dataset="gnet").set_index(["period", "actor_a", "actor_b"])
    a = f.loc[("a", "ARM", "AZE")]  # days 1..4: scores -1..-4; world |score| = 10 + 4*2 + 2*1 = 20
    assert (a.score_sum, a.score_mean, a.n_days, a["index"]) == (-10, -2.5, 4, -500)
    assert not f.loc[("gap", "ARM", "AZE")].covered and np.isnan(f.loc[("gap", "ARM", "AZE")].score_sum)
    c = f.loc[("c", "ARM", "AZE")]  # days 6..10 covered (11, 12 are past coverage): 5 of 7 days
    assert (c.covered_days, c.period_days, c.score_sum, c.score_mean) == (5, 7, -40, -8)
    assert c["index"] == pytest.approx(-40000 / 53) and c.ci_low <= c["index"] <= c.ci_high
    assert f.loc[("c", "AZE", "IRN")].score_sum == 0


def test_active_days_and_low_evidence_are_null_aware(store, monthly):
    """active_days: days with a row for the dyad (both directions of a day count once); low_evidence: fewer than
    coverage.EVIDENCE_FLOOR_DAYS; NULL where the period is not covered, never 0 / False."""
    jan = monthly.loc[("2021-01", "ARM", "AZE")]  # e01 + e02 on Jan 4 (two directions), e03 on Jan 5
    assert (jan.n_events, jan.active_days, jan.low_evidence) == (3, 2, True)
    mar = monthly.loc[("2021-03", "ARM", "AZE")]  # covered, no event: 0 days with data, low evidence
    assert (mar.covered, mar.active_days, mar.low_evidence) == (True, 0, True)
    apr = monthly.loc[("2021-04", "ARM", "AZE")]  # past coverage: no data
    assert apr.active_days is pd.NA and apr.low_evidence is pd.NA
    assert str(monthly.active_days.dtype) == "Int64" and str(monthly.low_evidence.dtype) == "boolean"
    d = R.dyad_frame(store, ["ARM", "AZE"], parse("2021-01:2021-01"), dataset="ev20", directed=True, ci=False)
    assert {(r.actor_a, r.actor_b): r.active_days for r in d.itertuples()} == {("ARM", "AZE"): 1, ("AZE", "ARM"): 2}


def test_low_evidence_floor_is_30_days_with_data(tmp_path):
    from detente.coverage import EVIDENCE_FLOOR_DAYS
    from detente.store import Store

    s = Store(tmp_path / "floor.duckdb")
    day0 = date(2021, 1, 1)
    rows = [(day0 + pd.Timedelta(days=i), "ARM", "AZE", -1.0) for i in range(30)]  # 30 days: at the floor
    rows += [(day0 + pd.Timedelta(days=i), "ARM", "IRN", 1.0) for i in range(29)]  # 29 days: below it
    s.con.executemany("INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file, line) "
                      "VALUES (?, ?, ?, false, ?, 'net', 'hand', NULL)", rows)
    s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) "
                  "VALUES ('net', 'hand-made', DATE '2021-01-01', DATE '2021-01-31')")
    f = R.dyad_frame(s, ["ARM", "AZE", "IRN"], [Period("jan", date(2021, 1, 1), date(2021, 1, 31))], ci=False)
    got = {(r.actor_a, r.actor_b): (r.covered_days, r.active_days, r.low_evidence) for r in f.itertuples()}
    assert EVIDENCE_FLOOR_DAYS == 30
    assert got == {("ARM", "AZE"): (30, 30, False), ("ARM", "IRN"): (30, 29, True), ("AZE", "IRN"): (30, 0, True)}
    s.close()


def test_overlapping_periods_each_get_their_days(store):
    ps = [Period("x", date(2021, 1, 1), date(2021, 1, 7)), Period("y", date(2021, 1, 4), date(2021, 1, 10))]
    f = R.dyad_frame(store, ["ARM", "AZE"], ps, dataset="gnet").set_index("period")
    # ARM-AZE scores -day on every day but the 5th: x = days 1-4, 6, 7; y = days 4, 6-10
    assert (f.loc["x"].score_sum, f.loc["x"].covered_days, f.loc["x"].active_days) == (-23, 6, 6)
    assert (f.loc["y"].score_sum, f.loc["y"].covered_days, f.loc["y"].active_days) == (-44, 6, 6)
    assert (f.ci_low <= f["index"]).all() and (f["index"] <= f.ci_high).all()


def test_index_is_volume_invariant(tmp_path):
    """Doubling every score of a day (twice the news) leaves the index unchanged."""
    from detente.store import Store
    from rel_fixtures import load_network

    s = Store(tmp_path / "v.duckdb")
    load_network(s)
    ps = [Period("all", date(2021, 1, 1), date(2021, 1, 10))]
    before = R.dyad_frame(s, ["ARM", "AZE"], ps, ci=False)["index"][0]
    s.con.execute("UPDATE dyad_days SET score = 2 * score")
    assert R.dyad_frame(s, ["ARM", "AZE"], ps, ci=False)["index"][0] == pytest.approx(before)
    s.close()


def test_bootstrap_is_seeded_and_brackets_the_index(store):
    ps = parse("month", start="2021-01", end="2021-02")
    f1 = R.dyad_frame(store, ACTORS, ps, dataset="ev20", seed=7)
    f2 = R.dyad_frame(store, ACTORS, ps, dataset="ev20", seed=7)
    assert f1[["ci_low", "ci_high"]].equals(f2[["ci_low", "ci_high"]])
    assert ((f1.ci_low <= f1["index"] + 1e-9) & (f1["index"] <= f1.ci_high + 1e-9)).all()
    counts = R.block_counts(30, 50, np.random.default_rng(0))
    assert counts.shape == (30, 50) and (counts.sum(axis=0) == 30).all()


def test_dataset_none_keeps_one_dataset_per_row(store):
    f = R.dyad_frame(store, ["ARM", "AZE"], parse("2021-01:2021-01"), ci=False)
    assert sorted(f.dataset) == ["ev20", "gnet"]
    ev, net = f[f.dataset == "ev20"].iloc[0], f[f.dataset == "gnet"].iloc[0]
    assert ev.n_events == 3 and np.isnan(ev.score_sum) and net.score_sum == -(1 + 2 + 3 + 4 + 6 + 7 + 8 + 9 + 10)
    assert net.n_events is pd.NA


def test_clear_errors(store):
    ps = parse("2021-01:2021-02")
    with pytest.raises(UserError, match="gnet .dyad_days. has no 'n_verbal_coop'"):
        R.dyad_frame(store, ACTORS, ps, dataset="gnet", measures=["n_verbal_coop"])
    with pytest.raises(UserError, match="unknown actor 'ARN'.*ARM"):
        R.dyad_frame(store, ["ARN", "AZE"], ps)
    with pytest.raises(UserError, match="undirected scores only"):
        R.dyad_frame(store, ACTORS, ps, dataset="gnet", directed=True)
    with pytest.raises(UserError, match="no data in 2019-01-01..2019-12-31; the store holds ev20 2021-01-01..2021-03-31"):
        R.dyad_series(store, "ARM", "AZE", start="2019", end="2019")
    with pytest.raises(UserError, match="no dyad data for dataset 'nope'"):
        R.dyad_series(store, "ARM", "AZE", dataset="nope")


def test_dyad_series_defaults_to_coverage(store):
    s = R.dyad_series(store, "AZE", "ARM", dataset="ev20", ci=False)
    assert list(s.period) == ["2021-01", "2021-02", "2021-03"] and list(s.n_events) == [3, 2, 0]


@pytest.mark.spark
def test_spark_gives_the_same_numbers(store):
    ps = parse("month", start="2021-01", end="2021-04")
    for ds in ("ev20", "gnet"):
        d = R.dyad_frame(store, ACTORS, ps, dataset=ds, backend="duckdb")
        s = R.dyad_frame(store, ACTORS, ps, dataset=ds, backend="spark")
        assert list(d.columns) == list(s.columns) and len(d) == len(s)
        for c in d.columns:
            if d[c].dtype.kind == "f":
                np.testing.assert_allclose(d[c].to_numpy(), s[c].to_numpy(), rtol=1e-12, equal_nan=True)
            else:
                assert d[c].astype(str).tolist() == s[c].astype(str).tolist(), c


def test_same_dyad_period_same_number_across_stages(bundled_store, bundled_store_path):
    """ARM-IRN after the 2020 war: one number from relations, its daily layer, network, claims and the web API."""
    from datetime import date

    from fastapi.testclient import TestClient

    from detente import network
    from detente.case import Case
    from detente.claims import evaluate
    from detente.claims.casefile import compile_case
    from detente.periods import Period
    from detente.web.app import create_app

    lo, hi = date(2020, 11, 11), date(2023, 9, 18)
    rel = R.dyad_frame(bundled_store, ["ARM", "IRN"], [Period("post-war", lo, hi)], dataset="gdelt_network",
                       ci=False)["index"][0]
    day = R.period_value(bundled_store, "ARM", "IRN", "gdelt_network", lo, hi, "index")
    net = network.build(bundled_store, ["ARM", "AZE", "IRN", "TUR"], "post-war", case="south_caucasus",
                        n_boot=20).edge("ARM", "IRN")["index"]
    case = compile_case(Case.from_dict({
        "name": "same", "actors": ["ARM", "IRN"], "periods": {"post-war": {"start": lo, "end": hi}},
        "datasets": ["gdelt_network"], "hypotheses": [{"id": "S", "claim": "level", "kind": "compare",
                                                       "x": "ARM-IRN", "measure": "index", "y": 0}]}))
    res = evaluate(bundled_store, case, bootstrap=50, robustness=False)[0]
    cl = res.datasets["gdelt_network"]["components"][0].extra["x"]
    with TestClient(create_app(bundled_store_path, warm=False)) as c:
        body = c.get("/api/network", params={"period": "post-war"}).json()
    api = next(e["index"] for e in body["edges"] if {e["a"], e["b"]} == {"ARM", "IRN"})
    assert rel > 0.1  # a real, non-trivial value
    for other in (day, net, cl, api):
        assert other == pytest.approx(rel, rel=1e-9)
    # the tone (the claims' default measure) is the same ratio of the same daily sums
    d = R.daily(bundled_store, "ARM", "IRN", "gdelt_network", start=lo, end=hi)
    assert R.period_value(bundled_store, "ARM", "IRN", "gdelt_network", lo, hi) == pytest.approx(
        d["value"].sum() / d["abs"].sum())
    # days the dataset does not cover are NULL, never quiet: 2020-12-15..17 are missing from the GDELT files
    gap = R.daily(bundled_store, "ARM", "IRN", "gdelt_network", start="2020-12-14", end="2020-12-18",
                  calendar_days=True)
    assert gap.loc["2020-12-15":"2020-12-17", "value"].isna().all() and gap.loc["2020-12-14"].notna().all()


def test_a_dataset_that_cannot_hold_an_actor_says_no_data(bundled_store):
    """Kosovo (XKX) is not in the GDELT network's universe and Serbia never appears in it: every SRB-XKX
    row there is covered=False with NULL measures, never an index of 0 with a [0, 0] interval; a dyad the
    dataset does hold keeps its numbers."""
    per = [Period("2021", date(2021, 1, 1), date(2021, 12, 31))]
    f = R.dyad_frame(bundled_store, ["SRB", "XKX"], per, dataset="gdelt_network", n_boot=50)
    assert len(f) == 1 and not f.covered.iloc[0]
    assert f[["score_sum", "n_days", "index", "ci_low", "ci_high"]].isna().all(axis=None)
    ok = R.dyad_frame(bundled_store, ["ARM", "AZE"], per, dataset="gdelt_network", n_boot=50)
    assert ok.covered.iloc[0] and ok["index"].iloc[0] < 0 and ok.n_days.iloc[0] > 100


def test_an_organisation_the_events_record_is_not_no_data(bundled_store):
    """The actor table counts ICEWS events by country, so organisations (UNO) are not in it; ICEWS still records
    them as actors: YEM-UNO in 2021 keeps its events (the rows counted here straight from the store), and the
    GDELT network, which cannot hold UNO, says no data."""
    per = [Period("2021", date(2021, 1, 1), date(2021, 12, 31))]
    n = bundled_store.con.execute(
        "SELECT count(*) FROM events WHERE dataset = 'icews' AND date BETWEEN '2021-01-01' AND '2021-12-31' AND "
        "((source_actor = 'YEM' AND target_actor = 'UNO') OR (source_actor = 'UNO' AND target_actor = 'YEM'))"
    ).fetchone()[0]
    f = R.dyad_frame(bundled_store, ["YEM", "UNO"], per, ci=False).set_index("dataset")
    assert n > 0 and f.loc["icews"].covered and f.loc["icews"].n_events == n
    assert 0 < f.loc["icews"].active_days <= n
    assert not f.loc["gdelt_network"].covered and f.loc["gdelt_network"].low_evidence is pd.NA
