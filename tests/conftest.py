"""Shared fixtures: the real shared data folder and the bundled store, built once per test session."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"

# Tests never touch a user's own store: commands that use the default store get this one.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="detente-tests-"))
os.environ["DETENTE_STORE"] = str(_SESSION_DIR / "bundled.duckdb")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.skip(f"shared real data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def bundled_store_path() -> Path:
    """Path of a store built from the bundled data (the same one `detente init` builds)."""
    from detente import bundle
    from detente.store import Store

    path = Path(os.environ["DETENTE_STORE"])
    bundle.ensure(Store, path, progress=False).close()
    return path


@pytest.fixture(scope="session")
def bundled_store(bundled_store_path: Path):
    """The bundled store, opened read-only for the session."""
    from detente.store import Store

    s = Store(bundled_store_path, read_only=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def net_store(tmp_path_factory: pytest.TempPathFactory):
    """The hand-made network store of tests/net_fixtures.py, read-only (one per test module)."""
    from net_fixtures import make_store

    s = make_store(tmp_path_factory.mktemp("net") / "fx.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="module")
def net_jan(net_store):
    """The signed network of ``net_store`` in January 2021 (net_fixtures.ACT over net_fixtures.JAN_SPAN)."""
    from detente import network
    from net_fixtures import ACT, JAN_SPAN

    return network.build(net_store, ACT, JAN_SPAN, case=None)


@pytest.fixture(scope="module")
def real_store(request):
    """The bundled store, or a skip when the bundled data has not been built yet."""
    from detente import bundle

    try:
        bundle.manifest()
    except FileNotFoundError as e:
        pytest.skip(f"bundled data not built yet: {e}")
    return request.getfixturevalue("bundled_store")


@pytest.fixture
def store(tmp_path: Path):
    """A fresh, empty store in a temporary directory (modules with their own fixture data override it)."""
    from detente.store import Store

    s = Store(tmp_path / "s.duckdb")
    yield s
    s.close()
