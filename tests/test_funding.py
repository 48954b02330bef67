"""Funding rules and the fiscal ledger (issue 4): who pays, exactly, and what changes when the
payer changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import audit, indicators
from sim.cli import main
from sim.config import load, override_config
from sim.metrics import section
from sim.model import ReformModel
from sim.population import Benefit, Status
from sim.rules.benefits import BenefitRules
from sim.rules.funding import FundingRules

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def small(tmp_path: Path, scenario: str, extra: str = "", weeks: int = 30) -> Path:
    """A small copy of a shipped scenario: the same rules on a few thousand persons, each
    arm's from the start (no reform date)."""
    base = load(SCENARIOS / f"{scenario}.toml").base
    if base.world.from_data:  # real municipalities: the same ones, a tenth of the size
        world = f"labour_force_share = {base.world.labour_force_share / 10}"
    else:
        munis = ",\n".join(
            f'  {{ name = "{m.name}", labour_force = {max(1500, m.labour_force // 10)}, '
            f'market = "{m.market}", pilot = {str(m.pilot).lower()}, '
            f'capability = {m.capability} }}' for m in base.world.municipalities)
        world = f"municipalities = [\n{munis}\n]"
    path = tmp_path / f"small_{scenario}.toml"
    path.write_text(f"""extends = "{(SCENARIOS / f'{scenario}.toml').as_posix()}"
name = "small_{scenario}"
[run]
weeks = {weeks}
burn_in_weeks = 20
reform_week = -1
[world]
{world}
{extra}""")
    return path


# ----------------------------------------------------------------------- hand-computed rules
def test_swedish_insurance_pays_80_then_70_percent_under_the_daily_caps():
    se = BenefitRules(system="se")
    wage = np.array([33_000.0, 20_000.0])  # a month; 21.75 working days
    assert se.insurance_daily(wage, np.array([1, 1])) == pytest.approx(
        [1200.0, 0.80 * 20_000 / 21.75])
    assert se.insurance_daily(wage, np.array([150, 150])) == pytest.approx(
        [1000.0, 0.80 * 20_000 / 21.75])
    assert se.insurance_daily(wage, np.array([250, 250])) == pytest.approx(
        [1000.0, 0.70 * 20_000 / 21.75])


def test_a_week_crossing_a_step_is_paid_day_by_day():
    se = BenefitRules(system="se")
    # days 99..103: two days under the 1,200 cap, three under the 1,000 cap
    paid = se.insurance_for_days(np.array([40_000.0]), np.array([99]), np.array([5]))
    assert paid[0] == pytest.approx(2 * 1200.0 + 3 * 1000.0)


def test_finnish_earnings_related_allowance_steps_down_from_day_41_and_171():
    fi = BenefitRules(system="fi")
    daily_wage = 3000.0 / 21.75
    full = 37.21 + 0.45 * (daily_wage - 37.21)
    got = fi.insurance_daily(np.full(3, 3000.0), np.array([1, 41, 171]))
    assert got == pytest.approx([full, 0.80 * full, 0.75 * full])
    assert fi.follow_on_daily(np.array([3000.0, 0.0])) == pytest.approx([37.21, 37.21])


@pytest.mark.parametrize(("model", "day", "share"), [
    ("fi_2025", 100, 0.0), ("fi_2025", 101, 0.10), ("fi_2025", 250, 0.20),
    ("fi_2025", 400, 0.30), ("fi_pre2025", 300, 0.0), ("fi_pre2025", 301, 0.50),
    ("fi_pre2025", 1000, 0.50), ("fi_pre2025", 1001, 0.70), ("state", 900, 0.0),
])
def test_cofinancing_bands_give_the_municipal_share_by_benefit_day(model, day, share):
    assert FundingRules(model=model).municipal_share(np.array([day]))[0] == pytest.approx(share)


def test_a_week_crossing_a_cofinancing_band_is_shared_day_by_day():
    f = FundingRules(model="fi_2025")
    # days 99..103: 99 and 100 free, 101..103 at 10 %
    assert f.share_of_days(np.array([99]), np.array([5]))[0] == pytest.approx(0.30)


def test_the_municipality_reimburses_its_exact_share_of_a_seekers_subsidy(tmp_path):
    model = ReformModel(small(tmp_path, "finland_te24"), arm="fi_2025")
    model.step()
    pop = model.population
    seeker = int(model.registered[pop.status[model.registered] == Status.REGISTERED][0])
    keep = np.array([seeker])
    model.register.registered = keep  # one seeker left in the world's register, hand-checked
    pop.benefit[seeker] = Benefit.ACTIVITY_SUPPORT  # Finland's labour market subsidy
    pop.cofinancing_days[seeker] = 98  # this week: days 99..103
    week = model.week
    model.finance.pay(week)
    rows = [r for r in model.ledger.rows(week) if r[3] == "municipal_cofinancing"]
    owed = sum(r[4] for r in rows)
    assert owed == pytest.approx(3 * 0.10 * 37.21, abs=0.005)
    muni = model.municipalities[pop.municipality[seeker]]
    assert {(r[1], r[2]) for r in rows if r[4]} == {(muni.payer, "state")}


# ----------------------------------------------------------------------- the ledger
@settings(max_examples=6, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=st.sampled_from(["state", "municipal_takeover", "fi_2025", "fi_pre2025"]),
       system=st.sampled_from(["se", "fi"]), seed=st.integers(0, 10_000),
       separation=st.floats(0.0005, 0.004))
def test_the_ledger_agrees_with_the_payments_every_week_on_random_worlds(
        tmp_path, model, system, seed, separation):
    config = load(small(tmp_path, "nacka_takeover", weeks=12)).base
    config = override_config(config, {"funding.model": model, "benefits.system": system,
                                      "labour_market.separation_rate": separation})
    m = ReformModel(config, seed=seed)
    for _ in range(config.run.burn_in_weeks + config.run.weeks):
        week = m.week
        m.step()
        assert not audit.audit(m, [week])
        assert sum(m.ledger.balances(week).values()) == pytest.approx(0.0, abs=1e-6)


def test_the_audit_finds_a_flow_booked_twice_dropped_or_in_the_wrong_category(tmp_path):
    config = load(small(tmp_path, "nacka_takeover", weeks=6)).arm("municipal_takeover")
    m = ReformModel(override_config(config, {"run.reform_week": 0}))
    m.run()
    assert not audit.audit(m)
    ledger, week = m.ledger, m.metrics.rows[-1]["week"]
    flows = ledger._weeks[week]  # (payer, payee, category) -> öre
    key = next(k for k in flows if k[2] == "social_assistance")
    flows[key] *= 2  # booked twice
    assert any("social_assistance" in p for p in audit.audit(m, [week]))
    flows[key] //= 2
    staff = next(k for k in flows if k[2] == "employment_service_staff")
    moved = flows.pop(staff) / 100  # booked as a service instead
    ledger.pay(week, *staff[:2], "provider_base_fee", moved)
    problems = audit.audit(m, [week])
    assert any("employment_service_staff" in p for p in problems)
    assert any("services" in p for p in problems)
    with pytest.raises(AssertionError, match="disagrees"):
        audit.check(m)


def test_the_summary_has_every_declared_key_and_what_the_ledger_booked_from_week_0(tmp_path):
    """Result payments first fall due months into a run: the summary still has them, equal to
    the ledger's, and every other declared key (it is not built from the first week's row)."""
    config = load(small(tmp_path, "nacka_takeover", weeks=40)).arm("municipal_takeover")
    m = ReformModel(config)
    m.run()
    s = m.metrics.summary()
    assert {i.key for i in indicators.summary(m.metrics.context)} <= set(s)
    paid = {r["week"]: r["spend.provider_result_payment"] for r in m.metrics.rows
            if r["week"] >= 0}
    assert paid[0] == 0 and sum(paid.values()) > 0, "result payments start after week 0"
    booked = sum(r[4] for r in m.ledger.rows()
                 if r[3] == "provider_result_payment" and r[0] >= 0)
    assert s["spend_per_year.provider_result_payment"] == pytest.approx(booked * 52 / 40)


def test_the_takeover_transfer_is_90_percent_of_what_the_state_spends_on_nackas_seekers(
        tmp_path):
    """The allocation on the state_spending basis: the services the state bought per
    registered seeker (measured in the state arm, a setting) plus the caseworkers Nacka took
    over at their cost that week; 90 % of it is paid, every week."""
    model = ReformModel(small(tmp_path, "nacka_takeover"), arm="municipal_takeover")
    f = model.config.funding
    nacka = model.municipalities[0]
    assert f.transfer_share == 0.90 and f.municipalities == ("Nacka",)
    assert f.allocation_basis == "state_spending" and f.state_services_per_registered_year > 0
    staff_paid = 0.0
    for _ in range(25):
        week = model.week
        model.step()
        registered = int(np.sum(model.population.municipality[model.registered] == 0))
        staff = model.employment_service.offices.cost_by_municipality()[0]
        assert staff > 0, "Nacka's caseworkers cost something"
        expected = 0.90 * (f.state_services_per_registered_year * registered / 52 + staff)
        got = {(r[1], r[2]): r[4] for r in model.ledger.rows(week) if r[3] == "state_transfer"}
        # the ledger books whole öre: half an öre either way, and float noise at the half
        assert got == {("state", nacka.payer): pytest.approx(expected, abs=0.0051)}
        staff_paid += sum(r[4] for r in model.ledger.rows(week)
                          if r[3] == "employment_service_staff" and r[1] == nacka.payer)
    assert staff_paid > 0, "Nacka pays the caseworkers it took over"
    state = {r[1] for r in model.ledger.rows() if r[3] == "employment_service_staff"}
    assert state == {"state", nacka.payer}, "Varmdo's caseworkers stay with the state"


# ----------------------------------------------------------------------- behaviour
def _employment(model) -> dict:
    table = model.metrics.table()
    return {k: table[k].to_pylist() for k in ("registered", "employed", "hires", "in_service",
                                              "long_term_share")}


def test_who_pays_changes_no_employment_outcome_when_no_behaviour_responds(tmp_path):
    config = load(small(tmp_path, "nacka_takeover")).arms["municipal_takeover"]
    config = override_config(config, {"municipal.respond": False})
    state = override_config(config, {"funding.model": "state"})
    runs = {}
    for name, c in (("takeover", config), ("state", state)):
        m = ReformModel(c, seed=5)
        m.run()
        runs[name] = m
    assert _employment(runs["takeover"]) == _employment(runs["state"])
    spend_t = runs["takeover"].ledger.spend()
    spend_s = runs["state"].ledger.spend()
    assert ("state", "state_transfer") in spend_t and ("state", "state_transfer") not in spend_s
    assert ("municipality:Nacka", "provider_base_fee") in spend_t
    assert ("state", "provider_base_fee") in spend_s


def test_a_budget_bound_municipality_serves_fewer_when_the_transfer_runs_short(tmp_path):
    config = load(small(tmp_path, "nacka_takeover")).arms["municipal_takeover"]
    rich = override_config(config, {"municipal.budget_rule": "places"})
    poor = override_config(config, {"funding.transfer_share": 0.2})
    served = {}
    for name, c in (("rich", rich), ("poor", poor)):
        m = ReformModel(c, seed=3)
        m.run()
        served[name] = section(m.metrics.summary(), "services.nacka")["participants"]
    assert served["poor"] < 0.8 * served["rich"]


def test_pilot_municipalities_start_ahead_and_others_catch_up_with_experience(tmp_path):
    model = ReformModel(small(tmp_path, "finland_te24"), arm="fi_2025")
    by_name = {m.name: m for m in model.municipalities}
    pilot, other = by_name["Porvoo"], by_name["Loviisa"]
    assert pilot.spec.pilot and not other.spec.pilot
    assert pilot.capability == other.capability, "the same capability before the pilots"
    model.run(until=0)  # the pilot years: only the pilot runs services
    start = other.capability
    assert pilot.capability > start
    model.run()
    assert other.capability > start
    assert other.experience_weeks > 0


def test_targeting_favours_seekers_nearing_a_cofinancing_band(tmp_path):
    path = small(tmp_path, "finland_te24", weeks=40)
    on = ReformModel(path, arm="fi_2025")
    off = ReformModel(path, arm="fi_2025", **{"municipal.targeting": "none"})
    near = {}
    for name, m in (("on", on), ("off", off)):
        m.run()
        qm = m.markets[0]
        parts = qm.participants()
        days = m.population.cofinancing_days[parts]
        f = m.config.funding
        near[name] = np.mean(f.next_band_day(days) - days <= 100)
    assert near["on"] > near["off"]


@pytest.mark.parametrize(("scenario", "arm"), [
    ("nacka_takeover", "state"), ("nacka_takeover", "municipal_takeover"),
    ("finland_te24", "fi_pre2025"), ("finland_te24", "fi_2025"),
])
def test_funding_scenarios_run_from_the_cli_and_print_costs_by_payer(tmp_path, capsys,
                                                                     scenario, arm):
    code = main(["run", str(small(tmp_path, scenario, weeks=6)), "--arm", arm,
                 "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    assert "Spending a year by payer and category" in out
    assert "Net fiscal position" in out
    assert "cost per job" in out
    assert "unemployment rate" in out


def test_a_budget_bound_municipality_runs_its_own_service_less_intensively_when_short(
        tmp_path):
    path = small(tmp_path, "finland_te24", weeks=30)
    hours = {}
    for name, per_capita in (("funded", 2000.0), ("short", 5.0)):
        m = ReformModel(path, arm="fi_2025", **{
            "municipal.budget_rule": "transfer",
            "funding.allocation_per_labour_force_year": per_capita})
        m.run()
        hours[name] = section(m.metrics.summary(), "services.area")["hours_per_week_tier2"]
    planned = m.config.services["area"].providers.in_house_hours
    assert hours["funded"] == pytest.approx(planned)
    assert planned * 0.5 <= hours["short"] < 0.9 * planned
