"""ICEWS readers: the Dataverse .tab layout and the temporal-KG quadruples (named and id-based)."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from detente import cameo, sources
from detente.sources import icews_quads
from detente.store import Store, StoreError
from sqlrows import one

FIX = Path(__file__).resolve().parent / "fixtures"
TAB = FIX / "events.2018.fixture.tab"  # header + 30 real rows, then a repeat, a bad date, a short row
NAMED = FIX / "icews14_named_sample.txt.gz"  # 20 real mmkb ICEWS14 lines + the first one again
IDS = FIX / "icews_quads" / "ICEWS21"  # 12 real lines of each split, id tables cut to the ids used


def test_detect() -> None:
    assert sources.detect(TAB).NAME == "icews"
    assert sources.detect(NAMED).NAME == "icews_quads"
    assert sources.detect(IDS).NAME == "icews_quads"
    assert sources.detect(IDS / "train.txt").NAME == "icews_quads"


def test_tab_first_row_exact(store: Store) -> None:
    (s,) = store.ingest([TAB])
    # 33 data lines: 30 stored, line 32 repeats line 6's event id, lines 33 (date) and 34 (12 columns) bad
    assert (s.rows_read, s.rows_stored, s.rows_duplicate, s.rows_quarantined) == (33, 30, 1, 2)
    r = one(store, "SELECT * FROM events WHERE line = 2")
    assert (r["event_id"], r["date"], r["cameo_code"]) == ("32889836", date(2018, 6, 1), "040")
    assert r["source_text"] == "Foreign Affairs (Bangladesh)" and r["source_country"] == "BGD"
    assert r["target_text"] == "High Ranking Military Personnel (Vietnam)" and r["target_country"] == "VNM"
    assert (r["location"], r["latitude"], r["longitude"]) == ("Hanoi, Thanh Pho Ha Noi, Vietnam", 21.0245, 105.841)
    assert (r["quad_class"], r["goldstein"]) == (cameo.quad_class("040"), cameo.goldstein("040")) == (1, 1.0)
    assert one(store, "SELECT reports FROM events WHERE line = 6")["reports"] == 2
    q = dict(store.con.execute("SELECT line, reason FROM quarantine").fetchall())
    assert set(q) == {33, 34} and q[33] == "Event Date '06/01/2018' is not YYYY-MM-DD"
    assert "Columns: 20 Found: 12" in q[34]  # DuckDB's reader rejects the short line


@pytest.mark.parametrize("blank", [False, True], ids=["duckdb-path", "exact-path"])
def test_tab_missing_values_short_codes_and_event_texts(store: Store, tmp_path: Path, blank: bool) -> None:
    lines = TAB.read_text(encoding="utf-8").split("\n")

    def edit(n: int, **cols: str) -> None:  # n: 1-based line
        f = lines[n - 1].split("\t")
        for k, v in cols.items():
            f[int(k[1:])] = v
        lines[n - 1] = "\t".join(f)

    edit(3, c6="")  # no CAMEO code: the Event Text "Consult" gives it
    edit(4, c14="NA", c18="N/A")  # City and Latitude missing
    edit(5, c6="32")  # '032' lost its leading zero in a spreadsheet ('14' could not be told from root 14)
    edit(7, c6=" NA ", c5="Make statement")
    if blank:
        lines.insert(9, "")  # line 10 blank: DuckDB would skip it, so the Python path reads the file
    f = tmp_path / "events.2018.edited.tab"
    f.write_text("\n".join(lines), encoding="utf-8")
    (s,) = store.ingest([f])
    assert s.balanced and s.rows_quarantined == 2 + blank
    rows = {r[0]: r[1:] for r in store.con.execute(
        "SELECT line, cameo_code, location, latitude FROM events WHERE line IN (3, 4, 5, 7)").fetchall()}
    assert rows[3][0] == "040"
    assert rows[4] == ("014", "Osaka-fu, Japan", None)
    assert rows[5][0] == "032" and rows[7][0] == "010"
    if blank:
        assert "blank line" in dict(store.con.execute("SELECT line, reason FROM quarantine").fetchall())[10]


def test_tab_rejects_other_headers(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "events.tab"
    f.write_text("Event ID\tEvent Date\tSource Name\tSomething else\n1\t2018-01-01\tx\ty\n")
    with pytest.raises(StoreError, match="events.tab.*ICEWS Dataverse header"):
        store.ingest([f], fmt="icews")


def test_named_quads_exact(store: Store) -> None:
    (s,) = store.ingest([NAMED])
    assert (s.rows_read, s.rows_stored, s.rows_duplicate) == (21, 20, 1)
    # line 1: "Ministry (Afghanistan) \t Make statement \t Afghanistan \t 2014-03-06", repeated on line 21
    r = one(store, "SELECT * FROM events WHERE line = 1")
    assert (r["source_text"], r["target_text"], r["date"]) == ("Ministry (Afghanistan)", "Afghanistan", date(2014, 3, 6))
    assert r["cameo_code"] == cameo.code_for_event_text("Make statement") == "010"
    assert r["reports"] == 2
    assert r["event_id"] == icews_quads.event_id("Ministry (Afghanistan)", "Make statement", "Afghanistan",
                                                 date(2014, 3, 6))
    # the documented formula, computed here: "q" + the first 16 hex digits of MD5(s \t r \t o \t date)
    key = b"Ministry (Afghanistan)\tMake statement\tAfghanistan\t2014-03-06"
    assert r["event_id"] == "q" + hashlib.md5(key).hexdigest()[:16]


def test_id_quads_directory_exact(store: Store) -> None:
    (s,) = store.ingest([IDS])
    assert (s.file, s.rows_read, s.rows_stored, s.rows_quarantined) == ("ICEWS21", 36, 36, 0)
    # train.txt line 1: "12195 \t 0 \t 16168 \t 0" = Attacker (Russia), Use unconventional violence,
    # Police (Russia), day 0 = 2021-01-01
    r = one(store, "SELECT * FROM events WHERE file = 'ICEWS21/train.txt' AND line = 1")
    assert (r["source_text"], r["target_text"], r["date"]) == ("Attacker (Russia)", "Police (Russia)", date(2021, 1, 1))
    assert r["cameo_code"] == cameo.code_for_event_text("Use unconventional violence") == "180"
    assert {f for (f,) in store.con.execute("SELECT DISTINCT file FROM events").fetchall()} == {
        "ICEWS21/train.txt", "ICEWS21/valid.txt", "ICEWS21/test.txt"}


def test_id_quads_origin(store: Store, tmp_path: Path) -> None:
    anon = tmp_path / "quads"
    shutil.copytree(IDS, anon)
    with pytest.raises(StoreError, match="cannot tell the time origin.*origin=YYYY-MM-DD"):
        store.ingest([anon])
    (s,) = store.ingest([anon], options={"origin": "2021-01-01"})
    assert s.rows_stored == 36
    assert one(store, "SELECT date FROM events WHERE file = 'quads/train.txt' AND line = 1")["date"] == date(2021, 1, 1)
    (again,) = store.ingest([IDS])  # same bytes under another name: recognised by checksum
    assert again.skipped
    # a time index past the year's end means the origin is wrong
    wrong = tmp_path / "ICEWS22"
    shutil.copytree(IDS, wrong)
    with (wrong / "test.txt").open("a") as fh:
        fh.write("12195\t0\t16168\t400\n")
    before = store.con.execute("SELECT count(*), sum(reports) FROM events").fetchall()
    with pytest.raises(StoreError, match="time 400 on line 13 .* inside 2022; the time origin is wrong"):
        store.ingest([wrong])
    assert store.con.execute("SELECT count(*), sum(reports) FROM events").fetchall() == before


def test_icews18_hour_steps(store: Store, shared: Path, tmp_path: Path) -> None:
    src = shared / "icews-samples" / "icews18_renet"
    d = tmp_path / "icews18"
    d.mkdir()
    for name in ("entity2id.txt", "relation2id.txt"):
        shutil.copy(src / name, d / name)
    with gzip.open(src / "test.txt.gz", "rt") as fh:
        first = [next(fh) for _ in range(5)]
    (d / "test.txt").write_text("".join(first))
    store.ingest([d])
    # RE-Net's line 1: "459 \t 1 \t 471 \t 6480 \t 0": hour 6480 = day 270 after 2018-01-01 = 2018-09-28
    r = one(store, "SELECT * FROM events WHERE line = 1")
    assert r["date"] == date(2018, 9, 28)
    names = dict(ln.rstrip("\n").split("\t")[::-1] for ln in (src / "entity2id.txt").open())
    assert (r["source_text"], r["target_text"]) == (names["459"], names["471"])


def test_real_icews21_properties(store: Store, shared: Path) -> None:
    """The whole ICEWS21 directory as the bundle reads it: every row stored, every event text mapped."""
    (s,) = store.ingest([shared / "icews-2021-2022" / "ICEWS21"])
    lines = sum(1 for f in ("train", "valid", "test") for _ in (shared / "icews-2021-2022/ICEWS21" / f"{f}.txt").open())
    assert s.rows_read == lines and s.rows_quarantined == 0 and s.balanced
    lo, hi = store.con.execute("SELECT min(date), max(date) FROM events").fetchall()[0]
    assert (lo, hi) == (date(2021, 1, 1), date(2021, 8, 31))
    # ICEWS names carry their country: most rows resolve to an actor
    share = store.con.execute("SELECT avg((source_actor IS NOT NULL)::INT) FROM events").fetchall()[0][0]
    assert share > 0.5


def test_id_quads_directory_with_one_damaged_split(store: Store, tmp_path: Path) -> None:
    """A split that needs the exact line-by-line path must not disturb the splits staged before it."""
    d = tmp_path / "ICEWS21"
    shutil.copytree(IDS, d)
    lines = (d / "valid.txt").read_text().splitlines()
    lines.insert(3, "")  # a blank line 4: DuckDB would skip it, so valid.txt is read line by line
    lines[6] = lines[6] + "\t7\t8"  # line 7: too many fields
    (d / "valid.txt").write_text("\n".join(lines) + "\n")
    (s,) = store.ingest([d])
    # 37 lines read: 36 rows + the blank line; the row on line 7 is quarantined with it
    assert (s.rows_read, s.rows_stored, s.rows_quarantined) == (37, 35, 2) and s.balanced
    q = store.con.execute("SELECT file, line, reason FROM quarantine ORDER BY line").fetchall()
    assert q == [("ICEWS21/valid.txt", 4, "blank line"), ("ICEWS21/valid.txt", 7, "expected 4 fields, found 6")]
    assert store.con.execute("SELECT count(*) FROM events WHERE file = 'ICEWS21/train.txt'").fetchall()[0][0] == 12
