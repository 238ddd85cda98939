"""Every docstring example in src/detente runs (``>>>`` blocks), so the documented API stays true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import detente

SKIP = ("detente.web", "detente.commands", "detente.__main__")  # import the server/CLI stacks; tested elsewhere


def _modules_with_examples() -> list[str]:
    names = ["detente"]
    for info in pkgutil.walk_packages(detente.__path__, "detente."):
        if info.name.startswith(SKIP):
            continue
        spec = importlib.util.find_spec(info.name)
        if spec and spec.origin and spec.origin.endswith(".py"):
            with open(spec.origin, encoding="utf-8") as fh:
                if ">>>" in fh.read():
                    names.append(info.name)
    return sorted(set(names))


@pytest.mark.parametrize("name", _modules_with_examples())
def test_examples_run(name: str) -> None:
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert res.failed == 0, f"{name}: {res.failed} of {res.attempted} examples failed"
