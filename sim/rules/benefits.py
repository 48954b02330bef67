"""Unemployment benefits as data, for Sweden and Finland (evidence.md 4.1, 5.1, 5.2).

Four kinds of benefit, named by what they are in each country:
- income-related insurance: Sweden's a-kassa (80 % then 70 % of the wage, daily caps of 1,200
  then 1,000 SEK, 300 days); Finland's earnings-related allowance (the basic amount plus 45 % of
  the wage above it [EST simplification], stepping down to 80 % from day 41 and 75 % from day 171,
  400 days);
- basic insurance: Sweden's basic amount (grundbelopp, 510 SEK a day) for those meeting the work
  condition outside a fund; Finland's basic allowance (37.21 EUR a day, 400 days);
- the tax-funded follow-on: Sweden's activity support, paid only to participants in a
  labour-market programme, here the job and development guarantee; Finland's labour market
  subsidy (37.21 EUR a day, means-tested, no time limit);
- social assistance (ekonomiskt bistånd / perustoimeentulotuki), means-tested on the household.

Who draws what is entitlement, not a default (sim/entitlement.py): a new spell starts on
income-related insurance if the seeker meets the work condition, is a fund member and claims it
(`insurance_take_up`), on basic insurance if the seeker meets it outside a fund and claims it
(`basic_take_up`), else on nothing. When insurance runs out, or after `follow_on_wait_weeks`
registered without it, a share `follow_on_take_up` moves to the follow-on: in Sweden those who
enter the guarantee and take part (everyone else who exhausts draws no state benefit), in
Finland those who pass the subsidy's means test (`follow_on_wait_weeks` = 0: from the start).
A seeker with no unemployment benefit draws social assistance with probability
`assistance_take_up` (the household means test: a partner's income, savings). The follow-on pays
`follow_on_rate` of the last wage (capped) to those whose spell started on income-related
insurance, and its floor to others. Social assistance is paid by the municipality, in Finland
half by the state (`social_assistance_state_share`, evidence.md 5.2).

Take-up rates are [EST]: evidence.md has no figure for them. The Swedish ones are set so that a
national run spends about what the 2025 budget gives unemployment insurance and activity
support per registered seeker, and about half of social assistance goes to seekers (evidence.md
5.1); the derivation is in scenarios/municipality_se.toml and scenarios/national_se.toml.
`social_assistance_month` is per month of receipt: Sweden 75,045 SEK per household-year
(2024) over 6.6 months a year on assistance (2013) is 11,370 SEK a month [EST, evidence.md 5.1];
Finland 528 EUR per household-month (Kela 2024, evidence.md 5.2).

A step is [first day, factor, daily cap, daily floor]: from that benefit day the daily amount is
max(floor, min(cap, factor x (base + share x max(0, daily wage - base)))); Sweden has base 0 and
share 1 (factor = replacement rate), Finland base 37.21 and share 0.45 (factor = step-down).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

import numpy as np

from sim.settings import Preset, setting

PRESETS: dict[str, dict] = {
    "se": dict(
        currency="SEK",
        insurance_steps=((1, 0.80, 1200.0, 0.0), (101, 0.80, 1000.0, 0.0),
                         (201, 0.70, 1000.0, 0.0)),
        insurance_base=0.0,
        insurance_share=1.0,
        insurance_days=300,
        basic_daily=510.0,
        basic_days=300,
        follow_on_rate=0.65,
        follow_on_cap=1000.0,
        follow_on_floor=223.0,
        follow_on_after_basic=True,
        cofinanced_insurance_daily=0.0,
        social_assistance_month=11370.0,
        insurance_take_up=0.80,
        basic_take_up=1.0,
        follow_on_take_up=0.55,
        follow_on_wait_weeks=64,
        assistance_take_up=0.28,
        social_assistance_state_share=0.0,
    ),
    "fi": dict(
        currency="EUR",
        insurance_steps=((1, 1.00, 1e9, 0.0), (41, 0.80, 1e9, 0.0), (171, 0.75, 1e9, 0.0)),
        insurance_base=37.21,
        insurance_share=0.45,
        insurance_days=400,
        basic_daily=37.21,
        basic_days=400,
        follow_on_rate=0.0,
        follow_on_cap=37.21,
        follow_on_floor=37.21,
        follow_on_after_basic=True,
        cofinanced_insurance_daily=37.21,
        social_assistance_month=528.0,
        insurance_take_up=1.0,
        basic_take_up=1.0,
        follow_on_take_up=0.95,
        follow_on_wait_weeks=0,
        assistance_take_up=0.5,
        social_assistance_state_share=0.5,
    ),
}

CATEGORY = {  # ledger categories by benefit kind and country
    "se": ("unemployment_insurance", "basic_insurance", "activity_support"),
    "fi": ("earnings_related_allowance", "basic_allowance", "labour_market_subsidy"),
}


@dataclass(frozen=True)
class BenefitRules(Preset):
    """Settings left out (None) are taken from the `system` preset (`se` or `fi`)."""

    PRESET_FIELD: typing.ClassVar[str] = "system"
    PRESETS: typing.ClassVar[dict] = PRESETS

    system: str = setting("se", choices=tuple(PRESETS))
    currency: str | None = setting(None, choices=("SEK", "EUR"))
    insurance_steps: tuple[tuple[float, ...], ...] | None = setting(None)
    insurance_base: float | None = setting(None, lo=0.0, hi=1e5)
    insurance_share: float | None = setting(None, lo=0.0, hi=1.0)
    insurance_days: int | None = setting(None, lo=0, hi=5000)
    basic_daily: float | None = setting(None, lo=0.0, hi=1e5)
    basic_days: int | None = setting(None, lo=0, hi=5000)
    follow_on_rate: float | None = setting(None, lo=0.0, hi=1.0)
    follow_on_cap: float | None = setting(None, lo=0.0, hi=1e5)
    follow_on_floor: float | None = setting(None, lo=0.0, hi=1e5)
    follow_on_after_basic: bool | None = setting(None)
    cofinanced_insurance_daily: float | None = setting(None, lo=0.0, hi=1e5)
    social_assistance_month: float | None = setting(None, lo=0.0, hi=1e6)
    insurance_take_up: float | None = setting(None, lo=0.0, hi=1.0)
    basic_take_up: float | None = setting(None, lo=0.0, hi=1.0)
    follow_on_take_up: float | None = setting(None, lo=0.0, hi=1.0)
    follow_on_wait_weeks: int | None = setting(None, lo=0, hi=5200)
    assistance_take_up: float | None = setting(None, lo=0.0, hi=1.0)
    social_assistance_state_share: float | None = setting(None, lo=0.0, hi=1.0)
    member_share: float = setting(0.75, lo=0.0, hi=1.0)
    work_weeks: int = setting(26, lo=0, hi=520)
    days_per_week: int = setting(5, lo=0, hi=7)
    workdays_per_month: float = setting(21.75, lo=1.0, hi=31.0)

    def check(self):
        steps = self.insurance_steps
        days = [s[0] for s in steps if len(s) == 4]
        if not steps or len(days) != len(steps) or days[0] != 1 or days != sorted(days):
            yield "insurance_steps", ("needs [first day, factor, daily cap, daily floor] rows "
                                      "starting at day 1")
        elif any(not 0 <= s[1] <= 1 or s[2] < 0 or s[3] < 0 for s in steps):
            yield "insurance_steps", "factors must be 0 to 1, caps and floors >= 0"

    @property
    def categories(self) -> tuple[str, str, str]:
        """Ledger categories of (insurance, basic, follow-on) in this system's names."""
        return CATEGORY[self.system]

    def insurance_daily(self, wage: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Daily income-related benefit on benefit day `day` (1-based) for monthly `wage`."""
        steps = np.asarray(self.insurance_steps, dtype=float)
        k = np.searchsorted(steps[:, 0], day, side="right") - 1
        daily_wage = wage / self.workdays_per_month
        base = self.insurance_base
        full = base + self.insurance_share * np.maximum(0.0, daily_wage - base)
        return np.maximum(steps[k, 3], np.minimum(steps[k, 2], steps[k, 1] * full))

    def insurance_for_days(self, wage: np.ndarray, first_day: np.ndarray,
                           days: np.ndarray) -> np.ndarray:
        """Income-related benefit for `days` benefit days from day `first_day`, day by day, so a
        week that crosses a step is paid exactly."""
        total = np.zeros(len(wage))
        for j in range(int(days.max()) if len(days) else 0):
            on = j < days
            total[on] += self.insurance_daily(wage[on], first_day[on] + j)
        return total

    def follow_on_daily(self, wage: np.ndarray, income_related=True) -> np.ndarray:
        """The follow-on's daily amount: `follow_on_rate` of the last daily wage between the
        floor and the cap for those whose spell started on income-related insurance
        (`income_related`, a bool or an array of them), the floor for others."""
        daily_wage = wage / self.workdays_per_month
        related = np.maximum(self.follow_on_floor,
                             np.minimum(self.follow_on_cap, self.follow_on_rate * daily_wage))
        return np.where(income_related, related, self.follow_on_floor)

    def social_assistance_week(self) -> float:
        return self.social_assistance_month * 12 / 52
