"""Dump every event the coder predicts on the benchmark sets, to check that a speed change leaves outputs identical.

Run: python bench/dump_coding.py OUT.jsonl             (write the dump)
     python bench/dump_coding.py NEW.jsonl --diff OLD.jsonl   (write, then count differing records per set)

One JSON line per record: set, id, status, negated, truncated and every event (source, target, code, verb span,
pattern line, kind). Sets: PETR unit tests (PETR.Validate coder), PLOVER GSR (production coder, and the same
coder without detente.actors, as the speed bench times it) and our gold set. ``--diff`` prints the differing
ids only for sets whose records may be read (not the PLOVER holdout half: it prints their count only).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench_coding import EC, GOLD, without_actors  # (this script's folder is on sys.path when run)

from detente import coding
from detente.coding import evaluate


def rows() -> list[dict]:
    prod = coding.load()
    plover = evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json")
    sets = (("petr", coding.validation_coder(EC), evaluate.petrarch_records(EC / "PETR.UnitTest.records.xml")),
            ("plover", prod, plover),
            ("plover_bare", without_actors(prod), plover),
            ("gold", prod, evaluate.gold_records(GOLD)))
    out = []
    for name, coder, recs in sets:
        for k, g in enumerate(recs):
            res = coder.code(g.text, g.when, g.dateline or None)
            out.append({"set": name, "n": k, "id": g.id, "status": res.status, "negated": res.negated,
                        "truncated": res.truncated,
                        "events": [[e.source.code, e.target.code, e.code, list(e.verb), e.pattern_line, e.kind]
                                   for e in res.events]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--diff", type=Path)
    a = ap.parse_args()
    new = rows()
    a.out.write_text("".join(json.dumps(r) + "\n" for r in new), encoding="utf-8")
    if a.diff is None:
        print(f"{len(new)} records -> {a.out}")
        return
    old = {(r["set"], r["n"]): r for r in map(json.loads, a.diff.read_text(encoding="utf-8").splitlines())}
    diffs: dict[str, list[str]] = {}
    for r in new:
        if old.get((r["set"], r["n"])) != r:
            readable = not (r["set"].startswith("plover") and evaluate.plover_half(r["id"]) == "holdout")
            diffs.setdefault(r["set"], []).append(r["id"] if readable else "(holdout)")
    if len(old) != len(new):
        print(f"record count {len(old)} -> {len(new)}")
    for name, ids in diffs.items():
        print(f"{name}: {len(ids)} differ: {', '.join(sorted(set(ids)))[:2000]}")
    print("identical" if not diffs and len(old) == len(new) else "DIFFERENT")


if __name__ == "__main__":
    main()
