"""`claims` for C1-C13 on the bundled store: cold (new Source) and warm (same process, same Source: the
store's daily series and bootstrap draws cached), with and without the robustness variants.

    python bench/bench_claims.py [--store PATH] [--repeat 3]
    python bench/bench_claims.py --discrimination   # the tone distribution and known dyads (docs/claims.md)
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
    """World distribution of the dyad-period tone (dyads with >= 100 active days) in 2022-02-24..2023-12-31,
    and known-hostile / known-friendly dyads' tone with their percentile among the 200 nearest-volume dyads."""
    from datetime import date

    import numpy as np

    from detente import relations as R

    r = R.Reader(s)
    lo, hi = date(2022, 2, 24), date(2023, 12, 31)
    ps = r.period_sums("gdelt_network", lo, hi)
    big = ps[ps.n >= 100]
    tone = big.value / big["abs"]
    q = np.quantile(tone, [0.05, 0.25, 0.5, 0.75, 0.95])
    print(f"{len(big)} dyads; tone quantiles 5/25/50/75/95 %: {np.round(q, 3).tolist()}; share > 0: "
          f"{(tone > 0).mean():.3f}; share > 0.9: {(tone > 0.9).mean():.3f}")
    for group, dyads in (("hostile", HOSTILE), ("friendly", FRIENDLY)):
        for d in dyads:
            a, b = sorted(d.split("-"))
            row = ps[(ps.a == a) & (ps.b == b)].iloc[0]
            t = row.value / row["abs"]
            base = R.base_rate(r, "gdelt_network", lo, hi, "tone", float(row["abs"]))
            print(f"  {group:8s} {a}-{b}: tone {t:+.3f}, base rate {base['median']:.3f}, percentile "
                  f"{(base['values'] < t).mean():.2f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=str(default_path()))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--discrimination", action="store_true")
    a = ap.parse_args()
    s = Store(a.store, read_only=True)
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
