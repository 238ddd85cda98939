"""Score the coder on the PETRARCH unit-test records and the PLOVER gold-standard records.

Per sentence, each gold event is aligned with the best predicted event (same source and target
first, then same code). Reported: exact-code and root-code accuracy, source and target accuracy
over gold events, and precision/recall of whole events (source, target, code), extra events
counting against precision.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from detente.coding.coder import Coder


@dataclass
class Gold:
    id: str
    text: str
    when: date | None
    events: list[tuple[str, str, str]]  # (source, target, code); code is a PLOVER type for PLOVER records


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


def plover_records(path: Path) -> list[Gold]:
    out = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        if "text" not in r:
            continue
        src = r.get("source") or []
        tgt = r.get("target") or []
        src = src if isinstance(src, list) else []
        tgt = tgt if isinstance(tgt, list) else []
        events = [(s.get("code", ""), t.get("code", ""), r["event"]) for s in src for t in tgt]
        if src and not tgt:
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
            "sentences_per_second": round(self.sentences / self.seconds, 1) if self.seconds else None,
        }


def _align(gold: list[tuple[str, str, str]], pred: list[tuple[str, str, str]], same_actor, same_code,
           same_root) -> tuple[int, int, int, int, int]:
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


def score_petrarch(coder: Coder, records: list[Gold]) -> Score:
    s = Score()
    preds = []
    t0 = time.perf_counter()
    for g in records:
        preds.append(coder.code(g.text, g.when))
    s.seconds = time.perf_counter() - t0
    for g, res in zip(records, preds, strict=True):
        pred = [(e.source.code, e.target.code, e.code) for e in res.events]
        s.sentences += 1
        s.gold += len(g.events)
        s.predicted += len(pred)
        ex, ro, so, ta, wh = _align(g.events, pred, lambda a, b: int(a == b), lambda a, b: int(a == b),
                                     lambda a, b: int(a[:2] == b[:2]))
        s.exact_code += ex
        s.root_code += ro
        s.source += so
        s.target += ta
        s.matched_events += wh
    return s


def score_plover(coder: Coder, records: list[Gold]) -> Score:
    """PLOVER records carry no CAMEO code: 'exact' = same PLOVER type; actors compared by primary code."""
    from detente.coding import _cameo

    s = Score()
    preds = []
    t0 = time.perf_counter()
    for g in records:
        preds.append(coder.code(g.text, g.when))
    s.seconds = time.perf_counter() - t0

    def same_actor(a: str, b: str) -> int:
        return int(bool(a) and bool(b) and a[:3] == b[:3])

    def same_type(a: str, b: str) -> int:
        return int(a == b)

    for g, res in zip(records, preds, strict=True):
        pred = [(e.source.code, e.target.code, _cameo(e.code)["plover_type"] or "") for e in res.events]
        s.sentences += 1
        s.gold += len(g.events)
        s.predicted += len(pred)
        ex, _ro, so, ta, wh = _align(g.events, pred, same_actor, same_type, same_type)
        s.exact_code += ex
        s.root_code += ex
        s.source += so
        s.target += ta
        s.matched_events += wh
    return s
