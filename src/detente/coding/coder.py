"""Who did what to whom: verbs, their patterns and their source/target groups -> coded events.

The coder is reached through :func:`detente.coding.load` (its classes are re-exported there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from detente.coding.context import country_of, fill_null_actors, sentence_country
from detente.coding.dictionaries import MIN_STEM, ActorCodes, Agent, PhraseIndex
from detente.coding.parse import (
    ADVERBS,
    AUX,
    BE,
    CLAUSE_BREAK,
    DETERMINERS,
    NEGATIONS,
    PREPOSITIONS,
    SPEECH_WORDS,
    ActorRef,
    Group,
    Mention,
    Tokens,
    chunks,
    groups,
    tokenize,
)
from detente.coding.patterns import WordKeys, anchor_index, has_negation, match, stem_keys
from detente.coding.verbs import Pattern, VerbDict, VerbForm

__all__ = ["Coder", "Coded", "Event", "MAX_TOKENS"]

MAX_TOKENS = 120  # longer sentences are cut here (and the cut is counted)
_FREQUENT = (AUX | NEGATIONS | PREPOSITIONS | DETERMINERS | ADVERBS | {
    "AND", "OR", "BUT", "THAT", "WHICH", "WHO", "IT", "THEY", "WE", "HE", "SHE", "SAID", "SAYS", "WOULD", "WILL",
    "ITS", "THEIR", "HIS", "NOT", "TWO", "NEW", "ALSO", "MORE", "OTHER", "THAN", "IF", "WHEN", "WHILE"})
_NOUN_BEFORE = DETERMINERS | (PREPOSITIONS - {"TO"}) | {"'S"}
# adjectives after which a verb form is a noun ('military support', 'humanitarian aid', 'air strike')
ADJECTIVES = {"HUNGER", "GENERAL", "MILITARY", "FINANCIAL", "ECONOMIC", "HUMANITARIAN", "POLITICAL", "DIPLOMATIC", "NAVAL", "AIR",
              "MORAL", "PUBLIC", "TECHNICAL", "MATERIAL", "LOGISTICAL", "FULL", "FURTHER", "MORE", "NEW"}
# plural forms that are nouns after an adjective or noun ('air strikes', 'peace talks', 'new sanctions')
NOUNISH = {"STRIKES", "ATTACKS", "TALKS", "PLANS", "THREATS", "DEMANDS", "PROTESTS", "CLASHES", "RAIDS",
           "REFORMS", "SANCTIONS", "VISITS", "CALLS", "APPEALS", "OFFERS", "EXPORTS", "IMPORTS", "SUPPLIES",
           "SHIPMENTS", "RECORDS", "PRICES", "RATES", "DRILLS", "EXERCISES", "ARRESTS", "TIES", "AIDS",
           "PROPOSALS", "PROMISES", "WARNINGS", "ACCUSATIONS", "RALLIES", "MEETINGS", "TRANSFERS", "BLOCKS"}
_FUNCTION = AUX | NEGATIONS | ADVERBS | PREPOSITIONS | DETERMINERS | {
    "AND", "OR", "BUT", "THAT", "WHICH", "WHO", "IT", "THEY", "WE", "HE", "SHE", "I", "YOU", "ALSO", "NOT"}

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
    future: bool = False  # 'will provide', 'would send': an intent (03) or a threat (13), CAMEO's reading
    pre_stop: int = -1  # a pattern's words before the verb are sought down to (not including) this index
    unreal: bool = False  # what was demanded, asked or offered, not an act: no events, nor for its infinitives

    def add(self, a: ActorRef, b: ActorRef, code: str, line: int | None, kind: str = "main") -> None:
        self.events.append(Event(a, b, code, (self.at, self.end), line, kind))

    def add_among(self, members: list[ActorRef], code: str, line: int | None) -> None:
        """Reciprocal events between every two actors of one group ('Armenia and Azerbaijan met')."""
        for a in members:
            for b in members:
                if a is not b and a.code != b.code:
                    self.add(a, b, code, line, "reciprocal")


_PEOPLE = Agent("CVL", False)
_RELATIVE = {"THAT", "WHICH", "WHO"}
_TELLING = {"TOLD", "TELL", "TELLS", "WARNED", "INFORMED", "ASSURED", "REMINDED", "CONVINCED", "PERSUADED"}
_FOREIGN_WEIGHT = 2  # a pattern written for another verb of the block applies from this many literal words on
_PLACE_PREPS = {"IN", "AT", "FROM"}
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
        # 'will give' codes an intent (033), 'will break relations' a threat (CAMEO); PETRARCH's unit tests
        # code the act itself, so the validation coder turns this off
        self.intents = True
        self._anchors: dict[int, tuple[dict[str, list[Pattern]], list[Pattern], frozenset[str]]] = {}
        self._req: dict[int, tuple[frozenset[str], list[frozenset[str]]]] = {}
        self._context_cache: dict[str, str] = {}
        self._reach: dict[int, bool] = {}  # id(pattern) -> has an actor slot after the verb
        self._first: dict[int, bool] = {}  # id(pattern) -> binds the target before the verb (_target_first)
        self._cand_cache: dict[tuple[int, str, frozenset[str]], list[Pattern]] = {}
        self._keys = WordKeys(stem_keys(verbs))  # a sentence's pattern lookup keys
        # frequent words that start no actor, agent or discard phrase: skipped by the mention scan
        self._no_mention = frozenset(w for w in _FREQUENT if not any(
            d.match([w, w], 0) or w in d.root for d in (actors, agents)))

    def _candidates(self, block, keys: frozenset[str], base: str) -> list[Pattern]:
        """Patterns of a verb block that may match, most specific first (an index on one key each); a pattern
        written for another verb of the block (``Pattern.origin``) only from ``_FOREIGN_WEIGHT`` literal words."""
        idx = self._anchors.get(id(block))
        if idx is None:
            a, f = anchor_index(block, self.verbs.synsets, self._req)
            idx = self._anchors[id(block)] = (a, f, frozenset(a))
        anchors, free, anchor_keys = idx
        hit = keys & anchor_keys  # (a set intersection walks the smaller set)
        ck = (id(block), base, hit)
        out = self._cand_cache.get(ck)
        if out is None:
            uniq = {id(p): p for k in hit for p in anchors[k]}
            out = [p for p in list(uniq.values()) + free
                   if not p.origin or base in p.origin or p.weight >= _FOREIGN_WEIGHT]
            out.sort(key=lambda p: (-p.weight, p.line))
            if len(self._cand_cache) > 50_000:
                self._cand_cache.clear()
            self._cand_cache[ck] = out
        return out

    def context_country(self, context: str | None, when: date | None) -> str | None:
        """A country code from ``context``: the code itself ('AZE') or the first country that text names
        ('BAKU', 'Baku, March 3'); cached per text."""
        if not context:
            return None
        if len(context) == 3 and context.isalpha() and context.isupper():
            return context
        hit = self._context_cache.get(context)
        if hit is None:
            tok = tokenize(context)
            found = ""
            for m in self.mentions(tok, when):
                if m.kind == "actor":
                    ref = m.value
                    assert isinstance(ref, ActorRef)
                    c = ref.country if ref.actor is not None else country_of(ref.code)
                    if c:
                        found = c
                        break
            if len(self._context_cache) > 10_000:
                self._context_cache.clear()
            hit = self._context_cache[context] = found
        return hit or None

    # -- mentions ----------------------------------------------------------------------------
    def mentions(self, tok: Tokens, when: date | None) -> list[Mention]:
        words = tok.words
        ext: dict[int, tuple[int, ActorRef]] = {}
        found = self.external(tok.text, when) if self.external is not None else ()
        if found:
            starts = {s: i for i, (s, _) in enumerate(tok.spans)}
            ends = {e: i + 1 for i, (_, e) in enumerate(tok.spans)}
            for s, e, ref in found:
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
        skip = self._no_mention
        act, act_heads = self.actors.root, self.actors.stem_heads()  # PhraseIndex.match's first test, inline
        agt, agt_heads = self.agents.root, self.agents.stem_heads()
        while i < n:
            w = words[i]
            if not w[0].isalnum() or (w in skip and i not in ext):
                i += 1
                continue
            is_act = w in act or w[:MIN_STEM] in act_heads
            is_agt = w in agt or w[:MIN_STEM] in agt_heads
            if not (is_act or is_agt or i in ext):
                i += 1
                continue
            best: Mention | None = None
            if i in ext:
                j, ref = ext[i]
                best = Mention(i, j, "actor", ref)
            hit = self.actors.match(words, i) if is_act else None
            if hit and (best is None or hit[0] > best.end):
                codes = hit[1]
                assert isinstance(codes, ActorCodes)
                code = codes.code_on(when)
                best = Mention(i, hit[0], "actor", ActorRef(code, i, hit[0])) if code else Mention(i, hit[0], "null", None)
            ag = self.agents.match(words, i) if is_agt else None
            if ag and (best is None or ag[0] > best.end):
                best = Mention(i, ag[0], "agent", ag[1])
            if best is None:
                i += 1
                continue
            out.append(best)
            i = best.end
        return out

    def _peoples(self, words: list[str], ments: list[Mention], context: str | None, when: date | None) -> list[Mention]:
        """'ethnic Albanians in Serbia': a people, coded with the country it lives in (CAMEO: that country's
        civilians), which the sentence's context gives as for 'the rebels'; without one, the named state."""
        trial = [Mention(m.start, m.end, "agent", _PEOPLE)
                 if m.kind == "actor" and m.start > 0 and words[m.start - 1] == "ETHNIC" else m for m in ments]
        if sentence_country(words, trial, self.context_country(context, when)) is None:
            return ments
        return trial

    # -- verbs -------------------------------------------------------------------------------
    def find_verbs(self, tok: Tokens, taken: set[int], actor_at: dict[int, int] | None = None) -> list[_Verb]:
        """Verb forms of the sentence; ``actor_at``: the token after an actor mention -> the mention's start."""
        words = tok.words
        actor_at = actor_at or {}
        out: list[_Verb] = []
        all_forms = self.verbs.forms
        nxt = 0  # the first token after the last verb found
        for i in [k for k, w in enumerate(words) if w in all_forms and k not in taken]:
            if i < nxt:
                continue  # inside a multi-word verb
            forms = all_forms[words[i]]
            if not forms:
                continue
            prev = words[i - 1] if i else ""
            if words[i] == "ACCORDING" and i + 1 < len(words) and words[i + 1] == "TO":
                continue  # 'according to Ukrainian intelligence': an attribution, not an agreement (060)
            if prev in _NOUN_BEFORE or (prev in ADJECTIVES and not {i - 1, i - 2} <= taken) or \
                    (words[i] in NOUNISH and prev.isalpha() and (i - 1) not in taken and prev not in _FUNCTION):
                continue  # 'the Israeli air strikes', 'new talks': a noun ('the Iranian military staged': a verb)
            if prev.endswith("LY") and i >= 2 and words[i - 2] in DETERMINERS:
                continue  # 'the recently imposed law', 'a newly elected parliament': an adjective
            if "-" in prev and (i - 1) not in taken and prev[0].isalnum():
                continue  # 'a four-day strike', 'an 18-year break', 'open-ended talks': a noun after a compound modifier
            start = actor_at.get(i)
            if start is not None and start >= 1 and (start - 1) not in taken and (
                    words[start - 1] in ("A", "AN") or (words[start - 1] in DETERMINERS and start == i - 1
                                                        and not words[start].endswith("S"))) and \
                    (words[i] in NOUNISH or any(words[i] == f.base for f in forms)):
                continue  # 'rejected a US offer', 'the Turkish attack': an actor adjective before a noun
            for f in forms:
                n = len(f.words)
                if tuple(words[i: i + n]) == f.words:
                    out.append(_Verb(i, i + n, f))
                    nxt = i + n
                    break
        return out

    # -- the sentence ------------------------------------------------------------------------
    def code(self, text: str, when: date | None = None, context: str | None = None) -> Coded:
        """Events of one sentence. ``context``: a country code, or text naming one (a dateline such as
        'BAKU', an earlier sentence), for actors the sentence names without a country ('the rebels')."""
        tok = tokenize(text)
        res = Coded(tok)
        if not tok.words:
            res.status = "empty"
            return res
        if len(tok.words) > MAX_TOKENS:
            tok.words, tok.spans = tok.words[:MAX_TOKENS], tok.spans[:MAX_TOKENS]
            res.truncated = True
        words = tok.words
        heads = self.discards.exact
        for i in (k for k, w in enumerate(words) if w in heads):
            if self.discards.match(words, i):
                res.status = "discarded"
                return res
        ments = self.mentions(tok, when)
        if "ETHNIC" in words:
            ments = self._peoples(words, ments, context, when)
        country = None
        if any(m.kind == "agent" for m in ments):
            country = sentence_country(words, ments, self.context_country(context, when))
        if not any(m.kind == "actor" for m in ments) and country is None:
            res.status = "no_actor"
            return res
        taken = {k for m in ments for k in range(m.start, m.end)}
        verbs = self.find_verbs(tok, taken, {m.end: m.start for m in ments if m.kind == "actor"})
        if not verbs:
            res.status = "no_verb"
            return res
        chs = chunks(tok, ments, {v.at for v in verbs})
        if country is not None:
            caps = {i for i, (a, _) in enumerate(tok.spans) if text[a].isupper()}
            fill_null_actors(words, chs, country, {words[m.end - 1] for m in ments if m.kind == "agent"}, caps)
        grs = groups(tok, chs)
        by_end = {g.end: g for g in grs}
        by_start = {g.start: g for g in grs}
        self._subjects(words, verbs, by_end, lambda i: tok.text[tok.spans[i][0]].islower())
        verbs = [v for v in verbs if not v.noun]
        _refusals(words, verbs)
        verbs = [v for v in verbs if not v.noun]
        keys = self._keys.of(words)
        said = -1
        for v in verbs:  # 'Switzerland said it had expelled ...': the reported clause's patterns stop at 'said'
            v.pre_stop = said
            if v.form.words[0] in SPEECH_WORDS:
                said = v.end - 1
        for k in range(len(verbs) - 1, -1, -1):
            v = verbs[k]
            limit = self._limit(words, verbs, k)
            self._code_verb(words, v, verbs[k + 1:], limit, by_start, by_end, grs, keys)
            if v.negated and not v.events:
                res.negated += 1
        for v in verbs:
            if v.direct and v.subject is not None and v.subject.start > 0 and words[v.subject.start - 1] in _IF:
                v.events, v.unreal = [], True  # 'if the United States goes ahead with ...': a condition, no act
            elif v.at > 0 and words[v.at - 1] in _RELATIVE and v.form.base in _STATIVE and \
                    v.form.words[0] != v.form.base and v.form.words[0].endswith("S"):
                v.events = []  # 'the faction that controls Afghanistan': a standing state, not a dated act
        _drop_complements(words, verbs)
        for k, v in enumerate(verbs):
            # 'Switzerland said it had expelled two diplomats': the reported act is the event, not the saying
            if v.events and v.form.words[0] in SPEECH_WORDS:
                reported = [n for n in verbs[k + 1:] if n.events and n.subject is v.subject and not n.direct]
                if reported and all(e.code == "010" for e in v.events):
                    v.events = []
                elif reported:
                    # 'Nigeria announced it will withdraw its force from Chad': the speech verb's pattern
                    # ('* WITHDRAW') codes the reported act the reported verb codes itself, with its modality
                    v.events = []
        seen: set[tuple[str, str, str]] = set()
        res.events = []
        for e in (e for v in verbs for e in v.events):
            key = (e.source.code, e.target.code, e.code)
            if key not in seen:  # 'voted to expel the ambassador': one expulsion, not two
                seen.add(key)
                res.events.append(e)
        if len(res.events) > 1:
            # 'opened the border to allow the delivery of food to Syria': the unspecified 080 beside 0863 of the
            # same dyad is the same act, told twice
            specific = {(e.source.code, e.target.code, e.code[:2]) for e in res.events if len(e.code) > 3 or
                        e.code[2] != "0"}
            res.events = [e for e in res.events if not (len(e.code) == 3 and e.code[2] == "0" and
                                                        (e.source.code, e.target.code, e.code[:2]) in specific)]
        res.status = "coded" if res.events else "no_event"
        return res

    def _subjects(self, words: list[str], verbs: list[_Verb], by_end: dict[int, Group],
                  lower: Callable[[int], bool] = lambda i: False) -> None:
        """Each verb's subject group (see docs/coding.md, 'The shallow parse'); ``lower``: whether a token is
        written in lower case (an unknown adverb such as 'outright' between the subject and its verb)."""
        prev: _Verb | None = None
        for v in verbs:
            if v.at >= 3 and words[v.at - 1] == "TO" and words[v.at - 2] in _WILLING and words[v.at - 3] in BE:
                v.future = True  # 'is prepared to lift the ban': an intent (CAMEO 03), as 'will lift'
            j = v.at - 1
            embedded = False  # the subject is the previous verb's object ('a resolution that ...')
            saw_be = False
            while j >= 0 and (words[j] in AUX or words[j] in NEGATIONS or words[j] in ADVERBS
                              or words[j].endswith("LY") or words[j][0].isdigit()):
                if words[j] in NEGATIONS:
                    v.negated = True
                elif words[j] in _FUTURE:
                    v.future = True
                if words[j] in BE and j == v.at - 1 - _adverbs_between(words, j, v.at) and \
                        "TO" not in words[j + 1: v.at]:  # 'is about to restore' is no passive
                    saw_be = True
                j -= 1
            v.passive = saw_be and _participle(v.form)
            g = by_end.get(j + 1) or by_end.get(v.at)  # 'Iran today threatened': the chunk took the adverb
            if g is not None and g.start >= 3 and words[g.start - 1] in _PLACE_PREPS and \
                    _reduced_relative(words[g.start - 2]):
                # 'Russian troops stationed in Armenia attacked': the place of a participle is no subject (the
                # participle is a verb of the dictionary, or the last word of the noun phrase)
                part = g.start - 2
                head = by_end.get(part) or by_end.get(part + 1)
                if head is not None:
                    g = head
                    if prev is not None and prev.at == part:
                        prev.noun = True  # the participle codes nothing ('stationed', 'operating')
                        prev = None
            if g is None and j >= 2 and words[j - 1] in _PLACE_PREPS and words[j][:1].isalpha() and \
                    j - 1 in by_end and words[j] not in _FUNCTION:
                g = by_end[j - 1]  # 'Palestinian police in Jericho confiscated': the place is no subject
            if g is None and j >= 0 and words[j] in _RELATIVE and j in by_end and not (
                    words[j] == "THAT" and prev is not None and prev.end == by_end[j].start and
                    prev.form.words[0] in SPEECH_WORDS | _TELLING):
                g = by_end[j]  # 'a resolution that aims to tighten sanctions': the relative's own subject
                embedded = prev is not None and g.start >= prev.end
            if j >= 3:
                for back in range(j, max(j - 9, 0), -1):
                    if words[back] == "WITH" and words[back - 1] in ("ALONG", "TOGETHER") and back - 1 in by_end and \
                            (prev is None or prev.end < back) and (g is None or g.start <= back + 2):
                        # 'Washington, along with its allies, demanded'; 'France along with Germany': both
                        first = by_end[back - 1]
                        g = first if g is None else Group(first.start, g.end, first.members + g.members)
                        break
            if g is None and prev is None and 0 < j < v.at and lower(j) and words[j] not in _FUNCTION:
                back = j - 1  # 'Bangladesh has once again outright rejected': an unlisted adverb
                while back >= 0 and back > j - 5 and back + 1 not in by_end and (
                        words[back] in AUX or words[back] in ADVERBS or (lower(back) and words[back] not in _FUNCTION)):
                    back -= 1
                g = by_end.get(back + 1)
            if g is None and prev is None and j >= 2 and words[j].isalpha() and words[j] not in _FUNCTION:
                # 'President Laurent Fabius and a group of deputies held talks': a tail without an actor after
                # 'and' or 'of' leaves the subject with the group before it
                for back in range(j - 1, max(j - 7, 0), -1):
                    w = words[back]
                    if w in ("AND", "OF") and back in by_end:
                        g = by_end[back]
                        break
                    if w in CLAUSE_BREAK or w == "," or (w in PREPOSITIONS and w != "OF") or w in _RELATIVE:
                        break
            if g is None and j >= 1 and words[j] == ")":
                j = _before_parenthesis(words, j)  # 'the Workers' Union (SSS) stopped work'
                g = by_end.get(j + 1)
            if g is None and j >= 0 and words[j] == ",":
                # an appositive between commas: 'Armenia, a founding member, said ...'
                for back in range(j - 1, max(j - 12, -1), -1):
                    if words[back] == ",":
                        g = by_end.get(back) or by_end.get(_before_parenthesis(words, back - 1) + 1)
                        if g is None and j in by_end and by_end[j].start > back:
                            g = by_end[j]  # 'Ali Demir, Turkey's trade envoy, said': the name is unknown
                        break
            skipped_aux = j < v.at - 1
            if g is None and prev is not None and prev.subject is not None and prev.direct and \
                    prev.subject.end == prev.at and prev.form.words[0].endswith("ING") and j >= 0 and words[j] not in _LINKS \
                    and words[j] not in DETERMINERS and not (words[j] in ADJECTIVES and v.form.words[0] in NOUNISH):
                # 'British jets using guided missiles killed ...': the participle only described the subject
                v.subject, v.direct = prev.subject, True
                prev.events = []
                prev = v
                continue
            if g is None and prev is not None and not skipped_aux and j >= 0 and words[j] not in _LINKS:
                v.noun = True  # 'sent humanitarian aid': a verb form inside the previous verb's object
                continue
            if g is not None and not (prev is not None and prev.subject is g):
                # an infinitive's noun phrase ('rejected a US offer to host') stays in the previous verb's object
                # ... and so does the author of an appeal or offer ('dismissed an appeal from President Keita to lay')
                v.subject, v.direct = g, not embedded and not (
                    words[v.at - 1] == "TO" and prev is not None and g.start >= prev.end
                    and (g.end > max(m.end for m in g.members) or (
                        words[g.start - 1] in ("FROM", "BY") and words[g.start - 2] in _PROPOSALS)))
            elif prev is not None:  # coordinated or infinitive verb: the previous verb's subject
                v.subject = prev.subject
            prev = v

    def _limit(self, words: list[str], verbs: list[_Verb], k: int) -> int:
        """Where the verb's own object region ends: the next clause's subject, or a clause break."""
        end = len(words)
        cur = verbs[k]
        for nxt in verbs[k + 1:]:
            if nxt.direct and nxt.subject is not None:
                end = nxt.subject.start
                if nxt.subject.end == nxt.at and nxt.subject.start >= cur.end and _participle_word(nxt) and \
                        cur.form.words[0] not in SPEECH_WORDS:
                    end = nxt.at  # 'expelled two Russian diplomats based in Geneva': the diplomats are the object
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
        light = _light_noun(words, v, limit)
        if light is not None and not v.negated:
            self._code_light(words, v, light, limit, by_start, grs)
            return
        act = _announced_act(words, v, limit) if v.form.base in ANNOUNCING and not v.negated else None
        if act is not None and v.subject is not None:
            at, code = act  # 'announced a suspension of air links with Serbia': the suspension is the event (161)
            target = _first_group(grs, at + 1, limit, exclude=v.subject)
            for a in v.subject.members:
                for b in target.members if target is not None else ():
                    if a.code != b.code:
                        v.add(a, b, code, None)
            return
        reqs = self._req
        reach = self._reach
        first = self._first
        # an active verb with its own object, or after 'will'/'has': a target-first pattern cannot read it
        obj_after = not v.passive and (v.end in by_start or (v.end + 1 < len(words) and v.end + 1 in by_start and (
            words[v.end] in DETERMINERS or words[v.end][0].isdigit())))
        # 'demanded that Hamas renounce its struggle against Israel': a pattern reads no actor inside the clause
        # but its subject
        that_clause = v.end < len(words) and words[v.end] == "THAT"
        # ... nor inside a relative clause after the object ('will support a resolution that aims to tighten
        # sanctions against Serbia': Serbia is the resolution's target, not the supporter's)
        rel = -1  # (found when a pattern first matches)
        for p in self._candidates(v.form.block, keys, v.form.base):
            req = reqs[id(p)]
            if not req[0] <= keys or any(keys.isdisjoint(r) for r in req[1]):
                continue
            slots: dict[str, Group] = {}
            # a pattern reaches into a following clause only through an explicit actor slot
            r = reach.get(id(p))
            if r is None:
                r = reach[id(p)] = any(e.kind in ("src", "tgt", "cmp") for e in p.post)
            stop = len(words) if r else limit
            if obj_after or (p.origin and v.form.base not in p.origin):
                # a target-first pattern written for another verb ('+ * &ASYLUM IN $' of GRANT): its direction
                # belongs to that verb ('The UN will provide food aid to refugees ... in Liberia')
                tf = first.get(id(p))
                if tf is None:
                    tf = first[id(p)] = _target_first(p)
                if tf:
                    continue  # '+ * IN ATTACK IN $' reads 'X killed in an attack in Y'; here the verb has an object
            if match(p.post, words, v.end, stop, 1, by_start, by_end, self.verbs.synsets, slots) and \
                    match(p.pre, words, v.at - 1, v.pre_stop, -1, by_start, by_end, self.verbs.synsets, slots):
                if "cmp" in slots and len(slots["cmp"].members) < 2:
                    continue  # '%' wants a compound actor
                if "src" in slots and "tgt" in slots and all(
                        a.code == b.code for a in slots["src"].members for b in slots["tgt"].members):
                    continue  # '* + IN $' on 'killed 4 Iraqis in Basra': a source equal to the target codes nothing
                if that_clause and any(g.start > limit for g in slots.values()):
                    continue  # inside a 'that' clause only its subject ('demanded that + WITHDRAW' -> 1056)
                if rel < 0:
                    rel = next((i for i in range(v.end + 1, len(words)) if words[i] in _RELATIVE), len(words))
                if any(g.start > rel for g in slots.values()):
                    continue
                if slots.get("tgt") is not None and slots.get("tgt") is v.subject and "src" not in slots:
                    continue  # 'SAID + *': the target is this verb's own subject, the source another clause's
                if any(n.subject is slots.get("tgt") and n.direct and n.form.words[0] in SPEECH_WORDS
                       for n in later) and slots.get("tgt") is not None:
                    continue  # '..., a senior Bree official said': the speaker of a trailing attribution
                best = (p, slots)
                break
        code: str | None
        rev: str | None = None
        slots = {}
        line = None
        if best is not None:
            p, slots = best
            code, rev, line = p.code, p.reverse_code, p.line
            if code is not None and code == v.form.block.code and v.form.code and v.form.code != code and rev is None:
                code = v.form.code  # a pattern repeating its block's code ('SUE': '* + FOR' [173]) gives the verb's own
            if code is not None and code.startswith("033") and v.form.base in GIVING - {"OFFER"} and \
                    not v.future and words[v.at - 1] != "TO":
                code = _GIVEN_ACT.get(code, code)  # 'supplied aircraft to' is the aid itself, not an intent
            if v.negated and not has_negation(p):
                code, rev, slots = _refused_support(words, v, limit), None, {}
                if code is None:
                    return
        else:
            code = v.form.code
            better = object_code(v.form.base, words[v.end: limit])  # no pattern matched: the object decides
            if better is not None and (code is None or ((v.form.base in EASING or v.form.base in GIVING
                                                       or v.form.base == "SHARE") and code[:2] == "06")):
                code = better  # uncoded verbs; 'eased emergency measures' is 0814, not 'facilitated' (060)
            if v.negated:
                code = _refused_support(words, v, limit)
        if code is None:
            return
        source = slots.get("src")
        target = slots.get("tgt")
        subject = v.subject
        if "cmp" in slots:
            v.add_among(slots["cmp"].members, code, line)
            return
        if v.passive:
            agent = None
            for i in range(v.end, min(limit, len(words) - 1)):  # the agent may start at the limit
                if words[i] == "BY" and (i + 1) in by_start:
                    agent = by_start[i + 1]
                    break
            if agent is not None:
                # 'Armenia was visited by Xi': the by-phrase is the source whatever the pattern bound
                source, target = agent, (subject if target is None or target is agent else target)
                if rev is not None:
                    rev = rev if target is subject else None
            elif target is None or (source is None and not v.direct):
                return  # (an inherited subject of a passive is no agent: 'Libyans, some of whom have been held')
        if source is None:
            source = subject
        if source is None:
            return
        direct = False
        if code[:2] in ("03", "12") and not v.passive:
            owner = _proposer(words, v, by_start)
            if owner is not None and owner is not source:
                target = owner  # 'rejected an Indian proposal for ...': the proposer, whatever the pattern bound
        if target is None and code[:2] == "13":
            # 'threatened to ban voting in Jerusalem if Hamas ran': the threat is addressed to the condition's subject
            cond = next((i for i in range(v.end, len(words) - 1) if words[i] in _IF), None)
            if cond is not None and cond + 1 in by_start and by_start[cond + 1] is not source:
                target = by_start[cond + 1]
        if target is None:
            target = _first_group(grs, v.end, limit, exclude=source)
            if target is not None and code == "010" and \
                    not (target.start == v.end or words[target.start - 1] in ("TO", "WITH")):
                target = None  # 'Iran said the plan ... Armenia ...': a statement has no distant target
        if target is not None:
            # the verb's own object: right after it, or the head of its noun phrase ('hosted the foreign
            # ministers of Russia', 'hosted a delegation of the European Parliament')
            between = words[v.end: target.start]
            direct = target.start == v.end or (len(between) <= 5 and not any(
                (w in PREPOSITIONS and w != "OF") or w in CLAUSE_BREAK or w in (",", "AND") for w in between))
        if target is None:
            # complement clause: 'X believes Y can ...' codes X -> Y when the clause itself codes nothing
            nxt = next((n for n in later if n.direct and n.subject is not None), None)
            # ... but not past another noun phrase: 'Iran said the plan to build a railway through Armenia was'
            if nxt is not None and nxt.subject is not None and nxt.subject.start >= v.end and \
                    not {"THE", "A", "AN"} & set(words[v.end: nxt.subject.start]) and \
                    not (nxt.form.words[0] in SPEECH_WORDS and words[nxt.subject.start - 1] == ","):
                # (', a senior official said' at the end is an attribution, not a complement clause)
                modal = {"MUST", "SHOULD"} & set(words[nxt.subject.end: nxt.at])
                if code[:2] in ("02", "10") or (code == "010" and modal and self.intents):
                    # 'demanded that the US match ...', 'said Sudan must return ...': a demand (or appeal) on
                    # the clause's subject; what was demanded is not an event
                    if code == "010":
                        code = "100"
                    target = nxt.subject
                    nxt.events, nxt.unreal = [], True
                elif not nxt.events:
                    target = nxt.subject
                elif self.statements and best is None:
                    for a in source.members:
                        for b in nxt.subject.members:
                            v.add(a, b, code, line, "statement")
                    return
        if target is None:
            v.add_among(source.members, code, line)
            return
        code = refine(code, v.form.base, words[v.end: limit], source, _clause_before(words, v.at))
        if v.future and self.intents and not v.negated:
            code, rev = intent(code), None
        if code == "043" and rev is None:
            rev = "042"  # a host's guest made the visit: the dictionary's [042:043] pairing, read the other way
        # a reverse event ([042:043]) only when the target is the verb's own object ('visited Paris'),
        # not an actor reached through a preposition ('attended talks with Aliyev')
        if rev and not (direct or v.passive):
            rev = None
        for a in source.members:
            for b in target.members:
                if a.code == b.code:
                    continue
                v.add(a, b, code, line)
                if rev:
                    v.add(b, a, rev, line, "reciprocal")
        if code[:2] in ("02", "10"):  # 'demanded that Turkey withdraw': the withdrawal is what was demanded
            for n in later:
                if n.direct and n.subject is target:
                    n.events, n.unreal = [], True
                elif n.direct and n.subject is not None and n.subject.start > v.end and \
                        "THAT" in words[v.end: n.subject.start] and \
                        not any(w in CLAUSE_BREAK or w == "," for w in words[v.end: n.subject.start]):
                    # 'demanded an admission by Moscow that Soviet forces murdered ...': the demanded content
                    n.events, n.unreal = [], True

    def _code_light(self, words: list[str], v: _Verb, light: tuple[int, str], limit: int,
                    by_start: dict[int, Group], grs: list[Group]) -> None:
        """'held talks with B' (046), 'attended a meeting with B' (040), 'launched drills near the B border'
        (150), 'held joint exercises' (062 among the subject's members), 'carried out air strikes on B' (195)."""
        at, code = light
        source = v.subject
        if source is None:
            return
        joint = "JOINT" in words[v.end: at + 1]
        with_g = next((g for i in range(at + 1, limit - 1) if words[i] == "WITH"
                       and (g := _after_with(words, i, limit, by_start)) is not None), None)
        if code == "150" and (joint or (len(source.members) > 1 and with_g is None)):
            code = "062"
        if code in ("040", "046", "062"):
            target = with_g
        else:
            target = _first_group(grs, at + 1, limit, exclude=source)
        if target is None:
            v.add_among(source.members, code, None)
            return
        for a in source.members:
            for b in target.members:
                if a.code != b.code:
                    v.add(a, b, code, None)


def _after_with(words: list[str], i: int, limit: int, by_start: dict[int, Group]) -> Group | None:
    """The actor group of 'with ...' at ``i``: right after it, or after a head without an actor ('talks with
    leaders of Romania's new government', 'with officials from Iran')."""
    for k in range(i + 1, min(i + 5, limit)):
        if k in by_start:
            return by_start[k]
        w = words[k]
        if w in CLAUSE_BREAK or w in (",", "AND") or (w in PREPOSITIONS and w not in ("OF", "FROM")) or w in _FUNCTION \
                and w not in ("OF", "FROM", "THE"):
            return None
    return None


# CAMEO sub-codes the 2015 dictionaries leave at the parent code, read off the verb's object words
# (Schrodt 2012, CAMEO codebook v1.1b3: 112x accusations, 138 military threats, 194 artillery, 1722 bans)
_ACCUSE_OF = (
    ("1124", {"WAR", "GENOCIDE", "CLEANSING", "MASSACRE", "MASSACRES", "ATROCITIES"}),
    ("1122", {"TORTURE", "ABUSES", "ABUSE", "KILLING", "CIVILIANS", "REPRESSION"}),
    ("1125", {"SPYING", "ESPIONAGE", "SPY", "TREASON"}),
    ("1123", {"AGGRESSION", "ATTACKING", "ATTACK", "ATTACKS", "SHELLING", "VIOLATING", "INVADING", "FIRING",
              "PROVOKING", "PROVOCATION", "PROVOCATIONS", "INVASION", "BOMBING", "STRIKES", "OCCUPYING"}),
    ("1121", {"CORRUPTION", "FRAUD", "CRIME", "CRIMES", "SMUGGLING", "BRIBERY"}),
)
_FORCE = {"MILITARY", "ATTACK", "STRIKE", "STRIKES", "INVADE", "INVASION", "OPERATION", "OFFENSIVE", "FORCE",
          "WAR", "BOMB", "SHELL", "RETALIATE"}
_ARTILLERY_VERBS = {"SHELL", "BOMBARD"}
_HARM_VERBS = {"KILL", "WOUND", "INJURE", "MAIM", "HURT"}
_BOMBING = {"BOMBING", "BOMBINGS", "BOMB", "BOMBS", "BOMBER", "BOMBERS", "ROADSIDE", "SUICIDE", "IED", "IEDS",
            "CAR-BOMB", "EXPLOSIVES", "EXPLOSION", "BLAST"}
_AIR_WORDS = {"AIR", "AIRSTRIKE", "AIRSTRIKES", "AIRCRAFT", "JETS", "WARPLANES", "PLANES", "HELICOPTER",
              "HELICOPTERS", "DRONE", "DRONES", "BOMBERS"}
# what is proposed, asked or offered: dismissed (112 -> 12), authored by 'from/by X', the proposer's (_proposer)
_PROPOSALS = {"APPEAL", "APPEALS", "CALL", "CALLS", "PROPOSAL", "PROPOSALS", "OFFER", "OFFERS", "PLAN", "PLANS",
              "DEMAND", "DEMANDS", "REQUEST", "REQUESTS", "INVITATION", "ULTIMATUM", "RESOLUTION", "INITIATIVE",
              "MEDIATION", "TERMS", "CONDITIONS"}
_ENVOYS = {"AMBASSADOR", "ENVOY", "DIPLOMAT", "DIPLOMATS", "CHARGE", "ATTACHE", "CONSUL"}
_REJECTED = (  # what is rejected -> CAMEO 12 sub-code (codebook v1.1b3)
    ({"TALKS", "NEGOTIATIONS", "MEETING", "SUMMIT", "CONFERENCE", "DIALOGUE"}, "125"),
    ({"MEDIATION"}, "126"),
    ({"RESIGNATION", "RESIGN", "ELECTIONS", "ELECTION", "OUSTER"}, "1231"),
    ({"INSPECTORS", "MONITORS", "OBSERVERS", "PEACEKEEPERS", "INSPECTIONS"}, "1245"),
    ({"PLAN", "AGREEMENT", "DEAL", "ACCORD", "PROPOSAL"}, "127"),
    ({"AID", "ASSISTANCE"}, "122"),
)
_RALLIES = {"RALLY", "RALLIES", "RALLIED", "MARCH", "MARCHED", "MARCHES", "DEMONSTRATION", "DEMONSTRATIONS", "PROTEST",
            "PROTESTS", "VIGIL", "SIT-IN", "GATHERED", "CONVERGED", "CONVERGING", "STREETS"}
_WMD = {"NUCLEAR", "CHEMICAL", "BIOLOGICAL", "ATOMIC", "WMD"}
_LEADERSHIP = {"RESIGNATION", "RESIGN", "OUSTER", "OUSTING", "REMOVAL", "ELECTIONS", "ELECTION", "IMPEACHMENT"}
_FORCES = {"RESERVISTS", "FORCES", "CONSCRIPTS", "UNITS", "DIVISIONS", "BRIGADES", "RESERVES"}
_PROTESTERS = {"OPP", "CVL", "PPL", "LAB", "EDU"}


def refine(code: str, verb: str, obj: list[str], source: Group | None, before: list[str] | tuple = ()) -> str:
    """A more specific CAMEO code where the object words decide it ('accused B of aggression' -> 1123), or the
    words of the clause ``before`` the verb ('a roadside bomb killed' -> 183).

    >>> refine("112", "ACCUSE", ["ARMENIA", "OF", "VIOLATING", "THE", "CEASEFIRE"], None)
    '1123'
    >>> refine("130", "THREATEN", ["TO", "LAUNCH", "A", "MILITARY", "OPERATION"], None)
    '138'
    >>> refine("190", "KILL", ["TWO", "SOLDIERS"], None, ["A", "CAR", "BOMB", "IN", "KIRKUK"])
    '183'
    """
    words = set(obj)
    if verb in ("ALLOW", "PERMIT", "LET") and code[:2] in ("06", "08") and words & _RELIEF:
        return "0863"  # 'to allow the delivery of grain to Afghanistan': CAMEO 0863 Allow delivery of humanitarian aid
    if verb in _RECEIVING and code[:2] in ("03", "04", "05", "06", "08") and words & _OBSERVERS:
        # 'received a mission of observers from the OSCE': CAMEO 0862 Receive inspectors (0861 peacekeepers)
        return "0861" if words & {"PEACEKEEPERS", "PEACEKEEPING"} else "0862"
    if verb == "EVACUATE" and code[:2] == "16":
        return object_code(verb, obj) or code  # 'evacuated the wounded' (073), not 'evacuated its embassy' (16)
    if verb in ("PROTEST", "DEMONSTRATE") and code[:2] in ("11", "14") and before:
        pre = set(before)  # 'rallied in Lagos to protest the law': the protest is the rally (CAMEO 14)
        if pre & {"HUNGER"}:
            return "142"
        if pre & {"STRIKE", "STRIKES", "WALKOUT"}:
            return "143"
        if pre & _RALLIES:
            return "141"
    if code in ("180", "190", "193") and verb in _HARM_VERBS and before and not words & _AIR_WORDS:
        pre = set(before)
        if pre & _BOMBING and not pre & _AIR_WORDS:
            return "183"  # the bomb is the subject: 'a roadside bomb near Kandahar killed three soldiers'
    if code == "112" and "OF" in words:
        after = set(obj[obj.index("OF") + 1:])
        for sub, cues in _ACCUSE_OF:
            if after & cues and (sub != "1124" or "CRIMES" in after or after & (cues - {"WAR"})):
                return sub
    if verb in ("DISMISS", "SPURN", "REBUFF", "SNUB") and code[:2] == "11" and words & _PROPOSALS:
        code = "120"  # 'dismissed an appeal': a rejection, not a criticism
    if code == "120":
        for cues, sub in _REJECTED:
            if words & cues and (sub != "127" or words & {"PEACE", "SETTLEMENT", "CEASEFIRE", "TRUCE"}):
                return sub
    if verb == "SUMMON" and code[:2] == "04" and words & _ENVOYS:
        return "114"  # summoning an envoy is the formal complaint of CAMEO 114
    if code[:2] == "13" and code in ("130", "138", "1384") and words & _WMD:
        return "1385"  # threatened with nuclear weapons: attack with WMD
    if code == "130" and words & _FORCE and not words & NEGATIONS:
        return "138"  # ('warned Russia not to escalate the war' is a warning, not a threat of force)
    if code[:2] in ("02", "10") and code in ("020", "024", "100", "104") and words & _LEADERSHIP:
        return "0241" if code[:2] == "02" else "1041"  # 'demanded the resignation of', 'called for early elections'
    if code == "150" and verb in ("MOBILIZE", "MOBILISE") and words & (_MILITARY | _FORCES):
        return "154"  # mobilized reservists: mobilize armed forces
    if code.startswith("19") and code in ("190", "193") and verb in _ARTILLERY_VERBS:
        return "194"
    if code in ("180", "190", "193") and verb in _HARM_VERBS and words & _BOMBING and not words & _AIR_WORDS:
        return "183"  # killed or wounded in a (car, roadside, suicide) bombing: CAMEO 183, not conventional force
    if code == "172" and verb in ("BAN", "OUTLAW") and words & {"PARTY", "PARTIES", "POLITICIANS", "OPPOSITION"}:
        return "1722"
    if code in ("080", "084") and verb in ("PARDON", "RELEASE", "FREE", "FREED"):
        return "0841"
    if verb in ("SENTENCE", "CONVICT") and code.startswith("17"):
        return "116"  # a sentence is a finding of guilt (116), not an administrative sanction
    if code == "020" and "FOR" in words:
        after = set(obj[obj.index("FOR") + 1:])
        if after & _MILITARY or after & {"AIR", "MISSILE", "ARTILLERY"}:
            return "0212"
        if after & _ECONOMIC:
            return "0211"
        if after & {"AID", "HELP", "ASSISTANCE", "SUPPORT"}:
            return "023"
    if code == "030" and words & {"RELATIONS", "TIES", "DIALOGUE", "COOPERATION"}:
        return "032"  # intent to cooperate diplomatically ('pledged to improve relations')
    if code == "140" and source is not None and source.members and verb in ("PROTEST", "DEMONSTRATE", "RALLY") \
            and all(m.code[3:6] in _PROTESTERS for m in source.members):
        return "141"  # people protesting in the street: a demonstration
    if verb in ("BLOCK", "BLOCKADE", "OBSTRUCT", "BARRICADE") and code[:2] in ("17", "19") and source is not None \
            and source.members and all(m.code[3:6] in _PROTESTERS | {"REB"} for m in source.members):
        return "144"  # 'rebels blocked transport into Abidjan': CAMEO 144 Obstruct passage (protest), not coercion
    if code.startswith(("18", "19")) and code not in ("194", "195") and source is not None and \
            source.members and all(m.code[3:6] in _PROTESTERS for m in source.members):
        return "145"  # protesters attacking: a violent protest
    return code


# Verbs of ending and of easing, which the 2015 dictionary leaves uncoded or codes as cooperation: their object
# decides the CAMEO code (codebook v1.1b3: 16 Reduce relations, 08 Yield, 087 De-escalate).
ENDING = {"END", "HALT", "STOP", "CEASE", "SUSPEND", "CANCEL", "TERMINATE", "FREEZE", "CUT", "SEVER", "DISCONTINUE",
          "BREAK", "WITHDRAW", "ABANDON"}
EASING = {"LIFT", "EASE", "RELAX", "REMOVE", "CANCEL", "END", "SCRAP", "RESCIND", "REVOKE", "ANNUL", "LOOSEN",
          "SUSPEND"}
_ENDED = (  # what is ended -> code (first match wins)
    ({"TALKS", "NEGOTIATIONS", "NEGOTIATION", "DIALOGUE"}, "164"),
    ({"MEDIATION"}, "165"),
    ({"RELATIONS", "TIES", "LINKS", "CONTACTS", "CONTACT"}, "161"),
    ({"AID", "ASSISTANCE", "DELIVERIES", "FUNDING", "LOANS"}, "162"),
    ({"STRIKE", "PROTEST", "PROTESTS", "BOYCOTT", "DEMONSTRATIONS", "SIT-IN"}, "082"),
    ({"OFFENSIVE", "FIGHTING", "HOSTILITIES", "ATTACKS", "BOMBING", "SHELLING", "CAMPAIGN"}, "087"),
)
_EASED = (  # what is lifted or eased -> code
    ({"CURFEW"}, "0813"),
    ({"EMERGENCY", "MARTIAL"}, "0814"),
    ({"SANCTIONS", "EMBARGO", "BOYCOTT"}, "085"),
    ({"BLOCKADE", "SIEGE"}, "0872"),
    ({"BAN", "RESTRICTIONS", "CURBS", "RESTRICTION", "CENSORSHIP", "CONTROLS"}, "081"),
)
GIVING = {"GIVE", "PROVIDE", "SEND", "SUPPLY", "DELIVER", "DONATE", "GRANT", "EXTEND", "SHIP", "CONTINUE", "OFFER"}
_GIVEN = (  # what is given -> CAMEO 07 Provide aid
    ({"PEACEKEEPERS", "PEACEKEEPING", "PROTECTION"}, "074"),
    ({"FOOD", "MEDICINE", "MEDICINES", "MEDICAL", "HUMANITARIAN", "RELIEF", "SHELTER", "TENTS", "VACCINES"}, "073"),
    ({"WEAPONS", "ARMS", "AMMUNITION", "TANKS", "MISSILES", "DRONES", "JETS", "ARTILLERY"}, "072"),
    ({"GRANT", "LOAN", "LOANS", "CREDIT", "FUNDS", "FUNDING", "DOLLARS", "EUROS", "MONEY", "BUDGET"}, "071"),
    ({"AID", "ASSISTANCE"}, "070"),
)
_GIVEN_ACT = {"033": "070", "0331": "071", "0332": "072", "0333": "073", "0334": "074"}
_RELIEF = {"AID", "FOOD", "GRAIN", "FLOUR", "MEDICINE", "MEDICINES", "HUMANITARIAN", "RELIEF", "CONVOYS", "CONVOY",
           "SUPPLIES", "DELIVERY", "DELIVERIES"}
_RECEIVING = {"RECEIVE", "ADMIT", "ACCEPT", "ALLOW", "WELCOME", "HOST", "PERMIT", "LET"}
_OBSERVERS = {"OBSERVERS", "INSPECTORS", "MONITORS", "PEACEKEEPERS", "INVESTIGATORS"}
_EVACUEES = {"WOUNDED", "INJURED", "CIVILIANS", "REFUGEES", "CHILDREN", "RESIDENTS", "SICK", "CASUALTIES",
             "PEOPLE", "FAMILIES", "WOMEN", "EVACUEES", "NATIONALS", "SURVIVORS"}
_HELD_PLACES = {"SETTLEMENTS", "SETTLEMENT", "POSITIONS", "BASES", "BASE", "OUTPOSTS", "TERRITORY", "GARRISON",
                "POSTS", "TOWN", "VILLAGES"}
_INFORMATION = {"INFORMATION", "INTELLIGENCE", "EVIDENCE", "DATA", "FINDINGS", "DETAILS"}


def object_code(verb: str, obj: list[str]) -> str | None:
    """The code of a verb of ending or easing read off its object, within six words of the verb; None when
    the object decides nothing.

    >>> object_code("SUSPEND", ["PART", "OF", "A", "MILITARY", "AID", "PROGRAM"]), object_code("LIFT", ["THE", "CURFEW"])
    ('1622', '0813')
    """
    near = set(obj[:6])
    if verb in EASING:
        for cues, code in _EASED:
            if near & cues:
                return code
    if verb in ENDING:
        for cues, code in _ENDED:
            if near & cues:
                if code == "162":
                    return "1622" if near & _MILITARY else "1621" if near & _ECONOMIC else code
                return code
    if verb == "SHARE":
        return "064" if near & _INFORMATION else None
    if verb == "EVACUATE":  # the people evacuated are helped (073); evacuated positions are given up (0874)
        return "073" if near & _EVACUEES else "0874" if near & _HELD_PLACES else None
    if verb in GIVING:
        for cues, code in _GIVEN:
            if near & cues:
                return "072" if code == "070" and near & _MILITARY else code
    return None


_FUTURE = {"WILL", "WOULD", "'LL", "SHALL"}
_INTENT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
_INTENT_SUB = {"061": "0311", "062": "0312", "063": "0313", "064": "0314", "071": "0331", "072": "0332",
               "073": "0333", "074": "0334", "081": "0351", "083": "0353", "084": "0354", "085": "0355",
               "087": "0356", "086": "0355"}
_THREAT = {"16": "131", "17": "130", "18": "138", "19": "138", "20": "138"}
_THREAT_SUB = {"162": "1311", "163": "1312", "161": "1313", "164": "134", "165": "135", "166": "136",
               "191": "1381", "192": "1382", "180": "1383", "181": "1383", "182": "1383", "183": "1383",
               "190": "1384", "193": "1384", "194": "1384", "195": "1384", "200": "1385"}


def intent(code: str) -> str:
    """What an act announced for the future codes (CAMEO 03 *Express intent to cooperate* for cooperative acts,
    13 *Threaten* for hostile ones): 'Finland will give Tanzania a grant' -> 033, not 071.

    >>> intent("071"), intent("0874"), intent("163"), intent("111")
    ('0331', '0356', '1312', '111')
    """
    head = code[:3]
    if code[:2] in _INTENT:
        return _INTENT_SUB.get(head, _INTENT[code[:2]])
    if code[:2] in _THREAT:
        return _THREAT_SUB.get(head, _THREAT[code[:2]])
    return code


# light verbs whose object noun names the event ('held talks', 'staged drills'): noun -> CAMEO code
LIGHT_VERBS = {"HOLD", "CONDUCT", "STAGE", "LAUNCH", "BEGIN", "START", "CARRY", "ATTEND", "HAVE", "JOIN",
               "ORGANIZE", "ORGANISE", "STEP", "RESUME", "PERFORM", "UNDERTAKE", "ENGAGE"}
EVENT_NOUNS = {
    "EXERCISE": "150", "EXERCISES": "150", "DRILL": "150", "DRILLS": "150", "MANOEUVRES": "150",
    "MANEUVERS": "150", "MANOEUVRE": "150", "MANEUVER": "150", "WARGAMES": "150",
    "TALKS": "046", "NEGOTIATIONS": "046", "MEETING": "040", "MEETINGS": "040", "SUMMIT": "040",
    "CONSULTATIONS": "040", "AIRSTRIKES": "195", "AIRSTRIKE": "195", "BOMBING": "195",
    "PROTEST": "141", "PROTESTS": "141", "RALLY": "141", "RALLIES": "141", "DEMONSTRATION": "141",
    "DEMONSTRATIONS": "141", "STRIKE": "143", "STRIKES": "143", "WALKOUT": "143", "BOYCOTT": "143",
    "CLEANSING": "203", "GENOCIDE": "202", "MASSACRES": "202",  # CAMEO 20 (engaged in ethnic cleansing: 203)
}
_HUNGER = {"STRIKE": "142", "STRIKES": "142"}  # 'staged a hunger strike' (142), 'staged a strike' (143)
_AIR = {"STRIKE": "195", "STRIKES": "195", "RAID": "195", "RAIDS": "195"}


def _light_noun(words: list[str], v: _Verb, limit: int) -> tuple[int, str] | None:
    """(position, code) of the event noun a light verb takes as its object, within four words."""
    if v.form.base not in LIGHT_VERBS:
        return None
    start = v.end + (v.form.base == "ENGAGE" and v.end < len(words) and words[v.end] == "IN")  # 'engaged in'
    for i in range(start, min(start + 5, limit)):
        w = words[i]
        if w in _AIR and i > 0 and words[i - 1] == "AIR":
            return i, _AIR[w]
        if w in _HUNGER and i > 0 and words[i - 1] == "HUNGER":
            return i, _HUNGER[w]
        if w == "GAMES" and i > 0 and words[i - 1] == "WAR":
            return i, "150"  # 'launched war games': military exercises
        if w in ("STRIKE", "STRIKES") and v.form.base in ("LAUNCH", "CARRY", "CONDUCT"):
            return None  # 'launched a strike': an attack, the verb's own code
        if w in EVENT_NOUNS:
            return i, EVENT_NOUNS[w]
        if (w in PREPOSITIONS and w != "OF") or w in CLAUSE_BREAK or w == ",":
            return None  # ('launched five days of war games': 'of' after a quantity)
    return None


# verbs that announce an act named by a noun ('announced a suspension of air links'), and those nouns: the
# verb whose object decides the code (``object_code``), or the code itself
ANNOUNCING = {"ANNOUNCE", "DECLARE", "ORDER", "PROCLAIM", "UNVEIL", "DECREE"}
ACT_NOUNS = {"SUSPENSION": "SUSPEND", "FREEZE": "FREEZE", "CUT": "CUT", "CUTS": "CUT", "HALT": "HALT",
             "SEVERING": "SEVER", "TERMINATION": "TERMINATE", "CANCELLATION": "CANCEL", "LIFTING": "LIFT",
             "EASING": "EASE", "RELAXATION": "RELAX", "END": "END"}
ACT_CODES = {"SANCTIONS": "163", "EMBARGO": "163"}  # CAMEO 163 Impose embargo, boycott, or sanctions


def _announced_act(words: list[str], v: _Verb, limit: int) -> tuple[int, str] | None:
    """(position, code) of the act an announcing verb names within four words ('announced a freeze on military
    aid to B' -> 1622, 'declared an embargo on B' -> 163), None when the object names no act ``object_code`` knows."""
    for i in range(v.end, min(v.end + 4, limit)):
        w = words[i]
        if w in ACT_CODES:
            return i, ACT_CODES[w]
        if w in ACT_NOUNS:
            code = object_code(ACT_NOUNS[w], words[i + 1: limit])
            return (i, code) if code is not None else None
        if w in PREPOSITIONS or w in CLAUSE_BREAK or w in (",", "THAT"):
            return None
    return None


# negated or refused support: 'would not provide military support to B' -> 1212 (CAMEO 121 family)
SUPPORT_VERBS = {"PROVIDE", "GIVE", "SEND", "SUPPLY", "DELIVER", "OFFER", "EXTEND", "SUPPORT", "BACK", "TAKE",
                 "PARTICIPATE", "JOIN", "FUND", "FINANCE", "ARM", "HELP", "ASSIST", "AID", "SELL", "SHIP"}
_MATERIAL = {"PROVIDE", "GIVE", "SEND", "SUPPLY", "DELIVER", "OFFER", "EXTEND", "FUND", "FINANCE", "ARM", "SELL",
             "SHIP", "HELP", "ASSIST", "AID", "TAKE", "PARTICIPATE", "JOIN"}
_MILITARY = {"MILITARY", "WEAPONS", "WEAPON", "ARMS", "TROOPS", "DRILLS", "EXERCISES", "AMMUNITION", "TANKS",
             "JETS", "MISSILES", "SOLDIERS", "DEFENCE", "DEFENSE"}
_ECONOMIC = {"FINANCIAL", "ECONOMIC", "MONEY", "FUNDS", "FUNDING", "LOANS", "LOAN", "TRADE", "INVESTMENT",
             "BUDGET", "CREDIT", "GAS", "OIL"}
_MATERIAL_NOUNS = {"AID", "ASSISTANCE", "SUPPORT", "HELP"} | _MILITARY | _ECONOMIC


_ACCEPTING = {"ACCEPT", "AGREE", "APPROVE", "ENDORSE"}


def _refused_support(words: list[str], v: _Verb, limit: int) -> str | None:
    """The CAMEO code of a negated or refused act of support, None for other negated verbs (no event)."""
    if v.form.base in _ACCEPTING:
        return "120"  # 'will not accept any more refugees', 'did not agree to the plan': a rejection (CAMEO 12)
    if v.form.base not in SUPPORT_VERBS:
        return None
    obj = set(words[v.end: limit])
    if v.form.base not in _MATERIAL and not obj & _MATERIAL_NOUNS:
        return "120"  # 'refused to back the proposal': a rejection, not of material cooperation
    if obj & _MILITARY or v.form.base == "ARM":
        return "1212"
    if obj & _ECONOMIC or v.form.base in ("FUND", "FINANCE"):
        return "1211"
    return "121"


_REFUSE = {"REFUSE", "DECLINE"}
# statements, appeals, intents, demands, rejections, threats, protests ('marched to demand ...')
_NOT_AN_EVENT = ("01", "02", "03", "10", "12", "13", "14")


def _refusals(words: list[str], verbs: list[_Verb]) -> None:
    """'refused to send aid': the refusal is the negation of the support verb (coded 121 family there);
    refusals of anything else keep the refusal verb's own code."""
    for k, v in enumerate(verbs[:-1]):
        nxt = verbs[k + 1]
        if v.form.base in _REFUSE and nxt.at == v.end + 1 and words[v.end] == "TO" and nxt.form.base in SUPPORT_VERBS:
            v.noun = True
            nxt.negated = True
            nxt.subject = nxt.subject or v.subject


_IF = {"IF", "UNLESS"}
_WILLING = {"PREPARED", "READY", "WILLING"}
_STATIVE = {"CONTROL", "RULE", "GOVERN", "REPRESENT", "INCLUDE", "OWN", "HOLD", "LEAD", "RUN", "BORDER", "LINK",
            "CONNECT", "ADVOCATE", "OPPOSE", "OCCUPY", "DOMINATE", "SUPPLY", "HOST"}
# aims and expectations: not (yet) acts (an attempt is an act: 185)
_AIMING = {"AIM", "SEEK", "INTEND", "HOPE", "WANT", "WISH", "STRIVE", "DESIRE", "EXPECT", "SCHEDULE"}


def _drop_complements(words: list[str], verbs: list[_Verb]) -> None:
    """'urged Azerbaijan to release the prisoners', 'threatened to launch an operation': the infinitive is
    what was asked, promised or threatened (CAMEO codes the appeal, intent or threat), not an event."""
    for k in range(1, len(verbs)):
        v = verbs[k]
        prev = verbs[k - 1]
        if prev.form.base in _AIMING and v.at >= 2 and words[prev.end: v.at] in (["TO"], ["TO", "BE"]):
            prev.events = []  # 'a resolution that aims to tighten sanctions': an aim is no act, nor is its object
            v.events = []
            v.unreal = True
            continue
        if v.at == 0 or words[v.at - 1] != "TO":
            continue
        # ... and so is an infinitive of such an act ('rejected an offer to host a summit to hammer out a deal',
        # 'demanded that the EU refuse to recognize Kosovo')
        if any(e.code.startswith(_NOT_AN_EVENT) for e in prev.events) or prev.negated or prev.unreal:
            v.events = []
            v.unreal = True


def _participle(f: VerbForm) -> bool:
    """A past participle: not the base form, not the -s form, not the -ing form ('was attacked', 'was met')."""
    w = f.words[0] if len(f.words) == 1 else next((x for x in f.words if x.startswith(f.base[:3])), f.words[0])
    b = f.base
    return not (w == b or w.endswith("ING") or w in (b + "S", b + "ES", b[:-1] + "IES"))


def _reduced_relative(w: str) -> bool:
    """'stationed', 'operating', 'based': a participle that can follow a noun as a reduced relative clause."""
    return len(w) > 4 and w.endswith(("ED", "ING")) and w.isalpha()


def _participle_word(v: _Verb) -> bool:
    """'based', 'fleeing': a verb form in -ED or -ING (a reduced relative clause when no auxiliary precedes)."""
    w = v.form.words[0]
    return len(w) > 4 and w != v.form.base and w.endswith(("ED", "ING"))


def _target_first(p: Pattern) -> bool:
    """A pattern binding the target before the verb and the source after it ('+ * IN ATTACK IN $'): written
    for passive or headline readings ('soldiers killed in an attack by rebels')."""
    return any(e.kind == "tgt" for e in p.pre) and any(e.kind == "src" for e in p.post)


def _proposer(words: list[str], v: _Verb, by_start: dict[int, Group]) -> Group | None:
    """The actor whose proposal the verb's object is: '[rejected|agreed to] (a) Turkish (peace) offer' -> TUR."""
    i = v.end + (v.end < len(words) and words[v.end] == "TO")
    g = by_start.get(i) or (by_start.get(i + 1) if i < len(words) and words[i] in ("A", "AN", "THE") else None)
    if g is None or len(g.members) != 1:
        return None
    rest = words[g.members[0].end: g.end]  # the noun phrase after the actor: 'peace proposal'
    if rest and rest[-1] in _PROPOSALS and len(rest) <= 3:
        return g
    return None


def _clause_before(words: list[str], at: int) -> list[str]:
    """The words before ``at`` back to the last clause break or comma, at most eight."""
    lo = at
    while lo > 0 and at - lo < 8 and words[lo - 1] not in CLAUSE_BREAK and words[lo - 1] != ",":
        lo -= 1
    return words[lo:at]


def _before_parenthesis(words: list[str], j: int) -> int:
    """The index before the '(' that the ')' at ``j`` closes (within eight words), else ``j``."""
    if j < 0 or words[j] != ")":
        return j
    for k in range(j - 1, max(j - 9, -1), -1):
        if words[k] == "(":
            return k - 1
    return j


def _adverbs_between(words: list[str], j: int, at: int) -> int:
    return sum(1 for k in range(j + 1, at) if words[k] in ADVERBS or words[k].endswith("LY") or words[k] in NEGATIONS)


def _first_group(grs: list[Group], lo: int, hi: int, exclude: Group | None) -> Group | None:
    for g in grs:
        if g.start >= lo and g.start < hi and g is not exclude:
            return g
    return None
