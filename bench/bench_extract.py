"""Extraction quality and speed on hand-annotated texts: precision/recall of (source, target, polarity).

    python bench/bench_extract.py [--repeat 5] [--claims STORE.duckdb]

A predicted claim matches an annotation when it comes from the same sentence and has the same actors (in
either order: direction is scored separately) and the same polarity. Reported per text and overall, with
anchor, hedge and negation accuracy on the matched claims, and the median extraction time per text.
With ``--claims``, also times ``claims.evaluate`` of the built-in case (C1-C13) on that store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date
from pathlib import Path

from detente.extract import extract_claims

TEXTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "texts"
WHEN = date(2024, 1, 1)


def score(pred: list[dict], gold: list[dict]) -> dict:
    used: set[int] = set()
    tp = direction = anchor = hedge = neg = 0
    for g in gold:
        for i, p in enumerate(pred):
            if i in used or g["sentence"] not in p["sentence"]:
                continue
            if {p["source"], p["target"]} == {g["source"], g["target"]} and p["polarity"] == g["polarity"]:
                used.add(i)
                tp += 1
                direction += (p["source"], p["target"]) == (g["source"], g["target"])
                anchor += (p["anchor"]["text"] is None) == (g["anchor"] is None)
                hedge += bool(p["hedges"]) == g["hedged"]
                neg += p["negated"] == g["negated"]
                break
    return {"gold": len(gold), "predicted": len(pred), "tp": tp, "direction_ok": direction, "anchor_ok": anchor,
            "hedge_ok": hedge, "negation_ok": neg}


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--claims", type=Path, help="a store: also time evaluating the built-in case on it")
    args = ap.parse_args()
    gold = json.loads((TEXTS / "expected.json").read_text(encoding="utf-8"))
    extract_claims("Iran and Armenia signed a deal.", when=WHEN)  # warm caches (lexicon, actor tables)
    total = {"gold": 0, "predicted": 0, "tp": 0, "direction_ok": 0, "anchor_ok": 0, "hedge_ok": 0, "negation_ok": 0}
    rows = []
    for name, ann in gold.items():
        if name.startswith("_"):
            continue
        text = (TEXTS / name).read_text(encoding="utf-8")
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            pred = extract_claims(text, when=WHEN)
            times.append(time.perf_counter() - t)
        s = score(pred, ann)
        for k in total:
            total[k] += s[k]
        p, r, f = prf(s["tp"], s["predicted"], s["gold"])
        rows.append((name, s, p, r, f, statistics.median(times), len(text.split())))
    print("| text | words | gold | predicted | matched | precision | recall | F1 | median ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, s, p, r, f, t, words in rows:
        print(f"| {name} | {words} | {s['gold']} | {s['predicted']} | {s['tp']} | {p:.2f} | {r:.2f} | {f:.2f} | "
              f"{1000 * t:.1f} |")
    p, r, f = prf(total["tp"], total["predicted"], total["gold"])
    words = sum(x[6] for x in rows)
    ms = sum(x[5] for x in rows) * 1000
    print(f"| **all** | {words} | {total['gold']} | {total['predicted']} | {total['tp']} | {p:.2f} | {r:.2f} | "
          f"{f:.2f} | {ms:.1f} |")
    tp = max(total["tp"], 1)
    print(f"\nOn matched claims: direction {total['direction_ok'] / tp:.2f}, anchor found/absent "
          f"{total['anchor_ok'] / tp:.2f}, hedge {total['hedge_ok'] / tp:.2f}, negation "
          f"{total['negation_ok'] / tp:.2f}; throughput {words / (ms / 1000):.0f} words/s")
    if args.claims:
        bench_claims(args.claims, max(1, args.repeat // 2))


def bench_claims(path: Path, repeat: int) -> None:
    from detente.claims import evaluate, load_case
    from detente.claims.data import Source
    from detente.store import Store

    store = Store(path, read_only=True)
    case = load_case("south_caucasus")
    rows = []
    for B in (500, 2000):
        cold, warm = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            src = Source(store)  # fresh caches: reads every series from DuckDB
            res = evaluate(src, case, bootstrap=B)
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            evaluate(src, case, bootstrap=B)  # series cached: statistics only
            warm.append(time.perf_counter() - t)
        rows.append((B, statistics.median(cold), statistics.median(warm)))
    print("\n| claims.evaluate, built-in case (13 claims, 2 datasets) | bootstrap B | median s (fresh) | "
          "median s (series cached) |\n|---|---|---|---|")
    for B, c, w in rows:
        print(f"| {path.name} | {B} | {c:.2f} | {w:.2f} |")
    print("\nverdicts: " + ", ".join(f"{r.id} {r.verdict}" for r in res))
    store.close()


if __name__ == "__main__":
    main()
