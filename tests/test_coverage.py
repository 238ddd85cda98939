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
