"""The reform in time (run.reform_week): one shared history, the arms' rules from the reform
week, weeks counted from it; a batch forks the arms from one history per replication."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import load
from sim.model import ReformModel
from tests.test_market import small

REFORM = """
[run]
reform_week = 12

[services.nacka.choice]
regime = "public"
[services.nacka.payment]
design = "in_house"

[arms.public.services.nacka.choice]
regime = "public"

[arms.lov.services.nacka.choice]
regime = "lov"
[arms.lov.services.nacka.payment]
design = "krom"

[arms.takeover.funding]
model = "municipal_takeover"
"""


@pytest.fixture(scope="module")
def reform_path(tmp_path_factory):
    text = small(tmp_path_factory.mktemp("reform"), "", weeks=30).read_text()
    path = tmp_path_factory.mktemp("reform2") / "reform.toml"
    text = text.replace("reform_week = -1", "reform_week = 12")
    path.write_text(text + REFORM.replace("[run]\nreform_week = 12\n", ""))
    return path


@pytest.fixture(scope="module")
def runs(reform_path):
    scenario = load(reform_path)
    out = {}
    for arm in scenario.arms:
        model = ReformModel(scenario.arm(arm), seed=3)
        model.run()
        out[arm] = model
    return out


def table(model):
    t = model.metrics.table()
    return {k: t[k].to_numpy() for k in t.column_names}


def same(a, b) -> bool:
    return np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else np.array_equal(a, b)


def test_weeks_are_counted_from_the_reform(runs):
    model = runs["public"]
    weeks = np.array([r["week"] for r in model.metrics.rows])
    reported = weeks[weeks >= model.first_reported]
    assert reported[0] == -12 and reported[-1] == 30 - 12 - 1


def test_arms_are_identical_in_every_output_up_to_the_reform_week(runs):
    base = table(runs["public"])
    before = base["week"] < 0
    for arm in ("lov", "takeover"):
        other = table(runs[arm])
        for key, column in base.items():
            assert same(column[before], other[key][before]), f"{arm}: {key} differs before"
    assert not same(base["services.nacka.providers_active"],
                    table(runs["lov"])["services.nacka.providers_active"])


def test_the_reform_switches_the_rules_on(runs):
    lov = runs["lov"]
    assert lov.config.services["nacka"].choice.regime == "lov"
    private = [p for p in lov.markets[0].providers if not p.in_house]
    assert private and all(p.entered_week >= 0 for p in private)
    assert not any(p.active for p in lov.markets[0].providers if p.in_house)
    row = table(lov)
    assert row["services.nacka.providers_active"][row["week"] < 0].max() == 0
    assert row["services.nacka.providers_active"][row["week"] >= 1].min() > 0


def test_a_reform_may_not_change_the_shared_history(tmp_path, reform_path):
    from sim.config import ScenarioError

    bad = tmp_path / "bad.toml"
    bad.write_text(reform_path.read_text() + "\n[arms.longer.run]\nweeks = 40\n")
    with pytest.raises(ScenarioError, match="arms.longer.run.weeks: arms share their history"):
        load(bad)


def test_a_batch_computes_one_shared_history_per_replication_and_forks_the_arms(
        reform_path, tmp_path):
    from sim import store
    from sim.batch import run_batch
    from sim.run import simulate

    scenario = load(reform_path)
    outcome = run_batch(scenario, out=tmp_path, replications=2, workers=1, progress=False)
    assert not outcome.failures
    runs = tmp_path / scenario.name / "batch" / store.RUNS_DIR
    how: dict[int, list[str]] = {}
    for spec in outcome.specs:
        manifest = store.read_manifest(runs / spec.run_id)
        how.setdefault(spec.seed, []).append(manifest["timings"]["history"])
    for seed, ways in how.items():
        assert sorted(ways) == ["computed", "shared", "shared"], (seed, ways)
    assert not list(runs.glob(".history-*")), "snapshots are removed after the batch"
    # a forked arm is the same run as one that computed its own history
    spec = next(s for s in outcome.specs if s.arm == "lov")
    alone = simulate(spec.config, spec.seed)
    forked = store.read_summary(runs / spec.run_id)
    assert alone.summary.keys() == forked.keys()
    for key, value in alone.summary.items():
        if key != "calibration":
            assert value == forked[key] or (np.isnan(value) and np.isnan(forked[key])), key


def test_without_a_reform_date_an_arm_runs_its_own_rules_from_the_start(reform_path):
    from sim.config import override_config

    arm = load(reform_path).arm("lov")
    model = ReformModel(override_config(arm, {"run.reform_week": -1}), seed=3)
    assert model.reform is None and model.config.services["nacka"].choice.regime == "lov"
    assert any(not p.in_house for p in model.markets[0].providers)


@pytest.fixture(scope="module")
def te24():
    """finland_te24 on a tenth of the area, its pilot and learning years shortened."""
    from pathlib import Path

    from sim.config import override_config

    scenario = load(Path(__file__).resolve().parent.parent / "scenarios" / "finland_te24.toml")
    quick = {"world.labour_force_share": 0.0475, "run.burn_in_weeks": 30, "run.weeks": 50,
             "run.reform_week": 10, "municipal.pilot_weeks": 30, "municipal.learning_weeks": 15}
    out = {}
    for arm in ("fi_pre2025", "fi_2025"):
        model = ReformModel(override_config(scenario.arm(arm), quick), seed=5)
        model.run()
        out[arm] = table(model)
    return out


def test_pilots_start_the_reform_ahead_and_the_others_catch_up_under_te24(te24):
    for arm, t in te24.items():
        gap = t["pilots.capability"] - t["others.capability"]
        at = gap[t["week"] == 0][0]
        assert at > 0.05, f"{arm}: the pilot's years put it ahead at the reform"
    old, new = te24["fi_pre2025"], te24["fi_2025"]
    gap_old = old["pilots.capability"] - old["others.capability"]
    gap_new = new["pilots.capability"] - new["others.capability"]
    assert gap_new[-1] < 0.5 * gap_new[new["week"] == 0][0], "running services, they learn"
    assert gap_old[-1] == pytest.approx(gap_old[old["week"] == 0][0]), "without it, they don't"
    before = new["week"] < 0
    assert same(gap_old[before], gap_new[before]), "one shared history"
