"""YAML from users (case files, scenarios) through limits: size, alias expansion, recursive aliases.

PyYAML's safe loaders still expand aliases: a 5 KB "billion laughs" document (nine levels of ten
aliases) means 10^9 nodes for any code that walks the composed graph, and an alias inside its own
anchor makes a cycle that a walker follows until the stack overflows. ``check`` reads the event
stream once (libyaml when present, no node is built) and refuses, with one line naming the limit:

- a document over ``DETENTE_MAX_YAML`` bytes (default 4 MB);
- aliases that together expand to more than ``DETENTE_MAX_YAML_ALIASES`` nodes (default 1000);
- an alias to an anchor still open (a recursive alias).

``safe_load`` and ``compose`` are ``yaml.safe_load`` / ``yaml.compose`` after ``check``.

Internal: the YAML reader under :mod:`detente.case` and :mod:`detente.simulate`; not part of the Python API (load a
case with :func:`detente.case.load`).

>>> safe_load("a: &x [1, 2]\\nb: *x")
{'a': [1, 2], 'b': [1, 2]}
>>> safe_load("a: &x [*x]")
Traceback (most recent call last):
...
detente.limits.LimitError: <yaml>:1: the alias *x is inside its own anchor &x (a recursive alias); YAML from users may not be recursive: write the value out
"""

from __future__ import annotations

from typing import Any

import yaml

from detente import limits

__all__: list[str] = []

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check(text: str, file: str = "<yaml>") -> None:
    """Raise ``limits.LimitError`` when ``text`` is too big, expands too much through aliases, or is recursive."""
    cap = limits.get("DETENTE_MAX_YAML")
    size = len(text.encode("utf-8", "replace")) if len(text) * 4 > cap else len(text)
    if size > cap:
        raise limits.error(f"{file}: the YAML is {limits.human(size)}", "DETENTE_MAX_YAML",
                           limits.human(cap).replace(" ", ""))
    if "*" not in text:
        return  # no alias at all: nothing to expand
    max_nodes = limits.get("DETENTE_MAX_YAML_ALIASES")
    sizes: dict[str, int] = {}  # anchor -> nodes under it, aliases expanded
    stack: list[list[Any]] = []  # open collections: [anchor, nodes so far]
    expanded = 0
    try:
        for ev in yaml.parse(text, Loader=_LOADER):
            if isinstance(ev, yaml.AliasEvent):
                if any(anchor == ev.anchor for anchor, _ in stack):
                    line = ev.start_mark.line + 1 if ev.start_mark else "?"
                    raise limits.LimitError(
                        f"{file}:{line}: the alias *{ev.anchor} is inside its own anchor &{ev.anchor} (a recursive "
                        "alias); YAML from users may not be recursive: write the value out")
                n = sizes.get(ev.anchor, 1)
                expanded += n
                if expanded > max_nodes:
                    line = ev.start_mark.line + 1 if ev.start_mark else "?"
                    raise limits.error(f"{file}:{line}: aliases expand to more than {max_nodes:g} nodes (a billion "
                                       "laughs?)", "DETENTE_MAX_YAML_ALIASES", f"{max_nodes:g}")
                if stack:
                    stack[-1][1] += n
            elif isinstance(ev, yaml.ScalarEvent):
                if ev.anchor:
                    sizes[ev.anchor] = 1
                if stack:
                    stack[-1][1] += 1
            elif isinstance(ev, yaml.SequenceStartEvent | yaml.MappingStartEvent):
                stack.append([ev.anchor, 1])
            elif isinstance(ev, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                anchor, n = stack.pop()
                if anchor:
                    sizes[anchor] = n
                if stack:
                    stack[-1][1] += n
    except yaml.YAMLError:
        return  # the real loader reports syntax errors with its own position


def safe_load(text: str, file: str = "<yaml>") -> Any:
    """``yaml.safe_load`` (libyaml when present) after the limits of ``check``."""
    check(text, file)
    return yaml.load(text, Loader=_LOADER)


def compose(text: str, file: str = "<yaml>", loader: type | None = None) -> yaml.Node | None:
    """``yaml.compose`` (libyaml when present) after the limits of ``check``."""
    check(text, file)
    return yaml.compose(text, Loader=loader or _LOADER)
