"""`--plot FILE` for dyad series (``detente relations``, ``detente breaks``): a thin user of the one chart
renderer, :mod:`detente.report_figures` (monthly or weekly index with its interval, the case periods shaded,
unusual days and breaks marked, gaps in coverage left undrawn)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from detente import report_figures as figs
from detente.errors import UserError
from detente.periods import Period

__all__ = ["series"]


def series(frame: Any, path: str | Path | None = None, title: str | None = None,
           periods: list[Period] | None = None, anomalies: Any = None, breaks: Any = None,
           measure: str = "index") -> dict:
    """Draw ``measure`` of a dyad_series frame (one line per dataset, at most four) to ``path`` (.svg/.png/.pdf);
    returns the chart spec.

    Parameters
    ----------
    frame
        A :func:`detente.relations.dyad_series` frame: ``dataset``, ``start``, ``measure`` and, for the index,
        ``ci_low``/``ci_high``.
    path
        Where to draw (the suffix picks the format); None only builds the spec.
    title
        Chart title.
    periods
        Periods to shade (e.g. a case's).
    anomalies, breaks
        Frames of unusual days (``date``, ``direction``) and break dates (``date``) to mark.
    measure
        The column to draw.

    Returns
    -------
    dict
        The chart spec :mod:`detente.report_figures` renders: ``series`` (one per dataset, points ``[date, value,
        low, high]``), ``bands``, ``marks`` and labels.

    Raises
    ------
    UserError
        ``path`` with a suffix other than .png, .svg or .pdf.

    Examples
    --------
    >>> import pandas as pd
    >>> from datetime import date
    >>> frame = pd.DataFrame({"dataset": ["icews", "icews"], "start": [date(2021, 1, 1), date(2021, 2, 1)],
    ...                       "index": [1.0, 2.0], "ci_low": [0.5, 1.5], "ci_high": [1.5, 2.5]})
    >>> spec = series(frame, title="ARM-AZE", periods=[Period("war", date(2021, 1, 10), date(2021, 1, 20))])
    >>> spec["series"]
    [{'name': 'icews', 'points': [['2021-01-01', 1.0, 0.5, 1.5], ['2021-02-01', 2.0, 1.5, 2.5]]}]
    >>> spec["ylabel"], [b["name"] for b in spec["bands"]]
    ('index (‰ of world volume)', ['war'])
    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "arm-aze.svg")
    >>> _ = series(frame, out)
    >>> open(out, encoding="utf-8").read().lstrip().startswith(("<svg", "<?xml"))
    True
    >>> series(frame, "chart.txt")
    Traceback (most recent call last):
    ...
    detente.errors.UserError: --plot chart.txt: use a .png, .svg or .pdf file name
    """
    if path is not None and Path(path).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UserError(f"--plot {path}: use a .png, .svg or .pdf file name")
    lines = []
    for ds, g in frame.groupby("dataset", sort=True):
        has_ci = measure == "index" and "ci_low" in g and g["ci_low"].notna().any()
        pts = [[r["start"], r[measure], r["ci_low"] if has_ci else None, r["ci_high"] if has_ci else None]
               for r in g.to_dict("records")]
        lines.append({"name": str(ds), "points": pts})
    marks = []
    if anomalies is not None and len(anomalies):
        for r in anomalies.to_dict("records"):
            word = "conflict spike" if r.get("direction") == "conflictual" else "cooperation spike"
            marks.append({"date": r["date"], "label": word, "kind": "crisis"})
    if breaks is not None and len(breaks):
        marks += [{"date": d, "label": "break", "kind": "break"} for d in breaks["date"]]
    unit = " (‰ of world volume)" if measure == "index" else ""
    spec = figs.line_chart(lines[:figs.MAX_LINES], title=title or "", ylabel=measure + unit, xlabel="date",
                           bands=[{"name": p.name, "start": p.start, "end": p.end} for p in periods or []],
                           marks=marks)
    if path is not None:
        figs.save(spec, path)
    return spec
