"""Named interstate events ("the Pulwama attack", "the 44-day war", "the Abraham Accords") -> dated events.

The curated list ships as ``detente/data/gazetteer.yaml`` (about 150 major interstate events 2018-2024 that
analysts refer to by name, each with date, actors and a public citation).  :func:`find` locates event names in
running text and returns spans; generic references ("the invasion", "the war", "the 2020 war") resolve only
when the text's actors pick one event; a capitalised name such as "the Zangezur Summit" that is in no entry is
returned as *unresolved* so the caller can report it instead of silently ignoring it.  Format and sources:
docs/actors.md ("Named events").

Examples
--------
>>> ev = lookup("Abraham Accords")
>>> ev.date.isoformat(), sorted(ev.actors)[:2]
('2020-09-15', ['ARE', 'BHR'])
>>> [(m.text, m.event.id) for m in find("Ties improved after the 44-day war.")]
[('the 44-day war', 'karabakh-war-2020')]
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from detente.actors import fold
from detente.errors import UserError

ENV_VAR = "DETENTE_GAZETTEER"
KINDS = ("war", "invasion", "offensive", "attack", "strike", "summit", "accord", "ceasefire", "coup", "election",
         "sanctions", "withdrawal", "crisis", "referendum", "treaty", "talks", "annexation", "normalisation",
         "protest", "incident", "assassination", "blockade", "membership", "other")
KEYS = {"id", "name", "aliases", "generic", "date", "end", "actors", "kind", "source", "url", "note", "flag"}
__all__ = ["ENV_VAR", "KINDS", "Event", "GazetteerError", "Match", "clear_caches", "events", "find", "get",
           "load_extra", "lookup", "parse", "unresolved"]

YEARS = (2018, 2024)  # the span the built-in list covers; entries outside it must carry `flag:`
# head nouns of event names: a capitalised phrase ending in one of these is a named event
HEADS = {"war", "wars", "invasion", "offensive", "attack", "attacks", "bombing", "bombings", "strike", "strikes",
         "summit", "accord", "accords", "agreement", "deal", "declaration", "treaty", "pact", "ceasefire",
         "truce", "armistice", "coup", "putsch", "election", "elections", "referendum", "sanctions", "crisis",
         "withdrawal", "massacre", "incident", "operation", "talks", "conference", "process", "protocol",
         "initiative", "blockade", "uprising", "revolution", "annexation", "escalation", "clashes", "raid",
         "assassination", "killing", "downing", "shootdown", "siege", "counteroffensive", "counter-offensive"}
_TOKEN = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?|\d+")
_LOWER_OK = {"of", "the", "and", "de", "al", "el", "for", "in", "on", "da", "du", "la", "le", "to", "a", "an"}


class GazetteerError(UserError):
    """The gazetteer YAML is malformed; the message names file:line, the entry and the problem."""


@dataclass(frozen=True)
class Event:
    """A named interstate event: id, name, aliases, date (and end), actors, kind and a public source."""

    id: str
    name: str
    aliases: tuple[str, ...]
    date: date
    end: date | None
    actors: tuple[str, ...]  # ISO3 codes, or IGO codes (NATO, EU) and NKR
    kind: str
    source: str
    url: str
    generic: tuple[str, ...] = ()  # phrases that denote it only when the text's actors agree ("the invasion")
    flag: str | None = None  # why an entry lies outside 2018-2024, or another caveat

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "aliases": list(self.aliases), "date": self.date.isoformat(),
                "end": self.end.isoformat() if self.end else None, "actors": list(self.actors), "kind": self.kind,
                "source": self.source, "url": self.url}


@dataclass(frozen=True)
class Match:
    """An event name found in text: its span, the text, and ``status`` (resolved, ambiguous or unresolved) with
    the event."""

    start: int
    end: int
    text: str
    status: str  # "resolved" | "ambiguous" | "unresolved"
    event: Event | None = None
    candidates: tuple[Event, ...] = field(default=())

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "status": self.status,
                "event": self.event.id if self.event else None, "candidates": [e.id for e in self.candidates]}


# -- loading -----------------------------------------------------------------------------------------
class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Dates stay text (our own error for a bad date); mappings remember their line."""


_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    d = loader.construct_mapping(node, deep=True)
    d["__line__"] = node.start_mark.line + 1
    return d


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _date(v: object, where: str, key: str) -> date:
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        raise GazetteerError(f"{where}: `{key}: {v}` is not a date; write YYYY-MM-DD") from None


def parse(text: str, path: str) -> list[Event]:
    """Validate gazetteer YAML text; errors are one line: ``path:LINE: entry: problem; what to do``.

    Parameters
    ----------
    text
        YAML with ``events:``, a list of entries with ``id``, ``name``, ``date``, ``actors``, ``kind``, ``source``
        and ``url`` (optionally ``aliases``, ``generic``, ``end``, ``note``, ``flag``).
    path
        The file name shown in errors.

    Returns
    -------
    list of Event

    Raises
    ------
    GazetteerError
        An invalid entry.

    Examples
    --------
    >>> text = ("events:\\n- {id: sevan-summit-2022, name: Sevan Summit, date: 2022-05-01, actors: [ARM, GEO], "
    ...         "kind: summit, source: Example, url: 'https://example.org/sevan'}\\n")
    >>> [(e.id, e.date.isoformat(), e.actors) for e in parse(text, "mine.yaml")]
    [('sevan-summit-2022', '2022-05-01', ('ARM', 'GEO'))]
    >>> parse("events:\\n- {id: sevan, name: Sevan Summit}\\n", "mine.yaml")
    Traceback (most recent call last):
    ...
    detente.gazetteer.GazetteerError: mine.yaml:2: sevan: `date` is missing; every entry needs id, name, date, actors, kind, source and url
    """
    from detente import yamlsafe

    yamlsafe.check(text, path)  # size and alias-expansion limits (one-line LimitError)
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise GazetteerError(f"{path}:{mark.line + 1 if mark else '?'}: not valid YAML "
                             f"({getattr(e, 'problem', e)}); fix the syntax") from None
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise GazetteerError(f"{path}:1: the top level must be a mapping with `events:` (a list of entries)")
    known = _known_codes()
    out: list[Event] = []
    seen: dict[str, str] = {}
    for e in data["events"]:
        if not isinstance(e, dict):
            raise GazetteerError(f"{path}: every entry under `events:` must be a mapping (`- id: ...`)")
        where = f"{path}:{e.get('__line__', '?')}: {e.get('id', '?')}"
        e = {k: v for k, v in e.items() if k != "__line__"}
        unknown = set(e) - KEYS
        if unknown:
            raise GazetteerError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                                 f"allowed: {', '.join(sorted(KEYS))}")
        for k in ("id", "name", "date", "actors", "kind", "source", "url"):
            if not e.get(k):
                raise GazetteerError(f"{where}: `{k}` is missing; every entry needs id, name, date, actors, kind, "
                                     "source and url")
        eid = str(e["id"])
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", eid):
            raise GazetteerError(f"{where}: `id` must be lower-case words joined by '-', got {eid!r}")
        if eid in seen:
            raise GazetteerError(f"{where}: id {eid!r} is also used at {seen[eid]}; ids must be unique")
        seen[eid] = where
        d = _date(e["date"], where, "date")
        end = _date(e["end"], where, "end") if e.get("end") else None
        if end and end < d:
            raise GazetteerError(f"{where}: `end` {end} is before `date` {d}; swap or correct them")
        if not (YEARS[0] <= d.year <= YEARS[1]) and not e.get("flag"):
            raise GazetteerError(f"{where}: date {d} is outside {YEARS[0]}-{YEARS[1]}; add `flag:` saying why "
                                 "the entry is kept")
        acts = e["actors"]
        if not isinstance(acts, list) or not all(isinstance(a, str) and re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", a)
                                                  for a in acts):
            raise GazetteerError(f"{where}: `actors` must be a list of upper-case codes such as [RUS, UKR]")
        for a in acts:
            if a not in known:
                raise GazetteerError(f"{where}: actor {a!r} is not an ISO3 or dictionary code; see docs/actors.md")
        if e["kind"] not in KINDS:
            raise GazetteerError(f"{where}: kind {e['kind']!r} is not one of {', '.join(KINDS)}")
        if not str(e["url"]).startswith("https://"):
            raise GazetteerError(f"{where}: `url` must be an https:// address of a public reference")
        names = []
        for k in ("aliases", "generic"):
            v = e.get(k) or []
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                raise GazetteerError(f"{where}: `{k}` must be a list of phrases")
            names.append(tuple(x.strip() for x in v))
        out.append(Event(eid, str(e["name"]).strip(), names[0], d, end, tuple(acts), str(e["kind"]),
                         str(e["source"]).strip(), str(e["url"]).strip(), names[1],
                         str(e["flag"]) if e.get("flag") else None))
    return out


@cache
def _known_codes() -> frozenset[str]:
    """ISO3 codes of countries.csv and the codes of the actor dictionary (NATO, EU, NKR, ...)."""
    from detente import actors

    return frozenset(actors.countries()) | {a.code for cands in actors._builtin().values() for _lo, _hi, a in cands}


_extra_paths: list[Path] = []


@cache
def events() -> tuple[Event, ...]:
    """All events: the built-in list, then files in ``$DETENTE_GAZETTEER`` (``:``-separated) and :func:`load_extra`.

    Returns
    -------
    tuple of Event
        In file order (the built-in list is in date order).

    Examples
    --------
    >>> evs = events()
    >>> evs[0].id, evs[0].date.isoformat()
    ('armenian-revolution-2018', '2018-04-13')
    >>> {e.kind for e in evs} <= set(KINDS), len({e.id for e in evs}) == len(evs)  # known kinds, unique ids
    (True, True)
    """
    text = resources.files("detente.data").joinpath("gazetteer.yaml").read_text(encoding="utf-8")
    out = list(parse(text, "gazetteer.yaml"))
    paths = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()] + _extra_paths
    for p in paths:
        try:
            out += parse(p.read_text(encoding="utf-8"), str(p))
        except OSError as e:
            raise GazetteerError(f"{p}: cannot read the gazetteer ({e.strerror}); check ${ENV_VAR}") from None
    return tuple(out)


def load_extra(path: str | Path) -> int:
    """Add a user gazetteer file (same format); returns the number of entries read.

    Parameters
    ----------
    path
        A YAML file in the format of :func:`parse`.

    Returns
    -------
    int
        Entries read.

    Raises
    ------
    GazetteerError
        The file is unreadable or an entry is invalid.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "mine.yaml")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("events:\\n- {id: sevan-summit-2022, name: Sevan Summit, date: 2022-05-01, actors: [ARM, GEO], "
    ...                  "kind: summit, source: Example, url: 'https://example.org/sevan'}\\n")
    >>> from unittest import mock
    >>> with mock.patch(__name__ + "._extra_paths", []):  # keeps the example's entry out of this session
    ...     load_extra(path), get("sevan-summit-2022").name
    (1, 'Sevan Summit')
    >>> clear_caches()
    """
    p = Path(path)
    try:
        n = len(parse(p.read_text(encoding="utf-8"), str(p)))
    except OSError as e:
        raise GazetteerError(f"{p}: cannot read the gazetteer ({e.strerror})") from None
    _extra_paths.append(p)
    clear_caches()
    return n


def clear_caches() -> None:
    """Forget the loaded events (after changing ``$DETENTE_GAZETTEER``); the next lookup reads them again.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {ENV_VAR: ""}):
    ...     clear_caches()
    ...     get("karabakh-war-2020").kind
    'war'
    >>> clear_caches()
    """
    for f in (events, _index, _by_id):
        f.cache_clear()


@cache
def _by_id() -> dict[str, Event]:
    return {e.id: e for e in events()}


def get(event_id: str) -> Event:
    """The event with this id; UserError naming close ids if there is none.

    Parameters
    ----------
    event_id
        An entry's ``id``.

    Returns
    -------
    Event

    Raises
    ------
    GazetteerError
        No such id (the message suggests ids that share its first word).

    Examples
    --------
    >>> ev = get("karabakh-war-2020")
    >>> ev.name, ev.date.isoformat(), ev.end.isoformat(), ev.actors
    ('Second Nagorno-Karabakh War', '2020-09-27', '2020-11-10', ('AZE', 'ARM', 'NKR'))
    >>> get("karabakh-war")
    Traceback (most recent call last):
    ...
    detente.gazetteer.GazetteerError: no event 'karabakh-war' in the gazetteer; did you mean karabakh-war-2020, ...?
    """
    try:
        return _by_id()[event_id]
    except KeyError:
        close = [i for i in _by_id() if event_id.split("-")[0] in i][:5]
        raise GazetteerError(f"no event {event_id!r} in the gazetteer" +
                             (f"; did you mean {', '.join(close)}?" if close else "")) from None


# -- matching ----------------------------------------------------------------------------------------
def _key(tok: str) -> str:
    k = fold(tok).replace("’", "'")
    return k[:-2] if k.endswith("'s") and len(k) > 4 else k


def _phrase(text: str) -> tuple[str, ...]:
    toks = tuple(_key(t) for t in _TOKEN.findall(text))
    return toks[1:] if toks[:1] == ("the",) else toks


@cache
def _index() -> tuple[dict[str, list[tuple[tuple[str, ...], tuple[Event, ...], bool]]], int]:
    """first token -> [(phrase, events, generic)], longest first; and the longest phrase length."""
    table: dict[tuple[tuple[str, ...], bool], list[Event]] = {}
    for ev in events():
        for n in (ev.name, *ev.aliases):
            p = _phrase(n)
            if p and ev not in table.setdefault((p, False), []):
                table[(p, False)].append(ev)
        for n in ev.generic:
            p = _phrase(n)
            if p and ev not in table.setdefault((p, True), []):
                table[(p, True)].append(ev)
    out: dict[str, list] = {}
    for (p, generic), evs in table.items():
        out.setdefault(p[0], []).append((p, tuple(evs), generic))
    for v in out.values():
        v.sort(key=lambda x: (-len(x[0]), x[2]))  # longest first; a specific name before a generic one
    return out, max((len(p) for p, _g in table), default=1)


def _choose(evs: tuple[Event, ...], actors: frozenset[str], on: date | None, year: int | None,
            generic: bool) -> tuple[Event, ...]:
    cands = [e for e in evs if on is None or e.date <= on]
    if year is not None:
        cands = [e for e in cands if e.date.year <= year <= (e.end or e.date).year]
    if generic or len(cands) > 1:
        # generic phrases need the text's actors: keep the events whose actors the text names most fully
        scored = [(len(actors & set(e.actors)), e) for e in cands]
        need = 1 if not generic else 2
        scored = [(s, e) for s, e in scored if s >= min(need, len(e.actors))]
        if generic and not actors:
            return ()
        best = max((s for s, _ in scored), default=0)
        cands = [e for s, e in scored if s == best]
        if len(cands) > 1 and on is not None:  # the most recent before the publication date
            latest = max(e.date for e in cands)
            cands = [e for e in cands if e.date == latest]
    return tuple(cands)


def lookup(name: str, actors: tuple[str, ...] | list[str] = (), on: date | None = None) -> Event | None:
    """The event a name denotes (exact name or alias, case- and accent-insensitive), or None.

    Generic phrases ("the invasion") need ``actors``; ``on`` drops events after that date.

    Examples
    --------
    >>> lookup("the Pulwama attack").date.isoformat()
    '2019-02-14'
    >>> lookup("the invasion", actors=["RUS", "UKR"]).id
    'russian-invasion-of-ukraine'
    >>> lookup("the invasion") is None
    True
    """
    p = _phrase(name)
    if not p:
        return None
    idx, _ = _index()
    tries = [(p, None)]
    if p[0].isdigit() and len(p[0]) == 4 and len(p) > 1:  # "the 2020 war": the year narrows a shorter phrase
        tries.append((p[1:], int(p[0])))
    for q, year in tries:
        for phrase, evs, generic in idx.get(q[0], ()):
            if phrase == q:
                got = _choose(evs, frozenset(actors), on, year, generic)
                if len(got) == 1:
                    return got[0]
    return None


def _proper(tok: str) -> bool:
    return tok[:1].isupper() or tok[:1].isdigit()


def find(text: str, actors: tuple[str, ...] | list[str] = (), on: date | None = None) -> list[Match]:
    """Named-event mentions in running text, left to right, as :class:`Match` (span, status, event).

    ``actors``: ISO3 codes the text is about (they pick the event a generic phrase such as "the invasion"
    or "the ceasefire" means); ``on``: the publication date (later events are not candidates).  A year
    before a phrase narrows it ("the 2020 war").  Capitalised names ending in an event noun that match no
    entry ("the Zangezur Summit") come back with status ``unresolved``; several equally good events,
    ``ambiguous``.

    Examples
    --------
    >>> [(m.text, m.status) for m in find("Since the invasion, and after the Zangezur Summit", ["RUS", "UKR"])]
    [('the invasion', 'resolved'), ('the Zangezur Summit', 'unresolved')]
    """
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    keys = [_key(t[2]) for t in toks]
    idx, _longest = _index()
    ctx = frozenset(actors)
    out: list[Match] = []
    i = 0
    n_toks = len(toks)
    while i < n_toks:
        k0 = keys[i]
        if k0 not in idx and k0 != "the" and k0 != "operation" and not (k0.isdigit() and len(k0) == 4):
            i += 1  # fast path: most words start no event name
            continue
        start_i = i + 1 if k0 == "the" else i
        if start_i >= len(toks):
            break
        j, year = start_i, None
        if keys[j].isdigit() and len(keys[j]) == 4 and 1900 < int(keys[j]) < 2100 and j + 1 < len(toks):
            year, j = int(keys[j]), j + 1
        hit = None
        for p0 in dict.fromkeys((start_i, j)):
            for phrase, evs, generic in idx.get(keys[p0], ()):
                n = len(phrase)
                if tuple(keys[p0:p0 + n]) != phrase:
                    continue
                if not generic and n == 1 and not _proper(toks[p0][2]):
                    continue  # a one-word name is capitalised ("Brexit"); longer ones may not be ("war in Donbas")
                got = _choose(evs, ctx, on, year if p0 == j else None, generic)
                hit = (p0 + n, got, evs)  # a generic phrase no event fits is reported, with its candidates
                break
            if hit:
                break
        if hit:
            end_i, got, evs = hit
            s, e = toks[i][0], toks[end_i - 1][1]
            status = "resolved" if len(got) == 1 else ("ambiguous" if got else "unresolved")
            out.append(Match(s, e, text[s:e], status, got[0] if len(got) == 1 else None,
                             got if len(got) > 1 else (evs if not got else ())))
            i = end_i
            continue
        # an unknown capitalised name ending in an event noun: "the Zangezur Summit", "Operation Sindoor"
        k, found = start_i, False
        if keys[k] == "operation" and toks[k][2][0].isupper() and k + 1 < len(toks) and _proper(toks[k + 1][2]):
            k, found = k + 1, True
        while not found and keys[i] == "the" and k < len(toks) and k - start_i < 6:  # "the <Name> <Noun>" only
            t = toks[k][2]
            if k > start_i and keys[k] in HEADS and t[:1].isupper():
                found = True
                break
            if not (_proper(t) or (k > start_i and keys[k] in _LOWER_OK)):
                break
            k += 1
        if found:
            s, e = toks[i][0], toks[k][1]
            out.append(Match(s, e, text[s:e], "unresolved"))
            i = k + 1
        else:
            i += 1
    return out


def unresolved(text: str, actors: tuple[str, ...] | list[str] = (), on: date | None = None) -> list[str]:
    """Event names in the text that the gazetteer cannot pin down (unresolved or ambiguous), for reporting.

    Parameters
    ----------
    text
        Running text.
    actors, on
        As in :func:`find`: the text's actors and date, which pick one event for a generic reference.

    Returns
    -------
    list of str
        The names as written.

    Examples
    --------
    >>> unresolved("Leaders met at the Zangezur Summit after the 44-day war.")
    ['the Zangezur Summit']
    """
    return [m.text for m in find(text, actors, on) if m.status != "resolved"]
