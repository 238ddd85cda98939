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
    if rep is not None:
        rep.write_line(line)
    else:
        print(line)


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

    With ``kill_after`` the child gets ``sig`` after that many seconds. Peak memory comes from wait4's
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
        if kill_after is not None:
            time.sleep(kill_after)
            if p.poll() is None:
                p.send_signal(sig)
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
