"""Every docstring example in src/detente runs (``>>>`` blocks), and every public function has one.

The public API is what each module names in ``__all__`` (docs/api.md). The CLI and HTTP layers (``detente.cli``,
``detente.__main__``, ``detente.commands``, ``detente.web``) are tested through the command line and the HTTP API
instead, so they are skipped here. Examples that call ``detente.open(...)`` get the session store (tests/conftest.py
points ``DETENTE_STORE`` at it), built before they run.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re

import pytest

import detente

SKIP = ("detente.cli", "detente.__main__", "detente.commands", "detente.web")  # CLI/HTTP layers; tested elsewhere


def _skipped(name: str) -> bool:
    return any(name == s or name.startswith(s + ".") for s in SKIP)


def _source(name: str) -> str | None:
    spec = importlib.util.find_spec(name)
    if spec and spec.origin and spec.origin.endswith(".py"):
        with open(spec.origin, encoding="utf-8") as fh:
            return fh.read()
    return None


def _modules() -> list[str]:
    """Every module of the Python API (private dotted parts and the CLI/HTTP layers left out)."""
    names = ["detente"]
    for info in pkgutil.walk_packages(detente.__path__, "detente."):
        if _skipped(info.name) or any(p.startswith("_") for p in info.name.split(".")[1:]):
            continue
        names.append(info.name)
    return sorted(set(names))


def _modules_with_examples() -> list[str]:
    return [n for n in _modules() if ">>>" in (_source(n) or "")]


@pytest.mark.parametrize("name", _modules_with_examples())
def test_examples_run(name: str, request: pytest.FixtureRequest) -> None:
    if "detente.open(" in (_source(name) or ""):
        request.getfixturevalue("bundled_store_path")  # the store those examples read, built once per session
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert res.failed == 0, f"{name}: {res.failed} of {res.attempted} examples failed"


def _public_functions() -> dict[str, list[tuple[str, object]]]:
    """Module -> [(name, function)] for the functions its ``__all__`` names (classes and constants left out)."""
    out = {}
    for name in _modules():
        mod = importlib.import_module(name)
        names = getattr(mod, "__all__", None)
        if names is None:
            continue
        out[name] = [(n, obj) for n in names if hasattr(mod, n)
                     for obj in [getattr(mod, n)]
                     if not inspect.isclass(obj) and inspect.isroutine(inspect.unwrap(obj))]
    return out


def test_all_names_exist() -> None:
    """A name in ``__all__`` that the module does not have breaks ``from detente.x import *`` and the docs."""
    bad = [f"{name}.{n}" for name in _modules() for mod in [importlib.import_module(name)]
           for n in getattr(mod, "__all__", ()) if not hasattr(mod, n)]
    assert not bad, f"named in __all__ but not defined: {', '.join(bad)}"


def test_examples_sit_in_an_examples_section() -> None:
    """docs/api.md renders public docstrings as numpydoc: a ``>>>`` block outside an ``Examples`` section is shown as
    prose (and outputs such as ``[('a', 'b')]`` turn into broken cross-references under ``mkdocs --strict``)."""
    bad = []
    for name in _modules():
        mod = importlib.import_module(name)
        objs = [(name, mod)] + [(f"{name}.{n}", getattr(mod, n)) for n in getattr(mod, "__all__", ()) if hasattr(mod, n)]
        if len(objs) == 1:
            continue  # an internal module (empty or no __all__): not in the API reference
        for qual, obj in objs:
            if not (inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(inspect.unwrap(obj))):
                continue
            doc = inspect.getdoc(obj) or ""
            head = re.search(r"^Examples\n-{3,}$", doc, re.M)
            if ">>>" in doc and (head is None or head.start() > doc.index(">>>")):
                bad.append(qual)
    assert not bad, f"put these examples under an 'Examples' / '--------' header: {', '.join(bad)}"


def test_every_public_function_has_an_example() -> None:
    lacking = [f"{name}.{n}" for name, funcs in _public_functions().items() for n, obj in funcs
               if ">>>" not in (inspect.getdoc(obj) or "")]
    assert not lacking, f"{len(lacking)} public functions without a >>> example: {', '.join(lacking)}"


def test_every_module_has_all() -> None:
    missing = [name for name in _modules() if not hasattr(importlib.import_module(name), "__all__")]
    assert not missing, f"{len(missing)} modules without __all__ (docs/api.md): {', '.join(missing)}"
