"""Bilateral trade by partner: one reporter's exports to and imports from each partner, by month or year.

Two layouts, both CSV with a header, values in thousands of US dollars:

- the generic partner-trade layout (write IMF DOTS or UN Comtrade exports into it): ``reporter, partner, year``,
  optional ``month``, and ``export`` and/or ``import`` columns; reporter and partner are names or codes;
- the Armenian statistics layout (``country, year, month, export, import_origin, import_consignment, date``): the
  reporter is not in the file, so it comes from ``--option reporter=ARM`` or a file name that starts with the
  reporter's code (``arm_trade_country.csv`` -> ARM). Imports are by country of origin; by consignment they would
  credit transit hubs.

Rows in ``signals`` (directed, ``actor_a`` = the reporter): ``trade_export`` (to ``actor_b``) and ``trade_import``
(from ``actor_b``), ``year``, ``date`` = the month's first day (NULL for annual rows), ``item`` = ``YYYY-MM`` or
``YYYY``, ``value`` in thousands of USD. The unit of row accounting is one flow of one line (a line with both an
export and an import column is two records; "rows read" counts records): a record whose partner no country resolves ("Unknown
country", "Channel Islands") or whose value is missing is quarantined with the reason, so records read = stored +
quarantined.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from detente import actors
from detente.sources.base import DatasetInfo, StageContext
from detente.sources.signals_common import Batcher, csv_rows, num

__all__: list[str] = []

NAME = "partner_trade"
ARMSTAT = ("country", "year", "month", "export", "import_origin")
DATASET = DatasetInfo(
    name="partner_trade",
    title="Bilateral trade by partner (reporter's national statistics or IMF DOTS / Comtrade exports)",
    license="as the source: Armenia's series from the Statistical Committee of the Republic of Armenia (armstat)",
    url="https://armstat.am/en/",
    version="armstat monthly foreign trade by partner, 2007-01 .. 2024-12",
    citation="""@misc{armstat2025trade,
  author = {{Statistical Committee of the Republic of Armenia}},
  title = {Foreign Trade of {Armenia} by Partner Country, Monthly},
  year = {2025},
  howpublished = {\\url{https://armstat.am/en/}}
}""",
)


def _header(head: bytes) -> list[str]:
    first = head.decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
    return [c.strip().strip('"').lower() for c in first.split(",")]


def sniff(path: Path, head: bytes) -> bool:
    if not path.is_file():
        return False
    cols = _header(head)
    generic = {"reporter", "partner", "year"} <= set(cols) and ({"export", "import"} & set(cols))
    return bool(generic) or tuple(cols[:5]) == ARMSTAT


@cache
def _country(name: str) -> str | None:
    """ISO3 of a partner name, or the de facto entity's own code (Nagorno-Karabakh -> NKR) when the actor
    dictionary names one: a territory a statistics office lists as a partner is a trade partner."""
    name = name.strip()
    code = actors.iso3(name)
    if code is None:
        a = actors.resolve(name)
        if a is not None and a.sector is None and a.country is not None and a.code == a.country:
            code = a.country
    return code


def _reporter(ctx: StageContext) -> str:
    from detente.errors import UserError

    given = (ctx.options or {}).get("reporter")
    if given:
        code = _country(str(given))
        if not code:
            raise UserError(f"--option reporter={given}: not a country detente knows; use an ISO3 code like ARM")
        return code
    stem = ctx.path.name.split("_", 1)[0]
    code = actors.iso3(stem.upper()) if len(stem) == 3 else None
    if not code:
        raise UserError(f"{ctx.path.name}: the file does not name its reporter; pass --option reporter=ISO3 "
                        "(e.g. ARM), or name the file <iso3>_trade_....csv")
    return code


def stage(ctx: StageContext) -> int:
    out = Batcher(ctx)
    read = 0
    fixed: str | None = None
    for line, r, raw in csv_rows(ctx.path):
        if not r:
            read += 1
            ctx.quarantine(line, raw, "wrong number of columns")
            continue
        r = {k.lstrip("\ufeff").strip().strip('"').lower(): v for k, v in r.items()}
        if "reporter" in r:
            reporter = _country(r["reporter"])
            partner_name = r.get("partner", "")
            flows = [("trade_export", r.get("export")), ("trade_import", r.get("import"))]
            flows = [(k, v) for k, v in flows if k.removeprefix("trade_") in r]
        else:
            fixed = fixed or _reporter(ctx)
            reporter, partner_name = fixed, r.get("country", "")
            flows = [("trade_export", r.get("export")), ("trade_import", r.get("import_origin"))]
        partner = _country(partner_name)
        for kind, v in flows:
            read += 1
            if reporter is None or partner is None:
                who = r.get("reporter") if reporter is None else partner_name
                ctx.quarantine(line, raw, f"{kind}: no ISO3 code for {who!r}")
                continue
            if partner == reporter:
                ctx.quarantine(line, raw, f"{kind}: partner is the reporter itself ({reporter})")
                continue
            try:
                year = int(float(r["year"]))
                month = int(float(r["month"])) if r.get("month") not in (None, "", "NA") else None
                when = date(year, month, 1) if month else None
                value = num(v)
            except ValueError:
                ctx.quarantine(line, raw, f"{kind}: year, month or value is not a number")
                continue
            if value is None:
                ctx.quarantine(line, raw, f"{kind}: no value")
                continue
            item = f"{year:04d}-{month:02d}" if month else f"{year:04d}"
            out.add({"kind": kind, "actor_a": reporter, "actor_b": partner, "year": year, "date": when,
                     "item": item, "value": value, "label": "thousand USD", "line": line})
    out.flush()
    return read
