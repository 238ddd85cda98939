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

SECTIONS = ["coverage", "dyads", "alignment", "network", "scenarios", "claims"]


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


def test_text_becomes_claims_in_the_report(tiny: Store) -> None:
    from detente.extract import extract_claims

    text = ("Since the war Iran has steadily deepened its cooperation with Armenia. "
            "Nothing in this second sentence names a state.")
    rep = report.build(tiny, text=text)
    want = extract_claims(text)
    got = rep.data["sections"]["claims"]["items"]
    assert len(got) == len(want) >= 1
    assert [(c["id"], c["text"]) for c in got] == [(w["id"], w["sentence"]) for w in want]
    assert len(got) == 1 and got[0]["text"].startswith("Since the war Iran")  # the second sentence names no state


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
    assert all(c["verdict"] in ("supported", "contradicted", "mixed", "insufficient_data")
               for c in s["claims"]["items"])


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
