"""Evidence on the bundled store: corroborated events first, single-source extremes marked, the claim's window only."""

from __future__ import annotations

from detente.claims import evaluate, load_case
from detente.claims.evidence import rank


def test_evidence_ranked_by_sources_and_marked(real_store):
    case = load_case("south_caucasus")
    (res,) = evaluate(real_store, case, ids=["C1"])
    ev = [e for e in res.evidence if e["dataset"] == "icews"]
    assert ev, "ICEWS has IRN-ARM / IRN-AZE events in 2021-2022"
    for side in ("for", "against"):
        keys = [rank(e["goldstein"], e["n_sources"]) for e in ev if e["side"] == side]
        assert keys == sorted(keys, reverse=True)
    assert all(isinstance(e["single_source_extreme"], bool) for e in ev)
    assert all(e["single_source_extreme"] == (abs(e["goldstein"]) >= 8 and e["n_sources"] <= 1) for e in ev)
    lo = min(p.start for p in case.periods.values() if p.start)
    assert all(e["date"] >= lo for e in ev if e["date"] is not None)
