"""GDELT's public file lists and file layout: which event files exist, their sizes and MD5s, which slots
are expected, and the actor filter over event rows.

GDELT 2.0 publishes ``masterfilelist.txt`` under ``http://data.gdeltproject.org/gdeltv2/``: one line
``SIZE MD5 URL`` per file, three files per 15-minute UTC slot (``YYYYMMDDHHMMSS.export.CSV.zip``,
``.mentions.CSV.zip``, ``.gkg.csv.zip``); only the ``export`` files hold events. The first slot is
2015-02-18 23:00 UTC.

GDELT 1.0 publishes, under ``http://data.gdeltproject.org/events/``, ``filesizes`` (``SIZE NAME``),
``md5sums`` (``MD5  NAME``, md5sum's own layout) and ``index.html`` (links). Its files are one zip a
year for 1979-2005 (``YYYY.zip``), one a month for 2006-01..2013-03 (``YYYYMM.zip``) and one a day
from 2013-04-01 (``YYYYMMDD.export.CSV.zip``).

Everything here is UTC and computed on naive UTC arithmetic: a 15-minute slot grid never meets
a daylight-saving jump, so every day has exactly 96 slots.

Internal: the list parsing and actor filter under :func:`detente.fetch.fetch_gdelt`; not part of the Python API.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

__all__: list[str] = []

V2_BASE = "http://data.gdeltproject.org/gdeltv2/"
V1_BASE = "http://data.gdeltproject.org/events/"
V2_FIRST_SLOT = datetime(2015, 2, 18, 23, 0, tzinfo=UTC)
V1_FIRST_DAILY = date(2013, 4, 1)
V1_FIRST_MONTHLY = date(2006, 1, 1)
V1_FIRST_YEAR = 1979
SLOT = timedelta(minutes=15)

_V2_EXPORT = re.compile(r"^(\d{14})\.export\.CSV\.zip$", re.IGNORECASE)
_V1_DAILY = re.compile(r"^(\d{8})\.export\.CSV\.zip$", re.IGNORECASE)
_V1_MONTHLY = re.compile(r"^(\d{6})\.zip$")
_V1_YEARLY = re.compile(r"^(\d{4})\.zip$")
_MD5 = re.compile(r"^[0-9a-fA-F]{32}$")


@dataclass(frozen=True)
class FileEntry:
    """One event file as the list describes it."""

    name: str  # base name, e.g. 20210328000000.export.CSV.zip
    url: str
    size: int | None  # bytes, None when the list gives none
    md5: str | None  # lower-case hex, None when the list gives none
    key: str  # the slot it covers: YYYYMMDDHHMMSS (2.0), YYYYMMDD / YYYYMM / YYYY (1.0)


@dataclass
class FileList:
    """Files in the requested range, expected slots absent from the list, and lines that did not parse."""

    entries: list[FileEntry]
    expected: list[str]
    missing: list[str]
    malformed: list[str]


def join(base: str, name: str) -> str:
    return base.rstrip("/") + "/" + name


def _utc_range(start: date, end: date) -> tuple[datetime, datetime]:
    lo = datetime(start.year, start.month, start.day, tzinfo=UTC)
    hi = datetime(end.year, end.month, end.day, tzinfo=UTC) + timedelta(days=1)
    return lo, hi


def v2_slots(start: date, end: date) -> list[str]:
    """Every 15-minute UTC slot (YYYYMMDDHHMMSS) from ``start`` 00:00 to ``end`` 23:45 within GDELT 2.0."""
    lo, hi = _utc_range(start, end)
    t = max(lo, V2_FIRST_SLOT)
    out = []
    while t < hi:
        out.append(t.strftime("%Y%m%d%H%M%S"))
        t += SLOT
    return out


def v1_keys(start: date, end: date) -> list[str]:
    """The GDELT 1.0 files (by key) that cover ``start``..``end``: years, then months, then days."""
    out: list[str] = []
    for y in range(max(start.year, V1_FIRST_YEAR), min(end.year, V1_FIRST_MONTHLY.year - 1) + 1):
        out.append(f"{y:04d}")
    m = date(max(start, V1_FIRST_MONTHLY).year, max(start, V1_FIRST_MONTHLY).month, 1)
    while m < V1_FIRST_DAILY and m <= end:
        out.append(m.strftime("%Y%m"))
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    d = max(start, V1_FIRST_DAILY)
    while d <= end:
        out.append(d.strftime("%Y%m%d"))
        d += timedelta(days=1)
    return out


def v1_key(name: str) -> str | None:
    for rx in (_V1_DAILY, _V1_MONTHLY, _V1_YEARLY):
        m = rx.match(name)
        if m:
            return m.group(1)
    return None


def check_list(text: str, url: str, layout: str, error: type[Exception] | None = None) -> None:
    """Refuse, with one line, a list file that is not one: an HTML page (a portal, a login or error page),
    or text in which no line has the list's layout (``SIZE MD5 URL`` or ``SIZE NAME`` / ``MD5  NAME``)."""
    from detente.errors import UserError

    UserError = error or UserError  # noqa: N806 (the caller's error class)
    head = text.lstrip()[:512].lower()
    first = text.strip().split("\n", 1)[0][:80]
    if head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body")) or "<html" in head:
        raise UserError(f"{url} is an HTML page, not a GDELT file list ({layout} lines); check --base-url "
                        "(a proxy or portal may have answered instead)")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise UserError(f"{url} is empty, not a GDELT file list ({layout} lines); check --base-url")
    want = {"SIZE MD5 URL": re.compile(r"^\s*\d+\s+[0-9a-fA-F]{32}\s+\S+\s*$"),
            "SIZE NAME": re.compile(r"^\s*\d+\s+\S+\s*$"),
            "MD5  NAME": re.compile(r"^\s*[0-9a-fA-F]{32}\s+\*?\S+\s*$")}[layout]
    if not any(want.match(ln) for ln in lines[:1000]):
        raise UserError(f"{url} is not a GDELT file list: none of its first lines reads {layout} (first: "
                        f"{first!r}); check --base-url")


def parse_master_v2(lines: Iterable[str], start: date, end: date, base_url: str | None = None) -> FileList:
    """Export files of ``masterfilelist.txt`` lines within ``start``..``end`` (UTC), and the slots it lacks.

    With ``base_url`` each file is fetched from that mirror (its base name joined to it) instead of the
    URL the list gives.
    """
    expected = v2_slots(start, end)
    lo = expected[0] if expected else "99999999999999"
    hi = expected[-1] if expected else "00000000000000"
    entries: dict[str, FileEntry] = {}
    malformed: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or ".export." not in line.lower():
            continue
        parts = line.split()
        url = parts[-1]
        name = url.rsplit("/", 1)[-1]
        m = _V2_EXPORT.match(name)
        if not m:
            malformed.append(line)
            continue
        key = m.group(1)
        if not (lo <= key <= hi):
            continue
        size = md5 = None
        for p in parts[:-1]:
            if _MD5.match(p):
                md5 = p.lower()
            elif p.isdigit():
                size = int(p)
        if size is None or md5 is None:
            malformed.append(line)
        entries[key] = FileEntry(name, join(base_url, name) if base_url else url, size, md5, key)
    present = set(entries)
    return FileList(
        entries=[entries[k] for k in sorted(entries)],
        expected=expected,
        missing=[k for k in expected if k not in present],
        malformed=malformed,
    )


def _pairs(text: str, want_md5: bool) -> Iterator[tuple[str, str] | str]:
    for raw in text.splitlines():
        parts = raw.strip().lstrip("*").split()
        if not parts:
            continue
        name = next((p.lstrip("*") for p in parts if "." in p and not p.replace(".", "").isdigit()), None)
        value = next((p for p in parts if (_MD5.match(p) if want_md5 else p.isdigit())), None)
        if name is None or value is None:
            yield raw.strip()
        else:
            yield name.rsplit("/", 1)[-1], value


def index_names(html: str) -> list[str]:
    """Event file names linked from GDELT 1.0's ``events/index.html``."""
    names = re.findall(r"""href\s*=\s*["']?([^"' >]+)""", html, flags=re.IGNORECASE)
    return [n.rsplit("/", 1)[-1] for n in names if v1_key(n.rsplit("/", 1)[-1])]


def parse_v1(
    filesizes: str | None,
    md5sums: str | None,
    start: date,
    end: date,
    base_url: str = V1_BASE,
    index_html: str | None = None,
) -> FileList:
    """GDELT 1.0 files covering ``start``..``end`` from ``filesizes`` + ``md5sums`` (+ ``index.html``)."""
    sizes: dict[str, int] = {}
    md5s: dict[str, str] = {}
    malformed: list[str] = []
    for item in _pairs(filesizes or "", want_md5=False):
        if isinstance(item, str):
            malformed.append(item)
        else:
            sizes[item[0]] = int(item[1])
    for item in _pairs(md5sums or "", want_md5=True):
        if isinstance(item, str):
            malformed.append(item)
        else:
            md5s[item[0]] = item[1].lower()
    names = set(sizes) | set(md5s) | set(index_names(index_html or ""))
    expected = v1_keys(start, end)
    want = set(expected)
    entries: dict[str, FileEntry] = {}
    for n in names:
        k = v1_key(n)
        if k in want:
            entries[k] = FileEntry(n, join(base_url, n), sizes.get(n), md5s.get(n), k)
    return FileList(
        entries=[entries[k] for k in expected if k in entries],
        expected=expected,
        missing=[k for k in expected if k not in entries],
        malformed=malformed,
    )


def slot_ranges(keys: Sequence[str], limit: int = 8) -> str:
    """'a..b (n)' runs of consecutive missing keys, for a one-line report."""
    if not keys:
        return ""
    runs: list[list[str]] = [[keys[0]]]
    for k in keys[1:]:
        runs[-1].append(k) if _next(runs[-1][-1]) == k else runs.append([k])
    parts = [r[0] if len(r) == 1 else f"{r[0]}..{r[-1]} ({len(r)})" for r in runs[:limit]]
    if len(runs) > limit:
        parts.append(f"... {len(runs) - limit} more runs")
    return ", ".join(parts)


def _next(key: str) -> str | None:
    fmt = {14: "%Y%m%d%H%M%S", 8: "%Y%m%d"}.get(len(key))
    if not fmt:
        return None
    step = SLOT if len(key) == 14 else timedelta(days=1)
    return (datetime.strptime(key, fmt) + step).strftime(fmt)


# -- actor filter --------------------------------------------------------------------------
# 0-based columns, the same in GDELT 1.0 and 2.0 event files
ACTOR1_CODE, ACTOR1_COUNTRY, ACTOR2_CODE, ACTOR2_COUNTRY = 5, 7, 15, 17


def keep_row(fields: list[bytes], actors: frozenset[bytes]) -> bool:
    """True when either actor's country code, or the first 3 letters of its code, is in ``actors``.

    A row too short to tell is kept so that the reader quarantines it: never dropped silently.
    """
    if len(fields) <= ACTOR2_COUNTRY:
        return True
    return (
        fields[ACTOR1_COUNTRY] in actors
        or fields[ACTOR2_COUNTRY] in actors
        or fields[ACTOR1_CODE][:3] in actors
        or fields[ACTOR2_CODE][:3] in actors
    )


def filter_zip(src: Path, dst: Path, actors: Iterable[str]) -> tuple[int, int]:
    """Copy the zip ``src`` to ``dst`` keeping only rows involving ``actors``; (rows read, rows kept).

    Streams line by line (flat memory whatever the member's size) through the decompression limits of
    ``detente.limits``; ``dst`` is deterministic (fixed member timestamp, stored), so the same filter on
    the same file gives the same bytes and the store recognises it as already ingested.
    """
    from detente import limits
    from detente.sources.delimited import open_zip_member

    want = frozenset(a.strip().upper().encode() for a in actors if a.strip())
    read = kept = 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    member = open_zip_member(src)
    info = zipfile.ZipInfo(member.name, date_time=(1980, 1, 1, 0, 0, 0))
    try:
        with limits.limited(member, f"{src.name} (zip)", src.stat().st_size) as fh, \
                zipfile.ZipFile(dst, "w", compression=zipfile.ZIP_STORED) as zout, \
                zout.open(info, "w", force_zip64=True) as out:
            for line in fh:
                read += 1
                if keep_row(line.rstrip(b"\r\n").split(b"\t"), want):
                    kept += 1
                    out.write(line)
    except BaseException:
        dst.unlink(missing_ok=True)
        raise
    return read, kept
