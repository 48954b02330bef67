"""ReformModel: builds the world and owns the weekly step order (DESIGN.md, Data flow).

One step is one week. `step` reads as the list of stages; each stage belongs to the agent or
module that does it. Weeks before 0 are burn-in (the labour market settling from its initial
draw) and are recorded but not summarised.
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numba
import numpy as np

from sim.agents import EmploymentService, Municipality, Seeker
from sim.config import Config, ScenarioFile, load, override_config
from sim.kernels import rng
from sim.labour_market import LabourMarket
from sim.ledger import Ledger
from sim.metrics import Metrics
from sim.population import NO_WEEK, SEARCHING, Benefit, EventQueue, Population, Status, World
from sim.public_finance import PublicFinance
from sim.quasi_market import QuasiMarket

S_INITIAL = rng.stream_id("initial-state")
S_INACTIVITY = rng.stream_id("inactivity")


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
        self.config, self.seed = config, seed
        if config.run.threads:
            numba.set_num_threads(min(config.run.threads, numba.config.NUMBA_NUM_THREADS))
        self.week = -config.run.burn_in_weeks
        self.week_zero = 0  # the first reported week
        self.world = World.from_config(config)
        self.population = Population.build(config, self.world, seed)
        self.ledger = Ledger()
        self.finance = PublicFinance(self)
        self.employment_service = EmploymentService(self)
        self.municipalities = [
            Municipality(self, i, spec) for i, spec in enumerate(self.world.municipalities)
        ]
        self.labour_market = LabourMarket(config, self.world, self.population, seed)
        self.reentries = EventQueue()
        self.seekers: dict[int, Seeker] = {}
        self.registered = np.empty(0, dtype=np.int64)
        self.inactive = 0  # count of persons out of the labour force (kept by events)
        self.metrics = Metrics(self)
        self._initial_state()
        self.markets = [QuasiMarket(self, name, scheme, sid)
                        for sid, (name, scheme) in enumerate(config.services.items())]
        # for Mesa's own tools (batch_run, SolaraViz): the week's headline indicators
        self.datacollector = mesa.DataCollector(model_reporters={
            key: (lambda m, key=key: m.metrics.rows[-1].get(key) if m.metrics.rows else None)
            for key in ("week", "unemployment_rate", "long_term_share", "job_finding_rate",
                        "registered", "hires", "vacancies_open")})

    # ------------------------------------------------------------------------ the week
    def step(self) -> None:
        week = self.week
        lm, es = self.labour_market, self.employment_service
        w = self.metrics.start_week(week)
        w["vacancies_posted"] = lm.post_vacancies(week)  # 1 demand
        separated = lm.separate(week)  # 2 separations
        returning = self._returning(week)
        newly = np.sort(np.concatenate([separated, returning]))  # disjoint sets
        tenure = self._tenure(newly, week)
        es.register(newly, week)  # 3 registration and profiling
        self.finance.entitle(newly, tenure)
        self._enrol(newly)
        es.reprofile(self.registered, week)
        es.hold_meetings(self.registered, week)  # 3b caseworker meetings (service model)
        choices = [qm.choose(week, qm.refer(week)) for qm in self.markets]  # 4 referral, 5 choice
        seekers = self.registered
        applications = es.expected_applications(seekers)  # job-search effort
        boost = np.zeros(len(seekers))
        for qm in self.markets:  # 6 service
            parts, extra, factor = qm.serve(week)
            at = np.searchsorted(seekers, parts)
            boost[at] += extra
            applications[at] *= factor
        hired, sent = lm.match(week, seekers, applications, boost)  # 7 matching
        es.monitor(seekers, sent, hired, week)  # job-search obligation and sanctions
        self.metrics.record_matching(w, seekers, hired, sent)
        for qm in self.markets:
            qm.on_hires(hired, week)
        self._hire(hired, week)
        for qm in self.markets:
            qm.end_services(week)
        left = self._leave_labour_force(week)
        self.finance.pay(week)  # 8 payments: benefits, assistance, co-financing, transfers
        es.pay_staff(week)
        for qm in self.markets:
            qm.pay(week, w)
            qm.market(week)  # 9 market: ratings, reviews, entry, exit, tenders
        self.population.spell_weeks[self.registered] += 1
        w["registrations"], w["separations"], w["exits_inactive"] = (
            len(newly),
            len(separated),
            len(left),
        )
        for qm, counts in zip(self.markets, choices, strict=True):
            qm.record(w, counts)
        self.metrics.end_week(w)  # 10 record
        self.datacollector.collect(self)
        self.week += 1

    def run(self, weeks: int | None = None, progress=None) -> None:
        """Burn-in plus `weeks` reported weeks (default: the scenario's)."""
        total = self.config.run.burn_in_weeks + (weeks or self.config.run.weeks)
        for _ in range(total - (self.week + self.config.run.burn_in_weeks)):
            self.step()
            if progress is not None:
                progress.update(1)

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
        self._enrol(jobless)

    def _tenure(self, persons: np.ndarray, week: int) -> np.ndarray:
        """Weeks in the job just lost (0 for those returning from outside the labour force)."""
        hired = self.population.hire_week[persons].astype(np.int64)
        return np.where(hired != NO_WEEK, week - hired, 0)

    def _returning(self, week: int) -> np.ndarray:
        due = self.reentries.pop(week)
        due = due[self.population.status[due] == Status.INACTIVE]
        self.inactive -= len(due)
        return due

    def _enrol(self, persons: np.ndarray) -> None:
        # `persons` are never already registered, so a merge by sorting suffices
        self.registered = np.sort(np.concatenate([self.registered, persons]).astype(np.int64))
        if self.config.run.seeker_agents:
            for row in persons.tolist():
                self.seekers[row] = Seeker(self, row)

    def _deregister(self, persons: np.ndarray) -> None:
        pop = self.population
        keep = np.isin(pop.status[self.registered], SEARCHING)
        self.registered = self.registered[keep]
        pop.benefit[persons] = Benefit.NONE
        pop.tier[persons] = 0
        pop.provider[persons] = -1
        pop.scheme[persons] = -1
        pop.intensity[persons] = 0.0
        if self.config.run.seeker_agents:
            for row in persons.tolist():
                self.seekers.pop(row).remove()

    def _hire(self, hired: np.ndarray, week: int) -> None:
        pop = self.population
        pop.status[hired] = Status.EMPLOYED
        pop.hire_week[hired] = week
        self.labour_market.schedule_separations(hired, week)
        self._deregister(hired)

    def _leave_labour_force(self, week: int) -> np.ndarray:
        """Some seekers leave the labour force (studies, care, illness) and return later."""
        lm, pop = self.config.labour_market, self.population
        seekers = self.registered
        u = rng.uniforms(self.seed, S_INACTIVITY, week, seekers, 0)
        leaving = seekers[u < lm.inactivity_rate]
        pop.status[leaving] = Status.INACTIVE
        back = rng.uniforms(self.seed, S_INACTIVITY, week, leaving, 1)
        away = 1 + np.floor(-np.log1p(-back) * lm.reentry_weeks).astype(np.int64)
        self.reentries.schedule(week + away, leaving)
        self.inactive += len(leaving)
        self._deregister(leaving)
        return leaving

    def status_counts(self) -> dict[str, int]:
        """Persons by status, from the registered index and event counts: O(seekers)."""
        in_service = int(np.sum(self.population.status[self.registered] == Status.IN_SERVICE))
        registered = len(self.registered) - in_service
        employed = self.population.n - len(self.registered) - self.inactive
        return {"employed": employed, "registered": registered, "in_service": in_service,
                "inactive": self.inactive}

    # ------------------------------------------------------------------------ invariants
    def check_invariants(self) -> None:
        """Raise AssertionError if the state is inconsistent (used by tests and `--check`)."""
        pop = self.population
        assert pop.n == len(pop.status)
        assert self.status_counts() == pop.status_counts(), "status counts out of sync"
        assert np.isin(pop.status, [s.value for s in Status]).all(), "unknown status"
        searching = np.flatnonzero(pop.searching())
        assert np.array_equal(searching, self.registered), "registered index out of sync"
        employed = pop.status == Status.EMPLOYED
        assert (pop.separation_week[employed] >= self.week).all(), "employed past separation"
        assert (pop.benefit[~pop.searching()] == Benefit.NONE).all(), "benefit without spell"
        assert (pop.tier[searching] >= 1).all() and (pop.tier[searching] <= 3).all()
        if self.config.run.seeker_agents:
            assert sorted(self.seekers) == self.registered.tolist(), "seeker agents out of sync"
        service = pop.status == Status.IN_SERVICE
        assert (pop.provider[service] >= 0).all() and (pop.scheme[service] >= 0).all()
        assert (pop.provider[~service] == -1).all(), "provider set outside a service"
        for qm in self.markets:
            parts = qm.participants_of()
            load = np.bincount(pop.provider[parts], minlength=len(qm.providers))
            for prov in qm.providers:
                assert load[prov.index] <= prov.capacity, f"{prov.name} over capacity"
                assert prov.active or load[prov.index] == 0, f"{prov.name} inactive with clients"
        self.ledger.check_balanced()
