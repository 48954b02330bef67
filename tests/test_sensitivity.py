"""`reformsim sensitivity`: a quick Morris screen finds the setting that matters, and bad
`[uncertain]` input is refused in one line (file, key path, what is wrong, what is allowed),
exit code 2, before anything runs.

The scenario is the municipal one shrunk to 6,000 persons and 10 + 10 weeks (as
tests/test_batch.py), with two arms that differ in the vacancy rate. The separation rate moves
their difference in unemployment; the size of a demand shock that never happens (no
`shock_week`) cannot move anything, and with common random numbers its effect is exactly 0.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.config import load
from sim.studies import sensitivity
from sim.studies.uncertain import Range, read_ranges
from tests.test_batch import write_tiny
from tests.test_inputs import refused

STUDY = """
[uncertain]
"labour_market.separation_rate" = [0.001, 0.003]   # [EST] matters
"labour_market.shock_size" = [-0.5, 0.5]           # [EST] no shock_week: cannot matter
{extra}
[sensitivity]
baseline = "low"
arms = ["high"]
outcomes = ["unemployment_rate", "job_finding_rate"]
trajectories = 3
"""


def write_study(folder: Path, extra: str = "", study: str = STUDY) -> Path:
    return write_tiny(folder, reps=1, extra=study.format(extra=extra), name="study.toml")


def read_ranking(folder: Path) -> list[dict]:
    with (folder / "ranking.csv").open() as f:
        return list(csv.DictReader(f))


def test_quick_morris_screen_ranks_the_setting_that_matters_first(tmp_path, capsys):
    path = write_study(tmp_path)
    out = tmp_path / "out"
    assert main(["sensitivity", str(path), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    folder = out / "tiny_batch" / "sensitivity_morris"
    ranking = read_ranking(folder)
    assert [r["setting"] for r in ranking] == ["labour_market.separation_rate",
                                               "labour_market.shock_size"]
    matters, dummy = ranking
    key = "mu_star unemployment_rate (high - low)"
    assert float(matters[key]) > 0 and float(dummy[key]) == 0.0
    assert float(matters["score"]) == 1.0
    assert "Morris ranking" in printed and "separation_rate" in printed
    for name in ("indices.csv", "design.csv", "sensitivity.json", "sensitivity_morris.png",
                 "summary.parquet", "manifest.json"):
        assert (folder / name).is_file(), name
    with (folder / "design.csv").open() as f:
        design = list(csv.DictReader(f))
    assert len(design) == (2 + 1) * 3  # (settings + 1) x trajectories
    for row in design:
        assert 0.001 <= float(row["labour_market.separation_rate"]) <= 0.003
    # resumable and reproducible: the same command runs nothing again, same numbers
    assert main(["sensitivity", str(path), "--out", str(out), "--workers", "1"]) == 0
    assert read_ranking(folder) == ranking


def test_paired_differences_are_within_replication_then_averaged():
    study = sensitivity.Study("a", ("b",), ("x",))
    y = np.zeros((1, 2, 2, 1))
    y[0, 0, :, 0] = [1.0, 3.0]  # baseline, replications 0 and 1
    y[0, 1, :, 0] = [2.0, 5.0]
    assert sensitivity.differences(y, study).tolist() == [[1.5]]


@pytest.mark.parametrize(("extra", "path", "problem"), [
    ('"labour_market.separaton_rate" = [0.001, 0.002]', "uncertain.labour_market.separaton_rate",
     "unknown setting; did you mean 'labour_market.separation_rate'?"),
    ('"labour_market.vacancy_weeks" = [8, 4]', "uncertain.labour_market.vacancy_weeks",
     "low 8 >= high 4; allowed [low, high]: two finite numbers, low < high"),
    ('"labour_market.threshold_sd" = [0.5, inf]', "uncertain.labour_market.threshold_sd",
     "inf is not a finite number; allowed [low, high]"),
    ('"labour_market.threshold_sd" = [nan, 1.0]', "uncertain.labour_market.threshold_sd",
     "nan is not a finite number"),
    ('"labour_market.threshold_sd" = 0.5', "uncertain.labour_market.threshold_sd",
     "expected [low, high], got 0.5"),
    ('"labour_market.inactivity_rate" = [-0.1, 0.1]', "uncertain.labour_market.inactivity_rate",
     "-0.1 is not a value of the setting: -0.1 is out of range; allowed 0.0 to 0.5"),
    ('"funding.model" = [0, 1]', "uncertain.funding.model", "is not a numeric setting"),
    ('"labour_market.threshold_sd" = [0.5, 1.0]  # a guess', "uncertain.labour_market."
     "threshold_sd", "has no source: end its line with a comment citing evidence.md"),
])
def test_bad_uncertain_ranges_are_one_line_exit_2_nothing_written(tmp_path, capsys, extra,
                                                                   path, problem):
    scenario = write_study(tmp_path, extra)
    out = tmp_path / "out"
    line = refused(["sensitivity", str(scenario), "--out", str(out)], capsys)
    assert line.startswith(f"error: {scenario}: {path}: ")
    assert problem in line
    assert not out.exists()
    assert refused(["validate", str(scenario)], capsys) == line  # the loader checks it too


@pytest.mark.parametrize(("study", "where"), [
    (STUDY.replace('arms = ["high"]', 'arms = ["hihg"]'), "sensitivity.arms"),
    (STUDY.replace('"job_finding_rate"', '"job_findng_rate"'), "sensitivity.outcomes"),
    (STUDY.replace("trajectories = 3", "trajectories = 1"), "sensitivity.trajectories"),
])
def test_bad_study_tables_are_refused(tmp_path, capsys, study, where):
    scenario = write_study(tmp_path, study=study)
    assert f": {where}: " in refused(["validate", str(scenario)], capsys)


def test_params_file_replaces_the_scenario_ranges_and_is_checked(tmp_path, capsys):
    scenario = write_study(tmp_path)
    params = tmp_path / "params.toml"
    params.write_text('[uncertain]\n"labour_market.stigma_per_week" = [0.003, 0.002]\n')
    line = refused(["sensitivity", str(scenario), "--params", str(params)], capsys)
    assert line.startswith(f"error: {params}: uncertain.labour_market.stigma_per_week: low")


@settings(max_examples=25, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(-1e3, 1e3), st.floats(1e-3, 1e3))
def test_a_point_of_a_range_lies_within_it(unit, low, width):
    r = Range("x", low, low + width)
    assert r.low <= r.at(unit) <= r.high + 1e-9 * abs(r.high)


def test_whole_number_settings_are_rounded(tmp_path):
    scenario = load(write_study(tmp_path))
    (r,) = read_ranges({"labour_market.vacancy_weeks": [2, 9]}, scenario, "uncertain")
    assert r.whole and isinstance(r.at(0.4), int)


def test_sobol_indices_with_intervals_find_the_setting_that_matters(tmp_path, capsys):
    path = write_study(tmp_path)
    out = tmp_path / "out"
    assert main(["sensitivity", str(path), "--method", "sobol", "--samples", "4", "--out",
                 str(out), "--workers", "1"]) == 0
    folder = out / "tiny_batch" / "sensitivity_sobol"
    with (folder / "indices.csv").open() as f:
        rows = {(r["outcome"], r["setting"]): r for r in csv.DictReader(f)}
    label = "unemployment_rate (high - low)"
    matters = rows[(label, "labour_market.separation_rate")]
    dummy = rows[(label, "labour_market.shock_size")]
    assert float(matters["ST"]) > 0 and float(dummy["ST"]) == 0.0
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(matters)
    assert (folder / "sensitivity_sobol.png").is_file()
    assert refused(["sensitivity", str(path), "--method", "sobol", "--samples", "6"],
                   capsys).endswith("6: Sobol' needs a power of 2 (e.g. 32, 64, 128)")
