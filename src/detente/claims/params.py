"""Parameter types for hypothesis kinds: each parses a YAML node or raises a CaseError naming the shape.

Internal: the kinds (:mod:`detente.claims.kinds_dyad` and the others) declare their parameters with these;
case files reach them through :func:`detente.claims.load_case`. Not part of the Python API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from detente.claims.casefile import Case, Node, as_date
from detente.claims.data import MEASURES, Dyad
from detente.errors import UserError

__all__: list[str] = []


@dataclass(frozen=True)
class Param:
    parse: Callable[[Node, Case], Any]
    expected: str
    required: bool = False
    default: Any = None
    help: str = ""


def _actor(code: Any, n: Node, case: Case) -> str:
    c = str(code).strip().upper()
    if c not in case.actors:
        raise n.fail(f"actor {c} is not among the case's actors", ", ".join(case.actors))
    return c


def dyad(n: Node, case: Case) -> Dyad:
    try:
        d = Dyad.parse(n.value)
    except UserError:
        raise n.fail(f"bad dyad {n.value!r}", "'IRN-ARM' (both directions) or 'IRN>ARM' (IRN as source)") from None
    _actor(d.a, n, case)
    _actor(d.b, n, case)
    return d


def dyad_or_number(n: Node, case: Case) -> Dyad | float | str:
    if isinstance(n.value, int | float) and not isinstance(n.value, bool):
        return float(n.value)
    if str(n.value).strip().lower() in ("base", "base rate", "world"):
        return "base"
    return dyad(n, case)


def dyads(n: Node, case: Case) -> list[Dyad]:
    if isinstance(n.value, str):
        return [dyad(n, case)]
    if not isinstance(n.value, list) or not n.value:
        raise n.fail("expected a list of dyads", "[IRN-ARM, IRN-AZE]")
    return [dyad(x, case) for x in n.value]


def actor(n: Node, case: Case) -> str:
    return _actor(n.value, n, case)


def actors(n: Node, case: Case) -> list[str]:
    if not isinstance(n.value, list) or len(n.value) < 2:
        raise n.fail("expected a list of at least two actors", "[ARM, AZE, IRN]")
    return [_actor(x.value, x, case) for x in n.value]


def period(n: Node, case: Case) -> str:
    p = str(n.value)
    if p not in case.periods:
        raise n.fail(f"unknown period {p!r}", "one of the case's periods: " + ", ".join(case.periods))
    return p


def periods(n: Node, case: Case) -> list[str]:
    if n.value == "all":
        return list(case.periods)
    if isinstance(n.value, str):
        return [period(n, case)]
    if not isinstance(n.value, list) or not n.value:
        raise n.fail("expected a list of period names or 'all'", "[pre-war, post-war] or all")
    return [period(x, case) for x in n.value]


def a_date(n: Node, case: Case) -> date:
    return as_date(n, allow_none=False)


def partition(n: Node, case: Case) -> list[list[str]]:
    shape = "[[AZE, TUR], [ARM, IRN]] (two or more groups of actors)"
    if not isinstance(n.value, list) or len(n.value) < 2:
        raise n.fail("expected at least two groups", shape)
    groups = []
    for g in n.value:
        if not isinstance(g.value, list) or not g.value:
            raise g.fail("each group must be a non-empty list of actors", shape)
        groups.append([_actor(x.value, x, case) for x in g.value])
    flat = [a for g in groups for a in g]
    if len(flat) != len(set(flat)):
        raise n.fail("an actor appears in two groups", shape)
    return groups


def number(n: Node, case: Case) -> float:
    if isinstance(n.value, bool) or not isinstance(n.value, int | float):
        raise n.fail(f"{n.value!r} is not a number", "a number")
    return float(n.value)


def integer(n: Node, case: Case) -> int:
    if isinstance(n.value, bool) or not isinstance(n.value, int) or n.value < 0:
        raise n.fail(f"{n.value!r} is not a non-negative integer", "an integer >= 0")
    return int(n.value)


def choice(*options: str) -> Callable[[Node, Case], str]:
    def parse(n: Node, case: Case) -> str:
        v = str(n.value)
        if v not in options:
            raise n.fail(f"{v!r} is not allowed", "one of " + ", ".join(options))
        return v

    return parse


measure = choice(*MEASURES)


def text(n: Node, case: Case) -> str:
    return str(n.value)


def one_of(*options: str) -> Param:
    """A choice among ``options``, the first being the default."""
    return Param(choice(*options), " | ".join(options), default=options[0])


# parameters several kinds share
MEASURE = Param(measure, " | ".join(MEASURES), default="tone")  # levels: judged by rank among similar dyads
# changes: "auto" = tone where it has room to move the claimed way, intensity where tone sits at its bound (tone
# cannot fall below -1 or rise above +1); docs/claims.md, "Validation set", says how this was chosen
AUTO = "auto"
CHANGE_MEASURE = Param(choice(AUTO, *MEASURES), " | ".join((AUTO, *MEASURES)), default=AUTO)
PERIODS = Param(periods, "[period, ...] or all")
PERIOD = Param(period, "a period name", required=True)
DYAD = Param(dyad, "a dyad", required=True)
CHANGE = one_of("increase", "decrease", "none")
