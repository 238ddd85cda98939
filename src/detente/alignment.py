"""Alignment signals beside events: UN General Assembly votes, ideal points, alliances, armed conflicts.

Vote coding (signals kind ``un_vote``): yes = 1, abstain = 0.5, no = 0; absent / not voting is no vote.
For two states and the roll calls both voted on, the distance is d = mean |v_a - v_b| (0..1), and

* ``agree``       = 1 - d (abstain against yes or no counts as half agreement, as in Voeten's data),
* ``agree_exact`` = share of roll calls with the same vote,
* ``s_score``     = 1 - 2 d / d_max with d_max = 1, Signorino & Ritter's S (1999, International Studies
  Quarterly 43(1):115-144) with the absolute (L1) metric on one vote dimension per roll call, -1..1.

Ideal points (``ideal_points(store, year)``): classical multidimensional scaling (Torgerson) of the distance
matrix 1 - agree among all states voting that calendar year, first dimension only, oriented so the USA is
positive (or the first state alphabetically when the USA did not vote). Limits: one dimension; each year is
scaled on its own, so values are comparable within a year but NOT across years (Bailey, Strezhnev & Voeten
2017 bridge years through repeated resolutions; we do not); pairs with fewer than 10 common votes get the
mean distance.

``alignment_frame(store, actors, periods)`` joins everything onto the relations universe (dyad x period):
vote measures are computed from the roll calls dated inside each period (NULL when no roll call of the
dataset falls in it); year-level signals (ideal points, alliances, conflicts) take every calendar year the
period overlaps: alliances and conflicts the max (allied / at war at any time in the period), ideal points
the day-weighted mean; NULL when no overlapping year lies in the dataset's years, 0 when covered and absent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from detente import relations
from detente.errors import UserError
from detente.periods import Period

__all__ = ["MIN_COMMON", "alignment_frame", "arms_by_year", "bsv_ideal_points", "ideal_points", "vote_agreement",
           "vote_years"]

MIN_COMMON = 10


def _vote_sql(where: str) -> str:
    return f"""
      WITH v AS (SELECT actor_a AS actor, item, date, value FROM signals WHERE kind = 'un_vote' {where})
      SELECT x.actor AS actor_a, y.actor AS actor_b, year(x.date) AS year, count(*) AS n_votes,
             1 - avg(abs(x.value - y.value)) AS agree,
             avg(CASE WHEN x.value = y.value THEN 1.0 ELSE 0.0 END) AS agree_exact,
             1 - 2 * avg(abs(x.value - y.value)) AS s_score
      FROM v x JOIN v y ON x.item = y.item AND x.actor < y.actor
      GROUP BY ALL"""


def vote_agreement(store: Any, actors: list[str] | None = None, start: int | None = None,
                   end: int | None = None) -> pd.DataFrame:
    """UN vote agreement per dyad-year (calendar year of the vote): n_votes, agree, agree_exact, s_score.

    Parameters
    ----------
    store
        An open store with the ``unvotes`` signals.
    actors
        Restrict to dyads among these states (default: every pair of states).
    start, end
        Inclusive calendar years.

    Returns
    -------
    pandas.DataFrame
        ``actor_a < actor_b``, ``year``, ``n_votes`` (roll calls both voted on), ``agree``, ``agree_exact`` and
        ``s_score`` (module docstring), ordered by year and dyad.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> v = vote_agreement(store, ["ARM", "AZE", "USA"], 2019, 2019)
    >>> [(r.actor_a, r.actor_b, r.n_votes, round(r.agree, 3), round(r.s_score, 3)) for r in v.itertuples()]
    [('ARM', 'AZE', 84, 0.881, 0.762), ('ARM', 'USA', 88, 0.307, -0.386), ('AZE', 'USA', 85, 0.206, -0.588)]
    >>> store.close()
    """
    where, params = "", []
    if actors:
        where += f" AND actor_a IN ({', '.join('?' * len(actors))})"
        params += actors
    if start is not None:
        where += " AND year >= ?"
        params.append(start)
    if end is not None:
        where += " AND year <= ?"
        params.append(end)
    sql = _vote_sql(where) + " ORDER BY year, actor_a, actor_b"
    return store.con.execute(sql, params).df()


def vote_years(store: Any) -> tuple[int, int] | None:
    """The first and last calendar year with UN votes in the store (None without votes).

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> vote_years(store)
    (1946, 2020)
    >>> store.close()
    """
    r = store.con.execute("SELECT min(year), max(year) FROM signals WHERE kind = 'un_vote'").fetchone()
    return None if r[0] is None else (int(r[0]), int(r[1]))


def ideal_points(store: Any, year: int) -> pd.DataFrame:
    """One-dimensional ideal point per state for ``year`` (classical MDS; see module doc).

    Parameters
    ----------
    store
        An open store with UN votes.
    year
        Calendar year; values are comparable only within it.

    Returns
    -------
    pandas.DataFrame
        ``actor``, ``year``, ``ideal`` for every state that voted that year (the USA positive).

    Raises
    ------
    UserError
        No votes that year, or no pair of states with :data:`MIN_COMMON` common votes.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> ip = ideal_points(store, 2019).set_index("actor")["ideal"]
    >>> [(a, round(float(ip[a]), 3)) for a in ("USA", "ISR", "ARM", "RUS", "AZE")]
    [('USA', 0.673), ('ISR', 0.641), ('ARM', -0.011), ('RUS', -0.041), ('AZE', -0.102)]
    >>> ideal_points(store, 2020)  # a single roll call is dated 2020
    Traceback (most recent call last):
    ...
    detente.errors.UserError: no pair of states shares 10 UN votes in 2020; pick another year
    >>> store.close()
    """
    ag = vote_agreement(store, None, year, year)
    if ag.empty:
        raise UserError(f"no UN votes in {year}; the store has votes for {vote_years(store) or 'no years'}")
    states = sorted(set(ag.actor_a) | set(ag.actor_b))
    idx = {s: i for i, s in enumerate(states)}
    n = len(states)
    d = np.full((n, n), np.nan)
    ok = ag[ag.n_votes >= MIN_COMMON]
    if ok.empty:
        raise UserError(f"no pair of states shares {MIN_COMMON} UN votes in {year}; pick another year")
    i, j = ok.actor_a.map(idx).to_numpy(int), ok.actor_b.map(idx).to_numpy(int)
    d[i, j] = d[j, i] = 1 - ok.agree.to_numpy()
    np.fill_diagonal(d, 0.0)
    d = np.where(np.isnan(d), np.nanmean(d[~np.eye(n, dtype=bool)]), d)
    jm = np.eye(n) - 1.0 / n
    b = -0.5 * jm @ (d**2) @ jm
    w, v = np.linalg.eigh(b)
    x = v[:, -1] * np.sqrt(max(w[-1], 0.0))
    ref = idx.get("USA", 0)
    if x[ref] < 0:
        x = -x
    return pd.DataFrame({"actor": states, "year": year, "ideal": x})


def _years(p: Period) -> list[tuple[int, int]]:
    """(year, days of the period in that year)."""
    out = []
    for y in range(p.start.year, p.end.year + 1):
        lo, hi = max(p.start, date(y, 1, 1)), min(p.end, date(y, 12, 31))
        out.append((y, (hi - lo).days + 1))
    return out


def _dyad_year(store: Any, kind: str, dataset: str | None, actors: list[str]) -> tuple[pd.DataFrame, tuple]:
    q = f"""SELECT least(actor_a, actor_b) AS actor_a, greatest(actor_a, actor_b) AS actor_b, year,
                   max(value) AS value,
                   string_agg(DISTINCT {'item' if kind == 'armed_conflict' else 'label'}, ';') AS what
            FROM signals WHERE kind = ? {'AND dataset = ?' if dataset else ''}
              AND actor_a IN ({', '.join('?' * len(actors))}) AND actor_b IN ({', '.join('?' * len(actors))})
            GROUP BY ALL"""
    params = [kind] + ([dataset] if dataset else []) + actors + actors
    rows = store.con.execute(q, params).df()
    yr = store.con.execute(
        f"SELECT min(year), max(year) FROM signals WHERE kind = ? {'AND dataset = ?' if dataset else ''}",
        [kind] + ([dataset] if dataset else [])).fetchone()
    return rows, yr


def alignment_frame(store: Any, actors: list[str], periods: list[Period]) -> pd.DataFrame:
    """Universe (undirected dyad x period) + vote, ideal-point, alliance and conflict columns (module doc).

    Parameters
    ----------
    store
        An open store.
    actors
        States; every unordered pair is a dyad.
    periods
        From :func:`detente.periods.parse`.

    Returns
    -------
    pandas.DataFrame
        One row per dyad and period (the :func:`detente.relations.universe`), with ``n_votes``, ``agree``,
        ``agree_exact``, ``s_score``, ``ideal_a``/``ideal_b``/``ideal_distance``, ``alliance_atop``,
        ``alliance_cow`` (1 allied, 0 not, NULL outside the dataset's years) and their treaty types,
        ``conflict_intensity`` and ``conflict_ids`` (UCDP), Bailey-Strezhnev-Voeten ideal points, arms TIV
        and trade each way.

    Examples
    --------
    In 2020 Armenia and Azerbaijan were at war (UCDP conflict 388, intensity 2); ATOP ends in 2018:

    >>> from detente.periods import parse
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> f = alignment_frame(store, ["ARM", "AZE", "RUS"], parse("year", start="2018-01-01", end="2020-12-31"))
    >>> len(f), f.columns[:6].tolist()
    (9, ['period', 'start', 'end', 'actor_a', 'actor_b', 'period_days'])
    >>> arm_aze = f[(f.actor_a == "ARM") & (f.actor_b == "AZE")]
    >>> arm_aze[["period", "n_votes", "alliance_atop", "conflict_intensity", "conflict_ids"]].values.tolist()
    [['2018', 90.0, 1.0, 0.0, nan], ['2019', 84.0, nan, 0.0, nan], ['2020', 1.0, nan, 2.0, '388']]
    >>> store.close()
    """
    acts = sorted(set(actors))
    uni = relations.universe(acts, periods, directed=False)
    n0 = len(uni)
    # votes: roll calls dated inside each period
    cal = pd.DataFrame([(p.name, p.start, p.end) for p in periods], columns=["period", "p_start", "p_end"])  # noqa: F841
    marks = ", ".join("?" * len(acts))
    votes = store.con.execute(f"""
      WITH v AS (SELECT actor_a AS actor, item, date, value FROM signals
                 WHERE kind = 'un_vote' AND actor_a IN ({marks}))
      SELECT c.period, x.actor AS actor_a, y.actor AS actor_b, count(*) AS n_votes,
             1 - avg(abs(x.value - y.value)) AS agree,
             avg(CASE WHEN x.value = y.value THEN 1.0 ELSE 0.0 END) AS agree_exact,
             1 - 2 * avg(abs(x.value - y.value)) AS s_score
      FROM v x JOIN v y ON x.item = y.item AND x.actor < y.actor
      JOIN cal c ON x.date BETWEEN c.p_start AND c.p_end
      GROUP BY ALL""", acts).df()
    has_votes = set(store.con.execute(
        "SELECT DISTINCT c.period FROM signals s JOIN cal c ON s.date BETWEEN c.p_start AND c.p_end"
        " WHERE s.kind = 'un_vote'").df()["period"])
    out = uni.merge(votes, on=["period", "actor_a", "actor_b"], how="left")
    covered = out.period.isin(has_votes)
    out["n_votes"] = np.where(covered, out.n_votes.fillna(0), np.nan)
    # ideal points: day-weighted over overlapping years
    vy = vote_years(store)
    cache: dict[int, dict[str, float]] = {}
    ia, ib = [], []
    for r in out.itertuples():
        vals = []
        for y, w in _years(Period(r.period, r.start, r.end)):
            if vy and vy[0] <= y <= vy[1]:
                if y not in cache:
                    try:
                        cache[y] = ideal_points(store, y).set_index("actor")["ideal"].to_dict()
                    except UserError:
                        cache[y] = {}
                vals.append((cache[y].get(r.actor_a, np.nan), cache[y].get(r.actor_b, np.nan), w))
        v = np.array(vals, dtype=float).reshape(-1, 3)
        ok = ~np.isnan(v[:, 0]) & ~np.isnan(v[:, 1])
        ia.append(np.average(v[ok, 0], weights=v[ok, 2]) if ok.any() else np.nan)
        ib.append(np.average(v[ok, 1], weights=v[ok, 2]) if ok.any() else np.nan)
    out["ideal_a"], out["ideal_b"] = ia, ib
    out["ideal_distance"] = (out.ideal_a - out.ideal_b).abs()
    # year-level dyadic signals: max over overlapping years, NULL outside the dataset's years
    for col, what, kind, ds in (("alliance_atop", "alliance_atop_types", "alliance", "atop"),
                                ("alliance_cow", "alliance_cow_types", "alliance", "cow_alliance"),
                                ("conflict_intensity", "conflict_ids", "armed_conflict", None)):
        rows, (y0, y1) = _dyad_year(store, kind, ds, acts)
        look = {(a, b, int(y)): (v, w) for a, b, y, v, w in rows.itertuples(index=False)}
        vals, whats = [], []
        for r in out.itertuples():
            ys = [y for y, _ in _years(Period(r.period, r.start, r.end)) if y0 is not None and y0 <= y <= y1]
            hits = [look[(r.actor_a, r.actor_b, y)] for y in ys if (r.actor_a, r.actor_b, y) in look]
            vals.append(max(h[0] for h in hits) if hits else (0.0 if ys else np.nan))
            whats.append(";".join(sorted({h[1] for h in hits if h[1]})) or None)
        out[col], out[what] = vals, whats
    out = _add_signal_measures(store, out, acts)
    assert len(out) == n0, f"left join changed the universe: {n0} -> {len(out)} rows"
    return out


# -- ideal points (Bailey-Strezhnev-Voeten), arms transfers (SIPRI), trade (partner_trade) ----------------------
def _in(actors: list[str]) -> str:
    return ", ".join("?" * len(actors))


def bsv_ideal_points(store: Any, actors: list[str] | None = None) -> pd.DataFrame:
    """(actor, year, ideal) from the ``ideal_point`` signals (the Voeten release; comparable across years).

    Parameters
    ----------
    store
        An open store with the ``un_idealpoints`` dataset.
    actors
        Restrict to these states.

    Returns
    -------
    pandas.DataFrame
        ``actor``, ``year``, ``ideal``, ordered by actor and year.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> b = bsv_ideal_points(store, ["AZE"])
    >>> [(r.actor, r.year, round(r.ideal, 3)) for r in b.tail(2).itertuples()]
    [('AZE', 2022, -0.506), ('AZE', 2023, -0.601)]
    >>> store.close()
    """
    where, params = "kind = 'ideal_point'", []
    if actors:
        where += f" AND actor_a IN ({_in(actors)})"
        params = list(actors)
    return store.con.execute(f"SELECT actor_a AS actor, year, value AS ideal FROM signals WHERE {where}"
                             " ORDER BY actor, year", params).df()


def arms_by_year(store: Any, actors: list[str] | None = None, recipient: str | None = None,
                 dataset: str | None = None) -> pd.DataFrame:
    """(supplier, recipient, year, tiv): delivered SIPRI TIV per delivery year, between ``actors`` (both sides),
    or from every supplier to ``recipient``; ``dataset`` narrows to one signal dataset.

    The register gives a deal's delivery years but not the split: each deal's delivered TIV is spread evenly over
    the years from its first to its last delivery (module doc of :mod:`detente.sources.sipri`).

    Parameters
    ----------
    store
        An open store with the ``sipri_arms`` signals.
    actors
        Transfers with both sides among these states.
    recipient
        Transfers from any supplier to this state.
    dataset
        One signal dataset only.

    Returns
    -------
    pandas.DataFrame
        ``supplier``, ``recipient``, ``year``, ``tiv`` (SIPRI trend-indicator values), ordered.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> a = arms_by_year(store, ["RUS", "AZE"])
    >>> [(r.supplier, r.recipient, r.year, round(r.tiv, 1)) for r in a.tail(3).itertuples()]
    [('RUS', 'AZE', 2016, 8.6), ('RUS', 'AZE', 2017, 85.9), ('RUS', 'AZE', 2018, 77.3)]
    >>> store.close()
    """
    where, params = "kind = 'arms_transfer' AND value IS NOT NULL AND date IS NOT NULL", []
    if actors:
        where += f" AND actor_a IN ({_in(actors)}) AND actor_b IN ({_in(actors)})"
        params = list(actors) + list(actors)
    if recipient:
        where += " AND actor_b = ?"
        params.append(recipient)
    if dataset:
        where += " AND dataset = ?"
        params.append(dataset)
    return store.con.execute(f"""
      WITH d AS (SELECT actor_a, actor_b, value, year(date) AS y0, year(end_date) AS y1 FROM signals WHERE {where})
      SELECT actor_a AS supplier, actor_b AS recipient, y AS year, sum(value / (y1 - y0 + 1)) AS tiv
      FROM d, range(y0, y1 + 1) r(y) GROUP BY ALL ORDER BY ALL""", params).df()


def _add_signal_measures(store: Any, out: pd.DataFrame, acts: list[str]) -> pd.DataFrame:
    """Ideal-point distance (BSV), arms TIV each way and trade each way, per dyad x period (NULL = not covered).

    Year-level values are day-weighted over the calendar years a period overlaps (arms: the TIV of a year counts
    by the share of its days inside the period); monthly trade counts the months whose first day lies inside.
    """
    ideal = bsv_ideal_points(store, acts)
    iy = (int(ideal.year.min()), int(ideal.year.max())) if len(ideal) else None
    look_i = {(a, int(y)): v for a, y, v in ideal.itertuples(index=False)}
    arms = arms_by_year(store, acts)
    ay = store.con.execute("SELECT min(year), max(year) FROM signals WHERE kind = 'arms_transfer'").fetchall()[0]
    look_a = {(s, r, int(y)): v for s, r, y, v in arms.itertuples(index=False)}
    trade = store.con.execute(f"""SELECT actor_a, actor_b, kind, date, value FROM signals
        WHERE kind IN ('trade_export', 'trade_import') AND actor_a IN ({_in(acts)}) AND actor_b IN ({_in(acts)})""",
                              acts + acts).df()
    reporters = store.con.execute("SELECT actor_a, min(date), max(date) FROM signals WHERE kind = 'trade_export'"
                                  " GROUP BY 1").fetchall()
    span = {a: (lo, hi) for a, lo, hi in reporters}
    cols: dict[str, list] = {k: [] for k in ("bsv_ideal_a", "bsv_ideal_b", "bsv_ideal_distance", "arms_tiv_ab",
                                              "arms_tiv_ba", "trade_export_ab", "trade_import_ab")}
    for r in out.itertuples():
        years = _years(Period(r.period, r.start, r.end))
        vals = [(look_i.get((r.actor_a, y)), look_i.get((r.actor_b, y)), w) for y, w in years
                if iy and iy[0] <= y <= iy[1]]
        ok = [(a, b, w) for a, b, w in vals if a is not None and b is not None]
        wsum = sum(w for *_, w in ok)
        ia = sum(a * w for a, _, w in ok) / wsum if ok else np.nan
        ib = sum(b * w for _, b, w in ok) / wsum if ok else np.nan
        cols["bsv_ideal_a"].append(ia)
        cols["bsv_ideal_b"].append(ib)
        cols["bsv_ideal_distance"].append(abs(ia - ib) if ok else np.nan)
        covered = ay[0] is not None and any(ay[0] <= y <= ay[1] for y, _ in years)
        for col, (s, t2) in (("arms_tiv_ab", (r.actor_a, r.actor_b)), ("arms_tiv_ba", (r.actor_b, r.actor_a))):
            v = sum(look_a.get((s, t2, y), 0.0) * w / (366 if y % 4 == 0 else 365) for y, w in years)
            cols[col].append(v if covered else np.nan)
        # trade as reported by actor_a (the reporter); NULL when actor_a reports nothing for the period
        lo_hi = span.get(r.actor_a)
        if lo_hi and lo_hi[0] <= r.end and lo_hi[1] >= r.start:
            sel = trade[(trade.actor_a == r.actor_a) & (trade.actor_b == r.actor_b)
                        & (trade.date >= pd.Timestamp(r.start)) & (trade.date <= pd.Timestamp(r.end))]
            cols["trade_export_ab"].append(float(sel[sel.kind == "trade_export"].value.sum()))
            cols["trade_import_ab"].append(float(sel[sel.kind == "trade_import"].value.sum()))
        else:
            cols["trade_export_ab"].append(np.nan)
            cols["trade_import_ab"].append(np.nan)
    for k, v in cols.items():
        out[k] = v
    return out
