"""ReformModel: builds the world and runs the week as a declared list of stages.

One step is one week (DESIGN.md, Data flow). `STAGES` is the week's order: each entry names a
process and its stage method; a stage reads what earlier ones left in the `Week`
(sim/week.py) and writes its indicators into the week's row. Adding a mechanism is a new
module and a line here. Weeks before 0 are burn-in (the labour market settling from its
initial draw) and are recorded but not summarised.
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numba
import numpy as np

from sim import audit
from sim.agents import EmploymentService, Municipality
from sim.agents.seeker import older_objects_unscanned
from sim.config import Config, ScenarioFile, history, load, override_config, reformed
from sim.kernels import rng
from sim.labour_market import LabourMarket
from sim.ledger import Ledger
from sim.market import Market
from sim.metrics import Metrics
from sim.population import Benefit, Population, Status, World
from sim.public_finance import PublicFinance
from sim.register import Register
from sim.week import Week

S_INITIAL = rng.stream_id("initial-state")

STAGES: tuple[str, ...] = (
    "labour_market.demand",             # 1 vacancies arrive per market and occupation, expire
    "labour_market.separations",        # 2 scheduled job endings
    "register.inflow",                  # 3 the separated and those returning register,
    "employment_service.registration",  #   are profiled into tiers,
    "finance.entitlement",              #   are entitled to a benefit
    "register.enrol",                   #   and join the register
    "employment_service.meetings",      #   reprofiling; caseworker meetings as hours allow
    "municipalities.pilot",             #   pilot municipalities run services before the reform
    "markets.intake",                   # 4 referral and 5 choice of provider
    "employment_service.search",        #   job-search effort: applications
    "markets.service",                  # 6 providers' hours raise applications, productivity
    "labour_market.matching",           # 7 applications, screening, hires (Numba kernel)
    "employment_service.monitoring",    #   job-search obligations and sanctions
    "markets.hires",                    #   result candidates, referral outcomes
    "register.hires",                   #   the hired leave the register
    "markets.service_ends",             #   services that ran their length end
    "register.inactivity",              #   some leave the labour force
    "finance.payments",                 # 8 benefits, assistance, co-financing, transfers
    "employment_service.staff",         #   caseworker time
    "markets.settlement",               #   provider fees and result payments
    "markets.provider_market",          # 9 exits, switching, tenders, ratings, entry, reviews
    "register.spell_clock",             #   another week in every open spell
    "markets.record",                   # 10 the week's indicators
    "metrics.record",
)


def _datacollector() -> mesa.DataCollector:
    """For Mesa's own tools (batch_run, SolaraViz): the week's headline indicators."""
    return mesa.DataCollector(model_reporters={
        key: (lambda m, key=key: m.metrics.rows[-1].get(key) if m.metrics.rows else None)
        for key in ("week", "unemployment_rate", "long_term_share", "job_finding_rate",
                    "registered", "hires", "vacancies_open")})


class ReformModel(mesa.Model):
    """The simulated labour market of a scenario arm.

    `ReformModel("scenarios/municipality_se.toml", arm="lov", seed=3, weeks=52)` or
    `ReformModel(config, **overrides)`: overrides are settings by dotted path, by
    double-underscore path (`labour_market__separation_rate=0.002`, what Mesa's batch tools
    pass) or by unique name (`separation_rate=0.002`).
    """

    def __init__(
        self,
        config: Config | ScenarioFile | str | Path,
        *,
        arm: str | None = None,
        seed: int | None = None,
        rng: int | None = None,
        **overrides,
    ):
        if isinstance(config, (str, Path)):
            config = load(config)
        if isinstance(config, ScenarioFile):
            config = config.arm(arm)
        if overrides:
            config = override_config(config, overrides)
        seed = seed if seed is not None else rng  # `rng=`: what Mesa's tools pass
        seed = config.run.seed if seed is None else int(seed)
        super().__init__(rng=seed)
        # the rules in force: the shared history's, then from week 0 the arm's (a reform)
        self.seed = seed
        if config.reforms and config.reform:
            self.config, self.reform = history(config), reformed(config)
        else:  # no reform date: the arm's rules from the start
            self.config, self.reform = reformed(config), None
        if config.run.threads:
            numba.set_num_threads(min(config.run.threads, numba.config.NUMBA_NUM_THREADS))
        # week 0 is the reform week (or the first reported week without one); reported weeks
        # start `pre_reform_weeks` before it, after `burn_in_weeks` of warm-up
        self.week = -config.run.burn_in_weeks - config.pre_reform_weeks
        self.week_zero = 0
        self.first_reported = -config.pre_reform_weeks
        self.last_week = config.run.weeks - config.pre_reform_weeks - 1
        config = self.config  # the rules in force from here on
        self.world = World.from_config(config)
        self.population = Population.build(config, self.world, seed)
        self.ledger = Ledger()
        self.finance = PublicFinance(self)
        self.employment_service = EmploymentService(self)
        self.municipalities = [
            Municipality(self, i, spec) for i, spec in enumerate(self.world.municipalities)
        ]
        self.register = Register(self)
        self.labour_market = LabourMarket(config, self.world, self.population, self.register,
                                          seed)
        self.metrics = Metrics(self)
        self.markets: list[Market] = []  # none while the initial state is drawn
        self._initial_state()
        self.markets = [Market(self, name, scheme, sid)
                        for sid, (name, scheme) in enumerate(config.services.items())]
        self.stages = self._bind(STAGES)
        self.datacollector = _datacollector()

    def __getstate__(self) -> dict:
        """For a snapshot of the world (a shared history): the DataCollector's reporters are
        lambdas, so its collected values travel and it is built anew."""
        state = dict(self.__dict__)
        state["datacollector"] = self.datacollector.model_vars
        return state

    def __setstate__(self, state: dict) -> None:
        collected = state.pop("datacollector")
        self.__dict__.update(state)
        self.datacollector = _datacollector()
        self.datacollector.model_vars.update({k: list(v) for k, v in collected.items()})

    def _bind(self, stages: tuple[str, ...]) -> list:
        """The bound stage methods in order; a process that is a list (the markets) runs its
        stage for each member."""
        calls = []
        for stage in stages:
            process, method = stage.split(".")
            members = getattr(self, process)
            for member in members if isinstance(members, list) else [members]:
                calls.append(getattr(member, method))
        return calls

    # ------------------------------------------------------------------------ the week
    def step(self) -> None:
        if self.week == 0 and self.reform is not None:
            self.adopt(self.reform)
        week = Week(self.week)
        week.row["week"] = self.week
        with older_objects_unscanned(self.config.run.seeker_agents):
            for stage in self.stages:
                stage(week)
            self.datacollector.collect(self)
        self.week += 1

    def run(self, until: int | None = None, progress=None) -> None:
        """Run to the end of the reported weeks, or up to (not including) week `until`."""
        end = self.last_week + 1 if until is None else until
        while self.week < end:
            self.step()
            if progress is not None:
                progress.update(1)

    def adopt(self, config: Config) -> None:
        """The reform: the arm's rules take effect in every process, from this week on."""
        self.config = config
        self.finance.adopt(config)
        self.employment_service.adopt(config)
        self.labour_market.adopt(config)
        for municipality in self.municipalities:
            municipality.adopt(config)
        known = {m.name: m for m in self.markets}
        for sid, (name, scheme) in enumerate(config.services.items()):
            if name in known:
                known[name].adopt(scheme, self.week)
            else:
                self.markets.append(Market(self, name, scheme, sid))
        self.stages = self._bind(STAGES)

    @property
    def registered(self) -> np.ndarray:
        """Registered seekers (open search or in a service), sorted."""
        return self.register.registered

    @property
    def seekers(self) -> dict:
        """Seeker agents by population row (when `run.seeker_agents`)."""
        return self.register.seekers

    def status_counts(self) -> dict[str, int]:
        return self.register.status_counts()

    def schemes(self) -> list:
        """One market per service scheme id (a reform may bring a market whose id an earlier
        one had): each registered person in a service is among exactly one's participants."""
        return list({m.sid: m for m in self.markets}.values())

    # ---------------------------------------------------------------------------- stages
    def _initial_state(self) -> None:
        """Start near the steady state: a share unemployed (more of the less skilled), spells
        and job tenures drawn so that burn-in is short."""
        pop, cfg, lm = self.population, self.config, self.config.labour_market
        ids = np.arange(pop.n)
        week = self.week
        risk = np.exp(-lm.initial_skill_gradient * pop.skill)
        p_unemployed = np.clip(lm.initial_unemployment * risk / risk.mean(), 0, 0.95)
        unemployed = rng.uniforms(self.seed, S_INITIAL, 0, ids, 0) < p_unemployed
        employed = ids[~unemployed]
        tenure = np.floor(-np.log1p(-rng.uniforms(self.seed, S_INITIAL, 0, employed, 1)) * 150)
        pop.status[employed] = Status.EMPLOYED
        pop.hire_week[employed] = week - tenure.astype(np.int32)
        pop.wage[:] = np.maximum(0.3 * lm.wage_mean, lm.wage_mean + lm.wage_skill_gradient
                                 * pop.skill + lm.wage_sd * rng.normals(self.seed, S_INITIAL, 0,
                                                                        ids, 2))
        self.labour_market.schedule_separations(employed, week - 1)
        jobless = ids[unemployed]
        self.employment_service.register(jobless, week)
        self.finance.entitle(jobless, np.full(len(jobless), 52))  # past work, as a start
        spell = np.floor(-np.log1p(-rng.uniforms(self.seed, S_INITIAL, 0, jobless, 3))
                         * lm.initial_spell_weeks)
        pop.spell_weeks[jobless] = np.minimum(spell, 400).astype(np.int32)
        pop.spell_start[jobless] = week - pop.spell_weeks[jobless]
        self.employment_service.profile(jobless, week)
        days = np.minimum(pop.spell_weeks[jobless] * cfg.benefits.days_per_week, 5000)
        pop.benefit_days[jobless] = days
        pop.cofinancing_days[jobless] = days
        self.register.add(jobless)

    # ------------------------------------------------------------------------ invariants
    def check_invariants(self) -> None:
        """Raise AssertionError if the state is inconsistent (used by tests and `--check`)."""
        pop = self.population
        assert pop.n == len(pop.status)
        assert self.status_counts() == pop.status_counts(), "status counts out of sync"
        assert np.isin(pop.status, [s.value for s in Status]).all(), "unknown status"
        assert (np.diff(pop.municipality) >= 0).all(), "persons laid out by municipality"
        searching = np.flatnonzero(pop.searching())
        assert np.array_equal(searching, self.registered), "registered index out of sync"
        employed = pop.status == Status.EMPLOYED
        assert (pop.separation_week[employed] >= self.week).all(), "employed past separation"
        assert (pop.benefit[~pop.searching()] == Benefit.NONE).all(), "benefit without spell"
        tiers = pop.tier[searching]
        assert (tiers >= 1).all() and (tiers <= self.config.tiers).all(), "tier out of range"
        spells = self.register.spells(self.registered)
        for name, values in spells.items():
            assert np.array_equal(values, getattr(pop, name)[searching]), f"spell table: {name}"
        assert np.array_equal(pop.spell_weeks[searching], self.week - spells["spell_start"]), (
            "a spell's weeks are the weeks since it started")
        if self.config.run.seeker_agents:
            assert sorted(self.seekers) == self.registered.tolist(), "seeker agents out of sync"
        service = pop.status == Status.IN_SERVICE
        assert (pop.provider[service] >= 0).all() and (pop.scheme[service] >= 0).all()
        assert (pop.provider[~service] == -1).all(), "provider set outside a service"
        for qm in self.markets:
            parts = qm.participants()
            assert np.array_equal(parts, np.flatnonzero(service & (pop.scheme == qm.sid))), (
                f"{qm.name}: participants out of date")
            load = np.bincount(pop.provider[parts], minlength=len(qm.providers))
            for prov in qm.providers:
                assert load[prov.index] <= prov.capacity, f"{prov.name} over capacity"
                assert prov.active or load[prov.index] == 0, f"{prov.name} inactive with clients"
        if self.metrics.rows:
            audit.check(self, [self.metrics.rows[-1]["week"]])
