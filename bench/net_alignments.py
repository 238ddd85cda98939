"""Do the network's blocs find known alignments? Each case of tests/net_fixtures.KNOWN_ALIGNMENTS on the store.

    python bench/net_alignments.py [--store FILE] [--baseline world+history|world]

Prints, per case, the k blocs (correlation clustering), every optimal two-bloc frustration partition (ties are
listed, not broken by the solver), and the camps' actor pairs each puts right (docs/network.md records the table).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from detente import network  # noqa: E402
from detente.store import Store  # noqa: E402
from net_fixtures import KNOWN_ALIGNMENTS, pair_score  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default=os.environ.get("DETENTE_STORE"))
    ap.add_argument("--baseline", default=network.DEFAULT_BASELINE, choices=network.BASELINES)
    args = ap.parse_args()
    if not args.store:
        sys.exit("give --store FILE or set DETENTE_STORE")
    s = Store(args.store, read_only=True)
    tot = {"k": [0, 0], "lo": 0, "hi": 0, "n": 0}
    print("| case | period | k blocs | right pairs | optimal two-bloc partitions | right pairs (worst..best tie) "
          "| low evidence | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for c in KNOWN_ALIGNMENTS:
        actors = [a for camp in c["camps"] for a in camp] + c["arguable"]
        t = time.perf_counter()
        out = network.analyse(network.build(s, actors, c["period"], case=None, baseline=args.baseline))
        sec = time.perf_counter() - t
        k, optima = out["blocs"], out["balance"]["all_optimal"]
        rk = pair_score(k, c["camps"])
        scores = [pair_score(p, c["camps"]) for p in optima]
        lo, hi, n = min(r for r, _ in scores), max(r for r, _ in scores), scores[0][1]
        tot["k"][0] += rk[0]
        tot["k"][1] += rk[1]
        tot["lo"], tot["hi"], tot["n"] = tot["lo"] + lo, tot["hi"] + hi, tot["n"] + n
        fmt = lambda bl: " / ".join(",".join(b) for b in bl)  # noqa: E731
        print(f"| {c['name']} | {c['period']} | {fmt(k)} | {rk[0]}/{rk[1]} | {' ; '.join(fmt(p) for p in optima)} | "
              f"{lo}..{hi}/{n} | {','.join(out['low_evidence']) or '-'} | {sec:.1f} |")
    print(f"| all | | | {tot['k'][0]}/{tot['k'][1]} | | {tot['lo']}..{tot['hi']}/{tot['n']} | | |")


if __name__ == "__main__":
    main()
