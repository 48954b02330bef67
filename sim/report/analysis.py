"""One batch, analysed once for the compare command and the report: the summary with each
payer's costs from the ledgers added, the paired comparison, and the answer in words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.compare import Summary, compare, load_summary
from sim.report import answer, budget


@dataclass
class Analysis:
    summary: Summary
    rows: list[dict]  # sim.compare.compare's rows, budget outcomes included
    budget: budget.Budget | None  # None: the runs' ledgers are not in the folder
    sentences: list[str]

    @property
    def baseline(self) -> str:
        return next((r["baseline"] for r in self.rows), self.summary.arms[0])


def analyse(results: str | Path, baseline: str | None = None) -> Analysis:
    """Read a batch folder (refusing runs that do not belong together, sim/coherence.py),
    add the budget outcomes, compare the arms and say the answer."""
    summary = load_summary(results)
    found = budget.load_budget(summary)
    if found is not None:
        budget.add_outcomes(summary, found)
    rows = compare(summary, baseline=baseline)
    return Analysis(summary, rows, found, answer.sentences(rows, summary))
