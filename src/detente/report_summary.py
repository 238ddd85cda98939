"""The part of the report an analyst reads first: each claim's verdict in words, the test that decides it (with
its unit and interval), how robust it is, what the data cover, and what would change the verdict.

Pure functions over JSON-ready claim results (``ClaimResult.as_dict()``) and the store's coverage; the report
and the dashboard call the same ones, so the two say the same thing. Nothing here tests anything: a field the
claims stage adds (``robustness``, ``decisive``, a component ``unit``) is shown as it comes.

Internal: the report's and the dashboard's summary layer; not part of the Python API (claims' own results,
:func:`detente.claims.evaluate`, carry the same verdicts, tests and intervals).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

__all__: list[str] = []  # internal: see the module docstring

LEGEND = [
    ("supported", "every test that could be run came out as the claim says, in every dataset that could decide it"),
    ("contradicted", "tests came out against the claim and none for it"),
    ("mixed", "some tests for the claim and some against it (or undecided), or the datasets disagree"),
    ("undecided", "the data cover the claim but the intervals are too wide to say either way"),
    ("insufficient data", "no dataset covers the claim's actors and periods well enough to test it"),
]
GLOSSARY = [
    ("tone (-1 .. +1)", "sum of the dyad's scores / sum of their absolute values over the period: -1 all "
     "conflictual, +1 all cooperative, whatever the news volume"),
    ("net cooperation (-1 .. +1)", "per day with any interaction: (cooperative - conflictual) / all; the period "
     "value is the mean over such days, so -1 is all conflict and +1 all cooperation, whatever the news volume"),
    ("interaction rate (per day)", "GDELT network: share of days on which the pair interacted at all; event "
     "data: events per day"),
    ("intensity (score per the dyad's typical volume)", "the dyad's summed score / (its usual share of the "
     "world's absolute score x the world's absolute score on the same days): unbounded, 0 neutral; the change "
     "tests use it where tone sits at its bound"),
    ("Goldstein score (-10 .. +10)", "intensity of an event, -10 most conflictual, +10 most cooperative"),
    ("index (‰ of world volume)", "1000 x the dyad's net score / all countries' absolute score on the same days"),
    ("volume (‰ of world news)", "1000 x the dyad's absolute score / all countries' absolute score"),
    ("95% interval", "circular block bootstrap of the covered days (blocks of two weeks or more, so a crisis "
     "stays inside one; {claims} draws for the claims' tests, {charts} for the dyad charts); a test is decided "
     "when the interval excludes the null (0 unless stated)"),
]
WORDS = {
    "supported": "The data support this claim.",
    "contradicted": "The data contradict this claim.",
    "mixed": "The evidence is mixed: parts of this claim hold and parts do not.",
    "undecided": "The data cover this claim but cannot decide it either way.",
    "insufficient data": "There is not enough data to test this claim.",
}


# -- coverage ---------------------------------------------------------------------------------------
def coverage(store: Any) -> list[dict]:
    """Per dataset: its span and the whole months without any row inside it (one query per table).

    >>> # on the bundled store: icews 2021-01-01..2022-08-31 with gaps [('2021-09', '2021-12')]
    """
    con = store.con
    rows = con.execute("SELECT name, title, coverage_start, coverage_end FROM datasets ORDER BY name").fetchall()
    months: dict[str, set[str]] = {}
    for table in ("events", "dyad_days"):
        for ds, ym in con.execute(f"SELECT DISTINCT dataset, year(date) * 100 + month(date) FROM {table}"
                                  " WHERE date IS NOT NULL").fetchall():
            months.setdefault(ds, set()).add(f"{ym // 100:04d}-{ym % 100:02d}")
    out = []
    for name, title, lo, hi in rows:
        item = {"name": name, "title": title, "start": _iso(lo), "end": _iso(hi), "gaps": []}
        have = months.get(name)
        if have and lo and hi:
            run: list[str] = []
            for m in _month_range(lo, hi):
                if m not in have:
                    run.append(m)
                elif run:
                    item["gaps"].append([run[0], run[-1]])
                    run = []
        out.append(item)
    return out


def _iso(d: Any) -> str | None:
    return None if d is None else (d.isoformat()[:10] if hasattr(d, "isoformat") else str(d)[:10])


def _month_range(lo: date, hi: date) -> list[str]:
    y, m, out = lo.year, lo.month, []
    while (y, m) <= (hi.year, hi.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def coverage_warnings(cov: list[dict], periods: list[dict], used: list[str] | None = None) -> list[dict]:
    """Plain-language notes: which dataset covers which period (fully, partly, not at all) and its gaps.

    ``used``: the datasets the claims test (others are named once, for what they lack). A period open at
    either end ("data start", "data end") runs to each dataset's own bound there, so GDELT (2018-2024) covers
    "pre-war" (data start .. 2020-09-26) in full rather than "in part" because UN votes start in 1946.

    >>> cov = [{"name": "gdelt", "start": "2018-01-01", "end": "2024-02-23", "gaps": []},
    ...        {"name": "votes", "start": "1946-01-01", "end": "2020-01-14", "gaps": []}]
    >>> periods = [{"name": "pre-war", "start": None, "end": "2020-09-26"},
    ...            {"name": "after", "start": "2023-09-19", "end": None}]
    >>> [(w["dataset"], w["partial_periods"], w["uncovered_periods"]) for w in coverage_warnings(cov, periods)]
    [('gdelt', [], []), ('votes', ['pre-war'], ['after'])]
    """
    out = []
    for d in cov:
        if not d["start"] or not d["end"]:
            continue
        parts, none = [], []
        for p in periods:
            s, e = p.get("start") or d["start"], p.get("end") or d["end"]
            if e < d["start"] or s > d["end"]:
                none.append(p["name"])
            elif s < d["start"] or e > d["end"]:
                parts.append(p["name"])
        gaps = [f"{a}..{b}" if a != b else a for a, b in d["gaps"]]
        text = f"{d['name']} covers {d['start']} .. {d['end']}"
        if gaps:
            text += f", with no data in {', '.join(gaps)} (drawn as gaps, never as zero)"
        if none:
            text += f"; it says nothing about {', '.join(none)}"
        if parts:
            text += f"; it covers {', '.join(parts)} only in part"
        if d["name"] == "unvotes" or "vote" in (d.get("title") or "").lower():
            after = [p["name"] for p in periods if (p.get("start") or "0001-01-01") > d["end"]]
            if after:
                text += (f". UN General Assembly votes end {d['end']}, so vote agreement is a pre-war baseline only:"
                         f" it cannot show whether alignments changed in {', '.join(after)}")
        out.append({"dataset": d["name"], "start": d["start"], "end": d["end"], "gaps": d["gaps"],
                    "uncovered_periods": none, "partial_periods": parts, "text": text + ".",
                    "used_by_claims": used is None or d["name"] in used})
    return out


# -- units ------------------------------------------------------------------------------------------
DEFAULT_MEASURE = "tone"  # claims' default when a test names none


def _measure_of(r: dict, c: dict) -> str:
    for s in r.get("spec") or []:
        if isinstance(s, dict) and s.get("measure"):
            dyads = [str(v) for k, v in s.items() if k in ("x", "y", "dyad") and isinstance(v, str)]
            if not dyads or any(d in (c.get("name") or "") for d in dyads):
                return str(s["measure"])
    return str((c.get("extra") or {}).get("measure") or r.get("measure") or DEFAULT_MEASURE)


def unit(r: dict, c: dict) -> str:
    """What the effect of component ``c`` of claim result ``r`` is measured in, in words.

    The claims' kinds set it on every test with an effect (``Component.unit``, from ``claims.units``); a
    component without one (a hand-made result) falls back to the claim's measure: a recorded count, a weekly
    shift, a difference ("A - B", not "A - 0.0") or a level of it.
    """
    if c.get("unit"):
        return str(c["unit"])
    from detente.claims import units

    name, method = (c.get("name") or "").lower(), (c.get("method") or "").lower()
    if "recorded" in method:
        return units.EVENTS if "events" in method else units.DAYS
    m = _measure_of(r, c)
    if "shift" in name:
        return units.shift(m)
    if " - " in name and not name.rstrip().endswith("- 0.0"):
        return units.difference(m)
    return units.level(m)


def _f(v: Any, p: int = 2) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    v = float(v)
    if v == int(v) and abs(v) >= 1:
        return f"{v:.0f}"
    return f"{v:.{p}f}" if abs(v) < 100 else f"{v:.0f}"


def describe(r: dict, c: dict) -> dict:
    """One test as the summary shows it: what, where, effect with unit and interval, outcome."""
    u = unit(r, c)
    lo, hi = c.get("lo"), c.get("hi")
    extra = c.get("extra") or {}
    effect = f"{_f(c.get('effect'))} {u}"
    if lo is not None and hi is not None and (lo != hi or lo != c.get("effect")):
        effect += f" (95% interval {_f(lo)} .. {_f(hi)})"
    if "per_30_days" in extra:
        iv = extra.get("per_30_days_interval") or [None, None]
        effect += f"; {_f(extra['per_30_days'])} per 30 days (95% {_f(iv[0])} .. {_f(iv[1])})"
    return {"dataset": c.get("dataset"), "period": c.get("period"), "name": c.get("name"),
            "effect": c.get("effect"), "lo": lo, "hi": hi, "p": c.get("p"), "n": c.get("n"), "unit": u,
            "expect": c.get("expect"), "null": c.get("null"), "outcome": c.get("outcome"), "text": effect,
            "note": c.get("note")}


# -- the decisive test and what would change the verdict ---------------------------------------------
def components(r: dict) -> list[dict]:
    return [{**c, "dataset": c.get("dataset") or ds} for ds, body in (r.get("datasets") or {}).items()
            for c in (body or {}).get("components") or []]


def decisive(r: dict) -> list[dict]:
    """The test(s) that decide the verdict (not simply the first one run).

    supported / contradicted: the clearest test on that side; mixed: the clearest for and the clearest against
    (or undecided); undecided / insufficient data: the test closest to deciding. A ``decisive`` field from the
    claims stage wins."""
    comps = components(r)
    given = r.get("decisive")
    if isinstance(given, dict):
        return [given]
    if isinstance(given, list) and all(isinstance(x, dict) for x in given):
        return given
    if isinstance(given, int | str):
        hit = [c for i, c in enumerate(comps) if given in (i, c.get("name"))]
        if hit:
            return hit[:1]
    # lazily: views imports this module on the render path, and detente.claims imports pandas
    from detente.claims.verdict import decisive as rule

    return rule(comps, str(r.get("verdict") or ""))


def _weakest(comps: list[dict], outcome: str) -> dict | None:
    from detente.claims.verdict import strength  # lazily, as in decisive: claims imports pandas

    xs = [c for c in comps if c.get("outcome") == outcome and c.get("lo") is not None and c.get("hi") is not None]
    return min(xs, key=strength) if xs else None


def _where(c: dict) -> str:
    """Dataset, period and test, the period once (a name may already start with it: "after: TUR-AZE - base")."""
    name, per = str(c.get("name")), c.get("period")
    return f"{c.get('dataset')}{', ' + str(per) if per and not name.startswith(f'{per}:') else ''}: {name}"


def _labels(comps: list[dict]) -> Callable[[dict], str]:
    """A test's name, with its dataset where datasets share the name (else "post-war: A - B" could read as both
    holding the claim up and holding it back).

    >>> label = _labels([{"name": "post-war: A - B", "dataset": "gdelt"}, {"name": "post-war: A - B", "dataset":
    ...                  "icews"}, {"name": "war: A - B", "dataset": "gdelt"}])
    >>> label({"name": "post-war: A - B", "dataset": "icews"}), label({"name": "war: A - B", "dataset": "gdelt"})
    ('post-war: A - B (icews)', 'war: A - B')
    """
    sets: dict[str, set] = {}
    for c in comps:
        sets.setdefault(str(c.get("name")), set()).add(c.get("dataset"))

    def label(c: dict) -> str:
        name = str(c.get("name"))
        return f"{name} ({c.get('dataset')})" if len(sets.get(name, ())) > 1 else name

    return label


def _some(names: list[str], k: int = 3) -> str:
    names = list(dict.fromkeys(names))
    return ", ".join(names[:k]) + (f" and {len(names) - k} more" if len(names) > k else "") if names else "none"


def would_change(r: dict) -> list[str]:
    """What evidence would move the verdict, in words, from the tests' own outcomes and notes."""
    comps = components(r)
    v = str(r.get("verdict") or "").replace("_", " ")
    out = []
    if v == "supported":
        w = _weakest(comps, "for")
        if w:
            out.append(f"The narrowest margin is {_where(w)} (interval {_f(w['lo'])} .. {_f(w['hi'])} against a "
                       f"null of {_f(w.get('null') or 0)}): if new data moved that interval across the null, the "
                       "verdict would become mixed.")
        out.append("A second dataset covering the same periods and disagreeing would make it mixed.")
    elif v == "contradicted":
        w = _weakest(comps, "against")
        if w:
            out.append(f"The weakest test against is {_where(w)} (interval {_f(w['lo'])} .. {_f(w['hi'])}); one "
                       "test for the claim anywhere would make the verdict mixed, several would be needed to "
                       "support it.")
    elif v == "mixed":
        label = _labels(comps)
        fors = [label(c) for c in comps if c.get("outcome") == "for"]
        held = [label(c) for c in comps if c.get("outcome") in ("against", "undecided")]
        if fors:
            out.append(f"Limited to {_some(fors)} the claim would be supported; it is held back by {_some(held)}.")
        if "disagree" in str(r.get("agreement") or ""):
            out.append("The datasets disagree; more data in the dataset that could not decide would settle it.")
    else:
        gaps = sorted({c["note"] for c in comps if c.get("note")})
        und = [c for c in comps if c.get("outcome") == "undecided"]
        if und:
            out.append("Narrower intervals would decide it: more days of data (or a less noisy measure) for "
                       + "; ".join(_where(c) for c in und[:3]) + ".")
        out += gaps[:3]
    if r.get("needs"):
        out.append(f"The claim needs: {str(r['needs']).strip().rstrip('.')}.")
    return out


def robustness(r: dict) -> dict:
    """The claims stage's robustness label when it gives one; else how many datasets could decide the claim."""
    rb = r.get("robustness")
    if isinstance(rb, dict) and rb:
        label = rb.get("label") or rb.get("value") or rb.get("summary") or ""
        flips, variants = rb.get("flips") or {}, rb.get("variants") or {}
        if flips:
            detail = "the verdict changes under " + "; ".join(f"{k} ({v})" for k, v in flips.items())
        elif variants:
            detail = f"the same verdict under {len(variants)} variants: {', '.join(variants)}"
        else:
            detail = str(rb.get("detail") or rb.get("summary") or "")
        agree = str(r.get("agreement") or "")
        return {"label": str(label), "detail": detail + (f"; {agree}" if agree else ""), "source": "claims",
                "flips": flips}
    if isinstance(rb, str) and rb:
        return {"label": rb, "detail": str(r.get("agreement") or ""), "source": "claims"}
    decided = [d for d, b in (r.get("datasets") or {}).items() if (b or {}).get("verdict") != "insufficient data"]
    label = "two or more datasets" if len(decided) > 1 else "one dataset" if decided else "no dataset"
    return {"label": label, "detail": str(r.get("agreement") or ""), "source": "report"}


def claim_coverage(r: dict) -> list[str]:
    """The coverage notes the claim's own tests raised (a period outside a dataset, an actor with no data)."""
    return sorted({str(c["note"]) for c in components(r) if c.get("note") and c.get("outcome") == "insufficient"})


def claim_summary(r: dict) -> dict:
    """Everything the first screen shows for one claim."""
    v = str(r.get("verdict") or "insufficient data").replace("_", " ")
    dec = [describe(r, c) for c in decisive(r)]
    rb = robustness(r)
    change = [f"Under the variant {k} the verdict would be {str(w).replace('_', ' ')}."
              for k, w in (rb.get("flips") or {}).items()] + would_change(r)
    return {"id": r.get("id"), "text": r.get("claim") or r.get("text"), "verdict": v.replace(" ", "_"),
            "verdict_text": v, "words": WORDS.get(v, f"Verdict: {v}."), "decisive": dec,
            "robustness": rb, "coverage": claim_coverage(r), "would_change": change}


def summary(results: list[dict], cov: list[dict], periods: list[dict], datasets_used: list[str] | None,
            draws: tuple[int, int]) -> dict:
    """The summary section: legend, glossary (``draws``: the bootstrap draws of the claims' tests and of the
    dyad charts, as the glossary states them), one entry per claim, coverage warnings."""
    counts: dict[str, int] = {}
    claims = [claim_summary(r) for r in results]
    for c in claims:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    return {"legend": [{"verdict": k.replace(" ", "_"), "text": k, "meaning": m} for k, m in LEGEND],
            "glossary": [{"term": k, "meaning": m.format(claims=f"{draws[0]:,}", charts=f"{draws[1]:,}")}
                         for k, m in GLOSSARY],
            "counts": counts, "claims": claims, "coverage": coverage_warnings(cov, periods, datasets_used)}
