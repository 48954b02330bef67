"""Seeker: one Mesa agent per registered job seeker, a view on its population row, and the
seeker's own search effort (vectorised over the seeker columns).

Dynamics never loop over Seeker objects (stages work on columns); the agents exist so notebooks,
Mesa's DataCollector and other Mesa tools see seekers as agents. Attributes read the columns, so
an agent is never out of date. A scenario can switch them off (`run.seeker_agents = false`) at
national scale; results are identical either way.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.population import COLUMNS, Benefit, Status

DISCOURAGEMENT_WEEKS = 104  # search effort falls over the first two years of a spell


def search_effort(pop, seekers: np.ndarray, labour_market) -> np.ndarray:
    """Applications a week a seeker would send on their own: the base rate by age band,
    falling with the spell (discouragement, `effort_decline` over two years). Meetings,
    obligations and services change it from there (sim/agents/employment_service.py,
    sim/market/service.py)."""
    spell = np.minimum(pop.spell_weeks[seekers], DISCOURAGEMENT_WEEKS) / DISCOURAGEMENT_WEEKS
    rate = labour_market.applications * np.asarray(labour_market.effort_by_age)[
        pop.age_band[seekers]]
    return rate * (1.0 - labour_market.effort_decline * spell)


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
