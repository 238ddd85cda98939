"""`detente update`: a thin command over :func:`detente.update.update` (and ``update_polecat``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli import Fmt, StoreOpt, day, emit, err, exit_interrupted, handled, open_store
from detente.errors import UserError


def update(
    case: Annotated[str, typer.Option("--case", help="Built-in case name or a case file's path")] = "south_caucasus",
    case_file: Annotated[Path | None, typer.Option("--case-file", help="Your own case file (YAML)")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day to fetch, YYYY-MM-DD (default: yesterday, UTC)")
                     ] = None,
    source: Annotated[str, typer.Option("--source", help="gdelt (fetch GDELT 2.0) or polecat (ingest a folder)")
                      ] = "gdelt",
    folder: Annotated[Path | None, typer.Argument(help="With --source polecat: the folder of POLECAT files")] = None,
    dest: Annotated[Path | None, typer.Option(help="Download directory (default: gdelt2 beside the store)")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="Mirror of GDELT's v2 directory")] = None,
    workers: Annotated[int, typer.Option(help="Parallel downloads")] = 4,
    verdicts: Annotated[bool, typer.Option("--verdicts/--no-verdicts", help="Re-run the case's verdicts")] = True,
    store: StoreOpt = None,
    format: Annotated[Fmt, typer.Option("--format", "-f", help="Output format")] = Fmt.table,
) -> None:
    """Bring the store up to date for a case: fetch new GDELT 2.0 events for its actors, re-run its verdicts.

    Resumable: interrupt it and run it again. Examples: `detente update --until 2024-03-31`,
    `detente update --source polecat ~/Downloads/polecat`.
    """
    from detente import case as case_mod
    from detente import fetch as F
    from detente import update as U
    from detente.commands.fetch import RichReporter

    if source not in ("gdelt", "polecat"):  # checked before the store or the case is touched
        raise UserError(f"--source {source!r}: use gdelt or polecat")
    if source == "polecat" and folder is None:
        raise UserError("--source polecat needs the folder of downloaded POLECAT files: "
                        "`detente update --source polecat DIR`")
    c = case_mod.load(case_file if case_file else case)
    end = day(until, "--until")
    s = open_store(store)
    rep = RichReporter()
    try:
        if source == "polecat":
            res = U.update_polecat(s, folder, c, verdicts=verdicts)
        else:
            res = U.update(s, c, end, dest=dest, base_url=base_url, opts=F.Options(workers=workers), reporter=rep,
                           verdicts=verdicts)
    except F.FetchInterrupted:
        rep.stop()
        exit_interrupted("verified files and what was ingested are kept; run the same command again to go on")
    finally:
        rep.stop()
        s.close()
    if format is Fmt.json:
        emit(res.as_dict(), format)
        return
    if res.current:
        err.print(f"the store is current: GDELT is covered up to {res.start}", highlight=False)
        return
    if res.note:
        err.print(f"note: {res.note}", highlight=False, soft_wrap=True)
    emit([{"from": res.start, "to": res.end, "rows stored": res.rows_stored, "duplicates": res.rows_duplicate,
           **{k: v for k, v in res.files.items() if k in ("listed", "verified", "missing")}}], format,
         title="update")
    changed = [c.as_dict() for c in res.changes if c.changed]
    if changed:
        emit(changed, format, title="verdicts that changed")
    elif verdicts:
        err.print("no verdict, effect or interval changed", highlight=False)
    if res.new_evidence:
        emit(res.new_evidence, format, title="strongest new events")


def register(app: typer.Typer) -> None:
    app.command("update")(handled(update))
