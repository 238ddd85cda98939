"""Every table detente stores, declared once as data.

DDL (``ddl``), the Arrow schema readers build batches in (``arrow_schema``), row validation
(``required``) and the data dictionary page ``docs/data.md`` (``data_dictionary``) are all
generated from the declarations below. Change a table here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa


@dataclass(frozen=True)
class Col:
    name: str
    type: str  # DuckDB type
    help: str
    required: bool = False  # a row missing this value is quarantined, not stored


@dataclass(frozen=True)
class Table:
    name: str
    help: str
    cols: tuple[Col, ...]
    key: tuple[str, ...] = field(default=())  # natural key used for deduplication

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
        Col("date", "DATE", "Day the event happened (UTC)", True),
        *_side("source", "Source actor"),
        *_side("target", "Target actor"),
        Col("cameo_code", "VARCHAR", "CAMEO event code, 2-4 digits as text (e.g. '190')", True),
        Col("cameo_root", "VARCHAR", "CAMEO root code, the first two digits (01-20)"),
        Col("quad_class", "TINYINT", "QuadClass: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict"),
        Col("goldstein", "DOUBLE", "Goldstein intensity, -10 (most conflictual) .. +10, GDELT's table for the CAMEO code"),
        Col("plover_type", "VARCHAR", "PLOVER event type through the CAMEO->PLOVER crosswalk"),
        Col("mentions", "INTEGER", "Mentions of the event (GDELT NumMentions)"),
        Col("sources", "INTEGER", "Distinct sources reporting it (GDELT NumSources)"),
        Col("articles", "INTEGER", "Articles reporting it (GDELT NumArticles)"),
        Col("tone", "DOUBLE", "Average tone of the reports (GDELT AvgTone, -100..100)"),
        Col("location", "VARCHAR", "Where it happened, as the source names it"),
        Col("latitude", "DOUBLE", "Latitude of the event location"),
        Col("longitude", "DOUBLE", "Longitude of the event location"),
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
        Col("date", "DATE", "Day (UTC)", True),
        Col("actor_a", "VARCHAR", "First actor (ISO3); for undirected rows actor_a < actor_b", True),
        Col("actor_b", "VARCHAR", "Second actor (ISO3)", True),
        Col("directed", "BOOLEAN", "True when the score is actor_a -> actor_b only", True),
        Col("score", "DOUBLE", "The dataset's score: for the GDELT network an unnormalised daily sum of Goldstein-based weights", True),
        *PROVENANCE,
    ),
    key=("dataset", "date", "actor_a", "actor_b", "directed"),
)

SIGNALS = Table(
    "signals",
    "Non-event alignment signals: UN General Assembly votes, alliance dyad-years, armed-conflict dyad-years, state-system membership.",
    (
        Col("kind", "VARCHAR", "un_vote | alliance | armed_conflict | state_member", True),
        Col("actor_a", "VARCHAR", "Actor (ISO3); the voting state for un_vote, the member for state_member", True),
        Col("actor_b", "VARCHAR", "Second actor (ISO3) for dyadic signals, else NULL"),
        Col("year", "INTEGER", "Year the signal holds for", True),
        Col("date", "DATE", "Exact date where known (vote date, conflict start, membership start)"),
        Col("end_date", "DATE", "End date where known (membership end)"),
        Col("item", "VARCHAR", "What the signal belongs to: roll call as s<session>/rc<rcid>, alliance source, UCDP conflict id, COW code"),
        Col("value", "DOUBLE", "un_vote: 1 yes, 0.5 abstain, 0 no; alliance: 1; armed_conflict: UCDP intensity 1 (minor) or 2 (war)"),
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

TABLES: dict[str, Table] = {t.name: t for t in (EVENTS, DYAD_DAYS, SIGNALS, QUARANTINE, DATASETS, FILES)}

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
    cols = ",\n  ".join(f"{c.name} {c.type}" for c in table.cols)
    kind = "TEMP TABLE" if temp else "TABLE"
    return f"CREATE {kind} IF NOT EXISTS {name or table.name} (\n  {cols}\n)"


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, _ARROW[c.type]) for c in table.cols])


def required(table: Table) -> list[str]:
    return [c.name for c in table.cols if c.required]


def data_dictionary() -> str:
    """Markdown for docs/data.md, generated from the declarations above."""
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
        out += ["| column | type | required | meaning |", "|---|---|---|---|"]
        out += [f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {c.help} |" for c in t.cols]
        out.append("")
    return "\n".join(out)
