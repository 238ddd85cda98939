"""gazetteer.py: the curated named-events list (validation, dates, citations) and finding event names in prose."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from detente import actors, gazetteer
from detente.gazetteer import GazetteerError


@pytest.fixture(autouse=True)
def _builtin_only(monkeypatch):
    monkeypatch.delenv(gazetteer.ENV_VAR, raising=False)
    monkeypatch.setattr(gazetteer, "_extra_paths", [])
    gazetteer.clear_caches()
    yield
    gazetteer.clear_caches()


# Dates checked by hand against the cited pages (and, for the treaties, the signed texts).
HAND_CHECKED = {
    "pulwama-attack": (date(2019, 2, 14), None, {"IND", "PAK"}),
    "balakot-airstrike": (date(2019, 2, 26), None, {"IND", "PAK"}),
    "karabakh-war-2020": (date(2020, 9, 27), date(2020, 11, 10), {"ARM", "AZE"}),
    "karabakh-ceasefire-2020": (date(2020, 11, 10), None, {"ARM", "AZE", "RUS"}),
    "karabakh-offensive-2023": (date(2023, 9, 19), date(2023, 9, 20), {"AZE", "NKR"}),
    "russian-invasion-of-ukraine": (date(2022, 2, 24), None, {"RUS", "UKR"}),
    "abraham-accords": (date(2020, 9, 15), None, {"ISR", "ARE", "BHR"}),
    "saudi-iran-deal-2023": (date(2023, 3, 10), None, {"SAU", "IRN", "CHN"}),
    "soleimani-killing": (date(2020, 1, 3), None, {"USA", "IRN"}),
    "singapore-summit": (date(2018, 6, 12), None, {"USA", "PRK"}),
    "october-7-attack": (date(2023, 10, 7), None, {"ISR", "PSE"}),
    "jcpoa-withdrawal": (date(2018, 5, 8), None, {"USA", "IRN"}),
    "galwan-clash": (date(2020, 6, 15), None, {"IND", "CHN"}),
    "aukus": (date(2021, 9, 15), None, {"AUS", "GBR", "USA"}),
    "finland-joins-nato": (date(2023, 4, 4), None, {"FIN", "NATO"}),
    "fall-of-kabul": (date(2021, 8, 15), None, {"AFG"}),
}


def test_hand_checked_dates_and_actors():
    for eid, (d, end, acts) in HAND_CHECKED.items():
        ev = gazetteer.get(eid)
        assert (ev.date, ev.end) == (d, end), eid
        assert acts <= set(ev.actors), eid


def test_every_entry_is_cited_dated_and_coded():
    evs = gazetteer.events()
    assert len(evs) >= 150
    in_range = [e for e in evs if 2018 <= e.date.year <= 2024]
    assert len(in_range) >= 150
    known = set(actors.countries()) | {"NATO", "EU", "NKR", "UNO", "G7", "G20", "AU", "ASEAN", "GCC", "ARL", "OSCE",
                                       "CSTO", "ICJ"}
    for e in evs:
        assert e.source and e.url.startswith("https://"), e.id
        assert 2018 <= e.date.year <= 2024 or e.flag, e.id
        assert e.end is None or e.end >= e.date, e.id
        assert set(e.actors) <= known, e.id
    regions = {"AZE", "UKR", "ISR", "IND", "PRK", "ETH", "VEN"}  # five continents' conflicts are covered
    assert regions <= {a for e in in_range for a in e.actors}


def test_names_are_unambiguous_outside_generic_phrases():
    seen: dict[tuple[str, ...], str] = {}
    for e in gazetteer.events():
        for n in (e.name, *e.aliases):
            key = gazetteer._phrase(n)
            assert seen.setdefault(key, e.id) == e.id, f"{n!r} names {seen[key]} and {e.id}"


def test_lookup():
    assert gazetteer.lookup("Pulwama attack").id == "pulwama-attack"
    assert gazetteer.lookup("the 44-day war").id == "karabakh-war-2020"
    assert gazetteer.lookup("THE ABRAHAM ACCORDS").id == "abraham-accords"
    assert gazetteer.lookup("the Beijing-brokered deal").date == date(2023, 3, 10)
    assert gazetteer.lookup("the invasion") is None  # generic: needs the text's actors
    # names an analyst writes for three events that a spot-check once missed
    assert gazetteer.lookup("the Nagorno-Karabakh ceasefire").id == "karabakh-ceasefire-2020"
    assert gazetteer.lookup("the Khashoggi case").id == "khashoggi"
    assert [m.event.id for m in gazetteer.find("Since the Galwan clash, Delhi and Beijing drifted apart.")] == \
        ["galwan-clash"]
    assert gazetteer.lookup("the invasion", ["RUS", "UKR"]).id == "russian-invasion-of-ukraine"
    assert gazetteer.lookup("the war", ["ARM", "AZE"]).id == "karabakh-war-2020"
    assert gazetteer.lookup("the war", ["ISR", "PSE"]).id == "gaza-war-2023"
    assert gazetteer.lookup("the 2008 war", ["RUS", "GEO"]).id == "russo-georgian-war"
    # publication date: a 2021 text cannot mean the 2022 invasion
    assert gazetteer.lookup("the invasion", ["RUS", "UKR"], on=date(2021, 6, 1)) is None
    assert gazetteer.lookup("Zangezur summit") is None


def spans(text, acts=(), on=None):
    return [(m.text, m.status, m.event.id if m.event else None) for m in gazetteer.find(text, acts, on)]


def test_find_in_running_text():
    assert spans("After the Pulwama attack in February 2019, relations between India and Pakistan deteriorated.") == [
        ("the Pulwama attack", "resolved", "pulwama-attack")]
    assert spans("Since the invasion, trade between Moscow and Kyiv has collapsed.", ["RUS", "UKR"]) == [
        ("the invasion", "resolved", "russian-invasion-of-ukraine")]
    assert spans("Baku's position hardened after the 44-day war.") == [
        ("the 44-day war", "resolved", "karabakh-war-2020")]
    assert spans("The Abraham Accords and the Beijing-brokered deal reshaped the Gulf.") == [
        ("The Abraham Accords", "resolved", "abraham-accords"),
        ("the Beijing-brokered deal", "resolved", "saudi-iran-deal-2023")]
    assert spans("Yerevan and Baku have clashed repeatedly since the 2020 war.", ["ARM", "AZE"]) == [
        ("the 2020 war", "resolved", "karabakh-war-2020")]
    # a longer specific name beats a generic phrase it starts with; reference periods before 2018 are named too
    assert spans("Moscow cited the war in Donbas and the Cold War.", ["RUS", "UKR"]) == [
        ("the war in Donbas", "resolved", "donbas-war"), ("the Cold War", "resolved", "cold-war")]
    text = "After the Pulwama attack, Delhi ordered the Balakot airstrike."
    (a, b) = gazetteer.find(text)
    assert text[a.start:a.end] == "the Pulwama attack" and text[b.start:b.end] == "the Balakot airstrike"


def test_unknown_and_ambiguous_names_are_reported():
    assert spans("Talks stalled after the Zangezur Summit.") == [("the Zangezur Summit", "unresolved", None)]
    assert spans("Operation Sindoor followed.") == [("Operation Sindoor", "unresolved", None)]
    got = gazetteer.find("The war changed everything.")  # no actors: which war?
    assert [(m.text, m.status) for m in got] == [("The war", "unresolved")]
    assert {"karabakh-war-2020", "russian-invasion-of-ukraine"} <= {e.id for e in got[0].candidates}
    assert gazetteer.unresolved("After the Zangezur Summit and the Pulwama attack.") == ["the Zangezur Summit"]
    # ordinary capitalised words are not event names
    assert spans("Prime Minister Modi met President Xi in Delhi.") == []


def write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "mine.yaml"
    p.write_text("events:\n" + body, encoding="utf-8")
    return p


GOOD = ("- {id: test-summit, name: Test Summit, date: 2021-05-05, actors: [ARM, AZE], kind: summit, source: ours,\n"
        "   url: 'https://example.org/test'}\n")


def test_user_file_is_added(tmp_path):
    assert gazetteer.load_extra(write(tmp_path, GOOD)) == 1
    assert gazetteer.lookup("the Test Summit").date == date(2021, 5, 5)


@pytest.mark.parametrize("body, msg", [
    (GOOD.replace("date: 2021-05-05", "date: 2021-13-05"), "mine.yaml:2: test-summit: `date: 2021-13-05` is not a date"),
    (GOOD.replace("kind: summit", "kind: party"), "mine.yaml:2: test-summit: kind 'party' is not one of"),
    (GOOD.replace("[ARM, AZE]", "[ARM, XYZ]"), "mine.yaml:2: test-summit: actor 'XYZ' is not an ISO3"),
    (GOOD.replace("source: ours,", "sourc: ours,"), "mine.yaml:2: test-summit: unknown key(s) sourc"),
    (GOOD.replace("2021-05-05", "2011-05-05"), "outside 2018-2024; add `flag:`"),
    (GOOD.replace("https://", "http://"), "`url` must be an https://"),
    (GOOD + GOOD, "mine.yaml:4: test-summit: id 'test-summit' is also used at"),
    ("- {id: x, name: [unclosed\n", "mine.yaml:3: not valid YAML"),
])
def test_bad_files_give_one_line_errors(tmp_path, body, msg):
    with pytest.raises(GazetteerError) as e:
        gazetteer.load_extra(write(tmp_path, body))
    assert msg in str(e.value) and "\n" not in str(e.value)


def test_an_alias_bomb_is_refused_in_one_line(tmp_path):
    from detente.errors import UserError

    lol = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh", strict=True))
    p = tmp_path / "bomb.yaml"
    p.write_text(lol + "events: []\n", encoding="utf-8")
    with pytest.raises(UserError) as e:
        gazetteer.load_extra(p)
    assert "bomb.yaml" in str(e.value) and "\n" not in str(e.value)
