"""A claim's series as a PNG/SVG/PDF file (``detente claims --plot DIR``): monthly means with intervals, the case
periods shaded, the verdict in the title; drawn by the one chart renderer, :mod:`detente.report_figures`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["plot_result"]


def plot_result(result: Any, path: str | Path) -> Path:
    """Draw ``result.series`` (dataset -> label -> [[date, value]]) to ``path``, one chart per four lines.

    Parameters
    ----------
    result : ClaimResult or dict
        One result of :func:`detente.claims.evaluate` (or its ``as_dict()``).
    path : str or Path
        The file to write; its suffix (``.png``, ``.svg``, ``.pdf``) picks the format.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import tempfile, detente
    >>> from pathlib import Path
    >>> from detente.claims import evaluate, load_case
    >>> store = detente.open(read_only=True)
    >>> (res,) = evaluate(store, load_case("south_caucasus"), ids=["C1"], robustness=False)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = plot_result(res, Path(tmp) / "C1.svg")
    ...     print(out.name, out.read_text()[:4])
    C1.svg <svg
    >>> store.close()
    """
    from detente import report_figures as figs
    from detente.views import claim_charts

    r = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    specs = claim_charts(None, r)
    if not specs:
        specs = [figs.line_chart([], title=f"{r.get('id')}: no series")]
    specs[0] = {**specs[0], "title": f"{r.get('id')}: {r.get('verdict')} - {r.get('claim')}"[:100]}
    return figs.save(specs, path)
