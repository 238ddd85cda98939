"""Analyst prose -> candidate claims: who, toward whom, cooperative or conflictual, when, how sure.

Per sentence: actors are found with :func:`detente.actors.match_in_text` (names, demonyms, capitals:
"Tehran", "Armenian", "Baku"); the polarity comes from ``data/polarity.tsv``, a lexicon derived from the
CAMEO verb dictionary (scripts/build_polarity_lexicon.py) plus a short list of analysts' nouns; a negator
within three words before a cue flips it; hedges ("may", "reportedly") are flagged; change words
("strengthened", "deteriorated") make a before/after claim; the time anchor ("after the 44-day war",
"since 2020", "currently", "for nearly 30 years") picks the case periods. Each claim carries a
hypothesis in the case-file format (see docs/claims.md), so ``detente check`` can test it directly.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from detente.errors import UserError

HEDGES = ("may", "might", "could", "reportedly", "allegedly", "apparently", "seems", "seem", "seemed", "appears",
          "appear", "appeared", "likely", "possibly", "perhaps", "probably", "arguably", "presumably",
          "is said to", "are said to", "according to", "suggests", "suggest", "rumoured", "rumored")
NEGATORS = ("not", "no", "never", "n't", "neither", "nor", "without", "hardly", "barely", "failed to",
            "refused to", "ceased to", "stopped")
CHANGE_UP = ("strengthen", "strengthened", "strengthening", "strengthens", "deepen", "deepened", "deepening",
             "deepens", "improve", "improved", "improving", "improves", "warm", "warmed", "warming", "grew", "grow",
             "grows", "growing", "expand", "expanded", "expanding", "expands", "increase", "increased",
             "increasing", "increases", "rise", "rose", "risen", "rising", "intensified", "intensify", "boosted",
             "upgraded", "tighter", "closer")
CHANGE_DOWN = ("weaken", "weakened", "weakening", "weakens", "deteriorate", "deteriorated", "deteriorating",
               "worsen", "worsened", "worsening", "worsens", "decline", "declined", "declining", "cooled",
               "cooling", "soured", "eroded", "eroding", "shrank", "shrunk", "decreased", "fell", "frayed")
# change words whose object is a bad thing ("tensions grew") flip: handled by the polarity of the other cues
STOP = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "with", "its", "their", "his", "her", "as", "by",
        "at", "is", "are", "was", "were", "be", "been", "has", "have", "had", "that", "this", "it", "from", "or",
        "but", "which", "who", "will", "would", "also", "more", "most", "than", "so", "such", "into", "over"}
WORDS_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
             "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a dozen": 12, "a decade": 10,
             "two decades": 20, "three decades": 30}
WAR_END, WAR_START, OFFENSIVE = date(2020, 11, 11), date(2020, 9, 27), date(2023, 9, 19)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+")


@dataclass
class Anchor:
    text: str | None
    start: date | None
    end: date | None
    relative: str | None = None  # "latest" for "currently", "now"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["start"] = self.start.isoformat() if self.start else None
        d["end"] = self.end.isoformat() if self.end else None
        return d


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
    periods: list[str] = field(default_factory=list)
    hypothesis: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["anchor"] = self.anchor.as_dict()
        d["hedged"] = bool(self.hedges)
        return d


@cache
def _builtin_case() -> Any:
    """The built-in case: its periods anchor extracted claims."""
    from detente.claims import load_case

    return load_case("south_caucasus")


@cache
def lexicon() -> dict[str, int]:
    """Polarity lexicon: word or phrase (lower case) -> +1 cooperative / -1 conflictual."""
    with resources.files("detente.data").joinpath("polarity.tsv").open(encoding="utf-8") as fh:
        return {r["form"]: int(r["polarity"]) for r in csv.DictReader(fh, delimiter="\t")}


def sentences(text: str) -> list[tuple[int, str]]:
    """Split prose into sentences (offset, text); abbreviations like 'U.S.' and 'e.g.' do not end one."""
    text = unicodedata.normalize("NFC", text)
    protected = re.sub(r"\b(?:[A-Z]\.){2,}|\b(?:e\.g|i\.e|etc|Mr|Mrs|Dr|St|vs|No)\.",
                       lambda m: m.group().replace(".", "\x00"), text)
    out = []
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)", protected):
        s = m.group().replace("\x00", ".").strip()
        if len(s) > 2:
            out.append((m.start(), s))
    return out


def _actors_in(sentence: str, when: date | None) -> list[tuple[int, int, str]]:
    from detente import actors

    spaced = re.sub(r"(?<=[A-Za-z])[-–/](?=[A-Z])", " ", sentence)  # "Turkish-Azerbaijani", "Iran/Armenia"
    found = []
    for s, e, a in actors.match_in_text(spaced, when):
        code = a.country or a.code
        if code:
            found.append((s, e, code))
    # a demonym after "of"/"in"/"on" modifying a noun names a place or possessor, not a party to the relation
    keep = []
    for k, (s, e, code) in enumerate(found):
        before = sentence[max(0, s - 8):s].lower()
        nxt = sentence[e:e + 2]
        if (k > 0 and k < len(found) - 1 and re.search(r"\b(of|in|on|near|at)\s+$", before)
                and re.match(r"\s[a-z]", nxt) and sentence[s:e].lower().endswith(("ian", "ish", "i", "ese", "ic"))):
            continue
        keep.append((s, e, code))
    return keep


def _anchor(sentence: str, when: date) -> Anchor:
    s = sentence.lower()
    m = re.search(r"\b(after|since|following|in the wake of|before|prior to|during|until)\s+(?:the\s+)?"
                  r"((?:44|forty-four)[- ]day war|(?:second\s+)?(?:nagorno-)?karabakh war|2020 war|war|"
                  r"(?:september\s+)?2023 offensive|offensive of september 2023|(?:azerbaijan's\s+)?"
                  r"(?:september\s+)?2023 (?:military\s+)?operation)", s)
    if m:
        rel, what = m.group(1), m.group(2)
        is_2023 = "2023" in what
        t = m.group(0)
        if rel in ("before", "prior to", "until"):
            return Anchor(t, None, (OFFENSIVE if is_2023 else WAR_START).replace(day=(18 if is_2023 else 26)))
        if rel == "during":
            return Anchor(t, WAR_START, date(2020, 11, 10)) if not is_2023 else Anchor(t, OFFENSIVE, None)
        return Anchor(t, OFFENSIVE if is_2023 else WAR_END, None)
    m = re.search(r"\bfor\s+(?:nearly|almost|about|around|over|more than|some|roughly)?\s*"
                  r"(\d+|a dozen|a decade|two decades|three decades|[a-z]+)\s*(years|decades)?", s)
    if m and (m.group(2) or "decade" in m.group(1)):
        n = WORDS_NUM.get(m.group(1)) or (int(m.group(1)) if m.group(1).isdigit() else None)
        if n:
            years = n * (10 if m.group(2) == "decades" else 1)
            return Anchor(m.group(0).strip(), date(when.year - years, 1, 1), None)
    m = re.search(r"\b(since|from|after)\s+((?:19|20)\d\d)\b", s)
    if m:
        y = int(m.group(2))
        return Anchor(m.group(0), date(y + (1 if m.group(1) == "after" else 0), 1, 1), None)
    m = re.search(r"\b(?:in|during|throughout)\s+((?:19|20)\d\d)\b", s)
    if m:
        y = int(m.group(1))
        return Anchor(m.group(0), date(y, 1, 1), date(y, 12, 31))
    m = re.search(r"\b(currently|today|nowadays|now|at present|these days|still|presently|at the moment)\b", s)
    if m:
        return Anchor(m.group(0), None, None, "latest")
    return Anchor(None, None, None)


def _words(sentence: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().lower().replace("’", "'")) for m in _TOKEN.finditer(sentence)]


def _cues(sentence: str, spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, str, int]], str | None, bool]:
    """Polarity cues (word index, cue, signed polarity after negation), change direction, any negation."""
    lex = lexicon()
    words = _words(sentence)
    inside = lambda w: any(s <= w[0] < e for s, e, _ in spans)  # noqa: E731
    low = [w[2] for w in words]
    out, change, negated = [], None, False
    i = 0
    while i < len(words):
        if inside(words[i]) or low[i] in STOP:
            i += 1
            continue
        if low[i] in CHANGE_UP or low[i] in CHANGE_DOWN:
            change = change or ("increase" if low[i] in CHANGE_UP else "decrease")
            if _negated(low, i):
                change = "decrease" if change == "increase" else "increase"
                negated = True
            i += 1
            continue
        hit = None
        for n in (3, 2, 1):
            phrase = " ".join(low[i:i + n])
            if len(low[i:i + n]) == n and phrase in lex:
                hit = (phrase, lex[phrase], n)
                break
        if hit:
            pol = hit[1]
            if _negated(low, i):
                pol, negated = -pol, True
            out.append((i, hit[0], pol))
            i += hit[2]
            continue
        i += 1
    return out, change, negated


def _main_polarity(sentence: str, cues: list[tuple[int, str, int]], found: list[tuple[int, int, str]]) -> int:
    """The first cue after the first actor (usually the main verb, in subject-verb-object prose); else the
    sign of all cues together."""
    if not cues:
        return 0
    first_end = found[0][1] if found else 0
    words = _words(sentence)
    after = [p for i, _, p in cues if words[i][0] >= first_end]
    if after:
        return after[0]
    total = sum(p for *_, p in cues)
    return (total > 0) - (total < 0)


def _negated(low: list[str], i: int) -> bool:
    window = low[max(0, i - 3):i]
    text = " ".join(window)
    return any(n in window for n in NEGATORS if " " not in n) or any(n in text for n in NEGATORS if " " in n) \
        or any(w.endswith("n't") for w in window)


def _hedges(sentence: str) -> list[str]:
    s = " " + re.sub(r"\s+", " ", sentence.lower()) + " "
    return [h for h in HEDGES if re.search(rf"\b{re.escape(h)}\b", s)]


def _pairs(sentence: str, found: list[tuple[int, int, str]]) -> list[tuple[str, str, bool, str | None, int]]:
    """(source, target, directed, versus, sign) pairs from the actors' order and the words between them."""
    codes = []
    for s, e, c in found:
        if not codes or codes[-1][2] != c:
            codes.append((s, e, c))
    if len({c for *_, c in codes}) < 2:
        return []
    low = sentence.lower()
    between = lambda a, b: low[a[1]:b[0]]  # noqa: E731
    first = codes[0]
    out: list = []
    rest = codes[1:]
    # "between A and B", "A and B ...", "A-B relations": a joint, undirected pair
    if re.fullmatch(r"\s*(,|and|&|-|–|/)?\s*(and)?\s*", between(codes[0], codes[1])) or \
            re.search(r"\bbetween\s*$", low[:first[0]]):
        out.append((first[2], codes[1][2], False, None, 1))
        rest = codes[2:]
        a_src = first[2]
    else:
        a_src = first[2]
    for k, c in enumerate(rest):
        if c[2] == a_src:
            continue
        prev = rest[k - 1] if k else (codes[1] if out else first)
        gap = low[max(0, c[0] - 25):c[0]]
        if re.search(r"\b(against|versus|vs\.?|over)\s+(the\s+)?$", gap):
            out.append((a_src, c[2], True, None, -1))
        elif re.search(r"(,\s*not|rather than|instead of|not|unlike)\s+(the\s+)?$", gap) and out:
            s0, t0, d0, _, sg = out[-1]
            out[-1] = (s0, t0, d0, c[2], sg)
        elif not out:
            out.append((a_src, c[2], True, None, 1))
        elif prev[2] != c[2] and re.search(r"\b(and|as well as|,)\s*$", low[prev[1]:c[0]]) and out[-1][1] == prev[2]:
            out.append((a_src, c[2], True, None, out[-1][4]))
    return out


def extract_claims(text: str, when: date | None = None, case: Any = None) -> list[dict]:
    """Candidate claims in ``text`` (see module doc); each dict has source, target, polarity, anchor, sentence,
    hedges, negated, change and a ready-to-test ``hypothesis``. No resolvable actors -> an empty list."""
    case = case or _builtin_case()
    when = when or date.today()
    claims: list[Claim] = []
    for idx, (_, sent) in enumerate(sentences(text)):
        found = _actors_in(sent, when)
        pairs = _pairs(sent, found)
        if not pairs:
            continue
        cues, change, negated = _cues(sent, found)
        score = _main_polarity(sent, cues, found)
        if score == 0 and change is None:
            continue
        base = 1 if score > 0 else -1 if score < 0 else (1 if change == "increase" else -1)
        if change and score == 0:
            polarity_sign = 1 if change == "increase" else -1
        else:
            polarity_sign = base
        anchor = _anchor(sent, when)
        for src, tgt, directed, versus, sign in pairs:
            pol = polarity_sign * sign
            c = Claim(
                id=f"E{len(claims) + 1}", source=src, target=tgt,
                polarity="cooperative" if pol > 0 else "conflictual", sentence=sent, sentence_index=idx,
                anchor=anchor, cues=[c for _, c, _ in cues], hedges=_hedges(sent), negated=negated,
                change=change if sign > 0 else None, versus=versus, directed=directed,
            )
            c.periods = _periods(case, anchor)
            c.hypothesis = _hypothesis(c, case)
            claims.append(c)
    return [c.as_dict() for c in claims]


LONG = 180  # days: shorter periods (a 45-day war) are poor baselines for before/after claims


def _periods(case: Any, a: Anchor) -> list[str]:
    """Case periods the anchor covers: most of a closed period (or a period holding most of a closed anchor),
    or a year or more of an open-ended one."""
    names = list(case.periods)
    if a.relative == "latest":
        return names[-1:]
    if a.start is None and a.end is None:
        return names
    lo, hi = a.start or date.min, a.end or date.max
    out = []
    for n, p in case.periods.items():
        ps, pe = p.start or date.min, p.end or date.max
        if ps > hi or pe < lo:
            continue
        if p.start and p.end:
            inside = (min(pe, hi) - max(ps, lo)).days + 1
            anchor_len = (hi - lo).days + 1 if a.start and a.end else None
            if inside / ((pe - ps).days + 1) >= 0.5 or (anchor_len and inside / anchor_len >= 0.5):
                out.append(n)
        elif (min(pe, hi) - max(ps, lo)).days >= 365 or (p.end is None and a.end is None):
            out.append(n)
    return out or names[-1:]


def _long(p: Any) -> bool:
    return p.start is None or p.end is None or (p.end - p.start).days >= LONG


def _hypothesis(c: Claim, case: Any) -> dict:
    sep = ">" if c.directed else "-"
    dyad = f"{c.source}{sep}{c.target}"
    und = f"{c.source}-{c.target}"
    expect = "greater" if c.polarity == "cooperative" else "less"
    if c.versus:
        return {"id": c.id, "claim": c.sentence, "kind": "compare", "x": dyad, "y": f"{c.source}{sep}{c.versus}",
                "periods": c.periods, "expect": expect}
    if c.change and c.anchor.start:
        after = next((n for n in c.periods if _long(case.periods[n])), None)
        if after and case.periods[after].start:
            start = case.periods[after].start
            earlier = [n for n, p in case.periods.items() if p.end and p.end < start]
            before = next((n for n in reversed(earlier) if _long(case.periods[n])), earlier[-1] if earlier else None)
            if before:
                # "tensions grew" (conflict cue, change up) means less cooperation; a bare change word
                # ("relations deteriorated") carries the direction by itself
                up = (c.change == "increase") == (c.polarity == "cooperative" or not c.cues)
                return {"id": c.id, "claim": c.sentence, "kind": "change", "dyad": und, "before": before,
                        "after": after, "expect": "increase" if up else "decrease"}
    return {"id": c.id, "claim": c.sentence, "kind": "compare", "x": dyad, "y": 0, "periods": c.periods,
            "expect": expect}


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """A text file as str; non-UTF-8 input is an error naming the fix (or pass an explicit encoding)."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"no file {p}; give the path of a text file to read")
    data = p.read_bytes()
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"{p} is not {encoding or 'UTF-8'} text (byte {e.start}); convert it "
                        f"(iconv -f latin1 -t utf-8) or pass --encoding latin-1") from None
    except LookupError:
        raise UserError(f"unknown encoding {encoding!r}; use a Python codec name such as latin-1") from None


def case_yaml(claims: list[dict], case: Any = None, name: str = "extracted") -> str:
    """A complete case file (YAML) holding the claims' hypotheses, with the base case's actors and periods."""
    import yaml

    case = case or _builtin_case()
    actors = dict(case.actors)
    for c in claims:
        for a in (c["source"], c["target"], c.get("versus")):
            if a and a not in actors:
                actors[a] = a
    doc = {
        "name": name, "title": f"Claims extracted by detente ({len(claims)})", "actors": actors,
        "periods": {n: {"start": p.start, "end": p.end} for n, p in case.periods.items()},
        "defaults": dict(case.defaults),
        "hypotheses": [c["hypothesis"] for c in claims],
    }
    if case.datasets:
        doc["datasets"] = list(case.datasets)
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110)


def case_from_text(text: str, when: date | None = None, case: Any = None, name: str = "extracted"):
    """The claims in ``text`` as a validated Case (the base case's actors and periods), ready for evaluate()."""
    from detente.claims import loads_case

    claims = extract_claims(text, when=when, case=case)
    return loads_case(case_yaml(claims, case, name), f"<claims extracted from text: {name}>")
