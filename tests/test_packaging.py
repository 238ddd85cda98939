"""Packaging facts a user relies on: every runtime dependency is imported by src, every third-party import of src
is a declared dependency, and the files a published package needs are there."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "detente"
# distribution name -> the module name src imports
MODULE = {"ibis-framework": "ibis", "pyyaml": "yaml", "pillow": "PIL"}
STDLIB_LIKE = {"detente", "__future__"}
# imported only behind an extra or as part of another dependency's public API
PROVIDED = {"starlette": "fastapi (its request/response classes)", "pydantic": "fastapi (its models)"}


def _deps(extras: bool = False) -> dict[str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(meta["dependencies"])
    if extras:
        specs += [s for name, group in meta["optional-dependencies"].items() if name != "test" for s in group]
    out = {}
    for spec in specs:
        name = re.split(r"[\[<>=!~ ]", spec, maxsplit=1)[0].lower()
        out[name] = MODULE.get(name, name.replace("-", "_"))
    return out


def _imported() -> set[str]:
    """The top-level modules src imports, read from its syntax trees (a docstring line that begins with
    "from the ..." is prose, not an import)."""
    mods = set()
    for py in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(py.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                mods.add(node.module.split(".")[0])
    return mods


def test_every_runtime_dependency_is_imported_by_src():
    imported = _imported()
    unused = {dist for dist, mod in _deps().items() if mod not in imported}
    assert unused == set(), f"declared but never imported by src: {sorted(unused)}"


def test_every_third_party_import_is_declared():
    import sys

    declared = set(_deps(extras=True).values())  # optional imports are declared in an extra
    third = {m for m in _imported() if m not in sys.stdlib_module_names and m not in STDLIB_LIKE | set(PROVIDED)}
    assert third - declared == set(), f"imported by src but not declared: {sorted(third - declared)}"


def test_package_files_present():
    for name in ("LICENSE", "CITATION.cff", "CHANGELOG.md", "docs/dependencies.md", "src/detente/py.typed"):
        assert (ROOT / name).is_file(), name
    deps = (ROOT / "docs" / "dependencies.md").read_text()
    for dist in _deps():
        assert dist.split("[")[0] in deps, f"{dist} missing from docs/dependencies.md"


def test_cli_version_matches_package():
    from typer.testing import CliRunner

    import detente
    from detente.cli import app

    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.strip() == f"detente {detente.__version__}"


def test_import_does_not_touch_matplotlib():
    """No backend switch at import: detente does not import matplotlib at all (charts are report_figures' SVG)."""
    import subprocess
    import sys

    code = ("import sys, detente, detente.relations, detente.plots, detente.views, detente.report; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr[-500:]


def test_read_command_with_store_in_missing_folder_creates_nothing(tmp_path):
    from typer.testing import CliRunner

    from detente.cli import app

    target = tmp_path / "no" / "such" / "x.duckdb"
    res = CliRunner().invoke(app, ["sources", "--store", str(target)])
    assert res.exit_code == 2 and "does not exist" in res.output
    assert not (tmp_path / "no").exists()


def test_store_from_another_schema_is_refused(tmp_path):
    """A store records its schema fingerprint; one with another (or none: built before it existed) is refused."""
    import duckdb
    import pytest

    from detente.schema import fingerprint
    from detente.store import Store, StoreError

    p = tmp_path / "s.duckdb"
    Store(p).close()
    con = duckdb.connect(str(p))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchall() == [(fingerprint(),)]
    con.execute("UPDATE meta SET value = 'abc' WHERE key = 'schema'")
    con.close()
    for ro in (False, True):
        with pytest.raises(StoreError, match=r"other tables \(schema abc, this detente reads .*detente init --force"):
            Store(p, read_only=ro)
    con = duckdb.connect(str(p))
    con.execute("DROP TABLE meta")
    con.close()
    with pytest.raises(StoreError, match="an older detente"):
        Store(p)


def test_store_from_before_the_folds_table_is_upgraded_not_refused(tmp_path):
    """A store built before ``folds`` existed reads as it is; a writable open adds the empty table and records the
    new fingerprint (its data stay: no rebuild)."""
    import duckdb

    from detente.schema import fingerprint
    from detente.store import Store

    p = tmp_path / "s.duckdb"
    Store(p).close()
    con = duckdb.connect(str(p))
    con.execute("DROP TABLE folds")
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema'", [fingerprint(without=("folds",))])
    con.close()
    with Store(p, read_only=True) as s:  # reads as it is
        assert s.con.execute("SELECT count(*) FROM events").fetchall() == [(0,)]
    Store(p).close()
    con = duckdb.connect(str(p))
    assert con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchall() == [(fingerprint(),)]
    assert con.execute("SELECT count(*) FROM folds").fetchall() == [(0,)]
    con.close()
