"""Batches: arms x sweep x replications on every engine, resumable, failures as data.

The scenario is the municipal one (scenarios/municipality_se.toml, by `extends`) shrunk to
6,000 persons, 10 weeks of burn-in and 10 reported weeks, with two arms that differ in the
vacancy rate: small enough that a run takes a fraction of a second.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim import batch, engines, run, store
from sim.cli import main
from sim.config import ScenarioError, load

REPO = Path(__file__).resolve().parent.parent
MUNICIPAL = REPO / "scenarios" / "municipality_se.toml"
BIN = Path(sys.executable).parent
ARMS = ("low", "high")

TINY = """\
extends = "{municipal}"
name = "tiny_batch"
description = "The municipal scenario on 6,000 persons, two vacancy rates."
replications = {reps}

[run]
weeks = 10
burn_in_weeks = 10
seed = 11

[[world.municipalities]]
name = "Nacka"
labour_force = 3000
market = "Stockholm"

[[world.municipalities]]
name = "Varmdo"
labour_force = 3000
market = "Stockholm"

[arms.low]
labour_market.vacancy_rate = 0.0015

[arms.high]
labour_market.vacancy_rate = 0.0021
"""


def write_tiny(folder: Path, reps: int = 2, extra: str = "", name: str = "tiny.toml") -> Path:
    """The tiny two-arm scenario in `folder` (with `extra` TOML appended, e.g. a sweep)."""
    path = folder / name
    path.write_text(TINY.format(municipal=MUNICIPAL.as_posix(), reps=reps) + extra)
    return path


def run_dirs(folder: Path) -> list[Path]:
    """Finished run folders (not the temporaries a run is written into)."""
    return sorted(p for p in (folder / "runs").iterdir()
                  if p.is_dir() and not p.name.startswith("."))


def same_rows(a, b) -> bool:
    """Two summary tables with the same columns and the same values (NaN equal to NaN)."""
    def cells(table):
        return {k: ["nan" if v != v else v for v in table.column(k).to_pylist()]
                for k in table.column_names}

    return a.column_names == b.column_names and cells(a) == cells(b) \
        and a.schema.metadata == b.schema.metadata


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return write_tiny(tmp_path_factory.mktemp("scenario"))


@pytest.fixture(scope="module")
def reference(tiny, tmp_path_factory):
    """The tiny batch on the local engine with one worker (in-process)."""
    out = tmp_path_factory.mktemp("reference")
    outcome = batch.run_batch(load(tiny), out=out, workers=1, progress=False)
    return pq.read_table(outcome.folder / store.SUMMARY_FILE)


# ------------------------------------------------------------------------------- the plan
def test_plan_expands_arms_sweep_and_replications_with_shared_seeds(tmp_path):
    sweep = '\n[sweep]\n"labour_market.separation_rate" = [0.0014, 0.0016]\n'
    scenario = load(write_tiny(tmp_path, reps=3, extra=sweep))
    specs = batch.plan(scenario)
    assert len(specs) == 2 * 2 * 3
    assert [s.arm for s in specs[:6]] == ["low"] * 6
    assert len({s.run_id for s in specs}) == len(specs)
    for s in specs:
        assert s.seed == batch.replication_seed(11, s.replication) == 11 + s.replication
        assert s.config.labour_market.separation_rate == s.sweep["labour_market.separation_rate"]
    # common random numbers: every arm and sweep point of replication r has the same seed
    assert {(s.replication, s.seed) for s in specs} == {(r, 11 + r) for r in range(3)}
    # --weeks is part of the run id (a short run is not the full run), --reps and --arm select
    short = batch.plan(scenario, weeks=5, replications=1, arms=["high"])
    assert [s.arm for s in short] == ["high", "high"]
    assert {s.config.run.weeks for s in short} == {5}
    assert not {s.run_id for s in short} & {s.run_id for s in specs}
    with pytest.raises(ScenarioError, match="unknown arm 'medium'; allowed: low, high"):
        batch.plan(scenario, arms=["medium"])


def test_a_scenario_without_arms_runs_its_base(tmp_path):
    text = write_tiny(tmp_path).read_text().split("[arms.low]")[0]
    path = tmp_path / "no_arms.toml"
    path.write_text(text)
    specs = batch.plan(load(path), replications=2)
    assert [(s.arm, s.replication) for s in specs] == [("base", 0), ("base", 1)]


def test_flatten_keeps_numbers_flattens_dicts_and_skips_lists():
    flat = store.outcomes({"a": 1, "b": {"c": 2.5, "d": {"e": True}}, "calibration": [{"x": 1}],
                          "name": "x", "missing": None})
    assert flat["a"] == 1.0 and flat["b.c"] == 2.5 and flat["b.d.e"] == 1.0
    assert "calibration" not in flat and "name" not in flat
    assert flat["missing"] != flat["missing"]  # nan


# -------------------------------------------------------------------------------- engines
def test_summary_has_a_row_per_arm_and_replication_readable_without_our_code(reference):
    df = reference.to_pandas()
    assert len(df) == 4
    assert list(df["arm"]) == ["low", "low", "high", "high"]
    assert list(df["replication"]) == [0, 1, 0, 1]
    assert list(df["seed"]) == [11, 12, 11, 12]
    assert df["run_id"].is_unique
    for column in ("unemployment_rate", "job_finding_rate", "spend_per_year.social_assistance"):
        assert column in df.columns and df[column].notna().all()
    assert not [c for c in df.columns if c.startswith("calibration")]
    # the arms differ in the vacancy rate: more vacancies, more job finding, same seeds
    low, high = df[df.arm == "low"], df[df.arm == "high"]
    assert (high["job_finding_rate"].values > low["job_finding_rate"].values).all()


def test_local_engine_with_two_workers_gives_the_same_summary(reference, tiny, tmp_path):
    outcome = batch.run_batch(load(tiny), out=tmp_path, workers=2, progress=False)
    assert outcome.count("ran") == 4 and not outcome.failures
    assert same_rows(pq.read_table(outcome.folder / store.SUMMARY_FILE), reference)
    manifest = json.loads((outcome.folder / store.MANIFEST_FILE).read_text())
    assert manifest["engine"] == "local" and manifest["workers"] == 2
    assert manifest["counts"] == {"runs": 4, "finished": 4, "failed": 0, "not run": 0}
    assert manifest["this_command"] == {"ran": 4, "finished earlier": 0, "failed": 0}
    assert manifest["arms"] == list(ARMS) and manifest["replications"] == 2
    assert {"reformsim", "python", "numba"} <= set(manifest["versions"])
    assert len({r["pid"] for r in manifest["runs"]}) >= 1
    assert all(r["status"] == "finished" and r["this_command"] == "ran" and r["seconds"] > 0
               for r in manifest["runs"])


def test_dask_local_cluster_gives_the_same_summary(reference, tiny, tmp_path):
    outcome = batch.run_batch(load(tiny), out=tmp_path, engine="dask", workers=2,
                              progress=False)
    assert outcome.count("ran") == 4 and not outcome.failures
    assert same_rows(pq.read_table(outcome.folder / store.SUMMARY_FILE), reference)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, procs, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("the dask scheduler exited early")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"no dask scheduler on port {port} after {timeout} s")


@pytest.fixture
def dask_cluster(tmp_path):
    """A real `dask scheduler` and two `dask worker` processes on 127.0.0.1 (terminated after)."""
    dask_cli = str(BIN / "dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "NUMBA_NUM_THREADS": "1"}
    procs = []
    logs = []

    def start(*args):
        log = open(tmp_path / f"dask-{len(procs)}.log", "w")  # noqa: SIM115 - closed below
        logs.append(log)
        procs.append(subprocess.Popen([dask_cli, *args], stdout=log, stderr=subprocess.STDOUT,
                                      cwd=tmp_path, env=env))

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
        _wait_for_port(port, procs)
        for _ in range(2):
            start("worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                  "--no-nanny", "--no-dashboard", "--memory-limit", "0")
        from dask.distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
            assert len(client.scheduler_info()["workers"]) == 2
        yield address
    finally:
        for p in reversed(procs):  # the workers first, while their scheduler is still there
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=15)
        for log in logs:
            log.close()


def test_dask_engine_on_a_real_scheduler_and_two_workers(reference, tiny, tmp_path,
                                                         dask_cluster):
    outcome = batch.run_batch(load(tiny), out=tmp_path / "out", engine="dask",
                              scheduler=dask_cluster, progress=False)
    assert outcome.count("ran") == 4 and not outcome.failures
    assert same_rows(pq.read_table(outcome.folder / store.SUMMARY_FILE), reference)
    manifest = json.loads((outcome.folder / store.MANIFEST_FILE).read_text())
    assert manifest["scheduler"] == dask_cluster
    assert len({r["pid"] for r in manifest["runs"]}) == 2  # both workers ran something
    assert all(os.getpid() != r["pid"] for r in manifest["runs"])


# --------------------------------------------------------------------------------- resume
def test_a_killed_batch_resumes_with_every_run_exactly_once(tmp_path):
    scenario = write_tiny(tmp_path)
    args = [str(scenario), "--arm", "low", "--reps", "6", "--workers", "1", "--weeks", "30",
            "--out", str(tmp_path / "out")]
    folder = tmp_path / "out" / "tiny_batch" / "batch"
    proc = subprocess.Popen([str(BIN / "reformsim"), "batch", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if (folder / "runs").is_dir() and run_dirs(folder):
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    before = {p.name: (p / "manifest.json").stat().st_mtime_ns for p in run_dirs(folder)}
    assert 1 <= len(before) < 6, "the batch should have been killed midway"
    # a run being written when the batch died leaves a temporary folder behind
    (folder / "runs" / ".tmp-0123456789abcdef-x").mkdir()
    (folder / "runs" / ".tmp-0123456789abcdef-x" / "weekly.parquet").write_bytes(b"partial")

    assert main(["batch", *args]) == 0
    dirs = run_dirs(folder)
    assert len(dirs) == 6
    assert not list((folder / "runs").glob(".*"))  # no temporaries left
    for name, mtime in before.items():  # finished runs were skipped, not run again
        assert (folder / "runs" / name / "manifest.json").stat().st_mtime_ns == mtime
    summary = pq.read_table(folder / store.SUMMARY_FILE)
    assert summary.num_rows == 6
    assert sorted(summary.column("run_id").to_pylist()) == sorted(p.name for p in dirs)
    assert summary.column("replication").to_pylist() == list(range(6))
    manifest = json.loads((folder / store.MANIFEST_FILE).read_text())
    assert manifest["counts"] == {"runs": 6, "finished": 6, "failed": 0, "not run": 0}
    assert manifest["this_command"]["finished earlier"] == len(before)
    assert manifest["this_command"]["ran"] == 6 - len(before)
    # and once more: nothing left to do
    again = batch.run_batch(load(scenario), out=tmp_path / "out", arms=["low"], replications=6,
                            weeks=30, workers=1, progress=False)
    assert again.count("ran") == 0 and again.count("finished earlier") == 6


def test_arms_with_the_same_configuration_share_their_runs(tmp_path):
    path = write_tiny(tmp_path, extra="\n[arms.copy]\nlabour_market.vacancy_rate = 0.0015\n")
    outcome = batch.run_batch(load(path), out=tmp_path, workers=1, weeks=3, progress=False)
    assert len(outcome.specs) == 6 and outcome.count("ran") == 4
    assert len(run_dirs(outcome.folder)) == 4
    summary = pq.read_table(outcome.folder / store.SUMMARY_FILE).to_pylist()
    low = [r for r in summary if r["arm"] == "low"]
    copy = [r for r in summary if r["arm"] == "copy"]
    assert [r["run_id"] for r in low] == [r["run_id"] for r in copy]
    def norm(rows):
        return [{k: "nan" if v != v else v for k, v in r.items() if k != "arm"} for r in rows]

    assert norm(low) == norm(copy)


# ------------------------------------------------------------------------------- failures
def test_a_failing_run_is_reported_and_the_others_complete(tmp_path, monkeypatch, capsys):
    scenario = write_tiny(tmp_path)
    real = run.simulate

    def simulate(config, seed, **kw):
        if kw["arm"] == "high" and kw["labels"]["replication"] == 1:
            raise RuntimeError("provider register corrupted (injected by the test)")
        return real(config, seed, **kw)

    monkeypatch.setattr(run, "simulate", simulate)  # one worker: runs go in-process
    args = ["batch", str(scenario), "--workers", "1", "--weeks", "3", "--out", str(tmp_path)]
    assert main(args) == 1
    err = capsys.readouterr().err
    failed = [s for s in batch.plan(load(scenario), weeks=3)
              if s.arm == "high" and s.replication == 1][0]
    assert "1 run(s) failed" in err and failed.run_id in err
    assert "RuntimeError: provider register corrupted" in err
    folder = tmp_path / "tiny_batch" / "batch"
    trace = (folder / "failed" / f"{failed.run_id}.txt").read_text()
    assert "Traceback" in trace and "injected by the test" in trace
    assert len(run_dirs(folder)) == 3
    assert pq.read_table(folder / store.SUMMARY_FILE).num_rows == 3
    manifest = json.loads((folder / store.MANIFEST_FILE).read_text())
    assert [f["run_id"] for f in manifest["failures"]] == [failed.run_id]
    assert manifest["failures"][0]["traceback_file"] == f"failed/{failed.run_id}.txt"

    monkeypatch.setattr(run, "simulate", real)  # the fault is fixed: re-run retries it
    assert main(args) == 0
    assert not (folder / "failed" / f"{failed.run_id}.txt").exists()
    assert pq.read_table(folder / store.SUMMARY_FILE).num_rows == 4
    assert json.loads((folder / store.MANIFEST_FILE).read_text())["failures"] == []


def test_a_lost_worker_is_a_failed_run_not_a_crash():
    task = {"config": load(MUNICIPAL).base, "seed": 3}
    record = engines.lost(task, "RuntimeError: worker killed")
    assert record["status"] == "failed" and record["run_id"] == task["config"].digest(3)
    assert record["error"] == "RuntimeError: worker killed"


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--arm", "medium"], "unknown arm 'medium'; allowed: low, high"),
        (["--scheduler", "tcp://127.0.0.1:1"], "a scheduler address needs --engine dask"),
        (["--name", "../x"], "must be a plain folder name"),
        (["--reps", "0"], "--reps"),
        (["--reps", "100000"], "--reps"),
        (["--workers", "0"], "--workers"),
        (["--workers", "100000"], "--workers: 100000 is out of range; allowed 1 to 1024"),
        (["--weeks", "0"], "--weeks"),
        (["--weeks", "99999"], "99999 is out of range; allowed 1 to 5200"),
        (["--out", "/proc/version"], "is a file, not a folder"),
        (["--out", "/proc/version/sub"], "cannot be made: /proc/version is a file"),
    ],
)
def test_bad_batch_options_give_one_line_exit_2_and_write_nothing(tmp_path, capsys, extra,
                                                                  message):
    scenario = write_tiny(tmp_path)
    out = tmp_path / "out"
    try:
        code = main(["batch", str(scenario), "--out", str(out), *extra])
    except SystemExit as stop:  # refused by the argument parser
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
