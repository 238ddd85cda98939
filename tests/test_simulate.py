"""Alignment dynamics: hand-checked steps, scenario validation, scenario runs, the hindcast."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from detente import network, simulate
from detente.errors import UserError
from net_fixtures import ACT, JAN_SPAN

SCENARIOS = Path(simulate.__file__).parent / "cases" / "south_caucasus" / "scenarios"


def test_balance_dynamics_one_step_by_hand() -> None:
    X = np.full((3, 3), 0.5)
    np.fill_diagonal(X, 0)
    # dx12/dt = (1 - 0.25) * x13 * x32 / (n - 2) = 0.1875; one Euler step of 0.5
    assert simulate.balance_dynamics(X, 1, dt=0.5)[0, 1] == pytest.approx(0.5 + 0.5 * 0.1875)


def test_balance_dynamics_resolves_an_unbalanced_triangle() -> None:
    X = np.array([[0, 0.6, -0.2], [0.6, 0, 0.5], [-0.2, 0.5, 0]])
    Y = simulate.balance_dynamics(X, 200)
    s = np.sign(Y)
    assert s[0, 1] * s[1, 2] * s[0, 2] > 0  # balanced at the end
    assert s[0, 2] > 0  # the weak negative edge is the one that turned


def test_interest_dynamics_one_step_by_hand() -> None:
    X = np.array([[0, 0, 0.5], [0, 0, 0.5], [0.5, 0.5, 0]])
    # profiles of 0 and 1 without each other: [0.5] and [0.5], cosine 1; target 0.5 * 1 + 0.5 * 0 = 0.5
    assert simulate.interest_dynamics(X, 1, rate=0.2, anchor=0.5)[0, 1] == pytest.approx(0.1)


def test_held_edges_do_not_move() -> None:
    X = np.array([[0, 0.6, -0.2], [0.6, 0, 0.5], [-0.2, 0.5, 0]])
    held = np.zeros_like(X, bool)
    held[0, 2] = held[2, 0] = True
    for model in simulate.MODELS:
        assert simulate.evolve(X, model, 30, held=held)[0, 2] == -0.2


@pytest.mark.parametrize("doc, message", [
    ({"name": "x", "changes": [{"set": ["IRN", "XYZ"], "value": 0.5}]}, "unknown actor 'XYZ'"),
    ({"name": "x", "changes": [{"set": ["IRN", "AZE"], "value": 1.5}]}, r"value 1.5 is outside \[-1, 1\]"),
    ({"name": "x", "changes": [{"set": ["IRN", "AZE"], "value": "warm"}]}, "is not a number"),
    ({"name": "x", "changes": [{"set": ["IRN", "IRN"], "value": 0.5}]}, "two different actors"),
    ({"name": "x", "changes": [{"set": ["IRN"], "value": 0.5}]}, "takes two actors"),
    ({"name": "x", "remove": ["TUR"], "changes": [{"set": ["TUR", "AZE"], "value": 0.5}]}, "removed actor"),
    ({"name": "x", "remove": ["USSR"]}, "unknown actor 'USSR'"),
    ({"name": "x", "chnages": []}, "unknown key"),
    ({"changes": []}, "give the scenario a name"),
    ({"name": "x", "model": "markov"}, "unknown model"),
])
def test_scenario_validation(doc: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        simulate.parse_scenario(doc, ["ARM", "AZE", "IRN", "TUR"])


def test_scenario_files_load(tmp_path: Path) -> None:
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 3
    actors, _ = network.case_setup("south_caucasus")
    for f in files:
        sc = simulate.load_scenario(f, actors)
        assert sc.name and (sc.changes or sc.remove)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n")
    with pytest.raises(UserError, match="bad.yaml: not valid YAML"):
        simulate.load_scenario(bad)
    with pytest.raises(UserError, match="no scenario file"):
        simulate.load_scenario(tmp_path / "missing.yaml")


def test_run_scenario_on_the_fixture(net_jan: network.SignedNetwork) -> None:
    sc = simulate.parse_scenario({"name": "thaw", "changes": [{"set": ["ARM", "AZE"], "value": 0.9}],
                                  "remove": ["IRN"]}, net_jan.nodes)
    out = simulate.run(net_jan, sc, steps=10)
    proj = {(e["actor_a"], e["actor_b"]): e for e in out["projected"]["edges"]}
    assert "IRN" not in {a for k in proj for a in k}
    assert proj[("ARM", "AZE")]["index"] == 0.9  # held
    base = {(e["actor_a"], e["actor_b"]): e for e in out["baseline"]["edges"]}
    assert base[("ARM", "AZE")]["sign"] == -1
    assert any(d["actor_a"] == "ARM" and d["actor_b"] == "AZE" for d in out["versus_baseline"]["edges"])
    assert out["versus_baseline"]["sign_changes"] >= 1


def test_cli_simulate_scenario_and_errors(net_store, tmp_path: Path) -> None:
    from detente.cli import app

    f = tmp_path / "s.yaml"
    f.write_text("name: war\nchanges:\n  - set: [AZE, TUR]\n    value: -1\n")
    r = CliRunner().invoke(app, ["simulate", "--store", str(net_store.path), "--scenario", str(f), "--actors",
                                 ",".join(ACT), "--period", JAN_SPAN, "--steps", "5", "-f", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["scenario"]["name"] == "war" and out["steps"] == 5 and out["label"] == "exploratory"
    r = CliRunner().invoke(app, ["simulate", "--store", str(net_store.path), "--scenario", str(f), "--actors",
                                 ",".join(ACT), "--period", JAN_SPAN, "--steps", "5"])
    assert r.exit_code == 0 and "[EXPLORATORY]" in r.output and "EXPLORATORY: no hindcast skill" in r.output
    assert {"edges", "balance", "blocs"} <= set(out["projected"])
    f.write_text("name: war\nchanges:\n  - set: [AZE, GEO]\n    value: -1\n")
    r = CliRunner().invoke(app, ["simulate", "--store", str(net_store.path), "--scenario", str(f), "--actors",
                                 ",".join(ACT), "--period", JAN_SPAN])
    assert r.exit_code == 2 and "unknown actor 'GEO'" in r.output
    r = CliRunner().invoke(app, ["simulate", "--store", str(net_store.path)])
    assert r.exit_code == 2 and "--scenario FILE" in r.output


@pytest.fixture(scope="module")
def monthly_store(tmp_path_factory: pytest.TempPathFactory):
    from net_fixtures import make_monthly_store

    s = make_monthly_store(tmp_path_factory.mktemp("monthly") / "m.duckdb")
    yield s
    s.close()


def test_hindcast_on_the_fixture(monthly_store) -> None:
    built = network.NETWORKS_BUILT
    h = simulate.hindcast(monthly_store, ACT, case=None)
    assert network.NETWORKS_BUILT - built == h["months"] == 30  # every month's network built once (one pass)
    again = simulate.hindcast(monthly_store, ACT, case=None)
    assert again is h and network.NETWORKS_BUILT - built == 30  # nothing rebuilt
    r = h["horizon"]
    # origins: months 12 .. 29 - h; 4 dyads each
    assert [r[k]["origins"] for k in (1, 3, 6)] == [17, 15, 12] and r[1]["dyad_origins"] == 68
    # persistence: the 3 constant dyads always right, the alternating ARM-IRN right only at even horizons
    assert [r[k]["persistence"]["sign_accuracy"] for k in (1, 3, 6)] == [0.75, 0.75, 1.0]
    assert r[1]["persistence"]["changed_edges_caught"] == 0 and r[1]["sign_changes"] == 17
    assert r[6]["persistence"]["mse"] < 1e-3  # six months on, every strength repeats (up to the base rate's weeks)
    assert r[6]["interest"]["skill_vs_persistence"]["ci_high"] < 0  # nothing beats persistence on a 2-month cycle
    sk = r[1]["climatology"]["skill_vs_persistence"]  # ... but one month on the mean beats the flip-flopping past
    assert 0 < sk["ci_low"] <= sk["value"] <= sk["ci_high"]
    assert h["label"] == "exploratory" and "no model beats persistence" in h["verdict"] and not h["beats_persistence"]
    assert np.isnan(simulate._skill(np.ones(3), np.zeros(3), np.ones((3, 5)))["value"])  # perfect reference


def test_monthly_states_are_the_networks(monthly_store) -> None:
    """The hindcast's state for a month is the strength network.build gives that month (the same number)."""
    st = simulate.monthly_states(monthly_store, ACT, case=None)
    p = st["months"][14]
    net = network.build(monthly_store, ACT, network.Span("m", p.start, p.end), case=None)
    pos = {a: k for k, a in enumerate(st["nodes"])}
    for e in net.edges:
        assert st["S"][14, pos[e["actor_a"]], pos[e["actor_b"]]] == pytest.approx(e["strength"])
        assert st["sign"][14, pos[e["actor_a"]], pos[e["actor_b"]]] == e["sign"]


def _same_networks(many: list, one: list) -> None:
    """Edge by edge, field by field: the same value and type (NaN where both are NaN)."""
    assert len(many) == len(one)
    for a, b in zip(many, one, strict=True):
        assert (a.nodes, a.period, a.params) == (b.nodes, b.period, b.params)
        assert [(e["actor_a"], e["actor_b"]) for e in a.edges] == [(e["actor_a"], e["actor_b"]) for e in b.edges]
        for x, y in zip(a.edges, b.edges, strict=True):
            assert x.keys() == y.keys()
            for k in x:
                assert type(x[k]) is type(y[k]), k
                assert x[k] == y[k] or (x[k] != x[k] and y[k] != y[k]), (a.period.name, x["actor_a"], x["actor_b"], k)


def test_one_pass_months_equal_network_build(monthly_store) -> None:
    """build_many (the hindcast's one pass over every month) gives each month exactly network.build's network."""
    from detente.periods import cut

    months = cut("month", *network.coverage(monthly_store))
    network._NETS.clear()
    built = network.NETWORKS_BUILT
    many = network.build_many(monthly_store, ACT, months, case=None)
    assert network.NETWORKS_BUILT - built == len(months) == 30
    assert network.build_many(monthly_store, ACT, months, case=None)[3] is many[3]  # served from build's cache
    assert network.build(monthly_store, ACT, months[3], case=None, with_index=False) is many[3]
    network._NETS.clear()
    one = [network.build(monthly_store, ACT, p, case=None, with_index=False) for p in months]
    _same_networks(many, one)
    assert sum(len(n.edges) for n in many) == 4 * 30  # the fixture's 4 dyads in every month


def test_hindcast_needs_months(net_store) -> None:
    with pytest.raises(UserError, match="a hindcast needs at least 20 months"):
        simulate.hindcast(net_store, ACT, case=None)


def test_steps_are_bounded(net_jan: network.SignedNetwork, net_store, tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"steps 1000000000 is above the limit of 10000 .*--max-steps"):
        simulate.parse_scenario({"name": "x", "steps": "1e9"}, source="big.yaml")
    with pytest.raises(UserError, match="big.yaml: steps 100000 is above"):
        simulate.parse_scenario({"name": "x", "steps": 100_000}, source="big.yaml")
    assert simulate.parse_scenario({"name": "x", "steps": 100_000}, max_steps=10**6).steps == 100_000
    with pytest.raises(UserError, match="above the limit"):
        simulate.run(net_jan, steps=10**9)
    from detente.cli import app

    f = tmp_path / "big.yaml"
    f.write_text("name: big\nsteps: 1e9\nchanges:\n  - set: [AZE, TUR]\n    value: -1\n")
    r = CliRunner().invoke(app, ["simulate", "--store", str(net_store.path), "--scenario", str(f),
                                 "--actors", ",".join(ACT), "--period", JAN_SPAN])
    assert r.exit_code == 2 and "--max-steps" in r.output and len(r.output.strip().splitlines()) <= 3


def test_outputs_are_labelled_exploratory(net_jan: network.SignedNetwork) -> None:
    out = simulate.run(net_jan, steps=3)
    assert out["label"] == "exploratory" and "hindcast" in out["label_note"]
    assert simulate.run(net_jan, steps=3, skill={"skilful": True, "verdict": "v"})["label"] == "skilful"
    assert simulate.run(net_jan, steps=3, skill={"skilful": False})["label"] == "exploratory"


# ---------------------------------------------------------------------------------------- real data
def test_real_hindcast(real_store) -> None:
    h = simulate.hindcast(real_store)
    assert h["months"] >= 70 and h["horizon"][1]["origins"] >= 55 and h["horizon"][1]["dyad_origins"] >= 500
    for hz in simulate.HORIZONS:
        for m in simulate.MODELS:
            sk = h["horizon"][hz][m]["skill_vs_persistence"]
            assert sk["ci_low"] <= sk["value"] <= sk["ci_high"]
    # docs/network.md: climatology beats persistence (monthly strengths revert to the dyad's mean); no model
    # beats climatology, so every simulation output is exploratory
    assert h["horizon"][1]["climatology"]["skill_vs_persistence"]["ci_low"] > 0
    assert not h["beats_climatology"] and h["label"] == "exploratory"


def test_real_one_pass_months_equal_network_build(real_store) -> None:
    """On the bundled store: the first months, the war months and the last months of the one pass equal
    network.build's, signed edges and history tones included."""
    from detente.periods import cut

    months = cut("month", *network.coverage(real_store))
    pick = [0, 1, 2] + [k for k, p in enumerate(months) if p.start.isoformat()[:7] in ("2020-09", "2020-10")] + \
        [len(months) - 2, len(months) - 1]
    network._NETS.clear()
    many = network.build_many(real_store, None, [months[k] for k in pick])
    network._NETS.clear()
    one = [network.build(real_store, None, months[k], with_index=False) for k in pick]
    _same_networks(many, one)
    assert any(e["sign"] for n in many for e in n.edges) and any(e["history"] is not None for e in many[-1].edges)


def test_real_baseline_does_not_drift_to_one_bloc(real_store) -> None:
    net = network.build(real_store, period="post-war")
    out = simulate.run(net, steps=20)
    base = {(e["actor_a"], e["actor_b"]): e for e in out["baseline"]["edges"]}
    assert base[("IRN", "ISR")]["index"] < 0 and base[("IRN", "ISR")]["sign"] == -1  # stays negative
    assert sum(e["sign"] < 0 for e in base.values()) >= 3  # not every edge drifts to +1
    assert out["label"] == "exploratory"
