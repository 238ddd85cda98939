"""Event coding benchmark: accuracy on the PETRARCH unit-test and PLOVER gold records, and speed.

Run: python bench/bench_coding.py [--repeats 5]   (prints a Markdown table for docs/benchmarks.md)
Speed is sentences per second on one core (this process), median of the repeats, dictionaries
loaded and indexes warm (one untimed pass first).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from pathlib import Path

from detente import coding
from detente.coding import evaluate

EC = Path(__file__).resolve().parents[2] / "shared" / "data" / "event-coding"


def speed(coder, records, repeats: int) -> float:
    for g in records:
        coder.code(g.text, g.when)
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for g in records:
            coder.code(g.text, g.when)
        rates.append(len(records) / (time.perf_counter() - t0))
    return statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    t0 = time.perf_counter()
    prod = coding.load()
    load_s = time.perf_counter() - t0
    valid = coding.validation_coder(EC)
    petr = evaluate.petrarch_records(EC / "PETR.UnitTest.records.xml")
    plov = evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json")
    rows = [
        ("PETRARCH unit tests (PETR.Validate dictionaries)", evaluate.score_petrarch(valid, petr).as_dict(),
         speed(valid, petr, a.repeats), None),
        ("PLOVER GSR (Phoenix + CAMEO verbs + detente.actors)", evaluate.score_plover(prod, plov).as_dict(),
         speed(prod, plov, a.repeats), None),
    ]
    bare = copy.copy(prod)
    bare.external = None
    rows[1] = (*rows[1][:3], speed(bare, plov, a.repeats))
    print(f"dictionary load (Phoenix actors+agents, CAMEO verb patterns, detente.actors): {load_s:.2f} s\n")
    print("| gold set | sentences | gold events | predicted | exact code | root code | source | target | "
          "precision | recall | sentences/s | sentences/s without detente.actors |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name, s, sp, sp_bare in rows:
        print(f"| {name} | {s['sentences']} | {s['gold_events']} | {s['predicted_events']} | "
              f"{s['exact_code_accuracy']:.3f} | {s['root_code_accuracy']:.3f} | {s['source_accuracy']:.3f} | "
              f"{s['target_accuracy']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {sp:,.0f} | "
              f"{'' if sp_bare is None else f'{sp_bare:,.0f}'} |")


if __name__ == "__main__":
    main()
