"""Do the network's blocs find known alignments? Each case of tests/net_fixtures.KNOWN_ALIGNMENTS on the store.

    python bench/net_alignments.py [--store FILE] [--baseline world+history|world]

Prints, per case, the k blocs (correlation clustering), the two-bloc frustration partition, and the share of the
camps' actor pairs each puts right (docs/network.md records the table).
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
    tot = {"k": [0, 0], "two": [0, 0]}
    print("| case | period | k blocs | right pairs | two-bloc partition | right pairs | low evidence | seconds |")
    print("|---|---|---|---|---|---|---|---|")
    for c in KNOWN_ALIGNMENTS:
        actors = [a for camp in c["camps"] for a in camp] + c["arguable"]
        t = time.perf_counter()
        out = network.analyse(network.build(s, actors, c["period"], case=None, baseline=args.baseline))
        sec = time.perf_counter() - t
        k, two = out["blocs"], out["balance"]["partition"]
        rk, rt = pair_score(k, c["camps"]), pair_score(two, c["camps"])
        for key, (r, n) in (("k", rk), ("two", rt)):
            tot[key][0] += r
            tot[key][1] += n
        fmt = lambda bl: " / ".join(",".join(b) for b in bl)  # noqa: E731
        print(f"| {c['name']} | {c['period']} | {fmt(k)} | {rk[0]}/{rk[1]} | {fmt(two)} | {rt[0]}/{rt[1]} | "
              f"{','.join(out['low_evidence']) or '-'} | {sec:.1f} |")
    print(f"| all | | | {tot['k'][0]}/{tot['k'][1]} | | {tot['two'][0]}/{tot['two'][1]} | | |")


if __name__ == "__main__":
    main()
