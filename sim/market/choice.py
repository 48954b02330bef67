"""Stage 5, choice: referred seekers choose a provider, or are given the default.

Active choosers weigh published stars against distance (a logit: RiR 2020:13 found both drive
choice, evidence.md 1.3); the others get the regime's default: the nearest provider (Rusta och
matcha's ickevalsalternativ, evidence.md 1.1), rotation, a random one, or the in-house
service. A provider with a free place takes the seeker unless it may refuse and does
(sim/agents/provider.py); a seeker no provider takes stays in open search.
"""

from __future__ import annotations

import numpy as np

from sim.agents.provider import Provider
from sim.kernels import rng
from sim.population import Status

UNRATED_STARS = 2.5  # what a seeker assumes of a provider without published stars


def choose(market, week: int, referred: np.ndarray) -> dict:
    """Place each referred seeker; returns counts by tier (referred, accepted) and queued."""
    model, c = market.model, market.scheme.choice
    pop = model.population
    counts = no_intake(model.config.tiers)
    providers = market.active
    for prov in market.providers:
        prov.intake[week % len(prov.intake)] = 0.0
    if len(referred) == 0:
        return counts
    load = np.bincount(pop.provider[market.participants()], minlength=len(market.providers))
    spare = {p.index: p.capacity - load[p.index] for p in providers}
    active = (rng.uniforms(model.seed, market.stream, 0, referred, 1)
              < c.active_choice_share).tolist()
    u_choice = rng.uniforms(model.seed, market.stream, week, referred, 2).tolist()
    # the default for those who do not choose, when it is the same for everyone
    default = [p for p in providers if p.in_house] if c.default == "in_house" else None
    tiers = pop.tier[referred].tolist()
    if default is not None and not any(active):
        placed, placed_with, referred_by_tier, queued = _in_turn(referred, tiers, default,
                                                                 spare, len(counts["referred"]))
        chooser, accepted_by_tier = [False] * len(placed), referred_by_tier
        counts["queued"] += queued
    else:
        placed, placed_with, chooser = [], [], []
        referred_by_tier = [0] * len(counts["referred"])
        accepted_by_tier = [0] * len(counts["accepted"])
        for k, person in enumerate(referred.tolist()):
            tier = tiers[k]
            order = (default if default is not None and not active[k] else
                     preferences(market, person, providers, active[k], u_choice[k], week))
            order = [prov for prov in order if spare[prov.index] > 0]
            if not order:
                counts["queued"] += 1  # no free place: stays in open search, not a refusal
                continue
            referred_by_tier[tier - 1] += 1
            for prov in order:
                value = worth(market, prov, person) if c.refusal_allowed else 0.0
                if not prov.accepts(tier, value, c.refusal_allowed):
                    continue
                spare[prov.index] -= 1
                placed.append(person)
                placed_with.append(prov)
                chooser.append(active[k])
                accepted_by_tier[tier - 1] += 1
                break
    counts["referred"] += referred_by_tier
    counts["accepted"] += accepted_by_tier
    index = np.array([prov.index for prov in placed_with], dtype=np.int64)
    taken = np.bincount(index, minlength=len(market.providers)).tolist()
    for prov in market.providers:
        prov.intake[week % len(prov.intake)] += taken[prov.index]
    persons = np.array(placed, dtype=np.int64)
    enter_service(market, persons, placed_with, week, index)
    pop.active_chooser[persons] = chooser
    return counts


def _in_turn(referred: np.ndarray, tiers: list, default: list[Provider], spare: dict,
             n_tiers: int) -> tuple[list, list, list, int]:
    """Placement when every referred seeker gets the in-house default, which takes everyone:
    each goes to the first default provider with a free place, so in referral order the
    places are filled provider by provider, and those past the last free place stay in open
    search. The same placements as one by one, without a Python step per seeker (a couple of
    thousand a week in Finland's national run). Returns (placed, their providers, placed by
    tier, how many stayed in open search)."""
    placed_with, left = [], len(referred)
    for prov in default:  # an in-house service's places may be all but unlimited
        take = min(max(spare[prov.index], 0), left)
        placed_with += [prov] * take
        left -= take
    n = len(placed_with)
    by_tier = np.bincount(np.asarray(tiers[:n], dtype=np.int64) - 1, minlength=n_tiers)
    return referred[:n].tolist(), placed_with, by_tier.tolist(), len(referred) - n


def in_turn_reference(referred: np.ndarray, tiers: list, default: list[Provider], spare: dict,
                      n_tiers: int) -> tuple[list, list, list, int]:
    """`_in_turn` one seeker at a time, as `choose`'s loop places them (its twin in tests)."""
    spare, placed, placed_with, by_tier, queued = dict(spare), [], [], [0] * n_tiers, 0
    for person, tier in zip(referred.tolist(), tiers, strict=True):
        order = [prov for prov in default if spare[prov.index] > 0]
        if not order:
            queued += 1
            continue
        spare[order[0].index] -= 1
        placed.append(person)
        placed_with.append(order[0])
        by_tier[tier - 1] += 1
    return placed, placed_with, by_tier, queued


def worth(market, prov: Provider, person: int) -> float:
    """What taking `person` on is worth to `prov` over a whole service, at its best hours."""
    pop, pay = market.model.population, market.scheme.payment
    tier = np.array([pop.tier[person]], dtype=np.int64)
    weeks = np.array([market.scheme.referral.service_weeks])
    fee = pay.base_fee_due(tier, np.array([pay.start_weeks])) * prov.price
    value = pay.result_value(tier, pop.wage[[person]]) * prov.price
    return float(prov.plan(tier, weeks, fee, value).value_at_best()[0])


def no_intake(tiers: int) -> dict:
    return {"referred": np.zeros(tiers, int), "accepted": np.zeros(tiers, int), "queued": 0}


def preferences(market, person: int, providers: list[Provider], active: bool, u: float,
                week: int) -> list[Provider]:
    """Providers in the order this seeker would take them."""
    model, c = market.model, market.scheme.choice
    if not providers:
        return []
    if c.default == "in_house" and not active:
        return [p for p in providers if p.in_house]
    private = [p for p in providers if not p.in_house] or providers
    dist = distance(model, int(model.population.municipality[person]),
                    np.array([p.location for p in private]))
    if active:
        shown = np.array([p.stars if (c.published_ratings and p.stars) else UNRATED_STARS
                          for p in private])
        ids = np.array([person * 100_003 + p.index for p in private])
        gen = rng.uniforms(model.seed, market.stream + 7, week, ids)
        gumbel = -np.log(-np.log(np.clip(gen, 1e-12, 1 - 1e-12)))
        utility = c.rating_weight * shown - c.distance_weight * dist + gumbel
        return [private[i] for i in np.argsort(-utility, kind="stable")]
    if c.default == "nearest":
        jitter = rng.uniforms(model.seed, market.stream + 3, week, np.arange(len(private)),
                              person % 1_000_003)
        return [private[i] for i in np.lexsort((jitter, dist))]
    if c.default == "rotation":
        start = market.rotation % len(private)
        market.rotation += 1
        return private[start:] + private[:start]
    start = int(u * len(private))  # random
    return private[start:] + private[:start]


def distance(model, municipality: int, locations: np.ndarray) -> np.ndarray:
    """0 in the seeker's own municipality, 1 in its local labour market, 3 beyond it."""
    market_of = model.world.municipality_market
    return np.where(locations == municipality, 0.0,
                    np.where(market_of[locations] == market_of[municipality], 1.0, 3.0))


def enter_service(market, persons: np.ndarray, providers: list[Provider], week: int,
                  index: np.ndarray) -> None:
    """`persons` start a service, each with its provider (placed in this order; `index`
    the providers' indices)."""
    pop, r = market.model.population, market.scheme.referral
    pop.status[persons] = Status.IN_SERVICE
    pop.provider[persons] = index
    pop.scheme[persons] = market.sid
    market.joined(persons)
    pop.service_weeks[persons] = 0
    pop.service_length[persons] = r.service_weeks
    pop.referral_week[persons] = week
    market.outcomes.referred(persons, week, pop.tier[persons], [p.stars for p in providers])
