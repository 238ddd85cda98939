"""cameo.py: reference rows, Goldstein pinned to GDELT, QuadClass, PLOVER crosswalk, ICEWS event texts."""

from __future__ import annotations

import csv
import gzip

import pytest

from detente import cameo


def test_reference_rows_cover_every_code_with_the_declared_keys():
    rows = cameo.reference_rows()
    assert len(rows) == 312  # 311 codes in GDELT's table + 1213, which only ICEWS lists
    by = {r["code"]: r for r in rows}
    for code in ("01", "010", "0211", "190", "20", "2042", "1213"):
        assert code in by
    assert set(rows[0]) == {"code", "name", "root", "quad_class", "goldstein", "plover_type"}
    assert by["0211"]["root"] == "02"
    assert by["042"]["name"] == "Make a visit"
    assert by["1213"]["name"] == "Reject judicial cooperation" and by["1213"]["goldstein"] == -4.0
    # GDELT's names for 101-108 follow an older draft; we use CAMEO 1.1b3 / ICEWS names for them
    assert by["106"]["name"] == "Demand meeting, negotiation"


def test_goldstein_is_gdelts_value(shared):
    table = {}
    for line in (shared / "cameo" / "CAMEO.goldsteinscale.txt").read_text("latin-1").splitlines()[1:]:
        code, value = line.split("\t")
        table[code] = float(value)
    assert cameo.goldstein("016") == table["016"] == -2.0  # ICEWS's table says -5.0 for 016
    assert cameo.goldstein("022") == 3.2  # ICEWS: 3.4
    for code, value in table.items():
        assert cameo.goldstein(code) == value, code


def test_quad_class_follows_the_root_rule():
    assert [cameo.quad_class(c) for c in ("01", "057", "06", "0871", "09", "1412", "15", "204")] == [1, 1, 2, 2, 3, 3, 4, 4]
    for r in cameo.reference_rows():
        root = int(r["root"])
        expected = 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 14 else 4
        assert r["quad_class"] == expected, r["code"]
    with pytest.raises(ValueError):
        cameo.quad_of_root(21)


def test_plover_crosswalk_by_hand():
    # checked by hand against CAMEO2PLOVER-2021.txt
    assert cameo.plover("0871") == ("RETREAT", "ceasefire")
    assert cameo.plover("042") == ("CONSULT", "visit")
    assert cameo.plover("163") == ("COERCE", "restrict")  # root 16 is SANCTION, but 163 is COERCE
    assert cameo.plover("191") == ("COERCE", "restrict")
    assert cameo.plover("193") == ("ASSAULT", "firearms")
    assert cameo.plover("0813") == ("RETREAT", None)  # listed under the second "08:" block
    assert cameo.plover("08") == ("CONCEDE", None)  # the first of the two "08:" root lines wins
    assert cameo.plover("036") == ("AGREE", None)
    assert cameo.plover_context("094") == ["military", "legal"]
    assert cameo.plover("010") is None and cameo.plover("02") is None  # PLOVER has no statement/appeal class


def test_name_root_and_errors():
    assert cameo.name("190") == "Use conventional military force, not specified below"
    assert cameo.root("1822") == "18"
    assert cameo.normalize(190) == "190" and cameo.normalize(4) == "04"
    with pytest.raises(ValueError, match="unknown CAMEO code"):
        cameo.goldstein("999")


def test_event_text_examples():
    assert cameo.code_for_event_text("Make a visit") == "042"
    assert cameo.code_for_event_text("Consult") == "040"  # ICEWS writes the 3-digit residual, not root 04
    assert cameo.code_for_event_text("Demand mediation") == "108"  # GDELT's table calls 105 that
    assert cameo.code_for_event_text("  make  STATEMENT ") == "010"
    assert cameo.code_for_event_text("Appeal, not specified below") == "020"
    assert cameo.code_for_event_text("Dance the tango") is None


def _icews_event_texts(shared) -> dict[str, set[str]]:
    """Every ICEWS Event Text in the shared files -> the codes the sample file gives it (if any)."""
    texts: dict[str, set[str]] = {}
    for rel in ("icews-2021-2022/ICEWS21/relation2id.txt", "icews-2021-2022/ICEWS22/relation2id.txt",
                "icews-samples/icews18_renet/relation2id.txt"):
        for line in (shared / rel).read_text("utf-8").splitlines():
            texts.setdefault(line.split("\t")[0].strip(), set())
    for path in sorted((shared / "icews-samples").glob("*_mmkb/*.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                texts.setdefault(line.rstrip("\n").split("\t")[1], set())
    with (shared / "icews-samples" / "events.2018.sample.tab").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            texts.setdefault(r["Event Text"], set()).add(r["CAMEO Code"])
    return texts


def test_every_icews_event_text_maps_to_a_code(shared):
    texts = _icews_event_texts(shared)
    assert len(texts) > 250
    leftovers = sorted(t for t in texts if cameo.code_for_event_text(t) is None)
    assert leftovers == []
    # where the native ICEWS sample gives the code, ours agrees
    for t, codes in texts.items():
        if codes:
            assert {cameo.code_for_event_text(t)} == codes, t
