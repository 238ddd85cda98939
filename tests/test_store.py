"""Store-level ingest guarantees on the event readers: accounting, idempotence, failures, SIGKILL."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
DAILY = FIX / "20130401.export.CSV"
TAB = FIX / "events.2018.fixture.tab"


def snapshot(s: Store) -> dict:
    """Every table's row count and a content hash: equal snapshots = the store is exactly as it was."""
    out = {}
    for t in ("events", "quarantine", "files", "datasets", "dyad_days", "signals"):
        out[t] = s.con.execute(f"SELECT count(*), coalesce(sum(hash(x)), 0) FROM {t} x").fetchall()[0]
    return out


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


# -- corruption strategies -------------------------------------------------------------------------
def corrupt(data: bytes, ops: list[tuple[str, int, int]]) -> bytes:
    lines = data.split(b"\n")
    for op, a, b in ops:
        i = a % len(lines)
        ln = lines[i]
        if op == "truncate":
            lines[i] = ln[: b % (len(ln) + 1)]
        elif op == "swap" and len(ln) > 1:
            j, k = b % len(ln), (b * 7 + 3) % len(ln)
            arr = bytearray(ln)
            arr[j], arr[k] = arr[k], arr[j]
            lines[i] = bytes(arr)
        elif op == "latin1":
            lines[i] = ln[: b % (len(ln) + 1)] + b"\xe9\xff" + ln[b % (len(ln) + 1):]
        elif op == "extra_field":
            lines[i] = ln + b"\tx"
        elif op == "drop_field":
            lines[i] = b"\t".join(ln.split(b"\t")[:-1])
        elif op == "blank":
            lines.insert(i, b"")
        elif op == "cr":
            lines[i] = ln + b"\r"
        elif op == "duplicate":
            lines.insert(i, ln)
    return b"\n".join(lines)


OPS = st.lists(
    st.tuples(st.sampled_from(["truncate", "swap", "latin1", "extra_field", "drop_field", "blank", "cr",
                               "duplicate"]),
              st.integers(0, 10_000), st.integers(0, 10_000)),
    min_size=1, max_size=6,
)


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    s = Store(tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb")
    yield s
    s.close()


@pytest.mark.parametrize("source,fmt,header", [(DAILY, "gdelt1", 0), (TAB, "icews", 1)])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_rows_read_equal_stored_quarantined_duplicates(
    fuzz_store: Store, tmp_path_factory: pytest.TempPathFactory, source: Path, fmt: str, header: int,
    ops: list[tuple[str, int, int]],
) -> None:
    raw = source.read_bytes()
    head, body = (raw.split(b"\n", 1) if header else (b"", raw))
    data = (head + b"\n" if header else b"") + corrupt(body, ops)
    f = tmp_path_factory.mktemp("in") / source.name
    f.write_bytes(data)
    before = snapshot(fuzz_store)
    (s,) = fuzz_store.ingest([f], fmt=fmt)
    if s.skipped:  # the same bytes were drawn before
        assert snapshot(fuzz_store) == before
        return
    assert s.rows_read == physical_lines(data) - header
    assert s.rows_read == s.rows_stored + s.rows_quarantined + s.rows_duplicate
    q = fuzz_store.con.execute(
        "SELECT count(*), count(DISTINCT line), min(line), max(line) FROM quarantine WHERE file = ? AND "
        "line IS NOT NULL AND rowid >= 0", [f.name]).fetchall()[0]
    assert q[0] >= s.rows_quarantined  # earlier draws under the same name add their own rows
    # this ingest's own quarantine rows: exactly the summary's count, each on a line of the file's body
    assert snapshot(fuzz_store)["quarantine"][0] - before["quarantine"][0] == s.rows_quarantined
    new = fuzz_store.con.execute(
        "SELECT min(line), max(line) FROM (SELECT line FROM quarantine WHERE file = ? ORDER BY rowid DESC LIMIT ?)",
        [f.name, s.rows_quarantined]).fetchall()[0]
    if s.rows_quarantined:
        assert header < new[0] and new[1] <= physical_lines(data)


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as s:
        (a,) = s.ingest([DAILY])
        snap = snapshot(s)
        (b,) = s.ingest([DAILY])
        assert b.skipped and snapshot(s) == snap
        # the same events in another file (GDELT repeats events across files): folded into the stored ones
        copy = tmp_path / "20130402.export.CSV"
        copy.write_bytes(b"\n".join(reversed(DAILY.read_bytes().rstrip(b"\n").split(b"\n"))) + b"\n")
        (c,) = s.ingest([copy])
        assert (c.rows_stored, c.rows_duplicate) == (0, 25)
        n, reports = s.con.execute("SELECT count(*), sum(reports) FROM events").fetchall()[0]
        assert (n, reports) == (a.rows_stored, 2 * a.rows_stored)


def _bad_inputs(tmp: Path) -> dict[str, tuple[Path, str]]:
    gz = gzip.compress(DAILY.read_bytes())
    trunc = tmp / "20130401.export.CSV.gz"
    trunc.write_bytes(gz[: len(gz) // 2])
    zbuf = tmp / "20130403.export.CSV.zip"
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(DAILY, DAILY.name)
    data = bytearray(zbuf.read_bytes())
    data[60:400] = b"\x00" * 340  # deflate stream destroyed
    zbuf.write_bytes(bytes(data))
    unknown = tmp / "notes.txt"
    unknown.write_text("these are not events\njust words\n")
    return {
        "truncated gzip": (trunc, "truncated"),
        "corrupt zip": (zbuf, "zip"),
        "missing": (tmp / "20130404.export.CSV", "no such file"),
        "unknown format": (unknown, "cannot tell its format"),
    }


@pytest.mark.parametrize("case", ["truncated gzip", "corrupt zip", "missing", "unknown format"])
def test_bad_input_is_one_line_error_and_store_unchanged(tmp_path: Path, case: str) -> None:
    path, words = _bad_inputs(tmp_path)[case]
    with Store(tmp_path / "s.duckdb") as s:
        s.ingest([TAB])
        before = snapshot(s)
        with pytest.raises(StoreError) as e:
            s.ingest([path])
        msg = str(e.value)
        assert "\n" not in msg and path.name in msg and words in msg.lower()
        assert snapshot(s) == before


KILLED = """
import sys
from pathlib import Path
from detente.store import Store
s = Store(Path(sys.argv[1]))
print("ready", flush=True)
s.ingest([Path(sys.argv[2])])
print("done", flush=True)
"""


@pytest.mark.slow
def test_sigkill_mid_ingest_leaves_a_consistent_store(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from gen_gdelt import gen_gdelt1

    rows = 600_000
    big = tmp_path / "20130405.export.CSV"
    gen_gdelt1(rows, big)
    db = tmp_path / "k.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(db), str(big)], stdout=subprocess.PIPE, env=env,
                            text=True)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    assert proc.poll() is None, "the ingest finished before the kill; use a bigger file"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Store(db) as s:
        files, events = s.con.execute("SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM events)").fetchall()[0]
        assert (files, events) == (0, 0)  # nothing of the killed file
        (r,) = s.ingest([big])
        assert (r.rows_read, r.rows_stored, r.rows_duplicate, r.rows_quarantined) == (rows, rows, 0, 0)
        n, ids, reports = s.con.execute(
            "SELECT count(*), count(DISTINCT event_id), sum(reports) FROM events").fetchall()[0]
        assert n == ids == reports == rows


def test_progress_steps_name_the_file_and_count_files(store: Store, tmp_path: Path) -> None:
    steps: list[tuple[str, int, int]] = []
    store.ingest([DAILY, TAB], on_step=lambda msg, done, total: steps.append((msg, done, total)))
    assert steps == [
        ("20130401.export.CSV: reading (gdelt1)", 0, 2),
        ("20130401.export.CSV: resolving actors, checking rows, folding duplicates", 0, 2),
        ("20130401.export.CSV: committing", 0, 2),
        ("events.2018.fixture.tab: reading (icews)", 1, 2),
        ("events.2018.fixture.tab: resolving actors, checking rows, folding duplicates", 1, 2),
        ("events.2018.fixture.tab: committing", 1, 2),
        ("done", 2, 2),
    ]


def test_bad_ingest_memory_setting_is_a_one_line_error(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DETENTE_INGEST_MEMORY", "lots")
    with pytest.raises(StoreError) as e:
        store.ingest([DAILY])
    assert "\n" not in str(e.value) and "DETENTE_INGEST_MEMORY='lots'" in str(e.value) and "2GB" in str(e.value)
    assert store.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 0
    monkeypatch.setenv("DETENTE_INGEST_MEMORY", "512MB")
    assert store.ingest([DAILY])[0].rows_stored == 25


# -- nothing lost: pipes, FIFOs, the lock of `init --force`, directories past a bad file ---------------
def _cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "detente", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300, **kw)


def _stored(store: Path) -> int:
    with Store(store, read_only=True) as s:
        return s.con.execute("SELECT count(*) FROM events WHERE dataset = 'gdelt1'").fetchall()[0][0]


def test_stdin_and_process_substitution_are_read_not_lost(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    r = _cli("ingest", "/dev/stdin", "--reader", "gdelt1", "--store", str(db), "-f", "json",
             input=DAILY.read_text())
    assert r.returncode == 0, r.stderr
    assert _stored(db) == 25  # the fixture's 25 rows (main stored 0 and exited 0)
    # process substitution: a /dev/fd/N pipe; same bytes -> recognised as ingested already
    r = subprocess.run(["bash", "-c", f"{sys.executable} -m detente ingest <(cat {DAILY}) --reader gdelt1 "
                        f"--store {db} -f json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert '"skipped": true' in r.stdout and _stored(db) == 25


def test_empty_stdin_is_refused_not_exit_0(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    r = _cli("ingest", "-", "--reader", "gdelt1", "--store", str(db), input="")
    assert r.returncode == 2 and "empty" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_fifo_without_writer_is_refused_without_taking_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    p = subprocess.Popen([sys.executable, "-m", "detente", "ingest", str(fifo), "--reader", "gdelt1", "--store",
                          str(db)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**os.environ, "DETENTE_FIFO_WAIT": "3"})
    time.sleep(1.0)
    with Store(db) as s:  # the store is free while ingest waits for a writer
        assert s.is_empty()
    _, stderr = p.communicate(timeout=60)
    assert p.returncode == 2 and "DETENTE_FIFO_WAIT" in stderr


def test_fifo_with_a_writer_is_read(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    fifo = tmp_path / "events.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["bash", "-c", f"sleep 0.5; cat {DAILY} > {fifo}"])
    r = _cli("ingest", str(fifo), "--reader", "gdelt1", "--store", str(db))
    writer.wait(timeout=30)
    assert r.returncode == 0, r.stderr
    assert _stored(db) == 25


def test_directory_ingest_goes_on_past_a_bad_file_and_exits_2(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_bad.export.CSV").write_bytes(b"PK\x03\x04 not really a zip")
    (d / "b_good.export.CSV").write_bytes(DAILY.read_bytes())
    r = _cli("ingest", str(d), "--reader", "gdelt1", "--store", str(db), "-f", "json")
    assert r.returncode == 2
    assert "1 of 2 files failed" in r.stderr
    assert '"b_good.export.CSV"' in r.stdout and '"a_bad.export.CSV"' in r.stdout  # every file's outcome
    assert _stored(db) == 25  # the good file after the bad one was stored (main stopped at the bad one)


def test_init_force_refuses_while_another_process_holds_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        s.ingest_file(DAILY, "gdelt1")
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}); "
                               "print('held', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        r = _cli("init", "--force", "--store", str(db))
        assert r.returncode == 2 and "in use by another process" in r.stderr, r.stderr
    finally:
        holder.kill()
        holder.wait()
    assert _stored(db) == 25  # the store is untouched (main deleted it under the running process)


# -- nothing poisoned: value ranges from the schema, quarantined with their reason; remove ------------
def _icews_with(tmp_path: Path, edits: dict[int, tuple[int, str]]) -> Path:
    """The ICEWS fixture with field ``col`` of data line ``n`` (2 = first data line) set to ``value``."""
    lines = TAB.read_text().split("\n")
    for n, (col, value) in edits.items():
        fields = lines[n - 1].split("\t")
        fields[col] = value
        lines[n - 1] = "\t".join(fields)
    out = tmp_path / "events.2018.edited.tab"
    out.write_text("\n".join(lines))
    return out


def test_icews_date_9999_is_quarantined_and_the_store_stays_usable(tmp_path: Path) -> None:
    f = _icews_with(tmp_path, {2: (1, "9999-12-31"), 3: (1, "1900-01-01"), 4: (18, "95.0")})
    with Store(tmp_path / "s.duckdb") as s:
        (r,) = s.ingest([f], fmt="icews")
        assert r.balanced and (r.rows_read, r.rows_stored, r.rows_quarantined) == (33, 27, 5)  # 2 bad in the fixture
        reasons = dict(s.con.execute("SELECT line, reason FROM quarantine WHERE line IN (2, 3, 4)").fetchall())
        assert reasons[2].startswith("date 9999-12-31 outside its possible range 1979-01-01..")
        assert reasons[3].startswith("date 1900-01-01 outside its possible range 1979-01-01..")
        assert reasons[4] == "latitude 95.0 outside its possible range -90..90"
        lo, hi = s.coverage("icews")
        assert (lo.isoformat(), hi.isoformat()) == ("2018-06-01", "2018-06-01")  # main widened it to 9999-12-31


def test_seven_digit_sqldate_is_quarantined_not_read_as_a_day(tmp_path: Path) -> None:
    lines = DAILY.read_text().split("\n")
    fields = lines[0].split("\t")
    fields[1] = "2021022"
    lines[0] = "\t".join(fields)
    f = tmp_path / "20130401.export.CSV"
    f.write_text("\n".join(lines))
    with Store(tmp_path / "s.duckdb") as s:
        (r,) = s.ingest([f], fmt="gdelt1")
        assert (r.rows_read, r.rows_stored, r.rows_quarantined) == (25, 24, 1)
        (reason,) = s.con.execute("SELECT reason FROM quarantine WHERE line = 1").fetchall()[0]
        assert reason == "SQLDATE '2021022' is not a YYYYMMDD date"


def test_out_of_range_values_from_a_reader_are_quarantined(store: Store) -> None:
    import pyarrow as pa

    from detente.sources.base import StageContext

    store.con.execute("BEGIN")
    for t in ("events", "quarantine"):
        store.con.execute(f"CREATE TEMP TABLE stage_{t} AS SELECT * FROM {t} LIMIT 0")
    ctx = StageContext(store.con, Path("x"), "coded", "x")
    ctx.append("events", pa.Table.from_pylist([
        {"event_id": str(i), "date": __import__("datetime").date(2020, 1, 1), "cameo_code": "190", "line": i,
         "goldstein": g, "quad_class": q, "tone": t}
        for i, (g, q, t) in enumerate([(-10.0, 4, 0.0), (11.0, 4, 0.0), (float("nan"), 4, 0.0), (1.0, 7, 0.0),
                                       (1.0, 1, -101.0)], 1)]))
    store._first_day = None
    store._quarantine_invalid("events", __import__("detente.schema", fromlist=["checks"]).checks(
        __import__("detente.schema", fromlist=["EVENTS"]).EVENTS))
    left = [r[0] for r in store.con.execute("SELECT line FROM stage_events ORDER BY line").fetchall()]
    why = dict(store.con.execute("SELECT line, reason FROM stage_quarantine").fetchall())
    store.con.execute("ROLLBACK")
    assert left == [1]
    assert why == {2: "goldstein 11.0 outside its possible range -10..10", 3: "goldstein nan is not a finite number",
                   4: "quad_class 7 outside its possible range 1..4", 5: "tone -101.0 outside its possible range -100..100"}


def test_undirected_dyad_day_with_actors_out_of_order_is_quarantined(store: Store) -> None:
    """The dyad_days rule actor_a <= actor_b for undirected rows (the world's weekly sums rely on one row per
    pair and day): a reversed undirected row is quarantined with the rule; directed rows may go either way."""
    from datetime import date

    import pyarrow as pa

    from detente.schema import DYAD_DAYS, checks
    from detente.sources.base import StageContext

    store.con.execute("BEGIN")
    for t in ("dyad_days", "quarantine"):
        store.con.execute(f"CREATE TEMP TABLE stage_{t} AS SELECT * FROM {t} LIMIT 0")
    ctx = StageContext(store.con, Path("x"), "net", "x")
    ctx.append("dyad_days", pa.Table.from_pylist([
        {"date": date(2021, 1, 1), "actor_a": a, "actor_b": b, "directed": d, "score": 1.0, "line": i}
        for i, (a, b, d) in enumerate([("ARM", "AZE", False), ("AZE", "ARM", False), ("AZE", "ARM", True),
                                       ("WLD", "WLD", False)], 1)]))
    store._first_day = None
    store._quarantine_invalid("dyad_days", checks(DYAD_DAYS))
    left = [r[0] for r in store.con.execute("SELECT line FROM stage_dyad_days ORDER BY line").fetchall()]
    why = dict(store.con.execute("SELECT line, reason FROM stage_quarantine").fetchall())
    store.con.execute("ROLLBACK")
    assert left == [1, 3, 4]
    assert why == {2: "an undirected row needs actor_a <= actor_b (AZE > ARM)"}


def test_remove_file_and_dataset_undo_an_ingest(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    f2 = _icews_with(tmp_path, {2: (0, "99000001"), 2 + 1: (0, "99000002")})
    f2 = f2.rename(tmp_path / "second.tab")
    with Store(db) as s:
        before = snapshot(s)
        s.ingest([TAB], fmt="icews")
        after_first = snapshot(s)
        s.ingest([f2], fmt="icews")  # two new event ids; the rest fold into the first file's events
        out = s.remove("events.2018.fixture.tab")
        assert out["events"] == 30 and out["quarantine"] == 2 and out["files"] == 1
        assert s.con.execute("SELECT count(*) FROM events").fetchall()[0][0] == 2  # second.tab's own events
        assert s.con.execute("SELECT file FROM files").fetchall() == [("second.tab",)]
        out = s.remove("icews")
        assert out["kind"] == "dataset" and out["files"] == 1
        assert snapshot(s) == before  # nothing of icews is left, not even its datasets row
        s.ingest([TAB], fmt="icews")  # can be ingested again after removal (files differs by ingested_at only)
        again = snapshot(s)
        assert again.pop("files")[0] == after_first.pop("files")[0] == 1 and again == after_first
        with pytest.raises(StoreError, match="neither an ingested file nor a dataset"):
            s.remove("nope.tab")


def test_remove_takes_back_the_reports_a_file_folded_into_other_files_events(tmp_path: Path) -> None:
    """second.tab repeats 28 of the fixture's 30 events and adds 2 new ones: ingest then remove of second.tab
    leaves every report count (and every table) as before."""
    f2 = _icews_with(tmp_path, {2: (0, "99000001"), 2 + 1: (0, "99000002")}).rename(tmp_path / "second.tab")
    with Store(tmp_path / "s.duckdb") as s:
        s.ingest([TAB], fmt="icews")
        first = snapshot(s)
        reports = s.con.execute("SELECT sum(reports) FROM events").fetchall()[0][0]
        s.ingest([f2], fmt="icews")
        folded = s.con.execute("SELECT count(*), sum(reports) FROM folds WHERE file = 'second.tab'").fetchall()[0]
        old = "SELECT sum(reports) FROM events WHERE file = 'events.2018.fixture.tab'"
        assert s.con.execute(old).fetchall()[0][0] == reports + folded[1]
        assert folded == (28, 29)  # 28 repeated ids, one of them on two of the file's lines
        s.remove("second.tab")
        assert s.con.execute("SELECT sum(reports) FROM events").fetchall()[0][0] == reports
        assert s.con.execute("SELECT count(*) FROM folds").fetchall()[0][0] == 0
        assert snapshot(s) == first


def test_remove_recomputes_coverage(tmp_path: Path) -> None:
    late = _icews_with(tmp_path, {n: (1, "2018-07-15") for n in range(2, 5)}).rename(tmp_path / "late.tab")
    lines = late.read_text().split("\n")  # three rows of 2018-07-15 under new event ids
    lines = [lines[0]] + ["\t".join(["8" + ln.split("\t")[0], *ln.split("\t")[1:]]) for ln in lines[1:4]]
    late.write_text("\n".join(lines) + "\n")
    with Store(tmp_path / "s.duckdb") as s:
        s.ingest([TAB, late], fmt="icews")
        assert s.coverage("icews")[1].isoformat() == "2018-07-15"
        s.remove("late.tab")
        assert s.coverage("icews")[1].isoformat() == "2018-06-01"  # coverage narrows again (main: only widened)


def test_remove_cli_is_one_line_error_for_unknown_name(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    Store(db).close()
    r = _cli("remove", "nothing.csv", "--store", str(db))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
