"""`detente cite`: detente itself, its methods and the datasets, all or some; an unknown dataset is one line."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from detente import citations
from detente.cli import app
from detente.errors import UserError


def _keys(text: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", text, re.M)


def test_one_dataset_with_methods(real_store):
    text = citations.bibtex(real_store, ["icews"])
    keys = _keys(text)
    assert keys[0] == "detente"
    assert {"goldstein1992", "signorino1999", "kunsch1989", "politis1992", "schrodt2012cameo"} <= set(keys)
    assert "boschee2015icews" in keys and len(keys) == 1 + len(citations.METHODS) + 1
    assert text.count("{") == text.count("}")  # balanced braces: a BibTeX parser reads every entry


def test_all_datasets_without_methods(real_store):
    n = len(real_store.con.execute("SELECT name FROM datasets WHERE citation IS NOT NULL").fetchall())
    keys = _keys(citations.bibtex(real_store, None, methods=False))
    assert keys[0] == "detente" and len(keys) >= 1 + n and not set(keys) & {"goldstein1992", "kunsch1989"}


def test_unknown_dataset_is_one_line(real_store):
    with pytest.raises(UserError, match=r"no dataset nope in the store; it holds .*icews"):
        citations.bibtex(real_store, ["nope"])


def test_cli(bundled_store_path):
    res = CliRunner().invoke(app, ["cite", "unvotes", "--no-methods", "--store", str(bundled_store_path)])
    assert res.exit_code == 0 and _keys(res.output)[0] == "detente" and len(_keys(res.output)) == 2
