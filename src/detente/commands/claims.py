"""`detente claims | extract | check`: thin commands over detente.claims and detente.extract."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from detente.cli import (
    Fmt,
    FmtOpt,
    QuietOpt,
    StoreOpt,
    day,
    emit,
    err,
    handled,
    input_path,
    open_store,
    to_json,
    working,
)
from detente.errors import UserError

CaseOpt = Annotated[str, typer.Option("--case", help="Built-in case name")]
CaseFileOpt = Annotated[Path | None, typer.Option("--case-file", help="Your own case file (YAML)")]
OnOpt = Annotated[str | None, typer.Option("--on", help="Date the text was written (YYYY-MM-DD; default today): "
                                                         "anchors 'for 30 years' and resolves leaders")]
EncOpt = Annotated[str | None, typer.Option("--encoding", help="Text encoding if not UTF-8 (e.g. latin-1)")]
TextArg = Annotated[Path, typer.Argument(help="A text file of analysis (UTF-8); - reads stdin", metavar="FILE")]


def _emit_results(results: list, fmt: Fmt) -> None:
    if fmt is Fmt.json:
        sys.stdout.write(to_json([r.as_dict() for r in results]) + "\n")
    else:
        emit([r.row() for r in results], fmt, title="claims: verdicts (supported / contradicted / mixed / "
                                                    "undecided / insufficient data)")


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
        quiet: QuietOpt = False,
    ) -> None:
        """Test a case's claims against the store: a verdict, effect and interval per claim, with evidence.

        Examples: `detente claims`, `detente claims --only C1,C7 -f json`, `detente claims --case-file my_case.yaml`.
        """
        from detente import claims

        if kinds:
            emit(claims.kinds_table(), format)
            return
        c = claims.load_case(case_file if case_file else case)
        s = open_store(store, read_only=True)
        try:
            ids = [x.strip() for x in only.split(",")] if only else None
            ds = [x.strip() for x in dataset.split(",")] if dataset else None
            with working(f"testing {len(ids) if ids else 'the'} claims of {c.name}", quiet):
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
        case_file: CaseFileOpt = None,
        format: FmtOpt = Fmt.table,
    ) -> None:
        """Turn an analyst's prose into candidate claims (actors, polarity, time anchor and window, hedges).

        Examples: `detente extract argument.txt --on 2021-06-01`, `pbpaste | detente extract - --yaml > case.yaml`.
        """
        from detente import extract
        from detente.claims import load_case

        text = extract.read_text(input_path(file), encoding)
        ext = extract.analyse(text, when=day(on))
        for note in ext.notes:
            err.print(note, highlight=False, soft_wrap=True)
        if not ext.claims:
            raise UserError(_no_claims_msg(file, dropped=ext.notes))
        found = ext.claims
        if yaml_out:
            base = load_case(case_file) if case_file else None  # its actors and periods as context
            sys.stdout.write(extract.case_yaml(found, base, name=file.stem))
            return
        if format is Fmt.json:
            sys.stdout.write(to_json(found) + "\n")
            return
        emit([{"id": c["id"], "source": c["source"], "target": c["target"], "polarity": c["polarity"],
               "anchor": c["anchor"]["text"] or "", "window": _window_label(c), "hedged": ", ".join(c["hedges"]),
               "negated": c["negated"], "test": c["hypothesis"]["kind"], "sentence": c["sentence"]} for c in found],
             format)

    @app.command("check")
    @handled
    def check_cmd(
        file: TextArg,
        on: OnOpt = None,
        encoding: EncOpt = None,
        case_file: CaseFileOpt = None,
        report: Annotated[Path | None, typer.Option("--report", help="Also write an HTML report to this file")]
        = None,
        store: StoreOpt = None,
        format: FmtOpt = Fmt.table,
    ) -> None:
        """Extract the claims in a text, test each on the window it speaks of, and print the verdicts.

        Examples: `detente check argument.txt --on 2021-06-01`, `cat notes.txt | detente check - --report r.html`.
        """
        from detente import claims, extract

        text = extract.read_text(input_path(file), encoding)
        base = claims.load_case(case_file) if case_file else None
        s = open_store(store, read_only=True)
        try:
            cov = extract.Coverage(s, base.datasets if base else None)
            ext = extract.analyse(text, when=day(on), data_end=cov.end)
            if not ext.claims:
                for note in ext.notes:
                    err.print(note, highlight=False, soft_wrap=True)
                raise UserError(_no_claims_msg(file, "; nothing to test", ext.notes))
            testable, left_out = cov.split(_distinct(ext.claims))
            if len(testable) > MAX_CHECK:
                left_out.append(f"tested the first {MAX_CHECK} of {len(testable)} distinct claims (bounded time); "
                                f"split the text to test the rest")
                testable = testable[:MAX_CHECK]
            for note in ext.notes + left_out:
                err.print(note, highlight=False, soft_wrap=True)
            if not testable:
                raise UserError(f"{file}: none of the {len(ext.claims)} claims falls inside the store's data "
                                f"(see above); ingest data for those windows or check --on")
            case = extract.load_case_from_dict(extract.case_dict(testable, base, file.stem), file.stem)
            results = claims.evaluate(s, case)
            if report:
                from detente import report as rpt

                rep = rpt.build(s, case=case, results=results)  # the claims just tested, not tested again
                for kind, p in rpt.write(rep, report).items():
                    err.print(f"wrote {kind}: {p}", highlight=False)
        finally:
            s.close()
        by_id = {c["id"]: c for c in ext.claims}
        if format is Fmt.json:
            out = []
            for r in results:
                d = r.as_dict()
                c = by_id.get(r.id)
                if c:
                    d.update({"dyad": _dyad(c), "window": c["window"], "anchor": c["anchor"], "no_data": _no_data(r)})
                out.append(d)
            sys.stdout.write(to_json(out) + "\n")
            return
        rows = []
        for r in results:
            c = by_id.get(r.id)
            row = r.row()
            gone = _no_data(r)
            rows.append({"id": r.id, "dyad": _dyad(c) if c else "", "test": row["kind"],
                         "window": _window_label(c) if c else "", "why": c["window"]["why"] if c else "",
                         "verdict": "no data" if gone else row["verdict"], "effect": row["effect"],
                         "interval": row["interval"], "datasets": gone or row["datasets"], "claim": row["claim"]})
        emit(rows, format, title="check: each claim on the window it speaks of (supported / contradicted / mixed / "
                                 "undecided / insufficient data / no data)")


MAX_CHECK = 200  # claims one `check` run tests


def _distinct(found: list[dict]) -> list[dict]:
    """One claim per distinct test (the same dyad, kind, windows and expectation said twice is tested once)."""
    seen, out = set(), []
    for c in found:
        h = {k: v for k, v in c["hypothesis"].items() if k not in ("id", "claim")}
        key = repr(sorted(h.items()))
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _no_claims_msg(file: Path, then: str = "", dropped: list[str] | None = None) -> str:
    if dropped and any("after the text's date" in n for n in dropped):
        return f"{file}: no claim left to test: every claim's window is after the text's date (see above); check --on"
    return (f"{file}: no claim found: no sentence names two states with a predicate linking them (e.g. 'India "
            f"accused Pakistan of ...'){then}; check the names or rephrase")


def _dyad(c: dict) -> str:
    return f"{c['source']}{'>' if c['directed'] else '-'}{c['target']}"


def _window_label(c: dict) -> str:
    w = c.get("window") or {}
    if w.get("span"):
        return w["span"]
    return f"{w.get('before')} vs {w.get('after')}" if w.get("before") else ""


def _no_data(r) -> str:
    """'gdelt_network: no data for XKX; icews: ...' when no dataset has an estimate for the claim and at least
    one lacks one of its actors (the store has no data for the dyad: never read as an index of 0), else ''."""
    reasons, missing = [], False
    for d, v in r.datasets.items():
        comps = v["components"]
        if any(c.effect is not None for c in comps):
            return ""
        notes = [c.note or "" for c in comps] + list(v.get("notes") or [])
        hit = next((n for n in notes if "has no data for" in n), None)
        missing = missing or hit is not None
        reasons.append(f"{d}: no data for {hit.split('has no data for', 1)[1].strip()}" if hit else
                       f"{d}: {next((n for n in notes if n), 'no estimate')}")
    return "; ".join(reasons) if missing else ""
