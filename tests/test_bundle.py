"""The bundled store: real-data properties the rest of detente relies on."""

from __future__ import annotations

from datetime import date

from detente import bundle


def one(store, sql: str, *params):
    return store.con.execute(sql, list(params)).fetchone()


def test_manifest_rows_match_the_store(bundled_store) -> None:
    for table, n in bundle.manifest()["rows"].items():
        assert one(bundled_store, f"SELECT count(*) FROM {table}")[0] == n


def test_every_bundled_file_balances(bundled_store) -> None:
    bad = bundled_store.con.execute(
        "SELECT file FROM files WHERE rows_read <> rows_stored + rows_quarantined + rows_duplicate"
    ).fetchall()
    assert bad == []


def test_war_day_scores(bundled_store) -> None:
    # The 44-day war starts on 2020-09-27: the GDELT daily AZE-ARM score drops below -3,000,
    # while AZE-TUR stays positive the day after.
    (aze_arm,) = one(bundled_store, "SELECT score FROM dyad_days WHERE dataset='gdelt_network' "
                     "AND actor_a='ARM' AND actor_b='AZE' AND date=?", date(2020, 9, 27))
    (aze_tur,) = one(bundled_store, "SELECT score FROM dyad_days WHERE dataset='gdelt_network' "
                     "AND actor_a='AZE' AND actor_b='TUR' AND date=?", date(2020, 9, 28))
    assert aze_arm < -3000
    assert aze_tur > 0


def test_network_covers_all_countries_and_years(bundled_store) -> None:
    lo, hi = one(bundled_store, "SELECT min(date), max(date) FROM dyad_days")
    (countries,) = one(bundled_store, "SELECT count(*) FROM (SELECT actor_a FROM dyad_days UNION SELECT actor_b FROM dyad_days)")
    assert (lo, hi) == (date(2018, 1, 1), date(2024, 2, 23))
    assert countries == 199  # of the 249 codes in the matrices, 199 ever have a non-zero score


def test_icews_actors_resolved_with_sectors(bundled_store) -> None:
    # ICEWS names like "Military (Azerbaijan)" resolve to a country and a sector
    got = one(bundled_store, "SELECT source_actor, source_sector FROM events WHERE source_text='Military (Azerbaijan)' LIMIT 1")
    assert got == ("AZE", "MIL")
    share = one(bundled_store, "SELECT avg(CASE WHEN source_actor IS NOT NULL AND target_actor IS NOT NULL "
                "THEN 1 ELSE 0 END) FROM events WHERE dataset='icews'")[0]
    assert share > 0.6


def test_sources_and_citations(bundled_store) -> None:
    names = {r["name"] for r in bundled_store.sources()}
    assert {"gdelt_network", "icews", "unvotes", "atop", "cow_alliance", "ucdp_acd", "cow_states"} <= names
    bib = bundled_store.cite()
    assert bib.count("@") >= len(names) and "Boschee" in bib and "Voeten" in bib
