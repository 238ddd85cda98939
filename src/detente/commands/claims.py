"""`detente claims | extract | check`: thin commands over detente.claims and detente.extract."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from detente.cli import Fmt, FmtOpt, StoreOpt, emit, err, handled, open_store, to_json
from detente.errors import UserError

CaseOpt = Annotated[str, typer.Option("--case", help="Built-in case name")]
CaseFileOpt = Annotated[Path | None, typer.Option("--case-file", help="Your own case file (YAML)")]
OnOpt = Annotated[str | None, typer.Option("--on", help="Date the text was written (YYYY-MM-DD; default today): "
                                                         "anchors 'for 30 years' and resolves leaders")]
EncOpt = Annotated[str | None, typer.Option("--encoding", help="Text encoding if not UTF-8 (e.g. latin-1)")]
TextArg = Annotated[Path, typer.Argument(help="A text file of analysis (UTF-8)")]


def _emit_results(results: list, fmt: Fmt) -> None:
    if fmt is Fmt.json:
        sys.stdout.write(to_json([r.as_dict() for r in results]) + "\n")
    else:
        emit([r.row() for r in results], fmt, title="claims: verdicts (supported / contradicted / mixed / "
                                                    "insufficient data)")


def _no_claims(file: Path, then: str = "") -> None:
    err.print(f"{file}: no claims found (no sentence names two actors detente can resolve with a "
              f"cooperative or conflictual cue){then}", highlight=False, soft_wrap=True)


def _when(on: str | None) -> date | None:
    if not on:
        return None
    try:
        return date.fromisoformat(on)
    except ValueError:
        raise UserError(f"--on {on!r} is not a date; write YYYY-MM-DD") from None


def register(app: typer.Typer) -> None:
    @app.command("claims")
    @handled
    def claims_cmd(
        case: CaseOpt = "south_caucasus",
        case_file: CaseFileOpt = None,
        only: Annotated[str | None, typer.Option("--only", help="Comma-separated claim ids, e.g. C1,C7")] = None,
        dataset: Annotated[str | None, typer.Option("--dataset", help="Comma-separated datasets to use")] = None,
        bootstrap: Annotated[int | None, typer.Option(help="Bootstrap replicates (default from the case)")] = None,
        kinds: Annotated[bool, typer.Option("--kinds", help="List the hypothesis kinds and exit")] = False,
        plot: Annotated[Path | None, typer.Option("--plot", help="Also draw each claim's series to DIR/ID.png")]
        = None,
        store: StoreOpt = None,
        format: FmtOpt = Fmt.table,
    ) -> None:
        """Test a case's claims against the store: a verdict, effect and interval per claim, with evidence."""
        from detente import claims

        if kinds:
            emit(claims.kinds_table(), format)
            return
        c = claims.load_case(case_file if case_file else case)
        s = open_store(store, read_only=True)
        try:
            ids = [x.strip() for x in only.split(",")] if only else None
            ds = [x.strip() for x in dataset.split(",")] if dataset else None
            results = claims.evaluate(s, c, ids=ids, datasets=ds, bootstrap=bootstrap)
        finally:
            s.close()
        if plot:
            from detente.claims.plot import plot_result

            for r in results:
                plot_result(r, plot / f"{r.id}.png")
            err.print(f"wrote {len(results)} plots to {plot}", highlight=False)
        _emit_results(results, format)

    @app.command("extract")
    @handled
    def extract_cmd(
        file: TextArg,
        on: OnOpt = None,
        encoding: EncOpt = None,
        yaml_out: Annotated[bool, typer.Option("--yaml", help="Print a complete case file instead")] = False,
        format: FmtOpt = Fmt.table,
    ) -> None:
        """Turn an analyst's prose into candidate claims (actors, polarity, time anchor, hedges, sentence)."""
        from detente import extract

        text = extract.read_text(file, encoding)
        found = extract.extract_claims(text, when=_when(on))
        if not found:
            _no_claims(file)
        if yaml_out:
            sys.stdout.write(extract.case_yaml(found, name=file.stem))
            return
        if format is Fmt.json:
            sys.stdout.write(to_json(found) + "\n")
            return
        emit([{"id": c["id"], "source": c["source"], "target": c["target"], "polarity": c["polarity"],
               "anchor": c["anchor"]["text"] or "", "hedged": ", ".join(c["hedges"]), "negated": c["negated"],
               "test": c["hypothesis"]["kind"], "sentence": c["sentence"]} for c in found], format)

    @app.command("check")
    @handled
    def check_cmd(
        file: TextArg,
        on: OnOpt = None,
        encoding: EncOpt = None,
        report: Annotated[Path | None, typer.Option("--report", help="Also write an HTML report to this file")]
        = None,
        store: StoreOpt = None,
        format: FmtOpt = Fmt.table,
    ) -> None:
        """Extract the claims in a text, test them, and print the verdicts."""
        from detente import claims, extract

        text = extract.read_text(file, encoding)
        case = extract.case_from_text(text, when=_when(on), name=file.stem)
        if not case.hypotheses:
            _no_claims(file, "; nothing to test")
            if format is Fmt.json:
                sys.stdout.write("[]\n")
            return
        s = open_store(store, read_only=True)
        try:
            results = claims.evaluate(s, case)
            if report:
                from detente import report as rpt

                rep = rpt.build(s, case=case, results=results)  # the claims just tested, not tested again
                for kind, p in rpt.write(rep, report).items():
                    err.print(f"wrote {kind}: {p}", highlight=False)
        finally:
            s.close()
        _emit_results(results, format)
