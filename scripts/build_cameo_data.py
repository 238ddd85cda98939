"""Rebuild src/detente/data/cameo.tsv and icews_event_text.tsv from the shared reference tables.

    python scripts/build_cameo_data.py [SHARED_DATA_DIR]

Inputs (see docs/actors.md for provenance): GDELT's CAMEO.eventcodes.txt and CAMEO.goldsteinscale.txt,
ICEWS's cameo-codes-with-examples.csv (andybega/icews), PLOVER's CAMEO2PLOVER-2021.txt.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "detente" / "data"

# GDELT's names for 101-108 follow an older CAMEO draft and contradict the codes ICEWS (and CAMEO 1.1b3)
# attach to them; for these codes we take ICEWS's names.  GDELT also lacks 1213 (taken from ICEWS, with
# ICEWS's Goldstein value) and has two encoding/typing slips fixed here.
NAME_FROM_ICEWS = {"101", "102", "103", "104", "105", "106", "107", "108", "1213"}
NAME_FIXES = {"044": "Meet at a 'third' location", "033": "Express intent to provide material aid, not specified below"}


def clean(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def short(name: str) -> str:
    """'Consult, not specified below' -> 'Consult'."""
    return re.sub(r",?\s*not spec(ified)? below$", "", clean(name))


def main(shared: Path) -> None:
    cam = shared / "cameo"
    gnames = dict(
        line.rstrip("\n").split("\t") for line in (cam / "CAMEO.eventcodes.txt").read_text("latin-1").splitlines()[1:]
    )
    gold = {
        c: float(v)
        for c, v in (
            line.split("\t") for line in (cam / "CAMEO.goldsteinscale.txt").read_text("latin-1").splitlines()[1:]
        )
    }
    icews: dict[str, dict] = {}
    with (cam / "cameo-codes-with-examples.csv").open(encoding="latin-1") as fh:
        for r in csv.DictReader(fh):
            icews[r["code"]] = r
    plover: dict[str, tuple[str, str, str]] = {}
    for line in (cam / "CAMEO2PLOVER-2021.txt").read_text("utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([^#]*?)\s*(#.*)?$", line)
        if not m:
            continue
        fields = [f.strip() for f in m.group(2).split(",")] + ["", ""]
        # first line wins: the file repeats root 08 (CONCEDE, then RETREAT) and code 175
        plover.setdefault(m.group(1), (fields[0], fields[1], fields[2]))

    codes = sorted(set(gnames) | set(icews), key=lambda c: (c[:2], c))
    rows = []
    for c in codes:
        if c in NAME_FIXES:
            name = NAME_FIXES[c]
        elif c in NAME_FROM_ICEWS or c not in gnames:
            name = clean(icews[c]["name"])
        else:
            name = clean(gnames[c])
        if c in gold:
            g, gsrc = gold[c], "gdelt"
        else:
            g, gsrc = float(icews[c]["goldstein"]), "icews"
        # PLOVER: exact code, else the 3-digit parent, else the root line
        p = plover.get(c) or plover.get(c[:3]) or plover.get(c[:2]) or ("", "", "")
        rows.append([c, name, c[:2], f"{g:g}", gsrc, p[0], p[1], p[2].replace(";", ",")])
    with (OUT / "cameo.tsv").open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["code", "name", "root", "goldstein", "goldstein_source", "plover_type", "plover_mode",
                    "plover_context"])
        w.writerows(rows)

    # ICEWS "Event Text" -> code.  ICEWS's own names first (3-digit codes before their 2-digit roots, since
    # ICEWS writes "Consult" for 040), then GDELT's names shortened as ICEWS does.
    text: dict[str, str] = {}
    for c in sorted(icews, key=lambda c: (len(c) != 3, len(c), c)):
        text.setdefault(clean(icews[c]["name"]).lower(), c)
    for c in sorted(gnames, key=lambda c: (len(c) != 3, len(c), c)):
        if c in NAME_FROM_ICEWS:
            continue  # GDELT's 10x names would collide with ICEWS's ("Demand mediation" is 108 in ICEWS)
        for n in (clean(gnames[c]), short(gnames[c])):
            text.setdefault(n.lower(), c)
    with (OUT / "icews_event_text.tsv").open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["event_text", "code"])
        w.writerows(sorted(text.items()))
    print(f"wrote {len(rows)} CAMEO codes and {len(text)} event texts to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
