"""Alignment dynamics on a measured signed network, scenarios, and a rolling-origin hindcast with skill scores.

Both models start from the edge *strengths* s_ij in [-1, 1] of one period (network.build: the dyad's tone
against its expected tone, as a signed percentile of the world's dyads of similar volume; 0 = as expected;
uncertain edges at their point value, missing and low-evidence dyads at 0):

* ``balance``: continuous-time structural-balance dynamics dX/dt = X^2 (Kulakowski, Gawronski &
  Gronek 2005; Marvel, Kleinberg, Kleinberg & Strogatz 2011, PNAS 108(5)), here bounded as
  dx_ij/dt = (1 - x_ij^2) * sum_k x_ik x_kj / (n - 2), Euler steps of ``dt``. A friend of a friend
  pulls an edge up, a friend of an enemy pulls it down; relations saturate at +-1.
* ``interest``: each step every edge moves a fraction ``rate`` toward a target mixing the cosine
  similarity of the two actors' relation profiles (shared partners and shared enemies, weighted by the
  edge strengths) with its measured value (weight ``anchor``): states align with those whose friends and
  enemies they share, but keep part of their own measured relation.

A scenario (YAML) sets edges (held at the value during the run unless ``hold: false``) and removes actors.

``hindcast``: every calendar month is an origin; each model, persistence and climatology predict the
strengths 1, 3 and 6 months ahead for every dyad with evidence at both ends; skill = 1 - MSE / MSE of the
reference, with a 95% block-bootstrap interval over origins. Unless a model's skill against both persistence
and climatology is above 0 (interval) at every horizon, every simulation output carries
``label: "exploratory"``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from detente import balance, network, yamlsafe
from detente.errors import UserError

MODELS = ("balance", "interest")
MAX_STEPS = 10_000  # model steps per run (issue 18: 1e9 steps ran for minutes); raise with --max-steps
HORIZONS = (1, 3, 6)  # months ahead the hindcast scores
STEPS_PER_MONTH = 1  # model steps per month of horizon (fixed before the first hindcast was run)
WARMUP_MONTHS = 12  # months of states before the first origin (climatology needs a past)
EXPLORATORY = ("no model beats both persistence and climatology in the rolling-origin hindcast "
               "(docs/network.md); read projections as what-if arithmetic, not forecasts")
SCENARIO_KEYS = {"name", "description", "period", "changes", "remove", "steps", "model"}

__all__ = ["HORIZONS", "MAX_STEPS", "MODELS", "Scenario", "balance_dynamics", "evolve", "hindcast",
           "interest_dynamics", "load_scenario", "monthly_states", "parse_scenario", "run", "start_matrix"]


@dataclass
class Scenario:
    """A what-if on a measured network (:func:`parse_scenario`): edges set to a value, actors removed.

    Examples
    --------
    >>> Scenario("thaw", changes=[{"pair": ("ARM", "TUR"), "value": 0.5, "hold": True}]).changes[0]["value"]
    0.5
    """

    name: str
    description: str = ""
    changes: list[dict] = field(default_factory=list)  # {"pair": (A, B), "value": v, "hold": bool}
    remove: list[str] = field(default_factory=list)
    period: str | None = None
    steps: int | None = None
    model: str | None = None


def load_scenario(path: str | Path, nodes: list[str] | None = None, max_steps: int = MAX_STEPS) -> Scenario:
    """Read and validate a scenario file; every problem is a one-line error naming the file.

    Parameters
    ----------
    path : str or Path
        A YAML file with name, description and optional period, changes, remove, steps, model.
    nodes : list of str, optional
        The network's actors: an actor outside them is an error.
    max_steps : int
        The largest ``steps`` the file may ask for.

    Returns
    -------
    Scenario

    Examples
    --------
    One of the South Caucasus case's scenario files:

    >>> from detente.network import CASES
    >>> sc = load_scenario(CASES / "south_caucasus" / "scenarios" / "new_karabakh_war.yaml")
    >>> sc.name, sc.period, [(c["pair"], c["value"]) for c in sc.changes]
    ('new-karabakh-war', 'post-war', [(('ARM', 'AZE'), -1.0), (('ARM', 'TUR'), -0.8), (('AZE', 'TUR'), 1.0)])
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"no scenario file {path}; see src/detente/cases/south_caucasus/scenarios/ for examples")
    try:
        doc = yamlsafe.safe_load(path.read_text(), str(path))
    except yaml.YAMLError as e:
        raise UserError(f"{path.name}: not valid YAML ({str(e).splitlines()[0]})") from e
    return parse_scenario(doc, nodes, source=path.name, max_steps=max_steps)


def parse_scenario(doc: Any, nodes: list[str] | None = None, source: str = "scenario",
                   max_steps: int = MAX_STEPS) -> Scenario:
    """A scenario from a parsed YAML mapping (what :func:`load_scenario` reads), checked key by key.

    Parameters
    ----------
    doc : dict
        ``name`` (required), ``description``, ``period``, ``changes`` (``{set: [A, B], value: V, hold: bool}``
        with V in [-1, 1]), ``remove`` (actors), ``steps``, ``model``.
    nodes : list of str, optional
        The network's actors: an actor outside them is an error.
    source : str
        Named in error messages.
    max_steps : int
        The largest ``steps`` allowed.

    Returns
    -------
    Scenario
        Pairs sorted; ``hold`` defaults to True.

    Raises
    ------
    UserError
        One line naming ``source`` and what is wrong.

    Examples
    --------
    >>> sc = parse_scenario({"name": "thaw", "changes": [{"set": ["TUR", "ARM"], "value": 0.5}]})
    >>> sc.changes
    [{'pair': ('ARM', 'TUR'), 'value': 0.5, 'hold': True}]
    >>> from detente import UserError
    >>> try:
    ...     parse_scenario({"name": "x", "changes": [{"set": ["ARM", "TUR"], "value": 2}]})
    ... except UserError as e:
    ...     print(e)
    scenario: changes[0]: value 2 is outside [-1, 1]
    """
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
    if isinstance(steps, float) and steps.is_integer() or isinstance(steps, str) and steps.strip().lstrip(
            "+").replace("e", "", 1).isdigit():
        steps = int(float(steps))  # 1e9 / 1.0e+9: a whole number written as a float
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 0):
        raise UserError(f"{source}: steps must be a whole number >= 0")
    if steps is not None:
        check_steps(steps, max_steps, source=f"{source}: steps")
    return Scenario(str(doc["name"]), str(doc.get("description") or ""), changes, remove,
                    doc.get("period"), steps, model)


def check_steps(steps: int, limit: int = MAX_STEPS, source: str = "--steps") -> int:
    """``steps`` if within ``limit``, else a one-line error naming the limit and how to raise it."""
    if steps > limit:
        raise UserError(f"{source} {steps} is above the limit of {limit} model steps (simulate.MAX_STEPS); "
                        f"use fewer steps, or raise the limit with --max-steps {steps}")
    return steps


# ------------------------------------------------------------------------------------ models
def start_matrix(net: network.SignedNetwork) -> np.ndarray:
    """Edge strengths in [-1, 1] as a symmetric matrix (uncertain edges at their point value; no edge and
    low-evidence edges = 0, i.e. as expected).

    Parameters
    ----------
    net : SignedNetwork
        From :func:`detente.network.build` or :func:`detente.network.from_frame`.

    Returns
    -------
    numpy.ndarray
        n x n, rows and columns in ``net.nodes`` order, zero diagonal.

    Examples
    --------
    ``from_frame`` sets the strength to the index clipped to [-1, 1]:

    >>> import pandas as pd
    >>> from detente.network import from_frame
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE"], "actor_b": ["AZE", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8], "ci_low": [-0.8, -0.5, 0.6], "ci_high": [-0.4, -0.1, 0.9],
    ...                   "n_days": [40, 20, 50]})
    >>> start_matrix(from_frame(f, ["ARM", "AZE", "TUR"])).tolist()
    [[0.0, -0.6, -0.3], [-0.6, 0.0, 0.8], [-0.3, 0.8, 0.0]]
    """
    pos = {a: k for k, a in enumerate(net.nodes)}
    X = np.zeros((len(net.nodes), len(net.nodes)))
    for e in net.edges:
        if e.get("low_evidence"):
            continue
        i, j = pos[e["actor_a"]], pos[e["actor_b"]]
        X[i, j] = X[j, i] = e.get("strength", e.get("tone", 0.0))
    return X


def balance_dynamics(X0: np.ndarray, steps: int, dt: float = 0.5, held: np.ndarray | None = None) -> np.ndarray:
    """Bounded dX/dt = X^2 (see the module docstring); ``held`` marks entries kept at their start value.

    Parameters
    ----------
    X0 : numpy.ndarray
        Symmetric start strengths in [-1, 1] (:func:`start_matrix`).
    steps : int
        Euler steps.
    dt : float
        Step length.
    held : numpy.ndarray of bool, optional
        Entries that do not move.

    Returns
    -------
    numpy.ndarray
        The strengths after ``steps``, clipped to [-1, 1].

    Examples
    --------
    Armenia is hostile to Azerbaijan (-0.5), Azerbaijan friendly with Turkey (0.5), Armenia-Turkey neutral.
    One step: the enemy of a friend pulls Armenia-Turkey to 0.5 x (1 - 0) x (-0.5 x 0.5) / 1 = -0.125; the
    other two edges have no third side yet (their products pass through the 0 edge) and stay:

    >>> import numpy as np
    >>> X0 = np.array([[0, -0.5, 0], [-0.5, 0, 0.5], [0, 0.5, 0]])
    >>> balance_dynamics(X0, steps=1).tolist()
    [[0.0, -0.5, -0.125], [-0.5, 0.0, 0.5], [-0.125, 0.5, 0.0]]
    """
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
    """Edges move toward (1 - anchor) * profile similarity + anchor * measured value.

    Parameters
    ----------
    X0 : numpy.ndarray
        Symmetric measured strengths in [-1, 1] (:func:`start_matrix`); also the anchor's target.
    steps : int
        Steps.
    rate : float
        Share of the way to the target moved each step.
    anchor : float
        Weight of the measured value in the target.
    held : numpy.ndarray of bool, optional
        Entries that do not move.

    Returns
    -------
    numpy.ndarray
        The strengths after ``steps``, clipped to [-1, 1].

    Examples
    --------
    The same triangle as in :func:`balance_dynamics`. Armenia's and Turkey's profiles toward Azerbaijan are
    -0.5 and 0.5 (cosine -1), so Armenia-Turkey moves 0.2 x (0.5 x -1 + 0.5 x 0) = -0.1; the other two
    profiles meet a 0 entry (similarity 0) and move a fifth of the way to half their value (-0.5 -> -0.45):

    >>> import numpy as np
    >>> X0 = np.array([[0, -0.5, 0], [-0.5, 0, 0.5], [0, 0.5, 0]])
    >>> interest_dynamics(X0, steps=1).round(3).tolist()
    [[0.0, -0.45, -0.1], [-0.45, 0.0, 0.45], [-0.1, 0.45, 0.0]]
    """
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
    """Run one of ``MODELS`` (``balance``: :func:`balance_dynamics`; ``interest``: :func:`interest_dynamics`).

    Parameters
    ----------
    X0 : numpy.ndarray
        Symmetric start strengths in [-1, 1].
    model : {"balance", "interest"}
        Which dynamics.
    steps : int
        Steps.
    held : numpy.ndarray of bool, optional
        Entries that do not move.
    **kw : float
        The model's parameters (``dt``; ``rate``, ``anchor``).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    Holding Armenia-Turkey at 0 keeps the triangle where it started:

    >>> import numpy as np
    >>> X0 = np.array([[0, -0.5, 0], [-0.5, 0, 0.5], [0, 0.5, 0]])
    >>> held = np.zeros((3, 3), dtype=bool)
    >>> held[0, 2] = held[2, 0] = True
    >>> bool((evolve(X0, "balance", 5, held=held) == X0).all())
    True
    >>> float(evolve(X0, "balance", 1, dt=1.0)[0, 2])
    -0.25
    """
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
            edges.append({"actor_a": a, "actor_b": b, "index": x, "tone": x, "strength": x, "sign": s,
                          "weight": abs(x), "uncertain": s == 0, "low_evidence": False, "ci_low": x, "ci_high": x,
                          "n_days": 0, "volume": 0.0})
    net = network.SignedNetwork(nodes, edges, like.period, dict(like.params))
    core = net.without(network.low_evidence_actors(like))  # sparse actors: in no projected bloc either
    bal = network.balance_of(core)
    blocs = network.blocs_of(core, balance.correlation_clusters(core.matrix(weighted=True)))
    return {"edges": edges, "balance": bal, "blocs": blocs}


def label_of(skill: dict | None) -> dict:
    """The label every simulation output carries: ``skilful`` only when a hindcast says a model beats both
    persistence and climatology (interval above 0 at every horizon); else (no hindcast, or none does)
    ``exploratory``."""
    if skill and skill.get("skilful", skill.get("label") == "skilful"):
        return {"label": "skilful", "label_note": skill.get("verdict", "")}
    note = EXPLORATORY if skill else ("no hindcast skill measured for this run (the measured hindcast shows none: "
                                      "`detente simulate --hindcast`); read it as what-if arithmetic, not a forecast")
    return {"label": "exploratory", "label_note": note}


def run(net: network.SignedNetwork, scenario: Scenario | None = None, model: str = "balance", steps: int = 20,
        skill: dict | None = None, max_steps: int = MAX_STEPS, **kw: float) -> dict:
    """Run the model with and without the scenario from the same measured network; report the difference.
    ``skill``: a ``hindcast`` result, which sets the output's label (``label_of``).

    Parameters
    ----------
    net : SignedNetwork
        The measured start (:func:`detente.network.build`).
    scenario : Scenario, optional
        Without one, only the baseline run.
    model : {"balance", "interest"}
        Which dynamics.
    steps : int
        Model steps (at most ``max_steps``).
    skill : dict, optional
        A :func:`hindcast` result; without a skilful one the output is labelled ``exploratory``.
    max_steps : int
        The step limit.
    **kw : float
        The model's parameters.

    Returns
    -------
    dict
        label, label_note, model, steps, start, baseline (edges, balance, blocs); with a scenario also
        scenario, projected and versus_baseline (edges that changed, sign_changes, balance_ratio, frustration,
        blocs).

    Examples
    --------
    One balance step on a hand-made triangle: the baseline drifts further into two blocs; forcing
    Armenia-Turkey to +0.5 makes the triangle unbalanced (one negative edge among friends):

    >>> import pandas as pd
    >>> from detente.network import from_frame
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE"], "actor_b": ["AZE", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8], "ci_low": [-0.8, -0.5, 0.6], "ci_high": [-0.4, -0.1, 0.9],
    ...                   "n_days": [40, 20, 50]})
    >>> net = from_frame(f, ["ARM", "AZE", "TUR"])
    >>> sc = parse_scenario({"name": "thaw", "changes": [{"set": ["ARM", "TUR"], "value": 0.5}]}, net.nodes)
    >>> r = run(net, sc, steps=1)
    >>> r["label"], r["baseline"]["blocs"], r["versus_baseline"]["sign_changes"]
    ('exploratory', [['AZE', 'TUR'], ['ARM']], 1)
    >>> r["versus_baseline"]["frustration"]
    {'baseline': 0.0, 'scenario': 1.0}
    """
    if model not in MODELS:
        raise UserError(f"unknown model {model!r}; use {' or '.join(MODELS)}")
    check_steps(steps, max_steps)
    base_X = start_matrix(net)
    baseline = projected(net.nodes, evolve(base_X, model, steps, **kw), net)
    out: dict[str, Any] = {**label_of(skill), "model": model, "steps": steps, "parameters": kw,
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
_HINDCASTS: dict[tuple, dict] = {}


def monthly_states(store: Any, actors: list[str] | None = None, dataset: str = network.DEFAULT_DATASET,
                   case: Any = "south_caucasus", start: Any = None, end: Any = None) -> dict:
    """The measured network of every calendar month (network.build_many: one pass over the dyads' daily scores,
    each month equal to its network.build; the world's weekly sums read once by relations.Reader): ``months`` (Periods), ``nodes``, ``S`` (months x n x n strengths, NaN
    where a dyad has no data or is low evidence) and ``sign`` (the networks' certain signs, 0 elsewhere).

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.
    actors : list of str, optional
        Default the case's actors that ``dataset`` holds.
    dataset : str
        A dyad-day dataset.
    case : Case or str
        Where period names and default actors come from.
    start, end : str, optional
        A case period's name or ``"START:END"``: the months from the start of ``start`` to the end of ``end``
        (default the dataset's coverage).

    Returns
    -------
    dict

    Examples
    --------
    2019-2020 for four actors; in October 2020, the war month, Armenia's edges with Azerbaijan and with
    Turkey are certain negatives:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> st = monthly_states(store, ["ARM", "AZE", "RUS", "TUR"], start="2019-01-01:", end=":2020-12-31")
    >>> len(st["months"]), st["months"][-1].name, st["nodes"], st["S"].shape
    (24, '2020-12', ['ARM', 'AZE', 'RUS', 'TUR'], (24, 4, 4))
    >>> october = [m.name for m in st["months"]].index("2020-10")
    >>> st["sign"][october][0].tolist()
    [0, -1, 0, -1]
    """
    from detente.periods import cut

    _, periods = network.case_setup(case)
    lo, hi = network.coverage(store, dataset)
    s = network.resolve_period(start, periods).start if start else None
    e = network.resolve_period(end, periods).end if end else None
    months = cut("month", max(lo, s or lo), min(hi, e or hi))
    nets = network.build_many(store, actors, months, dataset=dataset, case=case)  # one pass over every month
    nodes = nets[0].nodes
    pos = {a: k for k, a in enumerate(nodes)}
    S = np.full((len(months), len(nodes), len(nodes)), np.nan)
    sign = np.zeros(S.shape, dtype=int)
    for t, net in enumerate(nets):
        for ed in net.edges:
            if ed["low_evidence"]:
                continue
            i, j = pos[ed["actor_a"]], pos[ed["actor_b"]]
            S[t, i, j] = S[t, j, i] = ed["strength"]
            sign[t, i, j] = sign[t, j, i] = ed["sign"]
    return {"months": months, "nodes": nodes, "S": S, "sign": sign}


def _skill(se: np.ndarray, ref: np.ndarray, weights: np.ndarray) -> dict:
    """1 - sum(se) / sum(ref) with its bootstrap interval (``weights``: origins x draws)."""
    if ref.sum() <= 0:  # a perfect reference: skill undefined
        return {"value": float("nan"), "ci_low": float("nan"), "ci_high": float("nan")}
    den = ref @ weights
    draws = 1 - (se @ weights) / np.where(den > 0, den, np.nan)
    lo, hi = np.nanpercentile(draws, [2.5, 97.5]) if np.isfinite(draws).any() else (np.nan, np.nan)
    return {"value": float(1 - se.sum() / ref.sum()), "ci_low": float(lo), "ci_high": float(hi)}


def hindcast(store: Any, actors: list[str] | None = None, start: Any = None, target: Any = None,
             steps: int | None = None, dataset: str = network.DEFAULT_DATASET, case: Any = "south_caucasus",
             horizons: tuple[int, ...] = HORIZONS, steps_per_month: int = STEPS_PER_MONTH, n_boot: int = 1000,
             seed: int = 0, **kw: float) -> dict:
    """Rolling-origin hindcast over every month from ``start`` to ``target`` (case period names or dates;
    default: the whole coverage) and every dyad of ``actors`` (default: the case's).

    At each origin month t (after ``WARMUP_MONTHS``) and horizon h, each predictor gives every dyad with
    evidence in t and t + h a strength for t + h: **persistence** (its strength at t), **climatology** (its mean
    strength over months <= t) and each model run ``h * steps_per_month`` steps (``steps`` overrides) from
    the whole network at t. Scores: MSE, skill = 1 - MSE / MSE(reference) against persistence and against
    climatology, with a 95% circular block-bootstrap interval over origins (relations.block_counts), and the
    sign hit rate on dyads whose target sign is certain. A model *beats* a reference when its skill interval
    against it lies above 0 at every horizon; unless one beats both persistence and climatology, the result
    (and every simulation labelled from it) is exploratory.
    Cached per (store, actors, months, dataset, settings).

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.
    actors : list of str, optional
        Default the case's actors that ``dataset`` holds.
    start, target : str, optional
        First and last month (as in :func:`monthly_states`).
    steps : int, optional
        Model steps at every horizon (default ``h * steps_per_month``).
    dataset, case
        As in :func:`monthly_states`.
    horizons : tuple of int
        Months ahead.
    steps_per_month : int
        Model steps per month of horizon.
    n_boot, seed : int
        Bootstrap draws over origins and seed.
    **kw : float
        The models' parameters.

    Returns
    -------
    dict
        horizon (per horizon: origins, dyad_origins and each predictor's mse, sign_accuracy and skills),
        beats_persistence, beats_climatology, label, verdict, accuracy, provenance, ...

    Examples
    --------
    Two years (24 months) for four actors: 11 origins at one month ahead (after the 12 warm-up months):

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> h = hindcast(store, ["ARM", "AZE", "RUS", "TUR"], start="2019-01-01:", target=":2020-12-31", n_boot=200)
    >>> h["months"], h["horizon"][1]["origins"], h["horizon"][1]["dyad_origins"], h["label"]
    (24, 11, 66, 'exploratory')
    """
    from detente import relations

    st = monthly_states(store, actors, dataset, case, start, target)
    months, nodes, S, sign = st["months"], st["nodes"], st["S"], st["sign"]
    key = (network._key(store), tuple(nodes), months[0], months[-1], dataset, horizons,
           steps_per_month, steps, n_boot, seed, tuple(sorted(kw.items())))
    if key in _HINDCASTS:
        return _HINDCASTS[key]
    T, n = len(months), len(nodes)
    iu = np.triu_indices(n, 1)
    if T < WARMUP_MONTHS + max(horizons) + 2:
        raise UserError(f"a hindcast needs at least {WARMUP_MONTHS + max(horizons) + 2} months; "
                        f"{months[0].start}..{months[-1].end} has {T}: widen the span")
    # climatology at t: mean of the dyad's strengths over months 0..t (NaN-aware running mean)
    vals = np.nan_to_num(S, nan=0.0)
    cnt = np.cumsum(~np.isnan(S), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        clim = np.cumsum(vals, axis=0) / cnt
    origins = list(range(WARMUP_MONTHS, T - min(horizons)))
    per_h: dict[int, dict] = {}
    predictors = ("persistence", "climatology", *MODELS)
    for h in horizons:
        k = h * steps_per_month if steps is None else steps
        ts = [t for t in origins if t + h < T]
        se = {p: np.zeros(len(ts)) for p in predictors}
        hits = {p: 0 for p in predictors}
        caught = {p: 0 for p in predictors}
        n_pairs = n_signed = n_changed = 0
        for o, t in enumerate(ts):
            X0 = np.nan_to_num(S[t], nan=0.0)
            runs = {m: evolve(X0, m, k, **kw) for m in MODELS}
            ok = ~np.isnan(S[t][iu]) & ~np.isnan(S[t + h][iu])
            if not ok.any():
                continue
            truth = S[t + h][iu][ok]
            preds = {"persistence": S[t][iu][ok], "climatology": clim[t][iu][ok],
                     **{m: runs[m][iu][ok] for m in MODELS}}
            certain = sign[t + h][iu][ok]
            n_pairs += int(ok.sum())
            changed = (certain != 0) & (np.sign(preds["persistence"]) != certain)
            n_signed += int((certain != 0).sum())
            n_changed += int(changed.sum())
            for p, v in preds.items():
                se[p][o] = float(((v - truth) ** 2).sum())
                hit = (certain != 0) & (np.sign(v) == certain)
                hits[p] += int(hit.sum())
                caught[p] += int((hit & changed).sum())
        w = relations.block_counts(len(ts), n_boot, [seed, h])  # a sequence seed: cached by resample.counts
        res: dict[str, Any] = {"origins": len(ts), "dyad_origins": n_pairs, "steps": k, "signed_targets": n_signed,
                               "sign_changes": n_changed}
        for p in predictors:
            res[p] = {"mse": float(se[p].sum() / n_pairs) if n_pairs else None,
                      "sign_accuracy": hits[p] / n_signed if n_signed else None, "correct": hits[p],
                      "changed_edges_caught": caught[p]}
            if p != "persistence":
                res[p]["skill_vs_persistence"] = _skill(se[p], se["persistence"], w)
            if p != "climatology":
                res[p]["skill_vs_climatology"] = _skill(se[p], se["climatology"], w)
        per_h[h] = res
    def above(m: str, ref: str) -> bool:
        return all(per_h[h][m][f"skill_vs_{ref}"]["ci_low"] > 0 for h in horizons)

    beats_p = [m for m in MODELS if above(m, "persistence")]
    beats = [m for m in beats_p if above(m, "climatology")]
    h1 = per_h[horizons[0]]

    def fig(m: str, ref: str) -> str:
        sk = h1[m][f"skill_vs_{ref}"]
        return f"{sk['value']:+.2f} [{sk['ci_low']:+.2f}, {sk['ci_high']:+.2f}]"

    where = f"at {horizons[0]} month(s) over {h1['origins']} origins and {h1['dyad_origins']} dyad-origins"
    if beats:
        verdict = (f"the {beats[0]} model beats persistence and climatology at every horizon (skill {where}: "
                   f"{fig(beats[0], 'persistence')} vs persistence, {fig(beats[0], 'climatology')} vs climatology)")
    else:
        best = max(MODELS, key=lambda m: h1[m]["skill_vs_persistence"]["value"])
        lead = (f"the {best} model beats persistence ({fig(best, 'persistence')}) but not climatology "
                f"({fig(best, 'climatology')}) {where}" if best in beats_p else
                f"no model beats persistence: best {best}, skill {fig(best, 'persistence')} {where}")
        verdict = f"{lead}; outputs are exploratory"
    out = {
        "design": "rolling origin: every month an origin, all dyads, skill with a block-bootstrap interval over origins",
        "start": network.period_dict(months[0]), "target": network.period_dict(months[-1]),
        "months": T, "nodes": nodes, "horizons": list(horizons), "steps_per_month": steps_per_month,
        "warmup_months": WARMUP_MONTHS, "horizon": per_h, "beats_persistence": bool(beats_p),
        "beats_climatology": bool(beats), "models_beating_persistence": beats_p, "models_beating_both": beats,
        **label_of({"skilful": bool(beats), "verdict": verdict}),
        "verdict": verdict,
        # the first horizon's figures in the shape the report's table reads (correct of dyads_scored =
        # dyad-origins whose target sign is certain)
        "steps": h1["steps"], "dyads_scored": h1["signed_targets"], "dyad_origins": h1["dyad_origins"],
        "accuracy": {p: {"accuracy": h1[p]["sign_accuracy"], "correct": h1[p]["correct"],
                         "changed_edges_caught": h1[p]["changed_edges_caught"],
                         "mse": h1[p]["mse"]} for p in predictors},
        "provenance": {"dataset": dataset, "models": list(MODELS), "parameters": kw, "n_boot": n_boot, "seed": seed,
                       "networks": "network.build per month (base-rate strengths), built in one pass (build_many)"},
    }
    if len(_HINDCASTS) > 32:
        _HINDCASTS.clear()
    _HINDCASTS[key] = out
    return out
