"""The case model: a region's actors, named periods, focus dyads, hypotheses, datasets and defaults.

The case YAML (``detente/cases/NAME/case.yaml`` or any path) is the only place a case's data live; every
stage (periods, relations, network, claims, views, extract, web, report) takes a :class:`Case`.

Public API::

    case = load("south_caucasus")            # or load("path/to/case.yaml")
    case = Case.from_dict({"name": "x", "actors": ["RUS", "UKR"],
                           "periods": {"war": {"start": "2022-02-24", "end": None}},
                           "hypotheses": [{"id": "H1", "claim": "...", "kind": "compare", "x": "RUS-UKR"}]})
    case.periods["war"].start, case.actor_codes, case.focus, case.bounded("war", lo, hi)

Loading validates the file's shape (actors, periods, focus, datasets) and reports every problem as
``FILE:LINE: yaml.path: problem; expected SHAPE``. Hypotheses are kept as their YAML nodes here
(``Hypothesis.node``); :func:`detente.claims.casefile.load_case` compiles them into tests, so this module
imports no later stage.

Examples
--------
>>> c = Case.from_dict({"name": "t", "actors": ["RUS", "UKR"], "periods": {"p": {"start": "2022-01-01"}}})
>>> c.actor_codes, c.periods["p"].start.isoformat(), c.periods["p"].end is None
(['RUS', 'UKR'], '2022-01-01', True)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from detente.errors import UserError

__all__ = ["Case", "CaseError", "Hypothesis", "Period", "builtin", "builtin_names", "case_path", "load", "loads"]

TOP_KEYS = ("name", "title", "description", "actors", "periods", "focus", "hypotheses", "datasets", "defaults")
ACTOR_RE = r"[A-Z0-9]{2,6}"
DYAD_RE = r"\s*([A-Za-z0-9]{2,6})\s*([->])\s*([A-Za-z0-9]{2,6})\s*"


class CaseError(UserError):
    """A malformed case file; the message names the file, line, YAML path and the expected shape."""


@dataclass(frozen=True)
class Period:
    """A named period as written in the case: ``None`` ends are the data's own edges."""

    name: str
    start: date | None  # None = from the start of the data
    end: date | None  # None = to the end of the data
    line: int | None = field(default=None, compare=False)

    def as_dict(self) -> dict:
        return {"name": self.name, "start": self.start, "end": self.end}

    def bounded(self, lo: date, hi: date) -> tuple[date, date] | None:
        """The period with open ends closed by ``lo..hi`` and clipped to it; None when they do not overlap."""
        a, b = max(self.start or lo, lo), min(self.end or hi, hi)
        return (a, b) if a <= b else None


@dataclass
class Hypothesis:
    """One hypothesis of a case: its id, the claim in words, and its YAML node (compiled into tests by
    :mod:`detente.claims`)."""

    id: str
    claim: str
    tests: list = field(default_factory=list)  # Kind instances, filled by claims.casefile.compile_case
    needs: str | None = None
    source: str | None = None
    line: int | None = None
    node: Any = None  # the YAML node (Node) the tests are compiled from

    @property
    def kind(self) -> str:
        kinds = [t.name for t in self.tests]
        if not kinds and self.node is not None:
            kinds = [str(n.value.get("kind").value) for n in _items(self.node) if n.get("kind") is not None]
        return kinds[0] if len(kinds) == 1 else "all_of(" + ", ".join(kinds) + ")"


def _items(n: Node) -> list[Node]:
    sub = n.get("all_of")
    return list(sub.value) if sub is not None and isinstance(sub.value, list) else [n]


@dataclass
class Case:
    """A case: its actors (code -> name), named periods, focus dyads, hypotheses, datasets and defaults."""

    name: str
    title: str
    actors: dict[str, str]
    periods: dict[str, Period]
    hypotheses: list[Hypothesis] = field(default_factory=list)
    datasets: list[str] | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    path: str | None = None
    focus: list[tuple[str, str]] = field(default_factory=list)  # dyads the views show first
    description: str | None = None
    node: Any = None  # the parsed YAML tree, for file:line messages of later checks
    compiled: bool = False

    @property
    def actor_codes(self) -> list[str]:
        return list(self.actors)

    @property
    def focus_actors(self) -> list[str]:
        """Actors of the focus dyads in order of first mention (the case's first four actors if none)."""
        out = list(dict.fromkeys(a for d in self.focus for a in d))
        return out or list(self.actors)[:4]

    def hypothesis(self, hid: str) -> Hypothesis:
        for h in self.hypotheses:
            if h.id == hid:
                return h
        raise UserError(f"no hypothesis {hid!r} in case {self.name}; it has {', '.join(h.id for h in self.hypotheses)}")

    def period(self, name: str) -> Period:
        if name not in self.periods:
            raise UserError(f"no period {name!r} in case {self.name}; it has {', '.join(self.periods)}")
        return self.periods[name]

    def period_list(self) -> list[tuple[str, date | None, date | None]]:
        """``(name, start, end)`` per period in file order (open ends None)."""
        return [(p.name, p.start, p.end) for p in self.periods.values()]

    def where(self, key: str | None = None) -> str:
        """``FILE:LINE`` of the case (or of a top-level key) for messages."""
        n = self.node.get(key) if self.node is not None and key else self.node
        line = n.line if n is not None else 1
        return f"{self.path or '<case>'}:{line}"

    @classmethod
    def from_dict(cls, data: dict[str, Any], file: str = "<dict>") -> Case:
        """A Case from plain Python values (the same shape as the YAML file; Period objects are accepted)."""
        if not isinstance(data, dict):
            raise CaseError(f"{file}:1: a case is a mapping with name, actors, periods; got {type(data).__name__}")
        d = dict(data)
        if isinstance(d.get("periods"), list | tuple):
            d["periods"] = {(_attr(p, "name")): {"start": _attr(p, "start"), "end": _attr(p, "end")}
                            for p in d["periods"]}
        d.setdefault("hypotheses", [])
        return build(_wrap_py(d, "", file), None if file == "<dict>" else file)

    def as_dict(self) -> dict:
        """Plain values (YAML/JSON-ready apart from dates); hypotheses as written."""
        return {"name": self.name, "title": self.title, "actors": dict(self.actors),
                "periods": {k: {"start": p.start, "end": p.end} for k, p in self.periods.items()},
                "focus": [f"{a}-{b}" for a, b in self.focus], "datasets": self.datasets,
                "defaults": dict(self.defaults),
                "hypotheses": [plain(h.node) if h.node is not None else {"id": h.id, "claim": h.claim}
                               for h in self.hypotheses]}


def _attr(p: Any, k: str) -> Any:
    return p.get(k) if isinstance(p, dict) else getattr(p, k, None)


class Node:
    """A YAML value with the file and line it came from, for error messages."""

    def __init__(self, value: Any, line: int, path: str, file: str):
        self.value, self.line, self.path, self.file = value, line, path, file

    def fail(self, problem: str, expected: str | None = None) -> CaseError:
        tail = f"; expected {expected}" if expected else ""
        return CaseError(f"{self.file}:{self.line}: {self.path or '(top)'}: {problem}{tail}")

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None


def _wrap(node: yaml.Node, path: str, file: str, loader: yaml.SafeLoader) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Node] = {}
        for k, v in node.value:
            key = str(loader.construct_object(k))
            out[key] = _wrap(v, f"{path}.{key}" if path else key, file, loader)
        return Node(out, line, path, file)
    if isinstance(node, yaml.SequenceNode):
        return Node([_wrap(v, f"{path}[{i}]", file, loader) for i, v in enumerate(node.value)], line, path, file)
    try:
        value = loader.construct_object(node)
    except ValueError:  # a timestamp-shaped scalar that is no date ("2022-02-30"): the checks name it
        value = node.value
    return Node(value, line, path, file)


def _wrap_py(v: Any, path: str, file: str) -> Node:
    """A Node tree from Python values (line 1: there is no file to point into)."""
    if isinstance(v, Node):
        return v
    if isinstance(v, dict):
        return Node({str(k): _wrap_py(x, f"{path}.{k}" if path else str(k), file) for k, x in v.items()}, 1, path,
                    file)
    if isinstance(v, list | tuple):
        return Node([_wrap_py(x, f"{path}[{i}]", file) for i, x in enumerate(v)], 1, path, file)
    return Node(v, 1, path, file)


def plain(n: Node) -> Any:
    """The Python value of a Node tree."""
    if isinstance(n.value, dict):
        return {k: plain(v) for k, v in n.value.items()}
    if isinstance(n.value, list):
        return [plain(v) for v in n.value]
    return n.value


def parse_yaml(text: str, file: str = "<case>") -> Node:
    from detente import yamlsafe

    try:  # size, alias-expansion and recursive-alias limits first (billion laughs); libyaml when present
        root = yamlsafe.compose(text, file)
    except yaml.YAMLError as e:
        mark, ctx = getattr(e, "problem_mark", None), getattr(e, "context_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        opened = f", in what opens at line {ctx.line + 1}" if ctx and mark and ctx.line != mark.line else ""
        raise CaseError(f"{where}: not valid YAML ({getattr(e, 'problem', e)}{opened}); fix the syntax there") \
            from None
    if root is None:
        raise CaseError(f"{file}:1: the case file is empty; expected a mapping with actors, periods, hypotheses")
    return _wrap(root, "", file, yaml.SafeLoader(""))


def as_date(n: Node, allow_none: bool = True) -> date | None:
    v = n.value
    if v is None or (isinstance(v, str) and v.strip().lower() in ("", "start", "end", "data start", "data end")):
        if allow_none:
            return None
        raise n.fail("a date is required here", "YYYY-MM-DD")
    if isinstance(v, date):
        return v
    if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise n.fail(f"{v!r} is not a date", "YYYY-MM-DD (or null / 'start' / 'end' for the data's own limits)")


def _req(n: Node, key: str, expected: str) -> Node:
    v = n.get(key)
    if v is None:
        raise n.fail(f"missing '{key}'", expected)
    return v


def _mapping(n: Node, expected: str) -> dict[str, Node]:
    if not isinstance(n.value, dict):
        raise n.fail(f"got {type(n.value).__name__}", expected)
    return n.value


def parse_dyad(n: Node, actors: dict[str, str]) -> tuple[str, str]:
    m = re.fullmatch(DYAD_RE, str(n.value)) if isinstance(n.value, str) else None
    if not m or m.group(1).upper() == m.group(3).upper():
        raise n.fail(f"bad dyad {n.value!r}", "'IRN-ARM' (two different actor codes)")
    a, b = m.group(1).upper(), m.group(3).upper()
    for x in (a, b):
        if x not in actors:
            raise n.fail(f"actor {x} is not among the case's actors", ", ".join(actors))
    return a, b


def build(root: Node, path: str | None = None) -> Case:
    """Validate a parsed case (actors, periods, focus, datasets, hypothesis ids) into a :class:`Case`."""
    top = _mapping(root, "a mapping with keys name, actors, periods, hypotheses")
    unknown = set(top) - set(TOP_KEYS)
    if unknown:
        k = sorted(unknown)[0]
        raise top[k].fail(f"unknown key '{k}'", "one of " + ", ".join(TOP_KEYS))
    name = str(_req(root, "name", "name: a short identifier").value)
    actors_n = _req(root, "actors", "actors: a list of codes [IRN, ARM] or a mapping CODE: name")
    if isinstance(actors_n.value, list):
        actors = {str(a.value).upper(): str(a.value).upper() for a in actors_n.value}
    elif isinstance(actors_n.value, dict):
        actors = {k.upper(): str(v.value) for k, v in actors_n.value.items()}
    else:
        raise actors_n.fail("actors must be a list or a mapping", "[IRN, ARM, AZE] or {IRN: Iran, ARM: Armenia}")
    for code in actors:
        if not re.fullmatch(ACTOR_RE, code):
            raise actors_n.fail(f"bad actor code {code!r}", "ISO3-style codes such as IRN or NKR")
    periods: dict[str, Period] = {}
    pnode = _req(root, "periods", "periods: NAME: {start: DATE, end: DATE}")
    for pname, pn in _mapping(pnode, "periods: a mapping NAME: {start: DATE, end: DATE}").items():
        pm = _mapping(pn, "{start: YYYY-MM-DD or null, end: YYYY-MM-DD or null}")
        start = as_date(pm["start"]) if "start" in pm else None
        end = as_date(pm["end"]) if "end" in pm else None
        if start and end and start > end:
            raise pn.fail(f"period {pname} starts after it ends ({start} > {end})", "start <= end")
        periods[str(pname)] = Period(str(pname), start, end, pn.line)
    if not periods:
        raise pnode.fail("no periods", "at least one period NAME: {start: ..., end: ...}")
    focus: list[tuple[str, str]] = []
    if root.get("focus") is not None:
        fn = root.get("focus")
        if not isinstance(fn.value, list):
            raise fn.fail("focus must be a list of dyads", "[IRN-ARM, IRN-AZE]")
        focus = [tuple(sorted(parse_dyad(x, actors))) for x in fn.value]  # type: ignore[misc]
    datasets = None
    if root.get("datasets") is not None:
        dn = root.get("datasets")
        if not isinstance(dn.value, list):
            raise dn.fail("datasets must be a list", "[gdelt_network, icews]")
        datasets = [str(d.value) for d in dn.value]
    defaults = plain(root.get("defaults")) if root.get("defaults") is not None else {}
    if not isinstance(defaults, dict):
        raise root.get("defaults").fail("defaults must be a mapping", "{measure: tone, bootstrap: 2000, seed: 1}")
    for key in ("bootstrap", "seed"):
        v = defaults.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < (1 if key == "bootstrap" else 0)):
            at = root.get("defaults").get(key) or root.get("defaults")
            raise at.fail(f"{key} must be a whole number", f"{key}: 2000" if key == "bootstrap" else f"{key}: 1")
    title = str(root.get("title").value) if root.get("title") is not None else name
    desc = root.get("description")
    case = Case(name, title, actors, periods, [], datasets, defaults, path, focus,
                str(desc.value) if desc is not None else None, root)
    hyps = root.get("hypotheses")
    if hyps is None:
        raise root.fail("missing 'hypotheses'", "hypotheses: a list of {id, claim, kind, ...}")
    if hyps.value is None:
        hyps.value = []
    if not isinstance(hyps.value, list):
        raise hyps.fail("hypotheses must be a list", "- {id: C1, claim: ..., kind: compare, ...}")
    seen: set[str] = set()
    for hn in hyps.value:
        hm = _mapping(hn, "a mapping {id, claim, kind, ...kind parameters} or {id, claim, all_of: [...]}")
        hid = str(_req(hn, "id", "id: C1").value)
        claim = str(_req(hn, "claim", "claim: the claim in words").value)
        if hid in seen:
            raise hn.fail(f"duplicate hypothesis id {hid!r}", "unique ids")
        seen.add(hid)
        needs, source = hm.get("needs"), hm.get("source")
        case.hypotheses.append(Hypothesis(hid, claim, [], needs.value if needs else None,
                                          source.value if source else None, hn.line, hn))
    return case


CASES_DIR = Path(str(resources.files("detente"))) / "cases"


def builtin_names() -> list[str]:
    """The names of the cases shipped in ``detente/cases``.

    Examples
    --------
    >>> builtin_names()
    ['south_caucasus']
    """
    return sorted(d.name for d in CASES_DIR.iterdir() if (d / "case.yaml").exists())


def case_path(name_or_path: str | Path) -> Path:
    """A built-in case by name (detente/cases/NAME/case.yaml) or a path to a case file.

    Parameters
    ----------
    name_or_path
        A built-in case name, a ``.yaml``/``.yml`` path, or a folder holding ``case.yaml``.

    Returns
    -------
    pathlib.Path
        The case file.

    Raises
    ------
    CaseError
        No such file or built-in case (the message lists the built-in ones).

    Examples
    --------
    >>> case_path("south_caucasus").parts[-3:]
    ('cases', 'south_caucasus', 'case.yaml')
    >>> case_path("nowhere")
    Traceback (most recent call last):
    ...
    detente.case.CaseError: no built-in case 'nowhere'; built-in cases: south_caucasus (or pass --case-file PATH)
    """
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.exists():
            raise CaseError(f"no case file at {p}; give a path to a YAML case file or a built-in case name")
        if p.is_dir():
            p = p / "case.yaml"
            if not p.exists():
                raise CaseError(f"{p.parent} is a directory without case.yaml; give the case file's path")
        return p
    f = CASES_DIR / str(name_or_path) / "case.yaml"
    if not f.exists():
        raise CaseError(f"no built-in case {name_or_path!r}; built-in cases: {', '.join(builtin_names()) or 'none'} "
                        f"(or pass --case-file PATH)")
    return f


_CACHE: dict[tuple[str, float], Case] = {}


def load(name_or_path: str | Path | Case = "south_caucasus") -> Case:
    """Load and validate a case: a built-in name (e.g. 'south_caucasus'), a path to a YAML file, or a Case.

    Parameters
    ----------
    name_or_path
        As in :func:`case_path`; a :class:`Case` is returned as is.

    Returns
    -------
    Case
        With its hypotheses as YAML nodes (:func:`detente.claims.load_case` compiles them into tests).

    Raises
    ------
    CaseError
        A missing file, or a problem in it (``FILE:LINE: path: problem; expected SHAPE``).

    Examples
    --------
    >>> case = load("south_caucasus")
    >>> case.name, case.actor_codes[:3], list(case.periods)
    ('south_caucasus', ['ARM', 'AZE', 'IRN'], ['pre-war', 'war', 'post-war', 'after'])
    >>> case.periods["war"].start.isoformat(), case.periods["war"].end.isoformat()
    ('2020-09-27', '2020-11-10')
    """
    if isinstance(name_or_path, Case):
        return name_or_path
    p = case_path(name_or_path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CaseError(f"{p}: not UTF-8 text (byte {e.start}); save the case file as UTF-8") from None
    return build(parse_yaml(text, str(p)), str(p))


def loads(text: str, file: str = "<case>") -> Case:
    """Load a case from YAML text.

    Parameters
    ----------
    text
        The case YAML.
    file
        The name shown in error messages.

    Returns
    -------
    Case

    Raises
    ------
    CaseError
        A problem in the text, with its line.

    Examples
    --------
    >>> case = loads("name: t\\nactors: [RUS, UKR]\\nperiods: {war: {start: 2022-02-24, end: null}}\\nhypotheses: []\\n")
    >>> case.actor_codes, case.periods["war"].start.isoformat(), case.periods["war"].end
    (['RUS', 'UKR'], '2022-02-24', None)
    >>> loads("name: t\\nactors: [RUS, UKR]\\nperiods: {p: {start: 2022-03-01, end: 2022-02-01}}\\n", "mine.yaml")
    Traceback (most recent call last):
    ...
    detente.case.CaseError: mine.yaml:3: periods.p: period p starts after it ends (2022-03-01 > 2022-02-01); expected start <= end
    """
    return build(parse_yaml(text, file), file)


def builtin(name: str = "south_caucasus") -> Case:
    """A built-in case, parsed once per process (read-only use: periods, actors, focus).

    Parameters
    ----------
    name
        A name from :func:`builtin_names`.

    Returns
    -------
    Case
        The same object on every call while the file is unchanged: do not modify it (use :func:`load` for a copy
        of your own).

    Examples
    --------
    >>> builtin() is builtin("south_caucasus")
    True
    >>> builtin().focus[0]
    ('ARM', 'IRN')
    """
    f = case_path(name)
    key = (str(f), f.stat().st_mtime)
    if key not in _CACHE:
        _CACHE[key] = load(f)
    return _CACHE[key]
