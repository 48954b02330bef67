"""Benefits by entitlement (sim/entitlement.py): who draws insurance, the follow-on, social
assistance or nothing, and what it costs nationally.

Why: every seeker drawing a benefit every week, and everyone who exhausts insurance drawing
activity support, made Sweden pay far more than the budget does (evidence.md 5.1: 44.16 bn SEK
for insurance and activity support at about 377,000 registered). Activity support is for
programme participants only; social assistance is means-tested on the household.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load, override_config
from sim.entitlement import ASSISTANCE, Entitlement
from sim.metrics import section
from sim.model import ReformModel
from sim.population import Benefit, Status
from sim.rules.benefits import BenefitRules

from .conftest import MUNICIPAL


def fresh_spells(model, n=400, worked=True, member=True):
    """`n` employed persons of the model made newly unemployed this week."""
    pop = model.population
    persons = np.flatnonzero(pop.status == Status.EMPLOYED)[:n]
    pop.ui_member[persons] = member
    model.employment_service.register(persons, model.week)
    tenure = np.full(n, 100 if worked else 0)
    model.finance.entitle(persons, tenure)
    return persons


def with_rules(config, **rules):
    return override_config(config, {f"benefits.{k}": v for k, v in rules.items()})


def test_a_new_spell_starts_on_insurance_only_for_those_who_qualify_and_claim(small_config):
    model = ReformModel(with_rules(small_config, insurance_take_up=1.0, basic_take_up=1.0))
    members = fresh_spells(model, worked=True, member=True)
    assert (model.population.benefit[members] == Benefit.UNEMPLOYMENT_INSURANCE).all()
    assert (model.population.insured[members] == 1).all()
    model = ReformModel(with_rules(small_config, insurance_take_up=1.0, basic_take_up=1.0))
    outside = fresh_spells(model, worked=True, member=False)
    assert (model.population.benefit[outside] == Benefit.BASIC_INSURANCE).all()
    model = ReformModel(with_rules(small_config, insurance_take_up=0.0))
    shy = fresh_spells(model, worked=True, member=True)
    assert not np.isin(model.population.benefit[shy], [Benefit.UNEMPLOYMENT_INSURANCE]).any()
    model = ReformModel(with_rules(small_config, insurance_take_up=1.0))
    never = fresh_spells(model, worked=False)
    assert np.isin(model.population.benefit[never],
                   [Benefit.NONE, Benefit.SOCIAL_ASSISTANCE]).all(), (
        "in Sweden no work condition, no state benefit at the start of a spell")


def test_in_sweden_activity_support_comes_from_the_guarantee_not_from_exhaustion_alone(
        small_config):
    rules = dict(insurance_take_up=1.0, follow_on_wait_weeks=64)
    for take_up, expected in ((1.0, Benefit.ACTIVITY_SUPPORT), (0.0, None)):
        model = ReformModel(with_rules(small_config, follow_on_take_up=take_up, **rules))
        persons = fresh_spells(model)
        model.population.benefit_days[persons] = 300  # insurance exhausted
        model.finance.rights.update(persons)
        got = model.population.benefit[persons]
        if expected is None:
            assert np.isin(got, [Benefit.NONE, Benefit.SOCIAL_ASSISTANCE]).all()
        else:
            assert (got == expected).all()
    model = ReformModel(with_rules(small_config, follow_on_take_up=1.0, **rules))
    never = fresh_spells(model, worked=False)
    pop = model.population
    pop.spell_weeks[never] = 63
    model.finance.rights.update(never)
    assert not (pop.benefit[never] == Benefit.ACTIVITY_SUPPORT).any(), "before the wait: none"
    pop.spell_weeks[never] = 64
    model.finance.rights.update(never)
    assert (pop.benefit[never] == Benefit.ACTIVITY_SUPPORT).all(), "after the wait: the guarantee"


def test_the_finnish_labour_market_subsidy_is_paid_from_the_start_to_those_who_pass_the_test(
        tmp_path):
    config = load(MUNICIPAL.parent / "finland_te24.toml").arm("fi_2025")
    config = override_config(config, {"world.labour_force_share": 0.05,
                                      "benefits.follow_on_take_up": 1.0})
    model = ReformModel(config)
    never = fresh_spells(model, n=200, worked=False)
    assert (model.population.benefit[never] == Benefit.ACTIVITY_SUPPORT).all()


def test_the_follow_on_pays_the_insured_by_their_wage_and_others_the_floor():
    se = BenefitRules(system="se")
    wage = np.array([20_000.0, 20_000.0, 60_000.0])
    got = se.follow_on_daily(wage, np.array([True, False, True]))
    assert got == pytest.approx([0.65 * 20_000 / 21.75, 223.0, 1000.0])


def test_take_up_decisions_are_traits_of_the_spell_at_the_stated_rates(municipal_scenario):
    model = ReformModel(override_config(municipal_scenario.base,
                                        {"run.burn_in_weeks": 40, "run.weeks": 4}))
    model.run()
    rights: Entitlement = model.finance.rights
    pop, seekers = model.population, model.registered
    without = seekers[np.isin(pop.benefit[seekers], [Benefit.NONE, Benefit.SOCIAL_ASSISTANCE])]
    assert len(without) > 1000
    share = np.mean(pop.benefit[without] == Benefit.SOCIAL_ASSISTANCE)
    assert share == pytest.approx(model.config.benefits.assistance_take_up, abs=0.04)
    # the week's spell clock has run since payments: those who just reached the wait move on
    without = without[pop.spell_weeks[without] != model.config.benefits.follow_on_wait_weeks]
    before = pop.benefit[without].copy()
    rights.update(without)
    assert np.array_equal(pop.benefit[without], before), "the same decision week after week"
    assert np.array_equal(rights.draw(without, ASSISTANCE), rights.draw(without, ASSISTANCE))


def test_finnish_social_assistance_is_paid_half_by_the_state(tmp_path):
    config = load(MUNICIPAL.parent / "finland_te24.toml").arm("fi_pre2025")
    config = override_config(config, {"world.labour_force_share": 0.05, "run.weeks": 6,
                                      "run.burn_in_weeks": 4,
                                      "benefits.follow_on_take_up": 0.5})
    model = ReformModel(config)
    model.run()
    spend = model.ledger.spend()
    state = spend[("state", "social_assistance")]
    municipal = sum(v for (payer, cat), v in spend.items()
                    if cat == "social_assistance" and payer.startswith("municipality:"))
    assert state > 0 and state == pytest.approx(municipal, rel=1e-6)


def test_a_swedish_run_spends_per_seeker_about_what_the_budget_does(municipal_scenario):
    """evidence.md 5.1: insurance and activity support 44.16 bn SEK (UO14 2025) at about
    377,000 registered is 117,100 SEK per registered seeker-year; 54 % of 10.92 bn SEK of
    social assistance (the share with labour-market reasons) is 15,600 SEK."""
    config = override_config(municipal_scenario.base, {"run.burn_in_weeks": 156,
                                                       "run.weeks": 52})
    model = ReformModel(config)
    model.run()
    s = model.metrics.summary()
    spend = section(s, "spend_per_year")
    benefits = sum(spend[k] for k in ("unemployment_insurance", "basic_insurance",
                                      "activity_support"))
    assert benefits / s["registered"] == pytest.approx(44.16e9 / 377_000, rel=0.12)
    assert spend["social_assistance"] / s["registered"] == pytest.approx(
        0.54 * 10.92e9 / 377_000, rel=0.25)
    recipients = section(s, "recipients")
    assert recipients["none"] > 0 and recipients["social_assistance"] > 0
    assert recipients["follow_on"] < 0.5 * s["registered"], "not everyone on activity support"
