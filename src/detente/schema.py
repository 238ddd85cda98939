"""Every table detente stores, declared once as data.

DDL (``ddl``), the Arrow schema readers build batches in (``arrow_schema``), row validation
(``required`` and the value ranges of ``checks``) and the data dictionary page ``docs/data.md``
(``data_dictionary``) are all generated from the declarations below. Change a table here and nowhere else.

Ranges: a column may declare ``lo``/``hi`` (inclusive) and a ``pattern`` (a regular expression the
whole value must match). A DATE column's upper bound is "today + 1 year" unless given, and its lower
bound is raised to the dataset's own first possible day (``DatasetInfo.first_day``: 1979-01-01 for
GDELT and ICEWS). The store quarantines a row outside a range, with a reason naming the value and the range.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pyarrow as pa

__all__ = ["TABLES", "Col", "Table", "arrow_schema", "data_dictionary", "ddl"]

EARLIEST = date(1800, 1, 1)  # no dataset detente reads starts earlier (COW and ATOP start in 1815/1816)


@dataclass(frozen=True)
class Col:
    """One column of a stored table: DuckDB type, meaning, and the checks a row must pass (required, range, pattern)."""

    name: str
    type: str  # DuckDB type
    help: str
    required: bool = False  # a row missing this value is quarantined, not stored
    lo: Any = None  # inclusive bounds (numbers, or dates for DATE columns); NULL values pass
    hi: Any = None
    pattern: str | None = None  # regular expression the whole value must match
    finite: bool = False  # DOUBLE: NaN and infinities are quarantined


@dataclass(frozen=True)
class Table:
    """A stored table: its purpose, columns and natural key (used to fold duplicates)."""

    name: str
    help: str
    cols: tuple[Col, ...]
    key: tuple[str, ...] = field(default=())  # natural key used for deduplication
    # rules across columns: (rule in words, SQL condition TRUE for a row that breaks it, SQL reason)
    rules: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.cols]

    def col(self, name: str) -> Col:
        for c in self.cols:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}; it has {', '.join(self.names)}")


PROVENANCE = (
    Col("dataset", "VARCHAR", "Dataset name as listed by `detente sources` (e.g. icews, gdelt1)", True),
    Col("file", "VARCHAR", "File the row was read from (base name)", True),
    Col("line", "BIGINT", "1-based line (or record) number in that file"),
)


def _side(prefix: str, who: str) -> tuple[Col, ...]:
    return (
        Col(f"{prefix}_text", "VARCHAR", f"{who} as written in the source (name or code)"),
        Col(f"{prefix}_actor", "VARCHAR", f"Resolved {who.lower()}: ISO3 country, de facto entity (NKR) or IGO code"),
        Col(f"{prefix}_country", "VARCHAR", f"ISO3 country of the {who.lower()} (NULL for IGOs and unresolved text)"),
        Col(f"{prefix}_sector", "VARCHAR", f"Sector of the {who.lower()}: GOV, MIL, COP, OPP, BUS, MED, CVL, ... (NULL = state as a whole)"),
    )


EVENTS = Table(
    "events",
    "One coded political event (who did what to whom, when), from any event dataset.",
    (
        Col("event_id", "VARCHAR", "Identifier unique within the dataset (the source's own id where it has one)", True),
        Col("date", "DATE", "Day the event happened (UTC)", True, lo=EARLIEST),
        *_side("source", "Source actor"),
        *_side("target", "Target actor"),
        Col("cameo_code", "VARCHAR", "CAMEO event code, 2-4 digits as text (e.g. '190')", True, pattern="[0-9]{2,4}"),
        Col("cameo_root", "VARCHAR", "CAMEO root code, the first two digits (01-20)", pattern="0[1-9]|1[0-9]|20"),
        Col("quad_class", "TINYINT", "QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict", lo=1, hi=4),
        Col("goldstein", "DOUBLE", "Goldstein intensity, -10 (most conflictual) .. +10, GDELT's table for the CAMEO code", lo=-10, hi=10, finite=True),
        Col("plover_type", "VARCHAR", "PLOVER event type through the CAMEO->PLOVER crosswalk"),
        Col("mentions", "INTEGER", "Mentions of the event (GDELT NumMentions)", lo=0),
        Col("sources", "INTEGER", "Distinct sources reporting it (GDELT NumSources)", lo=0),
        Col("articles", "INTEGER", "Articles reporting it (GDELT NumArticles)", lo=0),
        Col("tone", "DOUBLE", "Average tone of the reports (GDELT AvgTone, -100..100)", lo=-100, hi=100, finite=True),
        Col("location", "VARCHAR", "Where it happened, as the source names it"),
        Col("latitude", "DOUBLE", "Latitude of the event location", lo=-90, hi=90, finite=True),
        Col("longitude", "DOUBLE", "Longitude of the event location", lo=-180, hi=180, finite=True),
        Col("source_url", "VARCHAR", "URL of the first report, where the dataset gives one"),
        Col("reports", "INTEGER", "How many rows of the source reported this same event (duplicates folded into this one)"),
        *PROVENANCE,
    ),
    key=("dataset", "event_id"),
)

DYAD_DAYS = Table(
    "dyad_days",
    "A pre-aggregated relation score for one pair of actors on one day (e.g. the GDELT daily country network).",
    (
        Col("date", "DATE", "Day (UTC)", True, lo=EARLIEST),
        Col("actor_a", "VARCHAR", "First actor (ISO3); for undirected rows actor_a < actor_b", True),
        Col("actor_b", "VARCHAR", "Second actor (ISO3)", True),
        Col("directed", "BOOLEAN", "True when the score is actor_a -> actor_b only", True),
        Col("score", "DOUBLE", "The dataset's score: for the GDELT network an unnormalised daily sum of Goldstein-based weights", True, finite=True),
        *PROVENANCE,
    ),
    key=("dataset", "date", "actor_a", "actor_b", "directed"),
    # with the key, one row per pair and day: the world's weekly sums add rows without grouping days first
    rules=(("an undirected row has actor_a <= actor_b", "NOT directed AND actor_a > actor_b",
            "'an undirected row needs actor_a <= actor_b (' || actor_a || ' > ' || actor_b || ')'"),),
)

SIGNALS = Table(
    "signals",
    "Non-event alignment signals: UN General Assembly votes, alliance dyad-years, armed-conflict dyad-years, state-system membership, arms transfers (SIPRI), bilateral trade, UN ideal points.",
    (
        Col("kind", "VARCHAR", "un_vote | alliance | armed_conflict | state_member | arms_transfer | trade_export | trade_import | ideal_point", True),
        Col("actor_a", "VARCHAR", "Actor (ISO3); the voting state for un_vote, the member for state_member", True),
        Col("actor_b", "VARCHAR", "Second actor (ISO3) for dyadic signals, else NULL"),
        Col("year", "INTEGER", "Year the signal holds for", True, lo=EARLIEST.year),
        Col("date", "DATE", "Exact date where known (vote date, conflict start, membership start)", lo=EARLIEST),
        Col("end_date", "DATE", "End date where known (membership end)", lo=EARLIEST),
        Col("item", "VARCHAR", "What the signal belongs to: roll call as s<session>/rc<rcid>, alliance source, UCDP conflict id, COW code"),
        Col("value", "DOUBLE", "un_vote: 1 yes, 0.5 abstain, 0 no; alliance: 1; armed_conflict: UCDP intensity 1 (minor) or 2 (war); arms_transfer: delivered SIPRI TIV; trade_*: thousand USD; ideal_point: Voeten idealpointall", finite=True),
        Col("label", "VARCHAR", "Readable value: yes/abstain/no, alliance types, conflict incompatibility"),
        *PROVENANCE,
    ),
    key=("dataset", "kind", "actor_a", "actor_b", "year", "item"),
)

QUARANTINE = Table(
    "quarantine",
    "Input rows that could not be stored, with the reason. Rows read = stored + quarantined + duplicates.",
    (
        Col("dataset", "VARCHAR", "Dataset the row was meant for", True),
        Col("file", "VARCHAR", "File it came from", True),
        Col("line", "BIGINT", "1-based line number in that file"),
        Col("raw", "VARCHAR", "The raw text of the row (cut at 2,000 characters)"),
        Col("reason", "VARCHAR", "Why it was not stored", True),
    ),
)

DATASETS = Table(
    "datasets",
    "Every dataset in the store, with its license and citation.",
    (
        Col("name", "VARCHAR", "Dataset name", True),
        Col("title", "VARCHAR", "Readable title"),
        Col("version", "VARCHAR", "Version or snapshot"),
        Col("license", "VARCHAR", "License of the data"),
        Col("citation", "VARCHAR", "BibTeX entry to cite"),
        Col("url", "VARCHAR", "Where the data comes from"),
        Col("coverage_start", "DATE", "First day with data"),
        Col("coverage_end", "DATE", "Last day with data"),
    ),
    key=("name",),
)

FILES = Table(
    "files",
    "Every file ingested, with its checksum and row accounting. A file whose checksum is here is not read again.",
    (
        Col("dataset", "VARCHAR", "Dataset the file belongs to", True),
        Col("file", "VARCHAR", "File name", True),
        Col("sha256", "VARCHAR", "SHA-256 of the file's bytes", True),
        Col("format", "VARCHAR", "Reader used"),
        Col("rows_read", "BIGINT", "Rows read"),
        Col("rows_stored", "BIGINT", "Rows stored"),
        Col("rows_quarantined", "BIGINT", "Rows quarantined"),
        Col("rows_duplicate", "BIGINT", "Rows folded into an event already stored"),
        Col("ingested_at", "TIMESTAMP", "When"),
    ),
    key=("sha256",),
)

FOLDS = Table(
    "folds",
    "Reports a file added to an event first stored from another file (a repeat folded into it), so that removing "
    "the file takes exactly those reports back.",
    (
        Col("file", "VARCHAR", "File whose rows repeated the event (base name)", True),
        Col("dataset", "VARCHAR", "Dataset of the event", True),
        Col("event_id", "VARCHAR", "The event's id within the dataset", True),
        Col("reports", "BIGINT", "Reports the file added to the event's count", True),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (EVENTS, DYAD_DAYS, SIGNALS, QUARANTINE, DATASETS, FILES, FOLDS)}
ADDED_TABLES = ("folds",)  # tables a store built before them lacks; a writable open adds them (Store._check_schema)

_ARROW = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "TINYINT": pa.int8(),
    "BOOLEAN": pa.bool_(),
}


def ddl(table: Table, name: str | None = None, temp: bool = False) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for ``table`` (DuckDB SQL).

    Parameters
    ----------
    table
        A declaration, e.g. ``TABLES["events"]``.
    name
        The table name to create; default ``table.name``.
    temp
        Create a ``TEMP TABLE`` (the readers stage rows in one).

    Returns
    -------
    str

    Examples
    --------
    >>> pairs = Table("pairs", "Hand-made.", (Col("actor", "VARCHAR", "Who", True), Col("events", "BIGINT", "How many")))
    >>> print(ddl(pairs))
    CREATE TABLE IF NOT EXISTS pairs (
      actor VARCHAR,
      events BIGINT
    )
    >>> ddl(TABLES["events"], "staging", temp=True).splitlines()[0]
    'CREATE TEMP TABLE IF NOT EXISTS staging ('
    """
    cols = ",\n  ".join(f"{c.name} {c.type}" for c in table.cols)
    kind = "TEMP TABLE" if temp else "TABLE"
    return f"CREATE {kind} IF NOT EXISTS {name or table.name} (\n  {cols}\n)"


def arrow_schema(table: Table) -> pa.Schema:
    """The Arrow schema of ``table`` (the types batches are built in before they reach DuckDB).

    Parameters
    ----------
    table
        A declaration, e.g. ``TABLES["datasets"]``.

    Returns
    -------
    pyarrow.Schema

    Examples
    --------
    >>> pairs = Table("pairs", "Hand-made.", (Col("actor", "VARCHAR", "Who", True), Col("day", "DATE", "When")))
    >>> [(f.name, str(f.type)) for f in arrow_schema(pairs)]
    [('actor', 'string'), ('day', 'date32[day]')]
    >>> arrow_schema(TABLES["datasets"]).names[:3]
    ['name', 'title', 'version']
    """
    return pa.schema([pa.field(c.name, _ARROW[c.type]) for c in table.cols])


def required(table: Table) -> list[str]:
    return [c.name for c in table.cols if c.required]


def _lit(v: Any) -> str:
    return f"DATE '{v.isoformat()}'" if isinstance(v, date) else repr(v)


def bounds(col: Col, first_day: date | None = None, today: date | None = None) -> tuple[Any, Any]:
    """The (lo, hi) a column's values must lie in (None: unbounded); see the module docstring.

    >>> bounds(EVENTS.col("date"), date(1979, 1, 1), today=date(2026, 12, 2))
    (datetime.date(1979, 1, 1), datetime.date(2027, 12, 3))
    >>> bounds(EVENTS.col("goldstein"))
    (-10, 10)
    """
    lo, hi = col.lo, col.hi
    if col.type == "DATE":
        today = today or date.today()
        hi = hi or today + timedelta(days=366)
        if first_day and (lo is None or first_day > lo):
            lo = first_day
    elif col.name == "year" and col.lo is not None:
        hi = hi or (today or date.today()).year + 1
    return lo, hi


def checks(table: Table, first_day: date | None = None) -> list[tuple[str, str]]:
    """(SQL condition that is TRUE for a bad row, SQL expression for its reason) for every declared
    requirement and range of ``table``; ``first_day`` is the dataset's first possible day."""
    out: list[tuple[str, str]] = [(f"{c.name} IS NULL", f"'missing {c.name}'") for c in table.cols if c.required]
    for c in table.cols:
        shown = f"CAST({c.name} AS VARCHAR)"
        if c.finite:
            out.append((f"NOT isfinite({c.name})", f"'{c.name} ' || {shown} || ' is not a finite number'"))
        lo, hi = bounds(c, first_day)
        if lo is not None or hi is not None:
            cond = " OR ".join(x for x in (lo is not None and f"{c.name} < {_lit(lo)}",
                                           hi is not None and f"{c.name} > {_lit(hi)}") if x)
            rng = f"{'' if lo is None else lo}..{'' if hi is None else hi}"
            out.append((f"({cond})", f"'{c.name} ' || {shown} || ' outside its possible range {rng}'"))
        if c.pattern:
            out.append((f"NOT regexp_full_match({c.name}, '{c.pattern}')",
                        f"'{c.name} ' || {shown} || ' is not of the form {c.pattern}'"))
    return out + [(cond, reason) for _, cond, reason in table.rules]


def _range_text(c: Col) -> str:
    lo, hi = bounds(c, today=date(2000, 1, 1))
    if c.type == "DATE":
        return f"{lo or ''}..today+1y" + (" (or the dataset's first day)" if c.name == "date" else "")
    if c.name == "year" and lo is not None:
        return f"{lo}..this year+1"
    parts = []
    if lo is not None or hi is not None:
        parts.append(f"{'' if lo is None else lo}..{'' if hi is None else hi}")
    if c.pattern:
        parts.append(f"`{c.pattern}`")
    if c.finite:
        parts.append("finite")
    return ", ".join(parts)


def data_dictionary() -> str:
    """Markdown for docs/data.md, generated from the declarations above (``detente schema --markdown``).

    Returns
    -------
    str
        One section per table of :data:`TABLES`: its purpose, key, and a column table (type, required, range,
        meaning).

    Examples
    --------
    >>> text = data_dictionary()
    >>> [line for line in text.splitlines() if line.startswith("## ")]
    ['## `events`', '## `dyad_days`', '## `signals`', '## `quarantine`', '## `datasets`', '## `files`', '## `folds`']
    """
    out = [
        "# Data dictionary",
        "",
        "Generated from `src/detente/schema.py` by `detente schema --markdown`; do not edit by hand.",
        "",
    ]
    for t in TABLES.values():
        out += [f"## `{t.name}`", "", t.help, ""]
        if t.key:
            out += [f"Key: `{', '.join(t.key)}`", ""]
        for rule, _, _ in t.rules:
            out += [f"Rule: {rule} (rows that break it are quarantined).", ""]
        out += ["| column | type | required | range | meaning |", "|---|---|---|---|---|"]
        out += [f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {_range_text(c)} | {c.help} |"
                for c in t.cols]
        out.append("")
    return "\n".join(out)


def fingerprint(without: tuple[str, ...] = ()) -> str:
    """A short hash of every stored table's column names and types: a store records the one it was built with,
    and a store built by a detente with other tables is refused on open (it would fail later, mid-query).
    ``without``: tables left out, to recognise a store from before they were added (``ADDED_TABLES``).

    >>> len(fingerprint()) == 12 and fingerprint() == fingerprint() != fingerprint(without=("folds",))
    True
    """
    import hashlib

    spec = ";".join(f"{t.name}(" + ",".join(f"{c.name} {c.type}" for c in t.cols) + ")" for t in TABLES.values()
                    if t.name not in without)
    return hashlib.sha256(spec.encode()).hexdigest()[:12]
