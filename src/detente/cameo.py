"""CAMEO event codes: names, roots, QuadClass, Goldstein (pinned to GDELT's table) and the PLOVER crosswalk.

Tables ship in ``detente/data/`` (``cameo.tsv``, ``icews_event_text.tsv``; provenance in docs/actors.md)
and are loaded lazily once.  Codes are strings of 2-4 digits: '01', '010', '0211', '190'.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

# QuadClass by root code (GDELT's rule): 01-05 verbal cooperation, 06-08 material cooperation,
# 09-14 verbal conflict, 15-20 material conflict.
__all__ = ["QUAD_NAMES", "code_for_event_text", "codes", "goldstein", "is_code", "name", "normalize", "plover",
           "plover_context", "quad_class", "quad_of_root", "reference_rows", "root"]

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}


def quad_of_root(root: int) -> int:
    """Quad class (1 verbal / 2 material cooperation, 3 verbal / 4 material conflict) of a CAMEO root.

    Parameters
    ----------
    root : int
        CAMEO root, 1-20.

    Returns
    -------
    int
        1, 2, 3 or 4; a root outside 1-20 raises ValueError.

    Examples
    --------
    >>> quad_of_root(4), quad_of_root(19)
    (1, 4)
    """
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 8:
        return 2
    if 9 <= root <= 14:
        return 3
    if 15 <= root <= 20:
        return 4
    raise ValueError(f"CAMEO root {root:02d} is outside 01-20")


def _read(name: str) -> list[dict]:
    with resources.files("detente.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@cache
def _table() -> dict[str, dict]:
    out = {}
    for r in _read("cameo.tsv"):
        out[r["code"]] = {
            "code": r["code"],
            "name": r["name"],
            "root": r["root"],
            "quad_class": quad_of_root(int(r["root"])),
            "goldstein": float(r["goldstein"]),
            "plover_type": r["plover_type"] or None,
            "plover_mode": r["plover_mode"] or None,
            "plover_context": r["plover_context"] or None,
        }
    return out


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@cache
def _event_texts() -> dict[str, str]:
    return {r["event_text"]: r["code"] for r in _read("icews_event_text.tsv")}


def reference_rows() -> list[dict]:
    """One dict per CAMEO code: code, name, root, quad_class, goldstein, plover_type.

    Examples
    --------
    >>> reference_rows()[0]
    {'code': '01', 'name': 'MAKE PUBLIC STATEMENT', 'root': '01', 'quad_class': 1, 'goldstein': 0.0,
     'plover_type': None}
    """
    keys = ("code", "name", "root", "quad_class", "goldstein", "plover_type")
    return [{k: r[k] for k in keys} for r in _table().values()]


def codes() -> list[str]:
    """Every CAMEO code (roots and 3-4 digit codes) in reference order.

    Examples
    --------
    >>> codes()[:3], len(codes()) > 300
    (['01', '010', '011'], True)
    """
    return list(_table())


def normalize(code: str | int) -> str:
    """Canonical code text: '190' stays, 190 -> '190', 10 -> '10', ' 042 ' -> '042'.

    Integers lose leading zeros, so an int is read as a root when < 21 and as a 3-digit code when
    < 210 ('42' as int is ambiguous: we read 42 as '042').

    Examples
    --------
    >>> normalize(190), normalize(" 042 "), normalize(4)
    ('190', '042', '04')
    """
    if isinstance(code, int):
        s = str(code)
        if code < 21:
            return s.zfill(2)
        if len(s) in (2, 3) and s.zfill(3) in _table():
            return s.zfill(3)
        return s.zfill(4)
    return code.strip()


def _row(code: str | int) -> dict:
    c = normalize(code)
    try:
        return _table()[c]
    except KeyError:
        raise ValueError(f"unknown CAMEO code {code!r}; codes are 2-4 digit strings such as '01', '042', '0211'") \
            from None


def is_code(code: str) -> bool:
    """Whether ``code`` is a CAMEO code.

    Examples
    --------
    >>> is_code("190"), is_code("999")
    (True, False)
    """
    return normalize(code) in _table()


def name(code: str | int) -> str:
    """CAMEO's name of a code; an unknown code raises ValueError.

    Examples
    --------
    >>> name("190")
    'Use conventional military force, not specified below'
    """
    return _row(code)["name"]


def root(code: str | int) -> str:
    """The two-digit root of a code.

    Examples
    --------
    >>> root("0311")
    '03'
    """
    return _row(code)["root"]


def quad_class(code: str | int) -> int:
    """Quad class of a code (1 verbal / 2 material cooperation, 3 verbal / 4 material conflict).

    Examples
    --------
    >>> quad_class("042"), quad_class("190")
    (1, 4)
    """
    return _row(code)["quad_class"]


def goldstein(code: str | int) -> float:
    """Goldstein (1992) conflict-cooperation weight of a code, -10 to +10.

    Examples
    --------
    >>> goldstein("190"), goldstein("042")
    (-10.0, 1.9)
    """
    return _row(code)["goldstein"]


def plover(code: str | int) -> tuple[str, str | None] | None:
    """(PLOVER event type, mode) for a CAMEO code, or None where PLOVER has no category (01x, 02x).

    Examples
    --------
    >>> plover("042"), plover("190"), plover("010")
    (('CONSULT', 'visit'), ('ASSAULT', None), None)
    """
    r = _row(code)
    return (r["plover_type"], r["plover_mode"]) if r["plover_type"] else None


def plover_context(code: str | int) -> list[str]:
    """PLOVER context labels of a code.

    Examples
    --------
    >>> plover_context("094")
    ['military', 'legal']
    """
    c = _row(code)["plover_context"]
    return [x.strip() for x in c.split(",")] if c else []


def code_for_event_text(text: str) -> str | None:
    """CAMEO code of an ICEWS "Event Text", or None if unknown.

    Examples
    --------
    >>> code_for_event_text("Make a visit"), code_for_event_text("Bake a cake")
    ('042', None)
    """
    if not text:
        return None
    t = _norm_text(text)
    hit = _event_texts().get(t)
    if hit is None:
        # tolerate GDELT-style residual names and stray punctuation
        t2 = re.sub(r",?\s*not spec(ified)? below$", "", t).rstrip(".")
        hit = _event_texts().get(t2)
    return hit
