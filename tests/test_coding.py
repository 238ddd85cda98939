"""Event coding: hand-written sentences per pattern type, gold-set floors, bad input, CLI, ingest."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from detente import coding
from detente.coding import evaluate
from detente.coding.dictionaries import PhraseIndex, parse_code, phrase, read_actors
from detente.coding.parse import tokenize
from detente.coding.verbs import inflect, read_verbs

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
EC = SHARED / "event-coding"
DAY = date(2022, 9, 1)


@pytest.fixture(scope="module")
def coder():
    return coding.load()


def triples(text: str, coder, when: date = DAY) -> list[tuple[str, str, str]]:
    return [(e["source_code"], e["target_code"], e["cameo_code"]) for e in coding.code_sentence(text, when, coder)]


# -- each pattern type, exact expected coding ----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Azerbaijan attacked Armenia on Tuesday.", [("AZE", "ARM", "190")]),  # active
        ("Armenia was attacked by Azerbaijan.", [("AZE", "ARM", "190")]),  # passive
        ("Turkey condemned Azerbaijan.", [("TUR", "AZE", "111")]),
        ("Turkey did not condemn Azerbaijan.", []),  # negation: no event
        ("Iran and Armenia signed a trade agreement.", [("IRN", "ARM", "0311"), ("ARM", "IRN", "0311")]),
        ("Iran criticized Azerbaijan and Turkey.", [("IRN", "AZE", "111"), ("IRN", "TUR", "111")]),  # compound target
        ("Georgia said Russia attacked Ukraine.", [("RUS", "UKR", "190")]),  # attribution
        ("Russia accused Ukraine of shelling.", [("RUS", "UKR", "1123")]),
        ("France sent humanitarian aid to Armenia.", [("FRA", "ARM", "073")]),  # 'aid' is a noun here
        ("The Armenian foreign minister urged Azerbaijan to release prisoners.", [("ARMGOV", "AZE", "0253")]),  # agent
        ("The weather was mild.", []),
    ],
)
def test_hand_written_sentences(coder, text, expected):
    assert triples(text, coder) == expected


def test_case_actors_come_from_actors_module(coder):
    assert coder.external is not None  # detente.actors ships with the package: a failure here is a bug
    assert triples("Nikol Pashinyan met Ilham Aliyev in Brussels.", coder) == [
        ("ARMGOV", "AZEGOV", "040"), ("AZEGOV", "ARMGOV", "040")]
    assert triples("Ebrahim Raisi praised Armenia.", coder) == [("IRNGOV", "ARM", "051")]  # 051 Praise
    ev = coding.code_sentence("Nagorno-Karabakh authorities accused Azerbaijan of aggression.", DAY, coder)
    assert [(e["source_actor"], e["target_actor"], e["cameo_code"]) for e in ev] == [("NKR", "AZE", "1123")]
    ev = coding.code_sentence("Masoud Pezeshkian visited Yerevan.", date(2024, 9, 1), coder)
    assert [(e["source_code"], e["target_code"], e["cameo_code"]) for e in ev] == [
        ("IRNGOV", "ARM", "042"), ("ARM", "IRNGOV", "043")]  # [042:043]: visit and host


def test_statement_option(coder):
    with_statement = coding.with_statements(coder)
    got = triples("Georgia said Russia attacked Ukraine.", with_statement)
    assert ("RUS", "UKR", "190") in got and ("GEO", "RUS", "010") in got


def test_event_fields(coder):
    ev = coding.code_sentence("Azerbaijan attacked Armenia.", DAY, coder)[0]
    assert ev["quad_class"] == 4 and ev["goldstein"] == -10.0 and ev["plover_type"] == "ASSAULT"
    assert ev["cameo_root"] == "19" and ev["date"] == "2022-09-01"
    s, e = ev["target_span"]
    assert ev["sentence"][s:e] == "Armenia" == ev["target_text"]


# -- dictionaries ---------------------------------------------------------------------------------
def test_actor_codes_and_dates(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("GOLLUM # c\n+SMEAGOL\n\t[HOB <950601]\n\t[HOBGOV 19950601-19990815]\n\t[HOBREB >990816]\n"
                 "ARGENTIN [ARG]\nBOROMIR [---]\n", encoding="utf-8")
    d = read_actors([f])
    idx: PhraseIndex = d.index
    hit = idx.match(["SMEAGOL"], 0)
    assert hit[1].code_on(date(1994, 1, 1)) == "HOB"
    assert hit[1].code_on(date(1997, 1, 1)) == "HOBGOV"
    assert hit[1].code_on(date(2001, 1, 1)) == "HOBREB"
    assert idx.match(["ARGENTINA"], 0)[1].code_on(None) == "ARG"  # stem
    assert idx.match(["BOROMIR"], 0)[1].code_on(None) == ""  # a known non-actor
    assert parse_code("ARMGOV 900804-980203") == ("ARMGOV", date(1990, 8, 4), date(1998, 2, 3))
    assert parse_code("ARMUNR 9008223-911221") is None  # malformed date: reported, not guessed
    assert phrase("ARMENIA_").stem is False and phrase("GYUMRI").stem is True


def test_verb_dictionary(tmp_path):
    f = tmp_path / "v.txt"
    f.write_text("&CEASE\n+TRUCE\n+CEASE_FIRE\n\n--- ACCEPT [081] ---\nACCEPT\n"
                 "- * &CEASE [0831]\n- NOT * [112]\nWIRE_+TAP [1711]\n", encoding="utf-8")
    v = read_verbs(f)
    assert {"ACCEPTS", "ACCEPTED", "ACCEPTING"} <= set(v.forms)
    assert [x.code for x in v.forms["WIRE"]] and v.forms["WIRE"][0].code == "1711"
    assert v.synsets["CEASE"][0] == (("CEASE", "FIRE"), True)
    c = coding.Coder(v, PhraseIndex(), PhraseIndex(), PhraseIndex())
    assert len(v.blocks[0].patterns) == 2 and c is not None
    assert v.blocks[0].code == "081" and [p.code for p in v.blocks[0].patterns] == ["0831", "112"]
    assert "ADMITTED" in inflect("ADMIT") and "DENIED" in inflect("DENY")


def test_tokenize_spans():
    t = tokenize("U.S. officials didn't meet Iran's envoy.")
    assert t.words[:5] == ["U.S.", "OFFICIALS", "DID", "N'T", "MEET"]
    assert "'S" in t.words and t.surface(0, 1) == "U.S."


# -- gold sets: accuracy floors (fail on regression) ---------------------------------------------
@pytest.mark.skipif(not EC.exists(), reason="shared event-coding data not present")
def test_petrarch_unit_records_floor():
    recs = evaluate.petrarch_records(EC / "PETR.UnitTest.records.xml")
    assert len(recs) == 284 and sum(len(r.events) for r in recs) == 354
    s = evaluate.score_petrarch(coding.validation_coder(EC), recs).as_dict()
    assert s["exact_code_accuracy"] >= 0.65
    assert s["precision"] >= 0.78 and s["recall"] >= 0.57


@pytest.mark.skipif(not EC.exists(), reason="shared event-coding data not present")
def test_plover_gold_floor(coder):
    recs = evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json")
    assert len(recs) == 322
    s = evaluate.score_plover(coder, recs).as_dict()
    assert s["exact_code_accuracy"] >= 0.28  # PLOVER type
    assert s["source_accuracy"] >= 0.50
    assert s["precision"] >= 0.15 and s["recall"] >= 0.16


# -- bad input ------------------------------------------------------------------------------------
def test_bad_input_is_counted_not_fatal(coder):
    long = "Azerbaijan attacked Armenia " + "and more words " * 3000
    raw = [b"", b"   ", b"Azerbaijan attacked Armenia.", b"caf\xe9 Armenia attacked Azerbaijan.",
           long.encode(), b"The weather was mild.", b"Nothing here at all"]
    rows, s = coding.code_lines(raw, when=DAY, coder=coder)
    assert s.lines == 7 and s.empty_lines == 2
    assert s.non_utf8_lines == 1 and s.long_lines_cut == 1
    assert s.no_actor == 2
    assert [(r["source_code"], r["target_code"]) for r in rows][:2] == [("AZE", "ARM"), ("ARM", "AZE")]
    assert any(p.startswith("line 4:") for p in s.problems) and any(p.startswith("line 5:") for p in s.problems)


def test_malformed_jsonl_line_reports_line(coder):
    raw = [json.dumps({"id": "a", "date": "2021-05-12", "text": "Azerbaijan attacked Armenia."}).encode(),
           b"{not json", json.dumps({"id": "c", "text": 5}).encode(),
           json.dumps({"id": "d", "date": "2021-05-13", "text": "Iran condemned Azerbaijan."}).encode()]
    rows, s = coding.code_lines(raw, jsonl=True, coder=coder)
    assert s.malformed == 2
    assert [p.split(":")[0] for p in s.problems] == ["line 2", "line 3"]
    assert [(r["doc_id"], r["date"], r["cameo_code"]) for r in rows] == [("a", "2021-05-12", "190"),
                                                                           ("d", "2021-05-13", "111")]


def test_split_sentences_keeps_abbreviations():
    assert coding.split_sentences("The U.S. envoy met Armenia. Iran objected.") == [
        "The U.S. envoy met Armenia.", "Iran objected."]


# -- CLI and ingest -------------------------------------------------------------------------------
def _run(*args: str):
    from typer.testing import CliRunner

    from detente.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_code_csv_and_json(tmp_path):
    f = tmp_path / "news.txt"
    f.write_text("Azerbaijan attacked Armenia.\n\nIran and Armenia signed a trade agreement.\n", encoding="utf-8")
    r = _run("code", str(f), "--format", "csv", "--date", "2021-05-12")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("event_id,date,source_text") and len(lines) == 4
    assert "empty_lines 1" in r.stderr and "events 3" in r.stderr
    r = _run("code", str(f), "--format", "json")
    assert [e["cameo_code"] for e in json.loads(r.stdout)] == ["190", "0311", "0311"]
    r = _run("code", str(f), "--date", "12/05/2021")
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.stderr


def test_ingest_into_store(tmp_path, coder):
    from detente.store import Store

    f = tmp_path / "news.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in [
        {"id": "n1", "date": "2021-05-12", "text": "Azerbaijan attacked Armenia.", "url": "https://example.org/1"},
        {"id": "n2", "date": "2021-05-13", "text": "Iran and Armenia signed a trade agreement."},
    ]) + "\n", encoding="utf-8")
    rows, _ = coding.code_file(f, coder=coder)
    out = tmp_path / "news.coded.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    s = Store(tmp_path / "s.duckdb")
    res = s.ingest_file(out, fmt="coded")
    assert (res.rows_read, res.rows_stored, res.rows_quarantined) == (3, 3, 0)
    got = s.con.execute("SELECT date::VARCHAR, source_actor, target_actor, cameo_code, quad_class, goldstein, "
                        "source_url FROM events WHERE dataset = 'coded' ORDER BY date, source_actor").fetchall()
    assert got == [("2021-05-12", "AZE", "ARM", "190", 4, -10.0, "https://example.org/1"),
                   ("2021-05-13", "ARM", "IRN", "0311", 1, 5.2, None),
                   ("2021-05-13", "IRN", "ARM", "0311", 1, 5.2, None)]
    assert s.ingest_file(out, fmt="coded").skipped  # idempotent
    s.close()


def test_cli_ingest(tmp_path):
    f = tmp_path / "news.txt"
    f.write_text("Azerbaijan attacked Armenia.\n", encoding="utf-8")
    store = tmp_path / "s.duckdb"
    r = _run("code", str(f), "--date", "2021-05-12", "--ingest", "--store", str(store), "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)[0]["rows_stored"] == 1
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    assert con.execute("SELECT source_actor, target_actor, cameo_code FROM events WHERE dataset='coded'").fetchall() \
        == [("AZE", "ARM", "190")]
    con.close()


def test_shipped_dictionaries_hold_what_the_docs_say():
    """docs/coding.md: 396 verb blocks with 11,008 patterns; 27,211 entries in the three Phoenix actor files."""
    from detente.coding import DATA, PHOENIX_ACTORS, VERBS, read_actors

    v = read_verbs(DATA / VERBS)
    assert (len(v.blocks), sum(len(b.patterns) for b in v.blocks)) == (396, 11008)
    assert read_actors([DATA / f for f in PHOENIX_ACTORS]).entries == 27211


def test_synset_index_follows_its_own_dictionary(tmp_path):
    """Two verb dictionaries loaded one after the other, the first freed: the second's synsets must be used."""
    from detente.coding.patterns import _syn_candidates

    for k, word in enumerate(["TRUCE", "ARMISTICE"] * 20):
        f = tmp_path / f"v{k}.txt"
        f.write_text(f"&CEASE\n+{word}\n\n--- ACCEPT [081] ---\nACCEPT\n", encoding="utf-8")
        v = read_verbs(f)
        assert [m[0] for m in _syn_candidates(v.synsets, "CEASE", word, True)] == [(word,)], k
        del v
