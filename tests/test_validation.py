"""The claims engine against known answers: tests/cases/validation.yaml (claims written for this project, with
the verdict the historical record calls for), scored on the bundled data; and bad case files that must stop
with one FILE:LINE line before anything is computed."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.case import load as load_plain
from detente.claims import CaseError, evaluate, load_case

VALIDATION = Path(__file__).parent / "cases" / "validation.yaml"
TARGET = 0.90  # issue 12's bar for the whole set: not reached (docs/claims.md, "Validation set")
FLOOR = 0.66  # the whole set today (76/114 = 0.667, B = 500, seed 1); it must not fall below
FLOOR_V = 0.90  # V1-V26, the set the method was chosen on (24/26 = 0.923)
FLOOR_BLIND = 0.59  # W, X, Y, Z, written blind (10/12, 17/26, 6/19, 19/31: 52/88 = 0.591)
# reversed verdicts known today (docs/claims.md lists why): the data moving the other way (X15 GRC-TUR 2020,
# X25 BLR-RUS 2022, Z11 ETH-SOM 2024, Z12 VEN-GUY 2023, Y15 FRA-MLI 2022), and tone at its ceiling so that
# change falls back to intensity, which rises with a crisis's attention (X1 USA-CHN 2018, X10 JPN-KOR 2019)
KNOWN_REVERSED = {"X1", "X10", "X15", "X25", "Y15", "Z11", "Z12"}


@pytest.fixture(scope="module")
def scored(bundled_store):
    case = load_case(VALIDATION)
    answers = {h.id: h.node.value["answer"].value for h in case.hypotheses}
    res = evaluate(bundled_store, case, robustness=False)
    return answers, {r.id: r.verdict for r in res}


def test_validation_set_is_large_and_balanced(scored):
    answers, _ = scored
    assert len(answers) >= 20
    assert sum(a == "contradicted" for a in answers.values()) >= 6  # false claims too, not only true ones
    assert set(answers.values()) <= {"supported", "contradicted"}
    for part in ("W", "X", "Y", "Z"):  # written blind (after the method was chosen), never tuned on
        new = [k for k in answers if k.startswith(part)]
        assert len(new) >= 6 and any(answers[k] == "contradicted" for k in new)


def test_validation_score(scored):
    answers, got = scored
    right = {k for k in answers if got[k] == answers[k]}
    wrong = {k: (answers[k], got[k]) for k in answers if k not in right}
    for part in ("V", "W", "X", "Y", "Z"):
        ids = [k for k in answers if k.startswith(part)]
        ok = sum(k in right for k in ids)
        print(f"validation {part}: {ok}/{len(ids)} = {ok / len(ids):.3f}")
    blind = [k for k in answers if k[0] in "WXYZ"]
    score = len(right) / len(answers)
    print(f"validation blind (W, X, Y, Z): {sum(k in right for k in blind)}/{len(blind)}")
    print(f"validation whole set: {len(right)}/{len(answers)} = {score:.3f} (target {TARGET}: "
          f"{'met' if score >= TARGET else 'not met'}); wrong: {wrong}")
    assert score >= FLOOR, wrong
    old = [k for k in answers if k.startswith("V")]
    assert sum(k in right for k in old) / len(old) >= FLOOR_V, wrong
    assert sum(k in right for k in blind) / len(blind) >= FLOOR_BLIND, wrong
    # reversed verdicts (a true claim contradicted, a false one supported): none on V and W, and no new ones
    reversed_ = {k for k, (a, g) in wrong.items() if {a, g} == {"supported", "contradicted"}}
    print(f"validation reversed: {sorted(reversed_)}")
    assert not {k for k in reversed_ if k[0] in "VW"}, reversed_
    assert reversed_ <= KNOWN_REVERSED, reversed_ - KNOWN_REVERSED


def test_intensity_sees_a_change_from_a_saturated_level(bundled_store):
    """ARM-AZE tone is at its floor before the 2020 war, so tone cannot fall further; intensity (the default of
    `change`) is not bounded and falls several-fold."""
    from datetime import date

    from detente import relations

    before = (date(2020, 3, 1), date(2020, 9, 26))
    war = (date(2020, 9, 27), date(2020, 11, 10))
    tone = [relations.period_value(bundled_store, "ARM", "AZE", "gdelt_network", *b, "tone") for b in (before, war)]
    inten = [relations.period_value(bundled_store, "ARM", "AZE", "gdelt_network", *b, "intensity")
             for b in (before, war)]
    assert tone[0] < -0.9 and tone[1] >= -1.0
    assert inten[1] < 2 * inten[0] < 0


BASE = """name: bad
actors: [RUS, UKR]
periods:
  before: {start: 2021-06-01, end: 2022-02-23}
  after: {start: 2022-02-24, end: 2022-12-31}
"""


@pytest.mark.parametrize("extra,hyp,where,words", [
    ("", "  - {id: H1, claim: c, kind: change, dyad: RUS-UKR, before: before, after: after, measure: tonne}\n",
     "bad.yaml:7", ["measure: 'tonne' is not allowed", "tone, goldstein, net"]),
    ("  gone: {start: 1990-01-01, end: 1990-12-31}\n",
     "  - {id: H1, claim: c, kind: change, dyad: RUS-UKR, before: before, after: after}\n",
     "bad.yaml:6", ["period gone", "lies outside the data", "gdelt_network 2018-01-01..2024-02-23"]),
    ("  empty: {start: 2020-12-15, end: 2020-12-17}\n",
     "  - {id: H1, claim: c, kind: change, dyad: RUS-UKR, before: before, after: after}\n",
     "bad.yaml:6", ["period empty", "is empty (no covered day)"]),
])
def test_bad_case_files_stop_with_file_line(bundled_store, tmp_path, extra, hyp, where, words):
    p = tmp_path / "bad.yaml"
    p.write_text(BASE + extra + "hypotheses:\n" + hyp)
    with pytest.raises(CaseError) as e:
        evaluate(bundled_store, load_case(p), robustness=False)
    msg = str(e.value)
    assert msg.startswith(str(p)[:-len("bad.yaml")] + where) and "\n" not in msg, msg
    for w in words:
        assert w in msg, msg


def test_a_bad_period_stops_before_any_computation(bundled_store, tmp_path, monkeypatch):
    from detente.claims import kinds

    p = tmp_path / "bad.yaml"
    p.write_text(BASE + "  gone: {start: 1990-01-01, end: 1990-12-31}\nhypotheses:\n"
                 "  - {id: H1, claim: c, kind: change, dyad: RUS-UKR, before: before, after: after}\n")
    ran = []
    monkeypatch.setattr(kinds.Context, "base", lambda *a, **k: ran.append(a))
    with pytest.raises(CaseError):
        evaluate(bundled_store, load_case(p), robustness=False)
    assert ran == []
    assert load_plain(p).periods["gone"].line == 6


def test_change_auto_uses_tone_unless_tone_sits_at_its_bound(bundled_store):
    """`change`'s default measure `auto`: ARM-AZE tone is -0.97 before the 2020 war (its floor is -1), so a
    claimed decrease is measured on intensity, with a note; ISR-ARE tone before the Abraham Accords has room to
    rise, so the increase is measured on tone. A measure written in the claim is used as written."""
    case = load_case(VALIDATION)
    got = {r.id: r for r in evaluate(bundled_store, case, ids=["V4", "V12"], robustness=False,
                                    datasets=["gdelt_network"])}
    v4 = got["V4"].datasets["gdelt_network"]
    assert v4["components"][0].name == "ARM-AZE intensity: nk-war - nk-before"
    assert any("tone is at its bound before (-0.9" in n for n in v4["notes"])
    v12 = got["V12"].datasets["gdelt_network"]
    assert v12["components"][0].name == "ISR-ARE tone: abraham-after - abraham-before"
    assert not any("measure: auto" in n for n in v12["notes"])
    assert got["V4"].verdict == "supported" and got["V12"].verdict == "supported"
