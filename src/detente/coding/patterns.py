"""Verb patterns against a sentence: which patterns may apply (indexed by the words they need) and matching
their elements (words, synsets, actor slots) outward from the verb.

Internal: used by :class:`detente.coding.coder.Coder`; not part of the Python API.
"""

from __future__ import annotations

from detente.coding.parse import AUX, CONJUNCTIONS, DETERMINERS, NEGATIONS, PREPOSITIONS, Group
from detente.coding.verbs import Elem, Pattern, VerbDict

__all__: list[str] = []

_NEG_WORDS = {"NOT", "N'T", "NEVER", "NEGATVAUXVRB", "FAILED", "REFUSED", "REFUSE", "NEITHER", "NO", "WILL_NOT"}


def _word_keys(w: str) -> list[str]:
    """A word's lookup keys: the word, and '~' + each prefix of three or more letters (for stems)."""
    return [w, "~" + w] + ["~" + w[:k] for k in range(3, len(w))]


def stem_keys(verbs: VerbDict) -> frozenset[str]:
    """Every stem key ('~' + word) a pattern of ``verbs`` can require: the stems of its patterns' words and of
    its synsets' one-word members. A sentence's keys outside this set and its own words can never decide a
    pattern, so :meth:`WordKeys.of` leaves them out."""
    out = {"~" + words[0] for members in verbs.synsets.values() for words, stem in members if len(words) == 1 and stem}
    blocks = {id(b): b for b in verbs.blocks} | {id(f.block): f.block for fs in verbs.forms.values() for f in fs}
    for b in blocks.values():
        for p in b.patterns:
            out.update("~" + e.value for e in p.pre + p.post if e.kind == "word" and not e.exact)
    return frozenset(out)


class WordKeys:
    """A sentence's lookup keys: each word, and those of its stem keys (``_word_keys``) that the verb
    dictionary uses (``stem_keys``), each word's keys cached.

    >>> sorted(WordKeys(frozenset({"~ACCUS", "~ATTACK"})).of(["ACCUSED", "IRAN"]))
    ['ACCUSED', 'IRAN', '~ACCUS']
    """

    def __init__(self, stems: frozenset[str]):
        self.stems = stems
        self._cache: dict[str, frozenset[str]] = {}

    def word(self, w: str) -> frozenset[str]:
        got = self._cache.get(w)
        if got is None:
            stems = self.stems
            got = frozenset([w] + [k for k in _word_keys(w)[1:] if k in stems])
            if len(self._cache) > 200_000:
                self._cache.clear()
            self._cache[w] = got
        return got

    def of(self, words: list[str]) -> frozenset[str]:
        return frozenset().union(*map(self.word, words))


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


# words most sentences hold: a pattern is indexed on one of its other words when it has one
_COMMON = AUX | CONJUNCTIONS | DETERMINERS | NEGATIONS | PREPOSITIONS | {
    "UP", "OUT", "OFF", "DOWN", "BACK", "IT", "THEY", "HE", "SHE", "WE", "SAID", "SAYS", "ALSO", "NEW", "MORE", "ALL"}


def _anchor_rank(key: str) -> tuple[bool, int, str]:
    """Rarer keys first: not a common word, then longer (a stem '~X' counts its letters only)."""
    w = key.lstrip("~")
    return w in _COMMON, -len(w), key


def anchor_index(block, synsets: dict, req_cache: dict) -> tuple[dict[str, list[Pattern]], list[Pattern]]:
    """Patterns of a block indexed on one key each, the rarest of the words they require (``_anchor_rank``);
    patterns that require only synsets on each member of their first synset; ``free``: none required."""
    anchors: dict[str, list[Pattern]] = {}
    free: list[Pattern] = []
    for p in block.patterns:
        req = req_cache[id(p)] = _required(p, synsets)
        if req[0]:
            anchors.setdefault(min(req[0], key=_anchor_rank), []).append(p)
        elif req[1]:
            for k in req[1][0]:
                anchors.setdefault(k, []).append(p)
        else:
            free.append(p)
    return anchors, free


def has_negation(p: Pattern) -> bool:
    return any(e.value in _NEG_WORDS for e in p.pre + p.post)


# (id of a synsets dict, synset name) -> (that dict, its index). The dict is kept with its index: while it
# is referenced here its id cannot be reused by another dictionary, and the identity check below makes sure.
_SYN_INDEX: dict[tuple[int, str], tuple[dict, tuple[dict, dict, dict, dict]]] = {}


def _syn_candidates(synsets: dict, name: str, w: str, forward: bool) -> list:
    """Members of a synset that can start (forward) or end (backward) at word ``w``."""
    key = (id(synsets), name)
    held = _SYN_INDEX.get(key)
    idx = held[1] if held is not None and held[0] is synsets else None
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
        idx = (first, first_stem, last, last_stem)
        _SYN_INDEX[key] = (synsets, idx)
    exact, stems = (idx[0], idx[1]) if forward else (idx[2], idx[3])
    out = list(exact.get(w, ()))
    if stems:
        for k in range(len(w), 2, -1):
            out += stems.get(w[:k], ())
    return out


def _word_ok(e: Elem, w: str) -> bool:
    return w == e.value if e.exact else w.startswith(e.value)


def match(elems: tuple[Elem, ...], words: list[str], pos: int, stop: int, step: int,
           by_start: dict[int, Group], by_end: dict[int, Group],
           synsets: dict, slots: dict[str, Group], k: int = 0) -> bool:
    """Match elements from ``pos`` walking by ``step`` (+1 after the verb, -1 before it)."""
    if k == len(elems):
        return True
    e = elems[k]
    if e.kind == "skip":
        return match(elems, words, pos, stop, step, by_start, by_end, synsets, slots, k + 1)
    q = pos
    while (q < stop) if step > 0 else (q > stop):
        if e.kind == "word":
            if _word_ok(e, words[q]):
                if match(elems, words, q + step, stop, step, by_start, by_end, synsets, slots, k + 1):
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
                    if match(elems, words, nxt, stop, step, by_start, by_end, synsets, slots, k + 1):
                        return True
        else:  # an actor slot
            g = by_start.get(q) if step > 0 else by_end.get(q + 1)
            if g is not None:
                slots[e.kind] = g
                nxt = g.end if step > 0 else g.start - 1
                if match(elems, words, nxt, stop, step, by_start, by_end, synsets, slots, k + 1):
                    return True
                if step > 0 and k + 1 < len(elems):
                    # the noun phrase's words after its actor may be the pattern's next words: '+ &SOLUTION'
                    # on 'vetoed a Security Council resolution'
                    head_end = max(m.end for m in g.members)
                    if head_end < g.end and match(elems, words, head_end, stop, step, by_start, by_end, synsets,
                                                  slots, k + 1):
                        return True
                del slots[e.kind]
        if e.adjacent:
            return False
        q += step
    return False
