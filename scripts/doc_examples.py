"""Count docstring examples in src/detente: `>>>` lines, and public functions whose docstring has one.

    python scripts/doc_examples.py                      # totals
    python scripts/doc_examples.py --missing            # per module: public functions without an example
    python scripts/doc_examples.py --missing detente.periods detente.codes

A module's public functions are the functions named in its ``__all__`` (docs/api.md). A name that the module
imports from another detente module (``from detente.x import f``) is followed to the module that defines it, and
each function is counted once. A module without ``__all__`` counts every module-level ``def`` without a leading
underscore (and is listed as lacking ``__all__``). Not counted: modules with a private part in their dotted path,
and the CLI and HTTP layers (``detente.cli``, ``detente.__main__``, ``detente.commands``, ``detente.web``), whose
interface is the command line and the HTTP API, documented and tested there rather than as Python functions.
Read from the source (ast), so nothing is imported; ``__all__`` must be a literal list or tuple of strings.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "detente"
EXCLUDED = ("detente.cli", "detente.__main__", "detente.commands", "detente.web")  # CLI and HTTP layers


def excluded(name: str) -> bool:
    return any(name == e or name.startswith(e + ".") for e in EXCLUDED)


def modules() -> dict[str, Path]:
    """Dotted name -> source file of every counted module."""
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        name = ".".join(parts)
        if any(p.startswith("_") for p in parts[1:]) or excluded(name):
            continue
        out[name] = path
    return out


class Module:
    """What the ast of one module says: its functions (name -> has an example), ``__all__``, imported names."""

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        self.functions: dict[str, bool] = {}
        self.imports: dict[str, tuple[str, str]] = {}  # local name -> (module, name there)
        self.all: list[str] | None = None
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions[node.name] = ">>>" in (ast.get_docstring(node) or "")
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (base, alias.name)
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
                    try:
                        names = list(ast.literal_eval(node.value))
                    except ValueError as e:
                        raise SystemExit(f"{name}: __all__ must be a literal list of strings") from e
                    self.all = (self.all or []) + names if isinstance(node, ast.AugAssign) else names


def public(mods: dict[str, Module]) -> dict[str, list[tuple[str, str, bool]]]:
    """Exporting module -> [(defining module, function, has an example)], each function under one module."""
    seen: set[tuple[str, str]] = set()
    out: dict[str, list[tuple[str, str, bool]]] = {}

    def resolve(mod: str, name: str, depth: int = 0) -> tuple[str, str, bool] | None:
        m = mods.get(mod)
        if m is None or depth > 10:
            return None
        if name in m.functions:
            return mod, name, m.functions[name]
        if name in m.imports:
            return resolve(*m.imports[name], depth + 1)
        return None  # a class, constant, or something not from detente

    for mod, m in mods.items():
        names = m.all if m.all is not None else [f for f in m.functions if not f.startswith("_")]
        rows = out.setdefault(mod, [])
        for n in names:
            hit = resolve(mod, n)
            if hit and hit[:2] not in seen:
                seen.add(hit[:2])
                rows.append(hit)
    return out


def main(argv: list[str]) -> None:
    paths = modules()
    mods = {name: Module(name, p) for name, p in paths.items()}
    pub = public(mods)
    if argv[:1] == ["--missing"]:
        for name in argv[1:] or list(pub):
            if name not in pub:
                raise SystemExit(f"{name}: not a counted module")
            lacking = [f if d == name else f"{f} (defined in {d})" for d, f, ok in pub[name] if not ok]
            note = "" if mods[name].all is not None else " [no __all__]"
            if lacking or note or argv[1:]:
                print(f"{name}{note}: {', '.join(lacking) or '-'}")
        return
    prompts = sum(line.lstrip().startswith(">>>") for p in paths.values() for line in p.read_text().splitlines())
    funcs = [ok for rows in pub.values() for _, _, ok in rows]
    no_all = [n for n, m in mods.items() if m.all is None]
    print(f">>> lines: {prompts}; public functions: {len(funcs)}, with an example: {sum(funcs)} "
          f"({100 * sum(funcs) / max(len(funcs), 1):.1f} %); modules without __all__: {len(no_all)} of {len(mods)}")


if __name__ == "__main__":
    main(sys.argv[1:])
