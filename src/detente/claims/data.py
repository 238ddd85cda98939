"""The series a hypothesis test rests on: read through the measurement layer (:class:`relations.Reader`).

A dyad is written ``"IRN-ARM"`` (undirected: both directions) or ``"IRN>ARM"`` (directed: IRN as source).
Claims hold no SQL and no covered-day rule of their own: every measure is ``relations.measure_parts`` of the
dyad's :meth:`relations.Reader.daily` frame, a ratio of two daily sums over covered days
(``relations.MEASURES``: tone (the default; ``change`` defaults to ``auto``: tone, or intensity where tone is at
its bound), intensity, goldstein, net, index, volume, count; see docs/relations.md), so a
dyad-period has the same value here as in ``relations``, ``network`` and the API.

A directed dyad on a dataset that holds undirected scores only (the GDELT network) is read undirected and
the test says so (``Source.directed_note``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from detente import relations
from detente.errors import UserError

__all__ = ["MEASURES", "Dyad", "Source"]

MEASURES = relations.MEASURES
DEFAULT_MEASURE = "tone"  # levels; `change` defaults to auto (params.CHANGE_MEASURE)


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


class Source:
    """Cached access to one store through :class:`relations.Reader`: datasets, covered days, dyad parts."""

    def __init__(self, store):
        self.reader = store if isinstance(store, relations.Reader) else relations.Reader(store)
        self.con = self.reader.con
        self.shape = {n: i.kind for n, i in self.reader.infos().items()}
        self._events: dict = {}
        self._weeks: dict = {}
        self._volumes: dict = {}
        self._evidence: dict = {}  # claims.evidence._fetch: the strongest rows per (dataset, spec)
        self._ideal: dict = {}  # claims.kinds_signal: |ideal point a - b| per year, per (a, b)

    def datasets(self) -> list[str]:
        return sorted(self.shape)

    def has(self, dataset: str) -> bool:
        return dataset in self.shape

    def days(self, dataset: str) -> pd.DatetimeIndex:
        return self.reader.days(dataset)

    def coverage(self, dataset: str) -> tuple[date, date] | None:
        return self.reader.coverage(dataset)

    def actors(self, dataset: str) -> set[str]:
        return self.reader.actors(dataset)

    def preload(self, dataset: str, actors: list[str]) -> None:
        self.reader.preload(dataset, actors)

    def directed_note(self, dataset: str, dyad: Dyad) -> str | None:
        if dyad.directed and not self.reader.info(dataset).directed:
            return f"{dataset} holds undirected scores only: {dyad} is read as {dyad.a}-{dyad.b} (both directions)"
        return None

    def frame(self, dataset: str, dyad: Dyad) -> pd.DataFrame:
        """The dyad's daily sums (relations.Reader.daily), undirected when the dataset is."""
        directed = dyad.directed and self.reader.info(dataset).directed
        return self.reader.daily(dataset, dyad.a, dyad.b, directed)

    def parts(self, dataset: str, dyad: Dyad, measure: str, lo: date | None = None,
              hi: date | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(numerator, denominator) per covered day in lo..hi: the period value is sum(num) / sum(den)."""
        d = clip(self.frame(dataset, dyad), lo, hi)
        return relations.measure_parts(d, measure, self.shape[dataset])

    def series(self, dataset: str, dyad: Dyad, measure: str = DEFAULT_MEASURE) -> pd.Series:
        """The measure day by day over every covered day (NaN where the day's denominator is 0)."""
        if measure not in MEASURES:
            raise UserError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
        if dataset not in self.shape:
            raise UserError(f"dataset {dataset!r} is not in the store; run `detente sources` to list them")
        d = self.frame(dataset, dyad)
        num, den = relations.measure_parts(d, measure, self.shape[dataset])
        with np.errstate(invalid="ignore", divide="ignore"):
            return pd.Series(np.where(den != 0, num / np.where(den != 0, den, 1), np.nan), index=d.index)

    def weekly(self, dataset: str, dyad: Dyad, measure: str, lo: date | None = None,
               hi: date | None = None) -> pd.Series:
        """Weekly ratio sum(num) / sum(den) (weeks ending Sunday; NaN weeks kept so lags stay aligned)."""
        key = (dataset, dyad, measure)
        if key not in self._weeks:
            d = self.frame(dataset, dyad)
            num, den = relations.measure_parts(d, measure, self.shape[dataset])
            f = week_sums(d.index, {"num": num, "den": den})
            self._weeks[key] = (f["num"] / f["den"].where(f["den"] != 0)).astype(float)
        w = self._weeks[key]  # weeks (labelled by their Sunday) that overlap lo..hi
        return clip(w, lo, pd.Timestamp(hi) + pd.Timedelta(days=6) if hi is not None else None)

    def world_weekly(self, dataset: str, lo: date | None = None, hi: date | None = None) -> pd.Series:
        """The world's weekly absolute volume (news-volume control)."""
        key = (dataset, "world")
        if key not in self._weeks:
            w = self.reader.world(dataset)
            self._weeks[key] = week_sums(w.index, {"world_abs": w["world_abs"].to_numpy(float)})["world_abs"]
        return clip(self._weeks[key], lo, pd.Timestamp(hi) + pd.Timedelta(days=6) if hi is not None else None)

    def scores(self, dataset: str, dyad: Dyad) -> pd.Series:
        """The daily score sum of the pair on days it is non-zero (evidence for dyad_days datasets)."""
        v = self.frame(dataset, Dyad(dyad.a, dyad.b))["value"]
        return v[v != 0]

    def events_among(self, dataset: str, actors: list[str]) -> pd.DataFrame:
        """Every event of an events dataset between two of ``actors`` with its provenance (evidence only)."""
        key = (dataset, frozenset(actors))
        if key not in self._events:
            df = self.con.execute(
                """SELECT e.date, e.source_actor, e.target_actor, e.cameo_code, c.name AS cameo_name, e.goldstein,
                          e.source_url, e.event_id, e.source_text, e.target_text,
                          coalesce(e.sources, e.reports, 1) AS n_sources
                   FROM events e LEFT JOIN cameo c ON c.code = e.cameo_code
                   WHERE e.dataset = $1 AND list_contains($2, e.source_actor) AND list_contains($2, e.target_actor)
                         AND e.goldstein IS NOT NULL""", [dataset, sorted(set(actors))]).df() \
                if self._has_cameo() else self.con.execute(
                """SELECT date, source_actor, target_actor, cameo_code, NULL AS cameo_name, goldstein, source_url,
                          event_id, source_text, target_text, coalesce(sources, reports, 1) AS n_sources FROM events
                   WHERE dataset = $1 AND list_contains($2, source_actor) AND list_contains($2, target_actor)
                         AND goldstein IS NOT NULL""", [dataset, sorted(set(actors))]).df()
            df["date"] = pd.to_datetime(df["date"])
            self._events[key] = df
        return self._events[key]

    def _has_cameo(self) -> bool:
        try:
            self.con.execute("SELECT 1 FROM cameo LIMIT 1")
            return True
        except Exception:  # a bare events/dyad_days store without the reference table
            return False


def clip(s: pd.Series | pd.DataFrame, start: date | None, end: date | None) -> pd.Series | pd.DataFrame:
    """The part of a daily series inside [start, end] (None = open)."""
    idx = s.index
    if isinstance(idx, pd.DatetimeIndex) and idx.is_monotonic_increasing:  # every series here: binary search
        i = idx.searchsorted(pd.Timestamp(start), "left") if start is not None else 0
        j = idx.searchsorted(pd.Timestamp(end), "right") if end is not None else len(idx)
        return s.iloc[i:j]
    m = np.ones(len(s), dtype=bool)
    if start is not None:
        m &= s.index >= pd.Timestamp(start)
    if end is not None:
        m &= s.index <= pd.Timestamp(end)
    return s.loc[m]


def week_sums(index: pd.DatetimeIndex, cols: dict[str, np.ndarray]) -> pd.DataFrame:
    """``pd.DataFrame(cols, index=index).resample("W").sum(min_count=1)`` without pandas' resampler (its week
    bins cost a third of the claims' weekly series): weeks end on Sunday and are labelled by it, every week from
    the first to the last is kept, NaN where no day of the week has a value.

    >>> days = pd.DatetimeIndex(["2021-03-01", "2021-03-07", "2021-03-08", "2021-03-22"])
    >>> w = week_sums(days, {"x": np.array([1.0, 2.0, np.nan, 4.0])})
    >>> [(str(d.date()), v) for d, v in w["x"].items()]
    [('2021-03-07', 3.0), ('2021-03-14', nan), ('2021-03-21', nan), ('2021-03-28', 4.0)]
    """
    if not len(index):
        return pd.DataFrame({c: np.asarray(v, float) for c, v in cols.items()}, index=index).resample("W").sum(
            min_count=1)
    day = index.values.astype("datetime64[D]").astype(np.int64)
    wk = (day + 3) // 7  # 1970-01-01 is a Thursday: Monday-to-Sunday weeks, the Sunday is day 7 * wk + 3
    w0 = int(wk.min())
    pos, n = wk - w0, int(wk.max()) - w0 + 1
    out = {}
    for c, v in cols.items():
        x = np.asarray(v, float)
        ok = ~np.isnan(x)
        total = np.bincount(pos, weights=np.where(ok, x, 0.0), minlength=n)
        out[c] = np.where(np.bincount(pos, weights=ok, minlength=n) > 0, total, np.nan)
    sundays = (7 * np.arange(w0, w0 + n) + 3).astype("datetime64[D]").astype(index.dtype)
    return pd.DataFrame(out, index=pd.DatetimeIndex(sundays, freq="W-SUN"))


def weekly(s: pd.Series) -> pd.Series:
    """Weekly means (weeks ending Sunday), NaN weeks kept so lags stay aligned."""
    return s.resample("W").mean()
