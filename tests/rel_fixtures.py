"""Small hand-made stores for the relations tests: 20 events (tests/fixtures/events20.csv) and a
9-day dyad_days network with one missing day, both with sums checked on paper in the tests."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from detente.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_events20(s: Store, dataset: str = "ev20") -> None:
    with (FIXTURES / "events20.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        s.con.execute(
            "INSERT INTO events (event_id, date, source_text, source_actor, target_text, target_actor, cameo_code,"
            " quad_class, goldstein, dataset, file, line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'events20.csv', ?)",
            [r["event_id"], r["date"], r["source_actor"] or "somebody", r["source_actor"] or None,
             r["target_actor"] or "somebody", r["target_actor"] or None, r["cameo_code"], int(r["quad_class"]),
             float(r["goldstein"]), dataset, int(r["event_id"][1:]) + 1],
        )
    s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) VALUES (?, 'fixture', ?, ?)",
                  [dataset, date(2021, 1, 1), date(2021, 3, 31)])


def load_network(s: Store, dataset: str = "gnet") -> None:
    """Days 2021-01-01..10 except the 5th: ARM-AZE = -day, AZE-TUR = 2, ARM-IRN = 1 on even days."""
    rows = []
    for i in range(1, 11):
        if i == 5:
            continue
        d = date(2021, 1, 1) + timedelta(days=i - 1)
        rows += [(d, "ARM", "AZE", -float(i)), (d, "AZE", "TUR", 2.0)]
        if i % 2 == 0:
            rows.append((d, "ARM", "IRN", 1.0))
    s.con.executemany(
        "INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file, line)"
        f" VALUES (?, ?, ?, false, ?, '{dataset}', 'net', NULL)", rows)
    s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) VALUES (?, 'fixture', ?, ?)",
                  [dataset, date(2021, 1, 1), date(2021, 1, 10)])


def small_store(path: Path) -> Store:
    s = Store(path)
    load_events20(s)
    load_network(s)
    return s
