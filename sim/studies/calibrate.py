"""Fit a scenario's `[calibrate]` parameters to its targets by the method of simulated moments.

The objective is the weighted distance sum_k ((model_k - target_k) / tolerance_k)^2, with
model_k the mean over replications; every evaluation uses the same seeds (common random
numbers), so the objective is a smooth-enough function of the parameters for a simplex
search. A scrambled Sobol' sample (scipy.stats.qmc) of starting points is evaluated as one
batch (in parallel), then Nelder-Mead (scipy.optimize) searches from the best of them within
the ranges. Every evaluation is a batch (sim/batch.py): re-running the command re-uses the
runs it made.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
from scipy import optimize
from scipy.stats import qmc

from sim.batch import BASE_ARM
from sim.config import ScenarioFile
from sim.studies.calibrate_spec import Series, Spec, statistic
from sim.studies.design import Options, point_arm, run_design
from sim.studies.fragment import write_fragment

WEEKS_PER_MONTH = 52 / 12


@dataclass
class Moment:
    name: str
    target: float
    tolerance: float
    source: str
    series: Series | None = None


@dataclass
class Fit:
    spec: Spec
    moments: list[Moment]
    evaluations: list[dict] = field(default_factory=list)  # unit, values, model, objective
    folder: Path | None = None
    fixed: dict = field(default_factory=dict)  # settings held at every evaluation (--set)

    @property
    def best(self) -> dict:
        return min(self.evaluations, key=lambda e: e["objective"])

    @property
    def start(self) -> dict:
        return min(self.evaluations[: self.spec.starts], key=lambda e: e["objective"])

    def rows(self, evaluation: dict | None = None) -> list[dict]:
        e = evaluation or self.best
        out = []
        for m, model in zip(self.moments, e["model"], strict=True):
            err = model - m.target
            out.append({"target": m.name, "target_value": m.target, "model": model,
                        "tolerance": m.tolerance, "weight": 1 / m.tolerance ** 2,
                        "error": err, "contribution": (err / m.tolerance) ** 2,
                        "source": m.source})
        return out


def moments(scenario: ScenarioFile, spec: Spec) -> list[Moment]:
    cal = scenario.base.calibration
    sources = dict(zip(cal.INDICATORS, cal.sources, strict=True))
    by_name = {s.name: s for s in spec.series}
    out = []
    for name in spec.targets:
        if name in by_name:
            s = by_name[name]
            out.append(Moment(name, s.target(), s.tolerance, s.source(), s))
        else:
            out.append(Moment(name, getattr(cal, name), getattr(cal, f"{name}_tolerance"),
                              sources[name]))
    return out


def run(scenario: ScenarioFile, spec: Spec, opt: Options, fixed: dict | None = None) -> Fit:
    """Quasi-random starts (one batch), then Nelder-Mead from the best; returns every
    evaluation."""
    fit = Fit(spec, moments(scenario, spec), fixed=dict(fixed or {}))
    arm = next(iter(scenario.arms), BASE_ARM)
    summary_keys = [m.name for m in fit.moments if m.series is None]
    d = len(spec.parameters)

    def evaluate(units: np.ndarray) -> list[float]:
        first = len(fit.evaluations)
        points = [{**(fixed or {}), **values(spec, u)} for u in units]
        runs = len(points) * opt.reps  # no pool bigger than the runs (one run: in-process)
        here = opt if opt.engine == "dask" else replace(
            opt, workers=min(opt.workers or os.cpu_count() or 1, runs))
        y, folder = run_design(scenario, [arm], points, summary_keys, here, first=first)
        fit.folder = folder
        for i, u in enumerate(units):
            model = []
            for m in fit.moments:
                if m.series is None:
                    model.append(float(np.nanmean(y[i, 0, :, summary_keys.index(m.name)])))
                else:
                    model.append(series_moment(folder, point_arm(first + i, arm), m.series))
            obj = float(sum(((v - m.target) / m.tolerance) ** 2
                            for v, m in zip(model, fit.moments, strict=True)))
            fit.evaluations.append({"unit": [float(x) for x in u],
                                    "values": values(spec, u), "model": model,
                                    "objective": obj if np.isfinite(obj) else 1e12})
        return [e["objective"] for e in fit.evaluations[first:]]

    seed = scenario.base.run.seed % 2**32
    whole = 1 << max(spec.starts - 1, 0).bit_length()  # Sobol' points come in powers of 2
    starts = qmc.Sobol(d, scramble=True, seed=seed).random(whole)[: spec.starts]
    evaluate(starts)
    if spec.evaluations:
        x0 = np.asarray(fit.start["unit"])
        step = 0.5 / max(spec.starts, 2) ** (1 / d)  # about the spacing of the starts
        simplex = np.vstack([x0] + [np.clip(x0 + step * np.eye(d)[k] * (1 if x0[k] < 0.5
                                                                         else -1), 0, 1)
                                    for k in range(d)])
        optimize.minimize(lambda u: evaluate(np.asarray([u]))[0], x0, method="Nelder-Mead",
                          bounds=[(0.0, 1.0)] * d,
                          options={"maxfev": spec.evaluations, "initial_simplex": simplex,
                                   "xatol": 1e-3, "fatol": 1e-2})
    return fit


def values(spec: Spec, unit) -> dict:
    return {r.path: r.at(float(u)) for r, u in zip(spec.parameters, unit, strict=True)}


def series_moment(folder: Path, arm: str, s: Series) -> float:
    """The series' statistic of the model's weekly indicator by month (weeks from 0), over
    as many of the last months as the data has; the mean over replications."""
    table = pq.read_table(Path(folder) / "weekly" / f"{arm}.parquet",
                          columns=["replication", "week", s.indicator]).to_pandas()
    table = table[table["week"] >= 0]
    n = len(s.months())
    stats = []
    for _, rep in table.groupby("replication"):
        rep = rep.sort_values("week")
        month = (np.arange(len(rep)) / WEEKS_PER_MONTH).astype(int)
        by_month = rep.groupby(month)[s.indicator].mean().to_numpy()
        complete = by_month[: int(len(rep) / WEEKS_PER_MONTH)]
        stats.append(statistic(complete[-n:] if len(complete) else by_month, s.statistic))
    return float(np.mean(stats))


def write(fit: Fit, scenario: ScenarioFile, command: str, fragment: str | None) -> list[Path]:
    """fit.csv (every target at the best evaluation), evaluations.csv, calibrated.toml."""
    import csv

    folder = Path(fit.folder)
    out = []
    for name, rows in (("fit.csv", fit.rows()), ("evaluations.csv", [
            {**e["values"], **dict(zip((m.name for m in fit.moments), e["model"],
                                       strict=True)), "objective": e["objective"]}
            for e in fit.evaluations])):
        path = folder / name
        with path.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        out.append(path)
    targets = fit.spec.targets
    for path in [folder / "calibrated.toml", *([Path(fragment)] if fragment else [])]:
        out.append(write_fragment(path, scenario, fit, command, targets))
    return out


def plain(fit: Fit) -> str:
    best, start = fit.best, fit.start
    lines = [f"Calibration: {len(fit.evaluations)} evaluations ({fit.spec.starts} quasi-random "
             f"starts, then Nelder-Mead), {fit.spec.reps} replication(s) each; objective "
             f"{start['objective']:.3g} at the best start, {best['objective']:.3g} fitted", ""]
    width = max(len(p.path) for p in fit.spec.parameters)
    lines.append(f"{'parameter':<{width}}  {'low':>10}  {'high':>10}  {'fitted':>12}")
    for r in fit.spec.parameters:
        lines.append(f"{r.path:<{width}}  {r.low:>10.4g}  {r.high:>10.4g}  "
                     f"{best['values'][r.path]:>12.5g}")
    lines += ["", f"{'target':<28}  {'target':>9}  {'model':>9}  {'tol':>7}  {'error':>9}"]
    for row in fit.rows():
        lines.append(f"{row['target']:<28}  {row['target_value']:>9.4g}  {row['model']:>9.4g}"
                     f"  {row['tolerance']:>7.3g}  {row['error']:>+9.3g}")
    return "\n".join(lines)
