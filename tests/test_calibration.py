"""The public baseline of the municipal scenario is calibrated to the Swedish figures.

Why: every reform arm is compared against this baseline, so it must reproduce what the Swedish
employment service reports (evidence.md 5.1): registered unemployment, the long-term share, the
weekly job-finding rate, and job chances that fall with spell length and distance from work.
The targets and tolerances are the scenario's own `[calibration]` table, the same figures
`reformsim run` prints beside the simulation. Full size (79,000 persons), 260 weeks of burn-in
and 156 reported weeks, for two seeds so a lucky draw cannot pass.

What was fitted to what (scenarios/municipality_se.toml, in the steady state of 20-year runs):
`separation_rate` to the unemployment rate, `vacancy_rate` to the job-finding rate, and
`employer_contacts` to the matching function's elasticity with respect to seekers
(tests/evidence/test_matching.py), `stigma_per_week` to the long spells' hazard. The long-term
share and the short spells' hazard are not fitted: they are outcomes. The warm start
(`initial_*`) is set to the steady state, so the run does not drift after burn-in.
"""

from __future__ import annotations

import pytest

from sim.config import override_config
from sim.run import simulate

SEEDS = (20260101, 7)
REPORTED_WEEKS = 156


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def baseline(request, municipal_scenario):
    config = override_config(municipal_scenario.base, {"run.weeks": REPORTED_WEEKS})
    assert config.run.burn_in_weeks == 260
    return simulate(config, request.param, scenario=municipal_scenario.name)


def test_the_run_is_the_full_municipal_labour_force(baseline):
    assert baseline.summary["persons"] == 79_000
    assert baseline.summary["weeks"] == REPORTED_WEEKS


def test_every_calibration_target_holds_within_its_stated_tolerance(baseline):
    calibration = {c["indicator"]: c for c in baseline.summary["calibration"]}
    stated = {name: (target, tol) for name, target, tol, _ in
              baseline.config.calibration.targets()}
    assert set(calibration) == set(stated), "the summary reports every target"
    for name, (target, tol) in stated.items():
        row = calibration[name]
        assert (row["target"], row["tolerance"]) == (target, tol)
        simulated = baseline.summary[name]
        assert row["simulated"] == simulated
        assert abs(simulated - target) <= tol, (
            f"{name}: simulated {simulated:.4f}, target {target} +- {tol}"
        )
        assert row["ok"], name


def test_the_calibration_covers_unemployment_long_term_share_and_job_finding(baseline):
    names = {c["indicator"] for c in baseline.summary["calibration"]}
    assert {"unemployment_rate", "long_term_share", "job_finding_rate"} <= names


def test_job_chances_fall_with_spell_length(baseline):
    s = baseline.summary
    assert s["monthly_hazard_short"] > s["monthly_hazard_medium"] > s["monthly_hazard_long"]


def test_job_finding_falls_from_tier_1_to_tier_3(baseline):
    s = baseline.summary
    assert s["job_finding_tier1"] > s["job_finding_tier2"] > s["job_finding_tier3"] > 0
    assert s["share_tier1"] + s["share_tier2"] + s["share_tier3"] == pytest.approx(1.0)


def test_the_labour_market_does_not_drift_after_burn_in(baseline):
    """The reported years are the steady state, not the tail of the warm start."""
    reported = baseline.weekly["week"].to_numpy() >= 0
    u = baseline.weekly["unemployment_rate"].to_numpy()[reported]
    first, last = u[:52].mean(), u[-52:].mean()
    assert abs(last - first) < 0.004, f"unemployment {first:.4f} in year 1, {last:.4f} in year 3"
