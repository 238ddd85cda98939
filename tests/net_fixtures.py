"""A tiny real DuckDB store with hand-made daily dyad scores, for network / simulate tests.

The fixtures ``net_store`` (this store, one per test module) and ``net_jan`` (its January network, actors
``ACT`` over ``JAN_SPAN``) are in conftest.py.

January 2021, days 1-10 (and the same days of February for the change test):
  AZE-TUR  +10 every day (Feb: -10)        ARM-AZE  -5 every day (Feb: +5)
  ARM-TUR   -3 every day                   ARM-IRN  +4 every day
  AZE-IRN  +2 / -2 alternating (sum 0)     IRN-TUR  +1 on 2 days only (below the evidence floor of 3 days)
Background (the world's base rate): the 15 dyads among BACKGROUND, every day of both months +3 / -2 alternating
(+3 on days 1, 3, ...). The base rate is read over the weeks mostly inside a period (relations.world_values):
Mon 4 - Sun 10 January (background tone 1/17) and Mon 1 - Sun 7 February (1/3). January has no history;
February's history is January.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

JAN = [date(2021, 1, d) for d in range(1, 11)]
FEB = [date(2021, 2, d) for d in range(1, 11)]
ACT = ["ARM", "AZE", "IRN", "TUR"]
BACKGROUND = ["DEU", "ESP", "FRA", "GBR", "ITA", "POL"]
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
            out += [(d, a, b, 3.0 if k % 2 == 0 else -2.0) for i, a in enumerate(BACKGROUND) for b in BACKGROUND[i + 1:]]
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



# Known alignments to validate the network's blocs against (our own summaries of well-documented events; each
# case is a period and two camps; `arguable` actors are in the network but not scored). Used by
# tests/test_network.py and bench/net_alignments.py (results in docs/network.md).
KNOWN_ALIGNMENTS = [
    {"name": "Russia's war on Ukraine", "period": "2022-02-24:2023-12-31",
     "camps": [["RUS", "BLR"], ["UKR", "POL", "USA", "DEU"]], "arguable": ["CHN", "TUR"],
     "why": "Belarus let Russian troops invade from its soil; Poland, the US and Germany armed Ukraine"},
    {"name": "Iran and its rivals", "period": "2019-01-01:2021-12-31",
     "camps": [["ISR", "USA", "SAU", "ARE"], ["IRN", "SYR"]], "arguable": [],
     "why": "US 'maximum pressure' sanctions, the 2019 Abqaiq strike blamed on Iran, the 2020 Abraham Accords; "
            "Iran backs the Assad government"},
    {"name": "South Asia", "period": "2019-01-01:2021-12-31",
     "camps": [["IND", "USA"], ["CHN", "PAK"]], "arguable": [],
     "why": "the 2019 Pulwama-Balakot crisis and the 2020 Galwan clash; China-Pakistan economic corridor; "
            "India in the Quad with the US"},
    {"name": "Qatar blockade", "period": "2018-01-01:2020-12-31",
     "camps": [["SAU", "ARE", "BHR", "EGY"], ["QAT", "TUR", "IRN"]], "arguable": [],
     "why": "the four states cut ties with Qatar (June 2017 - January 2021); Turkey sent troops, Iran opened "
            "its airspace"},
    {"name": "Second Karabakh war", "period": "2020-09-27:2020-11-10",
     "camps": [["AZE", "TUR"], ["ARM"]], "arguable": ["ISR", "IRN", "RUS"],
     "why": "Turkey backed Azerbaijan's offensive openly; Israel sold it drones; Russia and Iran stayed formally "
            "neutral"},
    {"name": "Venezuela's presidential crisis", "period": "2019-01-23:2020-12-31",
     "camps": [["VEN", "CUB", "RUS"], ["USA", "COL", "BRA"]], "arguable": [],
     "why": "the US, Colombia and Brazil recognised Guaido; Cuba and Russia backed Maduro"},
]


def pair_score(blocs: list[list[str]], camps: list[list[str]]) -> tuple[int, int]:
    """(pairs of the camps' actors placed right, pairs): same camp -> same bloc, different camps -> different
    blocs; an actor in no bloc gets all its pairs wrong.

    >>> pair_score([["A", "B"], ["C"]], [["A", "B"], ["C"]]), pair_score([["A", "B", "C"]], [["A", "B"], ["C"]])
    ((3, 3), (1, 3))
    """
    where = {a: k for k, b in enumerate(blocs) for a in b}
    people = [(a, k) for k, c in enumerate(camps) for a in c]
    right = total = 0
    for i, (a, ca) in enumerate(people):
        for b, cb in people[i + 1:]:
            total += 1
            if a in where and b in where and (where[a] == where[b]) == (ca == cb):
                right += 1
    return right, total


# A 30-month store for the hindcast (days 1-10 of every month, 2021-01 .. 2023-06): AZE-TUR +10 and ARM-AZE -5
# and ARM-TUR -3 every day (constant), ARM-IRN +4 in odd months (Jan, Mar, ...) and -4 in even ones
# (alternating), and the same background as above (tone 0.2). Persistence then gets the three constant dyads'
# signs right at every horizon and ARM-IRN's right only at even horizons.
MONTHS = [(2021 + (k // 12), k % 12 + 1) for k in range(30)]


def monthly_rows() -> list[tuple]:
    out = []
    for k, (y, m) in enumerate(MONTHS):
        for d in range(1, 11):
            day = date(y, m, d)
            out += [(day, "AZE", "TUR", 10.0), (day, "ARM", "AZE", -5.0), (day, "ARM", "TUR", -3.0),
                    (day, "ARM", "IRN", 4.0 if k % 2 == 0 else -4.0)]
            out += [(day, a, b, 3.0 if d % 2 == 1 else -2.0) for i, a in enumerate(BACKGROUND) for b in BACKGROUND[i + 1:]]
    return out


def make_monthly_store(path: Path):
    from detente.store import Store

    s = Store(path)
    s.con.executemany(
        "INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file, line) "
        "VALUES (?, ?, ?, false, ?, 'gdelt_network', 'fixture', NULL)", monthly_rows())
    s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) VALUES "
                  "('gdelt_network', 'fixture', DATE '2021-01-01', DATE '2023-06-10')")
    s.close()
    return Store(path, read_only=True)
