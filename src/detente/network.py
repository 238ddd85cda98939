"""Signed regional networks per period: edges from dyad indices, balance, blocs, influence, comparisons.

Edge rule (docs/network.md): a dyad with at least ``min_days`` days of data in the period is an edge;
its sign is the sign of the net-cooperation index when the index's confidence interval excludes 0,
otherwise the edge is *uncertain* (kept and reported, but left out of balance and blocs). The weight is
|index|. Dyads with too little data are no edge at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detente import balance
from detente.errors import UserError
from detente.periods import Period

CASES = Path(__file__).resolve().parent / "cases"
DEFAULT_ACTORS = ["ARM", "AZE", "FRA", "GEO", "IRN", "ISR", "RUS", "TUR", "USA"]
DEFAULT_DATASET = "gdelt_network"


@dataclass(frozen=True)
class Span:
    """A case period as written: open ends (None) are the data's edges, closed by :func:`bounded`."""

    name: str
    start: date | None
    end: date | None


DEFAULT_PERIODS = [
    Span("pre-war", None, date(2020, 9, 26)),
    Span("war", date(2020, 9, 27), date(2020, 11, 10)),
    Span("post-war", date(2020, 11, 11), date(2023, 9, 18)),
    Span("after", date(2023, 9, 19), None),
]


# ------------------------------------------------------------------------------------ case and periods
def _day(v: Any) -> date | None:
    if v is None or v == "" or (isinstance(v, str) and v.lower() in ("start", "end", "data start", "data end")):
        return None
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def case_setup(case: Any = "south_caucasus") -> tuple[list[str], list[Span]]:
    """Actors and periods of a case (a loaded ``claims.casefile.Case``, or a built-in name or case.yaml path
    read by ``claims.casefile``); ``None``, or the built-in case before its file exists, gives the South
    Caucasus defaults."""
    if case is None:
        return list(DEFAULT_ACTORS), list(DEFAULT_PERIODS)
    if hasattr(case, "periods") and hasattr(case, "actors"):  # already loaded: use its own periods
        return sorted(case.actors), [Span(p.name, p.start, p.end) for p in case.periods.values()]
    path = Path(case) if Path(case).suffix else CASES / str(case) / "case.yaml"
    if not path.exists() and str(case) == "south_caucasus":
        return list(DEFAULT_ACTORS), list(DEFAULT_PERIODS)
    from detente.claims.casefile import load_case

    c = load_case(path)
    return sorted(c.actors), [Span(p.name, p.start, p.end) for p in c.periods.values()]


def resolve_period(spec: str | Span | Period | None, periods: list[Span]) -> Period:
    """A period by name (``post-war``) or as ``START:END`` (either side may be empty)."""
    if isinstance(spec, Span | Period):
        return spec
    if not spec:
        return periods[-1]
    for p in periods:
        if p.name.lower() == spec.lower():
            return p
    if ":" in spec:
        s, _, e = spec.partition(":")
        try:
            return Span(spec, _day(s.strip() or None), _day(e.strip() or None))
        except ValueError:
            pass
    names = ", ".join(p.name for p in periods)
    raise UserError(f"unknown period {spec!r}; use one of {names} or START:END (YYYY-MM-DD:YYYY-MM-DD)")


# ------------------------------------------------------------------------------------ reading the store
def _con(store: Any) -> Any:
    return getattr(store, "con", store)


def coverage(store: Any, dataset: str = DEFAULT_DATASET) -> tuple[date, date]:
    lo, hi = _con(store).execute("SELECT min(date), max(date) FROM dyad_days WHERE dataset = ?", [dataset]).fetchone()
    if lo is None:
        have = [r[0] for r in _con(store).execute("SELECT DISTINCT dataset FROM dyad_days").fetchall()]
        raise UserError(f"no dyad_days rows for dataset {dataset!r} (the store has: {', '.join(have) or 'none'}); "
                        "run `detente init` or `detente sources`")
    return lo, hi


def bounded(store: Any, period: Span | Period, dataset: str = DEFAULT_DATASET) -> Period:
    """The period with open ends replaced by the dataset's coverage; an error if they do not overlap."""
    lo, hi = coverage(store, dataset)
    start, end = period.start or lo, period.end or hi
    if start > end or end < lo or start > hi:
        raise UserError(f"period {period.name} ({start}..{end}) is outside {dataset}'s coverage {lo}..{hi}")
    return Period(period.name, start, end)


def daily_scores(store: Any, actors: list[str] | None, period: Period, dataset: str = DEFAULT_DATASET) -> pd.DataFrame:
    """Daily undirected dyad scores (date, actor_a, actor_b, score) among ``actors`` (None: all)."""
    p = bounded(store, period, dataset)
    sql = ("SELECT date, actor_a, actor_b, sum(score) AS score FROM dyad_days WHERE dataset = ? "
           "AND date BETWEEN ? AND ? AND actor_a <> actor_b")
    args: list[Any] = [dataset, p.start, p.end]
    if actors is not None:
        sql += " AND actor_a IN (SELECT unnest(?)) AND actor_b IN (SELECT unnest(?))"
        args += [actors, actors]
    df = _con(store).execute(sql + " GROUP BY ALL ORDER BY actor_a, actor_b, date", args).df()
    swap = df["actor_a"] > df["actor_b"]  # directed rows folded onto the undirected pair
    df.loc[swap, ["actor_a", "actor_b"]] = df.loc[swap, ["actor_b", "actor_a"]].to_numpy()
    return df.groupby(["date", "actor_a", "actor_b"], as_index=False)["score"].sum()


def tones(daily: pd.DataFrame) -> pd.DataFrame:
    """Per dyad: days with data, volume (sum |score|) and tone = sum(score) / sum(|score|) in [-1, 1]."""
    g = daily.assign(abs=daily["score"].abs()).groupby(["actor_a", "actor_b"], as_index=False).agg(
        n_days=("score", "size"), total=("score", "sum"), volume=("abs", "sum"))
    g["tone"] = (g["total"] / g["volume"].where(g["volume"] > 0)).fillna(0.0)
    return g[["actor_a", "actor_b", "n_days", "volume", "tone"]]


# ------------------------------------------------------------------------------------ the network
@dataclass
class SignedNetwork:
    nodes: list[str]
    edges: list[dict]  # actor_a, actor_b, index, ci_low, ci_high, n_days, volume, sign (-1/0/1), weight, uncertain
    period: Period | None = None
    params: dict = field(default_factory=dict)

    def matrix(self, weighted: bool = False, uncertain: str = "drop") -> np.ndarray:
        """Symmetric signed matrix; uncertain edges dropped (``drop``) or signed by their point index (``point``)."""
        pos = {a: k for k, a in enumerate(self.nodes)}
        A = np.zeros((len(self.nodes), len(self.nodes)))
        for e in self.edges:
            s = e["sign"] or (np.sign(e["index"]) if uncertain == "point" else 0)
            w = s * (e["weight"] if weighted else 1.0)
            i, j = pos[e["actor_a"]], pos[e["actor_b"]]
            A[i, j] = A[j, i] = w
        return A

    def edge(self, a: str, b: str) -> dict | None:
        a, b = sorted((a, b))
        return next((e for e in self.edges if e["actor_a"] == a and e["actor_b"] == b), None)

    def without(self, drop: list[str]) -> SignedNetwork:
        keep = [n for n in self.nodes if n not in drop]
        es = [e for e in self.edges if e["actor_a"] in keep and e["actor_b"] in keep]
        return SignedNetwork(keep, es, self.period, dict(self.params))


def edge_sign(index: float, ci_low: float, ci_high: float) -> int:
    """+1 / -1 when the interval excludes 0, else 0 (uncertain)."""
    if ci_low > 0:
        return 1
    if ci_high < 0:
        return -1
    return 0


def from_frame(frame: pd.DataFrame, nodes: list[str], period: Any = None, min_days: int = 5,
               params: dict | None = None) -> SignedNetwork:
    """A network from a dyad frame with columns actor_a, actor_b, index, ci_low, ci_high, n_days and optionally
    tone (in [-1, 1]; default: the index clipped to [-1, 1]) and volume (default: n_days)."""
    edges = []
    for r in frame.to_dict("records"):
        if r["actor_a"] not in nodes or r["actor_b"] not in nodes or not r["n_days"] or r["n_days"] < min_days:
            continue
        if pd.isna(r["index"]):
            continue
        lo, hi = r["ci_low"], r["ci_high"]
        lo, hi = (r["index"], r["index"]) if pd.isna(lo) or pd.isna(hi) else (lo, hi)
        s = edge_sign(r["index"], lo, hi)
        tone = float(r["tone"]) if "tone" in r else float(np.clip(r["index"], -1, 1))
        edges.append({"actor_a": r["actor_a"], "actor_b": r["actor_b"], "index": float(r["index"]),
                      "ci_low": float(lo), "ci_high": float(hi), "n_days": int(r["n_days"]), "tone": tone,
                      "volume": float(r.get("volume", r["n_days"])), "sign": s, "weight": abs(tone),
                      "uncertain": s == 0})
    return SignedNetwork(sorted(nodes), edges, period, {"min_days": min_days, **(params or {})})


def build(store: Any, actors: list[str] | None = None, period: Span | Period | str | None = None,
          dataset: str = DEFAULT_DATASET, case: Any = "south_caucasus", min_days: int = 5,
          n_boot: int = 200, seed: int = 0) -> SignedNetwork:
    """The measured signed network of ``actors`` (default: the case's) in one period.

    Index and its 95% interval come from ``relations.dyad_frame`` (per mille of the world's volume, block
    bootstrap over days); the tone in [-1, 1] (edge weight, simulation start) and the volume from the daily rows.
    """
    from detente import relations

    case_actors, periods = case_setup(case)
    p = bounded(store, resolve_period(period, periods), dataset)
    if actors:
        actors = relations.check_actors(store, sorted({a.upper() for a in actors}))
        missing: list[str] = []
    else:  # the case's actors that the dataset holds (e.g. NKR is in ICEWS only)
        have = {r[0] for r in _con(store).execute(
            "SELECT DISTINCT actor_a FROM dyad_days WHERE dataset = ? UNION "
            "SELECT DISTINCT actor_b FROM dyad_days WHERE dataset = ?", [dataset, dataset]).fetchall()}
        actors = sorted(a for a in case_actors if a in have)
        missing = sorted(a for a in case_actors if a not in have)
    if len(actors) < 2:
        raise UserError(f"a network needs at least two actors with {dataset} data; give --actors A,B,C")
    frame = relations.dyad_frame(store, actors, [p], dataset=dataset, n_boot=n_boot, seed=seed)
    daily = daily_scores(store, actors, p, dataset)
    frame = frame.drop(columns=["n_days"]).merge(tones(daily), on=["actor_a", "actor_b"], how="left")
    frame["n_days"] = frame["n_days"].fillna(0)
    params = {"dataset": dataset, "n_boot": n_boot, "seed": seed, "ci": "95% block bootstrap over days (relations)",
              "index": "relations.dyad_frame index (per mille of the world's volume)",
              "tone": "sum(score) / sum(|score|) over the period's days", "period": p.as_dict(),
              "actors_without_data": missing}
    return from_frame(frame, actors, p, min_days, params)


# ------------------------------------------------------------------------------------ analysis
def period_dict(p: Any) -> dict | None:
    return {"name": p.name, "start": p.start, "end": p.end} if p is not None else None


def blocs_of(net: SignedNetwork, labels: list[int]) -> list[list[str]]:
    k = max(labels) + 1 if labels else 0
    return [sorted(n for n, lab in zip(net.nodes, labels, strict=True) if lab == b) for b in range(k)]


def balance_of(net: SignedNetwork, weighted: bool = False, method: str = "auto", uncertain: str = "drop") -> dict:
    A = net.matrix(weighted=weighted, uncertain=uncertain)
    tri = balance.triad_census(A)
    fr = balance.frustration(A, weighted=weighted, method=method)
    return {**tri, "frustration": fr.value, "frustration_index": fr.index, "weighted": weighted,
            "method": fr.method, "optimal": fr.optimal, "partition": blocs_of(net, fr.labels),
            "frustrated_edges": [sorted((net.nodes[i], net.nodes[j])) for i, j in fr.frustrated],
            "edges_used": fr.n_edges}


def actor_stats(net: SignedNetwork) -> list[dict]:
    """Per actor: positive/negative strength and degree, PageRank on the positive layer, share of interactions."""
    import networkx as nx

    A = net.matrix(weighted=True)
    g = nx.Graph()
    g.add_nodes_from(net.nodes)
    for i, j in zip(*np.nonzero(np.triu(A > 0, 1)), strict=True):
        g.add_edge(net.nodes[i], net.nodes[j], weight=A[i, j])
    pr = nx.pagerank(g, weight="weight") if g.number_of_edges() else {n: 1 / len(net.nodes) for n in net.nodes}
    vol = {n: 0.0 for n in net.nodes}
    for e in net.edges:
        vol[e["actor_a"]] += e["volume"]
        vol[e["actor_b"]] += e["volume"]
    total = sum(e["volume"] for e in net.edges) or 1.0
    out = []
    for k, n in enumerate(net.nodes):
        row = A[k]
        out.append({"actor": n, "pos_strength": float(row[row > 0].sum()), "neg_strength": float(abs(row[row < 0].sum())),
                    "pos_degree": int((row > 0).sum()), "neg_degree": int((row < 0).sum()),
                    "uncertain_degree": sum(1 for e in net.edges if e["uncertain"] and n in (e["actor_a"], e["actor_b"])),
                    "pagerank_pos": float(pr[n]), "share": vol[n] / total})
    return out


def analyse(net: SignedNetwork, weighted: bool = False, method: str = "auto", uncertain: str = "drop") -> dict:
    """Everything the CLI, API and report show for one network (JSON-ready)."""
    bal = balance_of(net, weighted=weighted, method=method, uncertain=uncertain)
    A = net.matrix(weighted=True, uncertain=uncertain)
    labels = balance.correlation_clusters(A) if net.nodes else []
    # an actor with no signed edge this period has no side: list it apart instead of in an arbitrary bloc
    unaligned = [n for k, n in enumerate(net.nodes) if not np.any(A[k])]
    blocs = [b for b in ([a for a in bloc if a not in unaligned] for bloc in blocs_of(net, labels)) if b]
    p = net.period
    return {
        "period": period_dict(p),
        "nodes": net.nodes,
        "edges": net.edges,
        "balance": bal,
        "blocs": blocs,
        "unaligned": unaligned,
        "actors": actor_stats(net),
        "provenance": {"datasets": [net.params.get("dataset")], "parameters": {**net.params, "uncertain": uncertain,
                       "weighted_frustration": weighted, "edge_rule": "sign if the CI excludes 0, else uncertain"}},
    }


def compare(a: SignedNetwork, b: SignedNetwork) -> dict:
    """What changed from network ``a`` to ``b``: edge signs and per-actor statistics."""
    changes = []
    for n1 in sorted(set(a.nodes) & set(b.nodes)):
        for n2 in sorted(set(a.nodes) & set(b.nodes)):
            if n1 >= n2:
                continue
            ea, eb = a.edge(n1, n2), b.edge(n1, n2)
            if ea or eb:
                changes.append({"actor_a": n1, "actor_b": n2, "sign_before": ea["sign"] if ea else None,
                                "sign_after": eb["sign"] if eb else None,
                                "index_before": ea["index"] if ea else None, "index_after": eb["index"] if eb else None,
                                "changed": (ea and ea["sign"]) != (eb and eb["sign"])})
    sa = {r["actor"]: r for r in actor_stats(a)}
    sb = {r["actor"]: r for r in actor_stats(b)}
    actors = [{"actor": n, **{f"{k}_change": sb[n][k] - sa[n][k] for k in ("pos_strength", "neg_strength",
                                                                          "pagerank_pos", "share")}}
              for n in sorted(set(sa) & set(sb))]
    return {"edges": changes, "actors": actors, "sign_changes": sum(1 for c in changes if c["changed"])}



# ------------------------------------------------------------------------------------ claims-facing tests
def partition_fit(net: SignedNetwork, blocs: list[list[str]], weighted: bool = False) -> dict:
    """How well a named partition (e.g. [[AZE, TUR, ISR], [ARM, IRN]]) fits the data, on the named actors.

    Returns the frustrated edges under the named partition and under the data's optimal two-bloc partition
    of the same actors, the excess, the adjusted Rand index and the partition distance (actors to move).
    """
    named = [a.upper() for b in blocs for a in b]
    unknown = [a for a in named if a not in net.nodes]
    if unknown:
        raise UserError(f"actor(s) {', '.join(unknown)} not in the network ({', '.join(net.nodes)}); "
                        "add them with --actors or fix the partition")
    if len(set(named)) != len(named):
        raise UserError("an actor appears in two blocs of the named partition; name each actor once")
    sub = net.without([n for n in net.nodes if n not in named])
    A = sub.matrix(weighted=weighted)
    given = np.array([next(k for k, b in enumerate(blocs) if a in [x.upper() for x in b]) for a in sub.nodes])
    cnt, wt, bad = balance.frustration_of(A, given)
    best = balance.frustration(A, weighted=weighted)
    best_k = balance.correlation_clusters(sub.matrix(weighted=True))
    ties = None
    if len(sub.nodes) <= 16:
        _, optima = balance.all_optima(A, weighted=weighted)
        ties = [blocs_of(sub, lab) for lab in optima]
    m = int(np.count_nonzero(np.triu(A, 1)))
    return {
        "actors": sub.nodes,
        "edges_used": m,
        "uncertain_edges": sum(1 for e in sub.edges if e["uncertain"]),
        "named": {"blocs": blocs_of(sub, given.tolist()), "frustration": wt if weighted else cnt,
                  "frustrated_edges": [[sub.nodes[i], sub.nodes[j]] for i, j in bad]},
        "best": {"blocs": blocs_of(sub, best.labels), "frustration": best.value, "optimal": best.optimal,
                 "frustrated_edges": [[sub.nodes[i], sub.nodes[j]] for i, j in best.frustrated]},
        "best_k": {"blocs": blocs_of(sub, best_k)},
        "all_optimal": ties,  # every optimal two-bloc partition (None above 16 actors)
        "named_is_optimal": bool(np.isclose(wt if weighted else cnt, best.value)),
        "excess_frustration": (wt if weighted else cnt) - best.value,
        "adjusted_rand": balance.adjusted_rand(given.tolist(), best.labels),
        "adjusted_rand_k": balance.adjusted_rand(given.tolist(), best_k),
        "moves": balance.moves_between(given.tolist(), best.labels),
        "weighted": weighted,
    }


def _index_by_dyad(daily: pd.DataFrame) -> pd.Series:
    g = daily.assign(abs=daily["score"].abs()).groupby(["actor_a", "actor_b"])[["score", "abs"]].sum()
    return (g["score"] / g["abs"].where(g["abs"] > 0)).fillna(0.0)


def change_test(store: Any, actors: list[str], before: Period, after: Period, dataset: str = DEFAULT_DATASET,
                n_perm: int = 999, block: int = 7, min_days: int = 5, seed: int = 0) -> dict:
    """Is the change in the network between two periods larger than chance?

    Statistic: mean over dyads (with ``min_days`` of data in both periods) of |index_after - index_before|.
    Null: the periods are exchangeable; blocks of ``block`` consecutive days (all dyads together, so the
    cross-dyad dependence is kept) are shuffled between the periods ``n_perm`` times. p = (1 + #perm >= obs)
    / (1 + n_perm).
    """
    p1, p2 = bounded(store, before, dataset), bounded(store, after, dataset)
    d1, d2 = daily_scores(store, actors, p1, dataset), daily_scores(store, actors, p2, dataset)
    n1 = d1.groupby(["actor_a", "actor_b"]).size()
    n2 = d2.groupby(["actor_a", "actor_b"]).size()
    dyads = sorted(set(n1[n1 >= min_days].index) & set(n2[n2 >= min_days].index))
    if not dyads:
        raise UserError(f"no dyad has {min_days}+ days of data in both {p1.name} and {p2.name}; widen the periods")
    both = pd.concat([d1.assign(block=(pd.to_datetime(d1["date"]) - pd.Timestamp(p1.start)).dt.days // block),
                      d2.assign(block=(pd.to_datetime(d2["date"]) - pd.Timestamp(p2.start)).dt.days // block
                      + 10**6)])
    key = pd.MultiIndex.from_frame(both[["actor_a", "actor_b"]])
    both = both[key.isin(dyads)]
    codes = pd.MultiIndex.from_frame(both[["actor_a", "actor_b"]]).map({d: k for k, d in enumerate(dyads)})
    di = np.asarray(codes, dtype=int)
    blocks, bi = np.unique(both["block"].to_numpy(), return_inverse=True)
    first = blocks < 10**6
    v = both["score"].to_numpy(float)
    D, B = len(dyads), len(blocks)
    S = np.zeros((B, D))
    M = np.zeros((B, D))
    np.add.at(S, (bi, di), v)
    np.add.at(M, (bi, di), np.abs(v))

    def stat(in1: np.ndarray) -> float:
        s1, m1 = S[in1].sum(0), M[in1].sum(0)
        s2, m2 = S[~in1].sum(0), M[~in1].sum(0)
        i1 = np.divide(s1, m1, out=np.zeros(D), where=m1 > 0)
        i2 = np.divide(s2, m2, out=np.zeros(D), where=m2 > 0)
        return float(np.abs(i2 - i1).mean())

    obs = stat(first)
    rng = np.random.default_rng(seed)
    perms = np.array([stat(rng.permutation(first)) for _ in range(n_perm)])
    i1, i2 = _index_by_dyad(d1), _index_by_dyad(d2)
    return {
        "statistic": "mean |index change| over dyads", "observed": obs,
        "null_mean": float(perms.mean()), "null_q95": float(np.quantile(perms, 0.95)),
        "p_value": float((1 + (perms >= obs - 1e-12).sum()) / (1 + n_perm)),
        "n_perm": n_perm, "block_days": block, "dyads": len(dyads),
        "sign_changes": int(sum(np.sign(i1[d]) != np.sign(i2[d]) for d in dyads)),
        "before": {"name": p1.name, "start": p1.start, "end": p1.end, "blocks": int(first.sum())},
        "after": {"name": p2.name, "start": p2.start, "end": p2.end, "blocks": int((~first).sum())},
        "dataset": dataset,
    }


# ------------------------------------------------------------------------------------ picture
def plot(net: SignedNetwork, blocs: list[list[str]], path: str | Path, title: str | None = None) -> Path:
    """Circle in ISO3 order (positions depend only on the node set, so two periods compare); green +, red -,
    grey dotted uncertain; node colour = bloc."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise UserError(f"--plot takes a .png or .svg file name, not {path.name}")
    order = sorted(net.nodes)
    ang = {n: np.pi / 2 - 2 * np.pi * k / len(order) for k, n in enumerate(order)}
    xy = {n: (np.cos(a), np.sin(a)) for n, a in ang.items()}
    fig, ax = plt.subplots(figsize=(6, 6))
    for e in net.edges:
        (x1, y1), (x2, y2) = xy[e["actor_a"]], xy[e["actor_b"]]
        style = {1: ("tab:green", "-"), -1: ("tab:red", "--"), 0: ("grey", ":")}[e["sign"]]
        ax.plot([x1, x2], [y1, y2], color=style[0], ls=style[1], lw=0.8 + 4 * e["weight"], alpha=0.8, zorder=1)
    colours = plt.get_cmap("tab10")
    bloc_of = {a: k for k, b in enumerate(blocs) for a in b}
    for n, (x, y) in xy.items():
        ax.scatter([x], [y], s=900, color=colours(bloc_of.get(n, 9) % 10), zorder=2, edgecolor="black")
        ax.text(x, y, n, ha="center", va="center", fontsize=9, zorder=3, color="white", weight="bold")
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    p = net.period
    ax.set_title(title or (f"{p.name} ({p.start}..{p.end})" if p else "signed network"))
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path
