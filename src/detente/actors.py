"""Names, codes, leaders and demonyms -> actors (ISO3 + CAMEO sector), offline and time-aware.

Reference data ship in ``detente/data/``: ``countries.csv`` (ISO, COW, Gleditsch-Ward and CAMEO codes,
names, demonyms, capitals), ``sectors.tsv`` (ICEWS sector words -> CAMEO agent codes) and
``actors.yaml`` (leaders by term, the Nagorno-Karabakh de facto authorities as ``NKR``, IGOs, places).
Users add entries with ``$DETENTE_ACTORS`` or :func:`load_extra`.  Method and choices: docs/actors.md.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import yaml

from detente.errors import UserError

ENV_VAR = "DETENTE_ACTORS"
ENTRY_KEYS = {"names", "code", "country", "sector", "from", "to", "role", "source", "note"}
NOT_ACTORS = "not_actors"  # dictionary section: a plain list of names that stand for no actor in running text
# Successor states for codes of states that no longer exist in the COW / GW lists.
__all__ = ["ENV_VAR", "Actor", "ActorDictError", "clear_caches", "countries", "fold", "from_cow", "from_gw",
           "from_iso2", "iso3", "load_extra", "match_in_text", "resolution_rows", "resolve", "sector_of"]

HISTORIC_COW = {260: "DEU", 255: "DEU", 345: "SRB", 678: "YEM"}
HISTORIC_GW = {260: "DEU", 255: "DEU", 345: "SRB", 340: "SRB", 678: "YEM", 816: "VNM", 815: "VNM"}
# Function words allowed in lower case inside a name found in running text ("Republic of Artsakh").
_LOWER_OK = {"of", "the", "and", "de", "al", "el", "for", "in", "on", "da", "du", "des", "la", "le", "y", "bin", "ibn", "oglu"}


@dataclass(frozen=True)
class Actor:
    """What a name resolves to: a code (ISO3, NKR, or an IGO such as NATO), its country and CAMEO sector."""

    code: str  # ISO3 for states, NKR for the Nagorno-Karabakh de facto authorities, IGO code (UNO, NATO, EU, ...)
    country: str | None  # ISO3 / NKR; None for IGOs
    sector: str | None  # CAMEO agent code: GOV, MIL, COP, JUD, LEG, OPP, BUS, MED, CVL, REB, ...
    name: str

    def as_dict(self) -> dict:
        return asdict(self)


Candidate = tuple[date | None, date | None, Actor]


class ActorDictError(UserError):
    """An actor dictionary (YAML) entry is malformed; the message names the file, entry and problem."""


# -- normalisation -----------------------------------------------------------------------------------
@lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive key: 'Erdoğan' -> 'erdogan', ' U.S. ' -> 'u.s.'.

    Examples
    --------
    >>> fold("Erdoğan"), fold(" U.S. ")
    ('erdogan', 'u.s.')
    """
    if text.isascii():
        return " ".join(text.casefold().split()).strip(" \t,;:")
    s = unicodedata.normalize("NFKD", text.replace("’", "'").replace("ı", "i"))
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    return " ".join(s.split()).strip(" \t,;:")


_Safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when PyYAML has it (8x faster)


class _Loader(_Safe):  # type: ignore[misc,valid-type]
    """SafeLoader that leaves dates as text, so a bad date gets our error message, not a traceback."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read(name: str) -> str:
    return resources.files("detente.data").joinpath(name).read_text(encoding="utf-8")


# -- reference tables --------------------------------------------------------------------------------
@cache
def countries() -> dict[str, dict]:
    """ISO3 -> row of countries.csv (iso3, iso2, cameo, cow, cow_abb, gw, gw_abb, name, sovereignty, aliases, ...).

    Examples
    --------
    >>> row = countries()["ARM"]
    >>> row["name"], row["cow"], row["gw"]
    ('Armenia', '371', '371')
    """
    out = {}
    for r in csv.DictReader(_read("countries.csv").splitlines()):
        for k in ("aliases", "demonyms", "capitals"):
            r[k] = [x for x in r[k].split("|") if x]
        out[r["iso3"]] = r
    return out


@cache
def cameo_iso3() -> dict[str, str]:
    """Every CAMEO country code -> the ISO3 code the store keeps (GDELT's country codes are ISO3 but for a few
    CAMEO ones): each ISO3 code to itself, then each country's CAMEO code, which never takes another's ISO3.

    Examples
    --------
    >>> m = cameo_iso3()
    >>> m["ARM"], m["TMP"], m["KSV"], sorted((c, i) for c, i in m.items() if c != i)
    ('ARM', 'TLS', 'XKX', [('KSV', 'XKX'), ('TMP', 'TLS')])
    """
    out = {iso: iso for iso in countries()}
    for iso, r in countries().items():
        if r.get("cameo"):
            out.setdefault(r["cameo"], iso)
    return out


@cache
def _codes() -> dict[str, str]:
    """Exact, case-sensitive code -> ISO3, by priority: ISO3 > CAMEO > ISO2 > COW abbrev > GW abbrev."""
    out: dict[str, str] = {}
    for col in ("iso3", "cameo", "iso2", "cow_abb", "gw_abb"):
        for iso, r in countries().items():
            if r[col]:
                out.setdefault(r[col], iso)
    return out


@cache
def _country_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for iso, r in countries().items():
        for n in [r["name"], *r["aliases"], *r["demonyms"], *r["capitals"]]:
            out.setdefault(fold(n), iso)
    for iso, r in countries().items():
        out[fold(r["name"])] = iso  # a display name always wins
    return out


@cache
def _first_words() -> frozenset[str]:
    """First words of every country name and dictionary name (cheap filter before prefix matching)."""
    keys = list(_country_names()) + list(_builtin()) + list(_extra())
    return frozenset(k.split(" ")[0] for k in keys)


@cache
def _sector_words() -> dict[str, str]:
    rows = [line.split("\t") for line in _read("sectors.tsv").splitlines()[2:] if line.strip()]
    return {fold(w): s.strip() for w, s in rows}


_SECTOR_KEYWORDS = [(re.compile(p, re.I), s) for p, s in (
    (r"intelligen|\bspy\b|secret (agent|service)", "SPY"),
    (r"police|gendarm|border (guard|patrol)", "COP"),
    (r"militar|\barmy\b|\bnav(y|al)\b|air force|armed force|soldier|troop|defen[cs]e (minist|force)", "MIL"),
    (r"court|judge|judicia|prosecut|attorney|lawyer|justice", "JUD"),
    (r"parliament|legislat|senat|congress|assembly|duma|lawmaker", "LEG"),
    (r"opposition|dissident", "OPP"),
    (r"rebel|insurg|militant|guerr?il|terror|militia|jihad", "REB"),
    (r"separatis", "SEP"),
    (r"minist|department|government|official|commission|authorit|council|agency|bureau|secretar|cabinet"
     r"|governor|mayor|president|envoy|diplomat|ambassador|consul|embass|spokes", "GOV"),
    (r"\bparty\b|parties", "PTY"),
    (r"media|news|journalis|press|reporter|radio|television|\btv\b|broadcast", "MED"),
    (r"business|company|firm|bank|\bcorp|industr|airline|enterprise", "BUS"),
    (r"student|school|universit|professor|academ|educat|scholar|scien", "EDU"),
    (r"church|relig|cleric|muslim|christian|bishop|priest|imam|rabbi|monk", "REL"),
    (r"criminal|gang|thief|smuggl|murder|kidnap|traffick", "CRM"),
    (r"health|medical|hospital|doctor|nurse", "HLH"),
    (r"refugee|displaced|asylum", "REF"),
    (r"union|labou?r|worker|employee", "LAB"),
    (r"citizen|people|population|women|\bmen\b|children|villager|resident|civilian|protester|activist", "CVL"),
)]


@lru_cache(maxsize=1 << 14)
def sector_of(word: str) -> str | None:
    """CAMEO agent code for an ICEWS sector word, by table then keyword; None when neither knows it.

    Examples
    --------
    >>> sector_of("Foreign Affairs")
    'GOV'
    """
    hit = _sector_words().get(fold(word))
    if hit:
        return hit
    for rx, sector in _SECTOR_KEYWORDS:
        if rx.search(word):
            return sector
    return None


# -- the YAML dictionary -----------------------------------------------------------------------------
def _as_date(value: object, where: str, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ActorDictError(f"{where}: `{key}: {value}` is not a date; write YYYY-MM-DD") from None


def parse_dictionary(data: object, path: str) -> list[tuple[str, Candidate]]:
    """Validate a YAML actor dictionary; return (name, candidate) pairs.  Errors name path, entry, problem."""
    if not isinstance(data, dict):
        raise ActorDictError(f"{path}: the top level must be a mapping of sections (e.g. `leaders:`) to lists of "
                             "entries; see docs/actors.md")
    if data.get("version", 1) != 1:
        raise ActorDictError(f"{path}: version {data['version']!r} is not supported; write `version: 1`")
    known = countries()
    out: list[tuple[str, Candidate]] = []
    for section, entries in data.items():
        if section in ("version", NOT_ACTORS):
            continue
        if not isinstance(entries, list):
            raise ActorDictError(f"{path}: section `{section}` must be a list of entries (`- names: [...]`)")
        for i, e in enumerate(entries):
            where = f"{path}: {section}[{i}]"
            if not isinstance(e, dict):
                raise ActorDictError(f"{where}: an entry must be a mapping with `names` and `code`")
            names = e.get("names")
            if isinstance(names, str):
                names = [names]
            if not names or not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                raise ActorDictError(f"{where}: `names` must be a non-empty list of names")
            where = f"{where} ({names[0]})"
            unknown = set(e) - ENTRY_KEYS
            if unknown:
                raise ActorDictError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                                     f"allowed: {', '.join(sorted(ENTRY_KEYS))}")
            code = e.get("code")
            if not isinstance(code, str) or not re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", code):
                raise ActorDictError(f"{where}: `code` must be an upper-case code such as ARM, NKR or NATO, "
                                     f"got {code!r}")
            sector = e.get("sector")
            if sector is not None and (not isinstance(sector, str) or not re.fullmatch(r"[A-Z]{3}", sector)):
                raise ActorDictError(f"{where}: `sector` must be a 3-letter CAMEO agent code such as GOV or MIL, "
                                     f"got {sector!r}")
            country = e["country"] if "country" in e else (code if code in known or code == "NKR" else None)
            if country is not None and (not isinstance(country, str) or not re.fullmatch(r"[A-Z]{3}", country)):
                raise ActorDictError(f"{where}: `country` must be an ISO3 code or null, got {country!r}")
            lo, hi = _as_date(e.get("from"), where, "from"), _as_date(e.get("to"), where, "to")
            if lo and hi and lo > hi:
                raise ActorDictError(f"{where}: `from` {lo} is after `to` {hi}; swap or correct the dates")
            actor = Actor(code, country, sector, names[0].strip())
            out.extend((n.strip(), (lo, hi, actor)) for n in names)
    return out


def _index(pairs: list[tuple[str, Candidate]], path: str) -> dict[str, tuple[Candidate, ...]]:
    """name key -> periods sorted by start, same-actor neighbours merged; overlapping conflicts are errors."""
    by: dict[str, list[Candidate]] = {}
    for n, c in pairs:
        by.setdefault(fold(n), []).append(c)
    out = {}
    for k, cands in by.items():
        cands.sort(key=lambda c: c[0] or date.min)
        merged: list[Candidate] = []
        for lo, hi, a in cands:
            if merged:
                plo, phi, pa = merged[-1]
                overlaps = phi is None or lo is None or lo <= phi
                same = (pa.code, pa.country, pa.sector) == (a.code, a.country, a.sector)
                if overlaps and not same:
                    raise ActorDictError(
                        f"{path}: name {k!r} maps to {pa.code}/{pa.sector} and {a.code}/{a.sector} in overlapping "
                        f"periods ({plo}..{phi} and {lo}..{hi}); make the periods disjoint")
                if same and (overlaps or (phi and lo and (lo - phi).days <= 1)):
                    end = None if phi is None or hi is None else max(phi, hi)
                    merged[-1] = (plo, end, pa)
                    continue
            merged.append((lo, hi, a))
        out[k] = tuple(merged)
    return out


@cache
def _builtin_data() -> dict:
    return yaml.load(_read("actors.yaml"), Loader=_Loader)


@cache
def _builtin() -> dict[str, tuple[Candidate, ...]]:
    return _index(parse_dictionary(_builtin_data(), "actors.yaml"), "actors.yaml")


@cache
def _not_actors() -> tuple[str, ...]:
    """Names such as "Indian Ocean" or "Persian Gulf" that contain a state's name but stand for no actor."""
    names = _builtin_data().get(NOT_ACTORS) or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ActorDictError(f"actors.yaml: `{NOT_ACTORS}` must be a list of names")
    return tuple(names)


_extra_paths: list[Path] = []


def _load_yaml(path: Path) -> list[tuple[str, Candidate]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ActorDictError(f"{path}: cannot read the actor dictionary ({e.strerror}); check ${ENV_VAR}") from None
    from detente import yamlsafe

    yamlsafe.check(text, str(path))  # size and alias-expansion limits for a user file (one-line LimitError)
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f" line {mark.line + 1}" if mark else ""
        raise ActorDictError(f"{path}:{at}: not valid YAML ({getattr(e, 'problem', e)}); see docs/actors.md") from None
    return parse_dictionary(data, str(path))


@cache
def _extra() -> dict[str, tuple[Candidate, ...]]:
    paths = [Path(p) for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()] + _extra_paths
    pairs: list[tuple[str, Candidate]] = []
    for p in paths:
        pairs += _load_yaml(p)
    return _index(pairs, ", ".join(map(str, paths)) or "extra")


def load_extra(path: str | Path) -> int:
    """Add a user actor dictionary (same format as the built-in one); its entries win.  Returns entries read.

    Parameters
    ----------
    path
        A YAML file: ``version: 1`` and sections of entries with ``names`` and ``code`` (optionally ``country``,
        ``sector``, ``from``, ``to``); format in docs/actors.md. ``$DETENTE_ACTORS`` names such files too.

    Returns
    -------
    int
        Entries read.

    Raises
    ------
    ActorDictError
        The file is unreadable or an entry is invalid (the message names the file, entry and problem).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "mine.yaml")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("version: 1\\nbodies:\\n  - {names: [Lake Sevan Council], code: LSC, country: ARM}\\n")
    >>> from unittest import mock
    >>> with mock.patch(__name__ + "._extra_paths", []):  # keeps the example's entry out of this session
    ...     load_extra(path), resolve("Lake Sevan Council")
    (1, Actor(code='LSC', country='ARM', sector=None, name='Lake Sevan Council'))
    >>> clear_caches()
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("version: 1\\nbodies:\\n  - {names: [Lake Sevan Council], code: lsc}\\n")
    >>> load_extra(path)
    Traceback (most recent call last):
    ...
    detente.actors.ActorDictError: ...mine.yaml: bodies[0] (Lake Sevan Council): `code` must be an upper-case code such as ARM, NKR or NATO, got 'lsc'
    """
    p = Path(path)
    pairs = _load_yaml(p)  # validate (entries, then overlapping periods) before registering
    _index(pairs, str(p))
    n = len({id(c[2]) for _, c in pairs})
    _extra_paths.append(p)
    clear_caches()
    return n


def clear_caches() -> None:
    """Forget loaded user dictionaries' indexes (after changing $DETENTE_ACTORS).

    The next lookup re-reads ``$DETENTE_ACTORS`` and the files given to :func:`load_extra`.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "mine.yaml")
    >>> with open(path, "w") as fh:
    ...     _ = fh.write("version: 1\\nbodies:\\n  - {names: [Lake Sevan Council], code: LSC, country: ARM}\\n")
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {ENV_VAR: path}):
    ...     clear_caches()
    ...     resolve("Lake Sevan Council").code
    'LSC'
    >>> clear_caches()  # $DETENTE_ACTORS is back to what it was
    >>> resolve("Lake Sevan Council") is None
    True
    """
    for f in (_extra, _candidates, _phrases, _names_by_length, _first_words):  # _bags depend on countries.csv only
        f.cache_clear()


# -- resolution --------------------------------------------------------------------------------------
def _state(iso: str, sector: str | None = None) -> Actor:
    return Actor(iso, iso, sector, countries()[iso]["name"])


_PAREN = re.compile(r"^(.+?)\s*\((.+?)\)?\s*$")
_OF = re.compile(r"^(.+?)\s+of\s+(?:the\s+)?(.+)$", re.I)


def _exact(text: str) -> tuple[Candidate, ...]:
    k = fold(text)
    for idx in (_extra(), _builtin()):
        if k in idx:
            return idx[k]
    iso = _codes().get(text.strip())
    if iso:
        return ((None, None, _state(iso)),)
    if text.strip().isdigit():
        iso = from_cow(int(text))
        return ((None, None, _state(iso)),) if iso else ()
    iso = _country_names().get(k) or (_country_names().get(k[4:]) if k.startswith("the ") else None)
    return ((None, None, _state(iso)),) if iso else ()


# -- name forms of the converters (World Bank, UN M49, IMF, COW): word-set keys -------------------------
# Inverted ("Korea, Dem. People's Rep."), abbreviated ("DPR Korea", "D.R. Congo", "St Lucia"), parenthesised
# ("Iran (Islamic Republic of)", "Virgin Islands (U.S.)") and hyphenated forms all reduce to the same set of
# canonical words as a listed name; a set shared by two countries is no key.
_BAG_WORD = {"democratic": "dem", "demo": "dem", "republic": "rep", "repub": "rep", "peoples": "ppl",
             "people": "ppl", "federated": "fed", "federal": "fed", "federative": "fed", "sts": "states",
             "island": "islands", "is": "islands", "isl": "islands", "isls": "islands", "st": "saint",
             "ste": "saint", "sainte": "saint", "sint": "saint", "sar": "sar", "usa": "us", "kingdon": "kingdom"}
_BAG_SPLIT = {"dr": ("dem", "rep"), "dpr": ("dem", "ppl", "rep"), "pdr": ("ppl", "dem", "rep"),
              "pr": ("ppl", "rep"), "dprk": ("dem", "ppl", "rep", "korea"), "rok": ("rep", "korea")}
_BAG_DROP = frozenset({"the", "of", "and", "part", "et"})
# words that only say what kind of state it is: "Ethiopia, The Federal Democratic Republic of" -> Ethiopia
_DESIGNATION = frozenset({"rep", "dem", "ppl", "fed", "kingdom", "state", "islamic", "arab", "plurinational",
                          "bolivarian", "socialist", "principality", "commonwealth", "sultanate", "grand", "duchy",
                          "federation", "union", "united", "the", "of", "and", "states", "territory", "emirate",
                          "territorial", "collectivity"})
# ... of which these may be dropped from a whole name ("Republic of Guyana"); "democratic", "people's" and
# "united" tell states apart ("Democratic Yemen", "Korea, Dem. Rep."), so they are never dropped
_DROPPABLE = _DESIGNATION - {"dem", "ppl", "united", "states", "union", "arab"}  # "Arab Israelis" is no state
_QUALIFIERS = frozenset({"former", "historic", "historical", "old", "obsolete", "dutch", "french"})
_BAG_PHRASES = (("special administrative region", "sar"), ("united states of america", "us"),
                ("united states", "us"), ("united kingdom", "uk"), ("u.s.a.", "us"), ("u.s.", "us"),
                ("u.k.", "uk"), ("&", " and "))
_BAG_SPLIT_RX = re.compile(r"[^\w]+")
_FIRST_WORD = re.compile(r"[^\s\-/,()&]+")


def _bag_words(text: str) -> list[str] | None:
    """Canonical words of a name, or None as soon as one is not a word of any country name (cheap reject)."""
    s = fold(text).replace("’", "'")
    vocab = _bag_vocab()
    m = _FIRST_WORD.match(s)
    if m:  # most texts that are no country name fail on their first word ("Unspecified Actor", "Reuters")
        w = m.group().replace(".", "").replace("'", "")
        if w and w not in vocab and w not in _BAG_WORD and w not in _BAG_SPLIT and w not in _BAG_DROP:
            return None
    for a, b in _BAG_PHRASES:
        if a in s:
            s = s.replace(a, f" {b} ")
    s = s.replace(".", "").replace("'", "")
    out = []
    for w in _BAG_SPLIT_RX.split(s):
        if not w or w in _BAG_DROP:
            continue
        w = _BAG_WORD.get(w, w)
        for x in _BAG_SPLIT.get(w, (w,)):
            if x not in vocab:
                return None
            out.append(x)
    return out


@cache
def _bag_vocab() -> frozenset[str]:
    words: set[str] = set(_DESIGNATION)
    for r in countries().values():
        for n in [r["name"], *r["aliases"]]:
            s = fold(n).replace("’", "'")
            for a, b in _BAG_PHRASES:
                s = s.replace(a, f" {b} ")
            for w in _BAG_SPLIT_RX.split(s.replace(".", "").replace("'", "")):
                w = _BAG_WORD.get(w, w)
                words.update(_BAG_SPLIT.get(w, (w,)))
    return frozenset(words)


@cache
def _bags() -> dict[frozenset[str], str]:
    """word set -> ISO3 over display names and aliases; sets claimed by two countries are left out."""
    owners: dict[frozenset[str], set[str]] = {}
    for iso, r in countries().items():
        for n in [r["name"], *r["aliases"]]:
            w = _bag_words(n)
            if w:
                owners.setdefault(frozenset(w), set()).add(iso)
    return {k: next(iter(v)) for k, v in owners.items() if len(v) == 1}


def _by_bag(text: str, whole_only: bool = False) -> str | None:
    """ISO3 for a converter-style name form, or None.

    >>> [_by_bag(n) for n in ("Korea, Dem. People's Rep.", "D.R. Congo", "St Lucia", "Virgin Islands (U.S.)")]
    ['PRK', 'COD', 'LCA', 'VIR']
    """
    bags = _bags()
    words = _bag_words(text)
    if words is not None:
        key = frozenset(words)
        hit = bags.get(key) or (bags.get(key - _DROPPABLE) if key & _DROPPABLE and key - _DROPPABLE else None)
        if hit:
            return hit
    if whole_only:
        return None
    # "X (qualifier)", "X, designation", "X, its sovereign", "X/Y": the part before, when the rest only
    # qualifies it ("Sint Maarten (Dutch part)", "Armenia, Republic of", "Curaçao, Kingdom of the Netherlands")
    for sep in ("(", ",", "/"):
        if sep not in text:
            continue
        head, rest = text.split(sep, 1)
        head_words = _bag_words(head)
        hit = bags.get(frozenset(head_words)) if head_words else None
        if hit is None:
            hit = next((a.country for _lo, _hi, a in _exact(head.strip())[:1] if a.country in countries()), None)
        if hit is None:
            continue
        rest = rest.replace(")", " ").strip()
        rest_words = _bag_words(rest)
        if sep == "/" or (rest_words is not None and set(rest_words) <= _DESIGNATION | _QUALIFIERS):
            return hit
        other = _by_bag(rest) or next((a.country for _lo, _hi, a in _exact(rest)[:1]), None)
        if other == hit or (other and countries()[hit]["sovereignty"] in (other, countries()[other]["name"])):
            return hit  # "USSR, Union of Soviet Socialist Republics"; "Aruba, Kingdom of the Netherlands"
        if sep == "(" and other is None:
            return hit  # a former or local name in parentheses: "Turkey (Ottoman Empire)", "Germany (Prussia)"
    return None


def _with_sector(cands: tuple[Candidate, ...], sector: str | None, label: str, inner_first: bool = False
                 ) -> tuple[Candidate, ...]:
    """Attach a sector; with inner_first an organisation's own sector wins ('Chief of Staff (Armenian Army)')."""
    return tuple((lo, hi, Actor(a.code, a.country, (a.sector or sector) if inner_first else (sector or a.sector), label))
                 for lo, hi, a in cands)


@cache
def _candidates(text: str) -> tuple[Candidate, ...]:
    """Every (valid_from, valid_to, actor) the text resolves to; () if none."""
    t = " ".join((text or "").split())
    if not t:
        return ()
    hit = _exact(t)
    if hit:
        return hit
    m = _PAREN.match(t)  # ICEWS "Sector (Country)"; also the truncated "Employee (Holy See"
    if m:
        inner = _candidates(m.group(2))
        if inner:
            sector = sector_of(m.group(1))
            if sector is None:  # "Virgin Islands (US)", "Cayman Islands (British)": the territory, not its sovereign
                iso = _by_bag(t, whole_only=True)
                head = _by_bag(m.group(1), whole_only=True) if iso is None else None
                if head and countries()[head]["sovereignty"] in {x for _lo, _hi, a in inner if a.country
                                                               for x in (a.country, countries()[a.country]["name"])}:
                    iso = head
                if iso:
                    return ((None, None, _state(iso)),)
            return _with_sector(inner, sector, t, inner_first=True)
        iso = _by_bag(t)  # "Iran (Islamic Republic of)", "Turkey (Ottoman Empire)"
        return ((None, None, _state(iso)),) if iso else ()
    words = t.split(" ")
    for n in range(min(4, len(words) - 1) if fold(words[0]) in _first_words() else 0, 0, -1):  # "Armenian Army", "Iranian Foreign Ministry"
        head, rest = " ".join(words[:n]), " ".join(words[n:])
        base = _exact(head)
        if base and all(a.country for _, _, a in base):
            sector = _sector_words().get(fold(rest))
            if sector:
                return _with_sector(base, sector, t)
    m = _OF.match(t)  # "Ministry of Foreign Affairs of Azerbaijan", "Central Bank of Armenia"
    if m:
        for split in re.finditer(r"\s+of\s+(?:the\s+)?(?:republic\s+of\s+)?", t, re.I):
            head, rest = t[: split.start()], t[split.end():]
            base = _exact(rest)
            if base and all(a.country for _, _, a in base):
                sector = sector_of(head)
                if sector:
                    return _with_sector(base, sector, t)
    iso = _by_bag(t) if any(c in t for c in ",. -/&'’") else None  # converter forms: "Korea, Dem. Rep."
    return ((None, None, _state(iso)),) if iso else ()


def _pick(cands: tuple[Candidate, ...], when: date | None) -> Actor | None:
    if not cands:
        return None
    if when is None:  # timeless use: an undated reading, else the latest period
        for lo, hi, a in cands:
            if lo is None and hi is None:
                return a
        return max(cands, key=lambda c: c[0] or date.min)[2]
    for lo, hi, a in cands:
        if (lo is None or lo <= when) and (hi is None or when <= hi):
            return a
    return None


def resolve(text: str, when: date | None = None) -> Actor | None:
    """The actor a name or code denotes on `when` (None: any time), or None.

    A leader's name resolves only within a term of office; without a date, to the latest role.

    Parameters
    ----------
    text : str
        A country name, code (ISO3/ISO2/CAMEO/COW/GW abbreviation), demonym, capital or a person's name.
    when : date, optional
        The day the text speaks of.

    Returns
    -------
    Actor or None
        ``code`` (country or organisation), ``country``, ``sector`` (CAMEO agent, e.g. GOV) and ``name``.

    Examples
    --------
    >>> from datetime import date
    >>> resolve("Nikol Pashinyan", date(2021, 6, 1))
    Actor(code='ARM', country='ARM', sector='GOV', name='Nikol Pashinyan')
    >>> resolve("Nikol Pashinyan", date(2010, 1, 1)) is None  # not yet in office
    True
    """
    return _pick(_candidates(text), when)


def resolution_rows(texts: Iterable[str]) -> list[tuple[str, date | None, date | None, str, str | None, str | None]]:
    """(text, valid_from, valid_to, actor_code, country, sector) for each period in which a text resolves.

    Examples
    --------
    >>> resolution_rows(["Nikol Pashinyan"])
    [('Nikol Pashinyan', datetime.date(2018, 5, 8), None, 'ARM', 'ARM', 'GOV')]
    """
    rows = []
    for t in texts:
        for lo, hi, a in _candidates(t):
            rows.append((t, lo, hi, a.code, a.country, a.sector))
    return rows


# -- code helpers ------------------------------------------------------------------------------------
def iso3(code_or_name: str) -> str | None:
    """ISO3 of a state from any of its codes or names, or None.

    Examples
    --------
    >>> iso3("AM"), iso3("Armenian"), iso3("Yerevan"), iso3("Atlantis")
    ('ARM', 'ARM', 'ARM', None)
    """
    a = _pick(_exact(str(code_or_name)), None)
    if a is None:
        iso = _by_bag(str(code_or_name))
        return iso
    return a.country if a.country in countries() else None


def from_iso2(code: str) -> str | None:
    """ISO3 of an ISO 3166 alpha-2 code, or None.

    Examples
    --------
    >>> from_iso2("az"), from_iso2("")
    ('AZE', None)
    """
    code = code.strip().upper()
    if not code:
        return None  # historic rows have no ISO2 code
    return next((iso for iso, r in countries().items() if r["iso2"] == code), None)


def from_cow(code: int) -> str | None:
    """ISO3 (or detente's code of a historic state) of a Correlates of War country number, or None.

    Examples
    --------
    >>> from_cow(373), from_cow(365), from_cow(265)
    ('AZE', 'RUS', 'DDR')
    """
    code = int(code)
    return next((iso for iso, r in countries().items() if r["cow"] == str(code)), None) or HISTORIC_COW.get(code)


def from_gw(code: int) -> str | None:
    """ISO3 (or detente's code of a historic state) of a Gleditsch-Ward country number, or None.

    Examples
    --------
    >>> from_gw(371), from_gw(99999)
    ('ARM', None)
    """
    code = int(code)
    return next((iso for iso, r in countries().items() if r["gw"] == str(code)), None) or HISTORIC_GW.get(code)


# -- actors in running text --------------------------------------------------------------------------
_TOKEN = re.compile(r"[^\W_](?:[\w.'’-]*[^\W_])?\.?")


@lru_cache(maxsize=1 << 16)
def _tok_key(tok: str) -> str:
    k = fold(tok)
    if k.endswith(".") and "." not in k[:-1]:
        k = k[:-1]  # sentence-final period, not an abbreviation like "u.s."
    return k[:-2] if len(k) > 3 and k.endswith("'s") else k  # "russia's" -> "russia" (per token: no regex)


def _phrase_key(name: str) -> tuple[str, ...]:
    """A dictionary name as the token keys match_in_text compares: "Russia's Kremlin" -> ('russia', 'kremlin')."""
    return tuple(_tok_key(x) for x in _TOKEN.findall(name))


@cache
def _phrases() -> dict[str, list[tuple[tuple[str, ...], tuple[Candidate, ...], bool]]]:
    """first token key -> [(token keys, candidates, is_sector_word)], longest first."""
    table: dict[tuple[str, ...], tuple[tuple[Candidate, ...], bool]] = {}
    for iso, r in countries().items():
        for n in [r["name"], *r["aliases"], *r["demonyms"], *r["capitals"]]:
            key = _phrase_key(n)
            if key:
                table.setdefault(key, (((None, None, _state(iso)),), False))
    for idx in (_builtin(), _extra()):  # dictionary names override country names
        for k, cands in idx.items():
            key = _phrase_key(k)
            if key:
                table[key] = (cands, False)
    for n in _not_actors():  # "Indian Ocean", "Persian Gulf": longest match wins, and it stands for nobody
        key = _phrase_key(n)
        if key:
            table[key] = ((), False)
    for w in _sector_words():
        key = _phrase_key(w)
        if key and key not in table:
            table[key] = ((), True)
    out: dict[str, list] = {}
    for key, (cands, is_sector) in table.items():
        out.setdefault(key[0], []).append((key, cands, is_sector))
    for v in out.values():
        v.sort(key=lambda x: -len(x[0]))
    return out


@cache
def _names_by_length() -> dict[str, list[tuple[int, dict[tuple[str, ...], tuple[Candidate, ...]]]]]:
    """``_phrases`` without its sector words: first token key -> [(n, {n token keys: candidates})], longest
    n first, so that a position is tried with one lookup per length instead of one comparison per name."""
    out: dict[str, list[tuple[int, dict]]] = {}
    for first, entries in _phrases().items():
        by_n: dict[int, dict] = {}
        for key, cands, is_sector in entries:
            if not is_sector:
                by_n.setdefault(len(key), {})[key] = cands
        if by_n:
            out[first] = sorted(by_n.items(), key=lambda kv: -kv[0])
    return out


def _looks_proper(toks: list[str]) -> bool:
    """Names in running text are capitalised; short acronyms must be upper case ('US', not 'us')."""
    for t in toks:
        if not any(c.isalpha() for c in t):
            continue
        if fold(t) in _LOWER_OK:
            continue
        bare = t.rstrip(".").replace("'s", "").replace("’s", "")
        if len(bare.replace(".", "")) <= 3 and not bare.isupper():
            return False
        if not t[0].isupper():
            return False
    return True


# "Azeri Muslim people", "ethnic Armenians", "the Russian-speaking population": a people, not a state
_PEOPLE_MODIFIERS = frozenset({"muslim", "muslims", "christian", "christians", "shia", "shiite", "sunni", "orthodox",
                               "jewish", "catholic", "ethnic", "speaking", "minority", "turkic", "kurdish", "native"})
_PEOPLE_NOUNS = frozenset({"people", "peoples", "population", "populations", "community", "communities", "minority",
                           "minorities", "diaspora", "diasporas", "ethnicity", "origin", "descent", "speakers",
                           "heritage", "tribes", "tribe", "clans", "nation", "identity", "kin", "brethren"})


def _is_people(keys: list[str], i: int, end: int) -> bool:
    """Whether the state mention keys[i:end] names a people: after "ethnic", or before a people noun."""
    if i > 0 and keys[i - 1] == "ethnic":
        return True
    j = end
    while j < len(keys) and j - end < 2 and keys[j] in _PEOPLE_MODIFIERS:
        j += 1
    return j < len(keys) and keys[j] in _PEOPLE_NOUNS


def match_in_text(sentence: str, when: date | None = None) -> list[tuple[int, int, Actor]]:
    """Actor mentions in running text as (start, end, actor), longest match first, left to right.

    Finds country names, variants, demonyms and capitals, dictionary names (leaders within their term,
    NKR, IGOs, seats of power: "Brussels" is the EU, "the Kremlin" RUS/GOV), and extends a state mention by a
    following sector noun ("Azerbaijani Defense Ministry").  Places and peoples named after a state are not
    the state: "the Indian Ocean basin", "the Persian Gulf" (``not_actors`` in actors.yaml), "ethnic
    Armenians", "the Azeri Muslim people".

    Examples
    --------
    >>> [(a.code, a.sector) for _s, _e, a in match_in_text("Brussels and the Kremlin disagree over the Indian Ocean.")]
    [('EU', None), ('RUS', 'GOV')]
    """
    ms = list(_TOKEN.finditer(sentence))
    texts = [m.group() for m in ms]
    keys = list(map(_tok_key, texts))
    phrases = _phrases()
    names = _names_by_length()
    out: list[tuple[int, int, Actor]] = []
    nxt = 0  # the first token after the last mention
    for i in [k for k, key in enumerate(keys) if key in names]:  # the tokens a name may start at
        if i < nxt:
            continue  # inside the previous mention
        hit = None
        for n, by_key in names[keys[i]]:  # longest first (a slice past the end matches no key of length n)
            cands = by_key.get(tuple(keys[i:i + n]))
            if cands is None:
                continue
            if not (_looks_proper(texts[i:i + n]) if cands else texts[i][:1].isupper()):
                continue  # a not-actor phrase ("Red Sea") needs only its first capital
            hit = (n, cands)
            break
        if hit is None:
            continue
        n, cands = hit
        actor = _pick(cands, when)
        end_tok = i + n
        if actor is not None and actor.country and actor.sector is None and _is_people(keys, i, end_tok):
            actor = None  # an ethnic or language group named after the state ("Azeri Muslim people")
        if actor is not None and actor.country and actor.sector is None:
            for key, _c, is_sector in phrases.get(keys[end_tok], ()) if end_tok < len(ms) else ():
                m = len(key)
                if is_sector and tuple(keys[end_tok:end_tok + m]) == key:
                    sector = _sector_words()[" ".join(key)] if " ".join(key) in _sector_words() else sector_of(
                        sentence[ms[end_tok].start():ms[end_tok + m - 1].end()])
                    actor = replace(actor, sector=sector)
                    end_tok += m
                    break
        if actor is not None:
            end = ms[end_tok - 1].end()
            text_end = texts[end_tok - 1]
            if text_end.endswith(("'s", "’s")):
                end -= 2
            elif text_end.endswith(".") and not keys[end_tok - 1].endswith("."):
                end -= 1  # a sentence-final period is not part of the name
            out.append((ms[i].start(), end, actor))
        nxt = end_tok
    return out
