"""A service scheme as data: the purchaser and area, the rules it buys under (referral,
choice, payment), the providers it can draw on, and how service hours work on job chances.

The effect sizes are [EST]: evidence.md's synthesis is that private provision does not beat public
on average (IFAU 2024:17; Behaghel et al. 2014: public about twice as effective per
beneficiary), intensive counselling raises exit rates by 15-35 %, and there is a lock-in effect
in the first year (AF's STOM evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.rules.choice import ChoiceRules
from sim.rules.payments import PaymentRules
from sim.rules.referral import ReferralRules
from sim.settings import setting


@dataclass(frozen=True)
class ProviderSettings:
    """The population of providers a market can draw on, and how they learn and adjust;
    sources and calibration in scenarios/lov_vs_authorisation.toml. Effectiveness is relative
    to the public in-house service's 1.0."""

    initial: int = setting(24, lo=0, hi=100_000)
    entrants_per_quarter: float = setting(3.0, lo=0.0, hi=1000.0)
    effectiveness_mean: float = setting(0.5, lo=0.0, hi=10.0)
    effectiveness_spread: float = setting(1.0, lo=0.0, hi=5.0)  # sd of log effectiveness
    cost_per_hour: float = setting(100.0, lo=0.0, hi=1e5)
    cost_sd: float = setting(20.0, lo=0.0, hi=1e5)
    fixed_cost_week: float = setting(15000.0, lo=0.0, hi=1e7)
    capacity_mean: float = setting(80.0, lo=1.0, hi=1e6)
    capacity_sd: float = setting(30.0, lo=0.0, hi=1e6)
    mission_share: float = setting(0.2, lo=0.0, hi=1.0)
    mission_value: float = setting(30000.0, lo=0.0, hi=1e7)
    initial_cash: float = setting(150_000.0, lo=0.0, hi=1e9)
    exit_cash: float = setting(-100_000.0, lo=-1e9, hi=0.0)
    tender_markup: float = setting(0.30, lo=-0.5, hi=5.0)  # [EST] over expected cost
    in_house_hours: float = setting(1.5, lo=0.0, hi=40.0)
    in_house_cost_per_hour: float = setting(450.0, lo=0.0, hi=1e5)
    in_house_effectiveness: float = setting(1.0, lo=0.0, hi=10.0)
    refused_tiers: tuple[int, ...] = setting((), lo=1, hi=100)  # turned away if rules allow
    # how providers learn and adjust (sim/agents/provider.py)
    belief_weight: float = setting(200.0, lo=0.0, hi=1e6)  # prior, in participant-weeks [EST]
    memory_weeks: float = setting(52.0, lo=1.0, hi=1040.0)  # learning forgets at this rate [EST]
    lasting_prior: float = setting(0.9, lo=0.0, hi=1.0)  # jobs lasting 6 months, prior [EST]
    staff_adjustment_weeks: float = setting(13.0, lo=1.0, hi=520.0)  # hiring lag [EST]


@dataclass(frozen=True)
class ServiceEffect:
    """How service hours turn into job chances (through matching: a perceived-productivity
    `boost` and more applications, less own search while in service), with the shape
    g(h) = 1 - exp(-h / hours_scale); and what providers believe about it (`believed_lift`:
    their weekly job chance rises by believed_lift x effectiveness x g(h))."""

    hours_grid: tuple[float, ...] = setting((0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0),
                                            lo=0.0, hi=40.0)
    min_hours: float = setting(1.0, lo=0.0, hi=40.0)
    hours_scale: float = setting(1.5, lo=0.1, hi=100.0)
    boost: float = setting(0.35, lo=0.0, hi=10.0)
    applications_per_hour: float = setting(0.05, lo=0.0, hi=10.0)
    lock_in: float = setting(0.15, lo=0.0, hi=1.0)
    believed_lift: float = setting(1.4, lo=0.0, hi=10.0)
    skill_gain_per_hour: float = setting(0.0, lo=0.0, hi=1.0)

    def shape(self, hours):
        return 1.0 - np.exp(-np.asarray(hours, dtype=float) / self.hours_scale)


@dataclass(frozen=True)
class ServiceScheme:
    """One purchaser's service: its area, and the rules it buys under."""

    purchaser: str = setting("funding", choices=("funding", "state", "municipality"))
    municipalities: tuple[str, ...] = setting(())
    referral: ReferralRules = setting(ReferralRules())
    choice: ChoiceRules = setting(ChoiceRules())
    payment: PaymentRules = setting(PaymentRules())
    providers: ProviderSettings = setting(ProviderSettings())
    effect: ServiceEffect = setting(ServiceEffect())

