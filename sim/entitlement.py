"""Who draws which benefit: entitlement and take-up, spell by spell (sim/rules/benefits.py).

A registered seeker draws at most one unemployment benefit and, failing that, perhaps social
assistance; the `benefit` column says which (`Benefit.NONE`: nothing). At registration the
work condition, fund membership and the claim decide insurance; each week before payments,
insurance that has run out gives way to the follow-on for those who take it up (Sweden's
activity support in the job and development guarantee, Finland's labour market subsidy),
seekers without insurance reach the follow-on after `follow_on_wait_weeks`, and those with
no unemployment benefit draw social assistance if their household passes the means test.

Each decision is a counter-based draw named by the person and the week the spell started
(stream "benefit-take-up"), so it is a trait of the spell: the same every week, the same in
every arm with the same seed, and untouched by other mechanisms' draws. The `insured` column
keeps what the spell started on (0 nothing, 1 income-related, 2 basic): the follow-on's amount
depends on it.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import rng
from sim.population import Benefit

S_TAKE_UP = rng.stream_id("benefit-take-up")
INSURANCE, FOLLOW_ON, ASSISTANCE = 0, 1, 2  # the draws' sub-streams
UNINSURED, INCOME_RELATED, BASIC = 0, 1, 2  # the `insured` column
NO_STATE_BENEFIT = (Benefit.NONE, Benefit.SOCIAL_ASSISTANCE)


class Entitlement:
    def __init__(self, model):
        self.model = model
        self.rules = model.config.benefits

    def draw(self, persons: np.ndarray, sub: int) -> np.ndarray:
        """Each person's draw for decision `sub` in their current spell."""
        pop = self.model.population
        start = pop.spell_start[persons].astype(np.int64) & 0xFFFFFFFF
        key = (start << 32) | persons.astype(np.int64)
        return rng.uniforms(self.model.seed, S_TAKE_UP, 0, key, sub)

    def start(self, persons: np.ndarray, tenure: np.ndarray) -> None:
        """The benefit a new spell starts on: insurance for those who meet the work condition
        and claim it; a fresh qualifying period resets their benefit days."""
        pop, b = self.model.population, self.rules
        worked = tenure >= b.work_weeks
        member = pop.ui_member[persons]
        claims = self.draw(persons, INSURANCE)
        income = worked & member & (claims < b.insurance_take_up)
        basic = worked & ~member & (b.basic_days > 0) & (claims < b.basic_take_up)
        pop.insured[persons] = np.select([income, basic], [INCOME_RELATED, BASIC], UNINSURED)
        pop.benefit[persons] = np.select(
            [income, basic], [Benefit.UNEMPLOYMENT_INSURANCE, Benefit.BASIC_INSURANCE],
            Benefit.NONE)
        fresh = persons[worked]
        pop.benefit_days[fresh] = 0
        pop.cofinancing_days[fresh] = 0
        self.update(persons)

    def update(self, seekers: np.ndarray) -> None:
        """This week's benefit of each seeker: exhausted insurance gives way to the follow-on
        (for those who take it up) or to nothing; those without a state benefit reach the
        follow-on after the wait; the rest may draw social assistance."""
        pop, b = self.model.population, self.rules
        kind = pop.benefit[seekers]
        used = pop.benefit_days[seekers]
        exhausted = ((kind == Benefit.UNEMPLOYMENT_INSURANCE) & (used >= b.insurance_days)) | (
            (kind == Benefit.BASIC_INSURANCE) & (used >= b.basic_days))
        waited = np.isin(kind, NO_STATE_BENEFIT) & (pop.spell_weeks[seekers]
                                                    >= b.follow_on_wait_weeks)
        moving = exhausted | waited
        if moving.any():
            who = seekers[moving]
            takes = self.draw(who, FOLLOW_ON) < b.follow_on_take_up
            if not b.follow_on_after_basic:
                takes &= pop.benefit[who] != Benefit.BASIC_INSURANCE
            pop.benefit[who] = np.where(takes, Benefit.ACTIVITY_SUPPORT, Benefit.NONE)
        without = seekers[np.isin(pop.benefit[seekers], NO_STATE_BENEFIT)]
        if len(without):
            assisted = self.draw(without, ASSISTANCE) < b.assistance_take_up
            pop.benefit[without] = np.where(assisted, Benefit.SOCIAL_ASSISTANCE, Benefit.NONE)
