"""Count docstring examples in src/detente: `>>>` lines, and public functions whose docstring has one.

    python scripts/doc_examples.py            # totals
    python scripts/doc_examples.py --missing detente.periods detente.codes   # public functions without one

A public function is a module-level ``def`` whose name has no leading underscore, in a module whose dotted
path has no private part (web/ and commands/ are counted too; tests/test_doctests.py skips them). Read from
the source (ast), so nothing is imported.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "detente"


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p.startswith("_") for p in parts[1:]):
            continue
        out[".".join(parts)] = path
    return out


def public_functions(path: Path) -> list[tuple[str, bool]]:
    """(name, has a >>> example) for each public module-level function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(n.name, ">>>" in (ast.get_docstring(n) or "")) for n in tree.body
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and not n.name.startswith("_")]


def main(argv: list[str]) -> None:
    mods = modules()
    if argv[:1] == ["--missing"]:
        for name in argv[1:]:
            print(name, [f for f, ok in public_functions(mods[name]) if not ok])
        return
    prompts = sum(line.lstrip().startswith(">>>") for p in mods.values() for line in p.read_text().splitlines())
    funcs = [ok for p in mods.values() for _, ok in public_functions(p)]
    print(f">>> lines: {prompts}; public functions: {len(funcs)}, with an example: {sum(funcs)} "
          f"({100 * sum(funcs) / max(len(funcs), 1):.1f} %)")


if __name__ == "__main__":
    main(sys.argv[1:])
