"""periods.parse: frequencies, START:END, case periods and the errors for bad input."""

from __future__ import annotations

from datetime import date

import pytest

from detente import periods
from detente.errors import UserError
from detente.periods import Period, parse, to_date


def test_month_cut_clips_to_range():
    ps = parse("month", start="2021-01-15", end="2021-03-02")
    assert [p.name for p in ps] == ["2021-01", "2021-02", "2021-03"]
    assert ps[0].start == date(2021, 1, 15) and ps[0].end == date(2021, 1, 31)
    assert ps[1].days == 28 and ps[2].end == date(2021, 3, 2)


def test_week_quarter_year_day():
    w = parse("week", start="2021-01-01", end="2021-01-11")
    assert [p.name for p in w] == ["2020-W53", "2021-W01", "2021-W02"]
    assert w[1].start == date(2021, 1, 4) and w[1].end == date(2021, 1, 10)
    q = parse("quarter", start="2020", end="2020")
    assert [(p.name, p.days) for p in q] == [("2020-Q1", 91), ("2020-Q2", 91), ("2020-Q3", 92), ("2020-Q4", 92)]
    assert [p.name for p in parse("year", start="2019-06", end="2021")] == ["2019", "2020", "2021"]
    assert len(parse("day", start="2020-02-27", end="2020-03-01")) == 4  # leap year


def test_start_end_spec_and_bare_years():
    (p,) = parse("2021:2022-03")
    assert p == Period("2021-01-01..2022-03-31", date(2021, 1, 1), date(2022, 3, 31))
    assert to_date("2024-02", end=True) == date(2024, 2, 29)


def test_case_periods_close_open_ends():
    ps = parse("case", start="2020-01-01", end="2021-06-30")
    assert [p.name for p in ps][1:] == ["war", "post-war"]  # the 2023 period lies past the end
    assert ps[0].start == date(2020, 1, 1) and ps[1] == Period("war", date(2020, 9, 27), date(2020, 11, 10))
    assert ps[2].end == date(2021, 6, 30)
    custom = {"periods": [{"name": "h1", "start": "2021-01-01", "end": "2021-06-30"}]}
    assert parse("case", case=custom) == [Period("h1", date(2021, 1, 1), date(2021, 6, 30))]


@pytest.mark.parametrize(
    "spec, kw, msg",
    [
        ("fortnight", {"start": "2021", "end": "2022"}, "unknown frequency"),
        ("month", {"start": "2022-01-01", "end": "2021-01-01"}, "after end"),
        ("month", {"start": "2021-13-01", "end": "2022"}, "bad start date"),
        ("month", {"start": "2021"}, "needs a start and an end"),
        ("2022:2021", {}, "after end"),
        ("case", {}, "open-ended"),
    ],
)
def test_bad_input_says_what_to_do(spec, kw, msg):
    with pytest.raises(UserError, match=msg):
        parse(spec, **kw)


def test_case_periods_from_a_loaded_case_file():
    from detente import claims

    case = claims.load_case("south_caucasus")
    ps = parse("case", case=case, start="2018-01-01", end="2024-02-23")
    assert [p.name for p in ps] == ["pre-war", "war", "post-war", "after"]
    assert ps[0].start == date(2018, 1, 1) and ps[-1].end == date(2024, 2, 23)
    assert ps[2] == Period("post-war", date(2020, 11, 11), date(2023, 9, 18))


def test_one_case_model_feeds_every_stage() -> None:
    """periods, network and the case file give the same periods: the case YAML is the only copy."""
    from detente import case, network

    c = case.load("south_caucasus")
    assert periods.SOUTH_CAUCASUS == tuple(c.period_list())
    assert [(s.name, s.start, s.end) for s in network.DEFAULT_PERIODS] == c.period_list()
    assert network.DEFAULT_ACTORS == sorted(c.actors)
    assert c.periods["post-war"].start == date(2020, 11, 11) and c.periods["after"].end is None
    assert ("ARM", "IRN") in c.focus and c.focus_actors[:2] == ["ARM", "IRN"]


def test_case_from_dict_and_errors() -> None:
    from detente import case

    c = case.Case.from_dict({"name": "x", "actors": {"RUS": "Russia", "UKR": "Ukraine"},
                             "periods": [case.Period("war", date(2022, 2, 24), None)],
                             "focus": ["RUS-UKR"],
                             "hypotheses": [{"id": "H1", "claim": "worse", "kind": "change", "dyad": "RUS-UKR"}]})
    assert c.focus == [("RUS", "UKR")] and c.hypotheses[0].kind == "change"
    assert c.periods["war"].bounded(date(2021, 1, 1), date(2022, 12, 31)) == (date(2022, 2, 24), date(2022, 12, 31))
    with pytest.raises(case.CaseError, match=r"<dict>:1: focus\[0\]: actor BLR is not among"):
        case.Case.from_dict({"name": "x", "actors": ["RUS", "UKR"], "periods": {"p": {}}, "focus": ["RUS-BLR"]})
    with pytest.raises(case.CaseError, match=r"c.yaml:4: periods.p: period p starts after it ends"):
        case.loads("name: x\nactors: [RUS, UKR]\nperiods:\n  p: {start: 2022-02-02, end: 2022-01-01}\n"
                   "hypotheses: []\n", "c.yaml")


def test_import_graph_runs_one_way() -> None:
    """case -> periods -> relations -> (network) -> claims: no module imports a later stage, even lazily."""
    import ast
    from pathlib import Path

    src = Path(__file__).resolve().parents[1] / "src" / "detente"
    stages = {"case": 0, "periods": 1, "resample": 1, "relations": 2, "network": 3, "claims": 4, "views": 5,
              "report": 6, "web": 6, "cli": 7, "commands": 7}
    files = {"case": src / "case.py", "periods": src / "periods.py", "resample": src / "resample.py",
             "relations": src / "relations.py",
             # claims/plot.py draws with views' helpers (a presentation module, not the claims stage's logic)
             **{f"claims/{p.stem}": p for p in (src / "claims").glob("*.py") if p.stem != "plot"}}
    for name, path in files.items():
        me = stages[name.split("/")[0]]
        for n in ast.walk(ast.parse(path.read_text())):
            mods = [n.module] if isinstance(n, ast.ImportFrom) and n.module else \
                [a.name for a in n.names] if isinstance(n, ast.Import) else []
            for m in mods:
                parts = m.split(".")
                if parts[0] != "detente" or len(parts) < 2:
                    continue
                first = parts[1]
                if first == "claims" and name.startswith("claims/"):
                    continue
                assert stages.get(first, -1) <= me, f"{name} imports {m} (a later stage)"
