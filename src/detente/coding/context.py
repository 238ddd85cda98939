"""Context for actors named without a country ('the rebels', 'the government', 'parliament').

CAMEO codes such an actor with the country the text places it in (Schrodt 2012, CAMEO codebook v1.1b3,
actor codes: a role code follows the country code, ``---`` when the country is unknown). We take the
country, in this order, from

1. the document's context: its dateline ('BAKU, March 3 -'), else the country of the previous
   sentences' sources when they agree (document mode, ``coding.code_article``) — a YEREVAN story's
   "the government" is Armenia's even when the shelling it condemns was "in Nakhchivan";
2. a place named in the sentence after a locative preposition ('... protested *in Baku*': AZE);
3. the only country the sentence names ('Syrian government forces were attacked by rebels': SYR).

Without any of these the agent stays uncoded (no ``---REB`` events: they cannot enter a country dyad).

Internal: the coder fills actors' countries from the sentence with these
(:class:`detente.coding.coder.Coder`); not part of the Python API.
"""

from __future__ import annotations

from detente.coding.parse import ActorRef, Chunk, Mention

__all__: list[str] = []

LOCATIVE = {"IN", "NEAR", "AT", "THROUGH", "OUTSIDE", "INSIDE", "AROUND", "ACROSS", "ALONG", "OVER"}
NON_STATE = ("IGO", "NGO", "NGM", "IMG", "MNC", "UAF", "REB", "INT", "UNO", "EU", "NATO", "OSCE", "CSTO",
             "IAEA", "NKR")
_LINK = {"OF", "FROM", "IN"}


def country_of(code: str) -> str | None:
    """The country part of an actor code, None for non-state codes.

    >>> country_of("ARMGOV"), country_of("IGOUNO"), country_of("NATO")
    ('ARM', None, None)
    """
    if len(code) < 3 or not code[:3].isalpha() or code.startswith(NON_STATE):
        return None
    return code[:3]


def sentence_country(words: list[str], mentions: list[Mention], context: str | None) -> str | None:
    """The country for null-country actors of one sentence (rules 1-3 of the module docstring)."""
    if context:
        return context
    countries: list[str] = []
    for m in mentions:
        if m.kind != "actor":
            continue
        ref = m.value
        assert isinstance(ref, ActorRef)
        c = ref.country if ref.actor is not None else country_of(ref.code)
        if c is None:
            continue
        if m.start > 0 and words[m.start - 1] in LOCATIVE:
            return c
        countries.append(c)
    if len(set(countries)) == 1:
        return countries[0]
    return None


# nouns that stand for the group the agent word before them names ('rebel positions', 'army units')
HEADS = {"POSITIONS", "POSITION", "BASES", "BASE", "HEADQUARTERS", "STRONGHOLD", "STRONGHOLDS", "CAMP", "CAMPS",
         "UNITS", "UNIT", "FIGHTERS", "CONVOY", "POSTS", "POST", "LEADERS", "LEADER", "SUPPORTERS", "MEMBERS",
         "PARTY", "PARTIES", "GROUP", "GROUPS", "MOVEMENT", "COALITION", "ALLIANCE", "BLOC", "FACTION"}


def fill_null_actors(words: list[str], chs: list[Chunk], country: str, agent_words: set[str],
                     capitals: set[int] | frozenset[int] = frozenset()) -> int:
    """Give agent-only chunks ('the rebels') the context country; returns how many were filled.

    ``agent_words``: tokens that end an agent mention. ``capitals``: indices of tokens written with a capital
    letter; a title followed by capitalised words only ('President Ana Lima', 'Judge Ole Berg') is that
    person, an actor with the title's role. A chunk followed by 'of/from/in <actor>' is left alone: ``groups``
    gives it that actor's country ('the ambassador of Iran')."""
    n = 0
    for k, c in enumerate(chs):
        if c.actors or not c.agent_only:
            continue
        if k + 1 < len(chs) and chs[k + 1].actors:
            link = words[c.end: chs[k + 1].start]
            if link and link[0] in _LINK and len(link) <= 2:
                continue
        suffix = [a for a in c.agent_only if not getattr(a, "prefix", False) and getattr(a, "code", "")]
        if not suffix:
            continue
        head = words[c.end - 1]
        owner = any(words[i] == "'S" and words[i - 1] in agent_words for i in range(c.start + 1, c.end + 1)
                    if i < len(words))  # "the opposition's demand": the opposition is an actor
        if head not in agent_words and head not in HEADS and not owner and not _titled(words, c, agent_words, capitals):
            continue  # 'military aid', 'police reform': the agent word only modifies another noun
        role = suffix[0].code
        code = country + role
        c.actors = [ActorRef(code, c.start, c.end, country, country, role[:3])]
        n += 1
    return n


def _titled(words: list[str], c: Chunk, agent_words: set[str], capitals: set[int] | frozenset[int]) -> bool:
    """'President Ana Lima': the chunk's last agent word is followed by one to four capitalised name words."""
    last = max((i for i in range(c.start, c.end) if words[i] in agent_words), default=None)
    if last is None or not capitals or not 1 <= c.end - 1 - last <= 4:
        return False
    return all(i in capitals and words[i].isalpha() for i in range(last + 1, c.end))
