"""`detente report`: the HTML/PDF report of a case (or of the claims in an analyst's text)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from detente.cli import QuietOpt, StoreOpt, err, handled, one_blas_thread, open_store, working


def register(app: typer.Typer) -> None:
    @app.command()
    @handled
    def report(
        case: Annotated[str, typer.Option(help="Built-in case name")] = "south_caucasus",
        case_file: Annotated[Path | None, typer.Option("--case-file", help="Your own case file (YAML)")] = None,
        text: Annotated[Path | None, typer.Option("--text", help="An analyst's text: its claims are extracted "
                                                                 "and tested (- reads stdin)")] = None,
        out: Annotated[Path, typer.Option("--out", "-o", help="Report file (.html, or .pdf with --pdf)")] = Path(
            "detente-report.html"),
        pdf: Annotated[bool, typer.Option("--pdf", help="Write PDF (needs Chromium) instead of HTML")] = False,
        freq: Annotated[str, typer.Option(help="Step of the dyad plots: week, month, quarter, year")] = "month",
        breaks: Annotated[bool, typer.Option("--breaks/--no-breaks", help="Mark structural breaks on the dyad "
                                                                          "plots (about 1 s)")] = True,
        cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Reuse sections computed before for the "
                                                                      "same store contents, case and code")] = True,
        store: StoreOpt = None,
        quiet: QuietOpt = False,
    ) -> None:
        """Write a self-contained report (HTML or PDF) and its JSON twin with the same numbers.

        Examples: `detente report`, `detente report --text argument.txt -o argument.html`, `detente report --pdf -o r.pdf`.
        """
        one_blas_thread()  # before numpy is imported: the report runs one process per core
        from detente import report as rpt
        from detente.errors import UserError

        if freq not in ("week", "month", "quarter", "year"):
            raise UserError(f"--freq {freq!r} is not a step the plots use; give week, month, quarter or year")
        if case_file and text:
            raise UserError("give --case-file or --text, not both")
        if case_file and not case_file.is_file():
            raise UserError(f"{case_file}: no such case file; check the path")
        rpt.check_output(out, pdf)  # --pdf: its browser is checked here, before anything is computed
        from detente import report_cache

        if text is None and (case_file is None and report_cache.case_file(case) is None):
            from detente.claims.casefile import load_case

            load_case(case)  # a bad case name fails now, with the known names, before the store is opened
        body = None
        if text:
            from detente.cli import input_path
            from detente.extract import read_text

            body = read_text(input_path(text))
        the_case = str(case_file) if case_file else case
        s = open_store(store, read_only=True)
        try:
            params = {"freq": freq, "breaks": breaks}
            k = report_cache.key(s, the_case, body, params)
            hit = report_cache.get(s, k) if cache else None
            rep = rpt.from_cache(hit) if hit else None
            if rep is None:
                if case_file:
                    from detente.claims.casefile import load_case

                    load_case(case_file)  # a bad case file is one line, not a failed section
                with working("report: claims, networks, hindcast (a minute on a cold store)", quiet):
                    rep = rpt.build(s, case=the_case, text=body, freq=freq, breaks=breaks)
        finally:
            s.close()
        note = "read from the store's cache" if hit else None
        if hit is None and cache and not any(re.match(r"[A-Z]\w*(Error|Exception): ", v.get("reason") or "")
                                             for v in rep.data["sections"].values()):  # a crash is not cached
            note = report_cache.put(s.path, k, rep.data, rep.data["provenance"]["seconds"])
        paths = rpt.write(rep, out, pdf=pdf)
        sec = rep.data["sections"]
        missing = [f"{k} ({v['reason']})" for k, v in sec.items() if v["status"] != "ok"]
        for kind, p in paths.items():
            err.print(f"wrote {kind}: {p}", highlight=False)
        if note:
            err.print(f"[dim]sections {note}[/dim]", highlight=False)
        if missing:
            err.print("[yellow]sections unavailable:[/yellow] " + "; ".join(missing), highlight=False, soft_wrap=True)
