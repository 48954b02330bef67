"""A scenario's `[calibrate]` table: the parameters to fit, with ranges, and the targets.

    [calibrate]
    targets = ["unemployment_rate", "job_finding_rate", "register_swing"]
    reps = 2            # replications per evaluation (common random numbers across them)
    starts = 8          # quasi-random starting points, evaluated as one batch
    evaluations = 30    # most evaluations of the local search
    [calibrate.parameters]
    "labour_market.separation_rate" = [0.0010, 0.0020]   # [EST]
    [calibrate.series.register_swing]    # a moment of a monitored series (sim/data/)
    file = "validation/se_bas_unemployment_20_64_monthly.csv"
    region = "01"                        # the region_kod column
    statistic = "cv"                     # "cv" (sd over mean of the months) or "mean"
    indicator = "unemployment_rate"      # the weekly indicator, averaged by month
    tolerance = 0.03

A target named in the calibration table (`[calibration]`, sim/config/schema.py) is that
figure with its tolerance; a series target is computed from the data file. Each target's
weight in the objective is 1 / tolerance^2.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.config import ScenarioError, ScenarioFile
from sim.config.schema import CalibrationTargets
from sim.studies.uncertain import Range, read_ranges

DATA = Path(__file__).resolve().parents[1] / "data"
KEYS = ("targets", "parameters", "series", "reps", "starts", "evaluations")
SERIES_KEYS = ("file", "region", "statistic", "indicator", "tolerance", "column")
STATISTICS = ("cv", "mean")


@dataclass(frozen=True)
class Series:
    """A moment of a monthly series in sim/data, and the weekly indicator it is held to."""

    name: str
    file: str
    region: str
    statistic: str
    indicator: str
    tolerance: float
    column: str = "arbetsloshet_procent"

    def months(self) -> np.ndarray:
        with (DATA / self.file).open(encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r.get("region_kod") == self.region]
        return np.array([float(r[self.column]) for r in rows])

    def target(self) -> float:
        return statistic(self.months(), self.statistic)

    def source(self) -> str:
        return f"sim/data/{self.file}, region {self.region}, {len(self.months())} months"


def statistic(months: np.ndarray, how: str) -> float:
    """The series' mean, or its coefficient of variation (sd over mean): a relative swing,
    comparable between a register-based rate and the model's registered rate."""
    months = np.asarray(months, float)
    if how == "mean":
        return float(months.mean())
    return float(months.std(ddof=1) / months.mean())


@dataclass(frozen=True)
class Spec:
    parameters: tuple[Range, ...]
    targets: tuple[str, ...]
    series: tuple[Series, ...] = ()
    reps: int = 2
    starts: int = 8
    evaluations: int = 30

    def with_options(self, **options) -> Spec:
        return dataclasses.replace(self, **{k: v for k, v in options.items() if v})


def read_spec(table, scenario: ScenarioFile) -> Spec:
    src = scenario.source
    if not isinstance(table, dict):
        raise ScenarioError(src, "calibrate", "expected a table with parameters and targets")
    for key in table:
        if key not in KEYS:
            raise ScenarioError(src, f"calibrate.{key}", f"unknown key; allowed: "
                                f"{', '.join(KEYS)}")
    params = read_ranges(table.get("parameters"), scenario, "calibrate.parameters")
    series = tuple(_series(name, t, src) for name, t in table.get("series", {}).items())
    allowed = [*CalibrationTargets.INDICATORS, *(s.name for s in series)]
    targets = table.get("targets")
    if not isinstance(targets, list) or not targets:
        raise ScenarioError(src, "calibrate.targets", f"expected a non-empty list; allowed: "
                            f"{', '.join(allowed)}")
    for t in targets:
        if t not in allowed:
            raise ScenarioError(src, "calibrate.targets", f"{t!r} is not a target; allowed: "
                                f"{', '.join(allowed)}")
    ints = {}
    for key, lo, hi in (("reps", 1, 100), ("starts", 1, 1000), ("evaluations", 0, 10_000)):
        value = table.get(key, getattr(Spec, key))
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ScenarioError(src, f"calibrate.{key}", f"{value!r}: allowed a whole number "
                                f"{lo} to {hi}")
        ints[key] = value
    used = tuple(s for s in series if s.name in targets)
    return Spec(tuple(params), tuple(targets), used, **ints)


def _series(name: str, t, src: str) -> Series:
    where = f"calibrate.series.{name}"
    if not isinstance(t, dict):
        raise ScenarioError(src, where, "expected a table with file, region, statistic, "
                            "indicator and tolerance")
    for key in t:
        if key not in SERIES_KEYS:
            raise ScenarioError(src, f"{where}.{key}", f"unknown key; allowed: "
                                f"{', '.join(SERIES_KEYS)}")
    file = t.get("file")
    if not isinstance(file, str) or not (DATA / file).is_file() or ".." in file:
        raise ScenarioError(src, f"{where}.file", f"{file!r} is not a file in sim/data/; e.g. "
                            "validation/se_bas_unemployment_20_64_monthly.csv")
    if t.get("statistic", "cv") not in STATISTICS:
        raise ScenarioError(src, f"{where}.statistic", f"allowed: {', '.join(STATISTICS)}")
    tol = t.get("tolerance")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not (
            math.isfinite(tol) and tol > 0):
        raise ScenarioError(src, f"{where}.tolerance", f"{tol!r}: allowed a finite number > 0")
    s = Series(name, file, str(t.get("region", "00")), t.get("statistic", "cv"),
               str(t.get("indicator", "unemployment_rate")), float(tol),
               str(t.get("column", "arbetsloshet_procent")))
    try:
        if len(s.months()) < 3:
            raise ValueError("fewer than 3 months")
    except (KeyError, ValueError) as e:
        raise ScenarioError(src, f"{where}.region", f"no usable months for region "
                            f"{s.region!r} in column {s.column!r} ({e})") from None
    return s
