"""Actor resolution speed: resolution_rows over ICEWS 2021's 18,205 distinct entity names, match_in_text, the
converter name-variant table (tests/fixtures/name_variants.tsv) and gazetteer.find.

    python bench/bench_actors.py [SHARED_DATA_DIR]

The last two lines are skipped when the checkout has no name-variant table or gazetteer (older versions), so the
same script times a before/after pair: ``PYTHONPATH=OLD/src python bench/bench_actors.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date
from pathlib import Path

from detente import actors

shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
names = sorted({line.split("\t")[0] for line in (shared / "icews-2021-2022/ICEWS21/entity2id.txt").open(encoding="utf-8")})
t0 = time.perf_counter()
actors.resolve("warm-up")
init = time.perf_counter() - t0
cold = []
for _ in range(5):
    actors.clear_caches()
    actors.fold.cache_clear()
    actors.sector_of.cache_clear()
    t0 = time.perf_counter()
    actors.resolution_rows(names)
    cold.append(time.perf_counter() - t0)
sentence = ("Azerbaijani Defense Ministry said Armenian troops fired near the Republic of Artsakh, while Sergey Lavrov "
            "met Iran's foreign minister in Moscow and Turkish officials in Ankara called for talks.")
actors.match_in_text(sentence)
t0 = time.perf_counter()
for _ in range(2000):
    actors.match_in_text(sentence, date(2021, 6, 1))
per_sentence = (time.perf_counter() - t0) / 2000
print(f"load tables: {init:.3f} s")
print(f"resolution_rows({len(names)} distinct names, cold caches): median {statistics.median(cold):.3f} s over 5 runs "
      f"({len(names) / statistics.median(cold):,.0f} names/s)")
print(f"match_in_text ({len(sentence)}-char sentence): {per_sentence * 1e6:.0f} us per sentence")

variants = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "name_variants.tsv"
if variants.exists():
    import csv

    rows = list(csv.DictReader([x for x in variants.read_text(encoding="utf-8").splitlines() if not x.startswith("#")],
                               delimiter="\t"))
    runs = []
    for _ in range(5):
        actors.clear_caches()
        actors.fold.cache_clear()
        t0 = time.perf_counter()
        ok = sum((getattr(actors.resolve(r["name"], date.fromisoformat(r["when"]) if r["when"] else None), "country",
                          None) == r["expected"]) for r in rows)
        runs.append(time.perf_counter() - t0)
    print(f"name variants ({len(rows)} forms, cold caches): median {statistics.median(runs) * 1e3:.0f} ms, "
          f"{ok}/{len(rows)} = {ok / len(rows):.2%} correct")
held_out = variants.with_name("name_variants_translations.tsv")
if held_out.exists():
    import csv

    rows = list(csv.DictReader([x for x in held_out.read_text(encoding="utf-8").splitlines() if not x.startswith("#")],
                               delimiter="\t"))
    got = [getattr(actors.resolve(r["name"]), "country", None) for r in rows]
    right = sum(g == r["expected"] for g, r in zip(got, rows, strict=True))
    wrong = [(r["name"], r["expected"], g) for g, r in zip(got, rows, strict=True) if g and g != r["expected"]]
    print(f"held-out translated names ({len(rows)}, iso-codes de/fr/es/it/ru/tr): {right} = {right / len(rows):.1%} "
          f"right, {len(wrong)} wrong state: {wrong}")
try:
    from detente import gazetteer
except ImportError:
    gazetteer = None
if gazetteer is not None:
    prose = ("After the Pulwama attack and the Balakot airstrike, and since the invasion, analysts compare the "
             "44-day war with the Abraham Accords and the Beijing-brokered deal.")
    gazetteer.find(prose, ["RUS", "UKR"])
    t0 = time.perf_counter()
    for _ in range(2000):
        gazetteer.find(prose, ["RUS", "UKR"])
    print(f"gazetteer.find ({len(prose)}-char sentence, {len(gazetteer.events())} events): "
          f"{(time.perf_counter() - t0) / 2000 * 1e6:.0f} us per sentence")
