"""Score the coder on the PETRARCH unit-test records and the PLOVER gold-standard records.

Per sentence, each gold event is aligned with the best predicted event (same source and target
first, then same code). Reported: exact-code and root-code accuracy, source and target accuracy
over gold events, and precision/recall of whole events (source, target, code), extra events
counting against precision.

Internal: scoring against gold standards, used by tests/test_coding*.py and bench/bench_coding.py (see
docs/coding.md for the figures); not part of the Python API.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from detente.coding.coder import Coder

__all__: list[str] = []

Same = Callable[[str, str], int]  # 1 when a predicted and a gold value agree


@dataclass
class Gold:
    id: str
    text: str
    when: date | None
    events: list[tuple[str, str, str]]  # (source, target, code); code is a PLOVER type for PLOVER records
    dateline: str | None = None  # the article's dateline ('BAKU'): context for actors named without a country
    tags: tuple[str, ...] = ()


def petrarch_records(path: Path) -> list[Gold]:
    x = path.read_text(encoding="utf-8", errors="replace")
    x = re.sub(r"<!--.*?-->", "", x, flags=re.S)
    out = []
    for m in re.finditer(r"<Sentence ([^>]*)>(.*?)</Sentence>", x, re.S):
        attrs, body = m.groups()
        sid = re.search(r'\bid\s*=\s*"([^"]*)"', attrs)
        d = re.search(r'date\s*=\s*"(\d{8})"', attrs)
        txt = re.search(r"<Text>(.*?)</Text>", body, re.S)
        if not (sid and txt):
            continue
        events = []
        for c in re.findall(r"<EventCoding ([^>]*)>", body):
            s = re.search(r'sourcecode="([^"]*)"', c)
            t = re.search(r'targetcode="([^"]*)"', c)
            e = re.search(r'eventcode="([^"]*)"', c)
            if s and t and e:
                events.append((s.group(1), t.group(1), e.group(1)))
        when = date(int(d.group(1)[:4]), int(d.group(1)[4:6]), int(d.group(1)[6:])) if d else None
        out.append(Gold(sid.group(1), " ".join(txt.group(1).split()), when, events))
    return out


def plover_half(record_id: str) -> str:
    """'tune' for PLOVER records with an odd number (PLOVER-GSR01-AGREE-0001), 'holdout' for even ones: every
    event type falls in both halves. Rules were developed looking at the tune half only."""
    tail = record_id.rsplit("-", 1)[-1]
    return "tune" if tail.isdigit() and int(tail) % 2 else "holdout"


def plover_records(path: Path, strict: bool = False, half: str | None = None) -> list[Gold]:
    """PLOVER gold records; ``strict`` keeps the old reading of 'SRC/TAR' records (one event per listed
    actor, target empty: no dyadic coding can match them) instead of the pairs among the listed actors;
    ``half`` = 'tune' or 'holdout' keeps one half (``plover_half``)."""
    out = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        if "text" not in r or (half is not None and plover_half(r["id"]) != half):
            continue
        src = r.get("source") or []
        tgt = r.get("target") or []
        src = src if isinstance(src, list) else []
        tgt = tgt if isinstance(tgt, list) else []
        events = [(s.get("code", ""), t.get("code", ""), r["event"]) for s in src for t in tgt]
        if src and not tgt:
            if len(src) > 1 and not strict:
                # 'SRC/TAR' records: every listed actor is source and target of the others (PLOVER readme)
                events = [(a.get("code", ""), b.get("code", ""), r["event"]) for a in src for b in src
                          if a is not b]
            else:
                events = [(s.get("code", ""), "", r["event"]) for s in src]
        out.append(Gold(r["id"], " ".join(r["text"].split()), None, events))
    return out


@dataclass
class Score:
    sentences: int = 0
    gold: int = 0
    predicted: int = 0
    exact_code: int = 0
    root_code: int = 0
    source: int = 0
    target: int = 0
    matched_events: int = 0
    no_event_sentences: int = 0  # gold sentences with no event
    no_event_empty: int = 0  # ... of which the coder left empty
    seconds: float = 0.0

    def as_dict(self) -> dict:
        g, p = max(self.gold, 1), max(self.predicted, 1)
        prec = self.matched_events / p
        rec = self.matched_events / g
        return {
            "sentences": self.sentences, "gold_events": self.gold, "predicted_events": self.predicted,
            "exact_code_accuracy": round(self.exact_code / g, 4), "root_code_accuracy": round(self.root_code / g, 4),
            "source_accuracy": round(self.source / g, 4), "target_accuracy": round(self.target / g, 4),
            "precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
            "no_event_sentences": self.no_event_sentences,
            "no_event_left_empty": round(self.no_event_empty / self.no_event_sentences, 4)
            if self.no_event_sentences else None,
            "sentences_per_second": round(self.sentences / self.seconds, 1) if self.seconds else None,
        }


def _align(gold: list[tuple[str, str, str]], pred: list[tuple[str, str, str]], same_actor: Same, same_code: Same,
           same_root: Same) -> tuple[int, int, int, int, int]:
    """(exact code, root code, source, target, whole-event matches) for one sentence."""
    used: set[int] = set()
    exact = root = src = tgt = whole = 0
    for gs, gt, gc in gold:
        best, best_key = None, (-1,)
        for k, (ps, pt, pc) in enumerate(pred):
            if k in used:
                continue
            key = (same_actor(ps, gs) + same_actor(pt, gt), same_code(pc, gc), same_root(pc, gc))
            if key > best_key:
                best, best_key = k, key
        if best is None:
            continue
        ps, pt, pc = pred[best]
        s_ok, t_ok = same_actor(ps, gs), same_actor(pt, gt)
        c_ok, r_ok = same_code(pc, gc), same_root(pc, gc)
        if s_ok + t_ok + c_ok + r_ok == 0:
            continue
        used.add(best)
        exact += c_ok
        root += r_ok
        src += s_ok
        tgt += t_ok
        whole += s_ok and t_ok and c_ok
    return exact, root, src, tgt, whole


def _score(coder: Coder, records: list[Gold], code_of: Callable[[str], str], same_actor: Same, same_code: Same,
           same_root: Same, keep: Callable[[str], bool] | None = None) -> Score:
    """Code every record (timed), then align each sentence's predicted events with its gold ones."""
    s = Score()
    t0 = time.perf_counter()
    preds = [coder.code(g.text, g.when, g.dateline or None) for g in records]
    s.seconds = time.perf_counter() - t0
    for g, res in zip(records, preds, strict=True):
        pred = [(e.source.code, e.target.code, code_of(e.code)) for e in res.events if keep is None or keep(e.code)]
        s.sentences += 1
        if not g.events:
            s.no_event_sentences += 1
            s.no_event_empty += not pred
        s.gold += len(g.events)
        s.predicted += len(pred)
        ex, ro, so, ta, wh = _align(g.events, pred, same_actor, same_code, same_root)
        s.exact_code += ex
        s.root_code += ro
        s.source += so
        s.target += ta
        s.matched_events += wh
    return s


def _same(a: str, b: str) -> int:
    return int(a == b)


def score_petrarch(coder: Coder, records: list[Gold]) -> Score:
    """CAMEO codes compared exactly and by root (first two digits); actors by their full code."""
    return _score(coder, records, lambda code: code, _same, _same, lambda a, b: int(a[:2] == b[:2]))


# The gold file is PLOVER 0.5b1 (2016), not the 2021 crosswalk that detente.cameo ships: 0.5b1 keeps CAMEO's
# two-digit cue categories (09 INVESTIGATE, 10 DEMAND, 11 DISAPPROVE, 16 SANCTION with 163, 19-20 FIGHT) and
# splits 08 into CONCEDE/RETREAT. The table ships as data: detente/data/coding/cameo_plover_0.5.tsv.
PLOVER_05 = Path(__file__).resolve().parent.parent / "data" / "coding" / "cameo_plover_0.5.tsv"
_IGO = {"UNO", "NATO", "EU", "EUR", "AU", "ASEAN", "OSCE", "CIS", "CSTO", "OPEC", "WTO", "IMF", "WBK", "ICC"}
# The gold file's few non-ISO country codes (its readme says ISO-3166 alpha-3): read as the ISO code.
GOLD_TYPOS = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}


@cache
def _plover_05() -> dict[str, str]:
    out = {}
    for line in PLOVER_05.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip() or line.startswith("prefix\t"):
            continue
        prefix, kind = line.split("\t")
        out[prefix] = kind
    return out


def plover_05(code: str) -> str | None:
    """PLOVER 0.5b1 event type of a CAMEO code (longest prefix in cameo_plover_0.5.tsv), None for 01x/02x.

    >>> plover_05("0874"), plover_05("163"), plover_05("193"), plover_05("023")
    ('RETREAT', 'SANCTION', 'FIGHT', None)
    """
    table = _plover_05()
    for n in (4, 3, 2):
        if code[:n] in table:
            return table[code[:n]]
    return None


def _primary(code: str) -> str:
    """The PLOVER records' primary code of a predicted actor: 3 letters; UN, NATO, EU ... are 'IGO'."""
    head = code.split("/")[0]
    if head in _IGO or head[:3] in ("UNO", "EUR"):
        return "IGO"
    return head[:3]


def score_plover(coder: Coder, records: list[Gold], strict: bool = False) -> Score:
    """PLOVER records carry no CAMEO code: 'exact' (and 'root') = same PLOVER 0.5b1 type; actors by primary code.

    Not strict: predicted CAMEO 01x/02x events are dropped (PLOVER has no such category, so a PLOVER coder
    does not emit them); the gold file's international organisations are compared as one class (it codes
    Amnesty International and the Red Cross 'IGO' but other non-governmental bodies 'NGO'); its three non-ISO
    country codes are read as ISO. ``strict`` is the old scoring (2021 types, every predicted event counted)."""
    from detente.coding import _cameo

    def org(c: str) -> str:
        return "IGO" if c in ("IGO", "NGO") else c

    def same_actor(a: str, b: str) -> int:
        if b == "" and not strict:
            return 1  # the gold record names no target: any target (or none) agrees
        if strict:
            return int(bool(a) and bool(b) and _primary(a) == b[:3])
        return int(bool(a) and bool(b) and org(_primary(a)) == org(GOLD_TYPOS.get(b[:3], b[:3])))

    if strict:
        return _score(coder, records, lambda code: _cameo(code)["plover_type"] or "", same_actor, _same, _same)
    return _score(coder, records, lambda code: plover_05(code) or "", same_actor, _same, _same,
                  keep=lambda code: plover_05(code) is not None)


# -- our own gold set (tests/fixtures/coding_gold.jsonl) ------------------------------------------------

def gold_records(path: Path, half: str | tuple[str, ...] | None = None) -> list[Gold]:
    """Hand-coded real-actor sentences (JSONL: id, date, text, dateline?, events [[src, tgt, code]], tags, half).

    ``half`` = 'tune', 'holdout', 'fresh' or 'fresh2' keeps one part (docs/coding.md, 'Accuracy and speed'), a
    tuple of them those parts (in file order)."""
    halves = (half,) if isinstance(half, str) else half
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            if halves is not None and r.get("half") not in halves:
                continue
            out.append(Gold(r["id"], r["text"], date.fromisoformat(r["date"]) if r.get("date") else None,
                            [tuple(e) for e in r["events"]], r.get("dateline"), tuple(r.get("tags", ()))))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path.name} line {n}: {e}; each line wants {{id, date, text, events}}") from None
    return out


_ALIASES = {"IGOUNO": "UNO", "IGOUNOIAE": "IAEA", "IGOUNOIAEA": "IAEA", "IGOEUREEC": "EU", "IGOEUR": "EU",
            "IGOWSTNAT": "NATO", "IGOEUROSC": "OSCE", "IGOCSTO": "CSTO"}


def norm_actor(code: str) -> str:
    """An actor code for comparison: IGO spellings unified (IGOUNO = UNO) and compared on the organisation,
    states on country + first role (6 characters).

    >>> norm_actor("IGOEUREECGOV"), norm_actor("ARMGOVMIL"), norm_actor("NATOGOV")
    ('EU', 'ARMGOV', 'NATO')
    """
    for long, short in sorted(_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if code.startswith(long):
            return short
    for short in ("UNO", "EU", "NATO", "OSCE", "CSTO", "IAEA", "NKR"):
        if code.startswith(short):
            return short  # organisations and de facto entities: compared on the entity, not its roles
    return code[:6]


def score_gold(coder: Coder, records: list[Gold]) -> Score:
    """Our gold set: CAMEO codes exactly and by root; actors as ``norm_actor``."""
    def same_actor(a: str, b: str) -> int:
        return int(norm_actor(a) == norm_actor(b))

    return _score(coder, records, lambda code: code, same_actor, _same, lambda a, b: int(a[:2] == b[:2]))


# -- miss buckets (the study of misses docs/coding.md describes) ------------------------------------------

def plover_misses(coder: Coder, records: list[Gold]) -> list[tuple[str, Gold, list[tuple[str, str, str]]]]:
    """(bucket, record, predicted (source, target, CAMEO code)) for each PLOVER record the coder misses.

    Buckets: 'no event' (nothing with a PLOVER type), 'other type' (no predicted event of the record's type),
    'wrong actor' (the type but not the actors), 'spurious' (the right event plus more events than the record
    has). Actors compare as in ``score_plover``."""
    def org(c: str) -> str:
        return "IGO" if c in ("IGO", "NGO") else c

    def same(a: str, b: str) -> bool:
        return b == "" or (bool(a) and org(_primary(a)) == org(GOLD_TYPOS.get(b[:3], b[:3])))

    out = []
    for g in records:
        res = coder.code(g.text, g.when)
        raw = [(e.source.code, e.target.code, e.code) for e in res.events]
        pred = [(s, t, plover_05(c)) for s, t, c in raw if plover_05(c)]
        hit = any(same(s, gs) and same(t, gt) and k == gk for gs, gt, gk in g.events for s, t, k in pred)
        if hit and len(pred) <= len(g.events):
            continue
        kinds = {gk for _, _, gk in g.events}
        if not pred:
            bucket = "no event"
        elif not any(k in kinds for _, _, k in pred):
            bucket = "other type"
        elif not hit:
            bucket = "wrong actor"
        else:
            bucket = "spurious"
        out.append((bucket, g, raw))
    return out


def main(argv: list[str] | None = None) -> None:
    """``python -m detente.coding.evaluate [--half tune|holdout] [--list]``: PLOVER misses by bucket."""
    import argparse
    from collections import Counter

    from detente import coding

    ap = argparse.ArgumentParser(prog="python -m detente.coding.evaluate")
    ap.add_argument("--half", choices=("tune", "holdout"), default="tune")
    ap.add_argument("--list", action="store_true", help="print every missed record")
    ap.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[4] / "shared" / "data"
                    / "event-coding" / "PLOVER_GSR_CAMEO.json")
    a = ap.parse_args(argv)
    misses = plover_misses(coding.load(), plover_records(a.data, half=a.half))
    if a.list:
        for bucket, g, raw in misses:
            print(f"[{bucket}] {g.id}\n  {g.text}\n  gold={sorted(set(g.events))}\n  pred={raw}")
    print(dict(Counter(b for b, _, _ in misses).most_common()))


if __name__ == "__main__":
    main()
