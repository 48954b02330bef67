"""Global sensitivity of a scenario's answer to its uncertain settings, with SALib.

Morris elementary effects screen many settings at (k + 1) x trajectories design points; Sobol'
indices (Saltelli's design, N x (k + 2) points) give first-order and total indices with
bootstrap intervals for the few that matter. The outcomes are the answer a scenario gives:
each study arm minus the baseline arm (e.g. authorisation - lov) in a summary indicator,
paired within a design point (common random numbers), averaged over replications. Settings
are varied over the unit cube of their ranges, so indices of different settings compare.

A scenario declares its study:

    [uncertain]            # setting = [low, high]  # source or [EST]
    "services.nacka.effect.believed_lift" = [1.1, 1.8]   # [EST]
    [sensitivity]
    baseline = "lov"
    arms = ["authorisation"]
    outcomes = ["services.nacka.work_within_26w"]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim import indicators
from sim.config import ScenarioError, ScenarioFile
from sim.studies.design import Options, arm_config, run_design
from sim.studies.uncertain import Range

METHODS = ("morris", "sobol")
KEYS = ("baseline", "arms", "outcomes", "trajectories", "levels", "samples")


@dataclass(frozen=True)
class Study:
    """What the study compares: arms against a baseline, in these summary outcomes."""

    baseline: str
    arms: tuple[str, ...]
    outcomes: tuple[str, ...]
    trajectories: int = 10  # Morris
    levels: int = 4  # Morris grid levels
    samples: int = 64  # Sobol' base sample N (a power of 2)

    @property
    def run_arms(self) -> list[str]:
        return [self.baseline, *self.arms]

    def labels(self) -> list[str]:
        if not self.arms:
            return list(self.outcomes)
        return [f"{k} ({a} - {self.baseline})" for a in self.arms for k in self.outcomes]


def read_study(table, scenario: ScenarioFile) -> Study:
    """The `[sensitivity]` table, checked against the scenario's arms and declared outcomes."""
    src, where = scenario.source, "sensitivity"
    if not isinstance(table, dict):
        raise ScenarioError(src, where, "expected a table with baseline, arms and outcomes")
    for key in table:
        if key not in KEYS:
            raise ScenarioError(src, f"{where}.{key}", f"unknown key; allowed: {', '.join(KEYS)}")
    first = next(iter(scenario.arms), "base")
    baseline = table.get("baseline", first)
    arms = table.get("arms", [a for a in scenario.arms if a != baseline])
    outcomes = table.get("outcomes")
    if not isinstance(outcomes, list) or not outcomes:
        raise ScenarioError(src, f"{where}.outcomes", "expected a non-empty list of summary "
                            "indicators, e.g. [\"services.nacka.work_within_26w\"]")
    for arm in [baseline, *arms]:
        if not isinstance(arm, str):
            raise ScenarioError(src, f"{where}.arms", f"expected arm names, got {arm!r}")
        try:
            arm_config(scenario, arm)
        except ScenarioError as e:
            raise ScenarioError(src, f"{where}.arms", e.problem) from None
    for key in outcomes:
        if not isinstance(key, str) or indicators.find(key) is None:
            raise ScenarioError(src, f"{where}.outcomes", f"{key!r} is not a summary "
                                "indicator; see sim/indicators/catalogue.py")
    ints = {}
    for key, lo, hi in (("trajectories", 2, 1000), ("levels", 2, 20), ("samples", 2, 2**16)):
        value = table.get(key, getattr(Study, key))
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ScenarioError(src, f"{where}.{key}", f"{value!r}: allowed a whole number "
                                f"{lo} to {hi}")
        ints[key] = value
    return Study(baseline, tuple(arms), tuple(outcomes), **ints)


@dataclass
class Result:
    """Indices of every setting for every outcome, and the design that gave them."""

    method: str
    ranges: list[Range]
    labels: list[str]  # one per outcome (arm difference)
    indices: dict[str, dict[str, np.ndarray]]  # outcome label -> index name -> per setting
    x: np.ndarray  # design points in the settings' units
    y: np.ndarray  # [point, outcome] (mean over replications)
    folder: object = None
    extra: dict = field(default_factory=dict)

    def score(self) -> np.ndarray:
        """One number per setting: its main index over the largest, averaged over outcomes
        (Morris mu*, Sobol' ST), so outcomes in different units weigh alike."""
        key = "mu_star" if self.method == "morris" else "ST"
        rel = []
        for label in self.labels:
            v = np.nan_to_num(np.asarray(self.indices[label][key], float))
            rel.append(v / v.max() if v.max() > 0 else v)
        return np.mean(rel, axis=0)

    def order(self) -> list[int]:
        return list(np.argsort(-self.score(), kind="stable"))


def problem(ranges: list[Range]) -> dict:
    return {"num_vars": len(ranges), "names": [r.path for r in ranges],
            "bounds": [[0.0, 1.0]] * len(ranges)}


def sample(method: str, ranges: list[Range], study: Study, seed: int) -> np.ndarray:
    """Design points in the unit cube (SALib), reproducible from `seed`."""
    prob = problem(ranges)
    if method == "morris":
        from SALib.sample.morris import sample as morris

        return morris(prob, study.trajectories, num_levels=study.levels, seed=seed)
    from SALib.sample.sobol import sample as saltelli

    if study.samples & (study.samples - 1):
        raise ScenarioError("sensitivity", "--samples", f"{study.samples}: Sobol' needs a "
                            "power of 2 (e.g. 32, 64, 128)")
    return saltelli(prob, study.samples, calc_second_order=False, seed=seed)


def analyse(method: str, ranges: list[Range], unit: np.ndarray, y: np.ndarray,
            study: Study, seed: int) -> dict[str, dict[str, np.ndarray]]:
    prob = problem(ranges)
    out = {}
    for j, label in enumerate(study.labels()):
        col = y[:, j]
        if not np.all(np.isfinite(col)):
            col = np.where(np.isfinite(col), col, np.nanmean(col))  # an undefined share
        if method == "morris":
            from SALib.analyze.morris import analyze

            res = analyze(prob, unit, col, num_levels=study.levels, seed=seed)
            out[label] = {k: np.asarray(res[k], float)
                          for k in ("mu_star", "mu_star_conf", "mu", "sigma")}
        else:
            from SALib.analyze.sobol import analyze

            res = analyze(prob, col, calc_second_order=False, seed=seed)
            out[label] = {k: np.asarray(res[k], float) for k in ("S1", "S1_conf", "ST",
                                                                    "ST_conf")}
    return out


def differences(y: np.ndarray, study: Study) -> np.ndarray:
    """[point, arm, rep, outcome] -> [point, outcome label]: each arm minus the baseline
    within its replication (paired), then the mean over replications."""
    if not study.arms:
        return np.nanmean(y[:, 0], axis=1)
    diff = y[:, 1:] - y[:, :1]  # [point, arm, rep, outcome]
    return np.nanmean(diff, axis=2).reshape(len(y), -1)


def run(scenario: ScenarioFile, ranges: list[Range], study: Study, method: str,
        opt: Options, fixed: dict | None = None) -> Result:
    """Sample, run the design on the batch engine, analyse; `fixed` settings hold at every
    point (e.g. shorter runs)."""
    if method not in METHODS:
        raise ScenarioError("sensitivity", "--method", f"{method!r}; allowed: morris, sobol")
    seed = scenario.base.run.seed % 2**32
    unit = sample(method, ranges, study, seed)
    points = [{**(fixed or {}), **{r.path: r.at(u) for r, u in zip(ranges, row, strict=True)}}
              for row in unit]
    y, folder = run_design(scenario, study.run_arms, points, list(study.outcomes), opt)
    dy = differences(y, study)
    indices = analyse(method, ranges, unit, dy, study, seed)
    x = np.array([[p[r.path] for r in ranges] for p in points], float)
    return Result(method, ranges, study.labels(), indices, x, dy, folder)
