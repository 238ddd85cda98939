"""`detente fetch gdelt`, `detente export` and `detente bigquery-sql`: thin commands over fetch.py / export.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from detente.cli import (
    Fmt,
    OldOutputOpt,
    StoreOpt,
    day,
    emit,
    err,
    exit_interrupted,
    handled,
    legacy_format,
    open_store,
    output_opt,
    split_codes,
)
from detente.errors import UserError

fetch_app = typer.Typer(help="Download source data (GDELT) with verification and resume.", no_args_is_help=True)


class RichReporter:
    """Bytes, speed and ETA on stderr; thread-safe enough for Rich's Progress."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        # files done are counted in the description ("fetch 3/96"); the columns are bytes, speed and ETA
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
            TimeRemainingColumn(), console=err, transient=True,
        )
        self.bytes_task: Any = None
        self.started = False

    def start(self, files: int, total_bytes: int) -> None:
        self.progress.start()
        self.started = True
        self.bytes_task = self.progress.add_task("fetch", total=total_bytes or None)
        self.files = files
        self.done = 0

    def advance(self, nbytes: int) -> None:
        if self.bytes_task is not None:
            self.progress.advance(self.bytes_task, nbytes)

    def file_done(self, result: Any) -> None:
        self.done += 1
        self.progress.update(self.bytes_task, description=f"fetch {self.done}/{self.files}")
        if not result.ok:
            self.progress.console.print(f"[yellow]{result.name}:[/yellow] {result.status}: {result.reason}",
                                        highlight=False, soft_wrap=True)

    def stop(self) -> None:
        """Safe to call twice, or before start (stopping an unstarted Progress prints a blank line)."""
        if self.started:
            self.progress.stop()
            self.started = False


@fetch_app.command("gdelt")
@handled
def gdelt(
    version: Annotated[int, typer.Option("--version", help="GDELT version: 1 (daily, 1979-) or 2 (15-minute, 2015-)")],
    start: Annotated[str, typer.Option("--start", help="First day, YYYY-MM-DD (UTC)")],
    end: Annotated[str, typer.Option("--end", help="Last day, YYYY-MM-DD (UTC), inclusive")],
    actors: Annotated[str | None, typer.Option(help="With --ingest keep only rows involving these codes, e.g. AZE,ARM")] = None,
    dest: Annotated[Path | None, typer.Option(help="Download directory (default: gdelt<version> beside the store)")] = None,
    ingest: Annotated[bool, typer.Option("--ingest", help="Ingest each verified file into the store")] = False,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Mirror of the GDELT file directory")] = None,
    workers: Annotated[int, typer.Option(help="Parallel downloads")] = 4,
    rate: Annotated[float | None, typer.Option(help="At most this many requests per second")] = None,
    timeout: Annotated[float, typer.Option(help="Seconds without data before a retry")] = 30.0,
    retries: Annotated[int, typer.Option(help="Retries per file (exponential backoff)")] = 4,
    max_bytes: Annotated[int, typer.Option(help="Most bytes per file when the list gives no size")] = 2 * 10**9,
    min_rate: Annotated[float, typer.Option(
        help="Bytes/s below which an attempt gives up (deadline: --timeout + bytes / this)")] = 4096.0,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="A host a redirect may lead to (repeatable); others are refused")] = None,
    store: StoreOpt = None,
    output: Annotated[Fmt, output_opt("", tuple)] = Fmt.table,
    old_output: OldOutputOpt = None,
) -> None:
    """Download GDELT event files for a UTC date range: verified (size + MD5), resumable, optionally ingested.

    Examples: `detente fetch gdelt --version 2 --start 2024-01-01 --end 2024-01-07 --ingest --actors AZE,ARM`.
    """
    from detente import fetch as F
    from detente.store import default_path

    output = old_output or output

    s, e = day(start, "--start"), day(end, "--end")
    codes = split_codes(actors)
    if codes and not ingest:
        raise UserError("--actors filters rows while ingesting; add --ingest (downloads are always whole files)")
    st = open_store(store) if ingest else None
    dest = dest or (store or default_path()).parent / f"gdelt{version}"
    rep = RichReporter()
    opts = F.Options(workers=workers, rate=rate, timeout=timeout, retries=retries, max_bytes=max_bytes,
                     min_rate=min_rate, allow_hosts=tuple(allow_host or ()))
    try:
        report = F.fetch_gdelt(version, s, e, dest, actors=codes, store=st, base_url=base_url, opts=opts,
                               reporter=rep)
    except F.FetchInterrupted as ex:
        rep.stop()  # before the message (the finally's stop is then a no-op)
        r = ex.report
        ok = sum(x.ok for x in r.results)
        exit_interrupted(f"{ok} of {r.listed} files verified in {dest}; partial downloads are kept as .part files and "
                         "nothing unverified was ingested; re-run the same command to resume")
    finally:
        rep.stop()
        if st is not None:
            st.close()
    summary = report.summary()
    if output is Fmt.json:
        emit(report.as_dict(), output)
    else:
        emit(summary, output, title=f"GDELT {version}.0 {s}..{e} -> {dest}")
    if report.missing:
        err.print(f"[yellow]note:[/yellow] {len(report.missing)} of {report.expected} expected slots are not in "
                  f"GDELT's list: {summary['missing']}", highlight=False, soft_wrap=True)
    bad = report.failed
    if bad or report.ingest_failed:
        first = bad[0] if bad else report.ingest_failed[0]
        why = first.reason if bad else first.ingest["error"]
        raise UserError(f"{len(bad)} files not downloaded, {len(report.ingest_failed)} not ingested "
                        f"(first: {first.name}: {why}); re-run the same command to retry them")


def export(
    dest: Annotated[Path, typer.Argument(help="Directory to write (one sub-directory per table)")],
    to: Annotated[str, typer.Option("--to", help="File format to write: parquet")] = "parquet",
    partition_by: Annotated[str, typer.Option("--partition-by", help="month | year | none")] = "month",
    table: Annotated[str, typer.Option("--table", help="events | dyad_days | signals | all")] = "all",
    overwrite: Annotated[bool, typer.Option(help="Replace what is already in DEST")] = False,
    store: StoreOpt = None,
    output: Annotated[Fmt, output_opt("--to", lambda: ("parquet",))] = Fmt.table,
    old_output: OldOutputOpt = None,
) -> None:
    """Write the store as Hive-partitioned Parquet that Spark, BigQuery and DuckDB read directly.

    Examples: `detente export out/ --to parquet --partition-by year`, `detente export out/ --table events -f json`.
    """
    from detente import export as X

    output, old_to = legacy_format(output, "--to", old_output)
    to = old_to or to
    if to != "parquet":
        raise UserError(f"--to {to!r} is not supported; use --to parquet")
    s = open_store(store, read_only=True)
    try:
        rows = X.export_parquet(s, dest, tables=X.tables_arg(table), partition_by=partition_by, overwrite=overwrite)
    finally:
        s.close()
    emit(rows, output, title=f"Parquet in {dest}")


def bigquery_sql(
    actors: Annotated[str | None, typer.Option(help="Codes; both sides of a dyad must be among them, e.g. AZE,ARM")] = None,
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD")] = None,
    end: Annotated[str | None, typer.Option(help="Last day, YYYY-MM-DD")] = None,
    table: Annotated[str, typer.Option(help="BigQuery table (the partitioned one bills only the dates asked for)")
                     ] = "gdelt-bq.gdeltv2.events_partitioned",
    partition_slack: Annotated[int, typer.Option(help="Days after --end still read from the partitioned table")
                               ] = 31,
    undirected: Annotated[bool, typer.Option(help="Fold A->B and B->A into one dyad")] = False,
    dialect: Annotated[str, typer.Option(help="bigquery, or duckdb to run it locally")] = "bigquery",
    per: Annotated[str, typer.Option(help="month, or day: the output `detente ingest --reader bigquery` reads")
                   ] = "month",
) -> None:
    """Print the dyad x month (or day) index SQL for GDELT's public BigQuery table (pipe it into `bq query`).

    Examples: `detente bigquery-sql --actors AZE,ARM --start 2020-01-01 --end 2020-12-31 | bq query --use_legacy_sql=false`,
    `detente bigquery-sql --actors AZE,ARM --start 2020-09-01 --end 2020-11-30 --per day`.
    """
    from detente import export as X

    sql = X.dyad_month_sql(
        actors=split_codes(actors), start=day(start, "--start"),
        end=day(end, "--end"), table=table, directed=not undirected, dialect=dialect,
        partition_slack=partition_slack, per=per,
    )
    sys.stdout.write(sql + "\n")


def register(app: typer.Typer) -> None:
    app.add_typer(fetch_app, name="fetch")
    app.command("export")(handled(export))
    app.command("bigquery-sql")(handled(bigquery_sql))
