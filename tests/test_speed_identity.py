"""Speed must not change numbers: on a mid-sized world of real municipalities (national_se and
national_fi at a small labour-force share: all their municipalities and local labour markets,
co-financing on in Finland), the weekly table, the ledger and the municipal table are the same
bit for bit with the fused kernels or the NumPy code they replaced (payments, matching counts,
the matching kernel's inputs, the meetings' scan and queue, search effort, the register's passes,
counter-based draws), with seeker agents or without, with 1 or 2 Numba threads. Timings are
`reformsim bench`'s, not these tests'.
"""

from __future__ import annotations

import numba
import pytest

import sim.agents.employment_service
import sim.kernels.benefits
import sim.labour_market
import sim.market.choice
import sim.market.market
import sim.market.referral
import sim.public_finance
import sim.register
from sim.bench import same_bits
from sim.kernels import rng
from sim.kernels.benefits_reference import benefit_week_reference
from sim.kernels.cofinancing import cofinanced_week_reference
from sim.kernels.effort import expected_effort_reference
from sim.kernels.gather import seekers_by_market_reference
from sim.kernels.meetings import draw_order_reference, meetings_scan_reference
from sim.kernels.register import (
    in_scheme_reference,
    referable_reference,
    reprofile_due_reference,
    spell_clock_reference,
)
from sim.kernels.tally import tally_reference
from sim.model import ReformModel
from tests.conftest import SCENARIOS

MID = {"se": {"world.labour_force_share": 0.0025},  # about 20,000 persons
       "fi": {"world.labour_force_share": 0.005, "run.reform_week": 8}}  # TE24 at week 8
ARM = {"se": None, "fi": "fi_2025"}  # TE24: municipal services, staff and co-financing


def run(country: str, **settings):
    overrides = {"run.burn_in_weeks": 12, "run.weeks": 16, **MID[country], **settings}
    model = ReformModel(SCENARIOS / f"national_{country}.toml", arm=ARM[country],
                        **{k.replace(".", "__"): v for k, v in overrides.items()})
    model.run()
    return model


def same_run(a, b) -> bool:
    return (same_bits(a.metrics.table(), b.metrics.table())
            and same_bits(a.ledger.table(), b.ledger.table())
            and same_bits(a.finance.municipal_table(), b.finance.municipal_table()))


@pytest.fixture(scope="module", params=["se", "fi"])
def fused(request):
    return request.param, run(request.param)


def test_the_mid_world_is_mid_sized(fused):
    country, model = fused
    assert model.population.n > 10_000 and len(model.municipalities) > 250
    assert model.metrics.table()["hires"].to_numpy().sum() > 0
    if country == "fi":  # the municipalities pay services and co-finance benefits
        categories = {(payer.split(":")[0], category)
                      for _, payer, _, category, _ in model.ledger.rows()}
        assert ("municipality", "municipal_cofinancing") in categories
        assert ("municipality", "in_house_service_cost") in categories


def test_fused_kernels_equal_the_numpy_code_they_replaced(fused, monkeypatch):
    country, model = fused
    monkeypatch.setattr(sim.public_finance, "benefit_week", benefit_week_reference)
    monkeypatch.setattr(sim.labour_market, "tally", tally_reference)
    monkeypatch.setattr(sim.labour_market, "seekers_by_market", seekers_by_market_reference)
    monkeypatch.setattr(sim.agents.employment_service, "meetings_scan", meetings_scan_reference)
    monkeypatch.setattr(sim.agents.employment_service, "draw_order", draw_order_reference)
    monkeypatch.setattr(sim.register, "spell_clock", spell_clock_reference)
    monkeypatch.setattr(sim.public_finance, "cofinanced_week", cofinanced_week_reference)
    monkeypatch.setattr(sim.market.market, "in_scheme", in_scheme_reference)
    monkeypatch.setattr(sim.market.referral, "referable", referable_reference)
    monkeypatch.setattr(sim.market.choice, "_in_turn", sim.market.choice.in_turn_reference)
    monkeypatch.setattr(sim.agents.employment_service, "reprofile_due", reprofile_due_reference)
    monkeypatch.setattr(sim.agents.employment_service, "expected_effort",
                        expected_effort_reference)
    monkeypatch.setattr(rng, "COMPILED_FROM", 2**62)  # every draw through NumPy
    assert same_run(model, run(country))


def test_seeker_agents_change_nothing(fused):
    country, model = fused
    with_agents = run(country, **{"run.seeker_agents": True})
    assert len(with_agents.seekers) > 0 and not model.seekers
    assert same_run(model, with_agents)


@pytest.fixture
def restore_threads():
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


def test_one_or_two_numba_threads_change_nothing(fused, restore_threads):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one Numba thread here; tests/test_model.py runs 1 vs 2 in fresh processes")
    country, model = fused
    numba.set_num_threads(1)
    one = run(country)
    numba.set_num_threads(2)
    assert same_run(one, run(country)) and same_run(one, model)


def test_the_per_seeker_python_reference_step_gives_the_same_numbers():
    """The bench's reference step (per-seeker Python kernels, Seeker agents) is the same model."""
    from sim.bench import reference_step

    ref = reference_step(str(SCENARIOS / "municipality_se.toml"), weeks=2, burn_in=2)
    assert ref["identical"] and ref["reference_s_per_week"] > 0
    assert sim.public_finance.benefit_week is not benefit_week_reference  # restored after
    assert hasattr(sim.kernels.benefits._benefit_rows, "py_func"), "the compiled kernel is back"
