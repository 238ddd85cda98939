"""Compare two reports' JSON twins leaf by leaf: every string, count and verdict equal, floats within a relative
tolerance; ``provenance`` (timings, paths) is left out. For a speed change that must not move a number:

    python -m detente report --no-cache -o old.html          # with the old tree on PYTHONPATH
    python -m detente report --no-cache -o new.html
    python bench/compare_reports.py old.json new.json [--rtol 1e-9]

Prints the number of leaves, the largest relative float difference and each difference beyond the tolerance;
exits 1 when there is one.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any


def differences(a: Any, b: Any, rtol: float, path: str = "") -> tuple[int, float, list[tuple]]:
    """(leaves compared, largest relative float difference, differences beyond ``rtol``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        found: list[tuple] = [(path, "keys", sorted(set(a) ^ set(b)))] if set(a) != set(b) else []
        n, worst = 1, 0.0
        for k in sorted(a.keys() & b.keys()):
            if path == "" and k == "provenance":
                continue
            m, w, d = differences(a[k], b[k], rtol, f"{path}/{k}")
            n, worst, found = n + m, max(worst, w), found + d
        return n, worst, found
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return 1, 0.0, [(path, "length", len(a), len(b))]
        n, worst, found = 1, 0.0, []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            m, w, d = differences(x, y, rtol, f"{path}[{i}]")
            n, worst, found = n + m, max(worst, w), found + d
        return n, worst, found
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and (
            isinstance(a, float) or isinstance(b, float)):
        if a == b or (math.isnan(a) and math.isnan(b)):
            return 1, 0.0, []
        r = abs(a - b) / max(abs(a), abs(b))
        return 1, r, [(path, a, b, r)] if r > rtol else []
    return 1, 0.0, [] if a == b else [(path, a, b)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--rtol", type=float, default=1e-9)
    a = ap.parse_args()
    with open(a.old, encoding="utf-8") as f, open(a.new, encoding="utf-8") as g:
        n, worst, found = differences(json.load(f), json.load(g), a.rtol)
    print(f"{n} leaves (provenance left out); largest relative float difference {worst:.2g}; "
          f"{len(found)} beyond rtol {a.rtol:g}")
    for d in found[:50]:
        print(" ", *d)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
