"""anomalies: the robust score by hand, missing days, and on the bundled data the 2020-09-27 AZE-ARM
conflictual anomaly and break, with a low flag rate; the CLI's anomalies/breaks/relations/votes commands."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from detente import anomalies as AN
from detente.cli import app

WAR = date(2020, 9, 27)


def test_robust_z_by_hand():
    x = np.array([0, 1, 0, 1, 0, 10], dtype=float)
    z, med, scale = AN.robust_z(x, window=5, min_days=3)
    assert np.isnan(z[:3]).all()  # fewer than 3 days of history
    # t=3: history 0,1,0 -> median 0, MAD 0, mean abs dev 1/3 -> 1.2533/3 < floor 0.5 (half median |x|, x != 0)
    assert z[3] == pytest.approx(1 / 0.5)
    # t=5: history 0,1,0,1,0 -> MAD 0, mean abs dev 0.4 -> scale 1.2533 * 0.4
    assert scale[5] == pytest.approx(1.2533 * 0.4) and z[5] == pytest.approx(10 / (1.2533 * 0.4))


def test_missing_days_are_skipped_not_zero():
    x = np.array([1, 2, 1, 2, np.nan, 1, 2, 30], dtype=float)
    z, med, _ = AN.robust_z(x, window=7, min_days=3)
    assert np.isnan(z[4])  # a missing day gets no score
    assert med[7] == 1.5  # history 2,1,2,nan,1,2 and the first 1 fall in the window: median of 1,2,1,2,1,2


@pytest.fixture(scope="module")
def war_scores(bundled_store):
    return AN.scores(bundled_store, ["AZE", "ARM"], "2019-01-01", "2021-12-31", dataset="gdelt_network")


def test_war_day_is_a_conflictual_anomaly(war_scores):
    day = war_scores[war_scores.date == WAR].iloc[0]
    assert day.flagged and day.direction == "conflictual" and day.score < -AN.THRESHOLD
    rate = war_scores.flagged.mean()
    assert 0 < rate < 0.03  # few days flagged, not many
    assert not war_scores[war_scores.date == date(2020, 9, 20)].flagged.any()  # a week before: quiet


def test_war_is_a_break(bundled_store):
    br = AN.breaks(bundled_store, "AZE", "ARM", "2018-01-01", "2022-06-30", dataset="gdelt_network")
    near = br[[abs((d - WAR).days) <= 14 for d in br.date]]
    assert len(near) == 1 and near.iloc[0].mean_after < near.iloc[0].mean_before
    assert near.iloc[0].confidence >= 0.6
    assert len(br) <= 8  # a handful of breaks in 4.5 years, not one per wiggle


runner = CliRunner()


def test_cli_anomalies_reports_flag_rate(bundled_store_path):
    r = runner.invoke(app, ["anomalies", "--dyad", "AZE", "ARM", "--start", "2020-09-01", "--end", "2020-10-31",
                            "--dataset", "gdelt_network", "--format", "csv", "--store", str(bundled_store_path)])
    assert r.exit_code == 0, r.output
    assert "flag rate" in r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("date,actor_a,actor_b,direction,score")
    assert any(line.startswith("2020-09-27,ARM,AZE,conflictual,") for line in lines)


@pytest.mark.parametrize("args, msg", [
    (["relations", "AZE", "ARN"], "did you mean"),
    (["relations", "AZE", "ARM", "--freq", "fortnight"], "unknown frequency"),
    (["relations", "AZE", "ARM", "--start", "2021-05-01", "--end", "2021-01-01"], "after end"),
    (["relations", "AZE", "ARM", "--start", "2021-02-30"], "bad start date"),
    (["relations", "AZE", "ARM", "--start", "2030-01-01", "--end", "2030-12-31"], "the store holds"),
    (["anomalies"], "--dyad A B or --actors"),
    (["votes", "AZE", "ARM", "--start", "2019", "--end", "2010"], "after end"),
])
def test_cli_bad_input_exits_2(bundled_store_path, args, msg):
    r = runner.invoke(app, [*args, "--store", str(bundled_store_path)])
    assert r.exit_code == 2 and msg in r.stderr, r.output


def test_cli_relations_plot_and_csv(bundled_store_path, tmp_path):
    out = tmp_path / "aze-arm.png"
    r = runner.invoke(app, ["relations", "AZE", "ARM", "--freq", "quarter", "--start", "2020-01-01", "--end",
                            "2021-06-30", "--dataset", "gdelt_network", "--format", "csv", "--plot", str(out),
                            "--store", str(bundled_store_path)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(__import__("io").StringIO(r.stdout))
    assert list(df.period) == ["2020-Q1", "2020-Q2", "2020-Q3", "2020-Q4", "2021-Q1", "2021-Q2"]
    assert df.set_index("period")["index"].idxmin() in ("2020-Q3", "2020-Q4")  # the war quarters
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_cli_votes(bundled_store_path):
    r = runner.invoke(app, ["votes", "AZE", "TUR", "--start", "2015", "--end", "2019", "--format", "json",
                            "--store", str(bundled_store_path)])
    assert r.exit_code == 0, r.output
    rows = __import__("json").loads(r.stdout)
    assert [x["year"] for x in rows] == [2015, 2016, 2017, 2018, 2019]
    assert all(-1 <= x["s_score"] <= 1 and x["s_score"] == pytest.approx(2 * x["agree"] - 1) for x in rows)
