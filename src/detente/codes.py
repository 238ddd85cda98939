"""Country codes on output: ISO 3166 alpha-3 (detente's own), Correlates of War or Gleditsch-Ward numbers.

Inside detente every actor is an ISO3 code (plus a few non-state codes such as NKR or EU). Users of COW- or
GW-keyed data (peacesciencer, the MID and ATOP files) ask for those numbers: :func:`convert` turns one code,
:func:`add_columns` adds ``<col>_cow`` / ``<col>_gw`` columns to a frame, and :func:`recode_rows` rewrites the actor
columns of printed rows (``detente --codes cow relations IRN ARM``). A code with no number in the scheme (Kosovo
has a COW code, Palestine has none; NKR is no state) stays as it was, never silently dropped.

Examples
--------
>>> convert("USA", "cow"), convert("RUS", "gw"), convert("ARM", "iso3")
('2', '365', 'ARM')
>>> convert("NKR", "cow")
'NKR'
>>> recode_rows([{"actor_a": "ARM", "actor_b": "AZE", "value": 1}], "cow")
[{'actor_a': '371', 'actor_b': '373', 'value': 1}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from detente.errors import UserError

SCHEMES = ("iso3", "cow", "gw")

__all__ = ["ACTOR_COLUMNS", "SCHEMES", "add_columns", "convert", "recode_rows"]
# columns that hold actor codes in detente's outputs
ACTOR_COLUMNS = ("actor", "actor_a", "actor_b", "source", "target", "source_actor", "target_actor", "node")


def _check(scheme: str) -> str:
    s = scheme.lower()
    if s not in SCHEMES:
        raise UserError(f"unknown code scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    return s


def convert(code: Any, scheme: str = "iso3") -> Any:
    """``code`` (ISO3) in ``scheme``; a code without a number in that scheme is returned unchanged.

    Parameters
    ----------
    code : str
        An ISO3 code (non-strings, e.g. None, pass through).
    scheme : str
        ``iso3``, ``cow`` (Correlates of War) or ``gw`` (Gleditsch-Ward); anything else is a UserError.

    Returns
    -------
    str
        The number as text, or ``code`` itself when the scheme has none for it.

    Examples
    --------
    >>> convert("AZE", "cow"), convert("AZE", "gw"), convert("NKR", "gw")
    ('373', '373', 'NKR')
    """
    s = _check(scheme)
    if s == "iso3" or not isinstance(code, str):
        return code
    from detente.actors import countries

    row = countries().get(code)
    value = row.get(s) if row else None
    return value if value else code


def recode_rows(rows: Sequence[dict], scheme: str) -> list[dict]:
    """Rows with their actor columns (:data:`ACTOR_COLUMNS`) in ``scheme``; other columns untouched.

    Examples
    --------
    >>> recode_rows([{"source": "IRN", "target": "ARM", "events": 3}], "gw")
    [{'source': '630', 'target': '371', 'events': 3}]
    """
    s = _check(scheme)
    if s == "iso3":
        return list(rows)
    return [{k: convert(v, s) if k in ACTOR_COLUMNS else v for k, v in r.items()} for r in rows]


def add_columns(frame: Any, schemes: Sequence[str] = ("cow", "gw")) -> Any:
    """A copy of a pandas ``frame`` with ``<col>_<scheme>`` beside every actor column (ISO3 kept).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any frame; its columns named in :data:`ACTOR_COLUMNS` are read as ISO3 codes.
    schemes : sequence of str
        Code schemes to add (``cow``, ``gw``).

    Examples
    --------
    >>> import pandas as pd
    >>> add_columns(pd.DataFrame({"actor_a": ["ARM"], "actor_b": ["NKR"], "v": [1]})).to_dict("records")
    [{'actor_a': 'ARM', 'actor_a_cow': '371', 'actor_a_gw': '371', 'actor_b': 'NKR', 'actor_b_cow': 'NKR', 'actor_b_gw': 'NKR', 'v': 1}]
    """
    out = frame.copy()
    for col in [c for c in frame.columns if c in ACTOR_COLUMNS]:
        pos = list(out.columns).index(col) + 1
        for k, s in enumerate(schemes):
            s = _check(s)
            if s == "iso3":
                continue
            out.insert(pos + k, f"{col}_{s}", [convert(v, s) for v in frame[col]])
    return out
