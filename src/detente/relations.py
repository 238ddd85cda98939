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
* the daily layer claims and network measure from: ``Reader(store).daily(dataset, a, b, directed=False)``
  (one row per covered day: value, abs, n, coop, conf, world_abs), ``daily(store, a, b, dataset, ...)``,
  ``measure_parts(frame, measure, kind)`` (each of ``MEASURES`` as a ratio of two daily sums),
  ``period_value(...)`` and ``base_rate(reader, dataset, lo, hi, measure, volume)``.

Rules. A day is *covered* by a dataset when it lies in the dataset's coverage_start..coverage_end and the
dataset has at least one row that day (so the GDELT network's missing days and the gap between two ICEWS
years are gaps, not quiet days). A period with no covered day is NULL in every measure (``covered`` False);
a dyad with no events in a covered period has 0 events and index 0. Counts and sums are over covered days
(``covered_days`` of ``period_days``); the index is partial-coverage safe because its denominator covers the
same days. ``index`` = 1000 x dyad score / the absolute score of ALL international interactions of the
dataset on the same covered days (per mille of the world's volume; event datasets use Goldstein, the
GDELT network its daily score), so twice the world's news does not look twice as friendly. ``ci_low`` /
``ci_high``: 95% circular block bootstrap over covered days (``detente.resample``: block max(14, ceil(n^(1/3)))), ``n_boot``
resamples, seeded per period: deterministic and backend independent). ``active_days``: days of the period with
a row for the dyad; ``low_evidence``: fewer than ``coverage.EVIDENCE_FLOOR_DAYS`` of them (both NULL where the
period is not covered). On a read-only store the catalogue, the world's daily totals and the bootstrap's
denominators are read once per store file and contents (``_memo``). See docs/relations.md.
"""

from __future__ import annotations

import difflib
import math
import threading
import warnings
import weakref
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detente import resample
from detente.actors import resolve as resolve_actor
from detente.errors import UserError
from detente.periods import Period, span
from detente.periods import cut as cut_periods
from detente.store import files_state

if TYPE_CHECKING:
    from detente import backends

COMMON = ("period", "start", "end", "actor_a", "actor_b", "dataset", "kind", "covered", "covered_days",
          "period_days", "active_days", "low_evidence")
EVENT_MEASURES = ("n_events", "n_verbal_coop", "n_material_coop", "n_verbal_conflict", "n_material_conflict",
                  "goldstein_sum", "goldstein_mean", "net_coop", "index", "ci_low", "ci_high")
DYAD_DAY_MEASURES = ("score_sum", "score_mean", "n_days", "index", "ci_low", "ci_high")
KIND_MEASURES = {"events": EVENT_MEASURES, "dyad_days": DYAD_DAY_MEASURES}
ALL_MEASURES = tuple(dict.fromkeys(EVENT_MEASURES + DYAD_DAY_MEASURES))

__all__ = ["ALL_MEASURES", "COMMON", "DYAD_DAY_MEASURES", "DatasetInfo", "EVENT_MEASURES", "MEASURES", "Reader",
           "base_drift", "base_rate", "check_actors", "daily", "datasets", "describe_coverage", "dyad_frame",
           "dyad_series", "known_actors", "load_weekly", "measure_parts", "nearest", "period_value", "save_weekly", "universe",
           "warm"]


@dataclass(frozen=True)
class DatasetInfo:
    """One dataset of a store that holds dyad data (see :func:`datasets`).

    ``kind`` is ``"events"`` (one row per event, e.g. ICEWS) or ``"dyad_days"`` (one score per dyad and day,
    e.g. the GDELT network); ``start`` / ``end`` its coverage; ``directed`` whether source -> target is kept.

    Examples
    --------
    >>> DatasetInfo("net", "dyad_days", None, None, False).kind
    'dyad_days'
    """

    name: str
    kind: str  # events | dyad_days
    start: date | None
    end: date | None
    directed: bool


def datasets(store: Any) -> list[DatasetInfo]:
    """Datasets in the store that hold dyad data, with their kind and coverage.

    Parameters
    ----------
    store : Store or duckdb connection
        An open store (:func:`detente.open`).

    Returns
    -------
    list of DatasetInfo
        Sorted by name; datasets without events or dyad-day scores are left out.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> [(d.name, d.kind, str(d.start), str(d.end)) for d in datasets(store)]
    [('gdelt_network', 'dyad_days', '2018-01-01', '2024-02-23'), ('icews', 'events', '2021-01-01', '2022-08-31')]
    """
    memo = _memo(store)
    if memo is not None:
        if "datasets" not in memo:
            memo["datasets"] = _datasets(store)
        return list(memo["datasets"])
    return _datasets(store)


def _datasets(store: Any) -> list[DatasetInfo]:
    out = []
    con = getattr(store, "con", store)
    try:
        rows = con.execute("SELECT name, coverage_start, coverage_end FROM datasets ORDER BY name").fetchall()
    except Exception:  # a bare events/dyad_days store without the datasets table: coverage = the rows' dates
        rows = con.execute("SELECT dataset, min(date), max(date) FROM (SELECT dataset, date FROM events UNION ALL "
                           "SELECT dataset, date FROM dyad_days) GROUP BY 1 ORDER BY 1").fetchall()
    for name, lo, hi in rows:
        if con.execute("SELECT 1 FROM events WHERE dataset = ? LIMIT 1", [name]).fetchone():
            out.append(DatasetInfo(name, "events", lo, hi, True))
        else:
            r = con.execute("SELECT bool_or(directed) FROM (SELECT directed FROM dyad_days WHERE dataset = ?"
                            " LIMIT 1000)", [name]).fetchone()
            if r and r[0] is not None:
                out.append(DatasetInfo(name, "dyad_days", lo, hi, bool(r[0])))
    return out


def describe_coverage(store: Any) -> str:
    """One line naming each dyad dataset of ``store`` with its coverage (what error messages quote).

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.

    Returns
    -------
    str
        ``"name start..end; ..."``, or a hint to build the store when it holds no dyad data.

    Examples
    --------
    >>> import detente
    >>> describe_coverage(detente.open(read_only=True))
    'gdelt_network 2018-01-01..2024-02-23; icews 2021-01-01..2022-08-31'
    """
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
    """Every actor code that has an event or a dyad-day score in ``store``.

    Parameters
    ----------
    store : Store or duckdb connection
        An open store; on a read-only store file the answer is shared across calls until files are ingested.

    Returns
    -------
    list of str
        Sorted actor codes (ISO 3166 alpha-3 for states).

    Examples
    --------
    >>> import detente
    >>> codes = known_actors(detente.open(read_only=True))
    >>> codes[:3], {"ARM", "AZE", "TUR"} <= set(codes)
    (['ABW', 'AFG', 'AGO'], True)
    """
    memo = _memo(store)
    if memo is not None:
        if "known_actors" not in memo:
            memo["known_actors"] = _known_actors(store)
        return list(memo["known_actors"])
    return _known_actors(store)


def _known_actors(store: Any) -> list[str]:
    rows = getattr(store, "con", store).execute(
        "SELECT DISTINCT x FROM (SELECT source_actor x FROM events UNION SELECT target_actor FROM events"
        " UNION SELECT actor_a FROM dyad_days WHERE actor_a <> actor_b UNION SELECT actor_b FROM dyad_days"
        " WHERE actor_a <> actor_b) WHERE x IS NOT NULL"  # a self-row (bigquery's WLD) is world volume only
    ).fetchall()
    return sorted(r[0] for r in rows)


def check_actors(store: Any, names: list[str]) -> list[str]:
    """Codes for ``names`` (codes or names); an unknown one raises UserError with close matches.

    Parameters
    ----------
    store : Store or duckdb connection
        An open store: a code is known when the store has data for it.
    names : list of str
        Codes in any case (``"aze"``) or names and aliases the actor dictionary resolves (``"Armenia"``).

    Returns
    -------
    list of str
        One code per name, in the order given.

    Raises
    ------
    UserError
        For a name with no data in the store; the message lists close codes.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> check_actors(store, ["Armenia", "aze", "TUR"])
    ['ARM', 'AZE', 'TUR']
    >>> try:
    ...     check_actors(store, ["ARN"])
    ... except detente.UserError as e:
    ...     print(e)
    unknown actor 'ARN': no events or scores for it in the store; did you mean ARE, ARG, ARL, ARM, BRN?
    """
    memo = _memo(store)
    if memo is not None:
        if "known_set" not in memo:
            memo["known_set"] = frozenset(known_actors(store))
        known = memo["known_set"]
    else:
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
    """Every dyad of ``actors`` x every period: the frame all measures are left-joined onto.

    Parameters
    ----------
    actors : list of str
        Actor codes (duplicates dropped, sorted).
    periods : list of Period
        From :func:`detente.periods.parse` or :func:`detente.periods.cut`.
    directed : bool
        Both orders of each pair (A->B and B->A); else one row per pair, ``actor_a < actor_b``.

    Returns
    -------
    pandas.DataFrame
        Columns period, start, end, actor_a, actor_b, period_days; periods outer, dyads inner.

    Examples
    --------
    >>> from datetime import date
    >>> from detente.periods import cut
    >>> months = cut("month", date(2020, 9, 27), date(2020, 10, 31))
    >>> universe(["TUR", "AZE", "ARM"], months)[["period", "actor_a", "actor_b", "period_days"]].values.tolist()
    [['2020-09', 'ARM', 'AZE', 4], ['2020-09', 'ARM', 'TUR', 4], ['2020-09', 'AZE', 'TUR', 4], ['2020-10', 'ARM', 'AZE', 31], ['2020-10', 'ARM', 'TUR', 31], ['2020-10', 'AZE', 'TUR', 31]]
    >>> universe(["ARM", "AZE"], months[:1], directed=True)[["actor_a", "actor_b"]].values.tolist()
    [['ARM', 'AZE'], ['AZE', 'ARM']]
    """
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


# -- aggregation: the dyads' daily sums (SQL, or Ibis on Spark), then NumPy ----------------------
def _rows(src: backends.Source, info: DatasetInfo, actors: list[str] | None, lo: date, hi: date,
          directed: bool) -> Any:
    """Rows of the requested dyads in lo..hi with actor_a/actor_b (as stored, not yet folded for undirected
    dyads) and _score; the same filter as :meth:`Reader.world` (``Reader._where``), so every row lies on a
    covered day."""
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
    d = d.filter(d[a] != d[b])  # a self-row (the bigquery reader's WLD rest of the world) counts in the world only
    cols = ["date", "quad_class"] if info.kind == "events" else ["date"]
    return d.select(*cols, actor_a=d[a], actor_b=d[b], _score=d[score])  # as stored; folded by the caller


def _measures(d: Any, kind: str) -> dict[str, Any]:
    aggs: dict[str, Any] = {"value": d._score.sum(), "_nn": d._score.count()}
    if kind == "events":
        q = d.quad_class
        aggs |= {"n_events": d.count(), "n_verbal_coop": d.count(where=q == 1),
                 "n_material_coop": d.count(where=q == 2), "n_verbal_conflict": d.count(where=q == 3),
                 "n_material_conflict": d.count(where=q == 4)}
    else:
        aggs["n_days"] = d.count()
    return aggs


SUMMED = ("value", "_nn", *EVENT_MEASURES[:5], "n_days")  # the daily columns that add up over days and folds


def _daily_expr(src: backends.Source, info: DatasetInfo, actors: list[str] | None, lo: date, hi: date,
                directed: bool) -> Any:
    """The aggregation as an Ibis expression (the Spark backend): the measures' sums per day and dyad, undirected
    dyads folded onto (least, greatest) after a first group-by on the stored order (so the fold runs over daily
    rows, not events). Periods and the bootstrap are sums of these rows (:func:`_from_daily`)."""
    import ibis

    d = _rows(src, info, actors, lo, hi, directed)
    g = d.group_by(["date", "actor_a", "actor_b"]).agg(**_measures(d, info.kind))
    if directed:
        return g
    g = g.mutate(actor_a=ibis.least(g.actor_a, g.actor_b), actor_b=ibis.greatest(g.actor_a, g.actor_b))
    return g.group_by(["date", "actor_a", "actor_b"]).agg(**{c: g[c].sum() for c in SUMMED if c in g.columns})


def _daily_sql(info: DatasetInfo, actors: list[str] | None, lo: date, hi: date, directed: bool) -> tuple[str, list]:
    """:func:`_daily_expr` as DuckDB SQL (Ibis compiles an expression afresh per call, ~40 ms; the Spark test
    holds the two equal). Rows are filtered by :func:`_where`, the rule of the world totals."""
    table, a, b, sc, (w, args) = _where(info)
    w += f" AND date BETWEEN ? AND ? AND {a} <> {b}"  # a self-row (bigquery's WLD) counts in the world only
    args = args + [lo, hi]
    if actors:
        w += f" AND list_contains(?, {a}) AND list_contains(?, {b})"
        args += [sorted(set(actors))] * 2
    if info.kind == "events":
        m = (", count(*) AS n_events" + "".join(f", count(*) FILTER (WHERE quad_class = {k}) AS {c}"
                                                for k, c in enumerate(EVENT_MEASURES[1:5], start=1)))
    else:
        m = ", count(*) AS n_days"
    # undirected: fold on every row in the one group-by (measured at 3M synthetic events: 0.5 s, against 0.9 s
    # for a group-by on the stored order and a second one folding its daily rows)
    x, y = (a, b) if directed else (f"least({a}, {b})", f"greatest({a}, {b})")
    sql = (f"SELECT date, {x} AS actor_a, {y} AS actor_b, sum({sc}) AS value, count({sc}) AS _nn{m} "
           f"FROM {table} WHERE {w} GROUP BY ALL")
    return sql, args


# DuckDB warns that Arrow from ``execute`` copies the rows once more; strings still come ~4x faster as Arrow than
# through ``fetchnumpy``, copy included. Silenced for the process (a ``catch_warnings`` block around the call is
# not thread-safe: the server's compute threads restored each other's filters and the warning leaked)
warnings.filterwarnings("ignore", message="Arrow output on a DB-API result makes an extra copy", category=UserWarning)


def _fetch(store: Any, sql: str, args: list) -> pa.Table:
    """The rows as Arrow. ``execute``, not ``con.sql``: ``sql`` refuses to run while an earlier statement on the
    cursor has an unfetched result."""
    return getattr(store, "con", store).execute(sql, args).to_arrow_table()


def _duckdb_sums(store: Any, info: DatasetInfo, actors: list[str] | None, periods: list[Period], directed: bool,
                 daily: bool) -> pa.Table:
    """The daily sums (``daily``: the bootstrap needs them), else the same rows summed per period position
    ``_o`` in the engine with their count as ``active_days`` (a world-wide frame has far fewer period cells
    than dyad-days: this is what scales to 100M events)."""
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    sql, args = _daily_sql(info, actors, lo, hi, directed)
    if daily:
        return _fetch(store, sql, args)
    cal = [(p.start + timedelta(days=i), o) for o, p in enumerate(periods) for i in range(p.days)]
    cols = ("value", "_nn", *EVENT_MEASURES[:5]) if info.kind == "events" else ("value", "_nn", "n_days")
    sql = ("SELECT c._o, d.actor_a, d.actor_b, " + ", ".join(f"sum(d.{c}) AS {c}" for c in cols)
           + f", count(*) AS active_days FROM ({sql}) d JOIN (SELECT unnest(?::DATE[]) AS date, "
           "unnest(?::BIGINT[]) AS _o) c ON c.date = d.date GROUP BY ALL")
    return _fetch(store, sql, args + [[d for d, _ in cal], [o for _, o in cal]])


def _np_days(values: Any) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def _period_world(days: np.ndarray, wabs: np.ndarray, periods: list[Period]) -> tuple[np.ndarray, np.ndarray,
                                                                                      np.ndarray, np.ndarray]:
    """(first and end+1 positions in ``days`` of each period's covered days, covered days per period, the
    world's |score| per period: NaN where no day has a non-NULL score, as SQL's sum). Periods may overlap."""
    i0 = np.searchsorted(days, _np_days([p.start for p in periods]), side="left")
    i1 = np.searchsorted(days, _np_days([p.end for p in periods]), side="right")
    per_days = (i1 - i0).astype(np.int64)
    per_world = np.full(len(periods), np.nan)
    for o in np.nonzero(per_days)[0]:
        seg = wabs[i0[o]:i1[o]]
        seg = seg[~np.isnan(seg)]
        if len(seg):
            per_world[o] = seg.sum()
    return i0, i1, per_days, per_world


def _column(tb: pa.Table, name: str, dtype: Any = np.float64) -> np.ndarray:
    """A column as NumPy, NULL as 0."""
    return tb.column(name).fill_null(0).to_numpy().astype(dtype)


def _from_daily(tb: pa.Table, info: DatasetInfo, acts: list[str], periods: list[Period], directed: bool,
                world: tuple[np.ndarray, np.ndarray], ci: bool, n_boot: int, seed: int,
                memo: dict | None) -> pd.DataFrame:
    """The dyad x period frame from the daily sums ``tb`` (:func:`_daily_expr`, or :func:`_duckdb_sums`' period
    cells when no interval is asked) and the world's covered days ``world`` (:func:`_world_arrays`): every sum,
    the days with data and the bootstrap interval in NumPy."""
    n_per = len(periods)
    ia, ib = _pairs(len(acts), directed)
    n_pairs = len(ia)
    size = n_per * n_pairs
    slot = np.full((len(acts), len(acts)), -1, dtype=np.int64)
    slot[ia, ib] = np.arange(n_pairs)
    if not directed:
        slot[ib, ia] = np.arange(n_pairs)  # (b, a) rows fold onto the undirected dyad (a, b)
    names = pa.array(acts, type=pa.string())
    i, j = (pc.index_in(tb.column(c).cast(pa.string()), value_set=names).fill_null(-1).to_numpy()
            for c in ("actor_a", "actor_b"))
    if len(i) and ((i < 0).any() or (j < 0).any() or (slot[i, j] < 0).any()):
        raise AssertionError("an aggregated dyad lies outside the universe")
    if "_o" in tb.column_names:  # summed per period in the engine (no interval asked)
        pos = tb.column("_o").to_numpy().astype(np.int64) * n_pairs + slot[i, j] if len(i) else np.zeros(0, np.int64)
        sums = {c: np.bincount(pos, weights=_column(tb, c), minlength=size).astype(np.int64)
                for c in (*(EVENT_MEASURES[:5] if info.kind == "events" else ("n_days",)), "active_days")}
        sums["value"] = np.bincount(pos, weights=_column(tb, "value"), minlength=size)
        days, wabs = world
        _d0, _d1, per_days, per_world = _period_world(days, wabs, periods)
        res = _assemble(sums, per_days, per_world, acts, periods, directed, info.kind)
        res["ci_low"] = res["ci_high"] = np.nan
        return res
    rday = _np_days(tb.column("date").to_numpy(zero_copy_only=False)) if len(i) else _np_days([])
    order = np.argsort(rday, kind="stable")
    rday, pair = rday[order], slot[i, j][order] if len(i) else np.zeros(0, np.int64)
    # rows -> periods (a row lies in every period that holds its day: periods may overlap)
    r0 = np.searchsorted(rday, _np_days([p.start for p in periods]), side="left")
    r1 = np.searchsorted(rday, _np_days([p.end for p in periods]), side="right")
    lens = r1 - r0
    first = np.cumsum(lens) - lens
    idx = np.arange(int(lens.sum())) - np.repeat(first, lens) + np.repeat(r0, lens)
    pos = np.repeat(np.arange(n_per), lens) * n_pairs + pair[idx]

    def dense(col: str, dtype: Any = np.float64) -> np.ndarray:  # the left join: 0 where no row
        return np.bincount(pos, weights=_column(tb, col)[order][idx], minlength=size).astype(dtype)

    sums = {c: dense(c, np.int64) for c in (EVENT_MEASURES[:5] if info.kind == "events" else ("n_days",))}
    sums["value"] = dense("value")
    # the rows are unique per day and (folded) dyad, so a cell's days with data are its rows
    sums["active_days"] = np.bincount(pos, minlength=size).astype(np.int64)
    days, wabs = world
    d0, d1, per_days, per_world = _period_world(days, wabs, periods)
    res = _assemble(sums, per_days, per_world, acts, periods, directed, info.kind)
    if not ci:
        res["ci_low"] = res["ci_high"] = np.nan
        return res
    # 95% circular block bootstrap per period: (dyads x days) @ (days x draws), the draws and their world
    # denominators shared by every dyad of the period (resample.counts' cache, ``memo``)
    lo_ci = np.where(res["covered"].to_numpy(), 0.0, np.nan)
    hi_ci = lo_ci.copy()
    val, nn = _column(tb, "value")[order], _column(tb, "_nn")[order]
    got_at: list[np.ndarray] = []
    got_r: list[np.ndarray] = []

    def flush() -> None:  # one percentile call for many periods' draws (a call per period costs more than it)
        if not got_at:
            return
        at, r = np.concatenate(got_at), np.concatenate(got_r)
        got_at.clear()
        got_r.clear()
        lo_ci[at], hi_ci[at] = resample.row_intervals(r)

    held = 0
    for o in np.nonzero((per_days > 0) & (lens > 0))[0]:
        pdays, pw = days[d0[o]:d1[o]], wabs[d0[o]:d1[o]]
        counts, den = _draws(memo, info.name, periods[o], o, pw, n_boot, seed)
        rows = idx[first[o]:first[o] + lens[o]]
        up, inv = np.unique(pair[rows], return_inverse=True)
        col = np.searchsorted(pdays, rday[rows])
        for s in range(0, len(up), 2048):  # dyads in chunks, to bound memory
            m = (inv >= s) & (inv < s + 2048)
            k = min(2048, len(up) - s)
            V, R, NN = (np.zeros((k, len(pdays))) for _ in range(3))
            cell = (inv[m] - s, col[m])
            np.add.at(V, cell, val[rows[m]])
            np.add.at(R, cell, 1.0)
            np.add.at(NN, cell, nn[rows[m]])
            V[(R > 0) & (NN == 0)] = np.nan  # a day whose every score is NULL is NULL, as SQL's sum
            with np.errstate(invalid="ignore", divide="ignore"):
                got_r.append(1000.0 * (V @ counts) / den)
            got_at.append(o * n_pairs + up[s:s + k])
            held += k
            if held >= 2048:
                flush()
                held = 0
    flush()
    res["ci_low"], res["ci_high"] = lo_ci, hi_ci
    return res


def _assemble(sums: dict[str, np.ndarray], per_days: np.ndarray, per_world: np.ndarray, acts: list[str],
              periods: list[Period], directed: bool, kind: str) -> pd.DataFrame:
    """The universe (every period x dyad of ``acts``, built first) with the dense sums left-joined by position
    (``period position x n_pairs + pair``): 0 where a covered period has no rows, NULL outside coverage."""
    n_per = len(periods)
    ia, ib = _pairs(len(acts), directed)
    n_pairs = len(ia)
    size = n_per * n_pairs
    cov = np.repeat(per_days > 0, n_pairs)
    cdays = np.repeat(per_days, n_pairs)
    world = np.repeat(per_world, n_pairs)

    def ints(v: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(v.astype(np.int64), ~cov)

    from detente.coverage import EVIDENCE_FLOOR_DAYS

    val = sums["value"]
    nan = np.where(cov, val, np.nan)
    active = sums["active_days"]
    with np.errstate(invalid="ignore", divide="ignore"):
        cols: dict[str, Any] = {
            "covered": cov, "covered_days": pd.arrays.IntegerArray(cdays, np.zeros(size, dtype=bool)),
            "active_days": ints(active),
            "low_evidence": pd.arrays.BooleanArray(active < EVIDENCE_FLOOR_DAYS, ~cov),
            "index": np.where(cov & (world > 0), 1000.0 * val / world, np.nan)}
        if kind == "events":
            c = {m: sums[m] for m in EVENT_MEASURES[:5]}
            coop = c["n_verbal_coop"] + c["n_material_coop"]
            conf = c["n_verbal_conflict"] + c["n_material_conflict"]
            cols |= {m: ints(v) for m, v in c.items()}
            cols |= {"goldstein_sum": nan,
                     "goldstein_mean": np.where(cov & (c["n_events"] > 0), val / c["n_events"], np.nan),
                     "net_coop": np.where(cov & (coop + conf > 0), (coop - conf) / (coop + conf), np.nan)}
        else:
            cols |= {"score_sum": nan, "score_mean": np.where(cov, val / cdays, np.nan),
                     "n_days": ints(sums["n_days"])}
    per = np.repeat(np.arange(n_per), n_pairs)
    pair = np.tile(np.arange(n_pairs), n_per)
    text = pd.StringDtype(na_value=np.nan)

    def strs(values: list[str], idx: np.ndarray) -> Any:
        return text.__from_arrow__(pa.array(values, type=pa.string()).take(idx))

    def dates(values: list[date]) -> np.ndarray:
        return np.array(values + [None], dtype=object)[:-1][per]

    return pd.DataFrame({
        "period": strs([p.name for p in periods], per),
        "start": dates([p.start for p in periods]), "end": dates([p.end for p in periods]),
        "actor_a": strs(acts, ia[pair]), "actor_b": strs(acts, ib[pair]),
        "period_days": pd.arrays.IntegerArray(np.array([p.days for p in periods], dtype=np.int64)[per],
                                              np.zeros(size, dtype=bool)), **cols}, copy=False)


# -- what is read once per store: catalogue, world totals, bootstrap denominators -----------------------------
_MEMO: dict[tuple, dict] = {}  # (store file, files state) -> {what: value}, read-only stores only
_MEMO_LOCK = threading.Lock()
DEN_ENTRIES = 50_000  # bootstrap denominators kept per store state (n_boot floats each: 80 MB at B = 200)


def _memo(store: Any) -> dict | None:
    """What is computed once for a read-only store file and its contents (its catalogue, the world's daily
    totals, the bootstrap's denominators), shared by every open and cursor of it (the server opens one per
    request); None for a writable store or a bare connection (read afresh: an ingest may change it)."""
    path = getattr(store, "path", None)
    if not getattr(store, "read_only", False) or path is None:
        return None
    files = files_state(store)  # read once per read-only store object
    if files is None:  # no files table: no sharing
        return None
    state = (str(path), files)
    with _MEMO_LOCK:
        m = _MEMO.get(state)
        if m is None:
            if len(_MEMO) >= 4:
                _MEMO.clear()
            m = _MEMO[state] = {}
    return m


def _world_arrays(store: Any, info: DatasetInfo) -> tuple[np.ndarray, np.ndarray]:
    """(covered days of ``info``, sorted, as datetime64[D]; the world's |score| each day): the
    :meth:`Reader.world` rule, read once per read-only store."""
    memo = _memo(store)
    key = ("world_arrays", info.name)
    if memo is not None and key in memo:
        return memo[key]
    w = (shared_reader(store) if memo is not None else Reader(store)).world(info.name)
    got = (_np_days(w.index.values), w["world_abs"].to_numpy(float))
    if memo is not None:
        memo[key] = got
    return got


def warm(store: Any, weekly: bool = False) -> list[str]:
    """Read now what relations reads once per read-only store and shares with every open of it: the catalogue,
    the known actors and each dataset's covered days and world totals (a server calls it before its first request).

    Parameters
    ----------
    store : Store or duckdb connection
        An open store; what is read is kept only for a read-only one (a writable one may change).
    weekly : bool
        Also every world dyad's weekly sums of each dataset, which base rates and drifts are cut from (the
        report's claims process reads them while its parent extracts a text's claims).

    Returns
    -------
    list of str
        The names of the datasets read.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> warm(store)
    ['gdelt_network', 'icews']
    >>> store.close()
    """
    infos = datasets(store)
    for info in infos:
        _world_arrays(store, info)
        if weekly:
            shared_reader(store)._weekly_world(info.name)
    check_actors(store, [])
    return [info.name for info in infos]


_WEEKLY_SUMS = ("value", "abs", "coop", "conf", "n")  # per world pair and week (Reader._weekly_world)
_WEEKLY_ARRAYS = ("pair", "wk", *_WEEKLY_SUMS)


def save_weekly(store: Any, folder: str | Path) -> list[Path]:
    """Write every dataset's world weekly sums (what base rates are cut from) to ``folder``, one ``.npz`` per
    dataset, for another process reading the same store (the report's claims child): it loads them with
    :func:`load_weekly` instead of aggregating the store again.

    Parameters
    ----------
    store : Store
        An open store.
    folder : str or Path
        An existing folder (a temporary one: the files are a hand-over, not a cache).

    Returns
    -------
    list of Path
        One file per dataset, each tagged with the dataset and the store's state (:func:`store.files_state`).

    Examples
    --------
    Hand the sums to a second open of the same store; its base rates equal the first's:

    >>> import tempfile
    >>> from datetime import date
    >>> import detente
    >>> first = detente.open(read_only=True)
    >>> files = save_weekly(first, tempfile.mkdtemp())
    >>> [f.name for f in files]
    ['weekly-0.npz', 'weekly-1.npz']
    >>> _WEEKLY.clear()
    >>> second = detente.open(read_only=True)
    >>> load_weekly(second, files)
    ['gdelt_network', 'icews']
    >>> lo, hi = date(2021, 1, 1), date(2021, 6, 30)
    >>> a = shared_reader(first).period_sums("gdelt_network", lo, hi)
    >>> b = shared_reader(second).period_sums("gdelt_network", lo, hi)
    >>> cols = ["a", "b", "value", "abs", "coop", "conf", "n"]  # the world's daily totals are read by each open
    >>> a[cols].equals(b[cols]), len(a)
    (True, 9767)
    >>> first.close(); second.close()
    """
    r = shared_reader(store)
    state = repr(r._state())
    out = []
    for i, info in enumerate(datasets(store)):
        ww = r._weekly_world(info.name)
        path = Path(folder) / f"weekly-{i}.npz"
        np.savez(path, dataset=np.array(info.name), state=np.array(state), a=ww["a"].astype(str),
                 b=ww["b"].astype(str), **{c: ww[c] for c in _WEEKLY_ARRAYS})
        out.append(path)
    return out


def load_weekly(store: Any, files: list[str | Path]) -> list[str]:
    """Take the world weekly sums :func:`save_weekly` wrote from another open of the same store; a file written
    for another store state (an ingest in between) or unreadable is skipped, and its sums are read from the store
    when first needed.

    Parameters
    ----------
    store : Store
        An open store.
    files : list of str or Path
        What :func:`save_weekly` returned.

    Returns
    -------
    list of str
        The datasets taken.

    Examples
    --------
    A file that is not there is skipped:

    >>> import detente
    >>> load_weekly(detente.open(read_only=True), ["/nonexistent/weekly-0.npz"])
    []
    """
    r = shared_reader(store)
    state = r._state()
    taken = []
    for f in files:
        try:
            with np.load(f, allow_pickle=False) as z:
                if str(z["state"]) != repr(state):
                    continue
                name = str(z["dataset"])
                a, b = z["a"].astype(object), z["b"].astype(object)
                ww = {"a": a, "b": b, **{c: z[c] for c in _WEEKLY_ARRAYS}}
        except (OSError, KeyError, ValueError):
            continue
        if len(_WEEKLY) > 8:
            _WEEKLY.clear()
        _WEEKLY[(state, name)] = ww
        taken.append(name)
    return taken


def _draws(memo: dict | None, name: str, p: Period, o: int, wabs: np.ndarray, n_boot: int,
           seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(the (days x n_boot) draw counts of period ``o``, seeded ``[seed, o]``; the world's resampled |score|)."""
    counts = resample.counts(len(wabs), n_boot, [seed, o])  # cached by resample (an integer seed)
    if memo is None:
        return counts, wabs @ counts
    dens = memo.setdefault("den", {})
    key = (name, p.start, p.end, o, len(wabs), n_boot, seed)
    den = dens.get(key)
    if den is None:
        den = wabs @ counts
        if len(dens) >= DEN_ENTRIES:
            dens.clear()
        dens[key] = den
    return counts, den


# -- confidence intervals ---------------------------------------------------------------------
def block_counts(n: int, n_boot: int, rng: np.random.Generator | int | list[int]) -> np.ndarray:
    """(n, n_boot) times each of n days is drawn: :func:`detente.resample.counts` (the one block rule)."""
    return resample.counts(n, n_boot, rng)


# -- public entry points ----------------------------------------------------------------------
def dyad_frame(store: Any, actors: list[str] | None, periods: list[Period], dataset: str | None = None,
               directed: bool = False, backend: str = "duckdb", measures: list[str] | None = None,
               ci: bool = True, n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
    """Dyad x period measures for ``actors`` (None = every actor in the dataset); see module doc.

    The universe (every dyad x period, :func:`universe`) is built first and every dataset's measures are
    left-joined onto it, so the row count is datasets x dyads x periods.

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.
    actors : list of str or None
        Codes or names (:func:`check_actors`); None takes every actor with rows in the periods.
    periods : list of Period
        From :func:`detente.periods.parse` (months, quarters, a case's named periods, ``"lo:hi"``).
    dataset : str, optional
        One dataset (:func:`datasets`); default every dataset, one block of rows each (never pooled).
    directed : bool
        Keep source -> target (event datasets); default one undirected row per pair, ``actor_a < actor_b``.
    backend : {"duckdb", "spark"}
        Where the aggregation runs (:mod:`detente.backends`); the result is the same.
    measures : list of str, optional
        Only datasets that have these measures; naming one a chosen ``dataset`` lacks is a UserError.
    ci : bool
        Add the 95% circular block bootstrap interval of ``index`` (``ci_low``, ``ci_high``); else NaN.
    n_boot, seed : int
        Bootstrap resamples and seed (deterministic per period).

    Returns
    -------
    pandas.DataFrame
        Columns ``COMMON`` then the measures (``EVENT_MEASURES`` / ``DYAD_DAY_MEASURES``); measures a row's
        dataset lacks, and every measure of a period the dataset does not cover, are NULL.

    Examples
    --------
    A hand-made store: one dyad-day network over two days. The world's volume is |-3| + |1| = 4 on each day,
    so ARM-AZE's index is 1000 x (-3 - 1) / 8 = -500, and ARM-TUR (no rows) is 0, not NULL:

    >>> import os, tempfile
    >>> from datetime import date
    >>> from detente.periods import parse
    >>> from detente.store import Store
    >>> s = Store(os.path.join(tempfile.mkdtemp(), "tiny.duckdb"))
    >>> _ = s.con.executemany(
    ...     "INSERT INTO dyad_days (date, actor_a, actor_b, directed, score, dataset, file) "
    ...     "VALUES (?, ?, ?, false, ?, 'net', 'hand')",
    ...     [(date(2021, 1, 1), "ARM", "AZE", -3.0), (date(2021, 1, 1), "AZE", "TUR", 1.0),
    ...      (date(2021, 1, 2), "ARM", "AZE", -1.0), (date(2021, 1, 2), "AZE", "TUR", 3.0)])
    >>> _ = s.con.execute("INSERT INTO datasets (name, title, coverage_start, coverage_end) "
    ...                   "VALUES ('net', 'hand-made', DATE '2021-01-01', DATE '2021-01-02')")
    >>> f = dyad_frame(s, ["ARM", "AZE", "TUR"], parse("2021-01-01:2021-01-02"), ci=False)
    >>> f[["actor_a", "actor_b", "covered_days", "score_sum", "index"]].values.tolist()
    [['ARM', 'AZE', 2, -4.0, -500.0], ['ARM', 'TUR', 2, 0.0, 0.0], ['AZE', 'TUR', 2, 4.0, 500.0]]
    >>> s.close()

    The bundled real store: both datasets cover 2021-Q1 (90 days), so the dyad has one row per dataset; days
    a dataset has no rows at all are gaps, not quiet days (one for the GDELT network, two for ICEWS):

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> f = dyad_frame(store, ["ARM", "AZE"], parse("quarter", start="2021-01", end="2021-03"), ci=False)
    >>> f[["period", "dataset", "kind", "covered_days"]].values.tolist()
    [['2021-Q1', 'gdelt_network', 'dyad_days', 89], ['2021-Q1', 'icews', 'events', 88]]
    """
    if not periods:
        raise UserError("no periods given")
    infos = _pick(store, dataset, measures)
    acts = check_actors(store, actors) if actors is not None else None
    if acts is not None and len(set(acts)) < 2:
        raise UserError("a dyad needs two different actors")
    frames = []
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    memo = _memo(store)
    for info in infos:
        if info.kind != "events" and directed and not info.directed:
            raise UserError(f"{info.name} holds undirected scores only; drop --directed for it")
        if backend == "duckdb":
            tb = _duckdb_sums(store, info, acts, periods, directed, daily=ci)
        else:  # Spark: the same aggregation as an Ibis expression (imported only here: ibis takes ~0.7 s)
            from detente import backends

            src = backends.source(store, backend, info.name, lo, hi)
            tb = src.con.to_pyarrow(_daily_expr(src, info, acts, lo, hi, directed))
        univ = sorted(set(acts if acts is not None else pc.unique(pa.chunked_array(
            tb.column("actor_a").chunks + tb.column("actor_b").chunks, type=pa.string())).to_pylist()))
        res = _from_daily(tb, info, univ, periods, directed, _world_arrays(store, info), ci, n_boot, seed, memo)
        n_uni = len(periods) * (len(univ) * (len(univ) - 1) // (1 if directed else 2))
        assert len(res) == n_uni, f"left join changed the universe: {n_uni} -> {len(res)} rows"
        if acts is not None:
            _no_data(store, info, res)
        res.insert(5, "dataset", info.name)
        res.insert(6, "kind", info.kind)
        frames.append(res)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    cols = list(COMMON) + [m for m in ALL_MEASURES if m in out.columns]
    return out[cols]


def _no_data(store: Any, info: DatasetInfo, res: pd.DataFrame) -> None:
    """Dyads with an actor the dataset cannot hold or never records (neither ``coverage.covers_actor`` nor among
    the dataset's own actor codes: XKX and SRB in the GDELT network) are "no data": ``covered`` False and every
    measure NULL, never an index of 0."""
    if not hasattr(store, "con"):  # a bare connection (tests' hand-made stores): no actor table to ask
        return
    from detente import coverage

    memo = _memo(store)
    seen = memo.setdefault("covers", {}) if memo is not None else {}  # a read-only store's answers, read once
    if (info.name, None) not in seen:
        seen[(info.name, None)] = bool((coverage.actor_table(store).dataset == info.name).any())
    if not seen[(info.name, None)]:
        return  # the actor table knows nothing of this dataset (events without country codes): no verdict
    acts = set(res.actor_a) | set(res.actor_b)
    for a in acts:
        if (info.name, a) not in seen:
            seen[(info.name, a)] = coverage.covers_actor(store, info.name, a) or _records(store, info, a, memo)
    gone = [a for a in sorted(acts) if not seen[(info.name, a)]]
    if not gone:
        return
    m = (res.actor_a.isin(gone) | res.actor_b.isin(gone)).to_numpy()
    res.loc[m, "covered"] = False
    for c in ("active_days", "low_evidence", *KIND_MEASURES[info.kind]):
        if c in res.columns:
            res.loc[m, c] = pd.NA if isinstance(res[c].dtype, pd.api.extensions.ExtensionDtype) else np.nan


def _records(store: Any, info: DatasetInfo, actor: str, memo: dict | None) -> bool:
    """Does ``info`` hold rows with ``actor`` as a party (its own actor codes)? The actor table counts events by
    country, so organisations (UNO, ICC) are absent from it although ICEWS records them (YEM-UNO: 173 events)."""
    from detente import coverage

    u = coverage.universe(info.name)
    if u is not None and actor not in u:
        return False
    key = ("actor_codes", info.name)
    codes = memo.get(key) if memo is not None else None
    if codes is None:
        codes = frozenset((shared_reader(store) if memo is not None else Reader(store)).actors(info.name))
        if memo is not None:
            memo[key] = codes
    return actor in codes


def dyad_series(store: Any, a: str, b: str, freq: str = "month", start: str | date | None = None,
                end: str | date | None = None, dataset: str | None = None, directed: bool = False,
                backend: str = "duckdb", ci: bool = True, n_boot: int = 200, seed: int = 0,
                periods: list[Period] | None = None) -> pd.DataFrame:
    """One dyad over calendar periods of ``freq`` (or given ``periods``); start/end default to coverage.

    Parameters
    ----------
    store : Store or duckdb connection
        An open store.
    a, b : str
        The two actors (codes or names).
    freq : str
        Calendar period length: ``"day"``, ``"week"``, ``"month"``, ``"quarter"`` or ``"year"``.
    start, end : str or date, optional
        Bounds (``"2020-07"`` means the month); default the datasets' coverage.
    dataset, directed, backend, ci, n_boot, seed
        As in :func:`dyad_frame`.
    periods : list of Period, optional
        Given periods instead of ``freq``/``start``/``end``.

    Returns
    -------
    pandas.DataFrame
        :func:`dyad_frame`'s rows for the dyad; directed keeps a -> b only.

    Raises
    ------
    UserError
        When the bounds lie outside every dataset's coverage or the dyad has no covered period.

    Examples
    --------
    The Armenia-Azerbaijan dyad in the GDELT network: the July 2020 border clashes, then the war that began
    on 27 September, whose first full month (2020-10) is the most conflictual:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> s = dyad_series(store, "ARM", "AZE", start="2020-06", end="2020-11", dataset="gdelt_network", ci=False)
    >>> [(p, round(i, 1)) for p, i in zip(s["period"], s["index"])]
    [('2020-06', -0.5), ('2020-07', -18.1), ('2020-08', -5.1), ('2020-09', -17.3), ('2020-10', -46.8), ('2020-11', -0.5)]
    """
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


# -- the daily series: the one measurement layer -------------------------------------------------
# Every number claims, network and the views quote for a dyad comes from these daily sums. A measure is a
# ratio of two daily sums over a period's covered days (NUM / DEN below), so the period value, its
# resampled interval (detente.resample) and the world's base rate all come from the same columns.
DAILY_COLUMNS = ("value", "abs", "n", "coop", "conf", "world_abs", "typical")
MEASURES = ("intensity", "tone", "goldstein", "net", "index", "volume", "count")
MEASURE_HELP = {
    "intensity": "the score in units of the dyad's own typical volume: sum(score) / (the dyad's usual share of "
                 "the world's |score| x the world's |score| on the same days); bounded in neither direction, "
                 "world news volume cancels (claims' default)",
    "tone": "sum(score) / sum(|score|) over the period, in [-1, 1] (events: Goldstein; saturates at +/-1)",
    "goldstein": "events: mean Goldstein per event; dyad_days: the score per mille of the world's volume",
    "net": "(cooperative - conflictual) / both, in [-1, 1] (events: QuadClass; dyad_days: days by sign)",
    "index": "1000 x score / the world's absolute score on the same days (relations' index)",
    "volume": "1000 x |score| / the world's absolute score on the same days (share of the news, per mille)",
    "count": "events (dyad_days: active days) per covered day",
}


def measure_parts(d: pd.DataFrame, measure: str, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(numerator, denominator) per day of ``measure`` for a :func:`daily` frame; the period value is
    sum(num) / sum(den).

    Parameters
    ----------
    d : pandas.DataFrame
        Daily rows with the ``DAILY_COLUMNS`` (:func:`daily`).
    measure : str
        One of ``MEASURES`` (``MEASURE_HELP`` says what each means).
    kind : {"events", "dyad_days"}
        The dataset's kind (``goldstein`` differs between them).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Numerator and denominator per day.

    Examples
    --------
    Two days of one dyad: tone is sum(value) / sum(abs) = (-3 + 1) / (3 + 1) = -0.5, net is
    (coop - conf) / (coop + conf) = (1 - 1) / 2 = 0:

    >>> import pandas as pd
    >>> d = pd.DataFrame({"value": [-3.0, 1.0], "abs": [3.0, 1.0], "n": [1.0, 1.0], "coop": [0.0, 1.0],
    ...                   "conf": [1.0, 0.0], "world_abs": [10.0, 10.0], "typical": [0.2, 0.2]})
    >>> num, den = measure_parts(d, "tone", "dyad_days")
    >>> num.tolist(), den.tolist(), float(num.sum() / den.sum())
    ([-3.0, 1.0], [3.0, 1.0], -0.5)
    >>> [float(x.sum()) for x in measure_parts(d, "net", "dyad_days")]
    [0.0, 2.0]
    """
    if measure not in MEASURES:
        raise UserError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    v = d["value"].to_numpy(float)
    if measure == "intensity":
        return v, d["typical"].to_numpy(float) * d["world_abs"].to_numpy(float)
    if measure == "tone":
        return v, d["abs"].to_numpy(float)
    if measure == "index" or (measure == "goldstein" and kind == "dyad_days"):
        return 1000.0 * v, d["world_abs"].to_numpy(float)
    if measure == "goldstein":
        return v, d["n"].to_numpy(float)
    if measure == "volume":
        return 1000.0 * d["abs"].to_numpy(float), d["world_abs"].to_numpy(float)
    if measure == "net":
        c, f = d["coop"].to_numpy(float), d["conf"].to_numpy(float)
        return c - f, c + f
    return d["n"].to_numpy(float), np.ones(len(d))


def ratio(num: np.ndarray, den: np.ndarray) -> float:
    """sum(num) / sum(den), NaN when the denominator is 0."""
    dd = float(np.sum(den))
    return float(np.sum(num)) / dd if dd else math.nan


_WEEKLY: dict[tuple, dict] = {}  # (store state, dataset) -> every world dyad's weekly sums (Reader._weekly_world)
_SHARED_READERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def shared_reader(store: Any) -> Reader:
    """The one Reader of an open ``store`` (its daily and weekly sums are read once per store object); network,
    coverage and the views ask for it instead of keeping Readers of their own."""
    r = _SHARED_READERS.get(store)
    if r is None:
        r = _SHARED_READERS[store] = Reader(store)
    return r


def _stable_order(x: np.ndarray) -> np.ndarray:
    """``np.argsort(x, kind="stable")``, by radix sort when x spans fewer than 2**15 values (weeks of decades).

    >>> _stable_order(np.array([2900, 2700, 2900, 2701])).tolist()
    [1, 3, 0, 2]
    """
    if len(x) and int(x.max()) - int(x.min()) < 2 ** 15:
        return np.argsort((x - x.min()).astype(np.int16), kind="stable")
    return np.argsort(x, kind="stable")


def _dense_codes(codes: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` for codes in 0..bound-1, by a lookup table when it is small.

    >>> [a.tolist() for a in _dense_codes(np.array([7, 3, 7, 0]), 9)]
    [[0, 3, 7], [2, 1, 2, 0]]
    """
    if bound > 50_000_000 or not len(codes):
        uniq, inv = np.unique(codes, return_inverse=True)
        return uniq, inv.reshape(-1)
    present = np.zeros(bound, dtype=bool)
    present[codes] = True
    rank = np.cumsum(present) - 1
    return np.flatnonzero(present), rank[codes]


def _where(info: DatasetInfo) -> tuple[str, str, str, str, list]:
    """(table, actor a column, actor b column, score column, [WHERE, its args]) of a dataset's international rows
    inside its coverage: the one row filter of the world totals (covered days) and of the dyads' sums."""
    if info.kind == "events":
        w = ("dataset = ? AND source_actor IS NOT NULL AND target_actor IS NOT NULL "
             "AND source_actor <> target_actor")
        table, a, b, sc = "events", "source_actor", "target_actor", "goldstein"
    else:
        w, table, a, b, sc = "dataset = ? AND directed = ?", "dyad_days", "actor_a", "actor_b", "score"
    args: list = [info.name] + ([] if info.kind == "events" else [info.directed])
    if info.start is not None:
        w += " AND date BETWEEN ? AND ?"
        args += [info.start, info.end]
    return table, a, b, sc, [w, args]


class Reader:
    """Cached daily series of one store: covered days, the world's volume, dyads' daily sums (see ``daily``).

    A day is covered by a dataset when it lies in the dataset's coverage and the dataset has at least one
    international row (two different, known actors) that day: the rule ``dyad_frame`` uses.

    Examples
    --------
    >>> import detente
    >>> r = Reader(detente.open(read_only=True))
    >>> r.coverage("gdelt_network")
    (datetime.date(2018, 1, 1), datetime.date(2024, 2, 23))
    >>> len(r.days("icews")), r.info("icews").kind
    (484, 'events')
    """

    def __init__(self, store: Any):
        self.store = store
        self.con = getattr(store, "con", store)
        self._infos: dict[str, DatasetInfo] | None = None
        self._world: dict[str, pd.DataFrame] = {}
        self._pairs: dict[tuple, pd.DataFrame] = {}
        self._dyads: dict[tuple, pd.DataFrame] = {}
        self._periods: dict[tuple, pd.DataFrame] = {}
        self._actors: dict[str, set[str]] = {}

    def infos(self) -> dict[str, DatasetInfo]:
        if self._infos is None:
            self._infos = {d.name: d for d in datasets(self.store)}
        return self._infos

    def info(self, dataset: str) -> DatasetInfo:
        i = self.infos().get(dataset)
        if i is None:
            raise UserError(f"no dyad data for dataset {dataset!r}; the store holds {describe_coverage(self.store)}")
        return i

    def _where(self, info: DatasetInfo) -> tuple[str, str, str, str, list]:
        """(table, actor a column, actor b column, score column, WHERE with its args) for a dataset."""
        return _where(info)


    def world(self, dataset: str) -> pd.DataFrame:
        """Covered days of ``dataset`` (index) with the world's absolute volume ``world_abs`` that day."""
        if dataset not in self._world:
            info = self.info(dataset)
            table, _, _, sc, (w, args) = self._where(info)
            df = self.con.execute(f"SELECT date, sum(abs({sc})) AS world_abs FROM {table} WHERE {w} "
                                  "GROUP BY date ORDER BY date", args).df()
            df.index = pd.DatetimeIndex(df.pop("date"))
            self._world[dataset] = df.astype(float)
        return self._world[dataset]

    def days(self, dataset: str) -> pd.DatetimeIndex:
        return self.world(dataset).index

    def coverage(self, dataset: str) -> tuple[date, date] | None:
        key = (dataset, "coverage")
        if key not in self._periods:
            d = self.days(dataset)
            self._periods[key] = (d[0].date(), d[-1].date()) if len(d) else None
        return self._periods[key]

    def actors(self, dataset: str) -> set[str]:
        if dataset not in self._actors:
            info = self.info(dataset)
            table, a, b, _, (w, args) = self._where(info)
            w = f"{w} AND {a} <> {b}"  # a self-row (bigquery's WLD) is world volume, not an actor
            rows = self.con.execute(f"SELECT DISTINCT {a} FROM {table} WHERE {w} UNION "
                                    f"SELECT DISTINCT {b} FROM {table} WHERE {w}", args + args).fetchall()
            self._actors[dataset] = {r[0] for r in rows}
        return self._actors[dataset]

    def preload(self, dataset: str, actors: list[str]) -> None:
        """Read every row among ``actors`` at once (one query), so later dyads come from memory."""
        key = (dataset, frozenset(actors))
        if key in self._pairs:
            return
        info = self.info(dataset)
        table, a, b, sc, (w, args) = self._where(info)
        q = "quad_class" if info.kind == "events" else "NULL::INTEGER"
        df = self.con.execute(
            f"SELECT date, {a} AS a, {b} AS b, {sc} AS s, {q} AS q FROM {table} WHERE {w} "
            f"AND list_contains(?, {a}) AND list_contains(?, {b})", args + [sorted(actors)] * 2).df()
        df["date"] = pd.DatetimeIndex(df["date"])
        self._pairs[key] = df

    def _rows(self, dataset: str, a: str, b: str) -> pd.DataFrame:
        for (ds, acts), df in self._pairs.items():
            if ds == dataset and a in acts and b in acts:
                return df[((df.a == a) & (df.b == b)) | ((df.a == b) & (df.b == a))]
        self.preload(dataset, [a, b])
        return self._rows(dataset, a, b)

    def daily(self, dataset: str, a: str, b: str, directed: bool = False) -> pd.DataFrame:
        """One row per covered day of ``dataset``: the dyad's sums that day (0 on quiet covered days).

        Columns: ``value`` (sum of scores / Goldstein), ``abs`` (sum of |score|), ``n`` (events; dyad_days:
        1 if the pair has a non-zero score), ``coop`` / ``conf`` (cooperative / conflictual events by QuadClass;
        dyad_days: 1 if the day's score is > 0 / < 0), ``world_abs`` (the world's |score| that day), ``typical``
        (the dyad's share of the world's |score| over every covered day: the unit of ``intensity``, the same on
        every row).
        ``directed`` keeps a -> b only; undirected data (the GDELT network) cannot be directed (UserError).
        """
        info = self.info(dataset)
        if directed and not info.directed:
            raise UserError(f"{dataset} holds undirected scores only; the dyad {a}>{b} cannot be read directed")
        key = (dataset, a, b, directed)
        if key not in self._dyads:
            r = self._rows(dataset, a, b)
            if directed:
                r = r[(r.a == a) & (r.b == b)]
            if info.kind == "events":
                r = r.assign(abs=r.s.abs(), n=1.0, coop=r.q.isin((1, 2)).astype(float),
                             conf=r.q.isin((3, 4)).astype(float))
                g = r.groupby("date")[["s", "abs", "n", "coop", "conf"]].sum()
            else:
                g = r.groupby("date")[["s"]].sum()
                g["abs"] = r.assign(abs=r.s.abs()).groupby("date")["abs"].sum()
                g["n"] = (g.s != 0).astype(float)
                g["coop"], g["conf"] = (g.s > 0).astype(float), (g.s < 0).astype(float)
            w = self.world(dataset)
            out = g.rename(columns={"s": "value"}).reindex(w.index).fillna(0.0)
            out["world_abs"] = w["world_abs"]
            tw = float(out["world_abs"].sum())
            out["typical"] = float(out["abs"].sum()) / tw if tw else math.nan
            self._dyads[key] = out[list(DAILY_COLUMNS)]
        return self._dyads[key]

    def actor_abs(self, dataset: str, actors: list[str]) -> pd.DataFrame:
        """Per covered day (index) and actor (columns): the actor's absolute volume with every other actor."""
        key = (dataset, "actor_abs", frozenset(actors))
        if key not in self._dyads:
            info = self.info(dataset)
            table, a, b, sc, (w, args) = self._where(info)
            df = self.con.execute(
                f"SELECT date, x, sum(v) AS v FROM (SELECT date, {a} AS x, abs({sc}) AS v FROM {table} WHERE {w} "
                f"UNION ALL SELECT date, {b}, abs({sc}) FROM {table} WHERE {w}) WHERE list_contains(?, x) "
                "GROUP BY ALL", args + args + [sorted(actors)]).df()
            df["date"] = pd.DatetimeIndex(df["date"])
            out = df.pivot_table(index="date", columns="x", values="v", aggfunc="sum")
            self._dyads[key] = out.reindex(index=self.days(dataset), columns=sorted(actors)).fillna(0.0)
        return self._dyads[key]

    def _state(self) -> tuple:
        """What the store holds (its file and its ingested files): the key of the process-wide caches."""
        path = str(getattr(self.store, "path", id(self.con)))
        return (path, files_state(self.store) or (id(self),))  # a bare connection without a files table: no sharing

    def _weekly_world(self, dataset: str) -> dict:
        """Every world dyad's sums per week (Monday-based), read once per store state: base rates are sums over
        weeks. Shared by every Reader of the same store file and contents (the report and the hindcast open many)."""
        key = (dataset, "weekly_world")
        if key not in self._periods:
            shared = (self._state(), dataset)
            if shared in _WEEKLY:
                self._periods[key] = _WEEKLY[shared]
                return self._periods[key]
            info = self.info(dataset)
            table, a, b, sc, (w, args) = self._where(info)
            # actors as integer ranks (in name order) before grouping: the 2.7 M-row aggregation hashes integers,
            # not strings; pair code = least rank * n + greatest rank sorts like (a, b) by name
            acts = [x for (x,) in self.con.execute(
                f"SELECT DISTINCT x FROM (SELECT {a} AS x FROM {table} WHERE {w} UNION ALL "
                f"SELECT {b} FROM {table} WHERE {w}) ORDER BY x", args + args).fetchall()]
            n_act = max(len(acts), 1)
            codes = (f"(SELECT unnest(?::VARCHAR[]) AS x, unnest(range({len(acts)})) AS i)")
            pair_sql = f"least(ca.i, cb.i) * {n_act} + greatest(ca.i, cb.i)"
            joined = f"{table} JOIN {codes} ca ON {a} = ca.x JOIN {codes} cb ON {b} = cb.x WHERE {w}"
            if info.kind == "events":
                cols = ("sum(s) AS value, sum(abs(s)) AS abs, count(*) FILTER (WHERE q IN (1, 2)) AS coop, "
                        "count(*) FILTER (WHERE q IN (3, 4)) AS conf, count(*) AS n")
                inner = f"SELECT {pair_sql} AS p, date, {sc} AS s, quad_class AS q FROM {joined}"
            else:
                cols = ("sum(s) AS value, sum(abs(s)) AS abs, count(*) FILTER (WHERE s > 0) AS coop, "
                        "count(*) FILTER (WHERE s < 0) AS conf, count(*) FILTER (WHERE s <> 0) AS n")
                # a day's score is the pair's sum that day: both directions of a directed dataset; an
                # undirected one holds one row per pair and day already (its key and actor_a <= actor_b rule)
                inner = f"SELECT {pair_sql} AS p, date, sum({sc}) AS s FROM {joined} GROUP BY ALL" \
                    if info.directed else f"SELECT {pair_sql} AS p, date, {sc} AS s FROM {joined}"
            # rows by week (a period's weeks are one slice, searchsorted; sorted here, not by DuckDB); pair = rank
            # of the pair code (dense, in (a, b) name order), the names decoded from the code: no string per row
            r = self.con.execute(
                f"SELECT p, (date - DATE '1970-01-05') // 7 AS wk, {cols} FROM ({inner}) GROUP BY ALL",
                [acts, acts] + args).fetchnumpy()
            wk = np.asarray(r["wk"], dtype=np.int64)
            order = _stable_order(wk)
            uniq, pair = _dense_codes(np.asarray(r["p"], dtype=np.int64)[order], n_act * n_act)
            names = np.asarray(acts, dtype=object)
            a_names, b_names = names[uniq // n_act], names[uniq % n_act]
            self._periods[key] = {"pair": np.asarray(pair, dtype=np.int64).reshape(-1),
                                  "a": a_names, "b": b_names, "wk": wk[order],
                                  **{c: np.asarray(r[c], dtype=float)[order] for c in _WEEKLY_SUMS}}
            if len(_WEEKLY) > 8:
                _WEEKLY.clear()
            _WEEKLY[shared] = self._periods[key]
        return self._periods[key]

    def _typical(self, dataset: str) -> np.ndarray:
        """Every world pair's share of the world's |score| over all covered days (the unit of ``intensity``)."""
        key = (dataset, "typical")
        if key not in self._periods:
            ww = self._weekly_world(dataset)
            tot = np.bincount(ww["pair"], weights=ww["abs"], minlength=len(ww["a"]))
            self._periods[key] = tot / (float(self.world(dataset)["world_abs"].sum()) or 1.0)
        return self._periods[key]

    def period_sums(self, dataset: str, lo: date, hi: date) -> pd.DataFrame:
        """Every dyad of the world in the weeks of ``lo..hi`` (weeks starting Monday on or after lo - 3 days and
        on or before hi - 3 days: the weeks mostly inside the period): sums of the daily columns, for base
        rates. ``world_abs`` is the world's volume on the covered days of lo..hi."""
        key = (dataset, lo, hi)
        if key not in self._periods:
            ww = self._weekly_world(dataset)
            epoch = date(1970, 1, 5)
            w0, w1 = ((lo - epoch).days + 3) // 7, ((hi - epoch).days - 3) // 7
            w1 = max(w1, w0)
            m = slice(int(np.searchsorted(ww["wk"], w0, "left")), int(np.searchsorted(ww["wk"], w1, "right")))
            pair = ww["pair"][m]
            n_pairs = len(ww["a"])
            sums = {c: np.bincount(pair, weights=ww[c][m], minlength=n_pairs) for c in _WEEKLY_SUMS}
            present = np.bincount(pair, minlength=n_pairs) > 0
            df = pd.DataFrame({"a": ww["a"][present], "b": ww["b"][present],
                               **{c: v[present] for c, v in sums.items()}})
            df["typical"] = self._typical(dataset)[present]
            wd = self.world(dataset)
            sel = wd[(wd.index >= pd.Timestamp(lo)) & (wd.index <= pd.Timestamp(hi))]
            df["world_abs"] = float(sel["world_abs"].sum())
            df.attrs["days"] = len(sel)
            self._periods[key] = df
        return self._periods[key]


def daily(store: Any, a: str, b: str, dataset: str, directed: bool = False, start: str | date | None = None,
          end: str | date | None = None, calendar_days: bool = False) -> pd.DataFrame:
    """The daily series of one dyad in one dataset (see :meth:`Reader.daily`), optionally cut to start..end.

    ``calendar_days=True`` gives every calendar day of start..end with NULL (NaN) columns on days the
    dataset does not cover (so a gap is never a quiet day).

    Parameters
    ----------
    store : Store, duckdb connection or Reader
        An open store, or a :class:`Reader` of one (its cache is reused).
    a, b : str
        Actor codes.
    dataset : str
        One dataset of the store.
    directed : bool
        a -> b only (event datasets).
    start, end : str or date, optional
        Cut to these days.
    calendar_days : bool
        Every calendar day, NaN where the dataset has no coverage.

    Returns
    -------
    pandas.DataFrame
        Indexed by day, columns ``DAILY_COLUMNS`` (value, abs, n, coop, conf, world_abs, typical).

    Examples
    --------
    The first two days of the 2020 war in the GDELT network, every score negative:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> d = daily(store, "ARM", "AZE", "gdelt_network", start="2020-09-27", end="2020-09-28")
    >>> [(str(day.date()), round(v), int(c)) for day, v, c in zip(d.index, d["value"], d["conf"])]
    [('2020-09-27', -3444, 1), ('2020-09-28', -3741, 1)]
    """
    lo, hi = span(start, end)
    r = store if isinstance(store, Reader) else Reader(store)
    d = r.daily(dataset, a, b, directed)
    if lo is not None:
        d = d[d.index >= pd.Timestamp(lo)]
    if hi is not None:
        d = d[d.index <= pd.Timestamp(hi)]
    if calendar_days and len(d):
        d = d.reindex(pd.date_range(lo or d.index[0], hi or d.index[-1], freq="D"))
    return d


def period_value(store: Any, a: str, b: str, dataset: str, start: date, end: date, measure: str = "tone",
                 directed: bool = False) -> float:
    """A dyad's ``measure`` over start..end: sum(num) / sum(den) of :func:`daily` (NaN without covered days).

    The same number as ``dyad_frame``'s column (``index``; ``score_sum`` ratios for the GDELT network).

    Parameters
    ----------
    store : Store, duckdb connection or Reader
        An open store or a :class:`Reader` of one.
    a, b : str
        Actor codes.
    dataset : str
        One dataset of the store.
    start, end : date
        The period (inclusive).
    measure : str
        One of ``MEASURES`` (default ``"tone"``, in [-1, 1]).
    directed : bool
        a -> b only.

    Returns
    -------
    float
        The value, NaN when no day of start..end is covered.

    Examples
    --------
    October 2020, the war month, equals :func:`dyad_series`'s index for it; its tone is almost -1:

    >>> from datetime import date
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> oct1, oct31 = date(2020, 10, 1), date(2020, 10, 31)
    >>> round(period_value(store, "ARM", "AZE", "gdelt_network", oct1, oct31, "index"), 2)
    -46.77
    >>> round(period_value(store, "ARM", "AZE", "gdelt_network", oct1, oct31), 3)
    -0.968
    """
    r = store if isinstance(store, Reader) else Reader(store)
    d = daily(r, a, b, dataset, directed, start, end)
    return ratio(*measure_parts(d, measure, r.info(dataset).kind))


def world_values(reader: Reader, dataset: str, lo: date, hi: date, measure: str) -> pd.DataFrame:
    """Every world dyad's ``measure`` in lo..hi with its volume (``abs``), sorted by volume: the base rate."""
    key = (dataset, lo, hi, measure, "values")
    if key not in reader._periods:
        reader._periods[key] = _world_values(reader, dataset, lo, hi, measure)
    return reader._periods[key]


def _world_values(reader: Reader, dataset: str, lo: date, hi: date, measure: str) -> pd.DataFrame:
    ps = reader.period_sums(dataset, lo, hi)
    kind = reader.info(dataset).kind
    num, den = measure_parts(ps, measure, kind)
    if measure == "count":
        den = np.full(len(ps), float(ps.attrs.get("days", 1)) or 1.0)
    elif measure == "intensity":
        den = ps["typical"].to_numpy(float) * ps["world_abs"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        val = np.where(den != 0, num / np.where(den != 0, den, 1), np.nan)
    out = pd.DataFrame({"a": ps.a, "b": ps.b, "volume": ps["abs"].to_numpy(float), "value": val})
    return out[np.isfinite(out.value)].sort_values("volume", kind="stable").reset_index(drop=True)


BASE_K = 200


def base_rate(reader: Reader, dataset: str, lo: date, hi: date, measure: str, volume: float,
              k: int = BASE_K) -> dict:
    """The world's base rate for a dyad of ``volume`` in lo..hi: median, quartiles and values of the ``k``
    world dyads nearest in log volume (``similar``). Memoised on the reader.

    Parameters
    ----------
    reader : Reader
        A :class:`Reader` of the store.
    dataset : str
        One dataset of the store.
    lo, hi : date
        The period; sums are over the weeks mostly inside it.
    measure : str
        One of ``MEASURES``.
    volume : float
        The dyad's absolute volume (sum of ``abs``) in the period.
    k : int
        How many world dyads make the base rate.

    Returns
    -------
    dict
        ``median``, ``q1``, ``q3``, ``n`` (dyads used), ``values`` and ``volume_range`` (their volumes).

    Examples
    --------
    >>> from datetime import date
    >>> import detente
    >>> r = Reader(detente.open(read_only=True))
    >>> b = base_rate(r, "gdelt_network", date(2020, 10, 1), date(2020, 10, 31), "tone", 1000.0)
    >>> b["n"], round(b["q1"], 2), round(b["median"], 2), round(b["q3"], 2)
    (200, 0.36, 0.74, 0.9)
    """
    key = (dataset, lo, hi, measure, float(volume), k, "base_rate")
    if key not in reader._periods:
        reader._periods[key] = _base_rate(reader, dataset, lo, hi, measure, volume, k)
    return reader._periods[key]


LOG_VOLUME_TOL = 1e-9  # log volumes this close are one volume: the same days summed in another order differ ~1e-15


def nearest(log_volumes: np.ndarray, x: float, k: int) -> int:
    """Where the ``k`` of the sorted ``log_volumes`` nearest ``x`` start: ``x`` is placed before every volume
    within ``LOG_VOLUME_TOL`` of it, so a dyad compared with a world that holds it (its volume summed in another
    order, one rounding apart) gets the same neighbours whichever way the rounding went.

    Examples
    --------
    >>> lv = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    >>> nearest(lv, 2.0, 2), nearest(lv, 2.0 + 1e-15, 2), nearest(lv, 2.0 - 1e-15, 2), nearest(lv, 9.0, 2)
    (1, 1, 1, 3)
    """
    i = int(np.searchsorted(log_volumes, x - LOG_VOLUME_TOL))
    return max(0, min(i - k // 2, len(log_volumes) - k))


def _log_volume(reader: Reader, dataset: str, lo: date, hi: date, measure: str) -> np.ndarray:
    key = (dataset, lo, hi, measure, "log_volume")
    if key not in reader._periods:
        reader._periods[key] = np.log1p(world_values(reader, dataset, lo, hi, measure).volume.to_numpy())
    return reader._periods[key]


def _base_rate(reader: Reader, dataset: str, lo: date, hi: date, measure: str, volume: float, k: int) -> dict:
    w = world_values(reader, dataset, lo, hi, measure)
    if not len(w):
        return {"median": math.nan, "q1": math.nan, "q3": math.nan, "n": 0, "values": np.array([])}
    lo_i = nearest(_log_volume(reader, dataset, lo, hi, measure), math.log1p(max(volume, 0.0)), k)
    vals = w.value.to_numpy()[lo_i:lo_i + k]
    q1, med, q3 = np.quantile(vals, [0.25, 0.5, 0.75])
    return {"median": float(med), "q1": float(q1), "q3": float(q3), "n": len(vals), "values": vals,
            "volume_range": (float(w.volume.iloc[lo_i]), float(w.volume.iloc[min(lo_i + k, len(w)) - 1]))}


def base_drift(reader: Reader, dataset: str, before: tuple[date, date], after: tuple[date, date], measure: str,
               volume: float, k: int = BASE_K) -> dict:
    """The world's drift between two periods for dyads like this one: the ``k`` world dyads nearest in log
    volume in ``before``, each followed into ``after`` (the same dyads, so who is compared does not change);
    median, quartiles and values of their after - before differences (dyads without a value in both left out).
    Memoised on the reader.

    Parameters
    ----------
    reader : Reader
        A :class:`Reader` of the store.
    dataset : str
        One dataset of the store.
    before, after : (date, date)
        The two periods.
    measure : str
        One of ``MEASURES``.
    volume : float
        The dyad's absolute volume in ``before``.
    k : int
        How many world dyads are followed.

    Returns
    -------
    dict
        ``median``, ``q1``, ``q3``, ``n`` (dyads with a value in both periods) and ``values``.

    Examples
    --------
    >>> from datetime import date
    >>> import detente
    >>> r = Reader(detente.open(read_only=True))
    >>> first_half, october = (date(2020, 1, 1), date(2020, 6, 30)), (date(2020, 10, 1), date(2020, 10, 31))
    >>> d = base_drift(r, "gdelt_network", first_half, october, "tone", 1000.0)
    >>> d["n"], round(d["median"], 2)
    (198, 0.11)
    """
    key = (dataset, tuple(before), tuple(after), measure, float(volume), k, "base_drift")
    if key not in reader._periods:
        reader._periods[key] = _base_drift(reader, dataset, before, after, measure, volume, k)
    return reader._periods[key]


def _base_drift(reader: Reader, dataset: str, before: tuple[date, date], after: tuple[date, date], measure: str,
                volume: float, k: int) -> dict:
    wb = world_values(reader, dataset, before[0], before[1], measure)
    if not len(wb):
        return {"median": math.nan, "q1": math.nan, "q3": math.nan, "n": 0, "values": np.array([])}
    lo_i = nearest(_log_volume(reader, dataset, before[0], before[1], measure), math.log1p(max(volume, 0.0)), k)
    near = wb.iloc[lo_i:lo_i + k]
    wa = world_values(reader, dataset, after[0], after[1], measure)
    after_of = pd.Series(wa.value.to_numpy(), index=pd.MultiIndex.from_arrays([wa.a, wa.b]))
    got = after_of.reindex(pd.MultiIndex.from_arrays([near.a, near.b])).to_numpy(float)
    diffs = (got - near.value.to_numpy(float))[np.isfinite(got)]
    if not len(diffs):
        return {"median": math.nan, "q1": math.nan, "q3": math.nan, "n": 0, "values": diffs}
    q1, med, q3 = np.quantile(diffs, [0.25, 0.5, 0.75])
    return {"median": float(med), "q1": float(q1), "q3": float(q3), "n": len(diffs), "values": diffs}
