"""`reformsim validate --evidence`: run the studies, and set each target beside the model.

Replication r of every arm of a study uses the scenario's seed + r (common random numbers,
as in a batch), so a target that compares arms (LOV minus public) is a paired difference;
its 95 % interval is a t interval across replications. A quick check runs fewer replications
of shorter runs and leaves out the studies too slow for it; it fails, as the full one does,
when a target that is not a known gap is missed.
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from scipy import stats

from sim.evidence.targets import STUDIES, TARGETS, Study, Target, with_fits

LEVEL = 0.95
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@dataclass
class Row:
    target: Target
    values: list[float]  # one per replication

    @property
    def mean(self) -> float:
        x = np.asarray([v for v in self.values if np.isfinite(v)])
        return float(x.mean()) if len(x) else math.nan

    @property
    def interval(self) -> tuple[float, float]:
        x = np.asarray([v for v in self.values if np.isfinite(v)])
        if len(x) < 2:
            return math.nan, math.nan
        half = stats.t.ppf(0.5 + LEVEL / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
        return float(x.mean() - half), float(x.mean() + half)

    @property
    def status(self) -> str:
        if self.target.passes(self.mean):
            return "pass"
        return "known gap" if self.target.known_gap else "FAIL"

    def as_dict(self) -> dict:
        t = self.target
        low, high = self.interval
        return {"target": t.name, "label": t.label, "study": t.study, "kind": t.kind,
                "target_value": list(t.target) if isinstance(t.target, tuple) else t.target,
                "tolerance": t.tolerance, "unit": t.unit, "simulated": self.mean,
                "ci_low": low, "ci_high": high, "replications": len(self.values),
                "status": self.status, "source": t.source, "note": t.note,
                "known_gap": t.known_gap}


def _summary(task: tuple) -> dict:
    """One run's flat summary, or a study's measurement (module level: picklable for the
    process pool)."""
    from sim.config import override_config
    from sim.model import ReformModel

    scenario, arm, seed, settings, measure = task
    config = shipped(scenario).arm(arm)
    if settings:
        config = override_config(config, settings, "validate --evidence")
    if measure:
        return MEASURES[measure](config, seed)
    model = ReformModel(config, seed=seed)
    model.run()
    return {k: v for k, v in model.metrics.summary().items() if not isinstance(v, list)}


def shipped(name: str):
    """A shipped scenario (scenarios/NAME.toml of this checkout), loaded."""
    from sim.config import load

    return load(SCENARIOS / f"{name}.toml")


def _tasks(study: Study, quick: bool) -> list[tuple]:
    scenario = shipped(study.scenario)
    settings = dict(study.settings)
    if quick and study.quick_weeks:
        settings["run.weeks"] = study.quick_weeks
    reps = study.quick_reps if quick else study.reps
    base = scenario.base.run.seed
    return [(study.scenario, arm, base + r, settings, study.measure) for r in range(reps)
            for arm in study.arms]


def run(quick: bool = False, workers: int = 1, progress=None) -> list[Row]:
    """Run every study (a quick check: the quick ones, shorter) and evaluate the targets."""
    studies = [s for s in STUDIES if s.quick or not quick]
    tasks = {s.name: _tasks(s, quick) for s in studies}
    flat = [t for s in studies for t in tasks[s.name]]
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            results = list(_tick(pool.map(_summary, flat), progress))
    else:
        results = list(_tick(map(_summary, flat), progress))
    by_task = dict(zip((id(t) for t in flat), results, strict=True))
    rows = []
    for target in with_fits(TARGETS):
        study = next((s for s in studies if s.name == target.study), None)
        if study is None:
            continue
        values = []
        for seed in sorted({t[2] for t in tasks[study.name]}):
            runs = {study.key(t[1]): by_task[id(t)] for t in tasks[study.name] if t[2] == seed}
            values.append(_safe(target, runs))
        rows.append(Row(target, values))
    return rows


def _matching(config, seed) -> dict:
    """The matching function's elasticities and the Beveridge slope (sim/evidence/matching.py)."""
    from sim.evidence.matching import estimate

    m = estimate(config, seed)
    return {"technology_seekers": m.technology_seekers[0],
            "elasticity_seekers": m.elasticity_seekers,
            "elasticity_vacancies": m.elasticity_vacancies,
            "returns_to_scale": m.returns_to_scale, "beveridge_slope": m.beveridge_slope}


MEASURES = {"matching": _matching}


def _safe(target: Target, runs: dict) -> float:
    try:
        return float(target.value(runs))
    except (KeyError, ZeroDivisionError):
        return math.nan


def _tick(results, progress):
    for result in results:
        if progress is not None:
            progress.update(1)
        yield result


def failed(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.status == "FAIL"]
