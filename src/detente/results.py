"""Results as tables a notebook user can take anywhere: one tidy frame per result kind, and converters.

``claims_frame(results)`` turns :func:`detente.claims.evaluate`'s results into one row per claim with numeric
``effect``, ``ci_low``, ``ci_high``, ``p`` and the robustness label (never intervals as strings);
:func:`to_polars` and :func:`to_arrow` convert any pandas frame detente returns (polars is optional: ``pip install
polars``). :func:`short_repr` is the one-line summary the result classes print.

Examples
--------
>>> import pandas as pd
>>> to_arrow(pd.DataFrame({"a": [1, 2]})).num_rows
2
>>> short_repr("ClaimResult", id="C1", verdict="supported", effect=0.1234567, ci=(0.05, 0.2))
'<ClaimResult C1 verdict=supported effect=0.1235 ci=[0.05, 0.2]>'
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from detente.errors import UserError

__all__ = ["CLAIM_COLUMNS", "claims_frame", "short_repr", "to_arrow", "to_polars"]

CLAIM_COLUMNS = ("id", "claim", "kind", "verdict", "effect", "ci_low", "ci_high", "p", "robustness", "flipped_by",
                 "datasets", "headline")


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) or math.isinf(f) else f


def _robustness(rob: Any) -> tuple[str | None, str | None]:
    if isinstance(rob, str):
        return rob, None
    if isinstance(rob, dict):
        flips = rob.get("flips") or rob.get("flipped_by")
        if isinstance(flips, list | tuple):
            flips = "; ".join(str(f.get("variant", f)) if isinstance(f, dict) else str(f) for f in flips) or None
        return rob.get("label"), flips
    return None, None


def claims_frame(results: Iterable[Any]) -> pd.DataFrame:
    """One row per claim result (objects with ``as_dict()``, or their dicts), columns :data:`CLAIM_COLUMNS`.

    Parameters
    ----------
    results
        :class:`detente.claims.ClaimResult` objects (what :func:`detente.claims.evaluate` returns) or their
        ``as_dict()`` dicts.

    Returns
    -------
    pandas.DataFrame
        One row per result: ``effect``, ``ci_low``, ``ci_high`` and ``p`` as floats (None when missing or not
        finite), ``robustness`` as its label and ``flipped_by`` naming the variants that change the verdict.

    Examples
    --------
    >>> row = {"id": "C1", "kind": "shift", "verdict": "supported", "effect": 0.5, "interval": [0.1, 0.9],
    ...        "p": 0.01, "robustness": {"label": "fragile", "flips": [{"variant": "no_gdelt"}]},
    ...        "datasets": {"icews": 120}}
    >>> frame = claims_frame([row])
    >>> frame.loc[0, ["effect", "ci_low", "ci_high", "p"]].astype(float).tolist()
    [0.5, 0.1, 0.9, 0.01]
    >>> frame.loc[0, ["id", "robustness", "flipped_by", "datasets"]].tolist()
    ['C1', 'fragile', 'no_gdelt', 'icews']
    >>> list(frame.columns) == list(CLAIM_COLUMNS)
    True
    """
    rows = []
    for r in results:
        d = r.as_dict() if hasattr(r, "as_dict") else dict(r)
        lo, hi = (list(d.get("interval") or [None, None]) + [None, None])[:2]
        label, flips = _robustness(d.get("robustness"))
        rows.append({"id": d.get("id"), "claim": d.get("claim"), "kind": d.get("kind"), "verdict": d.get("verdict"),
                     "effect": _num(d.get("effect")), "ci_low": _num(lo), "ci_high": _num(hi), "p": _num(d.get("p")),
                     "robustness": label, "flipped_by": flips,
                     "datasets": ",".join(d.get("datasets") or {}) or None, "headline": d.get("headline")})
    return pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))


def to_arrow(frame: pd.DataFrame):
    """A pyarrow Table of ``frame`` (no index column).

    Parameters
    ----------
    frame
        Any pandas frame (detente's frames, :func:`claims_frame`).

    Returns
    -------
    pyarrow.Table

    Examples
    --------
    >>> import pandas as pd
    >>> table = to_arrow(pd.DataFrame({"actor": ["ARM", "AZE"], "events": [3, 5]}, index=[10, 11]))
    >>> table.column_names, table.column("events").to_pylist()
    (['actor', 'events'], [3, 5])
    """
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def to_polars(frame: pd.DataFrame):
    """A polars DataFrame of ``frame``, through Arrow (no copy of numeric columns where polars can avoid one).

    Parameters
    ----------
    frame
        Any pandas frame.

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    UserError
        polars is not installed (it is optional: ``pip install polars``).

    Examples
    --------
    >>> import pandas as pd
    >>> try:
    ...     got = to_polars(pd.DataFrame({"actor": ["ARM", "AZE"], "events": [3, 5]}))["events"].to_list()
    ... except UserError as e:  # without polars the error says what to install
    ...     got = str(e)
    >>> got in ([3, 5], "to_polars needs polars: pip install polars")
    True
    """
    try:
        import polars as pl
    except ImportError:
        raise UserError("to_polars needs polars: pip install polars") from None
    return pl.from_arrow(to_arrow(frame))


def short_repr(kind: str, **fields: Any) -> str:
    """``<Kind a=b ...>`` with floats to 4 significant digits and intervals as ``[lo, hi]``; the first field bare.

    Parameters
    ----------
    kind
        The class name shown first.
    **fields
        Shown in order as ``name=value``, the first one as its bare value.

    Returns
    -------
    str

    Examples
    --------
    >>> short_repr("Network", period="2021", nodes=12, balance=0.8123456, ci=[0.75, 0.9])
    '<Network 2021 nodes=12 balance=0.8123 ci=[0.75, 0.9]>'
    """
    parts = []
    for i, (k, v) in enumerate(fields.items()):
        if isinstance(v, float):
            v = f"{v:.4g}"
        elif isinstance(v, tuple | list):
            v = "[" + ", ".join(f"{x:.4g}" if isinstance(x, float) else str(x) for x in v) + "]"
        parts.append(str(v) if i == 0 else f"{k}={v}")
    return f"<{kind} " + " ".join(parts) + ">"
