"""Stage 4, referral: which registered seekers are sent to the scheme's service this week.

Eligibility is the referral rules' (sim/rules/referral.py: tiers, time unemployed, benefit,
a rest after an earlier service); a municipality that pays decides whether it takes new
participants and whom it refers first (sim/agents/municipality.py); budgeted places are
filled by priority, then at random (Rusta och matcha's places were budgeted, evidence.md 1.2).
"""

from __future__ import annotations

import numpy as np

from sim.agents.municipality import referral_priority
from sim.kernels import rng
from sim.kernels.register import referable
from sim.population import NO_WEEK, Benefit, Status

REST_WEEKS = 13  # weeks after a service before a seeker can be referred again [EST]


def refer(market, week: int) -> np.ndarray:
    """Seekers referred this week (sorted): eligible, drawn at the weekly rate (raised by
    the municipality's priority), within the budgeted places."""
    model, r = market.model, market.scheme.referral
    pop, reg = model.population, model.registered
    benefits = np.zeros(len(Benefit), dtype=bool)
    benefits[[Benefit[b.upper()] for b in r.benefits]] = True
    tiers = np.zeros(model.config.tiers + 1, dtype=bool)
    tiers[list(r.tiers or range(1, model.config.tiers + 1))] = True
    allowed = market.area
    if market.municipality_pays:
        allowed = allowed & np.array([m.takes_new_participants(pays=True)
                                      for m in model.municipalities])
    eligible = referable(reg, pop.status, int(Status.REGISTERED),
                         model.register.spells(reg)["municipality"], allowed, pop.tier, tiers,
                         pop.spell_weeks, r.min_spell_weeks, pop.benefit, benefits,
                         pop.service_end_week, int(NO_WEEK), week, REST_WEEKS)
    u = rng.uniforms(model.seed, market.stream, week, eligible, 0)
    priority = (referral_priority(model.config.municipal, model.config.funding,
                                  pop.cofinancing_days[eligible])
                if market.municipality_responds else np.ones(len(eligible)))
    rate = np.minimum(1.0, r.weekly_rate * priority)
    chosen = u < rate
    referred, u = eligible[chosen], u[chosen]
    if r.places:
        free = max(0, r.places - len(market.participants()))
        referred = referred[first_in_line(u, priority[chosen], free)]
    return np.sort(referred)


def first_in_line(u: np.ndarray, priority: np.ndarray, places: int) -> np.ndarray:
    """Positions of the `places` seekers first in line (in no particular order): highest
    priority first, then at random (lowest draw `u`), then in register order: the first
    `places` of `np.lexsort((u, -priority))`. When all share one priority (no municipality
    sets one), the few free places of a week are found without sorting the thousands drawn."""
    if places >= len(u):
        return np.arange(len(u))
    if places == 0 or priority.min() != priority.max():
        return np.lexsort((u, -priority))[:places]
    cut = np.partition(u, places - 1)[places - 1]
    ahead = np.flatnonzero(u < cut)
    return np.concatenate([ahead, np.flatnonzero(u == cut)[:places - len(ahead)]])
