"""Provider (leverantör / anordnare): a private or in-house employment-service provider.

A provider decides from its traits (`ProviderTraits`), the payment rule it works under and
what it has learnt:

- **hours**: it plans each participant's weekly hours for the rest of the service to maximise
  the participant's expected payments (base fees for the weeks the participant stays, the
  result payment times the chance of a qualifying job within the service and the result
  window, times the chance the job lasts) plus its mission's value of a job, minus the cost of
  the hours. Its counsellors' hours are limited: time given to one participant is not given to
  another, so when they bind the least valuable participants get the contract minimum. This is
  how parking arises: when the result payment does not rise enough with the tier to offset the
  lower job chances of those far from work (evidence.md 1.5, 6);
- **what a job is worth to it**: the result payment if the job lasts, its mission's value, and
  where seekers choose on published stars, the extra participants a better rating brings
  (`reputation_value`, set by sim/market/ratings.py): under fixed prices, customer choice
  makes providers compete on results;
- **whom it takes on**: everyone, unless the rules allow refusal and the participant is of a
  tier it refuses or would lose it money (creaming);
- **whether it stays**: it leaves once its losses exceed what it can bear;
- **what it bids** in a tender, and how many counsellor hours it staffs.

It learns each tier's weekly job chance from its own participants' hires, starting from the
labour market's statistics, and the chance that a job lasts from its own result candidates.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import mesa
import numpy as np

from sim.agents.plans import SpellPlan
from sim.rules.payments import PaymentRules
from sim.rules.service import ProviderSettings, ServiceEffect

WEEKS_REMEMBERED = 52  # the window of results ratings and reviews look at


@dataclass(frozen=True)
class ProviderTraits:
    """What a provider is: drawn when it applies, fixed while it is in the market."""

    effectiveness: float  # relative effect of its hours on job chances
    cost_per_hour: float  # of a participant's support hour (counsellor time, groups included)
    capacity: int  # participants at most
    mission_weight: float  # value it puts on a participant's job beyond pay (non-profits)
    location: int  # municipality index of its office
    fixed_cost_week: float  # premises and administration
    in_house: bool = False  # the purchaser's own service
    fixed_hours: float | None = None  # hours set by the purchaser (in-house), not chosen
    refused_tiers: tuple[int, ...] = ()  # tiers it turns away where refusal is allowed


class Provider(mesa.Agent):
    """A provider's traits, beliefs, books and record; its decisions are the methods below."""

    def __init__(self, model, scheme: str, index: int, traits: ProviderTraits, *,
                 payment: PaymentRules, effect: ServiceEffect, settings: ProviderSettings,
                 prior: np.ndarray, cash: float, price: float = 1.0):
        super().__init__(model)
        self.scheme, self.index, self.traits = scheme, index, traits
        vars(self).update(dataclasses.asdict(traits))  # provider.effectiveness, ... (read only)
        self.name = f"provider:{scheme}:{'in-house' if traits.in_house else index}"
        self.payment, self.effect, self.settings = payment, effect, settings
        self.prior = prior  # the labour market's weekly job chance by tier (shared, updated)
        self.cash = cash
        self.price = price  # its price as a factor of the list prices (set by a tender)
        self.active = True
        self.stars = 0  # 0 = not yet rated
        self.entered_week = model.week
        self.left_week: int | None = None
        self.exit_reason = ""
        self.revenue = 0.0
        self.costs = 0.0
        self.weeks_losing = 0
        self.week_hours = 0.0
        self.staff_hours = 0.0  # counsellor hours a week it employs
        # what it has learnt (decaying sums): hires and exposure by tier, lasting jobs
        tiers = len(prior)
        self.seen_hires = np.zeros(tiers)
        self.seen_exposure = np.zeros(tiers)
        self.seen_results = 0.0
        self.seen_lasting = 0.0
        # its record, by week slot: hires of participants, hires expected from their tiers,
        # participant-weeks (what ratings and reviews judge it by)
        self.hires = np.zeros(WEEKS_REMEMBERED)
        self.expected = np.zeros(WEEKS_REMEMBERED)
        self.load = np.zeros(WEEKS_REMEMBERED)
        self.intake = np.zeros(WEEKS_REMEMBERED)  # participants taken on
        self.earned = np.zeros(WEEKS_REMEMBERED)  # revenue over the cost of its hours
        self.reputation_value = 0.0  # what one more job is worth to it through its rating


    # ------------------------------------------------------------------------- beliefs
    def job_chances(self) -> np.ndarray:
        """Its belief about each tier's weekly job chance at the contract minimum hours: its
        own participants' hires over their exposure, shrunk towards the labour market's
        statistics with the weight of `belief_weight` participant-weeks."""
        k = self.settings.belief_weight
        return (self.seen_hires + k * self.prior) / (self.seen_exposure + k)

    def lasting_chance(self) -> float:
        """Its belief that a result candidate's job lasts the qualifying period."""
        k, s = self.settings.belief_weight / 10, self.settings
        return (self.seen_lasting + k * s.lasting_prior) / (self.seen_results + k)

    def plan(self, tiers, weeks_left, fees, result_value) -> SpellPlan:
        """The value of each participant at each hours level on the effect's grid."""
        return SpellPlan.of(self, tiers, weeks_left, fees, result_value)

    # ------------------------------------------------------------------------ decisions
    def plan_hours(self, tiers, weeks_left, fees, result_value) -> np.ndarray:
        """Hours a week for each participant (arguments as `plan`) of a provider that chooses
        them (an in-house service's are the purchaser's `fixed_hours`): each participant's
        best level, where counsellor hours suffice; else the best allocation of the hours it
        has, at least the contract minimum for everyone. Staff move a step towards what the
        plan asks."""
        plan = self.plan(tiers, weeks_left, fees, result_value)
        wanted = plan.best(0.0)
        demand = float(plan.grid[wanted].sum())
        self.staff_hours += (demand - self.staff_hours) / self.settings.staff_adjustment_weeks
        available = max(self.staff_hours, plan.grid[0] * plan.n)
        if demand <= available + 1e-9:
            return plan.grid[wanted]
        return plan.grid[plan.ration(available)]

    def accepts(self, tier: int, value: float, refusal_allowed: bool) -> bool:
        """Whom it takes on: everyone, unless the rules allow refusal and the participant's
        tier is one it refuses or the participant's expected value (`value`, at its best
        hours) is negative."""
        if not refusal_allowed or self.in_house:
            return True
        return tier not in self.refused_tiers and value >= 0.0

    def stays(self, exit_cash: float) -> bool:
        """It stays while its cash has not fallen below what it can bear to lose."""
        return self.in_house or self.cash >= exit_cash

    def bid(self, list_revenue: float, markup: float, volume: float) -> float:
        """A tender price as a factor of the list prices (base fees and result payments
        alike): its own cost per participant-week at the contract minimum and the volume a
        winner can expect, plus its markup, over what a participant-week earns at list
        prices."""
        own = self.cost_per_hour * self.effect.min_hours + self.fixed_cost_week / volume
        self.price = (1 + markup) * own / list_revenue
        return self.price

    # ------------------------------------------------------------------------ learning
    def observe_week(self, tiers: np.ndarray, hours: np.ndarray) -> None:
        """Its participants' week of exposure to a job at their hours (relative to the
        minimum), forgetting old weeks at `memory_weeks`."""
        keep = 1.0 - 1.0 / self.settings.memory_weeks
        self.seen_hires *= keep
        self.seen_exposure *= keep
        exposure = SpellPlan.relative_chance(self, hours)
        self.seen_exposure += np.bincount(tiers - 1, weights=exposure,
                                          minlength=len(self.seen_exposure))

    def observe_hires(self, tiers: np.ndarray, week: int) -> None:
        """Its participants (and recent leavers) hired this week, by tier. Added one by one in
        order (np.add.at), as the decaying sums' bits depend on the order."""
        np.add.at(self.seen_hires, tiers - 1, 1.0)
        self.hires[week % len(self.hires)] += len(tiers)

    def observe_results(self, lasted: np.ndarray) -> None:
        """Its result candidates due this week: did each job last? (Whole counts: exact.)"""
        self.seen_results += len(lasted)
        self.seen_lasting += float(np.count_nonzero(lasted))

    # ------------------------------------------------------------------------ the books
    def weekly_cost(self) -> float:
        """Counsellors employed (or the hours given, if more) and fixed costs."""
        hours = max(self.staff_hours, self.week_hours)
        return hours * self.cost_per_hour + self.fixed_cost_week

    def book(self, revenue: float, cost: float, slot: int) -> None:
        self.revenue += revenue
        self.costs += cost
        self.cash += revenue - cost
        self.weeks_losing = self.weeks_losing + 1 if revenue < cost else 0
        self.earned[slot] = revenue - (cost - self.fixed_cost_week)

    def unit_margin(self) -> float:
        """What a participant-week earned it over the cost of its hours, last 52 weeks."""
        load = self.load.sum()
        return float(self.earned.sum() / load) if load else 0.0

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
