"""CLI conventions that hold on every command (issue 17): -f/--format is the output format, `--on` is the one
"as of" date, `-` is stdin for input text, every --help shows examples."""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from detente.cli import OUTPUT_FORMATS, FormatOrLegacy, app

ROOT = Path(__file__).resolve().parents[1]


def commands() -> Iterator[tuple[str, object]]:
    """(name, command) for every leaf command registered on the app (sub-apps such as `fetch` walked)."""

    def walk(cmd: object, path: list[str]) -> Iterator[tuple[str, object]]:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), cmd

    yield from walk(typer.main.get_command(app), [])


def format_choices(param: object) -> tuple[str, ...] | None:
    """The values a `--format` option accepts as output formats (enum members or our parser's choices)."""
    ann = param.type_descriptor.annotation
    parser = getattr(param.type_descriptor.parameter_info, "parser", None)
    if isinstance(parser, FormatOrLegacy):
        return tuple(parser.choices)
    if isinstance(ann, type) and issubclass(ann, enum.Enum):
        return tuple(m.value for m in ann)
    return None


ALL = dict(commands())


def flat(text: str) -> str:
    """Help or error text without Rich's box drawing and line wrapping."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", text).split())


def test_the_walk_finds_every_stage_command() -> None:
    assert {"ingest", "export", "relations", "network", "claims", "code", "check", "extract", "report",
            "fetch gdelt"} <= set(ALL)


@pytest.mark.parametrize("name", sorted(ALL))
def test_format_is_the_output_format_with_short_name_f(name: str) -> None:
    for p in ALL[name].params:
        if "--format" in p.opts:
            assert "-f" in p.opts, f"{name}: --format has no -f"
            assert format_choices(p) == OUTPUT_FORMATS, f"{name}: --format is not table|csv|json"
        if "-f" in p.opts:
            assert "--format" in p.opts, f"{name}: -f is not --format"


def test_commands_that_print_rows_take_format() -> None:
    printing = ["sources", "formats", "actors", "relations", "anomalies", "breaks", "votes", "network", "simulate",
                "claims", "extract", "check", "code", "ingest", "remove", "export", "update", "fetch gdelt"]
    missing = [n for n in printing if not any("--format" in p.opts for p in ALL[n].params)]
    assert missing == []


def test_no_input_format_is_called_format() -> None:
    ingest = {o for p in ALL["ingest"].params for o in p.opts}
    export = {o for p in ALL["export"].params for o in p.opts}
    assert "--reader" in ingest and "--to" in export


DAILY = ROOT / "tests" / "fixtures" / "20130401.export.CSV"


def test_old_ingest_format_spelling_still_reads_the_reader(tmp_path: Path) -> None:
    db = str(tmp_path / "s.duckdb")
    old = CliRunner().invoke(app, ["ingest", str(DAILY), "--format", "gdelt1", "--store", db, "-o", "json"])
    new = CliRunner().invoke(app, ["ingest", str(DAILY), "--reader", "gdelt1", "--store", db, "-f", "json"])
    assert old.exit_code == 0, old.output
    assert "is now `--reader gdelt1`" in old.stderr
    (first,) = json.loads(old.stdout[old.stdout.index("["):])
    assert first["rows_read"] == first["rows_stored"] + first["rows_quarantined"] + first["rows_duplicate"] > 0
    assert new.exit_code == 0 and json.loads(new.stdout)[0]["skipped"] is True  # same bytes: already ingested


def test_bad_format_value_names_both_options(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["ingest", str(tmp_path), "--format", "nosuch", "--store", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 2
    assert "use table, csv or json (the input format is --reader)" in flat(r.output)


@pytest.fixture(scope="module")
def daily_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from detente.store import Store

    path = tmp_path_factory.mktemp("daily") / "s.duckdb"
    s = Store(path)
    s.ingest([DAILY], fmt="gdelt1")
    s.close()
    return path


def test_export_old_format_parquet_is_to_parquet(daily_store: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["export", str(tmp_path / "o"), "--format", "parquet", "--table", "events",
                                 "--store", str(daily_store), "-o", "json"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "events").is_dir() and "`--to parquet`" in r.stderr
    assert json.loads(r.stdout)[0]["table"] == "events"


# -- one "as of" date option: --on --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ALL))
def test_as_of_dates_are_called_on(name: str) -> None:
    for p in ALL[name].params:
        old = {"--date", "--when", "--as-of"} & set(p.opts)
        if old:
            assert p.opts[0] == "--on", f"{name}: {sorted(old)} is an alias; the option is --on"


def test_code_on_and_its_old_name_date_agree(tmp_path: Path) -> None:
    f = tmp_path / "news.txt"
    f.write_text("Azerbaijan attacked Armenia.\n", encoding="utf-8")
    new = CliRunner().invoke(app, ["code", str(f), "--on", "2021-05-12", "-f", "json"])
    old = CliRunner().invoke(app, ["code", str(f), "--date", "2021-05-12", "-f", "json"])
    assert new.exit_code == 0, new.output
    rows = json.loads(new.stdout)
    assert [(r["date"], r["cameo_code"], r["source_actor"], r["target_actor"]) for r in rows] == [
        ("2021-05-12", "190", "AZE", "ARM")]
    assert json.loads(old.stdout) == rows
    bad = CliRunner().invoke(app, ["code", str(f), "--on", "12/05/2021"])
    assert bad.exit_code == 2 and "--on 2021-05-12" in bad.stderr


# -- `-` is stdin for input text --------------------------------------------------------------------------

TEXT = "In April 2021 Iran signed a transit deal with Armenia. Nothing in this second sentence names a state.\n"


def test_code_reads_stdin(tmp_path: Path) -> None:
    f = tmp_path / "news.txt"
    body = "Azerbaijan attacked Armenia.\n\nIran and Armenia signed a trade agreement.\n"
    f.write_text(body, encoding="utf-8")
    piped = CliRunner().invoke(app, ["code", "-", "--on", "2021-05-12", "-f", "json"], input=body)
    filed = CliRunner().invoke(app, ["code", str(f), "--on", "2021-05-12", "-f", "json"])
    assert piped.exit_code == 0, piped.output
    cols = ("date", "cameo_code", "source_actor", "target_actor", "sentence")
    got = [tuple(r[c] for c in cols) for r in json.loads(piped.stdout)]
    assert got == [tuple(r[c] for c in cols) for r in json.loads(filed.stdout)]
    assert [g[1] for g in got] == ["190", "0311", "0311"]


def test_extract_reads_stdin_as_it_reads_a_file(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    piped = CliRunner().invoke(app, ["extract", "-", "--on", "2021-06-01", "-f", "json"], input=TEXT)
    filed = CliRunner().invoke(app, ["extract", str(f), "--on", "2021-06-01", "-f", "json"])
    assert piped.exit_code == 0, piped.output
    claims = json.loads(piped.stdout)
    assert claims == json.loads(filed.stdout)
    assert {(c["source"], c["target"]) for c in claims} == {("IRN", "ARM")}


def test_check_reads_stdin(bundled_store_path: Path) -> None:
    r = CliRunner().invoke(app, ["check", "-", "--on", "2021-06-01", "--store", str(bundled_store_path),
                                 "-f", "json"], input=TEXT)
    assert r.exit_code == 0, r.output
    (res,) = json.loads(r.stdout)
    assert res["verdict"] in {"supported", "contradicted", "mixed", "undecided", "insufficient data"}


@pytest.mark.parametrize("args", [["check", "-"], ["extract", "-"], ["code", "-"], ["report", "--text", "-"]])
def test_empty_stdin_is_one_line_error(args: list[str], tmp_path: Path) -> None:
    r = CliRunner().invoke(app, [*args, "--store", str(tmp_path / "s.duckdb")] if args[0] in ("check", "report")
                           else args, input="")
    assert r.exit_code == 2
    assert "stdin is empty" in flat(r.stderr)
    assert not (tmp_path / "s.duckdb").exists()  # refused before any store is built


# -- --help: examples, no <bool> or {a} placeholders ------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ALL))
def test_every_help_has_examples_and_no_bool_placeholder(name: str) -> None:
    r = CliRunner().invoke(app, [*name.split(), "--help"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    text = flat(r.output)
    assert "Examples: `detente " in text, f"{name} --help has no Examples: line"
    assert "<bool>" not in r.output, [line for line in r.output.splitlines() if "<bool>" in line]
    usage = next(line for line in r.output.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage, usage  # arguments read A B / [PATH]..., not typer's {a} {b}


def test_usage_line_names_arguments_the_usual_way() -> None:
    def usage(*args: str) -> str:
        out = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "160"}).output
        return " ".join(next(line for line in out.splitlines() if "Usage:" in line).split())

    assert usage("relations").endswith("relations [OPTIONS] A B")
    assert usage("ingest").endswith("ingest [OPTIONS] PATH...")
    assert usage("cite").endswith("cite [OPTIONS] [NAMES]...")


def test_examples_use_existing_options() -> None:
    """Every `--option` an Examples: line shows is an option of that command (or the root's)."""
    root = {o for p in typer.main.get_command(app).params for o in (*p.opts, *p.secondary_opts)}
    for name, cmd in ALL.items():
        line = (cmd.help or "").split("Examples:", 1)[1]
        known = root | {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
        calls = [part.split(">")[0] for ex in re.findall(r"`([^`]*)`", line) for part in ex.split("|")
                 if part.strip().startswith(f"detente {name}")]
        assert calls, f"{name}: no example calls `detente {name}`"
        used = {o for c in calls for o in re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", c)}
        assert used <= known, f"{name}: {sorted(used - known)}"


# -- progress on stderr ------------------------------------------------------------------------------------

def test_progress_shows_on_a_terminal_only_and_not_when_quiet() -> None:
    import io
    import time

    from rich.console import Console

    from detente.cli import working

    def shown(quiet: bool, terminal: bool) -> str:
        buf = io.StringIO()
        con = Console(file=buf, force_terminal=terminal, width=100)
        with working("testing claims", quiet, console=con):
            time.sleep(0.3)
        return buf.getvalue()

    assert "testing claims" in shown(quiet=False, terminal=True)
    assert shown(quiet=True, terminal=True) == ""
    assert shown(quiet=False, terminal=False) == ""  # a pipe or CI log gets no spinner


def test_claims_and_report_take_quiet(bundled_store_path: Path) -> None:
    for name in ("claims", "report"):
        assert {"--quiet", "-q"} <= {o for p in ALL[name].params for o in p.opts}, name
    r = CliRunner().invoke(app, ["claims", "--only", "C1", "-q", "--store", str(bundled_store_path), "-f", "json"])
    assert r.exit_code == 0, r.output
    assert [c["id"] for c in json.loads(r.stdout)] == ["C1"] and r.stderr == ""


def test_code_prints_a_table_by_default_and_every_column_as_csv(tmp_path: Path) -> None:
    f = tmp_path / "news.txt"
    f.write_text("Azerbaijan attacked Armenia.\n", encoding="utf-8")
    table = CliRunner().invoke(app, ["code", str(f), "--on", "2021-05-12"], env={"COLUMNS": "160"})
    assert table.exit_code == 0, table.output
    assert not table.stdout.startswith("event_id,")  # no longer CSV unless asked
    row = next(line for line in table.stdout.splitlines() if "2021-05-12" in line)
    assert [c.strip() for c in row.strip("│ ").split("│")][:5] == ["2021-05-12", "AZE", "ARM", "190", "-10"]
    csv_out = CliRunner().invoke(app, ["code", str(f), "--on", "2021-05-12", "-f", "csv"])
    header, line = csv_out.stdout.strip().splitlines()
    assert header.startswith("event_id,date,source_text") and ",190," in line
