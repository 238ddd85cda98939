"""A tiny real DuckDB store with hand-made daily dyad scores, for network / simulate tests.

The fixtures ``net_store`` (this store, one per test module) and ``net_jan`` (its January network, actors
``ACT`` over ``JAN_SPAN``) are in conftest.py.

January 2021, days 1-10 (and the same days of February for the change test):
  AZE-TUR  +10 every day (Feb: -10)        ARM-AZE  -5 every day (Feb: +5)
  ARM-TUR   -3 every day                   ARM-IRN  +4 every day
  AZE-IRN  +2 / -2 alternating (sum 0)     IRN-TUR  +1 on 2 days only (below min_days = 5)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

JAN = [date(2021, 1, d) for d in range(1, 11)]
FEB = [date(2021, 2, d) for d in range(1, 11)]
ACT = ["ARM", "AZE", "IRN", "TUR"]
JAN_SPAN = "2021-01-01:2021-01-10"


def rows() -> list[tuple]:
    out = []
    for month, days in (("jan", JAN), ("feb", FEB)):
        flip = -1 if month == "feb" else 1
        for k, d in enumerate(days):
            out += [(d, "AZE", "TUR", 10.0 * flip), (d, "ARM", "AZE", -5.0 * flip), (d, "ARM", "TUR", -3.0),
                    (d, "ARM", "IRN", 4.0), (d, "AZE", "IRN", 2.0 if k % 2 == 0 else -2.0)]
            if month == "jan" and k < 2:
                out.append((d, "IRN", "TUR", 1.0))
    return out


def make_store(path: Path):
    """A real Store file holding the rows above as dataset ``gdelt_network``, reopened read-only."""
    from detente.store import Store

    s = Store(path)
    s.con.executemany(
        "INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file, line) "
        "VALUES (?, ?, ?, false, ?, 'gdelt_network', 'fixture', NULL)", rows())
    s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) VALUES "
                  "('gdelt_network', 'fixture', DATE '2021-01-01', DATE '2021-02-10')")
    s.close()
    return Store(path, read_only=True)

