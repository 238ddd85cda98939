"""Readers for the TABARI/PETRARCH dictionary text formats (actors, agents, discards, verb patterns).

Our own parser of the published format (see docs/coding.md for the grammar we accept):

- actors: a name line (words joined by ``_`` or spaces, ``+`` lines are synonyms), then codes in
  ``[CODE]`` on the same or following lines, optionally date-restricted ``[CODE <YYMMDD]``,
  ``[CODE >YYMMDD]``, ``[CODE YYMMDD-YYMMDD]`` (6 or 8 digits);
- agents: ``PHRASE {PLURALS} [~SUFFIX]`` or ``[PREFIX~]``, ``!NAME! = A, B`` substitutions;
- discards: a phrase per line, ``+`` for whole-story discards;
- verbs: ``&SYNSET`` blocks of ``+phrase`` lines, ``--- NAME [code] ---`` blocks listing verbs
  (``VERB {FORMS} [code]``) and patterns ``- before * after [code]``.

A word ending in ``_`` must match a token exactly; any other last word of a phrase of at least
``MIN_STEM`` letters matches as a stem (token prefix), as in TABARI. Shorter last words (acronyms such
as ``PLA``, ``IDF``, ``KRG``) match only themselves or their plural in ``S``: "plan", "platform" and
"playing" are not the People's Liberation Army.

Internal: readers of the dictionary formats, used by :func:`detente.coding.load` and
:func:`detente.coding.validation_coder`; not part of the Python API.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from detente.errors import UserError

__all__: list[str] = []

_COMMENT = re.compile(r"#.*$")
_XML_COMMENT = re.compile(r"<!--.*?-->|<!\s*--.*?-->", re.S)
_CODE = re.compile(r"\[([^\]]*)\]")
_TABARI_COMMENT = re.compile(r"(?:^|\s);.*$")
MIN_STEM = 5  # a phrase's last word matches as a prefix only from this length on


def read_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of a plain or gzip dictionary file, with XML comments removed."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8", errors="replace")
    text = _XML_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    yield from enumerate(text.splitlines(), 1)


def _strip_comment(line: str) -> str:
    """Without '#' comments (PETRARCH) and ';' comments (TABARI: a ';' at the start or after a space)."""
    return _TABARI_COMMENT.sub("", _COMMENT.sub("", line)).rstrip()


# -- phrases ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Phrase:
    """A sequence of upper-case words; ``stem`` when the last word matches as a prefix."""

    words: tuple[str, ...]
    stem: bool


def phrase(text: str) -> Phrase | None:
    t = text.strip().upper()
    exact = t.endswith("_")
    words = tuple(w for w in re.split(r"[_\s]+", t) if w)
    if not words:
        return None
    return Phrase(words, stem=not exact and len(words[-1]) >= MIN_STEM)


_DEMONYM = ("AN", "I")  # endings of demonyms ("Liberian", "Iraqi") whose plural is the word + S


class PhraseIndex:
    """Longest-match lookup of phrases at a token position: a word trie whose last level may hold stems."""

    _END = "\0"  # value of a phrase ending at this node
    _STEMS = "\1"  # {stem: value} of phrases whose last word is a stem, at this node

    def __init__(self) -> None:
        self.root: dict = {}
        self.size = 0
        self._stem_heads: frozenset[str] | None = None  # first letters of the one-word stems

    @property
    def exact(self) -> dict:
        return self.root

    def add(self, p: Phrase, value: object, plural: bool = False) -> None:
        """Add a phrase; ``plural`` also adds the last word + 'S' (for exact short words: 'NGO' -> 'NGOS')."""
        self.size += 1
        self._stem_heads = None
        node = self.root
        words = p.words[:-1] if p.stem else p.words
        for w in words:
            node = node.setdefault(w, {})
        if p.stem:
            stems = node.setdefault(self._STEMS, {})
            stems.setdefault(p.words[-1], value)
        else:
            node.setdefault(self._END, value)
            if plural and p.words[-1].isalpha() and not p.words[-1].endswith("S"):
                self.add(Phrase(p.words[:-1] + (p.words[-1] + "S",), False), value)
                self.size -= 1

    def finish(self) -> None:
        pass

    def stem_heads(self) -> frozenset[str]:
        """The first ``MIN_STEM`` letters of the one-word stems: some phrase can start with word ``w`` only if
        ``w in root or w[:MIN_STEM] in stem_heads()`` (the quick test ``match`` begins with)."""
        if self._stem_heads is None:
            self._stem_heads = frozenset(k[:MIN_STEM] for k in self.root.get(self._STEMS, {}))
        return self._stem_heads

    def match(self, words: list[str], i: int) -> tuple[int, object, None] | None:
        """(end index exclusive, value, None) of the longest phrase starting at ``i``."""
        w0 = words[i]
        root_stem = w0[:MIN_STEM] in self.stem_heads()
        if not root_stem and w0 not in self.root:
            return None  # no phrase starts with this word: the common case, answered at once
        best = None
        node = self.root
        j = i
        n = len(words)
        while j < n:
            w = words[j]
            stems = node.get(self._STEMS) if (j > i or root_stem) else None
            if stems:
                for k in range(len(w), MIN_STEM - 1, -1):
                    v = stems.get(w[:k])
                    if v is not None:
                        best = (j + 1, v, None)
                        break
            child = node.get(w)
            if child is None:
                break
            if self._END in child:
                best = (j + 1, child[self._END], None)
            node = child
            j += 1
        return best


# -- actors ----------------------------------------------------------------------------------

@dataclass
class ActorCodes:
    """Codes of one actor entry; ``code_on(day)`` picks the date-valid one."""

    dated: list[tuple[str, date | None, date | None]] = field(default_factory=list)
    default: str | None = None

    def code_on(self, day: date | None) -> str | None:
        day = day or date.today()
        for code, lo, hi in self.dated:
            if (lo is None or day >= lo) and (hi is None or day <= hi):
                return code
        return self.default


def _date(s: str) -> date | None:
    s = s.strip()
    if not s.isdigit():
        return None
    try:
        if len(s) == 8:
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        if len(s) == 6:
            yy = int(s[:2])
            return date((1900 if yy >= 30 else 2000) + yy, int(s[2:4]), int(s[4:]))
    except ValueError:
        return None
    return None


def parse_code(spec: str) -> tuple[str, date | None, date | None] | None:
    """'ARMGOV 900804-980203' -> ('ARMGOV', 1990-08-04, 1998-02-03); 'ARM' -> ('ARM', None, None)."""
    parts = spec.split(None, 1)
    if not parts:
        return None
    code = parts[0].strip()
    if len(parts) == 1:
        if "<" in code or ">" in code:  # '[HOB<950601]'
            m = re.match(r"([^<>]+)([<>])(\d+)", code)
            if not m:
                return None
            code, op, d = m.groups()
            parts = [code, op + d]
        else:
            return code, None, None
    rest = parts[1].replace(" ", "")
    if rest.startswith("<"):
        d = _date(rest[1:])
        return (code, None, d) if d else None
    if rest.startswith(">"):
        d = _date(rest[1:])
        return (code, d, None) if d else None
    if "-" in rest:
        a, b = rest.split("-", 1)
        lo, hi = _date(a), _date(b)
        return (code, lo, hi) if lo and hi else None
    return None


@dataclass
class ActorDict:
    index: PhraseIndex
    entries: int = 0
    skipped: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line, reason)


def read_actors(paths: Iterable[Path], index: PhraseIndex | None = None) -> ActorDict:
    """Actor entries: a name line, ``+`` synonyms and ``[CODE date]`` blocks.

    A name line with no code yet joins the next coded entry (TABARI grouping).
    """
    out = ActorDict(index or PhraseIndex())
    for path in paths:
        before = out.entries
        names: list[Phrase] = []
        codes = ActorCodes()

        def flush() -> None:
            nonlocal names, codes
            if names and (codes.dated or codes.default is not None):
                for p in names:
                    # short exact words, and exact demonyms ('LIBERIAN_', 'IRAQI_'), also match their plural in S
                    # ('NGOS', 'LIBERIANS', 'IRAQIS'): news names peoples in the plural
                    out.index.add(p, codes, plural=len(p.words[-1]) < MIN_STEM or p.words[-1].endswith(_DEMONYM))
                out.entries += 1
            names, codes = [], ActorCodes()

        for n, raw in read_lines(path):
            line = _strip_comment(raw).strip()
            if not line or line.startswith("<"):
                continue
            found = _CODE.findall(line)
            head = _CODE.sub(" ", line).strip()
            if head.startswith("+"):
                p = phrase(head[1:])
                if p:
                    names.append(p)
            elif head:
                if codes.dated or codes.default is not None:
                    flush()
                p = phrase(head)
                if p:
                    names.append(p)
            for spec in found:
                c = parse_code(spec)
                if c is None:
                    out.skipped.append((path.name, n, f"bad code block [{spec}]"))
                    continue
                code, lo, hi = c
                if code in ("---", "###", "+++"):
                    code = ""
                if lo is None and hi is None:
                    if codes.default is None:
                        codes.default = code  # '' = a known name that is not an actor
                else:
                    codes.dated.append((code, lo, hi))
        flush()
        if out.entries == before:
            raise UserError(f"{path}: no actor entries read; expected a PETRARCH/TABARI actor dictionary "
                            "(a name line, then its code in brackets: 'ARMENIA_ [ARM]')")
    out.index.finish()
    return out


# -- agents ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Agent:
    code: str  # without the ~
    prefix: bool  # True for [NGO~] (the code goes before the actor's), else a suffix


def _plurals(word: str) -> list[str]:
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return [word[:-1] + "IES"]
    if word.endswith(("S", "SH", "CH", "X", "Z")):
        return [word + "ES"]
    if word.endswith("MAN"):
        return [word[:-3] + "MEN"]
    return [word + "S"]


def read_agents(paths: Iterable[Path]) -> PhraseIndex:
    index = PhraseIndex()
    for path in paths:
        before = index.size
        subs: dict[str, list[str]] = {}
        for _, raw in read_lines(path):
            line = _strip_comment(raw).strip()
            if not line:
                continue
            m = re.match(r"^(!\w+!)\s*=\s*(.+)$", line)
            if m:
                subs[m.group(1).upper()] = [x.strip().upper() for x in m.group(2).split(",") if x.strip()]
                continue
            codes = _CODE.findall(line)
            if not codes:
                continue
            spec = codes[0].replace(" ", "")
            if "~" not in spec:
                continue
            agent = Agent(spec.replace("~", ""), prefix=spec.endswith("~"))
            body = _CODE.sub(" ", line)
            plural_m = re.search(r"\{([^}]*)\}", body)
            body = re.sub(r"\{[^}]*\}", " ", body).strip()
            heads = [body]
            for key, vals in subs.items():
                if key in body.upper():
                    heads = [h.upper().replace(key, v) for h in heads for v in vals]
            for h in heads:
                words = [w for w in re.split(r"[_\s]+", h.upper()) if w]
                if not words:
                    continue
                index.add(Phrase(tuple(words), False), agent)
                plurals = (
                    [x for x in re.split(r"\s+", plural_m.group(1).upper()) if x]
                    if plural_m
                    else [" ".join(words[:-1] + [pl]) for pl in _plurals(words[-1])]
                )
                for pl in plurals:
                    pw = tuple(w for w in re.split(r"[_\s]+", pl) if w)
                    if pw:
                        index.add(Phrase(pw, False), agent)
        if index.size == before:
            raise UserError(f"{path}: no agents read; expected a PETRARCH/TABARI agent dictionary "
                            "('PRESIDENT [~GOV]' lines: a phrase and its role code with '~')")
    index.finish()
    return index


# -- discards --------------------------------------------------------------------------------

def read_discards(paths: Iterable[Path]) -> PhraseIndex:
    """Sentence- and story-level discard phrases (value 'story' or 'sentence').

    Time references are skipped: bare numbers (the Phoenix list discards every year 1914-2013), phrases
    ending in ``AGO`` (``YEARS AGO``) and the names of the world wars (``WORLD WAR II``). They would drop
    ordinary news sentences that mention the past in a clause ("whom they had taken hostage two weeks ago",
    "killed during World War Two"), not only stories about the past.
    """
    index = PhraseIndex()
    for path in paths:
        before = index.size
        for _, raw in read_lines(path):
            line = _strip_comment(raw).strip()
            if not line or line.startswith("<"):
                continue
            kind = "sentence"
            if line.startswith("+"):
                kind, line = "story", line[1:].strip()
            if line.isdigit():
                continue
            words = tuple(w for w in re.split(r"[_\s]+", line.upper()) if w)
            if words and kind == "sentence" and (words[-1] == "AGO" or "WORLD" in words and "WAR" in words):
                continue  # a time reference, not a topic
            if words:
                index.add(Phrase(words, False), kind)
        if index.size == before:
            raise UserError(f"{path}: no discard phrases read; expected a PETRARCH/TABARI discard list "
                            "(one phrase a line, '+' before story-level discards)")
    index.finish()
    return index
