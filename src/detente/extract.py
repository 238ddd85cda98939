"""Analyst prose -> candidate claims: who does what to whom, cooperative or conflictual, when, how sure.

A pattern grammar over each sentence (no statistical parser: see docs/claims.md for why and the measured
scores). Actors are found with :func:`detente.actors.match_in_text` (names, demonyms, capitals); places that
are not actors ("the Indian Ocean basin", "Azeri Muslim people", "the South China Sea") and locations ("militants
in Iraq") are dropped. Then, per sentence:

1. appositions give relations of their own: "Turkey's ally Azerbaijan", "China, Pakistan's closest partner",
   "Qatar remains Ankara's closest partner", "Cairo and Abu Dhabi, usually close partners";
2. joint noun phrases give an undirected relation whose polarity comes from the noun or the clause's predicate:
   "relations between India and Pakistan deteriorated", "the unity of Turkey and Azerbaijan";
3. in each clause, the subject relates to each later actor through the predicate between them (the first cue of
   ``data/polarity.tsv``: CAMEO verbs plus analysts' words of worry, threat, accusation, occupation, liberation,
   turning away); a joint subject with a reciprocal verb relates its members ("Beijing and New Delhi clashed");
   an actor mentioned with no predicate linking it gives nothing.

Polarity is the relation's, not the sentence's tone. A negator before the cue flips it ("did not restore trade");
hedges ("may", "reportedly") are kept; change words ("deteriorated", "deepened") make a before/after claim. Time
anchors and windows come from :mod:`detente.extract_time`; each claim carries a hypothesis in the case-file
format, so :func:`case_from_text` builds a case with only the text's actors, windows and dyads.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from detente.errors import UserError
from detente.extract_time import Anchor, Window, anchors, window

__all__ = ["Claim", "Extraction", "Coverage", "extract_claims", "analyse", "relations", "sentences", "case_from_text",
           "case_dict", "case_yaml", "read_text", "check_prose", "lexicon"]

HEDGES = ("may", "might", "could", "reportedly", "allegedly", "apparently", "seems", "seem", "seemed", "appears",
          "appear", "appeared", "likely", "possibly", "perhaps", "probably", "arguably", "presumably",
          "is said to", "are said to", "according to", "suggests", "suggest", "rumoured", "rumored")
NEGATORS = ("not", "no", "never", "n't", "neither", "nor", "without", "hardly", "barely", "failed", "refused",
            "refuses", "refuse", "ceased", "stopped", "avoided", "avoids", "avoid", "declined", "declines")
CHANGE_UP = {"strengthen", "strengthened", "strengthening", "strengthens", "deepen", "deepened", "deepening",
             "deepens", "improve", "improved", "improving", "improves", "warm", "warmed", "warming", "grew", "grow",
             "grown", "grows", "growing", "increase", "increased", "increasing", "increases", "rise", "rose",
             "risen", "rising", "intensified", "intensify", "intensifying", "boosted", "upgraded", "tighter",
             "closer", "thaw", "thawed", "escalated", "escalating", "escalate", "climbs", "climbed", "expand",
             "expanding", "expands"}
CHANGE_DOWN = {"weaken", "weakened", "weakening", "weakens", "deteriorate", "deteriorated", "deteriorating",
               "worsen", "worsened", "worsening", "worsens", "decline", "declined", "declining", "cooled", "cooling",
               "soured", "souring", "eroded", "eroding", "shrank", "shrunk", "decreased", "fell", "frayed", "ended",
               "ending", "end", "ends", "eased", "easing", "reduced", "reduce", "faded", "collapsed", "collapse",
               "collapses", "crumbled", "plummeted", "plunged", "broke down"}
CHANGE_PHRASES = {"moved towards": 1, "moved toward": 1, "shifted towards": 1, "tilted towards": 1,
                  "moved away": -1, "drifted away": -1, "moved closer": 1, "grew closer": 1, "drifting away": -1,
                  "drifts away": -1, "drift away": -1, "moving away": -1, "moves away": -1, "moving closer": 1,
                  "moves closer": 1, "drawing closer": 1, "drew closer": 1, "stepped up": 1, "steps up": 1,
                  "step up": 1, "ramped up": 1, "scaled back": -1, "scaled down": -1, "wound down": -1}
STOP = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "with", "its", "their", "his", "her", "as", "by",
        "at", "is", "are", "was", "were", "be", "been", "has", "have", "had", "that", "this", "it", "from", "or",
        "but", "which", "who", "will", "would", "also", "more", "most", "than", "so", "such", "into", "over"}
# apposition nouns: "X's ally Y"
REL = {"ally": 1, "allies": 1, "partner": 1, "partners": 1, "friend": 1, "friends": 1, "backer": 1, "patron": 1,
       "protector": 1, "supporter": 1, "adversary": -1, "adversaries": -1, "rival": -1, "rivals": -1, "enemy": -1,
       "enemies": -1, "foe": -1, "foes": -1, "nemesis": -1, "neighbour": 0, "neighbor": 0, "neighbours": 0,
       "neighbors": 0, "client": 1, "proxy": 1}
# joint nouns: "relations between A and B"; None = the predicate gives the polarity
JOINT = {"relations": None, "ties": None, "relationship": None, "trade": None, "talks": None, "flights": None,
         "contacts": None, "links": None, "exchanges": None, "dialogue": None, "cooperation": 1, "partnership": 1,
         "alliance": 1, "unity": 1, "rapprochement": 1, "friendship": 1, "détente": 1, "detente": 1, "axis": 1,
         "rivalry": -1, "hostility": -1, "tensions": -1, "tension": -1, "dispute": -1, "disputes": -1, "war": -1,
         "conflict": -1, "enmity": -1, "standoff": -1, "border fight": -1}
RECIPROCAL = {"signed", "sign", "agreed", "agree", "clashed", "clash", "fought", "normalised", "normalized",
              "normalise", "normalize", "met", "held", "exchanged", "restored", "resumed", "improved",
              "appointed", "pledged", "traded", "cooperated", "negotiated", "reconciled", "quarrelled",
              "collided", "opposite sides", "at odds", "established", "concluded", "reached", "compete", "competed",
              "competing", "vie", "vied", "feuded", "cooperate", "fight"}
REGARD = {"regard", "regards", "regarded", "see", "sees", "saw", "view", "views", "viewed", "treat", "treats",
          "treated", "consider", "considers", "considered", "describe", "describes", "described"}
ACCUSE = {"accused", "accuses", "accuse", "blamed", "blames", "blame", "suspected", "suspects", "praised",
          "thanked", "criticised", "criticized", "condemned"}
SUBORD = {"after", "when", "as", "since", "because", "although", "though", "if", "before", "once", "until",
          "whenever", "unless", "whereas"}
FRONTED = {"in", "at", "during", "with", "under", "despite", "unlike", "following", "amid", "for", "on", "by",
           "without", "like", "to", "from", "over", "within", "throughout", "against", "beyond", "having"}
NOUN_START = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those", "some", "many",
              "most", "one", "another", "other", "such", "no"}
DISPUTE = {"war", "wars", "dispute", "disputes", "clashed", "clash", "clashes", "fought", "fight", "fighting",
           "quarrel", "quarrelled", "quarreled", "tensions", "tension", "conflict", "row", "standoff", "feud",
           "competition", "rivalry"}
PREPOSITIONS = {"to", "towards", "toward", "with", "from", "against", "on", "for", "into", "at", "alongside"}
LOCATIVE = {"in", "near", "across", "through", "inside", "within", "throughout", "along", "off", "via", "into"}
AT_ORGS = {"UNO", "UN", "AU", "EU", "NATO", "OSCE", "ASEAN", "CSTO", "SCO", "GCC", "ARL", "OIC", "BRICS", "G20", "G7"}
PLACE_NEXT = {"ocean", "sea", "strait", "straits", "gulf", "peninsula", "basin", "coast", "coastline", "river",
              "people", "peoples", "minority", "minorities", "diaspora", "community", "communities", "muslim",
              "muslims", "christians", "language", "speakers", "population", "populations", "descent", "origin",
              "ethnicity", "sea's"}
PLACE_PREV = ("sea of ", "gulf of ", "bay of ", "port ", "inter-", "inter ", "ethnic ", "pan-", "strait of ")
INSTITUTIONS = {"government", "officials", "leaders", "leadership", "authorities", "planners", "diplomats",
                "elites", "opinion", "parliament", "army", "military", "president", "ministers", "public"}
FRONTIER = {"border", "borders", "frontier", "frontiers", "coast", "waters", "airspace", "positions", "territory"}
REPORTING = {"argue", "argues", "argued", "say", "says", "said", "note", "notes", "noted", "claim", "claims",
             "claimed", "believe", "believes", "insist", "insists", "suggest", "suggests", "think", "thinks",
             "write", "writes", "wrote", "report", "reports", "reported", "stress", "stresses", "stressed",
             "observe", "observes", "observed", "contend", "contends", "recall", "recalls", "agree"}
COPULA = {"remains", "remain", "is", "was", "be", "been", "became", "become", "becomes", "still", "now", "has",
          "have", "may", "might", "could", "usually", "long", "the", "a", "an", ",", "also", "always"}
HABITUAL = {"repeatedly", "regularly", "often", "long", "usually", "routinely", "increasingly", "continues",
            "continue", "continued", "still", "always", "has", "have", "had", "since", "remains", "remain",
            "throughout", "consistently", "steadily"}
IRREGULAR_PAST = {"shot", "struck", "sent", "froze", "fought", "held", "met", "sought", "bought", "sold", "made",
                  "blew", "began", "took", "gave", "drew", "won", "broke", "led", "kept", "cut", "hit", "left",
                  "brought", "threw", "stole", "seized", "sank", "flew", "withdrew", "rose", "fell"}
# places that stand for an actor and that actors.match_in_text may not know (checked only where it found nothing)
METONYMS = {"new delhi": "IND", "delhi": "IND", "abu dhabi": "ARE", "dubai": "ARE", "the emirates": "ARE",
            "tel aviv": "ISR", "the kremlin": "RUS", "kremlin": "RUS", "the white house": "USA",
            "washington": "USA", "brussels": "EU", "the pentagon": "USA", "whitehall": "GBR", "downing street": "GBR",
            "the elysee": "FRA", "zhongnanhai": "CHN", "ramallah": "PSE", "the holy see": "VAT"}
MAX_CHARS = 2_000_000  # about 300,000 words: a longer text is split by the caller
MAX_SENTENCE = 1_500  # characters: longer runs are read in pieces, so time per sentence stays bounded
_WORD = re.compile(r"[\w][\w'’.-]*[\w]|[\w]|[,;:()—–]")


@dataclass
class Claim:
    id: str
    source: str
    target: str
    polarity: str  # cooperative | conflictual
    sentence: str
    sentence_index: int
    anchor: Anchor
    cues: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    negated: bool = False
    change: str | None = None  # increase | decrease
    versus: str | None = None  # "A treats B, not C, as a partner": C
    directed: bool = True
    aspect: str = "level"  # level | event | change
    via: str = "predicate"  # predicate | apposition | joint | reciprocal
    window: Window | None = None
    periods: list[str] = field(default_factory=list)
    hypothesis: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"id": self.id, "source": self.source, "target": self.target, "polarity": self.polarity,
                "sentence": self.sentence, "sentence_index": self.sentence_index, "anchor": self.anchor.as_dict(),
                "cues": list(self.cues), "hedges": list(self.hedges), "hedged": bool(self.hedges),
                "negated": self.negated, "change": self.change, "versus": self.versus, "directed": self.directed,
                "aspect": self.aspect, "via": self.via,
                "window": self.window.as_dict() if self.window else None, "periods": list(self.periods),
                "hypothesis": self.hypothesis}


@dataclass
class Item:
    kind: str  # A actor | W word | P punctuation
    text: str
    start: int
    end: int
    code: str | None = None
    poss: bool = False
    drop: bool = False  # consumed by an apposition or a time expression: neither subject nor object
    loc: bool = False  # a location ("in Iraq"): not a party
    np: bool = False  # inside a joint noun phrase: not a subject

    @property
    def low(self) -> str:
        return self.text.lower().replace("’", "'")


@dataclass
class Relation:
    a: str
    b: str
    sign: int
    directed: bool
    via: str
    cues: list[str]
    negated: bool = False
    change: int = 0
    past: bool = False
    habitual: bool = False
    versus: str | None = None
    pos: int = 0  # offset in the sentence (for the clause's anchor)


@dataclass
class Extraction:
    """Claims of a text plus what a reader must know: named events the gazetteer could not resolve, notes."""

    claims: list[dict]
    unresolved: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@cache
def lexicon() -> dict[str, int]:
    """Polarity lexicon: word or phrase (lower case) -> +1 cooperative / -1 conflictual / 0 no cue.

    Returns
    -------
    dict
        Read once from ``detente/data/polarity.tsv``.

    Examples
    --------
    >>> lx = lexicon()
    >>> lx["ally"], lx["cooperation"], lx["accused"], lx["occupation"]
    (1, 1, -1, -1)
    """
    with resources.files("detente.data").joinpath("polarity.tsv").open(encoding="utf-8") as fh:
        return {r["form"]: int(r["polarity"]) for r in csv.DictReader(fh, delimiter="\t")}


def sentences(text: str) -> list[tuple[int, str]]:
    """Split prose into sentences (offset, text); abbreviations like 'U.S.' and 'e.g.' do not end one.

    Parameters
    ----------
    text : str
        Prose.

    Returns
    -------
    list of tuple
        (character offset, sentence).

    Examples
    --------
    >>> sentences("The U.S. envoy met Mr. Aliyev. Talks went on.")
    [(0, 'The U.S. envoy met Mr. Aliyev.'), (31, 'Talks went on.')]
    """
    text = unicodedata.normalize("NFC", text)
    protected = re.sub(r"\b(?:[A-Z]\.){2,}|\b(?:e\.g|i\.e|etc|Mr|Mrs|Dr|St|vs|No|Gen|Col|Sen|Rep|Jan|Feb|Aug|Sept|"
                       r"Sep|Oct|Nov|Dec)\.", lambda m: m.group().replace(".", "\x00"), text)
    out = []
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)", protected):
        s = m.group().replace("\x00", ".").strip()
        off = m.start() + (len(m.group()) - len(m.group().lstrip()))
        while len(s) > MAX_SENTENCE:  # a run-on "sentence" (a list, a table) is read in bounded pieces
            cut = s.rfind(" ", 0, MAX_SENTENCE)
            cut = cut if cut > 0 else MAX_SENTENCE
            out.append((off, s[:cut]))
            off, s = off + cut + 1, s[cut + 1:]
        if len(s) > 2:
            out.append((off, s))
    return out


# ------------------------------------------------------------------------------------------------ actors
def _actors_in(sentence: str, when: date | None) -> list[tuple[int, int, str]]:
    """Actor mentions (start, end, code) that stand for a party: places that are not actors are dropped."""
    return list(_actors_cached(sentence, when))


_METONYM_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(n) for n in METONYMS), key=len, reverse=True)) + r")\b",
                         re.I)
_HEDGE_RE = re.compile(r"\b(" + "|".join(re.escape(h) for h in HEDGES) + r")\b")
_NEXT_WORD = re.compile(r"[\s-]*([\w']+)")  # the word after an actor mention (used at its end offset)
_COAST_GUARD = re.compile(r"[\s-]*coast[\s-]+guard")


@functools.lru_cache(maxsize=4096)
def _actors_cached(sentence: str, when: date | None) -> tuple[tuple[int, int, str], ...]:
    from detente import actors

    spaced = re.sub(r"(?<=[A-Za-z])[-–/](?=[A-Z])", " ", sentence)  # "Turkish-Azerbaijani", "Iran/Armenia"
    found: list[tuple[int, int, str]] = []
    for s, e, a in actors.match_in_text(spaced, when):
        code = a.country or a.code
        if not code:
            continue
        if code == "BEL" and sentence[s:e].lower() == "brussels":
            code = "EU"  # the EU's seat, not Belgium, in foreign-affairs prose
        found.append((s, e, code))
    low = spaced.lower()
    for m in _METONYM_RE.finditer(spaced):
        name = m.group().lower()
        code = METONYMS[name]
        if not name.startswith("the ") and not spaced[m.start()].isupper():
            continue
        if not any(s < m.end() and m.start() < e for s, e, _ in found):
            off = 4 if name.startswith("the ") else 0
            found.append((m.start() + off, m.end(), code))
    keep = []
    for s, e, code in sorted(found):
        nxt = _NEXT_WORD.match(low, e)
        prev = low[max(0, s - 9):s]
        if nxt and nxt.group(1) in PLACE_NEXT and not _COAST_GUARD.match(low, e):
            continue  # "Indian Ocean", "Azeri Muslim people", "Taiwan Strait" (not "the Chinese coast guard")
        if prev.endswith(PLACE_PREV):
            continue  # "Sea of Japan", "Port Sudan", "inter-Korean"
        if nxt and nxt.group(1) == "china" and sentence[e:e + 7].lower().startswith(" china sea"):
            continue
        keep.append((s, e, code))
    return tuple(keep)


def _items(sentence: str, found: list[tuple[int, int, str]]) -> list[Item]:
    sentence = re.sub(r"(?<=[A-Za-z])[-–/](?=[A-Z])", " ", sentence)  # as _actors_in: "Turkish-Azerbaijani"
    items: list[Item] = []
    spans = sorted(found)
    k = 0
    for m in _WORD.finditer(sentence):
        while k < len(spans) and spans[k][1] <= m.start():
            k += 1
        if k < len(spans) and spans[k][0] <= m.start() < spans[k][1]:
            s, e, code = spans[k]
            if not items or items[-1].kind != "A" or items[-1].start != s:
                poss = sentence[e:e + 2] in ("'s", "’s") or sentence[e:e + 1] in ("'", "’")
                items.append(Item("A", sentence[s:e], s, e, code, poss))
            continue
        t = m.group().rstrip(".")
        if not t:
            continue
        if t.endswith(("'s", "’s")) and len(t) > 2:
            t = t[:-2]
        items.append(Item("P" if t in ",;:()—–" else "W", t, m.start(), m.start() + len(t)))
    # locations: "militants in Iraq", "the summit in Baku"; not "the government in Georgia", "In Serbia, ..."
    for i, it in enumerate(items):
        if it.kind != "A" or i == 0:
            continue
        j = i - 1
        while j >= 0 and items[j].kind == "W" and items[j].low in ("the", "northern", "southern", "eastern",
                                                                     "western", "central", "north", "south"):
            j -= 1
        if j < 0 or items[j].kind != "W":
            continue
        prep = items[j].low
        before = items[j - 1].low if j > 0 else ""
        nxt = items[i + 1].low if i + 1 < len(items) else ""
        if prep in LOCATIVE and j > 0 and before not in INSTITUTIONS and nxt not in FRONTIER:
            it.loc = True  # "near the Azerbaijani frontier" names whom the act faces: not a mere location
        elif prep == "at" and it.code in AT_ORGS:
            it.loc = True
    return items


# ------------------------------------------------------------------------------------------------ cues
def _cue_at(words: list[str], i: int) -> tuple[str, int, int] | None:
    """The lexicon cue starting at word i: (form, polarity, length in words), or None."""
    lex = lexicon()
    for n in (3, 2, 1):
        if i + n <= len(words):
            ph = " ".join(words[i:i + n])
            if ph in CHANGE_PHRASES:
                return ph, 0, n
            if ph in lex:
                return ph, lex[ph], n
    if i + 2 < len(words) and _adverb(words[i + 1]):  # "stood firmly with", "sided openly with"
        for n in (2, 3):
            ph = " ".join([words[i], *words[i + 2:i + 1 + n]])
            if i + 1 + n <= len(words) and ph in lex and " " in ph:
                return ph, lex[ph], n + 1
    return None


_NOT_ADVERBS = frozenset({"ally", "rally", "family", "supply", "reply", "apply", "early", "only", "daily", "july",
                          "italy", "bully", "tally", "belly", "jelly", "holy", "ugly", "fly", "comply", "multiply"})


def _adverb(w: str) -> bool:
    """A manner adverb that may sit inside a phrasal cue ("firmly", "openly"): a word in -ly that is not a noun
    or verb such as "ally" or "supply"."""
    return len(w) > 4 and w.endswith("ly") and w not in _NOT_ADVERBS


def _polarity(words: list[str]) -> tuple[int, int, bool, list[str], bool, bool]:
    """(sign, change, negated, cues, past, habitual) of a predicate span of lower-case words."""
    sign, change, negated, cues, past, habitual = 0, 0, False, [], False, False
    first_cue = None
    at_sign = at_change = -99
    i = 0
    while i < len(words):
        w = words[i]
        if w in STOP and w not in ("has", "have", "had"):
            multi = _cue_at(words, i)
            if not (multi and " " in multi[0] and multi[1] != 0):  # "at odds", "in protest" start with a stop word
                i += 1
                continue
        ph2 = " ".join(words[i:i + 2])
        if ph2 in CHANGE_PHRASES:
            if not change:
                at_change = i
            change = change or CHANGE_PHRASES[ph2]
            cues.append(ph2)
            first_cue = i if first_cue is None else first_cue
            i += 2
            continue
        if w in CHANGE_UP or w in CHANGE_DOWN:
            if not change:
                change = 1 if w in CHANGE_UP else -1
                at_change = i
                cues.append(w)
                if first_cue is None:
                    first_cue = i
            i += 1
            continue
        hit = _cue_at(words, i)
        if hit and hit[1] != 0 and not sign:
            sign, at_sign = hit[1], i
            head = hit[0].split()[0]
            j = i + hit[2]
            if j < len(words) and words[j] == "to":  # "pledged to liberate": the complement names the relation
                for k in (j + 1, j + 2):
                    nxt = _cue_at(words, k) if k < len(words) else None
                    if nxt and nxt[1] != 0:
                        sign = nxt[1]
                        cues.append(hit[0])
                        hit = nxt
                        break
            cues.append(hit[0])
            if first_cue is None:
                first_cue = i
            prev = words[max(0, i - 2):i]
            past = (head.endswith("ed") or head in IRREGULAR_PAST) and not any(p in ("has", "have", "had", "been",
                                                                                       "be", "to") for p in prev)
            i += hit[2]
            continue
        i += hit[2] if hit else 1
    if first_cue is not None:
        window_ = words[max(0, first_cue - 3):first_cue]
        if any(w in NEGATORS or w.endswith("n't") for w in window_):
            negated = True
    habitual = any(w in HABITUAL for w in words)
    if sign and change and abs(at_sign - at_change) > 4:
        if at_sign < at_change:
            change = 0  # "signed a peace agreement ... that ended two decades of hostility": the verb decides
        else:
            sign = 0
    if sign and change:
        total = sign * change
    else:
        total = sign or change
    if negated:
        total = -total
    return total, change, negated, cues, past, habitual


# ------------------------------------------------------------------------------------------------ grammar
def _appositions(items: list[Item]) -> list[Relation]:
    """"X's ally Y", "Y, X's closest partner", "Y remains X's partner", "its ally Y", "A and B, close partners"."""
    out: list[Relation] = []
    n = len(items)
    for i, it in enumerate(items):
        if it.kind == "A" and it.poss and not it.drop:
            for j in range(i + 1, min(n, i + 5)):
                w = items[j]
                if w.kind != "W":
                    break
                if w.low in REL:
                    k = j + 1
                    while k < n and items[k].kind == "W" and items[k].low in ("the", "of"):
                        k += 1
                    head = items[k] if k < n and items[k].kind == "A" else None
                    if head is None:  # "China, Pakistan's closest partner" / "Qatar remains Ankara's partner"
                        b = i - 1
                        while b >= 0 and (items[b].kind == "P" or items[b].low in COPULA) and i - b <= 5:
                            b -= 1
                        head = items[b] if b >= 0 and items[b].kind == "A" and i - b >= 2 else None
                    if head is not None and head.code != it.code:
                        for x in items[i:j + 1]:
                            x.drop = True
                        if REL[w.low]:
                            out.append(Relation(it.code, head.code, REL[w.low], False, "apposition", [w.low],
                                                pos=it.start))
                    break
                if w.low in STOP - {"the"}:
                    break
        elif it.kind == "W" and it.low in ("its", "their", "his", "her") and not (i and items[i - 1].low == "as"):
            for j in range(i + 1, min(n, i + 4)):
                if items[j].kind == "W" and items[j].low in REL:
                    items[j].drop = True  # "turning away from its ally Russia": a description, not a claim
                    break
                if items[j].kind != "W":
                    break
    # "Cairo and Abu Dhabi, usually close partners,"
    for i, it in enumerate(items):
        if it.kind == "P" and it.text == "," and i >= 3:
            grp = _group_ending(items, i - 1)
            if len(grp) >= 2:
                for j in range(i + 1, min(n, i + 4)):
                    if items[j].kind == "W" and items[j].low in REL and REL[items[j].low]:
                        items[j].drop = True
                        for x in range(len(grp)):
                            for y in range(x + 1, len(grp)):
                                out.append(Relation(grp[x].code, grp[y].code, REL[items[j].low], False,
                                                    "apposition", [items[j].low], pos=grp[0].start))
                        break
                    if items[j].kind != "W":
                        break
    return out


def _group_ending(items: list[Item], i: int) -> list[Item]:
    grp: list[Item] = []
    while i >= 0:
        if items[i].kind == "A" and not items[i].drop:
            grp.insert(0, items[i])
            i -= 1
            while i >= 0 and (items[i].low in ("and", "or", "the", "&") or items[i].text == ","):
                i -= 1
            continue
        break
    return grp


def _joint(items: list[Item]) -> list[Relation]:
    """"relations between A and B deteriorated", "the unity of A and B", "the Turkish-Azerbaijani alliance"."""
    out: list[Relation] = []
    live = [k for k, it in enumerate(items) if not it.drop]
    seq = [items[k] for k in live]
    n = len(seq)
    for i, it in enumerate(seq):
        pair = None
        if it.kind == "W" and (it.low in JOINT or " ".join([it.low, seq[i + 1].low if i + 1 < n else ""]) in JOINT):
            noun = it.low if it.low in JOINT else f"{it.low} {seq[i + 1].low}"
            j = i + (2 if " " in noun else 1)
            if j < n and seq[j].low in ("between", "of", "among"):
                k = j + 1
                while k < n and seq[k].low == "the":
                    k += 1
                if k + 2 < n and seq[k].kind == "A":
                    m = k + 1
                    while m < n and seq[m].low in ("the",):
                        m += 1
                    if m < n and seq[m].low == "and":
                        m += 1
                        while m < n and seq[m].low == "the":
                            m += 1
                        if m < n and seq[m].kind == "A":
                            pair = (seq[k], seq[m], noun, i, m)
        elif it.kind == "A" and i + 2 < n and seq[i + 1].kind == "A" and seq[i + 2].kind == "W" and \
                seq[i + 2].low in JOINT and seq[i + 1].start - it.end <= 2:
            pair = (it, seq[i + 1], seq[i + 2].low, i, i + 2)
        if not pair or pair[0].code == pair[1].code:
            continue
        a, b, noun, lo, hi = pair
        a.np = b.np = True
        own = JOINT[noun]
        # change words just before the noun ("the deepening ties", "growing partnership")
        pre = [x.low for x in seq[max(0, lo - 3):lo] if x.kind == "W"]
        change = next((1 if w in CHANGE_UP else -1 for w in reversed(pre) if w in CHANGE_UP | CHANGE_DOWN), 0)
        sign, negated, cues = own or 0, False, [noun]
        if own is None or not change:
            # the clause's predicate: after the phrase first, else just before it
            after = []
            for x in seq[hi + 1:]:
                if x.kind != "W" or x.low in SUBORD or x.low in ("but", "which", "who", "that"):
                    break
                after.append(x)
            before = [x for x in seq[max(0, lo - 4):lo] if x.kind == "W"]
            for span in (after, before):
                s2, c2, neg2, cues2, _, _ = _polarity([x.low for x in span])
                if s2:
                    if own is None:
                        sign, negated, change = s2, neg2, change or c2
                    elif c2 and not change:
                        change = c2
                    cues += cues2
                    used = {c.split()[0] for c in cues2}
                    for x in span:
                        if x.low in used and own is None:
                            x.drop = True  # the predicate is the phrase's; no subject-verb-object relation from it
                    break
        if own is not None and change:
            sign = own * change
        if sign == 0 and noun in ("ties", "trade", "talks", "cooperation"):
            sign = 1
        if sign:
            out.append(Relation(a.code, b.code, sign, False, "joint", cues, negated, change, pos=a.start))
    return out


def _clauses(items: list[Item]) -> list[list[Item]]:
    out: list[list[Item]] = [[]]
    n = len(items)
    for i, it in enumerate(items):
        split = False
        if it.kind == "P" and it.text in (";", ":", "—", "–"):
            split = True
        elif it.kind == "W" and it.low in ("but", "while", "whereas", "yet", "although", "though") and out[-1]:
            split = True
        elif it.kind == "P" and it.text == "," and i + 1 < n and items[i + 1].low in ("and", "but", "while",
                                                                                      "whereas", "yet"):
            # ", and Pakistan downgraded": a new clause; "with A, B, and C.": a list
            nxt = items[i + 2] if i + 2 < n else None
            after = items[i + 3] if i + 3 < n else None
            if nxt is None or nxt.kind != "A" or (after is not None and after.kind == "W"
                                                  and after.low not in ("and", "or")):
                split = True
        elif it.kind == "P" and it.text == "," and out[-1] and (out[-1][0].low in SUBORD or (
                out[-1][0].low in FRONTED and not any(x.kind == "A" for x in out[-1]))):
            split = True  # "After Nancy Pelosi visited Taipei, China ...", "In a meeting brokered by ..., A and B"
        elif it.kind == "P" and it.text == "," and i + 1 < n and items[i + 1].low in ("who", "which") and \
                i and items[i - 1].kind != "A":
            split = True  # "arms the Houthis, who have fired missiles at Saudi Arabia": another subject
        elif it.kind == "W" and it.low == "that" and i and items[i - 1].low in REPORTING and \
                not any(x.kind == "A" for x in out[-1]):
            split = True  # "Critics argue that Turkey armed Azerbaijan": the reported clause
        if split:
            out.append([])
            if it.kind == "W":
                out[-1].append(it)
            continue
        out[-1].append(it)
    return [c for c in out if c]


def _groups(clause: list[Item]) -> list[tuple[int, int, list[Item]]]:
    """(first index, last index, actors) of coordinated actor groups ("Estonia and Latvia")."""
    out: list[tuple[int, int, list[Item]]] = []
    i = 0
    n = len(clause)
    while i < n:
        it = clause[i]
        if it.kind == "A" and not it.drop:
            grp, j, last = [it], i + 1, i
            while j < n:
                if clause[j].kind == "A" and not clause[j].drop and clause[j].loc == it.loc:
                    grp.append(clause[j])
                    last = j
                    j += 1
                elif clause[j].low in ("and", "or", "the", "&", "both", "as", "well") or clause[j].text == ",":
                    j += 1
                else:
                    break
            out.append((i, last, grp))
            i = last + 1
        else:
            i += 1
    return out


def _svo(clause: list[Item], inherited: list[Item] | None) -> tuple[list[Relation], list[Item] | None]:
    """Subject-predicate-object relations of one clause; returns them and the clause's subject."""
    groups = _groups(clause)
    words_idx = [k for k, x in enumerate(clause) if x.kind == "W" and not x.drop]
    wl = [clause[k].low for k in words_idx]
    first_cue = None
    for n, k in enumerate(words_idx):
        hit = _cue_at(wl, n)
        if (hit and (hit[1] != 0 or hit[0] in CHANGE_PHRASES)) or wl[n] in CHANGE_UP | CHANGE_DOWN:
            first_cue = k
            break
    subject, s_end = None, -1
    for lo, hi, grp in groups:
        if first_cue is not None and lo > first_cue:
            break
        if any(g.loc or g.np for g in grp):
            continue
        subject, s_end = grp, hi
        break
    if subject is None and inherited and clause and clause[0].low in ("and", "but", "while", "whereas", "yet",
                                                                      "although", "though") and (
            len(clause) < 2 or clause[1].low not in NOUN_START):
        subject, s_end = inherited, -1  # "..., and sought a loan from India"; "and all three turned to Russia"
    out: list[Relation] = []
    if subject is None:
        return out, None
    boundary = s_end
    prev: Relation | None = None
    for lo, hi, grp in groups:
        if lo <= s_end:
            continue
        if all(g.loc for g in grp):
            continue
        span_items = [x for x in clause[boundary + 1:lo] if x.kind != "A" and not x.drop]
        commas = [k for k, x in enumerate(span_items) if x.text == ","]
        if len(commas) >= 2 and commas[0] == 0:  # "Poland, fearing that the war would spread, opened ...": an aside
            span_items = span_items[commas[-1] + 1:]
        words = [x.low for x in span_items if x.kind == "W"]
        if words and words[0] in ("and", "or") and len(words) <= 3 and not any(
                w in RECIPROCAL or w in PREPOSITIONS for w in words):  # "a victorious A and a humiliated B"
            boundary = hi
            continue
        text = " ".join(x.low for x in span_items)
        if prev is not None and re.search(r"(, not|rather than|instead of|^not|unlike)\s*(the)?\s*$", text):
            prev.versus = grp[0].code
            boundary = hi
            continue
        sign, change, negated, cues, past, habitual = _polarity(words)
        if any(w in REGARD for w in words) and not sign:
            tail = [x.low for x in clause[hi + 1:hi + 9] if x.kind == "W"]
            if "as" in tail:
                sign, _, _, cues2, _, _ = _polarity(tail[tail.index("as") + 1:])
                cues += cues2
            if not sign and prev is None:
                more = [x.low for x in clause[hi + 1:] if x.kind == "W"]
                if "as" in more:  # "regarded Yerevan, rather than Baku, as its partner"
                    sign, _, _, cues2, _, _ = _polarity(more[more.index("as") + 1:])
                    cues += cues2
        while words and words[-1] in ("the", "a", "an", "its", "their", "his", "her"):
            words = words[:-1]
        if words and words[-1] == "against":
            sign, cues = -1, cues + ["against"]
        elif words and (words[-1] == "alongside" or words[-2:] == ["together", "with"]) and sign:
            sign, cues = 1, cues + ["alongside"]
        elif words and words[-1] in ("towards", "toward") and (not sign or words[0] in ("and", "but")):
            sign, cues = 1, ["towards"]  # "turned away from China and towards Washington"
        if not sign:
            if prev is not None and all(w in ("and", "or", "as", "well", "the") for w in words):
                sign, change, negated, cues = prev.sign, prev.change, prev.negated, prev.cues
            else:
                boundary = hi if words else boundary
                continue
        if words and words[-1] == "over" and any(w in DISPUTE for w in words):
            continue  # "fought a war over Karabakh", "tensions over Kashmir": the issue, not a party
        if cues and cues[0] in ACCUSE and len(words) >= 3 and words[-1] in ("of", "on", "against") and \
                words[-2] not in ACCUSE:  # "condemned the shelling of Armenian villages": the victim, not the target
            boundary = hi
            continue
        passive = bool(words) and words[-1] == "by" and any(c.split()[0].endswith(("ed", "en")) for c in cues)
        for s in subject:
            for o in grp:
                if s.code == o.code:
                    continue
                a, b = (o.code, s.code) if passive else (s.code, o.code)
                out.append(Relation(a, b, sign, True, "predicate", cues, negated, change, past, habitual,
                                    pos=o.start))
        prev = out[-1] if out else prev
        boundary = hi
        after = [x.low for x in clause[hi + 1:hi + 2]]
        if any(w in ACCUSE for w in words) and after and after[0] in ("of", "for"):
            break  # "accused Baku of hosting Israeli officers": what Baku is accused of is reported, not claimed
    if not out and len(subject) >= 2:
        rest = [x.low for x in clause[s_end + 1:] if x.kind == "W" and not x.drop]
        mutual = any(w in ("their", "each", "mutual", "bilateral", "jointly", "together") for w in rest[:6])
        if mutual or any(w in RECIPROCAL or " ".join(rest[k:k + 2]) in RECIPROCAL for k, w in enumerate(rest)):
            sign, change, negated, cues, past, habitual = _polarity(rest)
            if sign:
                for x in range(len(subject)):
                    for y in range(x + 1, len(subject)):
                        if subject[x].code != subject[y].code:
                            out.append(Relation(subject[x].code, subject[y].code, sign, False, "reciprocal", cues,
                                                negated, change, past, habitual, pos=subject[x].start))
    return out, subject


def relations(sentence: str, when: date | None = None, drop_spans: list[tuple[int, int]] = (),
              time_spans: list[tuple[int, int]] = ()) -> list[Relation]:
    """The relations one sentence asserts (module doc), one per direction and polarity, in order of mention.

    Parameters
    ----------
    sentence : str
        One sentence.
    when : date, optional
        Its date (names of office holders are read on it).
    drop_spans, time_spans : list of (start, end)
        Character spans of time expressions (actors and verbs inside them are not relations).

    Returns
    -------
    list of Relation
        ``a``, ``b``, ``sign`` (+1 / -1), ``via`` (apposition, joint, svo), ``directed`` and the cue.

    Examples
    --------
    >>> [(r.a, r.b, r.sign, r.via) for r in relations("Analysts point to the deepening ties between Turkey's "
    ...                                               "ally Azerbaijan and Iran's adversary Israel.")]
    [('TUR', 'AZE', 1, 'apposition'), ('AZE', 'ISR', 1, 'joint'), ('IRN', 'ISR', -1, 'apposition')]
    """
    found = _actors_in(sentence, when)
    if len({c for *_, c in found}) < 2:
        return []
    items = _items(sentence, found)
    for it in items:
        if any(a <= it.start < b for a, b in drop_spans):
            it.drop = True  # inside a time expression ("since the Russian invasion of Ukraine")
        elif it.kind == "W" and any(a <= it.start < b for a, b in time_spans):
            it.drop = True  # "In March 2023": a date, not the verb "march"
    rels = _appositions(items)
    rels += _joint(items)
    subject = None
    for clause in _clauses(items):
        got, subject = _svo(clause, subject)
        rels += got
    # one relation per direction and polarity; a joint (undirected) one covers both directions
    out, seen = [], set()
    for r in sorted(rels, key=lambda r: r.directed):
        joint = (frozenset((r.a, r.b)), r.sign)
        if r.a == r.b or joint in seen or (r.a, r.b, r.sign) in seen:
            continue
        seen.add(joint if not r.directed else (r.a, r.b, r.sign))
        out.append(r)
    return sorted(out, key=lambda r: r.pos)


def _hedges(sentence: str) -> list[str]:
    found = set(_HEDGE_RE.findall(re.sub(r"\s+", " ", sentence.lower())))
    return [h for h in HEDGES if h in found]


# ------------------------------------------------------------------------------------------------ claims
def check_prose(text: str) -> None:
    """Refuse input that is not English prose, in one line that says what to do (size, binary, language).

    Parameters
    ----------
    text : str
        The input.

    Raises
    ------
    UserError
        Too long, binary, or not English.

    Examples
    --------
    >>> check_prose("Armenia and Azerbaijan signed a peace treaty.")  # prose: no error
    >>> check_prose("ab\\x00cd")
    Traceback (most recent call last):
    ...
    detente.errors.UserError: the input looks binary (control bytes), not text: give a plain-text (UTF-8) file
    """
    if len(text) > MAX_CHARS:
        raise UserError(f"the text has {len(text):,} characters; detente reads up to {MAX_CHARS:,} per run: split "
                        f"it into articles and run each")
    head = text[:20000]
    if "\x00" in head or sum(ord(c) < 32 and c not in "\n\r\t\f" for c in head) > max(3, len(head) // 100):
        raise UserError("the input looks binary (control bytes), not text: give a plain-text (UTF-8) file")
    words = re.findall(r"[^\W\d_]+", head.lower())
    if len(words) >= 20:
        common = {"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "was",
                  "has", "its", "it", "are", "from", "be", "have", "not", "this", "at", "an", "which", "but"}
        share = sum(w in common for w in words) / len(words)
        if share < 0.08:
            raise UserError(f"the text does not read as English ({100 * share:.0f}% common English words, "
                            f"English prose has 20% or more): detente extracts claims from English prose only; translate it")


def analyse(text: str, when: date | None = None, data_end: date | None = None) -> Extraction:
    """Claims in ``text`` (module doc) with the windows they are tested on, and the named events left unresolved.

    ``when``: the text's date (default today); no window ends after it. ``data_end``: the store's last day of
    data, so "currently" means the latest data up to ``when``.

    Parameters
    ----------
    text : str
        English prose.
    when : date, optional
        The text's date.
    data_end : date, optional
        The store's last day of data.

    Returns
    -------
    Extraction
        ``claims`` (as :func:`extract_claims`), ``unresolved`` (named events no window was found for), ``notes``.

    Examples
    --------
    >>> from datetime import date
    >>> text = ("Relations between Armenia and Azerbaijan deteriorated sharply after the 2020 war. "
    ...         "Russia reportedly armed Armenia in 2021.")
    >>> x = analyse(text, when=date(2023, 1, 1))
    >>> [(c["id"], c["source"], c["target"], c["polarity"]) for c in x.claims], x.unresolved
    ([('E1', 'ARM', 'AZE', 'conflictual'), ('E2', 'RUS', 'ARM', 'cooperative')], [])
    """
    check_prose(text)
    when = when or date.today()
    claims: list[Claim] = []
    unresolved: list[str] = []
    notes: list[str] = []
    paragraphs = [m.start() for m in re.finditer(r"\n\s*\n", text)]
    context: Anchor | None = None
    previous: Anchor | None = None
    para = 0
    sents = sentences(text)
    counts: dict[str, int] = {}
    for _, sent in sents:
        for *_, c in _actors_in(sent, when):
            counts[c] = counts.get(c, 0) + 1
    topic = tuple(sorted(counts, key=lambda c: -counts[c])[:4])  # whom the text is about: "the war" is theirs
    for idx, (off, sent) in enumerate(sents):
        p = sum(1 for x in paragraphs if x < off)
        if p != para:
            para, context = p, None
        found = _actors_in(sent, when)
        codes = tuple(dict.fromkeys(c for *_, c in found))
        ancs = anchors(sent, when, tuple(dict.fromkeys(codes + topic)), previous)
        for a in ancs:
            for u in a.unresolved:
                if u not in unresolved:
                    unresolved.append(u)
                    notes.append(f"sentence {idx + 1}: named event '{u}' is not in the gazetteer"
                                 + (f"; the date written beside it ({a.start}) is used" if a.start else
                                    "; its claims are tested without it") +
                                 " (add it with a cited date to resolve it)")
        drop = [(a.pos, a.pos + len(a.text or "")) for a in ancs if (a.event or a.unresolved)
                and a.kind in ("since", "after", "before")]
        times = [(a.pos, a.pos + len(a.text or "")) for a in ancs if not a.event and not a.unresolved]
        rels = relations(sent, when, drop, times) if len(codes) >= 2 else []
        dated = [a for a in ancs if a.start]
        lead = _leading_clause(sent, ancs)
        for r in rels:
            anchor = _anchor_for(r, sent, ancs)
            if lead and r.pos > lead[0] and anchor is lead[1]:
                anchor = lead[2]  # "Since A did x in 2022, B ...": B's claim is about the time after it
            pointed = anchor is not None and anchor.kind == "point" and anchor.precision in ("day", "event")
            stative = anchor is not None and (anchor.text or "").lower().startswith(("throughout", "over ", "all "))
            aspect = "change" if r.change else (
                "event" if not r.negated and not stative and (pointed or (not r.habitual and r.past and (
                    anchor is None or anchor.kind not in ("since", "duration", "latest")))) else "level")
            win = window(aspect, anchor, when, data_end, context)
            if win.problem:
                notes.append(f"sentence {idx + 1}: {r.a}-{r.b}: {win.problem}")
                continue
            pol = r.sign
            c = Claim(id=f"E{len(claims) + 1}", source=r.a, target=r.b,
                      polarity="cooperative" if pol > 0 else "conflictual", sentence=sent, sentence_index=idx,
                      anchor=anchor or Anchor(None), cues=list(r.cues), hedges=_hedges(sent), negated=r.negated,
                      change=("increase" if pol > 0 else "decrease") if r.change else None, versus=r.versus,
                      directed=r.directed, aspect=aspect, via=r.via, window=win)
            c.hypothesis, c.periods = _hypothesis(c)
            claims.append(c)
        if dated:
            previous = dated[-1]
            points = [a for a in dated if a.kind in ("point", "after") and a.end and (a.end - a.start).days <= 92]
            context = points[-1] if points else context
    return Extraction([c.as_dict() for c in claims], unresolved, notes)


_LEADING = re.compile(r"\s*(ever since|since|after|following|once)\s+", re.I)


def _leading_clause(sent: str, ancs: list[Anchor]) -> tuple[int, Anchor, Anchor] | None:
    """A fronted subordinate clause that dates the main one: in "Since Russia invaded Ukraine in February 2022,
    Poland has ...", the clause's own date is a point for what it says (the invasion) and the start of an open
    span for the main clause. Returns (end of the clause, its anchor, the anchor for the main clause)."""
    m = _LEADING.match(sent)
    comma = sent.find(",")
    if not m or comma < 0:
        return None
    inner = [a for a in ancs if a.start and m.end() < a.pos < comma and a.kind == "point"]
    if not inner:
        return None
    a = inner[0]
    prep = m.group(1).lower()
    kind = "since" if prep in ("since", "ever since") else "after"
    derived = replace(a, kind=kind, text=sent[m.start(1):comma], pos=m.start(1))
    return comma, a, derived


def _anchor_for(r: Relation, sent: str, ancs: list[Anchor]) -> Anchor | None:
    """The anchor of the relation's clause (nearest before it, else after it in the same clause), else the
    sentence's first dated one, else its first."""
    if not ancs:
        return None
    bounds = [0] + [m.end() for m in re.finditer(r"[;:]|,\s+(?:and|but|while|whereas)\b|\b(?:but|while|although|"
                                                 r"though|whereas)\b", sent)]
    bounds.append(len(sent))
    lo = max(b for b in bounds if b <= r.pos)
    hi = min(b for b in bounds if b > r.pos) if any(b > r.pos for b in bounds) else len(sent)
    inside = [a for a in ancs if lo <= a.pos < hi]
    pick = [a for a in inside if a.start] or inside
    if pick:
        return pick[0]
    # a fronted anchor ("In 2022, ...", "After the war, A did x and B did y") covers the whole sentence
    first = min(bounds[1:])
    fronted = [a for a in ancs if a.pos < first and a.pos < 3 + sent.find(",") and sent.find(",") > 0]
    return fronted[0] if fronted else None


def _hypothesis(c: Claim) -> tuple[dict, list[str]]:
    sep = ">" if c.directed else "-"
    dyad = f"{c.source}{sep}{c.target}"
    w = c.window
    assert w is not None
    name = lambda b: f"{b[0]}..{b[1]}"  # noqa: E731
    if c.aspect == "change" and w.before and w.after:
        h = {"id": c.id, "claim": c.sentence, "kind": "change", "dyad": f"{c.source}-{c.target}",
             "before": name(w.before), "after": name(w.after), "expect": c.change}
        return h, [name(w.before), name(w.after)]
    per = name(w.span)
    if c.versus:
        return ({"id": c.id, "claim": c.sentence, "kind": "compare", "x": dyad, "y": f"{c.source}{sep}{c.versus}",
                 "periods": [per], "expect": "greater" if c.polarity == "cooperative" else "less"}, [per])
    if c.aspect == "event":
        return ({"id": c.id, "claim": c.sentence, "kind": "presence", "dyad": dyad, "polarity": c.polarity,
                 "periods": [per], "min_events": 1, "expect": "present"}, [per])
    # a level is judged against the world's base rate for dyads of similar volume, never against 0: most
    # dyad-days are positive, so "cooperative vs 0" would pass almost always (docs/claims.md)
    return ({"id": c.id, "claim": c.sentence, "kind": "compare", "x": dyad, "y": "base", "periods": [per],
             "expect": "greater" if c.polarity == "cooperative" else "less"}, [per])


def extract_claims(text: str, when: date | None = None, case: Any = None, data_end: date | None = None) -> list[dict]:
    """Candidate claims in ``text`` (see module doc); each dict has source, target, polarity, anchor, window,
    sentence, hedges, negated, change and a ready-to-test ``hypothesis``. ``case`` is accepted for compatibility
    and not used: windows come from the text. No resolvable relation -> an empty list.

    Parameters
    ----------
    text : str
        English prose.
    when : date, optional
        The text's date (default today): no window ends after it.
    case : optional
        Ignored (kept for older callers).
    data_end : date, optional
        The store's last day of data.

    Returns
    -------
    list of dict

    Examples
    --------
    "after the 2020 war" resolves to the year before the war against the year after it; "in 2021" to the year:

    >>> from datetime import date
    >>> text = ("Relations between Armenia and Azerbaijan deteriorated sharply after the 2020 war. "
    ...         "Russia reportedly armed Armenia in 2021.")
    >>> for c in extract_claims(text, when=date(2023, 1, 1)):
    ...     print(c["id"], c["source"], c["target"], c["polarity"], c["change"], c["hedges"], c["periods"])
    E1 ARM AZE conflictual decrease [] ['2019-09-28..2020-09-26', '2020-11-11..2021-11-10']
    E2 RUS ARM cooperative None ['reportedly'] ['2021-01-01..2021-12-31']
    >>> extract_claims(text, when=date(2023, 1, 1))[1]["hypothesis"]
    {'id': 'E2', 'claim': 'Russia reportedly armed Armenia in 2021.', 'kind': 'presence', 'dyad': 'RUS>ARM', 'polarity': 'cooperative', 'periods': ['2021-01-01..2021-12-31'], 'min_events': 1, 'expect': 'present'}
    """
    return analyse(text, when, data_end).claims


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """A text file as str; a missing, oversized, binary or non-UTF-8 file is a one-line error naming the fix.

    Parameters
    ----------
    path : str or Path
        The file.
    encoding : str, optional
        A Python codec name (default UTF-8).

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> f = Path(tmp.name) / "note.txt"
    >>> _ = f.write_bytes("Baku and Yerevan met in Br\\xfcssel.".encode("latin-1"))
    >>> read_text(f, encoding="latin-1")
    'Baku and Yerevan met in Brüssel.'
    >>> read_text(f)
    Traceback (most recent call last):
    ...
    detente.errors.UserError: ... is not UTF-8 text (byte 26); convert it (iconv -f latin1 -t utf-8) or pass --encoding latin-1
    >>> tmp.cleanup()
    """
    p = Path(path)
    if not p.is_file():
        raise UserError(f"no file {p}; give the path of a text file to read")
    size = p.stat().st_size
    if size > 4 * MAX_CHARS:
        raise UserError(f"{p} is {size / 1e6:.1f} MB; detente reads up to {MAX_CHARS / 1e6:.0f} million characters "
                        f"of prose per run: split it into articles and run each")
    with p.open("rb") as fh:
        data = fh.read(4 * MAX_CHARS + 1)
    if b"\x00" in data[:65536]:
        raise UserError(f"{p} looks binary (NUL bytes), not text: give a plain-text (UTF-8) file")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"{p} is not {encoding or 'UTF-8'} text (byte {e.start}); convert it "
                        f"(iconv -f latin1 -t utf-8) or pass --encoding latin-1") from None
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}; use a Python codec name such as latin-1") from None
    try:
        check_prose(text)
    except UserError as e:
        raise UserError(f"{p}: {e}") from None
    return text


def case_dict(claims: list[dict], base: Any = None, name: str = "extracted") -> dict:
    """The claims as a case (plain values): only the text's actors and windows, plus ``base``'s when given.

    Parameters
    ----------
    claims : list of dict
        From :func:`extract_claims`.
    base : Case, optional
        A case whose actors, periods, datasets and defaults are added.
    name : str
        The case's name.

    Returns
    -------
    dict
        A case file's content (``name``, ``title``, ``actors``, ``periods``, ``focus``, ``hypotheses``).

    Examples
    --------
    >>> from datetime import date
    >>> text = ("Relations between Armenia and Azerbaijan deteriorated sharply after the 2020 war. "
    ...         "Russia reportedly armed Armenia in 2021.")
    >>> doc = case_dict(extract_claims(text, when=date(2023, 1, 1)))
    >>> list(doc["actors"]), list(doc["periods"]), doc["focus"]
    (['ARM', 'AZE', 'RUS'], ['2019-09-28..2020-09-26', '2020-11-11..2021-11-10', '2021-01-01..2021-12-31'], ['ARM-AZE', 'ARM-RUS'])
    """
    actors: dict[str, str] = {}
    periods: dict[str, dict] = {}
    focus: list[str] = []
    for c in claims:
        for a in (c["source"], c["target"], c.get("versus")):
            if a and a not in actors:
                actors[a] = a
        for p in c["periods"]:
            lo, hi = p.split("..")
            periods.setdefault(p, {"start": lo, "end": hi})
        d = "-".join(sorted((c["source"], c["target"])))
        if d not in focus:
            focus.append(d)
    doc: dict[str, Any] = {"name": name, "title": f"Claims extracted by detente ({len(claims)})"}
    if base is not None:
        for k, v in dict(base.actors).items():
            actors.setdefault(k, v)
        for k, p in base.periods.items():
            periods.setdefault(k, {"start": p.start, "end": p.end})
        if getattr(base, "datasets", None):
            doc["datasets"] = list(base.datasets)
        if getattr(base, "defaults", None):
            doc["defaults"] = dict(base.defaults)
    if not periods:
        periods = {"all": {"start": None, "end": None}}
    doc.update({"actors": actors, "periods": periods, "focus": focus,
                "hypotheses": [c["hypothesis"] for c in claims]})
    return doc


def case_yaml(claims: list[dict], case: Any = None, name: str = "extracted") -> str:
    """A complete case file (YAML) with only the claims' actors, windows and hypotheses (plus ``case``'s).

    Parameters
    ----------
    claims : list of dict
        From :func:`extract_claims`.
    case : Case, optional
        Context added as in :func:`case_dict`.
    name : str
        The case's name.

    Returns
    -------
    str
        YAML that :func:`detente.claims.loads_case` reads.

    Examples
    --------
    >>> from datetime import date
    >>> claims = extract_claims("Russia reportedly armed Armenia in 2021.", when=date(2023, 1, 1))
    >>> print(case_yaml(claims, name="demo"))
    name: demo
    title: Claims extracted by detente (1)
    actors:
      RUS: RUS
      ARM: ARM
    periods:
      2021-01-01..2021-12-31:
        start: '2021-01-01'
        end: '2021-12-31'
    focus:
    - ARM-RUS
    hypotheses:
    - id: E1
      claim: Russia reportedly armed Armenia in 2021.
      kind: presence
      dyad: RUS>ARM
      polarity: cooperative
      periods:
      - 2021-01-01..2021-12-31
      min_events: 1
      expect: present
    <BLANKLINE>
    """
    import yaml

    return yaml.safe_dump(case_dict(claims, case, name), sort_keys=False, allow_unicode=True, width=110)


class Coverage:
    """What a store can test: the daily datasets claims read (``claims.run.DATASET_ORDER``), their covered days
    and last day. ``Coverage(store).split(claims)`` -> (testable claims, one note per claim left out)."""

    def __init__(self, store: Any, datasets: list[str] | None = None):
        from detente.claims.data import Source
        from detente.claims.run import DATASET_ORDER

        self.source = store if isinstance(store, Source) else Source(store)
        self.datasets = [d for d in (datasets or DATASET_ORDER) if self.source.has(d)] or self.source.datasets()
        self.cov = {d: c for d in self.datasets if (c := self.source.coverage(d))}

    @property
    def end(self) -> date | None:
        ends = [c[1] for c in self.cov.values() if c[1]]
        return max(ends) if ends else None

    def covers(self, span: str) -> bool:
        lo, hi = (date.fromisoformat(x) for x in span.split(".."))
        for d in self.cov:
            ix = self.source.days(d)
            if int(((ix >= str(lo)) & (ix <= str(hi))).sum()):
                return True
        return False

    def split(self, claims: list[dict]) -> tuple[list[dict], list[str]]:
        keep, notes = [], []
        have = "; ".join(f"{d} {c[0]}..{c[1]}" for d, c in self.cov.items()) or "no daily dataset"
        for c in claims:
            gone = [p for p in c["periods"] if not self.covers(p)]
            if gone:
                notes.append(f"{c['id']} {c['source']}-{c['target']}: not tested: window {', '.join(gone)} has no "
                             f"covered day in the store ({have}); ingest data for it")
            else:
                keep.append(c)
        return keep, notes


def case_from_text(text: str, when: date | None = None, case: Any = None, name: str = "extracted",
                   data_end: date | None = None, store: Any = None):
    """The claims in ``text`` as a validated, compiled Case: the text's actors, windows and dyads only
    (``case``: a case whose actors and periods are added as context). Ready for ``claims.evaluate``.

    With ``store``: "currently" means the store's latest data up to ``when``, and claims whose window has no
    covered day are left out (named in the case's description).

    Parameters
    ----------
    text : str
        English prose.
    when : date, optional
        The text's date.
    case : Case, optional
        Context (actors, periods) to add.
    name : str
        The case's name.
    data_end : date, optional
        The store's last day of data.
    store : Store, optional
        Leave out claims the store cannot test.

    Returns
    -------
    Case

    Examples
    --------
    >>> from datetime import date
    >>> text = ("Relations between Armenia and Azerbaijan deteriorated sharply after the 2020 war. "
    ...         "Russia reportedly armed Armenia in 2021.")
    >>> case = case_from_text(text, when=date(2023, 1, 1), name="demo")
    >>> case.name, [(h.id, type(h.tests[0]).__name__) for h in case.hypotheses]
    ('demo', [('E1', 'Change'), ('E2', 'Presence')])
    """
    left_out: list[str] = []
    if store is not None:
        cov = Coverage(store)
        claims, left_out = cov.split(analyse(text, when, data_end or cov.end).claims)
    else:
        claims = analyse(text, when, data_end).claims
    doc = case_dict(claims, case, name)
    if left_out:
        doc["description"] = "Not tested: " + " | ".join(left_out)
    return load_case_from_dict(doc, name)


def load_case_from_dict(doc: dict, name: str) -> Any:
    from detente.claims import load_case

    try:
        from detente.case import Case as CaseModel
    except ImportError:  # before the one case model: through YAML
        import yaml

        from detente.claims import loads_case

        return loads_case(yaml.safe_dump(doc, sort_keys=False), f"<claims extracted from text: {name}>")
    return load_case(CaseModel.from_dict(doc, f"<claims extracted from text: {name}>"))
