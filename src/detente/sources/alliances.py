"""Alliance dyad-years: ATOP 5.1 and COW formal alliances (peacesciencer's tables, COW state codes).

One undirected signal per dyad-year (``actor_a < actor_b``): kind ``alliance``, value 1, label = the
alliance types in force (e.g. ``defense,nonagg,consul``). Caveat worth knowing: ATOP codes an AZE-ARM
defense pact in 2018 (the CIS-era treaty), so alliance data alone mislabels that dyad.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from detente.sources.base import DatasetInfo, StageContext
from detente.sources.signals_common import Batcher, csv_rows, from_cow, num

__all__: list[str] = []


@dataclass(frozen=True)
class AllianceReader:
    NAME: str
    DATASET: DatasetInfo
    prefix: str  # column prefix in the file: atop_ or cow_
    stem: str  # file name stem

    def sniff(self, path: Path, head: bytes) -> bool:
        return path.is_file() and path.name.startswith(self.stem)

    def stage(self, ctx: StageContext) -> int:
        out = Batcher(ctx)
        read = 0
        for line, r, raw in csv_rows(ctx.path):
            read += 1
            if not r:
                ctx.quarantine(line, raw, "wrong number of columns")
                continue
            try:
                c1, c2, year = int(float(r["ccode1"])), int(float(r["ccode2"])), int(float(r["year"]))
            except (KeyError, ValueError):
                ctx.quarantine(line, raw, "ccode1, ccode2 or year is not a number")
                continue
            a, b = from_cow(c1), from_cow(c2)
            if a is None or b is None:
                ctx.quarantine(line, raw, f"no ISO3 code for COW code {c1 if a is None else c2}")
                continue
            types = [k.removeprefix(self.prefix) for k, v in r.items() if k.startswith(self.prefix) and num(v)]
            lo, hi = sorted((a, b))
            out.add({"kind": "alliance", "actor_a": lo, "actor_b": hi, "year": year, "item": self.NAME,
                     "value": 1.0, "label": ",".join(types), "line": line})
        out.flush()
        return read


ATOP = AllianceReader(
    "atop",
    DatasetInfo(
        name="atop",
        title="Alliance Treaty Obligations and Provisions (ATOP) 5.1, dyad-years",
        license="ATOP terms of use (free for research, cite); via peacesciencer (GPL-2)",
        url="http://www.atopdata.org/",
        version="5.1 (peacesciencer @fe150a2)",
        citation="""@article{leeds2002atop,
  title = {Alliance Treaty Obligations and Provisions, 1815--1944},
  author = {Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin and Long, Andrew G.},
  journal = {International Interactions},
  volume = {28}, number = {3}, pages = {237--260}, year = {2002}
}
@article{miller2022peacesciencer,
  title = {peacesciencer: An {R} Package for Quantitative Peace Science Research},
  author = {Miller, Steven V.},
  journal = {Conflict Management and Peace Science},
  volume = {39}, number = {6}, pages = {755--779}, year = {2022}
}""",
    ),
    "atop_",
    "atop_alliance",
)
COW = AllianceReader(
    "cow_alliance",
    DatasetInfo(
        name="cow_alliance",
        title="Correlates of War Formal Alliances v4.1, dyad-years",
        license="Correlates of War terms of use (free, cite); via peacesciencer (GPL-2)",
        url="https://correlatesofwar.org/data-sets/formal-alliances/",
        version="4.1 (peacesciencer @fe150a2)",
        citation="""@book{gibler2009alliances,
  title = {International Military Alliances, 1648--2008},
  author = {Gibler, Douglas M.},
  publisher = {CQ Press},
  year = {2009}
}""",
    ),
    "cow_",
    "cow_alliance",
)
READERS = {"atop": ATOP, "cow_alliance": COW}
NAME, DATASET, sniff, stage = ATOP.NAME, ATOP.DATASET, ATOP.sniff, ATOP.stage
