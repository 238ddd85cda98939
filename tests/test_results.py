"""Tidy result frames: numeric intervals and p, the robustness label, converters (issue 17)."""

from __future__ import annotations

import math

import pytest

from detente import results


def test_claims_frame_from_dicts():
    rs = [{"id": "C1", "claim": "x", "kind": "compare", "verdict": "supported", "effect": 0.25,
           "interval": [0.1, 0.4], "p": 0.003, "robustness": {"label": "fragile", "flips": ["goldstein"]},
           "datasets": {"gdelt_network": {}, "icews": {}}, "headline": "h"},
          {"id": "C2", "claim": "y", "kind": "change", "verdict": "insufficient data", "effect": float("nan"),
           "interval": [None, None], "p": None, "robustness": "robust", "datasets": {}}]
    f = results.claims_frame(rs)
    assert list(f.columns) == list(results.CLAIM_COLUMNS) and len(f) == 2
    assert f.loc[0, ["ci_low", "ci_high", "p"]].tolist() == [0.1, 0.4, 0.003]
    assert (f.loc[0, "robustness"], f.loc[0, "flipped_by"], f.loc[0, "datasets"]) == ("fragile", "goldstein",
                                                                                       "gdelt_network,icews")
    assert math.isnan(f.loc[1, "effect"]) and f.loc[1, "robustness"] == "robust"
    assert f.ci_low.dtype.kind == "f"  # numbers, never interval strings


def test_converters():
    f = results.claims_frame([])
    assert results.to_arrow(f).column_names == list(results.CLAIM_COLUMNS)
    try:
        import polars  # noqa: F401
    except ImportError:
        with pytest.raises(Exception, match="pip install polars"):
            results.to_polars(f)
    else:
        assert results.to_polars(f).columns == list(results.CLAIM_COLUMNS)


def test_claims_frame_on_the_built_in_case(real_store):
    from detente.claims import evaluate, load_case

    case = load_case("south_caucasus")
    f = results.claims_frame(evaluate(real_store, case, ids=["C1", "C2"]))
    assert f.id.tolist() == ["C1", "C2"]
    assert f.verdict.notna().all() and f.robustness.notna().all()
    have = f.dropna(subset=["ci_low", "ci_high"])
    assert (have.ci_low <= have.ci_high).all()
