"""One run as a pure function of (resolved config, seed) -> outcomes.

`simulate` is what every engine calls (DESIGN.md, "Experiments and results"): it builds a model,
runs burn-in and the reported weeks, checks the ledger and returns a `RunResult`. Where the
result goes on disk is `sim.store`'s business; the run id is a hash of the resolved config and
the seed, so the same run always lands in the same place and a batch can skip it.
"""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from filelock import FileLock

from sim import audit, store
from sim.config import Config, history, override_config, reformed

HISTORY = ".history-"  # snapshot files of shared histories in a batch's runs folder


@dataclass
class RunResult:
    """What one run produced: weekly indicators, the summary, the ledger and provenance."""

    config: Config
    seed: int
    weekly: pa.Table
    summary: dict
    ledger: pa.Table
    municipal: pa.Table  # each municipality's week
    scenario: str = ""
    arm: str | None = None
    labels: dict = field(default_factory=dict)  # e.g. sweep values, replication index
    timings: dict = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        return self.config.digest(self.seed)

    def manifest(self, engine: str = "local") -> dict:
        """Enough to reproduce the run: resolved config, seed, versions, git commit."""
        return {
            "run_id": self.run_id,
            "scenario": self.scenario,
            "arm": self.arm,
            "labels": self.labels,
            "seed": self.seed,
            "engine": engine,
            "timings": self.timings,
            "versions": store.versions(),
            "git_commit": store.git_commit(),
            "config": self.config.to_dict(),
        }


def simulate(
    config: Config,
    seed: int | None = None,
    *,
    weeks: int | None = None,
    scenario: str = "",
    arm: str | None = None,
    labels: dict | None = None,
    progress: bool = False,
    history_cache: str | Path | None = None,
) -> RunResult:
    """Build a model, run burn-in and the reported weeks, and collect the results."""
    seed = config.run.seed if seed is None else seed
    if weeks is not None:  # part of the run's identity: recorded in the manifest and run id
        config = override_config(config, {"run.weeks": weeks}, "--weeks")
    t0 = time.perf_counter()
    model, shared = start(config, seed, history_cache)
    t1 = time.perf_counter()
    total = config.run.burn_in_weeks + config.run.weeks
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="week", delay=2.0, leave=False, desc=arm or scenario)
    try:
        model.run(progress=bar)
    finally:
        if bar is not None:
            bar.close()
    t2 = time.perf_counter()
    audit.check(model)
    return RunResult(
        config=config,
        seed=seed,
        weekly=model.metrics.table(),
        summary=model.metrics.summary(),
        ledger=model.ledger.table(),
        municipal=model.finance.municipal_table(),
        scenario=scenario,
        arm=arm,
        labels=dict(labels or {}),
        timings={"build_s": round(t1 - t0, 3), "run_s": round(t2 - t1, 3),
                 "weeks": total, "weeks_per_s": round(total / max(t2 - t1, 1e-9), 2),
                 "history": shared},
    )


def start(config: Config, seed: int, history_cache=None):
    """The model, ready to run its reported weeks: built from scratch, or, for an arm of a
    scenario with a reform date and a `history_cache` folder, from the snapshot of the world
    at the reform week that every arm with the same history and seed shares (computed by the
    first to need it). Returns (model, how its history was had: "own", "computed", "shared").
    A run from a snapshot is the same run: the history is the same function of the same
    rules and seed."""
    from sim.model import ReformModel

    if history_cache is None or not config.reforms:
        return ReformModel(config, seed=seed), "own"
    key = history(config).digest(seed)
    path = Path(history_cache) / f"{HISTORY}{key}.pkl"
    with FileLock(str(path) + ".lock"):
        if path.is_file():
            model = pickle.loads(path.read_bytes())
            how = "shared"
        else:
            model = ReformModel(history(config), seed=seed)
            model.run(until=0)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(tmp, path)
            how = "computed"
    model.reform = reformed(config) if config.reform else None
    model.metrics.redeclare()
    return model, how
