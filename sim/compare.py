"""Paired comparison of a batch's arms: means and differences with 95 % confidence intervals.

Reads a batch's `summary.parquet` through sim.store. For each sweep point and each
numeric outcome it reports every arm's mean across replications with a t interval, and for each
arm but the baseline the **paired** difference arm - baseline: replication r of the arm and of
the baseline share a seed (common random numbers), so the difference is taken within each
replication and the interval is a one-sample t interval of those differences (equivalently a
paired t-test; scipy.stats.t). Pairing removes the noise the arms share, which is most of it,
so intervals are much narrower than those of two independent means.

Each row carries the outcome's label and unit from its declaration (sim/indicators/), or from
the summary's own `derived` declarations (outcomes an analysis adds, such as the net cost of
each payer from the ledgers, sim/report/budget.py). An interval of a bounded quantity (a share
lies in 0..1, a difference of shares in -1..1) is cut at the bound and the row says so
(`ci_clipped`): the true value lies inside the bound, so the cut interval keeps its coverage,
whereas a "95 %" share of -12 % from two replications would only mislead.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import stats

from sim import coherence, indicators
from sim.config import leaf_settings
from sim.indicators import UNITS, Indicator
from sim.store import ID_COLUMNS, SUMMARY_FILE, ResultsError, read_batch_summary

LEVEL = 0.95


# ------------------------------------------------------------------------------- reading
@dataclass
class Summary:
    """A batch summary: columns as NumPy arrays and which columns are arms, sweep, outcomes."""

    folder: Path
    columns: dict[str, np.ndarray]
    arms: list[str]
    sweep: list[str]
    outcomes: list[str]
    currency: str = "SEK"
    warnings: list[str] = field(default_factory=list)  # runs left out (sim/coherence.py)
    derived: dict[str, Indicator] = field(default_factory=dict)  # outcomes added by analysis

    @property
    def n(self) -> int:
        return len(self.columns["arm"])

    def points(self) -> list[tuple]:
        """The distinct sweep points, in order of first appearance (() without a sweep)."""
        keys = zip(*(self.columns[k].tolist() for k in self.sweep), strict=True)
        return list(dict.fromkeys(keys)) if self.sweep else [()]

    def values(self, outcome: str, arm: str, point: tuple) -> dict[int, float]:
        """{replication: value} of one outcome for one arm at one sweep point."""
        mask = self.columns["arm"] == arm
        for key, value in zip(self.sweep, point, strict=True):
            mask &= self.columns[key] == value
        reps = self.columns["replication"][mask].tolist()
        vals = self.columns[outcome][mask].tolist()
        return {int(r): (math.nan if v is None else float(v)) for r, v in zip(reps, vals,
                                                                              strict=True)}


    def declaration(self, outcome: str) -> Indicator | None:
        """The outcome's declaration: the analysis's own, else the catalogue's."""
        return self.derived.get(outcome) or indicators.find(outcome)

    def unit(self, outcome: str) -> str:
        """The name of the outcome's unit (a key of sim.indicators.UNITS)."""
        ind = self.declaration(outcome)
        return ind.unit if ind else "number"

    def label(self, outcome: str) -> str:
        ind = self.declaration(outcome)
        return ind.label if ind else label(outcome)

    def add_outcome(self, declared: Indicator, by_run: dict[str, float]) -> None:
        """A derived outcome, one value per run id (NaN where a run has none)."""
        ids = self.columns["run_id"].tolist()
        self.columns[declared.key] = np.array([by_run.get(i, math.nan) for i in ids], float)
        self.derived[declared.key] = declared
        if declared.key not in self.outcomes:
            self.outcomes.append(declared.key)

    @property
    def replications(self) -> int:
        return len(set(self.columns["replication"].tolist()))


def load_summary(results: str | Path) -> Summary:
    """A batch folder (or its summary.parquet) -> Summary."""
    folder, table, meta = read_batch_summary(results)
    path = folder / SUMMARY_FILE
    names = table.column_names
    for key in ("arm", "replication"):
        if key not in names:
            raise ResultsError(str(path), f"not a batch summary: it has no {key!r} column")
    if "sweep" in meta:
        sweep = [k for k in meta["sweep"] if k in names]
    else:  # written by someone else: columns named like a setting are sweep values
        settings = {p for p, _, _ in leaf_settings()}
        sweep = [k for k in names if k in settings]
    numeric = [k for k in names if k not in ID_COLUMNS and k not in sweep
               and (table.schema.field(k).type.id in _NUMERIC_TYPES)]
    outcomes = [k for k in meta.get("outcomes", numeric) if k in numeric]
    outcomes += [k for k in numeric if k not in outcomes]
    columns = {}
    for k in names:
        col = table.column(k)
        if k in outcomes:
            columns[k] = np.array([math.nan if v is None else v for v in col.to_pylist()],
                                  dtype=float)
        else:
            columns[k] = np.array(col.to_pylist(), dtype=object)
    if not table.num_rows:
        raise ResultsError(str(path), "no finished runs in this batch yet (see its "
                           "manifest.json for failures)")
    arm_order = list(dict.fromkeys(columns["arm"].tolist()))
    arms = [a for a in meta.get("arms", []) if a in arm_order]
    arms += [a for a in arm_order if a not in arms]
    summary = Summary(folder, columns, arms, sweep, outcomes, meta.get("currency", "SEK"))
    summary.warnings = coherence.check(summary)
    return summary


def _numeric_type_ids():
    import pyarrow as pa

    types = (pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(),
             pa.uint32(), pa.uint64(), pa.float16(), pa.float32(), pa.float64(), pa.bool_())
    return {t.id for t in types}


_NUMERIC_TYPES = _numeric_type_ids()


# ---------------------------------------------------------------------------- statistics
def mean_ci(values, level: float = LEVEL) -> tuple[int, float, float, float]:
    """(n, mean, low, high): a t interval for the mean of the finite values."""
    x = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    n = len(x)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n == 1:
        return 1, mean, math.nan, math.nan
    se = float(x.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    return n, mean, mean - half, mean + half


def paired_ci(diffs, level: float = LEVEL) -> tuple[int, float, float, float, float]:
    """(n, mean difference, low, high, two-sided p-value of 'no difference')."""
    n, mean, low, high = mean_ci(diffs, level)
    if n < 2:
        return n, mean, low, high, math.nan
    x = np.asarray([v for v in diffs if np.isfinite(v)], dtype=float)
    se = float(x.std(ddof=1)) / math.sqrt(n)
    if se == 0.0:  # every replication differs by exactly the same amount (e.g. 0)
        return n, mean, mean, mean, (1.0 if mean == 0.0 else 0.0)
    p = float(2 * stats.t.sf(abs(mean / se), n - 1))
    return n, mean, low, high, p


def clip(low: float, high: float, bounds: tuple[float, float] | None) -> tuple[float, float,
                                                                                bool]:
    """(low, high, cut): an interval cut at the bounds its quantity lies within."""
    if bounds is None or not (math.isfinite(low) and math.isfinite(high)):
        return low, high, False
    lo, hi = max(low, bounds[0]), min(high, bounds[1])
    return lo, hi, (lo, hi) != (low, high)


def difference_bounds(bounds: tuple[float, float] | None) -> tuple[float, float] | None:
    """The bounds of a difference of two bounded values: shares 0..1 differ by -1..1."""
    return None if bounds is None else (bounds[0] - bounds[1], bounds[1] - bounds[0])


def compare(summary: Summary, baseline: str | None = None, level: float = LEVEL) -> list[dict]:
    """One row per sweep point x outcome x arm: mean with interval; for arms other than the
    baseline also the paired difference to it with interval, relative difference and p.
    Rows carry `label`, `unit` (a key of UNITS) and `ci_clipped` (see the module)."""
    if baseline is None:
        baseline = summary.arms[0]
    elif baseline not in summary.arms:
        raise ResultsError(str(summary.folder), f"unknown arm {baseline!r}; allowed: "
                           f"{', '.join(summary.arms)}", "--baseline")
    rows = []
    for point in summary.points():
        for outcome in summary.outcomes:
            base = summary.values(outcome, baseline, point)
            for arm in summary.arms:
                vals = summary.values(outcome, arm, point)
                if not vals:
                    continue
                n, mean, low, high = mean_ci(vals.values(), level)
                unit = summary.unit(outcome)
                bounds = UNITS[unit].bounds
                low, high, cut = clip(low, high, bounds)
                row = {**dict(zip(summary.sweep, point, strict=True)), "outcome": outcome,
                       "label": summary.label(outcome), "unit": unit, "arm": arm, "n": n,
                       "mean": mean, "ci_low": low, "ci_high": high, "ci_clipped": cut,
                       "baseline": baseline}
                if arm != baseline:
                    pairs = sorted(set(vals) & set(base))
                    diffs = [vals[r] - base[r] for r in pairs]
                    n_pairs, diff, d_low, d_high, p = paired_ci(diffs, level)
                    d_low, d_high, d_cut = clip(d_low, d_high, difference_bounds(bounds))
                    base_mean = mean_ci([base[r] for r in pairs], level)[1]
                    rel = diff / base_mean if base_mean else math.nan
                    row.update({"n_pairs": n_pairs, "diff": diff, "diff_ci_low": d_low,
                                "diff_ci_high": d_high, "diff_relative": rel, "p_value": p,
                                "ci_clipped": cut or d_cut})
                rows.append(row)
    return rows



def label(outcome: str) -> str:
    """A name for a policy reader, from the indicator's declaration (sim/indicators/)."""
    return indicators.label_of(outcome)


CSV_COLUMNS = ("outcome", "label", "unit", "arm", "n", "mean", "ci_low", "ci_high", "baseline",
               "n_pairs", "diff", "diff_ci_low", "diff_ci_high", "diff_relative", "p_value",
               "ci_clipped")


def write_csv(rows: list[dict], path: str | Path, summary: Summary) -> Path:
    """The comparison in long form: one line per sweep point x outcome x arm (raw units:
    shares as fractions, money in currency units)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [*summary.sweep, *CSV_COLUMNS]
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
    return path


def _csv_value(value):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return repr(value) if isinstance(value, float) else value
