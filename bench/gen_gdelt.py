"""Generate big GDELT event files from the real GDELT 1.0 rows in ``shared/data/gdelt1-georgia``.

- ``gdelt1``: the real rows repeated ``--copies`` times with fresh GLOBALEVENTIDs, written in the real
  daily-file layout (58 tab-separated fields, no header), optionally zipped like ``YYYYMMDD.export.CSV.zip``.
- ``gdelt2``: rows in the GDELT 2.0 layout (61 fields: ADM2 codes added, DATEADDED as YYYYMMDDHHMMSS),
  drawn with replacement from the real rows (seeded), so codes, actors, dates and places keep the real
  distributions; ADM2 codes are derived from the ADM1 code and the feature id, DATEADDED gets a seeded
  15-minute slot.

    python bench/gen_gdelt.py gdelt1 --rows 2000000 --out bench/out/gdelt1_2M.export.CSV
    python bench/gen_gdelt.py gdelt2 --rows 2000000 --out bench/out/gdelt2_2M.export.CSV
"""

from __future__ import annotations

import argparse
import shutil
import zipfile
from pathlib import Path

import duckdb

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "gdelt1-georgia"

ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
         "Type1Code", "Type2Code", "Type3Code"]
EVENT = ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
         "NumMentions", "NumSources", "NumArticles", "AvgTone"]
GEO1 = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
GEO2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]
HEAD = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]


def gdelt1_columns() -> list[str]:
    return [*HEAD, *(f"Actor1{c}" for c in ACTOR), *(f"Actor2{c}" for c in ACTOR), *EVENT,
            *(f"{g}Geo_{c}" for g in ("Actor1", "Actor2", "Action") for c in GEO1), "DATEADDED", "SOURCEURL"]


def gdelt2_columns() -> list[str]:
    return [*HEAD, *(f"Actor1{c}" for c in ACTOR), *(f"Actor2{c}" for c in ACTOR), *EVENT,
            *(f"{g}Geo_{c}" for g in ("Actor1", "Actor2", "Action") for c in GEO2), "DATEADDED", "SOURCEURL"]


def _real(con: duckdb.DuckDBPyConnection) -> None:
    src = sorted(REAL.glob("*.csv.gz"))
    if not src:
        raise SystemExit(f"no real GDELT rows under {REAL}")
    con.execute(
        f"CREATE TEMP TABLE real AS SELECT * EXCLUDE (month), row_number() OVER () AS rid "
        f"FROM read_csv('{src[0]}', all_varchar=true, header=true)"
    )


def _copy(con: duckdb.DuckDBPyConnection, select: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    plain = out.with_suffix("") if out.suffix == ".zip" else out
    con.execute(f"COPY ({select}) TO '{plain}' (DELIMITER '\t', HEADER false, QUOTE '', ESCAPE '')")
    if out.suffix == ".zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf, \
                plain.open("rb") as src, zf.open(plain.name, "w", force_zip64=True) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        plain.unlink()


def gen_gdelt1(rows: int, out: Path, start_id: int = 900_000_000) -> None:
    """The real rows, repeated until ``rows``, GLOBALEVENTID = start_id + row number (fresh, unique)."""
    con = duckdb.connect()
    _real(con)
    n = con.execute("SELECT count(*) FROM real").fetchone()[0]
    copies = -(-rows // n)
    cols = gdelt1_columns()
    sel = ", ".join(
        f"CAST({start_id} + k * {n} + rid AS VARCHAR)" if c == "GLOBALEVENTID" else f'"{c}"' for c in cols
    )
    _copy(con, f"SELECT {sel} FROM range({copies}) r(k), real ORDER BY k, rid LIMIT {rows}", out)


def gen_gdelt2(rows: int, out: Path, seed: int = 7, start_id: int = 1_000_000_000) -> None:
    """Rows in the 2.0 layout drawn (seeded, with replacement) from the real rows."""
    con = duckdb.connect()
    _real(con)
    con.execute(f"SELECT setseed({seed / 1000})")
    n = con.execute("SELECT count(*) FROM real").fetchone()[0]
    exprs = []
    for c in gdelt2_columns():
        if c == "GLOBALEVENTID":
            exprs.append(f"CAST({start_id} + i AS VARCHAR)")
        elif c.endswith("ADM2Code"):
            g = c.split("Geo_")[0]
            exprs.append(
                f"CASE WHEN {g}Geo_ADM1Code IS NULL THEN NULL "
                f"ELSE {g}Geo_ADM1Code || CAST(abs(hash({g}Geo_FeatureID)) % 100 AS VARCHAR) END"
            )
        elif c == "DATEADDED":  # the event's day plus a 15-minute slot
            exprs.append("SQLDATE || lpad(CAST((i * 7919) % 96 // 4 AS VARCHAR), 2, '0') "
                         "|| lpad(CAST((i * 7919) % 4 * 15 AS VARCHAR), 2, '0') || '00'")
        else:
            exprs.append(f'"{c}"')
    draw = f"SELECT i, 1 + CAST(floor(random() * {n}) AS BIGINT) AS rid FROM range({rows}) t(i)"
    _copy(con, f"SELECT {', '.join(exprs)} FROM ({draw}) d JOIN real USING (rid) ORDER BY i", out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("layout", choices=["gdelt1", "gdelt2"])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--out", type=Path, required=True, help="output file; a .zip suffix zips it")
    a = ap.parse_args()
    (gen_gdelt1 if a.layout == "gdelt1" else gen_gdelt2)(a.rows, a.out)
    print(a.out)


if __name__ == "__main__":
    main()
