"""`reformsim run | scenarios | validate`: what a researcher types and what lands on disk.

Why: a run's folder is its record (DESIGN.md, Experiments and results): the resolved config,
seed, versions, git commit and timings in manifest.json, the weekly table, the ledger and the
summary, written atomically under results/<scenario>/<run-id>/, so the run can be reproduced
from its manifest and a re-run lands in the same place. Mistakes on the command line are
refused like mistakes in a scenario file: one line, exit code 2, nothing written.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.cli import main
from sim.config import Config, build, leaf_settings
from sim.run import simulate

REPO = Path(__file__).resolve().parent.parent
REFORMSIM = REPO / ".venv" / "bin" / "reformsim"
MUNICIPAL = "scenarios/municipality_se.toml"
SHORT_RUN = [MUNICIPAL, "--weeks", "8", "--set", "run.burn_in_weeks=4"]
RUN_FILES = {"manifest.json", "weekly.parquet", "ledger.parquet", "municipalities.parquet",
             "summary.json"}


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}:\n{text}"
    return lines[0]


def _run_dirs(out: Path) -> list[Path]:
    return sorted((out / "municipality_se").iterdir())


@pytest.fixture(scope="module")
def short_run(tmp_path_factory):
    """The console script, as a user runs it: a short municipal run into a fresh folder."""
    out = tmp_path_factory.mktemp("results")
    done = subprocess.run(
        [str(REFORMSIM), "run", *SHORT_RUN, "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    return done, out


@pytest.fixture
def in_repo(monkeypatch):
    """Run in-process from the checkout, so `scenarios/...` paths work as typed."""
    monkeypatch.chdir(REPO)


# ------------------------------------------------------------------------------------- run
def test_run_exits_0_and_prints_the_calibration_beside_its_targets(short_run):
    done, _ = short_run
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Calibration (simulated vs target)" in done.stdout
    for indicator in ("unemployment_rate", "long_term_share", "job_finding_rate",
                      "monthly_hazard_short", "monthly_hazard_long"):
        assert indicator in done.stdout
    assert "8 reported weeks after 4 weeks of burn-in" in done.stdout


def test_run_writes_one_complete_run_folder_and_no_temporary_files(short_run):
    done, out = short_run
    assert [p.name for p in out.iterdir()] == ["municipality_se"]
    entries = _run_dirs(out)
    assert len(entries) == 1 and entries[0].is_dir()
    assert not entries[0].name.startswith("."), "no .tmp-* or .old-* folders left behind"
    assert {p.name for p in entries[0].iterdir()} == RUN_FILES
    assert entries[0].name in done.stdout, "the summary says where the results are"


def test_the_manifest_records_config_seed_versions_git_commit_and_timings(short_run):
    _, out = short_run
    run_dir = _run_dirs(out)[0]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["run_id"] == run_dir.name
    assert manifest["scenario"] == "municipality_se"
    assert manifest["seed"] == 20260101
    assert manifest["config"]["run"]["burn_in_weeks"] == 4
    assert manifest["config"]["world"]["municipalities"][0]["name"] == "Nacka"
    assert {"reformsim", "python", "numpy", "numba", "mesa"} <= set(manifest["versions"])
    commit = manifest["git_commit"]
    if (REPO / ".git").exists():
        assert isinstance(commit, str) and len(commit.removesuffix("-dirty")) == 40
    else:
        assert commit is None, "outside a git checkout there is no commit to record"
    assert {"build_s", "run_s"} <= set(manifest["timings"])
    assert all(manifest["timings"][k] >= 0 for k in ("build_s", "run_s"))


def test_the_manifest_records_the_reported_weeks_of_the_run(short_run):
    """`--weeks 8` is part of what was run, so it must be in the resolved config."""
    _, out = short_run
    run_dir = _run_dirs(out)[0]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["weeks"] == 8
    assert manifest["config"]["run"]["weeks"] == 8


def test_the_tables_cover_burn_in_and_reported_weeks_and_the_ledger_balances(short_run):
    _, out = short_run
    run_dir = _run_dirs(out)[0]
    weekly = pq.read_table(run_dir / "weekly.parquet")
    assert weekly["week"].to_pylist() == list(range(-4, 8))
    ledger = pq.read_table(run_dir / "ledger.parquet")
    assert ledger.column_names == ["week", "payer", "payee", "category", "amount"]
    amounts = ledger["amount"].to_numpy()
    assert (amounts > 0).all() and np.isfinite(amounts).all()
    total = amounts.sum()
    by_payer: dict[str, float] = {}
    for row in ledger.to_pylist():
        by_payer[row["payer"]] = by_payer.get(row["payer"], 0.0) - row["amount"]
        by_payer[row["payee"]] = by_payer.get(row["payee"], 0.0) + row["amount"]
    assert abs(sum(by_payer.values())) <= 1e-9 * total
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["persons"] == 79_000
    assert {c["indicator"] for c in summary["calibration"]} >= {"unemployment_rate"}


def test_the_run_can_be_reproduced_from_its_manifest(short_run):
    _, out = short_run
    run_dir = _run_dirs(out)[0]
    manifest = json.loads((run_dir / "manifest.json").read_text())
    config = build(Config, manifest["config"], "manifest.json", "")
    assert config.digest(manifest["seed"]) == manifest["run_id"]
    assert config.run.weeks == 8, "the manifest must say how long the run was"
    again = simulate(config, manifest["seed"])
    assert same(again.weekly, pq.read_table(run_dir / "weekly.parquet"))


def test_running_the_same_command_twice_gives_one_run_folder(in_repo, tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", *SHORT_RUN, "--out", str(out)]) == 0
    first = pq.read_table(_run_dirs(out)[0] / "weekly.parquet")
    assert main(["run", *SHORT_RUN, "--out", str(out)]) == 0
    entries = _run_dirs(out)
    assert len(entries) == 1, [p.name for p in entries]
    assert {p.name for p in entries[0].iterdir()} == RUN_FILES
    assert same(pq.read_table(entries[0] / "weekly.parquet"), first)
    capsys.readouterr()


def test_runs_of_different_length_or_seed_get_different_folders(in_repo, tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", *SHORT_RUN, "--out", str(out)]) == 0
    assert main(["run", *SHORT_RUN, "--seed", "3", "--out", str(out)]) == 0
    assert len(_run_dirs(out)) == 2, "the seed is part of the run id"
    assert main(["run", *SHORT_RUN[:2], "9", *SHORT_RUN[3:], "--out", str(out)]) == 0
    assert len(_run_dirs(out)) == 3, "a longer run must not overwrite the shorter one"
    capsys.readouterr()


def test_run_json_prints_the_summary_as_json(in_repo, tmp_path, capsys):
    assert main(["run", *SHORT_RUN, "--json", "--out", str(tmp_path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["weeks"] == 8 and summary["persons"] == 79_000


# -------------------------------------------------------------------- refused command lines
@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("labour_market.vacancy_rte=0.002", "did you mean 'labour_market.vacancy_rate'?"),
        ("labour_market.vacancy_rate=0.9", "allowed 0.0 to 0.2"),
        ("run.weeks=soon", "expected a whole number"),
        ("run.weeks", "expected KEY=VALUE"),
        ("world.generate.municipalities=10", "world"),
    ],
    ids=["unknown_key", "out_of_range", "wrong_type", "no_value", "inside_absent_table"],
)
def test_a_bad_set_is_refused_in_one_line_with_exit_2_and_nothing_written(
    in_repo, tmp_path, capsys, setting, expected
):
    out = tmp_path / "results"
    code = main(["run", MUNICIPAL, "--set", setting, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    line = _one_line(captured.err)
    assert line.startswith("error: --set: ") and expected in line
    assert captured.out == ""
    assert not out.exists()


def test_an_unknown_arm_is_refused_with_the_allowed_arms(in_repo, tmp_path, capsys):
    code = main(["run", MUNICIPAL, "--arm", "no_such_arm", "--out", str(tmp_path / "results")])
    assert code == 2
    line = _one_line(capsys.readouterr().err)
    assert "--arm" in line and "'no_such_arm'" in line and "allowed:" in line
    assert not (tmp_path / "results").exists()


def test_zero_weeks_is_refused_with_exit_2_and_nothing_written(in_repo, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["run", MUNICIPAL, "--weeks", "0", "--out", str(tmp_path / "results")])
    assert stopped.value.code == 2
    assert "--weeks" in capsys.readouterr().err.strip().splitlines()[-1]
    assert not (tmp_path / "results").exists()


# ------------------------------------------------------------------- scenarios and validate
def test_scenarios_lists_every_shipped_scenario():
    done = subprocess.run([str(REFORMSIM), "scenarios"], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    shipped = sorted((REPO / "scenarios").glob("*.toml"))
    assert shipped
    for path in shipped:
        assert f"scenarios/{path.name}" in done.stdout
    assert "INVALID" not in done.stdout


def test_validate_list_shows_every_setting_with_its_default_and_allowed_values(capsys):
    assert main(["validate", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    listed = {line.split(" = ", 1)[0] for line in lines}
    assert {path for path, _, _ in leaf_settings()} <= listed
    by_path = {line.split(" = ", 1)[0]: line for line in lines}
    assert "allowed: 0.0 to 0.2" in by_path["labour_market.vacancy_rate"]
    assert "se" in by_path["world.country"].split("allowed:")[1]
    # the unit where known and what the setting means, from its declaration (help=, unit=)
    assert "[weeks]" in by_path["run.weeks"] and "Weeks reported after burn-in" in \
        by_path["run.weeks"]
    assert "[per week]" in by_path["labour_market.vacancy_rate"]
    # a service scheme's settings too, under services.<name>.
    assert "public, lov, authorisation" in by_path["services.<name>.choice.regime"]


def test_validate_without_files_is_refused_in_one_line(capsys):
    assert main(["validate"]) == 2
    assert "--list" in _one_line(capsys.readouterr().err)


def same(a, b) -> bool:
    """Equal tables, a NaN equal to a NaN (a value that never arose, e.g. pilots' capability
    in a world without pilots)."""
    return a.column_names == b.column_names and all(
        np.array_equal(a[k].to_numpy(), b[k].to_numpy(),
                       equal_nan=a[k].type in (pa.float64(), pa.float32()))
        for k in a.column_names)
