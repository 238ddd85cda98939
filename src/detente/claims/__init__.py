"""Claims: hypotheses from a case file, tests robust to autocorrelation and news volume, verdicts with evidence.

Public API (used by the CLI, the report and the web app)::

    case = load_case("south_caucasus")          # or a path to a YAML case file
    results = evaluate(store, case)              # list[ClaimResult]; .as_dict() for JSON
    KINDS                                        # hypothesis kinds by name

The verdict rule lives in :mod:`detente.claims.verdict` (and docs/claims.md) and nowhere else.
"""

from __future__ import annotations

from detente.claims.casefile import Case, CaseError, Hypothesis, Period, load_case, loads_case
from detente.claims.data import MEASURES, Dyad, Source
from detente.claims.kinds import KINDS, Kind, register
from detente.claims.run import ClaimResult, evaluate
from detente.claims.verdict import VERDICTS, Component, combine, decide, outcome

__all__ = [
    "Case", "CaseError", "ClaimResult", "Component", "Dyad", "Hypothesis", "KINDS", "Kind", "MEASURES",
    "Period", "Source", "VERDICTS", "combine", "decide", "evaluate", "load_case", "loads_case", "outcome",
    "register", "kinds_table",
]


def kinds_table() -> list[dict]:
    """One row per hypothesis kind: name, what it tests, its parameters.

    Returns
    -------
    list of dict
        ``kind``, ``summary`` and ``parameters`` (required ones marked ``*``), in name order.

    Examples
    --------
    >>> rows = kinds_table()
    >>> [r["kind"] for r in rows][:4]
    ['alignment', 'arms_supplier', 'association', 'break']
    >>> next(r["parameters"] for r in rows if r["kind"] == "presence")
    'dyad*, polarity, periods, min_events, expect'
    """
    return [{"kind": k, "summary": c.summary,
             "parameters": ", ".join(f"{p}{'*' if v.required else ''}" for p, v in c.params.items())}
            for k, c in sorted(KINDS.items())]
