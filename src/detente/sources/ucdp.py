"""UCDP/PRIO Armed Conflict Dataset (conflict-years, Gleditsch-Ward codes), via peacesciencer.

Each conflict-year becomes one signal per pair of states on opposite sides (primary and secondary
parties): kind ``armed_conflict``, item = UCDP conflict id, value = intensity (1: 25-999 battle deaths,
2: war, 1,000+), label = incompatibility and type. A conflict-year with no state on side B (an
intrastate conflict against a non-state group) gives one row per side-A state with ``actor_b`` NULL.
Row accounting counts these records, not file lines.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

from pathlib import Path

from detente.sources.base import DatasetInfo, StageContext
from detente.sources.signals_common import Batcher, csv_rows, from_gw, num

__all__: list[str] = []

NAME = "ucdp_acd"
DATASET = DatasetInfo(
    name="ucdp_acd",
    title="UCDP/PRIO Armed Conflict Dataset",
    license="CC BY 4.0 (UCDP); via peacesciencer (GPL-2)",
    url="https://ucdp.uu.se/downloads/",
    version="peacesciencer @fe150a2 (to 2024)",
    citation="""@article{gleditsch2002acd,
  title = {Armed Conflict 1946--2001: A New Dataset},
  author = {Gleditsch, Nils Petter and Wallensteen, Peter and Eriksson, Mikael and Sollenberg, Margareta and Strand, H{\\aa}vard},
  journal = {Journal of Peace Research},
  volume = {39}, number = {5}, pages = {615--637}, year = {2002}
}
@article{davies2024ucdp,
  title = {Organized violence 1989--2023, and the prevalence of organized crime groups},
  author = {Davies, Shawn and Pettersson, Therese and Sollenberg, Margareta and {\\"O}berg, Magnus},
  journal = {Journal of Peace Research},
  volume = {61}, number = {4}, year = {2024}
}""",
)


def sniff(path: Path, head: bytes) -> bool:
    return path.is_file() and path.name.startswith("ucdp_acd")


def _states(*cells: str) -> list[str] | None:
    """ISO3 codes for GW codes in the cells (a cell may list several: '2, 200'); None if one is unknown."""
    out = []
    for cell in cells:
        for part in (cell or "").replace(";", ",").split(","):
            v = num(part)
            if v is None:
                continue
            iso = from_gw(int(v))
            if iso is None:
                return None
            out.append(iso)
    return sorted(set(out))


def stage(ctx: StageContext) -> int:
    """Returns records read: one per state pair of a conflict-year (a quarantined line counts once)."""
    out = Batcher(ctx)
    read = 0
    for line, r, raw in csv_rows(ctx.path):
        read += 1  # a line fans out into len(pairs) records; counted below
        if not r:
            ctx.quarantine(line, raw, "wrong number of columns")
            continue
        year, cid = num(r.get("year")), num(r.get("conflict_id"))
        if year is None or cid is None:
            ctx.quarantine(line, raw, "year or conflict_id missing")
            continue
        side_a = _states(r.get("gwno_a", ""), r.get("gwno_a_2nd", ""))
        side_b = _states(r.get("gwno_b", ""), r.get("gwno_b_2nd", ""))
        if not side_a or side_b is None:
            ctx.quarantine(line, raw, "a Gleditsch-Ward code has no ISO3 equivalent")
            continue
        label = f"{r.get('incompatibility', '')};{r.get('type_of_conflict', '')}"
        pairs = [(a, b) for a in side_a for b in side_b if a != b] or [(a, None) for a in side_a]
        read += len(pairs) - 1
        for a, b in pairs:
            lo, hi = (a, b) if b is None else tuple(sorted((a, b)))
            out.add({"kind": "armed_conflict", "actor_a": lo, "actor_b": hi, "year": int(year),
                     "item": str(int(cid)), "value": num(r.get("intensity_level")), "label": label, "line": line})
    out.flush()
    return read
