"""SIPRI Arms Transfers Database, trade register CSV (one row per deal: recipient, supplier, order year, weapon,
numbers ordered and delivered, delivery years, TIV per unit / total order / delivered).

One ``signals`` row per deal (directed: ``actor_a`` = supplier, ``actor_b`` = recipient), kind ``arms_transfer``:
``year`` = year of order, ``value`` = SIPRI TIV of the weapons delivered so far (millions of trend-indicator
values; NULL when nothing is delivered yet), ``date`` / ``end_date`` = 1 January of the first and 31 December of
the last delivery year, ``label`` = what was ordered and the TIV of the whole order, ``item`` = ``L<line>:<designation>``
(the register has no deal id; the line keeps two identical deals apart). The register gives delivery years but no
per-year split, so :func:`detente.alignment.arms_by_year` spreads a deal's delivered TIV evenly over its delivery
span: an approximation for one year, exact for sums over a deal.

SIPRI marks non-state recipients with ``*`` and international organisations with ``**``; those deals, unknown
parties (``unknown recipient(s)``) and names no country resolves are quarantined with the reason, so rows read =
stored + quarantined. A value marked ``?`` (SIPRI's uncertainty flag) is read as the number beside it.

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

NAME = "sipri_arms"
HEADER = ("Recipient", "Supplier", "Year of order")
DATASET = DatasetInfo(
    name="sipri_arms",
    title="SIPRI Arms Transfers Database, trade register",
    license="SIPRI: free use with attribution (cite the SIPRI Arms Transfers Database)",
    url="https://www.sipri.org/databases/armstransfers",
    version="trade register, orders to 2024",
    citation="""@misc{sipri2025arms,
  author = {{Stockholm International Peace Research Institute}},
  title = {{SIPRI} Arms Transfers Database},
  year = {2025},
  howpublished = {\\url{https://www.sipri.org/databases/armstransfers}},
  note = {Trade register; values in SIPRI trend-indicator values (TIV)}
}""",
)


def sniff(path: Path, head: bytes) -> bool:
    first = head.decode("utf-8", "replace").lstrip("\ufeff").split("\n", 1)[0]
    return path.is_file() and first.startswith(",".join(HEADER))


@cache
def _party(name: str) -> tuple[str | None, str | None]:
    """(ISO3, None) or (None, why it cannot be a state code)."""
    n = name.strip()
    if n.endswith("**"):
        return None, f"{n!r} is an international organisation (SIPRI '**')"
    if n.endswith("*"):
        return None, f"{n!r} is a non-state actor (SIPRI '*')"
    if not n or n.lower().startswith("unknown"):
        return None, f"party unknown ({n!r})"
    code = actors.iso3(n)
    return (code, None) if code else (None, f"no ISO3 code for {n!r}")


def _years(text: str) -> list[int]:
    out = []
    for part in text.replace(",", ";").split(";"):
        part = part.strip().rstrip("?")
        if part.isdigit() and len(part) == 4:
            out.append(int(part))
    return out


def stage(ctx: StageContext) -> int:
    out = Batcher(ctx)
    read = 0
    for line, r, raw in csv_rows(ctx.path):
        read += 1
        if not r:
            ctx.quarantine(line, raw, "wrong number of columns")
            continue
        r = {k.lstrip("\ufeff"): v for k, v in r.items()}
        supplier, why_s = _party(r["Supplier"])
        recipient, why_r = _party(r["Recipient"])
        if supplier is None or recipient is None:
            ctx.quarantine(line, raw, f"supplier {why_s}" if supplier is None else f"recipient {why_r}")
            continue
        try:
            year = int(r["Year of order"].strip().rstrip("?"))
            tiv_order = num(r.get("SIPRI TIV for total order"))
            tiv_delivered = num(r.get("SIPRI TIV of delivered weapons"))
        except ValueError:
            ctx.quarantine(line, raw, "year of order or a TIV value is not a number")
            continue
        if supplier == recipient:
            ctx.quarantine(line, raw, f"supplier and recipient are both {supplier} (a transfer within one state)")
            continue
        design = r.get("Weapon designation", "").strip()
        what = f"{r.get('Number ordered', '').strip() or '?'} {r.get('Weapon description', '').strip()}".strip()
        years = _years(r.get("Year(s) of delivery", ""))
        label = f"{what}; order TIV {tiv_order:g}" if tiv_order is not None else what
        out.add({"kind": "arms_transfer", "actor_a": supplier, "actor_b": recipient, "year": year,
                 "date": date(min(years), 1, 1) if years else None,
                 "end_date": date(max(years), 12, 31) if years else None,
                 "item": f"L{line}:{design}", "value": tiv_delivered if years else None, "label": label,
                 "line": line})
    out.flush()
    return read
