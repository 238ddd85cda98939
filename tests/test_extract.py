"""Extraction: actors, polarity, anchors, hedges and negation on sentences we wrote, the shipped lexicon
derived from the CAMEO verb dictionary, and the CLI on good and bad input."""

from __future__ import annotations

import csv
import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from detente.cli import app
from detente.extract import case_from_text, extract_claims, lexicon, sentences

TEXTS = Path(__file__).parent / "fixtures" / "texts"
WHEN = date(2024, 1, 1)


def one(text: str) -> dict:
    got = extract_claims(text, when=WHEN)
    assert len(got) == 1, got
    return got[0]


def test_capitals_and_demonyms_resolve():
    c = one("Tehran has long seen Yerevan as a partner.")
    assert (c["source"], c["target"], c["polarity"]) == ("IRN", "ARM", "cooperative")
    c = one("The Turkish-Azerbaijani alliance strengthened after the 44-day war.")
    assert (c["source"], c["target"], c["polarity"], c["change"]) == ("TUR", "AZE", "cooperative", "increase")
    assert c["anchor"]["text"] == "after the 44-day war" and c["anchor"]["start"] == "2020-11-11"
    assert c["hypothesis"] == {"id": "E1", "claim": c["sentence"], "kind": "change", "dyad": "TUR-AZE",
                               "before": "pre-war", "after": "post-war", "expect": "increase"}


def test_negation_flips_and_hedges_are_flagged():
    c = one("Baku did not condemn Tehran.")
    assert c["polarity"] == "cooperative" and c["negated"] is True
    c = one("Iran reportedly supplied Armenia with fuel.")
    assert c["polarity"] == "cooperative" and c["hedges"] == ["reportedly"] and c["hedged"]
    c = one("Armenia may threaten Azerbaijan.")
    assert c["polarity"] == "conflictual" and "may" in c["hedges"]


@pytest.mark.parametrize("sentence,text,start,end,periods", [
    ("Iran has backed Armenia since 2020.", "since 2020", "2020-01-01", None, ["war", "post-war", "after"]),
    ("Iran currently backs Armenia.", "currently", None, None, ["after"]),
    ("For nearly 30 years Iran has backed Armenia.", "for nearly 30 years", "1994-01-01", None,
     ["pre-war", "war", "post-war", "after"]),
    ("Iran backed Armenia during the war.", "during the war", "2020-09-27", "2020-11-10", ["war"]),
    ("Iran backed Armenia in 2021.", "in 2021", "2021-01-01", "2021-12-31", ["post-war"]),
    ("Iran backs Armenia.", None, None, None, ["pre-war", "war", "post-war", "after"]),
])
def test_time_anchors(sentence, text, start, end, periods):
    c = one(sentence)
    assert c["anchor"]["text"] == text and c["anchor"]["start"] == start and c["anchor"]["end"] == end
    assert c["periods"] == periods


def test_against_and_rather_than():
    got = extract_claims("Tehran armed Yerevan against Baku.", when=WHEN)
    assert [(c["source"], c["target"], c["polarity"]) for c in got] == [
        ("IRN", "ARM", "cooperative"), ("IRN", "AZE", "conflictual")]
    c = one("Iran treats Armenia, not Azerbaijan, as its strategic partner.")
    assert c["versus"] == "AZE"
    assert c["hypothesis"]["kind"] == "compare" and c["hypothesis"]["y"] == "IRN>AZE"


def test_no_actors_means_no_claims():
    assert extract_claims("The weather was mild and markets were calm.", when=WHEN) == []
    assert extract_claims("", when=WHEN) == []


def test_sentence_split_keeps_abbreviations():
    s = [t for _, t in sentences("The U.S. backed Armenia. Iran did too! Did Turkey? e.g. not.")]
    assert s[0] == "The U.S. backed Armenia." and s[1] == "Iran did too!" and len(s) == 4


def test_extracted_hypotheses_validate_as_a_case():
    text = (TEXTS / "caucasus_commentary.txt").read_text(encoding="utf-8")
    case = case_from_text(text, when=WHEN)
    assert len(case.hypotheses) == len(extract_claims(text, when=WHEN)) > 5
    assert {t.name for h in case.hypotheses for t in h.tests} <= {"compare", "change"}


def test_fixture_texts_meet_a_quality_floor():
    """Precision and recall over all four annotated texts (bench/bench_extract.py reports the details)."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_extract import prf, score

    gold = json.loads((TEXTS / "expected.json").read_text(encoding="utf-8"))
    tp = npred = ngold = 0
    for name, ann in gold.items():
        if name.startswith("_"):
            continue
        s = score(extract_claims((TEXTS / name).read_text(encoding="utf-8"), when=WHEN), ann)
        tp, npred, ngold = tp + s["tp"], npred + s["predicted"], ngold + s["gold"]
    p, r, _ = prf(tp, npred, ngold)
    assert ngold == 40 and p >= 0.8 and r >= 0.7, (p, r)


# ------------------------------------------------------------------------------------- lexicon
def test_lexicon_is_derived_from_the_cameo_verb_dictionary(shared):
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / "build_polarity_lexicon.py"
    spec = importlib.util.spec_from_file_location("build_polarity_lexicon", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows = mod.build(shared / "event-coding" / "CAMEO.verbpatterns.150430.txt")
    with resources.files("detente.data").joinpath("polarity.tsv").open(encoding="utf-8") as fh:
        shipped = [(r["form"], int(r["polarity"]), float(r["goldstein"]), r["origin"])
                   for r in csv.DictReader(fh, delimiter="\t")]
    assert [(f, p, o) for f, p, _, o in rows] == [(f, p, o) for f, p, _, o in shipped]
    lex = lexicon()
    # hand-checkable entries: SUPPORT [050] cooperative, ATTACK in the [190] block conflictual, criticise (British)
    assert lex["support"] == 1 and lex["backed"] == 1 and lex["attack"] == -1 and lex["criticised"] == -1
    assert "hold" not in lex  # generic verb with a narrow CAMEO sense, left out on purpose
    cameo_rows = [r for r in shipped if r[3].startswith("cameo:")]
    assert len(cameo_rows) > 3000
    for _, pol, _, origin in cameo_rows:
        root = int(origin.split(":")[1][:2])
        assert (pol == 1 and 3 <= root <= 8) or (pol == -1 and 10 <= root <= 20)


# ------------------------------------------------------------------------------------- CLI
runner = CliRunner()


def test_cli_extract_json(tmp_path):
    res = runner.invoke(app, ["extract", str(TEXTS / "border_notes.txt"), "--on", "2024-01-01", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and {"source", "target", "polarity", "anchor", "sentence"} <= set(rows[0])
    assert rows[0]["source"] == "AZE" and rows[0]["target"] == "ARM" and rows[0]["polarity"] == "conflictual"


def test_cli_extract_yaml_is_a_loadable_case(tmp_path):
    res = runner.invoke(app, ["extract", str(TEXTS / "eurasia_brief.txt"), "--on", "2024-01-01", "--yaml"])
    assert res.exit_code == 0, res.output
    f = tmp_path / "case.yaml"
    f.write_text(res.stdout, encoding="utf-8")
    from detente.claims import load_case

    case = load_case(f)
    assert len(case.hypotheses) >= 5 and "UKR" in case.actors


def test_cli_extract_no_actors_exits_zero(tmp_path):
    f = tmp_path / "plain.txt"
    f.write_text("Nothing here names a state.\n", encoding="utf-8")
    res = runner.invoke(app, ["extract", str(f), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout) == []
    assert "no claims found" in res.stderr


def test_cli_extract_non_utf8(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes("Tehran soutient Erevan, d\xe9j\xe0.\n".encode("latin-1"))
    res = runner.invoke(app, ["extract", str(f)])
    assert res.exit_code == 2 and "not UTF-8" in res.stderr and "--encoding latin-1" in res.stderr
    res = runner.invoke(app, ["extract", str(f), "--encoding", "latin-1", "--format", "json"])
    assert res.exit_code == 0


def test_cli_bad_case_file(tmp_path):
    f = tmp_path / "bad.yaml"
    f.write_text("name: x\nactors: [IRN, ARM]\nperiods: {all: {}}\nhypotheses:\n  - {id: A, claim: c, kind: nope}\n")
    res = runner.invoke(app, ["claims", "--case-file", str(f)])
    assert res.exit_code == 2
    assert "bad.yaml:5: hypotheses[0].kind: unknown kind 'nope'; expected one of alignment" in res.stderr


def test_cli_kinds():
    res = runner.invoke(app, ["claims", "--kinds", "--format", "json"])
    assert res.exit_code == 0
    assert {r["kind"] for r in json.loads(res.stdout)} == {
        "alignment", "association", "break", "change", "compare", "influence", "presence"}


def test_multi_word_verbs_of_the_lexicon_match():
    """Lexicon forms of multi-word CAMEO verbs ("+BLOW_UP") are stored without PETRARCH's "+" marker."""
    (c,) = extract_claims("Azerbaijan blows up an Armenian depot.")
    assert (c["source"], c["target"], c["polarity"], c["cues"]) == ("AZE", "ARM", "conflictual", ["blows up"])
