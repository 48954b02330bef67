"""Co-financing by band, each municipality's accounts, and the funding reference (issue 4 of
the public-finance work): the kind of series Kela publishes, per week and per year, and a
long table of every municipality's week for the run store (`municipalities.parquet`).

Why: who pays which part of a benefit at which duration is what TE24 changed (evidence.md
4.1); a band that leaks money, or a municipal table that does not add up to the ledger, would
misstate the reform's cost to municipalities.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import indicators
from sim.config import load, override_config
from sim.metrics import section
from sim.model import ReformModel
from sim.rules.funding import FundingRules

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def finnish(arm: str, weeks: int = 20):
    config = load(SCENARIOS / "finland_te24.toml").arm(arm)
    config = override_config(config, {"world.labour_force_share": 0.0475, "run.weeks": weeks,
                                      "run.reform_week": -1,
                                      "run.burn_in_weeks": 20})
    model = ReformModel(config)
    model.run()
    return model


@pytest.fixture(scope="module")
def te24():
    return finnish("fi_2025")


@pytest.fixture(scope="module")
def nacka():
    base = load(SCENARIOS / "nacka_takeover.toml")
    small = {"world.municipalities": [{"name": "Nacka", "labour_force": 6000,
                                       "market": "Stockholm"},
                                      {"name": "Varmdo", "labour_force": 3000,
                                       "market": "Stockholm"}],
             "run.weeks": 26, "run.burn_in_weeks": 20, "run.reform_week": -1,
             "services.nacka.referral.places": 150}
    runs = {}
    for arm in ("state", "municipal_takeover"):
        model = ReformModel(override_config(base.arm(arm), small))
        model.run()
        runs[arm] = model
    return runs


# ------------------------------------------------------------------------------- bands
def test_bands_are_named_by_benefit_day_with_the_days_before_the_first():
    assert FundingRules(model="fi_2025").band_names() == ("1-100", "101-200", "201-300",
                                                          "301+")
    assert FundingRules(model="fi_pre2025").band_names() == ("1-300", "301-1000", "1001+")
    assert FundingRules(model="state").band_names() == ()
    f = FundingRules(model="fi_2025")
    days = f.days_by_band(np.array([98, 199, 1, 1000]), np.array([5, 5, 0, 5]))
    assert days.tolist() == [[3, 2, 0, 0], [0, 2, 3, 0], [0, 0, 0, 0], [0, 0, 0, 5]]
    assert (days * f.band_shares()).sum(axis=1) == pytest.approx(
        f.share_of_days(np.array([98, 199, 1, 1000]), np.array([5, 5, 0, 5])))


def test_the_bands_of_the_funding_rule_become_indicator_keys(te24):
    keys = set(te24.metrics.declared)
    assert "cofinancing.labour_market_subsidy.301+.municipal" in keys
    assert "cofinancing.earnings_related_allowance.1-100.state" in keys
    pre = indicators.Context.of(load(SCENARIOS / "finland_te24.toml").arm("fi_pre2025"))
    assert pre.cofbands == ("1-300", "301-1000", "1001+")
    assert pre.cofbenefits == ("labour_market_subsidy",)
    se = indicators.Context.of(load(SCENARIOS / "municipality_se.toml").base)
    assert not [i for i in indicators.weekly(se) if i.key.startswith("cofinancing.")]
    found = indicators.find("cofinancing_per_year.basic_allowance.101-200.municipal")
    assert found is not None and "basic_allowance" in found.label and "101-200" in found.label


def test_municipal_parts_by_band_add_up_to_the_ledger_every_week(te24):
    table = te24.metrics.table()
    municipal = [k for k in table.column_names
                 if k.startswith("cofinancing.") and k.endswith(".municipal")]
    by_band = sum(table[k].to_numpy() for k in municipal)
    ledger = table["spend.municipal_cofinancing"].to_numpy()
    assert ledger.sum() > 0
    assert by_band == pytest.approx(ledger, abs=0.01 * len(te24.municipalities))
    first = [k for k in municipal if ".1-100." in k]
    assert all(table[k].to_numpy().sum() == 0 for k in first), "days 1-100: the state's"
    state = [k.replace(".municipal", ".state") for k in municipal]
    assert all((table[k].to_numpy() >= 0).all() for k in state)
    s = te24.metrics.summary()
    per_year = sum(v for k, v in s.items()
                   if k.startswith("cofinancing_per_year.") and k.endswith(".municipal"))
    assert per_year == pytest.approx(s["spend_per_year.municipal_cofinancing"], rel=1e-6)


def test_under_the_old_model_only_the_subsidy_past_day_300_is_shared():
    s = finnish("fi_pre2025", weeks=10).metrics.summary()
    cof = section(s, "cofinancing_per_year")
    assert set(k.split(".")[0] for k in cof) == {"labour_market_subsidy"}
    assert cof["labour_market_subsidy.1-300.municipal"] == 0
    assert cof["labour_market_subsidy.1-300.state"] > 0
    assert cof["labour_market_subsidy.301-1000.municipal"] == pytest.approx(
        cof["labour_market_subsidy.301-1000.state"], rel=1e-9), "50/50 from day 301"


# ------------------------------------------------------------------- municipal accounts
def test_the_municipal_table_has_a_row_per_week_and_municipality_adding_up(te24):
    t = te24.finance.municipal_table()
    n, weeks = len(te24.municipalities), te24.metrics.table().num_rows
    assert t.num_rows == n * weeks
    assert t.column_names[:7] == ["week", "municipality", "code", "market", "pilot",
                                  "labour_force", "capability"]
    for col in ("registered", "hires", "participants", "service_spend", "staff_cost",
                "cofinancing", "social_assistance", "transfer", "state_service_spend",
                "state_staff_cost"):
        assert col in t.column_names
    weekly = te24.metrics.table()
    week = np.array(t["week"].to_pylist()).reshape(weeks, n)
    assert (week == np.array(weekly["week"].to_pylist())[:, None]).all()

    def per_week(col):
        return np.array(t[col].to_pylist()).reshape(weeks, n).sum(axis=1)

    assert per_week("hires") == pytest.approx(weekly["hires"].to_numpy())
    assert per_week("cofinancing") == pytest.approx(weekly["spend.municipal_cofinancing"]
                                                    .to_numpy(), abs=1e-6)
    assert per_week("transfer") == pytest.approx(weekly["spend.state_transfer"].to_numpy(),
                                                 abs=1e-6)
    spend = te24.ledger.spend()
    staff = sum(v for (payer, cat), v in spend.items()
                if cat == "employment_service_staff" and payer.startswith("municipality:"))
    assert sum(t["staff_cost"].to_pylist()) == pytest.approx(staff) and staff > 0
    assert sum(t["state_staff_cost"].to_pylist()) == 0, "after TE24 the municipalities pay"
    rows = {r["municipality"]: r for r in t.slice((weeks - 1) * n).to_pylist()}
    assert rows["Porvoo"]["pilot"] and rows["Porvoo"]["code"] == "638"
    assert rows["Porvoo"]["capability"] > rows["Loviisa"]["capability"]


def test_registered_in_the_table_are_those_the_week_paid_benefits_to(te24):
    t = te24.finance.municipal_table()
    weekly = te24.metrics.table()
    n = len(te24.municipalities)
    registered = np.array(t["registered"].to_pylist()).reshape(-1, n).sum(axis=1)
    paid = sum(weekly[f"recipients.{k}"].to_numpy() for k in
               ("insurance", "basic", "follow_on", "social_assistance", "none"))
    assert (registered == paid).all()


# ------------------------------------------------------------------- funding reference
def test_the_state_arm_measures_what_the_state_spends_on_nackas_seekers(nacka):
    state = nacka["state"]
    s = state.metrics.summary()
    t = state.finance.municipal_table()
    reported = np.array(t["week"].to_pylist()) >= 0
    is_nacka = np.array(t["municipality"].to_pylist()) == "Nacka"
    services = np.array(t["state_service_spend"].to_pylist())
    assert services[~is_nacka].sum() == 0, "the service is Nacka's seekers' only"
    assert services[reported & is_nacka].sum() == pytest.approx(
        s["services.nacka.service_spend_per_year"] * s["weeks"] / 52, rel=1e-6)
    seeker_years = np.array(t["registered"].to_pylist())[reported & is_nacka].sum() / 52
    assert s["funding.state_services_per_registered_year"] == pytest.approx(
        services[reported & is_nacka].sum() / seeker_years)
    assert s["funding.state_staff_per_registered_year"] > 0


def test_the_takeover_is_paid_90_percent_of_what_the_state_would_spend(nacka):
    s = nacka["municipal_takeover"].metrics.summary()
    f = nacka["municipal_takeover"].config.funding
    staff = s["funding.municipal_services_staff_per_registered_year"] - (
        s["spend_by_payer_per_year.municipalities.provider_base_fee"]
        + s["spend_by_payer_per_year.municipalities.provider_result_payment"]) / (
        s["funding.registered_covered"])
    assert s["funding.transfer_per_registered_year"] == pytest.approx(
        0.9 * (f.state_services_per_registered_year + staff), rel=0.01)
    assert s["funding.state_staff_per_registered_year"] == 0, "Nacka pays its caseworkers"


def test_the_scenarios_services_reference_is_what_its_state_arm_spends():
    """nacka_takeover.toml's state_services_per_registered_year is measured in its own state
    arm; a change to the service or the labour market that moves it should fail here."""
    scenario = load(SCENARIOS / "nacka_takeover.toml")
    config = override_config(scenario.arm("state"), {"run.weeks": 104})
    model = ReformModel(config)
    model.run()
    measured = model.metrics.summary()["funding.state_services_per_registered_year"]
    reference = scenario.arm("municipal_takeover").funding.state_services_per_registered_year
    assert measured == pytest.approx(reference, rel=0.10)


def test_a_te24_reform_mid_run_moves_staff_costs_and_brings_its_bands(tmp_path):
    """With run.reform_week the arm's funding and staff rules take effect mid-run: before it
    the base's rules (here Sweden's state model: no co-financing, the state pays staff), after
    it TE24's bands and municipal staff, in the same weekly table and municipal table."""
    path = tmp_path / "te24_reform.toml"
    path.write_text(f"""extends = "{(SCENARIOS / 'finland_te24.toml').as_posix()}"
name = "te24_reform"
[run]
reform_week = 4
weeks = 10
burn_in_weeks = 10
[world]
labour_force_share = 0.02
""")
    model = ReformModel(load(path).arm("fi_2025"))
    model.run()
    weekly = model.metrics.table()
    week = weekly["week"].to_numpy()
    municipal = weekly["cofinancing.labour_market_subsidy.301+.municipal"].to_numpy()
    assert municipal[week < 0].sum() == 0 and municipal[week >= 0].sum() > 0
    t = model.finance.municipal_table()
    w = np.array(t["week"].to_pylist())
    state_staff = np.array(t["state_staff_cost"].to_pylist())
    own_staff = np.array(t["staff_cost"].to_pylist())
    assert state_staff[w < 0].sum() > 0 and state_staff[w >= 0].sum() == 0
    assert own_staff[w < 0].sum() == 0 and own_staff[w >= 0].sum() > 0
