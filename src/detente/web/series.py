"""The server's fast path for ONE dyad's series: the numbers of ``relations.dyad_series``, in tens of ms.

``relations.dyad_series`` answers any set of actors and periods through Ibis (compiled afresh per call) and a
general bootstrap; for a dyad never asked before that costs ~0.6 s, most of it fixed overhead. The server
asks one question only — one dyad over calendar periods — so :class:`Fast` answers it with:

* the catalogue (``relations.datasets``, ``relations.known_actors``) memoised per store open (the server's store
  is read-only, so it cannot change under it);
* the world's daily volume per dataset (the index's denominator, and which days are covered) computed once;
* the bootstrap draws and their denominators per (dataset, period) computed once (``relations.block_counts``
  seeded as ``relations`` seeds it: ``default_rng([seed, period position])``), so a new dyad costs one matrix
  product per period;
* one hand-written DuckDB query for the dyad's own rows.

The frame is assembled by ``relations._assemble`` (the universe and measure definitions stay in one place),
and tests/test_server_load.py checks the result equals ``relations.dyad_series`` on bundled dyads, every
frequency and both datasets. ``Fast`` has the two functions ``views.dyad`` calls (``datasets`` and
``dyad_series``), so it can be passed as its ``rel=``.
"""

from __future__ import annotations

import threading
import warnings
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from detente import relations
from detente.errors import UserError
from detente.periods import Period, span
from detente.periods import cut as cut_periods
from detente.web.cache import ByteLRU


def _np_days(values: Any) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]")


def _fetch(store: Any, sql: str, params: dict) -> list[np.ndarray]:
    """The columns of a query as NumPy arrays (NULL as NaN in floats, 0 in integers). ``execute``, not ``sql``:
    it also runs after an earlier statement on the cursor left a result unfetched (``fetchone``)."""
    cols = store.con.execute(sql, params).fetchnumpy()
    out = []
    for v in cols.values():
        if np.issubdtype(v.dtype, np.datetime64):
            out.append(np.asarray(v).astype("datetime64[D]"))
        elif np.issubdtype(v.dtype, np.floating):
            out.append(np.ma.filled(np.ma.asarray(v, dtype=np.float64), np.nan))
        else:
            out.append(np.ma.filled(np.ma.asarray(v), 0))
    return out


class Fast:
    """Catalogue, world totals and bootstrap draws of one open (read-only) store; see the module doc."""

    def __init__(self, draws_bytes: int = 96 << 20):
        self._lock = threading.Lock()
        self._infos: list[relations.DatasetInfo] | None = None
        self._known: frozenset[str] | None = None
        self._world: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.draws = ByteLRU(draws_bytes)

    # -- the catalogue, memoised -------------------------------------------------------------------
    def datasets(self, store: Any) -> list[relations.DatasetInfo]:
        if self._infos is None:
            infos = relations.datasets(store)
            with self._lock:
                self._infos = infos
        return list(self._infos)

    def known_actors(self, store: Any) -> frozenset[str]:
        if self._known is None:
            known = frozenset(relations.known_actors(store))
            with self._lock:
                self._known = known
        return self._known

    def check_actors(self, store: Any, names: list[str]) -> list[str]:
        known = self.known_actors(store)
        codes = [n.strip().upper() for n in names]
        if all(c in known for c in codes):
            return codes
        return relations.check_actors(store, names)  # names, aliases and the "did you mean" message

    def _pick(self, store: Any, dataset: str | None) -> list[relations.DatasetInfo]:
        infos = self.datasets(store)
        if dataset is not None:
            infos = [d for d in infos if d.name == dataset]
            if not infos:
                raise UserError(f"no dyad data for dataset {dataset!r}; the store holds "
                                f"{relations.describe_coverage(store)}")
        elif not infos:
            raise UserError(f"the store has no dyad data; it holds {relations.describe_coverage(store)}")
        return infos

    def world(self, store: Any, info: relations.DatasetInfo) -> tuple[np.ndarray, np.ndarray]:
        """(covered days, sorted; the world's absolute score per day, NaN where every score is NULL)."""
        got = self._world.get(info.name)
        if got is not None:
            return got
        if info.kind == "events":
            sql = ("SELECT date, sum(abs(goldstein)) FROM events WHERE dataset = $ds AND source_actor IS NOT NULL"
                   " AND target_actor IS NOT NULL AND source_actor <> target_actor")
        else:
            sql = "SELECT date, sum(abs(score)) FROM dyad_days WHERE dataset = $ds AND directed = $dir"
        params: dict[str, Any] = {"ds": info.name}
        if info.kind != "events":
            params["dir"] = info.directed
        if info.start is not None:
            sql += " AND date >= $cs AND date <= $ce"
            params |= {"cs": info.start, "ce": info.end}
        days, wabs = _fetch(store, sql + " GROUP BY date ORDER BY date", params)
        with self._lock:
            self._world[info.name] = (days, wabs)
        return days, wabs

    # -- one dyad ----------------------------------------------------------------------------------
    def dyad_series(self, store: Any, a: str, b: str, freq: str = "month", start: str | date | None = None,
                    end: str | date | None = None, dataset: str | None = None, directed: bool = False,
                    n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
        """``relations.dyad_series(store, a, b, freq, start, end, dataset, directed)`` (duckdb, with CIs)."""
        lo, hi = span(start, end)
        infos = self._pick(store, dataset)
        c_lo = min(d.start for d in infos if d.start)
        c_hi = max(d.end for d in infos if d.end)
        if (lo and lo > c_hi) or (hi and hi < c_lo):
            raise UserError(f"no data in {lo or '..'}..{hi or '..'}; the store holds "
                            f"{relations.describe_coverage(store)}")
        lo, hi = lo or c_lo, hi or c_hi
        periods = cut_periods(freq, lo, hi)
        aa, bb = self.check_actors(store, [a, b])
        if aa == bb:
            raise UserError(f"{a} and {b} are the same actor; a dyad needs two")
        acts = sorted({aa, bb})
        frames = []
        for info in infos:
            res = self._one(store, info, aa, bb, acts, periods, directed, n_boot, seed)
            res.insert(5, "dataset", info.name)
            res.insert(6, "kind", info.kind)
            frames.append(res)
        out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        out = out[list(relations.COMMON) + [m for m in relations.ALL_MEASURES if m in out.columns]]
        if directed:
            out = out[(out.actor_a == aa) & (out.actor_b == bb)].reset_index(drop=True)
        if not out["covered"].any():
            raise UserError(f"no data for {aa}-{bb} in {periods[0].start}..{periods[-1].end}; the store holds "
                            f"{relations.describe_coverage(store)}")
        return out

    def _one(self, store: Any, info: relations.DatasetInfo, aa: str, bb: str, acts: list[str],
             periods: list[Period], directed: bool, n_boot: int, seed: int) -> pd.DataFrame:
        if info.kind != "events" and directed and not info.directed:
            raise UserError(f"{info.name} holds undirected scores only; drop --directed for it")
        lo, hi = periods[0].start, periods[-1].end
        starts = _np_days([p.start for p in periods])
        ends = _np_days([p.end for p in periods])
        n_per = len(periods)

        # the world: covered days and their volume, per period position _o
        all_days, all_wabs = self.world(store, info)
        i0 = int(np.searchsorted(all_days, np.datetime64(lo, "D"), side="left"))
        i1 = int(np.searchsorted(all_days, np.datetime64(hi, "D"), side="right"))
        days, wabs = all_days[i0:i1], all_wabs[i0:i1]
        o_day = np.searchsorted(starts, days, side="right") - 1
        ok = (o_day >= 0) & (days <= ends[np.clip(o_day, 0, None)])
        days, wabs, o_day = days[ok], wabs[ok], o_day[ok]
        per_days = np.bincount(o_day, minlength=n_per)
        finite = ~np.isnan(wabs)
        wsum = np.bincount(o_day, weights=np.where(finite, wabs, 0.0), minlength=n_per)
        wcnt = np.bincount(o_day, weights=finite.astype(float), minlength=n_per)
        present = np.nonzero(per_days)[0]
        wp = pa.table({"_o": pa.array(present, pa.int64()), "covered_days": pa.array(per_days[present], pa.int64()),
                       "world_abs": pa.array(np.where(wcnt[present] > 0, wsum[present], np.nan), pa.float64(),
                                             from_pandas=True)})

        # the dyad's own rows
        both = "" if directed else " OR ({x} = $b AND {y} = $a)"
        params: dict[str, Any] = {"ds": info.name, "lo": lo, "hi": hi, "a": aa, "b": bb}
        if info.kind == "events":
            x, y = "source_actor", "target_actor"
            sql = ("SELECT date, goldstein, quad_class FROM events WHERE dataset = $ds AND date >= $lo AND date <= $hi"
                   f" AND (({x} = $a AND {y} = $b){both.format(x=x, y=y)})")
        else:
            x, y = "actor_a", "actor_b"
            sql = ("SELECT date, score, NULL::INTEGER FROM dyad_days WHERE dataset = $ds AND date >= $lo"
                   f" AND date <= $hi AND directed = $dir AND (({x} = $a AND {y} = $b){both.format(x=x, y=y)})")
            params["dir"] = info.directed
        if info.start is not None:
            sql += " AND date >= $cs AND date <= $ce"
            params |= {"cs": info.start, "ce": info.end}
        r_day, score, quad = _fetch(store, sql, params)
        o_row = np.searchsorted(starts, r_day, side="right") - 1
        keep = (o_row >= 0) & (r_day <= ends[np.clip(o_row, 0, None)])
        r_day, score, o_row = r_day[keep], score[keep], o_row[keep]
        has = ~np.isnan(score)
        sums = np.bincount(o_row, weights=np.where(has, score, 0.0), minlength=n_per)
        rows_per = np.bincount(o_row, minlength=n_per)
        at = np.nonzero(rows_per)[0]
        x_a, x_b = (aa, bb) if directed else (acts[0], acts[1])
        cols: dict[str, Any] = {"_o": pa.array(at, pa.int64()), "actor_a": pa.array([x_a] * len(at)),
                                "actor_b": pa.array([x_b] * len(at)), "value": pa.array(sums[at], pa.float64())}
        if info.kind == "events":
            q = quad[keep]
            cols["n_events"] = pa.array(rows_per[at], pa.int64())
            for k, m in enumerate(relations.EVENT_MEASURES[1:5], start=1):
                cols[m] = pa.array(np.bincount(o_row, weights=(q == k), minlength=n_per)[at].astype(np.int64))
        else:
            cols["n_days"] = pa.array(rows_per[at], pa.int64())
        res = relations._assemble(pa.table(cols), wp, acts, periods, directed, info.kind)

        # 95% circular block bootstrap per period, the draws and denominators shared by every dyad
        res["ci_low"] = np.where(res["covered"], 0.0, np.nan)
        res["ci_high"] = res["ci_low"]
        lo_ci, hi_ci = res["ci_low"].to_numpy(copy=True), res["ci_high"].to_numpy(copy=True)
        pairs = 2 if directed else 1
        mine = 0 if (directed is False or (aa, bb) == (acts[0], acts[1])) else 1  # row of (aa, bb) in a period
        # the dyad's daily sums (NaN on a day whose every score is NULL, as SQL's sum)
        uday, inv = np.unique(r_day, return_inverse=True)
        dsum = np.bincount(inv, weights=np.where(has, score, 0.0), minlength=len(uday))
        dcnt = np.bincount(inv, weights=has.astype(float), minlength=len(uday))
        dval = np.where(dcnt > 0, dsum, np.nan)
        d_o = np.searchsorted(starts, uday, side="right") - 1
        bounds = np.searchsorted(o_day, np.arange(n_per + 1), side="left")
        dbounds = np.searchsorted(d_o, np.arange(n_per + 1), side="left")
        todo = [o for o in at if per_days[o] > 0]
        draws = np.empty((len(todo), n_boot))
        for k, o in enumerate(todo):
            s0, s1 = bounds[o], bounds[o + 1]
            pdays = days[s0:s1]
            counts, den = self._draws(info.name, periods[o], o, wabs[s0:s1], n_boot, seed)
            V = np.zeros((1, len(pdays)))
            e0, e1 = dbounds[o], dbounds[o + 1]
            np.add.at(V, (np.zeros(e1 - e0, dtype=np.int64), np.searchsorted(pdays, uday[e0:e1])), dval[e0:e1])
            with np.errstate(invalid="ignore", divide="ignore"):
                draws[k] = 1000.0 * (V @ counts) / den
        if todo:
            rows = np.asarray(todo, dtype=np.int64) * pairs + mine
            nan = np.isnan(draws).any(axis=1)
            if (~nan).any():  # one vectorised percentile for the rows without NaN (the same numbers)
                lo_ci[rows[~nan]], hi_ci[rows[~nan]] = np.percentile(draws[~nan], [2.5, 97.5], axis=1)
            if nan.any():
                with np.errstate(invalid="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN period's CI is NaN
                    lo_ci[rows[nan]], hi_ci[rows[nan]] = np.nanpercentile(draws[nan], [2.5, 97.5], axis=1)
        res["ci_low"], res["ci_high"] = lo_ci, hi_ci
        return res

    def _draws(self, name: str, p: Period, o: int, wabs: np.ndarray, n_boot: int,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
        key = (name, p.start, p.end, o, len(wabs), n_boot, seed)
        got = self.draws.get(key)
        if got is None:
            counts = relations.block_counts(len(wabs), n_boot, np.random.default_rng([seed, o]))
            got = (counts, wabs @ counts)
            self.draws.put(key, got, size=counts.nbytes + 8 * n_boot + 200)
        return got
