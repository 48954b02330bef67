"""`reformsim calibrate`: the method of simulated moments recovers a known parameter on a tiny
problem, writes its fit and a scenario fragment that a scenario can extend, and the evidence
check labels the targets a shipped calibration used as calibrated.

The problem: the tiny municipal world (tests/test_batch.py) run once with a known separation
rate gives an unemployment rate; that rate becomes the target, and the separation rate is
fitted to it from a wide range, with the same seed (so the known value fits exactly).
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from sim.cli import main
from sim.config import load
from sim.evidence import targets as evidence
from sim.run import simulate
from tests.test_batch import write_tiny
from tests.test_inputs import refused

KNOWN = 0.0022
CALIBRATE = """
[calibration]
unemployment_rate = {target}
unemployment_rate_tolerance = 0.002

[calibrate]
targets = ["unemployment_rate"{series_target}]
reps = 1
starts = 4
evaluations = 12

[calibrate.parameters]
"labour_market.separation_rate" = [0.0012, 0.0036]   # [EST] a wide range around the known
{series}"""
SERIES = """
[calibrate.series.swing]
file = "validation/se_bas_unemployment_20_64_monthly.csv"
region = "01"
statistic = "cv"
indicator = "unemployment_rate"
tolerance = 0.05
"""


def tiny_base(folder: Path, extra: str) -> Path:
    """The tiny world without arms (a base-only scenario), weeks 30 after 10 of burn-in."""
    path = write_tiny(folder, reps=1, name="cal.toml")
    text = path.read_text().split("[arms.low]")[0].replace("weeks = 10\nburn", "weeks = 30\nburn")
    path.write_text(text + extra)
    return path


@pytest.fixture(scope="module")
def known_rate(tmp_path_factory) -> float:
    from sim.config import override_config

    path = tiny_base(tmp_path_factory.mktemp("known"), "")
    config = override_config(load(path).base, {"labour_market.separation_rate": KNOWN})
    return simulate(config).summary["unemployment_rate"]


def test_calibration_recovers_a_known_parameter_and_writes_a_fragment(tmp_path, capsys,
                                                                       known_rate):
    path = tiny_base(tmp_path, CALIBRATE.format(target=known_rate, series_target=", \"swing\"",
                                                series=SERIES))
    out, fragment = tmp_path / "out", tmp_path / "calibrated" / "fit.toml"
    assert main(["calibrate", str(path), "--out", str(out), "--workers", "1",
                 "--fragment", str(fragment)]) == 0
    printed = capsys.readouterr().out
    folder = out / "tiny_batch" / "calibrate"
    with (folder / "fit.csv").open() as f:
        fit = {r["target"]: r for r in csv.DictReader(f)}
    assert set(fit) == {"unemployment_rate", "swing"}
    assert abs(float(fit["unemployment_rate"]["model"]) - known_rate) < 0.002
    with (folder / "evaluations.csv").open() as f:
        evals = list(csv.DictReader(f))
    assert 4 < len(evals) <= 4 + 12 + 1
    starts = min(float(e["objective"]) for e in evals[:4])
    assert min(float(e["objective"]) for e in evals) <= starts
    data = tomllib.loads(fragment.read_text())
    fitted = data["labour_market"]["separation_rate"]
    assert abs(fitted - KNOWN) / KNOWN < 0.25, fitted
    assert data["calibrated"]["targets"] == ["unemployment_rate", "swing"]
    assert "reformsim calibrate" in fragment.read_text().splitlines()[2]
    assert "separation_rate" in printed and "unemployment_rate" in printed
    # the fragment is the scenario with the fitted values: it runs, and others extend it
    scenario = load(fragment)
    assert scenario.base.labour_market.separation_rate == fitted
    assert scenario.base.world == load(path).base.world
    child = tmp_path / "child.toml"
    child.write_text('extends = "calibrated/fit.toml"\n')
    assert load(child).base.labour_market.separation_rate == fitted


def test_evidence_labels_the_targets_a_shipped_calibration_used(tmp_path):
    (tmp_path / "a.toml").write_text(
        '[calibrated]\nscenario = "municipality_se"\ncommand = "reformsim calibrate x"\n'
        'targets = ["star_gap", "register_swing"]\nparameters = ["x.y"]\n')
    used = evidence.fitted_targets(tmp_path)
    assert set(used) == {"star_gap", "register_swing"}
    assert evidence.STAR_GAP and {t.name: t.kind for t in evidence.TARGETS}["star_gap"] \
        == evidence.INDEPENDENT
    labelled = {t.name: t for t in evidence.with_fits(evidence.TARGETS, tmp_path)}
    assert labelled["star_gap"].kind == evidence.CALIBRATED
    note = labelled["star_gap"].note
    assert f"{tmp_path.name}/a.toml" in note and "x.y" in note
    assert labelled["margin_lov"].kind == evidence.INDEPENDENT
    shipped = evidence.fitted_targets()
    assert shipped, "a calibration is shipped in scenarios/calibrated/"
    for path in evidence.CALIBRATIONS.glob("*.toml"):  # each one loads, and names its command
        scenario = load(path)
        assert scenario.raw["calibrated"]["command"].startswith("reformsim calibrate ")
        assert set(scenario.raw["calibrated"]["targets"]) <= set(shipped)


@pytest.mark.parametrize(("table", "where", "problem"), [
    ('[calibrate]\ntargets = ["unemploymnt_rate"]\n[calibrate.parameters]\n'
     '"labour_market.separation_rate" = [0.001, 0.002]  # [EST]\n', "calibrate.targets",
     "'unemploymnt_rate' is not a target; allowed: unemployment_rate"),
    ('[calibrate]\ntargets = ["unemployment_rate"]\n[calibrate.parameters]\n'
     '"labour_market.separation_rate" = [0.002, 0.001]\n',
     "calibrate.parameters.labour_market.separation_rate", "low 0.002 >= high 0.001"),
    ('[calibrate]\ntargets = ["unemployment_rate"]\n', "calibrate.parameters",
     "expected a table of setting = [low, high]"),
])
def test_bad_calibrate_tables_are_one_line_exit_2(tmp_path, capsys, table, where, problem):
    path = tiny_base(tmp_path, table)
    line = refused(["calibrate", str(path), "--out", str(tmp_path / "out")], capsys)
    assert line.startswith(f"error: {path}: {where}: ") and problem in line
    assert not (tmp_path / "out").exists()
