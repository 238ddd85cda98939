"""Computed report sections cached in the store itself (table ``report_cache``), so a repeated ``detente report``
only renders.

The key is the store's content checksum (every ingested file's SHA-256 and row count, every dataset's version
and coverage: an ingest or a removal changes it), the case's hash (its file's bytes, or the analyst's text), a
hash of detente's own code and the report's parameters. A stale entry is never read: a changed store, case,
code or parameter is a different key. Writing needs the store writable; when another process holds it (a
running server, an ingest) the report is simply not cached, and says so.

Internal: the cache of the `detente report` command (commands/report.py); not part of the Python API (a
Python user calls :func:`detente.report.build` and :func:`detente.report.write`, which never write to the store).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__: list[str] = []  # internal: see the module docstring

TABLE = "report_cache"
KEEP = 16  # entries kept per store (the newest)
DDL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (key VARCHAR PRIMARY KEY, store_checksum VARCHAR, case_hash VARCHAR, "
       "created TIMESTAMP DEFAULT current_timestamp, seconds DOUBLE, payload VARCHAR)")
_CODE: list[str] = []


def store_checksum(store: Any) -> str:
    """SHA-256 over what the store holds: its files (SHA-256, rows stored) and datasets (version, coverage)."""
    con = store.con
    files = con.execute("SELECT coalesce(string_agg(sha256 || ':' || coalesce(rows_stored, 0)::VARCHAR, ','"
                        " ORDER BY sha256), '') FROM files").fetchone()[0]
    sets = con.execute("SELECT coalesce(string_agg(name || '|' || coalesce(version, '') || '|' || "
                       "coalesce(coverage_start::VARCHAR, '') || '|' || coalesce(coverage_end::VARCHAR, ''), ','"
                       " ORDER BY name), '') FROM datasets").fetchone()[0]
    return hashlib.sha256(f"{files}\n{sets}".encode()).hexdigest()


def code_hash() -> str:
    """SHA-256 of detente's own sources (code, templates, case files): new code never reads old sections."""
    if not _CODE:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for f in sorted(root.rglob("*")):
            if f.suffix in (".py", ".html", ".css", ".yaml", ".tsv") and "bundle" not in f.parts:
                h.update(str(f.relative_to(root)).encode())
                h.update(f.read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def case_hash(case: Any, text: str | None = None) -> str:
    """The case's identity: the analyst's text, else its case file's bytes, else its name."""
    if text is not None:
        return "text:" + hashlib.sha256(text.encode()).hexdigest()
    path = getattr(case, "path", None) or (case if isinstance(case, str | Path) else None)
    p = Path(str(path)) if path else None
    if p is not None and not p.is_file():
        p = case_file(str(case))
    if p is not None and p.is_file():
        return "file:" + hashlib.sha256(p.read_bytes()).hexdigest()
    return "name:" + str(getattr(case, "name", case))


def case_file(name: str) -> Path | None:
    """The YAML file of a built-in case (without loading it), or None."""
    p = Path(__file__).resolve().parent / "cases" / name / "case.yaml"
    return p if p.is_file() else None


def key(store: Any, case: Any, text: str | None, params: dict) -> dict:
    parts = {"store": store_checksum(store), "case": case_hash(case, text), "code": code_hash(),
             "params": json.dumps(params, sort_keys=True, default=str)}
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


def get(store: Any, k: dict) -> dict | None:
    """The cached report data for key ``k`` (read-only), or None."""
    con = store.con
    if not con.execute("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [TABLE]).fetchone():
        return None
    row = con.execute(f"SELECT payload FROM {TABLE} WHERE key = ?", [k["key"]]).fetchone()
    return json.loads(row[0]) if row else None


def put(path: str | Path, k: dict, data: dict, seconds: float) -> str:
    """Store ``data`` under ``k`` in the store at ``path`` (opened writable for this only); returns what
    happened, never raises for a busy or read-only store."""
    import duckdb

    try:
        con = duckdb.connect(str(path))
    except (duckdb.Error, OSError) as e:
        return f"not cached (the store is busy or read-only: {str(e).splitlines()[0][:120]})"
    try:
        con.execute("BEGIN")
        con.execute(DDL)
        con.execute(f"DELETE FROM {TABLE} WHERE key = ? OR store_checksum <> ?", [k["key"], k["store"]])
        con.execute(f"INSERT INTO {TABLE} (key, store_checksum, case_hash, seconds, payload) VALUES (?, ?, ?, ?, ?)",
                    [k["key"], k["store"], k["case"], seconds, json.dumps(data, ensure_ascii=False)])
        con.execute(f"DELETE FROM {TABLE} WHERE key NOT IN (SELECT key FROM {TABLE} ORDER BY created DESC "
                    f"LIMIT {KEEP})")
        con.execute("COMMIT")
        return "cached in the store"
    except duckdb.Error as e:
        con.execute("ROLLBACK")
        return f"not cached ({str(e).splitlines()[0][:120]})"
    finally:
        con.close()
