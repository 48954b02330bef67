"""Stage 9, accountability: star ratings, switching on them, and performance reviews.

Stars are 1-4 by quartile of risk-adjusted results (hires over the hires expected from the
participants' tiers, last 52 weeks), published quarterly, as STOM's ratings were
(evidence.md 1.3). Active choosers may switch to a better-rated provider at any time (LOV,
evidence.md 1.1). A review excludes a share of the worst providers (STOM excluded close to
10 % a year) or revokes the authorisation of poorly rated ones whose results fall clearly
short of their mix's prediction (Nacka's authorisation, evidence.md 3).
"""

from __future__ import annotations

import numpy as np

from sim.agents.provider import Provider
from sim.kernels import rng
from sim.market.providers import remove

MAX_STARS = 4


def rated(market) -> list[Provider]:
    """Active private providers with enough participant-weeks in the last year to rate."""
    need = market.scheme.choice.min_rated_participants * 13
    return [p for p in market.active if not p.in_house and p.load.sum() >= need]


def rate(market) -> None:
    """1-4 stars by quartile of risk-adjusted results among the rated."""
    providers = rated(market)
    if len(providers) < 2:
        return
    ratios = np.array([p.ratio() for p in providers])
    ranks = np.argsort(np.argsort(ratios, kind="stable"), kind="stable")
    for p, rank in zip(providers, ranks, strict=True):
        p.stars = 1 + int(MAX_STARS * rank / len(providers))


def review(market, week: int) -> None:
    """Revoke poorly rated providers clearly below their prediction, or exclude the worst
    share of the year."""
    c = market.scheme.choice
    providers = rated(market)
    if not providers:
        return
    out: list[Provider] = []
    if c.exclusion_stars:
        out += [p for p in providers if 0 < p.stars <= c.exclusion_stars
                and p.ratio() < c.exclusion_max_ratio]
    if c.exclusion_share:
        n = int(np.floor(c.exclusion_share * c.review_weeks / 52 * len(providers) + 0.5))
        worst = sorted(providers, key=lambda p: (p.ratio(), p.index))[:n]
        out += [p for p in worst if p not in out]
    for prov in out:
        remove(market, prov, week, "excluded")


def switch(market, week: int) -> None:
    """Each week a share of active choosers reconsiders and moves to a provider with more
    published stars than their own and a free place, the best-rated first."""
    c, model = market.scheme.choice, market.model
    if not c.published_ratings:
        return
    pop = model.population
    parts = market.participants()
    movers = parts[pop.active_chooser[parts]]
    u = rng.uniforms(model.seed, market.stream, week, movers, 5)
    movers = movers[u < c.switching_rate]
    if len(movers) == 0:
        return
    load = np.bincount(pop.provider[parts], minlength=len(market.providers))
    ranked = sorted((p for p in market.active if not p.in_house and p.stars),
                    key=lambda p: (-p.stars, p.index))
    for person in movers.tolist():
        current = market.providers[int(pop.provider[person])]
        for prov in ranked:
            if prov.stars <= current.stars:
                break
            if load[prov.index] < prov.capacity:
                load[prov.index] += 1
                load[current.index] -= 1
                pop.provider[person] = prov.index
                market.events["switches"] += 1
                break
