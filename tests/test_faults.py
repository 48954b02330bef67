"""Fault injection: a batch under the faults of real machines ends with every run present once.

Why: researchers run batches for hours on laptops and clusters, where a parent process is
killed (a closed SSH session, `kill -9`), a worker is killed by the OS for memory, two people
start the same batch, or a disk fills and leaves a truncated file. Each test injects one such
fault into the tiny two-arm batch of tests/test_batch.py (6,000 persons, a second or two a
run) and checks that the batch, run again, ends with every run present exactly once and no
run executed twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim import batch, engines, store
from sim.cli import main
from sim.config import load
from tests.test_batch import run_dirs, write_tiny

BIN = Path(sys.executable).parent
REPS, WEEKS = 3, 60  # 2 arms x 3 replications = 6 runs of about 2 s


def batch_args(scenario: Path, out: Path, *extra: str) -> list[str]:
    return ["batch", str(scenario), "--reps", str(REPS), "--weeks", str(WEEKS), "--workers",
            "2", "--out", str(out), *extra]


def start(args: list[str], tmp_path: Path, name: str) -> subprocess.Popen:
    """The console script in its own process, output to files (no pipe to fill up)."""
    with open(tmp_path / f"{name}.log", "w") as log:  # the child keeps its own copy
        return subprocess.Popen([str(BIN / "reformsim"), *args], stdout=log,
                                stderr=subprocess.STDOUT)


def wait_for(predicate, timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout} s for {what}")
        time.sleep(0.02)


def running(folder: Path) -> dict[str, tuple[str, int]]:
    runs = folder / store.RUNS_DIR
    return engines.markers(runs) if runs.is_dir() else {}


def every_run_once(folder: Path, scenario: Path) -> None:
    """The plan's runs, each present once, complete and readable, and nothing else."""
    specs = batch.plan(load(scenario), replications=REPS, weeks=WEEKS)
    expected = {s.run_id for s in specs}
    assert {p.name for p in run_dirs(folder)} == expected
    assert all(store.damage(folder / store.RUNS_DIR / i) is None for i in expected)
    summary = pq.read_table(folder / store.SUMMARY_FILE)
    assert sorted(summary.column("run_id").to_pylist()) == sorted(s.run_id for s in specs)
    manifest = json.loads((folder / store.MANIFEST_FILE).read_text())
    assert manifest["counts"] == {"runs": len(expected), "finished": len(expected),
                                  "failed": 0, "not run": 0}
    assert not list((folder / store.RUNS_DIR).glob(".*"))  # no temporaries or markers left


def finished_at(folder: Path) -> dict[str, int]:
    return {p.name: (p / store.RUN_MANIFEST_FILE).stat().st_mtime_ns for p in run_dirs(folder)}


@pytest.fixture
def tiny(tmp_path) -> Path:
    return write_tiny(tmp_path)


def test_killing_the_parent_takes_its_workers_down_and_a_rerun_runs_each_run_once(
        tiny, tmp_path, capsys):
    out = tmp_path / "out"
    folder = out / "tiny_batch" / "batch"
    parent = start(batch_args(tiny, out), tmp_path, "parent")
    seen: dict = {}  # the runs in progress when both were: one may finish before the kill

    def both_running() -> bool:
        seen.clear()
        seen.update(running(folder))
        return len(seen) == 2

    try:
        wait_for(both_running, what="both workers to start a run")
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=30)
    workers = [pid for _, pid in seen.values()]
    assert len(workers) == 2 and parent.pid not in workers
    # the orphaned workers notice their parent is gone and exit, without finishing their run
    wait_for(lambda: not any(engines.alive(pid) for pid in workers), timeout=10,
             what="orphaned workers to exit")
    before = finished_at(folder)
    assert len(before) < 2 * REPS

    assert main(batch_args(tiny, out)) == 0
    every_run_once(folder, tiny)
    after = finished_at(folder)
    assert {k: after[k] for k in before} == before  # finished runs were not run again
    manifest = json.loads((folder / store.MANIFEST_FILE).read_text())
    assert manifest["this_command"]["ran"] == 2 * REPS - len(before)
    capsys.readouterr()


def test_a_killed_worker_costs_a_fresh_pool_not_the_runs_it_did_not_start(tiny, tmp_path):
    out = tmp_path / "out"
    folder = out / "tiny_batch" / "batch"
    proc = start(batch_args(tiny, out), tmp_path, "batch")
    wait_for(lambda: running(folder), what="a worker to start a run")
    victim, (_, pid) = next(iter(running(folder).items()))
    os.kill(pid, signal.SIGKILL)  # as the OS's out-of-memory killer would
    assert proc.wait(timeout=180) == 0, (tmp_path / "batch.log").read_text()
    every_run_once(folder, tiny)
    manifest = json.loads((folder / store.MANIFEST_FILE).read_text())
    assert manifest["engine_restarts"] >= 1
    assert manifest["this_command"] == {"ran": 2 * REPS, "finished earlier": 0, "failed": 0}
    assert victim in {p.name for p in run_dirs(folder)}  # the lost run was retried


def test_a_run_that_kills_its_worker_every_time_fails_alone(tmp_path):
    """A run lost `MAX_LOST` times is a failed run; the runs queued behind it still run."""
    engine = engines.LocalEngine(2)
    config = load(write_tiny(tmp_path)).arms["low"]
    runs_dir = tmp_path / "runs"
    runs_dir.mkdir()
    task = {"config": config, "seed": 1, "runs_dir": str(runs_dir)}
    losses: dict = {}
    marker = runs_dir / f"{engines.RUNNING}{config.digest(1)}"
    marker.write_text("host 1\n")
    assert engine._after_break(task, losses) is None  # lost once: run it again
    marker.write_text("host 1\n")
    record = engine._after_break(task, losses)
    assert record["status"] == "failed" and "died 2 times" in record["error"]
    assert engine._after_break({**task, "seed": 2}, losses) is None  # never started: just rerun


def test_a_second_batch_on_the_same_folder_refuses_in_one_line_or_waits(tiny, tmp_path,
                                                                       capsys):
    out = tmp_path / "out"
    folder = out / "tiny_batch" / "batch"
    first = start(batch_args(tiny, out), tmp_path, "first")
    try:
        wait_for(lambda: (folder / f"{store.LOCK_FILE}.owner").exists(), what="the lock")
        assert main(batch_args(tiny, out)) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1
        assert "another batch is running in" in err and f"pid {first.pid}" in err
        second = start(batch_args(tiny, out, "--wait"), tmp_path, "second")
        assert first.wait(timeout=180) == 0
        assert second.wait(timeout=180) == 0
    finally:
        first.kill()
    log = (tmp_path / "second.log").read_text()
    assert "waiting for the batch running in" in log
    assert f"0 ran, {2 * REPS} finished earlier" in log
    every_run_once(folder, tiny)


def test_a_damaged_run_file_is_not_done_and_readers_name_the_damaged_file(tiny, tmp_path,
                                                                         capsys):
    out = tmp_path / "out"
    folder = out / "tiny_batch" / "batch"
    args = batch_args(tiny, out, "--workers", "1", "--weeks", "5")
    assert main(args) == 0
    capsys.readouterr()
    first, second, *_ = run_dirs(folder)
    weekly = first / store.WEEKLY_FILE
    weekly.write_bytes(weekly.read_bytes()[:100])  # truncated, as by a full disk
    (second / store.RUN_SUMMARY_FILE).write_text("")  # empty
    assert store.damage(first) and store.damage(second)

    # the readers say which file is damaged and what to do, in one line
    with pytest.raises(store.DamagedFile, match="weekly.parquet: damaged or incomplete"):
        store.read_weekly(first)
    summary = folder / store.SUMMARY_FILE
    good = summary.read_bytes()
    for broken in (b"", good[: len(good) // 2]):
        summary.write_bytes(broken)
        for command in ("compare", "report"):
            assert main([command, str(folder)]) == 2
            err = capsys.readouterr().err.strip()
            assert len(err.splitlines()) == 1 and "summary.parquet: damaged" in err
            assert "re-run the `reformsim batch` command" in err

    # the batch treats the damaged runs as not done: exactly those run again
    before = finished_at(folder)
    assert main(args) == 0
    after = finished_at(folder)
    assert {k for k in before if before[k] != after[k]} == {first.name, second.name}
    manifest = json.loads((folder / store.MANIFEST_FILE).read_text())
    assert manifest["this_command"]["ran"] == 2
    assert store.damage(first) is None and store.damage(second) is None
    assert main(["compare", str(folder)]) == 0
    capsys.readouterr()


def test_a_terminated_batch_stops_its_workers_at_once_and_resumes(tiny, tmp_path, capsys):
    """`kill` (SIGTERM) of the batch acts as Ctrl-C: workers stop now, not after their run."""
    out = tmp_path / "out"
    folder = out / "tiny_batch" / "batch"
    proc = start(batch_args(tiny, out), tmp_path, "batch")
    wait_for(lambda: len(running(folder)) == 2, what="both workers to start a run")
    workers = [pid for _, pid in running(folder).values()]
    t0 = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 130
    assert time.monotonic() - t0 < 10
    assert not any(engines.alive(pid) for pid in workers)
    log = (tmp_path / "batch.log").read_text()
    assert "interrupted: finished runs are kept" in log and "Traceback" not in log
    manifest = json.loads((folder / store.MANIFEST_FILE).read_text())
    assert manifest["interrupted"] is True
    assert main(batch_args(tiny, out)) == 0
    every_run_once(folder, tiny)
    capsys.readouterr()
