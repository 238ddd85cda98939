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


def test_pick_a_dyad_and_see_its_chart(site: str, page, tmp_path: Path) -> None:
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
    lines = page.locator("#chart svg path.line")
    datasets = {p["dataset"] for p in twin["points"] if p["value"] is not None}
    assert lines.count() == len(datasets) >= 1
    assert len(lines.first.get_attribute("d")) > 100
    assert page.locator("#chart svg rect.band").count() == 1  # the post-war period, shaded
    shot = page.screenshot(path=str(tmp_path / "dyad.png"), full_page=True)
    assert not_blank(shot) > 100
    assert page.errors == []


def test_open_a_claims_evidence(site: str, page, tmp_path: Path) -> None:
    page.goto(site + "/claims")
    ready(page)
    twin = httpx.get(site + "/claims.json").json()
    assert page.locator("#claims tbody tr").count() == len(twin["items"]) == 13
    page.click("#claims a:text-is('C1')")
    page.wait_for_url("**/claims/C1")
    ready(page)
    c1 = httpx.get(site + "/claims/C1.json").json()
    assert page.inner_text("#verdict") == c1["verdict"].replace("_", " ")
    assert page.locator("#evidence tr").count() == len(c1["facts"])
    assert c1["charts"]  # C1 compares dyad series: it always has a chart
    if c1["charts"]:
        assert page.locator("#chart-0 svg path.line").count() == len(c1["charts"][0]["series"])
    shot = page.screenshot(path=str(tmp_path / "claim.png"), full_page=True)
    assert not_blank(shot) > 100
    assert page.errors == []


def test_network_page_draws_every_actor(site: str, page) -> None:
    page.goto(site + "/network?period=post-war")
    ready(page)
    twin = httpx.get(site + "/network.json", params={"period": "post-war"}).json()
    assert page.locator("#chart svg circle.node").count() == len(twin["nodes"])
    assert page.locator("#chart svg line").count() == len(twin["edges"])
    assert page.errors == []
