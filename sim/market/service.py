"""Stage 6, service: providers give their participants hours, and services end.

Each provider plans its participants' hours (sim/agents/provider.py); a municipality that runs
its own service under a budget decides how much of the plan it can afford
(sim/agents/municipality.py). Service works only through matching: hours raise a
participant's perceived productivity (`boost`) and applications, and own search falls while
in service (lock-in, evidence.md 1.4), so effects on jobs, displacement of non-participants
and provider results all come out of the matching kernel.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import rng
from sim.kernels.register import rows_of, service_clock
from sim.population import Status
from sim.week import Week

SLOT_WEEKS = 52  # providers' records are kept in week slots modulo this


def serve(market, week: Week) -> None:
    """Providers plan hours; participants' applications and perceived productivity change."""
    model, e, pay = market.model, market.scheme.effect, market.scheme.payment
    pop = model.population
    parts = market.participants()
    hours = np.zeros(len(parts))
    tiers = pop.tier[parts].astype(np.int64)
    owner = pop.provider[parts]
    eff = np.array([p.effectiveness for p in market.providers]) if market.providers \
        else np.ones(1)
    slot = week.number % SLOT_WEEKS
    # whether any municipality's budget can cut its own service's hours (else no pass for it)
    bound = any(m.budget_bound(market.municipality_pays) for m in model.municipalities)
    for prov in market.providers:
        mine = np.flatnonzero(owner == prov.index)
        prov.hires[slot] = prov.expected[slot] = prov.load[slot] = 0.0
        if len(mine) == 0:
            prov.week_hours = 0.0
            continue
        if prov.fixed_hours is not None:  # the purchaser sets its own service's hours
            hours[mine] = prov.fixed_hours
        else:
            hours[mine] = prov.plan_hours(*_plan_inputs(pop, pay, parts[mine], tiers[mine],
                                                        prov.price))
        if prov.in_house and bound:
            hours[mine] *= _affordable(market, parts[mine], prov.cost_per_hour, hours[mine])
        prov.observe_week(tiers[mine], hours[mine])
        prov.week_hours = float(hours[mine].sum())
        prov.expected[slot] = float(market.prior[tiers[mine] - 1].sum())
        prov.load[slot] = len(mine)
    pop.intensity[parts] = hours
    effect = e.shape(hours) * eff[owner] if len(parts) else np.zeros(0)
    if market.municipality_pays and len(parts):
        # a municipality's own service works as well as the municipality runs it
        capability = np.array([m.capability for m in model.municipalities])
        in_house = np.array([p.in_house for p in market.providers])[owner]
        effect = np.where(in_house, effect * capability[pop.municipality[parts]], effect)
        for m in np.unique(pop.municipality[parts]):
            model.municipalities[m].gain_experience()
    if e.skill_gain_per_hour:
        pop.skill[parts] += e.skill_gain_per_hour * hours * eff[owner]
        model.register.refresh(parts, "skill")
    at = rows_of(week.seekers, parts)  # both sorted
    week.boost[at] += e.boost * effect
    week.applications[at] *= (1.0 - e.lock_in) + e.applications_per_hour * hours


def _plan_inputs(pop, pay, persons, tiers, price) -> tuple:
    """What a provider's plan needs of its participants: tiers, weeks of service left, this
    week's base fee and the value of a result at its price."""
    weeks_left = (pop.service_length[persons] - pop.service_weeks[persons]).astype(np.int64)
    fees = pay.base_fee_due(tiers, pop.service_weeks[persons])
    return tiers, weeks_left, fees * price, pay.result_value(tiers, pop.wage[persons]) * price


def _affordable(market, persons: np.ndarray, cost_per_hour: float,
                hours: np.ndarray) -> np.ndarray:
    """The share of planned hours each participant's paying municipality can afford."""
    model = market.model
    muni = model.population.municipality[persons]
    planned = np.bincount(muni, weights=hours * cost_per_hour,
                          minlength=len(model.municipalities))
    factor = np.array([m.service_intensity(planned[m.index], market.municipality_pays)
                       for m in model.municipalities])
    return factor[muni]


def end_services(market, week: Week) -> None:
    """Services that ran their length end, or are extended once; participants return to
    open search."""
    pop, r = market.model.population, market.scheme.referral
    due = service_clock(market.participants(), pop.service_weeks, pop.service_length)
    u = rng.uniforms(market.model.seed, market.stream, week.number, due, 4)
    extend = (u < r.extension_share) & (pop.service_length[due] == r.service_weeks) \
        & (r.extension_weeks > 0)
    pop.service_length[due[extend]] += r.extension_weeks
    leave_service(market, due[~extend], week.number)


def leave_service(market, persons: np.ndarray, week: int) -> None:
    pop = market.model.population
    pop.status[persons] = Status.REGISTERED
    market.left(persons)
    pop.last_provider[persons] = pop.provider[persons]
    pop.service_end_week[persons] = week
    pop.provider[persons] = -1
    pop.intensity[persons] = 0.0
