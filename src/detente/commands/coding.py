"""`detente code`: code news text into CAMEO/PLOVER events, optionally into the store as dataset `coded`."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from detente.cli import Fmt, StoreOpt, day, emit, err, handled, input_path, open_store
from detente.errors import UserError

OUT_COLS = ("event_id", "date", "source_text", "source_code", "source_actor", "target_text", "target_code",
            "target_actor", "cameo_code", "quad_class", "goldstein", "plover_type", "plover_mode", "verb", "kind",
            "doc_id", "line", "sentence")
# the table view (a terminal): main columns under short headings; csv/json keep every field under its name
TABLE_COLS = {"date": "date", "source_actor": "source", "target_actor": "target", "cameo_code": "cameo",
              "goldstein": "goldstein", "plover_type": "plover", "verb": "verb", "sentence": "sentence"}


def register(app: typer.Typer) -> None:
    @app.command("code")
    @handled
    def code_cmd(
        file: Annotated[Path, typer.Argument(help="Text (one sentence or paragraph a line) or JSONL of "
                                             "{id, date, text, url}; - reads stdin", metavar="FILE")],
        format: Annotated[Fmt, typer.Option("--format", "-f", help="Output format (table: the main columns; csv: every column; json: all fields)")] = Fmt.table,
        on: Annotated[str | None, typer.Option("--on", "--date", help="Date of the text (YYYY-MM-DD); JSONL dates win")
                      ] = None,
        ingest: Annotated[bool, typer.Option("--ingest", help="Store the events as dataset `coded`")] = False,
        statements: Annotated[bool, typer.Option(help="Also code 'X said ...' as X's statement event")] = False,
        article: Annotated[bool, typer.Option(
            "--article", help="The file is one article: title line, blank-line paragraphs, optional dateline "
            "('BAKU, May 2 - ...'); actors without a country take the dateline's, repeated events count once")] = False,
        store: StoreOpt = None,
    ) -> None:
        """Code news sentences into CAMEO events (who did what to whom) with PLOVER types.

        Examples: `detente code news.txt --on 2021-05-12`, `curl -s URL | detente code - --article -f json`.
        """
        from detente import coding

        file = input_path(file, "news text")

        when = day(on)
        coder = coding.with_statements(coding.load()) if statements else coding.load()
        if article:
            try:
                text = file.read_text(encoding="utf-8", errors="replace")
            except OSError as e:
                raise UserError(f"{file}: cannot read ({e.strerror}); give a text file with one article") from None
            rows, summary = coding.code_article(coding.read_article(text, when, file.stem), coder=coder)
        else:
            rows, summary = coding.code_file(file, when=when, coder=coder)
        if ingest:
            undated = sum(1 for r in rows if not r["date"])
            if undated:
                err.print(f"warning: {undated} events have no date and will be quarantined; pass --on "
                          "YYYY-MM-DD or give JSONL with a date field", highlight=False)
            s = open_store(store, build=False)
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / f"{file.stem}.coded.jsonl"
                with out.open("w", encoding="utf-8") as fh:
                    for r in rows:
                        fh.write(json.dumps(r, ensure_ascii=False) + "\n")
                res = s.ingest_file(out, fmt="coded")
            s.close()
            emit([res.as_dict()], Fmt.table if format is Fmt.table else format,
                 title="rows read = stored + quarantined + duplicate")
        elif format is Fmt.json:
            emit(rows, format)
        else:
            cols = TABLE_COLS if format is Fmt.table else {k: k for k in OUT_COLS}
            emit([{h: r.get(k) for k, h in cols.items()} for r in rows], format,
                 title="coded events (-f csv: every column)")
        d = summary.as_dict()
        problems = d.pop("problems")
        err.print("summary: " + ", ".join(f"{k} {v}" for k, v in d.items() if v), highlight=False, soft_wrap=True)
        for p in problems:
            err.print(f"  {p}", highlight=False, soft_wrap=True)
        if summary.lines and not summary.sentences and summary.malformed:
            sys.exit(2)
