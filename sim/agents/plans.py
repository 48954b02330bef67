"""A provider's plan for its participants: what each is worth at each level of weekly hours.

For a participant with `S` service weeks left, weekly job chance q(h) at h hours a week (the
provider's learnt chance at the contract minimum times the lift it believes its hours give),
and a result window of W weeks after the service:

    stays in service      E[weeks](h) = (1 - (1 - q)^S) / q
    qualifying job        P(h) = 1 - (1 - q)^S (1 - q_open)^W
    value                 V(h) = fee x E[weeks] + (result x P(lasts) + mission + reputation)
                                 x P(h) - cost per hour x h x E[weeks]

Base fees reward keeping participants (a job ends the fees), result payments reward jobs, and
hours cost money for as long as the participant stays. With limited counsellor hours the
provider maximises the sum of V over its participants: a shadow price per hour rations them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BISECTIONS = 24


@dataclass
class SpellPlan:
    grid: np.ndarray  # hours a week, from the contract minimum up
    value: np.ndarray  # (participants, levels): V(h)
    weeks: np.ndarray  # (participants, levels): expected weeks in service

    @property
    def n(self) -> int:
        return self.value.shape[0]

    @staticmethod
    def relative_chance(provider, hours) -> np.ndarray:
        """How much a participant's weekly job chance at `hours` exceeds it at the contract
        minimum, as the provider believes: (1 + lift(h)) / (1 + lift(minimum))."""
        e = provider.effect
        lift = e.believed_lift * provider.effectiveness
        return (1.0 + lift * e.shape(hours)) / (1.0 + lift * e.shape(e.min_hours))

    @classmethod
    def of(cls, provider, tiers: np.ndarray, weeks_left: np.ndarray, fees: np.ndarray,
           result_value: np.ndarray) -> SpellPlan:
        e, pay = provider.effect, provider.payment
        full = np.asarray(e.hours_grid, dtype=float)
        grid = full[full >= e.min_hours]
        chance = provider.job_chances()[tiers - 1]
        q = np.clip(chance[:, None] * cls.relative_chance(provider, grid)[None, :], 1e-9, 0.999)
        stay = (1.0 - q) ** np.maximum(weeks_left, 1)[:, None]
        weeks = (1.0 - stay) / q
        q_open = provider.prior[tiers - 1]
        after = (1.0 - q_open) ** pay.result_window_weeks
        job = 1.0 - stay * after[:, None]
        worth = (result_value * provider.lasting_chance() + provider.mission_weight
                 + provider.reputation_value)
        value = (fees[:, None] * weeks + worth[:, None] * job
                 - provider.cost_per_hour * grid[None, :] * weeks)
        return cls(grid, value, weeks)

    def best(self, price: float) -> np.ndarray:
        """Each participant's best level when a counsellor hour also costs `price`."""
        return np.argmax(self.value - price * self.grid[None, :] * self.weeks, axis=1)

    def ration(self, available: float) -> np.ndarray:
        """Levels that fit `available` hours this week: the lowest shadow price per hour at
        which the participants' best levels fit (bisection from a price at which every
        participant is best left at the minimum)."""
        extra_value = self.value[:, 1:] - self.value[:, :1]
        extra_hours = self.grid[None, 1:] * self.weeks[:, 1:] - self.grid[0] * self.weeks[:, :1]
        low, high = 0.0, float(np.max(extra_value / np.maximum(extra_hours, 1e-9),
                                      initial=0.0)) + 1.0
        for _ in range(BISECTIONS):
            mid = 0.5 * (low + high)
            if self.grid[self.best(mid)].sum() > available:
                low = mid
            else:
                high = mid
        return self.best(high)

    def value_at_best(self) -> np.ndarray:
        """Each participant's value at its best level, hours unconstrained."""
        return self.value[np.arange(self.n), self.best(0.0)]
