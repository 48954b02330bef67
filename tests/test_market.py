"""The quasi-market (sim/market/) on small worlds: incentives, not scripts, make providers park
and cream; reviews find the weakest provider; rules are data; new designs and behaviours are
settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim import audit
from sim.cli import main
from sim.config import load, override_config
from sim.metrics import section
from sim.model import ReformModel
from sim.rules.choice import PRESETS, ChoiceRules

ROOT = Path(__file__).resolve().parent.parent
MAIN = ROOT / "scenarios" / "lov_vs_authorisation.toml"

SMALL = """
extends = "{main}"
name = "small_market"
replications = 2

[run]
weeks = {weeks}
burn_in_weeks = 20
reform_week = -1  # each arm's rules from the start: markets settle during burn-in

[world]
municipalities = [
  {{ name = "Nacka", labour_force = 8000, market = "Stockholm" }},
  {{ name = "Varmdo", labour_force = 3000, market = "Stockholm" }},
]

[services.nacka.referral]
places = 200

[services.nacka.providers]
initial = 8
capacity_mean = 40.0
fixed_cost_week = 2500.0  # a small market: 200 places carry about 8 providers
"""


def small(tmp_path: Path, extra: str = "", weeks: int = 40) -> Path:
    path = tmp_path / "small_market.toml"
    path.write_text(SMALL.format(main=MAIN.as_posix(), weeks=weeks) + extra)
    return path


def run(path: Path, arm: str | None = None, seed: int = 1, check: bool = False, **overrides):
    model = ReformModel(path, arm=arm, seed=seed, **overrides)
    total = model.config.run.burn_in_weeks + model.config.run.weeks
    for _ in range(total):
        model.step()
        if check:
            model.check_invariants()
    return model, section(model.metrics.summary(), "services.nacka")


REVIEW = """
[arms.review.services.nacka.choice]
regime = "lov"
review_weeks = 26
exclusion_share = 0.34
published_ratings = false
min_rated_participants = 4

[arms.review.services.nacka.payment]
design = "flat_fee"

[arms.review.services.nacka.providers]
initial = 6
entrants_per_quarter = 0.0
effectiveness_spread = 0.6
capacity_mean = 35.0
capacity_sd = 0.0

[arms.review.services.nacka.referral]
places = 210

[arms.review.services.nacka.effect]
boost = 3.0
"""


def test_performance_review_excludes_the_least_effective_provider_in_most_seeds(tmp_path):
    path = small(tmp_path, REVIEW, weeks=27)
    hits = 0
    seeds = range(1, 8)
    for seed in seeds:
        model, _ = run(path, arm="review", seed=seed)
        qm = model.markets[0]
        excluded = [p for p in qm.providers if p.exit_reason == "excluded"]
        assert excluded, "a review should exclude someone"
        first = min(excluded, key=lambda p: (p.left_week, p.index))
        rivals = [p for p in qm.providers if p.left_week is None or p.left_week >= first.left_week]
        hits += first.effectiveness == min(p.effectiveness for p in rivals)
    assert hits > len(seeds) / 2


@pytest.mark.parametrize("arm", ["public", "lov", "authorisation"])
def test_capacity_is_never_exceeded_and_invariants_hold_every_week(tmp_path, arm):
    model, s = run(small(tmp_path, weeks=30), arm=arm, check=True)
    assert s["participants"] > 0


def test_a_preset_overridden_by_one_line_changes_only_that_rule(tmp_path):
    path = small(tmp_path, """
[arms.hybrid.services.nacka.choice]
regime = "lov"
refusal_allowed = true
[arms.plain.services.nacka.choice]
regime = "lov"
""")
    sc = load(path)
    hybrid = sc.arms["hybrid"].services["nacka"].choice
    plain = sc.arms["plain"].services["nacka"].choice
    assert hybrid.overrides() == {"refusal_allowed": True}
    assert plain.overrides() == {}
    differ = {k for k in PRESETS["lov"] if getattr(hybrid, k) != getattr(plain, k)}
    assert differ == {"refusal_allowed"}


def test_changing_the_regime_by_override_takes_the_new_presets_settings(tmp_path):
    config = load(small(tmp_path)).base  # the public service (before the reform)
    public = override_config(config, {"services.nacka.choice.regime": "public"})
    assert public.services["nacka"].choice == ChoiceRules(regime="public")
    kw = ReformModel(small(tmp_path), services__nacka__choice__regime="procurement").config
    assert kw.services["nacka"].choice.entry == "tender"


def test_the_state_and_a_municipality_can_run_different_regimes_in_one_world(tmp_path):
    path = small(tmp_path, """
[arms.both.services.nacka.choice]
regime = "lov"
[arms.both.services.nacka.payment]
design = "krom"
[arms.both.services.state]
purchaser = "state"
municipalities = ["Varmdo"]
[arms.both.services.state.choice]
regime = "procurement"
[arms.both.services.state.payment]
design = "krom"
[arms.both.services.state.referral]
places = 80
""", weeks=30)
    model, _ = run(path, arm="both", check=True)
    summary = model.metrics.summary()
    assert summary["services.nacka.participants"] > 0
    assert summary["services.state.participants"] > 0
    ledger = model.ledger.table().to_pylist()
    payers = {(r["payer"], r["category"]) for r in ledger if r["category"].startswith("provider")}
    assert ("state", "provider_base_fee") in payers
    assert ("municipality:Nacka", "provider_base_fee") in payers
    nacka = model.markets[0]
    persons = nacka.participants()
    assert (model.population.municipality[persons] == 0).all()  # Nacka's only


def test_provider_payments_in_the_ledger_equal_provider_revenue(tmp_path):
    model, _ = run(small(tmp_path, weeks=30), arm="lov")
    paid = sum(r["amount"] for r in model.ledger.table().to_pylist()
               if r["category"] in ("provider_base_fee", "provider_result_payment"))
    revenue = sum(p.revenue for p in model.markets[0].providers)
    assert paid == pytest.approx(revenue, abs=1.0)  # the ledger books whole öre
    audit.check(model)


@pytest.mark.parametrize("arm", ["public", "lov", "authorisation"])
def test_each_arm_runs_from_the_cli_and_prints_the_market_metrics(tmp_path, capsys, arm):
    code = main(["run", str(small(tmp_path, weeks=6)), "--arm", arm, "--out",
                 str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 0
    for label in ("parking index", "creaming index", "work within 6 months", "providers active",
                  "market concentration (HHI)", f"regime {arm}"):
        assert label in out


def test_ratings_are_one_to_four_stars_and_differ_across_providers(tmp_path):
    model, _ = run(small(tmp_path, weeks=40), arm="lov")
    stars = [p.stars for p in model.markets[0].providers if p.active and p.stars]
    assert stars and set(stars) <= {1, 2, 3, 4}
    assert len(set(stars)) > 1


def test_active_choosers_prefer_near_providers(tmp_path):
    path = small(tmp_path, """
[arms.wide.services.nacka]
municipalities = ["Nacka", "Varmdo"]
[arms.wide.services.nacka.choice]
regime = "lov"
distance_weight = 3.0
[arms.wide.services.nacka.providers]
initial = 12
exit_cash = -1e8  # none leaves: where they are stays as drawn
""", weeks=30)
    model, _ = run(path, arm="wide")
    qm = model.markets[0]
    pop = model.population
    parts = qm.participants()
    same = np.array([qm.providers[pop.provider[p]].location == pop.municipality[p]
                     for p in parts])
    locations = np.array([p.location for p in qm.providers if p.active])
    share_local = np.mean(locations[None, :] == pop.municipality[parts][:, None])
    assert same.mean() > share_local  # more local than if choice ignored distance


def test_active_choosers_switch_to_better_rated_providers_only(tmp_path):
    path = small(tmp_path, """
[arms.switchy.services.nacka.choice]
regime = "lov"
switching_rate = 0.2
[arms.switchy.services.nacka.providers]
exit_cash = -1e8  # none leaves: ratings keep their spread
[arms.still.services.nacka.choice]
regime = "lov"
switching_rate = 0.0
[arms.still.services.nacka.providers]
exit_cash = -1e8
""", weeks=30)
    switchy, s = run(path, arm="switchy", check=True)
    _, still = run(path, arm="still")
    assert s["providers_switches"] > 0 and still["providers_switches"] == 0
    pop, qm = switchy.population, switchy.markets[0]
    parts = qm.participants()
    stars = np.array([qm.providers[p].stars for p in pop.provider[parts]])
    chooser = pop.active_chooser[parts]
    assert stars[chooser].mean() > stars[~chooser].mean()  # movers end up better rated


def test_sustained_work_counts_jobs_that_lasted_the_qualifying_period(tmp_path):
    model, s = run(small(tmp_path, weeks=60), arm="lov")
    for horizon in (26, 52):
        assert 0 < s[f"sustained_work_within_{horizon}w"] <= s[f"work_within_{horizon}w"]
    refs = model.markets[0].outcomes.records
    sustained = np.array(refs["sustained"])
    hired = np.array(refs["hire"]) != np.iinfo(np.int32).min
    assert not (sustained & ~hired).any()


# ------------------------------------------------------- new designs and behaviours as settings
EARNINGS = """
[arms.earnings.services.nacka.choice]
regime = "lov"
[arms.earnings.services.nacka.payment]
design = "earnings"
earnings_share = 0.25
"""


def test_an_earnings_design_pays_a_share_of_the_earnings_of_each_job_that_lasted(tmp_path):
    model, s = run(small(tmp_path, EARNINGS, weeks=60), arm="earnings")
    pay = model.config.services["nacka"].payment
    assert pay.result_basis == "earnings"
    paid = [r for r in model.ledger.rows() if r[3] == "provider_result_payment"]
    assert paid, "some jobs lasted six months"
    # every result is 25 % of six months of a wage drawn from the labour market's range
    months = pay.qualifying_weeks * 12 / 52
    wages = model.population.wage
    low, high = pay.earnings_share * months * wages.min(), pay.earnings_share * months * wages.max()
    weekly = {}
    for week, _, _, _, amount in paid:
        weekly[week] = weekly.get(week, 0.0) + amount
    results = np.array([r["services.nacka.results_paid"] for r in model.metrics.rows])
    weeks = np.array([r["week"] for r in model.metrics.rows])
    for week, amount in weekly.items():
        n = results[weeks == week][0]
        assert n * low <= amount + 0.01 and amount <= n * high + 0.01


def test_the_earnings_design_changes_what_providers_are_paid_but_not_who_is_referred(tmp_path):
    path = small(tmp_path, EARNINGS + """
[arms.krom.services.nacka.choice]
regime = "lov"
[arms.krom.services.nacka.payment]
design = "krom"
""", weeks=60)
    a, _ = run(path, arm="krom")
    b, _ = run(path, arm="earnings")
    spend = {m: sum(r[4] for r in m.ledger.rows() if r[3] == "provider_result_payment")
             for m in (a, b)}
    assert spend[a] != spend[b]
    assert a.metrics.rows[0]["services.nacka.referred_tier1"] \
        == b.metrics.rows[0]["services.nacka.referred_tier1"]


REFUSE = """
[arms.refuse.services.nacka.choice]
regime = "lov"
refusal_allowed = true
[arms.refuse.services.nacka.providers]
refused_tiers = [3]

[arms.lov.services.nacka.choice]
regime = "lov"
[arms.lov.services.nacka.providers]
refused_tiers = [3]   # the behaviour, but the rules do not allow refusal
"""


def test_providers_refuse_the_tiers_they_choose_only_where_the_rules_allow_it(tmp_path):
    model, s = run(small(tmp_path, REFUSE), arm="refuse")
    accepted = sum(r["services.nacka.accepted_tier3"] for r in model.metrics.rows)
    referred = sum(r["services.nacka.referred_tier3"] for r in model.metrics.rows)
    assert referred > 0 and accepted == 0
    assert s["refused_share"] > 0 and s["creaming_index"] == 0
    _, lov = run(small(tmp_path, REFUSE), arm="lov")
    assert lov["refused_share"] == 0 and lov["creaming_index"] == pytest.approx(1.0)


FOUR_TIERS = """
[profiling]
tier_cutoffs = [0.4, 0.0, -0.6]

[services.nacka.payment]
base_fee_month = [1500.0, 2000.0, 2500.0, 3000.0]
result_payment = [8000.0, 14000.0, 22000.0, 30000.0]
"""


def test_tiers_come_from_the_configuration_not_the_literal_three(tmp_path):
    model, s = run(small(tmp_path, FOUR_TIERS), arm="lov", check=True)
    assert model.config.tiers == 4
    assert set(np.unique(model.population.tier[model.registered])) <= {1, 2, 3, 4}
    assert "hours_per_week_tier4" in s and "work_within_26w_tier4" in s
    assert "job_finding_tier4" in model.metrics.summary()


def test_amounts_by_tier_must_match_the_profilings_tiers(tmp_path):
    from sim.config import ScenarioError

    bad = FOUR_TIERS.replace(", 30000.0]", "]")
    with pytest.raises(ScenarioError, match="result_payment: needs 4 amounts"):
        load(small(tmp_path, bad))


@pytest.mark.parametrize("seed", range(6))
def test_placing_default_takers_in_turn_equals_placing_them_one_by_one(seed):
    from types import SimpleNamespace

    from sim.market.choice import _in_turn, in_turn_reference

    rng = np.random.default_rng(seed)
    default = [SimpleNamespace(index=i) for i in rng.permutation(6)[:rng.integers(1, 5)]]
    spare = {p.index: int(rng.integers(-3, 40)) for p in default}  # over capacity: negative
    referred = np.sort(rng.choice(10_000, int(rng.integers(0, 120)), replace=False))
    tiers = rng.integers(1, 4, len(referred)).tolist()
    got = _in_turn(referred, tiers, default, dict(spare), 3)
    want = in_turn_reference(referred, tiers, default, dict(spare), 3)
    assert got[0] == want[0] and got[2] == want[2] and got[3] == want[3]
    assert [p.index for p in got[1]] == [p.index for p in want[1]]


def test_an_all_but_unlimited_in_house_service_is_filled_in_turn_at_once():
    from types import SimpleNamespace

    from sim.market.choice import _in_turn

    default = [SimpleNamespace(index=0), SimpleNamespace(index=1)]
    placed, with_, by_tier, queued = _in_turn(np.arange(5), [1, 2, 3, 1, 1], default,
                                              {0: 2, 1: 10**12}, 3)
    assert placed == [0, 1, 2, 3, 4] and [p.index for p in with_] == [0, 0, 1, 1, 1]
    assert by_tier == [3, 1, 1] and queued == 0


@pytest.mark.parametrize("seed", range(8))
def test_the_first_in_line_for_free_places_are_lexsorts_first(seed):
    """Budgeted places go by priority, then draw, then register order; found without a sort
    when everyone shares one priority. Draws from a few values make ties at the cut."""
    from sim.market.referral import first_in_line

    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    u = rng.integers(0, 20, n) / 20.0 if seed % 2 else rng.random(n)
    priority = np.ones(n) if seed < 4 else rng.integers(1, 4, n).astype(float)
    for places in (0, 1, n // 3, n - 1, n, n + 5):
        got = np.sort(first_in_line(u, priority, places))
        want = np.sort(np.lexsort((u, -priority))[:places])
        assert np.array_equal(got, want), places


@pytest.mark.parametrize("seed", range(6))
def test_open_referrals_count_a_hire_as_a_dict_of_every_referral_would(seed):
    """A hire counts against the person's latest referral if it was at most FOLLOW_WEEKS
    ago; the open referrals drop older ones instead of keeping every referral of the run
    (the merges of sim/kernels/follow.py against a dict of every referral)."""
    from types import SimpleNamespace

    from sim.market.outcomes import FOLLOW_WEEKS, Outcomes

    rng = np.random.default_rng(seed)
    outcomes = Outcomes(SimpleNamespace())
    latest, n = {}, 0  # person -> (record, week): every referral's, never dropped
    for week in range(3 * FOLLOW_WEEKS):
        persons = rng.choice(400, int(rng.integers(0, 15)), replace=False)
        outcomes._follow(persons, np.arange(n, n + len(persons)), week)
        latest.update({p: (n + k, week) for k, p in enumerate(persons.tolist())})
        n += len(persons)
        hired = rng.choice(400, int(rng.integers(0, 10)), replace=False)
        got = outcomes._close(hired, week)
        opened = [(p, latest.pop(p)) for p in sorted(hired.tolist()) if p in latest]
        want = [(p, k) for p, (k, referred) in opened if week - referred <= FOLLOW_WEEKS]
        assert list(zip(*(x.tolist() for x in got), strict=True)) == want
        assert len(outcomes._open[0]) <= 15 * (FOLLOW_WEEKS + 1)


def test_a_market_with_more_providers_than_the_population_can_code_stops_clearly(monkeypatch):
    """Providers are int16 codes in the population: the one past the last code is refused
    with a message, not wrapped round to a negative index."""
    from sim.market import providers

    model = ReformModel(Path("scenarios/lov_vs_authorisation.toml"), run__weeks=1)
    market = model.markets[0]
    traits, _ = providers.draw(market, 1, 0, 0)
    monkeypatch.setattr(providers, "MAX_PROVIDERS", len(market.providers) + 1)
    providers.add(market, traits[0], cash=0.0)
    with pytest.raises(RuntimeError, match="more than .* providers"):
        providers.add(market, traits[0], cash=0.0)
