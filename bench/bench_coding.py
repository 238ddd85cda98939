"""Event coding benchmark: accuracy on the PETRARCH unit-test records, the PLOVER gold records and our own gold
set (tests/fixtures/coding_gold.jsonl: tune, holdout, fresh and second fresh halves), and speed.

Run: python bench/bench_coding.py [--repeats 5]   (prints Markdown tables for docs/benchmarks.md)
     python bench/bench_coding.py --speed-only      (the speed table only: scores nothing, so the PLOVER holdout
                                                     half is not scored again; to time another tree with the
                                                     same loop: PYTHONPATH=<its git archive>/src python ...)

Speed is sentences per second on one core (this process), median of the repeats, dictionaries loaded and
indexes warm (one untimed pass first). Two clocks: wall time, and this process's CPU time
(``time.process_time``), which is what one core delivers when other jobs share the machine; the load
average is printed with the figures.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import time
from pathlib import Path

from detente import coding
from detente.coding import evaluate

ROOT = Path(__file__).resolve().parents[1]
EC = ROOT.parent / "shared" / "data" / "event-coding"
GOLD = ROOT / "tests" / "fixtures" / "coding_gold.jsonl"


def without_actors(prod: coding.Coder) -> coding.Coder:
    """The production coder without detente.actors (the third speed row; bench/dump_coding.py's 'plover_bare')."""
    bare = copy.copy(prod)
    bare.external = None
    return bare


def speed(coder, records, repeats: int) -> tuple[float, float]:
    """(median sentences/s of wall time, median sentences/s of process CPU time)."""
    for g in records:
        coder.code(g.text, g.when)
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        for g in records:
            coder.code(g.text, g.when)
        wall.append(len(records) / (time.perf_counter() - t0))
        cpu.append(len(records) / (time.process_time() - c0))
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--speed-only", action="store_true", help="time the coders, score nothing")
    a = ap.parse_args()
    t0 = time.perf_counter()
    prod = coding.load()
    load_s = time.perf_counter() - t0
    valid = coding.validation_coder(EC)
    petr = evaluate.petrarch_records(EC / "PETR.UnitTest.records.xml")
    plov = evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json")
    print(f"dictionary load (Phoenix actors+agents, CAMEO verb patterns, detente.actors): {load_s:.2f} s; "
          f"load average {os.getloadavg()[0]:.1f}\n")
    if not a.speed_only:
        accuracy(prod, valid, petr, plov)
    bare = without_actors(prod)
    print(f"\nspeed, median of {a.repeats} (sentences/s on one core):\n")
    print("| records | coder | wall clock | CPU time of the process |")
    print("|---|---|---|---|")
    for name, coder, recs in (("PETRARCH unit tests", valid, petr), ("PLOVER GSR", prod, plov),
                              ("PLOVER GSR", bare, plov)):
        w, c = speed(coder, recs, a.repeats)
        label = "without detente.actors" if coder is bare else ("PETR.Validate" if coder is valid else "production")
        print(f"| {name} | {label} | {w:,.0f} | {c:,.0f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


def accuracy(prod: coding.Coder, valid: coding.Coder, petr: list, plov: list) -> None:
    """Print the accuracy table: every set scored by its coder."""
    plov_strict = evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json", strict=True)
    rows = [
        ("PETRARCH unit tests (PETR.Validate dictionaries)", evaluate.score_petrarch(valid, petr)),
        ("PLOVER GSR* (Phoenix + CAMEO verbs + detente.actors)", evaluate.score_plover(prod, plov)),
        ("PLOVER GSR*, tune half (odd ids)", evaluate.score_plover(prod, evaluate.plover_records(
            EC / "PLOVER_GSR_CAMEO.json", half="tune"))),
        ("PLOVER GSR*, holdout half (even ids)", evaluate.score_plover(prod, evaluate.plover_records(
            EC / "PLOVER_GSR_CAMEO.json", half="holdout"))),
        ("PLOVER GSR, strict old scoring**", evaluate.score_plover(prod, plov_strict, strict=True)),
        ("detente gold set, tune half", evaluate.score_gold(prod, evaluate.gold_records(GOLD, "tune"))),
        ("detente gold set, holdout half", evaluate.score_gold(prod, evaluate.gold_records(GOLD, "holdout"))),
        ("detente gold set, fresh half (written after the rules)", evaluate.score_gold(
            prod, evaluate.gold_records(GOLD, "fresh"))),
        ("detente gold set, second fresh half (written before session 7's second-round changes)", evaluate.score_gold(
            prod, evaluate.gold_records(GOLD, "fresh2"))),
        ("detente gold set, G001-G183 (tune + holdout + fresh)", evaluate.score_gold(
            prod, evaluate.gold_records(GOLD, ("tune", "holdout", "fresh")))),
        ("detente gold set, all", evaluate.score_gold(prod, evaluate.gold_records(GOLD))),
    ]
    print("| gold set | sentences | gold events | predicted | exact code | root code | source | target | "
          "precision | recall | no-event left empty |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, sc in rows:
        s = sc.as_dict()
        empty = "" if s["no_event_left_empty"] is None else f"{s['no_event_left_empty']:.2f} of {s['no_event_sentences']}"
        print(f"| {name} | {s['sentences']} | {s['gold_events']} | {s['predicted_events']} | "
              f"{s['exact_code_accuracy']:.3f} | {s['root_code_accuracy']:.3f} | {s['source_accuracy']:.3f} | "
              f"{s['target_accuracy']:.3f} | {s['precision']:.3f} | {s['recall']:.3f} | {empty} |")


if __name__ == "__main__":
    main()
