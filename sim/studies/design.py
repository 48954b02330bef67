"""Design points run as one batch (sim/batch.py): resumable, on local processes or Dask.

A design point is a set of values of uncertain settings. Every arm of the study at every point
becomes one arm of a batch, named `p0007.lov`, so the batch engine runs, writes and resumes
them as it does any scenario: replication r of every point and arm has seed `run.seed + r`
(common random numbers, so arm differences are paired within a point and elementary effects
compare like with like), arms of a point share their history before the reform (sim/run.py),
and a design point already run (same configuration and seed: same run id) is not run again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from sim.batch import BASE_ARM, run_batch
from sim.config import Config, ScenarioError, ScenarioFile
from sim.studies.uncertain import at_point


class StudyError(RuntimeError):
    """Runs of a study failed: their tracebacks are in the batch folder's failed/."""


@dataclass
class Options:
    """Where and how the design's runs go (as `reformsim batch` takes them)."""

    out: str | Path = "results"
    name: str = "study"
    reps: int = 1
    weeks: int | None = None
    engine: str = "local"
    workers: int | None = None
    scheduler: str | None = None
    progress: bool = True


def arm_config(scenario: ScenarioFile, arm: str) -> Config:
    if arm == BASE_ARM and not scenario.arms:
        return scenario.base
    return scenario.arm(arm)


def point_arm(i: int, arm: str) -> str:
    return f"p{i:04d}.{arm}"


def design_scenario(scenario: ScenarioFile, arms: list[str], points: list[dict],
                    reps: int, first: int = 0) -> ScenarioFile:
    """The batch's scenario: one arm per (design point, study arm), no sweep; points are
    numbered from `first`."""
    configs = {a: arm_config(scenario, a) for a in arms}
    design_arms = {}
    for i, values in enumerate(points, start=first):
        for arm in arms:
            where = f"design point {i} ({arm})"
            design_arms[point_arm(i, arm)] = at_point(configs[arm], values, where)
    return dataclasses.replace(scenario, arms=design_arms, sweep={}, replications=reps)


def run_design(scenario: ScenarioFile, arms: list[str], points: list[dict],
               outcomes: list[str], opt: Options, first: int = 0) -> tuple[np.ndarray, Path]:
    """Run every point x arm x replication; return outcomes as an array
    [point, arm, replication, outcome] and the batch folder."""
    design = design_scenario(scenario, arms, points, opt.reps, first)
    result = run_batch(design, out=opt.out, name=opt.name, replications=opt.reps,
                       weeks=opt.weeks, engine=opt.engine, workers=opt.workers,
                       scheduler=opt.scheduler, progress=opt.progress)
    if result.failures:
        raise StudyError(f"{len(result.failures)} of {result.runs} runs failed; tracebacks in "
                         f"{result.folder}/failed/. Re-run the same command to retry them "
                         "(finished runs are kept)")
    y = read_outcomes(result.folder, arms, len(points), opt.reps, outcomes, first)
    return y, result.folder


def read_outcomes(folder: Path, arms: list[str], n_points: int, reps: int,
                  outcomes: list[str], first: int = 0) -> np.ndarray:
    table = pq.read_table(Path(folder) / "summary.parquet")
    missing = [k for k in outcomes if k not in table.column_names]
    if missing:
        raise ScenarioError("study", "outcomes", f"{', '.join(missing)} not in the runs' "
                            "summaries; see summary.parquet for the outcomes a run has")
    index = {(a, int(r)): row for row, (a, r) in enumerate(zip(
        table.column("arm").to_pylist(), table.column("replication").to_pylist(),
        strict=True))}
    cols = [np.asarray(table.column(k).to_numpy(zero_copy_only=False), float) for k in outcomes]
    y = np.full((n_points, len(arms), reps, len(outcomes)), np.nan)
    for i in range(n_points):
        for j, arm in enumerate(arms):
            for r in range(reps):
                row = index[(point_arm(first + i, arm), r)]
                y[i, j, r] = [c[row] for c in cols]
    return y
