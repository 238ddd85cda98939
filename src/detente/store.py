"""The DuckDB warehouse: open it, ingest files into it (transactional, idempotent), list and cite sources.

Every reader stages rows into temporary tables; ``ingest_file`` then resolves actors, fills CAMEO
attributes, quarantines invalid rows, folds duplicate reports and commits, all in one transaction
per file. A failure (or a SIGKILL) leaves the store as it was before that file.
"""

from __future__ import annotations

import hashlib
import os
import re
import select
import stat
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from detente import actors, cameo, limits, sources
from detente.schema import ADDED_TABLES, EVENTS, TABLES, checks, ddl
from detente.sources.base import StageContext

ENV_VAR = "DETENTE_STORE"
MEMORY_VAR = "DETENTE_INGEST_MEMORY"  # DuckDB memory limit while ingesting (e.g. "4GB")
# Default limit. Fixed, so peak memory is flat as files grow (1.06 / 1.30 GB for 2.1M / 8.4M GDELT rows);
# more buys speed on big files only (8.4M rows: 37 s at 1 GB, 27 s at 6 GB; 2.1M rows: no difference).
DEFAULT_INGEST_MEMORY = "1GB"
STAGED = ("events", "dyad_days", "signals", "quarantine")

__all__ = ["ENV_VAR", "IngestSummary", "Store", "StoreError", "default_path"]
Step = Callable[[str, int, int], None]  # (what is happening, files done, files in all)


class StoreError(RuntimeError):
    """A one-line problem with the store or an input, saying what to do next."""


def default_path() -> Path:
    """``$DETENTE_STORE`` if set, else ``detente.duckdb`` in the user data directory.

    Returns
    -------
    pathlib.Path
        Where :func:`detente.open` and the CLI look for the store when none is given.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"DETENTE_STORE": "/data/mine.duckdb"}):
    ...     default_path().as_posix()
    '/data/mine.duckdb'
    >>> with mock.patch.dict(os.environ, {"DETENTE_STORE": ""}):
    ...     default_path().name
    'detente.duckdb'
    """
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("detente")) / "detente.duckdb"


@dataclass
class IngestSummary:
    """Row accounting of one ingested file: read = stored + quarantined + duplicate (``balanced``); ``skipped``
    when the file was ingested before."""

    file: str
    dataset: str
    format: str
    rows_read: int = 0
    rows_stored: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    skipped: bool = False  # already ingested (same checksum)

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_stored + self.rows_quarantined + self.rows_duplicate

    def as_dict(self) -> dict:
        return asdict(self)


def ingest_memory() -> str:
    """The DuckDB memory limit while ingesting: ``$DETENTE_INGEST_MEMORY``, else 1 GB.

    A fixed bound: staged rows beyond it spill to disk, so peak memory stays flat as files grow.
    """
    value = os.environ.get(MEMORY_VAR, "").strip() or DEFAULT_INGEST_MEMORY
    if not re.fullmatch(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value, re.IGNORECASE):
        raise StoreError(f"{MEMORY_VAR}={value!r} is not a memory size; set it like 512MB or 2GB, or unset it")
    return value


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _Checksum:
    """``sha256(path)`` in a background thread (hashlib and file reads release the GIL)."""

    def __init__(self, path: Path):
        self._out: list = []
        self._thread = threading.Thread(target=self._run, args=(path,), name="detente-sha256", daemon=True)
        self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            self._out.append(sha256(path))
        except BaseException as e:  # re-raised by result()
            self._out.append(e)

    def result(self) -> str:
        self._thread.join()
        if isinstance(self._out[0], BaseException):
            raise self._out[0]
        return self._out[0]


class Store:
    """A DuckDB file holding every table of ``detente.schema``.

    ``Store(path)`` opens (or creates) the store at ``path`` (default :func:`default_path`); ``read_only=True``
    never creates anything and lets several processes read one store. Most users call :func:`detente.open`,
    which also builds the store from the bundled data when it is missing.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "empty.duckdb")
    >>> with Store(path) as store:
    ...     store.is_empty(), store.sources()
    (True, [])
    >>> Store(os.path.join(tempfile.mkdtemp(), "missing.duckdb"), read_only=True)
    Traceback (most recent call last):
    ...
    detente.store.StoreError: no store at ...missing.duckdb; run `detente init` to build it from the bundled data
    """

    def __init__(self, path: Path | str | None = None, read_only: bool = False):
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        self._first_day = None  # the dataset being ingested: its first possible day (schema.checks)
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; run `detente init` to build it from the bundled data")
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as e:
            raise StoreError(f"cannot open store {self.path}: {str(e).splitlines()[0]}") from e
        try:  # a library must not draw on the terminal; in Jupyter without ipywidgets DuckDB refuses the SET
            self.con.execute("SET enable_progress_bar = false")
        except duckdb.Error:
            pass
        try:
            self._check_schema()
        except StoreError:
            self.con.close()
            raise
        if not read_only:
            self._create()

    # -- lifecycle -------------------------------------------------------------------------
    def _check_schema(self) -> None:
        """Refuse a store whose tables were declared by another detente (``meta.schema`` differs)."""
        from detente.schema import fingerprint

        names = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()}
        if "events" not in names:
            return  # a new, empty store: _create writes the tables and the fingerprint
        have = (self.con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchall() if "meta" in names
                else [])
        built = (self.con.execute("SELECT value FROM meta WHERE key = 'detente_version'").fetchall()
                 if "meta" in names else [])
        if have and have[0][0] == fingerprint(without=ADDED_TABLES) and have[0][0] != fingerprint():
            # built before the folds table: it reads the same; a writable open adds the (empty) table, so removing a
            # file ingested from now on is exact (files ingested before keep their folded report counts)
            if not self.read_only:
                for name in ADDED_TABLES:
                    self.con.execute(ddl(TABLES[name]))
                self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema'", [fingerprint()])
            return
        if not have or have[0][0] != fingerprint():
            who = f"detente {built[0][0]}" if built else "an older detente"
            raise StoreError(
                f"store {self.path} was built by {who} with other tables (schema {have[0][0] if have else 'none'},"
                f" this detente reads {fingerprint()}); rebuild it with `detente init --force --store {self.path}`"
                " and re-ingest your own files")

    def _create(self) -> None:
        from detente import __version__
        from detente.schema import fingerprint

        for t in TABLES.values():
            self.con.execute(ddl(t))
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?), ('detente_version', ?)",
                         [fingerprint(), __version__])
        self.con.execute(
            "CREATE TABLE IF NOT EXISTS cameo (code VARCHAR PRIMARY KEY, name VARCHAR, root VARCHAR, "
            "quad_class TINYINT, goldstein DOUBLE, plover_type VARCHAR)"
        )
        if self.con.execute("SELECT count(*) FROM cameo").fetchall()[0][0] == 0:
            rows = cameo.reference_rows()
            ref = pa.table({  # one INSERT: executemany costs one statement per code (seconds)
                "code": pa.array([r["code"] for r in rows], pa.string()),
                "name": pa.array([r["name"] for r in rows], pa.string()),
                "root": pa.array([r["root"] for r in rows], pa.string()),
                "quad_class": pa.array([r["quad_class"] for r in rows], pa.int8()),
                "goldstein": pa.array([r["goldstein"] for r in rows], pa.float64()),
                "plover_type": pa.array([r["plover_type"] for r in rows], pa.string()),
            })
            self.con.register("_cameo_ref", ref)
            try:
                self.con.execute("INSERT INTO cameo SELECT * FROM _cameo_ref")
            finally:
                self.con.unregister("_cameo_ref")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def is_empty(self) -> bool:
        return self.con.execute("SELECT count(*) FROM datasets").fetchall()[0][0] == 0

    # -- ingest ----------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Path | str],
        fmt: str = "auto",
        dataset: str | None = None,
        on_file: Callable[[IngestSummary], None] | None = None,
        options: dict | None = None,
        on_step: Step | None = None,
        on_error: Callable[[Path, Exception], None] | None = None,
    ) -> list[IngestSummary]:
        """Ingest files (a directory: each file below it, or the whole of it for a reader that reads directories).

        ``on_file`` gets each file's summary; ``on_step(message, files_done, files_total)`` is told what is
        happening inside a file (reading, resolving actors, checking, committing), for progress bars.
        With ``on_error(path, error)`` a file that fails (its transaction rolled back) is reported there and
        the next file is read; without it the first failure is raised. A pipe, FIFO or ``/dev/stdin`` is
        read into scratch space first (``spool``).
        """
        with limits.scratch() as tmp:
            files = [f for p in paths for f in _expand(spool(Path(p), tmp), fmt)]
            out = []
            for i, f in enumerate(files):
                step = (lambda msg, i=i, f=f: on_step(f"{f.name}: {msg}", i, len(files))) if on_step else None
                try:
                    s = self.ingest_file(f, fmt, dataset, options, on_step=step)
                except (StoreError, limits.LimitError) as e:
                    if on_error is None:
                        raise
                    on_error(f, e)
                    continue
                out.append(s)
                if on_file:
                    on_file(s)
            if on_step:
                on_step("done", len(files), len(files))
        return out

    def ingest_file(
        self, path: Path, fmt: str = "auto", dataset: str | None = None, options: dict | None = None,
        on_step: Callable[[str], None] | None = None,
    ) -> IngestSummary:
        if self.read_only:
            raise StoreError(f"store {self.path} is open read-only; open it writable to ingest")
        path = Path(path)
        if not path.exists():
            raise StoreError(f"{path}: no such file; check the path")
        if path.is_file():  # a corrupt archive or an empty file: one clear line before any reader guesses
            from detente.sources.delimited import archive_problem

            if path.stat().st_size == 0:
                raise StoreError(f"{path}: the file is empty (0 bytes); nothing to ingest, check the file; the store is unchanged")
            problem = archive_problem(path)
            if problem:
                raise StoreError(f"{path}: {problem}; the store is unchanged")
        try:
            mod = sources.detect(path) if fmt == "auto" else sources.reader(fmt)
        except (ValueError, OSError) as e:
            raise StoreError(str(e).splitlines()[0] if str(e) else f"{path}: cannot read it") from e
        name = dataset or mod.DATASET.name
        self._first_day = getattr(mod.DATASET, "first_day", None)
        summary = IngestSummary(file=path.name, dataset=name, format=mod.NAME)
        # A file whose name the store has seen is checksummed first (a repeat is skipped at once);
        # a new name is checksummed in a thread while it stages, and checked before the commit.
        seen = self.con.execute("SELECT 1 FROM files WHERE file = ? LIMIT 1", [path.name]).fetchall()
        hashing = None if seen or not path.is_file() else _Checksum(path)
        checksum = "" if hashing else sha256(path) if path.is_file() else _dir_checksum(path)
        if not hashing and self.con.execute("SELECT 1 FROM files WHERE sha256 = ?", [checksum]).fetchall():
            summary.skipped = True
            return summary
        # bounded memory: staged rows beyond the limit spill to <store>.tmp, so a 10 GB file needs no 10 GB RAM
        previous = self.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        self.con.execute(f"SET memory_limit = {_sql_str(ingest_memory())}")
        self.con.execute("BEGIN TRANSACTION")
        try:
            for t in STAGED:
                self.con.execute(f"DROP TABLE IF EXISTS stage_{t}")
                self.con.execute(ddl(TABLES[t], name=f"stage_{t}", temp=True))
            step = on_step or (lambda msg: None)
            ctx = StageContext(self.con, path, name, path.name, options=dict(options or {}))
            step(f"reading ({mod.NAME})")
            summary.rows_read = int(mod.stage(ctx))
            ctx.flush_quarantine()
            step("resolving actors, checking rows, folding duplicates")
            self._finish_events(summary)
            for t in ("dyad_days", "signals"):
                self._finish_keyed(t, summary)
            summary.rows_quarantined = self._count("stage_quarantine")
            self.con.execute("INSERT INTO quarantine SELECT * FROM stage_quarantine")
            if hashing:
                checksum = hashing.result()
                if self.con.execute("SELECT 1 FROM files WHERE sha256 = ?", [checksum]).fetchall():
                    self.con.execute("ROLLBACK")  # same bytes under another name: nothing to add
                    return IngestSummary(file=path.name, dataset=name, format=mod.NAME, skipped=True)
            self._register_dataset(mod.DATASET, name)
            self.con.execute(
                "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [name, path.name, checksum, mod.NAME, summary.rows_read, summary.rows_stored,
                 summary.rows_quarantined, summary.rows_duplicate, datetime.now()],
            )
            step("committing")
            if not summary.balanced:
                raise StoreError(
                    f"{path.name}: row accounting does not balance (read {summary.rows_read}, stored "
                    f"{summary.rows_stored}, quarantined {summary.rows_quarantined}, duplicates "
                    f"{summary.rows_duplicate}); this is a reader bug, please report it"
                )
            self.con.execute("COMMIT")
        except BaseException as e:
            _quiet(self.con, "ROLLBACK")  # DuckDB may have aborted it already: never mask the real error
            if limits.terminated():
                raise limits.Terminated(143) from None
            if not isinstance(e, KeyboardInterrupt) and interrupted(e):
                raise KeyboardInterrupt from None  # Ctrl-C inside a query: DuckDB swallowed the KeyboardInterrupt
            if isinstance(e, StoreError | KeyboardInterrupt | SystemExit):
                raise
            if isinstance(e, limits.LimitError):
                raise limits.LimitError(f"{path}: {e}; the store is unchanged") from None
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise StoreError(f"{path}: could not ingest as {mod.NAME}: {first}; the store is unchanged") from e
        finally:
            for t in STAGED:
                _quiet(self.con, f"DROP TABLE IF EXISTS stage_{t}")
            _quiet(self.con, f"SET memory_limit = {_sql_str(previous)}")
        return summary

    def _count(self, table: str) -> int:
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])

    def _quarantine_invalid(self, table: str, tests: list[tuple[str, str]]) -> None:
        """Move staged rows failing a test (SQL condition TRUE for a bad row, SQL reason) to stage_quarantine."""
        if not tests:
            return
        reason = "CASE " + " ".join(f"WHEN {c} THEN {r}" for c, r in tests) + " END"
        anyfail = " OR ".join(f"coalesce({c}, false)" for c, _ in tests)
        moved = self.con.execute(
            f"INSERT INTO stage_quarantine SELECT dataset, file, line, "
            f"left(CAST(t AS VARCHAR), 2000), {reason} FROM stage_{table} t WHERE {anyfail}"
        ).fetchall()[0][0]
        if moved:
            self.con.execute(f"DELETE FROM stage_{table} WHERE {anyfail}")

    def _finish_events(self, summary: IngestSummary) -> None:
        staged = self._count("stage_events")
        if staged == 0:
            return
        self._resolve_actors()
        self.con.execute(  # only rows a reader left without CAMEO attributes
            """UPDATE stage_events s SET
                 cameo_root = coalesce(s.cameo_root, c.root),
                 quad_class = coalesce(s.quad_class, c.quad_class),
                 goldstein = coalesce(s.goldstein, c.goldstein),
                 plover_type = coalesce(s.plover_type, c.plover_type)
               FROM cameo c WHERE c.code = s.cameo_code
                 AND (s.cameo_root IS NULL OR s.quad_class IS NULL OR s.goldstein IS NULL
                      OR (s.plover_type IS NULL AND c.plover_type IS NOT NULL))"""
        )
        tests = checks(EVENTS, self._first_day)  # required columns and the ranges the schema declares
        tests.append(("cameo_code NOT IN (SELECT code FROM cameo)", "'unknown CAMEO code ' || cameo_code"))
        self._quarantine_invalid("events", tests)
        staged = self._count("stage_events")
        # fold duplicate reports: within the file, and against events already stored
        names = ", ".join(EVENTS.names)
        # repeats inside the file fold into their first line; one cheap distinct count decides whether
        # there are any (most files repeat no event id, and then the grouping is skipped)
        repeats, datasets = self.con.execute(
            "SELECT count(*) - count(DISTINCT event_id), count(DISTINCT dataset) FROM stage_events"
        ).fetchall()[0]
        extra = 0 if repeats == 0 and datasets == 1 else self._fold_repeats()
        distinct = staged - int(extra)
        src = "(SELECT * REPLACE (coalesce(reports, 1) AS reports) FROM stage_events)"
        known = self.con.execute(
            "SELECT count(*) FROM (SELECT 1 FROM events WHERE dataset IN (SELECT DISTINCT dataset FROM stage_events)"
            " LIMIT 1)"
        ).fetchall()[0][0]
        folded = 0
        if known:
            self.con.execute(  # what this file adds to events stored from other files, for an exact remove()
                f"INSERT INTO folds SELECT d.file, d.dataset, d.event_id, d.reports FROM {src} d "
                "JOIN events e ON e.dataset = d.dataset AND e.event_id = d.event_id")
            folded = self.con.execute(
                f"UPDATE events e SET reports = e.reports + d.reports FROM {src} d "
                "WHERE e.dataset = d.dataset AND e.event_id = d.event_id"
            ).fetchall()[0][0]
            self.con.execute(
                f"INSERT INTO events SELECT {names} FROM {src} d WHERE NOT EXISTS (SELECT 1 FROM events e "
                "WHERE e.dataset = d.dataset AND e.event_id = d.event_id)"
            )
        else:
            self.con.execute(f"INSERT INTO events SELECT {names} FROM {src} d")
        new = distinct - folded
        summary.rows_stored += new
        summary.rows_duplicate += staged - new

    def _fold_repeats(self) -> int:
        """Keep the first line of each repeated (dataset, event_id), carrying the report count; rows removed."""
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE stage_dups AS SELECT dataset, event_id, "
            "first(rowid ORDER BY line NULLS LAST, rowid) AS keep, sum(coalesce(reports, 1)) AS n, count(*) AS c "
            "FROM stage_events GROUP BY dataset, event_id HAVING count(*) > 1"
        )
        extra = self.con.execute("SELECT coalesce(sum(c - 1), 0) FROM stage_dups").fetchall()[0][0]
        if extra:
            self.con.execute(
                "DELETE FROM stage_events s USING stage_dups d WHERE s.dataset = d.dataset "
                "AND s.event_id = d.event_id AND s.rowid <> d.keep"
            )
            self.con.execute("UPDATE stage_events s SET reports = d.n FROM stage_dups d WHERE s.rowid = d.keep")
        self.con.execute("DROP TABLE stage_dups")
        return int(extra)

    def _finish_keyed(self, table: str, summary: IngestSummary) -> None:
        if self._count(f"stage_{table}") == 0:
            return
        t = TABLES[table]
        self._quarantine_invalid(table, checks(t, self._first_day))
        staged = self._count(f"stage_{table}")
        key = ", ".join(t.key)
        match = " AND ".join(f"x.{k} IS NOT DISTINCT FROM s.{k}" for k in t.key)
        before = self._count(table)
        # Compare only with stored rows of the same dataset in the staged date span: the cost of an
        # ingest then follows the file, not the size of the store (DuckDB prunes by zone maps).
        span = "date" if "date" in t.key else "year"
        lo, hi = self.con.execute(f"SELECT min({span}), max({span}) FROM stage_{table}").fetchall()[0]
        self.con.execute(
            f"INSERT INTO {table} SELECT * EXCLUDE (rn) FROM ("
            f" SELECT *, row_number() OVER (PARTITION BY {key} ORDER BY line) AS rn FROM stage_{table}) s"
            f" WHERE rn = 1 AND NOT EXISTS (SELECT 1 FROM (SELECT * FROM {table} WHERE dataset = ?"
            f" AND {span} BETWEEN ? AND ?) x WHERE {match})",
            [self._stage_dataset(table), lo, hi],
        )
        new = self._count(table) - before
        summary.rows_stored += new
        summary.rows_duplicate += staged - new

    def _stage_dataset(self, table: str) -> str | None:
        row = self.con.execute(f"SELECT any_value(dataset) FROM stage_{table}").fetchall()
        return row[0][0] if row else None

    def _resolve_actors(self) -> None:
        texts = [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT x FROM (SELECT source_text AS x FROM stage_events WHERE source_actor IS NULL "
                "UNION SELECT target_text FROM stage_events WHERE target_actor IS NULL) WHERE x IS NOT NULL"
            ).fetchall()
        ]
        if not texts:
            return
        rows = actors.resolution_rows(texts)
        lookup = pa.table(
            {
                "text": pa.array([r[0] for r in rows], pa.string()),
                "valid_from": pa.array([r[1] for r in rows], pa.date32()),
                "valid_to": pa.array([r[2] for r in rows], pa.date32()),
                "actor": pa.array([r[3] for r in rows], pa.string()),
                "country": pa.array([r[4] for r in rows], pa.string()),
                "sector": pa.array([r[5] for r in rows], pa.string()),
            }
        )
        self.con.register("_actor_lookup", lookup)  # explicit: no reliance on replacement scans of locals
        try:
            for side in ("source", "target"):
                self.con.execute(
                    f"""UPDATE stage_events s SET {side}_actor = l.actor, {side}_country = l.country,
                           {side}_sector = l.sector
                        FROM _actor_lookup l
                        WHERE s.{side}_actor IS NULL AND s.{side}_text = l.text
                          AND (l.valid_from IS NULL OR s.date >= l.valid_from)
                          AND (l.valid_to IS NULL OR s.date <= l.valid_to)"""
                )
        finally:
            self.con.unregister("_actor_lookup")

    def _register_dataset(self, info: sources.base.DatasetInfo, name: str) -> None:
        if not self.con.execute("SELECT 1 FROM datasets WHERE name = ?", [name]).fetchall():
            self.con.execute(
                "INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
                [name, info.title, info.version, info.license, info.citation, info.url],
            )
        self.update_coverage(name, prefix="stage_")

    def update_coverage(self, name: str, prefix: str = "") -> None:
        """Widen the dataset's coverage to the dates in ``{prefix}events/dyad_days/signals``.

        Ingest passes the staging tables (cost proportional to the file, not the store).
        """
        self.con.execute(
            f"""UPDATE datasets SET coverage_start = least(coverage_start, c.lo),
                                    coverage_end = greatest(coverage_end, c.hi) FROM (
                 SELECT min(lo) AS lo, max(hi) AS hi FROM (
                   SELECT min(date) lo, max(date) hi FROM {prefix}events WHERE dataset = $1
                   UNION ALL SELECT min(date), max(date) FROM {prefix}dyad_days WHERE dataset = $1
                   UNION ALL SELECT min(coalesce(date, make_date(year, 1, 1))),
                                    max(coalesce(date, make_date(year, 12, 31))) FROM {prefix}signals
                             WHERE dataset = $1)
               ) c WHERE name = $1""",
            [name],
        )

    # -- removal ---------------------------------------------------------------------------
    def remove(self, what: str) -> dict:
        """Undo the ingest of a file (its base name) or of a whole dataset, in one transaction.

        Deletes the rows stored from the file (events, dyad_days, signals), its quarantined rows and its
        ``files`` record (so it can be ingested again), then recomputes the dataset's coverage from what
        is left; a dataset left with no file and no row is dropped from ``datasets``. Reports this file added
        to events first stored from another file (repeats folded into them, recorded in ``folds``) are
        taken back, so ingest then remove leaves the store as it was. Returns the rows removed per table.
        """
        if self.read_only:
            raise StoreError(f"store {self.path} is open read-only; open it writable to remove data")
        is_dataset = bool(self.con.execute("SELECT 1 FROM datasets WHERE name = ?", [what]).fetchall())
        files = self.con.execute("SELECT DISTINCT dataset FROM files WHERE file = ?", [what]).fetchall()
        if not is_dataset and not files:
            known = [r[0] for r in self.con.execute("SELECT name FROM datasets ORDER BY name").fetchall()]
            raise StoreError(f"{what!r} is neither an ingested file nor a dataset; see `detente sources` "
                             f"(datasets: {', '.join(known)}) or the files table for file names")
        if is_dataset and files:
            raise StoreError(f"{what!r} names both a dataset and a file; nothing removed (rename the file and "
                             "re-ingest it, or remove the dataset by a unique name)")
        col, datasets = ("dataset", [what]) if is_dataset else ("file", [r[0] for r in files])
        counts: dict[str, int] = {}
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(
                f"UPDATE events e SET reports = e.reports - f.n FROM (SELECT dataset, event_id, sum(reports) AS n "
                f"FROM folds WHERE {col} = ? GROUP BY ALL) f WHERE e.dataset = f.dataset AND e.event_id = f.event_id",
                [what])
            # an event stored from this file takes with it the folds other files recorded into it
            self.con.execute(f"DELETE FROM folds f USING events e WHERE e.{col} = ? AND e.dataset = f.dataset "
                             "AND e.event_id = f.event_id", [what])
            for t in ("events", "dyad_days", "signals", "quarantine", "files"):
                counts[t] = int(self.con.execute(f"DELETE FROM {t} WHERE {col} = ?", [what]).fetchall()[0][0])
            self.con.execute(f"DELETE FROM folds WHERE {col} = ?", [what])
            for name in datasets:
                self.recompute_coverage(name)
            self.con.execute("COMMIT")
        except BaseException:
            _quiet(self.con, "ROLLBACK")
            raise
        return {"removed": what, "kind": col, **counts}

    def recompute_coverage(self, name: str) -> None:
        """Set the dataset's coverage to exactly the dates it holds (drop the dataset when it holds nothing)."""
        left = self.con.execute(
            "SELECT (SELECT count(*) FROM files WHERE dataset = $1) + (SELECT count(*) FROM events WHERE dataset = $1)"
            " + (SELECT count(*) FROM dyad_days WHERE dataset = $1) + (SELECT count(*) FROM signals WHERE dataset = $1)",
            [name]).fetchall()[0][0]
        if not left:
            self.con.execute("DELETE FROM datasets WHERE name = ?", [name])
            return
        self.con.execute("UPDATE datasets SET coverage_start = NULL, coverage_end = NULL WHERE name = ?", [name])
        self.update_coverage(name)

    # -- listing ---------------------------------------------------------------------------
    def sources(self) -> list[dict]:
        cur = self.con.execute(
            """SELECT d.name, d.title, d.coverage_start, d.coverage_end, d.license,
                      coalesce((SELECT count(*) FROM events e WHERE e.dataset = d.name), 0)
                    + coalesce((SELECT count(*) FROM dyad_days y WHERE y.dataset = d.name), 0)
                    + coalesce((SELECT count(*) FROM signals s WHERE s.dataset = d.name), 0) AS rows,
                      coalesce((SELECT count(*) FROM quarantine q WHERE q.dataset = d.name), 0) AS quarantined
               FROM datasets d ORDER BY d.name"""
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def cite(self) -> str:
        rows = self.con.execute("SELECT citation FROM datasets ORDER BY name").fetchall()
        return "\n\n".join(r[0].strip() for r in rows if r[0])

    def coverage(self, dataset: str) -> tuple | None:
        rows = self.con.execute(
            "SELECT coverage_start, coverage_end FROM datasets WHERE name = ?", [dataset]
        ).fetchall()  # fetchall: DuckDB 2 refuses new work while a fetchone() result is unfinished
        return rows[0] if rows else None


_FILES_STATE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # read-only store -> its files_state


def files_state(store: Any) -> tuple | None:
    """What a store holds, as (files ingested, when the last was ingested): it moves on with every ingest and
    remove, so it is the key of every cache of what is read from a store. A read-only store's is read once (no
    one can write the file while it is open read-only); a writable store's or a bare connection's every call.
    None for a connection without a ``files`` table.

    Examples
    --------
    >>> import os, tempfile
    >>> with Store(os.path.join(tempfile.mkdtemp(), "empty.duckdb")) as store:
    ...     files_state(store), files_state(store.con)
    ((0, None), (0, None))
    >>> files_state(duckdb.connect())  # no files table
    """
    try:
        hit = _FILES_STATE.get(store)
    except TypeError:  # not weak-referenceable (a bare connection)
        hit = None
    if hit is not None:
        return hit
    try:
        state = tuple(getattr(store, "con", store).execute("SELECT count(*), max(ingested_at) FROM files")
                      .fetchall()[0])
    except duckdb.Error:
        return None
    if getattr(store, "read_only", False):
        try:
            _FILES_STATE[store] = state
        except TypeError:
            pass
    return state


def _lock_error(e: Exception) -> bool:
    return "lock" in str(e).lower() and "conflicting" in str(e).lower()


def rebuild(path: Path, build: Callable[[Path], None]) -> None:
    """Replace the store at ``path`` with a fresh one made by ``build(new_path)`` (``detente init --force``).

    Takes the store's lock: a store open in another process (an ingest, a server) is refused with one
    line and left as it is. The new store is built beside it first and swapped in by one rename while
    the old one is held, so no process ever sees a missing or half-built store.
    """
    path = Path(path)

    def hold() -> duckdb.DuckDBPyConnection | None:
        if not path.exists():
            return None
        try:
            return duckdb.connect(str(path))
        except duckdb.Error as e:
            if _lock_error(e):
                raise StoreError(f"store {path} is in use by another process ({str(e).split('(')[-1].split(')')[0]}); "
                                 "wait for it to finish or stop it, then re-run `detente init --force`") from None
            return None  # unreadable (the reason to rebuild it): replace it

    held = hold()  # fail fast, before the build
    if held is not None:
        held.close()
    new = path.with_name(f".{path.name}.rebuild-{os.getpid()}")
    for p in (new, Path(str(new) + ".wal")):
        p.unlink(missing_ok=True)
    try:
        build(new)
        held = hold()
        try:
            os.replace(new, path)
            if held is None:
                Path(str(path) + ".wal").unlink(missing_ok=True)  # a stale log of an unreadable store
        finally:
            if held is not None:
                held.close()
    finally:
        for p in (new, Path(str(new) + ".wal")):
            p.unlink(missing_ok=True)


def interrupted(e: BaseException | None) -> bool:
    """Whether ``e`` or an exception it arose from is a Ctrl-C that DuckDB turned into an error: a SIGINT inside
    a query gives RuntimeError/InterruptException "Query interrupted" instead of KeyboardInterrupt (SIGTERM is
    told apart before this, by ``limits.terminated``)."""
    for _ in range(16):
        if e is None:
            return False
        if isinstance(e, KeyboardInterrupt) or "Query interrupted" in str(e):
            return True
        e = e.__cause__ or e.__context__
    return False


def _quiet(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run clean-up SQL whose failure must not hide the error being handled."""
    try:
        con.execute(sql)
    except duckdb.Error:
        pass


def spool(path: Path, into: Path) -> Path:
    """A regular file or directory as is; a pipe, FIFO or character device (``/dev/stdin``, ``<(cmd)``)
    copied into ``into`` first, so that readers, which open a file several times, see all of it.

    The copy is named ``stdin-<sha256 prefix>`` (or ``<name>-<prefix>``): the same bytes piped twice are
    recognised as already ingested. A FIFO with no writer is waited for ``DETENTE_FIFO_WAIT`` seconds,
    then refused; at most ``DETENTE_MAX_STDIN`` bytes are read; an empty stream is refused.
    """
    text = str(path)
    if text == "-":
        path = Path("/dev/stdin")
    try:
        st = os.stat(path)
    except OSError:
        return path  # ingest_file says "no such file"
    if stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode):
        return path
    label = "stdin" if text in ("-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0") else (
        "pipe" if path.name.isdigit() else path.name)  # /dev/fd/63 of a process substitution: "pipe"
    if not (stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISSOCK(st.st_mode)):
        raise StoreError(f"{path}: not a regular file, directory or pipe; copy it to a file and ingest that")
    wait = limits.get("DETENTE_FIFO_WAIT")
    cap = limits.get("DETENTE_MAX_STDIN")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if os.isatty(fd):
            raise StoreError(f"{path} is a terminal; pipe a file in (cat FILE | detente ingest -) or name the file")
        poll = select.poll()
        poll.register(fd, select.POLLIN | select.POLLHUP)
        if not poll.poll(wait * 1000):
            raise StoreError(f"{path}: nothing was written to it within {wait:g} s (no writer?); start the writer "
                             "first, or raise DETENTE_FIFO_WAIT")
        os.set_blocking(fd, True)
        h = hashlib.sha256()
        tmp = into / f".{label}.spool"
        n = 0
        with tmp.open("wb") as out:
            while block := os.read(fd, 1 << 20):
                n += len(block)
                if n > cap:
                    raise limits.error(f"{path}: the stream is longer than {limits.human(cap)}", "DETENTE_MAX_STDIN",
                                       limits.human(cap).replace(" ", ""))
                h.update(block)
                out.write(block)
    finally:
        os.close(fd)
    if n == 0:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{path}: the stream was empty (0 bytes); nothing to ingest, check the command feeding it")
    final = into / f"{label}-{h.hexdigest()[:12]}"
    os.replace(tmp, final)
    return final


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _dir_checksum(path: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(f.relative_to(path).as_posix().encode())
        h.update(sha256(f).encode())
    return h.hexdigest()


def _expand(path: Path, fmt: str) -> list[Path]:
    """A directory is one input when a reader reads it whole, else each file below it."""
    if not path.is_dir():
        return [path]
    try:
        mod = sources.detect(path) if fmt == "auto" else sources.reader(fmt)
    except sources.UnknownFormat:
        mod = None  # no reader takes the directory whole: read each file below it
    if mod is not None and getattr(mod, "READS_DIRECTORIES", False) and mod.sniff(path, b""):
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
