"""Dyad relations for any pair of actors over any periods.

Public API (stable; other stages call these):

* ``universe(actors, periods, directed=False) -> pandas.DataFrame`` — the dyad x period frame
  (period, start, end, actor_a, actor_b), built FIRST; every measure is left-joined onto it and the
  row count is asserted unchanged (peacesciencer style). Undirected dyads have actor_a < actor_b.
* ``dyad_frame(store, actors, periods, dataset=None, directed=False, backend="duckdb", measures=None,
  ci=True, n_boot=200, seed=0) -> pandas.DataFrame`` — one row per dataset x dyad x period with columns
  ``COMMON`` + the dataset kind's measures (``EVENT_MEASURES`` for event datasets such as icews,
  ``DYAD_DAY_MEASURES`` for pre-aggregated daily scores such as gdelt_network); measures the row's
  dataset lacks are NULL, and ``measures=[...]`` naming one a dataset lacks is a UserError.
* ``dyad_series(store, a, b, freq="month", start=None, end=None, dataset=None, directed=False, ...)``
  — the same for one dyad over calendar periods (start/end default to the dataset's coverage).
* ``datasets(store) -> list[DatasetInfo]`` and ``check_actors(store, actors) -> list[str]``.

Rules. A day is *covered* by a dataset when it lies in the dataset's coverage_start..coverage_end and the
dataset has at least one row that day (so the GDELT network's missing days and the gap between two ICEWS
years are gaps, not quiet days). A period with no covered day is NULL in every measure (``covered`` False);
a dyad with no events in a covered period has 0 events and index 0. Counts and sums are over covered days
(``covered_days`` of ``period_days``); the index is partial-coverage safe because its denominator covers the
same days. ``index`` = 1000 x dyad score / the absolute score of ALL international interactions of the
dataset on the same covered days (per mille of the world's volume; event datasets use Goldstein, the
GDELT network its daily score), so twice the world's news does not look twice as friendly. ``ci_low`` /
``ci_high``: 95% circular block bootstrap over covered days (block length ceil(n^(1/3)), ``n_boot``
resamples, seeded per period: deterministic and backend independent). See docs/relations.md.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from detente import backends
from detente.actors import resolve as resolve_actor
from detente.errors import UserError
from detente.periods import Period, span
from detente.periods import cut as cut_periods

COMMON = ("period", "start", "end", "actor_a", "actor_b", "dataset", "kind", "covered", "covered_days",
          "period_days")
EVENT_MEASURES = ("n_events", "n_verbal_coop", "n_material_coop", "n_verbal_conflict", "n_material_conflict",
                  "goldstein_sum", "goldstein_mean", "net_coop", "index", "ci_low", "ci_high")
DYAD_DAY_MEASURES = ("score_sum", "score_mean", "n_days", "index", "ci_low", "ci_high")
KIND_MEASURES = {"events": EVENT_MEASURES, "dyad_days": DYAD_DAY_MEASURES}
ALL_MEASURES = tuple(dict.fromkeys(EVENT_MEASURES + DYAD_DAY_MEASURES))


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    kind: str  # events | dyad_days
    start: date | None
    end: date | None
    directed: bool


def datasets(store: Any) -> list[DatasetInfo]:
    """Datasets in the store that hold dyad data, with their kind and coverage."""
    out = []
    for name, lo, hi in store.con.execute(
        "SELECT name, coverage_start, coverage_end FROM datasets ORDER BY name"
    ).fetchall():
        if store.con.execute("SELECT 1 FROM events WHERE dataset = ? LIMIT 1", [name]).fetchone():
            out.append(DatasetInfo(name, "events", lo, hi, True))
        else:
            r = store.con.execute("SELECT bool_or(directed) FROM (SELECT directed FROM dyad_days WHERE dataset = ?"
                                  " LIMIT 1000)", [name]).fetchone()
            if r and r[0] is not None:
                out.append(DatasetInfo(name, "dyad_days", lo, hi, bool(r[0])))
    return out


def describe_coverage(store: Any) -> str:
    parts = [f"{d.name} {d.start}..{d.end}" for d in datasets(store)]
    return "; ".join(parts) if parts else "nothing (run `detente init` or `detente ingest`)"


def _pick(store: Any, dataset: str | None, measures: list[str] | None) -> list[DatasetInfo]:
    infos = datasets(store)
    if dataset is not None:
        infos = [d for d in infos if d.name == dataset]
        if not infos:
            raise UserError(f"no dyad data for dataset {dataset!r}; the store holds {describe_coverage(store)}")
    elif not infos:
        raise UserError(f"the store has no dyad data; it holds {describe_coverage(store)}")
    for m in measures or []:
        if m not in ALL_MEASURES:
            raise UserError(f"unknown measure {m!r}; use one of {', '.join(ALL_MEASURES)}")
        lacking = [d for d in infos if m not in KIND_MEASURES[d.kind]]
        if dataset is not None and lacking:
            d = lacking[0]
            raise UserError(f"{d.name} ({d.kind}) has no {m!r}; its measures are {', '.join(KIND_MEASURES[d.kind])}")
        infos = [d for d in infos if d not in lacking]
        if not infos:
            raise UserError(f"no dataset in the store has measure {m!r}")
    return infos


def known_actors(store: Any) -> list[str]:
    rows = store.con.execute(
        "SELECT DISTINCT x FROM (SELECT source_actor x FROM events UNION SELECT target_actor FROM events"
        " UNION SELECT actor_a FROM dyad_days UNION SELECT actor_b FROM dyad_days) WHERE x IS NOT NULL"
    ).fetchall()
    return sorted(r[0] for r in rows)


def check_actors(store: Any, names: list[str]) -> list[str]:
    """Codes for ``names`` (codes or names); an unknown one raises UserError with close matches."""
    known = set(known_actors(store))
    out = []
    for n in names:
        code = n.strip().upper()
        if code not in known:  # a name or alias ("Armenia", "Yerevan") through the actor dictionary
            a = resolve_actor(n)
            code = a.code if a else code
        if code not in known:
            one_off = [k for k in sorted(known) if len(k) == len(code) and sum(x != y for x, y in zip(k, code,
                                                                                                  strict=True)) == 1]
            close = list(dict.fromkeys(one_off + difflib.get_close_matches(code, sorted(known), n=4, cutoff=0.5)))[:5]
            hint = f"; did you mean {', '.join(close)}?" if close else "; run `detente actors --resolve NAME`"
            raise UserError(f"unknown actor {n!r}: no events or scores for it in the store{hint}")
        out.append(code)
    return out


# -- universe ------------------------------------------------------------------------------
def universe(actors: list[str], periods: list[Period], directed: bool = False) -> pd.DataFrame:
    """Every dyad of ``actors`` x every period: the frame all measures are left-joined onto."""
    acts = sorted(dict.fromkeys(actors))
    if directed:
        pairs = [(a, b) for a in acts for b in acts if a != b]
    else:
        pairs = [(a, b) for i, a in enumerate(acts) for b in acts[i + 1:]]
    rows = [(p.name, p.start, p.end, a, b) for p in periods for a, b in pairs]
    df = pd.DataFrame(rows, columns=["period", "start", "end", "actor_a", "actor_b"])
    df["period_days"] = [p.days for p in periods for _ in pairs]
    return df


def _pairs(n: int, directed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) of n sorted actors in (actor_a, actor_b) order: i < j, or i != j when directed."""
    if directed:
        return np.nonzero(~np.eye(n, dtype=bool))
    return np.triu_indices(n, 1)


def calendar(periods: list[Period]) -> pd.DataFrame:
    """One row per (day, period) the periods cover: the equi-join key from days to periods (``_o`` = the
    period's position in ``periods``)."""
    rows = []
    for o, p in enumerate(periods):
        rows += [(p.start + timedelta(days=i), p.name, o) for i in range(p.days)]
    return pd.DataFrame(rows, columns=["date", "period", "_o"])


# -- aggregation as Ibis expressions ----------------------------------------------------------
def _rows(src: backends.Source, info: DatasetInfo, actors: list[str] | None, lo: date, hi: date,
          directed: bool) -> tuple[Any, Any]:
    """(rows of the requested dyads with actor_a/actor_b (as stored, not yet folded for undirected dyads) and
    _score, world totals per covered day)."""
    if info.kind == "events":
        t = src.events
        t = t.filter(t.dataset == info.name, t.date >= lo, t.date <= hi, t.source_actor.notnull(),
                     t.target_actor.notnull(), t.source_actor != t.target_actor)
        a, b, score = "source_actor", "target_actor", "goldstein"
    else:
        if directed and not info.directed:
            raise UserError(f"{info.name} holds undirected scores only; drop --directed for it")
        t = src.dyad_days
        t = t.filter(t.dataset == info.name, t.date >= lo, t.date <= hi, t.directed == info.directed)
        a, b, score = "actor_a", "actor_b", "score"
    if info.start is not None:
        t = t.filter(t.date >= info.start, t.date <= info.end)
    d = t.filter(t[a].isin(actors), t[b].isin(actors)) if actors else t
    cols = ["date", "quad_class"] if info.kind == "events" else ["date"]
    d = d.select(*cols, actor_a=d[a], actor_b=d[b], _score=d[score])  # as stored; folded by the caller
    world = t.group_by("date").agg(world_abs=t[score].abs().sum())
    return d, world


def _measures(d: Any, kind: str) -> dict[str, Any]:
    aggs: dict[str, Any] = {"value": d._score.sum()}
    if kind == "events":
        q = d.quad_class
        aggs |= {"n_events": d.count(), "n_verbal_coop": d.count(where=q == 1),
                 "n_material_coop": d.count(where=q == 2), "n_verbal_conflict": d.count(where=q == 3),
                 "n_material_conflict": d.count(where=q == 4)}
    else:
        aggs["n_days"] = d.count()
    return aggs


def _period_expr(src: backends.Source, info: DatasetInfo, periods: list[Period], actors: list[str] | None,
                 directed: bool) -> tuple[Any, Any, Any, Any]:
    """(measure sums per present period x dyad, covered days and world volume per period, the per-day
    dyad and world series the bootstrap resamples). Periods are keyed by position ``_o``."""
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    d, world = _rows(src, info, actors, lo, hi, directed)
    cal_df = calendar(periods)
    cal = ibis.memtable(cal_df[["date", "_o"]])
    wp = world.join(cal, "date").group_by("_o").agg(covered_days=_.count(), world_abs=_.world_abs.sum())
    dj = d.join(cal, "date")  # rows -> periods by an equi-join on the day (periods may overlap)
    # one group-by on the stored (a, b) order: cheaper than least/greatest over every row; _assemble folds
    # (b, a) onto (a, b) for undirected dyads
    dp = dj.group_by(["_o", "actor_a", "actor_b"]).agg(**_measures(dj, info.kind))
    if not directed:
        d = d.mutate(actor_a=ibis.least(d.actor_a, d.actor_b), actor_b=ibis.greatest(d.actor_a, d.actor_b))
    dyad = d.group_by(["date", "actor_a", "actor_b"]).agg(value=d._score.sum())
    ncal = ibis.memtable(cal_df[["date", "period"]])
    return dp, wp, dyad.join(ncal, "date").select(ncal.period, dyad.date, dyad.actor_a, dyad.actor_b, dyad.value), \
        world.join(ncal, "date").select(ncal.period, world.date, world.world_abs)


def _assemble(dp: pa.Table, wp: pa.Table, acts: list[str], periods: list[Period], directed: bool,
              kind: str) -> pd.DataFrame:
    """The universe (every period x dyad of ``acts``, built first) with the sums of ``dp`` left-joined by
    position: 0 where a covered period has no rows, NULL outside coverage."""
    n, n_per = len(acts), len(periods)
    ia, ib = _pairs(n, directed)
    n_pairs = len(ia)
    size = n_per * n_pairs
    slot = np.full((n, n), -1, dtype=np.int64)
    slot[ia, ib] = np.arange(n_pairs)
    if not directed:
        slot[ib, ia] = np.arange(n_pairs)  # (b, a) rows fold onto the undirected dyad (a, b)
    names = pa.array(acts, type=pa.string())
    i, j = (pc.index_in(dp.column(c).cast(pa.string()), value_set=names).fill_null(-1).to_numpy()
            for c in ("actor_a", "actor_b"))
    o = dp.column("_o").to_numpy().astype(np.int64)
    pos = o * n_pairs + slot[i, j] if len(o) else o
    if len(pos) and ((i < 0).any() or (j < 0).any() or (slot[i, j] < 0).any()):
        raise AssertionError("an aggregated dyad lies outside the universe")
    per_days = np.zeros(n_per, dtype=np.int64)
    per_world = np.full(n_per, np.nan)
    wo = wp.column("_o").to_numpy().astype(np.int64)
    per_days[wo] = wp.column("covered_days").to_numpy()
    per_world[wo] = wp.column("world_abs").to_numpy(zero_copy_only=False)
    cov = np.repeat(per_days > 0, n_pairs)
    cdays = np.repeat(per_days, n_pairs)
    world = np.repeat(per_world, n_pairs)

    def dense(col: str, dtype: Any) -> np.ndarray:  # the left join: 0 where no row, then NULL outside coverage
        w = dp.column(col).fill_null(0).to_numpy().astype(np.float64)
        return np.bincount(pos, weights=w, minlength=size).astype(dtype)

    def ints(v: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(v, ~cov)

    val = dense("value", np.float64)
    nan = np.where(cov, val, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        cols: dict[str, Any] = {
            "covered": cov, "covered_days": pd.arrays.IntegerArray(cdays, np.zeros(size, dtype=bool)),
            "index": np.where(cov & (world > 0), 1000.0 * val / world, np.nan)}
        if kind == "events":
            c = {m: dense(m, np.int64) for m in EVENT_MEASURES[:5]}
            coop = c["n_verbal_coop"] + c["n_material_coop"]
            conf = c["n_verbal_conflict"] + c["n_material_conflict"]
            cols |= {m: ints(v) for m, v in c.items()}
            cols |= {"goldstein_sum": nan,
                     "goldstein_mean": np.where(cov & (c["n_events"] > 0), val / c["n_events"], np.nan),
                     "net_coop": np.where(cov & (coop + conf > 0), (coop - conf) / (coop + conf), np.nan)}
        else:
            cols |= {"score_sum": nan, "score_mean": np.where(cov, val / cdays, np.nan),
                     "n_days": ints(dense("n_days", np.int64))}
    per = np.repeat(np.arange(n_per), n_pairs)
    pair = np.tile(np.arange(n_pairs), n_per)
    text = pd.StringDtype(na_value=np.nan)

    def strs(values: list[str], idx: np.ndarray) -> Any:
        return text.__from_arrow__(pa.array(values, type=pa.string()).take(idx))

    def dates(values: list[date]) -> np.ndarray:
        return np.array(values + [None], dtype=object)[:-1][per]

    df = pd.DataFrame({
        "period": strs([p.name for p in periods], per),
        "start": dates([p.start for p in periods]), "end": dates([p.end for p in periods]),
        "actor_a": strs(acts, ia[pair]), "actor_b": strs(acts, ib[pair]),
        "period_days": pd.arrays.IntegerArray(np.array([p.days for p in periods], dtype=np.int64)[per],
                                              np.zeros(size, dtype=bool)), **cols}, copy=False)
    return df


# -- confidence intervals ---------------------------------------------------------------------
def block_counts(n: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """(n, n_boot) times each of n days is drawn by a circular block bootstrap, block ceil(n^(1/3))."""
    L = max(1, math.ceil(n ** (1 / 3)))
    k = math.ceil(n / L)
    starts = rng.integers(0, n, size=(n_boot, k))
    idx = ((starts[:, :, None] + np.arange(L)[None, None, :]) % n).reshape(n_boot, -1)[:, :n]
    counts = np.zeros((n, n_boot))
    for b in range(n_boot):
        counts[:, b] = np.bincount(idx[b], minlength=n)
    return counts


def _bootstrap(res: pd.DataFrame, dd: pd.DataFrame, wd: pd.DataFrame, periods: list[Period], n_boot: int,
               seed: int, chunk: int = 2048) -> pd.DataFrame:
    """95% circular block bootstrap CIs of each dyad-period index: one (dyads x days) @ (days x draws) product per
    period (dyads in chunks, to bound memory); the draws of a period are the same for all its dyads."""
    res["ci_low"] = np.where(res["covered"], 0.0, np.nan)
    res["ci_high"] = res["ci_low"]
    order = {p.name: i for i, p in enumerate(periods)}
    key = res.set_index(["period", "actor_a", "actor_b"]).index
    lo_col, hi_col = res.columns.get_loc("ci_low"), res.columns.get_loc("ci_high")
    by_period = dict(tuple(dd.groupby("period", sort=False)))
    for name, w in wd.groupby("period", sort=False):
        g = by_period.get(name)
        if g is None or g.empty:
            continue
        w = w.sort_values("date")
        day = pd.Index(w["date"])
        counts = block_counts(len(day), n_boot, np.random.default_rng([seed, order[name]]))
        den = w["world_abs"].to_numpy(float) @ counts
        pairs = g[["actor_a", "actor_b"]].drop_duplicates()
        dyad = pd.MultiIndex.from_frame(pairs)
        rows = dyad.get_indexer(pd.MultiIndex.from_frame(g[["actor_a", "actor_b"]]))
        cols = day.get_indexer(g["date"])
        vals = g["value"].to_numpy(float)
        pos = key.get_indexer([(name, a, b) for a, b in pairs.itertuples(index=False)])
        assert (pos >= 0).all(), "a bootstrapped dyad is outside the dyad x period universe"
        for start in range(0, len(dyad), chunk):
            sel = (rows >= start) & (rows < start + chunk)
            V = np.zeros((min(chunk, len(dyad) - start), len(day)))
            np.add.at(V, (rows[sel] - start, cols[sel]), vals[sel])
            with np.errstate(invalid="ignore", divide="ignore"):
                r = 1000.0 * (V @ counts) / den
            lo, hi = np.nanpercentile(r, [2.5, 97.5], axis=1)
            at = pos[start:start + chunk]
            res.iloc[at, lo_col] = lo
            res.iloc[at, hi_col] = hi
    return res


# -- public entry points ----------------------------------------------------------------------
def dyad_frame(store: Any, actors: list[str] | None, periods: list[Period], dataset: str | None = None,
               directed: bool = False, backend: str = "duckdb", measures: list[str] | None = None,
               ci: bool = True, n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """Dyad x period measures for ``actors`` (None = every actor in the dataset); see module doc."""
    if not periods:
        raise UserError("no periods given")
    infos = _pick(store, dataset, measures)
    acts = check_actors(store, actors) if actors is not None else None
    if acts is not None and len(set(acts)) < 2:
        raise UserError("a dyad needs two different actors")
    frames = []
    for info in infos:
        lo, hi = min(p.start for p in periods), max(p.end for p in periods)
        src = backends.source(store, backend, info.name, lo, hi)
        dp_e, wp_e, dd, wd = _period_expr(src, info, periods, acts, directed)
        dp, wp = src.con.to_pyarrow(dp_e), src.con.to_pyarrow(wp_e)
        univ = sorted(set(acts if acts is not None else pc.unique(pa.chunked_array(
            dp.column("actor_a").chunks + dp.column("actor_b").chunks, type=pa.string())).to_pylist()))
        res = _assemble(dp, wp, univ, periods, directed, info.kind)
        n_uni = len(periods) * (len(univ) * (len(univ) - 1) // (1 if directed else 2))
        assert len(res) == n_uni, f"left join changed the universe: {n_uni} -> {len(res)} rows"
        if ci:
            dd_df, wd_df = src.run(dd), src.run(wd)
            for df in (dd_df, wd_df):
                df["date"] = pd.to_datetime(df["date"]).dt.date
            res = _bootstrap(res, dd_df, wd_df, periods, n_boot, seed)
        else:
            res["ci_low"] = res["ci_high"] = np.nan
        res.insert(5, "dataset", info.name)
        res.insert(6, "kind", info.kind)
        frames.append(res)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    cols = list(COMMON) + [m for m in ALL_MEASURES if m in out.columns]
    return out[cols]


def dyad_series(store: Any, a: str, b: str, freq: str = "month", start: str | date | None = None,
                end: str | date | None = None, dataset: str | None = None, directed: bool = False,
                backend: str = "duckdb", ci: bool = True, n_boot: int = 200, seed: int = 0,
                periods: list[Period] | None = None) -> pd.DataFrame:
    """One dyad over calendar periods of ``freq`` (or given ``periods``); start/end default to coverage."""
    lo, hi = span(start, end)
    infos = _pick(store, dataset, None)
    if periods is None:
        c_lo = min(d.start for d in infos if d.start)
        c_hi = max(d.end for d in infos if d.end)
        if (lo and lo > c_hi) or (hi and hi < c_lo):
            raise UserError(f"no data in {lo or '..'}..{hi or '..'}; the store holds {describe_coverage(store)}")
        lo, hi = lo or c_lo, hi or c_hi
        periods = cut_periods(freq, lo, hi)
    aa, bb = check_actors(store, [a, b])
    if aa == bb:
        raise UserError(f"{a} and {b} are the same actor; a dyad needs two")
    out = dyad_frame(store, [aa, bb], periods, dataset, directed, backend, ci=ci, n_boot=n_boot, seed=seed)
    if directed:
        out = out[(out.actor_a == aa) & (out.actor_b == bb)].reset_index(drop=True)
    if not out["covered"].any():
        raise UserError(f"no data for {aa}-{bb} in {periods[0].start}..{periods[-1].end}; the store holds "
                        f"{describe_coverage(store)}")
    return out
