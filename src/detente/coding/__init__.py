"""Event coding: news sentences -> CAMEO/PLOVER events, dictionary- and pattern-based (TABARI tradition).

``code_sentence(text, when)`` codes one sentence; ``code_lines``/``code_file`` code a text file (one
sentence or paragraph a line) or JSONL of ``{id, date, text, url}`` and count what could not be
coded. Actors come from ``detente.actors`` (current leaders, de facto entities such as NKR) first,
then the Phoenix actor/agent dictionaries; verbs from the CAMEO verb-pattern dictionary. All
dictionaries ship gzip-compressed in ``detente/data/coding``. Method and limits: docs/coding.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from detente.coding.coder import MAX_TOKENS, Coded, Coder, Event
from detente.coding.dictionaries import read_actors, read_agents, read_discards
from detente.coding.parse import ActorRef
from detente.coding.verbs import VerbDict, read_irregular, read_verbs, with_irregular

DATA = Path(__file__).resolve().parent.parent / "data" / "coding"
PHOENIX_ACTORS = ("Phoenix.Countries.actors.txt.gz", "Phoenix.International.actors.txt.gz",
                  "Phoenix.MilNonState.actors.txt.gz")
VERBS = "CAMEO.verbpatterns.150430.txt.gz"
IRREGULAR = "detente.irregular.txt"  # English irregular verb forms, added to every dictionary entry (ours)
VERB_CODES = "detente.verbcodes.txt"  # detente's default codes for verbs the 2015 dictionary leaves uncoded
MAX_LINE_CHARS = 20_000  # longer input lines are cut here, and the cut is counted
NON_STATE = ("IGO", "NGO", "NGM", "IMG", "MNC", "UAF", "REB", "INT")

__all__ = ["Coder", "Coded", "Event", "load", "validation_coder", "code_sentence", "code_lines", "code_file",
           "code_article", "read_article", "Article",
           "split_sentences", "with_statements", "event_rows", "CodeSummary", "MAX_TOKENS", "MAX_LINE_CHARS"]


def _external_actors():
    """``detente.actors.match_in_text`` adapted to the coder, or None when its dictionary cannot be read."""
    from detente.actors import match_in_text as match

    try:
        match("Armenia", None)
    except Exception as e:  # a broken actor dictionary must not stop coding: fall back, and say so
        import warnings

        warnings.warn(f"detente.actors unusable ({str(e).splitlines()[0][:160]}); coding with the Phoenix "
                      "dictionaries only", stacklevel=2)
        return None

    def find(text: str, when: date | None) -> list[tuple[int, int, ActorRef]]:
        out = []
        for s, e, a in match(text, when):
            code = a.code + a.sector if a.sector and len(a.code) == 3 and a.code.isalpha() else a.code
            out.append((s, e, ActorRef(code, 0, 0, a.code, a.country, a.sector)))
        return out

    return find


def with_verb_codes(verbs: VerbDict, path: Path) -> VerbDict:
    """``verbs`` with the default codes of ``path`` ('VERB [code]' lines): they replace the verb's own code (the
    code used when no pattern of its block matches); patterns keep theirs."""
    import dataclasses

    table: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Z_]+)\s*\[(\d{2,4})\]", line)
        if m is None:
            raise ValueError(f"{path.name} line {n}: {raw.strip()[:60]!r}; each line wants 'VERB [code]'")
        table[m.group(1)] = m.group(2)
    if not table:
        raise ValueError(f"{path.name}: no 'VERB [code]' lines")
    forms = {w: [dataclasses.replace(f, code=table[f.base]) if f.base in table else f for f in fs]
             for w, fs in verbs.forms.items()}
    return dataclasses.replace(verbs, forms=forms)


def with_statements(coder: Coder) -> Coder:
    """A copy of ``coder`` that also codes 'X said Y ...' as X's statement about Y (kind 'statement').

    Parameters
    ----------
    coder : Coder
        E.g. :func:`load`; it is not changed.

    Returns
    -------
    Coder

    Examples
    --------
    >>> text = "Armenia said Russia sold weapons to Azerbaijan."
    >>> c = with_statements(load())
    >>> [(r["source_actor"], r["target_actor"], r["cameo_code"], r["kind"]) for r in code_sentence(text, coder=c)]
    [('ARM', 'RUS', '010', 'statement'), ('RUS', 'AZE', '061', 'main')]
    >>> [(r["source_actor"], r["target_actor"], r["cameo_code"], r["kind"]) for r in code_sentence(text)]
    [('RUS', 'AZE', '061', 'main')]
    >>> load().statements, c.statements
    (False, True)
    """
    import copy

    c = copy.copy(coder)
    c.statements = True
    return c


@cache
def load(statements: bool = False) -> Coder:
    """The production coder: detente.actors + Phoenix dictionaries + CAMEO verb patterns (cached).

    Parameters
    ----------
    statements : bool
        Also code 'X said Y ...' as X's statement (see :func:`with_statements`).

    Returns
    -------
    Coder
        ``code(text, when)`` gives a :class:`Coded` (tokens, events, status).

    Examples
    --------
    >>> res = load().code("Armenia accused Azerbaijan of shelling border villages.")
    >>> res.status, [(e.source.code, e.target.code, e.code) for e in res.events]
    ('coded', [('ARM', 'AZE', '1123')])
    """
    actors = read_actors([DATA / f for f in PHOENIX_ACTORS])
    verbs = with_verb_codes(with_irregular(read_verbs(DATA / VERBS), read_irregular(DATA / IRREGULAR)),
                            DATA / VERB_CODES)
    return Coder(verbs, actors.index, read_agents([DATA / "Phoenix.agents.txt.gz", DATA / "detente.agents.txt"]),
                 read_discards([DATA / "Phoenix.discards.txt.gz"]), external=_external_actors(),
                 statements=statements)


def validation_coder(folder: Path) -> Coder:
    """The coder the PETRARCH unit tests were written for (PETR.Validate.* dictionaries in ``folder``; like
    PETRARCH it codes 'X will give' as the giving itself, not as an intent).

    Parameters
    ----------
    folder : Path
        Holds ``PETR.Validate.actors.txt``, ``.verbs.txt``, ``.agents.txt`` and ``.discards.txt``.

    Returns
    -------
    Coder

    Examples
    --------
    Four one-line dictionaries in the PETRARCH formats:

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     d = Path(tmp)
    ...     _ = (d / "PETR.Validate.actors.txt").write_text("ARMENIA [ARM]\\nAZERBAIJAN [AZE]\\n")
    ...     _ = (d / "PETR.Validate.verbs.txt").write_text("--- ACCUSE  [112] ---\\nACCUSE\\nACCUSED\\n- * OF SHELLING [1123]\\n")
    ...     _ = (d / "PETR.Validate.agents.txt").write_text("PRESIDENT [~GOV]\\n")
    ...     _ = (d / "PETR.Validate.discards.txt").write_text("BASEBALL\\n")
    ...     coder = validation_coder(d)
    >>> [(r["source_actor"], r["target_actor"], r["cameo_code"])
    ...  for t in ("Armenia accused Azerbaijan.", "Armenia accused Azerbaijan of shelling villages.")
    ...  for r in code_sentence(t, coder=coder)]
    [('ARM', 'AZE', '112'), ('ARM', 'AZE', '1123')]
    """
    c = Coder(with_irregular(read_verbs(folder / "PETR.Validate.verbs.txt"), read_irregular(DATA / IRREGULAR)),
                 read_actors([folder / "PETR.Validate.actors.txt"]).index,
                 read_agents([folder / "PETR.Validate.agents.txt"]),
                 read_discards([folder / "PETR.Validate.discards.txt"]))
    c.intents = False
    return c


def code_sentence(text: str, when: date | None = None, coder: Coder | None = None) -> list[dict]:
    """Events in one sentence, as flat dicts (see ``event_rows``).

    Parameters
    ----------
    text : str
        One sentence.
    when : date, optional
        The sentence's date (actor roles such as "the president" are read on it).
    coder : Coder, optional
        Default: :func:`load`.

    Returns
    -------
    list of dict
        One row per event: actors, CAMEO code with root, QuadClass, Goldstein and PLOVER type, verb, spans.

    Examples
    --------
    >>> from datetime import date
    >>> rows = code_sentence("Armenia accused Azerbaijan of shelling border villages.", date(2021, 5, 12))
    >>> [(r["source_actor"], r["target_actor"], r["cameo_code"], r["verb"], r["quad_class"], r["goldstein"])
    ...  for r in rows]
    [('ARM', 'AZE', '1123', 'accused', 3, -2.0)]
    >>> rows[0]["date"], rows[0]["source_text"], rows[0]["source_span"]
    ('2021-05-12', 'Armenia', [0, 7])
    """
    res = (coder or load()).code(text, when)
    return event_rows(res, when)


# -- output rows -------------------------------------------------------------------------------

def split_code(ref: ActorRef) -> tuple[str | None, str | None, str | None]:
    """(actor, country, sector) of an actor reference, in the events table's terms."""
    if ref.actor is not None:
        return ref.actor, ref.country, ref.sector
    code = ref.code
    if code.startswith(NON_STATE) or len(code) < 3 or not code[:3].isalpha():
        return code, None, None
    return code[:3], code[:3], (code[3:6] or None)


@cache
def _cameo(code: str) -> dict:
    from detente import cameo

    try:
        p = cameo.plover(code)
        return {"cameo_root": cameo.root(code), "quad_class": cameo.quad_class(code),
                "goldstein": cameo.goldstein(code), "plover_type": p[0] if p else None,
                "plover_mode": p[1] if p else None}
    except ValueError:
        return {"cameo_root": code[:2] if code[:2].isdigit() else None, "quad_class": None, "goldstein": None,
                "plover_type": None, "plover_mode": None}


def event_rows(res: Coded, when: date | None = None, doc: str | None = None, url: str | None = None,
               line: int | None = None) -> list[dict]:
    """The events of a :class:`Coded` sentence as flat dicts, in the events table's terms.

    Parameters
    ----------
    res : Coded
        ``Coder.code(text)``.
    when : date, optional
        The date written into each row.
    doc, url, line : optional
        Provenance: document id, source URL, line of the input.

    Returns
    -------
    list of dict
        ``event_id`` (a stable hash of document, line, sentence and event), ``date``, per side ``*_text``,
        ``*_code``, ``*_actor``, ``*_country``, ``*_sector``, ``*_span``; ``cameo_code`` and its attributes,
        ``verb``, ``kind``, ``sentence``, ``doc_id``, ``source_url``, ``line``.

    Examples
    --------
    >>> res = load().code("Russian President Vladimir Putin met Turkish President Recep Tayyip Erdogan in Sochi.")
    >>> [(r["source_actor"], r["source_sector"], r["target_actor"], r["cameo_code"], r["verb"])
    ...  for r in event_rows(res, doc="d1", line=3)]
    [('RUS', 'GOV', 'TUR', '040', 'met'), ('TUR', 'GOV', 'RUS', '040', 'met')]
    """
    tok = res.tokens
    out = []
    for k, e in enumerate(res.events):
        row: dict = {}
        key = f"{doc or ''}|{line or ''}|{tok.text}|{k}|{e.source.code}|{e.target.code}|{e.code}"
        row["event_id"] = hashlib.sha1(key.encode()).hexdigest()[:16]
        row["date"] = when.isoformat() if when else None
        for side, ref in (("source", e.source), ("target", e.target)):
            actor, country, sector = split_code(ref)
            row[f"{side}_text"] = tok.surface(ref.start, ref.end)
            row[f"{side}_code"] = ref.code
            row[f"{side}_actor"], row[f"{side}_country"], row[f"{side}_sector"] = actor, country, sector
            row[f"{side}_span"] = [tok.spans[ref.start][0], tok.spans[ref.end - 1][1]]
        row["cameo_code"] = e.code
        row.update(_cameo(e.code))
        row["verb"] = tok.surface(*e.verb)
        row["kind"] = e.kind
        row["sentence"] = tok.text
        row["doc_id"] = doc
        row["source_url"] = url
        row["line"] = line
        out.append(row)
    return out


# -- files -------------------------------------------------------------------------------------

_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_ABBREV = re.compile(r"(?:\b(?:[A-Z]\.){1,}|\b(?:Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|Gov|Sen|Rep|St|Prof|Jr|Sr|No|Vs|vs|U\.S|U\.N))\.?$")


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a full stop after an abbreviation such as 'U.S.' does not split).

    Parameters
    ----------
    text : str
        A paragraph.

    Returns
    -------
    list of str

    Examples
    --------
    >>> split_sentences("The U.S. envoy arrived in Baku. He met Mr. Aliyev. Talks went on.")
    ['The U.S. envoy arrived in Baku.', 'He met Mr. Aliyev.', 'Talks went on.']
    """
    out: list[str] = []
    start = 0
    for m in _SPLIT.finditer(text):
        head = text[start: m.start()].rstrip("\"”’)")
        if _ABBREV.search(head):
            continue
        out.append(text[start: m.start()].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


@dataclass
class CodeSummary:
    lines: int = 0
    sentences: int = 0
    sentences_with_events: int = 0
    events: int = 0
    empty_lines: int = 0
    no_actor: int = 0
    no_verb: int = 0
    no_event: int = 0
    discarded: int = 0
    negated: int = 0
    long_lines_cut: int = 0
    long_sentences_cut: int = 0
    non_utf8_lines: int = 0
    malformed: int = 0
    duplicates: int = 0  # document mode: events already reported by an earlier sentence of the article
    problems: list[str] = field(default_factory=list)  # 'line N: reason'

    def as_dict(self) -> dict:
        d = dict(self.__dict__)
        d["problems"] = list(self.problems[:50])
        return d


def _decode(raw: bytes, n: int, summary: CodeSummary) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        summary.non_utf8_lines += 1
        summary.problems.append(f"line {n}: bytes that are not UTF-8 were replaced by U+FFFD")
        return raw.decode("utf-8", errors="replace")


def read_records(raw_lines: Iterable[bytes], jsonl: bool, default_date: date | None,
                 summary: CodeSummary) -> Iterator[tuple[int, str, date | None, str | None, str | None]]:
    """(line, text, date, id, url) per input line; malformed lines are counted and skipped."""
    for n, raw in enumerate(raw_lines, 1):
        summary.lines += 1
        line = _decode(raw.rstrip(b"\r\n"), n, summary).lstrip("\ufeff")
        if not line.strip():
            summary.empty_lines += 1
            continue
        when, doc, url = default_date, None, None
        if jsonl:
            try:
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError("not a JSON object")
                text = obj.get("text")
                paras = obj.get("paragraphs")
                if isinstance(paras, list) and all(isinstance(x, str) for x in paras) and text is None:
                    text = "\n\n".join(paras)
                if not isinstance(text, str):
                    raise ValueError("no 'text' string (or 'paragraphs' list of strings)")
                if obj.get("title") is not None or obj.get("dateline") is not None or paras is not None:
                    # an article: title, dateline, paragraphs (document mode)
                    text = _ARTICLE + json.dumps({"title": str(obj.get("title") or ""), "text": text,
                                                  "dateline": obj.get("dateline")})
                if obj.get("date"):
                    when = _parse_date(str(obj["date"]))
                doc = None if obj.get("id") is None else str(obj["id"])
                url = obj.get("url")
            except ValueError as e:
                summary.malformed += 1
                msg = str(e).splitlines()[0][:120]
                summary.problems.append(f"line {n}: {msg}; fix the line (JSONL wants {{id, date, text, url}})")
                continue
        else:
            text = line
        if len(text) > MAX_LINE_CHARS and not text.startswith(_ARTICLE):
            summary.long_lines_cut += 1
            summary.problems.append(f"line {n}: {len(text)} characters, cut to the first {MAX_LINE_CHARS}")
            text = text[:MAX_LINE_CHARS]
        yield n, text, when, doc, url


def _parse_date(s: str) -> date:
    s = s.strip()
    if re.fullmatch(r"\d{8}", s):
        s = f"{s[:4]}-{s[4:6]}-{s[6:]}"
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        raise ValueError(f"bad date {s!r}: use YYYY-MM-DD") from None


def code_lines(raw_lines: Iterable[bytes], jsonl: bool = False, when: date | None = None,
               coder: Coder | None = None) -> tuple[list[dict], CodeSummary]:
    """Code input lines (bytes): plain text, one sentence or paragraph a line, or JSONL of {id, date, text, url}.

    Parameters
    ----------
    raw_lines : iterable of bytes
        The input, e.g. an open binary file.
    jsonl : bool
        Lines are JSON records (``date`` per record; ``title``/``paragraphs`` records are coded as articles).
    when : date, optional
        The date of plain lines (and of records without one).
    coder : Coder, optional
        Default: :func:`load`.

    Returns
    -------
    tuple
        (event rows as :func:`event_rows`, a :class:`CodeSummary` counting what could not be coded and why).

    Examples
    --------
    >>> from datetime import date
    >>> rows, summary = code_lines([b"Armenia accused Azerbaijan of shelling border villages.", b"It rained."],
    ...                            when=date(2021, 5, 12))
    >>> [(r["source_actor"], r["target_actor"], r["cameo_code"], r["line"]) for r in rows]
    [('ARM', 'AZE', '1123', 1)]
    >>> summary.lines, summary.sentences, summary.events, summary.no_actor
    (2, 2, 1, 1)
    """
    coder = coder or load()
    summary = CodeSummary()
    rows: list[dict] = []
    for n, text, day, doc, url in read_records(raw_lines, jsonl, when, summary):
        if text.startswith(_ARTICLE):
            a = json.loads(text[len(_ARTICLE):])
            art = read_article(f"{a['title']}\n\n{a['text']}", day, doc) if a["title"] else \
                read_article("\n\n" + a["text"], day, doc)
            if a["dateline"]:
                art.dateline = str(a["dateline"])
            rows_a, s_a = code_article(art, coder, url=url, line=n)
            for k in ("sentences", "sentences_with_events", "events", "no_actor", "no_verb", "no_event",
                      "discarded", "negated", "long_sentences_cut", "duplicates"):
                setattr(summary, k, getattr(summary, k) + getattr(s_a, k))
            rows += rows_a
            continue
        for sent in split_sentences(text):
            res = coder.code(sent, day)
            summary.sentences += 1
            summary.long_sentences_cut += res.truncated
            summary.negated += res.negated
            if res.status in ("no_actor", "no_verb", "no_event", "discarded"):
                setattr(summary, res.status, getattr(summary, res.status) + 1)
            if res.events:
                summary.sentences_with_events += 1
                evs = event_rows(res, day, doc, url, n)
                summary.events += len(evs)
                rows += evs
    return rows, summary


def is_jsonl(head: bytes) -> bool:
    first = head.lstrip().split(b"\n", 1)[0].strip()
    return first.startswith(b"{")


def code_file(path: Path, when: date | None = None, coder: Coder | None = None) -> tuple[list[dict], CodeSummary]:
    """Code a text file (one sentence/paragraph a line) or JSONL of {id, date, text, url}; a JSONL record with
    a ``title``, ``dateline`` or ``paragraphs`` list is coded as one article (document mode).

    Parameters
    ----------
    path : Path
        The file (JSONL when its first line starts with ``{``).
    when : date, optional
        The date of plain lines.
    coder : Coder, optional
        Default: :func:`load`.

    Returns
    -------
    tuple
        (event rows, :class:`CodeSummary`), as :func:`code_lines`.

    Examples
    --------
    >>> import json, tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = Path(tmp) / "news.jsonl"
    ...     _ = f.write_text(json.dumps({"id": "n1", "date": "2021-05-12",
    ...                                  "text": "Armenia accused Azerbaijan of shelling border villages."}) + "\\n")
    ...     rows, summary = code_file(f)
    >>> [(r["date"], r["doc_id"], r["source_actor"], r["target_actor"], r["cameo_code"]) for r in rows]
    [('2021-05-12', 'n1', 'ARM', 'AZE', '1123')]
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file; give a text file or JSONL of {{id, date, text, url}}")
    with path.open("rb") as fh:
        head = fh.read(4096)
        fh.seek(0)
        return code_lines(fh, jsonl=is_jsonl(head), when=when, coder=coder)


# -- articles (document mode) -------------------------------------------------------------------

_ARTICLE = "\0article:"  # marks a JSONL record that is an article (read_records -> code_lines)
_DATELINE = re.compile(r"^\s*([A-Z][A-Za-z .'-]{1,40}?)(?:,[^—–\-\n]{0,40})?\s*(?:\([^)]{1,40}\))?\s*[—–-]{1,2}\s+")


@dataclass
class Article:
    title: str
    paragraphs: list[str]
    dateline: str | None = None
    when: date | None = None
    doc: str | None = None


def read_article(text: str, when: date | None = None, doc: str | None = None) -> Article:
    r"""An article as text: the first line is the title, blank lines separate paragraphs, and the first
    paragraph may open with a dateline ('BAKU, March 3 (Reuters) - ...' or 'YEREVAN — ...').

    Examples
    --------
    >>> a = read_article("Talks stall\n\nBAKU, May 2 - The government rejected the offer.\n\nIt said more.")
    >>> a.title, a.dateline, a.paragraphs
    ('Talks stall', 'BAKU', ['The government rejected the offer.', 'It said more.'])
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    if not blocks:
        return Article("", [], None, when, doc)
    first = blocks[0].split("\n", 1)
    title = first[0].strip()
    paras = ([first[1]] if len(first) > 1 else []) + blocks[1:]
    paras = [" ".join(p.split()) for p in paras]
    dateline = None
    if paras:
        m = _DATELINE.match(paras[0])
        if m and m.group(1).strip().upper() == m.group(1).strip():
            dateline = m.group(1).strip()
            paras[0] = paras[0][m.end():]
    return Article(title, paras, dateline, when, doc)


def code_article(article: Article, coder: Coder | None = None, url: str | None = None,
                 line: int | None = None) -> tuple[list[dict], CodeSummary]:
    """Code an article sentence by sentence (title first). Actors named without a country take the
    dateline's country, else the country of the latest sentence whose events all have sources of one
    country; an event (date, source, target, code) reported by several sentences is kept once.

    Parameters
    ----------
    article : Article
        From :func:`read_article`.
    coder : Coder, optional
        Default: :func:`load`.
    url, line : optional
        Provenance written into each row.

    Returns
    -------
    tuple
        (event rows, :class:`CodeSummary`).

    Examples
    --------
    "The government", named without a country, takes the dateline's (BAKU: Azerbaijan):

    >>> from datetime import date
    >>> a = read_article("Talks stall\\n\\nBAKU, May 2 - The government rejected the Armenian offer.\\n\\n"
    ...                  "It accused Armenia of shelling villages.", date(2021, 5, 2))
    >>> rows, summary = code_article(a)
    >>> [(r["source_actor"], r["target_actor"], r["cameo_code"]) for r in rows], summary.sentences
    ([('AZE', 'ARM', '120')], 3)
    """
    coder = coder or load()
    summary = CodeSummary(lines=1 + len(article.paragraphs))
    day = article.when
    context = coder.context_country(article.dateline, day) if article.dateline else None
    rows: list[dict] = []
    seen: set[tuple] = set()
    texts = ([article.title] if article.title else []) + article.paragraphs
    for n, para in enumerate(texts, 1):
        for sent in split_sentences(para):
            res = coder.code(sent, day, context)
            summary.sentences += 1
            summary.long_sentences_cut += res.truncated
            summary.negated += res.negated
            if res.status in ("no_actor", "no_verb", "no_event", "discarded"):
                setattr(summary, res.status, getattr(summary, res.status) + 1)
            if article.dateline is None:
                named = {c for e in res.events if (c := _country(e.source))}  # who acts in the story
                if len(named) == 1:
                    context = named.pop()
            kept = []
            for e in res.events:
                key = (day, e.source.code, e.target.code, e.code)
                if key in seen:
                    summary.duplicates += 1
                    continue
                seen.add(key)
                kept.append(e)
            res.events = kept
            if kept:
                summary.sentences_with_events += 1
                evs = event_rows(res, day, article.doc, url, line if line is not None else n)
                summary.events += len(evs)
                rows += evs
    return rows, summary


def _country(ref: ActorRef) -> str | None:
    from detente.coding.context import country_of

    return ref.country if ref.actor is not None else country_of(ref.code)
