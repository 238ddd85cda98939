"""A claim's series as a PNG/SVG/PDF file (``detente claims --plot DIR``): monthly means with intervals, the case
periods shaded, the verdict in the title; drawn by the one chart renderer, :mod:`detente.report_figures`."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def plot_result(result: Any, path: str | Path) -> Path:
    """Draw ``result.series`` (dataset -> label -> [[date, value]]) to ``path``, one chart per four lines."""
    from detente import report_figures as figs
    from detente.views import claim_charts

    r = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    specs = claim_charts(None, r)
    if not specs:
        specs = [figs.line_chart([], title=f"{r.get('id')}: no series")]
    specs[0] = {**specs[0], "title": f"{r.get('id')}: {r.get('verdict')} - {r.get('claim')}"[:100]}
    return figs.save(specs, path)
