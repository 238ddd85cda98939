"""Extraction quality and speed on hand-annotated texts we wrote: precision/recall of (actor pair, polarity).

    python bench/bench_extract.py [--repeat 3] [--split dev|heldout|all] [--errors] [--claims STORE.duckdb]
    python bench/bench_extract.py --baseline OLD_extract.py --baseline-lexicon OLD_polarity.tsv

``--baseline`` scores another extractor module (e.g. the previous one: ``git show 32ed73d:src/detente/extract.py``
and ``git show 32ed73d:src/detente/data/polarity.tsv``) on the same gold, for comparison.

The validation set is tests/fixtures/texts/validation/ (12 texts, six regions, gold.yaml; a dev half the rules
were developed on and a held-out half scored only). A predicted claim matches a gold relation when it comes from
the same sentence and has the same actors (in either order: direction is scored separately) and the same
polarity; a sentence's relation counts once per direction and polarity (a joint one covers both). Reported per text, per split and
overall, with direction, anchor (found / absent), hedge, negation and change accuracy on the matched claims, and
the median extraction time. The four older texts (tests/fixtures/texts/expected.json) are scored as "legacy".
With ``--claims``, also times ``claims.evaluate`` of the built-in case (C1-C13) on that store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import yaml

from detente.extract import extract_claims

TEXTS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "texts"
VALID = TEXTS / "validation"
WHEN = date(2024, 12, 31)
KEYS = ("gold", "predicted", "tp", "direction_ok", "anchor_ok", "hedge_ok", "negation_ok", "change_ok")


def gold_set() -> dict[str, dict]:
    """text file name -> {split, region, relations: [dict]} (gold.yaml rows as dicts) plus the legacy texts."""
    out: dict[str, dict] = {}
    for name, v in yaml.safe_load((VALID / "gold.yaml").read_text(encoding="utf-8")).items():
        rels = []
        for frag, dyad, pol, anchor, flags in v["relations"]:
            directed = ">" in dyad
            a, b = dyad.replace(">", "-").split("-")
            rels.append({"sentence": frag, "source": a, "target": b, "directed": directed,
                         "polarity": "cooperative" if pol == "+" else "conflictual", "anchor": anchor,
                         "hedged": "h" in flags, "negated": "n" in flags,
                         "change": "increase" if "u" in flags else "decrease" if "d" in flags else None})
        out[name] = {"split": v["split"], "region": v["region"], "relations": rels, "path": VALID / name}
    for name, ann in json.loads((TEXTS / "expected.json").read_text(encoding="utf-8")).items():
        if not name.startswith("_"):
            out[name] = {"split": "legacy", "region": "South Caucasus", "relations": ann, "path": TEXTS / name}
    return out


def score(pred: list[dict], gold: list[dict]) -> dict:
    """Greedy one-to-one matching of predicted claims to gold relations (see module doc)."""
    seen, uniq = set(), []
    for p in sorted(pred, key=lambda p: p["directed"]):
        # a sentence's relation counts once per direction and polarity; a joint one covers both directions
        joint = (p["sentence"], frozenset((p["source"], p["target"])), p["polarity"])
        key = (p["sentence"], p["source"], p["target"], p["polarity"]) if p["directed"] else joint
        if key not in seen and joint not in seen:
            seen.add(key)
            uniq.append(p)
    used: set[int] = set()
    s = dict.fromkeys(KEYS, 0)
    s["gold"], s["predicted"] = len(gold), len(uniq)
    misses, extra = [], []
    for g in gold:
        for i, p in enumerate(uniq):
            if i in used or g["sentence"] not in p["sentence"]:
                continue
            if {p["source"], p["target"]} == {g["source"], g["target"]} and p["polarity"] == g["polarity"]:
                used.add(i)
                s["tp"] += 1
                s["direction_ok"] += (not g.get("directed", True) or not p["directed"]
                                      or (p["source"], p["target"]) == (g["source"], g["target"]))
                s["anchor_ok"] += (p["anchor"]["text"] is None) == (g["anchor"] is None)
                s["hedge_ok"] += bool(p["hedges"]) == g["hedged"]
                s["negation_ok"] += p["negated"] == g["negated"]
                s["change_ok"] += p.get("change") == g.get("change", p.get("change"))
                break
        else:
            misses.append(g)
    extra = [p for i, p in enumerate(uniq) if i not in used]
    s["misses"], s["extra"] = misses, extra
    return s


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(split: str = "all", repeat: int = 1, extract=None) -> tuple[list, dict[str, dict]]:
    extract = extract or extract_claims
    rows, totals = [], {}
    for name, g in gold_set().items():
        if split != "all" and g["split"] != split:
            continue
        text = g["path"].read_text(encoding="utf-8")
        times = []
        for _ in range(repeat):
            clear = getattr(sys.modules.get("detente.extract"), "_actors_cached", None)
            if clear is not None:
                clear.cache_clear()  # per-sentence caches: each run reads the text as new
            t = time.perf_counter()
            pred = extract(text, when=WHEN)
            times.append(time.perf_counter() - t)
        s = score(pred, g["relations"])
        tot = totals.setdefault(g["split"], dict.fromkeys(KEYS, 0))
        for k in KEYS:
            tot[k] += s[k]
        rows.append((name, g, s, statistics.median(times), len(text.split())))
    return rows, totals


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--split", default="all", choices=["all", "dev", "heldout", "fresh", "legacy"])
    ap.add_argument("--errors", action="store_true", help="print each missed and each extra relation")
    ap.add_argument("--claims", type=Path, help="a store: also time evaluating the built-in case on it")
    ap.add_argument("--baseline", type=Path, help="another extractor module (a file with extract_claims) to score")
    ap.add_argument("--baseline-lexicon", type=Path, help="the polarity.tsv that baseline module reads")
    args = ap.parse_args()
    if args.baseline:
        baseline(args.baseline, args.baseline_lexicon)
        return
    extract_claims("Iran and Armenia signed a deal.", when=WHEN)  # warm caches (lexicon, actor tables)
    rows, totals = run(args.split, args.repeat)
    print("| text | split | region | words | gold | predicted | matched | precision | recall | F1 | median ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, g, s, t, words in rows:
        p, r, f = prf(s["tp"], s["predicted"], s["gold"])
        print(f"| {name} | {g['split']} | {g['region']} | {words} | {s['gold']} | {s['predicted']} | {s['tp']} | "
              f"{p:.2f} | {r:.2f} | {f:.2f} | {1000 * t:.1f} |")
    for sp, tot in totals.items():
        p, r, f = prf(tot["tp"], tot["predicted"], tot["gold"])
        tp = max(tot["tp"], 1)
        print(f"| **{sp}** | | | | {tot['gold']} | {tot['predicted']} | {tot['tp']} | {p:.2f} | {r:.2f} | {f:.2f} | |")
        print(f"|  on matched ({sp}) | direction {tot['direction_ok'] / tp:.2f} | anchor {tot['anchor_ok'] / tp:.2f} "
              f"| hedge {tot['hedge_ok'] / tp:.2f} | negation {tot['negation_ok'] / tp:.2f} | change "
              f"{tot['change_ok'] / tp:.2f} | | | | | |")
    words = sum(x[4] for x in rows)
    secs = sum(x[3] for x in rows)
    print(f"\nthroughput {words / secs:.0f} words/s ({words} words, {1000 * secs:.0f} ms, median of {args.repeat})")
    if args.errors:
        for name, _, s, _, _ in rows:
            for m in s["misses"]:
                print(f"MISS  {name}: {m['source']}-{m['target']} {m['polarity']}: {m['sentence']}")
            for e in s["extra"]:
                print(f"EXTRA {name}: {e['source']}-{e['target']} {e['polarity']} ({e['via']}, {e['cues']}): "
                      f"{e['sentence'][:110]}")
    if args.claims:
        bench_claims(args.claims, max(1, args.repeat // 2))


def baseline(module: Path, lexicon_tsv: Path | None) -> None:
    import csv
    import importlib.util

    sys.path.insert(0, str(module.parent))
    spec = importlib.util.spec_from_file_location(module.stem, module)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[module.stem] = mod
    spec.loader.exec_module(mod)
    if lexicon_tsv:
        with lexicon_tsv.open(encoding="utf-8") as fh:
            lex = {r["form"]: int(r["polarity"]) for r in csv.DictReader(fh, delimiter="\t")}
        mod.lexicon = lambda: lex
    _, totals = run("all", 1, extract=lambda text, when: mod.extract_claims(text, when=when))
    print(f"| baseline {module.name} | gold | predicted | matched | precision | recall | F1 |\n|---|---|---|---|---|---|---|")
    for sp, t in totals.items():
        p, r, f = prf(t["tp"], t["predicted"], t["gold"])
        print(f"| {sp} | {t['gold']} | {t['predicted']} | {t['tp']} | {p:.2f} | {r:.2f} | {f:.2f} |")


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
            clear = getattr(sys.modules.get("detente.extract"), "_actors_cached", None)
            if clear is not None:
                clear.cache_clear()  # per-sentence caches: each run reads the text as new
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
