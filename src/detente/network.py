"""Signed regional networks per period: edges against a base rate, balance, blocs, influence, comparisons.

Edge rule (docs/network.md): a dyad's tone in the period (sum(score) / sum(|score|), 95% block-bootstrap
interval over covered days) is compared with its *expected* tone: the median tone of the world's dyads of
nearest news volume in the same period, averaged with the dyad's own tone in the two years before
(``baseline``). Wholly above -> +1, wholly below -> -1, else uncertain (kept, left out of balance and blocs).
Strength = the deviation as a signed percentile of those world dyads; weight = |strength| x evidence (days
of data). Dyads below the evidence floor, and actors most of whose dyads are, are *low evidence*: reported,
never placed in a bloc.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detente import balance, relations, resample
from detente.errors import UserError
from detente.periods import Period

CASES = Path(__file__).resolve().parent / "cases"
DEFAULT_DATASET = "gdelt_network"

__all__ = ["BASELINES", "BaseRate", "DEFAULT_DATASET", "MIN_DAYS", "SignedNetwork", "Span", "actor_stats", "analyse",
           "balance_of", "build", "build_many", "case_setup", "change_test", "compare", "day_floor", "edge_sign",
           "evidence_weight", "from_frame", "low_evidence_actors", "pagerank", "partition_fit", "plot",
           "resolve_period"]


@dataclass(frozen=True)
class Span:
    """A case period as written: open ends (None) are the data's edges, closed by :func:`bounded`."""

    name: str
    start: date | None
    end: date | None


def __getattr__(name: str) -> Any:
    """``DEFAULT_ACTORS`` / ``DEFAULT_PERIODS``: the built-in case's actors and periods, read from its case.yaml
    (:func:`detente.case.builtin`), the one place they are written."""
    if name in ("DEFAULT_ACTORS", "DEFAULT_PERIODS"):
        from detente import case as case_model

        c = case_model.builtin("south_caucasus")
        if name == "DEFAULT_ACTORS":
            return sorted(c.actors)
        return [Span(n, s, e) for n, s, e in c.period_list()]
    raise AttributeError(name)


# ------------------------------------------------------------------------------------ case and periods
def _day(v: Any) -> date | None:
    if v is None or v == "" or (isinstance(v, str) and v.lower() in ("start", "end", "data start", "data end")):
        return None
    return v if isinstance(v, date) else date.fromisoformat(str(v))


def case_setup(case: Any = "south_caucasus") -> tuple[list[str], list[Span]]:
    """Actors and periods of a case (a loaded ``claims.casefile.Case``, or a built-in name or case.yaml path
    read by ``claims.casefile``); ``None``, or the built-in case before its file exists, gives the South
    Caucasus defaults.

    Parameters
    ----------
    case : Case, str, path or None
        A loaded case, a built-in case's name or a case.yaml path.

    Returns
    -------
    (list of str, list of Span)
        Sorted actor codes, and the periods in the case's order (open ends are None: the data's edges).

    Examples
    --------
    >>> actors, periods = case_setup("south_caucasus")
    >>> actors
    ['ARM', 'AZE', 'GEO', 'IRN', 'ISR', 'NKR', 'RUS', 'TUR']
    >>> [(p.name, p.start and str(p.start), p.end and str(p.end)) for p in periods]
    [('pre-war', None, '2020-09-26'), ('war', '2020-09-27', '2020-11-10'), ('post-war', '2020-11-11', '2023-09-18'), ('after', '2023-09-19', None)]
    """
    from detente import case as case_model

    c = case_model.builtin("south_caucasus") if case is None else case_model.load(case) \
        if not (hasattr(case, "periods") and hasattr(case, "actors")) else case
    return sorted(c.actors), [Span(p.name, p.start, p.end) for p in c.periods.values()]


def resolve_period(spec: str | Span | Period | None, periods: list[Span]) -> Period:
    """A period by name (``post-war``) or as ``START:END`` (either side may be empty).

    Parameters
    ----------
    spec : str, Span, Period or None
        A name of ``periods`` (any case), ``"YYYY-MM-DD:YYYY-MM-DD"``, or a period (returned as is); None or
        ``""`` is the last of ``periods``.
    periods : list of Span
        The named periods (:func:`case_setup`).

    Returns
    -------
    Span or Period
        Open ends stay None until :func:`build` bounds them by the data's coverage.

    Raises
    ------
    UserError
        For a name that is not in ``periods`` and is no START:END.

    Examples
    --------
    >>> _, periods = case_setup("south_caucasus")
    >>> resolve_period("War", periods)
    Span(name='war', start=datetime.date(2020, 9, 27), end=datetime.date(2020, 11, 10))
    >>> resolve_period("2021-01-01:", periods)
    Span(name='2021-01-01:', start=datetime.date(2021, 1, 1), end=None)
    """
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


_TOKENS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_NEXT_TOKEN = itertools.count()


def _key(store: Any) -> str:
    """Cache key of a store: its file and the open handle (a reopened store, e.g. after an ingest, reads afresh).

    The handle is a token handed out once per store object, never ``id(store)``: an id is reused by the next
    object allocated at the same address, so a store reopened after the old one was collected would be served
    the old one's coverage, days and networks."""
    try:
        tok = _TOKENS.get(store)
        if tok is None:
            tok = _TOKENS[store] = next(_NEXT_TOKEN)
    except TypeError:  # not weak-referenceable or not hashable: its id, as before
        tok = f"id{id(store)}"
    return f"{getattr(store, 'path', '')}#{tok}"


_COVERAGE: dict[tuple, tuple[date, date]] = {}
_FULL: dict[tuple, pd.DataFrame] = {}


def coverage(store: Any, dataset: str = DEFAULT_DATASET) -> tuple[date, date]:
    """First and last day of ``dataset`` in the store (cached per store and dataset)."""
    key = (_key(store), dataset)
    if key in _COVERAGE:
        return _COVERAGE[key]
    lo, hi = _con(store).execute("SELECT min(date), max(date) FROM dyad_days WHERE dataset = ?", [dataset]).fetchone()
    if lo is None:
        have = [r[0] for r in _con(store).execute("SELECT DISTINCT dataset FROM dyad_days").fetchall()]
        raise UserError(f"no dyad_days rows for dataset {dataset!r} (the store has: {', '.join(have) or 'none'}); "
                        "run `detente init` or `detente sources`")
    if len(_COVERAGE) > 512:
        _COVERAGE.clear()
    _COVERAGE[key] = (lo, hi)
    return lo, hi


def bounded(store: Any, period: Span | Period, dataset: str = DEFAULT_DATASET) -> Period:
    """The period with open ends replaced by the dataset's coverage; an error if they do not overlap."""
    lo, hi = coverage(store, dataset)
    start, end = period.start or lo, period.end or hi
    if start > end or end < lo or start > hi:
        raise UserError(f"period {period.name} ({start}..{end}) is outside {dataset}'s coverage {lo}..{hi}")
    return Period(period.name, start, end)


def tones(daily: pd.DataFrame) -> pd.DataFrame:
    """Per dyad: days with data, volume (sum |score|) and tone = sum(score) / sum(|score|) in [-1, 1]
    (dyads sorted by actor_a, actor_b; numpy sums over factorised pairs)."""
    ca, ua = pd.factorize(daily["actor_a"], sort=True)
    cb, ub = pd.factorize(daily["actor_b"], sort=True)
    code = ca.astype(np.int64) * max(len(ub), 1) + cb
    keys, inv = np.unique(code, return_inverse=True)
    s = daily["score"].to_numpy(float)
    total = np.bincount(inv, weights=s, minlength=len(keys))
    volume = np.bincount(inv, weights=np.abs(s), minlength=len(keys))
    with np.errstate(invalid="ignore", divide="ignore"):
        tone = np.where(volume > 0, total / np.where(volume > 0, volume, 1), 0.0)
    return pd.DataFrame({"actor_a": np.asarray(ua, dtype=object)[keys // max(len(ub), 1)],
                         "actor_b": np.asarray(ub, dtype=object)[keys % max(len(ub), 1)],
                         "n_days": np.bincount(inv, minlength=len(keys)), "volume": volume, "tone": tone})


# ------------------------------------------------------------------------------------ base rate
NEIGHBOURS = relations.BASE_K  # world dyads nearest in volume that make a dyad's base rate (claims' too)
MIN_DAYS = 30  # evidence floor: days with data a dyad needs to be signed (short periods: a quarter of their days)
EVIDENCE_DAYS = 30  # evidence weight n_days / (n_days + EVIDENCE_DAYS): 0.5 at 30 days, 0.95 at 570
HISTORY_DAYS = 730  # the dyad's own history: this many days before the period
BASELINES = ("world", "world+history")
DEFAULT_BASELINE = "world+history"
_DAYS: dict[tuple, np.ndarray] = {}
_NETS: dict[tuple, Any] = {}
_CHECKED: dict[tuple, list[str]] = {}
NETWORKS_BUILT = 0  # networks computed (not served from the cache) in this process


def reader(store: Any) -> Any:
    """The relations.Reader of ``store`` (relations.shared_reader: its daily and weekly sums are read once)."""
    return relations.shared_reader(store)


def world_values(store: Any, period: Period, dataset: str = DEFAULT_DATASET) -> pd.DataFrame:
    """Every world dyad's tone and volume in ``period``: relations.world_values (the base rate claims use:
    the dyads' sums over the weeks mostly inside the period), as actor_a, actor_b, volume, tone."""
    w = relations.world_values(reader(store), dataset, period.start, period.end, "tone")
    return pd.DataFrame({"actor_a": w["a"].to_numpy(), "actor_b": w["b"].to_numpy(),
                         "volume": w["volume"].to_numpy(float), "tone": w["value"].to_numpy(float)})


@dataclass(frozen=True)
class BaseRate:
    """The world's tones in one period, by volume: a dyad is compared with the ``k`` dyads nearest to it in
    log volume (news volume sets how far a tone can drift from the crowd: a dyad seen on 3 days is often +1).

    Examples
    --------
    >>> r = BaseRate.of(pd.DataFrame({"volume": [1.0, 10, 100, 1000], "tone": [1.0, 0.5, 0.6, 0.7]}), k=3)
    >>> r.expected(500.0), r.percentile(500.0, 0.65)
    (0.6, 0.6666666666666666)
    """

    log_volume: np.ndarray  # sorted
    tone: np.ndarray  # in the same order
    k: int

    @classmethod
    def of(cls, world: pd.DataFrame, k: int = NEIGHBOURS) -> BaseRate:
        names = [world[c].to_numpy(object) for c in ("actor_a", "actor_b") if c in world.columns]
        return cls.of_arrays(world["volume"].to_numpy(float), world["tone"].to_numpy(float), *names, k=k)

    @classmethod
    def of_arrays(cls, volume: np.ndarray, tone: np.ndarray, *names: np.ndarray, k: int = NEIGHBOURS) -> BaseRate:
        """:meth:`of` from arrays: dyads with volume > 0, sorted by volume and, among equal volumes, by the
        ``names`` (actor_a, actor_b: a fixed order for ties)."""
        keep = volume > 0
        if not keep.any():
            raise UserError("no dyad has data in this period: there is no base rate to compare with; widen the period")
        v, t, names = volume[keep], tone[keep], [n[keep] for n in names]
        order = _volume_order(v, names)
        return cls(np.log10(v[order]), t[order], min(k, len(v)))

    def neighbours(self, volume: float) -> np.ndarray:
        lo = relations.nearest(self.log_volume, float(np.log10(max(volume, 1e-12))), self.k)
        return self.tone[lo:lo + self.k]

    def expected(self, volume: float) -> float:
        """The median tone of the dyads of nearest volume."""
        return float(np.median(self.neighbours(volume)))

    def percentile(self, volume: float, value: float) -> float:
        """Share of the dyads of nearest volume below ``value`` (ties count half)."""
        nb = self.neighbours(volume)
        return float(((nb < value).sum() + 0.5 * (nb == value).sum()) / len(nb))


def _volume_order(v: np.ndarray, names: list[np.ndarray]) -> np.ndarray:
    """The permutation sorting by (v, *names): when ``v`` is already ascending (relations.world_values sorts by
    volume) only the runs of equal volume are sorted by name; else a full lexicographic sort."""
    if not names:
        return np.argsort(v, kind="stable")
    if len(v) < 2 or not (v[1:] >= v[:-1]).all():
        codes = [pd.factorize(n, sort=True)[0] for n in names]
        return np.lexsort((*codes[::-1], v))
    order = np.arange(len(v))
    tie = np.flatnonzero(v[1:] == v[:-1])  # i: v[i + 1] == v[i]
    if len(tie):
        starts = tie[np.r_[True, np.diff(tie) > 1]]
        ends = tie[np.r_[np.diff(tie) > 1, True]] + 2  # exclusive
        for s0, e0 in zip(starts, ends, strict=True):
            order[s0:e0] = sorted(range(s0, e0), key=lambda i: tuple(n[i] for n in names))
    return order


def _world_rate(store: Any, period: Period, dataset: str) -> tuple[BaseRate, int]:
    """The period's base rate (``BaseRate.of(world_values(...))`` without the intermediate frame) and the number
    of world dyads it was built from."""
    w = relations.world_values(reader(store), dataset, period.start, period.end, "tone")
    rate = BaseRate.of_arrays(w["volume"].to_numpy(float), w["value"].to_numpy(float), w["a"].to_numpy(object),
                              w["b"].to_numpy(object))
    return rate, len(w)


def history_window(store: Any, period: Period, dataset: str = DEFAULT_DATASET,
                   days: int = HISTORY_DAYS) -> Period | None:
    """The ``days`` before ``period`` inside the dataset's coverage (None when the period starts at its edge)."""
    lo, _ = coverage(store, dataset)
    end = period.start - timedelta(days=1)
    if end < lo:
        return None
    return Period(f"history of {period.name}", max(lo, period.start - timedelta(days=days)), end)


def day_floor(covered_days: int, min_days: int = MIN_DAYS) -> int:
    """Days with data a dyad needs: ``min_days``, or a quarter of a short period's covered days (at least 3).

    Examples
    --------
    >>> day_floor(596), day_floor(45), day_floor(8)
    (30, 11, 3)
    """
    return int(min(min_days, max(3, covered_days // 4)))


def covered_dates(store: Any, period: Period, dataset: str = DEFAULT_DATASET) -> list[date]:
    """Days of ``period`` the dataset covers (relations.Reader.days: relations' covered-day rule)."""
    key = (_key(store), dataset)
    if key not in _DAYS:
        if len(_DAYS) > 64:
            _DAYS.clear()
        _DAYS[key] = np.array([d.date() for d in reader(store).days(dataset)], dtype=object)
    d = _DAYS[key]
    return list(d[(d >= period.start) & (d <= period.end)]) if len(d) else []


def focus_daily(store: Any, actors: list[str], period: Period, dataset: str = DEFAULT_DATASET) -> pd.DataFrame:
    """The days with data of every dyad of ``actors`` in ``period`` (date, actor_a, actor_b, score), read from
    relations' daily layer (``relations.Reader.daily``: one query for all the actors; the whole coverage is
    assembled once per actor set, sorted by date, and sliced)."""
    acts = sorted(actors)
    key = (_key(store), dataset, tuple(acts), "relations")
    if key not in _FULL:
        r = reader(store)
        r.preload(dataset, acts)
        parts: list[tuple] = []
        for i, a in enumerate(acts):
            for b in acts[i + 1:]:
                d = r.daily(dataset, a, b)
                m = d["abs"].to_numpy() > 0
                if m.any():
                    parts.append((d.index.to_numpy()[m], a, b, d["value"].to_numpy(float)[m]))
        dates = np.concatenate([x[0] for x in parts]) if parts else np.array([], dtype="datetime64[ns]")
        order = np.argsort(dates, kind="stable")
        if len(_FULL) > 32:  # bounded like _NETS: one frame per (store, dataset, actor set)
            _FULL.clear()
        _FULL[key] = pd.DataFrame({
            "date": dates[order],
            "actor_a": np.concatenate([np.full(len(x[0]), x[1], dtype=object) for x in parts])[order] if parts
            else np.array([], dtype=object),
            "actor_b": np.concatenate([np.full(len(x[0]), x[2], dtype=object) for x in parts])[order] if parts
            else np.array([], dtype=object),
            "score": np.concatenate([x[3] for x in parts])[order] if parts else np.array([], dtype=float)})
    full = _FULL[key]
    d = full["date"].to_numpy()
    lo_i, hi_i = np.searchsorted(d, np.datetime64(period.start)), np.searchsorted(d, np.datetime64(period.end), "right")
    return full.iloc[lo_i:hi_i].reset_index(drop=True)


def tone_intervals(daily: pd.DataFrame, days: list[date], n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """95% circular block-bootstrap interval of each dyad's tone over the covered ``days`` (the draws are
    relations.block_counts', the same for every dyad): actor_a, actor_b, tone_ci_low, tone_ci_high."""
    pairs = daily[["actor_a", "actor_b"]].drop_duplicates().reset_index(drop=True)
    if pairs.empty or not days:
        return pairs.assign(tone_ci_low=np.nan, tone_ci_high=np.nan)
    rows = pd.MultiIndex.from_frame(pairs).get_indexer(pd.MultiIndex.from_frame(daily[["actor_a", "actor_b"]]))
    cols = pd.DatetimeIndex(pd.to_datetime(days)).get_indexer(pd.to_datetime(daily["date"]))
    keep = cols >= 0
    V = np.zeros((len(pairs), len(days)))
    np.add.at(V, (rows[keep], cols[keep]), daily["score"].to_numpy(float)[keep])
    lo, hi = _tone_ci(V, n_boot, seed)
    return pairs.assign(tone_ci_low=lo, tone_ci_high=hi)


def _tone_ci(V: np.ndarray, n_boot: int, seed: int, counts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """2.5 and 97.5 percentiles of each row's tone over block-bootstrap draws of the columns (days) of ``V``
    (dyads x days of scores); ``counts``: the draws, when the caller already has them for this many days."""
    if counts is None:
        counts = relations.block_counts(V.shape[1], n_boot, seed)  # an int seed: resample.counts caches the draws
    with np.errstate(invalid="ignore", divide="ignore"):
        both = np.vstack([V, np.abs(V)]) @ counts  # one pass over the draws
        t = both[:len(V)] / both[len(V):]
    return resample.row_intervals(t)


# ------------------------------------------------------------------------------------ the network
@dataclass
class SignedNetwork:
    """A signed network of one period: ``nodes`` (actor codes), ``edges`` (one dict per dyad, see :func:`build`),
    the ``period`` and the ``params`` it was made with.

    ``matrix()`` is the symmetric signed adjacency matrix, ``edge(a, b)`` one dyad's edge, ``without(actors)`` the
    network on the other actors, ``to_networkx()`` a networkx Graph (needs ``detente[graph]``).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE"], "actor_b": ["AZE", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8], "ci_low": [-0.8, -0.5, 0.6], "ci_high": [-0.4, -0.1, 0.9],
    ...                   "n_days": [40, 20, 50]})
    >>> net = from_frame(f, ["ARM", "AZE", "TUR"])
    >>> net.matrix().tolist()
    [[0.0, -1.0, -1.0], [-1.0, 0.0, 1.0], [-1.0, 1.0, 0.0]]
    >>> net.without(["TUR"]).nodes
    ['ARM', 'AZE']
    >>> sorted(net.to_networkx().edges(data="sign"))
    [('ARM', 'AZE', -1), ('ARM', 'TUR', -1), ('AZE', 'TUR', 1)]
    """

    nodes: list[str]
    edges: list[dict]  # see build(): actor_a, actor_b, tone, expected, strength, evidence, weight, sign, ...
    period: Period | None = None
    params: dict = field(default_factory=dict)

    def matrix(self, weighted: bool = False, uncertain: str = "drop") -> np.ndarray:
        """Symmetric signed matrix; uncertain edges dropped (``drop``) or signed by their point strength
        (``point``); low-evidence edges are always left out."""
        pos = {a: k for k, a in enumerate(self.nodes)}
        A = np.zeros((len(self.nodes), len(self.nodes)))
        for e in self.edges:
            if e.get("low_evidence"):
                continue
            s = e["sign"] or (np.sign(e["strength"]) if uncertain == "point" else 0)
            w = s * (e["weight"] if weighted else 1.0)
            i, j = pos[e["actor_a"]], pos[e["actor_b"]]
            A[i, j] = A[j, i] = w
        return A

    def edge(self, a: str, b: str) -> dict | None:
        a, b = sorted((a, b))
        return next((e for e in self.edges if e["actor_a"] == a and e["actor_b"] == b), None)

    def __repr__(self) -> str:
        from detente.results import short_repr

        p = self.period
        signs = [e["sign"] for e in self.edges]
        return short_repr("SignedNetwork", period=p.name if p else None, span=f"{p.start}..{p.end}" if p else None,
                          nodes=",".join(self.nodes), positive=signs.count(1), negative=signs.count(-1),
                          uncertain=sum(1 for e in self.edges if e["uncertain"]),
                          low_evidence=sum(1 for e in self.edges if e.get("low_evidence")),
                          baseline=self.params.get("baseline"))

    def to_networkx(self, uncertain: str = "drop") -> Any:
        """A networkx Graph (nodes = actors, edges with ``sign`` and ``weight``); needs networkx."""
        try:
            import networkx as nx
        except ImportError:
            raise UserError("SignedNetwork.to_networkx needs networkx: pip install networkx") from None
        g = nx.Graph()
        g.add_nodes_from(self.nodes)
        A = self.matrix(weighted=True, uncertain=uncertain)
        for i, j in zip(*np.nonzero(np.triu(A, 1)), strict=True):
            g.add_edge(self.nodes[i], self.nodes[j], sign=int(np.sign(A[i, j])), weight=float(abs(A[i, j])))
        return g

    def without(self, drop: list[str]) -> SignedNetwork:
        keep = [n for n in self.nodes if n not in drop]
        es = [e for e in self.edges if e["actor_a"] in keep and e["actor_b"] in keep]
        return SignedNetwork(keep, es, self.period, dict(self.params))


def edge_sign(value: float, ci_low: float, ci_high: float, expected: float = 0.0) -> int:
    """+1 / -1 when the interval lies wholly above / below ``expected``, else 0 (uncertain).

    Examples
    --------
    >>> edge_sign(0.9, 0.85, 0.95, expected=0.8), edge_sign(0.5, 0.4, 0.6, expected=0.8), edge_sign(0.8, 0.7, 0.9, 0.8)
    (1, -1, 0)
    """
    if ci_low > expected:
        return 1
    if ci_high < expected:
        return -1
    return 0


def evidence_weight(n_days: float, half: int = EVIDENCE_DAYS) -> float:
    """n_days / (n_days + half): how much a dyad's days of data support its edge (0.5 at ``half`` days).

    Parameters
    ----------
    n_days : float
        Days with data.
    half : int
        Days at which the weight is one half.

    Returns
    -------
    float
        In [0, 1); 0 without data.

    Examples
    --------
    >>> evidence_weight(30), evidence_weight(570), evidence_weight(0)
    (0.5, 0.95, 0.0)
    """
    return float(n_days / (n_days + half)) if n_days > 0 else 0.0


def _edge(a: str, b: str, tone: float, lo: float, hi: float, expected: float, strength: float, n_days: int,
          volume: float, floor: int, **extra: Any) -> dict:
    low = n_days < floor
    s = 0 if low else edge_sign(tone, lo, hi, expected)
    ev = evidence_weight(n_days)
    return {"actor_a": a, "actor_b": b, "tone": float(tone), "tone_ci_low": float(lo), "tone_ci_high": float(hi),
            "expected": float(expected), "relative": float(tone - expected), "strength": float(strength),
            "evidence": ev, "weight": abs(float(strength)) * ev, "sign": s, "uncertain": s == 0 and not low,
            "low_evidence": low, "n_days": int(n_days), "volume": float(volume), **extra}


def from_frame(frame: pd.DataFrame, nodes: list[str], period: Any = None, min_days: int = 5,
               params: dict | None = None) -> SignedNetwork:
    """A network from a hand-made dyad frame (actor_a, actor_b, index, ci_low, ci_high, n_days; optional tone,
    volume): signed against 0 by the index's interval, strength = the index clipped to [-1, 1] (tests, claims).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per dyad; rows with an actor outside ``nodes``, a NaN index or no days are left out.
    nodes : list of str
        The network's actors.
    period : Period, optional
        Kept on the network.
    min_days : int
        Dyads with fewer days are low evidence (never signed).
    params : dict, optional
        Extra entries for ``SignedNetwork.params``.

    Returns
    -------
    SignedNetwork

    Examples
    --------
    Three dyads whose intervals exclude 0, and one with 3 days of data (below ``min_days``):

    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE", "GEO"], "actor_b": ["AZE", "TUR", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8, 0.2], "ci_low": [-0.8, -0.5, 0.6, 0.1],
    ...                   "ci_high": [-0.4, -0.1, 0.9, 0.3], "n_days": [40, 20, 50, 3]})
    >>> net = from_frame(f, ["ARM", "AZE", "GEO", "TUR"])
    >>> [(e["actor_a"], e["actor_b"], e["sign"], e["low_evidence"]) for e in net.edges]
    [('ARM', 'AZE', -1, False), ('ARM', 'TUR', -1, False), ('AZE', 'TUR', 1, False), ('GEO', 'TUR', 0, True)]
    >>> net.edge("TUR", "AZE")["weight"]  # |strength| 0.8 x evidence 50 / (50 + 30)
    0.5
    """
    edges = []
    for r in frame.to_dict("records"):
        if r["actor_a"] not in nodes or r["actor_b"] not in nodes or pd.isna(r["index"]) or not r["n_days"]:
            continue
        lo, hi = r["ci_low"], r["ci_high"]
        lo, hi = (r["index"], r["index"]) if pd.isna(lo) or pd.isna(hi) else (lo, hi)
        tone = float(r["tone"]) if "tone" in r else float(np.clip(r["index"], -1, 1))
        e = _edge(r["actor_a"], r["actor_b"], r["index"], lo, hi, 0.0, tone, int(r["n_days"]),
                  float(r.get("volume", r["n_days"])), min_days, index=float(r["index"]), ci_low=float(lo),
                  ci_high=float(hi))
        e["tone"] = tone
        edges.append(e)
    return SignedNetwork(sorted(nodes), edges, period, {"min_days": min_days, "baseline": "zero", **(params or {})})


def build(store: Any, actors: list[str] | None = None, period: Span | Period | str | None = None,
          dataset: str = DEFAULT_DATASET, case: Any = "south_caucasus", min_days: int = MIN_DAYS,
          n_boot: int = 200, seed: int = 0, baseline: str = DEFAULT_BASELINE, with_index: bool = True) -> SignedNetwork:
    """The measured signed network of ``actors`` (default: the case's) in one period (docs/network.md).

    Each dyad's **tone** (sum(score) / sum(|score|) over the period, with a 95% block-bootstrap interval over
    covered days) is compared with its **expected** tone: the median tone of the world's ``NEIGHBOURS`` dyads
    of nearest volume in the same period (``baseline="world"``), averaged with the dyad's own tone in the
    ``HISTORY_DAYS`` before the period when it has ``min_days`` of data there (``"world+history"``, default).
    Sign: +1 / -1 when the interval lies wholly above / below the expected tone, else 0 (uncertain).
    Strength in [-1, 1]: 2 x the percentile of (world median + tone - expected) among those neighbours - 1.
    Weight = |strength| x evidence (``evidence_weight`` of the days with data). A dyad with fewer days than
    ``day_floor(covered days, min_days)`` is *low evidence*: reported, never signed, left out of blocs.
    ``index``/``ci_low``/``ci_high`` are relations.dyad_frame's (the same number ``detente relations`` prints;
    NaN with ``with_index=False``, which the hindcast uses). Networks are cached per (store, actors, period,
    dataset and the other arguments): building the same one twice returns the first (``NETWORKS_BUILT`` counts
    real builds).

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.
    actors : list of str, optional
        Codes or names; default the case's actors that ``dataset`` holds.
    period : str, Span or Period, optional
        A case period's name, ``"START:END"`` or a period (:func:`resolve_period`); default the case's last.
    dataset : str
        A dyad-day dataset (default the GDELT network).
    case : Case or str
        Where named periods and default actors come from.
    min_days, n_boot, seed : int
        Evidence floor, bootstrap resamples and seed.
    baseline : {"world+history", "world"}
        What the expected tone is.
    with_index : bool
        Also compute relations' index and its interval per edge.

    Returns
    -------
    SignedNetwork
        ``edges`` are dicts with actor_a, actor_b, tone, tone_ci_low/high, expected, strength, evidence, weight,
        sign, uncertain, low_evidence, n_days, volume, index, ci_low, ci_high; ``params`` says how it was made.

    Examples
    --------
    The 2020 war, Armenia against Azerbaijan and Turkey: the tone intervals of both of Armenia's dyads lie wholly
    below the tone expected for dyads of their volume; Azerbaijan-Turkey's interval straddles its expected tone:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> net = build(store, ["ARM", "AZE", "TUR"], period="war")
    >>> net.period
    Period(name='war', start=datetime.date(2020, 9, 27), end=datetime.date(2020, 11, 10))
    >>> [(e["actor_a"], e["actor_b"], e["sign"]) for e in net.edges]
    [('ARM', 'AZE', -1), ('ARM', 'TUR', -1), ('AZE', 'TUR', 0)]
    >>> e = net.edge("AZE", "ARM")
    >>> e["n_days"], round(e["tone"], 3)
    (45, -0.924)
    """
    if baseline not in BASELINES:
        raise UserError(f"unknown baseline {baseline!r}; use {' or '.join(BASELINES)}")
    periods = [] if isinstance(period, Span | Period) else case_setup(case)[1]
    p = bounded(store, resolve_period(period, periods), dataset)
    early = (_key(store), tuple(sorted({a.upper() for a in actors})), p, dataset, min_days, n_boot, seed, baseline,
             with_index) if actors else None
    if early in _NETS:
        return _NETS[early]
    actors, missing = _network_actors(store, actors, case, dataset)
    key = (_key(store), tuple(actors), p, dataset, min_days, n_boot, seed, baseline, with_index)
    if key in _NETS:
        return _NETS[key]
    global NETWORKS_BUILT
    NETWORKS_BUILT += 1
    frame = relations.dyad_frame(store, actors, [p], dataset=dataset, n_boot=n_boot, seed=seed) if with_index \
        else pd.DataFrame(columns=["actor_a", "actor_b", "index", "ci_low", "ci_high"])
    days = covered_dates(store, p, dataset)
    floor = day_floor(len(days), min_days)
    rate, n_world = _world_rate(store, p, dataset)
    hist_p = history_window(store, p, dataset) if baseline == "world+history" else None
    hist = tones(focus_daily(store, actors, hist_p, dataset)).set_index(["actor_a", "actor_b"]) if hist_p else None
    daily = focus_daily(store, actors, p, dataset)
    focus = tones(daily)
    focus = focus[focus["volume"] > 0]
    ci = tone_intervals(daily, days, n_boot, seed).set_index(["actor_a", "actor_b"])
    rel = {(a, b): (i, lo, hi) for a, b, i, lo, hi in frame[["actor_a", "actor_b", "index", "ci_low", "ci_high"]]
           .itertuples(index=False)}
    cis = {(a, b): (lo, hi) for (a, b), lo, hi in ci[["tone_ci_low", "tone_ci_high"]].itertuples()}
    own_tone = {} if hist is None else {k: t for k, n, t in hist[["n_days", "tone"]].itertuples() if n >= floor}
    edges = _period_edges(focus.itertuples(index=False), rate, own_tone, cis, rel, floor)
    net = SignedNetwork(sorted(actors), edges, p, _params(dataset, n_boot, seed, baseline, min_days, floor, len(days),
                                                          rate, n_world, hist_p, p, missing))
    _remember(key, early, net)
    return net


def _network_actors(store: Any, actors: list[str] | None, case: Any, dataset: str) -> tuple[list[str], list[str]]:
    """The actors of a network (sorted) and the case's actors without ``dataset`` data: ``actors`` checked
    against the store (once per actor set), or, when none are given, the case's actors the dataset holds."""
    if actors:
        asked = tuple(sorted({a.upper() for a in actors}))
        if (_key(store), asked) not in _CHECKED:  # known_actors scans the store: once per actor set
            if len(_CHECKED) > 512:
                _CHECKED.clear()
            _CHECKED[(_key(store), asked)] = relations.check_actors(store, list(asked))
        out, missing = sorted(_CHECKED[(_key(store), asked)]), []
    else:  # the case's actors that the dataset holds (e.g. NKR is in ICEWS only)
        case_actors = case_setup(case)[0]
        have = {r[0] for r in _con(store).execute(
            "SELECT DISTINCT actor_a FROM dyad_days WHERE dataset = ? UNION "
            "SELECT DISTINCT actor_b FROM dyad_days WHERE dataset = ?", [dataset, dataset]).fetchall()}
        out = sorted(a for a in case_actors if a in have)
        missing = sorted(a for a in case_actors if a not in have)
    if len(out) < 2:
        raise UserError(f"a network needs at least two actors with {dataset} data; give --actors A,B,C")
    return out, missing


def _period_edges(focus: Any, rate: BaseRate, own_tone: dict, cis: dict, rel: dict, floor: int) -> list[dict]:
    """The edges of one period from its dyads' (actor_a, actor_b, n_days, volume, tone) rows (``focus``, sorted),
    the base rate, the dyads' own history tones, tone intervals and relations indices."""
    nan = float("nan")
    edges = []
    for r in focus:
        d = (r.actor_a, r.actor_b)
        ew = rate.expected(r.volume)
        own = own_tone.get(d)
        own = None if own is None else float(own)
        expected = ew if own is None else (ew + own) / 2
        strength = 2 * rate.percentile(r.volume, ew + r.tone - expected) - 1
        lo, hi = cis.get(d, (r.tone, r.tone))
        x = rel.get(d, (nan, nan, nan))
        edges.append(_edge(r.actor_a, r.actor_b, r.tone, lo, hi, expected, strength, int(r.n_days), r.volume, floor,
                           expected_world=ew, history=own, index=float(x[0]), ci_low=float(x[1]),
                           ci_high=float(x[2])))
    return edges


def _params(dataset: str, n_boot: int, seed: int, baseline: str, min_days: int, floor: int, covered: int,
            rate: BaseRate, world_dyads: int, hist_p: Period | None, p: Period, missing: list[str]) -> dict:
    return {"dataset": dataset, "n_boot": n_boot, "seed": seed, "baseline": baseline, "min_days": min_days,
            "day_floor": floor, "covered_days": covered, "neighbours": rate.k, "world_dyads": world_dyads,
            "history": hist_p.as_dict() if hist_p else None, "evidence_days": EVIDENCE_DAYS,
            "ci": "95% block bootstrap of the tone over covered days",
            "tone": "sum(score) / sum(|score|) over the period's days",
            "expected": ("median tone of the world's dyads of nearest volume in the period"
                         + (", averaged with the dyad's own tone in the history window" if hist_p else "")),
            "index": "relations.dyad_frame index (per mille of the world's volume) and its CI",
            "period": p.as_dict(), "actors_without_data": missing}


def _remember(key: tuple, early: tuple | None, net: SignedNetwork) -> None:
    if len(_NETS) > 512:
        _NETS.clear()
    _NETS[key] = net
    if early is not None:
        _NETS[early] = net


class _Row:
    """One dyad's sums in a period, as ``tones`` gives them (what _period_edges reads)."""

    __slots__ = ("actor_a", "actor_b", "n_days", "volume", "tone")

    def __init__(self, a: str, b: str, n_days: int, volume: float, tone: float):
        self.actor_a, self.actor_b, self.n_days, self.volume, self.tone = a, b, n_days, volume, tone


def build_many(store: Any, actors: list[str] | None, periods: list[Span | Period], dataset: str = DEFAULT_DATASET,
               case: Any = "south_caucasus", min_days: int = MIN_DAYS, n_boot: int = 200, seed: int = 0,
               baseline: str = DEFAULT_BASELINE) -> list[SignedNetwork]:
    """The networks of many periods in one pass, each equal to ``build(..., with_index=False)`` of its period
    (the hindcast's 61+ months): every dyad's daily scores are laid out once as a (covered days x dyads)
    matrix, and a period's tones, days with data, history tones and tone intervals are sums over its rows
    (summed in date order, as ``tones`` does, so the numbers are the same to the last bit). The world's base
    rate per period is relations.world_values' as in ``build``. The networks go into ``build``'s cache.

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.
    actors : list of str or None
        Codes or names; None takes the case's actors that ``dataset`` holds.
    periods : list of Span or Period
        E.g. ``detente.periods.cut("month", lo, hi)``; open ends are the data's edges.
    dataset, case, min_days, n_boot, seed, baseline
        As in :func:`build`.

    Returns
    -------
    list of SignedNetwork
        One per period, in order; ``index``/``ci_low``/``ci_high`` are NaN (``with_index=False``).

    Examples
    --------
    Month by month around the 2020 war: Armenia-Azerbaijan is negative from August to October and no longer
    certain in November, after the ceasefire of 10 November:

    >>> from datetime import date
    >>> import detente
    >>> from detente.periods import cut
    >>> store = detente.open(read_only=True)
    >>> months = cut("month", date(2020, 8, 1), date(2020, 11, 30))
    >>> nets = build_many(store, ["ARM", "AZE", "TUR"], months)
    >>> [(n.period.name, n.edge("ARM", "AZE")["sign"], n.edge("ARM", "TUR")["sign"]) for n in nets]
    [('2020-08', -1, -1), ('2020-09', -1, 0), ('2020-10', -1, -1), ('2020-11', 0, -1)]
    >>> build(store, ["ARM", "AZE", "TUR"], months[2], with_index=False) is nets[2]  # build's cache
    True
    """
    if baseline not in BASELINES:
        raise UserError(f"unknown baseline {baseline!r}; use {' or '.join(BASELINES)}")
    acts, missing = _network_actors(store, actors, case, dataset)
    bounded_ps = [bounded(store, p, dataset) for p in periods]
    keys = [(_key(store), tuple(acts), p, dataset, min_days, n_boot, seed, baseline, False) for p in bounded_ps]
    if all(k in _NETS for k in keys):
        return [_NETS[k] for k in keys]
    global NETWORKS_BUILT
    pairs = [(a, b) for i, a in enumerate(acts) for b in acts[i + 1:]]  # sorted, as tones() orders dyads
    col = {d: k for k, d in enumerate(pairs)}
    whole = Period("coverage", *coverage(store, dataset))
    days = np.array(covered_dates(store, whole, dataset), dtype="datetime64[D]")
    full = focus_daily(store, acts, whole, dataset)
    rows = np.searchsorted(days, full["date"].to_numpy().astype("datetime64[D]"))
    cols = np.array([col[d] for d in zip(full["actor_a"], full["actor_b"], strict=True)], dtype=np.int64)
    M = np.zeros((len(days), len(pairs)))  # a dyad's score per covered day (0 on quiet days)
    M[rows, cols] = full["score"].to_numpy(float)
    P = np.zeros((len(days), len(pairs)), dtype=bool)  # days with data (focus_daily's rows)
    P[rows, cols] = True
    A = np.abs(M)
    out = []
    for p, key in zip(bounded_ps, keys, strict=True):
        if key in _NETS:
            out.append(_NETS[key])
            continue
        NETWORKS_BUILT += 1
        lo, hi = np.searchsorted(days, np.datetime64(p.start)), np.searchsorted(days, np.datetime64(p.end), "right")
        n_cov = int(hi - lo)
        floor = day_floor(n_cov, min_days)
        rate, n_world = _world_rate(store, p, dataset)
        hist_p = history_window(store, p, dataset) if baseline == "world+history" else None
        own_tone: dict = {}
        if hist_p:
            h0 = np.searchsorted(days, np.datetime64(hist_p.start))
            h1 = np.searchsorted(days, np.datetime64(hist_p.end), "right")
            n_h, tot_h, vol_h = P[h0:h1].sum(0), M[h0:h1].sum(0), A[h0:h1].sum(0)
            for k in np.flatnonzero(n_h >= floor):
                own_tone[pairs[k]] = tot_h[k] / vol_h[k] if vol_h[k] > 0 else 0.0
        Pp, Mp = P[lo:hi], M[lo:hi]
        n_p, tot, vol = Pp.sum(0), Mp.sum(0), A[lo:hi].sum(0)
        with np.errstate(invalid="ignore", divide="ignore"):
            tone = np.where(vol > 0, tot / np.where(vol > 0, vol, 1), 0.0)
        have = np.flatnonzero(n_p > 0)
        cis: dict = {}
        if len(have) and n_cov:
            first = Pp[:, have].argmax(0)  # tone_intervals' row order: by first day with data, then dyad order
            order = have[np.lexsort((have, first))]
            ci_lo, ci_hi = _tone_ci(np.ascontiguousarray(Mp[:, order].T), n_boot, seed)  # draws cached per n_cov
            cis = {pairs[k]: (ci_lo[i], ci_hi[i]) for i, k in enumerate(order)}
        focus = [_Row(*pairs[k], int(n_p[k]), vol[k], tone[k]) for k in have if vol[k] > 0]
        edges = _period_edges(focus, rate, own_tone, cis, {}, floor)
        net = SignedNetwork(list(acts), edges, p, _params(dataset, n_boot, seed, baseline, min_days, floor, n_cov,
                                                          rate, n_world, hist_p, p, missing))
        _remember(key, None, net)
        out.append(net)
    return out


# ------------------------------------------------------------------------------------ analysis
def period_dict(p: Any) -> dict | None:
    return {"name": p.name, "start": p.start, "end": p.end} if p is not None else None


def blocs_of(net: SignedNetwork, labels: list[int]) -> list[list[str]]:
    k = max(labels) + 1 if labels else 0
    return [sorted(n for n, lab in zip(net.nodes, labels, strict=True) if lab == b) for b in range(k)]


def balance_of(net: SignedNetwork, weighted: bool = False, method: str = "auto", uncertain: str = "drop") -> dict:
    """Structural balance of a network: triad census, frustration and the best two-bloc partition.

    Parameters
    ----------
    net : SignedNetwork
        From :func:`build` or :func:`from_frame`.
    weighted : bool
        Frustration as the sum of frustrated edges' weights instead of their count.
    method : str
        ``detente.balance.frustration``'s solver (``"auto"``: exact for small networks).
    uncertain : {"drop", "point"}
        Leave uncertain edges out, or sign them by their point strength.

    Returns
    -------
    dict
        ``triads`` (counts by sign pattern), ``ratio`` (balanced share), ``frustration``,
        ``frustration_index``, ``partition``, ``frustrated_edges``, ``edges_used``, ...

    Examples
    --------
    A triangle with one positive and two negative edges is balanced (Armenia against the other two):

    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE"], "actor_b": ["AZE", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8], "ci_low": [-0.8, -0.5, 0.6], "ci_high": [-0.4, -0.1, 0.9],
    ...                   "n_days": [40, 20, 50]})
    >>> b = balance_of(from_frame(f, ["ARM", "AZE", "TUR"]))
    >>> b["triads"], b["ratio"], b["frustration"], b["partition"]
    ({'+++': 0, '++-': 0, '+--': 1, '---': 0}, 1.0, 0.0, [['ARM'], ['AZE', 'TUR']])
    """
    A = net.matrix(weighted=weighted, uncertain=uncertain)
    tri = balance.triad_census(A)
    fr = balance.frustration(A, weighted=weighted, method=method)
    return {**tri, "frustration": fr.value, "frustration_index": fr.index, "weighted": weighted,
            "method": fr.method, "optimal": fr.optimal, "partition": blocs_of(net, fr.labels),
            "frustrated_edges": [sorted((net.nodes[i], net.nodes[j])) for i, j in fr.frustrated],
            "edges_used": fr.n_edges}


def pagerank(W: np.ndarray, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100) -> np.ndarray:
    """PageRank of a non-negative weighted adjacency matrix by power iteration, as networkx.pagerank computes it
    (uniform teleport, dangling nodes spread uniformly, stop when the L1 change < n * tol).

    Examples
    --------
    >>> [round(float(x), 4) for x in pagerank(np.array([[0, 1, 1], [1, 0, 0], [1, 0, 0.0]]))]
    [0.4865, 0.2568, 0.2568]
    """
    n = len(W)
    if n == 0:
        return np.zeros(0)
    out = W.sum(axis=1)
    if not out.any():
        return np.full(n, 1 / n)
    P = np.divide(W, out[:, None], out=np.zeros_like(W, dtype=float), where=out[:, None] > 0)
    dangling = out == 0
    x = np.full(n, 1 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ P + x[dangling].sum() / n) + (1 - alpha) / n
        if np.abs(x - last).sum() < n * tol:
            break
    return x / x.sum()


def actor_stats(net: SignedNetwork) -> list[dict]:
    """Per actor: positive/negative strength and degree, PageRank on the positive layer, share of interactions.

    Parameters
    ----------
    net : SignedNetwork
        From :func:`build` or :func:`from_frame`.

    Returns
    -------
    list of dict
        One per node: actor, pos_strength, neg_strength (sums of edge weights), pos_degree, neg_degree,
        uncertain_degree, dyad_days, pagerank_pos, share (of the edges' volume).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE"], "actor_b": ["AZE", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8], "ci_low": [-0.8, -0.5, 0.6], "ci_high": [-0.4, -0.1, 0.9],
    ...                   "n_days": [40, 20, 50]})
    >>> [(s["actor"], s["pos_degree"], s["neg_degree"], s["dyad_days"]) for s in actor_stats(from_frame(f, ["ARM", "AZE", "TUR"]))]
    [('ARM', 0, 2, 60), ('AZE', 1, 1, 90), ('TUR', 1, 1, 70)]
    """
    A = net.matrix(weighted=True)
    pr = dict(zip(net.nodes, pagerank(np.clip(A, 0, None)), strict=True))
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
                    "dyad_days": sum(e["n_days"] for e in net.edges if n in (e["actor_a"], e["actor_b"])),
                    "pagerank_pos": float(pr[n]), "share": vol[n] / total})
    return out


def low_evidence_actors(net: SignedNetwork) -> list[str]:
    """Actors with fewer than max(1, (n - 1) // 2) dyads at or above the evidence floor (n = the network's
    actors): too sparse to place in a bloc (e.g. Georgia in GDELT's country network, most of whose dyads have a
    few days each).

    Parameters
    ----------
    net : SignedNetwork
        From :func:`build` or :func:`from_frame`.

    Returns
    -------
    list of str
        In node order.

    Examples
    --------
    Four actors need one dyad each above the floor; Georgia's only dyad has 3 days (``min_days`` is 5):

    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE", "GEO"], "actor_b": ["AZE", "TUR", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8, 0.2], "ci_low": [-0.8, -0.5, 0.6, 0.1],
    ...                   "ci_high": [-0.4, -0.1, 0.9, 0.3], "n_days": [40, 20, 50, 3]})
    >>> low_evidence_actors(from_frame(f, ["ARM", "AZE", "GEO", "TUR"]))
    ['GEO']
    """
    ok = {n: 0 for n in net.nodes}
    for e in net.edges:
        if not e.get("low_evidence"):
            ok[e["actor_a"]] += 1
            ok[e["actor_b"]] += 1
    need = max(1, (len(net.nodes) - 1) // 2)
    return [n for n in net.nodes if ok[n] < need]


def analyse(net: SignedNetwork, weighted: bool = False, method: str = "auto", uncertain: str = "drop") -> dict:
    """Everything the CLI, API and report show for one network (JSON-ready).

    Low-evidence actors (``low_evidence_actors``) are left out of balance and blocs and listed apart; an actor
    with no signed edge among the rest is ``unaligned``.

    Parameters
    ----------
    net : SignedNetwork
        From :func:`build` or :func:`from_frame`.
    weighted, method, uncertain
        As in :func:`balance_of`.

    Returns
    -------
    dict
        period, nodes, edges, balance (:func:`balance_of` plus ``all_optimal``), blocs, unaligned,
        low_evidence, actors (:func:`actor_stats`), provenance.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE", "GEO"], "actor_b": ["AZE", "TUR", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8, 0.2], "ci_low": [-0.8, -0.5, 0.6, 0.1],
    ...                   "ci_high": [-0.4, -0.1, 0.9, 0.3], "n_days": [40, 20, 50, 3]})
    >>> a = analyse(from_frame(f, ["ARM", "AZE", "GEO", "TUR"]))
    >>> a["blocs"], a["low_evidence"], a["unaligned"], a["balance"]["frustration"]
    ([['AZE', 'TUR'], ['ARM']], ['GEO'], [], 0.0)
    """
    low = low_evidence_actors(net)
    core = net.without(low)
    bal = balance_of(core, weighted=weighted, method=method, uncertain=uncertain)
    # every optimal two-bloc split (up to 16 actors): ties are the data's, a solver's tie-break is not a finding
    bal["all_optimal"] = ([blocs_of(core, lab) for lab in balance.all_optima(
        core.matrix(weighted=weighted, uncertain=uncertain), weighted=weighted)[1]] if len(core.nodes) <= 16 else None)
    A = core.matrix(weighted=True, uncertain=uncertain)
    labels = balance.correlation_clusters(A) if core.nodes else []
    # an actor with no signed edge this period has no side: list it apart instead of in an arbitrary bloc
    unaligned = [n for k, n in enumerate(core.nodes) if not np.any(A[k])]
    blocs = [b for b in ([a for a in bloc if a not in unaligned] for bloc in blocs_of(core, labels)) if b]
    p = net.period
    rule = ("sign if the tone's 95% interval lies wholly above/below the expected tone (world base rate by volume"
            + (", averaged with the dyad's own history" if net.params.get("history") else "") + "), else uncertain"
            if net.params.get("baseline") in BASELINES else "sign if the CI excludes 0, else uncertain")
    return {
        "period": period_dict(p),
        "nodes": net.nodes,
        "edges": net.edges,
        "balance": bal,
        "blocs": blocs,
        "unaligned": unaligned,
        "low_evidence": low,
        "actors": actor_stats(net),
        "provenance": {"datasets": [net.params.get("dataset")], "parameters": {**net.params, "uncertain": uncertain,
                       "weighted_frustration": weighted, "edge_rule": rule}},
    }


def compare(a: SignedNetwork, b: SignedNetwork) -> dict:
    """What changed from network ``a`` to ``b``: edge signs and per-actor statistics.

    Parameters
    ----------
    a, b : SignedNetwork
        Two networks, e.g. of two periods; only actors in both are compared.

    Returns
    -------
    dict
        ``edges`` (sign and index before and after, ``changed``), ``actors`` (changes of
        :func:`actor_stats`' strengths, PageRank and share) and ``sign_changes``.

    Examples
    --------
    Azerbaijan-Turkey turns from positive to negative:

    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "AZE"], "actor_b": ["AZE", "TUR"], "index": [-0.6, 0.8],
    ...                   "ci_low": [-0.8, 0.6], "ci_high": [-0.4, 0.9], "n_days": [40, 50]})
    >>> g = f.assign(index=[-0.6, -0.5], ci_low=[-0.8, -0.7], ci_high=[-0.4, -0.3])
    >>> c = compare(from_frame(f, ["ARM", "AZE", "TUR"]), from_frame(g, ["ARM", "AZE", "TUR"]))
    >>> c["sign_changes"], [(e["actor_a"], e["actor_b"], e["sign_before"], e["sign_after"]) for e in c["edges"]]
    (1, [('ARM', 'AZE', -1, -1), ('AZE', 'TUR', 1, -1)])
    """
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

    Parameters
    ----------
    net : SignedNetwork
        From :func:`build` or :func:`from_frame`.
    blocs : list of list of str
        The named partition; actors of the network left unnamed are left out.
    weighted : bool
        Frustration by edge weight instead of edge count.

    Returns
    -------
    dict
        actors, edges_used, named / best / best_k (blocs, frustration, frustrated edges), all_optimal,
        named_is_optimal, excess_frustration, adjusted_rand, moves, ...

    Examples
    --------
    Putting Armenia with Azerbaijan frustrates their negative edge and the positive Azerbaijan-Turkey edge
    across the blocs; one actor (Turkey or Armenia) would have to move:

    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "ARM", "AZE"], "actor_b": ["AZE", "TUR", "TUR"],
    ...                   "index": [-0.6, -0.3, 0.8], "ci_low": [-0.8, -0.5, 0.6], "ci_high": [-0.4, -0.1, 0.9],
    ...                   "n_days": [40, 20, 50]})
    >>> fit = partition_fit(from_frame(f, ["ARM", "AZE", "TUR"]), [["ARM", "AZE"], ["TUR"]])
    >>> fit["named"]["frustration"], fit["named"]["frustrated_edges"], fit["excess_frustration"], fit["moves"]
    (2.0, [['ARM', 'AZE'], ['AZE', 'TUR']], 2.0, 1)
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

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.
    actors : list of str
        Codes or names.
    before, after : Span or Period
        The two periods (open ends are the data's edges).
    dataset : str
        A dyad-day dataset.
    n_perm, block, min_days, seed : int
        Permutations, block length in days, days a dyad needs in each period, seed.

    Returns
    -------
    dict
        observed, null_mean, null_q95, p_value, dyads, sign_changes, before / after (with their blocks), ...

    Examples
    --------
    The war against the post-war period: none of 199 shuffles of the weeks reaches the observed change:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> _, periods = case_setup("south_caucasus")
    >>> t = change_test(store, ["ARM", "AZE", "RUS", "TUR"], periods[1], periods[2], n_perm=199)
    >>> t["dyads"], round(t["observed"], 3), t["p_value"], t["before"]["blocks"], t["after"]["blocks"]
    (6, 0.592, 0.005, 7, 149)
    """
    p1, p2 = bounded(store, before, dataset), bounded(store, after, dataset)
    acts = relations.check_actors(store, sorted({a.upper() for a in actors}))
    d1, d2 = focus_daily(store, acts, p1, dataset), focus_daily(store, acts, p2, dataset)
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
        "statistic": "mean |tone change| over dyads", "observed": obs,
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
    grey dashed uncertain, low-evidence edges left out; node colour = bloc (grey: in no bloc). Drawn by
    report_figures (SVG needs nothing; PNG/PDF need Pillow).

    Parameters
    ----------
    net : SignedNetwork
        From :func:`build` or :func:`from_frame`.
    blocs : list of list of str
        Colours the nodes (e.g. ``analyse(net)["blocs"]``).
    path : str or Path
        A ``.svg``, ``.png`` or ``.pdf`` file.
    title : str, optional
        Default the period's name and dates.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> f = pd.DataFrame({"actor_a": ["ARM", "AZE"], "actor_b": ["AZE", "TUR"], "index": [-0.6, 0.8],
    ...                   "ci_low": [-0.8, 0.6], "ci_high": [-0.4, 0.9], "n_days": [40, 50]})
    >>> out = plot(from_frame(f, ["ARM", "AZE", "TUR"]), [["AZE", "TUR"], ["ARM"]],
    ...            os.path.join(tempfile.mkdtemp(), "net.svg"), title="hand-made")
    >>> out.name, out.read_text().startswith("<svg")
    ('net.svg', True)
    """
    from detente import report_figures

    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UserError(f"--plot takes a .png, .svg or .pdf file name, not {path.name}")
    bloc_of = {a: k for k, b in enumerate(blocs) for a in b}
    p = net.period
    spec = report_figures.network_chart(
        [{"id": n, "bloc": bloc_of.get(n)} for n in sorted(net.nodes)],
        [{"a": e["actor_a"], "b": e["actor_b"], "sign": e["sign"], "weight": e["weight"]}
         for e in net.edges if not e.get("low_evidence")],
        title=title or (f"{p.name} ({p.start}..{p.end})" if p else "signed network"))
    return report_figures.save(spec, path)
