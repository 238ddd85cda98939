"""Coverage per dataset x actor on the bundled store: actors a dataset cannot hold are "no data", sparse actors
are low-evidence (issue 16)."""

from __future__ import annotations

from detente import coverage


def test_gdelt_network_has_no_kosovo_and_no_serbia(real_store):
    # Kosovo is not in the network's 249-country list; Serbia is listed but never has a non-zero day in 2018-2024
    assert coverage.universe("gdelt_network") is not None and "XKX" not in coverage.universe("gdelt_network")
    assert not coverage.covers_actor(real_store, "gdelt_network", "XKX")
    assert not coverage.covers_actor(real_store, "gdelt_network", "SRB")
    assert coverage.covers_actor(real_store, "icews", "XKX")  # ICEWS does code Kosovo
    assert coverage.covers_actor(real_store, "gdelt_network", "ARM")


def test_days_and_low_evidence(real_store):
    rows = {(r["dataset"], r["actor"]): r for r in coverage.describe(real_store, ["ARM", "GEO", "XKX"])}
    arm = rows[("gdelt_network", "ARM")]
    got = real_store.con.execute(
        "SELECT count(DISTINCT date) FROM dyad_days WHERE dataset = 'gdelt_network' AND 'ARM' IN (actor_a, actor_b)"
    ).fetchall()[0][0]
    assert arm["days"] == got and not arm["low_evidence"]
    assert rows[("gdelt_network", "XKX")]["days"] == 0 and rows[("gdelt_network", "XKX")]["low_evidence"]
    # Georgia appears on far fewer network days than Armenia: the evidence behind its numbers is thinner
    assert rows[("gdelt_network", "GEO")]["days"] < arm["days"] / 4


def test_events_say_when_icews_does_not_cover_the_window(real_store, bundled_store_path):
    """IRN-AZE, Sep-Oct 2021: ICEWS holds Jan-Aug 2021 only, so 0 events is 'no data' and the answer says so."""
    from datetime import date

    from fastapi.testclient import TestClient

    from detente import views
    from detente.web.app import create_app

    out = views.strongest_events(real_store, "IRN", "AZE", start=date(2021, 9, 1), end=date(2021, 10, 31))
    assert out["total"] == 0
    icews = next(c for c in out["coverage"] if c["dataset"] == "icews")
    assert icews["covered_days"] == 0 and icews["gaps"] == [["2021-09-01", "2021-10-31"]]
    assert out["notes"] == ["icews does not cover 2021-09-01..2021-10-31: no events there means no data, not no "
                            "events"]
    with TestClient(create_app(bundled_store_path, warm=False)) as c:
        r = c.get("/api/dyads/IRN/AZE/events", params={"start": "2021-09-01", "end": "2021-10-31"})
        assert r.status_code == 200 and "icews does not cover 2021-09-01..2021-10-31" in r.json()["notes"][0]
    inside = views.strongest_events(real_store, "IRN", "AZE", start=date(2021, 3, 1), end=date(2021, 3, 31))
    assert inside["total"] > 0 and inside["notes"] == []


def _pair_days(store, table: str, a: str, b: str, lo: str, hi: str, ds: str) -> int:
    x, y = ("actor_a", "actor_b") if table == "dyad_days" else ("source_actor", "target_actor")
    return store.con.execute(
        f"SELECT count(DISTINCT date) FROM {table} WHERE dataset = ? AND (({x} = ? AND {y} = ?) OR ({x} = ? AND "
        f"{y} = ?)) AND date BETWEEN ? AND ?", [ds, a, b, b, a, lo, hi]).fetchall()[0][0]


def test_claim_components_say_the_days_they_rest_on(real_store):
    """Each test result names its window's covered days and its dyads' days with data (counted here in SQL);
    IRN-NKR on ICEWS after the war rests on 1 day: low evidence, in the JSON and in the table row."""
    from detente import claims

    case = claims.load_case("south_caucasus")
    got = {r.id: r for r in claims.evaluate(real_store, case, ids=["C1", "C9"], bootstrap=100, robustness=False)}
    pre = next(c for c in got["C1"].datasets["gdelt_network"]["components"] if c.period == "pre-war")
    assert pre.rests_on["start"].isoformat() == "2018-01-01" and pre.rests_on["end"].isoformat() == "2020-09-26"
    assert pre.covered_days == real_store.con.execute(
        "SELECT count(DISTINCT date) FROM dyad_days WHERE dataset = 'gdelt_network' AND date BETWEEN "
        "'2018-01-01' AND '2020-09-26'").fetchall()[0][0] == 996
    assert pre.rests_on["dyad_days"]["IRN-ARM"] == _pair_days(real_store, "dyad_days", "IRN", "ARM", "2018-01-01",
                                                              "2020-09-26", "gdelt_network") == 572
    assert pre.low_evidence is False
    post = next(c for c in got["C9"].datasets["icews"]["components"] if c.period == "post-war")
    assert post.days_with_data == _pair_days(real_store, "events", "IRN", "NKR", "2020-11-11", "2023-09-18",
                                             "icews") == 1
    assert post.covered_days == 484 and post.low_evidence is True  # 484 = ICEWS Jan-Aug 2021 + Jan-Aug 2022
    # outside a dataset's coverage a test rests on no day: no data (NULL), not "low evidence"
    early = next(c for c in got["C1"].datasets["icews"]["components"] if c.period == "pre-war")
    assert (early.covered_days, early.days_with_data, early.low_evidence) == (0, 0, None)
    js = got["C9"].as_dict()["datasets"]["icews"]["components"]
    assert any(c["low_evidence"] and c["rests_on"]["dyad_days"] == {"IRN-NKR": 1} for c in js)
    row = got["C9"].row()
    # icews: only post-war is covered (1 IRN-NKR day); pre-war and war rest on no day (no data, not low)
    assert row["low_evidence"] == "gdelt_network 3/3; icews 1/3" and "icews 0-484 d" in row["rests_on"]


def _day_keys(obj, found=None) -> set:
    found = set() if found is None else found
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("covered_days", "coverage_start", "coverage_end") and v is not None:
                found.add(k)
            _day_keys(v, found)
    elif isinstance(obj, list):
        for x in obj:
            _day_keys(x, found)
    return found


def test_every_api_answer_names_the_days_it_rests_on(tmp_path):
    """Walk every GET route under /api (all but /api/status, which reports server load, not data): each answer
    names its covered days. The tiny store's events fall on 7 of the 67 days 2021-03-01..05-06 (out_fixtures)."""
    from fastapi.testclient import TestClient

    from detente.web.app import create_app, served_case
    from out_fixtures import TINY_CASE, tiny_store

    case = tmp_path / "walk.yaml"
    case.write_text(TINY_CASE)
    app = create_app(tiny_store(tmp_path / "t.duckdb"), warm=False, case=served_case(case_file=case))
    params = {"a": "IRN", "b": "ARM", "claim_id": "T1"}
    paths = sorted(p for p, ops in app.openapi()["paths"].items()
                   if p.startswith("/api/") and "get" in ops and p != "/api/status")
    assert {"/api/dyads/{a}/{b}", "/api/dyads/{a}/{b}/events", "/api/anomalies", "/api/network", "/api/claims",
            "/api/claims/{claim_id}", "/api/sources", "/api/cite"} <= set(paths)
    with TestClient(app) as c:
        for p in paths:
            r = c.get(p.format(**params))
            assert r.status_code == 200, (p, r.text)
            assert _day_keys(r.json()), f"{p} does not say which days it rests on"
        for p in ("/api/claims", "/api/cite", "/api/anomalies", "/api/network"):
            tiny = next(x for x in c.get(p).json()["covered"] if x["dataset"] == "tiny")
            assert (tiny["start"], tiny["end"], tiny["covered_days"], tiny["days"]) == ("2021-03-01", "2021-05-06",
                                                                                       7, 67)
        comp = c.get("/api/claims/T1").json()["components"][0]  # march: e1..e3 on 3 covered days, all IRN-ARM
        assert (comp["period"], comp["covered_days"], comp["days_with_data"]) == ("march", 3, 3)


def test_cli_relations_says_no_data_and_the_days(bundled_store_path):
    from typer.testing import CliRunner

    from detente.cli import app

    res = CliRunner().invoke(app, ["relations", "SRB", "XKX", "--freq", "year", "--store", str(bundled_store_path)])
    text = res.output + (res.stderr if getattr(res, "stderr_bytes", None) else "")
    assert res.exit_code == 0, text
    assert "gdelt_network: no data for SRB-XKX: SRB and XKX are never in it (NULL, not 0)" in text
    ok = CliRunner().invoke(app, ["relations", "ARM", "IRN", "--freq", "year", "--store", str(bundled_store_path),
                                  "-f", "csv"])
    import csv

    rows = list(csv.DictReader(x for x in ok.output.splitlines() if x.strip()))
    got = next(r for r in rows if r["period"] == "2018" and r["dataset"] == "gdelt_network")
    # 2018: 365 covered days, 220 with an ARM-IRN score (SQL: dyad_days of the pair in 2018)
    assert (got["covered_days"], got["active_days"], got["low_evidence"]) == ("365", "220", "False")


def test_report_coverage_panel_lists_the_days_each_test_rests_on(tmp_path):
    """The report's coverage panel (appendix B) has one row per claim test with its covered days and days with
    data; on the tiny store T1's march test rests on e1..e3 (3 days), its spring test on e5..e7 (3 of the 4 covered days, e4 being IRN-AZE)."""
    import re

    from detente import report
    from detente.store import Store
    from out_fixtures import ONE_CLAIM_CASE, tiny_store

    case = tmp_path / "walk.yaml"
    case.write_text(ONE_CLAIM_CASE)
    s = Store(tiny_store(tmp_path / "t.duckdb"), read_only=True)
    try:
        rep = report.build(s, case=str(case))
    finally:
        s.close()
    rows = rep.data["sections"]["claims"]["details"][0]["tables"][0]["rows"]
    assert [(r["period"], r["covered_days"], r["days_with_data"], r["low_evidence"]) for r in rows] == [
        ("march", 3, 3, False), ("spring", 4, 3, False)]
    html = report.render_html(rep)
    panel = html[html.index('<table id="test-coverage">'):]
    panel = panel[:panel.index("</table>")]
    cells = [re.sub(r"<[^>]+>", "|", tr).strip("|").split("||") for tr in re.findall(r"<tr[^>]*>.*?</tr>", panel)]
    assert cells[1:] == [["T1", "tiny", "march: cooperative IRN-ARM", "3", "3"],
                         ["T1", "tiny", "spring: cooperative IRN-ARM", "4", "3"]]


def test_cli_votes_marks_years_with_few_shared_roll_calls(bundled_store_path):
    import csv

    from typer.testing import CliRunner

    from detente.cli import app

    res = CliRunner().invoke(app, ["votes", "ARM", "IRN", "--start", "2019", "--store", str(bundled_store_path),
                                   "-f", "csv"])
    assert res.exit_code == 0, res.output
    rows = {r["year"]: r for r in csv.DictReader(x for x in res.output.splitlines() if x.strip())}
    # the roll calls end 2020-01-14: ARM and IRN share 1 vote in 2020 (85 in 2019)
    assert (rows["2019"]["n_votes"], rows["2019"]["low_evidence"]) == ("85", "False")
    assert (rows["2020"]["n_votes"], rows["2020"]["low_evidence"]) == ("1", "True")


def test_cli_network_names_the_covered_days_of_its_period(bundled_store_path, real_store):
    import json

    from typer.testing import CliRunner

    from detente.cli import app

    res = CliRunner().invoke(app, ["network", "--period", "after", "--store", str(bundled_store_path), "-f", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout[res.stdout.index("{"):])
    (cov,) = out["covered"]
    days = real_store.con.execute("SELECT count(DISTINCT date) FROM dyad_days WHERE dataset = 'gdelt_network' AND "
                                  "date BETWEEN ? AND ?", [cov["start"], cov["end"]]).fetchall()[0][0]
    assert (cov["dataset"], cov["start"], cov["end"]) == ("gdelt_network", out["period"]["start"], out["period"]["end"])
    assert cov["covered_days"] == days == 158
