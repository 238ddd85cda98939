"""The report (detente.report): sections, self-contained HTML, JSON twin, PDF, and `detente report`."""

from __future__ import annotations

import importlib.metadata
import json
import math
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import report, views
from detente.cli import app
from detente.store import Store
from out_fixtures import BIBTEX, tiny_store

SECTIONS = ["summary", "claims", "dyads", "alignment", "network", "scenarios", "coverage"]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(tiny_store(tmp_path_factory.mktemp("rep") / "tiny.duckdb"), read_only=True)
    yield s
    s.close()


def test_jsonable_turns_stage_values_into_plain_json() -> None:
    out = views.jsonable({"d": date(2021, 3, 1), "t": datetime(2021, 3, 1, 12, 30), "nan": math.nan,
                          "np": np.float64(0.5), "i": np.int64(3), "arr": np.array([1, 2]), "tup": (1, None)})
    assert out == {"d": "2021-03-01", "t": "2021-03-01T12:30:00", "nan": None, "np": 0.5, "i": 3, "arr": [1, 2],
                   "tup": [1, None]}
    json.dumps(out)


def test_missing_data_degrades_to_unavailable_sections(tiny: Store, tmp_path: Path) -> None:
    rep = report.build(tiny)
    s = rep.data["sections"]
    assert list(s) == SECTIONS
    assert s["coverage"]["status"] == "ok" and s["coverage"]["bibtex"] == BIBTEX
    assert [d["name"] for d in s["coverage"]["datasets"]] == ["empty", "tiny"]
    assert s["network"]["status"] == "unavailable" and "gdelt_network" in s["network"]["reason"]
    assert s["alignment"]["status"] == "unavailable" and "UN roll calls" in s["alignment"]["reason"]
    html = report.write(rep, tmp_path / "r.html")["html"].read_text()
    assert html.count("Section unavailable:") == sum(v["status"] != "ok" for v in s.values())
    assert "A tiny hand-made dataset" in html  # the BibTeX


def test_claims_child_takes_the_weekly_sums_its_parent_read(tiny: Store, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The world's weekly sums are aggregated once per report: the parent hands them to the claims' child as
    files (relations.save_weekly); the child takes those of its store state and skips the rest."""
    import io
    import sys
    import tempfile

    from detente import relations

    files = relations.save_weekly(tiny, tmp_path)
    want = {ds: relations.shared_reader(tiny)._weekly_world(ds)["value"].sum() for ds in ("empty", "tiny")
            if ds in [i.name for i in relations.datasets(tiny)]}
    relations._WEEKLY.clear()
    other = Store(tiny.path, read_only=True)
    stale = tmp_path / "stale.npz"
    np.savez(stale, dataset=np.array("tiny"), state=np.array("('elsewhere', (0, None))"))
    line = json.dumps({"weekly": [str(f) for f in files] + [str(stale)]})
    monkeypatch.setattr(sys, "stdin", io.StringIO(line + "\n"))
    assert report._from_parent(other) is None  # no case sent: a named case's child loads its own
    got = {ds: float(ww["value"].sum()) for (_, ds), ww in relations._WEEKLY.items()}
    other.close()
    assert got == pytest.approx(want) and len(got) == len(files)
    # a whole report of a named case leaves no hand-over folder behind
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "t"))
    (tmp_path / "t").mkdir()
    case = tmp_path / "case.yaml"
    case.write_text("name: pair\nactors: [IRN, ARM]\nperiods:\n  all: {start: null, end: null}\nhypotheses: []\n")
    report.build(tiny, case=str(case))
    assert list((tmp_path / "t").iterdir()) == []


def test_case_without_testable_claims_still_renders(tiny: Store, tmp_path: Path) -> None:
    case = tmp_path / "empty_case.yaml"
    case.write_text("name: nothing_to_test\nactors: [IRN, ARM]\nperiods:\n  all: {start: null, end: null}\n"
                    "hypotheses: []\n")
    rep = report.build(tiny, case=str(case))
    claims = rep.data["sections"]["claims"]
    assert claims["status"] == "ok" and claims["items"] == []
    assert "no testable claims" in claims["note"]
    html = report.render_html(rep)
    assert "no testable claims" in html and "nothing_to_test" in html


def test_text_becomes_claims_in_the_report(tiny: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from detente import claims
    from detente.extract import extract_claims

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the child's copy of the text goes
    calls: list[int] = []
    real = claims.evaluate
    monkeypatch.setattr(claims, "evaluate", lambda *a, **k: calls.append(1) or real(*a, **k))
    # the claim's window (April 2021) lies inside the tiny store's data (2021-03-01..2021-05-06)
    text = ("In April 2021 Iran signed a transit deal with Armenia. "
            "Nothing in this second sentence names a state.")
    rep = report.build(tiny, text=text)
    # tested in the child process (the other core, not here), which read a copy of the text, removed afterwards
    assert calls == [] and list(tmp_path.glob("detente-text-*")) == []
    want = extract_claims(text)
    got = rep.data["sections"]["claims"]["items"]
    assert len(got) == len(want) >= 1
    assert [(c["id"], c["text"]) for c in got] == [(w["id"], w["sentence"]) for w in want]
    assert len(got) == 1 and got[0]["text"].startswith("In April 2021 Iran")  # the second sentence names no state
    net = rep.data["sections"]["network"]  # a text's report tests its dyads; the network is one command away
    assert net["status"] == "unavailable" and "`detente network --actors IRN,ARM --period 2021-04-01:2021-04-30`" in net["reason"]


def test_pdf_from_html_with_chromium(tmp_path: Path) -> None:
    if not report.CHROMIUM.exists():
        pytest.skip(f"Chromium not installed at {report.CHROMIUM} (apt-get install -y chromium)")
    out = tmp_path / "x.pdf"
    report.html_to_pdf("<html><body><h1>detente</h1><p>" + "word " * 3000 + "</p></body></html>", out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", data)) >= 2


def test_pdf_without_chromium_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(report.UserError, match="apt-get install -y chromium"):
        report.html_to_pdf("<p>x</p>", tmp_path / "x.pdf", chromium=tmp_path / "no-chromium")


def test_cli_pdf_checks_its_browser_before_computing_anything(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "CHROMIUM", tmp_path / "no-chromium")
    store = tmp_path / "never.duckdb"
    r = CliRunner().invoke(app, ["report", "--pdf", "--store", str(store), "-o", str(tmp_path / "r.pdf")])
    assert r.exit_code == 2, r.output
    assert "--pdf needs Playwright and Chromium" in r.output and "apt-get install -y chromium" in r.output
    assert r.output.strip().count("\n") == 0 and "Traceback" not in r.output
    assert not store.exists()  # nothing was built or computed


# -- the summary, hand-checkable ----------------------------------------------------------------------
def _comp(name: str, period: str, effect: float, lo: float, hi: float, outcome: str, **kw: object) -> dict:
    return {"name": name, "period": period, "effect": effect, "lo": lo, "hi": hi, "p": 0.01, "n": 100,
            "expect": "greater", "null": 0.0, "margin": 0.0, "method": "moving-block bootstrap of daily means",
            "outcome": outcome, "note": None, "extra": {}, **kw}


MIXED = {"id": "X1", "claim": "A backs B", "verdict": "mixed", "agreement": "only d1 could test it",
         "spec": [{"kind": "compare", "x": "AAA-BBB", "y": 0.0, "measure": "net"}],
         "datasets": {"d1": {"verdict": "mixed", "components": [
             _comp("pre-war: AAA-BBB - 0.0", "pre-war", -0.10, -0.20, -0.01, "against"),
             _comp("war: AAA-BBB - 0.0", "war", 0.30, 0.05, 0.60, "for"),        # (0.05 - 0) / 0.55 = 0.09
             _comp("post-war: AAA-BBB - 0.0", "post-war", 0.25, 0.12, 0.38, "for"),  # 0.12 / 0.26 = 0.46
         ]}}}


def test_the_decisive_test_is_the_clearest_on_each_side_not_the_first() -> None:
    from detente import report_summary as rs

    got = rs.claim_summary(MIXED)
    assert [(d["period"], d["outcome"]) for d in got["decisive"]] == [("post-war", "for"), ("pre-war", "against")]
    assert got["decisive"][0]["text"] == "0.25 net cooperation (-1 .. +1) (95% interval 0.12 .. 0.38)"
    assert got["words"].startswith("The evidence is mixed")
    assert got["robustness"] == {"label": "one dataset", "detail": "only d1 could test it", "source": "report"}
    assert got["would_change"] == ["Limited to war: AAA-BBB - 0.0, post-war: AAA-BBB - 0.0 the claim would be "
                                   "supported; it is held back by pre-war: AAA-BBB - 0.0."]
    # a test two datasets share is named with its dataset when they differ (C1 read "limited to ..., post-war:
    # IRN-ARM - IRN-AZE the claim would be supported; it is held back by ..., post-war: IRN-ARM - IRN-AZE")
    two = {**MIXED, "datasets": {**MIXED["datasets"], "d2": {"verdict": "undecided", "components": [
        _comp("post-war: AAA-BBB - 0.0", "post-war", 0.05, -0.10, 0.20, "undecided")]}}}
    assert rs.claim_summary(two)["would_change"][0] == (
        "Limited to war: AAA-BBB - 0.0, post-war: AAA-BBB - 0.0 (d1) the claim would be supported; it is held back "
        "by pre-war: AAA-BBB - 0.0, post-war: AAA-BBB - 0.0 (d2).")
    supported = {**MIXED, "verdict": "supported", "datasets": {"d1": {"verdict": "supported", "components": [
        c for c in MIXED["datasets"]["d1"]["components"] if c["outcome"] == "for"]}}}
    got = rs.claim_summary(supported)
    assert [d["period"] for d in got["decisive"]] == ["post-war"]
    assert "is d1: war: AAA-BBB - 0.0 (interval 0.05 .. 0.60" in got["would_change"][0]  # the narrowest margin
    # what the claims stage says wins over the report's own reading
    given = rs.claim_summary({**MIXED, "verdict": "undecided", "robustness": {"label": "fragile", "detail": "x"},
                              "decisive": 1})
    assert given["verdict_text"] == "undecided" and given["robustness"]["label"] == "fragile"
    assert given["decisive"][0]["period"] == "war"


def test_units_say_what_an_effect_is_measured_in() -> None:
    from detente.report_summary import unit

    r = {"spec": [{"kind": "compare", "x": "A-B", "y": "A-C", "measure": "net"}]}
    # a difference of two values in -1 .. +1 spans -2 .. +2 (the summary read "-1.21 difference in tone (-1 .. +1)")
    assert unit(r, {"name": "post-war: A-B - A-C"}) == "difference in net cooperation (-2 .. +2)"
    assert unit(r, {"name": "post-war: A-B"}) == "net cooperation (-1 .. +1)"
    assert unit(r, {"name": "x", "method": "recorded active days, threshold 3"}) == "days with such interaction"
    assert unit(r, {"name": "x", "method": "recorded events, threshold 3"}) == "events recorded"
    assert unit({"spec": [{"kind": "change", "dyad": "A-B", "measure": "count"}]},
                {"name": "A-B count: post-war - pre-war"}) == "difference in interaction rate (per day)"
    assert unit(r, {"name": "x", "unit": "km"}) == "km"  # a unit given by the claims stage wins


def test_coverage_names_the_icews_gap_and_the_end_of_un_votes(bundled_store: Store) -> None:
    from detente import report_summary as rs

    cov = {d["name"]: d for d in rs.coverage(bundled_store)}
    assert cov["icews"]["gaps"] == [["2021-09", "2021-12"]]
    assert cov["gdelt_network"]["gaps"] == []
    periods = [{"name": "pre-war", "start": None, "end": "2020-09-26"},
               {"name": "post-war", "start": "2020-11-11", "end": "2023-09-18"}]
    notes = {w["dataset"]: w for w in rs.coverage_warnings(list(cov.values()), periods)}
    assert notes["icews"]["uncovered_periods"] == ["pre-war"] and notes["icews"]["partial_periods"] == ["post-war"]
    assert "no data in 2021-09..2021-12" in notes["icews"]["text"]
    assert "cannot show whether alignments changed in post-war" in notes["unvotes"]["text"]


def test_chart_spec_leaves_gaps_undrawn_and_caps_lines() -> None:
    from detente import report_figures as figs

    pts = [["2021-07-01", 1.0, 0.5, 1.5], ["2021-08-01", 2.0, 1.0, 3.0], ["2021-09-01", None], ["2021-10-01", None],
           ["2021-11-01", 1.0, 0.0, 2.0], ["2021-12-01", 1.5, 1.0, 2.0]]
    spec = figs.line_chart([{"name": "icews", "points": pts}], ylabel="index")
    assert spec["gaps"] == [{"series": "icews", "start": "2021-09-01", "end": "2021-10-01"}]
    svg = figs.svg(spec)
    paths = re.findall(r'<path class="line" d="([^"]+)"', svg)
    assert len(paths) == 2 and all(p.count("L") == 1 for p in paths)  # two pieces of two points each
    assert svg.count('class="gap"') == 1 and svg.count('class="ci"') == 2
    with pytest.raises(ValueError, match="at most 4"):
        figs.line_chart([{"name": str(i), "points": pts} for i in range(5)])
    assert [len(g) for g in figs.split([{"name": str(i)} for i in range(10)])] == [4, 3, 3]
    assert figs.monthly([["2021-01-04", 1.0], ["2021-01-11", 0.0]]) == [["2021-01-01", 0.5, -0.48, 1.48]]


def test_charts_write_png_svg_and_pdf_files(tmp_path: Path) -> None:
    from detente import report_figures as figs

    spec = figs.line_chart([{"name": "a", "points": [["2021-01-01", 1], ["2021-02-01", 2]]}], title="t")
    net = figs.network_chart([{"id": "ARM", "bloc": 0}, {"id": "AZE", "bloc": 1}],
                             [{"a": "ARM", "b": "AZE", "sign": -1, "weight": 0.5}])
    assert figs.save(spec, tmp_path / "a.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert figs.save([spec, net], tmp_path / "a.pdf").read_bytes()[:5] == b"%PDF-"
    assert figs.save(net, tmp_path / "a.svg").read_text().count("<line ") == 1
    with pytest.raises(report.UserError, match="use a .svg, .png or .pdf"):
        figs.save(spec, tmp_path / "a.jpg")


# -- the bundled case, end to end through the CLI ----------------------------------------------------
@pytest.fixture(scope="module")
def bundled_report(bundled_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("report") / "detente-report.html"
    res = CliRunner().invoke(app, ["report", "--store", str(bundled_store_path), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out, json.loads(out.with_suffix(".json").read_text())


def test_bundled_report_has_every_section(bundled_report: tuple[Path, dict]) -> None:
    _, data = bundled_report
    s = data["sections"]
    assert {k: v["status"] for k, v in s.items()} == {k: "ok" for k in SECTIONS}, \
        {k: v.get("reason") for k, v in s.items()}
    assert len(s["dyads"]["items"]) >= 4 and all(d["series"] for d in s["dyads"]["items"])
    assert [p["name"] for p in s["network"]["periods"]] == [p["name"] for p in data["case"]["periods"]]
    # the 44-day war shows on the ARM-AZE plot as a structural break in the week of 2020-09-27
    (arm_aze,) = [d for d in s["dyads"]["items"] if {d["a"], d["b"]} == {"ARM", "AZE"}]
    breaks = [m["date"] for m in arm_aze["marks"] if m["kind"] == "break"]
    assert any("2020-09-20" <= d <= "2020-10-04" for d in breaks), breaks
    assert len(s["scenarios"]["items"]) >= 1 and s["scenarios"]["hindcast"]["dyads_scored"] > 0
    assert [c["id"] for c in s["claims"]["items"]] == [f"C{i}" for i in range(1, 14)]
    assert all(c["verdict"] in ("supported", "contradicted", "mixed", "undecided", "insufficient_data")
               for c in s["claims"]["items"])


def test_bundled_report_glossary_states_the_draws_behind_its_intervals(bundled_report: tuple[Path, dict]) -> None:
    """The built-in case file sets 1,000 draws (``defaults: {bootstrap: 1000}``) and the dyad charts use 200;
    the glossary said "2,000 draws" (the library default) whatever the case set."""
    _, data = bundled_report
    glossary = {g["term"]: g["meaning"] for g in data["sections"]["summary"]["glossary"]}
    assert "1,000 draws for the claims' tests, 200 for the dyad charts" in glossary["95% interval"]


def test_bundled_report_network_says_when_two_bloc_splits_tie(bundled_report: tuple[Path, dict]) -> None:
    """Each period shows the least-frustrated two-bloc split and, where several fit equally well (post-war: four,
    one of them ARM+IRN against AZE, ISR, RUS and TUR), says so instead of showing one solver's pick alone."""
    path, data = bundled_report
    html = path.read_text()
    norm = lambda split: sorted(sorted(b) for b in split)  # noqa: E731
    for p in data["sections"]["network"]["periods"]:
        assert p["ties"] and norm(p["partition"]) in [norm(t) for t in p["ties"]], p["name"]
        if len(p["ties"]) > 1:
            assert f"one of {len(p['ties'])} splits that fit equally well" in html
    post = next(p for p in data["sections"]["network"]["periods"] if p["name"] == "post-war")
    assert len(post["ties"]) > 1 and norm([["ARM", "IRN"], ["AZE", "ISR", "RUS", "TUR"]]) in map(norm, post["ties"])


def test_bundled_report_opens_with_the_verdicts_not_the_bibtex(bundled_report: tuple[Path, dict]) -> None:
    from test_web import table

    path, data = bundled_report
    html = path.read_text()
    assert html.index('id="summary"') < html.index('id="verdicts"') < html.index('id="bibtex"')
    assert html.index('id="legend"') < html.index('id="summary-table"') < html.index("@data{")
    summ = data["sections"]["summary"]
    assert [c["id"] for c in summ["claims"]] == [f"C{i}" for i in range(1, 14)]
    rows = table(html, "summary-table")[1:]
    assert len(rows) == len(summ["claims"])
    assert all(r[0].startswith(c["id"]) and r[1].startswith(c["verdict_text"]) for r, c in zip(rows, summ["claims"],
                                                                                              strict=True))
    legend = [r[0] for r in table(html, "legend")]
    assert legend == ["supported", "contradicted", "mixed", "undecided", "insufficient data"]
    for c in summ["claims"]:  # a decided claim names its decisive test with a unit and an interval
        if c["verdict"] in ("supported", "contradicted", "mixed"):
            assert c["decisive"] and all(d["unit"] and d["outcome"] in ("for", "against", "undecided")
                                         for d in c["decisive"])
    c1 = next(c for c in summ["claims"] if c["id"] == "C1")
    if c1["verdict"] == "mixed":  # C1's pre-war test is the first one run; it is not the only one quoted
        assert any(d["period"] != "pre-war" for d in c1["decisive"])
    icews = next(w for w in summ["coverage"] if w["dataset"] == "icews")
    assert icews["gaps"] == [["2021-09", "2021-12"]]
    assert "UN-vote data in the store end in" in data["sections"]["alignment"]["coverage_note"]


def test_bundled_report_charts_draw_gaps_as_gaps(bundled_report: tuple[Path, dict]) -> None:
    _, data = bundled_report
    figures = data["figures"]
    assert all(len(f["series"]) <= 4 for f in figures.values() if f["type"] == "line")
    assert all(f["ylabel"] for f in figures.values() if f["type"] == "line")
    (arm_irn,) = [d for d in data["sections"]["dyads"]["items"] if {d["a"], d["b"]} == {"ARM", "IRN"}]
    spec = figures[arm_irn["figure"]]
    icews = next(s for s in spec["series"] if s["name"] == "icews")
    drawn = {p[0][:7] for p in icews["points"] if p[1] is not None}
    assert "2021-08" in drawn and "2022-01" in drawn and not drawn & {"2021-09", "2021-10", "2021-11", "2021-12"}
    assert {"series": "icews", "start": "2021-09-01", "end": "2021-12-01"} in spec["gaps"]


def test_bundled_report_is_self_contained(bundled_report: tuple[Path, dict]) -> None:
    html = bundled_report[0].read_text()
    assert not re.search(r"<script[^>]+src=", html) and not re.search(r"<link[^>]+stylesheet", html)
    assert not re.search(r"""(?:src|url\()\s*=?\s*["']?https?://""", html)
    n_figs = html.count("<svg")
    s = bundled_report[1]["sections"]
    assert n_figs >= len(s["dyads"]["items"]) + len(s["network"]["periods"]) + 1


def test_bundled_report_html_shows_the_twin_numbers(bundled_report: tuple[Path, dict]) -> None:
    from test_web import table

    path, data = bundled_report
    html = path.read_text()
    rows = table(html, "verdicts")[1:]
    items = data["sections"]["claims"]["items"]
    assert [(r[0], r[2]) for r in rows] == [(c["id"], c["verdict_text"]) for c in items]
    for r, c in zip(rows, items, strict=True):
        assert r[3] == ("–" if c["effect"] is None else f"{c['effect']:.3g}")
    ds = table(html, "datasets")[1:]
    assert [r[0] for r in ds] == [d["name"] for d in data["sections"]["coverage"]["datasets"]]


def test_bundled_report_names_sources_versions_parameters(bundled_report: tuple[Path, dict],
                                                           bundled_store: Store) -> None:
    path, data = bundled_report
    html = path.read_text()
    prov = data["provenance"]
    assert prov["parameters"]["case"] == "south_caucasus" and prov["parameters"]["freq"] == "month"
    assert prov["detente_version"] == views.version() == importlib.metadata.version("detente")
    for d in bundled_store.sources():
        assert d["name"] in html
    assert "@" in data["sections"]["coverage"]["bibtex"]  # BibTeX entries
    assert all(d["license"] for d in data["sections"]["coverage"]["datasets"])


def test_cli_rejects_both_inputs_and_missing_files(tmp_path: Path, bundled_store_path: Path) -> None:
    r = CliRunner().invoke(app, ["report", "--store", str(bundled_store_path), "--case-file", "a.yaml",
                                 "--text", "b.txt"])
    assert r.exit_code == 2 and "not both" in r.output
    r = CliRunner().invoke(app, ["report", "--store", str(bundled_store_path), "--case-file",
                                 str(tmp_path / "none.yaml")])
    assert r.exit_code == 2 and "no such case file" in r.output
    r = CliRunner().invoke(app, ["report", "--store", str(bundled_store_path), "--freq", "hourly"])
    assert r.exit_code == 2 and "week, month, quarter or year" in r.output


@pytest.mark.skipif(shutil.which("pdftoppm") is None or not report.CHROMIUM.exists(),
                    reason="needs Chromium and pdftoppm (apt-get install -y chromium poppler-utils)")
def test_bundled_report_as_pdf_renders_pages(bundled_report: tuple[Path, dict], tmp_path: Path) -> None:
    import subprocess

    pdf = tmp_path / "r.pdf"
    report.html_to_pdf(bundled_report[0].read_text(), pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "p")],
                   check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 2000 for p in pages)


def test_cli_refuses_bad_inputs_before_any_work(tmp_path: Path) -> None:
    """A bad case, output name or path is one line, and no store is built for nothing."""
    store = tmp_path / "never.duckdb"
    folder = tmp_path / "a_folder"
    folder.mkdir()
    for args, says in ((["--case", "nope"], "no built-in case 'nope'"),
                       (["-o", str(tmp_path / "r.json")], "the JSON twin is written next to the report"),
                       (["-o", str(folder)], "is a directory"),
                       (["--case-file", str(folder)], "no such case file")):
        r = CliRunner().invoke(app, ["report", "--store", str(store), *args])
        assert r.exit_code == 2, r.output
        assert says in r.output and r.output.strip().count("\n") == 0 and "Traceback" not in r.output
    assert not store.exists()


def test_cli_file_errors_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    r = CliRunner().invoke(app, ["export", str(tmp_path / "plain" / "out"), "--store", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 2 and "Not a directory; check the path" in r.output and "Traceback" not in r.output


def test_check_with_report_tests_the_claims_once(bundled_store_path: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from detente import claims

    calls = []
    real = claims.evaluate
    monkeypatch.setattr(claims, "evaluate", lambda *a, **k: calls.append(1) or real(*a, **k))
    text = tmp_path / "note.txt"
    text.write_text("Since the war Iran has steadily deepened its cooperation with Armenia.", encoding="utf-8")
    out = tmp_path / "check.html"
    r = CliRunner().invoke(app, ["check", str(text), "--report", str(out), "--store", str(bundled_store_path),
                                 "--format", "json"])
    assert r.exit_code == 0, r.output
    printed = json.loads(r.stdout[r.stdout.index("["):])
    twin = json.loads(out.with_suffix(".json").read_text())
    assert len(calls) == 1  # the report reuses the verdicts just printed
    assert [c["verdict"].replace("_", " ") for c in twin["sections"]["claims"]["items"]] == [
        c["verdict"] for c in printed]


def test_report_sections_are_cached_in_the_store_until_an_ingest(tmp_path: Path) -> None:
    store = tiny_store(tmp_path / "tiny.duckdb")
    out = tmp_path / "r.html"

    def run() -> tuple[str, dict]:
        r = CliRunner().invoke(app, ["report", "--store", str(store), "--out", str(out)])
        assert r.exit_code == 0, r.output
        return r.output, json.loads(out.with_suffix(".json").read_text())

    first, a = run()
    assert "sections cached in the store" in first
    second, b = run()
    assert "read from the store's cache" in second
    assert b["sections"] == a["sections"] and b["figures"] == a["figures"]
    assert b["provenance"]["computed_at"] == a["provenance"]["generated_at"]
    r = CliRunner().invoke(app, ["ingest", str(Path(__file__).parent / "fixtures" / "icews14_named_sample.txt.gz"),
                                 "--store", str(store)])
    assert r.exit_code == 0, r.output
    third, c = run()
    assert "sections cached in the store" in third  # the ingest changed the store's checksum: computed again
    assert [d["name"] for d in c["sections"]["coverage"]["datasets"]] != [
        d["name"] for d in a["sections"]["coverage"]["datasets"]]


def test_rendering_a_cached_report_imports_no_matplotlib_or_scipy(bundled_report: tuple[Path, dict],
                                                                tmp_path: Path) -> None:
    import subprocess
    import sys

    code = ("import json, sys; from detente import report; "
            f"rep = report.from_cache(json.load(open({str(bundled_report[0].with_suffix('.json'))!r}))); "
            f"report.write(rep, {str(tmp_path / 'again.html')!r}); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'scipy', 'ruptures')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert (tmp_path / "again.html").read_text().count("<svg") == bundled_report[0].read_text().count("<svg")
