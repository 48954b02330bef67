"""Municipality (kommun / kunta): pays social assistance and, where it holds responsibility,
runs or buys employment services within a budget.

In Sweden a third of Nacka's social assistance is due to unemployment (evidence.md section 0),
which is why who runs employment services matters to municipal budgets. Where a municipality
pays for services it decides, by its behaviour rules (`[municipal]`): whether it takes on new
participants while its budget is spent, how intensively it runs its own service, and whom it
refers first (those about to enter a higher co-financing band, the incentive TE24 creates,
evidence.md 4.1). Its service capability starts where its history puts it (pilot
municipalities ahead, evidence.md section 0) and grows with experience.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.config import MunicipalitySpec

QUARTER = 13


class Municipality(mesa.Agent):
    def __init__(self, model, index: int, spec: MunicipalitySpec):
        super().__init__(model)
        self.index, self.spec = index, spec
        self.name = spec.name
        self.payer = f"municipality:{spec.name}"
        self.households = f"households:{spec.name}"
        self.budget = 0.0  # transfers received and not yet spent on services
        self.experience_weeks = 0
        self.rules = model.config.municipal

    @property
    def capability(self) -> float:
        """Service capability: the starting level, growing with weeks of running services."""
        b = self.rules
        start = self.spec.capability
        if not b.respond or b.capability_max <= start:
            return start
        learnt = 1.0 - math.exp(-self.experience_weeks / b.learning_weeks)
        return start + (b.capability_max - start) * learnt

    def adopt(self, config) -> None:
        """A reform's behaviour rules take effect."""
        self.rules = config.municipal

    def pilot(self, week) -> None:
        """A pilot municipality runs services in the pilot years before the reform."""
        if self.spec.pilot and -self.rules.pilot_weeks <= week.number < 0:
            self.gain_experience()

    def gain_experience(self) -> None:
        """Another week of running services for its residents."""
        self.experience_weeks += 1

    # ------------------------------------------------------------------------ decisions
    def budget_bound(self, pays: bool) -> bool:
        """Whether the services it pays for are held to the transfer budget rule."""
        return pays and self.rules.respond and self.rules.budget_rule == "transfer"

    def takes_new_participants(self, pays: bool) -> bool:
        """A municipality that pays for services under the transfer budget rule takes no new
        participants while the money it received is spent."""
        return not self.budget_bound(pays) or self.budget > 0

    def service_intensity(self, planned_cost: float, pays: bool) -> float:
        """The share of planned hours of its own service it runs: under the transfer budget
        rule, scaled down (to half at the least) when a quarter's worth of its budget would
        not cover them."""
        if not self.budget_bound(pays):
            return 1.0
        available = max(self.budget, 0.0) / QUARTER
        return float(np.clip(available / max(planned_cost, 1e-9), 0.5, 1.0))

    # ---------------------------------------------------------------------- money
    def spend(self, amount: float) -> None:
        """Service spending draws on the budget the state's transfers filled."""
        self.budget -= amount

    def receive(self, amount: float) -> None:
        self.budget += amount


def pilot_indicators(model, week) -> None:
    """Capability and residents' job finding of pilot and other municipalities this week
    (labour-force weighted): the "same starting line" question, week by week."""
    munis = model.municipalities
    pilot = np.array([m.spec.pilot for m in munis])
    weight = np.array([m.spec.labour_force for m in munis], dtype=float)
    capability = np.array([m.capability for m in munis])
    pop = model.population
    n = pop.count_by_municipality(week.seekers, len(munis))
    hired = np.bincount(pop.municipality[week.hired], minlength=len(munis))
    for group, mask in (("pilots", pilot), ("others", ~pilot)):
        if mask.any():
            week.row[f"{group}.capability"] = float(np.average(capability[mask],
                                                               weights=weight[mask]))
            week.row[f"{group}.seekers"] = int(n[mask].sum())
            week.row[f"{group}.hires"] = int(hired[mask].sum())


def referral_priority(behaviour, funding, cofinancing_days: np.ndarray) -> np.ndarray:
    """Each cost-bearing municipality's weight on referring a resident: higher for those
    whose accumulated benefit days are about to enter a higher co-financing band, if its
    behaviour targets them. Vectorised over persons: every municipality follows the same
    behaviour rules."""
    weight = np.ones(len(cofinancing_days))
    if behaviour.targeting == "cofinancing_band" and funding.cofinancing_bands:
        near = funding.next_band_day(cofinancing_days) - cofinancing_days \
            <= behaviour.targeting_horizon_days
        weight[near] = behaviour.targeting_weight
    return weight
