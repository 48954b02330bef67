"""Stage 9, the provider market: who applies, who is admitted, who enters, leaves and wins.

Would-be providers are drawn from the scheme's provider population (sim/rules/service.py);
admission screening sees their quality with noise (the regime's `admission_threshold`: LOV
admits every provider meeting basic requirements, authorisation sets stricter conditions,
evidence.md 2, 3). Providers enter while the expected profit is positive, leave when their
losses exceed what they can bear, and under procurement bid in a tender on price and quality.
"""

from __future__ import annotations

import numpy as np

from sim.agents.provider import Provider, ProviderTraits
from sim.kernels import rng
from sim.market.service import leave_service

QUARTER = 13
MAX_PROVIDERS = np.iinfo(np.int16).max  # a market's providers, ever: the population's code


def add(market, traits: ProviderTraits, cash: float) -> Provider:
    scheme = market.scheme
    if len(market.providers) >= MAX_PROVIDERS:
        raise RuntimeError(f"market {market.name!r}: more than {MAX_PROVIDERS:,} providers "
                           "have entered it; fewer tenders, tender winners or entrants")
    prov = Provider(market.model, market.name, len(market.providers), traits,
                    payment=scheme.payment, effect=scheme.effect, settings=scheme.providers,
                    prior=market.prior, cash=cash)
    market.providers.append(prov)
    return prov


def add_in_house(market) -> Provider:
    p = market.scheme.providers
    traits = ProviderTraits(effectiveness=p.in_house_effectiveness,
                            cost_per_hour=p.in_house_cost_per_hour, capacity=10**9,
                            mission_weight=0.0, location=int(market.area_index[0]),
                            fixed_cost_week=0.0, in_house=True, fixed_hours=p.in_house_hours)
    return add(market, traits, cash=0.0)


def draw(market, n: int, week: int, sub: int) -> tuple[list[ProviderTraits], np.ndarray]:
    """`n` would-be providers' traits, and the quality signal screening sees of each."""
    p = market.scheme.providers
    gen = rng.generator(market.model.seed, market.stream + sub, week)
    # log-normal with mean `effectiveness_mean`: a few providers far better than most
    z = gen.normal(0.0, 1.0, n)
    spread = p.effectiveness_spread
    eff = p.effectiveness_mean * np.exp(spread * z - spread**2 / 2)
    cost = np.maximum(50.0, gen.normal(p.cost_per_hour, p.cost_sd, n))
    capacity = np.maximum(5, np.round(gen.normal(p.capacity_mean, p.capacity_sd, n)))
    mission = np.where(gen.random(n) < p.mission_share, p.mission_value, 0.0)
    location = market.area_index[gen.integers(0, len(market.area_index), n)]
    signal = z + gen.normal(0.0, 1.0, n)  # quality as screening sees it, with noise
    traits = [ProviderTraits(effectiveness=float(eff[k]), cost_per_hour=float(cost[k]),
                             capacity=int(capacity[k]), mission_weight=float(mission[k]),
                             location=int(location[k]), fixed_cost_week=p.fixed_cost_week,
                             refused_tiers=p.refused_tiers)
              for k in range(n)]
    return traits, signal


def apply(market, n: int, week: int, screen: bool) -> list[Provider]:
    """Would-be providers apply; those whose signal passes the admission screen enter."""
    traits, signal = draw(market, n, week, sub=1)
    threshold = market.scheme.choice.admission_threshold
    return [add(market, t, cash=market.scheme.providers.initial_cash)
            for t, s in zip(traits, signal, strict=True) if not screen or s >= threshold]


def rescreen(market, week: int) -> None:
    """Incumbents apply under a stricter admission screen (a new authorisation system):
    those whose quality, as screening sees it, falls short leave."""
    p, threshold = market.scheme.providers, market.scheme.choice.admission_threshold
    gen = rng.generator(market.model.seed, market.stream + 6, week)
    for prov in [q for q in market.active if not q.in_house]:
        if quality_z(prov.effectiveness, p) + gen.normal() < threshold:
            remove(market, prov, week, "not authorised")


def exits(market, week: int) -> None:
    """Providers whose losses exceed what they can bear leave."""
    floor = market.scheme.providers.exit_cash
    for prov in market.active:
        if not prov.stays(floor):
            remove(market, prov, week, "losses")


def enter(market, week: int) -> None:
    """Would-be providers enter when the expected quarterly profit of an average newcomer at
    the contract minimum is positive, and the regime admits them."""
    p = market.scheme.providers
    gen = rng.generator(market.model.seed, market.stream + 2, week)
    n = int(gen.poisson(p.entrants_per_quarter))
    if n == 0:
        return
    parts = len(market.participants())
    private = [q for q in market.active if not q.in_house]
    per_provider = parts / (len(private) + 1) if private else p.capacity_mean
    profit = QUARTER * (per_provider * unit_margin(market) - p.fixed_cost_week)
    if profit > 0:
        market.events["entered"] += len(apply(market, n, week, screen=True))


def unit_margin(market) -> float:
    """What a participant-week earns over the cost of its hours: the incumbents' record over
    the last quarter, which entrants can see; with no incumbents, a participant at the
    contract minimum hours and the labour market's job chances."""
    recent = market.recent_unit_margin()
    if recent is not None:
        return recent
    pay, e, p = market.scheme.payment, market.scheme.effect, market.scheme.providers
    config = market.model.config
    tiers = np.arange(1, config.tiers + 1)
    value = pay.result_value(tiers, np.full(len(tiers), config.labour_market.wage_mean))
    margin = pay.weekly_base_fee(tiers) + value * market.prior - p.cost_per_hour * e.min_hours
    return float(np.mean(margin))


def list_revenue(market) -> np.ndarray:
    """What a participant-week earns at list prices, by tier: the base fee and the result
    payment times the labour market's weekly job chance."""
    pay, config = market.scheme.payment, market.model.config
    tiers = np.arange(1, config.tiers + 1)
    value = pay.result_value(tiers, np.full(len(tiers), config.labour_market.wage_mean))
    return pay.weekly_base_fee(tiers) + value * market.prior


def tender(market, week: int) -> None:
    """A tender: incumbents and new bidders bid a price; the best price per quality win."""
    c, p = market.scheme.choice, market.scheme.providers
    market.events["tenders"] += 1
    new = apply(market, c.tender_winners * 3, week, screen=False)
    bidders = [q for q in market.active if not q.in_house]
    gen = rng.generator(market.model.seed, market.stream + 4, week)
    reference = float(np.mean(list_revenue(market)))
    volume = max(market.scheme.referral.places / max(c.tender_winners, 1), 1.0)
    score = []
    for q in bidders:
        price = q.bid(reference, p.tender_markup, min(volume, q.capacity))
        signal = quality_z(q.effectiveness, p)
        quality = 1.0 + 0.2 * (signal + gen.normal())
        ok = signal + gen.normal() >= c.admission_threshold
        score.append(price / max(quality, 0.1) if ok else np.inf)
    order = np.argsort(score, kind="stable")
    winners = {bidders[i].index for i in order[:c.tender_winners] if np.isfinite(score[i])}
    for q in bidders:
        if q.index not in winners:
            remove(market, q, week, "lost tender", count=q not in new)


def quality_z(effectiveness: float, p) -> float:
    """A provider's effectiveness as a standard score of the provider population."""
    spread = max(p.effectiveness_spread, 1e-9)
    return (np.log(effectiveness / p.effectiveness_mean) + spread**2 / 2) / spread


def remove(market, prov: Provider, week: int, reason: str, count: bool = True) -> None:
    """A provider leaves (losses, exclusion, a lost tender); its participants return to open
    search."""
    prov.leave(week, reason)
    if count:
        market.events["excluded" if reason == "excluded" else "exited"] += 1
    pop = market.model.population
    parts = market.participants()
    leave_service(market, parts[pop.provider[parts] == prov.index], week)
