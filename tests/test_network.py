"""Signed networks: the edge rule, balance and blocs on a hand-made store, claims-facing tests, the CLI,
and real properties of the bundled South Caucasus data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from detente import network
from detente.errors import UserError
from net_fixtures import ACT, JAN_SPAN


def test_edge_rule() -> None:
    assert network.edge_sign(0.4, 0.1, 0.7) == 1
    assert network.edge_sign(-0.4, -0.7, -0.1) == -1
    assert network.edge_sign(0.4, -0.1, 0.7) == 0  # interval spans 0: uncertain, not forced to a sign
    # against a base rate of 0.8: a tone of 0.6 that is surely below it is negative, although > 0
    assert network.edge_sign(0.6, 0.5, 0.7, expected=0.8) == -1
    assert network.evidence_weight(30) == 0.5 and network.evidence_weight(0) == 0.0
    assert network.day_floor(596) == 30 and network.day_floor(45) == 11 and network.day_floor(10) == 3


def test_base_rate_by_hand() -> None:
    world = pd.DataFrame({"volume": [1.0, 2, 3, 100, 200, 300, 400], "tone": [1.0, 1, -1, 0.5, 0.6, 0.7, 0.8]})
    r = network.BaseRate.of(world, k=4)
    # a dyad of volume 250 is compared with the 4 dyads nearest in volume: 100..400 (median 0.65)
    assert list(r.neighbours(250.0)) == [0.5, 0.6, 0.7, 0.8] and r.expected(250.0) == pytest.approx(0.65)
    assert r.percentile(250.0, 0.6) == pytest.approx((1 + 0.5) / 4)
    assert list(r.neighbours(1.5)) == [1.0, 1.0, -1.0, 0.5]  # the low-volume end: the first k
    # a dyad of the world (volume 200, k=2) summed in another order, one rounding either way: the same window
    r2 = network.BaseRate.of(world, k=2)
    assert [list(r2.neighbours(v)) for v in (200.0, 200.0 * (1 + 1e-15), 200.0 * (1 - 1e-15))] == [[0.5, 0.6]] * 3
    with pytest.raises(UserError, match="no base rate"):
        network.BaseRate.of(world.iloc[:0])


def test_from_frame_by_hand() -> None:
    frame = pd.DataFrame([
        {"actor_a": "A", "actor_b": "B", "index": 0.5, "ci_low": 0.2, "ci_high": 0.8, "n_days": 30},
        {"actor_a": "A", "actor_b": "C", "index": -0.2, "ci_low": -0.5, "ci_high": 0.1, "n_days": 30},
        {"actor_a": "B", "actor_b": "C", "index": -0.9, "ci_low": -1.0, "ci_high": -0.8, "n_days": 3},
    ])
    net = network.from_frame(frame, ["A", "B", "C"], min_days=5)
    assert [(e["actor_a"], e["actor_b"], e["sign"], e["uncertain"], e["low_evidence"]) for e in net.edges] == [
        ("A", "B", 1, False, False), ("A", "C", 0, True, False), ("B", "C", 0, False, True)]  # B-C: 3 < 5 days
    assert net.matrix().tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert net.matrix(uncertain="point").tolist() == [[0, 1, -1], [1, 0, 0], [-1, 0, 0]]  # low evidence: never
    assert net.matrix(weighted=True)[0, 1] == pytest.approx(0.5 * 30 / 60)  # |strength| x evidence


def test_fixture_network_by_hand(net_jan: network.SignedNetwork) -> None:
    e = {(x["actor_a"], x["actor_b"]): x for x in net_jan.edges}
    assert set(e) == {("ARM", "AZE"), ("ARM", "IRN"), ("ARM", "TUR"), ("AZE", "IRN"), ("AZE", "TUR"), ("IRN", "TUR")}
    assert e[("IRN", "TUR")]["low_evidence"] and e[("IRN", "TUR")]["sign"] == 0  # 2 days < the floor of 3
    assert {k: v["sign"] for k, v in e.items()} == {("ARM", "AZE"): -1, ("ARM", "IRN"): 1, ("ARM", "TUR"): -1,
                                                   ("AZE", "IRN"): 0, ("AZE", "TUR"): 1, ("IRN", "TUR"): 0}
    # the base rate (relations.world_values: the weeks mostly inside the period, here Mon 4 - Sun 10 January):
    # 15 background dyads at (3 * 3 - 4 * 2) / (3 * 3 + 4 * 2) = 1/17, and AZE-TUR 1, ARM-IRN 1, ARM-AZE -1,
    # ARM-TUR -1, AZE-IRN -2/14 (IRN-TUR has no row that week): median 1/17; no history in January
    assert all(x["expected"] == pytest.approx(1 / 17) and x["history"] is None for x in e.values())
    assert net_jan.params["world_dyads"] == 20 and net_jan.params["day_floor"] == 3
    assert repr(net_jan) == ("<SignedNetwork 2021-01-01:2021-01-10 span=2021-01-01..2021-01-10 nodes=ARM,AZE,IRN,TUR "
                             "positive=2 negative=2 uncertain=1 low_evidence=1 baseline=world+history>")
    # AZE-TUR: tone 1, 18 of 20 world dyads below and 2 tied -> percentile 19 / 20; evidence 10 / (10 + 30)
    assert e[("AZE", "TUR")]["strength"] == pytest.approx(2 * 19 / 20 - 1)
    assert e[("AZE", "TUR")]["weight"] == pytest.approx((2 * 19 / 20 - 1) * 0.25)
    assert e[("ARM", "AZE")]["strength"] == pytest.approx(2 * 1 / 20 - 1)  # 2 tied at -1, none below
    assert e[("AZE", "IRN")]["strength"] == pytest.approx(2 * 3 / 20 - 1)  # 3 below 0
    # AZE-IRN: tone 0 [-0.2, 0.2] spans the expected 1/17: uncertain although its point is below
    assert e[("AZE", "IRN")]["tone"] == 0.0 and e[("AZE", "IRN")]["tone_ci_high"] == pytest.approx(0.2)
    assert e[("AZE", "TUR")]["volume"] == 100.0 and e[("AZE", "TUR")]["n_days"] == 10
    # relations index: 1000 x dyad sum / world |sum| over the same days = 1000 * 100 / (10*24 + 2*1 + 15*25)
    assert e[("AZE", "TUR")]["index"] == pytest.approx(1000 * 100 / 617)


def test_fixture_history_moves_the_expectation(net_store) -> None:
    feb = network.build(net_store, ACT, "2021-02-01:2021-02-10", case=None)
    e = {(x["actor_a"], x["actor_b"]): x for x in feb.edges}
    # February's expected tone = (world median + the dyad's January tone) / 2; the world's week is Mon 1 - Sun
    # 7 February: background (4 * 3 - 3 * 2) / (4 * 3 + 3 * 2) = 1/3
    assert e[("ARM", "AZE")]["history"] == -1.0 and e[("ARM", "AZE")]["expected"] == pytest.approx((1 / 3 - 1) / 2)
    assert e[("AZE", "TUR")]["expected"] == pytest.approx((1 / 3 + 1) / 2) and e[("AZE", "TUR")]["sign"] == -1
    world = network.build(net_store, ACT, "2021-02-01:2021-02-10", case=None, baseline="world")
    assert all(x["expected"] == pytest.approx(1 / 3) for x in world.edges)
    with pytest.raises(UserError, match="unknown baseline"):
        network.build(net_store, ACT, JAN_SPAN, case=None, baseline="zero")


def test_fixture_balance_blocs_and_actors(net_jan: network.SignedNetwork) -> None:
    out = network.analyse(net_jan)
    b = out["balance"]
    assert b["triads"] == {"+++": 0, "++-": 0, "+--": 1, "---": 0}  # ARM-AZE-TUR: -, -, +
    assert b["frustration"] == 0 and b["optimal"] and b["edges_used"] == 4  # AZE-IRN uncertain: left out
    assert sorted(b["partition"]) == [["ARM", "IRN"], ["AZE", "TUR"]]
    assert sorted(out["blocs"]) == [["ARM", "IRN"], ["AZE", "TUR"]] and out["low_evidence"] == []
    st = {r["actor"]: r for r in out["actors"]}
    assert st["ARM"]["pos_strength"] == pytest.approx(e_weight(net_jan, "ARM", "IRN"))
    assert st["ARM"]["neg_strength"] == pytest.approx(e_weight(net_jan, "ARM", "AZE") + e_weight(net_jan, "ARM", "TUR"))
    assert st["AZE"]["uncertain_degree"] == 1 and st["IRN"]["dyad_days"] == 10 + 10 + 2
    # shares: volume of the actor's dyads / total volume (50+40+30+20+100+2 = 242)
    assert st["TUR"]["share"] == pytest.approx((100 + 30 + 2) / 242)
    assert st["AZE"]["pagerank_pos"] == pytest.approx(st["TUR"]["pagerank_pos"])


def e_weight(net: network.SignedNetwork, a: str, b: str) -> float:
    e = net.edge(a, b)
    assert e is not None
    return e["weight"]


def test_low_evidence_actor_is_in_no_bloc() -> None:
    # D's dyads all have 2 days (< 5): D is low evidence, in no bloc, although its edges' points are strong
    rows = [("A", "B", 0.5, 30), ("A", "C", -0.5, 30), ("B", "C", -0.5, 30),
            ("A", "D", 0.9, 2), ("B", "D", 0.9, 2), ("C", "D", -0.9, 2)]
    frame = pd.DataFrame([{"actor_a": a, "actor_b": b, "index": v, "ci_low": v - 0.1, "ci_high": v + 0.1, "n_days": n}
                          for a, b, v, n in rows])
    out = network.analyse(network.from_frame(frame, ["A", "B", "C", "D"]))
    assert out["low_evidence"] == ["D"]
    assert sorted(map(sorted, out["blocs"])) == [["A", "B"], ["C"]]
    assert all("D" not in b for b in out["balance"]["partition"])


def test_partition_fit_by_hand(net_jan: network.SignedNetwork) -> None:
    good = network.partition_fit(net_jan, [["AZE", "TUR"], ["ARM", "IRN"]])
    assert good["named"]["frustration"] == 0 and good["adjusted_rand"] == 1.0 and good["moves"] == 0
    assert good["named_is_optimal"] and len(good["all_optimal"]) == 1
    bad = network.partition_fit(net_jan, [["AZE", "ARM"], ["TUR", "IRN"]])
    # AZE-ARM negative inside, AZE-TUR and ARM-IRN positive across, ARM-TUR negative across (fine)
    assert bad["named"]["frustration"] == 3 and bad["excess_frustration"] == 3 and not bad["named_is_optimal"]
    assert bad["adjusted_rand"] == pytest.approx(-0.5)
    with pytest.raises(UserError, match="not in the network"):
        network.partition_fit(net_jan, [["AZE", "XYZ"], ["ARM"]])
    with pytest.raises(UserError, match="two blocs"):
        network.partition_fit(net_jan, [["AZE", "ARM"], ["ARM"]])


def test_change_test_by_hand(net_store) -> None:
    # January halves: only AZE-IRN moves (tone 0.2 -> -0.2), the most even split possible: p = 1
    same = network.change_test(net_store, ACT, network.Span("a", date(2021, 1, 1), date(2021, 1, 5)),
                               network.Span("b", date(2021, 1, 6), date(2021, 1, 10)), block=1, n_perm=199)
    assert same["observed"] == pytest.approx(0.4 / 5) and same["p_value"] == 1.0
    # January vs February: AZE-TUR and ARM-AZE flip (|change| 2 each over 5 dyads)
    flip = network.change_test(net_store, ACT, network.Span("jan", date(2021, 1, 1), date(2021, 1, 10)),
                               network.Span("feb", date(2021, 2, 1), date(2021, 2, 10)), block=1, n_perm=199)
    assert flip["observed"] == pytest.approx(0.8) and flip["p_value"] < 0.05 and flip["sign_changes"] == 2


def test_periods_and_errors(net_store) -> None:
    spans = network.DEFAULT_PERIODS
    assert network.resolve_period("post-war", spans).start == date(2020, 11, 11)
    assert network.resolve_period("2021-01-01:", spans).end is None
    with pytest.raises(UserError, match="unknown period"):
        network.resolve_period("postwar", spans)
    with pytest.raises(UserError, match="outside gdelt_network's coverage"):
        network.build(net_store, ACT, "2019-01-01:2019-02-01", case=None)
    with pytest.raises(UserError, match="no dyad_days rows for dataset 'nope'"):
        network.build(net_store, ACT, JAN_SPAN, dataset="nope", case=None)


def test_cli_network_json_plot_and_errors(net_store, tmp_path: Path) -> None:
    from detente.cli import app

    r = CliRunner().invoke(app, ["network", "--store", str(net_store.path), "--actors", ",".join(ACT), "--period", JAN_SPAN,
                                 "--partition", "AZE,TUR|ARM,IRN", "--plot", str(tmp_path / "n.png"), "-f", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["nodes"] == ACT and len(out["edges"]) == 6 and out["low_evidence"] == []
    assert {"ratio", "frustration", "partition"} <= set(out["balance"])
    assert out["partition_fit"]["named"]["frustration"] == 0
    assert out["provenance"]["datasets"] == ["gdelt_network"]
    assert (tmp_path / "n.png").read_bytes()[:4] == b"\x89PNG"
    r = CliRunner().invoke(app, ["network", "--store", str(net_store.path), "--actors", "ARM,AZE", "--period", "nowhen"])
    assert r.exit_code == 2 and "unknown period 'nowhen'" in r.output
    r = CliRunner().invoke(app, ["network", "--store", str(net_store.path), "--actors", ",".join(ACT), "--period", JAN_SPAN,
                                 "--plot", str(tmp_path / "n.jpg")])
    assert r.exit_code == 2 and ".png, .svg or .pdf" in r.output
    r = CliRunner().invoke(app, ["network", "--store", str(net_store.path), "--actors", ",".join(ACT), "--period", JAN_SPAN,
                                 "--plot", str(tmp_path / "n.svg")])
    assert r.exit_code == 0 and (tmp_path / "n.svg").read_text().startswith("<svg")


# ---------------------------------------------------------------------------------------- real data
def test_real_post_war_network(real_store) -> None:
    net = network.build(real_store, period="post-war")
    assert {"ARM", "AZE", "IRN", "TUR", "RUS"} <= set(net.nodes)
    sign = {(e["actor_a"], e["actor_b"]): e["sign"] for e in net.edges}
    assert sign[("IRN", "ISR")] == -1 and sign[("IRN", "RUS")] == 1
    # AZE-IRN is cooler than the world's dyads of its volume and than its own history (embassy attack, drills)
    assert sign[("AZE", "IRN")] == -1
    # ARM-AZE: far below the world, but no worse than its own pre-war history: the interval spans the midpoint
    assert sign[("ARM", "AZE")] == 0
    out = network.analyse(net)
    assert out["low_evidence"] == ["GEO"]  # 6 dyads, one with 30+ days: too sparse for a bloc
    assert all("GEO" not in b for b in out["blocs"])
    fit = network.partition_fit(net, [["AZE", "TUR", "ISR"], ["ARM", "IRN"]])
    # against the base rate the claimed camps fit as well as the data's best split: only ARM-TUR (the
    # normalisation talks) is frustrated (against 0 they fitted worse: IRN looked friendly with AZE and TUR)
    assert fit["named_is_optimal"] and fit["named"]["frustrated_edges"] == [["ARM", "TUR"]]


def test_real_war_network_matches_the_two_camps(real_store) -> None:
    net = network.build(real_store, period="war")
    sign = {(e["actor_a"], e["actor_b"]): e["sign"] for e in net.edges}
    assert sign[("ARM", "AZE")] == sign[("ARM", "TUR")] == sign[("AZE", "IRN")] == -1
    fit = network.partition_fit(net, [["AZE", "TUR", "ISR"], ["ARM", "IRN"]])
    assert fit["named_is_optimal"] and fit["all_optimal"]  # the war's signs fit the claimed camps
    for blocs in fit["all_optimal"]:  # 3 optima (AZE-TUR is uncertain); in each ARM is apart from TUR and ISR
        side = {a: k for k, b in enumerate(blocs) for a in b}
        assert side["TUR"] == side["ISR"] != side["ARM"]
    assert len(fit["all_optimal"]) == 3


def test_real_known_alignments(real_store) -> None:
    """The Ukraine war: RUS and UKR in different blocs, the NATO members (POL, USA, DEU) with UKR, in the k blocs
    and in EVERY optimal two-bloc split; and the other known cases of net_fixtures.KNOWN_ALIGNMENTS
    (docs/network.md: 59..70 of 75 camp pairs over the tied optima, 55 of 75 by the k blocs)."""
    from net_fixtures import KNOWN_ALIGNMENTS, pair_score

    def where(blocs: list[list[str]]) -> dict[str, int]:
        return {a: k for k, b in enumerate(blocs) for a in b}

    ukr = KNOWN_ALIGNMENTS[0]
    out = network.analyse(network.build(real_store, [a for c in ukr["camps"] for a in c] + ukr["arguable"],
                                        ukr["period"], case=None))
    assert len(out["balance"]["all_optimal"]) == 1  # no tie: the split is the data's, not a solver's choice
    for blocs in (out["blocs"], out["balance"]["partition"], *out["balance"]["all_optimal"]):
        w = where(blocs)
        assert w["RUS"] != w["UKR"] and w["RUS"] == w["BLR"]
        assert w["POL"] == w["USA"] == w["DEU"] == w["UKR"]
    worst = best = total = k_right = 0
    for c in KNOWN_ALIGNMENTS:
        res = network.analyse(network.build(real_store, [a for camp in c["camps"] for a in camp] + c["arguable"],
                                            c["period"], case=None))
        scores = [pair_score(p, c["camps"]) for p in res["balance"]["all_optimal"]]
        worst += min(r for r, _ in scores)
        best += max(r for r, _ in scores)
        total += scores[0][1]
        k_right += pair_score(res["blocs"], c["camps"])[0]
    assert (worst, best, total, k_right) == (59, 70, 75, 55)


def test_actor_without_signed_edges_is_unaligned() -> None:
    # C's only edge spans 0 (uncertain: unaligned) and D has no data (low evidence): neither belongs to a bloc
    frame = pd.DataFrame([
        {"actor_a": "A", "actor_b": "B", "index": -0.5, "ci_low": -0.8, "ci_high": -0.2, "n_days": 30},
        {"actor_a": "A", "actor_b": "C", "index": 0.1, "ci_low": -0.3, "ci_high": 0.4, "n_days": 30},
    ])
    out = network.analyse(network.from_frame(frame, ["A", "B", "C", "D"]))
    assert out["unaligned"] == ["C"] and out["low_evidence"] == ["D"]
    assert sorted(map(sorted, out["blocs"])) == [["A"], ["B"]]


def test_a_loaded_case_brings_its_own_periods(net_store) -> None:
    """views/report pass a loaded Case; its periods (not the built-in South Caucasus ones) must be used."""
    from detente import views
    from detente.claims.casefile import loads_case

    case = loads_case("name: tiny\ntitle: Tiny\nactors: {ARM: Armenia, AZE: Azerbaijan, IRN: Iran, TUR: Turkey}\n"
                      "periods:\n  early: {start: 2021-01-01, end: 2021-01-10}\n"
                      "  late: {start: 2021-02-01, end: 2021-02-10}\nhypotheses: []\n")
    early, late = views.network(net_store, case, "early"), views.network(net_store, case, "late")
    assert [p["name"] for p in early["periods"]] == ["early", "late"]
    assert (early["start"], early["end"]) == ("2021-01-01", "2021-01-10")
    sign = {v: {(e["a"], e["b"]): e["sign"] for e in net["edges"]} for v, net in (("early", early), ("late", late))}
    assert sign["early"][("AZE", "TUR")] == 1 and sign["late"][("AZE", "TUR")] == -1  # +10 in Jan, -10 in Feb


def test_real_edge_numbers_are_relations_numbers(real_store) -> None:
    """The same dyad-period number: an edge's tone is relations.period_value's, its world base rate is
    relations.base_rate's median (the one claims use), its index is dyad_frame's."""
    from detente import relations

    net = network.build(real_store, ["ARM", "AZE", "IRN", "TUR"], "post-war")
    p = net.period
    r = relations.Reader(real_store)
    for a, b in (("ARM", "IRN"), ("AZE", "IRN"), ("AZE", "TUR")):
        e = net.edge(a, b)
        assert e["tone"] == pytest.approx(relations.period_value(r, a, b, "gdelt_network", p.start, p.end, "tone"))
        assert e["index"] == pytest.approx(relations.period_value(r, a, b, "gdelt_network", p.start, p.end, "index"))
        base = relations.base_rate(r, "gdelt_network", p.start, p.end, "tone", e["volume"])
        assert e["expected_world"] == pytest.approx(base["median"])


def test_pagerank_is_networkx_pagerank(net_jan: network.SignedNetwork) -> None:
    nx = pytest.importorskip("networkx")
    import numpy as np

    rng = np.random.default_rng(3)
    for _ in range(20):
        A = rng.random((8, 8)) * (rng.random((8, 8)) < 0.4)
        A = np.triu(A, 1) + np.triu(A, 1).T
        ref = nx.pagerank(nx.from_numpy_array(A), weight="weight")
        assert network.pagerank(A) == pytest.approx([ref[i] for i in range(8)], abs=1e-9)
    g = net_jan.to_networkx()
    assert sorted(g.nodes) == ACT and g.edges["AZE", "TUR"]["sign"] == 1 and g.number_of_edges() == 4
    st = {r["actor"]: r["pagerank_pos"] for r in network.actor_stats(net_jan)}
    ref = nx.pagerank(nx.Graph([(a, b, d) for a, b, d in g.edges(data=True) if d["sign"] > 0]), weight="weight")
    assert st["AZE"] == pytest.approx(ref["AZE"], abs=1e-9) and st["IRN"] == pytest.approx(ref["IRN"], abs=1e-9)


def test_store_key_is_not_reused_after_a_store_is_collected() -> None:
    """A store object allocated where a collected one was (CPython hands out the freed address at once, so
    the two share an id) must not share its cache key: it would be served the old store's coverage and nets."""

    class S:
        path = "/tmp/same.duckdb"

    keys, ids = [], []
    for _ in range(5):
        s = S()
        keys.append(network._key(s))
        assert network._key(s) == keys[-1]  # stable for one object
        ids.append(id(s))
        del s
    assert len(set(keys)) == 5 and all(k.startswith("/tmp/same.duckdb#") for k in keys)
