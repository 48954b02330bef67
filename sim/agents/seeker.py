"""Seeker: one Mesa agent per registered job seeker, a view on its population row.

Dynamics never loop over Seeker objects (stages work on columns); the agents exist so notebooks,
Mesa's DataCollector and other Mesa tools see seekers as agents. Attributes read the columns, so
an agent is never out of date. A scenario can switch them off (`run.seeker_agents = false`) at
national scale; results are identical either way.
"""

from __future__ import annotations

import contextlib
import gc

import mesa

from sim.population import COLUMNS, Benefit, Status

# A seeker's own search effort falls over the first two years of a spell (discouragement,
# `labour_market.effort_decline`); sim/kernels/effort.py computes it for all seekers at once.
DISCOURAGEMENT_WEEKS = 104


class Seeker(mesa.Agent):
    def __init__(self, model, row: int):
        super().__init__(model)
        self.row = int(row)

    def __getattr__(self, name):
        if name in COLUMNS:
            value = getattr(self.model.population, name)[self.row]
            return value.item()
        raise AttributeError(name)

    @property
    def status_name(self) -> str:
        return Status(self.status).name.lower()

    @property
    def benefit_name(self) -> str:
        return Benefit(self.benefit).name.lower()

    def __repr__(self) -> str:
        return f"Seeker(row={self.row}, tier={self.tier}, spell_weeks={self.spell_weeks})"


@contextlib.contextmanager
def older_objects_unscanned(on: bool = True):
    """Within the block, Python's cyclic garbage collector skips every object made before it.

    Why: with seeker agents a national run holds about half a million of them, the week's new
    agents set off a full collection every few weeks, and a full collection scans them all
    (about 0.4 s; 40 ms a week on average, a third to a half of what the agents cost). Frozen
    objects are still freed by their reference counts, as a removed agent is; a week leaves no
    garbage in cycles, and what an earlier week might is found by a later collection, as the
    freeze ends with the block. Left alone when objects are already frozen: `gc.freeze` is
    process-wide and may be someone else's."""
    if not on or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
