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
from scipy.stats import spearmanr

from sim.agents.provider import Provider
from sim.indicators import MAX_STARS
from sim.kernels import rng
from sim.market.providers import remove

MIN_RATIO_PER_STAR = 0.05  # ratios closer than this are not told apart


def rated(market) -> list[Provider]:
    """Active private providers with enough participant-weeks in the last year to rate."""
    need = market.scheme.choice.min_rated_participants * 13
    return [p for p in market.active if not p.in_house and p.load.sum() >= need]


def rate(market) -> None:
    """1-4 stars by quartile of risk-adjusted results among the rated; then what a job is
    worth to each provider through its rating."""
    providers = rated(market)
    if len(providers) < 2:
        return
    ratios = np.array([p.ratio() for p in providers])
    ranks = np.argsort(np.argsort(ratios, kind="stable"), kind="stable")
    for p, rank in zip(providers, ranks, strict=True):
        p.stars = 1 + int(MAX_STARS * rank / len(providers))
    if market.model.week >= market.model.week_zero and len(providers) > 2:
        stars = [p.stars for p in providers]
        truth = [p.effectiveness for p in providers]
        market.rank_correlations.append(float(spearmanr(stars, truth).statistic))
    value_reputation(market, ratios)


def mean_rank_correlation(market) -> float:
    """Stars against true effectiveness: the mean rank correlation over reported ratings."""
    found = [r for r in market.rank_correlations if np.isfinite(r)]
    return float(np.mean(found)) if found else float("nan")


def value_reputation(market, ratios: np.ndarray) -> None:
    """Where seekers choose on published stars, one more job raises a provider's ratio by
    1 / (its expected jobs a year); about half the interquartile range of ratios is a star,
    and a star multiplies its appeal to active choosers by exp(rating weight). So a job is
    worth (exp(w) - 1) x active share x intake a year x profit per participant
    / (ratio per star x expected jobs a year) to it: how fixed prices with choice make
    providers compete on results (RiR 2020:13: higher-rated providers get more participants,
    evidence.md 1.3)."""
    c = market.scheme.choice
    q25, q75 = np.nanpercentile(ratios, [25, 75])
    per_star = max((q75 - q25) / 2, MIN_RATIO_PER_STAR)
    weeks = market.scheme.referral.service_weeks
    for p in market.active:
        if p.in_house or not c.published_ratings or not c.active_choice_share:
            p.reputation_value = 0.0
            continue
        expected = max(p.expected.sum(), 1.0)
        profit = max(p.unit_margin(), 0.0) * weeks
        p.reputation_value = (np.expm1(c.rating_weight) * c.active_choice_share
                              * p.intake.sum() * profit / (per_star * expected))


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
