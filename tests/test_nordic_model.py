"""The employment service's own service model: caseworkers, meetings, the job-search obligation
and sanctions; Finland's Nordic model against the TE services before it (issue 6).

Why: the Nordic model of 2 May 2022 is a reform users study (evidence.md 4.2). Meetings and
obligations must raise search and exits to work (Hägglund 2009; Behaghel et al. 2014), but part
of what the treated gain comes at the expense of others competing for the same vacancies
(Progress, IFAU 2019:27), and that must come out of the matching kernel, not be assumed.
Caseworker hours are finite, so meetings wait when demand exceeds them; sanctions follow the
ladder in benefit days lost. Small worlds, one local labour market, common random numbers.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from sim import audit
from sim.cli import main
from sim.config import load, override_config, reformed
from sim.metrics import section
from sim.model import ReformModel
from sim.rules.service_model import ServiceModel

REPO = Path(__file__).resolve().parent.parent
NORDIC = REPO / "scenarios" / "nordic_model.toml"
AMPLE = 100.0  # caseworkers per 1,000 seekers: no meeting ever waits


def small(municipal_scenario, persons=8000, weeks=40, **extra):
    """The municipal scenario's behaviour on one local labour market of `persons`."""
    return override_config(municipal_scenario.base, {
        "world.municipalities": [{"name": "A", "labour_force": persons, "market": "M"}],
        "run.burn_in_weeks": 20, "run.weeks": weeks,
        "service_model.caseworkers_per_1000": AMPLE,
        **extra,
    })


def run(config) -> ReformModel:
    model = ReformModel(config)
    model.run()
    return model


def es_summary(model):
    return section(model.metrics.summary(), "employment_service")


# ------------------------------------------------------------------------------ the rules
def test_the_nordic_contact_pattern_meets_every_2_weeks_breaks_and_repeats_at_6_months():
    sm = ServiceModel(preset="fi_nordic")
    week, meetings = sm.first_meeting_weeks, []
    while week >= 0 and week < 60:
        meetings.append(week)
        week = int(sm.next_meeting(np.array([week]))[0])
    assert meetings == [1, 3, 5, 7, 9, 11, 26, 28, 30, 43, 56]
    old = ServiceModel(preset="fi_pre2022")
    assert old.first_meeting_weeks == 2
    assert old.next_meeting(np.array([2, 15])).tolist() == [15, 28], "about every 3 months"
    assert ServiceModel(contact_pattern=((0, 4), (8, 0))).next_meeting(
        np.array([2, 6])).tolist() == [6, -1], "a pattern can end"


def test_the_sanction_ladder_applies_the_right_days_at_each_step():
    """Hand-computed: lapses every 4 weeks, 5 benefit days served a week in between."""
    sm = ServiceModel(preset="fi_nordic")
    assert sm.sanction_ladder_days == (0, 7, 14, 45) and sm.sanction_max_days == 45
    # (earlier lapses, weeks since the last, days still pending) -> (step, days, pending)
    cases = [
        ((0, -1, 0), (1, 0, 0)),     # first lapse: a reminder only
        ((1, 4, 0), (2, 7, 7)),      # second: 7 days without benefit
        ((2, 4, 0), (3, 14, 14)),    # third: 14 days (the 7 were served in 2 weeks)
        ((3, 4, 0), (4, 45, 45)),    # fourth: the 45-day maximum
        ((4, 1, 40), (5, 45, 45)),   # fifth, a week later: 40 + 45 pending, capped at 45
        ((5, 60, 0), (1, 0, 0)),     # a year without lapses: the ladder starts again
    ]
    before = np.array([c[0] for c in cases])
    step, days, pending = sm.sanction(before[:, 0], before[:, 1], before[:, 2])
    assert list(zip(step.tolist(), days.tolist(), pending.tolist(), strict=True)) == [
        c[1] for c in cases]


def test_a_preset_overridden_by_one_line_changes_only_that_rule(tmp_path):
    plain = ServiceModel(preset="fi_nordic")
    hybrid = ServiceModel(preset="fi_nordic", applications_required=3)
    changed = {k for k, v in dataclasses.asdict(hybrid).items()
               if v != dataclasses.asdict(plain)[k]}
    assert changed == {"applications_required"}
    assert hybrid.overrides() == {"applications_required": 3} and plain.overrides() == {}
    # ... and in a scenario file: one line in an arm
    path = tmp_path / "hybrid.toml"
    path.write_text(f'extends = "{NORDIC.as_posix()}"\n[arms.three_a_month]\n'
                    'service_model = { preset = "fi_nordic", caseworkers_per_1000 = 1.22, '
                    'applications_required = 3 }\n', encoding="utf-8")
    three = reformed(load(path).arm("three_a_month"))  # the rules from the reform week
    nordic = reformed(load(NORDIC).arm("fi_nordic"))
    assert three == dataclasses.replace(nordic, service_model=dataclasses.replace(
        nordic.service_model, applications_required=3))
    # a new preset brings all its rules, and the shared settings stay
    moved = override_config(nordic, {"service_model.preset": "fi_pre2022"})
    assert moved.service_model.contact_pattern == ((0, 13),)
    assert moved.service_model.caseworkers_per_1000 == 1.22


# --------------------------------------------------------------------------- behaviour
def test_more_frequent_meetings_raise_applications_and_exits_when_vacancies_are_plentiful(
        municipal_scenario):
    plenty = {"labour_market.vacancy_rate": 0.004, "service_model.preset": "fi_pre2022"}
    quarterly = es_summary(run(small(municipal_scenario, **plenty)))
    fortnightly = es_summary(run(small(municipal_scenario, **plenty,
                                       **{"service_model.contact_pattern": [[0, 2]],
                                          "service_model.first_meeting_weeks": 1})))
    assert fortnightly["meetings_per_seeker_month"] > 4 * quarterly["meetings_per_seeker_month"]
    apps = "applications_per_seeker_month_treated"
    assert fortnightly[apps] > 1.15 * quarterly[apps]
    assert fortnightly["job_finding_treated"] > 1.05 * quarterly["job_finding_treated"]
    early = "monthly_exit_to_work_by_weeks_registered.4-13"
    assert fortnightly[early] > quarterly[early]


@pytest.fixture(scope="module")
def trial(municipal_scenario):
    """Half the seekers drawn into a trial: under the old rules (a placebo) or under the
    Nordic model, with a fixed flow of vacancies most of which are filled."""
    scarce = {"labour_market.vacancy_rate": 0.0012, "labour_market.threshold_mean": 1.5,
              "service_model.treated_share": 0.5, "run.weeks": 104,
              "service_model.weak_market_vacancies_per_seeker": 0.0}
    placebo = run(small(municipal_scenario, **scarce, **{"service_model.preset": "fi_pre2022"}))
    nordic = run(small(municipal_scenario, **scarce, **{"service_model.preset": "fi_nordic"}))
    return placebo, nordic


def test_with_fixed_vacancies_gains_of_the_treated_are_partly_offset_by_losses_of_the_untreated(
        trial):
    placebo, nordic = trial
    posted = [m.metrics.table()["vacancies_posted"].to_numpy() for m in trial]
    assert np.array_equal(*posted), "the same vacancies arrive in both runs"
    assert np.array_equal(placebo.population.treated, nordic.population.treated)
    a, b = es_summary(placebo), es_summary(nordic)
    assert b["applications_per_seeker_month_treated"] > 1.1 * a[
        "applications_per_seeker_month_treated"]
    assert b["applications_per_seeker_month_untreated"] == pytest.approx(
        a["applications_per_seeker_month_untreated"], rel=0.02), "the untreated search as before"
    gain = b["job_finding_treated"] - a["job_finding_treated"]
    displacement = a["job_finding_untreated"] - b["job_finding_untreated"]
    assert gain > 0
    assert 0 < displacement < gain, "the untreated lose part of what the treated gain"
    trial_estimate = b["job_finding_treated"] - b["job_finding_untreated"]
    assert trial_estimate > gain, "a within-market trial overstates the effect"


def test_caseload_limits_delay_meetings_and_the_delay_shows_in_the_metrics(municipal_scenario):
    nordic = {"service_model.preset": "fi_nordic", "run.weeks": 26}
    ample = es_summary(run(small(municipal_scenario, 5000, **nordic)))
    short = {**nordic, "service_model.caseworkers_per_1000": 3.0}
    scarce = es_summary(run(small(municipal_scenario, 5000, **short)))
    assert ample["meetings_waiting_per_week"] == 0 and ample["mean_delay_weeks"] == 0
    assert ample["first_meetings_on_time"] == 1.0
    assert scarce["meetings_waiting_per_week"] > 20
    assert scarce["mean_delay_weeks"] > 1.0
    assert scarce["first_meetings_on_time"] < 0.9
    assert scarce["caseworker_utilisation"] > 0.95
    assert scarce["caseload_per_caseworker"] > 20 * ample["caseload_per_caseworker"]
    assert scarce["meetings_per_seeker_month"] < 0.7 * ample["meetings_per_seeker_month"]
    newest = es_summary(run(small(municipal_scenario, 5000, **short,
                                  **{"service_model.priority": "newest_first"})))
    assert newest["first_meetings_on_time"] > scarce["first_meetings_on_time"], (
        "the priority rule decides who waits")


def test_seekers_who_never_apply_climb_the_ladder_week_by_week(municipal_scenario):
    """Hand-computed: the first meeting in week 1 starts 4-week obligation periods; every
    period ends in a detected lapse; benefits withhold 5 days a week while days are pending."""
    config = small(municipal_scenario, 6000, weeks=30, **{
        "service_model.preset": "fi_nordic", "labour_market.applications": 0.0,
        "labour_market.employer_contacts": 0.0,  # nor does an employer call them
        "labour_market.inactivity_rate": 0.0,
        "service_model.obligation_compliance": 0.0, "service_model.sanction_compliance_gain": 0.0,
        "service_model.detection_with_meeting": 1.0,
        "service_model.detection_without_meeting": 1.0,
        "service_model.weak_market_vacancies_per_seeker": 0.0})
    model = ReformModel(config)
    pop, newcomers = model.population, []
    while len(newcomers) < 3:  # the first week with a few newly registered
        model.step()
        newcomers = model.registered[pop.spell_start[model.registered] == model.week - 1]
    days, lapses = [int(pop.sanction_days[newcomers[0]])], []
    for _ in range(21):
        model.step()
        days.append(int(pop.sanction_days[newcomers[0]]))
        lapses.append(int(pop.lapses[newcomers[0]]))
    # end-of-week days pending, weeks 0..21 after registration; lapses in weeks 4, 8, ... 20
    assert days == [0, 0, 0, 0, 0, 0, 0, 0,
                    2, 0, 0, 0,          # week 8: 7 days, 5 served at once, 2 the week after
                    9, 4, 0, 0,          # week 12: 14 days
                    40, 35, 30, 25,      # week 16: 45 days
                    40, 35]              # week 20: 25 + 45 capped at 45, less 5
    assert lapses[3] == 1 and lapses[7] == 2 and lapses[19] == 5
    assert (pop.sanction_days[newcomers] == 35).all(), "every newcomer of that week alike"
    assert np.all(pop.last_meeting_week[newcomers] >= model.week - 13)


def test_a_changed_sanction_ladder_changes_benefit_days_lost_and_nothing_else(
        municipal_scenario):
    config = small(municipal_scenario, 4000, weeks=26, **{"service_model.preset": "fi_nordic"})
    milder = override_config(config, {"service_model.sanction_ladder_days": [0, 5, 10, 20]})
    a, b = run(config).metrics.table(), run(milder).metrics.table()
    es = "employment_service."
    for column in ("hires", "applications", es + "meetings_held", es + "lapses", es + "detected"):
        assert np.array_equal(a[column].to_numpy(), b[column].to_numpy()), column
    for column in (es + "days_imposed", es + "benefit_days_lost"):
        assert b[column].to_numpy().sum() < a[column].to_numpy().sum(), column


def test_caseworker_hours_are_a_cost_booked_in_the_ledger(municipal_scenario):
    costed = {"service_model.staffing": "labour_force", "service_model.caseworkers_per_1000": 1.0,
              "service_model.staff_cost_per_hour": 30.0, "run.weeks": 4}
    model = run(small(municipal_scenario, 4000, **costed))
    weekly = 4.0 * 37.5 * 30.0  # 1 caseworker per 1,000 of 4,000, 37.5 h a week
    staff = model.ledger.totals("category", 0).get("employment_service_staff")
    assert staff == pytest.approx(weekly)
    assert model.ledger.totals("payer", 0)["state"] >= staff
    audit.check(model)
    local = run(small(municipal_scenario, 4000, **costed,
                      **{"service_model.staff_payer": "municipality"}))
    assert local.ledger.spend(0)[("municipality:A", "employment_service_staff")] == (
        pytest.approx(weekly))


def test_the_swedish_default_has_no_obligation_no_sanctions_and_no_waiting(small_config):
    costed = ServiceModel(staff_cost_per_hour=small_config.service_model.staff_cost_per_hour)
    assert small_config.service_model == costed, "the default model, only its staff costed"
    es = es_summary(run(small_config))
    assert small_config.service_model.preset == "se_default"
    assert es["obligation_checks_per_year"] == 0
    assert es["benefit_days_lost_per_year"] == 0 and es["meetings_waiting_per_week"] == 0
    # the Swedish baseline's caseworkers cost AF's administration (municipality_se.toml)
    hours = es["caseworkers"] * small_config.service_model.caseworker_hours_week * 52
    assert es["staff_cost_per_year"] == pytest.approx(hours * 1020.0, rel=1e-6)


# ------------------------------------------------------------------------------ scenario
def test_the_nordic_scenario_is_a_finnish_employment_area_with_the_reforms_staff():
    scenario = load(NORDIC)
    assert {"fi_pre2022", "fi_nordic"} <= set(scenario.arms)
    pre, nordic = scenario.arm("fi_pre2022"), reformed(scenario.arm("fi_nordic"))
    assert pre.world.country == "fi" and pre.benefits.system == "fi"
    municipalities = pre.world.municipalities
    assert len({m.market for m in municipalities}) == 1 and len(municipalities) >= 2
    assert sum(m.labour_force for m in municipalities) >= 20_000, "TE24 minimum (evidence.md 4.1)"
    assert (pre.service_model.preset, nordic.service_model.preset) == ("fi_pre2022", "fi_nordic")
    extra = nordic.service_model.caseworkers_per_1000 - pre.service_model.caseworkers_per_1000
    assert extra == pytest.approx(1200 / 2630, abs=0.01), "1,200 staff over 2.63 million"


@pytest.mark.parametrize("arm", ["fi_pre2022", "fi_nordic"])
def test_both_arms_run_from_the_cli_and_print_the_service_metrics(arm, tmp_path, capsys):
    code = main(["run", str(NORDIC), "--arm", arm, "--weeks", "2", "--set",
                 "run.burn_in_weeks=2", "--set", "run.reform_week=0", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"Employment service: service model {arm}" in out
    for line in ("caseworkers (average)", "meetings waiting a week", "sanctions a year, step 1 / 2",
                 "applications per seeker a month", "benefit days lost a year",
                 "monthly exit to work, 0-4 / 4-13", "employment service staff"):
        assert line in out, line
