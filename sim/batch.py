"""Scenario batches: every arm x sweep point x replication, on local processes or a Dask cluster.

A batch expands a scenario into runs (DESIGN.md, "Experiments and results"):

- **arms**: the scenario's `[arms.NAME]` tables (or the base, named `base`, if it has none);
- **sweep points**: the grid `itertools.product` over the `[sweep]` keys, in file order, each
  value applied to the arm's configuration with `override_config`;
- **replications**: replication `r` (0, 1, ...) runs with seed `run.seed + r` of the scenario's
  base, the same seed for every arm and sweep point. Arm A and arm B of one replication thus
  share every random draw that their rules do not change (common random numbers), and their
  difference is paired. The counter-based RNG hashes the seed, so neighbouring seeds give
  unrelated streams, and growing a batch from 5 to 10 replications reuses the first 5 runs.

A run is a pure function of (resolved config, seed) -> outcomes (`sim.run.simulate`);
engines only schedule it, so every engine and worker count gives the same numbers:

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
    manifest.json       the batch: scenario, arms, sweep, replications, engine, workers,
                        versions, git commit, every run with its status, failures, timings

Re-running the same command skips the runs already finished, so an interrupted batch resumes
with nothing lost and nothing run twice. A run that raises is recorded (traceback in
`failed/`, error in the manifest) and the others go on; the caller is told which failed.
Two batches must not write into the same folder at the same time: a batch starts by removing
temporary folders that an interrupted one left behind. The run id covers the configuration and
the seed, not the code: a resumed batch warns when finished runs were made by another git commit
(and lists them in the manifest); delete the batch folder to re-run them.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import sys
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim import run, store
from sim.config import Config, ScenarioError, ScenarioFile, override_config, resolve_key

DEFAULT_NAME = "batch"
ENGINES = ("local", "dask")
BASE_ARM = "base"  # the arm name of a scenario without [arms]
CONNECT_TIMEOUT_S = 20


class BatchError(ScenarioError):
    """A batch that cannot start (bad option, unreachable scheduler): one line, exit code 2."""

    def __init__(self, option: str, problem: str):
        super().__init__("batch", option, problem)


# ------------------------------------------------------------------------------- the plan
@dataclass(frozen=True)
class RunSpec:
    """One run of a batch: which arm, sweep point and replication, its config and seed."""

    arm: str
    point: tuple[tuple[str, Any], ...]  # (dotted setting, value) for each sweep key
    replication: int
    seed: int
    config: Config
    run_id: str

    @property
    def sweep(self) -> dict[str, Any]:
        return dict(self.point)

    def describe(self) -> str:
        where = ", ".join(f"{k}={v!r}" for k, v in self.point)
        where = f", {where}" if where else ""
        return f"arm {self.arm}{where}, replication {self.replication}"


def replication_seed(base_seed: int, replication: int) -> int:
    """The seed of replication `r`: the scenario's run.seed + r (the same for every arm)."""
    return (base_seed + replication) % 2**63


def plan(
    scenario: ScenarioFile,
    *,
    replications: int | None = None,
    arms: Iterable[str] | None = None,
    weeks: int | None = None,
) -> list[RunSpec]:
    """Every run of the batch, in a fixed order: arm (file order), sweep point, replication.

    Raises ScenarioError (naming the arm or sweep value) before anything is run or written."""
    reps = scenario.replications if replications is None else replications
    if reps < 1:
        raise BatchError("--reps", f"must be at least 1, got {reps}")
    chosen = list(dict.fromkeys(arms)) if arms else None
    for name in chosen or ():
        scenario.arm(name)  # unknown arm -> ScenarioError naming the allowed ones
    if scenario.arms:
        arm_configs = {n: c for n, c in scenario.arms.items() if chosen is None or n in chosen}
    else:
        arm_configs = {BASE_ARM: scenario.base}
    keys = [resolve_key(k, scenario.source) for k in scenario.sweep]
    grid = list(itertools.product(*scenario.sweep.values())) or [()]
    base_seed = scenario.base.run.seed
    specs = []
    for arm, arm_config in arm_configs.items():
        for values in grid:
            point = tuple(zip(keys, values, strict=True))
            where = f"arms.{arm} with sweep {dict(point)}" if point else f"arms.{arm}"
            config = override_config(arm_config, dict(point), scenario.source, where)
            if weeks is not None:  # part of the run id: a short run is a different run
                config = override_config(config, {"run.weeks": weeks}, "--weeks")
            for r in range(reps):
                seed = replication_seed(base_seed, r)
                specs.append(RunSpec(arm, point, r, seed, config, config.digest(seed)))
    return specs


# ----------------------------------------------------------------------------- the task
def run_task(
    config: Config,
    seed: int,
    labels: dict,
    runs_dir: str,
    engine: str = "local",
    numba_threads: int = 0,
) -> dict:
    """Run one simulation and write it under `runs_dir/<run-id>/`; return a small record.

    Module-level and picklable, so any engine can ship it to a worker. It never raises for a
    failing run: the failure (with its traceback) is the record, and the batch goes on."""
    t0 = time.perf_counter()
    run_id = config.digest(seed)
    record = {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid()}
    try:
        if store.is_finished(runs_dir, run_id):  # finished meanwhile (e.g. by an orphan task)
            return {**record, "status": "finished earlier", "seconds": 0.0}
        if numba_threads:
            import numba

            numba.set_num_threads(max(1, min(numba_threads, numba.config.NUMBA_NUM_THREADS)))
        result = run.simulate(config, seed, scenario=labels.get("scenario", ""),
                                  arm=labels.get("arm"), labels=labels)
        store.write_run(result, runs_dir, engine)
        return {**record, "status": "ran", "seconds": round(time.perf_counter() - t0, 3)}
    except Exception as e:  # noqa: BLE001 - a failing run is data, not the end of the batch
        return {**record, "status": "failed", "seconds": round(time.perf_counter() - t0, 3),
                "error": f"{type(e).__name__}: {e}".splitlines()[0][:500],
                "traceback": traceback.format_exc()}


def _lost(task: dict, error: BaseException) -> dict:
    """The record of a run whose worker died or could not return (not raised by the run)."""
    return {"run_id": task["config"].digest(task["seed"]), "status": "failed", "seconds": None,
            "error": f"{type(error).__name__}: {error}".splitlines()[0][:500] or "worker lost",
            "traceback": "".join(traceback.format_exception(error))}


# ------------------------------------------------------------------------------ engines
class LocalEngine:
    """A process pool of `workers` (spawned, not forked); one worker runs in-process."""

    name = "local"

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = None
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(workers,
                                            mp_context=multiprocessing.get_context("spawn"))

    def map(self, tasks: list[dict]) -> Iterator[dict]:
        """Records of `tasks`, in the order they finish."""
        if self.pool is None:
            for task in tasks:
                yield run_task(**task)
            return
        from concurrent.futures import as_completed

        futures = {self.pool.submit(run_task, **task): task for task in tasks}
        try:
            for fut in as_completed(futures):
                try:
                    yield fut.result()
                except Exception as e:  # noqa: BLE001 - e.g. a worker killed by the OS
                    yield _lost(futures[fut], e)
        finally:
            for fut in futures:
                fut.cancel()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """`dask.distributed`: an existing scheduler by address, else a LocalCluster of processes."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise BatchError("--engine", "dask needs dask.distributed: "
                             "pip install 'reformsim[dask]'") from None
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError, ValueError) as e:
                raise BatchError("--scheduler", f"cannot reach a Dask scheduler at "
                                 f"{scheduler!r} ({type(e).__name__}: {e}); start one with "
                                 "`dask scheduler`") from None
        else:
            import logging

            self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1,
                                        processes=True, dashboard_address=None,
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)

    def map(self, tasks: list[dict]) -> Iterator[dict]:
        from dask.distributed import as_completed

        futures = {}
        for task in tasks:
            key = f"reformsim-run-{task['config'].digest(task['seed'])}-{os.urandom(4).hex()}"
            futures[self.client.submit(run_task, **task, key=key, pure=False)] = task
        try:
            for fut in as_completed(futures):
                try:
                    yield fut.result()
                except Exception as e:  # noqa: BLE001 - KilledWorker, lost connection, ...
                    yield _lost(futures[fut], e)
        finally:
            self.client.cancel(list(futures))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def open_engine(engine: str, workers: int, scheduler: str | None = None):
    if engine == "dask":
        return DaskEngine(workers, scheduler)
    return LocalEngine(workers)


# ---------------------------------------------------------------------------- the batch
@dataclass
class BatchOutcome:
    """What a batch did: where, which runs, which failed."""

    folder: Path
    specs: list[RunSpec]
    statuses: dict[str, dict] = field(default_factory=dict)  # run id -> record
    seconds: float = 0.0

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
    return Path(out) / scenario.name / name


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
) -> BatchOutcome:
    """Run (or resume) a batch and write summary.parquet and manifest.json; see the module."""
    if engine not in ENGINES:
        raise BatchError("--engine", f"{engine!r} is not an engine; allowed: {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise BatchError("--scheduler", "a scheduler address needs --engine dask")
    if not name or name != Path(name).name or name.startswith("."):
        raise BatchError("--name", f"{name!r} must be a plain folder name, e.g. 'batch'")
    workers = workers or max(1, os.cpu_count() or 1)
    if workers < 1:
        raise BatchError("--workers", f"must be at least 1, got {workers}")
    specs = plan(scenario, replications=replications, arms=arms, weeks=weeks)

    folder = batch_folder(out, scenario, name).resolve()
    runs_dir, failed_dir = folder / "runs", folder / "failed"
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
    # the engine first: an unreachable scheduler is reported before anything is written
    runner = open_engine(engine, workers, scheduler) if tasks else None
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    interrupted = False
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(runs_dir)
        if progress:
            where = scheduler or f"{workers} worker{'s' * (workers > 1)}"
            print(f"batch {scenario.name}/{name}: {outcome.runs} runs, "
                  f"{outcome.runs - len(todo)} finished earlier, {len(todo)} to run "
                  f"({engine} engine, {where})", flush=True)
        if other_code and progress:  # the run id covers config and seed, not the code
            print(f"warning: {len(other_code)} finished run(s) were made by another version "
                  f"of the code (git commit other than {commit}); delete {folder} to re-run "
                  "them", file=sys.stderr, flush=True)
        if runner is not None:
            _collect(runner.map(tasks), outcome, len(tasks), failed_dir, progress)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        if runner is not None:
            runner.close()
        outcome.seconds = round(time.perf_counter() - t0, 3)
        finished = {i for i, st in store.run_states(folder, {s.run_id for s in specs}).items()
                    if st == "finished"}
        store.write_summary(folder, specs, finished, scenario.base.benefits.currency)
        store.write_weekly(folder, specs, finished)
        write_manifest(folder, scenario, outcome, engine=engine, workers=workers,
                       scheduler=scheduler, weeks=weeks, started=started,
                       interrupted=interrupted, other_code=other_code)
    return outcome


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
                failed_dir.mkdir(parents=True, exist_ok=True)
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


def _remove_stale_temporaries(runs_dir: Path) -> None:
    """Remove the half-written folders of an interrupted batch (see `store.write_run`)."""
    for path in runs_dir.glob(".tmp-*"):
        shutil.rmtree(path, ignore_errors=True)
    for path in runs_dir.glob(".old-*"):
        shutil.rmtree(path, ignore_errors=True)


# ------------------------------------------------------------------------------ outputs
def write_manifest(folder: Path, scenario: ScenarioFile, outcome: BatchOutcome, *, engine: str,
                   workers: int, scheduler: str | None, weeks: int | None,
                   started: datetime, interrupted: bool = False,
                   other_code: list[str] = ()) -> Path:
    specs = outcome.specs
    runs = []
    for s in specs:
        rec = outcome.statuses.get(s.run_id, {"status": "not run (interrupted)"})
        runs.append({"run_id": s.run_id, "arm": s.arm, "sweep": s.sweep,
                     "replication": s.replication, "seed": s.seed,
                     **{k: v for k, v in rec.items() if k != "run_id"}})
    failures = [{"run_id": s.run_id, "arm": s.arm, "sweep": s.sweep,
                 "replication": s.replication, "seed": s.seed,
                 "error": outcome.statuses[s.run_id].get("error"),
                 "traceback_file": outcome.statuses[s.run_id].get("traceback_file")}
                for s in outcome.failures]
    ran = [r["seconds"] for r in outcome.statuses.values()
           if r["status"] == "ran" and r.get("seconds") is not None]
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
        "counts": {"runs": outcome.runs, "ran": outcome.count("ran"),
                   "finished earlier": outcome.count("finished earlier"),
                   "failed": len(failures)},
        "runs": runs,
        "failures": failures,
        "finished_by_other_code": list(other_code),
    }
    return store.write_json(folder / store.MANIFEST_FILE, manifest)
