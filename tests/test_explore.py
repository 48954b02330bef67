"""sim/explore (what the notebooks and the page run on): scenarios shrunk and changed as a
reader asks, payment designs by result share, and a reform's shared history."""

from __future__ import annotations

import math

import pytest

from sim.config import ScenarioError, load
from sim.explore import payment
from sim.explore.scenario import changed, shrink
from sim.run import simulate
from tests.conftest import SCENARIOS


def test_shrink_scales_the_world_and_the_market_together_and_keeps_the_arms():
    full = load(SCENARIOS / "lov_vs_authorisation.toml")
    small = shrink(full, persons=5000, burn_in=20, weeks=30)
    assert list(small.arms) == list(full.arms)
    size = sum(m.labour_force for m in small.base.world.listed())
    assert abs(size - 5000) < 10
    factor = size / sum(m.labour_force for m in full.base.world.listed())
    f, s = full.base.services["nacka"], small.base.services["nacka"]
    assert s.referral.places == round(f.referral.places * factor)
    assert s.providers.fixed_cost_week == pytest.approx(f.providers.fixed_cost_week * factor)
    assert s.providers.initial == f.providers.initial  # the market keeps its providers
    assert (small.base.run.burn_in_weeks, small.base.run.weeks) == (20, 30)
    assert 0 < small.base.run.reform_week < 30
    # each arm still has its rules pending for the reform week
    assert small.arms["lov"].reform["services.nacka.choice.regime"] == "lov"


def test_a_world_from_data_shrinks_through_its_labour_force_share():
    small = shrink(load(SCENARIOS / "finland_te24.toml"), persons=6000)
    assert abs(sum(m.labour_force for m in small.base.world.listed()) - 6000) < 20
    assert any(m.pilot for m in small.base.world.listed())


def test_changed_keeps_chosen_arms_adds_a_variant_and_refuses_a_bad_value():
    full = load(SCENARIOS / "lov_vs_authorisation.toml")
    sc = changed(full, arms={"mine": {"services.nacka.choice.regime": "authorisation"}},
                 keep=["lov", "mine"])
    assert list(sc.arms) == ["lov", "mine"]
    assert sc.arms["mine"].reform["services.nacka.choice.regime"] == "authorisation"
    with pytest.raises(ScenarioError, match="regime"):
        changed(full, arms={"mine": {"services.nacka.choice.regime": "lottery"}})


@pytest.mark.parametrize("share,tiering", [(0.0, 0.0), (0.7, 1.8), (1.0, 3.0)])
def test_a_design_by_result_share_expects_the_same_revenue(share, tiering):
    s = payment.payment_settings("nacka", share, tiering)
    base = s["services.nacka.payment.base_fee_month"]
    result = s["services.nacka.payment.result_payment"]
    expected = base[0] * payment.MONTHS + payment.SUCCESS * sum(result) / len(result)
    assert expected == pytest.approx(payment.REVENUE, rel=1e-4)
    assert result[-1] == pytest.approx(result[0] * (1 + tiering), rel=1e-4)
    with pytest.raises(ValueError):
        payment.payment_settings("nacka", 1.5, 0.0)


def test_a_run_from_a_shared_history_equals_a_run_that_knew_the_reform(tmp_path):
    """A reform that adds indicators (TE24's co-financing bands) on a history snapshot."""
    sc = shrink(load(SCENARIOS / "finland_te24.toml"), persons=3000, burn_in=10, weeks=12)
    arm = sc.arms["fi_2025"]
    direct = simulate(arm, 3)
    shared = simulate(arm, 3, history_cache=tmp_path)
    assert shared.weekly.column_names == direct.weekly.column_names
    for key, value in direct.summary.items():
        other = shared.summary[key]
        assert (math.isnan(value) and math.isnan(other)) if isinstance(value, float) \
            and math.isnan(value) else other == value, key


def test_the_frontier_keeps_the_designs_no_other_beats_on_both_outcomes():
    cost = [1.0, 2.0, 3.0, 2.5, float("nan")]
    jobs = [0.5, 0.8, 0.9, 0.7, 1.0]
    assert payment.frontier(cost, jobs) == [0, 1, 2]  # 3 costs more than 1 for fewer jobs
    # parking and creaming: higher is better on both
    assert payment.frontier([0.7, 0.9], [1.0, 1.0], lower_x=False) == [1]
