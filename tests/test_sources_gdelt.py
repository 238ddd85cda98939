"""GDELT 1.0 and 2.0 event readers: layouts, exact values of real rows, quarantine with exact lines."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from detente import sources
from detente.sources import delimited, gdelt, gdelt2
from detente.store import Store, StoreError
from sqlrows import one

FIX = Path(__file__).resolve().parent / "fixtures"
DAILY = FIX / "20130401.export.CSV"  # 25 real rows, 58 tab-separated fields, no header
V2 = FIX / "20150219214500.export.CSV"  # the same rows in the 2.0 layout (61 fields)
EXTRACT = FIX / "gdelt1_georgia_extract.csv"  # comma-separated with header + a trailing `month` column


def test_layouts_are_the_codebook_widths() -> None:
    assert len(gdelt.COLUMNS) == 58 and gdelt.COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")
    assert len(gdelt.COLUMNS_57) == 57
    assert len(gdelt2.COLUMNS) == 61 and "Actor1Geo_ADM2Code" in gdelt2.COLUMNS
    assert gdelt2.COLUMNS.index("ActionGeo_FullName") == 52


def test_detect_picks_the_right_reader(tmp_path: Path) -> None:
    assert sources.detect(DAILY).NAME == "gdelt1"
    assert sources.detect(EXTRACT).NAME == "gdelt1"
    assert sources.detect(V2).NAME == "gdelt2"
    renamed = tmp_path / "some_events.tsv"  # no telling file name: the first line decides
    shutil.copy(V2, renamed)
    assert sources.detect(renamed).NAME == "gdelt2"


def test_daily_file_first_row_exact(store: Store) -> None:
    # line 1 of the fixture: 253472894 20130401 ... Actor1 GOV/MINISTRY, Actor2 ' ARM' ARMENIA ARM, 010, ...
    (s,) = store.ingest([DAILY])
    assert (s.rows_read, s.rows_stored, s.rows_quarantined, s.rows_duplicate) == (25, 25, 0, 0)
    r = one(store, "SELECT * FROM events WHERE line = 1")
    assert r["event_id"] == "253472894" and r["date"] == date(2013, 4, 1)
    assert (r["source_text"], r["source_actor"], r["source_sector"]) == ("GOV", None, "GOV")
    assert (r["target_text"], r["target_actor"], r["target_country"]) == ("ARM", "ARM", "ARM")
    assert (r["cameo_code"], r["cameo_root"], r["quad_class"], r["goldstein"]) == ("010", "01", 1, 0.0)
    assert (r["mentions"], r["sources"], r["articles"]) == (2, 1, 2)
    assert r["tone"] == pytest.approx(1.61290322580645)
    assert r["location"] == "Stepantsminda, Georgia (general), Georgia"
    assert (r["latitude"], r["longitude"]) == (42.6567, 44.6433)
    assert r["source_url"] == "http://armenpress.am/eng/news/713439/"
    assert (r["dataset"], r["file"], r["reports"]) == ("gdelt1", "20130401.export.CSV", 1)


def test_v2_layout_reads_the_same_events(store: Store) -> None:
    (s,) = store.ingest([V2])
    assert (s.format, s.dataset, s.rows_stored) == ("gdelt2", "gdelt2", 25)
    store.ingest([DAILY])
    diff = store.con.execute(
        "SELECT count(*) FROM (SELECT * EXCLUDE (dataset, file) FROM events WHERE dataset = 'gdelt2' "
        "EXCEPT SELECT * EXCLUDE (dataset, file) FROM events WHERE dataset = 'gdelt1')"
    ).fetchall()[0][0]
    assert diff == 0


def test_extract_with_header_and_repeated_id(store: Store) -> None:
    (s,) = store.ingest([EXTRACT])
    # 32 data lines: 30 + two real rows sharing GLOBALEVENTID 233593809 (dated 2011-11-09 and 2012-05-08)
    assert (s.rows_read, s.rows_stored, s.rows_duplicate, s.rows_quarantined) == (32, 31, 1, 0)
    r = one(store, "SELECT * FROM events WHERE line = 2")  # line 1 is the header
    assert (r["event_id"], r["date"], r["target_text"], r["cameo_code"]) == ("125489286", date(2011, 6, 1), "BUS", "042")
    assert (r["mentions"], r["articles"], r["location"], r["goldstein"]) == (9, 9, "Georgia", 1.9)
    d = one(store, "SELECT * FROM events WHERE event_id = '233593809'")
    assert (d["reports"], d["line"], d["date"], d["source_text"]) == (2, 32, date(2011, 11, 9), "IGOWSTNAT")


@pytest.mark.parametrize("pack", ["zip", "gzip"])
def test_compressed_inputs_match_plain(store: Store, tmp_path: Path, pack: str) -> None:
    if pack == "zip":
        packed = tmp_path / "20130401.export.CSV.zip"
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(DAILY, DAILY.name)
    else:
        packed = tmp_path / "20130401.export.CSV.gz"
        packed.write_bytes(gzip.compress(DAILY.read_bytes()))
    (s,) = store.ingest([packed])
    assert (s.format, s.rows_read, s.rows_stored) == ("gdelt1", 25, 25)
    assert one(store, "SELECT event_id, line FROM events WHERE line = 25")["event_id"] == \
        DAILY.read_text().splitlines()[24].split("\t")[0]


def test_57_column_daily_layout(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "20130315.export.CSV"
    f.write_text("".join("\t".join(ln.split("\t")[:57]) + "\n" for ln in DAILY.read_text().splitlines()))
    (s,) = store.ingest([f])
    assert (s.rows_stored, s.rows_quarantined) == (25, 0)
    assert store.con.execute("SELECT count(source_url) FROM events").fetchall()[0][0] == 0


def _corrupt(blank: bool) -> bytes:
    lines = DAILY.read_bytes().split(b"\n")
    lines[2] = lines[2][:100]  # line 3: cut short
    f = lines[5].split(b"\t")
    f[6] = b"CHAMB\xffER"  # line 6: a byte that is not UTF-8
    lines[5] = b"\t".join(f)
    f = lines[8].split(b"\t")
    f[1] = b"20131345"  # line 9: month 13
    lines[8] = b"\t".join(f)
    f = lines[10].split(b"\t")
    f[26] = b"999"  # line 11: no such CAMEO code
    lines[10] = b"\t".join(f)
    lines[12] = lines[12] + b"\textra"  # line 13: one field too many
    if blank:
        lines.insert(14, b"")  # line 15: blank (forces the exact line-by-line path)
    return b"\n".join(lines)


@pytest.mark.parametrize("blank", [False, True], ids=["duckdb-path", "exact-path"])
def test_bad_lines_quarantined_with_exact_line_numbers(store: Store, tmp_path: Path, blank: bool) -> None:
    f = tmp_path / "20130401.export.CSV"
    f.write_bytes(_corrupt(blank))
    (s,) = store.ingest([f])
    bad = {3, 6, 9, 11, 13} | ({15} if blank else set())
    assert s.rows_read == 25 + blank and s.rows_quarantined == len(bad) and s.balanced
    q = dict(store.con.execute("SELECT line, reason FROM quarantine").fetchall())
    assert set(q) == bad
    assert "SQLDATE '20131345'" in q[9] and "unknown CAMEO code '999'" in q[11]
    assert "58" in q[3] and "58" in q[13]
    assert "not UTF-8" in q[6]  # the bad byte is in Actor1Name, a field the mapping does not read
    # the raw text kept is the line as it stands in the file (not rebuilt from the fields read)
    raws = dict(store.con.execute("SELECT line, raw FROM quarantine").fetchall())
    lines = f.read_bytes().split(b"\n")
    assert all(raws[ln] == lines[ln - 1].decode("utf-8", "replace") for ln in bad)
    stored = {ln for (ln,) in store.con.execute("SELECT line FROM events").fetchall()}
    assert stored == set(range(1, 26 + blank)) - bad
    # every stored row sits on the line its GLOBALEVENTID was read from
    text = f.read_bytes().split(b"\n")
    for ln, eid in store.con.execute("SELECT line, event_id FROM events").fetchall():
        assert text[ln - 1].split(b"\t")[0].decode() == eid


def test_wrong_width_file_is_a_one_line_error(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "narrow.tsv"
    f.write_text("1\t20130401\tx\n")
    with pytest.raises(StoreError) as e:
        store.ingest([f], fmt="gdelt1")
    msg = str(e.value)
    assert "\n" not in msg and "narrow.tsv" in msg and "58" in msg
    assert store.con.execute("SELECT count(*) FROM files").fetchall()[0][0] == 0


def test_real_extract_properties(store: Store, shared: Path) -> None:
    """All 105,444 real rows: every row accounted for, GDELT's own repeated ids folded."""
    (s,) = store.ingest([shared / "gdelt1-georgia"])
    assert s.rows_read == 105_444 and s.balanced
    n, ids, lo, hi, reports = store.con.execute(
        "SELECT count(*), count(DISTINCT event_id), min(date), max(date), sum(reports) FROM events"
    ).fetchall()[0]
    assert n == ids == s.rows_stored and reports == s.rows_stored + s.rows_duplicate
    assert lo == date(2011, 6, 1) and hi == date(2013, 5, 31)
    # GDELT's CAMEO country code is ISO3 for every state in the extract
    assert store.con.execute(
        "SELECT count(*) FROM events WHERE source_actor IS NOT NULL AND length(source_actor) <> 3"
    ).fetchall()[0][0] == 0


def test_big_file_read_in_parallel_keeps_every_line_number(store: Store, tmp_path: Path) -> None:
    """~40 MB: DuckDB reads it in parallel chunks; each stored row must still sit on its own line."""
    rows = [ln.split(b"\t") for ln in DAILY.read_bytes().splitlines()]
    out, bad = [], set()
    for n in range(1, 150_001):
        f = list(rows[n % len(rows)])
        f[0] = str(n).encode()
        if n % 9_973 == 0:
            f = f[:20]  # wrong width: a line DuckDB rejects
            bad.add(n)
        out.append(b"\t".join(f))
    path = tmp_path / "20130401.export.CSV"
    path.write_bytes(b"\n".join(out) + b"\n")
    (s,) = store.ingest([path])
    assert s.rows_read == 150_000 and s.rows_quarantined == len(bad) == 15 and s.balanced
    reasons = dict(store.con.execute("SELECT line, reason FROM quarantine").fetchall())
    assert set(reasons) == bad
    assert all("DuckDB" in r for r in reasons.values())  # the parallel path ran (no fallback to Python)
    # GLOBALEVENTID was set to the line number, so every stored row must have event_id == line
    wrong = store.con.execute("SELECT count(*) FROM events WHERE event_id <> CAST(line AS VARCHAR)").fetchall()[0][0]
    assert wrong == 0 and store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 150_000 - 15


def test_read_lines_finds_lines_from_any_mark(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"a\nbb\nccc\n\ndd\ne")  # lines: a, bb, ccc, (blank), dd, e
    scan = delimited.Scan()
    with path.open("rb") as fh:
        while block := fh.read(3):  # marks at offsets 0, 3, 6, 9, 12, 15
            scan.add(block)
    scan.done()
    assert scan.lines == 6 and scan.marks[:3] == [(0, 0), (3, 1), (6, 2)]
    got = delimited.read_lines(path, [6, 1, 4, 3, 5, 2], scan.marks)
    assert got == {1: b"a", 2: b"bb", 3: b"ccc", 4: b"", 5: b"dd", 6: b"e"}
    assert delimited.read_lines(path, [5], scan.marks) == {5: b"dd"}


def test_scan_sees_bytes_that_are_not_utf8_across_blocks() -> None:
    ok, cut = delimited.Scan(), delimited.Scan()
    for b in (b"Tbilisi \xe1\x83", b"\x97\n"):  # a Georgian letter split between two blocks
        ok.add(b)
    assert not ok.done().bad_utf8
    for b in (b"Tbilisi \xe1\x83", b"\n"):  # the same letter, cut short
        cut.add(b)
    assert cut.done().bad_utf8
