"""Stage 8, settlement: base fees for this week's participants, result payments falling due,
the in-house service's cost, and every provider's books.

What is due is the payment rule's to say (sim/rules/payments.py); who pays is the scheme's
payer: the state, or each participant's municipality, whose budget the payment draws on.
"""

from __future__ import annotations

import numpy as np

from sim.population import Status
from sim.week import Week


def settle(market, week: Week) -> None:
    model, pay = market.model, market.scheme.payment
    pop = model.population
    parts = market.participants()
    revenue = np.zeros(len(market.providers))
    owner = pop.provider[parts]
    price = np.array([p.price for p in market.providers] or [1.0])
    fees = pay.base_fee_due(pop.tier[parts], pop.service_weeks[parts]) if len(parts) \
        else np.zeros(0)
    fees = fees * price[owner] if len(parts) else fees
    in_house_cost = np.zeros(len(market.providers))
    for prov in market.providers:
        mine = owner == prov.index
        if prov.in_house:
            cost = pop.intensity[parts[mine]] * prov.cost_per_hour
            _book(market, week.number, parts[mine], prov.name, "in_house_service_cost", cost)
            in_house_cost[prov.index] = cost.sum()
        else:
            _book(market, week.number, parts[mine], prov.name, "provider_base_fee", fees[mine])
            revenue[prov.index] += fees[mine].sum()
    results_paid, n_results = 0.0, 0
    persons, by, hired, tiers = market.outcomes.results_due(week.number)
    lasted = (pop.status[persons] == Status.EMPLOYED) & (pop.hire_week[persons] == hired)
    for index in np.unique(by).tolist():
        market.providers[index].observe_results(lasted[by == index])
    for person, index, tier in zip(persons[lasted].tolist(), by[lasted].tolist(),
                                   tiers[lasted].tolist(), strict=True):
        prov = market.providers[index]
        if prov.active and not prov.in_house:
            amount = float(pay.result(tier, pop.wage[person])) * prov.price
            _book(market, week.number, np.array([person]), prov.name,
                  "provider_result_payment", np.array([amount]))
            revenue[index] += amount
            results_paid += amount
            n_results += 1
    margin, load = 0.0, 0.0
    for prov in market.active:
        if not prov.in_house:
            cost = prov.weekly_cost()
            prov.book(float(revenue[prov.index]), cost, week.number % len(prov.earned))
            margin += float(revenue[prov.index]) - (cost - prov.fixed_cost_week)
            load += float(np.sum(owner == prov.index))
    market.note_industry_week(margin, load)
    n = f"services.{market.name}."
    week.row[n + "results_paid"] = n_results
    week.row[n + "sustained_jobs"] = int(lasted.sum())
    week.row[n + "service_spend"] = float(fees.sum() + in_house_cost.sum() + results_paid)
    week.row[n + "in_house_cost"] = float(in_house_cost.sum())


def _book(market, week: int, persons: np.ndarray, payee: str, category: str,
          amounts: np.ndarray) -> None:
    """Pay `amounts` (one a person) to `payee`: one ledger flow per payer, payers in the order
    of their names (the state, or each person's municipality); municipal payers spend budget.
    Persons are grouped by one stable sort of their payer's rank, so each payer's amounts keep
    their order and every sum is the one a payer-by-payer loop gives."""
    if not len(persons):
        return
    ledger = market.model.ledger
    if not market.municipality_pays:
        ledger.pay(week, "state", payee, category, float(amounts.sum()))
        return
    by_name, rank = market.payers_by_name
    group = rank[market.model.population.municipality[persons]]
    order = np.argsort(group, kind="stable")
    ranks, starts = np.unique(group[order], return_index=True)
    bounds = np.append(starts, len(order))
    grouped = amounts[order]
    for k, r in enumerate(ranks.tolist()):
        amount = float(grouped[bounds[k]:bounds[k + 1]].sum())
        payer = by_name[r]
        ledger.pay(week, payer.payer, payee, category, amount)
        payer.spend(amount)
