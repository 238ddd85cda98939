"""Reader for the TABARI/PETRARCH verb-pattern dictionary (CAMEO.verbpatterns, PETR.Validate.verbs).

Grammar we accept (our reading of the published format):

    &SYNSET            a synonym set; following ``+phrase`` lines are its members (may embed &OTHER)
    --- NAME [code] --- a verb block with its default code ('---' = codes nothing by default)
    VERB {FORMS} [code] a verb of the block, its irregular forms and an optional own code;
                        ``+`` marks the verb word of a multi-word verb (``WIRE_+TAP``, ``+CLEAR_UP``)
    - pre * post [code] a pattern: words before and after the verb (``*``); ``$`` source slot,
                        ``+`` target slot, ``%`` compound actor, ``^`` skip; ``_`` joins adjacent items;
                        ``[a:b]`` codes a source->target and b target->source

Internal: the verb dictionary reader, used by :func:`detente.coding.load`; not part of the Python API.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from detente.coding.dictionaries import read_lines
from detente.errors import UserError

__all__: list[str] = []

SLOTS = {"$": "src", "+": "tgt", "%": "cmp", "^": "skip"}
_FUNCTION_WORDS = {"A", "AN", "THE", "IN", "ON", "AT", "TO", "OF", "BY", "FOR", "AS", "IS", "BE", "WAS", "HE", "IT"}


@dataclass(frozen=True)
class Elem:
    kind: str  # word | syn | src | tgt | cmp | skip
    value: str = ""
    exact: bool = True
    adjacent: bool = False  # must touch the previous element (the verb side for the first one)


@dataclass(frozen=True)
class Pattern:
    pre: tuple[Elem, ...]  # nearest the verb first
    post: tuple[Elem, ...]
    code: str | None  # None = '---': matches and codes nothing
    reverse_code: str | None
    line: int
    weight: int  # literal words: more specific patterns win
    # the verbs of its block the pattern was written for (its comment: '# WITHHOLD <jw 9/30/91>'); empty = all
    origin: frozenset[str] = frozenset()


@dataclass
class VerbBlock:
    name: str
    code: str | None
    patterns: list[Pattern] = field(default_factory=list)


@dataclass(frozen=True)
class VerbForm:
    words: tuple[str, ...]
    block: VerbBlock
    code: str | None  # the verb's own code (else the block's)
    base: str


@dataclass
class VerbDict:
    forms: dict[str, list[VerbForm]]  # first word -> forms, longest first
    synsets: dict[str, list[tuple[tuple[str, ...], bool]]]
    blocks: list[VerbBlock]
    patterns: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def inflect(word: str) -> set[str]:
    """Regular forms of an English verb (base, -s, -ed, -ing), allowing a doubled last consonant."""
    w = word.upper()
    out = {w}
    if len(w) < 2:
        return out
    vowels = "AEIOU"
    if w.endswith("E"):
        out |= {w + "S", w + "D", w[:-1] + "ING"}
    elif w.endswith("Y") and w[-2] not in vowels:
        out |= {w[:-1] + "IES", w[:-1] + "IED", w + "ING"}
    else:
        out |= {w + ("ES" if w.endswith(("S", "SH", "CH", "X", "Z", "O")) else "S"), w + "ED", w + "ING"}
        if w[-1] not in vowels + "WXY" and w[-2] in vowels and len(w) >= 3 and w[-3] not in vowels:
            out |= {w + w[-1] + "ED", w + w[-1] + "ING"}
    return out


def _split_words(text: str) -> list[str]:
    return [w for w in re.split(r"[_\s]+", text.upper()) if w]


def _code(spec: str) -> tuple[str | None, str | None]:
    spec = spec.strip()
    a, _, b = spec.partition(":")
    a, b = a.strip(), b.strip()
    return (None if not a or a == "---" else a), (None if not b or b == "---" else b)


def _pattern(body: str, code: str, line: int) -> Pattern | None:
    toks = body.split()
    if "*" not in "".join(toks):
        return None
    pre: list[Elem] = []
    post: list[Elem] = []
    side = pre
    for tok in toks:
        parts = tok.split("_")
        for k, part in enumerate(parts):
            if part == "":
                continue
            followed = k < len(parts) - 1  # an underscore follows this part
            adjacent = k > 0 and parts[k - 1] != ""
            if part == "*":
                side = post
                if adjacent and pre:  # 'IN_*': the last pre element touches the verb
                    last = pre[-1]
                    pre[-1] = Elem(last.kind, last.value, last.exact, True)
                continue
            if side is post and not post and k > 0 and parts[k - 1] == "*":
                adjacent = True
            if part in SLOTS:
                e = Elem(SLOTS[part], adjacent=adjacent)
            elif part.startswith("&"):
                e = Elem("syn", part[1:].upper(), adjacent=adjacent)
            else:
                w = part.upper()
                exact = followed or len(w) <= 3 or w in _FUNCTION_WORDS
                e = Elem("word", w, exact, adjacent)
            side.append(e)
    # pre elements: store nearest-the-verb first; 'adjacent' then means touching the element nearer
    # the verb, which is the next one in source order
    rev: list[Elem] = []
    for k in range(len(pre) - 1, -1, -1):
        e = pre[k]
        touch = pre[k + 1].adjacent if k + 1 < len(pre) else e.adjacent
        rev.append(Elem(e.kind, e.value, e.exact, touch))
    a, b = _code(code)
    weight = sum(1 for e in pre + post if e.kind in ("word", "syn"))
    return Pattern(tuple(rev), tuple(post), a, b, line, weight)


def _verb_line(line: str) -> tuple[tuple[str, ...], int, list[tuple[str, ...]], str | None] | None:
    """(words, index of the verb word, explicit forms, own code) of a verb line."""
    code = None
    m = re.search(r"\[([^\]]*)\]", line)
    if m:
        code = m.group(1)
        line = line[: m.start()] + line[m.end():]
    forms: list[tuple[str, ...]] = []
    f = re.search(r"\{([^}]*)\}", line)
    if f:
        forms = [tuple(_split_words(x.replace("+", ""))) for x in f.group(1).split()]
        line = line[: f.start()] + line[f.end():]
    head = line.strip()
    if not head:
        return None
    if head.startswith("+"):
        head = "+" + head[1:] if "_" in head else head[1:]
    raw = [w for w in re.split(r"[_\s]+", head.upper()) if w]
    verb_at = next((i for i, w in enumerate(raw) if w.startswith("+")), 0)
    words = tuple(w.lstrip("+") for w in raw)
    if not words or not all(words):
        return None
    return words, verb_at, [x for x in forms if x], code


def read_verbs(path: Path | Iterable[Path]) -> VerbDict:
    paths = [path] if isinstance(path, Path) else list(path)
    synsets: dict[str, list[str]] = {}
    blocks: list[VerbBlock] = []
    raw_forms: list[tuple[tuple[str, ...], int, list[tuple[str, ...]], str | None, VerbBlock]] = []
    skipped: list[tuple[int, str]] = []
    npat = 0
    for p in paths:
        syn: str | None = None
        block: VerbBlock | None = None
        lines = list(read_lines(p))
        # TABARI's format: no '--- NAME ---' block headers; every verb line starts its own block
        tabari = not any(re.match(r"^\s*-{3}\s*[^\s\[-]", raw) for _, raw in lines)
        blocks_before, forms_before = len(blocks), len(raw_forms)
        for n, raw in lines:
            # '#' comments, and TABARI's ';' ones, which the 2015 PETRARCH file has too ('OVERTHROW {...};oy 29
            # Nov 2005', 'SCRAP {...};shan': read as words they made a multi-word verb no sentence has)
            line = re.sub(r"[#;].*$", "", raw).rstrip()
            s = line.strip()
            if not s:
                syn = None
                continue
            if s.startswith("&"):
                syn = s.split()[0][1:].rstrip("_").upper()
                synsets.setdefault(syn, [])
                block = None
                continue
            if syn is not None and s.startswith("+"):
                synsets[syn].append(s[1:].strip())
                continue
            syn = None
            hdr = re.match(r"^-{3}\s*([^\s\[]+)\s*(?:\[([^\]]*)\])?", s)
            if hdr:
                block = VerbBlock(hdr.group(1).rstrip("_"), _code(hdr.group(2) or "---")[0])
                blocks.append(block)
                continue
            if block is None and not (tabari and not s.startswith("-")):
                continue
            if s.startswith("-"):
                if block is None:
                    skipped.append((n, f"pattern before any verb: {s[:60]}"))
                    continue
                m = re.match(r"^-\s*(.*?)\s*\[([^\]]*)\]\s*$", s)
                pat = _pattern(m.group(1), m.group(2), n) if m else None
                if pat is None:
                    skipped.append((n, f"pattern without '*' or [code]: {s[:60]}"))
                    continue
                if "#" in raw:
                    note = re.sub(r"<[^>]*>", " ", raw.split("#", 1)[1])
                    pat = replace(pat, origin=frozenset(re.findall(r"\b[A-Z][A-Z_-]+[A-Z]\b", note)))
                block.patterns.append(pat)
                npat += 1
                continue
            v = _verb_line(s)
            if v is None:
                skipped.append((n, f"unreadable verb line: {s[:60]}"))
                continue
            if tabari:
                block = VerbBlock(v[0][v[1]], _code(v[3])[0] if v[3] is not None else None)
                blocks.append(block)
            raw_forms.append((*v, block))
        if len(blocks) == blocks_before or len(raw_forms) == forms_before:
            raise UserError(
                f"{p}: no verbs read ({len(blocks) - blocks_before} blocks, {len(raw_forms) - forms_before} verb "
                "forms); expected a PETRARCH verb dictionary ('--- NAME [code] ---' blocks of 'VERB' lines and "
                "'- pattern [code]' lines) or a TABARI one ('VERB [code]' lines, each followed by its patterns)")
    expanded = {k: _expand(k, synsets, set()) for k in synsets}
    forms: dict[str, list[VerbForm]] = defaultdict(list)
    seen: set[tuple[tuple[str, ...], int]] = set()
    for words, at, explicit, code, block in raw_forms:
        own = _code(code)[0] if code is not None else block.code
        variants = {words[:at] + (f,) + words[at + 1:] for f in inflect(words[at])}
        variants |= set(explicit)
        for w in variants:
            key = (w, id(block))
            if key in seen:
                continue
            seen.add(key)
            forms[w[0]].append(VerbForm(w, block, own, words[at]))
    for v in forms.values():
        v.sort(key=lambda f: -len(f.words))
    _resolve_origins(forms, blocks)
    return VerbDict(dict(forms), expanded, blocks, npat, skipped)


def read_irregular(path: Path) -> dict[str, tuple[str, ...]]:
    """An irregular-verb table ('BASE PAST PARTICIPLE' lines, '#' comments): base -> its irregular forms."""
    table: dict[str, tuple[str, ...]] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 3 or not all(w.isalpha() for w in words):
            raise UserError(f"{path.name} line {n}: {raw.strip()[:60]!r}; each line wants 'BASE PAST PARTICIPLE'")
        base = words[0].upper()
        if base in table:  # a second line would silently replace the first one's forms
            raise UserError(f"{path.name} line {n}: {raw.strip()[:60]!r}; {base} has a line already (one line a BASE)")
        table[base] = tuple(dict.fromkeys(w.upper() for w in words[1:]))
    return table


def with_irregular(verbs: VerbDict, table: dict[str, tuple[str, ...]]) -> VerbDict:
    """``verbs`` with the irregular forms of ``table`` added to every verb entry whose verb word is a base of it
    ('SHAKE_UP' -> 'SHOOK UP', 'STEAL' -> 'STOLEN'), beside the forms the entry lists itself; the new forms
    take the entry's block and code."""
    forms = {w: list(fs) for w, fs in verbs.forms.items()}
    have = {(f.words, id(f.block)) for fs in forms.values() for f in fs}
    for fs in list(verbs.forms.values()):
        for f in fs:
            if f.base not in table or f.base not in f.words:
                continue
            at = f.words.index(f.base)
            for irr in table[f.base]:
                words = f.words[:at] + (irr,) + f.words[at + 1:]
                if (words, id(f.block)) in have:
                    continue
                have.add((words, id(f.block)))
                forms.setdefault(words[0], []).append(VerbForm(words, f.block, f.code, f.base))
    for v in forms.values():
        v.sort(key=lambda f: -len(f.words))
    return replace(verbs, forms=forms)


def _resolve_origins(forms: dict[str, list[VerbForm]], blocks: list[VerbBlock]) -> None:
    """A pattern's comment names the verbs it was found with ('# WITHHOLD', '# RULED_OUT'): keep it to those
    verbs of its block (by base form), so 'DETAIN ... SUPPORTERS' does not take WITHHOLD's '* SUPPORT [162]'.
    A comment that names no verb of the block leaves the pattern to the whole block, as before."""
    names: dict[int, dict[str, str]] = defaultdict(dict)  # id(block) -> written form -> base
    for fs in forms.values():
        for f in fs:
            d = names[id(f.block)]
            d.setdefault("_".join(f.words), f.base)
            d.setdefault(f.base, f.base)
    for b in blocks:
        d = names.get(id(b))
        if not d:
            continue
        b.patterns = [replace(p, origin=frozenset(d[w] for w in p.origin if w in d)) if p.origin else p
                      for p in b.patterns]


def _expand(name: str, synsets: dict[str, list[str]], stack: set[str]) -> list[tuple[tuple[str, ...], bool]]:
    """Members of a synset as (words, last word is a stem), embedded synsets expanded."""
    out: list[tuple[tuple[str, ...], bool]] = []
    if name in stack:
        return out
    stack = stack | {name}
    for member in synsets.get(name, []):
        m = member.strip()
        stem = not m.endswith("_")
        words = _split_words(m)
        parts: list[tuple[tuple[str, ...], bool]] = [((), stem)]
        for w in words:
            if w.startswith("&"):
                subs = _expand(w[1:].rstrip("_"), synsets, stack) or [((), stem)]
                parts = [(p + s, st) for p, _ in parts for s, st in subs]
            else:
                parts = [(p + (w,), stem) for p, _ in parts]
        for p, st in parts:
            if p:
                out.append((p, st and len(p[-1]) > 3 and p[-1] not in _FUNCTION_WORDS))
    out.sort(key=lambda t: -len(t[0]))
    return out
