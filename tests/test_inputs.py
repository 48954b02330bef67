"""Bad input a careful user will try: each is one line, exit code 2, nothing written.

Why (issue 16): out-of-range command-line numbers gave tracebacks or hung, a world far too big
for memory passed validation and then crashed, `--out` that could not be written failed only
after the whole run, a scenario name could write outside `--out`, output piped into `head`
ended in a BrokenPipe traceback, run folders were private (mode 700), and a sweep over a
`services.*` setting failed at planning. Scenario-file mistakes (non-finite numbers, empty
lists, unsafe names) are in tests/bad_scenarios/ and tests/test_scenario.py.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

from sim import batch, store
from sim.cli import main
from sim.config import load, resources
from tests.test_batch import write_tiny

REPO = Path(__file__).resolve().parent.parent
REFORMSIM = REPO / ".venv" / "bin" / "reformsim"
MUNICIPAL = str(REPO / "scenarios" / "municipality_se.toml")


def refused(args: list[str], capsys) -> str:
    """Run the CLI; it must refuse with exit code 2 and one line on stderr, which is returned."""
    try:
        code = main(args)
    except SystemExit as stop:  # refused by the argument parser
        code = stop.code
    captured = capsys.readouterr()
    assert code == 2, captured
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), captured.err
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(("args", "message"), [
    (["--seed", "-1"], "--seed: -1 is out of range; allowed 0 to 9223372036854775807"),
    (["--seed", "1" + "0" * 30], "--seed: 1000000000000000000000000000000 is out of range"),
    (["--seed", "x"], "--seed: expected a whole number, got 'x'"),
    (["--weeks", "0"], "--weeks: 0 is out of range; allowed 1 to 5200"),
    (["--weeks", "100000000"], "--weeks: 100000000 is out of range"),
    (["--set", "run.weeks=inf"], "run.weeks: expected a whole number"),
    (["--set", "labour_market.vacancy_rate=nan"], "must be a number, got nan"),
    (["--set", "world.skill_by_age=[0.1, inf, 0.1]"], "must be a finite number, got inf"),
    (["--set", "world.education_shares=[]"], "must not be empty"),
])
def test_out_of_range_run_options_are_one_line_exit_2_nothing_written(tmp_path, capsys, args,
                                                                       message):
    out = tmp_path / "out"
    assert message in refused(["run", MUNICIPAL, "--out", str(out), *args], capsys)
    assert not out.exists()


@pytest.mark.parametrize("args", [["--reps", "0"], ["--reps", "99999999"], ["--workers", "0"],
                                  ["--workers", "99999999"], ["--weeks", "-3"]])
def test_out_of_range_batch_options_are_refused_before_planning(tmp_path, capsys, args):
    out = tmp_path / "out"
    line = refused(["batch", MUNICIPAL, "--out", str(out), *args], capsys)
    assert args[0] in line and "out of range" in line
    assert not out.exists()


def test_a_plan_with_too_many_runs_is_refused_not_built(tmp_path, capsys):
    sweep = "\n[sweep]\n" + "\n".join(
        f'"labour_market.{k}" = [{", ".join(str(0.001 * (i + 1)) for i in range(40))}]'
        for k in ("vacancy_rate", "separation_rate", "inactivity_rate"))
    scenario = write_tiny(tmp_path, extra=sweep)
    line = refused(["batch", str(scenario), "--out", str(tmp_path / "out"), "--reps", "5"],
                   capsys)
    assert "the batch would have 640,000 runs" in line and "at most 100,000" in line


def test_a_world_too_big_for_memory_says_the_estimate_and_the_limit(tmp_path, capsys):
    path = tmp_path / "huge.toml"
    path.write_text(f'extends = "{Path(MUNICIPAL).as_posix()}"\n[world]\nmunicipalities = []\n'
                    "[world.generate]\nmunicipalities = 5000\nlabour_force = 50000000\n"
                    "markets = 60\n")
    out = tmp_path / "out"
    for command in (["validate", str(path)], ["run", str(path), "--out", str(out)],
                    ["batch", str(path), "--out", str(out)]):
        line = refused(command, capsys)
        assert "50,500,000 persons need about" in line and "GiB of memory (estimate)" in line
        assert "GiB available" in line
    assert not out.exists()


def test_local_workers_are_limited_to_what_fits_in_memory(tmp_path, monkeypatch, capsys):
    scenario = load(write_tiny(tmp_path))
    config = scenario.arms["low"]
    monkeypatch.setattr(resources, "available_bytes",
                        lambda: int(2.5 * resources.estimated_bytes(config)))
    assert batch.choose_workers(None, "local", None, config) == min(2, os.cpu_count() or 1)
    line = refused(["batch", str(scenario.source), "--workers", "3", "--out",
                    str(tmp_path / "out")], capsys)
    assert "--workers" in line and "x 3 runs side by side" in line and "fewer workers" in line


@pytest.mark.parametrize("command", ["run", "batch"])
def test_an_out_that_cannot_be_written_is_refused_before_the_first_run(tmp_path, capsys,
                                                                      command):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    for out, message in ((a_file, "is a file, not a folder"),
                         (a_file / "below", "cannot be made: ")):
        line = refused([command, MUNICIPAL, "--out", str(out)], capsys)
        assert line.startswith("error: --out: ") and message in line
    assert a_file.read_text() == "not a folder"


def test_nothing_is_written_outside_the_results_folder(tmp_path):
    with pytest.raises(store.ResultsError, match="outside the results folder"):
        store.inside(tmp_path / "out", tmp_path / "out" / ".." / "elsewhere")
    scenario = load(write_tiny(tmp_path))
    with pytest.raises(batch.BatchError, match="plain folder name"):
        batch.batch_folder(tmp_path / "out", scenario, "../../x")
    assert not (tmp_path / "out").exists()


def test_shipped_scenarios_are_found_by_name(capsys):
    assert main(["validate", "municipality_se", "lov_vs_authorisation.toml"]) == 0
    assert capsys.readouterr().out.count(": ok (") == 2
    line = refused(["validate", "no_such_scenario"], capsys)
    assert "file not found" in line and "reformsim scenarios" in line


def test_version_and_output_piped_into_a_reader_that_stops_end_quietly(tmp_path):
    done = subprocess.run([str(REFORMSIM), "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("reformsim 0.")
    # the reader goes away before the listing is written, as `| head -1` does
    proc = subprocess.Popen([str(REFORMSIM), "validate", "--list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=tmp_path)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) in (0, 141)
    assert err == "", err


def test_run_folders_take_the_umask_not_mode_700(tmp_path, small_config):
    from sim.run import simulate

    result = simulate(small_config, 1, weeks=1)
    old = os.umask(0o022)
    try:
        folder = store.write_run(result, tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755


def test_a_sweep_over_a_service_setting_plans_and_runs(tmp_path):
    text = (REPO / "scenarios" / "lov_vs_authorisation.toml").as_posix()
    path = tmp_path / "sweep.toml"
    path.write_text(f'extends = "{text}"\nname = "service_sweep"\n[run]\nburn_in_weeks = 4\n'
                    '[sweep]\n"services.nacka.choice.active_choice_share" = [0.2, 0.6]\n')
    scenario = load(path)
    specs = batch.plan(scenario, replications=1, arms=["lov"], weeks=2)
    shares = [s.config.services["nacka"].choice.active_choice_share for s in specs]
    assert shares == [0.2, 0.6]
    outcome = batch.run_batch(scenario, out=tmp_path / "out", replications=1, arms=["lov"],
                              weeks=2, workers=1, progress=False)
    assert outcome.count("ran") == 2 and not outcome.failures
