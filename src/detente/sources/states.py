"""Correlates of War state system membership (peacesciencer's ``cow_states``): one row per spell.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from detente.sources.base import DatasetInfo, StageContext
from detente.sources.signals_common import Batcher, csv_rows, from_cow, num

__all__: list[str] = []

NAME = "cow_states"
DATASET = DatasetInfo(
    name="cow_states",
    title="Correlates of War State System Membership v2016",
    license="Correlates of War terms of use (free, cite); via peacesciencer (GPL-2)",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    version="2016",
    citation="""@misc{cow2017states,
  title = {State System Membership List, v2016},
  author = {{Correlates of War Project}},
  year = {2017},
  howpublished = {\\url{https://correlatesofwar.org/}}
}""",
)


def sniff(path: Path, head: bytes) -> bool:
    return path.is_file() and path.name.startswith("cow_states")


def _day(y: str, m: str, d: str) -> date:
    return date(int(float(y)), int(float(m)), int(float(d)))


def stage(ctx: StageContext) -> int:
    out = Batcher(ctx)
    read = 0
    for line, r, raw in csv_rows(ctx.path):
        read += 1
        try:
            code = int(num(r["ccode"]) or -1)
            start = _day(r["styear"], r["stmonth"], r["stday"])
            end = _day(r["endyear"], r["endmonth"], r["endday"])
        except (KeyError, ValueError, TypeError):
            ctx.quarantine(line, raw, "ccode or a start/end date field is missing or not a valid date")
            continue
        iso = from_cow(code)
        if iso is None:
            ctx.quarantine(line, raw, f"no ISO3 code for COW code {code} ({r.get('statenme')})")
            continue
        out.add({"kind": "state_member", "actor_a": iso, "year": start.year, "date": start, "end_date": end,
                 "item": str(code), "value": 1.0, "label": r.get("statenme"), "line": line})
    out.flush()
    return read
