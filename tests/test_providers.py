"""Providers respond to incentives (sim/agents/provider.py, sim/agents/plans.py): each
direction economics predicts, first on a provider's plan alone, then in a small market."""

from __future__ import annotations

import numpy as np
import pytest

from sim.agents.provider import Provider, ProviderTraits
from sim.model import ReformModel
from sim.rules.payments import PaymentRules
from sim.rules.service import ProviderSettings, ServiceEffect
from tests.test_market import run, small

PRIOR = np.array([0.04, 0.02, 0.008])  # weekly job chances by tier


@pytest.fixture(scope="module")
def model(small_config):
    return ReformModel(small_config)


def provider(model, cost=100.0, effectiveness=1.0, **settings) -> Provider:
    traits = ProviderTraits(effectiveness=effectiveness, cost_per_hour=cost, capacity=50,
                            mission_weight=0.0, location=0, fixed_cost_week=0.0)
    return Provider(model, "test", 0, traits, payment=PaymentRules(design="krom"),
                    effect=ServiceEffect(), settings=ProviderSettings(**settings),
                    prior=PRIOR.copy(), cash=0.0)


def hours(prov, tiers, result, fee=300.0, weeks=26):
    tiers = np.asarray(tiers)
    plan = prov.plan(tiers, np.full(len(tiers), weeks), np.full(len(tiers), fee),
                     np.asarray(result, dtype=float) * np.ones(len(tiers)))
    return plan.grid[plan.best(0.0)]


# ------------------------------------------------------------------ one provider's plan
def test_a_higher_result_payment_raises_planned_hours(model):
    prov = provider(model)
    low, high = hours(prov, [2], 10_000), hours(prov, [2], 100_000)
    assert high[0] > low[0]


def test_cheaper_hours_and_a_more_effective_method_raise_planned_hours(model):
    base = hours(provider(model), [2], 100_000)[0]
    assert hours(provider(model, cost=40.0), [2], 100_000)[0] > base
    assert hours(provider(model, effectiveness=2.0), [2], 100_000)[0] > base


def test_a_flat_result_payment_plans_fewer_hours_for_those_far_from_work(model):
    """Parking: the same payment for every tier is worth least where job chances are lowest."""
    far, near = hours(provider(model), [3], 100_000)[0], hours(provider(model), [1], 100_000)[0]
    assert far < near


def test_a_result_payment_rising_with_the_odds_closes_the_gap(model):
    prov = provider(model)
    planned = hours(prov, [1, 3], [100_000, 100_000 * PRIOR[0] / PRIOR[2]])
    assert planned[1] >= planned[0]


def test_limited_counsellor_hours_go_to_the_most_valuable_participants(model):
    prov = provider(model)
    tiers = np.array([1, 1, 3, 3])
    plan = prov.plan(tiers, np.full(4, 26), np.full(4, 300.0), np.full(4, 100_000.0))
    free = plan.grid[plan.best(0.0)]
    rationed = plan.grid[plan.ration(free.sum() - 2.0)]
    assert rationed.sum() <= free.sum() - 2.0 + 1e-9
    assert (rationed >= plan.grid[0]).all(), "everyone keeps the contract minimum"
    assert (rationed[tiers == 3] == plan.grid[0]).all(), "the far are cut to the minimum"
    assert (rationed[tiers == 1] > plan.grid[0]).all(), "the near keep more than it"


def test_base_fees_reward_keeping_participants_so_hours_fall_when_fees_dominate(model):
    prov = provider(model)
    fee_only = hours(prov, [1], 0.0, fee=2_000.0)
    assert fee_only[0] == ServiceEffect().min_hours


def test_providers_learn_job_chances_from_their_own_participants(model):
    prov = provider(model, belief_weight=10.0)
    before = prov.job_chances()[0]
    for _ in range(20):
        prov.observe_week(np.array([1] * 10), np.full(10, 1.0))
        prov.observe_hires(np.array([1, 1]), 0)
    assert prov.job_chances()[0] > before * 2, "its participants found jobs far more often"


# ------------------------------------------------------------- the market, small world
PAY = """
[arms.krom.services.nacka.choice]
regime = "lov"
[arms.krom.services.nacka.payment]
design = "krom"
[arms.krom.services.nacka.providers]
initial_cash = 20000.0  # little to lose, so the market responds within the run
exit_cash = -20000.0

[arms.rich.services.nacka.choice]
regime = "lov"
[arms.rich.services.nacka.payment]
design = "krom"
result_payment = [40000.0, 70000.0, 110000.0]

[arms.flat.services.nacka.choice]
regime = "lov"
[arms.flat.services.nacka.payment]
design = "flat_result"
result_payment = [20000.0, 20000.0, 20000.0]

[arms.rising.services.nacka.choice]
regime = "lov"
[arms.rising.services.nacka.payment]
design = "flat_result"
result_payment = [20000.0, 40000.0, 100000.0]

[arms.cheap.services.nacka.choice]
regime = "lov"
[arms.cheap.services.nacka.payment]
design = "krom"
base_fee_month = [400.0, 500.0, 600.0]
result_payment = [4000.0, 7000.0, 11000.0]
[arms.cheap.services.nacka.providers]
initial_cash = 20000.0
exit_cash = -20000.0

[arms.refuse.services.nacka.choice]
regime = "lov"
refusal_allowed = true
[arms.refuse.services.nacka.payment]
design = "flat_result"
base_fee_month = [300.0, 300.0, 300.0]
result_payment = [20000.0, 20000.0, 20000.0]
[arms.refuse.services.nacka.providers]
cost_per_hour = 400.0

[arms.must_accept.services.nacka.choice]
regime = "lov"
[arms.must_accept.services.nacka.payment]
design = "flat_result"
base_fee_month = [300.0, 300.0, 300.0]
result_payment = [20000.0, 20000.0, 20000.0]
[arms.must_accept.services.nacka.providers]
cost_per_hour = 400.0
"""


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    path = small(tmp_path_factory.mktemp("pay"), PAY, weeks=52)
    return {arm: run(path, arm=arm) for arm in ("krom", "rich", "flat", "rising", "cheap",
                                                "refuse", "must_accept")}


def mean_hours(s):
    return np.mean([s[f"hours_per_week_tier{t}"] for t in (1, 2, 3)])


def test_in_the_market_higher_result_payments_raise_hours(market):
    assert mean_hours(market["rich"][1]) > mean_hours(market["krom"][1])


def test_in_the_market_pay_that_rises_too_little_with_distance_parks_the_far(market):
    assert market["flat"][1]["parking_index"] < market["rising"][1]["parking_index"]
    assert market["flat"][1]["parking_index"] < 0.9


def test_in_the_market_refusal_allowed_with_a_loss_making_tier_produces_refusals(market):
    refuse, must = market["refuse"][1], market["must_accept"][1]
    assert refuse["refused_share"] > 0 and refuse["creaming_index"] < 0.8
    assert must["refused_share"] == 0 and must["creaming_index"] == pytest.approx(1.0)


def test_in_the_market_lower_fees_lead_to_exits_and_fewer_providers(market):
    def incumbents_lost(model):
        first = model.markets[0].providers
        start = min(p.entered_week for p in first)
        return sum(p.exit_reason == "losses" for p in first if p.entered_week == start)

    assert incumbents_lost(market["cheap"][0]) > incumbents_lost(market["krom"][0])
    assert market["cheap"][1]["providers_active"] < market["krom"][1]["providers_active"]
