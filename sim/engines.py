"""Engines that schedule a batch's runs: a local process pool or a Dask cluster.

A run is a pure function of (resolved config, seed) (`sim.run.simulate`); `run_task` runs one
and writes it (`sim.store.write_run`), and every engine only decides where that happens, so
every engine and worker count gives the same numbers.

Faults that happen on real machines are handled here:

- **A worker that dies** (killed by the OS for memory, a segfault, `kill -9`) breaks a
  `ProcessPoolExecutor`: every run still queued fails with BrokenProcessPool. The local engine
  instead opens a fresh pool and resubmits: the runs the dead worker did not start are simply
  run, and the run it was running is retried until it has been lost `MAX_LOST` times (then it
  is a failed run: something in it kills its worker). Which run a worker had is known from a
  marker file `runs/.running-<run-id>` it writes while running; a worker that the pool
  terminates on purpose (SIGTERM) removes its marker, so only the run of the worker that died
  on its own is blamed.
- **A parent that dies** (`kill -9` of the batch, a lost SSH session) would leave its pool
  workers running forever, still writing runs that the next batch is running too. Each local
  worker watches its parent and exits when the parent is gone (`_watch_parent`).
- **Ctrl-C** goes to the whole process group: workers ignore SIGINT and the parent terminates
  them, so an interrupted batch stops at once and resumes later.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from sim import run, store
from sim.config import ScenarioError

MAX_LOST = 2  # a run whose worker dies this many times is a failed run
PARENT_POLL_S = 0.25
CONNECT_TIMEOUT_S = 20
RUNNING = ".running-"  # marker file prefix: runs/.running-<run-id>, holding "host pid"


class BatchError(ScenarioError):
    """A batch that cannot start (bad option, unreachable scheduler): one line, exit code 2."""

    def __init__(self, option: str, problem: str):
        super().__init__("batch", option, problem)


# ----------------------------------------------------------------------------- the task
_marker: Path | None = None  # the marker of the run this worker process is running


def run_task(config, seed: int, labels: dict, runs_dir: str, engine: str = "local",
             numba_threads: int = 0) -> dict:
    """Run one simulation and write it under `runs_dir/<run-id>/`; return a small record.

    Module-level and picklable, so any engine can ship it to a worker. It never raises for a
    failing run: the failure (with its traceback) is the record, and the batch goes on."""
    global _marker
    t0 = time.perf_counter()
    run_id = config.digest(seed)
    record = {"run_id": run_id, "host": socket.gethostname(), "pid": os.getpid()}
    if store.is_finished(runs_dir, run_id):  # finished meanwhile (e.g. by an earlier attempt)
        return {**record, "status": "finished earlier", "seconds": 0.0}
    _marker = Path(runs_dir) / f"{RUNNING}{run_id}"
    try:
        _marker.write_text(f"{record['host']} {record['pid']}\n")
        if numba_threads:
            import numba

            numba.set_num_threads(max(1, min(numba_threads, numba.config.NUMBA_NUM_THREADS)))
        result = run.simulate(config, seed, scenario=labels.get("scenario", ""),
                              arm=labels.get("arm"), labels=labels, history_cache=runs_dir)
        store.write_run(result, runs_dir, engine)
        return {**record, "status": "ran", "seconds": round(time.perf_counter() - t0, 3)}
    except Exception as e:  # noqa: BLE001 - a failing run is data, not the end of the batch
        return {**record, "status": "failed", "seconds": round(time.perf_counter() - t0, 3),
                "error": f"{type(e).__name__}: {e}".splitlines()[0][:500],
                "traceback": traceback.format_exc()}
    finally:
        _marker.unlink(missing_ok=True)
        _marker = None


def lost(task: dict, problem: str) -> dict:
    """The record of a run that did not return (its worker died), as a failed run."""
    return {"run_id": task["config"].digest(task["seed"]), "status": "failed", "seconds": None,
            "error": problem, "traceback": problem + "\n"}


def markers(runs_dir: Path) -> dict[str, tuple[str, int]]:
    """{run id: (host, pid)} of the runs whose workers said they are running them."""
    out = {}
    for path in Path(runs_dir).glob(f"{RUNNING}*"):
        try:
            host, pid = path.read_text().split()
            out[path.name[len(RUNNING):]] = (host, int(pid))
        except (OSError, ValueError):
            out[path.name[len(RUNNING):]] = ("", 0)
    return out


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


# ---------------------------------------------------------------------- local workers
def _worker_init(parent: int) -> None:
    """In each pool worker: leave Ctrl-C to the parent, clean up when terminated, and exit
    when the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="reformsim-parent-watch").start()


def _terminated(signum, frame) -> None:
    """Terminated on purpose (by the pool or the parent): not this run's fault."""
    if _marker is not None:
        _marker.unlink(missing_ok=True)
    os._exit(128 + signum)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    if _marker is not None:
        _marker.unlink(missing_ok=True)
    os._exit(1)


class LocalEngine:
    """A process pool of `workers` (spawned, not forked); one worker runs in-process."""

    name = "local"

    def __init__(self, workers: int):
        self.workers = workers
        self.pool = None
        self.restarts = 0

    def _open(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_init, initargs=(os.getpid(),))

    def map(self, tasks: list[dict]) -> Iterator[dict]:
        """Records of `tasks`, in the order they finish; a dead worker costs a fresh pool."""
        if self.workers == 1:
            for task in tasks:
                yield run_task(**task)
            return
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        todo, times_lost = list(tasks), {}
        while todo:
            self.pool = self._open()
            futures = {self.pool.submit(run_task, **task): task for task in todo}
            broken = []
            try:
                for fut in as_completed(futures):
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        broken.append(futures[fut])
            finally:
                for fut in futures:
                    fut.cancel()
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
            todo = []
            for task in broken:
                record = self._after_break(task, times_lost)
                if record is None:
                    todo.append(task)
                else:
                    yield record
            self.restarts += bool(broken)

    def _after_break(self, task: dict, times_lost: dict) -> dict | None:
        """A run left over when the pool broke: its record, or None to run it again."""
        run_id = task["config"].digest(task["seed"])
        marker = Path(task["runs_dir"]) / f"{RUNNING}{run_id}"
        if store.is_finished(task["runs_dir"], run_id):
            return {"run_id": run_id, "status": "ran", "seconds": None}
        if marker.exists():  # its worker died while running it, without cleaning up
            marker.unlink(missing_ok=True)
            times_lost[run_id] = times_lost.get(run_id, 0) + 1
            if times_lost[run_id] >= MAX_LOST:
                return lost(task, f"WorkerLost: the worker process running it died "
                                  f"{MAX_LOST} times (killed by the OS, e.g. for memory?)")
        return None

    def close(self, interrupted: bool = False) -> None:
        if self.pool is None:
            return
        if interrupted:  # stop now; a resumed batch runs what was cut short
            kill = getattr(self.pool, "terminate_workers", None)  # Python >= 3.14
            if kill is not None:
                kill()
            else:
                for proc in list((getattr(self.pool, "_processes", None) or {}).values()):
                    proc.terminate()
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pool = None


class DaskEngine:
    """`dask.distributed`: an existing scheduler by address, else a LocalCluster of processes.
    Dask itself restarts lost workers and retries their tasks (a task that kills its worker
    three times is reported as KilledWorker, a failed run here)."""

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
                    yield lost(futures[fut], f"{type(e).__name__}: {e}".splitlines()[0][:500])
        finally:
            self.client.cancel(list(futures))

    def close(self, interrupted: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def open_engine(engine: str, workers: int, scheduler: str | None = None):
    if engine == "dask":
        return DaskEngine(workers, scheduler)
    return LocalEngine(workers)
