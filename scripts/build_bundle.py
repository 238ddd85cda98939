"""Build the bundled South Caucasus data (Parquet) from the shared real data.

    python scripts/build_bundle.py [--shared ../shared/data] [--out src/detente/cases/south_caucasus/bundle]
    python scripts/build_bundle.py --add sipri_arms partner_trade un_idealpoints   # ingest only these formats
                                                                                  # into the existing bundle

Every input goes through the ordinary readers and `Store.ingest`, so the bundle holds exactly what a
user's own ingest of the same files would store (quarantined rows included, with their reasons).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from detente.bundle import BUNDLED_TABLES
from detente.store import Store

INPUTS = [  # (path below shared/data, format)
    ("icews-2021-2022/ICEWS21", "icews_quads"),
    ("icews-2021-2022/ICEWS22", "icews_quads"),
    ("unvotes", "unvotes"),
    ("peacesciencer/atop_alliance.csv.gz", "atop"),
    ("peacesciencer/cow_alliance.csv.gz", "cow_alliance"),
    ("peacesciencer/ucdp_acd.csv.gz", "ucdp_acd"),
    ("peacesciencer/cow_states.csv.gz", "cow_states"),
    ("gdelt-daily-network/networks", "gdelt_network"),
    ("sipri-arms/trade-register.csv", "sipri_arms"),
    ("armenia-trade/arm_trade_country.csv", "partner_trade"),
    ("un-idealpoints/IdealpointsJuly2025.dta", "un_idealpoints"),
]
ORDER = {"events": "dataset, date, event_id", "dyad_days": "dataset, actor_a, actor_b, date",
         "signals": "dataset, kind, actor_a, actor_b, year", "quarantine": "dataset, file, line"}


def main() -> int:
    root = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=root.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=root / "src/detente/cases/south_caucasus/bundle")
    ap.add_argument("--add", nargs="+", metavar="FORMAT",
                    help="load the existing bundle and ingest only the inputs of these formats (other tables' "
                         "Parquet files are left byte for byte as they are)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bundle.duckdb")
        inputs = INPUTS
        if args.add:
            from detente.bundle import load_into

            load_into(store, progress=False)
            inputs = [(rel, fmt) for rel, fmt in INPUTS if fmt in args.add]
        for rel, fmt in inputs:
            t = time.perf_counter()
            res = store.ingest([args.shared / rel], fmt=fmt)
            print(f"{rel}: {len(res)} files, {sum(r.rows_stored for r in res):,} stored, "
                  f"{sum(r.rows_quarantined for r in res):,} quarantined, "
                  f"{sum(r.rows_duplicate for r in res):,} duplicates ({time.perf_counter() - t:.1f} s)", flush=True)
        rows, sums = {}, {}
        old = json.loads((args.out / "MANIFEST.json").read_text()) if args.add else {}
        touched = {"signals", "datasets", "files", "quarantine"} if args.add else set(BUNDLED_TABLES)
        for table in BUNDLED_TABLES:
            f = args.out / f"{table}.parquet"
            if table not in touched:
                rows[table] = old["rows"][table]
                sums[table] = old["sha256"][table]
                continue
            order = f" ORDER BY {ORDER[table]}" if table in ORDER else ""
            store.con.execute(
                f"COPY (SELECT * FROM {table}{order}) TO '{f}' (FORMAT parquet, COMPRESSION zstd, "
                f"COMPRESSION_LEVEL 19, ROW_GROUP_SIZE 200000)"
            )
            rows[table] = store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            sums[table] = hashlib.sha256(f.read_bytes()).hexdigest()
        store.close()
    (args.out / "MANIFEST.json").write_text(json.dumps({
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python scripts/build_bundle.py",
        "inputs": [{"path": f"shared/data/{rel}", "format": fmt} for rel, fmt in INPUTS],
        "rows": rows,
        "sha256": sums,
    }, indent=2) + "\n")
    size = sum(p.stat().st_size for p in args.out.glob("*.parquet"))
    print(f"bundle: {size / 1e6:.1f} MB in {args.out} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
