"""Derive detente's compact polarity lexicon from the PETRARCH2 CAMEO verb dictionary.

Usage: python scripts/build_polarity_lexicon.py [VERBPATTERNS] [OUT]
(defaults: ../shared/data/event-coding/CAMEO.verbpatterns.150430.txt -> src/detente/data/polarity.tsv)

Every verb line in the dictionary's VERB PATTERNS section carries a CAMEO code (its own ``[code]`` or its
block's default). We keep the verb's written forms (base, the listed irregular forms, or generated regular
forms) and map its code's root to a polarity: roots 03-08 cooperative (+1), 10-20 conflictual (-1); roots 01,
02 and 09 (statements, appeals, investigations) are neutral and dropped. A form seen with both polarities keeps
the majority; ties are dropped. A short supplement of analysts' nouns and adjectives (ours, marked
``supplement``) is appended, since analyst prose says "partner" and "threat" more often than verbs.
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_IN = ROOT.parent / "shared" / "data" / "event-coding" / "CAMEO.verbpatterns.150430.txt"
DEFAULT_OUT = ROOT / "src" / "detente" / "data" / "polarity.tsv"

# Our own analyst vocabulary (not from CAMEO): word -> (polarity, weight).
SUPPLEMENT = {
    "partner": (1, 3.0), "partners": (1, 3.0), "partnership": (1, 3.0), "strategic partner": (1, 4.0),
    "ally": (1, 4.0), "allies": (1, 4.0), "alliance": (1, 4.0), "allied": (1, 4.0),
    "friendly": (1, 2.0), "friendship": (1, 2.0), "good-neighbourly": (1, 2.0), "good-neighborly": (1, 2.0),
    "cooperation": (1, 3.0), "cooperative": (1, 3.0), "ties": (1, 1.0), "rapprochement": (1, 3.0),
    "lifeline": (1, 3.0), "solidarity": (1, 3.0), "close": (1, 1.0), "closer": (1, 1.0), "warm": (1, 2.0),
    "hostile": (-1, -5.0), "hostility": (-1, -5.0), "rival": (-1, -3.0), "rivalry": (-1, -3.0),
    "rivals": (-1, -3.0), "tension": (-1, -3.0), "tensions": (-1, -3.0), "threat": (-1, -4.0),
    "threats": (-1, -4.0), "enemy": (-1, -6.0), "enemies": (-1, -6.0), "adversary": (-1, -5.0),
    "destabilise": (-1, -5.0), "destabilize": (-1, -5.0), "destabilising": (-1, -5.0),
    "destabilizing": (-1, -5.0), "destabilised": (-1, -5.0), "destabilized": (-1, -5.0),
    "confrontation": (-1, -5.0), "conflict": (-1, -5.0), "hostilities": (-1, -7.0), "dispute": (-1, -3.0),
    "frosty": (-1, -2.0), "strained": (-1, -3.0), "sour": (-1, -2.0),
    "clash": (-1, -7.0), "clashes": (-1, -7.0), "backing": (1, 3.5), "threatens": (-1, -4.4),
    "rely": (1, 2.0), "relies": (1, 2.0), "relied": (1, 2.0), "relying": (1, 2.0), "reliance": (1, 2.0),
    "depend": (1, 2.0), "depends": (1, 2.0), "depended": (1, 2.0), "dependence": (1, 2.0),
    "sell": (1, 6.0), "sells": (1, 6.0), "sold": (1, 6.0), "selling": (1, 6.0), "talks": (1, 1.0),
    "sanction": (-1, -4.0), "sanctions": (-1, -4.0), "sanctioned": (-1, -4.0),
    "abandon": (-1, -4.0), "abandoned": (-1, -4.0), "abandoning": (-1, -4.0), "betray": (-1, -5.0),
    "betrayed": (-1, -5.0), "normalise": (1, 4.0), "normalize": (1, 4.0), "normalising": (1, 4.0),
    "normalizing": (1, 4.0), "normalisation": (1, 4.0), "normalization": (1, 4.0), "provocation": (-1, -4.0),
    "mediating": (1, 3.0), "mediate": (1, 3.0), "mediated": (1, 3.0),
}


def _forms(pol: int, weight: float, *words: str) -> dict[str, tuple[int, float]]:
    return {w: (pol, weight) for w in words}


# Analysts' words of worry, threat, accusation, occupation, liberation and turning away (conflictual), and of
# restored or granted ties (cooperative): the relation they name, whatever the tone of the sentence. Ours.
ANALYST = {
    **_forms(-1, -2.0, "worried", "worry", "worries", "worrying", "apprehensive", "apprehension", "concerned",
             "alarmed", "alarm", "wary", "fear", "fears", "feared", "fearing", "suspicion", "suspicious",
             "distrust", "distrusts", "distrusted", "mistrust", "mistrusts", "uneasy", "unease", "anxious",
             "anxiety", "bitter", "resentful", "resentment", "hostile to", "nervous", "uneasiness"),
    **_forms(-1, -6.0, "occupation", "occupy", "occupies", "occupied", "occupying", "liberate", "liberates",
             "liberated", "liberating", "liberation", "invasion", "invade", "invades", "invaded", "invading",
             "annexation", "annex", "annexed", "annexing"),
    **_forms(-1, -3.0, "turned away", "turning away", "turns away", "turn away", "objections", "objection",
             "objected", "summoned", "summon", "summons", "summoning", "interfering", "interfere",
             "interference", "interfered", "froze", "freeze", "freezes", "frozen", "severed", "sever",
             "recalled", "recall", "rejected", "reject", "rejects", "rejecting", "downgraded", "downgrade",
             "drills", "opposite sides", "collided", "plotting", "fuelling", "fueling", "protested", "protest",
             "protests", "retaliation", "blocked", "delayed", "suspended", "confront", "confronting",
             "confronted", "challenge", "strategic challenge", "counterweight", "grievance", "quarrels",
             "accusations", "expelled", "banned", "water cannon", "shot down", "at odds", "closed its border",
             "closed the border", "closes its border", "closed its airspace", "closed its embassy",
             "closed the embassy", "cut ties", "cut off", "broke off", "compete", "competes", "competed",
             "competing", "compete for", "vie", "vied", "vying", "pressure", "pressured", "pressures",
             "pressuring", "coerce", "coerced", "coercion", "intimidate", "intimidation"),
    **_forms(1, 3.0, "restore", "restored", "restores", "restoring", "resume", "resumed", "resumes",
             "resuming", "signed", "sign", "signs", "agreement", "pact", "treaty", "ceasefire", "truce", "peace",
             "accession", "joined", "join", "allowed", "allow", "opened", "sent", "sympathetic", "friend",
             "friends", "backer", "backers", "welcome", "welcomed", "outreach", "alongside", "loan", "aid",
             "hub", "business", "hosts", "channel", "visit", "visited", "envoys", "purchases", "arms sales",
             "supplied", "shipped", "established", "appointed", "normalised", "normalized", "defend", "defends",
             "defended", "defending", "protect", "protects", "protected", "together with", "side by side",
             "turned to", "turns to", "turning to", "turn to", "joint exercises", "joint exercise", "joint drills",
             "joint patrols", "joint patrol", "joint military exercises", "stand with", "stands with", "stood with",
             "standing with", "stand by", "stands by", "stood by", "standing by"),
    # everyday words CAMEO gives a narrow sense that analyst prose rarely means: neutral here (0 = no cue)
    **_forms(0, 0.0, "revoked", "regards", "regarded", "regard", "see", "sees", "saw", "treated", "treats",
             "view", "views", "viewed", "considers", "considered", "relations", "watched", "kept", "held",
             "hold", "seek", "sought", "spoke", "point", "find", "said", "says", "described", "expanded",
             "presence", "status", "hosted", "offered", "guard", "talk"),
}
SUPPLEMENT = {**SUPPLEMENT, **ANALYST}

# Everyday verbs whose CAMEO sense is narrow ("hold" = detain, "send" = expel, "take" = seize): in analysts'
# prose they rarely carry that sense, so they are left out.
GENERIC = {
    "ACCORD", "ADD", "ALLOW", "CALL", "CARRY", "CATCH", "CLAIM", "CLOSE", "COME", "CONSIDER", "FACE", "GO", "HEAR",
    "HOLD", "INCLUDE", "LEAD", "LEARN", "LEAVE", "MEAN", "NEED", "PASS", "PULL", "SEND", "TAKE", "THINK",
    "TRANSPORT", "UNDERSTAND", "WANT", "GET", "GIVE", "KEEP", "MAKE", "PUT", "SET", "TURN", "RUN", "MOVE", "SEE",
    "LOOK", "FIND", "SHOW", "HOST", "RAISE", "DRAW", "PLAY", "REACH", "STAND", "SIT", "SEEK", "TALK_ABOUT",
}
NEUTRAL_ROOTS = {1, 2, 9}
BLOCK = re.compile(r"^---\s*(\S+)\s*\[([^\]]*)\]\s*---")
VERB = re.compile(r"^([+A-Z][A-Z_\-']*)\s*(\{[^}]*\})?\s*(\[[^\]]*\])?")


def _code(text: str | None) -> str | None:
    """CAMEO code of '[0110]' or '[040:040]'; None for '[---]' or no code."""
    if not text:
        return None
    m = re.match(r"\[?\s*(\d{2,4})", text)
    return m.group(1) if m else None


def _regular_forms(base: str) -> list[str]:
    if base.endswith("E"):
        return [base, base + "S", base + "D", base[:-1] + "ING"]
    if base.endswith(("S", "SH", "CH", "X", "Z")):
        return [base, base + "ES", base + "ED", base + "ING"]
    if base.endswith("Y") and len(base) > 2 and base[-2] not in "AEIOU":
        return [base, base[:-1] + "IES", base[:-1] + "IED", base + "ING"]
    return [base, base + "S", base + "ED", base + "ING"]


def parse(path: Path) -> dict[str, Counter]:
    """form -> Counter of CAMEO codes seen for it."""
    seen: dict[str, Counter] = defaultdict(Counter)
    in_verbs = False
    default: int | None = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if raw.startswith("####### VERB PATTERNS"):
            in_verbs = True
            continue
        if not in_verbs or not line.strip():
            continue
        b = BLOCK.match(line)
        if b:
            default = _code(b.group(2))
            continue
        if line.startswith(("-", "&")):
            continue
        m = VERB.match(line.strip())
        if not m:
            continue
        word, irregular, own = m.group(1), m.group(2), m.group(3)
        code = _code(own) if own else default
        if code is None:
            continue
        multi = word.startswith("+")
        base = word.lstrip("+")
        if base.split("_")[0] in GENERIC:
            continue
        if irregular:
            forms = [base] + [f.strip() for f in irregular.strip("{}").split() if f.strip()]
        elif multi or "_" in base:
            head, _, rest = base.partition("_")
            forms = [f + ("_" + rest if rest else "") for f in _regular_forms(head)]
        else:
            forms = _regular_forms(base)
        for f in forms:
            form = f.replace("_", " ").replace("+", "").lower()  # "+" marks a multi-word head, not a letter
            seen[form][code] += 1
            if "iz" in form:  # British spellings: criticise, normalising
                seen[form.replace("iz", "is")][code] += 1
    return seen


def build(path: Path) -> list[tuple[str, int, float, str]]:
    from detente import cameo

    rows = []
    for form, codes in sorted(parse(path).items()):
        pol: Counter = Counter()
        for code, n in codes.items():
            root = int(code[:2])
            if root in NEUTRAL_ROOTS or not 1 <= root <= 20:
                continue
            pol[1 if root <= 8 else -1] += n
        if not pol or (pol[1] == pol[-1]):
            continue
        p = 1 if pol[1] > pol[-1] else -1
        main = max((c for c in codes if (int(c[:2]) <= 8) == (p == 1) and int(c[:2]) not in NEUTRAL_ROOTS),
                   key=lambda c: (codes[c], c))
        g = _goldstein(cameo, main)
        rows.append((form, p, g, f"cameo:{main}"))
    rows += [(w, p, g, "supplement") for w, (p, g) in sorted(SUPPLEMENT.items())]
    # one row per form: the supplement wins over CAMEO for the words in both (polarity 0 = not a cue)
    out: dict[str, tuple] = {}
    for r in rows:
        out[r[0]] = r
    return sorted(out.values())


def _goldstein(cameo_mod, code: str) -> float:
    """GDELT Goldstein of the code, else of its 3-digit parent, else of its root."""
    for c in (code, code[:3], code[:2]):
        try:
            return float(cameo_mod.goldstein(c))
        except (KeyError, ValueError):
            continue
    return 0.0


def main(argv: list[str]) -> None:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_IN
    dst = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    rows = build(src)
    lines = ["form\tpolarity\tgoldstein\torigin"] + [f"{f}\t{p}\t{g:g}\t{o}" for f, p, g, o in rows]
    dst.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{dst}: {len(rows)} forms ({sum(r[1] > 0 for r in rows)} cooperative, {sum(r[1] < 0 for r in rows)} conflictual)")


if __name__ == "__main__":
    main(sys.argv)
