"""Reader for events coded by `detente code` (JSONL, a JSON array, or CSV with its columns).

Each record has at least ``event_id, date, cameo_code`` and the actor fields ``source_*``/``target_*``;
``sentence`` and ``verb`` travel along in the quarantine text only. Records without a date are
quarantined by the store ("missing date"): pass ``--date`` to `detente code`.

Internal: a reader (``NAME``, ``DATASET``, ``sniff``, ``stage``; see :mod:`detente.sources`), used through
``Store.ingest`` and ``detente ingest``; not part of the Python API.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from detente.schema import EVENTS
from detente.sources.base import BATCH_ROWS, DatasetInfo, StageContext, lines

__all__: list[str] = []

NAME = "coded"
DATASET = DatasetInfo(
    name="coded",
    title="Events coded from news text by detente's dictionary coder (CAMEO verb patterns, Phoenix actors)",
    license="Coded from the user's own text; dictionaries: Open Event Data Alliance, MIT",
    citation="""@misc{petrarch2,
  author = {{Open Event Data Alliance}},
  title = {{PETRARCH2} dictionaries: {CAMEO} verb patterns and {Phoenix} actors},
  year = {2015},
  howpublished = {\\url{https://github.com/openeventdata/petrarch2}}
}""",
    url="https://github.com/openeventdata/petrarch2",
    version="CAMEO.verbpatterns.150430",
)
KEEP = set(EVENTS.names) - {"dataset", "file"}
_NEEDED = ("event_id", "cameo_code")


def sniff(path: Path, head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0]
    if first.startswith((b"{", b"[")):
        return b'"cameo_code"' in head and (b'"source_code"' in head or b'"sentence"' in head)
    return first.startswith(b"event_id,") and b"cameo_code" in first and b"source_code" in first


def _row(obj: dict) -> dict:
    row = {k: (None if obj.get(k) in (None, "") else obj.get(k)) for k in sorted(KEEP)}
    row["cameo_code"] = str(row["cameo_code"])
    for k, conv in (("quad_class", int), ("goldstein", float), ("reports", int)):
        if row[k] is not None:
            row[k] = conv(row[k])
    row["reports"] = row["reports"] or 1
    for k in ("latitude", "longitude", "tone"):
        if row[k] is not None:
            row[k] = float(row[k])
    for k in ("mentions", "sources", "articles"):
        if row[k] is not None:
            row[k] = int(row[k])
    return row


def _records(path: Path):
    with path.open("rb") as fh:
        head = fh.read(4096)
    first = head.lstrip()[:1]
    if first == b"[":
        try:
            data = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path.name}: not valid JSON ({e.msg} at line {e.lineno}); "
                             "write JSONL or a JSON array from `detente code --format json`") from None
        for n, obj in enumerate(data, 1):
            yield n, json.dumps(obj)[:2000], obj if isinstance(obj, dict) else None, "not a JSON object"
        return
    if first == b"{":
        for n, line in lines(path):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                yield n, line, None, f"bad JSON: {e.msg}"
                continue
            yield n, line, obj if isinstance(obj, dict) else None, "not a JSON object"
        return
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for n, obj in enumerate(csv.DictReader(fh), 2):
            yield n, ",".join(str(v) for v in obj.values())[:2000], obj, "bad CSV row"


def stage(ctx: StageContext) -> int:
    read = 0
    batch: list[dict] = []
    for n, raw, obj, why in _records(ctx.path):
        read += 1
        if obj is None:
            ctx.quarantine(n, raw, why)
            continue
        missing = [k for k in _NEEDED if not obj.get(k)]
        if missing:
            ctx.quarantine(n, raw, f"missing {', '.join(missing)}")
            continue
        try:
            row = _row(obj)
        except (TypeError, ValueError) as e:
            ctx.quarantine(n, raw, f"bad value: {e}")
            continue
        row["line"] = n
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            ctx.append("events", batch)
            batch = []
    ctx.append("events", batch)
    return read
