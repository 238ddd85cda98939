"""Who did what to whom: verbs, their patterns and their source/target groups -> coded events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from detente.coding.dictionaries import ActorCodes, PhraseIndex
from detente.coding.parse import (
    ADVERBS,
    AUX,
    BE,
    CLAUSE_BREAK,
    DETERMINERS,
    NEGATIONS,
    PREPOSITIONS,
    ActorRef,
    Group,
    Mention,
    Tokens,
    chunks,
    groups,
    tokenize,
)
from detente.coding.verbs import Elem, Pattern, VerbDict, VerbForm

MAX_TOKENS = 120  # longer sentences are cut here (and the cut is counted)
_NEG_WORDS = {"NOT", "N'T", "NEVER", "NEGATVAUXVRB", "FAILED", "REFUSED", "REFUSE", "NEITHER", "NO", "WILL_NOT"}
_NOUN_BEFORE = DETERMINERS | (PREPOSITIONS - {"TO"}) | {"'S"}

ExternalActors = Callable[[str, date | None], list[tuple[int, int, ActorRef]]]


@dataclass
class Event:
    source: ActorRef
    target: ActorRef
    code: str
    verb: tuple[int, int]
    pattern_line: int | None = None
    kind: str = "main"  # main | reciprocal | statement


@dataclass
class Coded:
    tokens: Tokens
    events: list[Event] = field(default_factory=list)
    status: str = "coded"  # coded | no_event | no_actor | no_verb | discarded | empty
    truncated: bool = False
    negated: int = 0


@dataclass
class _Verb:
    at: int
    end: int
    form: VerbForm
    subject: Group | None = None
    direct: bool = False  # the subject stands right before the verb (not inherited)
    passive: bool = False
    negated: bool = False
    events: list[Event] = field(default_factory=list)
    noun: bool = False


_LINKS = {"AND", "BUT", "OR", ",", "TO", "THEN", "THAT", "WHICH", "WHO", "ALSO", "NOR"}


class Coder:
    def __init__(self, verbs: VerbDict, actors: PhraseIndex, agents: PhraseIndex, discards: PhraseIndex,
                 external: ExternalActors | None = None, statements: bool = False):
        self.verbs = verbs
        self.actors = actors
        self.agents = agents
        self.discards = discards
        self.external = external
        self.statements = statements
        self._anchors: dict[int, tuple[dict[str, list[Pattern]], list[Pattern]]] = {}
        self._req: dict[int, tuple[frozenset[str], list[frozenset[str]]]] = {}

    def _candidates(self, block, keys: frozenset[str]) -> list[Pattern]:
        """Patterns of a verb block that may match, most specific first (an index on one key each)."""
        idx = self._anchors.get(id(block))
        if idx is None:
            idx = self._anchors[id(block)] = _anchor_index(block, self.verbs.synsets, self._req)
        anchors, free = idx
        hits = {id(p): p for k in anchors.keys() & keys for p in anchors[k]}
        out = list(hits.values()) + free
        out.sort(key=lambda p: (-p.weight, p.line))
        return out

    # -- mentions ----------------------------------------------------------------------------
    def mentions(self, tok: Tokens, when: date | None) -> list[Mention]:
        words = tok.words
        ext: dict[int, tuple[int, ActorRef]] = {}
        if self.external is not None:
            starts = {s: i for i, (s, _) in enumerate(tok.spans)}
            ends = {e: i + 1 for i, (_, e) in enumerate(tok.spans)}
            for s, e, ref in self.external(tok.text, when):
                i = starts.get(s)
                j = ends.get(e)
                if i is None or j is None:
                    j = j or next((k + 1 for k, (_, te) in enumerate(tok.spans) if te >= e), None)
                    i = i if i is not None else next((k for k, (ts, _) in enumerate(tok.spans) if ts >= s), None)
                if i is not None and j is not None and j > i:
                    ext[i] = (j, ActorRef(ref.code, i, j, ref.actor, ref.country, ref.sector))
        out: list[Mention] = []
        i = 0
        n = len(words)
        while i < n:
            if not words[i][0].isalnum():
                i += 1
                continue
            best: Mention | None = None
            if i in ext:
                j, ref = ext[i]
                best = Mention(i, j, "actor", ref)
            hit = self.actors.match(words, i)
            if hit and (best is None or hit[0] > best.end):
                codes = hit[1]
                assert isinstance(codes, ActorCodes)
                code = codes.code_on(when)
                best = Mention(i, hit[0], "actor", ActorRef(code, i, hit[0])) if code else Mention(i, hit[0], "null", None)
            ag = self.agents.match(words, i)
            if ag and (best is None or ag[0] > best.end):
                best = Mention(i, ag[0], "agent", ag[1])
            if best is None:
                i += 1
                continue
            out.append(best)
            i = best.end
        return out

    # -- verbs -------------------------------------------------------------------------------
    def find_verbs(self, tok: Tokens, taken: set[int]) -> list[_Verb]:
        words = tok.words
        out: list[_Verb] = []
        i = 0
        while i < len(words):
            forms = self.verbs.forms.get(words[i])
            if not forms or i in taken:
                i += 1
                continue
            prev = words[i - 1] if i else ""
            if prev in _NOUN_BEFORE:
                i += 1
                continue
            for f in forms:
                n = len(f.words)
                if tuple(words[i: i + n]) == f.words:
                    out.append(_Verb(i, i + n, f))
                    i += n - 1
                    break
            i += 1
        return out

    # -- the sentence ------------------------------------------------------------------------
    def code(self, text: str, when: date | None = None) -> Coded:
        tok = tokenize(text)
        res = Coded(tok)
        if not tok.words:
            res.status = "empty"
            return res
        if len(tok.words) > MAX_TOKENS:
            tok.words, tok.spans = tok.words[:MAX_TOKENS], tok.spans[:MAX_TOKENS]
            res.truncated = True
        words = tok.words
        for i in range(len(words)):
            if self.discards.exact.get(words[i]) and self.discards.match(words, i):
                res.status = "discarded"
                return res
        ments = self.mentions(tok, when)
        if not any(m.kind == "actor" for m in ments):
            res.status = "no_actor"
            return res
        taken = {k for m in ments for k in range(m.start, m.end)}
        verbs = self.find_verbs(tok, taken)
        if not verbs:
            res.status = "no_verb"
            return res
        grs = groups(tok, chunks(tok, ments, {v.at for v in verbs}))
        by_end = {g.end: g for g in grs}
        by_start = {g.start: g for g in grs}
        self._subjects(words, verbs, by_end)
        verbs = [v for v in verbs if not v.noun]
        keys = _keys(words)
        for k in range(len(verbs) - 1, -1, -1):
            v = verbs[k]
            limit = self._limit(words, verbs, k)
            self._code_verb(words, v, verbs[k + 1:], limit, by_start, by_end, grs, keys)
            if v.negated and not v.events:
                res.negated += 1
        res.events = [e for v in verbs for e in v.events]
        res.status = "coded" if res.events else "no_event"
        return res

    def _subjects(self, words: list[str], verbs: list[_Verb], by_end: dict[int, Group]) -> None:
        prev: _Verb | None = None
        for v in verbs:
            j = v.at - 1
            saw_be = False
            while j >= 0 and (words[j] in AUX or words[j] in NEGATIONS or words[j] in ADVERBS
                              or words[j].endswith("LY") or words[j][0].isdigit()):
                if words[j] in NEGATIONS:
                    v.negated = True
                if words[j] in BE and j == v.at - 1 - _adverbs_between(words, j, v.at):
                    saw_be = True
                j -= 1
            v.passive = saw_be and not v.form.words[0].endswith("ING")
            g = by_end.get(j + 1)
            if g is None and j >= 0 and words[j] == ",":
                # an appositive between commas: 'Armenia, a founding member, said ...'
                for back in range(j - 1, max(j - 12, -1), -1):
                    if words[back] == "," and back in by_end:
                        g = by_end[back]
                        break
            skipped_aux = j < v.at - 1
            if g is None and prev is not None and not skipped_aux and j >= 0 and words[j] not in _LINKS:
                v.noun = True  # 'sent humanitarian aid': a verb form inside the previous verb's object
                continue
            if g is not None and not (prev is not None and prev.subject is g):
                v.subject, v.direct = g, True
            elif prev is not None:  # coordinated or infinitive verb: the previous verb's subject
                v.subject = prev.subject
            prev = v

    def _limit(self, words: list[str], verbs: list[_Verb], k: int) -> int:
        """Where the verb's own object region ends: the next clause's subject, or a clause break."""
        end = len(words)
        for nxt in verbs[k + 1:]:
            if nxt.direct and nxt.subject is not None:
                end = nxt.subject.start
            else:
                continue
            break
        for i in range(verbs[k].end, end):
            if words[i] in CLAUSE_BREAK:
                return i
        return end

    def _code_verb(self, words: list[str], v: _Verb, later: list[_Verb], limit: int,
                   by_start: dict[int, Group], by_end: dict[int, Group], grs: list[Group],
                   keys: frozenset[str]) -> None:
        best: tuple[Pattern, dict[str, Group]] | None = None
        for p in self._candidates(v.form.block, keys):
            req = self._req[id(p)]
            if not req[0] <= keys or any(keys.isdisjoint(r) for r in req[1]):
                continue
            slots: dict[str, Group] = {}
            # a pattern reaches into a following clause only through an explicit actor slot
            stop = len(words) if any(e.kind in ("src", "tgt", "cmp") for e in p.post) else limit
            if _match(p.post, words, v.end, stop, 1, by_start, by_end, self.verbs.synsets, slots) and \
                    _match(p.pre, words, v.at - 1, -1, -1, by_start, by_end, self.verbs.synsets, slots):
                if "cmp" in slots and len(slots["cmp"].members) < 2:
                    continue  # '%' wants a compound actor
                if slots.get("tgt") is not None and slots.get("tgt") is v.subject and "src" not in slots:
                    continue  # 'SAID + *': the target is this verb's own subject, the source another clause's
                best = (p, slots)
                break
        code: str | None
        rev: str | None = None
        slots = {}
        line = None
        if best is not None:
            p, slots = best
            code, rev, line = p.code, p.reverse_code, p.line
            if v.negated and not _has_negation(p):
                return
        else:
            if v.negated:
                return
            code = v.form.code
        if code is None:
            return
        source = slots.get("src")
        target = slots.get("tgt")
        subject = v.subject
        if "cmp" in slots:
            members = slots["cmp"].members
            for a in members:
                for b in members:
                    if a.code != b.code and a is not b:
                        v.events.append(Event(a, b, code, (v.at, v.end), line, "reciprocal"))
            return
        if v.passive:
            agent = None
            for i in range(v.end, limit - 1):
                if words[i] == "BY" and (i + 1) in by_start:
                    agent = by_start[i + 1]
                    break
            if source is None:
                source = agent
            if target is None and agent is not None:
                target = subject
            elif target is None:
                return
        if source is None:
            source = subject
        if source is None:
            return
        if target is None:
            target = _first_group(grs, v.end, limit, exclude=source)
        if target is None:
            # complement clause: 'X believes Y can ...' codes X -> Y when the clause itself codes nothing
            nxt = next((n for n in later if n.direct and n.subject is not None), None)
            if nxt is not None and nxt.subject is not None and nxt.subject.start >= v.end:
                if not nxt.events:
                    target = nxt.subject
                elif self.statements and best is None:
                    for a in source.members:
                        for b in nxt.subject.members:
                            v.events.append(Event(a, b, code, (v.at, v.end), line, "statement"))
                    return
        if target is None:
            if len(source.members) > 1:
                for a in source.members:
                    for b in source.members:
                        if a is not b and a.code != b.code:
                            v.events.append(Event(a, b, code, (v.at, v.end), line, "reciprocal"))
            return
        for a in source.members:
            for b in target.members:
                if a.code == b.code:
                    continue
                v.events.append(Event(a, b, code, (v.at, v.end), line))
                if rev:
                    v.events.append(Event(b, a, rev, (v.at, v.end), line, "reciprocal"))


def _adverbs_between(words: list[str], j: int, at: int) -> int:
    return sum(1 for k in range(j + 1, at) if words[k] in ADVERBS or words[k].endswith("LY") or words[k] in NEGATIONS)


def _first_group(grs: list[Group], lo: int, hi: int, exclude: Group | None) -> Group | None:
    for g in grs:
        if g.start >= lo and g.start < hi and g is not exclude:
            return g
    return None


def _keys(words: list[str]) -> frozenset[str]:
    out: set[str] = set()
    for w in words:
        out.add(w)
        for k in range(3, len(w)):
            out.add("~" + w[:k])
        out.add("~" + w)
    return frozenset(out)


def _required(p: Pattern, synsets: dict) -> tuple[frozenset[str], list[frozenset[str]]]:
    """Keys a sentence must hold for the pattern to have a chance: its words, one member per synset."""
    req = set()
    syns = []
    for e in p.pre + p.post:
        if e.kind == "word":
            req.add(e.value if e.exact else "~" + e.value)
        elif e.kind == "syn":
            syns.append(frozenset(
                ("~" + m[0]) if (len(m) == 1 and stem) else m[0] for m, stem in synsets.get(e.value, ())))
    return frozenset(req), syns


def _anchor_index(block, synsets: dict, req_cache: dict) -> tuple[dict[str, list[Pattern]], list[Pattern]]:
    anchors: dict[str, list[Pattern]] = {}
    free: list[Pattern] = []
    for p in block.patterns:
        req = req_cache[id(p)] = _required(p, synsets)
        if req[0]:
            anchors.setdefault(min(req[0]), []).append(p)
        elif req[1]:
            for k in req[1][0]:
                anchors.setdefault(k, []).append(p)
        else:
            free.append(p)
    return anchors, free


def _has_negation(p: Pattern) -> bool:
    return any(e.value in _NEG_WORDS for e in p.pre + p.post)


_SYN_INDEX: dict[tuple[int, str], tuple[dict, dict, dict, dict]] = {}


def _syn_candidates(synsets: dict, name: str, w: str, forward: bool) -> list:
    """Members of a synset that can start (forward) or end (backward) at word ``w``."""
    key = (id(synsets), name)
    idx = _SYN_INDEX.get(key)
    if idx is None:
        first: dict = {}
        first_stem: dict = {}
        last: dict = {}
        last_stem: dict = {}
        for m in synsets.get(name, ()):
            words, stem = m
            if len(words) == 1 and stem:
                first_stem.setdefault(words[0], []).append(m)
            else:
                first.setdefault(words[0], []).append(m)
            (last_stem if stem else last).setdefault(words[-1], []).append(m)
        idx = _SYN_INDEX[key] = (first, first_stem, last, last_stem)
    exact, stems = (idx[0], idx[1]) if forward else (idx[2], idx[3])
    out = list(exact.get(w, ()))
    if stems:
        for k in range(len(w), 2, -1):
            out += stems.get(w[:k], ())
    return out


def _word_ok(e: Elem, w: str) -> bool:
    return w == e.value if e.exact else w.startswith(e.value)


def _match(elems: tuple[Elem, ...], words: list[str], pos: int, stop: int, step: int,
           by_start: dict[int, Group], by_end: dict[int, Group],
           synsets: dict, slots: dict[str, Group], k: int = 0) -> bool:
    """Match elements from ``pos`` walking by ``step`` (+1 after the verb, -1 before it)."""
    if k == len(elems):
        return True
    e = elems[k]
    if e.kind == "skip":
        return _match(elems, words, pos, stop, step, by_start, by_end, synsets, slots, k + 1)
    q = pos
    while (q < stop) if step > 0 else (q > stop):
        if e.kind == "word":
            if _word_ok(e, words[q]):
                if _match(elems, words, q + step, stop, step, by_start, by_end, synsets, slots, k + 1):
                    return True
        elif e.kind == "syn":
            for members, stem in _syn_candidates(synsets, e.value, words[q], step > 0):
                n = len(members)
                a = q if step > 0 else q - n + 1
                if a < 0 or a + n > len(words):
                    continue
                seg = words[a: a + n]
                if all(seg[t] == members[t] for t in range(n - 1)) and (
                        seg[-1].startswith(members[-1]) if stem else seg[-1] == members[-1]):
                    nxt = a + n if step > 0 else a - 1
                    if _match(elems, words, nxt, stop, step, by_start, by_end, synsets, slots, k + 1):
                        return True
        else:  # an actor slot
            g = by_start.get(q) if step > 0 else by_end.get(q + 1)
            if g is not None:
                slots[e.kind] = g
                nxt = g.end if step > 0 else g.start - 1
                if _match(elems, words, nxt, stop, step, by_start, by_end, synsets, slots, k + 1):
                    return True
                del slots[e.kind]
        if e.adjacent:
            return False
        q += step
    return False
