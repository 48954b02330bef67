"""Municipality (kommun / kunta): pays social assistance and, where it holds responsibility,
runs or buys employment services within a budget.

In Sweden a third of Nacka's social assistance is due to unemployment (evidence.md section 0),
which is why who runs employment services matters to municipal budgets. A municipality's
service capability starts where its history puts it (pilot municipalities ahead, evidence.md 0) and
grows with experience towards `municipal.capability_max`.
"""

from __future__ import annotations

import math

import mesa

from sim.config import MunicipalitySpec


class Municipality(mesa.Agent):
    def __init__(self, model, index: int, spec: MunicipalitySpec):
        super().__init__(model)
        self.index, self.spec = index, spec
        self.name = spec.name
        self.payer = f"municipality:{spec.name}"
        self.households = f"households:{spec.name}"
        self.budget = 0.0  # transfers received and not yet spent on services
        self.experience_weeks = 0

    @property
    def capability(self) -> float:
        """Service capability: the starting level, growing with weeks of running services."""
        b = self.model.config.municipal
        start = self.spec.capability
        if not b.respond or b.capability_max <= start:
            return start
        learnt = 1.0 - math.exp(-self.experience_weeks / b.learning_weeks)
        return start + (b.capability_max - start) * learnt

    def pay_social_assistance(self, recipients: int, weekly: float, week: int) -> None:
        """A week of assistance for each resident seeker with no unemployment benefit."""
        self.model.ledger.pay(
            week, self.payer, self.households, "social_assistance", recipients * weekly
        )
