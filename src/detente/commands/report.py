"""`detente report`: the HTML/PDF report of a case (or of the claims in an analyst's text)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from detente.cli import StoreOpt, err, handled, open_store


def register(app: typer.Typer) -> None:
    @app.command()
    @handled
    def report(
        case: Annotated[str, typer.Option(help="Built-in case name")] = "south_caucasus",
        case_file: Annotated[Path | None, typer.Option("--case-file", help="Your own case file (YAML)")] = None,
        text: Annotated[Path | None, typer.Option("--text", help="An analyst's text: its claims are extracted "
                                                                 "and tested")] = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="Report file (.html, or .pdf with --pdf)")] = Path(
            "detente-report.html"),
        pdf: Annotated[bool, typer.Option("--pdf", help="Write PDF (needs Chromium) instead of HTML")] = False,
        freq: Annotated[str, typer.Option(help="Step of the dyad plots: week, month, quarter, year")] = "month",
        breaks: Annotated[bool, typer.Option("--breaks/--no-breaks", help="Mark structural breaks on the dyad "
                                                                          "plots (about 1 s)")] = True,
        store: StoreOpt = None,
    ) -> None:
        """Write a self-contained report (HTML or PDF) and its JSON twin with the same numbers."""
        from detente import report as rpt
        from detente.errors import UserError

        if freq not in ("week", "month", "quarter", "year"):
            raise UserError(f"--freq {freq!r} is not a step the plots use; give week, month, quarter or year")
        if case_file and text:
            raise UserError("give --case-file or --text, not both")
        if case_file and not case_file.is_file():
            raise UserError(f"{case_file}: no such case file; check the path")
        from detente.claims.casefile import load_case

        load_case(case_file or case)  # a bad case name or file fails now, not after the store and the report
        rpt.check_output(out, pdf)
        body = None
        if text:
            from detente.extract import read_text

            body = read_text(text)
        s = open_store(store, read_only=True)
        try:
            rep = rpt.build(s, case=str(case_file) if case_file else case, text=body, freq=freq, breaks=breaks)
        finally:
            s.close()
        paths = rpt.write(rep, out, pdf=pdf)
        sec = rep.data["sections"]
        missing = [f"{k} ({v['reason']})" for k, v in sec.items() if v["status"] != "ok"]
        for kind, p in paths.items():
            err.print(f"wrote {kind}: {p}", highlight=False)
        if missing:
            err.print("[yellow]sections unavailable:[/yellow] " + "; ".join(missing), highlight=False, soft_wrap=True)
