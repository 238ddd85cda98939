"""Signal readers on real rows: UN votes, ATOP/COW alliances, UCDP conflicts, COW states, GDELT daily network."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from detente.store import Store, StoreError

FIX = Path(__file__).parent / "fixtures"


def q(s: Store, sql: str, *params):
    return s.con.execute(sql, list(params)).fetchall()


def test_unvotes_values_and_accounting(store: Store) -> None:
    (r,) = store.ingest([FIX / "unvotes"], fmt="unvotes")
    # 68 data lines: 59 real rows of roll calls 3/4, 5 of roll call 9101, Zanzibar (stored as TZA), and
    # 3 bad lines we added
    assert r.rows_read == 68
    assert r.rows_read == r.rows_stored + r.rows_quarantined + r.rows_duplicate
    # rcid 3 (1946-01-01, session 1): United States yes, Canada no
    assert q(store, "SELECT value, label, date, item FROM signals WHERE actor_a='USA' AND item='s1/rc3'") == [
        (1.0, "yes", date(1946, 1, 1), "s1/rc3")
    ]
    assert q(store, "SELECT value FROM signals WHERE actor_a='CAN' AND item='s1/rc3'") == [(0.0,)]
    # roll call 9101 (2019-12-03): Armenia abstained, Azerbaijan and Turkey voted yes; Namibia's ISO2 is "NA"
    assert q(store, "SELECT actor_a, label FROM signals WHERE item='s18/rc874'") == [("TZA", "abstain")]
    got = dict(q(store, "SELECT actor_a, value FROM signals WHERE item='s74/rc9101'"))
    assert got == {"ARM": 0.5, "AZE": 1.0, "IRN": 1.0, "NAM": 1.0, "TUR": 1.0}
    reasons = {r[0] for r in q(store, "SELECT reason FROM quarantine")}
    assert reasons == {
        "no ISO3 code for 'Atlantis'",
        "vote 'maybe' is not yes/abstain/no",
        "wrong number of columns",
    }
    assert q(store, "SELECT line FROM quarantine WHERE reason='wrong number of columns'") == [(69,)]


def test_unvotes_idempotent(store: Store) -> None:
    store.ingest([FIX / "unvotes"], fmt="unvotes")
    n = q(store, "SELECT count(*) FROM signals")[0][0]
    (again,) = store.ingest([FIX / "unvotes"], fmt="unvotes")
    assert again.skipped and q(store, "SELECT count(*) FROM signals")[0][0] == n


def test_atop_aze_arm_2018_defense_pact(store: Store) -> None:
    (r,) = store.ingest([FIX / "peacesciencer/atop_alliance.csv.gz"], fmt="atop")
    assert r.balanced
    # ATOP lists the CIS-era AZE-ARM pact in both directions; stored once, undirected
    assert q(store, "SELECT label FROM signals WHERE actor_a='ARM' AND actor_b='AZE' AND year=2018") == [
        ("defense,nonagg,consul",)
    ]


def test_ucdp_conflict_388(store: Store, shared: Path) -> None:
    (r,) = store.ingest([shared / "peacesciencer/ucdp_acd.csv.gz"], fmt="ucdp_acd")
    assert r.balanced
    # 2020: Azerbaijan with Turkey (secondary) vs Armenia (secondary on side B): war intensity
    got = q(store, "SELECT actor_a, actor_b, value FROM signals WHERE item='388' AND year=2020 ORDER BY 1, 2")
    assert got == [("ARM", "AZE", 2.0), ("ARM", "TUR", 2.0)]
    assert q(store, "SELECT value FROM signals WHERE item='388' AND year=2016") == [(1.0,)]


def test_cow_states(store: Store, shared: Path) -> None:
    store.ingest([shared / "peacesciencer/cow_states.csv.gz"], fmt="cow_states")
    assert q(store, "SELECT date, end_date FROM signals WHERE actor_a='USA' AND kind='state_member'") == [
        (date(1816, 1, 1), date(2016, 12, 31))
    ]
    assert q(store, "SELECT date FROM signals WHERE actor_a='AZE' AND kind='state_member'") == [(date(1991, 12, 26),)]


def test_gdelt_network_day(store: Store, shared: Path) -> None:
    (r,) = store.ingest([shared / "gdelt-daily-network/networks/20200927_network.zip"])
    assert r.format == "gdelt_network" and r.rows_read == 913 and r.rows_stored == 913
    (score,) = q(store, "SELECT score FROM dyad_days WHERE actor_a='ARM' AND actor_b='AZE'")[0]
    assert score == pytest.approx(-3443.8268, abs=1e-3)
    assert q(store, "SELECT count(*) FROM dyad_days WHERE actor_a >= actor_b")[0][0] == 0


def test_gdelt_network_corrupt_zip_leaves_store_unchanged(store: Store, tmp_path: Path, shared: Path) -> None:
    store.ingest([shared / "gdelt-daily-network/networks/20200927_network.zip"])
    bad = tmp_path / "20200928_network.zip"
    bad.write_bytes((shared / "gdelt-daily-network/networks/20200928_network.zip").read_bytes()[:500])
    with pytest.raises(StoreError, match="20200928_network.zip.*store is unchanged"):
        store.ingest([bad])
    assert q(store, "SELECT count(*) FROM dyad_days")[0][0] == 913
    assert q(store, "SELECT count(*) FROM files")[0][0] == 1
