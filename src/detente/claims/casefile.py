"""Case files for claims: :mod:`detente.case` (the one case model) plus compiling hypotheses into tests.

``load_case`` / ``loads_case`` return a :class:`~detente.case.Case` whose hypotheses carry their
:mod:`~detente.claims.kinds` tests; every problem is reported as ``FILE:LINE: yaml.path: problem; expected
SHAPE``, before anything is computed.
"""

from __future__ import annotations

from pathlib import Path

from detente.case import (  # noqa: F401  (re-exported: older imports use claims.casefile)
    Case,
    CaseError,
    Hypothesis,
    Node,
    Period,
    as_date,
    case_path,
    parse_yaml,
    plain,
)
from detente.case import build as _build
from detente.case import load as _load

__all__ = ["load_case", "loads_case"]


def compile_case(case: Case) -> Case:
    """Turn each hypothesis' YAML node into kind instances (``Hypothesis.tests``) and check the defaults."""
    if case.compiled:
        return case
    from detente.claims import kinds
    from detente.claims.data import MEASURES

    dn = case.node.get("defaults") if case.node is not None else None
    m = case.defaults.get("measure")
    if m is not None and m not in MEASURES:
        at = (dn.get("measure") if dn is not None else None) or dn or case.node
        raise at.fail(f"unknown measure {m!r}", " | ".join(MEASURES))
    meta = {"id", "claim", "needs", "source", "all_of", "kind", "note", "answer"}
    for h in case.hypotheses:
        hn = h.node
        hm = hn.value
        if "all_of" in hm:
            subs = hm["all_of"]
            if not isinstance(subs.value, list) or not subs.value:
                raise subs.fail("all_of must be a non-empty list", "- {kind: compare, ...}")
            extra = set(hm) - meta
            if extra:
                k = sorted(extra)[0]
                raise hm[k].fail(f"'{k}' belongs inside an all_of item", "id, claim, needs, source, all_of")
            h.tests = [kinds.build(s, case) for s in subs.value]
        else:
            h.tests = [kinds.build(hn, case, skip=meta - {"kind"})]
    case.compiled = True
    return case


def load_case(name_or_path: str | Path | Case = "south_caucasus") -> Case:
    """Load, validate and compile a case: a built-in name, a path to a YAML file, or a Case.

    Parameters
    ----------
    name_or_path : str, Path or Case
        A case shipped with detente (``south_caucasus``), a YAML file, or an already loaded Case.

    Returns
    -------
    Case
        With each hypothesis' tests built (``Hypothesis.tests``).

    Raises
    ------
    CaseError
        ``FILE:LINE: yaml.path: problem; expected SHAPE`` for the first problem found.

    Examples
    --------
    >>> case = load_case("south_caucasus")
    >>> case.name, len(case.hypotheses), case.hypotheses[0].id
    ('south_caucasus', 13, 'C1')
    """
    return compile_case(_load(name_or_path))


def loads_case(text: str, file: str = "<case>") -> Case:
    """Load and compile a case from YAML text.

    Parameters
    ----------
    text : str
        The case file's YAML.
    file : str
        The name problems are reported under.

    Returns
    -------
    Case

    Examples
    --------
    >>> yaml = '''
    ... name: demo
    ... actors: [ARM, AZE]
    ... periods:
    ...   war: {start: 2020-09-27, end: 2020-11-10}
    ... hypotheses:
    ...   - {id: H1, claim: they fought, kind: presence, dyad: ARM-AZE, polarity: conflictual, periods: [war]}
    ... '''
    >>> case = loads_case(yaml, "demo.yaml")
    >>> case.name, [h.id for h in case.hypotheses], type(case.hypotheses[0].tests[0]).__name__
    ('demo', ['H1'], 'Presence')

    A problem names the file, line and YAML path:

    >>> loads_case(yaml.replace("conflictual", "conflict"), "demo.yaml")
    Traceback (most recent call last):
    ...
    detente.case.CaseError: demo.yaml:7: hypotheses[0].polarity: 'conflict' is not allowed; expected one of cooperative, conflictual, any
    """
    return compile_case(_build(parse_yaml(text, file), file))
