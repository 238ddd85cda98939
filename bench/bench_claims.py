"""`claims` for C1-C13 on the bundled store: cold (new Source) and warm (same process, same Source: the
store's daily series and bootstrap draws cached), with and without the robustness variants.

    python bench/bench_claims.py [--store PATH] [--repeat 3]
    python bench/bench_claims.py --discrimination   # the tone distribution and known dyads (docs/claims.md)
    python bench/bench_claims.py --seeds 1,2,3,4,5 --B 500,1000,2000 [--case PATH]   # verdicts over seeds x B
"""

from __future__ import annotations

import argparse
import statistics
import time

from detente.claims import evaluate, load_case
from detente.claims.data import Source
from detente.store import Store, default_path

HOSTILE = ["RUS-UKR", "ISR-PSE", "IRN-ISR", "PRK-USA", "IND-PAK", "ARM-AZE"]
FRIENDLY = ["GBR-USA", "CHN-RUS", "ARE-ISR", "DEU-FRA", "AZE-TUR", "BLR-RUS"]


def discrimination(s: Store) -> None:
    """World distribution of the dyad-period tone and intensity (dyads with >= 100 active days) in
    2022-02-24..2023-12-31, known-hostile / known-friendly dyads' values with their percentile among the 200
    nearest-volume dyads, and what each measure does to ARM-AZE from before the 2020 war into it."""
    from datetime import date

    import numpy as np

    from detente import relations as R

    r = R.Reader(s)
    lo, hi = date(2022, 2, 24), date(2023, 12, 31)
    ps = r.period_sums("gdelt_network", lo, hi)
    big = ps[ps.n >= 100]
    vals = {"tone": big.value / big["abs"], "intensity": big.value / (big["typical"] * big["world_abs"])}
    for m, v in vals.items():
        q = np.quantile(v, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
        print(f"{m}: {len(big)} dyads; quantiles 1/5/25/50/75/95/99 %: {np.round(q, 2).tolist()}; share > 0: "
              f"{(v > 0).mean():.3f}; |v| > 0.98: {(v.abs() > 0.98).mean():.3f}; |v| > 1: {(v.abs() > 1).mean():.3f}")
    for group, dyads in (("hostile", HOSTILE), ("friendly", FRIENDLY)):
        for d in dyads:
            a, b = sorted(d.split("-"))
            row = ps[(ps.a == a) & (ps.b == b)].iloc[0]
            out = []
            for m in ("tone", "intensity"):
                t = R.period_value(r, a, b, "gdelt_network", lo, hi, m)
                base = R.base_rate(r, "gdelt_network", lo, hi, m, float(row["abs"]))
                out.append(f"{m} {t:+.3f} (base {base['median']:.3f}, percentile {(base['values'] < t).mean():.2f})")
            print(f"  {group:8s} {a}-{b}: " + "; ".join(out))
    before, war = (date(2020, 3, 1), date(2020, 9, 26)), (date(2020, 9, 27), date(2020, 11, 10))
    for m in ("tone", "goldstein", "net", "intensity"):
        v0, v1 = (R.period_value(r, "ARM", "AZE", "gdelt_network", *p, m) for p in (before, war))
        print(f"  ARM-AZE {m}: before the 2020 war {v0:+.3f}, during it {v1:+.3f}")


def seeds(s: Store, case_name: str, seed_list: list[int], b_list: list[int], robust: bool) -> None:
    """Each claim's verdict (and robustness label) for every seed x B: how much the bootstrap's luck moves
    them, and whether every claim that moves is labelled on the edge / fragile in the default run (B from the
    case, seed 1)."""
    case = load_case(case_name)
    src = Source(s)
    base = {r.id: r for r in evaluate(src, case, robustness=robust)}
    got: dict[str, dict[tuple[int, int], tuple[str, str]]] = {k: {} for k in base}
    edges = dict.fromkeys(base, 0)
    for b in b_list:
        for sd in seed_list:
            for r in evaluate(src, case, seed=sd, bootstrap=b, robustness=robust):
                got[r.id][(sd, b)] = (r.verdict, r.robustness.get("label", "-"))
                edges[r.id] += bool(r.edge)
    moved = 0
    for k, r in base.items():
        vs = sorted({v for v, _ in got[k].values()})
        labels = sorted({lab for _, lab in got[k].values()})
        flagged = bool(r.edge) or r.robustness.get("label") == "fragile"
        moved += len(vs) > 1
        warn = "" if len(vs) == 1 or flagged else "   <-- moves but the default run calls it firm"
        tally = "/".join(f"{sum(v == x for v, _ in got[k].values())} {x}" for x in vs)
        print(f"{k:5s} default {r.verdict:13s} {r.robustness.get('label', '-'):8s} on the edge: "
              f"{'yes' if r.edge else 'no '}  over {len(got[k])} runs: {tally}; labels {'/'.join(labels)}; on the "
              f"edge in {edges[k]}{warn}")
    print(f"{moved} of {len(base)} claims change verdict across seeds {seed_list} x B {b_list}")
    answers = {h.id: h.node.value["answer"].value for h in case.hypotheses if "answer" in h.node.value}
    if answers:  # a validation case: the score in every run, per id prefix (V, W, X: the subsets)
        runs = sorted(next(iter(got.values())))
        for part in sorted({k[0] for k in answers}) + ["all"]:
            ids = [k for k in answers if part == "all" or k[0] == part]
            sc = [sum(got[k][run][0] == answers[k] for k in ids) for run in runs]
            print(f"validation {part}: {len(ids)} claims; right in the default run "
                  f"{sum(base[k].verdict == answers[k] for k in ids)}; over {len(runs)} runs min {min(sc)} "
                  f"median {statistics.median(sc)} max {max(sc)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=str(default_path()))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--discrimination", action="store_true")
    ap.add_argument("--seeds", help="comma-separated seeds: the verdicts over seeds x --B instead of timings")
    ap.add_argument("--B", default="500,1000,2000", help="comma-separated bootstrap sizes (with --seeds)")
    ap.add_argument("--case", default="south_caucasus")
    ap.add_argument("--no-robustness", action="store_true")
    a = ap.parse_args()
    s = Store(a.store, read_only=True)
    if a.seeds:
        seeds(s, a.case, [int(x) for x in a.seeds.split(",")], [int(x) for x in a.B.split(",")],
              not a.no_robustness)
        return
    if a.discrimination:
        discrimination(s)
        return
    case = load_case("south_caucasus")
    for robust in (False, True):
        t = time.perf_counter()
        src = Source(s)
        evaluate(src, case, robustness=robust)
        cold = time.perf_counter() - t
        warm, cpu = [], []
        for _ in range(a.repeat):
            t, c = time.perf_counter(), time.process_time()
            evaluate(src, case, robustness=robust)
            warm.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        print(f"robustness={robust}: cold {cold:.2f} s, warm median {statistics.median(warm):.2f} s wall, "
              f"{statistics.median(cpu):.2f} s CPU ({a.repeat} runs)")


if __name__ == "__main__":
    main()
