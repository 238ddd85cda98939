"""The GDELT downloader against a real HTTP server on 127.0.0.1 serving real-format GDELT files."""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from detente import fetch as F
from detente import gdelt_lists as L
from gdelt_server import SHARED, GdeltServer, V1Archive, V2Archive, md5, rows_added_on, zip_rows

pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data")

FAST = F.Options(workers=4, timeout=0.5, retries=2, backoff=0.01, max_backoff=0.05)


@pytest.fixture
def server():
    with GdeltServer() as s:
        yield s


def v2_day(server: GdeltServer, day: date = date(2021, 3, 28), skip: tuple[str, ...] = ()) -> V2Archive:
    arc = V2Archive(server)
    arc.add_day(day, rows=2, skip=skip)
    arc.publish()
    return arc


def run2(server: GdeltServer, dest: Path, start: date, end: date | None = None, opts: F.Options = FAST, **kw):
    return F.fetch_gdelt(2, start, end or start, dest, base_url=server.url + "/gdeltv2/", opts=opts, **kw)


# -- lists and slots -----------------------------------------------------------------------
@pytest.mark.parametrize("tz", ["UTC", "Europe/London", "America/New_York"])
@pytest.mark.parametrize("day", [date(2021, 3, 28), date(2021, 3, 14), date(2021, 10, 31), date(2021, 11, 7)])
def test_dst_days_have_96_utc_slots(monkeypatch, tz, day):
    monkeypatch.setenv("TZ", tz)
    time.tzset()
    try:
        slots = L.v2_slots(day, day)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert len(slots) == 96
    assert slots[0] == day.strftime("%Y%m%d") + "000000"
    assert slots[-1] == day.strftime("%Y%m%d") + "234500"
    assert len(set(slots)) == 96


def test_v2_coverage_starts_at_first_slot():
    assert L.v2_slots(date(2015, 2, 18), date(2015, 2, 18)) == [
        "20150218230000", "20150218231500", "20150218233000", "20150218234500"]
    assert L.v2_slots(date(2014, 1, 1), date(2014, 1, 2)) == []


def test_v1_keys_cover_years_months_days():
    keys = L.v1_keys(date(2005, 11, 5), date(2006, 2, 1))
    assert keys == ["2005", "200601", "200602"]
    keys = L.v1_keys(date(2013, 2, 20), date(2013, 4, 2))
    assert keys == ["201302", "201303", "20130401", "20130402"]
    assert L.v1_key("20130401.export.CSV.zip") == "20130401"
    assert L.v1_key("200601.zip") == "200601" and L.v1_key("1979.zip") == "1979"
    assert L.v1_key("GDELT.MASTERREDUCEDV2.1979-2013.zip") is None


def test_master_list_takes_exports_in_range_and_reports_gaps():
    lines = [
        "150383 297a16b493de7cf6ca809a7cc31d0b93 http://data.gdeltproject.org/gdeltv2/20150218230000.export.CSV.zip",
        "318084 bb27f78ba45f69a17ea6ed7755e9f8ff http://data.gdeltproject.org/gdeltv2/20150218230000.mentions.CSV.zip",
        "10768507 ea8dde0beb0ba98810a92db068c0ce99 http://data.gdeltproject.org/gdeltv2/20150218230000.gkg.csv.zip",
        "149211 2a91041d7e72b0fc6a629e2ff867b240 http://data.gdeltproject.org/gdeltv2/20150218231500.export.CSV.zip",
        "http://data.gdeltproject.org/gdeltv2/20150218234500.export.CSV.zip",  # no size/md5: malformed
        "",
        "158842 a5298ce3c6df1a8a759c61b5c0b6f8bb http://data.gdeltproject.org/gdeltv2/20150219000000.export.CSV.zip",
    ]
    fl = L.parse_master_v2(lines, date(2015, 2, 18), date(2015, 2, 18), base_url="http://127.0.0.1:9/m/")
    assert [e.key for e in fl.entries] == ["20150218230000", "20150218231500", "20150218234500"]
    assert fl.entries[0].size == 150383 and fl.entries[0].md5 == "297a16b493de7cf6ca809a7cc31d0b93"
    assert fl.entries[0].url == "http://127.0.0.1:9/m/20150218230000.export.CSV.zip"
    assert fl.entries[2].size is None and len(fl.malformed) == 1
    assert fl.missing == ["20150218233000"]
    assert F.slot_ranges(["20210328010000", "20210328011500", "20210328013000", "20210328120000"]) == (
        "20210328010000..20210328013000 (3), 20210328120000")


def test_v1_lists_parse_both_layouts():
    sizes = "7349815 20130401.export.CSV.zip\n123 200601.zip\ngarbage\n"
    md5s = "0123456789abcdef0123456789abcdef  20130401.export.CSV.zip\nFEDCBA9876543210FEDCBA9876543210  200601.zip\n"
    fl = L.parse_v1(sizes, md5s, date(2006, 1, 1), date(2013, 4, 2), "http://x/events/")
    got = {e.key: (e.size, e.md5) for e in fl.entries}
    assert got["20130401"] == (7349815, "0123456789abcdef0123456789abcdef")
    assert got["200601"] == (123, "fedcba9876543210fedcba9876543210")
    assert "20130402" in fl.missing and "200602" in fl.missing and fl.malformed == ["garbage"]


# -- downloads -----------------------------------------------------------------------------
def test_dst_day_downloads_96_files(server, tmp_path):
    arc = v2_day(server, date(2021, 3, 14))
    rep = run2(server, tmp_path, date(2021, 3, 14))
    assert rep.expected == 96 and rep.listed == 96 and rep.missing == []
    assert rep.count("downloaded") == 96
    files = sorted(p.name for p in tmp_path.glob("*.export.CSV.zip"))
    assert len(files) == 96 and files[0] == "20210314000000.export.CSV.zip"
    assert not list(tmp_path.glob("*.part"))
    # exports only: no mentions or gkg requested
    assert not [p for p, _ in server.log if "mentions" in p or "gkg" in p]
    # byte-identical to what the server holds
    one = tmp_path / "20210314020000.export.CSV.zip"  # 02:00 UTC = the US clocks' jump; must be there
    assert one.read_bytes() == arc.exports["20210314020000"]


def test_missing_slots_are_reported(server, tmp_path):
    v2_day(server, skip=("0100", "0115", "1345"))
    rep = run2(server, tmp_path, date(2021, 3, 28))
    assert rep.listed == 93 and rep.count("downloaded") == 93
    assert rep.missing == ["20210328010000", "20210328011500", "20210328134500"]
    assert rep.summary()["missing"] == "20210328010000..20210328011500 (2), 20210328134500"


def test_rerun_downloads_only_what_is_missing_or_corrupt(server, tmp_path):
    v2_day(server)
    run2(server, tmp_path, date(2021, 3, 28))
    (tmp_path / "20210328050000.export.CSV.zip").unlink()
    bad = tmp_path / "20210328060000.export.CSV.zip"
    bad.write_bytes(bad.read_bytes()[:-10] + b"0123456789")  # same size, wrong bytes
    (tmp_path / F.MANIFEST).unlink()  # force a full re-check of what is on disk
    server.log.clear()
    rep = run2(server, tmp_path, date(2021, 3, 28))
    assert rep.count("downloaded") == 2 and rep.count("present") == 94
    fetched = sorted(p for p, _ in server.log if p.endswith(".zip"))
    assert fetched == ["/gdeltv2/20210328050000.export.CSV.zip", "/gdeltv2/20210328060000.export.CSV.zip"]
    server.log.clear()
    rep = run2(server, tmp_path, date(2021, 3, 28))
    assert rep.count("present") == 96 and [p for p, _ in server.log if p.endswith(".zip")] == []


def test_404_is_reported_not_retried(server, tmp_path):
    arc = V2Archive(server)
    arc.add_slot("20210328000000")
    arc.add_slot("20210328001500", served=False)  # listed, but the server has no such file
    arc.publish()
    rep = run2(server, tmp_path, date(2021, 3, 28))
    bad = [r for r in rep.results if r.status == "not_found"]
    assert len(bad) == 1 and "404" in bad[0].reason and bad[0].attempts == 1
    assert len(server.requests("20210328001500.export.CSV.zip")) == 1
    assert not (tmp_path / "20210328001500.export.CSV.zip").exists()


def test_truncated_download_resumes_with_range(server, tmp_path):
    arc = V2Archive(server)
    data = arc.add_slot("20210328000000", rows=200)
    arc.publish()
    path = "/gdeltv2/20210328000000.export.CSV.zip"
    server.fault(path, "truncate", times=1)
    rep = run2(server, tmp_path, date(2021, 3, 28))
    assert rep.results[0].status == "downloaded" and rep.results[0].attempts == 2
    ranges = server.requests("20210328000000.export.CSV.zip")
    assert ranges == [None, f"bytes={len(data) // 2}-"]
    assert (tmp_path / "20210328000000.export.CSV.zip").read_bytes() == data


def test_short_copy_at_source_is_never_renamed(server, tmp_path):
    arc = V2Archive(server)
    full = arc.add_slot("20210328000000", rows=50, served=False)
    server.files["/gdeltv2/20210328000000.export.CSV.zip"] = full[: len(full) - 100]  # complete response, short
    arc.publish()
    rep = run2(server, tmp_path, date(2021, 3, 28))
    r = rep.results[0]
    assert r.status == "corrupt" and f"the list says {len(full)}" in r.reason and "re-run" in r.reason
    assert not (tmp_path / "20210328000000.export.CSV.zip").exists()


def test_wrong_md5_is_corrupt_and_not_kept(server, tmp_path):
    arc = V2Archive(server)
    arc.add_slot("20210328000000", list_md5="0" * 32)
    arc.publish()
    rep = run2(server, tmp_path, date(2021, 3, 28))
    r = rep.results[0]
    assert r.status == "corrupt" and "MD5" in r.reason and r.attempts == 3  # first try + 2 retries
    assert not list(tmp_path.glob("20210328000000*"))


def test_not_a_zip_is_corrupt_at_source(server, tmp_path):
    arc = V2Archive(server)
    arc.add_slot("20210328000000", body=b"<html>Service temporarily unavailable</html>\n")
    arc.publish()
    rep = run2(server, tmp_path, date(2021, 3, 28))
    r = rep.results[0]
    assert r.status == "corrupt" and "not a zip" in r.reason and r.attempts == 1
    assert not list(tmp_path.glob("20210328000000*"))


def test_stall_times_out_then_retries(server, tmp_path):
    arc = V2Archive(server)
    arc.add_slot("20210328000000")
    arc.add_slot("20210328001500")
    arc.publish()
    server.fault("/gdeltv2/20210328000000.export.CSV.zip", "stall", times=1)
    server.fault("/gdeltv2/20210328001500.export.CSV.zip", "stall", times=None)
    t = time.monotonic()
    rep = run2(server, tmp_path, date(2021, 3, 28), opts=F.Options(workers=2, timeout=0.3, retries=1, backoff=0.01))
    assert time.monotonic() - t < 4
    by = {r.key: r for r in rep.results}
    assert by["20210328000000"].status == "downloaded" and by["20210328000000"].attempts == 2
    assert by["20210328001500"].status == "failed" and "timed out" in by["20210328001500"].reason


def test_connection_reset_retries_and_reports(server, tmp_path):
    arc = V2Archive(server)
    arc.add_slot("20210328000000")
    arc.add_slot("20210328001500")
    arc.publish()
    server.fault("/gdeltv2/20210328000000.export.CSV.zip", "reset", times=2)
    server.fault("/gdeltv2/20210328001500.export.CSV.zip", "reset", times=None)
    rep = run2(server, tmp_path, date(2021, 3, 28))
    by = {r.key: r for r in rep.results}
    assert by["20210328000000"].status == "downloaded" and by["20210328000000"].attempts == 3
    assert by["20210328001500"].status == "failed"
    assert by["20210328001500"].reason.startswith(("connection reset", "connection closed"))


def test_server_errors_back_off_then_succeed(server, tmp_path):
    arc = V2Archive(server)
    arc.add_slot("20210328000000")
    arc.publish()
    server.fault("/gdeltv2/20210328000000.export.CSV.zip", "500", times=2)
    rep = run2(server, tmp_path, date(2021, 3, 28))
    assert rep.results[0].status == "downloaded" and rep.results[0].attempts == 3


def test_missing_master_list_is_one_clear_error(server, tmp_path):
    with pytest.raises(F.FetchError, match="masterfilelist.txt: not found.*--base-url"):
        run2(server, tmp_path, date(2021, 3, 28))


def test_bad_arguments(tmp_path):
    with pytest.raises(F.UserError, match="before --start"):
        F.fetch_gdelt(2, date(2021, 3, 2), date(2021, 3, 1), tmp_path)
    with pytest.raises(F.UserError, match="1 or 2"):
        F.fetch_gdelt(3, date(2021, 3, 1), date(2021, 3, 1), tmp_path)


def test_disk_full_stops_cleanly_and_rerun_completes(server, tmp_path, monkeypatch):
    arc = v2_day(server)
    real = F.Downloader._write
    calls = {"n": 0}

    class Full:
        def write(self, b):
            raise OSError(errno.ENOSPC, "No space left on device")

    def full(self, fh, chunk, part):
        calls["n"] += 1
        return real(self, Full() if calls["n"] == 40 else fh, chunk, part)

    monkeypatch.setattr(F.Downloader, "_write", full)
    with pytest.raises(F.FetchError, match="disk full writing .*free space"):
        run2(server, tmp_path, date(2021, 3, 28), opts=F.Options(workers=2, timeout=1, retries=0))
    done = list(tmp_path.glob("*.export.CSV.zip"))
    assert 0 < len(done) < 96
    for p in done:  # whatever is under its own name is complete and verified
        assert zipfile.ZipFile(p).testzip() is None  # testzip returns the first bad member, it does not raise
        assert p.read_bytes() == arc.exports[p.name[:14]]
    monkeypatch.setattr(F.Downloader, "_write", real)
    rep = run2(server, tmp_path, date(2021, 3, 28))
    assert rep.count("present") + rep.count("downloaded") == 96 and rep.count("present") == len(done)


def test_ctrl_c_from_progress_keeps_parts_and_rerun_resumes(server, tmp_path):
    arc = V2Archive(server)
    data = arc.add_slot("20210328000000", rows=2000)
    arc.publish()

    class Interrupting(F.NullReporter):
        seen = 0

        def advance(self, n):
            self.seen += n
            if self.seen > 0:
                raise KeyboardInterrupt

    server.throttle = 4096
    server.throttle_delay = 0.01
    with pytest.raises(F.FetchInterrupted) as ei:
        run2(server, tmp_path, date(2021, 3, 28), reporter=Interrupting())
    assert ei.value.report.results == []
    part = tmp_path / "20210328000000.export.CSV.zip.part"
    assert part.exists() and 0 < part.stat().st_size < len(data)
    assert not (tmp_path / "20210328000000.export.CSV.zip").exists()
    have = part.stat().st_size
    server.throttle = None
    rep = run2(server, tmp_path, date(2021, 3, 28))
    assert rep.results[0].status == "downloaded"
    assert server.requests("20210328000000.export.CSV.zip")[-1] == f"bytes={have}-"
    assert hashlib.md5((tmp_path / "20210328000000.export.CSV.zip").read_bytes()).hexdigest() == md5(data)


def test_rate_limit_spaces_requests(server, tmp_path):
    arc = V2Archive(server)
    for m in ("0000", "0015", "0030", "0045", "0100"):
        arc.add_slot(f"20210328{m}00")
    arc.publish()
    t = time.monotonic()
    rep = run2(server, tmp_path, date(2021, 3, 28), opts=F.Options(workers=4, rate=20, timeout=1))
    # 6 requests (list + 5 files) at 20/s need at least 5 gaps of 50 ms
    assert time.monotonic() - t >= 0.25 and rep.count("downloaded") == 5


def test_v1_daily_and_monthly_files(server, tmp_path):
    arc = V1Archive(server)
    arc.add_monthly("201302")
    for d in ("20130401", "20130402", "20130403"):
        arc.add_daily(d)
    arc.publish()
    rep = F.fetch_gdelt(1, date(2013, 2, 1), date(2013, 4, 3), tmp_path, base_url=arc.base, opts=FAST)
    assert sorted(r.key for r in rep.results if r.status == "downloaded") == [
        "201302", "20130401", "20130402", "20130403"]
    assert rep.missing == ["201303"]  # the sample has no March 2013: reported, not skipped
    with zipfile.ZipFile(tmp_path / "20130402.export.CSV.zip") as zf:
        lines = zf.read("20130402.export.CSV").decode().splitlines()
    assert len(lines) == len(rows_added_on("20130402")) == 31
    assert all(len(x.split("\t")) == 58 for x in lines)


def test_v1_without_md5sums_falls_back_to_index(server, tmp_path):
    arc = V1Archive(server)
    arc.add_daily("20130401")
    arc.publish()
    del server.files["/events/md5sums"]
    rep = F.fetch_gdelt(1, date(2013, 4, 1), date(2013, 4, 1), tmp_path, base_url=arc.base, opts=FAST)
    assert rep.count("downloaded") == 1  # verified by size and zip CRCs


# -- actor filter --------------------------------------------------------------------------
def test_actor_filter_rows(tmp_path):
    rows = rows_added_on("20130402")
    src = tmp_path / "in" / "20130402.export.CSV.zip"
    src.parent.mkdir()
    src.write_bytes(zip_rows("20130402.export.CSV", rows + [["1", "2", "3"]]))
    read, kept = F.filter_zip(src, tmp_path / "out" / src.name, ["RUS", "arm"])
    want = [r for r in rows if {r[7], r[17], r[5][:3], r[15][:3]} & {"RUS", "ARM"}]
    assert read == 32 and kept == len(want) + 1  # the short row is kept for the reader to quarantine
    assert 0 < len(want) < 31
    again = tmp_path / "again" / src.name
    F.filter_zip(src, again, ["RUS", "ARM"])
    assert again.read_bytes() == (tmp_path / "out" / src.name).read_bytes()  # deterministic bytes


# -- the CLI, as a user runs it --------------------------------------------------------------
def _cli(*args: str, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from detente.cli import main; main()", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def test_cli_sigint_then_resume(server, tmp_path):
    arc = V2Archive(server)
    for m in ("0000", "0015", "0030"):
        arc.add_slot(f"20210328{m}00", rows=3000)
    arc.publish()
    server.throttle, server.throttle_delay = 8192, 0.05
    args = ["fetch", "gdelt", "--version", "2", "--start", "2021-03-28", "--end", "2021-03-28",
            "--base-url", arc.base, "--dest", str(tmp_path), "--workers", "2"]
    p = _cli(*args, env={**os.environ, "COLUMNS": "200"})
    def started() -> bool:  # a .part with bytes in it (a just-created empty one would resume from 0, no Range)
        sizes = []
        for f in tmp_path.glob("*.part"):
            try:
                sizes.append(f.stat().st_size)
            except FileNotFoundError:  # renamed to its final name meanwhile
                pass
        return any(sizes)

    deadline = time.monotonic() + 10
    while not started() and time.monotonic() < deadline:
        time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    out, errs = p.communicate(timeout=20)
    assert p.returncode == 130, errs
    last = [x for x in errs.strip().splitlines() if x.strip()][-1]
    assert "interrupted" in last and "re-run" in last
    assert list(tmp_path.glob("*.part"))  # stopped mid-file, the partial bytes kept
    for f in tmp_path.glob("*.export.CSV.zip"):  # anything under its own name is whole
        assert f.read_bytes() == arc.exports[f.name[:14]]
    server.throttle = None
    p = _cli(*args, "-f", "json")
    out, errs = p.communicate(timeout=60)
    assert p.returncode == 0, errs
    import json
    s = json.loads(out)
    assert s["downloaded"] + s["already_present"] == 3 and s["downloaded"] >= 1 and s["slots_missing"] == 93
    for f in tmp_path.glob("*.export.CSV.zip"):
        assert f.read_bytes() == arc.exports[f.name[:14]]
    assert not list(tmp_path.glob("*.part"))
    assert any(r and r.startswith("bytes=") for r in server.requests(".export.CSV.zip"))


# -- with --ingest: only verified files reach the store --------------------------------------
@pytest.fixture(scope="module")
def empty_store_file(tmp_path_factory):
    from detente.store import Store

    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def store(empty_store_file, tmp_path):
    import shutil

    from detente.store import Store

    shutil.copy(empty_store_file, tmp_path / "s.duckdb")
    s = Store(tmp_path / "s.duckdb")
    yield s
    s.close()


def _ids(arc: V2Archive, slots: list[str]) -> set[str]:
    out = set()
    for s in slots:
        with zipfile.ZipFile(__import__("io").BytesIO(arc.exports[s])) as zf:
            out |= {line.split("\t")[0] for line in zf.read(zf.namelist()[0]).decode().splitlines()}
    return out


def test_ingest_stores_every_row_once_and_is_idempotent(server, tmp_path, store):
    arc = V2Archive(server)
    slots = [f"20210328{h:02d}{m:02d}00" for h in (0, 1) for m in (0, 15, 30, 45)]
    for s in slots:
        arc.add_slot(s, rows=25)
    arc.publish()
    rep = run2(server, tmp_path / "dl", date(2021, 3, 28), store=store)
    s = rep.summary()
    assert (s["files_ingested"], s["rows_read"]) == (8, 200)
    assert s["rows_read"] == s["rows_stored"] + s["rows_quarantined"] + s["rows_duplicate"]
    ids = {r[0] for r in store.con.execute("SELECT event_id FROM events WHERE dataset = 'gdelt2'").fetchall()}
    q = store.con.execute("SELECT count(*) FROM quarantine").fetchone()[0]
    assert ids <= _ids(arc, slots) and len(ids) + q == 200
    assert store.con.execute("SELECT count(*) FROM files").fetchone()[0] == 8
    # again: nothing downloaded, nothing stored twice
    rep = run2(server, tmp_path / "dl", date(2021, 3, 28), store=store)
    s = rep.summary()
    assert (s["already_present"], s["files_already_ingested"], s["rows_stored"]) == (8, 8, 0)
    assert store.con.execute("SELECT count(*), max(reports) FROM events").fetchone() == (len(ids), 1)


def test_corrupt_file_is_never_ingested(server, tmp_path, store):
    arc = V2Archive(server)
    arc.add_slot("20210328000000", rows=10)
    arc.add_slot("20210328001500", rows=10, list_md5="f" * 32)  # the bytes do not match the list
    arc.add_slot("20210328003000", body=b"PK\x03\x04 this is not really a zip")
    arc.publish()
    rep = run2(server, tmp_path / "dl", date(2021, 3, 28), store=store)
    assert {r.key: r.status for r in rep.results} == {
        "20210328000000": "downloaded", "20210328001500": "corrupt", "20210328003000": "corrupt"}
    assert [r[0] for r in store.con.execute("SELECT file FROM files").fetchall()] == ["20210328000000.export.CSV.zip"]
    files = {r[0] for r in store.con.execute("SELECT DISTINCT file FROM events").fetchall()}
    assert files == {"20210328000000.export.CSV.zip"}


def test_wrong_column_count_is_quarantined_by_the_reader(server, tmp_path, store):
    from gdelt_server import to_v2

    arc = V2Archive(server)
    rows = [to_v2(r, "20210328000000") for r in arc.take(5)]
    rows.insert(2, rows[2][:40])  # a row cut to 40 columns
    name = "20210328000000.export.CSV"
    arc.add_slot("20210328000000", body=zip_rows(name, rows))
    arc.publish()
    rep = run2(server, tmp_path / "dl", date(2021, 3, 28), store=store)
    ing = rep.results[0].ingest
    assert (ing["rows_read"], ing["rows_stored"], ing["rows_quarantined"]) == (6, 5, 1)
    line, reason = store.con.execute("SELECT line, reason FROM quarantine").fetchone()
    assert line == 3 and "40" in reason


def test_interrupt_during_ingest_loses_nothing(server, tmp_path, store):
    arc = V2Archive(server)
    slots = [f"202103280{h}{m:02d}00" for h in (0, 1) for m in (0, 15, 30, 45)]
    for s in slots:
        arc.add_slot(s, rows=10)
    arc.publish()
    real_ingest = store.ingest_file
    calls = {"n": 0}

    def flaky(path, fmt="auto", dataset=None):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt  # Ctrl-C while the fourth file is being stored
        return real_ingest(path, fmt, dataset)

    store.ingest_file = flaky
    with pytest.raises(F.FetchInterrupted):
        run2(server, tmp_path / "dl", date(2021, 3, 28), store=store)
    assert store.con.execute("SELECT count(*) FROM files").fetchone()[0] == 3
    before = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert before == 30
    store.ingest_file = real_ingest
    rep = run2(server, tmp_path / "dl", date(2021, 3, 28), store=store)
    assert rep.summary()["files_ingested"] == 5 and rep.summary()["files_already_ingested"] == 3
    assert store.con.execute("SELECT count(*), max(reports) FROM events").fetchone() == (80, 1)


def test_actor_filter_while_ingesting(server, tmp_path, store):
    arc = V1Archive(server)
    arc.add_daily("20130402")
    arc.add_daily("20130403")
    arc.publish()
    rep = F.fetch_gdelt(1, date(2013, 4, 2), date(2013, 4, 3), tmp_path / "dl", base_url=arc.base, opts=FAST,
                        store=store, actors=["RUS", "ARM"])
    rows = rows_added_on("20130402") + rows_added_on("20130403")
    want = {r[0] for r in rows if {r[7], r[17], r[5][:3], r[15][:3]} & {"RUS", "ARM"}}
    s = rep.summary()
    assert s["rows_read"] == len(want) and s["rows_filtered_out"] == len(rows) - len(want) == 63 - len(want)
    got = {r[0] for r in store.con.execute("SELECT event_id FROM events").fetchall()}
    assert got == want
    # the stored provenance is the real file name, and the downloaded file is kept whole
    assert {r[0] for r in store.con.execute("SELECT file FROM files").fetchall()} == {
        "20130402.export.CSV.zip", "20130403.export.CSV.zip"}
    with zipfile.ZipFile(tmp_path / "dl" / "20130402.export.CSV.zip") as zf:
        assert len(zf.read("20130402.export.CSV").splitlines()) == 31
    # no row for these actors: nothing stored, every row counted as filtered out
    rep = F.fetch_gdelt(1, date(2013, 4, 2), date(2013, 4, 3), tmp_path / "dl", base_url=arc.base, opts=FAST,
                        store=store, actors=["NKR"])
    s = rep.summary()
    assert (s["files_without_actor_rows"], s["rows_filtered_out"], s["rows_read"], s["ingest_failed"]) == (2, 63, 0, 0)


# -- hostile servers: nothing deleted, nothing unbounded, nothing outside --dest -------------------------
def one_slot(server: GdeltServer, slot: str = "20210328000000", **kw) -> tuple[V2Archive, bytes]:
    arc = V2Archive(server)
    data = arc.add_slot(slot, rows=2, **kw)
    arc.publish()
    return arc, data


def tree_bytes(root: Path) -> int:
    return sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def test_verified_file_is_kept_when_the_list_changes_and_the_server_fails(server, tmp_path):
    arc, data = one_slot(server)
    name = "20210328000000.export.CSV.zip"
    assert run2(server, tmp_path, date(2021, 3, 28)).count("downloaded") == 1
    new = zip_rows(name[:-4], [r for r in arc.take(3)])
    arc.lines[0] = f"{len(new)} {md5(new)} http://data.gdeltproject.org/gdeltv2/{name}"  # the list's MD5 changes
    arc.publish()
    server.fault("/gdeltv2/" + name, "500", times=None)  # ... and the server then answers 500
    rep = run2(server, tmp_path, date(2021, 3, 28))
    (res,) = rep.results
    assert not res.ok and "earlier copy" in res.reason
    assert (tmp_path / name).read_bytes() == data  # main deleted it with no replacement
    server.sticky.clear()
    server.files["/gdeltv2/" + name] = new
    assert run2(server, tmp_path, date(2021, 3, 28)).count("downloaded") == 1
    assert (tmp_path / name).read_bytes() == new  # replaced once the new copy verified


def test_bytes_are_capped_at_the_listed_size(server, tmp_path):
    name = "20210328000000.export.CSV.zip"
    one_slot(server, body=b"PK\x03\x04" + b"x" * 5_000_000, list_size=475, list_md5="0" * 32)
    server.no_length = True  # no Content-Length: only the client can stop the body
    rep = run2(server, tmp_path / "d", date(2021, 3, 28), opts=F.Options(workers=1, timeout=2, retries=1,
                                                                          backoff=0.01))
    (res,) = rep.results
    assert not res.ok and "more than the list's 475 bytes" in res.reason
    assert tree_bytes(tmp_path / "d") <= 475 and not (tmp_path / "d" / name).exists()
    server.no_length = False  # with a Content-Length the transfer is refused before any byte is written
    rep = run2(server, tmp_path / "e", date(2021, 3, 28), opts=F.Options(workers=1, timeout=2, retries=0))
    assert "offers 5000004 bytes" in rep.results[0].reason and tree_bytes(tmp_path / "e") == 0


def test_bytes_are_capped_at_the_ceiling_when_the_list_has_no_size(server, tmp_path):
    arc = V1Archive(server)
    arc.add("20130401.export.CSV.zip", b"PK\x03\x04" + b"y" * 3_000_000)
    arc.publish()
    server.files["/events/filesizes"] = b""  # no sizes
    server.no_length = True
    with pytest.raises(F.FetchError):  # an empty filesizes is not a list
        F.fetch_gdelt(1, date(2013, 4, 1), date(2013, 4, 1), tmp_path, base_url=arc.base, opts=FAST)
    del server.files["/events/filesizes"]  # no filesizes at all: sizes unknown, md5 known
    opts = F.Options(workers=1, timeout=2, retries=0, max_bytes=100_000)
    rep = F.fetch_gdelt(1, date(2013, 4, 1), date(2013, 4, 1), tmp_path, base_url=arc.base, opts=opts)
    (res,) = rep.results
    assert not res.ok and "100000-byte ceiling" in res.reason and tree_bytes(tmp_path) <= 100_000


def test_a_dripping_server_hits_the_overall_deadline(server, tmp_path):
    one_slot(server)
    server.throttle, server.throttle_delay = 1, 1.5  # 1 byte every 1.5 s: never silent for --timeout 2
    server.throttle_suffix = ".zip"
    t = time.monotonic()
    rep = run2(server, tmp_path, date(2021, 3, 28), opts=F.Options(workers=1, timeout=2, retries=0))
    took = time.monotonic() - t
    (res,) = rep.results
    assert not res.ok and res.reason.startswith("too slow") and took < 10  # main: never timed out


def test_cross_host_redirect_is_refused_unless_allowed(server, tmp_path):
    name = "20210328000000.export.CSV.zip"
    with GdeltServer() as other:
        _, data = one_slot(server)
        other.files["/mirror/" + name] = data
        target = other.url.replace("127.0.0.1", "localhost") + "/mirror/" + name
        server.fault("/gdeltv2/" + name, f"redirect:{target}", times=None)
        rep = run2(server, tmp_path, date(2021, 3, 28))
        (res,) = rep.results
        assert not res.ok and "redirects to another host (localhost)" in res.reason
        assert not other.log  # main followed it
        rep = run2(server, tmp_path, date(2021, 3, 28), opts=F.Options(workers=1, timeout=2, retries=0,
                                                                        allow_hosts=("localhost",)))
        assert rep.count("downloaded") == 1 and (tmp_path / name).read_bytes() == data
        server.sticky.clear()
        server.fault("/gdeltv2/" + name, "redirect:/gdeltv2/elsewhere.zip", times=1)  # same host: followed
        server.files["/gdeltv2/elsewhere.zip"] = data
        (tmp_path / name).unlink()
        assert run2(server, tmp_path, date(2021, 3, 28)).count("downloaded") == 1


def test_part_symlink_is_never_followed_out_of_dest(server, tmp_path):
    name = "20210328000000.export.CSV.zip"
    _, data = one_slot(server)
    dest, outside = tmp_path / "dest", tmp_path / "outside"
    dest.mkdir()
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_bytes(b"keep me")
    (dest / (name + ".part")).symlink_to(victim)
    (dest / F.MANIFEST).symlink_to(outside / "manifest-victim")
    with pytest.raises(F.FetchError, match="is a symbolic link; detente does not write through links"):
        run2(server, dest, date(2021, 3, 28))  # the manifest link: refused with one line
    assert victim.read_bytes() == b"keep me" and sorted(p.name for p in outside.iterdir()) == ["victim.txt"]
    assert not (dest / (name + ".part")).is_symlink()  # the planted link was removed, never written through
    (dest / F.MANIFEST).unlink()
    rep = run2(server, dest, date(2021, 3, 28))  # the file went in before the manifest was refused
    assert rep.count("present") == 1 and (dest / name).read_bytes() == data
    assert victim.read_bytes() == b"keep me" and tree_bytes(outside) == len(b"keep me")


def test_html_page_as_the_master_list_is_one_line_error(server, tmp_path):
    one_slot(server)
    server.html_lists = True
    with pytest.raises(F.FetchError, match="is an HTML page, not a GDELT file list") as e:
        run2(server, tmp_path, date(2021, 3, 28))
    assert "\n" not in str(e.value) and not list(tmp_path.iterdir())
    server.html_lists = False
    server.files["/gdeltv2/masterfilelist.txt"] = b"hello\nworld\n"
    with pytest.raises(F.FetchError, match="none of its first lines reads SIZE MD5 URL"):
        run2(server, tmp_path, date(2021, 3, 28))
