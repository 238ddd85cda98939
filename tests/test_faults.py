"""The fault suite (issue 18): fuzzed archives and CSVs, decompression bombs, hostile loopback servers,
SIGKILL/SIGTERM at random points of an ingest, concurrent `init --force`, hostile YAML.

Every case checks what applies of: rows in = stored + quarantined (+ duplicates folded), the store
unchanged on a failure, 0 bytes written outside --dest, peak memory of the child <= 1.5 GB, temp space 0
after the case. The number of cases tried is printed as one line at the end of the module.
Seeds are fixed (hypothesis derandomized, random.Random(18)): a failure reproduces.
"""

from __future__ import annotations

import gzip
import io
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente import limits, yamlsafe
from detente.store import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
DAILY = FIX / "20130401.export.CSV"  # 25 real GDELT 1.0 rows
TAB = FIX / "events.2018.fixture.tab"  # ICEWS: 33 data lines (30 stored, 1 repeat, 2 bad)
GEORGIA = ROOT.parent / "shared" / "data" / "gdelt1-georgia" / "gdelt1_events_actiongeo_GG_2011-06_2013-05.csv.gz"
PEAK_LIMIT = 1.5 * 2**30
CASES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def summary_line(request):
    yield
    total = sum(CASES.values())
    parts = ", ".join(f"{k} {v}" for k, v in sorted(CASES.items()))
    line = f"fault suite: {total} cases tried ({parts})"
    rep = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if rep is None or capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():  # past pytest's output capture, onto the terminal
        rep.write_line("")
        rep.write_line(line)


# -- invariants -----------------------------------------------------------------------------------
def snapshot(s: Store) -> dict:
    out = {}
    for t in ("events", "quarantine", "files", "datasets", "dyad_days", "signals"):
        out[t] = s.con.execute(f"SELECT count(*), coalesce(sum(hash(x)), 0) FROM {t} x").fetchall()[0]
    return out


def balanced(s: Store) -> None:
    """Every file's rows read = stored + quarantined + duplicates, and the tables hold exactly those rows."""
    bad = s.con.execute("SELECT file FROM files WHERE rows_read <> rows_stored + rows_quarantined + rows_duplicate"
                        ).fetchall()
    assert not bad, bad
    stored, quarantined = s.con.execute(
        "SELECT coalesce(sum(rows_stored), 0), coalesce(sum(rows_quarantined), 0) FROM files").fetchall()[0]
    have = sum(s.con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in ("events", "dyad_days", "signals"))
    assert have == stored
    assert s.con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == quarantined


def temp_entries(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir()) if tmp.exists() else []


def child(args: list[str], tmp: Path, env: dict | None = None, kill_after: float | None = None,
          sig: int = signal.SIGKILL, stdin: bytes | None = None) -> tuple[int, str, int]:
    """Run ``python -m detente ARGS`` with its own TMPDIR; (exit code, stderr, peak RSS in bytes of that child).

    With ``kill_after`` the child gets ``sig`` that many seconds after its ingest began. Peak memory comes from wait4's
    rusage of this one child (ru_maxrss, KB on Linux)."""
    tmp.mkdir(parents=True, exist_ok=True)
    e = {**os.environ, "TMPDIR": str(tmp), **(env or {})}
    errf = tmp.parent / f"{tmp.name}.stderr"
    with errf.open("wb") as err:
        p = subprocess.Popen([sys.executable, "-m", "detente", *args], stdout=subprocess.DEVNULL, stderr=err,
                             stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL, env=e)
        if stdin is not None:
            p.stdin.write(stdin)
            p.stdin.close()
        if kill_after is not None:  # counted from the moment the ingest made its scratch directory
            t0 = time.monotonic()
            while (not any(tmp.iterdir()) and time.monotonic() - t0 < 120  # WNOWAIT: still reaped by wait4
                   and os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None):
                time.sleep(0.02)
            time.sleep(kill_after)
            os.kill(p.pid, sig)  # a finished child is a zombie until wait4: the signal is then a no-op
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, errf.read_text(), usage.ru_maxrss * 1024


# -- hostile YAML -----------------------------------------------------------------------------------
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8))


def test_billion_laughs_case_file_is_refused_at_once(tmp_path: Path) -> None:
    from detente import case

    CASES["yaml"] += 1
    assert len(LAUGHS) < 5000
    t = time.monotonic()
    with pytest.raises(limits.LimitError, match="DETENTE_MAX_YAML_ALIASES") as e:
        case.parse_yaml(LAUGHS, "laughs.yaml")
    assert time.monotonic() - t < 1 and "\n" not in str(e.value)  # main: 64 s and 1.4 GB


def test_recursive_alias_is_one_line(tmp_path: Path) -> None:
    CASES["yaml"] += 1
    f = tmp_path / "case.yaml"
    f.write_text("actors: &x [ARM, *x]\nperiods: {}\n")
    text = tmp_path / "t.txt"
    text.write_text("Armenia and Azerbaijan signed a peace deal in 2021.\n")
    r = subprocess.run([sys.executable, "-m", "detente", "check", str(text), "--case-file", str(f)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "recursive alias" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1  # main: a 2,997-line traceback


def test_yaml_size_limit_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    CASES["yaml"] += 1
    monkeypatch.setenv("DETENTE_MAX_YAML", "1KB")
    with pytest.raises(limits.LimitError, match="DETENTE_MAX_YAML=1KB"):
        yamlsafe.safe_load("x: " + "y" * 2000)
    monkeypatch.setenv("DETENTE_MAX_YAML_ALIASES", "100000")
    monkeypatch.setenv("DETENTE_MAX_YAML", "1MB")
    assert len(yamlsafe.safe_load("a: &a [1, 2, 3]\n" + "".join(f"k{i}: *a\n" for i in range(500)))) == 501


# -- fuzzed CSVs and archives (in-process, bounded by hypothesis) -------------------------------------
def _mutate(data: bytes, ops: list[tuple[int, int, int]]) -> bytes:
    b = bytearray(data)
    for kind, at, val in ops:
        if not b:
            break
        i = at % len(b)
        if kind == 0:
            b[i] = val  # overwrite a byte
        elif kind == 1:
            del b[i:]  # truncate
        elif kind == 2:
            b[i:i] = bytes([val]) * (1 + val % 7)  # insert a run
        else:
            del b[i:i + 1 + val % 50]  # cut a span
    return bytes(b)


OPS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=6)


def _zip(data: bytes, name: str = "20130401.export.CSV") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def _fuzz_case(tmp: Path, name: str, data: bytes, fmt: str) -> None:
    """Ingest ``data`` into a store holding one earlier file: balanced on success, unchanged on failure,
    one-line error, no scratch directory of this process left behind."""
    db = tmp / f"fz{CASES['fuzz']}.duckdb"
    with Store(db) as s:
        s.ingest_file(DAILY if fmt != "icews" else TAB, fmt)
        before = snapshot(s)
        f = tmp / name
        f.write_bytes(data)
        try:
            s.ingest_file(f, fmt)
        except (StoreError, limits.LimitError) as e:
            assert "\n" not in str(e)
            assert snapshot(s) == before
        balanced(s)
    mine = [p for p in Path(limits.tempfile.gettempdir()).glob(f"{limits.PREFIX}{os.getpid()}-*")]
    assert not mine, mine
    for p in tmp.glob("fz*.duckdb*"):
        p.unlink()
    CASES["fuzz"] += 1


SETTINGS = settings(max_examples=25, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(ops=OPS)
def test_fuzzed_gdelt_csv(tmp_path: Path, ops) -> None:
    _fuzz_case(tmp_path, "20130402.export.CSV", _mutate(DAILY.read_bytes(), ops), "gdelt1")


@SETTINGS
@given(ops=OPS)
def test_fuzzed_icews_tab(tmp_path: Path, ops) -> None:
    _fuzz_case(tmp_path, "events.2018.fuzz.tab", _mutate(TAB.read_bytes(), ops), "icews")


@SETTINGS
@given(ops=OPS, kind=st.sampled_from(["zip", "gzip"]))
def test_fuzzed_archives(tmp_path: Path, ops, kind: str) -> None:
    data = DAILY.read_bytes().replace(b"\t20130401\t", b"\t20130402\t")
    packed = _zip(data) if kind == "zip" else gzip.compress(data)
    _fuzz_case(tmp_path, f"20130402.export.CSV.{'zip' if kind == 'zip' else 'gz'}", _mutate(packed, ops), "gdelt1")


# -- decompression bombs (child processes: peak memory and temp space measured) ------------------------
def _store_with_one_file(db: Path) -> dict:
    with Store(db) as s:
        s.ingest_file(DAILY, "gdelt1")  # not empty: the child does not build the bundle first
        return snapshot(s)


def _bomb(kind: str, out_bytes: int) -> bytes:
    line = DAILY.read_text().split("\n")[0].encode() + b"\n"
    block = line * (4 * 2**20 // len(line))
    if kind == "gzip":
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as gz:
            for _ in range(out_bytes // len(block)):
                gz.write(block)
        return buf.getvalue()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("20130403.export.CSV", "w", force_zip64=True) as fh:
        for _ in range(out_bytes // len(block)):
            fh.write(block)
    return buf.getvalue()


@pytest.mark.parametrize("kind,env,limit", [
    ("zip", {}, "DETENTE_MAX_RATIO"),
    ("gzip", {}, "DETENTE_MAX_RATIO"),
    ("zip", {"DETENTE_MAX_UNPACKED": "20MB", "DETENTE_MAX_RATIO": "100000"}, "DETENTE_MAX_UNPACKED"),
])
def test_decompression_bomb_stops_at_the_limit(tmp_path: Path, kind: str, env: dict, limit: str) -> None:
    db = tmp_path / "s.duckdb"
    before = _store_with_one_file(db)
    bomb = tmp_path / f"20130403.export.CSV.{'zip' if kind == 'zip' else 'gz'}"
    bomb.write_bytes(_bomb(kind, 400 * 2**20))  # ~0.4 MB that unpacks to 400 MB (ratio ~ 1000)
    assert bomb.stat().st_size < 2 * 2**20
    code, err, peak = child(["ingest", str(bomb), "--store", str(db)], tmp_path / "tmp", env=env)
    assert code == 2 and limit in err and len(err.strip().splitlines()) == 1, err
    assert peak <= PEAK_LIMIT and temp_entries(tmp_path / "tmp") == []
    with Store(db, read_only=True) as s:
        assert snapshot(s) == before
    CASES["bomb"] += 1


def test_actor_filter_on_a_bomb_is_bounded(tmp_path: Path) -> None:
    bomb = tmp_path / "20130403.export.CSV.zip"
    bomb.write_bytes(_bomb("zip", 400 * 2**20))
    code = (f"from pathlib import Path; from detente.gdelt_lists import filter_zip; "
            f"filter_zip(Path({str(bomb)!r}), Path({str(tmp_path / 'out.zip')!r}), ['ARM'])")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    p = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, env={**os.environ, "TMPDIR": str(tmp)})
    _, status, usage = os.wait4(p.pid, 0)
    err = p.stderr.read().decode()
    assert os.waitstatus_to_exitcode(status) == 1 and "DETENTE_MAX_RATIO" in err
    assert usage.ru_maxrss * 1024 <= PEAK_LIMIT and not (tmp_path / "out.zip").exists()  # main: 2.8 GB
    CASES["bomb"] += 1


# -- SIGKILL / SIGTERM at random points of an ingest ---------------------------------------------------
@pytest.mark.skipif(not GEORGIA.exists(), reason="needs ../shared/data")
def test_sigkill_and_sigterm_at_random_points(tmp_path: Path) -> None:
    rng = random.Random(18)
    db = tmp_path / "s.duckdb"
    base = _store_with_one_file(db)
    src = tmp_path / "georgia.csv.gz"
    src.write_bytes(GEORGIA.read_bytes())  # 105,444 real rows, gzip: decompressed into scratch space
    probe = tmp_path / "probe.duckdb"
    probe.write_bytes(db.read_bytes())
    t = time.monotonic()
    code, err, peak = child(["ingest", str(src), "--store", str(probe)], tmp_path / "t0")
    full = time.monotonic() - t
    assert code == 0 and peak <= PEAK_LIMIT, err
    terms = 0
    for i, sig in enumerate([signal.SIGKILL, signal.SIGTERM] * 3):
        tmp = tmp_path / f"t{i + 1}"
        at = rng.uniform(0.0, 0.8 * full)  # from the start of the ingest to its commit
        code, err, peak = child(["ingest", str(src), "--store", str(db)], tmp, kill_after=at, sig=sig)
        assert peak <= PEAK_LIMIT
        with Store(db, read_only=True) as s:
            balanced(s)
            files = s.con.execute("SELECT file FROM files ORDER BY file").fetchall()
            now = snapshot(s)
        if code == 0:  # finished before the signal: the file is in, whole
            assert ("georgia.csv.gz",) in files
        elif ("georgia.csv.gz",) not in files:
            assert now == base  # killed: the store is exactly as before
        if sig == signal.SIGTERM:
            # 143: the transaction rolled back and scratch removed (128 + 15); -15 only when the signal came
            # after the commit, while the interpreter was shutting down
            assert code in (0, 143) or (code == -15 and ("georgia.csv.gz",) in files), err
            terms += code == 143
            assert temp_entries(tmp) == []
        else:
            code2, err2, _ = child(["ingest", str(DAILY), "--store", str(db)], tmp)  # the next open cleans up
            assert code2 == 0, err2
            assert temp_entries(tmp) == [], "stale scratch space of the killed process was not removed"
            spill = Path(str(db) + ".tmp")  # DuckDB's own spill directory beside the store
            assert not spill.exists() or not any(spill.iterdir()), list(spill.iterdir())
        if ("georgia.csv.gz",) in files:
            with Store(db) as s:
                s.remove("georgia.csv.gz")
                assert snapshot(s) == base
        CASES[f"signal {signal.Signals(sig).name}"] += 1
    assert terms >= 1  # at least one SIGTERM landed inside the ingest


def _quads_from_the_bundle(out: Path) -> int:
    """The bundle's ICEWS events written back as named quadruples (source, event text, target, day): 547,107
    real rows, read by DuckDB queries (an ingest of several seconds), unlike the bundle's network dyad-days,
    which only the BigQuery reader takes and parses in Python."""
    import duckdb

    from detente import bundle, cameo

    con = duckdb.connect()
    events = str(bundle.BUNDLE_DIR / "events.parquet")
    codes = [r[0] for r in con.execute("SELECT DISTINCT cameo_code FROM read_parquet(?)", [events]).fetchall()]
    con.execute("CREATE TABLE texts (code VARCHAR, text VARCHAR)")
    con.executemany("INSERT INTO texts VALUES (?, ?)", [(c, cameo.name(c)) for c in codes])
    con.execute(f"""COPY (SELECT e.source_text, t.text, e.target_text, strftime(e.date, '%Y-%m-%d')
                          FROM read_parquet('{events}') e JOIN texts t ON t.code = e.cameo_code ORDER BY e.file, e.line)
                    TO '{out}' (HEADER false, DELIMITER '\t', QUOTE '')""")
    return con.execute(f"SELECT count(*) FROM read_parquet('{events}')").fetchall()[0][0]


def test_sigint_inside_an_ingest_exits_130_and_leaves_the_store_unchanged(tmp_path: Path) -> None:
    """A real Ctrl-C (SIGINT) to `detente ingest` while it reads a large file: exit 130 with one line, the file's
    transaction rolled back, scratch space removed. The signal is sent earlier each try until one lands before the
    commit (a child that finished first exits 0 and is tried again, earlier). One that lands after the commit
    (while the command tidies up) keeps the file and must say so, not claim a rollback."""
    db = tmp_path / "s.duckdb"
    base = _store_with_one_file(db)
    src = tmp_path / "quads.txt"
    assert _quads_from_the_bundle(src) == 547107
    for i, after in enumerate((2.0, 1.0, 0.5, 0.2, 0.0)):  # seconds after the ingest made its scratch directory
        tmp = tmp_path / f"t{i}"
        code, err, _ = child(["ingest", str(src), "--reader", "icews_quads", "--store", str(db)], tmp,
                             kill_after=after, sig=signal.SIGINT)
        if code == 0:  # finished before the signal: take it out and try an earlier one
            with Store(db) as s:
                s.remove("quads.txt")
            continue
        assert code == 130, err
        assert "Traceback" not in err
        assert temp_entries(tmp) == []
        last = err.strip().splitlines()[-1]
        with Store(db, read_only=True) as s:
            balanced(s)
            if snapshot(s) != base:  # the commit came first: the file is kept, and the line says so
                assert last.startswith("interrupted: 1 file was stored and is kept, "), err
                s.close()
                with Store(db) as w:
                    w.remove("quads.txt")
                continue
            assert last.startswith("interrupted: nothing was stored: the file being read was rolled back; "), err
        CASES["signal SIGINT"] += 1
        return
    pytest.fail("every SIGINT came after the ingest had finished")


# -- concurrent `init --force` -------------------------------------------------------------------------
@pytest.mark.skipif(not GEORGIA.exists(), reason="needs ../shared/data")
def _wait_until_open(pid: int, path: Path, limit: float = 120.0) -> None:
    """Until process ``pid`` has ``path`` open (DuckDB takes the file lock when it opens the store)."""
    deadline = time.monotonic() + limit
    target = str(path.resolve())
    while time.monotonic() < deadline:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except FileNotFoundError:
            raise AssertionError("the ingest ended before it opened the store") from None
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    time.sleep(0.2)  # past the open, inside the ingest
                    return
            except OSError:
                continue
        time.sleep(0.02)
    raise AssertionError(f"the ingest did not open {path} within {limit:g} s")


def test_concurrent_init_force_never_loses_an_ingest(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    _store_with_one_file(db)
    src = tmp_path / "georgia.csv.gz"
    src.write_bytes(GEORGIA.read_bytes())
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    ing = subprocess.Popen([sys.executable, "-m", "detente", "ingest", str(src), "--store", str(db), "-o", "json"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    _wait_until_open(ing.pid, db)  # the ingest holds the store's lock from the moment it opens the file
    inits = [subprocess.Popen([sys.executable, "-m", "detente", "init", "--force", "--store", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in inits]
    out, err = ing.communicate(timeout=300)
    assert ing.returncode == 0, err
    for p, (_, e) in zip(inits, outs, strict=True):
        assert p.returncode == 2 and "in use by another process" in e, e  # main: deleted the store under it
    with Store(db, read_only=True) as s:
        n = s.con.execute("SELECT rows_stored FROM files WHERE file = 'georgia.csv.gz'").fetchall()
        assert n and f'"rows_stored": {n[0][0]}' in out  # what the ingest reported is in the store
        balanced(s)
    # two at once on a free store: both finish, the store is whole afterwards
    inits = [subprocess.Popen([sys.executable, "-m", "detente", "init", "--force", "--store", str(db)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    codes = [p.wait(timeout=300) for p in inits]
    assert all(c in (0, 2) for c in codes) and 0 in codes
    with Store(db, read_only=True) as s:
        assert not s.is_empty() and not s.con.execute(
            "SELECT 1 FROM files WHERE file = 'georgia.csv.gz'").fetchall()  # rebuilt from the bundle
    assert not list(tmp_path.glob(".s.duckdb.rebuild-*"))
    CASES["init --force"] += 3


# -- corrupt archives: one clear line each; a valid ICEWS zip is detected --------------------------------
def _corrupt_archives(tmp: Path) -> dict[str, tuple[bytes, str]]:
    d = DAILY.read_bytes()
    z = _zip(d)
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    two = io.BytesIO()
    with zipfile.ZipFile(two, "w") as zf:
        zf.writestr("a.csv", d)
        zf.writestr("b.csv", d)
    flipped = bytearray(z)
    flipped[60] ^= 0xFF
    g = gzip.compress(d)
    return {
        "20130402.export.CSV.zip": (z[: len(z) // 2], "not a readable zip archive although it starts like one"),
        "20130403.export.CSV.zip": (b"PK\x03\x04" + os.urandom(2000), "not a readable zip archive"),
        "20130404.export.CSV.zip": (empty.getvalue(), "the zip archive is empty"),
        "20130405.export.CSV.zip": (two.getvalue(), "the zip holds 2 files (a.csv, b.csv)"),
        "20130406.export.CSV.zip": (bytes(flipped), "corrupt zip data"),
        "20130407.export.CSV.gz": (g[: len(g) // 2], "corrupt or truncated gzip data"),
        "20130408.export.CSV.gz": (g[:12], "the gzip stream is cut short"),
        "20130409.export.CSV": (b"", "the file is empty (0 bytes)"),
        "20130410.export.CSV": (_zip(b"\n".join(b"9" + ln if ln else ln for ln in d.split(b"\n"))), ""),  # a zip
        # under a plain name (new event ids, so that remove() undoes it exactly): read as the zip it is
    }


def test_corrupt_archives_get_one_clear_line_each(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    before = _store_with_one_file(db)
    for name, (data, want) in _corrupt_archives(tmp_path).items():
        f = tmp_path / name
        f.write_bytes(data)
        with Store(db) as s:
            if not want:
                (r,) = s.ingest([f])
                assert r.rows_read == 25 and r.balanced
                s.remove(name)
            else:
                with pytest.raises(StoreError) as e:
                    s.ingest([f])
                msg = str(e.value)
                assert want in msg and "\n" not in msg and "TransactionContext" not in msg, msg
                assert "first line has" not in msg and "the store is unchanged" in msg
            assert snapshot(s) == before
        CASES["corrupt archive"] += 1


def test_valid_icews_zip_is_detected(tmp_path: Path) -> None:
    from detente import sources

    f = tmp_path / "events.2018.tab.zip"
    f.write_bytes(_zip(TAB.read_bytes(), "events.2018.tab"))
    assert sources.detect(f).NAME == "icews"  # main: "cannot tell its format"
    with Store(tmp_path / "s.duckdb") as s:
        (r,) = s.ingest([f])
        assert (r.format, r.rows_read, r.rows_stored, r.rows_quarantined, r.rows_duplicate) == ("icews", 33, 30, 2, 1)
    CASES["corrupt archive"] += 1


# -- pipes: never exit 0 with nothing stored ----------------------------------------------------------
def test_stdin_ingest_in_a_child_stores_every_row(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    _store_with_one_file(db)
    data = DAILY.read_bytes().replace(b"\t20130401\t", b"\t20130402\t")
    code, err, peak = child(["ingest", "-", "--format", "gdelt1", "--store", str(db)], tmp_path / "tmp", stdin=data)
    assert code == 0 and peak <= PEAK_LIMIT, err
    assert temp_entries(tmp_path / "tmp") == []  # the spooled copy is gone
    with Store(db, read_only=True) as s:
        (n,) = s.con.execute("SELECT rows_read FROM files WHERE file LIKE 'stdin-%'").fetchall()[0]
        assert n == 25
        balanced(s)
    CASES["pipe"] += 1


# -- hostile loopback servers: 0 bytes outside --dest --------------------------------------------------
def test_hostile_servers_write_nothing_outside_dest(tmp_path: Path) -> None:
    from detente import fetch as F
    from gdelt_server import SHARED, GdeltServer, V2Archive, md5

    if not SHARED.exists():
        pytest.skip("needs ../shared/data")
    name = "20210328000000.export.CSV.zip"
    opts = F.Options(workers=2, timeout=1, retries=1, backoff=0.01, max_backoff=0.02, max_bytes=10**6)

    def scenario(server: GdeltServer, mode: str, dest: Path, outside: Path) -> None:
        arc = V2Archive(server)
        data = arc.add_slot("20210328000000", rows=2)
        if mode == "oversize":
            server.files["/gdeltv2/" + name] = data + b"x" * 3_000_000
            server.no_length = True
        elif mode == "html":
            server.html_lists = True
        elif mode == "redirect":
            server.fault("/gdeltv2/" + name, "redirect:http://localhost:9/evil.zip", times=None)
        elif mode == "symlinks":
            (dest / (name + ".part")).symlink_to(outside / "victim")
            (dest / name).symlink_to(outside / "victim2")
        elif mode in ("truncate", "reset", "500", "stall"):
            server.fault("/gdeltv2/" + name, mode, times=None)
        elif mode == "md5":
            arc.lines[0] = f"{len(data)} {md5(b'other')} http://data.gdeltproject.org/gdeltv2/{name}"
        elif mode == "drip":
            server.throttle, server.throttle_delay, server.throttle_suffix = 1, 0.6, ".zip"
        arc.publish()
        server.stall_seconds = 2
        try:
            F.fetch_gdelt(2, date(2021, 3, 28), date(2021, 3, 28), dest, base_url=server.url + "/gdeltv2/",
                          opts=opts)
        except F.FetchError as e:
            assert "\n" not in str(e)

    for mode in ("oversize", "html", "redirect", "symlinks", "truncate", "reset", "500", "stall", "md5", "drip"):
        root = tmp_path / mode
        dest, outside = root / "dest", root / "outside"
        dest.mkdir(parents=True)
        outside.mkdir()
        (outside / "victim").write_bytes(b"v")
        (outside / "victim2").write_bytes(b"w")
        with GdeltServer() as server:
            scenario(server, mode, dest, outside)
        assert {p.name: p.read_bytes() for p in outside.iterdir()} == {"victim": b"v", "victim2": b"w"}, mode
        assert sorted(p.name for p in root.iterdir()) == ["dest", "outside"], mode
        big = [p for p in dest.iterdir() if not p.is_symlink() and p.stat().st_size > 1_000_000]
        assert not big, (mode, big)
        CASES["hostile server"] += 1
