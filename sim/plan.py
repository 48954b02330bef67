"""A batch's plan: every arm x sweep point x replication of a scenario, as RunSpecs.

- **arms**: the scenario's `[arms.NAME]` tables (or the base, named `base`, if it has none);
- **sweep points**: the grid `itertools.product` over the `[sweep]` keys, in file order, each
  value applied to the arm's configuration with `override_config` (any setting, including a
  service scheme's `services.<name>.*`);
- **replications**: replication `r` (0, 1, ...) runs with seed `run.seed + r` of the scenario's
  base, the same seed for every arm and sweep point, so arm differences are paired (common
  random numbers) and growing a batch from 5 to 10 replications reuses the first 5 runs.

A plan is pure: it reads nothing and writes nothing, and refuses (ScenarioError, one line)
a bad arm, sweep value, `--weeks` or `--reps`, or a plan too large to be meant.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sim.config import Config, ScenarioError, ScenarioFile, override_config, resolve_key

BASE_ARM = "base"  # the arm name of a scenario without [arms]
MAX_REPLICATIONS = 10_000  # as the scenario's `replications`
MAX_RUNS = 100_000


class PlanError(ScenarioError):
    def __init__(self, option: str, problem: str):
        super().__init__("batch", option, problem)


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
    if not 1 <= reps <= MAX_REPLICATIONS:
        raise PlanError("--reps", f"{reps} is out of range; allowed 1 to {MAX_REPLICATIONS}")
    chosen = list(dict.fromkeys(arms)) if arms else None
    for name in chosen or ():
        scenario.arm(name)  # unknown arm -> ScenarioError naming the allowed ones
    if scenario.arms:
        arm_configs = {n: c for n, c in scenario.arms.items() if chosen is None or n in chosen}
    else:
        arm_configs = {BASE_ARM: scenario.base}
    data = scenario.base.to_dict()  # so that `services.<scheme>.*` settings resolve too
    keys = [resolve_key(k, scenario.source, data) for k in scenario.sweep]
    count = len(arm_configs) * math.prod(len(v) for v in scenario.sweep.values()) * reps
    if count > MAX_RUNS:
        raise PlanError("--reps", f"the batch would have {count:,} runs (arms x sweep points x "
                         f"replications); at most {MAX_RUNS:,}: fewer replications or points")
    grid = list(itertools.product(*scenario.sweep.values())) or [()]
    base_seed = scenario.base.run.seed
    specs = []
    for arm, arm_config in arm_configs.items():
        for values in grid:
            point = tuple(zip(keys, values, strict=True))
            where = f"arms.{arm} with sweep {dict(point)}" if point else f"arms.{arm}"
            config = override_config(arm_config, dict(point), scenario.source, where)
            if config.reform and point:  # a sweep value holds after the reform too
                config = dataclasses.replace(config, reform={**config.reform, **dict(point)})
            if weeks is not None:  # part of the run id: a short run is a different run
                config = override_config(config, {"run.weeks": weeks}, "--weeks")
            for r in range(reps):
                seed = replication_seed(base_seed, r)
                specs.append(RunSpec(arm, point, r, seed, config, config.digest(seed)))
    return specs
