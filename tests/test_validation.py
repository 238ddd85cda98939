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
FLOOR = 0.68  # the whole set today (57/83 = 0.687, B = 500, seed 1); it must not fall below
FLOOR_V = 0.90  # V1-V26, the set the method was chosen on (24/26 = 0.923)
FLOOR_BLIND = 0.57  # W1-W12, X1-X26, Y1-Y19, written blind (9/12, 17/26, 7/19: 33/57 = 0.579)


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
    for part in ("W", "X", "Y"):  # written blind (after the method was chosen), never tuned on
        new = [k for k in answers if k.startswith(part)]
        assert len(new) >= 6 and any(answers[k] == "contradicted" for k in new)


def test_validation_score(scored):
    answers, got = scored
    right = {k for k in answers if got[k] == answers[k]}
    wrong = {k: (answers[k], got[k]) for k in answers if k not in right}
    for part in ("V", "W", "X", "Y"):
        ids = [k for k in answers if k.startswith(part)]
        ok = sum(k in right for k in ids)
        print(f"validation {part}: {ok}/{len(ids)} = {ok / len(ids):.3f}")
    blind = [k for k in answers if k[0] in "WXY"]
    score = len(right) / len(answers)
    print(f"validation blind (W, X, Y): {sum(k in right for k in blind)}/{len(blind)}")
    print(f"validation whole set: {len(right)}/{len(answers)} = {score:.3f} (target {TARGET}: "
          f"{'met' if score >= TARGET else 'not met'}); wrong: {wrong}")
    assert score >= FLOOR, wrong
    old = [k for k in answers if k.startswith("V")]
    assert sum(k in right for k in old) / len(old) >= FLOOR_V, wrong
    assert sum(k in right for k in blind) / len(blind) >= FLOOR_BLIND, wrong
    # reversed verdicts (a true claim contradicted, a false one supported): none on V and W; on X and Y, 8
    # (docs/claims.md lists them: intensity rising with attention in a crisis whose tone stays positive, JPN-KOR
    # 2019, AUKUS, S-400, Mali 2022; the data moving the other way, GRC-TUR 2020, BLR-RUS 2022); no more
    reversed_ = {k for k, (a, g) in wrong.items() if {a, g} == {"supported", "contradicted"}}
    print(f"validation reversed: {sorted(reversed_)}")
    assert not {k for k in reversed_ if k[0] in "VW"}, reversed_
    assert len(reversed_) <= 8, reversed_


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
