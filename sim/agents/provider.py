"""Provider (leverantör / anordnare): a private or in-house employment-service provider.

A provider decides from its traits (`ProviderTraits`), the payment rule it works under and
what it has learnt about job chances: how many hours each participant gets (expected payment
plus its mission's value of a job, minus the cost of the hours), whom it takes on where the
rules let it refuse, whether it stays in the market, and what it bids in a tender. Nothing is
scripted about whom it serves: parking (little effort on those far from work) follows when
the result payment does not rise enough with the tier to offset lower job chances, and
creaming (refusing the hard to place) when refusal is allowed and a participant's expected
margin is negative (evidence.md 1.5, 6).
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from sim.rules.payments import PaymentRules
from sim.rules.service import ServiceEffect

WEEKS_REMEMBERED = 52  # the window of results ratings and reviews look at


@dataclass(frozen=True)
class ProviderTraits:
    """What a provider is: drawn when it applies, fixed while it is in the market."""

    effectiveness: float  # relative effect of its hours on job chances
    cost_per_hour: float  # of a counsellor hour
    capacity: int  # participants at most
    mission_weight: float  # value it puts on a participant's job beyond pay (non-profits)
    location: int  # municipality index of its office
    fixed_cost_week: float  # premises and administration
    in_house: bool = False  # the purchaser's own service
    fixed_hours: float | None = None  # hours set by the purchaser (in-house), not chosen
    refused_tiers: tuple[int, ...] = ()  # tiers it turns away where refusal is allowed


class Provider(mesa.Agent):
    """A provider's traits, books and record; its decisions are the methods below."""

    def __init__(self, model, scheme: str, index: int, traits: ProviderTraits, *,
                 payment: PaymentRules, effect: ServiceEffect, beliefs: np.ndarray,
                 cash: float, fee_factor: float = 1.0):
        super().__init__(model)
        self.scheme, self.index, self.traits = scheme, index, traits
        self.name = f"provider:{scheme}:{'in-house' if traits.in_house else index}"
        self.payment, self.effect = payment, effect
        self.beliefs = beliefs  # weekly job chance by tier without service (learnt)
        self.cash = cash
        self.fee_factor = fee_factor  # its price relative to the list price (tenders)
        self.active = True
        self.stars = 0  # 0 = not yet rated
        self.entered_week = model.week
        self.left_week: int | None = None
        self.exit_reason = ""
        self.revenue = 0.0
        self.costs = 0.0
        self.weeks_losing = 0
        self.week_hours = 0.0
        # its record, by week slot: hires of participants, hires expected from their tiers,
        # participant-weeks (what ratings and reviews judge it by)
        self.hires = np.zeros(WEEKS_REMEMBERED)
        self.expected = np.zeros(WEEKS_REMEMBERED)
        self.load = np.zeros(WEEKS_REMEMBERED)

    def __getattr__(self, name):  # traits read as attributes: provider.effectiveness
        traits = self.__dict__.get("traits")
        if traits is not None and hasattr(traits, name):
            return getattr(traits, name)
        raise AttributeError(name)

    # ------------------------------------------------------------------------ decisions
    def plan_hours(self, tiers: np.ndarray, result_value: np.ndarray) -> np.ndarray:
        """Hours a week for each participant: argmax over the effect's hours grid (from the
        contract minimum up) of (result value + mission value) x extra job chance - cost.

        The extra job chance is its belief about the tier's weekly job chance times the lift
        it believes its hours give (`believed_lift` x its effectiveness x the effect shape).
        """
        if self.fixed_hours is not None:
            return np.full(len(tiers), self.fixed_hours)
        e = self.effect
        grid = np.asarray(e.hours_grid)
        allowed = grid[grid >= e.min_hours]
        lift = (e.believed_lift * self.effectiveness * e.shape(grid))[grid >= e.min_hours]
        chance = self.beliefs[tiers - 1]
        value = (result_value + self.mission_weight)[:, None] * chance[:, None] * lift[None, :]
        net = value - self.cost_per_hour * allowed[None, :]
        return allowed[np.argmax(net, axis=1)]

    def expected_margin(self, tier: int, wage: float) -> float:
        """Expected weekly margin on a participant of `tier` (last wage `wage`) at the
        contract's minimum hours."""
        fee = float(self.payment.weekly_base_fee(tier))
        result = float(self.payment.result_value(tier, wage)) * self.beliefs[tier - 1]
        return fee * self.fee_factor + result - self.cost_per_hour * self.effect.min_hours

    def accepts(self, tier: int, wage: float, refusal_allowed: bool) -> bool:
        """Whom it takes on: everyone, unless the rules allow refusal and the participant's
        tier is one it refuses or its expected margin is negative."""
        if not refusal_allowed or self.in_house:
            return True
        return tier not in self.refused_tiers and self.expected_margin(tier, wage) >= 0.0

    def stays(self, exit_cash: float) -> bool:
        """It stays while its cash has not fallen below what it can bear to lose."""
        return self.in_house or self.cash >= exit_cash

    def bid(self, reference_cost: float, markup: float) -> float:
        """A tender price as a factor of the reference price: its own cost per participant-
        week at the contract minimum, plus its markup."""
        own = self.cost_per_hour * self.effect.min_hours + self.fixed_cost_week / self.capacity
        self.fee_factor = (1 + markup) * own / reference_cost
        return self.fee_factor

    # ------------------------------------------------------------------------ the books
    def book(self, revenue: float, cost: float) -> None:
        self.revenue += revenue
        self.costs += cost
        self.cash += revenue - cost
        self.weeks_losing = self.weeks_losing + 1 if revenue < cost else 0

    def leave(self, week: int, reason: str) -> None:
        self.active = False
        self.left_week = week
        self.exit_reason = reason

    def ratio(self) -> float:
        """Results over expected results given its participant mix (last 52 weeks)."""
        expected = self.expected.sum()
        return self.hires.sum() / expected if expected > 0 else float("nan")

    def __repr__(self) -> str:
        return (f"Provider({self.name}, effectiveness={self.effectiveness:.2f}, "
                f"stars={self.stars}, active={self.active})")
