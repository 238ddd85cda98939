"""Output codes: ISO3 inside, COW or GW numbers on request (`detente --codes cow|gw`), hand-checked numbers."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from detente import codes
from detente.cli import OUTPUT, app
from detente.errors import UserError

# COW and GW numbers from the COW state list and Gleditsch & Ward (1999): they differ for Russia-era and Serbia
KNOWN = {"USA": ("2", "2"), "ARM": ("371", "371"), "AZE": ("373", "373"), "IRN": ("630", "630"),
         "TUR": ("640", "640"), "DEU": ("255", "260"), "RUS": ("365", "365"), "SRB": ("345", "340")}


@pytest.mark.parametrize("iso", sorted(KNOWN))
def test_convert_known_numbers(iso):
    assert (codes.convert(iso, "cow"), codes.convert(iso, "gw")) == KNOWN[iso]


def test_non_states_stay_as_they_are():
    assert codes.convert("NKR", "cow") == "NKR" and codes.convert("EU", "gw") == "EU"
    with pytest.raises(UserError, match="use one of iso3, cow, gw"):
        codes.convert("USA", "iso2")


def test_add_columns_keeps_iso3_and_rows():
    f = pd.DataFrame({"actor_a": ["ARM", "AZE"], "actor_b": ["IRN", "TUR"], "index": [0.1, -0.2]})
    out = codes.add_columns(f)
    assert list(out.columns) == ["actor_a", "actor_a_cow", "actor_a_gw", "actor_b", "actor_b_cow", "actor_b_gw",
                                 "index"]
    assert out["actor_b_cow"].tolist() == ["630", "640"] and len(out) == 2


def test_cli_codes_option(bundled_store_path):
    try:
        res = CliRunner().invoke(app, ["--codes", "cow", "relations", "ARM", "AZE", "--freq", "year",
                                       "--start", "2019-01-01", "--end", "2019-12-31", "--format", "json",
                                       "--store", str(bundled_store_path)])
        assert res.exit_code == 0, res.output
        rows = json.loads(res.stdout)  # stderr may carry a no-data note
        assert {(r["actor_a"], r["actor_b"]) for r in rows} == {("371", "373")}
    finally:
        OUTPUT["codes"] = "iso3"
    bad = CliRunner().invoke(app, ["--codes", "xx", "sources"])
    assert bad.exit_code == 2
