"""The store-level commands, run as a user would (a subprocess of the installed `detente`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, store: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "detente", *args]
    if store is not None:
        cmd += ["--store", str(store)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_sources_json(bundled_store_path: Path) -> None:
    r = run("sources", "--format", "json", store=bundled_store_path)
    assert r.returncode == 0, r.stderr
    rows = {d["name"]: d for d in json.loads(r.stdout)}
    assert rows["gdelt_network"]["coverage_start"] == "2018-01-01"
    assert rows["icews"]["rows"] > 500_000


def test_cite_prints_bibtex(bundled_store_path: Path) -> None:
    r = run("cite", store=bundled_store_path)
    assert r.returncode == 0 and "@article{gleditsch2002acd" in r.stdout


def test_ingest_missing_file_is_one_line_exit_2(tmp_path: Path) -> None:
    r = run("ingest", str(tmp_path / "nope.csv"), store=tmp_path / "s.duckdb")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "nope.csv" in r.stderr


def test_ingest_unknown_format_lists_formats(tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text("hello\n")
    r = run("ingest", str(f), "--reader", "nosuch", store=tmp_path / "s.duckdb")
    assert r.returncode == 2 and "gdelt1" in r.stderr


def test_actors_resolve_time_aware() -> None:
    r = run("actors", "--resolve", "Nikol Pashinyan", "--on", "2021-06-01", "--format", "json")
    assert json.loads(r.stdout)[0]["code"] == "ARM"
    r = run("actors", "--resolve", "Nikol Pashinyan", "--on", "2010-01-01", "--format", "json")
    assert json.loads(r.stdout)[0]["actor"] is None


def test_actors_unresolved_lists_text(bundled_store_path: Path) -> None:
    r = run("actors", "--unresolved", "--limit", "5", "--format", "json", store=bundled_store_path)
    rows = json.loads(r.stdout)
    assert len(rows) == 5 and all(row["events"] > 0 for row in rows)


def test_schema_markdown_matches_docs() -> None:
    r = run("schema", "--markdown")
    assert r.stdout == (Path(__file__).resolve().parents[1] / "docs" / "data.md").read_text()


def test_ingest_option_sets_the_icews_time_origin(tmp_path: Path, shared: Path) -> None:
    # ICEWS18 quadruples count hours from 2018-01-01; a folder whose name does not say so needs the origin
    import shutil

    folder = tmp_path / "quads"
    folder.mkdir()
    for name in ("entity2id.txt", "relation2id.txt", "valid.txt.gz"):
        shutil.copy(shared / "icews-samples/icews18_renet" / name, folder / name)
    r = run("ingest", str(folder), "--reader", "icews_quads", "-f", "json", store=tmp_path / "s.duckdb")
    assert r.returncode == 2 and "origin=YYYY-MM-DD" in r.stderr
    r = run("ingest", str(folder), "--reader", "icews_quads", "--option", "origin=2018-01-01",
            "--option", "step=hour", "-f", "json", store=tmp_path / "s.duckdb")
    assert r.returncode == 0, r.stderr
    (summary,) = json.loads(r.stdout)
    assert summary["rows_read"] == summary["rows_stored"] + summary["rows_quarantined"] + summary["rows_duplicate"]
    assert summary["rows_stored"] > 0
    r = run("ingest", str(folder), "--option", "origin", store=tmp_path / "s.duckdb")
    assert r.returncode == 2 and "KEY=VALUE" in r.stderr


def test_an_interrupted_ingest_says_what_it_kept() -> None:
    """A Ctrl-C can land after a file's commit: the line counts the files stored, never claims a rollback of them."""
    from detente.cli import interrupted_ingest

    assert interrupted_ingest(0) == "nothing was stored: the file being read was rolled back; run the same command again"
    assert interrupted_ingest(1).startswith("1 file was stored and is kept, the file being read (if any) was rolled back")
    assert interrupted_ingest(2).startswith("2 files were stored and are kept, ")


_INTERRUPTED_APP = """
import os, signal, sys, time
import typer
from detente import cli

app = typer.Typer()

@app.command()
def run(mode: str) -> None:
    if mode == "late":  # a SIGINT that lands while the interrupted command unwinds (DuckDB can leave one pending)
        try:
            cli.exit_interrupted("kept what was stored")
        finally:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
    raise KeyboardInterrupt  # one that no handler of the command caught

def outside() -> None:  # one that surfaces after click has handled the command, as its exit unwinds
    raise KeyboardInterrupt

cli.app = outside if sys.argv[1] == "outside" else typer.Typer()
if sys.argv[1] != "outside":
    cli.app.command()(cli.handled(run))
sys.argv = ["detente", sys.argv[1]]
cli.main()
"""


@pytest.mark.parametrize(("mode", "message"), [("late", "interrupted: kept what was stored"),
                                               ("escaped", "interrupted: stopped before it finished"),
                                               ("outside", "interrupted")])
def test_an_interrupted_command_exits_130_not_by_the_signal(tmp_path, mode, message):
    """Ctrl-C ends a command with exit code 130 and one line: a second SIGINT during the exit is ignored (one
    made `detente update` die by the signal, exit -2, on CI); a KeyboardInterrupt no handler of the command
    caught is 130 too, not click's 'Aborted!' and exit 1, and so is one that surfaces outside click."""
    script = tmp_path / "app.py"
    script.write_text(_INTERRUPTED_APP)
    p = subprocess.run([sys.executable, str(script), mode], capture_output=True, text=True, timeout=60)
    assert p.returncode == 130, p.stderr
    assert p.stderr.strip().splitlines() == [message]
