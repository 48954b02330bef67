"""Municipality (kommun / kunta): pays social assistance to residents without other income.

In Sweden a third of Nacka's social assistance is due to unemployment (DOMAIN.md section 0),
which is why who runs employment services matters to municipal budgets. Funding rules, service
capability and the municipality's own services build on this agent.
"""

from __future__ import annotations

import mesa

from sim.scenario import MunicipalitySpec


class Municipality(mesa.Agent):
    def __init__(self, model, index: int, spec: MunicipalitySpec):
        super().__init__(model)
        self.index, self.spec = index, spec
        self.name = spec.name
        self.payer = f"municipality:{spec.name}"
        self.households = f"households:{spec.name}"

    def pay_social_assistance(self, recipients: int, week: int) -> None:
        """A week of assistance for each resident seeker with no unemployment benefit."""
        weekly = self.model.config.benefits.social_assistance_month * 12 / 52
        self.model.ledger.pay(
            week, self.payer, self.households, "social_assistance", recipients * weekly
        )
