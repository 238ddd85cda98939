"""UN General Assembly roll-call votes (Voeten; the `unvotes` R package's tables).

Reads a directory (or either file) holding ``un_votes.csv[.gz]`` (rcid, country, country_code ISO2,
vote) and ``un_roll_calls.csv[.gz]`` (rcid, session, date, ...). One signal row per state and roll
call: kind ``un_vote``, item = ``s<session>/rc<rcid>``, value 1 yes / 0.5 abstain / 0 no.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from detente import actors
from detente.sources.base import DatasetInfo, StageContext
from detente.sources.signals_common import Batcher, csv_rows, from_iso2, num

__all__: list[str] = []

NAME = "unvotes"
READS_DIRECTORIES = True
DATASET = DatasetInfo(
    name="unvotes",
    title="United Nations General Assembly voting data",
    license="CC0 1.0 (Voeten, Harvard Dataverse); unvotes R package MIT",
    url="https://doi.org/10.7910/DVN/LEJUQZ",
    version="unvotes@7eb7034 (sessions 1-74, to 2020-01-14)",
    citation="""@incollection{voeten2013unvotes,
  title = {Data and Analyses of Voting in the {United Nations General Assembly}},
  author = {Voeten, Erik},
  booktitle = {Routledge Handbook of International Organization},
  editor = {Reinalda, Bob},
  publisher = {Routledge},
  year = {2013},
  note = {Data: Harvard Dataverse, hdl:1902.1/12379}
}""",
)
VOTES = {"yes": 1.0, "abstain": 0.5, "no": 0.0}
# Names whose ISO2 is missing or unreadable in the file ("NA" is Namibia's code, read as missing), and
# dissolved states, which keep their retired ISO 3166-3 codes. Zanzibar (2 votes in 1964) stays quarantined.
HISTORICAL = {
    "Federal Republic of Germany": "DEU", "Yemen Arab Republic": "YEM", "Namibia": "NAM",
    "Czechoslovakia": "CSK", "Yemen People's Republic": "YMD", "German Democratic Republic": "DDR",
    "Yugoslavia": "YUG",
}


def _files(path: Path) -> tuple[Path, Path]:
    folder = path if path.is_dir() else path.parent
    found = {}
    for stem in ("un_votes", "un_roll_calls"):
        for suffix in (".csv.gz", ".csv"):
            if (folder / f"{stem}{suffix}").exists():
                found[stem] = folder / f"{stem}{suffix}"
                break
        else:
            raise FileNotFoundError(f"{folder}: missing {stem}.csv(.gz); the UN votes reader needs both tables")
    return found["un_votes"], found["un_roll_calls"]


def sniff(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return any(path.glob("un_votes.csv*"))
    return path.name.startswith("un_votes.csv")


def stage(ctx: StageContext) -> int:
    votes, calls = _files(ctx.path)
    when: dict[str, tuple[date | None, int | None]] = {}
    for _, r, _ in csv_rows(calls):
        if r:
            d = date.fromisoformat(r["date"]) if r.get("date") not in (None, "", "NA") else None
            s = num(r.get("session"))
            when[str(int(float(r["rcid"])))] = (d, int(s) if s is not None else None)
    out = Batcher(ctx)
    read = 0
    for line, r, raw in csv_rows(votes):
        read += 1
        if not r:
            ctx.quarantine(line, raw, "wrong number of columns")
            continue
        rcid = str(int(float(r["rcid"])))
        iso = HISTORICAL.get(r["country"]) or from_iso2(r["country_code"]) or actors.iso3(r["country"])
        if iso is None:
            ctx.quarantine(line, raw, f"no ISO3 code for {r['country']!r}")
            continue
        if r["vote"] not in VOTES:
            ctx.quarantine(line, raw, f"vote {r['vote']!r} is not yes/abstain/no")
            continue
        d, session = when.get(rcid, (None, None))
        if d is None:
            ctx.quarantine(line, raw, f"roll call {rcid} has no date in {calls.name}")
            continue
        out.add({"kind": "un_vote", "actor_a": iso, "year": d.year, "date": d, "item": f"s{session}/rc{rcid}",
                 "value": VOTES[r["vote"]], "label": r["vote"], "line": line})
    out.flush()
    return read
