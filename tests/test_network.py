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


def test_from_frame_by_hand() -> None:
    frame = pd.DataFrame([
        {"actor_a": "A", "actor_b": "B", "index": 0.5, "ci_low": 0.2, "ci_high": 0.8, "n_days": 30},
        {"actor_a": "A", "actor_b": "C", "index": -0.2, "ci_low": -0.5, "ci_high": 0.1, "n_days": 30},
        {"actor_a": "B", "actor_b": "C", "index": -0.9, "ci_low": -1.0, "ci_high": -0.8, "n_days": 3},
    ])
    net = network.from_frame(frame, ["A", "B", "C"], min_days=5)
    assert [(e["actor_a"], e["actor_b"], e["sign"], e["uncertain"]) for e in net.edges] == [
        ("A", "B", 1, False), ("A", "C", 0, True)]  # B-C has too few days to be an edge
    assert net.matrix().tolist() == [[0, 1, 0], [1, 0, 0], [0, 0, 0]]
    assert net.matrix(uncertain="point").tolist() == [[0, 1, -1], [1, 0, 0], [-1, 0, 0]]
    assert net.matrix(weighted=True)[0, 1] == pytest.approx(0.5)


def test_fixture_network_by_hand(net_jan: network.SignedNetwork) -> None:
    e = {(x["actor_a"], x["actor_b"]): x for x in net_jan.edges}
    assert set(e) == {("ARM", "AZE"), ("ARM", "IRN"), ("ARM", "TUR"), ("AZE", "IRN"), ("AZE", "TUR")}  # IRN-TUR: 2 days
    assert {k: v["sign"] for k, v in e.items()} == {("ARM", "AZE"): -1, ("ARM", "IRN"): 1, ("ARM", "TUR"): -1,
                                                   ("AZE", "IRN"): 0, ("AZE", "TUR"): 1}
    assert e[("AZE", "TUR")]["tone"] == 1.0 and e[("AZE", "IRN")]["tone"] == 0.0
    assert e[("AZE", "TUR")]["volume"] == 100.0 and e[("AZE", "TUR")]["n_days"] == 10
    # relations index: 1000 x dyad sum / world |sum| over the same days = 1000 * 100 / (10*24 + 2*1)
    assert e[("AZE", "TUR")]["index"] == pytest.approx(1000 * 100 / 242)


def test_fixture_balance_blocs_and_actors(net_jan: network.SignedNetwork) -> None:
    out = network.analyse(net_jan)
    b = out["balance"]
    assert b["triads"] == {"+++": 0, "++-": 0, "+--": 1, "---": 0}  # ARM-AZE-TUR: -, -, +
    assert b["frustration"] == 0 and b["optimal"] and b["edges_used"] == 4  # AZE-IRN uncertain: left out
    assert sorted(b["partition"]) == [["ARM", "IRN"], ["AZE", "TUR"]]
    assert sorted(out["blocs"]) == [["ARM", "IRN"], ["AZE", "TUR"]]
    st = {r["actor"]: r for r in out["actors"]}
    assert st["ARM"]["pos_strength"] == 1.0 and st["ARM"]["neg_strength"] == 2.0 and st["AZE"]["uncertain_degree"] == 1
    # shares: volume of the actor's dyads / total volume (50+40+30+20+100 = 240)
    assert st["TUR"]["share"] == pytest.approx((100 + 30) / 240)
    assert st["AZE"]["pagerank_pos"] == pytest.approx(st["TUR"]["pagerank_pos"])


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
    assert out["nodes"] == ACT and len(out["edges"]) == 5
    assert {"ratio", "frustration", "partition"} <= set(out["balance"])
    assert out["partition_fit"]["named"]["frustration"] == 0
    assert out["provenance"]["datasets"] == ["gdelt_network"]
    assert (tmp_path / "n.png").read_bytes()[:4] == b"\x89PNG"
    r = CliRunner().invoke(app, ["network", "--store", str(net_store.path), "--actors", "ARM,AZE", "--period", "nowhen"])
    assert r.exit_code == 2 and "unknown period 'nowhen'" in r.output
    r = CliRunner().invoke(app, ["network", "--store", str(net_store.path), "--actors", ",".join(ACT), "--period", JAN_SPAN,
                                 "--plot", str(tmp_path / "n.jpg")])
    assert r.exit_code == 2 and ".png or .svg" in r.output


# ---------------------------------------------------------------------------------------- real data
def test_real_post_war_network(real_store) -> None:
    net = network.build(real_store, period="post-war")
    assert {"ARM", "AZE", "IRN", "TUR", "RUS"} <= set(net.nodes)
    sign = {(e["actor_a"], e["actor_b"]): e["sign"] for e in net.edges}
    assert sign[("AZE", "TUR")] == 1 and sign[("IRN", "RUS")] == 1  # the strongest partnerships in the data
    assert sign[("IRN", "ISR")] == -1  # the one firmly hostile pair
    assert sign[("ARM", "AZE")] == 0  # ceasefire years: conflict and talks net out, interval spans 0
    out = network.analyse(net)
    assert out["balance"]["frustration"] <= 2 and out["balance"]["optimal"]
    fit = network.partition_fit(net, [["AZE", "TUR", "ISR"], ["ARM", "IRN"]])
    assert fit["excess_frustration"] > 0  # the claimed two camps fit worse than the data's best split


def test_real_war_network_matches_the_two_camps(real_store) -> None:
    net = network.build(real_store, period="war")
    sign = {(e["actor_a"], e["actor_b"]): e["sign"] for e in net.edges}
    assert sign[("ARM", "AZE")] == -1 and sign[("ARM", "TUR")] == -1
    fit = network.partition_fit(net, [["AZE", "TUR", "ISR"], ["ARM", "IRN"]])
    assert fit["named_is_optimal"]


def test_actor_without_signed_edges_is_unaligned() -> None:
    # C's only edge spans 0 (uncertain) and D has no data: neither belongs to a bloc
    frame = pd.DataFrame([
        {"actor_a": "A", "actor_b": "B", "index": -0.5, "ci_low": -0.8, "ci_high": -0.2, "n_days": 30},
        {"actor_a": "A", "actor_b": "C", "index": 0.1, "ci_low": -0.3, "ci_high": 0.4, "n_days": 30},
    ])
    out = network.analyse(network.from_frame(frame, ["A", "B", "C", "D"]))
    assert out["unaligned"] == ["C", "D"]
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
