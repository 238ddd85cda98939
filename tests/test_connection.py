"""One store connection serves every stage in one process: the ibis path must not change the settings other
stages rely on (issue 17: after any ``relations.*`` call, ``alignment_frame`` failed with "Table with name cal does
not exist" and an ingest with quarantined rows failed with "Table with name rows does not exist")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from detente import alignment, relations
from detente.periods import Period
from detente.store import Store

FIXTURE = Path(__file__).parent / "fixtures" / "events.2018.fixture.tab"
JUNE = [Period("june", date(2018, 6, 1), date(2018, 6, 30))]


def _replacements(store: Store) -> bool:
    return store.con.execute("SELECT current_setting('python_enable_replacements')").fetchall()[0][0]


def test_relations_then_ingest_and_alignment_in_one_process(tmp_path):
    s = Store(tmp_path / "c.duckdb")
    try:
        first = tmp_path / "a.tab"
        first.write_bytes(FIXTURE.read_bytes())
        s.ingest([first])
        frame = relations.dyad_frame(s, ["BGD", "VNM"], JUNE, ci=False)
        assert len(frame) >= 1
        assert _replacements(s) is True  # ibis works on a cursor of its own
        # the fixture's two quarantined rows go through the pandas-registered path once more
        second = tmp_path / "b.tab"
        lines = FIXTURE.read_text().splitlines()
        second.write_text("\n".join([lines[0]] + [ln.replace("2018-06", "2018-07") for ln in lines[1:]]) + "\n")
        summary = s.ingest([second])[0]
        assert summary.rows_quarantined == 2 and summary.balanced
        al = alignment.alignment_frame(s, ["BGD", "VNM"], JUNE)
        assert len(al) == 1
    finally:
        s.close()
