"""Scenario batches: every arm x sweep point x replication, on local processes or a Dask cluster.

A batch runs a scenario's plan (sim/plan.py: every arm x sweep point x replication, with
replication r seeded `run.seed + r` in every arm, so differences are paired) and writes it.

A run is a pure function of (resolved config, seed) -> outcomes (`sim.run.simulate`);
engines (sim/engines.py) only schedule it, so every engine and worker count gives the same
numbers:

- `local` (default): a `concurrent.futures.ProcessPoolExecutor` with `workers` processes
  (started with `spawn`: no fork of a threaded parent); with one worker, runs go in-process;
- `dask`: a `dask.distributed.Client`, to an existing scheduler (`scheduler="tcp://host:8786"`)
  or to a `LocalCluster` of `workers` processes. Workers write the runs themselves, so on a
  cluster of several machines the results folder must be on a filesystem they share (the same
  path everywhere).

Output, under `<out>/<scenario name>/<batch name>/` (the batch name defaults to `batch`):

    runs/<run-id>/      one folder per run, written atomically by `sim.store.write_run`
                        (weekly.parquet, ledger.parquet, summary.json, manifest.json)
    failed/<run-id>.txt the traceback of each run that raised (removed once it succeeds)
    summary.parquet     one row per arm x sweep point x replication: run_id, arm, the sweep
                        values (a column per dotted setting), replication, seed, and the run
                        summary's numeric outcomes, nested dicts flattened with dots
                        (`spend_per_year.social_assistance`); lists (calibration) are left out
    weekly/<arm>.parquet the weekly tables of the arm's runs with id columns (sim/store/tables.py)
    manifest.json       the batch: scenario, arms, sweep, replications, engine, workers,
                        versions, git commit, every run with its status, failures, timings

Re-running the same command skips the runs already finished (a run folder with a damaged file
is not finished and runs again), so an interrupted batch resumes with nothing lost and nothing
run twice. A run that raises is recorded (traceback in `failed/`, error in the manifest) and
the others go on; the caller is told which failed. A batch holds a lock on its folder
(`filelock`, released by the OS if the process dies): a second batch on the same folder refuses
in one line, or waits with `wait=True`. The manifest's counts come from the files, so they are
true after any interruption. The run id covers the configuration and the seed, not the code: a
resumed batch warns when finished runs were made by another git commit (and lists them in the
manifest); delete the batch folder to re-run them. Engines and their fault handling (a dead
worker, a dead parent) are in sim/engines.py.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from sim import run, store
from sim.config import ScenarioFile
from sim.config.names import is_slug
from sim.config.resources import check_memory, estimated_bytes, runs_that_fit
from sim.engines import RUNNING, BatchError, alive, markers, open_engine
from sim.plan import BASE_ARM, MAX_RUNS, RunSpec, plan, replication_seed

__all__ = ["BASE_ARM", "MAX_RUNS", "BatchError", "BatchOutcome", "RunSpec", "batch_folder",
           "choose_workers", "plan", "replication_seed", "run_batch"]

DEFAULT_NAME = "batch"
ENGINES = ("local", "dask")
MAX_WORKERS = 1024
ORPHAN_WAIT_S = 30.0


# ---------------------------------------------------------------------------- the batch
@dataclass
class BatchOutcome:
    """What a batch did: where, which runs, which failed."""

    folder: Path
    specs: list[RunSpec]
    statuses: dict[str, dict] = field(default_factory=dict)  # run id -> record
    seconds: float = 0.0
    restarts: int = 0  # fresh pools opened because a worker died

    @property
    def runs(self) -> int:
        """Distinct runs (arms with the same configuration share theirs)."""
        return len(_unique(self.specs))

    @property
    def failures(self) -> list[RunSpec]:
        failed = {i for i, rec in self.statuses.items() if rec["status"] == "failed"}
        return [s for s in _unique(self.specs) if s.run_id in failed]

    def count(self, status: str) -> int:
        return sum(rec["status"] == status for rec in self.statuses.values())


def batch_folder(out: str | Path, scenario: ScenarioFile, name: str = DEFAULT_NAME) -> Path:
    """`<out>/<scenario>/<name>`, refused unless both names are safe and it lies inside out."""
    if not is_slug(name):
        raise BatchError("--name", f"{name!r} must be a plain folder name such as 'batch' "
                         "(letters, digits, '_', '-', '.')")
    return store.inside(out, Path(out) / scenario.name / name)


def choose_workers(workers: int | None, engine: str, scheduler: str | None, config) -> int:
    """Worker processes: as asked (1..MAX_WORKERS), else one per core; local workers must fit
    in memory side by side (a default is lowered to fit, an explicit number refused)."""
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        raise BatchError("--workers", f"{workers} is out of range; allowed 1 to {MAX_WORKERS}")
    if scheduler:  # a cluster's memory is the cluster's business
        return workers or 1
    fit = runs_that_fit(config)
    if fit < 1:
        check_memory(config, "batch")  # raises, with the estimate and the limit
    if workers is None:
        return max(1, min(os.cpu_count() or 1, fit))
    if workers > fit:
        check_memory(config, "batch", "--workers", copies=workers)
    return workers


def run_batch(
    scenario: ScenarioFile,
    *,
    out: str | Path = "results",
    name: str = DEFAULT_NAME,
    replications: int | None = None,
    arms: Iterable[str] | None = None,
    weeks: int | None = None,
    engine: str = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    wait: bool = False,
) -> BatchOutcome:
    """Run (or resume) a batch and write its summary, weekly dataset and manifest (see the
    module). Every check that can refuse runs before anything is written."""
    if engine not in ENGINES:
        raise BatchError("--engine", f"{engine!r} is not an engine; allowed: {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise BatchError("--scheduler", "a scheduler address needs --engine dask")
    folder = batch_folder(out, scenario, name)
    specs = plan(scenario, replications=replications, arms=arms, weeks=weeks)
    largest = max((s.config for s in specs), key=estimated_bytes)
    workers = choose_workers(workers, engine, scheduler, largest)
    store.check_writable(out)
    pending = [s for s in _unique(specs) if not store.is_finished(folder / store.RUNS_DIR,
                                                                     s.run_id)]
    # the engine before the first write: an unreachable scheduler is reported with none made
    runner = open_engine(engine, workers, scheduler) if pending else None
    interrupted = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with hold(folder, wait, progress):
            return _run_locked(scenario, specs, folder, name, weeks, runner, engine, workers,
                               scheduler, progress)
    except BaseException:
        interrupted = True
        raise
    finally:
        if runner is not None:
            runner.close(interrupted=interrupted)


@contextmanager
def hold(folder: Path, wait: bool, progress: bool):
    """The batch folder's lock (filelock: the OS releases it if this process dies)."""
    lock = FileLock(folder / store.LOCK_FILE)
    owner = folder / f"{store.LOCK_FILE}.owner"
    try:
        lock.acquire(timeout=0)
    except Timeout:
        holder = owner.read_text().strip() if owner.exists() else "another process"
        if not wait:
            raise BatchError("--out", f"another batch is running in {folder} ({holder}); "
                             "wait for it, add --wait, or use another --name") from None
        if progress:
            print(f"waiting for the batch running in {folder} ({holder})", flush=True)
        lock.acquire()
    try:
        owner.write_text(f"pid {os.getpid()} on {socket.gethostname()}, since "
                         f"{datetime.now(UTC).isoformat(timespec='seconds')}\n")
        yield
    finally:
        owner.unlink(missing_ok=True)
        lock.release()


def _run_locked(scenario, specs, folder, name, weeks, runner, engine, workers, scheduler,
                progress):
    runs_dir, failed_dir = folder / store.RUNS_DIR, folder / store.FAILED_DIR
    runs_dir.mkdir(exist_ok=True)
    _settle(runs_dir, progress)
    outcome = BatchOutcome(folder, specs)
    todo, other_code = [], []
    commit = store.git_commit()
    for spec in _unique(specs):
        if store.is_finished(runs_dir, spec.run_id):
            outcome.statuses[spec.run_id] = {"run_id": spec.run_id, "status": "finished earlier"}
            if store.read_manifest(runs_dir / spec.run_id).get("git_commit") != commit:
                other_code.append(spec.run_id)
        else:
            todo.append(spec)
    # numba threads per worker: share the cores (local engines); leave a cluster's as set up
    threads = 0 if scheduler or workers == 1 else max(1, (os.cpu_count() or 1) // workers)
    tasks = [
        {"config": s.config, "seed": s.seed, "runs_dir": str(runs_dir), "engine": engine,
         "numba_threads": threads,
         "labels": {"scenario": scenario.name, "arm": s.arm, "batch": name,
                    "replication": s.replication, "sweep": s.sweep}}
        for s in todo
    ]
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    interrupted = False
    try:
        if progress:
            where = scheduler or f"{workers} worker{'s' * (workers > 1)}"
            print(f"batch {scenario.name}/{name}: {outcome.runs} runs, "
                  f"{outcome.runs - len(todo)} finished earlier, {len(todo)} to run "
                  f"({engine} engine, {where})", flush=True)
        if other_code and progress:  # the run id covers config and seed, not the code
            print(f"warning: {len(other_code)} finished run(s) were made by another version "
                  f"of the code (git commit other than {commit}); delete {folder} to re-run "
                  "them", file=sys.stderr, flush=True)
        if tasks and runner is None:  # a run damaged since we looked: rare, run it here
            runner = open_engine("local", 1)
        if tasks:
            try:
                _collect(runner.map(tasks), outcome, len(tasks), failed_dir, progress)
            finally:
                outcome.restarts = getattr(runner, "restarts", 0)
    except BaseException:
        interrupted = True
        raise
    finally:
        forget_histories(runs_dir)
        outcome.seconds = round(time.perf_counter() - t0, 3)
        write_outputs(folder, scenario, outcome, engine=engine, workers=workers,
                      scheduler=scheduler, weeks=weeks, started=started,
                      interrupted=interrupted, other_code=other_code, progress=progress)
    return outcome


def _settle(runs_dir: Path, progress: bool) -> None:
    """Before running: wait for workers of a batch that died to exit (they watch their parent
    and leave within a second), then remove what they left half-written."""
    host = socket.gethostname()
    deadline = time.monotonic() + ORPHAN_WAIT_S
    said = False
    while True:
        live = {r: p for r, (h, p) in markers(runs_dir).items() if h == host and alive(p)}
        if not live or time.monotonic() > deadline:
            break
        if progress and not said:
            print(f"waiting for {len(live)} worker(s) of an interrupted batch to exit",
                  flush=True)
            said = True
        time.sleep(0.1)
    for path in runs_dir.glob(f"{RUNNING}*"):
        path.unlink(missing_ok=True)
    store.remove_temporaries(runs_dir)
    forget_histories(runs_dir)


def forget_histories(runs_dir: Path) -> None:
    """Remove the snapshots of shared histories (sim/run.py): a batch computes its own, so
    none made by other code is ever reused."""
    for path in runs_dir.glob(f"{run.HISTORY}*"):
        path.unlink(missing_ok=True)


def _collect(records: Iterator[dict], outcome: BatchOutcome, total: int, failed_dir: Path,
             progress: bool) -> None:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="run", desc="runs", disable=not progress or not total,
               dynamic_ncols=True)
    failed = 0
    try:
        for rec in records:
            if rec["status"] == "failed":
                failed += 1
                failed_dir.mkdir(exist_ok=True)
                path = failed_dir / f"{rec['run_id']}.txt"
                path.write_text(rec.pop("traceback", "") or rec.get("error", ""))
                rec["traceback_file"] = str(path.relative_to(outcome.folder))
            else:
                (failed_dir / f"{rec['run_id']}.txt").unlink(missing_ok=True)
            outcome.statuses[rec["run_id"]] = rec
            bar.set_postfix(failed=failed, refresh=False)
            bar.update(1)
    finally:
        bar.close()
        records.close()  # cancel what is left, also when interrupted


def _unique(specs: list[RunSpec]) -> list[RunSpec]:
    """One spec per run id: arms whose configurations coincide share their runs."""
    first: dict[str, RunSpec] = {}
    for spec in specs:
        first.setdefault(spec.run_id, spec)
    return list(first.values())


# ------------------------------------------------------------------------------ outputs
def write_outputs(folder: Path, scenario: ScenarioFile, outcome: BatchOutcome, *,
                  progress: bool = False, **how) -> None:
    """summary.parquet, weekly/ and manifest.json, from the run folders as they are now."""
    specs = outcome.specs
    states = store.run_states(folder, [s.run_id for s in _unique(specs)])
    finished = {i for i, st in states.items() if st == "finished"}
    store.write_summary(folder, specs, finished, scenario.base.benefits.currency)
    store.write_weekly(folder, specs, finished)
    others = sorted(set(store.stored_run_ids(folder)) - set(states))
    if others and progress:
        print(f"note: runs/ also holds {len(others)} run(s) of an earlier command (other "
              "--weeks, arms or settings); they are not in summary.parquet or weekly/",
              file=sys.stderr, flush=True)
    write_manifest(folder, scenario, outcome, states, others, **how)


def write_manifest(folder: Path, scenario: ScenarioFile, outcome: BatchOutcome,
                   states: dict[str, str], others: list[str], *, engine: str, workers: int,
                   scheduler: str | None, weeks: int | None, started: datetime,
                   interrupted: bool = False, other_code: list[str] = ()) -> Path:
    """The batch's manifest; each run's status and the counts come from the files."""
    specs = outcome.specs
    runs = []
    for s in specs:
        rec = dict(outcome.statuses.get(s.run_id, {"status": "not started"}))
        rec["this_command"] = rec.pop("status")
        runs.append({"run_id": s.run_id, "arm": s.arm, "sweep": s.sweep,
                     "replication": s.replication, "seed": s.seed,
                     "status": states[s.run_id],
                     **{k: v for k, v in rec.items() if k not in ("run_id", "traceback")}})
    failures = [r for r in runs if r["status"] == "failed"]
    failures = [{k: r.get(k) for k in ("run_id", "arm", "sweep", "replication", "seed",
                                       "error", "traceback_file")} for r in failures]
    for f in failures:
        f["traceback_file"] = f["traceback_file"] or f"{store.FAILED_DIR}/{f['run_id']}.txt"
    ran = [r["seconds"] for r in outcome.statuses.values()
           if r["status"] == "ran" and r.get("seconds") is not None]
    counted = list(states.values())
    manifest = {
        "scenario": scenario.name,
        "source": scenario.source,
        "description": scenario.description,
        "batch": folder.name,
        "arms": list(dict.fromkeys(s.arm for s in specs)),
        "sweep": {k: list(v) for k, v in scenario.sweep.items()},
        "replications": len({s.replication for s in specs}),
        "seeds": "replication r runs with seed run.seed + r, the same in every arm and point",
        "base_seed": scenario.base.run.seed,
        "weeks": weeks,
        "engine": engine,
        "workers": workers,
        "scheduler": scheduler,
        "versions": store.versions(),
        "git_commit": store.git_commit(),
        "started": started.isoformat(timespec="seconds"),
        "interrupted": interrupted,
        "timings": {"wall_s": outcome.seconds, "runs_ran": len(ran),
                    "run_s_total": round(sum(ran), 3),
                    "run_s_mean": round(sum(ran) / len(ran), 3) if ran else None},
        "counts": {"runs": len(states), "finished": counted.count("finished"),
                   "failed": counted.count("failed"), "not run": counted.count("not run")},
        "this_command": {"ran": outcome.count("ran"),
                         "finished earlier": outcome.count("finished earlier"),
                         "failed": outcome.count("failed")},
        "runs": runs,
        "failures": failures,
        "engine_restarts": outcome.restarts,
        "finished_by_other_code": list(other_code),
        "other_runs_in_folder": others,
    }
    return store.write_json(folder / store.MANIFEST_FILE, manifest)
