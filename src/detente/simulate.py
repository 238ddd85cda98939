"""Alignment dynamics on a measured signed network, scenarios, and a hindcast against persistence.

Two models, both started from the edge tones x_ij in [-1, 1] of one period (uncertain edges at their
point value, missing dyads at 0):

* ``balance``: continuous-time structural-balance dynamics dX/dt = X^2 (Kulakowski, Gawronski &
  Gronek 2005; Marvel, Kleinberg, Kleinberg & Strogatz 2011, PNAS 108(5)), here bounded as
  dx_ij/dt = (1 - x_ij^2) * sum_k x_ik x_kj / (n - 2), Euler steps of ``dt``. A friend of a friend
  pulls an edge up, a friend of an enemy pulls it down; relations saturate at +-1.
* ``interest``: each step every edge moves a fraction ``rate`` toward a target mixing the cosine
  similarity of the two actors' relation profiles (shared partners and shared enemies, weighted by the
  dyad indices) with its measured value (weight ``anchor``): states align with those whose friends and
  enemies they share, but keep part of their own measured relation.

A scenario (YAML) sets edges (held at the value during the run unless ``hold: false``) and removes actors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from detente import balance, network
from detente.errors import UserError

MODELS = ("balance", "interest")
SCENARIO_KEYS = {"name", "description", "period", "changes", "remove", "steps", "model"}


@dataclass
class Scenario:
    name: str
    description: str = ""
    changes: list[dict] = field(default_factory=list)  # {"pair": (A, B), "value": v, "hold": bool}
    remove: list[str] = field(default_factory=list)
    period: str | None = None
    steps: int | None = None
    model: str | None = None


def load_scenario(path: str | Path, nodes: list[str] | None = None) -> Scenario:
    """Read and validate a scenario file; every problem is a one-line error naming the file."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"no scenario file {path}; see src/detente/cases/south_caucasus/scenarios/ for examples")
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise UserError(f"{path.name}: not valid YAML ({str(e).splitlines()[0]})") from e
    return parse_scenario(doc, nodes, source=path.name)


def parse_scenario(doc: Any, nodes: list[str] | None = None, source: str = "scenario") -> Scenario:
    if not isinstance(doc, dict):
        raise UserError(f"{source}: a scenario is a mapping with name, description, changes, remove")
    extra = sorted(set(doc) - SCENARIO_KEYS)
    if extra:
        raise UserError(f"{source}: unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(SCENARIO_KEYS))}")
    if not doc.get("name"):
        raise UserError(f"{source}: give the scenario a name")
    known = set(nodes or [])

    def actor(a: Any, where: str) -> str:
        code = str(a).strip().upper()
        if nodes is not None and code not in known:
            raise UserError(f"{source}: unknown actor {code!r} in {where}; the network has {', '.join(sorted(known))}")
        return code

    changes = []
    for k, ch in enumerate(doc.get("changes") or []):
        where = f"changes[{k}]"
        if not isinstance(ch, dict) or "set" not in ch or "value" not in ch:
            raise UserError(f"{source}: {where} needs `set: [A, B]` and `value: V`")
        pair = ch["set"]
        if not isinstance(pair, list) or len(pair) != 2:
            raise UserError(f"{source}: {where}: `set` takes two actors, e.g. [IRN, AZE]")
        a, b = actor(pair[0], where), actor(pair[1], where)
        if a == b:
            raise UserError(f"{source}: {where}: an edge needs two different actors, got {a} twice")
        try:
            v = float(ch["value"])
        except (TypeError, ValueError):
            raise UserError(f"{source}: {where}: value {ch['value']!r} is not a number in [-1, 1]") from None
        if not -1 <= v <= 1:
            raise UserError(f"{source}: {where}: value {v:g} is outside [-1, 1]")
        changes.append({"pair": tuple(sorted((a, b))), "value": v, "hold": bool(ch.get("hold", True))})
    remove = [actor(a, "remove") for a in (doc.get("remove") or [])]
    clash = [c["pair"] for c in changes if set(c["pair"]) & set(remove)]
    if clash:
        raise UserError(f"{source}: changes on {'-'.join(clash[0])} involve a removed actor; drop one of them")
    model = doc.get("model")
    if model is not None and model not in MODELS:
        raise UserError(f"{source}: unknown model {model!r}; use {' or '.join(MODELS)}")
    steps = doc.get("steps")
    if steps is not None and (not isinstance(steps, int) or steps < 0):
        raise UserError(f"{source}: steps must be a whole number >= 0")
    return Scenario(str(doc["name"]), str(doc.get("description") or ""), changes, remove,
                    doc.get("period"), steps, model)


# ------------------------------------------------------------------------------------ models
def start_matrix(net: network.SignedNetwork) -> np.ndarray:
    """Edge tones in [-1, 1] as a symmetric matrix (uncertain edges at their point value, no edge = 0)."""
    pos = {a: k for k, a in enumerate(net.nodes)}
    X = np.zeros((len(net.nodes), len(net.nodes)))
    for e in net.edges:
        i, j = pos[e["actor_a"]], pos[e["actor_b"]]
        X[i, j] = X[j, i] = e["tone"]
    return X


def balance_dynamics(X0: np.ndarray, steps: int, dt: float = 0.5, held: np.ndarray | None = None) -> np.ndarray:
    """Bounded dX/dt = X^2 (see the module docstring); ``held`` marks entries kept at their start value."""
    X = X0.copy()
    n = len(X)
    scale = max(n - 2, 1)
    for _ in range(steps):
        dX = (1 - X**2) * (X @ X) / scale
        np.fill_diagonal(dX, 0)
        if held is not None:
            dX[held] = 0
        X = np.clip(X + dt * dX, -1, 1)
    return X


def interest_dynamics(X0: np.ndarray, steps: int, rate: float = 0.2, anchor: float = 0.5,
                      held: np.ndarray | None = None) -> np.ndarray:
    """Edges move toward (1 - anchor) * profile similarity + anchor * measured value."""
    X = X0.copy()
    n = len(X)
    for _ in range(steps):
        sim = np.zeros_like(X)
        for i in range(n):
            for j in range(i + 1, n):
                m = np.ones(n, bool)
                m[[i, j]] = False
                u, v = X[i, m], X[j, m]
                den = np.sqrt((u @ u) * (v @ v))
                sim[i, j] = sim[j, i] = (u @ v) / den if den > 0 else 0.0
        T = (1 - anchor) * sim + anchor * X0
        dX = rate * (T - X)
        np.fill_diagonal(dX, 0)
        if held is not None:
            dX[held] = 0
        X = np.clip(X + dX, -1, 1)
    return X


def evolve(X0: np.ndarray, model: str, steps: int, held: np.ndarray | None = None, **kw: float) -> np.ndarray:
    if model == "balance":
        return balance_dynamics(X0, steps, held=held, **kw)
    if model == "interest":
        return interest_dynamics(X0, steps, held=held, **kw)
    raise UserError(f"unknown model {model!r}; use {' or '.join(MODELS)}")


# ------------------------------------------------------------------------------------ outputs
def projected(nodes: list[str], X: np.ndarray, like: network.SignedNetwork, threshold: float = 0.05) -> dict:
    """The projected network: edges (|x| < threshold = uncertain), balance, two blocs and k blocs."""
    have = {(e["actor_a"], e["actor_b"]) for e in like.edges}
    edges = []
    for i, a in enumerate(nodes):
        for j in range(i + 1, len(nodes)):
            b = nodes[j]
            x = float(X[i, j])
            if (a, b) not in have and x == 0:
                continue
            s = 0 if abs(x) < threshold else int(np.sign(x))
            edges.append({"actor_a": a, "actor_b": b, "index": x, "tone": x, "sign": s, "weight": abs(x), "uncertain": s == 0,
                          "ci_low": x, "ci_high": x, "n_days": 0, "volume": 0.0})
    net = network.SignedNetwork(nodes, edges, like.period, dict(like.params))
    bal = network.balance_of(net)
    blocs = network.blocs_of(net, balance.correlation_clusters(net.matrix(weighted=True)))
    return {"edges": edges, "balance": bal, "blocs": blocs}


def run(net: network.SignedNetwork, scenario: Scenario | None = None, model: str = "balance", steps: int = 20,
        **kw: float) -> dict:
    """Run the model with and without the scenario from the same measured network; report the difference."""
    if model not in MODELS:
        raise UserError(f"unknown model {model!r}; use {' or '.join(MODELS)}")
    base_X = start_matrix(net)
    baseline = projected(net.nodes, evolve(base_X, model, steps, **kw), net)
    out: dict[str, Any] = {"model": model, "steps": steps, "parameters": kw,
                           "start": {"period": network.period_dict(net.period), "edges": net.edges}, "baseline": baseline}
    if scenario is None:
        return out
    sub = net.without(scenario.remove)
    X = start_matrix(sub)
    held = np.zeros_like(X, dtype=bool)
    pos = {a: k for k, a in enumerate(sub.nodes)}
    for ch in scenario.changes:
        i, j = pos[ch["pair"][0]], pos[ch["pair"][1]]
        X[i, j] = X[j, i] = ch["value"]
        held[i, j] = held[j, i] = ch["hold"]
    proj = projected(sub.nodes, evolve(X, model, steps, held=held, **kw), sub)
    base_edges = {(e["actor_a"], e["actor_b"]): e for e in baseline["edges"]}
    diff = []
    for e in proj["edges"]:
        b = base_edges.get((e["actor_a"], e["actor_b"]))
        if b is None or b["sign"] != e["sign"] or abs(b["index"] - e["index"]) >= 0.1:
            diff.append({"actor_a": e["actor_a"], "actor_b": e["actor_b"], "baseline": b and b["index"],
                         "scenario": e["index"], "baseline_sign": b and b["sign"], "scenario_sign": e["sign"]})
    out.update({
        "scenario": {"name": scenario.name, "description": scenario.description, "remove": scenario.remove,
                     "changes": [{"set": list(c["pair"]), "value": c["value"], "hold": c["hold"]}
                                 for c in scenario.changes]},
        "projected": proj,
        "versus_baseline": {
            "edges": diff,
            "sign_changes": sum(1 for d in diff if d["baseline_sign"] != d["scenario_sign"]),
            "balance_ratio": {"baseline": baseline["balance"]["ratio"], "scenario": proj["balance"]["ratio"]},
            "frustration": {"baseline": baseline["balance"]["frustration"], "scenario": proj["balance"]["frustration"]},
            "blocs": {"baseline": baseline["blocs"], "scenario": proj["blocs"]},
        },
    })
    return out


# ------------------------------------------------------------------------------------ hindcast
def hindcast(store: Any, actors: list[str] | None = None, start: str = "pre-war", target: str = "post-war",
             steps: int = 20, dataset: str = network.DEFAULT_DATASET, case: Any = "south_caucasus",
             **kw: float) -> dict:
    """Predict the ``target`` period's edge signs from the ``start`` network with each model and with
    persistence (sign unchanged). Scored on dyads whose target sign is certain."""
    before = network.build(store, actors, start, dataset=dataset, case=case)
    after = network.build(store, actors, target, dataset=dataset, case=case)
    truth = {(e["actor_a"], e["actor_b"]): e["sign"] for e in after.edges if e["sign"] != 0}
    X0 = start_matrix(before)
    pos = {a: k for k, a in enumerate(before.nodes)}
    scored = [d for d in sorted(truth) if d[0] in pos and d[1] in pos and X0[pos[d[0]], pos[d[1]]] != 0]
    if not scored:
        raise UserError(f"no dyad has a certain sign in {target} and data in {start}; choose other periods")
    preds: dict[str, dict] = {"persistence": {d: int(np.sign(X0[pos[d[0]], pos[d[1]]])) for d in scored},
                              "all_positive": {d: 1 for d in scored}}
    for m in MODELS:
        X = evolve(X0, m, steps, **kw)
        preds[m] = {d: int(np.sign(X[pos[d[0]], pos[d[1]]])) for d in scored}
    changed = [d for d in scored if preds["persistence"][d] != truth[d]]
    from scipy.stats import binomtest

    result = {}
    for name, p in preds.items():
        hits = sum(p[d] == truth[d] for d in scored)
        result[name] = {"accuracy": hits / len(scored), "correct": hits,
                        "changed_edges_caught": sum(p[d] == truth[d] for d in changed)}
        if name in MODELS:  # exact McNemar test against persistence on the dyads where they disagree
            win = sum(p[d] == truth[d] != preds["persistence"][d] for d in scored)
            loss = sum(preds["persistence"][d] == truth[d] != p[d] for d in scored)
            result[name] |= {"wins_vs_persistence": win, "losses_vs_persistence": loss,
                             "mcnemar_p": binomtest(win, win + loss).pvalue if win + loss else 1.0}
    best_model = max(MODELS, key=lambda m: result[m]["accuracy"])
    r = result[best_model]
    if r["accuracy"] > result["persistence"]["accuracy"]:
        verdict = (f"the {best_model} model beats persistence ({r['accuracy']:.0%} vs "
                   f"{result['persistence']['accuracy']:.0%}, {r['wins_vs_persistence']} dyad(s) won, "
                   f"{r['losses_vs_persistence']} lost, McNemar p = {r['mcnemar_p']:.2g})")
        if r["mcnemar_p"] >= 0.05:
            verdict += "; the difference is within chance on this few dyads"
    else:
        verdict = ("no model beats persistence: the start network's signs predict the target as well or better "
                   f"({result['persistence']['accuracy']:.0%})")
    return {
        "start": network.period_dict(before.period), "target": network.period_dict(after.period), "steps": steps, "dyads_scored": len(scored),
        "edges_that_changed_sign": [list(d) for d in changed], "accuracy": result, "verdict": verdict,
        "predictions": [{"actor_a": d[0], "actor_b": d[1], "observed": truth[d], **{k: preds[k][d] for k in preds}}
                        for d in scored],
        "provenance": {"dataset": dataset, "models": list(MODELS), "parameters": kw},
    }
