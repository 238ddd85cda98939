"""The dashboard in a real browser: Playwright driving Debian's Chromium against a real uvicorn server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from out_fixtures import shared_site

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (apt-get install -y "
                                                     "chromium); Playwright cannot download browsers here"),
]


@pytest.fixture(scope="module")
def site(bundled_store_path: Path) -> str:
    return shared_site(bundled_store_path)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    ctx.close()


def not_blank(png: bytes) -> float:
    """Pixel variance of a screenshot (a blank or single-colour page is ~0)."""
    import io

    from PIL import Image, ImageStat

    return sum(ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).var)


def ready(pg) -> None:
    pg.wait_for_selector("body[data-ready='1']", timeout=60_000)


GAP_CROSSED = """() => {
  // every icews line piece lies wholly on one side of every icews gap: no line is drawn across a gap
  const svg = document.querySelector('#chart svg');
  const gaps = [...svg.querySelectorAll('rect.gap')].filter(r => r.textContent.startsWith('icews'))
    .map(r => [+r.getAttribute('x'), +r.getAttribute('x') + +r.getAttribute('width')]);
  const pieces = [...svg.querySelectorAll('path.line')].filter(p => p.textContent === 'icews')
    .map(p => p.getAttribute('d').slice(1).split(' L').map(xy => +xy.split(',')[0]));
  const crossed = pieces.some(xs => gaps.some(([a, b]) => Math.min(...xs) < a && Math.max(...xs) > b));
  return {gaps: gaps.length, pieces: pieces.length, crossed: crossed};
}"""


def test_pick_a_dyad_and_see_its_chart_with_the_icews_gap(site: str, page, tmp_path: Path) -> None:
    page.goto(site + "/")
    ready(page)
    page.click("nav >> text=Dyads")
    ready(page)
    page.fill("input[name=a]", "irn")
    page.fill("input[name=b]", "ARM")
    page.select_option("select[name=period]", "post-war")
    page.click("button[type=submit]")
    page.wait_for_url("**/dyads/IRN/ARM?period=post-war*")
    ready(page)
    twin = httpx.get(site + "/dyads/IRN/ARM.json", params={"period": "post-war", "freq": "month"}, timeout=60).json()
    datasets = {p["dataset"] for p in twin["points"] if p["value"] is not None}
    names = {p.text_content() for p in page.locator("#chart svg path.line").all()}
    assert names == datasets == {"gdelt_network", "icews"}
    assert page.locator("#chart svg rect.band").count() == 1  # the post-war period, shaded
    assert twin["chart"]["gaps"] == [{"series": "icews", "start": "2021-09-01", "end": "2021-12-01"}]
    seen = page.evaluate(GAP_CROSSED)
    assert seen == {"gaps": 1, "pieces": 2, "crossed": False}  # icews: Jan-Aug 2021 and Jan-Aug 2022, apart
    assert "icews 2021-09..2021-12" in page.inner_text("#gaps")
    assert page.locator("#chart svg .ylabel").text_content() == "index (‰ of world volume)"
    shot = page.screenshot(path=str(tmp_path / "dyad.png"), full_page=True)
    assert not_blank(shot) > 100
    assert page.errors == []


def test_claims_page_reads_as_a_summary_with_a_legend(site: str, page) -> None:
    page.goto(site + "/claims")
    ready(page)
    twin = httpx.get(site + "/claims.json").json()
    assert page.locator("#claims tbody tr").count() == len(twin["items"]) == 13
    assert [t.strip() for t in page.locator("#legend td:first-child").all_inner_texts()] == [
        "supported", "contradicted", "mixed", "undecided", "insufficient data"]
    for c in twin["items"]:
        row = page.locator(f"#claims tr[data-id='{c['id']}']")
        assert row.locator(".verdict").inner_text() == c["verdict"].replace("_", " ")
        for d in c["decisive"]:  # the decisive test with its unit, as the twin says
            assert d["unit"] in row.inner_text()
    page.click("#claims a:text-is('C1')")
    page.wait_for_url("**/claims/C1")
    ready(page)
    c1 = httpx.get(site + "/claims/C1.json").json()
    assert page.inner_text("#verdict") == c1["verdict"].replace("_", " ")
    assert page.inner_text("#words") == c1["summary_first"]["words"]
    assert page.inner_text("#robustness") == c1["summary_first"]["robustness"]["label"]
    assert page.locator("#evidence tr").count() == len(c1["facts"])
    assert c1["charts"] and all(len(ch["series"]) <= 4 for ch in c1["charts"])
    names = {p.text_content() for p in page.locator("#chart-0 svg path.line").all()}
    assert names == {s["name"] for s in c1["charts"][0]["series"] if any(p[1] is not None for p in s["points"])}
    assert page.errors == []


def test_network_page_draws_every_actor(site: str, page) -> None:
    page.goto(site + "/network?period=post-war")
    ready(page)
    twin = httpx.get(site + "/network.json", params={"period": "post-war"}).json()
    assert page.locator("#chart svg circle.node").count() == len(twin["nodes"]) == len(twin["chart"]["nodes"])
    assert page.locator("#chart svg line").count() == len(twin["edges"])
    assert page.errors == []


def test_report_first_screen_shows_verdicts_not_bibtex(bundled_store_path: Path, browser, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from detente.cli import app

    out = tmp_path / "report.html"
    r = CliRunner().invoke(app, ["report", "--store", str(bundled_store_path), "--out", str(out), "--no-cache"])
    assert r.exit_code == 0, r.output
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = ctx.new_page()
    pg.goto(out.as_uri())
    box = pg.evaluate("""() => Object.fromEntries(['legend', 'summary-table', 'bibtex', 'claims'].map(
        id => [id, document.getElementById(id).getBoundingClientRect().top]))""")
    assert box["legend"] < box["summary-table"] < 900 < box["claims"] < box["bibtex"]
    first = pg.locator("#summary-table tbody tr").first
    assert first.bounding_box()["y"] < 900 and first.locator(".verdict").inner_text()
    assert pg.evaluate("() => document.elementFromPoint(600, 450).closest('section').id") == "summary"
    shot = pg.screenshot(path=str(tmp_path / "first.png"))
    assert not_blank(shot) > 100
    ctx.close()
    # the committed screenshot (docs/outputs.md shows it) carries the counts it was taken with: still today's?
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_report import png_texts

    counts = json.loads(out.with_suffix(".json").read_text())["sections"]["summary"]["counts"]
    committed = png_texts((Path(__file__).resolve().parents[1] / "docs" / "report-first-screen.png").read_bytes())
    assert json.loads(committed.get("detente-verdicts", "null")) == counts, (
        "docs/report-first-screen.png shows other verdicts than the report: re-take it with "
        "`python bench/bench_report.py --screenshot docs/report-first-screen.png`")
