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
