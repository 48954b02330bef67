"""Provider (leverantör / anordnare): a private or in-house employment-service provider.

Each week a provider chooses service hours for each participant to maximise expected payment
minus cost, plus its mission weight times the value of a job. Nothing is scripted about whom it
serves: parking (little effort on those far from work) follows when the result payment does not
rise enough with the tier to offset lower job chances, and creaming (refusing the hard to place)
when refusal is allowed and a participant's expected margin is negative (evidence.md 1.5, 6).
"""

from __future__ import annotations

import mesa
import numpy as np


class Provider(mesa.Agent):
    """A provider's traits and books; its choices are `choose_hours` and `accepts`."""

    def __init__(self, model, scheme: str, index: int, *, effectiveness: float,
                 cost_per_hour: float, capacity: int, mission_weight: float, location: int,
                 cash: float, fixed_cost_week: float, in_house: bool = False,
                 fixed_hours: float | None = None, fee_factor: float = 1.0):
        super().__init__(model)
        self.scheme, self.index = scheme, index
        self.name = f"provider:{scheme}:{'in-house' if in_house else index}"
        self.effectiveness = effectiveness
        self.cost_per_hour = cost_per_hour
        self.capacity = capacity
        self.mission_weight = mission_weight
        self.location = location
        self.cash = cash
        self.fixed_cost_week = fixed_cost_week
        self.in_house = in_house
        self.fixed_hours = fixed_hours
        self.fee_factor = fee_factor
        self.active = True
        self.stars = 0  # 0 = not yet rated
        self.entered_week = model.week
        self.left_week: int | None = None
        self.exit_reason = ""
        self.revenue = 0.0
        self.costs = 0.0
        self.weeks_losing = 0

    def choose_hours(self, grid: np.ndarray, job_chance: np.ndarray, result_pay: np.ndarray,
                     lift: np.ndarray, min_hours: float) -> np.ndarray:
        """Hours a week for each participant: argmax over `grid` of
        (result payment + mission value) x extra job chance - cost of the hours.

        `job_chance` is the participant's weekly chance without service (from its tier) and
        `lift[k]` the relative rise in it at `grid[k]` hours with this provider's effectiveness.
        """
        if self.fixed_hours is not None:
            return np.full(len(job_chance), self.fixed_hours)
        allowed = grid[grid >= min_hours]
        lift = lift[grid >= min_hours]
        value = (result_pay + self.mission_weight)[:, None] * job_chance[:, None] * lift[None, :]
        net = value - self.cost_per_hour * allowed[None, :]
        return allowed[np.argmax(net, axis=1)]

    def accepts(self, expected_margin: np.ndarray, refusal_allowed: bool) -> np.ndarray:
        """Whom it takes on: everyone unless refusal is allowed and the margin is negative."""
        if not refusal_allowed or self.in_house:
            return np.ones(len(expected_margin), dtype=bool)
        return expected_margin >= 0.0

    def book(self, revenue: float, cost: float) -> None:
        self.revenue += revenue
        self.costs += cost
        self.cash += revenue - cost
        self.weeks_losing = self.weeks_losing + 1 if revenue < cost else 0

    def leave(self, week: int, reason: str) -> None:
        self.active = False
        self.left_week = week
        self.exit_reason = reason

    def __repr__(self) -> str:
        return (f"Provider({self.name}, effectiveness={self.effectiveness:.2f}, "
                f"stars={self.stars}, active={self.active})")
