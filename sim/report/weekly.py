"""Weekly series from the tidy dataset: levels and paired differences with 95 % t intervals.

Reads `weekly/<arm>.parquet` (sim/store) for the runs the summary uses. Replication r of every
arm shares a seed, so the difference arm - baseline is taken within each replication, week by
week, and its interval is a t interval over replications (scipy.stats.t). Where a scenario has a
reform week, weeks count from it (week 0 = the reform, negative before it) and the arms share
their history before it, so differences are exactly zero there; without one, week 0 is the end
of burn-in and burn-in is not shown, since arms differ from the start. Level intervals of
shares are cut at 0 and 100 % (the true share lies inside; sim/compare.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim import store
from sim.compare import LEVEL, Summary, difference_bounds
from sim.indicators import UNITS


@dataclass
class Series:
    """One line with its band: weeks, mean, and the interval (NaN where n < 2)."""

    weeks: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: int
    clipped: bool = False


def reform_week(summary: Summary) -> int | None:
    """The scenario's reform week (`run.reform_week`: the reported weeks before the reform)
    from the batch manifest or a run's, or None (-1, or not said): then week 0 is the end of
    burn-in."""
    week = store.read_batch_manifest(summary.folder).get("reform_week")
    ids = summary.columns["run_id"].tolist() if "run_id" in summary.columns else []
    run = summary.folder / store.RUNS_DIR / (ids[0] if ids else "")
    if week is None and ids and (run / store.RUN_MANIFEST_FILE).is_file():
        week = (store.read_manifest(run).get("config") or {}).get("run", {}).get("reform_week")
    return int(week) if week is not None and int(week) >= 0 else None


class Weekly:
    """The weekly columns `keys` of the summary's runs, by arm, sweep point and replication."""

    def __init__(self, summary: Summary, keys: list[str]):
        self.summary = summary
        self.reform = reform_week(summary)
        ids = ["run_id", "arm", *summary.sweep, "replication", "week"]
        table = store.read_weekly_dataset(summary.folder, [*ids, *keys])
        self.keys = [k for k in keys if table is not None and k in table.column_names]
        self.columns: dict[str, np.ndarray] = {}
        if table is None or "week" not in table.column_names:
            return
        used = set(summary.columns["run_id"].tolist())
        run_ids = np.array(table.column("run_id").to_pylist(), dtype=object)
        keep = np.array([r in used for r in run_ids], dtype=bool)
        first = -self.reform if self.reform is not None else 0  # burn-in is not shown
        week = np.array(table.column("week").to_pylist(), dtype=float)
        keep &= week >= first
        for name in table.column_names:
            values = table.column(name).to_pylist()
            if name in self.keys or name == "week":
                col = np.array([np.nan if v is None else v for v in values], dtype=float)
            else:
                col = np.array(values, dtype=object)
            self.columns[name] = col[keep]

    def __bool__(self) -> bool:
        return bool(self.columns) and len(self.columns["week"]) > 0

    def _matrix(self, key: str, arm: str, point: tuple, smooth: int = 1):
        """(weeks, {replication: values}) of one column for one arm and sweep point."""
        c = self.columns
        mask = c["arm"] == arm
        for k, v in zip(self.summary.sweep, point, strict=True):
            mask &= c[k] == v
        weeks = np.unique(c["week"][mask])
        out = {}
        for rep in sorted(set(c["replication"][mask].tolist())):
            m = mask & (c["replication"] == rep)
            order = np.argsort(c["week"][m])
            w, x = c["week"][m][order], c[key][m][order]
            if len(w) != len(weeks):
                continue  # a run of another length: left out (sim/coherence.py refuses those)
            out[int(rep)] = _smooth(x, smooth)
        return weeks[smooth - 1:] if smooth > 1 else weeks, out

    def level(self, key: str, arm: str, point: tuple = (), smooth: int = 1) -> Series | None:
        weeks, runs = self._matrix(key, arm, point, smooth)
        if not runs:
            return None
        return _interval(weeks, np.vstack(list(runs.values())),
                         UNITS[self.summary.unit(key)].bounds)

    def difference(self, key: str, arm: str, baseline: str, point: tuple = (),
                   smooth: int = 1) -> Series | None:
        weeks, runs = self._matrix(key, arm, point, smooth)
        base_weeks, base = self._matrix(key, baseline, point, smooth)
        pairs = sorted(set(runs) & set(base))
        if not pairs or len(weeks) != len(base_weeks):
            return None
        diffs = np.vstack([runs[r] - base[r] for r in pairs])
        bounds = difference_bounds(UNITS[self.summary.unit(key)].bounds)
        return _interval(weeks, diffs, bounds)


def _smooth(x: np.ndarray, smooth: int) -> np.ndarray:
    """Trailing moving average: week t averages weeks t - smooth + 1 .. t."""
    if smooth <= 1 or len(x) < smooth:
        return x
    return np.convolve(x, np.ones(smooth) / smooth, mode="valid")


def _interval(weeks: np.ndarray, x: np.ndarray, bounds, level: float = LEVEL) -> Series:
    """Mean over rows with a t interval per column, cut at `bounds`."""
    n = x.shape[0]
    mean = x.mean(axis=0)
    if n < 2:
        nan = np.full_like(mean, np.nan)
        return Series(weeks, mean, nan, nan, n)
    half = stats.t.ppf(0.5 + level / 2, n - 1) * x.std(axis=0, ddof=1) / np.sqrt(n)
    low, high = mean - half, mean + half
    clipped = False
    if bounds is not None:
        clipped = bool(np.any(low < bounds[0]) or np.any(high > bounds[1]))
        low, high = np.maximum(low, bounds[0]), np.minimum(high, bounds[1])
    return Series(weeks, mean, low, high, n, clipped)
