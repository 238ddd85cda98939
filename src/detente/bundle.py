"""The bundled real data: Parquet tables shipped in the package, loaded into a store on first use.

``scripts/build_bundle.py`` builds the bundle from ``../shared/data`` with the ordinary readers (so
every row went through the same resolution, validation and dedup as a user's ingest) and writes
one Parquet file per table plus ``MANIFEST.json`` (row counts, checksums, how it was built).

The Python API is :func:`detente.open`, which builds a store from the bundle when needed (``ensure`` and
``load_into`` are its internals), and :func:`manifest`, which says what the bundle holds.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from detente.schema import TABLES

BUNDLE_DIR = Path(str(resources.files("detente") / "cases" / "south_caucasus" / "bundle"))
BUNDLED_TABLES = ("datasets", "files", "events", "dyad_days", "signals", "quarantine")

__all__ = ["BUNDLED_TABLES", "manifest"]


def manifest() -> dict:
    """What the bundled data holds: ``MANIFEST.json`` as a dict.

    Returns
    -------
    dict
        ``built`` (UTC time), ``command`` (how it was built), ``inputs`` (the files read, with their reader),
        ``rows`` and ``sha256`` (per table of :data:`BUNDLED_TABLES`).

    Raises
    ------
    FileNotFoundError
        A source checkout whose bundle has not been built (``python scripts/build_bundle.py``).

    Examples
    --------
    >>> man = manifest()
    >>> man["command"], man["rows"]["datasets"]
    ('python scripts/build_bundle.py', 10)

    A store built from the bundle holds exactly its rows:

    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> store.con.execute("SELECT count(*) FROM events").fetchone()[0] == man["rows"]["events"]
    True
    >>> store.close()
    """
    path = BUNDLE_DIR / "MANIFEST.json"
    if not path.exists():
        raise FileNotFoundError(
            f"no bundled data at {BUNDLE_DIR}; run `python scripts/build_bundle.py` from a source checkout"
        )
    return json.loads(path.read_text())


def load_into(store: Any, progress: bool = True) -> dict[str, int]:
    """Copy every bundled table into ``store`` (one transaction); returns rows loaded per table."""
    man = manifest()
    counts: dict[str, int] = {}
    con = store.con
    bar = _progress(progress)
    task = bar.add_task("building the store from the bundled data", total=sum(man["rows"].values())) if bar else None
    con.execute("BEGIN TRANSACTION")
    try:
        for table in BUNDLED_TABLES:
            f = BUNDLE_DIR / f"{table}.parquet"
            if not f.exists():
                continue
            cols = ", ".join(TABLES[table].names)
            con.execute(f"INSERT INTO {table} SELECT {cols} FROM read_parquet(?)", [str(f)])
            counts[table] = man["rows"].get(table, 0)
            if bar:
                bar.advance(task, counts[table])
        for table, n in man["rows"].items():
            got = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            if got < n:
                raise RuntimeError(f"bundle table {table}: loaded {got} rows, manifest says {n}; reinstall detente")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        if bar:
            bar.stop()
    return counts


def _progress(enabled: bool):
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    p = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                 console=Console(stderr=True), transient=True)
    p.start()
    return p


def ensure(store_cls: Any, path: Path | None, read_only: bool = False, build: bool = True, progress: bool = True):
    """Open the store at ``path``; build it from the bundle first if it does not exist or is empty."""
    from detente.store import default_path

    path = Path(path) if path is not None else default_path()
    if build and (not path.exists() or _empty(store_cls, path)):
        s = store_cls(path)
        try:
            if s.is_empty():
                load_into(s, progress=progress)
        finally:
            s.close()
    return store_cls(path, read_only=read_only)


def _empty(store_cls: Any, path: Path) -> bool:
    s = store_cls(path, read_only=True)
    try:
        return s.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'datasets'"
        ).fetchone()[0] == 0 or s.is_empty()
    finally:
        s.close()
