"""ICEWS Coded Event Data in the Harvard Dataverse layout (``events.YYYY.*.tab``: 20 tab-separated
columns with a header: Event ID, Event Date, Source Name, Source Sectors, Source Country, Event Text,
CAMEO Code, Intensity, Target Name, ...). Plain, gzip or single-file zip.

Actors: ``source_text``/``target_text`` keep the ICEWS name ("Military (Azerbaijan)", "Ilham Aliyev");
the store resolves them with ``actors.resolution_rows``. The country column is pre-filled from
"Source Country" so a name the resolver does not know still gets its ISO3 country.
Event IDs repeat in the published files; the store folds repeats into one event (``reports``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa

from detente import cameo
from detente.sources.base import BATCH_ROWS, DatasetInfo, StageContext, open_text

NAME = "icews"
DATASET = DatasetInfo(
    name="icews",
    title="ICEWS Coded Event Data",
    license="Harvard Dataverse terms of use (ICEWS data released for research use)",
    url="https://doi.org/10.7910/DVN/28075",
    version="Dataverse doi:10.7910/DVN/28075",
    citation="""@data{boschee2015icews,
  author = {Boschee, Elizabeth and Lautenschlager, Jennifer and O'Brien, Sean and Shellman, Steve and
            Starz, James and Ward, Michael},
  title = {{ICEWS} Coded Event Data},
  publisher = {Harvard Dataverse},
  year = {2015},
  doi = {10.7910/DVN/28075},
  url = {https://doi.org/10.7910/DVN/28075}
}""",
)
COLUMNS = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number",
    "Publisher", "City", "District", "Province", "Country", "Latitude", "Longitude",
)
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NULLS = {"", "NA", "N/A", "NULL", "null"}
OUT = ("event_id", "date", "source_text", "source_country", "target_text", "target_country", "cameo_code",
       "location", "latitude", "longitude", "line")


def sniff(path: Path, head: bytes) -> bool:
    from detente.sources.icews_quads import _text_head

    first = _text_head(head).split("\n", 1)[0].rstrip("\r").lstrip("\ufeff")
    return first.split("\t")[:3] == list(COLUMNS[:3])


def _v(x: str) -> str | None:
    x = x.strip()
    return None if x in NULLS else x


def _num(x: str) -> float | None:
    try:
        return float(x)
    except ValueError:
        return None


class _Countries:
    """ICEWS country names -> ISO3 through actors.iso3, cached."""

    def __init__(self) -> None:
        self.cache: dict[str, str | None] = {}

    def __call__(self, name: str | None) -> str | None:
        if name is None:
            return None
        if name not in self.cache:
            from detente import actors

            self.cache[name] = actors.iso3(name)
        return self.cache[name]


def lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) split on "\n" only: a stray carriage return inside a row must not make two rows."""
    raw = open_text(path).detach()  # the plain/gzip/zip byte stream, re-wrapped to split on "\n" only
    with io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n") as fh:
        for n, line in enumerate(fh, 1):
            yield n, line.removesuffix("\n").removesuffix("\r")


def stage(ctx: StageContext) -> int:
    rows: dict[str, list] = {c: [] for c in OUT}
    iso = _Countries()
    codes: dict[str, str | None] = {}
    read = 0
    it = lines(ctx.path)
    header = next(it, None)
    if header is None or header[1].lstrip("\ufeff").split("\t") != list(COLUMNS):
        got = header[1][:120] if header else "an empty file"
        raise ValueError(f"expected the ICEWS Dataverse header ({', '.join(COLUMNS[:4])}, ...), found {got!r}")

    def flush() -> None:
        nonlocal rows
        if rows["line"]:
            ctx.append("events", pa.table(rows))
            rows = {c: [] for c in OUT}

    for n, line in it:
        read += 1
        if not line.strip():
            ctx.quarantine(n, line, "blank line")
            continue
        f = line.split("\t")
        if len(f) != len(COLUMNS):
            ctx.quarantine(n, line, f"expected {len(COLUMNS)} tab-separated columns, found {len(f)}")
            continue
        if "\ufffd" in line:
            ctx.quarantine(n, line, "bytes that are not UTF-8")
            continue
        eid, when = _v(f[0]), f[1].strip()
        try:
            day = date.fromisoformat(when) if DATE_RE.match(when) else None
        except ValueError:
            day = None
        if day is None:
            ctx.quarantine(n, line, f"Event Date {when!r} is not YYYY-MM-DD")
            continue
        code = _v(f[6])
        if code is None and _v(f[5]):
            if f[5] not in codes:
                codes[f[5]] = cameo.code_for_event_text(f[5])
            code = codes[f[5]]
        if code is not None and code.isdigit() and len(code) < 3 and not cameo.is_code(code):
            code = code.zfill(3)  # a spreadsheet dropped the leading zero ('40' for '040')
        place = ", ".join(x for x in (_v(f[14]), _v(f[16]), _v(f[17])) if x) or None
        for k, v in zip(OUT, (eid, day, _v(f[2]), iso(_v(f[4])), _v(f[8]), iso(_v(f[10])), code, place,
                             _num(f[18]), _num(f[19]), n), strict=True):
            rows[k].append(v)
        if len(rows["line"]) >= BATCH_ROWS:
            flush()
    flush()
    return read
