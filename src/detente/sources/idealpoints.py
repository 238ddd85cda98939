"""UN General Assembly ideal points per country-year (Bailey, Strezhnev and Voeten 2017), the Stata file of the
July 2025 release (``IdealpointsJuly2025.dta``; a CSV with the same columns reads too).

One ``signals`` row per country-year: kind ``ideal_point``, ``actor_a`` = the state (``iso3c``, else its COW
``ccode``), ``year``, ``value`` = ``idealpointall`` (all resolutions), ``label`` = the vote count and the 5-95 %
interval of the estimate. Ideal points reach 2023 while the bundled roll calls stop in January 2020, so they carry
post-war alignment; the distance of two states' points is a dyad-year measure (``alignment.ideal_distance``).
Country-years without an estimate (the release's empty 2024 rows) and states with no code are quarantined with
the reason.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

import math
from pathlib import Path

from detente import actors
from detente.sources.base import DatasetInfo, StageContext
from detente.sources.signals_common import Batcher, from_cow

__all__: list[str] = []

NAME = "un_idealpoints"
DATASET = DatasetInfo(
    name="un_idealpoints",
    title="United Nations General Assembly ideal points (Bailey, Strezhnev and Voeten)",
    license="CC0 1.0 (Harvard Dataverse)",
    url="https://doi.org/10.7910/DVN/LEJUQZ",
    version="July 2025 release, 1946-2023",
    citation="""@article{bailey2017idealpoints,
  author = {Bailey, Michael A. and Strezhnev, Anton and Voeten, Erik},
  title = {Estimating Dynamic State Preferences from {United Nations} Voting Data},
  journal = {Journal of Conflict Resolution}, volume = {61}, number = {2}, pages = {430--456}, year = {2017}
}""",
)


def sniff(path: Path, head: bytes) -> bool:
    if not path.is_file():
        return False
    if path.suffix.lower() == ".dta":
        return b"idealpointall" in head or path.name.lower().startswith("idealpoints")
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"ccode,iso3c,")


def _frame(path: Path):
    import pandas as pd

    from detente.errors import UserError

    try:
        if path.suffix.lower() == ".dta":
            return pd.read_stata(path, convert_categoricals=False)
        return pd.read_csv(path)
    except (ValueError, OSError) as e:
        raise UserError(f"{path.name}: not a readable ideal-point file ({str(e).splitlines()[0]}); "
                        "expected the Stata .dta of the Voeten release or a CSV with its columns") from e


def stage(ctx: StageContext) -> int:
    df = _frame(ctx.path)
    missing = {"ccode", "year", "idealpointall"} - set(df.columns)
    if missing:
        from detente.errors import UserError

        raise UserError(f"{ctx.path.name}: missing column(s) {', '.join(sorted(missing))}; expected the Voeten "
                        "ideal-point release (ccode, iso3c, year, idealpointall, nvotesall, q5all, q95all)")
    out = Batcher(ctx)
    cols = list(df.columns)
    for line, rec in enumerate(df.itertuples(index=False), start=2):  # line 1 = the header (of the CSV form)
        r = dict(zip(cols, rec, strict=True))
        raw = ",".join("" if v is None else str(v) for v in rec)
        iso = str(r.get("iso3c") or "").strip()
        code = actors.iso3(iso) if iso and iso.lower() != "nan" else None
        if code is None and r.get("ccode") is not None and not _nan(r["ccode"]):
            code = from_cow(int(r["ccode"]))
        if code is None:
            ctx.quarantine(line, raw, f"no ISO3 code for {r.get('countryname')!r} (COW {r.get('ccode')})")
            continue
        if _nan(r.get("year")) or _nan(r.get("idealpointall")):
            year = "?" if _nan(r.get("year")) else int(r["year"])
            ctx.quarantine(line, raw, f"no ideal point for {code} in {year}")
            continue
        lo, hi, n = r.get("q5all"), r.get("q95all"), r.get("nvotesall")
        label = f"votes={int(n) if not _nan(n) else '?'}"
        if not _nan(lo) and not _nan(hi):
            label += f"; q5-q95 {float(lo):.3f}..{float(hi):.3f}"
        out.add({"kind": "ideal_point", "actor_a": code, "year": int(r["year"]), "item": "idealpointall",
                 "value": float(r["idealpointall"]), "label": label, "line": line})
    out.flush()
    return len(df)


def _nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))
