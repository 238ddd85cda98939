"""`detente update`: from the store's last covered day, GDELT 2.0 exports fetched from a real local HTTP server
(files built from the real rows of shared/data/gdelt2-events-sample, laid out as GDELT publishes them), ingested
for the case's actors with their SOURCEURL, verdicts re-run; interrupted and re-run -> no duplicate events."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from detente import case as case_mod
from detente import fetch, update
from detente.store import Store
from gdelt_server import GdeltServer, V2Archive, md5, redate_v2, sample_rows, zip_rows

SAMPLE = "gdelt2-events-sample/2020-11-13.csv"


def _archive(server, shared, days: list[date], per_slot: int = 200, slots_per_day: int = 3) -> V2Archive:
    rows = sample_rows()
    arc = V2Archive(server)
    k = 0
    for day in days:
        t = datetime(day.year, day.month, day.day)
        for _ in range(slots_per_day):
            slot = t.strftime("%Y%m%d%H%M%S")
            chunk = [redate_v2(r, slot) for r in rows[k:k + per_slot]]
            k += per_slot
            name = f"{slot}.export.CSV.zip"
            arc.add_slot(slot, body=zip_rows(name[:-4], chunk))
            t += timedelta(minutes=15)
    arc.publish()
    return arc


@pytest.fixture
def seeded(tmp_path, shared):
    """A store whose GDELT 2.0 coverage ends on 2024-02-23 (one real slot ingested)."""
    s = Store(tmp_path / "u.duckdb")
    with GdeltServer() as srv:
        arc = _archive(srv, shared, [date(2024, 2, 23)], slots_per_day=1)
        fetch.fetch_gdelt(2, date(2024, 2, 23), date(2024, 2, 23), tmp_path / "seed", store=s, base_url=arc.base)
    yield s
    s.close()


CASE = (Path(__file__).parent / "fixtures" / "update_case.yaml").read_text()


def _case():
    return case_mod.loads(CASE)


def test_update_fetches_ingests_and_reports_changes(seeded, tmp_path, shared):
    assert update.last_covered_day(seeded) == date(2024, 2, 23)
    with GdeltServer() as srv:
        arc = _archive(srv, shared, [date(2024, 2, 24), date(2024, 2, 25)])
        res = update.update(seeded, _case(), until=date(2024, 2, 25), dest=tmp_path / "dl", base_url=arc.base,
                            opts=fetch.Options(workers=2))
    assert (res.start, res.end) == (date(2024, 2, 24), date(2024, 2, 25))
    # the sample joins events to their mentions, so one event can repeat: folded as reports of one event
    assert res.rows_stored > 0
    ids, distinct = seeded.con.execute("SELECT count(*), count(DISTINCT event_id) FROM events").fetchall()[0]
    assert ids == distinct
    assert update.last_covered_day(seeded) == date(2024, 2, 25)
    # every stored row has a case actor on both sides and keeps its source URL
    acts = sorted(_case().actors)
    n, with_url = seeded.con.execute(
        "SELECT count(*), count(source_url) FROM events WHERE dataset = 'gdelt2' AND date >= '2024-02-24'").fetchall()[0]
    assert n == res.rows_stored and with_url == n
    assert res.new_evidence and all(e["source_url"].startswith("http") for e in res.new_evidence)
    assert {e["actor_a"] for e in res.new_evidence} <= set(acts)
    # one change record per claim of the case, each with its verdict before and after
    assert [c.id for c in res.changes] == [h.id for h in _case().hypotheses]
    assert all(c.verdict_after for c in res.changes)
    # before the update the 'after' period had no data: no verdicts then, and the result says why
    assert all(c.verdict_before is None for c in res.changes) and "period after" in res.note
    # a second run has nothing to do
    again = update.update(seeded, _case(), until=date(2024, 2, 25), dest=tmp_path / "dl", base_url=arc.base,
                          verdicts=False)
    assert again.current and again.rows_stored == 0


class _StopAfter:
    """A reporter that presses Ctrl-C after the first verified file (what SIGINT does to the command)."""

    def __init__(self):
        self.done = 0

    def start(self, files, total_bytes):
        pass

    def advance(self, nbytes):
        pass

    def file_done(self, result):
        self.done += 1
        if self.done == 2:
            raise KeyboardInterrupt


def test_interrupted_update_resumes_without_duplicates(seeded, tmp_path, shared):
    days = [date(2024, 2, 24), date(2024, 2, 25)]
    with GdeltServer() as srv:
        arc = _archive(srv, shared, days)
        with pytest.raises(fetch.FetchInterrupted):
            update.update(seeded, _case(), until=days[-1], dest=tmp_path / "dl", base_url=arc.base,
                          opts=fetch.Options(workers=1), reporter=_StopAfter(), verdicts=False)
        partial = seeded.con.execute("SELECT count(*) FROM events WHERE dataset = 'gdelt2'").fetchall()[0][0]
        # the re-run starts after the last ingested day and fetches the rest; re-listed files are skipped by hash
        fetch.fetch_gdelt(2, days[0], days[-1], tmp_path / "dl", actors=sorted(_case().actors), store=seeded,
                          base_url=arc.base)
    total, distinct = seeded.con.execute(
        "SELECT count(*), count(DISTINCT event_id) FROM events WHERE dataset = 'gdelt2'").fetchall()[0]
    assert total == distinct > partial


def test_corrupt_file_is_never_ingested(seeded, tmp_path, shared):
    with GdeltServer() as srv:
        arc = V2Archive(srv)
        good = sample_rows()[:50]
        slot = "20240224000000"
        body = zip_rows(f"{slot}.export.CSV", [redate_v2(r, slot) for r in good])
        arc.add_slot(slot, body=body[: len(body) // 2], list_md5=md5(body), list_size=len(body))
        arc.publish()
        with pytest.raises(Exception, match="not downloaded"):
            update.update(seeded, _case(), until=date(2024, 2, 24), dest=tmp_path / "dl", base_url=arc.base,
                          opts=fetch.Options(workers=1, retries=1, timeout=2), verdicts=False)
    assert seeded.con.execute("SELECT count(*) FROM events WHERE date >= '2024-02-24'").fetchall()[0][0] == 0


def test_already_current_and_empty_store(tmp_path):
    s = Store(tmp_path / "e.duckdb")
    try:
        with pytest.raises(Exception, match="covers no GDELT day yet"):
            update.update(s, _case())
    finally:
        s.close()


def test_cli_update_and_polecat_folder(tmp_path, shared):
    import json
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from detente.cli import app

    path = tmp_path / "c.duckdb"
    s = Store(path)
    with GdeltServer() as srv:
        arc = _archive(srv, shared, [date(2024, 2, 23), date(2024, 2, 24)], slots_per_day=2)
        fetch.fetch_gdelt(2, date(2024, 2, 23), date(2024, 2, 23), tmp_path / "seed", store=s, base_url=arc.base)
        s.close()
        cf = tmp_path / "case.yaml"
        cf.write_text(CASE)
        res = CliRunner().invoke(app, ["update", "--case-file", str(cf), "--until", "2024-02-24", "--base-url",
                                       arc.base, "--dest", str(tmp_path / "dl"), "--store", str(path), "-f", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout if hasattr(res, "stdout") else res.output)
    assert out["start"] == "2024-02-24" and out["rows_stored"] > 0 and len(out["changes"]) == 2
    # POLECAT: a folder of downloaded files; the second run stores nothing new
    folder = tmp_path / "polecat"
    folder.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "polecat_fixture.tsv", folder / "polecat_2021_01.tsv")
    s = Store(path)
    try:
        first = update.update_polecat(s, folder, _case(), verdicts=False)
        second = update.update_polecat(s, folder, _case(), verdicts=False)
    finally:
        s.close()
    assert first.rows_stored > 0 and second.rows_stored == 0
    bad = CliRunner().invoke(app, ["update", "--source", "polecat", "--store", str(path)])
    assert bad.exit_code == 2 and "needs the folder" in bad.output


def test_renamed_header_sample_is_mapped(shared, tmp_path):
    """The sample's renamed (and partly misleading) header is mapped to GDELT's fields by name."""
    s = Store(tmp_path / "r.duckdb")
    try:
        r = s.ingest([shared / SAMPLE])[0]
        assert (r.format, r.rows_read, r.rows_stored, r.rows_quarantined) == ("gdelt2", 2824, 2824, 0)
        # the first data row, read by hand: event 954680550, AFG -> GBR, CAMEO 190, Goldstein -10, its URL
        row = s.con.execute("SELECT source_country, target_country, cameo_code, goldstein, source_url, date"
                            " FROM events WHERE event_id = '954680550'").fetchall()[0]
        assert row[:4] == ("AFG", "GBR", "190", -10.0) and row[4].startswith("https://www.elystandard.co.uk/")
        assert str(row[5]) == "2020-11-13"
    finally:
        s.close()


def _events(s: Store) -> list[tuple]:
    return s.con.execute("SELECT event_id, date, source_country, target_country, cameo_code, goldstein, mentions,"
                         " sources, location, latitude, source_url FROM events ORDER BY event_id").fetchall()


def test_reordered_renamed_columns_are_mapped_by_name(shared, tmp_path):
    """The sample with its columns in reverse order (and with GDELT's own names, shuffled) stores the same events:
    the mapping follows the header's names, not the columns' positions."""
    import csv

    with (shared / SAMPLE).open(newline="", encoding="utf-8") as fh:
        table = list(csv.reader(fh))
    head = table[0]
    order = list(reversed(range(len(head))))
    rev = tmp_path / "reversed.csv"
    with rev.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[r[i] for i in order] for r in table])
    # GDELT's own field names (what the renamed ones stand for), columns shuffled by a fixed permutation
    from detente.sources import gdelt

    own = [gdelt.RENAMED_FIELDS.get(n, n) for n in head]
    perm = sorted(range(len(head)), key=lambda i: (i * 37) % len(head))
    shuf = tmp_path / "shuffled.csv"
    with shuf.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[own[i] for i in perm], *[[r[i] for i in perm] for r in table[1:]]])
    got = []
    for src in (shared / SAMPLE, rev, shuf):
        s = Store(tmp_path / f"{src.stem}.duckdb")
        try:
            r = s.ingest([src])[0]
            assert (r.format, r.rows_read, r.rows_stored, r.rows_quarantined) == ("gdelt2", 2824, 2824, 0)
            got.append(_events(s))
        finally:
            s.close()
    assert got[0] == got[1] == got[2]
    first = next(e for e in got[1] if e[0] == "954680550")  # the first data row, read by hand
    assert first[2:6] == ("AFG", "GBR", "190", -10.0) and first[10].startswith("https://www.elystandard.co.uk/")


def test_header_with_a_field_twice_is_not_guessed(tmp_path):
    from detente.sources import gdelt

    cols = gdelt.columns(gdelt.GEO1)
    assert gdelt.by_name(cols, (cols,)) == cols
    assert gdelt.by_name((*cols, "Num_Mentions"), (cols,)) is None  # NumMentions under two names
    assert gdelt.by_name(cols[1:], (cols,)) is None  # no GLOBALEVENTID: not this layout
    two = gdelt.columns(("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"))
    assert gdelt.by_name(two, (cols,)) is None and gdelt.by_name(two, (cols, two)) == two  # ADM2Code: 2.0 only


def test_sigint_to_the_command_then_rerun_stores_every_event_once(tmp_path, shared):
    """A real SIGINT to `detente update` (a child process) once its first file is verified, then a re-run: the
    store ends with each event once and with exactly the events of an uninterrupted update."""
    import os
    import signal
    import subprocess
    import sys
    import time

    days = [date(2024, 2, 24), date(2024, 2, 25)]
    path, clean = tmp_path / "sig.duckdb", tmp_path / "clean.duckdb"
    cf = tmp_path / "case.yaml"
    cf.write_text(CASE)
    with GdeltServer() as srv:
        arc = _archive(srv, shared, [date(2024, 2, 23), *days], per_slot=100, slots_per_day=4)
        for p in (path, clean):
            s = Store(p)
            fetch.fetch_gdelt(2, date(2024, 2, 23), date(2024, 2, 23), tmp_path / f"seed-{p.stem}", store=s,
                              base_url=arc.base)
            s.close()
        srv.latency = 0.4  # every request waits: the command is still fetching when Ctrl-C comes
        dl = tmp_path / "dl"
        cmd = [sys.executable, "-m", "detente", "update", "--case-file", str(cf), "--until", "2024-02-25",
               "--base-url", arc.base, "--dest", str(dl), "--store", str(path), "-f", "json", "--workers", "1"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list(dl.glob("*.zip")) and child.poll() is None:
            time.sleep(0.05)
        assert child.poll() is None, child.communicate()[1].decode()[-2000:]
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=120)
        assert child.returncode == 130, err.decode()[-2000:]
        s = Store(path)
        try:  # what the interrupted run left: verified files ingested whole, the rest not yet
            partial = s.con.execute("SELECT count(*) FROM events WHERE dataset = 'gdelt2' AND date > '2024-02-23'"
                                    ).fetchall()[0][0]
        finally:
            s.close()
        srv.latency = 0.0
        again = subprocess.run(cmd, capture_output=True, timeout=600, env=env)
        assert again.returncode == 0, again.stderr.decode()[-2000:]
        s = Store(clean)
        try:
            update.update(s, _case(), until=days[-1], dest=tmp_path / "dl-clean", base_url=arc.base, verdicts=False)
            want = s.con.execute("SELECT event_id FROM events WHERE dataset = 'gdelt2' ORDER BY 1").fetchall()
            fresh = s.con.execute("SELECT count(*) FROM events WHERE dataset = 'gdelt2' AND date > '2024-02-23'"
                                  ).fetchall()[0][0]
        finally:
            s.close()
    s = Store(path)
    try:
        got = s.con.execute("SELECT event_id FROM events WHERE dataset = 'gdelt2' ORDER BY 1").fetchall()
    finally:
        s.close()
    assert len(got) == len(set(got)) and got == want
    assert 0 <= partial < fresh  # the interrupted run left work that the re-run did


def test_corrupt_file_with_a_matching_checksum_is_never_ingested(seeded, tmp_path, shared):
    """The listing vouches for damaged bytes (its MD5 is of the damaged file): the MD5 matches but the zip's own
    CRC does not, so the downloader refuses the file as corrupt at the source: nothing of it is stored."""
    with GdeltServer() as srv:
        arc = V2Archive(srv)
        slot = "20240224000000"
        body = bytearray(zip_rows(f"{slot}.export.CSV", [redate_v2(r, slot) for r in sample_rows()[:50]]))
        mid = len(body) // 2
        body[mid:mid + 64] = bytes(64)  # zeroed bytes inside the compressed member
        arc.add_slot(slot, body=bytes(body), list_md5=md5(bytes(body)), list_size=len(body))
        arc.publish()
        with pytest.raises(Exception, match="1 files not downloaded.*fails its CRC check although its MD5 matches"):
            update.update(seeded, _case(), until=date(2024, 2, 24), dest=tmp_path / "dl", base_url=arc.base,
                          opts=fetch.Options(workers=1, retries=1, timeout=2), verdicts=False)
    assert seeded.con.execute("SELECT count(*) FROM events WHERE date >= '2024-02-24'").fetchall()[0][0] == 0
    assert seeded.con.execute("SELECT count(*) FROM files WHERE file LIKE ?", [f"{slot}%"]).fetchall()[0][0] == 0
    assert update.last_covered_day(seeded) == date(2024, 2, 23)  # a re-run retries from the same day
