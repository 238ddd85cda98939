"""Daily series a hypothesis test rests on, read from the store and normalised against news volume.

A dyad is written ``"IRN-ARM"`` (undirected: both directions) or ``"IRN>ARM"`` (directed: IRN as source).
Datasets differ in shape: ``dyad_days`` datasets (gdelt_network) hold one undirected net score per pair
and day; ``events`` datasets (icews) hold coded events. Measures (all per covered day, NaN = undefined):

- ``net``: net cooperation in [-1, 1]. Events: (cooperative - conflictual) / all events of the dyad that day
  (QuadClass 1-2 vs 3-4); dyad_days: the sign of the day's score. Days without interaction are NaN, so the
  period mean is the net cooperative share of active days, whatever the news volume.
- ``goldstein``: events: mean Goldstein of the day's events; dyad_days: the score divided by that day's
  total absolute score over all pairs, times the median daily total (volume-adjusted score).
- ``count``: events of the dyad that day (0 on covered days without any); dyad_days: 1 if the pair
  interacted that day, else 0.

A covered day is a day on which the dataset holds any row; days outside coverage are absent, never zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from detente.errors import UserError

MEASURES = ("net", "goldstein", "count")
COOPERATIVE_QUADS = (1, 2)
CONFLICT_QUADS = (3, 4)


@dataclass(frozen=True)
class Dyad:
    a: str
    b: str
    directed: bool = False

    @classmethod
    def parse(cls, text: str) -> Dyad:
        t = str(text).strip().upper().replace(" ", "")
        for sep, directed in ((">", True), ("-", False)):
            if sep in t:
                a, _, b = t.partition(sep)
                if a and b and a != b and a.isalnum() and b.isalnum():
                    return cls(a, b, directed)
        raise UserError(f"bad dyad {text!r}: write 'IRN-ARM' (both directions) or 'IRN>ARM' (IRN as source)")

    def __str__(self) -> str:
        return f"{self.a}{'>' if self.directed else '-'}{self.b}"

    @property
    def actors(self) -> tuple[str, str]:
        return (self.a, self.b)


def con_of(store):
    """The DuckDB connection of a Store (or a connection itself)."""
    return getattr(store, "con", store)


class Source:
    """Cached access to one store: which datasets it holds, their covered days, and dyad series."""

    def __init__(self, store):
        self.con = con_of(store)
        self._days: dict[str, pd.DatetimeIndex] = {}
        self._volume: dict[str, pd.Series] = {}
        self._series: dict[tuple, pd.Series] = {}
        self._actors: dict[str, set[str]] = {}
        self.shape = self._shapes()

    def _shapes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for table, shape in (("events", "events"), ("dyad_days", "dyad_days")):
            for (name,) in self.con.execute(f"SELECT DISTINCT dataset FROM {table}").fetchall():
                out[name] = shape
        return out

    def datasets(self) -> list[str]:
        return sorted(self.shape)

    def has(self, dataset: str) -> bool:
        return dataset in self.shape

    def days(self, dataset: str) -> pd.DatetimeIndex:
        """Covered days of the dataset."""
        if dataset not in self._days:
            table = "events" if self.shape.get(dataset) == "events" else "dyad_days"
            rows = self.con.execute(
                f"SELECT DISTINCT date FROM {table} WHERE dataset = ? ORDER BY date", [dataset]
            ).fetchall()
            self._days[dataset] = pd.DatetimeIndex([pd.Timestamp(r[0]) for r in rows])
        return self._days[dataset]

    def coverage(self, dataset: str) -> tuple[date, date] | None:
        d = self.days(dataset)
        return (d[0].date(), d[-1].date()) if len(d) else None

    def actors(self, dataset: str) -> set[str]:
        """Actor codes that appear in the dataset at all."""
        if dataset not in self._actors:
            if self.shape.get(dataset) == "events":
                q = ("SELECT DISTINCT source_actor FROM events WHERE dataset = $1 AND source_actor IS NOT NULL "
                     "UNION SELECT DISTINCT target_actor FROM events WHERE dataset = $1 AND target_actor IS NOT NULL")
            else:
                q = ("SELECT DISTINCT actor_a FROM dyad_days WHERE dataset = $1 "
                     "UNION SELECT DISTINCT actor_b FROM dyad_days WHERE dataset = $1")
            self._actors[dataset] = {r[0] for r in self.con.execute(q, [dataset]).fetchall()}
        return self._actors[dataset]

    def events_among(self, dataset: str, actors: list[str]) -> pd.DataFrame:
        """Every event of an events dataset between two of ``actors`` (cached; used for evidence)."""
        key = (dataset, frozenset(actors))
        cache = self.__dict__.setdefault("_events", {})
        if key not in cache:
            cache[key] = self.con.execute(
                """SELECT e.date, e.source_actor, e.target_actor, e.cameo_code, c.name AS cameo_name, e.goldstein,
                          e.source_url, e.event_id, e.source_text, e.target_text
                   FROM events e LEFT JOIN cameo c ON c.code = e.cameo_code
                   WHERE e.dataset = $1 AND list_contains($2, e.source_actor) AND list_contains($2, e.target_actor)
                         AND e.goldstein IS NOT NULL""",
                [dataset, sorted(set(actors))],
            ).df() if self._has_cameo() else self.con.execute(
                """SELECT date, source_actor, target_actor, cameo_code, NULL AS cameo_name, goldstein, source_url,
                          event_id, source_text, target_text FROM events
                   WHERE dataset = $1 AND list_contains($2, source_actor) AND list_contains($2, target_actor)
                         AND goldstein IS NOT NULL""",
                [dataset, sorted(set(actors))],
            ).df()
            cache[key]["date"] = pd.to_datetime(cache[key]["date"])
        return cache[key]

    def scores(self, dataset: str, dyad: Dyad) -> pd.Series:
        """dyad_days: the raw daily score of the (undirected) pair, on days it is non-zero (cached)."""
        a, b = sorted(dyad.actors)
        key = (dataset, a, b, "raw")
        if key not in self._series:
            df = self.con.execute(
                "SELECT date, sum(score) AS s FROM dyad_days WHERE dataset = ? AND actor_a = ? AND actor_b = ? "
                "GROUP BY date ORDER BY date", [dataset, a, b]).df()
            self._series[key] = pd.Series(df["s"].to_numpy(float), index=pd.DatetimeIndex(df["date"]))
        return self._series[key]

    def _has_cameo(self) -> bool:
        try:
            self.con.execute("SELECT 1 FROM cameo LIMIT 1")
            return True
        except Exception:  # a bare events/dyad_days store without the reference table
            return False

    def volume(self, dataset: str) -> pd.Series:
        """dyad_days: total absolute score over all pairs per covered day."""
        if dataset not in self._volume:
            df = self.con.execute(
                "SELECT date, sum(abs(score)) AS v FROM dyad_days WHERE dataset = ? GROUP BY date ORDER BY date",
                [dataset],
            ).df()
            self._volume[dataset] = pd.Series(df["v"].to_numpy(float), index=pd.DatetimeIndex(df["date"]))
        return self._volume[dataset]

    def series(self, dataset: str, dyad: Dyad, measure: str = "net") -> pd.Series:
        """Daily measure for the dyad over every covered day of the dataset (NaN where undefined)."""
        if measure not in MEASURES:
            raise UserError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
        key = (dataset, dyad, measure)
        if key not in self._series:
            if self.shape.get(dataset) == "events":
                s = self._event_series(dataset, dyad, measure)
            elif self.shape.get(dataset) == "dyad_days":
                s = self._dyad_day_series(dataset, dyad, measure)
            else:
                raise UserError(f"dataset {dataset!r} is not in the store; run `detente sources` to list them")
            self._series[key] = s
        return self._series[key]

    def _event_series(self, dataset: str, dyad: Dyad, measure: str) -> pd.Series:
        where = "(source_actor = $2 AND target_actor = $3)"
        if not dyad.directed:
            where += " OR (source_actor = $3 AND target_actor = $2)"
        df = self.con.execute(
            f"""SELECT date, count(*) AS n,
                       count(*) FILTER (WHERE quad_class IN (1, 2)) AS coop,
                       count(*) FILTER (WHERE quad_class IN (3, 4)) AS conf,
                       avg(goldstein) AS g
                FROM events WHERE dataset = $1 AND ({where}) GROUP BY date""",
            [dataset, dyad.a, dyad.b],
        ).df()
        days = self.days(dataset)
        df = df.set_index(pd.DatetimeIndex(df["date"])).reindex(days)
        if measure == "count":
            return df["n"].fillna(0).astype(float)
        if measure == "goldstein":
            return df["g"].astype(float)
        tot = (df["coop"] + df["conf"]).astype(float)
        return ((df["coop"] - df["conf"]) / tot.where(tot > 0)).astype(float)

    def _dyad_day_series(self, dataset: str, dyad: Dyad, measure: str) -> pd.Series:
        days = self.days(dataset)
        s = self.scores(dataset, dyad).reindex(days).fillna(0.0)
        if measure == "count":
            return (s != 0).astype(float)
        if measure == "goldstein":
            vol = self.volume(dataset).reindex(days)
            return s / vol.where(vol > 0) * float(np.nanmedian(vol))
        return np.sign(s).where(s != 0)

    def region_volume(self, dataset: str, actors: list[str]) -> pd.DataFrame:
        """Daily interaction volume of every actor with the other region actors (columns = actors)."""
        days = self.days(dataset)
        acts = sorted(set(actors))
        if self.shape.get(dataset) == "events":
            df = self.con.execute(
                """SELECT date, source_actor AS a, target_actor AS b, count(*)::DOUBLE AS v FROM events
                   WHERE dataset = $1 AND list_contains($2, source_actor) AND list_contains($2, target_actor)
                         AND source_actor <> target_actor GROUP BY ALL""",
                [dataset, acts],
            ).df()
        else:
            df = self.con.execute(
                """SELECT date, actor_a AS a, actor_b AS b, abs(score) AS v FROM dyad_days
                   WHERE dataset = $1 AND list_contains($2, actor_a) AND list_contains($2, actor_b)""",
                [dataset, acts],
            ).df()
        out = pd.DataFrame(0.0, index=days, columns=acts)
        if len(df):
            df["date"] = pd.DatetimeIndex(df["date"])
            for side in ("a", "b"):
                g = df.groupby(["date", side])["v"].sum().unstack(fill_value=0.0)
                out = out.add(g.reindex(index=days, columns=acts, fill_value=0.0), fill_value=0.0)
        return out


def clip(s: pd.Series, start: date | None, end: date | None) -> pd.Series:
    """The part of a daily series inside [start, end] (None = open)."""
    lo = pd.Timestamp(start) if start else s.index.min()
    hi = pd.Timestamp(end) if end else s.index.max()
    return s.loc[(s.index >= lo) & (s.index <= hi)]


def weekly(s: pd.Series) -> pd.Series:
    """Weekly means (weeks ending Sunday), NaN weeks kept so lags stay aligned."""
    return s.resample("W").mean()
