"""Event coding on news text (issue 14): one test per bug of the issue, dictionary formats, document mode,
and the accuracy targets on the gold files (PETRARCH unit tests, PLOVER GSR, our own gold set)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from detente import coding
from detente.coding import evaluate
from detente.coding.coder import intent
from detente.coding.dictionaries import PhraseIndex, phrase, read_actors, read_agents, read_discards
from detente.coding.verbs import read_verbs
from detente.errors import UserError

EC = Path(__file__).resolve().parents[2] / "shared" / "data" / "event-coding"
GOLD = Path(__file__).resolve().parent / "fixtures" / "coding_gold.jsonl"
DAY = date(2023, 6, 15)


@pytest.fixture(scope="module")
def coder():
    return coding.load()


def triples(coder, text: str, context: str | None = None) -> list[tuple[str, str, str]]:
    res = coder.code(text, DAY, context) if context else coder.code(text, DAY)
    return [(e.source.code, e.target.code, e.code) for e in res.events]


# -- the bugs of the issue, each with the sentence that showed it ----------------------------------------
def test_attended_talks_invents_no_reverse_event(coder):
    assert triples(coder, "Nikol Pashinyan attended talks with Ilham Aliyev in Brussels.") == [
        ("ARMGOV", "AZEGOV", "046")]
    # a visit is the verb's direct object: the dictionary's [042:043] host event stays
    assert triples(coder, "Armenian Prime Minister Nikol Pashinyan visited Paris on Monday.") == [
        ("ARMGOV", "FRA", "042"), ("FRA", "ARMGOV", "043")]


def test_null_country_actors_from_dateline_and_sentence(coder):
    assert triples(coder, "The rebels attacked an army base in the north of the country.", "BAMAKO") == [
        ("MLIREB", "MLIMIL", "190")]
    assert triples(coder, "The rebels attacked an army base in the north of the country.") == []  # no country
    assert triples(coder, "Parliament ratified the border treaty with Georgia on Thursday.", "BAKU") == [
        ("AZELEG", "GEO", "057")]
    # the country named in the sentence ('in Syria')
    assert triples(coder, "The government condemned the attack by rebels in Syria.") == [("SYRGOV", "SYRREB", "111")]
    # a place in the sentence ('in Baku') when there is no dateline; the dateline first when there is one
    assert triples(coder, "Demonstrators protested outside the French embassy in Baku.") == [
        ("AZEOPP", "FRAGOV", "141")]
    assert triples(coder, "Demonstrators protested outside the French embassy in Baku.", "TBILISI") == [
        ("GEOOPP", "FRAGOV", "141")]
    # 'the ambassador of Iran' is Iran's, the president the dateline's
    assert triples(coder, "The president met the ambassador of Iran.", "BAKU")[0] == ("AZEGOV", "IRNGOV", "040")


def test_passive_voice(coder):
    assert triples(coder, "Armenian positions were shelled by Azerbaijani forces.") == [("AZEMIL", "ARM", "194")]
    assert triples(coder, "Azerbaijan was criticised by France.") == [("FRA", "AZE", "111")]
    assert triples(coder, "Kazakhstan was visited by Chinese President Xi Jinping.")[0] == ("CHNGOV", "KAZ", "042")


def test_negated_support_is_121_family(coder):
    assert triples(coder, "Armenia would not provide support to Russia's war effort.") == [("ARM", "RUS", "121")]
    assert triples(coder, "Turkey will not provide military support to the rebels.", "DAMASCUS") == [
        ("TUR", "SYRREB", "1212")]
    assert triples(coder, "The Georgian government refused to send aid to Ukraine.") == [("GEOGOV", "UKR", "121")]
    assert triples(coder, "Armenia did not condemn the Russian invasion of Ukraine.") == []  # other negations: none


def test_short_dictionary_words_match_exactly(coder):
    assert triples(coder, "Iran said the plan helped Armenia.") == []  # was CHNMIL 064 ARM
    for text in ("Chinese planners were planning a new platform.", "The teams were playing in Baku."):
        assert not any("CHNMIL" in (s, t) for s, t, _ in triples(coder, text)), text
    idx = PhraseIndex()
    idx.add(phrase("PLA"), "CHNMIL", plural=True)
    idx.add(phrase("ARGENTIN"), "ARG")
    assert [idx.match([w], 0) and idx.match([w], 0)[1] for w in ("PLA", "PLAS", "PLAN", "PLATFORM", "ARGENTINA")] \
        == ["CHNMIL", "CHNMIL", None, None, "ARG"]


def test_exercises_near_a_border_are_force_posture(coder):
    assert triples(coder, "Iran launched military drills near the Azerbaijani border.") == [("IRN", "AZE", "150")]
    assert triples(coder, "Russia and Armenia held joint exercises.") == [("RUS", "ARM", "062"), ("ARM", "RUS", "062")]


def test_red_line_is_no_rebel_target(coder):
    assert triples(coder, "Iran said the move crossed a red line.") == []  # target was GRCREB


def test_appeal_codes_the_appeal_not_what_was_asked(coder):
    assert triples(coder, "The European Union urged Azerbaijan to release the Armenian prisoners.") == [
        ("IGOEUREEC", "AZE", "0253")]  # no AZE 0841 ARM


# -- dictionary formats -----------------------------------------------------------------------------------
TABARI_VERBS = """; a TABARI-style verb dictionary, written for this test
ACCUSE  [112]   ; pas
- * OF AGGRESSION [1123]
PRAISE  [051]
SHELL  [194]
BEGIN {BEGAN BEGUN BEGINNING} [---]
"""


def test_tabari_verb_dictionary_loads_and_codes(tmp_path):
    f = tmp_path / "tabari.verbs"
    f.write_text(TABARI_VERBS, encoding="utf-8")
    v = read_verbs(f)
    assert [b.name for b in v.blocks] == ["ACCUSE", "PRAISE", "SHELL", "BEGIN"]
    assert sum(len(b.patterns) for b in v.blocks) == 1 and "BEGAN" in v.forms
    actors = tmp_path / "a.actors"
    actors.write_text("ARMENIA_ [ARM] ; TABARI comment\nAZERBAIJAN_ [AZE]\n", encoding="utf-8")
    c = coding.Coder(v, read_actors([actors]).index, PhraseIndex(), PhraseIndex())
    got = [(e.source.code, e.target.code, e.code) for e in c.code("Azerbaijan accused Armenia of aggression.").events]
    assert got == [("AZE", "ARM", "1123")]


@pytest.mark.parametrize(("reader", "expected"), [
    (read_verbs, "TABARI"), (lambda p: read_actors([p]), "actor dictionary"),
    (lambda p: read_agents([p]), "agent dictionary"), (lambda p: read_discards([p]), "discard list")])
def test_a_dictionary_that_reads_nothing_fails_in_one_line(tmp_path, reader, expected):
    f = tmp_path / "empty.txt"
    f.write_text("# nothing here\n<!-- only a comment -->\n", encoding="utf-8")
    with pytest.raises(UserError) as e:
        reader(f)
    msg = str(e.value)
    assert "\n" not in msg and str(f) in msg and expected in msg


@pytest.mark.skipif(not EC.exists(), reason="shared event-coding data not present")
def test_every_shipped_and_validation_dictionary_loads():
    from detente.coding import DATA, PHOENIX_ACTORS, VERBS

    assert len(read_verbs(DATA / VERBS).blocks) == 396
    assert len(read_verbs(EC / "PETR.Validate.verbs.txt").blocks) > 100
    assert read_actors([EC / "PETR.Validate.actors.txt"]).entries > 20
    assert read_agents([DATA / "Phoenix.agents.txt.gz", DATA / "detente.agents.txt"]).size > 1000
    assert read_discards([EC / "PETR.Validate.discards.txt"]).size == 9
    assert read_actors([DATA / f for f in PHOENIX_ACTORS]).entries == 27211


# -- document mode ----------------------------------------------------------------------------------------
ARTICLE = """Shooting on the border

YEREVAN, June 3 (detente) - The government accused Azerbaijan of shelling border villages on Sunday.

Parliament condemned the shelling. The government accused Azerbaijan of shelling border villages.

Rebels were not involved, officials said.
"""


def test_article_dateline_and_dedup(coder):
    a = coding.read_article(ARTICLE, DAY, "a1")
    assert a.dateline == "YEREVAN" and len(a.paragraphs) == 3
    assert a.paragraphs[0].startswith("The government accused")
    rows, s = coding.code_article(a, coder)
    got = [(r["source_code"], r["target_code"], r["cameo_code"], r["line"]) for r in rows]
    assert got == [("ARMGOV", "AZE", "1123", 2)]  # 'the government' is Armenia's (the dateline), once
    assert s.duplicates == 1 and s.sentences == 5
    assert all(r["doc_id"] == "a1" and r["date"] == "2023-06-15" for r in rows)


def test_article_without_dateline_uses_earlier_sentences(coder):
    a = coding.read_article("Border tension\n\nArmenia accused Azerbaijan of aggression.\n\n"
                            "The Armenian government later condemned Turkey. Parliament praised France.", DAY)
    assert a.dateline is None
    rows, _ = coding.code_article(a, coder)
    assert ("ARMLEG", "FRA", "051") in [(r["source_code"], r["target_code"], r["cameo_code"]) for r in rows]


def test_cli_article(tmp_path):
    from typer.testing import CliRunner

    from detente.cli import app

    f = tmp_path / "article.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    r = CliRunner().invoke(app, ["code", str(f), "--article", "--date", "2023-06-03", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    import json

    rows = json.loads(r.stdout)
    assert ("ARMGOV", "AZE") in [(x["source_code"], x["target_code"]) for x in rows]
    assert "duplicates 1" in r.stderr


# -- accuracy targets on the gold files (speed is measured in bench/bench_coding.py, not here) -------------
def _targets(s: dict, exact: float = 0.7, root: float = 0.8, pr: float = 0.7) -> None:
    assert s["exact_code_accuracy"] >= exact, s
    assert s["root_code_accuracy"] >= root, s
    assert s["precision"] >= pr and s["recall"] >= pr, s


@pytest.mark.skipif(not EC.exists(), reason="shared event-coding data not present")
def test_petrarch_unit_records_meet_targets():
    s = evaluate.score_petrarch(coding.validation_coder(EC), evaluate.petrarch_records(EC / "PETR.UnitTest.records.xml"))
    _targets(s.as_dict())


def test_gold_set_shape():
    recs = evaluate.gold_records(GOLD)
    assert len(recs) >= 150 and len({r.id for r in recs}) == len(recs)
    tags = [t for r in recs for t in r.tags]
    assert tags.count("no_event") >= 12 and tags.count("passive") >= 8 and tags.count("null_actor") >= 12
    assert all(not r.events for r in recs if "no_event" in r.tags)
    assert {len(evaluate.gold_records(GOLD, h)) for h in ("tune", "holdout")} <= {76, 77}
    assert len(evaluate.gold_records(GOLD, "fresh")) == 30  # written after the second pass's rules
    assert len(evaluate.gold_records(GOLD, "fresh2")) == 40  # written at the start of session 7's second round, before its changes
    # the four parts are the whole set (checked here: inside the whole set's strict xfail a failed count would pass)
    assert len(recs) == 223 and len(evaluate.gold_records(GOLD, ("tune", "holdout", "fresh", "fresh2"))) == 223


def test_gold_set_fresh_half_floors(coder):
    """The fresh half (G154-G183) was coded by hand before the coder ever ran on it: measured exact 0.73,
    root 0.94, P 0.59, R 0.58 (session 5 start: 0.61 / 0.88 / 0.47 / 0.45; session 6 start: 0.67 / 0.88 /
    0.53 / 0.52; session 7 start: 0.70 / 0.91 / 0.56 / 0.55; never read in sessions 6-7). Floors just below."""
    _targets(evaluate.score_gold(coder, evaluate.gold_records(GOLD, "fresh")).as_dict(), 0.69, 0.90, 0.54)


@pytest.mark.xfail(strict=True, reason="not met: fresh half exact 0.73, P/R 0.59/0.58 (docs/coding.md)")
def test_gold_set_fresh_half_meets_targets(coder):
    _targets(evaluate.score_gold(coder, evaluate.gold_records(GOLD, "fresh")).as_dict())


def test_gold_set_second_fresh_half_floors(coder):
    """The second fresh half (G184-G223, 40 sentences) was written and coded by hand at the start of session 7's second round,
    before any of its changes and before the coder ran on it; its misses are not read. Measured before and
    after session 7's second round: exact 0.69, root 0.88, P 0.52, R 0.52. Floors just below."""
    _targets(evaluate.score_gold(coder, evaluate.gold_records(GOLD, "fresh2")).as_dict(), 0.67, 0.86, 0.50)


@pytest.mark.xfail(strict=True, reason="not met: second fresh half exact 0.69, root 0.88, P/R 0.52/0.52 "
                                       "(docs/coding.md)")
def test_gold_set_second_fresh_half_meets_targets(coder):
    _targets(evaluate.score_gold(coder, evaluate.gold_records(GOLD, "fresh2")).as_dict())


def test_gold_set_no_event_sentences_left_empty(coder):
    for half in ("tune", "holdout", "fresh", "fresh2"):
        s = evaluate.score_gold(coder, evaluate.gold_records(GOLD, half)).as_dict()
        assert s["no_event_left_empty"] >= 0.9, (half, s)


def test_gold_set_tune_half_meets_targets(coder):
    """Measured (docs/coding.md): tune exact 0.88 root 0.97 P 0.80 R 0.80."""
    _targets(evaluate.score_gold(coder, evaluate.gold_records(GOLD, "tune")).as_dict())


@pytest.mark.skipif(not EC.exists(), reason="shared event-coding data not present")
def test_plover_gold_floors(coder):
    """Measured (session 7): PLOVER 0.5b1 type 0.622, precision 0.59, recall 0.54; tune half (misses read)
    0.70 / 0.63 / 0.61; holdout half (ids never read while developing) 0.53 / 0.54 / 0.46; strict old scoring
    (2021 types, every event) 0.48 / 0.36 / 0.34."""
    s = evaluate.score_plover(coder, evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json")).as_dict()
    _targets(s, 0.60, 0.60, 0.52)
    hold = evaluate.score_plover(coder, evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json", half="holdout"))
    _targets(hold.as_dict(), 0.52, 0.52, 0.45)
    strict = evaluate.score_plover(coder, evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json", strict=True),
                                   strict=True).as_dict()
    assert strict["exact_code_accuracy"] >= 0.47 and strict["precision"] >= 0.34


def test_gold_set_holdout_meets_targets(coder):
    """Measured (docs/coding.md): holdout exact 0.82, root 0.89, P 0.71, R 0.72 (after its misses were read:
    see docs/coding.md on what that does to the holdout)."""
    _targets(evaluate.score_gold(coder, evaluate.gold_records(GOLD, "holdout")).as_dict())


@pytest.mark.skipif(not EC.exists(), reason="shared event-coding data not present")
@pytest.mark.xfail(strict=True, reason="not met: PLOVER 0.5b1 type 0.62, P/R 0.59/0.54; holdout 0.53 (docs/coding.md)")
def test_plover_gold_meets_targets(coder):
    _targets(evaluate.score_plover(coder, evaluate.plover_records(EC / "PLOVER_GSR_CAMEO.json")).as_dict())


def test_future_acts_are_intents(coder):
    """CAMEO 03: an act announced for the future is an intent ('will give a grant' 0331, 'gave' 071)."""
    assert triples(coder, "Finland will give Tanzania a grant.") == [("FIN", "TZA", "0331")]
    assert triples(coder, "Finland gave Tanzania a grant.") == [("FIN", "TZA", "071")]
    assert intent("163") == "1312"  # a hostile act announced is a threat


def test_what_was_demanded_is_not_an_event(coder):
    # a demand on the subject of a 'that' clause; the clause's own act (the withdrawal) is not coded
    assert triples(coder, "Greece demanded that Turkey withdraw its troops from Cyprus.") == [("GRC", "TUR", "1056")]
    # 'X said Y must ...' is X's demand on Y (CAMEO 10)
    assert triples(coder, "Russia said Sudan must return the helicopter.") == [("RUS", "SDN", "100")]
    assert triples(coder, "Georgia said Russia attacked Ukraine.") == [("RUS", "UKR", "190")]  # attribution unchanged


def test_jsonl_articles(coder, tmp_path):
    import json

    f = tmp_path / "news.jsonl"
    f.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a1", "date": "2023-06-03", "title": "Border shooting", "dateline": "YEREVAN",
         "paragraphs": ["The government accused Azerbaijan of shelling border villages.",
                        "The government accused Azerbaijan of shelling border villages."], "url": "https://example.org/a1"},
        {"id": "s1", "date": "2023-06-04", "text": "Turkey condemned Azerbaijan."},
    ]) + "\n", encoding="utf-8")
    rows, s = coding.code_file(f, coder=coder)
    got = [(r["doc_id"], r["source_code"], r["target_code"], r["cameo_code"], r["source_url"]) for r in rows]
    assert got == [("a1", "ARMGOV", "AZE", "1123", "https://example.org/a1"), ("s1", "TUR", "AZE", "111", None)]
    assert s.duplicates == 1 and s.sentences == 4


def test_passive_agent_followed_by_a_participle(coder):
    # the 'by' actor is also the subject of 'armed': it was cut off by that clause's limit before
    got = triples(coder, "A refugee camp in Armenia was attacked by Azerbaijani soldiers armed with rifles.")
    assert [(s, t) for s, t, _ in got] == [("AZEMIL", "ARMREF")]


def test_trailing_attribution_is_no_target(coder):
    got = triples(coder, "Armenia restored ties with Turkey after Azerbaijani crowds attacked its embassy, "
                         "a senior Georgian official said on Saturday.")
    assert not any(t.startswith("GEO") for _, t, _ in got) and ("ARM", "TUR") in [(s, t) for s, t, _ in got]


def test_one_dictionary_entry_naming_several_actors(tmp_path):
    from detente.coding.verbs import read_verbs

    v = tmp_path / "v.txt"
    v.write_text("--- PRAISE [051] ---\nPRAISE\n", encoding="utf-8")
    a = tmp_path / "a.txt"
    a.write_text("THE_SHIRE_ [FRO/BIL/SAM]\nGONDOR_ [GON]\n", encoding="utf-8")
    c = coding.Coder(read_verbs(v), read_actors([a]).index, PhraseIndex(), PhraseIndex())
    assert [(e.source.code, e.target.code) for e in c.code("The Shire praised Gondor.").events] == [
        ("FRO", "GON"), ("BIL", "GON"), ("SAM", "GON")]


# -- issue 14, second pass: PLOVER 0.5b1 types, uncoded verbs, plural demonyms ------------------------------
def test_plover_05_types_follow_the_gold_files_version():
    """The PLOVER gold file is 0.5b1: CAMEO cue categories kept, 08 split, 19-20 FIGHT, 01-02 dropped."""
    assert [evaluate.plover_05(c) for c in ("036", "0813", "0841", "094", "1053", "163", "185", "192", "203")] == [
        "AGREE", "CONCEDE", "RETREAT", "INVESTIGATE", "DEMAND", "SANCTION", "ASSAULT", "FIGHT", "FIGHT"]
    assert evaluate.plover_05("010") is None and evaluate.plover_05("0233") is None
    assert evaluate.plover_half("PLOVER-GSR01-AGREE-0001") == "tune"
    assert evaluate.plover_half("PLOVER-GSR01-AGREE-0002") == "holdout"


def test_uncoded_verbs_get_codebook_defaults(coder):
    """REJECT sits in a '---' block of the 2015 dictionary: it codes 120 unless a pattern says more."""
    assert triples(coder, "Armenia rejected the Russian plan.") == [("ARM", "RUS", "120")]
    assert triples(coder, "Armenia refused to send aid to Iran.") == [("ARM", "IRN", "121")]


def test_verbs_of_ending_and_easing_are_coded_by_their_object(coder):
    assert triples(coder, "Serbia eased emergency measures in Montenegro.") == [("SRB", "MNE", "0814")]
    assert triples(coder, "The Israeli army lifted a blockade on Palestinian lorries.") == [("ISRMIL", "PSE", "0872")]
    assert triples(coder, "Armenia severed relations with Turkey.") == [("ARM", "TUR", "161")]
    assert triples(coder, "Israeli intelligence officials shared evidence with Egypt.") == [("ISRSPYGOV", "EGY", "064")]


def test_plural_demonyms_are_actors(coder):
    assert triples(coder, "Ghana deported Liberians.") == [("GHA", "LBR", "174")]


def test_a_pattern_stays_with_the_verb_it_was_written_for(coder):
    """WITHHOLD's '* SUPPORT [162]' shares a block with DETAIN: 'detained ... supporters' is an arrest (173)."""
    assert triples(coder, "Police detained dozens of opposition supporters.", "TBILISI") == [("GEOCOP", "GEOOPP", "173")]


def test_codebook_subcodes_read_off_the_object(coder):
    assert triples(coder, "North Korea threatened to strike South Korea with nuclear weapons.") == [("PRK", "KOR", "1385")]
    assert triples(coder, "The Armenian opposition demanded the resignation of the government.") == [
        ("ARMOPP", "ARMGOV", "1041")]
    assert triples(coder, "Ukraine mobilised reservists along the border with Belarus.") == [("UKR", "BLR", "154")]
    assert triples(coder, "Russia blockaded Ukrainian ports.") == [("RUS", "UKR", "191")]


def test_a_host_is_visited_and_an_adjective_actor_does_not_hide_the_verb(coder):
    assert triples(coder, "Iran hosted the foreign ministers of Turkey.") == [("IRN", "TURGOV", "043"), ("TURGOV", "IRN", "042")]
    assert triples(coder, "The Turkish military staged exercises near the Greek islands.") == [("TURMIL", "GRC", "150")]


def test_reported_acts_and_reduced_relative_clauses(coder):
    # the reported act is the event; 'based in Geneva' leaves the diplomats in the object; the pattern
    # '+ * &PREPOSIT1 $' may not reach back past 'said' to make Switzerland the target
    assert triples(coder, "Switzerland said it had expelled two Russian diplomats based in Geneva.") == [
        ("CHE", "RUSGOV", "161")]
    # a place after the subject is no subject: 'police in Jericho confiscated'
    assert triples(coder, "Palestinian police in Jericho confiscated weapons from Palestinian armed groups.") == [
        ("PSECOP", "PSEUAF", "1711")]


def test_strikes_as_light_verb_objects(coder):
    assert triples(coder, "Armenian teachers staged a hunger strike against the government.") == [
        ("ARMEDU", "ARMGOV", "142")]
    assert triples(coder, "Israel carried out air strikes on Lebanon.") == [("ISR", "LBN", "195")]


def test_rejections_take_the_codebook_subcode_of_what_is_rejected(coder):
    assert triples(coder, "Azerbaijan rejected the French proposal for a peace conference.") == [("AZE", "FRA", "125")]
    assert triples(coder, "Armenia rejected the opposition's demand for early elections.") == [
        ("ARM", "ARMOPP", "1231")]
    assert triples(coder, "Iran refused to allow inspectors from the IAEA to visit the site.") == [
        ("IRN", "IAEA", "1245")]


def test_summoned_envoy_is_a_complaint_and_events_are_not_repeated(coder):
    assert triples(coder, "India summoned the Pakistani envoy over the border shooting.") == [("IND", "PAKGOV", "114")]
    assert triples(coder, "The parliament voted to expel the Russian ambassador.", "CHISINAU") == [
        ("MDALEG", "RUSGOV", "174")]


def test_according_to_is_no_verb_and_suing_is_a_lawsuit(coder):
    assert triples(coder, "Iran supplied drones to Russia, according to Ukrainian intelligence.") == [
        ("IRN", "RUS", "072")]
    assert triples(coder, "A Saudi businessman is suing the United States.") == [("SAUBUS", "USA", "115")]


def test_gold_set_first_183_meet_targets(coder):
    """Measured (docs/coding.md): the 183 sentences G001-G183 (tune, holdout and the first fresh half) exact 0.831,
    root 0.94, P 0.74, R 0.73. Not the whole set: see the next test."""
    recs = evaluate.gold_records(GOLD, ("tune", "holdout", "fresh"))
    assert len(recs) == 183
    _targets(evaluate.score_gold(coder, recs).as_dict())


@pytest.mark.xfail(strict=True, reason="not met: all 223 sentences exact 0.805, root 0.93, P/R 0.699/0.693: the second "
                                       "fresh half (G184-G223, 0.52/0.52) pulls precision and recall under 0.7")
def test_gold_set_as_a_whole_meets_targets(coder):
    _targets(evaluate.score_gold(coder, evaluate.gold_records(GOLD)).as_dict())


def test_verb_code_supplement_fails_with_one_line(tmp_path):
    bad = tmp_path / "v.txt"
    bad.write_text("REJECT 120\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"v.txt line 1: .*'VERB \[code\]'"):
        coding.with_verb_codes(coding.load().verbs, bad)


# -- session 6: general rules from the PLOVER tune half's misses (our own sentences) ---------------------
def test_time_references_do_not_discard_a_sentence(coder, tmp_path):
    # Phoenix discards 'WEEKS AGO' / 'WORLD WAR II' like a topic; a past time in a clause is no old story
    assert triples(coder, "Georgia freed the two Armenian truck drivers it had detained three weeks ago.") == [
        ("GEO", "ARM", "0841")]
    f = tmp_path / "d.txt"
    f.write_text("YEARS AGO\nWORLD WAR TWO\nFOOTBALL\n", encoding="utf-8")
    index = read_discards([f])
    assert index.size == 1 and index.match(["FOOTBALL"], 0) and not index.match(["YEARS", "AGO"], 0)


def test_nouns_after_compound_modifiers_and_actor_adjectives(coder):
    from detente.coding.parse import tokenize
    verbs = [v.form.base for v in coder.find_verbs(tokenize("Oman praised Iran after a two-year break."), set())]
    assert verbs == ["PRAISE"]  # 'a two-year break' is no act of breaking
    # 'a Russian offer' is a noun (the rejection's object); 'outright' is an adverb the word lists lack
    assert triples(coder, "Georgia has once again outright rejected a Russian offer of talks.") == [
        ("GEO", "RUS", "125")]


def test_plover_miss_buckets(coder):
    recs = [evaluate.Gold("a", "Iran criticized Armenia.", None, [("IRN", "ARM", "DISAPPROVE")]),
            evaluate.Gold("b", "Iran criticized Armenia.", None, [("IRN", "ARM", "AGREE")]),
            evaluate.Gold("c", "Iran criticized Armenia.", None, [("IRN", "TUR", "DISAPPROVE")]),
            evaluate.Gold("d", "The weather was mild in Yerevan.", None, [("ARM", "ARM", "AGREE")])]
    assert [(b, g.id) for b, g, _ in evaluate.plover_misses(coder, recs)] == [
        ("other type", "b"), ("wrong actor", "c"), ("no event", "d")]
