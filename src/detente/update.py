"""Keep a case current: fetch what GDELT published since the store's last covered day, ingest it for the case's
actors, re-run the case's verdicts and say what changed.

``update(store, case)`` is resumable and idempotent because every piece under it is: the downloader keeps verified
files and resumes ``.part`` files, an ingest skips a file whose SHA-256 is already stored, and a re-run after an
interruption starts from the same day (the store's coverage only moves when a file has been ingested). What
depends on the events (dyad-day series, cached report sections keyed by the store's content) is recomputed from the
store, so nothing else needs rebuilding.

``update_polecat(store, folder)`` does the same for POLECAT monthly files a user has downloaded.

Examples
--------
>>> next_window(date(2024, 2, 23), until=date(2024, 2, 26))
(datetime.date(2024, 2, 24), datetime.date(2024, 2, 26))
>>> next_window(date(2024, 2, 23), until=date(2024, 2, 23)) is None
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from detente.errors import UserError

__all__ = ["GDELT_DATASETS", "UPDATE_DATASET", "Change", "UpdateResult", "diff", "last_covered_day", "next_window",
           "strongest_new", "update", "update_polecat"]

GDELT_DATASETS = ("gdelt2", "gdelt1", "gdelt_network")
UPDATE_DATASET = "gdelt2"  # what `update` ingests (GDELT 2.0 event exports, with SOURCEURL)


def last_covered_day(store: Any, datasets: tuple[str, ...] = GDELT_DATASETS) -> date | None:
    """The last day any of ``datasets`` covers in the store (None when the store has none of them).

    Parameters
    ----------
    store
        An open store.
    datasets
        Dataset names; default the GDELT ones.

    Returns
    -------
    datetime.date or None

    Examples
    --------
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> last_covered_day(store), last_covered_day(store, ("icews",)), last_covered_day(store, ("gdelt2",))
    (datetime.date(2024, 2, 23), datetime.date(2022, 8, 31), None)
    >>> store.close()
    """
    marks = ", ".join("?" * len(datasets))
    row = store.con.execute(f"SELECT max(coverage_end) FROM datasets WHERE name IN ({marks})",
                            list(datasets)).fetchall()[0][0]
    return row


def next_window(last: date | None, until: date | None = None, today: date | None = None) -> tuple[date, date] | None:
    """The days to fetch after ``last`` up to ``until`` (default yesterday, UTC); None when already current.

    Parameters
    ----------
    last
        The last covered day (:func:`last_covered_day`).
    until
        The last day wanted; default the day before ``today``.
    today
        Today's date (default the system date).

    Returns
    -------
    tuple of datetime.date or None
        (first, last) day to fetch, inclusive.

    Raises
    ------
    UserError
        ``last`` is None: the store covers no GDELT day to continue from.

    Examples
    --------
    >>> next_window(date(2024, 2, 23), today=date(2024, 3, 1))
    (datetime.date(2024, 2, 24), datetime.date(2024, 2, 29))
    >>> next_window(date(2024, 2, 29), today=date(2024, 3, 1)) is None
    True
    """
    if last is None:
        raise UserError("the store covers no GDELT day yet, so there is nothing to continue from; run "
                        "`detente init` (the bundled data) or `detente fetch gdelt --start ... --ingest` first")
    end = until or ((today or date.today()) - timedelta(days=1))
    start = last + timedelta(days=1)
    return None if start > end else (start, end)


@dataclass
class Change:
    """One claim before and after an update: verdict, effect and interval each side; ``changed`` when any
    differs."""

    id: str
    claim: str
    verdict_before: str | None
    verdict_after: str | None
    effect_before: float | None
    effect_after: float | None
    interval_before: list
    interval_after: list

    @property
    def changed(self) -> bool:
        return (self.verdict_before != self.verdict_after or self.effect_before != self.effect_after
                or self.interval_before != self.interval_after)

    def as_dict(self) -> dict:
        return {"id": self.id, "claim": self.claim, "verdict_before": self.verdict_before,
                "verdict_after": self.verdict_after, "effect_before": self.effect_before,
                "effect_after": self.effect_after, "interval_before": self.interval_before,
                "interval_after": self.interval_after, "changed": self.changed}


@dataclass
class UpdateResult:
    """What an update did: the window fetched (``current`` when there was none), files, rows stored, the claim
    changes and the strongest new events."""

    start: date | None
    end: date | None
    current: bool = False  # nothing to fetch: the store already covers up to `end`
    files: dict = field(default_factory=dict)  # the fetch summary
    rows_stored: int = 0
    rows_duplicate: int = 0
    changes: list[Change] = field(default_factory=list)
    new_evidence: list[dict] = field(default_factory=list)  # strongest new events with their source URLs
    seconds: dict = field(default_factory=dict)
    note: str | None = None

    def as_dict(self) -> dict:
        return {"note": self.note, "start": self.start, "end": self.end, "current": self.current, "files": self.files,
                "rows_stored": self.rows_stored, "rows_duplicate": self.rows_duplicate,
                "changes": [c.as_dict() for c in self.changes], "new_evidence": self.new_evidence,
                "seconds": self.seconds}


def _verdicts(store: Any, case: Any) -> dict[str, dict]:
    from detente.claims import evaluate

    datasets = list(case.datasets or [])
    have = {r[0] for r in store.con.execute("SELECT name FROM datasets").fetchall()}
    if UPDATE_DATASET in have and datasets and UPDATE_DATASET not in datasets:
        datasets.append(UPDATE_DATASET)  # the fetched events are judged too, beside the case's own datasets
    return {r.id: r.as_dict() for r in evaluate(store, case, datasets=datasets or None)}


def diff(before: dict[str, dict], after: dict[str, dict]) -> list[Change]:
    """One :class:`Change` per claim in either run, in the case's order.

    Parameters
    ----------
    before, after
        Claim id -> result dict (``ClaimResult.as_dict()``: ``claim``, ``verdict``, ``effect``, ``interval``).

    Returns
    -------
    list of Change
        ``changed`` is true when the verdict, effect or interval differs.

    Examples
    --------
    >>> before = {"C1": {"claim": "ties warm", "verdict": "supported", "effect": 0.5, "interval": [0.1, 0.9]}}
    >>> after = {"C1": {"claim": "ties warm", "verdict": "inconclusive", "effect": 0.2, "interval": [-0.1, 0.5]},
    ...          "C2": {"claim": "new claim", "verdict": "supported", "effect": 1.0, "interval": [0.5, 1.5]}}
    >>> [(c.id, c.verdict_before, c.verdict_after, c.changed) for c in diff(before, after)]
    [('C1', 'supported', 'inconclusive', True), ('C2', None, 'supported', True)]
    >>> diff(before, before)[0].changed
    False
    """
    out = []
    for cid in list(dict.fromkeys([*before, *after])):
        b, a = before.get(cid, {}), after.get(cid, {})
        out.append(Change(cid, (a or b).get("claim", ""), b.get("verdict"), a.get("verdict"), b.get("effect"),
                          a.get("effect"), b.get("interval", [None, None]), a.get("interval", [None, None])))
    return out


def strongest_new(store: Any, actors: list[str], start: date, end: date, n: int = 5) -> list[dict]:
    """The most intense new events among ``actors`` in ``start``..``end`` (|Goldstein| x sources), with URLs.

    Parameters
    ----------
    store
        An open store.
    actors
        Both sides among these (and not the same country).
    start, end
        Inclusive days.
    n
        At most this many events.

    Returns
    -------
    list of dict
        ``date``, ``actor_a``, ``actor_b``, ``cameo``, ``goldstein``, ``sources``, ``source_url``, ``event_id`` of
        :data:`UPDATE_DATASET` events, strongest first.

    Examples
    --------
    A mild event reported by 20 sources (1.9 x 20 = 38) outranks a strong one reported by 3 (10 x 3 = 30); an
    event inside one country is no dyad:

    >>> import tempfile
    >>> from detente.store import Store
    >>> store = Store(tempfile.mkdtemp() + "/example.duckdb")
    >>> _ = store.con.execute(
    ...     "INSERT INTO events (dataset, file, event_id, date, source_country, target_country, cameo_code, "
    ...     "goldstein, sources, source_url) VALUES "
    ...     "('gdelt2', 'x.zip', '1', '2024-03-01', 'ARM', 'AZE', '190', -10.0, 3, 'https://example.org/a'), "
    ...     "('gdelt2', 'x.zip', '2', '2024-03-02', 'AZE', 'ARM', '042', 1.9, 20, 'https://example.org/b'), "
    ...     "('gdelt2', 'x.zip', '3', '2024-03-02', 'ARM', 'ARM', '010', 0.0, 1, 'https://example.org/c')")
    >>> [(r["event_id"], r["actor_a"], r["actor_b"], r["source_url"])
    ...  for r in strongest_new(store, ["ARM", "AZE"], date(2024, 3, 1), date(2024, 3, 31))]
    [('2', 'AZE', 'ARM', 'https://example.org/b'), ('1', 'ARM', 'AZE', 'https://example.org/a')]
    >>> store.close()
    """
    marks = ", ".join("?" * len(actors))
    rows = store.con.execute(f"""
        SELECT date, source_country AS actor_a, target_country AS actor_b, cameo_code AS cameo, goldstein,
               coalesce(sources, 1) AS sources, source_url, event_id
        FROM events WHERE dataset = ? AND date BETWEEN ? AND ? AND source_country IN ({marks})
          AND target_country IN ({marks}) AND source_country <> target_country
        ORDER BY abs(goldstein) * coalesce(sources, 1) DESC, date, event_id LIMIT ?""",
                             [UPDATE_DATASET, start, end, *actors, *actors, n]).fetchall()
    keys = ("date", "actor_a", "actor_b", "cameo", "goldstein", "sources", "source_url", "event_id")
    return [dict(zip(keys, r, strict=True)) for r in rows]


def update(store: Any, case: Any, until: date | None = None, *, dest: Path | None = None,
           base_url: str | None = None, opts: Any = None, reporter: Any = None, verdicts: bool = True,
           today: date | None = None) -> UpdateResult:
    """Fetch GDELT 2.0 exports after the store's last covered day for ``case``'s actors, ingest, re-run verdicts.

    Raises :class:`detente.fetch.FetchInterrupted` on Ctrl-C (what was verified and ingested stays; a re-run
    continues). ``until`` defaults to yesterday (UTC).

    Parameters
    ----------
    store
        A writable store (the fetched events are ingested into it).
    case
        A :class:`detente.claims.Case`: its actors select the events; its claims are re-run.
    until
        Last day to fetch.
    dest
        Download folder (default ``gdelt2`` next to the store).
    base_url, opts, reporter
        Passed to :func:`detente.fetch.fetch_gdelt` (mirror, download options, progress).
    verdicts
        Re-run the claims before and after, and report the :class:`Change` of each.
    today
        Today's date for the default ``until``.

    Returns
    -------
    UpdateResult
        The window, files, rows stored, changes and the strongest new events; ``current=True`` when there was
        nothing to fetch.

    Raises
    ------
    UserError
        Files that could not be downloaded or ingested (what was verified is kept).

    Examples
    --------
    A store that already covers ``until`` fetches nothing (so this runs on the read-only bundled store):

    >>> from detente import case
    >>> import detente
    >>> store = detente.open(read_only=True)
    >>> res = update(store, case.builtin("south_caucasus"), until=date(2024, 2, 23))
    >>> res.current, res.start, res.rows_stored
    (True, datetime.date(2024, 2, 23), 0)
    >>> store.close()
    """
    from detente import fetch

    window = next_window(last_covered_day(store), until, today)
    if window is None:
        last = last_covered_day(store)
        return UpdateResult(last, until or last, current=True)
    start, end = window
    actors = sorted(case.actors)
    res = UpdateResult(start, end)
    t = time.perf_counter()
    try:
        before = _verdicts(store, case) if verdicts else {}
    except UserError as e:  # e.g. a period the store does not cover yet: the update is what will cover it
        before, res.note = {}, f"no verdicts before the update: {e}"
    res.seconds["verdicts_before"] = round(time.perf_counter() - t, 3)
    dest = Path(dest) if dest else Path(store.path).parent / "gdelt2"
    t = time.perf_counter()
    report = fetch.fetch_gdelt(2, start, end, dest, actors=actors, store=store, base_url=base_url, opts=opts,
                               reporter=reporter)
    res.seconds["fetch_and_ingest"] = round(time.perf_counter() - t, 3)
    res.files = report.summary()
    for r in report.results:
        if r.ingest and "error" not in r.ingest:
            res.rows_stored += int(r.ingest.get("rows_stored") or 0)
            res.rows_duplicate += int(r.ingest.get("rows_duplicate") or 0)
    if report.failed or report.ingest_failed:
        bad = (report.failed or report.ingest_failed)[0]
        why = bad.reason if report.failed else bad.ingest["error"]
        raise UserError(f"{len(report.failed)} files not downloaded, {len(report.ingest_failed)} not ingested "
                        f"(first: {bad.name}: {why}); what was verified is kept: re-run `detente update` to retry")
    if verdicts:
        t = time.perf_counter()
        res.changes = diff(before, _verdicts(store, case))
        res.seconds["verdicts_after"] = round(time.perf_counter() - t, 3)
    res.new_evidence = strongest_new(store, actors, start, end)
    return res


def update_polecat(store: Any, folder: Path, case: Any, verdicts: bool = True) -> UpdateResult:
    """Ingest the POLECAT files in ``folder`` that the store does not hold yet, then re-run the verdicts.

    Parameters
    ----------
    store
        A writable store.
    folder
        The folder of downloaded POLECAT files (tab-delimited, with a header).
    case
        The case whose claims are re-run (unused when ``verdicts`` is false).
    verdicts
        Re-run the claims before and after.

    Returns
    -------
    UpdateResult
        ``rows_stored``, ``rows_duplicate``, ``files`` and the claim changes.

    Raises
    ------
    UserError
        ``folder`` is not a folder or holds no files.

    Examples
    --------
    Two hand-made events into a new store; the second run finds them stored already:

    >>> import os, tempfile
    >>> from detente.store import Store
    >>> tmp = tempfile.mkdtemp()
    >>> os.mkdir(os.path.join(tmp, "polecat"))
    >>> with open(os.path.join(tmp, "polecat", "polecat_2023_01.tsv"), "w") as fh:
    ...     _ = fh.write("Event ID\\tEvent Date\\tEvent Type\\tActor Country\\tRecipient Country\\n"
    ...                  "20230105-1\\t2023-01-05\\tCONSULT\\tARM\\tIRN\\n20230106-2\\t2023-01-06\\tACCUSE\\tAZE\\tARM\\n")
    >>> store = Store(os.path.join(tmp, "example.duckdb"))
    >>> update_polecat(store, os.path.join(tmp, "polecat"), None, verdicts=False).rows_stored
    2
    >>> update_polecat(store, os.path.join(tmp, "polecat"), None, verdicts=False).rows_stored
    0
    >>> store.con.execute("SELECT source_country, target_country, plover_type FROM events ORDER BY date").fetchall()
    [('ARM', 'IRN', 'CONSULT'), ('AZE', 'ARM', 'ACCUSE')]
    >>> store.close()
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"--source polecat {folder}: not a folder; give the folder of downloaded POLECAT files")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    if not files:
        raise UserError(f"{folder} holds no files; download POLECAT's monthly files there first")
    before = _verdicts(store, case) if verdicts else {}
    res = UpdateResult(None, None)
    for s in store.ingest(files, fmt="polecat"):
        res.rows_stored += s.rows_stored
        res.rows_duplicate += s.rows_duplicate
    res.files = {"files": len(files)}
    if verdicts:
        res.changes = diff(before, _verdicts(store, case))
    return res
