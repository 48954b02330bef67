"""EmploymentService: the state's agency (Arbetsförmedlingen / the TE services).

It registers the newly unemployed, profiles them into tiers 1..3 with a noisy statistical
profile (DOMAIN.md 1.1: about 30 factors such as education, age and time unemployed decide the
level), sets the job-search effort expected of them, and pays the state's benefits: income-related
unemployment insurance for members who meet the work condition, then activity support when the
insurance days run out (DOMAIN.md 5.1). Those without either fall to municipal social assistance.
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.kernels import rng
from sim.population import NO_WEEK, Benefit, Status

S_PROFILING = rng.stream_id("profiling")
WORKDAYS_PER_MONTH = 21.75
STATE = "state"


class EmploymentService(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.registered_this_week = 0

    # ---------------------------------------------------------------------- registration
    def register(self, persons: np.ndarray, week: int) -> None:
        """Open a spell for each newly unemployed person: status, benefit, tier."""
        pop, cfg = self.model.population, self.model.config
        pop.status[persons] = Status.REGISTERED
        pop.spell_weeks[persons] = 0
        pop.spell_start[persons] = week
        hired = pop.hire_week[persons]
        tenure = np.where(hired != NO_WEEK, week - hired.astype(np.int64), 0)
        insured = pop.ui_member[persons] & (tenure >= cfg.benefits.ui_work_weeks)
        pop.benefit[persons] = np.where(
            insured, Benefit.UNEMPLOYMENT_INSURANCE, Benefit.SOCIAL_ASSISTANCE
        )
        pop.benefit_days[persons[insured]] = 0
        pop.hire_week[persons] = NO_WEEK
        pop.separation_week[persons] = NO_WEEK
        self.profile(persons, week)
        self.registered_this_week = len(persons)

    def profile(self, persons: np.ndarray, week: int) -> None:
        """Tier from a noisy prediction of job chances; longer spells count against them."""
        pop, p = self.model.population, self.model.config.profiling
        noise = rng.normals(self.model.seed, S_PROFILING, week, persons)
        score = (
            pop.skill[persons]
            - p.duration_weight * pop.spell_weeks[persons]
            + p.noise_sd * noise
        )
        hi, lo = p.tier_cutoffs
        pop.tier[persons] = np.where(score >= hi, 1, np.where(score >= lo, 2, 3))

    def reprofile(self, seekers: np.ndarray, week: int) -> None:
        p = self.model.config.profiling
        due = seekers[(self.model.population.spell_weeks[seekers] % p.reprofile_weeks == 0)
                      & (self.model.population.spell_weeks[seekers] > 0)]
        self.profile(due, week)

    # ------------------------------------------------------------------------------ effort
    def expected_applications(self, seekers: np.ndarray) -> np.ndarray:
        """Applications a week: the base rate by age, falling with spell length
        (discouragement), lower while in a service (lock-in)."""
        pop, lm = self.model.population, self.model.config.labour_market
        spell = np.minimum(pop.spell_weeks[seekers], 104) / 104.0
        rate = lm.applications * np.asarray(lm.effort_by_age)[pop.age_band[seekers]]
        return rate * (1.0 - lm.effort_decline * spell)

    # ----------------------------------------------------------------------------- benefits
    def pay_benefits(self, seekers: np.ndarray, week: int) -> None:
        """One week of UI (by day band) or activity support, paid by the state."""
        pop, b = self.model.population, self.model.config.benefits
        ui = seekers[pop.benefit[seekers] == Benefit.UNEMPLOYMENT_INSURANCE]
        days_left = b.ui_days - pop.benefit_days[ui]
        exhausted = ui[days_left <= 0]
        pop.benefit[exhausted] = Benefit.ACTIVITY_SUPPORT
        ui = ui[days_left > 0]
        days = np.minimum(b.benefit_days_per_week, b.ui_days - pop.benefit_days[ui])
        daily_wage = pop.wage[ui] / WORKDAYS_PER_MONTH
        starts = np.array([s[0] for s in b.ui_steps])
        step = np.searchsorted(starts, pop.benefit_days[ui] + 1, side="right") - 1
        rate = np.array([s[1] for s in b.ui_steps])[step]
        cap = np.array([s[2] for s in b.ui_steps])[step]
        ui_paid = np.minimum(rate * daily_wage, cap) * days
        pop.benefit_days[ui] += days

        act = seekers[pop.benefit[seekers] == Benefit.ACTIVITY_SUPPORT]
        act_daily = np.minimum(
            b.activity_support_rate * pop.wage[act] / WORKDAYS_PER_MONTH, b.activity_support_cap
        )
        act_paid = act_daily * b.benefit_days_per_week
        ledger = self.model.ledger
        for category, persons, amounts in (
            ("unemployment_insurance", ui, ui_paid),
            ("activity_support", act, act_paid),
        ):
            per_muni = np.bincount(
                pop.municipality[persons], weights=amounts, minlength=len(self.model.municipalities)
            )
            for m, amount in zip(self.model.municipalities, per_muni, strict=True):
                ledger.pay(week, STATE, m.households, category, amount)
