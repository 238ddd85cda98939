"""The `detente` command: thin commands over the public functions of each stage.

Every command that prints data takes ``--format table|csv|json`` and goes through :func:`emit`.
Errors raised as :class:`detente.errors.UserError` (or StoreError, ValueError from validation)
become one line on stderr and exit code 2, here at the edge only.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from typer.core import TyperArgument, TyperCommand, TyperGroup

from detente.errors import UserError
from detente.views import jsonable

app = typer.Typer(
    help="Test what is said about a region's international relations against real event data.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


def _print_version(value: bool) -> None:
    if value:
        from detente import __version__

        typer.echo(f"detente {__version__}")
        raise typer.Exit()


# the output code scheme for actor columns (`detente --codes cow ...`), set by the root callback
OUTPUT = {"codes": "iso3"}


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print detente's version and exit.")] = False,
    codes: Annotated[str, typer.Option("--codes", help="Actor codes in output: iso3, cow or gw")] = "iso3",
) -> None:
    """Test what is said about a region's international relations against real event data.

    Examples: `detente report` (the built-in case), `detente check argument.txt`, `detente relations IRN ARM`.
    """
    from detente.codes import _check

    try:
        OUTPUT["codes"] = _check(codes)
    except UserError as e:
        err.print(f"error: {e}", markup=False, highlight=False)
        raise typer.Exit(2) from None


class Fmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="DuckDB store file (default: $DETENTE_STORE, else the user data dir)")
]
FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format")]
OUTPUT_FORMATS = tuple(f.value for f in Fmt)


class Legacy(str):
    """An old ``--format`` value that named an input (a reader, an export file type) before ``-f/--format``
    meant the output format on every command; the command reads it as its new option and says so."""


class FormatOrLegacy:
    """Parser of ``-f/--format`` for a command whose ``--format`` once named its input: an output format
    (table|csv|json), or an old input value (kept working, with a note on stderr) the command renames."""

    def __init__(self, new_option: str, legacy: Callable[[], Sequence[str]]) -> None:
        self.new_option, self.legacy, self.choices = new_option, legacy, OUTPUT_FORMATS

    def __call__(self, value: Any) -> Fmt | Legacy:
        if isinstance(value, Fmt | Legacy):
            return value
        try:
            return Fmt(str(value).lower())
        except ValueError:
            pass
        if str(value) in self.legacy():
            return Legacy(value)
        hint = f" (the input format is {self.new_option})" if self.new_option else ""
        raise typer.BadParameter(f"{value!r} is not an output format; use table, csv or json{hint}")


def legacy_format(fmt: Fmt | Legacy, new_option: str, old_output: Fmt | None = None) -> tuple[Fmt, str | None]:
    """(output format, old input value or None) of a parsed ``--format`` (and the old ``-o/--output``, which wins
    when given); an old input value gets a one-line note."""
    if isinstance(fmt, Legacy):
        err.print(f"note: `--format {fmt}` is now `{new_option} {fmt}`; -f/--format is the output format",
                  highlight=False, markup=False)
        return Fmt(old_output or Fmt.table), str(fmt)
    return Fmt(old_output or fmt), None


def output_opt(new_option: str, legacy: Callable[[], Sequence[str]], help: str = "Summary format") -> Any:
    """The ``-f/--format`` output option of a command whose input format is ``new_option``."""
    return typer.Option("--format", "-f", parser=FormatOrLegacy(new_option, legacy), metavar="<table|csv|json>",
                        help=f"{help}: table, csv or json")


# `-o/--output`, the summary format's old name on ingest/remove/export/fetch: hidden, still read
OldOutputOpt = Annotated[Fmt | None, typer.Option("--output", "-o", hidden=True, help="Old name of -f/--format")]


def _reader_names() -> Sequence[str]:
    from detente.sources import READERS

    return ("auto", *READERS)


def to_json(obj: Any) -> str:
    """Strict JSON (NaN and infinities as null, dates as ISO text) through the one converter, views.jsonable."""
    return json.dumps(jsonable(obj), indent=2, ensure_ascii=False, allow_nan=False)


def emit(rows: Sequence[dict] | dict, fmt: Fmt | str, title: str | None = None) -> None:
    """Print rows (a list of flat dicts) or one nested dict as a table, CSV or JSON."""
    fmt = Fmt(fmt)
    if OUTPUT["codes"] != "iso3" and not isinstance(rows, dict):
        from detente.codes import recode_rows

        rows = recode_rows(rows, OUTPUT["codes"])
    if fmt is Fmt.json:
        sys.stdout.write(to_json(rows) + "\n")
        return
    if isinstance(rows, dict):
        rows = [{"key": k, "value": v if not isinstance(v, dict | list) else to_json(v)} for k, v in rows.items()]
    cols: list[str] = []
    for r in rows:
        cols += [c for c in r if c not in cols]
    if fmt is Fmt.csv:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: jsonable(v) for k, v in r.items()})
        sys.stdout.write(buf.getvalue())
        return
    t = RichTable(title=title, show_lines=False)
    for c in cols:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*(_cell(r.get(c)) for c in cols))
    Console().print(t)


def _cell(v: Any) -> str:
    v = jsonable(v)
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, dict | list):
        return json.dumps(v)
    return str(v)


def handled(fn: Callable) -> Callable:
    """Turn expected errors into one line on stderr and exit code 2, and a Ctrl-C the command did not handle
    itself into one line and exit code 130."""

    @functools.wraps(fn)
    def wrapper(*a: Any, **kw: Any) -> Any:
        from detente.store import StoreError

        try:
            return fn(*a, **kw)
        except (UserError, StoreError, ValueError, OSError, KeyError) as e:
            err.print(f"[red]error:[/red] {escape(_one_line(e))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            exit_interrupted("stopped before it finished")

    return wrapper


@contextlib.contextmanager
def interrupt_exits(message: str | Callable[[], str]) -> Iterator[None]:
    """Ctrl-C ends the command with ``message`` on stderr and exit code 130 (128 + SIGINT, what a shell expects),
    not a traceback or click's exit 1: both a KeyboardInterrupt and the error DuckDB raises instead when the
    signal comes inside a query (SIGTERM is told apart: ``limits.terminated``). A callable message is asked
    after the interrupt, so it can say what was kept."""
    from detente import limits
    from detente.store import interrupted

    try:
        yield
    except (KeyboardInterrupt, Exception) as e:
        if limits.terminated() or not interrupted(e):
            raise
        exit_interrupted(message() if callable(message) else message)


def exit_interrupted(text: str) -> NoReturn:
    """End an interrupted command: ``interrupted: text`` on stderr and exit code 130.

    From here on SIGINT is ignored: the store is being closed, and a signal DuckDB noticed inside a query can
    still be pending in Python, which would otherwise surface as a KeyboardInterrupt while the exit unwinds
    (the process then dies by the signal, exit -2, instead of 130)."""
    _say_interrupted(f"interrupted: {text}")
    raise typer.Exit(130)


def _say_interrupted(line: str) -> None:
    """Ignore SIGINT from now on (see :func:`exit_interrupted`) and print ``line`` on stderr."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    err.print(line, highlight=False, soft_wrap=True)


def interrupted_ingest(stored: int) -> str:
    """What an interrupted ingest kept, from the files it stored (a Ctrl-C can land after a file's commit).

    >>> interrupted_ingest(0)
    'nothing was stored: the file being read was rolled back; run the same command again'
    >>> interrupted_ingest(2)
    '2 files were stored and are kept, the file being read (if any) was rolled back; run the same command again to go on (stored files are skipped)'
    """
    if stored == 0:
        return "nothing was stored: the file being read was rolled back; run the same command again"
    return (f"{stored} file{'s were' if stored != 1 else ' was'} stored and {'are' if stored != 1 else 'is'} kept, "
            "the file being read (if any) was rolled back; run the same command again to go on (stored files are "
            "skipped)")


def _one_line(e: BaseException) -> str:
    """The first line of an expected error; a file error names the file and says what to check."""
    if isinstance(e, OSError) and e.filename is not None:
        return f"{e.filename}: {e.strerror or type(e).__name__}; check the path"
    text = str(e).strip()
    if isinstance(e, KeyError):  # str(KeyError('x')) is "'x'"
        text = text.strip("'\"")
    return text.splitlines()[0] if text else type(e).__name__


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")


def one_blas_thread() -> None:
    """numpy's matrix products on one thread in this process and the processes it starts, unless the user set
    a count. For commands that split their work across processes themselves (the report: one per core): a BLAS
    thread pool per process on top makes the threads wait for one another: the report's claims process alone
    takes 2.97 s of CPU with one thread against 4.45 s with OpenBLAS's default, the other core then free for the
    parent (`python bench/bench_report_parts.py --parts blas`, medians of 3 interleaved). Takes effect only
    before numpy is first imported (the CLI imports it late)."""
    for k in BLAS_THREADS:
        os.environ.setdefault(k, "1")


def open_store(path: Path | None, read_only: bool = False, build: bool = True):
    """The store at ``path`` (or the default), built from the bundled data on first use.

    A read command given a ``--store`` in a folder that does not exist is refused: a mistyped path must not
    create folders and a 64 MB store.
    """
    from detente import bundle
    from detente.store import Store

    if path is not None and read_only and not Path(path).expanduser().parent.is_dir():
        raise UserError(f"--store {path}: folder {Path(path).expanduser().parent} does not exist; check the path, "
                        f"or build a store there with `detente init --store {path}`")
    return bundle.ensure(Store, path, read_only=read_only, build=build)


QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display on stderr")]


@contextlib.contextmanager
def working(text: str, quiet: bool = False, console: Console | None = None) -> Iterator[None]:
    """A spinner with the elapsed time on stderr while a slow step runs (removed when it ends); nothing when
    ``quiet`` or stderr is not a terminal (pipes, CI logs)."""
    console = console or err
    if quiet or not console.is_terminal:
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        bar.add_task(text, total=None)
        yield


def day(value: str | None, option: str = "--on") -> date | None:
    """A YYYY-MM-DD option value as a date (None when not given); anything else is a one-line error naming
    ``option``."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} {value!r} is not a date; write it as YYYY-MM-DD, e.g. {option} 2021-05-12") \
            from None


def input_path(path: Path | None, what: str = "a text file") -> Path | None:
    """``path`` as given, or for ``-`` stdin's bytes copied to a temporary ``stdin.txt`` (removed at exit), so
    every reader (which may open its input twice) sees all of it. Empty or terminal stdin is a one-line error."""
    if path is None or str(path) != "-":
        return path
    import atexit
    import shutil
    import tempfile

    from detente import limits

    stream = sys.stdin
    if stream is None or stream.isatty():
        raise UserError(f"`-` reads {what} from stdin, but stdin is a terminal; pipe it in "
                        f"(`cat notes.txt | detente check -`) or give a file path")
    cap = int(limits.get("DETENTE_MAX_STDIN"))
    data = stream.buffer.read(cap + 1) if hasattr(stream, "buffer") else stream.read(cap + 1).encode()
    if not data:
        raise UserError(f"stdin is empty: pipe {what} in (`cat notes.txt | detente check -`) or give a file path")
    if len(data) > cap:
        raise UserError(f"stdin holds more than DETENTE_MAX_STDIN={cap} bytes; write it to a file and give its path")
    folder = Path(tempfile.mkdtemp(prefix="detente-stdin-"))
    atexit.register(shutil.rmtree, folder, True)
    out = folder / "stdin.txt"
    out.write_bytes(data)
    return out


def split_codes(s: str | None) -> list[str] | None:
    return [x.strip().upper() for x in s.split(",") if x.strip()] if s else None


# ---------------------------------------------------------------------------------------------
# sources -> events
# ---------------------------------------------------------------------------------------------
@app.command()
@handled
def init(store: StoreOpt = None, force: bool = typer.Option(False, help="Rebuild even if the store exists")) -> None:
    """Build the store from the bundled South Caucasus data (done automatically on first use).

    Examples: `detente init`, `detente init --store my.duckdb --force` (rebuild).
    """
    from detente import bundle
    from detente.store import Store, default_path, rebuild

    path = store or default_path()
    if force and path.exists():  # takes the store's lock: refused while an ingest or a server has it open
        rebuild(path, lambda new: bundle.ensure(Store, new).close())
    s = open_store(path)
    n = s.sources()
    s.close()
    err.print(f"store {path}: {len(n)} datasets from {bundle.BUNDLE_DIR}")


@app.command()
@handled
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to read ('-' = stdin)", metavar="PATH")],
    reader: Annotated[str, typer.Option("--reader", "-r", help="auto or a reader name (see `detente formats`)")
                      ] = "auto",
    dataset: Annotated[str | None, typer.Option(help="Store under this dataset name")] = None,
    option: Annotated[list[str] | None, typer.Option(
        "--option", help="Reader option KEY=VALUE, repeatable (e.g. origin=2018-01-01 for ICEWS quadruples)")] = None,
    store: StoreOpt = None,
    format: Annotated[Fmt, output_opt("--reader", _reader_names)] = Fmt.table,
    old_output: OldOutputOpt = None,
) -> None:
    """Read event or signal files into the store (transactional per file, idempotent).

    Examples: `detente ingest events.csv --reader gdelt1`, `zcat x.gz | detente ingest - -r icews -f json`.
    """
    from rich.progress import Progress

    output, old_reader = legacy_format(format, "--reader", old_output)
    reader = old_reader or reader
    options = {}
    for kv in option or []:
        key, sep, value = kv.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--option {kv!r}: expected KEY=VALUE, e.g. --option origin=2018-01-01")
        options[key.strip()] = value.strip()
    from detente import limits
    from detente.store import Store, spool

    limits.exit_on_sigterm()  # SIGTERM rolls back the open transaction and removes scratch space
    rows: list[dict] = []
    failed: list[dict] = []
    count: dict[str, Any] = {}  # the store and its files before this command

    def files_in(s: Any) -> int:
        return int(s.con.execute("SELECT count(*) FROM files").fetchall()[0][0])

    def kept() -> str:
        """Counted after the interrupt, from the store itself: a Ctrl-C can land after a file's commit."""
        if "start" not in count:
            return interrupted_ingest(0)  # before the store was opened
        try:
            with Store(count["path"], read_only=True) as r:
                return interrupted_ingest(files_in(r) - count["start"])
        except Exception:  # the store cannot be read now: what is true either way
            return ("the file being read (if any) was rolled back, the files stored before it are kept; run the "
                    "same command again to go on (they are skipped)")

    with interrupt_exits(kept), limits.scratch() as tmp:
        paths = [spool(p, tmp) for p in paths]  # pipes and FIFOs are read before the store's lock is taken
        s = open_store(store)
        count["path"], count["start"] = s.path, files_in(s)
        with Progress(console=err, transient=True) as p:
            task = p.add_task("ingest", total=None)

            def on_step(message: str, done: int, total: int) -> None:  # file count as the bar, the step as its text
                p.update(task, description=f"ingest {message}", completed=done, total=total)

            def on_error(path: Path, e: Exception) -> None:  # the file is rolled back; the next one is read
                failed.append({"file": path.name, "error": _one_line(e)})

            try:
                s.ingest(paths, fmt=reader, dataset=dataset, on_file=lambda summary: rows.append(summary.as_dict()),
                         options=options or None, on_step=on_step, on_error=on_error)
            finally:
                s.close()
    if failed and not rows and len(failed) == 1:
        raise UserError(failed[0]["error"])  # one file, one line
    if output is Fmt.table:  # short headings fit a terminal; csv/json keep the field names
        rows = [{k.removeprefix("rows_"): v for k, v in r.items()} for r in rows]
    emit(rows + failed, output, title="rows read = stored + quarantined + duplicate (and files that failed)")
    if failed:
        raise UserError(f"{len(failed)} of {len(rows) + len(failed)} files failed and were not stored (first: "
                        f"{failed[0]['error']}); the others were ingested")
    if not rows:
        raise UserError("no file was found to ingest; check the paths (hidden files are skipped)")


@app.command()
@handled
def remove(
    what: Annotated[str, typer.Argument(help="An ingested file's name (as in the files table) or a dataset name",
                                        metavar="FILE|DATASET")],
    store: StoreOpt = None,
    format: Annotated[Fmt, output_opt("", tuple)] = Fmt.table,
    old_output: OldOutputOpt = None,
) -> None:
    """Undo an ingest: delete a file's (or a whole dataset's) rows in one transaction; coverage is recomputed.

    Examples: `detente remove events.csv`, `detente remove coded -f json`.
    """
    s = open_store(store)
    try:
        emit(s.remove(what), old_output or format)
    finally:
        s.close()


@app.command()
@handled
def sources(store: StoreOpt = None, format: FmtOpt = Fmt.table) -> None:
    """List the datasets in the store with rows, coverage and license.

    Examples: `detente sources`, `detente sources -f json`.
    """
    s = open_store(store, read_only=True)
    rows = s.sources()
    if format is Fmt.table:  # the terminal view keeps what fits; csv/json carry every field
        rows = [{k: r[k] for k in ("name", "coverage_start", "coverage_end", "rows", "quarantined")} for r in rows]
    emit(rows, format, title="datasets (license and citation: --format json, `detente cite`)")


@app.command()
@handled
def cite(
    names: Annotated[list[str] | None, typer.Argument(help="Datasets to cite (default: all in the store)")] = None,
    store: StoreOpt = None,
    methods: bool = typer.Option(True, "--methods/--no-methods", help="Also cite the methods detente uses"),
) -> None:
    """Print BibTeX for detente, its methods and the store's datasets.

    Examples: `detente cite`, `detente cite icews gdelt_network --no-methods`.
    """
    from detente.citations import bibtex

    s = open_store(store, read_only=True)
    sys.stdout.write(bibtex(s, names or None, methods=methods) + "\n")


@app.command()
@handled
def schema(markdown: bool = typer.Option(False, help="Print the data dictionary as Markdown")) -> None:
    """Show the tables detente stores (the data dictionary).

    Examples: `detente schema`, `detente schema --markdown > data.md`.
    """
    from detente.schema import TABLES, data_dictionary

    if markdown:
        sys.stdout.write(data_dictionary() + "\n")
        return
    emit([{"table": t.name, "column": c.name, "type": c.type, "help": c.help} for t in TABLES.values() for c in t.cols],
         Fmt.table)


@app.command()
@handled
def formats(format: FmtOpt = Fmt.table) -> None:
    """List the input formats `detente ingest` reads.

    Examples: `detente formats`, `detente formats -f csv`.
    """
    from detente.sources import READERS, reader

    rows = []
    for name in READERS:
        try:
            mod = reader(name)
            rows.append({"format": name, "dataset": mod.DATASET.name, "title": mod.DATASET.title})
        except ModuleNotFoundError:
            continue
    emit(rows, format)


@app.command("actors")
@handled
def actors_cmd(
    unresolved: bool = typer.Option(False, "--unresolved", help="List actor text no rule resolves, most frequent first"),
    limit: int = typer.Option(50, help="Rows to show"),
    resolve: Annotated[str | None, typer.Option(help="Resolve one name, e.g. 'Nikol Pashinyan'")] = None,
    on: Annotated[str | None, typer.Option(help="Date for --resolve (YYYY-MM-DD)")] = None,
    store: StoreOpt = None,
    format: FmtOpt = Fmt.table,
) -> None:
    """Resolve an actor name, or list the actor text in the store that did not resolve.

    Examples: `detente actors --resolve 'Nikol Pashinyan' --on 2021-06-01`, `detente actors --unresolved --limit 20`.
    """
    from detente import actors
    from detente.periods import to_date

    if resolve:
        when = to_date(on, what="--on date")
        a = actors.resolve(resolve, when)
        emit([{"text": resolve, "date": when, **(a.as_dict() if a else {"actor": None})}], format)
        return
    s = open_store(store, read_only=True)
    if not unresolved:
        raise UserError("say what to list: --unresolved, or --resolve NAME [--on DATE]")
    cur = s.con.execute(
        """SELECT text, dataset, count(*) AS events FROM (
             SELECT source_text AS text, dataset FROM events WHERE source_actor IS NULL AND source_text IS NOT NULL
             UNION ALL SELECT target_text, dataset FROM events WHERE target_actor IS NULL AND target_text IS NOT NULL)
           GROUP BY ALL ORDER BY events DESC, text LIMIT ?""",
        [limit],
    )
    emit([dict(zip(["text", "dataset", "events"], r, strict=True)) for r in cur.fetchall()], format)


def main() -> None:
    """The ``detente`` command. A Ctrl-C that escapes a command's own handling still exits 130, not by the signal."""
    try:
        app()
    except KeyboardInterrupt:  # outside click: typer.Exit would not be handled here
        _say_interrupted("interrupted")
        sys.exit(130)


# Stage commands live beside the functions they call; importing registers them on `app`.
# (relations, network, claims, coding, fetch, report, serve: see detente/commands/)
from detente.commands import register  # noqa: E402

register(app)


class _Argument(TyperArgument):
    """An argument shown the usual way in the usage line: ``A B`` and ``[PATH]...``, not typer's ``{a} {b}``."""

    def _usage_display_name(self) -> str:
        name = (self.metavar or self.name or "").upper()
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


def _tidy_params(params: list[Any]) -> list[Any]:
    """Flags show no ``<bool>`` type in ``--help`` (typer's own --help and completion options included)."""
    for p in params:
        if getattr(p, "is_flag", False) and p.metavar is None:
            p.metavar = ""
        if isinstance(p, TyperArgument) and not isinstance(p, _Argument):
            p.__class__ = _Argument
    return params


class _Command(TyperCommand):
    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy_params(super().get_params(ctx))


class _Group(TyperGroup):
    def get_params(self, ctx: Any) -> list[Any]:
        return _tidy_params(super().get_params(ctx))


def _tidy_help(typer_app: typer.Typer) -> None:
    """Every command and group of ``typer_app`` renders its help through :class:`_Command` / :class:`_Group`."""
    if typer_app.info.cls in (None, TyperGroup):
        typer_app.info.cls = _Group
    for info in typer_app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = _Command
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _tidy_help(group.typer_instance)


_tidy_help(app)
