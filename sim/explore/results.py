"""Run a scenario's arms as a batch and read the answer, with the project's own code: the batch
(sim/batch.py, resumable, paired seeds), the analysis (sim/report: comparison, who pays, the
sentences) and the report's figures. What the notebooks and the page show is what
`reformsim batch` + `reformsim report` would write for the same scenario.

`Progress` counts the finished runs of a batch from its folder while it runs (each run is
written atomically into runs/ when done), so a page can show progress without the batch
knowing about it.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sim import batch, store
from sim.config import ScenarioFile
from sim.report import Analysis, analyse, who_pays
from sim.report.build import draw
from sim.report.chart import Chart


@dataclass
class Answer:
    """A batch's analysis and the figures the report draws from it, by section."""

    folder: Path
    analysis: Analysis
    charts: dict[str, list[Chart]] = field(default_factory=dict)

    @property
    def sentences(self) -> list[str]:
        return self.analysis.sentences

    def who_pays(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """(title, header, rows) per arm: spending a year by payer and programme."""
        a = self.analysis
        return who_pays.tables(a.budget, a.summary) if a.budget is not None else []

    def row(self, outcome: str, arm: str) -> dict | None:
        """The comparison's row of one outcome and arm (first sweep point)."""
        return next((r for r in self.analysis.rows
                     if r["outcome"] == outcome and r["arm"] == arm), None)

    def figures(self) -> list[Chart]:
        return [c for cs in self.charts.values() for c in cs]


def batch_name(scenario: ScenarioFile, reps: int) -> str:
    """A folder name that is the same for the same settings (so a run again is skipped)."""
    text = json.dumps({"arms": {a: c.digest(0) for a, c in scenario.arms.items()},
                       "base": scenario.base.digest(0), "reps": reps}, sort_keys=True)
    return "explore-" + hashlib.sha256(text.encode()).hexdigest()[:10]


def run(scenario: ScenarioFile, out: str | Path, reps: int = 2, *,
        baseline: str | None = None, workers: int = 1, name: str | None = None,
        on_progress: Callable[[int, int], None] | None = None) -> Answer:
    """Run (or resume) every arm x `reps` replications into out/<scenario>/<name>/ and read
    the answer; `on_progress(done, total)` is called as runs finish."""
    name = name or batch_name(scenario, reps)
    total = len(batch.plan(scenario, replications=reps))
    watcher = None
    if on_progress is not None:
        folder = batch.batch_folder(out, scenario, name)
        watcher = Progress(folder, total, on_progress)
        watcher.start()
    try:
        outcome = batch.run_batch(scenario, out=out, name=name, replications=reps,
                                  workers=workers, progress=False)
    finally:
        if watcher is not None:
            watcher.stop()
    if outcome.failures:
        failed = outcome.failures[0]
        raise RuntimeError(f"{len(outcome.failures)} run(s) failed, e.g. {failed.describe()}; "
                           f"see {outcome.folder / store.FAILED_DIR}")
    return read(outcome.folder, baseline)


def read(folder: str | Path, baseline: str | None = None) -> Answer:
    """The answer of a finished batch folder (one with summary.parquet)."""
    a = analyse(folder, baseline)
    return Answer(a.summary.folder, a, draw(a))


def finished_batches(root: str | Path) -> list[Path]:
    """Batch folders under `root` with a summary, newest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [p.parent for p in root.glob(f"*/*/{store.SUMMARY_FILE}")]
    return sorted(found, key=lambda p: (p / store.SUMMARY_FILE).stat().st_mtime, reverse=True)


class Progress:
    """Calls `report(done, total)` whenever the number of finished runs in `folder` grows."""

    def __init__(self, folder: Path, total: int, report: Callable[[int, int], None],
                 every: float = 0.5):
        self.folder, self.total, self.report, self.every = folder, total, report, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        self.report(0, self.total)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.report(self._count(), self.total)

    def _count(self) -> int:
        runs = self.folder / store.RUNS_DIR
        if not runs.is_dir():
            return 0
        return min(self.total, len(store.stored_run_ids(self.folder)))

    def _watch(self) -> None:
        seen = -1
        while not self._stop.wait(self.every):
            done = self._count()
            if done != seen:
                seen = done
                self.report(done, self.total)

