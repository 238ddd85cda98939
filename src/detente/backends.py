"""Where relation expressions run: the store's DuckDB connection (default) or a local PySpark session.

``source(store, backend, dataset=..., lo=..., hi=...)`` returns a :class:`Source` holding Ibis table
expressions ``events``, ``dyad_days`` and ``run(expr) -> pandas.DataFrame``. On DuckDB the tables are the
store's own; on Spark the rows of one dataset and date range are exported once to Parquet (cached per
store file and filter) and read by a session-wide ``local[2]`` SparkSession, so the *same* Ibis expressions
run on both.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import ibis

from detente.errors import UserError

BACKENDS = ("duckdb", "spark")

__all__ = ["BACKENDS", "Source", "source"]
_SPARK: dict[str, Any] = {}
# One ibis backend per open store, on a cursor of the store's connection: ibis switches DuckDB settings
# (``python_enable_replacements``) on the connection it is given, which broke pandas-registered scans elsewhere.
_IBIS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class Source:
    """Ibis tables ``events`` and ``dyad_days`` on one backend, and ``run(expr)`` to execute an expression to pandas."""

    con: Any  # an ibis backend
    events: Any
    dyad_days: Any
    backend: str

    def run(self, expr: Any):
        return self.con.to_pandas(expr)


def spark_session():
    """One local[2] SparkSession per process (Java 17; JAVA_HOME set if missing)."""
    if "session" in _SPARK:
        return _SPARK["session"]
    if not os.environ.get("JAVA_HOME"):
        for cand in ("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-1.17.0-openjdk-amd64"):
            if Path(cand).exists():
                os.environ["JAVA_HOME"] = cand
                break
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UserError("backend 'spark' needs pyspark: pip install 'detente[spark]'") from None
    s = (
        SparkSession.builder.master("local[2]")
        .appName("detente")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", os.environ.get("DETENTE_SPARK_MEMORY", "4g"))
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    _SPARK["session"] = s
    return s


def _export(store: Any, table: str, where: str, params: list) -> str:
    """Parquet copy of ``table`` rows matching ``where``, cached by store file, size and filter."""
    st = store.path.stat() if store.path.exists() else None
    sig = f"{store.path}|{st.st_mtime_ns if st else 0}|{st.st_size if st else 0}|{table}|{where}|{params}"
    key = hashlib.sha1(sig.encode()).hexdigest()[:16]
    out = Path(tempfile.gettempdir()) / "detente-spark" / f"{table}-{key}.parquet"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        store.con.execute(f"COPY (SELECT * FROM {table} WHERE {where}) TO '{tmp}' (FORMAT parquet)", params)
        tmp.rename(out)
    return str(out)


def source(store: Any, backend: str = "duckdb", dataset: str | None = None,
           lo: date | None = None, hi: date | None = None) -> Source:
    """Ibis tables for ``store`` on ``backend``; on Spark only ``dataset`` rows in ``lo..hi`` are shipped.

    Parameters
    ----------
    store
        An open store.
    backend
        ``duckdb`` (the store's own connection) or ``spark`` (a local session; needs ``detente[spark]``).
    dataset, lo, hi
        On Spark, the dataset and inclusive date range exported for it (all rows when None); ignored on DuckDB.

    Returns
    -------
    Source
        ``events`` and ``dyad_days`` as Ibis tables, and ``run(expr)`` to execute an expression to pandas.

    Raises
    ------
    UserError
        An unknown backend, or ``spark`` without pyspark.

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> src = source(store)
    >>> ev = src.events
    >>> src.backend, src.run(ev.filter(ev.dataset == "icews").count()) == src.run(ev.count())
    ('duckdb', True)
    >>> source(store, "sqlite")
    Traceback (most recent call last):
    ...
    detente.errors.UserError: unknown backend 'sqlite'; use one of duckdb, spark
    >>> store.close()
    """
    if backend not in BACKENDS:
        raise UserError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}")
    if backend == "duckdb":
        con = _IBIS.get(store)
        if con is None:
            con = _IBIS[store] = ibis.duckdb.from_connection(store.con.cursor())
        return Source(con, con.table("events"), con.table("dyad_days"), backend)
    con = ibis.pyspark.connect(spark_session())
    where, params = ["TRUE"], []
    if dataset:
        where.append("dataset = ?")
        params.append(dataset)
    if lo:
        where.append("date >= ?")
        params.append(lo)
    if hi:
        where.append("date <= ?")
        params.append(hi)
    w = " AND ".join(where)
    tabs = {}
    for t in ("events", "dyad_days"):
        name = f"detente_{t}_{hashlib.sha1((str(store.path) + w + str(params)).encode()).hexdigest()[:8]}"
        tabs[t] = con.read_parquet(_export(store, t, w, params), table_name=name)
    return Source(con, tabs["events"], tabs["dyad_days"], backend)
