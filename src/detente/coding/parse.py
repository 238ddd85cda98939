"""Shallow parse for event coding: tokens, actor mentions, noun-phrase chunks, compound groups, verbs.

TABARI tradition: no tree, only closed word lists (determiners, prepositions, auxiliaries), the
actor/agent dictionaries and the verb dictionary. See docs/coding.md for the rules.

Internal: the coder's tokenizer and chunker (:class:`detente.coding.coder.Coder`); not part of the Python API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__: list[str] = []

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[-'’.]\w+)*|[^\w\s]")

DETERMINERS = {"THE", "A", "AN", "ITS", "THEIR", "HIS", "HER", "OUR", "MY", "YOUR", "THIS", "THESE", "THOSE",
               "'S", "NO", "ANY", "EACH", "EVERY", "SOME", "SUCH"}
PREPOSITIONS = {"OF", "IN", "ON", "AT", "BY", "WITH", "FROM", "FOR", "AGAINST", "INTO", "ONTO", "OVER", "ABOUT",
                "BETWEEN", "AFTER", "BEFORE", "DURING", "TOWARD", "TOWARDS", "UNDER", "ACROSS", "THROUGH",
                "AMONG", "AMID", "WITHOUT", "WITHIN", "VIA", "UPON", "NEAR", "SINCE", "UNTIL", "DESPITE", "TO",
                "ALONG", "BEYOND", "AROUND", "OUTSIDE", "INSIDE", "BEHIND", "LIKE", "PER", "AS"}
CONJUNCTIONS = {"AND", "OR", "NOR", "BUT", "THAT", "WHICH", "WHO", "WHOM", "WHOSE", "WHILE", "WHEN", "WHERE",
                "IF", "BECAUSE", "ALTHOUGH", "THOUGH", "WHETHER", "NEITHER", "EITHER", "THEN", "SO", "UNLESS", "WHEREAS"}
BE = {"IS", "ARE", "WAS", "WERE", "BE", "BEEN", "BEING", "'S", "GET", "GOT", "GETS", "GOTTEN"}
AUX = BE | {"HAS", "HAVE", "HAD", "HAVING", "WILL", "WOULD", "SHALL", "SHOULD", "CAN", "COULD", "MAY", "MIGHT",
            "MUST", "DO", "DOES", "DID", "'LL", "'D", "'VE", "'RE", "WO", "CA", "AM"}
NEGATIONS = {"NOT", "N'T", "NEVER", "NO"}
ADVERBS = {"ALSO", "AGAIN", "STILL", "JUST", "NOW", "ALREADY", "EVER", "TODAY", "YESTERDAY", "TONIGHT",
           "ABOUT", "TO", "SOON", "THEN", "ONCE", "EARLIER", "LATER", "RECENTLY", "REPORTEDLY", "ALLEGEDLY",
           "REPEATEDLY", "FINALLY", "FORMALLY", "OFFICIALLY", "JOINTLY", "THUS", "EVEN", "ONLY", "LAST",
           "THIS", "NEXT", "WEEK", "MONTH", "YEAR", "ON", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
           "FRIDAY", "SATURDAY", "SUNDAY", "WEEKEND", "MORNING", "EVENING", "NIGHT", "AFTERNOON", "HAVE",
           "GOING", "SET", "LIKELY", "EXPECTED", "READY", "ABLE", "TRYING", "SEEKING", "PLANNING"}
CLAUSE_BREAK = {";", ":", "(", ")", '"', "“", "”", "?", "!", "—", "–"}
SPEECH_WORDS = {"SAID", "SAYS", "SAY", "TOLD", "ADDED", "NOTED", "REPORTED", "STATED", "ANNOUNCED"}
# words that end a noun-phrase chunk (besides verbs and punctuation): built once, not per token
_CHUNK_BREAK = frozenset(PREPOSITIONS | CONJUNCTIONS | (AUX - {"'S"}) | NEGATIONS)


@dataclass
class Tokens:
    text: str
    words: list[str]  # upper-case
    spans: list[tuple[int, int]]

    def surface(self, i: int, j: int) -> str:
        if i >= j:
            return ""
        return self.text[self.spans[i][0]: self.spans[j - 1][1]]


_INITIALS = re.compile(r"(?:[^\W\d_]\.){2,}")


def tokenize(text: str) -> Tokens:
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    if text.isascii():  # upper-casing keeps every character (and its class) in place: match the upper-cased text
        for m in _TOKEN.finditer(text.upper()):
            w = m.group()
            if "'" not in w and w[-1] != ".":
                words.append(w)
                spans.append(m.span())
            else:
                _split(w, m.start(), m.end(), words, spans)
        return Tokens(text, words, spans)
    for m in _TOKEN.finditer(text):
        w = m.group(0).upper()
        s, e = m.span()
        if "’" in w:
            w = w.replace("’", "'")
        if "'" not in w and w[-1] != ".":
            words.append(w)
            spans.append((s, e))
        else:
            _split(w, s, e, words, spans)
    return Tokens(text, words, spans)


def _split(w: str, s: int, e: int, words: list[str], spans: list[tuple[int, int]]) -> None:
    """An upper-cased token with an apostrophe or a final period: 'DIDN'T' -> DID N'T, 'IRAN'S' -> IRAN 'S,
    a sentence-final 'TALKS.' -> TALKS (initials such as 'U.S.' stay whole)."""
    if w.endswith("N'T") and len(w) > 3:
        words += [w[:-3], "N'T"]
        spans += [(s, e - 3), (e - 3, e)]
    elif w.endswith("'S") and len(w) > 2:
        words += [w[:-2], "'S"]
        spans += [(s, e - 2), (e - 2, e)]
    elif len(w) > 1 and w.endswith(".") and not _INITIALS.fullmatch(w):
        words += [w[:-1]]
        spans += [(s, e - 1)]
    else:
        words.append(w)
        spans.append((s, e))


@dataclass
class ActorRef:
    code: str  # CAMEO-style actor code, e.g. ARMGOV, IGOUNO, NKR
    start: int  # token span of the text naming it
    end: int
    actor: str | None = None  # resolved fields when known (from detente.actors)
    country: str | None = None
    sector: str | None = None


@dataclass
class Mention:
    start: int
    end: int
    kind: str  # actor | agent | null (a known name that is no actor)
    value: object  # ActorRef for actors, Agent for agents


@dataclass
class Chunk:
    start: int
    end: int
    actors: list[ActorRef] = field(default_factory=list)  # one per member (several for shared agents)
    agent_only: list[object] = field(default_factory=list)


@dataclass
class Group:
    """Actors acting together: one noun phrase, or a compound ('Iran and Armenia')."""

    start: int
    end: int
    members: list[ActorRef]


def combine(ref: ActorRef, agents: list) -> ActorRef:
    """Attach agent codes to an actor: suffix agents append a role once, prefix agents go in front."""
    code = ref.code
    for a in agents:
        if a.prefix:
            if not code.startswith(a.code):
                code = a.code + code
        elif a.code and a.code not in code[3:]:
            code = code + a.code
    if code == ref.code:
        return ref
    sector = ref.sector
    if ref.actor is not None and sector is None:
        sector = next((a.code[:3] for a in agents if not a.prefix and a.code), None)
    return ActorRef(code, ref.start, ref.end, ref.actor, ref.country, sector)


def chunks(tokens: Tokens, mentions: list[Mention], verb_at: set[int]) -> list[Chunk]:
    """Noun-phrase chunks: runs of tokens between prepositions, conjunctions, punctuation and verbs."""
    words = tokens.words
    by_start = {m.start: m for m in mentions}
    out: list[Chunk] = []
    cur: Chunk | None = None
    agents: list = []
    i = 0
    n = len(words)

    def close() -> None:
        nonlocal cur, agents
        if cur is not None:
            if cur.actors:
                cur.actors = [combine(r, agents) for r in cur.actors]
            else:
                cur.agent_only = list(agents)
            out.append(cur)
        cur, agents = None, []

    while i < n:
        m = by_start.get(i)
        if m is not None:
            if cur is None:
                cur = Chunk(i, m.end)
            cur.end = m.end
            if m.kind == "actor":
                ref = m.value
                assert isinstance(ref, ActorRef)
                if "/" in ref.code and not cur.actors:
                    # a dictionary entry naming several actors ('the Shire' [FRO/BIL/SAM]): one member each
                    cur.actors.extend(ActorRef(c, ref.start, ref.end) for c in ref.code.split("/") if c)
                elif cur.actors and cur.actors[-1].code[:3] == ref.code[:3]:
                    if len(ref.code) > len(cur.actors[-1].code):
                        cur.actors[-1] = ref  # 'Iranian President Raisi': the more specific code
                elif not cur.actors:
                    cur.actors.append(ref)
            elif m.kind == "agent":
                agents.append(m.value)
            i = m.end
            continue
        w = words[i]
        boundary = i in verb_at or w in _CHUNK_BREAK or (not w[0].isalnum() and w != "'S")
        if boundary:
            close()
        else:
            if cur is None:
                cur = Chunk(i, i + 1)
            cur.end = i + 1
        i += 1
    close()
    return out


def groups(tokens: Tokens, chs: list[Chunk]) -> list[Group]:
    """Actor groups: chunks with actors, an agent-only chunk joined to 'of/from/in <actor>', compounds."""
    words = tokens.words
    merged: list[Chunk] = []
    k = 0
    while k < len(chs):
        c = chs[k]
        if not c.actors and c.agent_only and k + 1 < len(chs):
            nxt = chs[k + 1]
            link = words[c.end: nxt.start]
            if link and link[0] in {"OF", "FROM", "IN"} and len(link) <= 2 and nxt.actors:
                # 'the ambassadors of Arnor, Osgiliath and Gondor': the agent goes to every listed actor
                j = k + 1
                while j < len(chs):
                    chs[j].actors = [combine(r, c.agent_only) for r in chs[j].actors]
                    if j + 1 < len(chs) and _joint(words[chs[j].end: chs[j + 1].start]) and chs[j + 1].actors:
                        j += 1
                        continue
                    break
                chs[k + 1].start = c.start
                k += 1
                continue
        merged.append(c)
        k += 1
    out: list[Group] = []
    k = 0
    while k < len(merged):
        c = merged[k]
        if not c.actors:
            k += 1
            continue
        members = list(c.actors)
        end = c.end
        j = k
        pending: list[Chunk] = []
        while j + 1 < len(merged):
            gap = words[merged[j].end: merged[j + 1].start]
            kind = _joint(gap)
            if not kind:
                break
            nxt = merged[j + 1]
            if kind == "comma":
                pending.append(nxt)
                j += 1
                continue
            # an 'and' closes a list: the comma-joined members before it are members too
            for p in pending:
                members += p.actors
            pending = []
            members += nxt.actors
            end = nxt.end
            j += 1
        # comma-joined chunks not closed by 'and' are not part of the compound
        if pending:
            j -= len(pending)
        if members != list(c.actors):
            end = max(end, merged[j].end)
        out.append(Group(c.start, end, members))
        k = j + 1
    return out


def _joint(gap: list[str]) -> str | None:
    if gap in (["AND"], ["OR"], ["NOR"], [",", "AND"], [",", "OR"], ["AS", "WELL", "AS"], ["&"]):
        return "and"
    if gap == [","]:
        return "comma"
    return None
