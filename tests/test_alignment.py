"""alignment: vote agreement and S on a hand-made roll-call fixture, the period/year join rule, ideal points,
and UN agreement on the bundled data checked against the raw votes file."""

from __future__ import annotations

import csv
import gzip
from collections import defaultdict
from datetime import date

import numpy as np
import pytest

from detente import alignment as A
from detente.periods import Period
from detente.store import Store

# roll call -> votes of states A, B, C (None = did not vote); all in 2019
VOTES = {"r1": ("yes", "yes", "no"), "r2": ("yes", "no", None), "r3": ("no", "no", "yes"),
         "r4": ("abstain", "yes", "yes")}
CODE = {"yes": 1.0, "abstain": 0.5, "no": 0.0}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("al") / "a.duckdb")
    rows = []
    for k, (item, vs) in enumerate(VOTES.items()):
        for state, v in zip(("AAA", "BBB", "CCC"), vs, strict=True):
            if v:
                rows.append(("un_vote", state, None, 2019, date(2019, 10, 1 + k), item, CODE[v], v, "unvotes"))
    rows += [("alliance", "AAA", "BBB", 2018, None, "atop", 1.0, "defense", "atop"),
             ("armed_conflict", "AAA", "CCC", 2017, None, "c9", 1.0, "territory", "ucdp_acd"),
             ("armed_conflict", "AAA", "CCC", 2018, None, "c9", 2.0, "territory", "ucdp_acd")]
    s.con.executemany("INSERT INTO signals (kind, actor_a, actor_b, year, date, item, value, label, dataset, file)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'fixture')", rows)
    yield s
    s.close()


def test_agreement_and_s_score_by_hand(store):
    v = A.vote_agreement(store).set_index(["actor_a", "actor_b"])
    ab = v.loc[("AAA", "BBB")]  # |diff| 0, 1, 0, 0.5 -> d = 0.375
    assert (ab.n_votes, ab.agree, ab.agree_exact, ab.s_score) == (4, 0.625, 0.5, 0.25)
    ac = v.loc[("AAA", "CCC")]  # r2 has no C vote; |diff| 1, 1, 0.5 -> d = 5/6
    assert ac.n_votes == 3 and ac.agree == pytest.approx(1 / 6) and ac.s_score == pytest.approx(-2 / 3)
    bc = v.loc[("BBB", "CCC")]  # 1, 1, 0 -> d = 2/3
    assert bc.agree_exact == pytest.approx(1 / 3) and bc.s_score == pytest.approx(-1 / 3)


def test_frame_joins_year_signals_onto_periods(store):
    ps = [Period("h2-2018", date(2018, 7, 1), date(2018, 12, 31)), Period("y2019", date(2019, 1, 1),
          date(2019, 12, 31)), Period("spans", date(2017, 6, 1), date(2019, 6, 30))]
    f = A.alignment_frame(store, ["AAA", "BBB", "CCC"], ps).set_index(["period", "actor_a", "actor_b"])
    assert len(f) == 9  # the universe: 3 dyads x 3 periods, unchanged by the joins
    assert f.loc[("h2-2018", "AAA", "BBB")].alliance_atop == 1
    assert f.loc[("h2-2018", "AAA", "CCC")].alliance_atop == 0  # covered year, no alliance
    assert np.isnan(f.loc[("y2019", "AAA", "BBB")].alliance_atop)  # past the alliance data: NULL
    assert f.loc[("spans", "AAA", "CCC")].conflict_intensity == 2  # max over 2017..2019
    assert f.loc[("spans", "AAA", "CCC")].conflict_ids == "c9"
    assert np.isnan(f.loc[("h2-2018", "AAA", "BBB")].n_votes)  # no roll call in the period: NULL
    assert f.loc[("y2019", "AAA", "BBB")].s_score == 0.25


def test_ideal_points_order_the_fixture(store):
    A.MIN_COMMON, old = 3, A.MIN_COMMON
    try:
        ip = A.ideal_points(store, 2019).set_index("actor").ideal
    finally:
        A.MIN_COMMON = old
    # A and B agree most, C is far from both: C sits at one end of the single dimension
    assert abs(ip.AAA - ip.BBB) < abs(ip.AAA - ip.CCC) and abs(ip.AAA - ip.BBB) < abs(ip.BBB - ip.CCC)


YEARS = (1997, 2018)


@pytest.fixture(scope="module")
def raw(shared) -> dict[tuple[int, str, str], float]:
    """Agreement straight from the votes file (ISO2 codes, one pass), with the same coding."""
    with gzip.open(shared / "unvotes" / "un_roll_calls.csv.gz", "rt") as fh:
        year_of = {int(float(r["rcid"])): int(r["date"][:4]) for r in csv.DictReader(fh)}
    votes: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    with gzip.open(shared / "unvotes" / "un_votes.csv.gz", "rt") as fh:
        for r in csv.DictReader(fh):
            if r["country_code"] in ("AZ", "AM", "TR"):
                rc = int(float(r["rcid"]))
                if year_of.get(rc) in YEARS:
                    votes[(year_of[rc], r["country_code"])][rc] = CODE[r["vote"]]
    out = {}
    for y in YEARS:
        for a, b in (("AZ", "TR"), ("AM", "AZ")):
            va, vb = votes[(y, a)], votes[(y, b)]
            common = va.keys() & vb.keys()
            out[(y, a, b)] = 1 - sum(abs(va[k] - vb[k]) for k in common) / len(common)
    return out


@pytest.mark.parametrize("year, tur_above_arm", [(1997, True), (2018, False)])
def test_un_agreement_on_bundled_data_matches_the_raw_file(bundled_store, raw, year, tur_above_arm):
    v = A.vote_agreement(bundled_store, ["AZE", "ARM", "TUR"], year, year).set_index(["actor_a", "actor_b"])
    assert v.loc[("AZE", "TUR")].agree == pytest.approx(raw[(year, "AZ", "TR")], abs=1e-12)
    assert v.loc[("ARM", "AZE")].agree == pytest.approx(raw[(year, "AM", "AZ")], abs=1e-12)
    # In 1997 Azerbaijan voted closer to Turkey than to Armenia; by 2018 the reverse (both ex-Soviet states
    # vote with the non-aligned majority, Turkey more with the West): votes alone miss the TUR-AZE alliance.
    assert bool(v.loc[("AZE", "TUR")].agree > v.loc[("ARM", "AZE")].agree) == tur_above_arm
