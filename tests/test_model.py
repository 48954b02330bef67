"""The weekly model: reproducible, conserving persons, balancing the ledger, driven by events.

Why: a run must be a pure function of (resolved config, seed) whatever the thread count, the
process or whether Seeker agents exist (DESIGN.md, Experiments and results); its state must stay
consistent every week (Invariants); and the weekly cost must follow events and seekers, not the
size of the labour force (issue 2). All of it on small worlds, which behave like large ones.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import mesa
import numba
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim.labour_market
import sim.register
from sim import audit
from sim.agents import EmploymentService, Municipality, Seeker
from sim.config import load, override_config
from sim.kernels.reference import match_week_reference
from sim.model import ReformModel
from sim.population import SEARCHING, Benefit, EventQueue, Status
from sim.spells import Gathered
from tests.conftest import SCENARIOS

REPO = Path(__file__).resolve().parent.parent
MUNICIPAL = REPO / "scenarios" / "municipality_se.toml"


# ------------------------------------------------------------------------------------ helpers
def run(config, seed=None) -> ReformModel:
    model = ReformModel(config, seed=seed)
    model.run()
    return model


def identical(a: pa.Table, b: pa.Table) -> bool:
    """Bit-for-bit equal tables. `Table.equals` treats NaN as unequal to itself (a week with
    no hires has no mean wage), so float columns fall back to comparing their bits."""
    if a.equals(b):
        return True
    if not a.schema.equals(b.schema) or a.num_rows != b.num_rows:
        return False
    for name in a.column_names:
        x, y = a[name].to_numpy(), b[name].to_numpy()
        if x.dtype.kind == "f":
            x, y = x.view(np.uint64), y.view(np.uint64)
        if not np.array_equal(x, y):
            return False
    return True


def check_week(model: ReformModel) -> None:
    """The model's own invariants plus an independent look at the same facts."""
    model.check_invariants()
    pop = model.population
    counts = np.bincount(pop.status, minlength=len(Status))
    assert len(counts) == len(Status), "a status outside Status"
    assert counts.sum() == pop.n, "persons are conserved, each in exactly one status"
    registered = model.registered
    assert np.array_equal(registered, np.flatnonzero(np.isin(pop.status, SEARCHING)))
    assert np.all(np.diff(registered) > 0), "the registered index is sorted and unique"
    if model.config.run.seeker_agents:
        rows = sorted(a.row for a in model.agents if isinstance(a, Seeker))
        assert rows == registered.tolist(), "one Seeker agent per registered row"
    else:
        assert not any(isinstance(a, Seeker) for a in model.agents)
    assert ((pop.tier[registered] >= 1) & (pop.tier[registered] <= 3)).all()
    benefit = pop.benefit[registered]
    assert np.isin(benefit, [b.value for b in Benefit]).all(), "a benefit outside Benefit"
    insured = pop.insured[registered]
    assert (insured[benefit == Benefit.UNEMPLOYMENT_INSURANCE] == 1).all(), (
        "income-related insurance only in a spell that started on it")
    assert (insured[benefit == Benefit.BASIC_INSURANCE] == 2).all(), (
        "basic insurance only in a spell that started on it")
    # Every employed person has exactly one scheduled job ending and every inactive person one
    # scheduled return: the weekly stages pop those, and never scan the labour force.
    assert len(model.labour_market.endings) == counts[Status.EMPLOYED]
    assert len(model.register.reentries) == counts[Status.INACTIVE]
    row = model.metrics.rows[-1]
    assert row["employed"] + row["registered"] + row["in_service"] + row["inactive"] == pop.n


# ---------------------------------------------------------------------------- reproducibility
def test_same_scenario_and_seed_give_identical_weekly_tables_twice(small_config):
    a, b = run(small_config), run(small_config)
    assert a.metrics.table().num_rows == small_config.run.burn_in_weeks + small_config.run.weeks
    assert identical(a.metrics.table(), b.metrics.table())
    assert identical(a.ledger.table(), b.ledger.table())
    # NaN marks "not applicable" in summaries; compare them as text so NaN equals NaN
    assert json.dumps(a.metrics.summary(), sort_keys=True) == json.dumps(
        b.metrics.summary(), sort_keys=True)


def test_a_different_seed_gives_different_numbers(small_config):
    a = run(small_config, seed=1).metrics.table()
    b = run(small_config, seed=2).metrics.table()
    assert not identical(a, b)
    assert a["hires"].to_pylist() != b["hires"].to_pylist()


def test_results_are_identical_with_and_without_seeker_agents(small_config):
    with_agents = run(small_config)
    without = run(override_config(small_config, {"run.seeker_agents": False}))
    assert len(with_agents.seekers) > 0 and len(without.seekers) == 0
    assert identical(with_agents.metrics.table(), without.metrics.table())
    assert identical(with_agents.ledger.table(), without.ledger.table())


def test_a_week_with_seeker_agents_hides_older_objects_from_the_collector_until_it_ends(
        small_config):
    """sim/agents/seeker.py `older_objects_unscanned`: the freeze lasts the week, is not taken
    without agents, and a freeze that was someone else's is left as it was."""
    def freezes_in_a_week(config) -> int:
        model = ReformModel(config)
        seen = []
        model.stages.append(lambda week: seen.append(gc.get_freeze_count()))
        model.step()
        return seen[0]

    assert gc.get_freeze_count() == 0
    assert freezes_in_a_week(small_config) > 0 and gc.get_freeze_count() == 0
    no_agents = override_config(small_config, {"run.seeker_agents": False})
    assert freezes_in_a_week(no_agents) == 0
    gc.freeze()
    try:
        theirs = gc.get_freeze_count()  # frozen objects freed since lower it; none join it
        assert freezes_in_a_week(small_config) <= theirs
        assert 0 < gc.get_freeze_count() <= theirs  # and it stays
    finally:
        gc.unfreeze()


@pytest.fixture
def restore_numba_threads():
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)


def test_results_do_not_depend_on_the_numba_thread_count(small_config, restore_numba_threads):
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("this process has one Numba thread; the subprocess test covers 1 vs 2")
    numba.set_num_threads(1)
    one = run(small_config).metrics.table()
    numba.set_num_threads(2)
    two = run(small_config).metrics.table()
    assert identical(one, two)


def test_the_run_threads_setting_changes_speed_not_results(small_config, restore_numba_threads):
    one = run(override_config(small_config, {"run.threads": 1})).metrics.table()
    two = run(override_config(small_config, {"run.threads": 2})).metrics.table()
    assert identical(one, two)


_CHILD = """
import sys, numba, pyarrow.parquet as pq
from sim.model import ReformModel
model = ReformModel(sys.argv[1])
model.run()
pq.write_table(model.metrics.table(), sys.argv[2])
print(numba.get_num_threads())
"""


def test_fresh_processes_with_1_and_2_numba_threads_give_identical_tables(
    small_scenario_file, tmp_path
):
    """Separate processes, thread pools and hash seeds: only (config, seed) may matter."""
    children = {}
    for threads in (1, 2):
        env = dict(os.environ, NUMBA_NUM_THREADS=str(threads), PYTHONHASHSEED=str(threads))
        out = tmp_path / f"weekly_{threads}.parquet"
        children[threads] = (out, subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(small_scenario_file), str(out)],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ))
    tables = {}
    for threads, (out, child) in children.items():
        stdout, stderr = child.communicate(timeout=300)
        assert child.returncode == 0, stderr
        assert stdout.split()[-1] == str(threads), "the child ran with the requested threads"
        tables[threads] = pq.read_table(out)
    assert identical(tables[1], tables[2])
    here = run(load(small_scenario_file).base).metrics.table()
    assert identical(tables[1], here), "a run in this process equals the fresh processes"


def test_the_kernel_and_its_pure_python_twin_give_the_same_model_run(small_config, monkeypatch):
    config = override_config(small_config, {"run.burn_in_weeks": 3, "run.weeks": 5})
    kernel = run(config)
    monkeypatch.setattr(sim.labour_market, "match_week", match_week_reference)
    twin = run(config)
    assert kernel.metrics.table()["hires"].to_numpy().sum() > 0, "the run must match someone"
    assert identical(kernel.metrics.table(), twin.metrics.table())
    assert identical(kernel.ledger.table(), twin.ledger.table())


# --------------------------------------------------------------------------------- invariants
@pytest.mark.parametrize("scenario,arm,share", [("municipality_se.toml", None, 1.0),
                                                ("national_fi.toml", "fi_2025", 0.005)])
def test_the_weekly_passes_read_the_spell_table_not_scattered_rows(scenario, arm, share,
                                                                   monkeypatch):
    """Every stage that reads the seekers' spell columns (sim/spells.py: meetings, search
    effort, matching, benefits, municipal accounts, referral) is handed the register's own
    index and reads the dense table; a gather from the population is only the fallback."""
    gathered = []

    def counted(population, persons):
        gathered.append(len(persons))
        return Gathered(population, persons)

    monkeypatch.setattr(sim.register, "Gathered", counted)
    model = ReformModel(SCENARIOS / scenario, arm=arm, run__burn_in_weeks=4, run__weeks=12,
                        run__reform_week=4, world__labour_force_share=share)
    model.run()
    assert len(model.registered) > 0 and gathered == []
    model.check_invariants()  # the table equals the population's columns


def test_only_registered_persons_can_leave_the_register(small_config):
    """The register finds leavers by position in its sorted index: anyone else is an error, not
    a silent removal of whoever sits at that position."""
    model = ReformModel(small_config)
    outside = np.setdiff1d(np.arange(model.population.n), model.registered)[:3]
    with pytest.raises(ValueError, match="only registered persons"):
        model.register.remove(outside)


def test_counting_persons_by_municipality_searches_the_layout(small_config):
    """Persons are laid out municipality by municipality, so counting sorted persons by
    municipality needs no read of their rows: the same counts as a bincount of the column."""
    model = ReformModel(small_config)
    pop, n = model.population, len(model.municipalities)
    rng = np.random.default_rng(0)
    for persons in (model.registered, np.sort(rng.choice(pop.n, 300, replace=False)),
                    np.empty(0, dtype=np.int64)):
        assert np.array_equal(pop.count_by_municipality(persons, n),
                              np.bincount(pop.municipality[persons], minlength=n))


def test_persons_are_conserved_and_each_is_in_exactly_one_status_every_week(small_config):
    model = ReformModel(small_config)
    check_week_zero = model.population.status_counts()
    assert sum(check_week_zero.values()) == model.population.n
    for _ in range(small_config.run.burn_in_weeks + small_config.run.weeks):
        model.step()
        check_week(model)
    table = model.metrics.table()
    assert table["inactive"].to_numpy().max() > 0, "the run exercised exits from the labour force"
    assert table["hires"].to_numpy().sum() > 0 and table["separations"].to_numpy().sum() > 0


def test_the_ledger_balances_every_week_and_reconciles_with_the_weekly_table(small_config):
    model = ReformModel(small_config)
    weekly_assistance = small_config.benefits.social_assistance_month * 12 / 52
    for _ in range(small_config.run.burn_in_weeks + small_config.run.weeks):
        week = model.week
        model.step()
        ledger = model.ledger
        assert not audit.audit(model, [week])
        by_payer = sum(ledger.totals("payer", week).values())
        by_payee = sum(ledger.totals("payee", week).values())
        by_category = ledger.totals("category", week)
        assert by_payer == pytest.approx(by_payee) == pytest.approx(sum(by_category.values()))
        row = model.metrics.rows[-1]
        for category, amount in by_category.items():
            assert row[f"spend.{category}"] == amount
        pop, seekers = model.population, model.registered
        on_assistance = int(np.sum(pop.benefit[seekers] == Benefit.SOCIAL_ASSISTANCE))
        assert by_category.get("social_assistance", 0.0) == pytest.approx(
            on_assistance * weekly_assistance, abs=0.005 * len(model.municipalities)
        )  # the ledger books whole öre, one row per municipality
    audit.check(model)
    assert set(model.ledger.totals("category")) >= {
        "unemployment_insurance", "activity_support", "social_assistance"
    }


@st.composite
def small_worlds(draw):
    sizes = draw(st.lists(st.integers(100, 1500), min_size=1, max_size=3))
    markets = draw(st.lists(st.sampled_from("AB"), min_size=len(sizes), max_size=len(sizes)))
    return {
        "world.municipalities": [
            {"name": f"M{i}", "labour_force": n, "market": m}
            for i, (n, m) in enumerate(zip(sizes, markets, strict=True))
        ],
        "world.occupations": draw(st.integers(1, 12)),
        "labour_market.separation_rate": draw(st.floats(0.0, 0.02)),
        "labour_market.vacancy_rate": draw(st.floats(0.0, 0.02)),
        "labour_market.applications": draw(st.floats(0.0, 6.0)),
        "labour_market.inactivity_rate": draw(st.floats(0.0, 0.1)),
        "labour_market.initial_unemployment": draw(st.floats(0.0, 0.5)),
        "benefits.insurance_days": draw(st.integers(0, 60)),
        "run.seeker_agents": draw(st.booleans()),
        "run.burn_in_weeks": draw(st.integers(0, 4)),
        "run.weeks": 12,
        "run.seed": draw(st.integers(0, 2**40)),
    }


@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(overrides=small_worlds())
def test_invariants_hold_on_random_small_worlds(municipal_scenario, overrides):
    config = override_config(municipal_scenario.base, overrides)
    model = ReformModel(config)
    for _ in range(config.run.burn_in_weeks + config.run.weeks):
        model.step()
        check_week(model)
        audit.check(model, [model.metrics.rows[-1]["week"]])


# ---------------------------------------------------------------------------- events, demand
def test_event_queue_pops_exactly_the_persons_due_that_week():
    queue = EventQueue()
    queue.schedule(np.array([5, 3, 5, 9]), np.array([40, 10, 20, 30]))
    queue.schedule(np.array([5]), np.array([7]))
    queue.schedule(np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert len(queue) == 5
    assert queue.pop(4).tolist() == [] and queue.pop(4).dtype == np.int64
    assert queue.pop(5).tolist() == [7, 20, 40], "due persons, sorted"
    assert len(queue) == 2
    assert queue.pop(5).tolist() == [], "a week's events are handed out once"
    assert queue.pop(3).tolist() == [10]
    assert queue.pop(9).tolist() == [30]
    assert len(queue) == 0


@pytest.mark.parametrize("seed", range(4))
def test_event_queue_equals_a_bucket_per_week_across_blocks(seed):
    """Events far ahead wait in blocks of weeks: weeks popped in order (from burn-in's negative
    weeks on) hand out what a plain bucket per week would, events scheduled into a block
    already reached included."""
    rng = np.random.default_rng(seed)
    queue, plain = EventQueue(), {}
    for week in range(-150, 250):
        if rng.random() < 0.7:
            n = int(rng.integers(0, 40))
            weeks = week + 1 + rng.geometric(rng.choice([0.3, 0.01, 0.002]), n)
            persons = rng.integers(0, 10_000, n)
            queue.schedule(weeks, persons)
            for w, p in zip(weeks.tolist(), persons.tolist(), strict=True):
                plain.setdefault(w, []).append(p)
        assert queue.pop(week).tolist() == sorted(plain.pop(week, []))
        assert len(queue) == sum(map(len, plain.values()))


def test_separations_are_exactly_the_jobs_scheduled_to_end_that_week(small_config):
    model = ReformModel(small_config)
    pop = model.population
    for _ in range(15):
        week = model.week
        due = (pop.status == Status.EMPLOYED) & (pop.separation_week == week)
        expected = int(due.sum())
        model.step()
        assert model.metrics.rows[-1]["separations"] == expected
        assert not ((pop.status == Status.EMPLOYED) & (pop.separation_week <= week)).any()


def test_a_negative_demand_shock_raises_unemployment_against_the_same_seed(small_config):
    shock = {"labour_market.shock_week": 0, "labour_market.shock_size": -0.8,
             "labour_market.shock_weeks": small_config.run.weeks}
    calm = run(small_config).metrics.table()
    hit = run(override_config(small_config, shock)).metrics.table()
    burn_in = small_config.run.burn_in_weeks
    assert identical(calm.slice(0, burn_in), hit.slice(0, burn_in)), (
        "common random numbers: nothing differs before the shock")
    calm, hit = calm.slice(burn_in).to_pydict(), hit.slice(burn_in).to_pydict()
    assert sum(hit["vacancies_posted"]) < 0.4 * sum(calm["vacancies_posted"])
    assert np.mean(hit["unemployment_rate"]) > np.mean(calm["unemployment_rate"])
    assert hit["unemployment_rate"][-1] > calm["unemployment_rate"][-1] + 0.005


# ---------------------------------------------------------------------------------- mesa
def test_the_model_is_a_mesa_model_with_mesa_agents(small_config):
    model = ReformModel(small_config)
    model.step()
    assert isinstance(model, mesa.Model)
    for kind in (Seeker, Municipality, EmploymentService):
        assert issubclass(kind, mesa.Agent)
    by_type = model.agents_by_type
    assert len(by_type[EmploymentService]) == 1
    assert [m.name for m in by_type[Municipality]] == ["Nacka", "Varmdo", "Visby"]
    assert len(by_type[Seeker]) == len(model.registered) > 0


def test_a_seeker_agent_is_a_live_view_on_its_population_row(small_config):
    model = ReformModel(small_config)
    seeker = next(iter(model.agents_by_type[Seeker]))
    pop = model.population
    assert seeker.status == pop.status[seeker.row] and seeker.status_name in {
        "registered", "in_service"}
    assert seeker.tier == pop.tier[seeker.row] and seeker.skill == pop.skill[seeker.row]
    pop.spell_weeks[seeker.row] = 77
    assert seeker.spell_weeks == 77, "attributes read the columns, never a stale copy"


def test_keyword_overrides_by_double_underscore_dotted_or_unique_name(small_scenario_file):
    model = ReformModel(
        small_scenario_file,
        labour_market__vacancy_rate=0.003,
        separation_rate=0.002,
        **{"run.burn_in_weeks": 2},
    )
    lm = model.config.labour_market
    assert (lm.vacancy_rate, lm.separation_rate, model.config.run.burn_in_weeks) == (
        0.003, 0.002, 2)
    assert model.week == -2


def test_the_municipal_scenario_file_with_keyword_overrides_builds_a_small_world():
    model = ReformModel(
        MUNICIPAL,
        seed=11,
        world__municipalities=[{"name": "Nacka", "labour_force": 2000, "market": "S"}],
        labour_market__vacancy_rate=0.0025,
    )
    assert model.population.n == 2000 and model.seed == 11
    assert model.config.labour_market.vacancy_rate == 0.0025
    model.step()
    check_week(model)


def test_without_seeker_agents_no_seeker_is_created(small_config):
    model = ReformModel(override_config(small_config, {"run.seeker_agents": False}))
    for _ in range(5):
        model.step()
    assert len(model.registered) > 0
    assert not any(isinstance(a, Seeker) for a in model.agents)


def test_mesas_batch_run_drives_the_model_with_keyword_overrides(small_config):
    results = mesa.batch_run(
        ReformModel,
        parameters={"config": small_config, "labour_market__vacancy_rate": [0.001, 0.003]},
        rng=[7], max_steps=small_config.run.burn_in_weeks + 4, number_processes=1,
        data_collection_period=-1, display_progress=False)
    by_rate = {r["labour_market__vacancy_rate"]: r for r in results}
    assert set(by_rate) == {0.001, 0.003}
    assert by_rate[0.003]["unemployment_rate"] < by_rate[0.001]["unemployment_rate"]
    assert all(r["week"] == 3 for r in results)
