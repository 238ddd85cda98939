"""Case files: a region's actors, named periods and hypotheses, in YAML, validated with line numbers.

Every problem is reported as ``FILE:LINE: yaml.path: problem; expected SHAPE`` so that the file can be fixed
without reading code. The hypothesis kinds and their parameters come from :mod:`detente.claims.kinds`.
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


class CaseError(UserError):
    """A malformed case file; the message names the file, line, YAML path and the expected shape."""


@dataclass(frozen=True)
class Period:
    name: str
    start: date | None  # None = from the start of the data
    end: date | None  # None = to the end of the data

    def as_dict(self) -> dict:
        return {"name": self.name, "start": self.start, "end": self.end}


@dataclass
class Hypothesis:
    id: str
    claim: str
    tests: list  # Kind instances
    needs: str | None = None
    source: str | None = None
    line: int | None = None

    @property
    def kind(self) -> str:
        kinds = [t.name for t in self.tests]
        return kinds[0] if len(kinds) == 1 else "all_of(" + ", ".join(kinds) + ")"


@dataclass
class Case:
    name: str
    title: str
    actors: dict[str, str]
    periods: dict[str, Period]
    hypotheses: list[Hypothesis] = field(default_factory=list)
    datasets: list[str] | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    path: str | None = None

    def hypothesis(self, hid: str) -> Hypothesis:
        for h in self.hypotheses:
            if h.id == hid:
                return h
        raise UserError(f"no hypothesis {hid!r} in case {self.name}; it has {', '.join(h.id for h in self.hypotheses)}")


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
    return Node(loader.construct_object(node), line, path, file)


def plain(n: Node) -> Any:
    """The Python value of a Node tree."""
    if isinstance(n.value, dict):
        return {k: plain(v) for k, v in n.value.items()}
    if isinstance(n.value, list):
        return [plain(v) for v in n.value]
    return n.value


def parse_yaml(text: str, file: str = "<case>") -> Node:
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when present
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


def build_case(root: Node, path: str | None = None) -> Case:
    from detente.claims import kinds

    top = _mapping(root, "a mapping with keys name, actors, periods, hypotheses")
    unknown = set(top) - {"name", "title", "description", "actors", "periods", "hypotheses", "datasets", "defaults"}
    if unknown:
        k = sorted(unknown)[0]
        raise top[k].fail(f"unknown key '{k}'", "one of name, title, description, actors, periods, hypotheses, "
                                                 "datasets, defaults")
    name = str(_req(root, "name", "name: a short identifier").value)
    actors_n = _req(root, "actors", "actors: a list of codes [IRN, ARM] or a mapping CODE: name")
    if isinstance(actors_n.value, list):
        actors = {str(a.value).upper(): str(a.value).upper() for a in actors_n.value}
    elif isinstance(actors_n.value, dict):
        actors = {k.upper(): str(v.value) for k, v in actors_n.value.items()}
    else:
        raise actors_n.fail("actors must be a list or a mapping", "[IRN, ARM, AZE] or {IRN: Iran, ARM: Armenia}")
    for code in actors:
        if not re.fullmatch(r"[A-Z0-9]{2,6}", code):
            raise actors_n.fail(f"bad actor code {code!r}", "ISO3-style codes such as IRN or NKR")
    periods: dict[str, Period] = {}
    for pname, pn in _mapping(_req(root, "periods", "periods: NAME: {start: DATE, end: DATE}"),
                              "periods: a mapping NAME: {start: DATE, end: DATE}").items():
        pm = _mapping(pn, "{start: YYYY-MM-DD or null, end: YYYY-MM-DD or null}")
        start = as_date(pm["start"]) if "start" in pm else None
        end = as_date(pm["end"]) if "end" in pm else None
        if start and end and start > end:
            raise pn.fail(f"period {pname} starts after it ends ({start} > {end})", "start <= end")
        periods[str(pname)] = Period(str(pname), start, end)
    if not periods:
        raise root.fail("no periods", "at least one period NAME: {start: ..., end: ...}")
    datasets = None
    if root.get("datasets") is not None:
        dn = root.get("datasets")
        if not isinstance(dn.value, list):
            raise dn.fail("datasets must be a list", "[gdelt_network, icews]")
        datasets = [str(d.value) for d in dn.value]
    defaults = plain(root.get("defaults")) if root.get("defaults") is not None else {}
    if not isinstance(defaults, dict):
        raise root.get("defaults").fail("defaults must be a mapping", "{measure: net, bootstrap: 2000, seed: 1}")
    _check_defaults(root.get("defaults"), defaults)
    title = str(root.get("title").value) if root.get("title") is not None else name
    case = Case(name, title, actors, periods, [], datasets, defaults, path)
    hyps = _req(root, "hypotheses", "hypotheses: a list of {id, claim, kind, ...}")
    if not isinstance(hyps.value, list):
        raise hyps.fail("hypotheses must be a list", "- {id: C1, claim: ..., kind: compare, ...}")
    seen: set[str] = set()
    for hn in hyps.value:
        h = _hypothesis(hn, case, kinds)
        if h.id in seen:
            raise hn.fail(f"duplicate hypothesis id {h.id!r}", "unique ids")
        seen.add(h.id)
        case.hypotheses.append(h)
    return case


def _hypothesis(hn: Node, case: Case, kinds) -> Hypothesis:
    hm = _mapping(hn, "a mapping {id, claim, kind, ...kind parameters} or {id, claim, all_of: [...]}")
    hid = str(_req(hn, "id", "id: C1").value)
    claim = str(_req(hn, "claim", "claim: the claim in words").value)
    meta = {"id", "claim", "needs", "source", "all_of", "kind", "note"}
    if "all_of" in hm:
        subs = hm["all_of"]
        if not isinstance(subs.value, list) or not subs.value:
            raise subs.fail("all_of must be a non-empty list", "- {kind: compare, ...}")
        extra = set(hm) - meta
        if extra:
            k = sorted(extra)[0]
            raise hm[k].fail(f"'{k}' belongs inside an all_of item", "id, claim, needs, source, all_of")
        tests = [kinds.build(s, case) for s in subs.value]
    else:
        tests = [kinds.build(hn, case, skip=meta - {"kind"})]
    needs = hm.get("needs")
    source = hm.get("source")
    return Hypothesis(hid, claim, tests, needs.value if needs else None, source.value if source else None, hn.line)


def case_path(name_or_path: str | Path) -> Path:
    """A built-in case by name (detente/cases/NAME/case.yaml) or a path to a case file."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.exists():
            raise CaseError(f"no case file at {p}; give a path to a YAML case file or a built-in case name")
        return p
    base = Path(str(resources.files("detente"))) / "cases"
    f = base / str(name_or_path) / "case.yaml"
    if not f.exists():
        names = sorted(d.name for d in base.iterdir() if (d / "case.yaml").exists())
        raise CaseError(f"no built-in case {name_or_path!r}; built-in cases: {', '.join(names) or 'none'} "
                        f"(or pass --case-file PATH)")
    return f


def _check_defaults(node: Node | None, defaults: dict) -> None:
    """The case-wide defaults a kind falls back on are checked here, where the file's line is known."""
    from detente.claims.data import MEASURES

    where = node.value if node is not None and isinstance(node.value, dict) else {}
    if "measure" in defaults and defaults["measure"] not in MEASURES:
        raise where.get("measure", node).fail(f"unknown measure {defaults['measure']!r}", " | ".join(MEASURES))
    for key in ("bootstrap", "seed"):
        v = defaults.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < (1 if key == "bootstrap" else 0)):
            raise where.get(key, node).fail(f"{key} must be a whole number", f"{key}: 2000" if key == "bootstrap"
                                            else f"{key}: 1")


def load_case(name_or_path: str | Path = "south_caucasus") -> Case:
    """Load and validate a case: a built-in name (e.g. 'south_caucasus') or a path to a YAML file."""
    p = case_path(name_or_path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CaseError(f"{p}: not UTF-8 text (byte {e.start}); save the case file as UTF-8") from None
    return build_case(parse_yaml(text, str(p)), str(p))


def loads_case(text: str, file: str = "<case>") -> Case:
    """Load a case from YAML text."""
    return build_case(parse_yaml(text, file), file)
