"""POLECAT reader: header-driven layout, PLOVER type -> CAMEO through the crosswalk, quarantine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from detente import cameo, sources
from detente.sources import polecat
from detente.store import Store, StoreError

FIX = Path(__file__).resolve().parent / "fixtures" / "polecat_fixture.tsv"  # 8 hand-built rows, real header


def test_crosswalk_agrees_with_cameo_table() -> None:
    for ptype, code in polecat.PLOVER_TO_CAMEO.items():
        assert cameo.plover(code)[0] == ptype, (ptype, code)
    assert set(polecat.PLOVER_TO_CAMEO) == {r["plover_type"] for r in cameo.reference_rows() if r["plover_type"]}


def test_fixture_rows(store: Store) -> None:
    assert sources.detect(FIX).NAME == "polecat"
    (s,) = store.ingest([FIX])
    # lines 2-9: line 6 repeats line 3's Event ID, line 7 has a d/m/Y date, line 8 type DEMAND (not PLOVER)
    assert (s.rows_read, s.rows_stored, s.rows_duplicate, s.rows_quarantined) == (8, 5, 1, 2)
    rows = {r[0]: r[1:] for r in store.con.execute(
        "SELECT line, date, source_actor, source_sector, target_actor, target_sector, plover_type, cameo_code, "
        "quad_class, location, reports FROM events").fetchall()}
    assert rows[2] == (date(2023, 1, 5), "ARM", "GOV", "IRN", "GOV", "CONSULT", "04", 1, "Tehran", 1)
    assert rows[3] == (date(2023, 1, 6), "AZE", "GOV", "ARM", "GOV", "ACCUSE", "11", 3, "Baku, Azerbaijan", 2)
    assert rows[4][:7] == (date(2023, 1, 6), "AZE", "MIL", "ARM", "MIL", "ASSAULT", "18")
    assert rows[9][5:8] == ("SANCTION", "16", 4)
    # line 5 spells its missing actor country and sector "None", as the real release files do: read as
    # missing, so the name alone resolves the actor and no "None" text is stored
    assert store.con.execute("SELECT source_text, source_actor, source_sector, target_actor, location FROM events "
                             "WHERE line = 5").fetchall() == [("United Nations", "UNO", None, "ARM", "Yerevan, Armenia")]
    assert store.con.execute("SELECT count(*) FROM events WHERE 'None' IN (source_sector, source_country, "
                             "source_actor, location)").fetchall()[0][0] == 0
    q = dict(store.con.execute("SELECT line, reason FROM quarantine").fetchall())
    assert set(q) == {7, 8} and "08/01/2023" in q[7] and "DEMAND" in q[8]


def test_header_without_event_type_is_refused(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "weekly.tsv"
    f.write_text("Event ID\tEvent Date\tActor Name\n1\t2023-01-01\tArmenia\n")
    with pytest.raises(StoreError, match="weekly.tsv.*'Event Type'"):
        store.ingest([f], fmt="polecat")
