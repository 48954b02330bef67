"""The labour market: vacancies arriving and expiring, job separations, and the weekly matching.

Vacancies arrive per (local labour market, occupation) in proportion to the labour force there,
scaled by an optional demand cycle and shock; unfilled ones expire. Job durations are drawn at
hiring time (with a hazard that falls with skill) and put on the event queue, so separations
cost O(events). Matching hands the registered seekers and open vacancies, grouped by market,
to the Numba kernel (sim/kernels/matching.py); its pure-Python twin is held equal to it in tests.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from sim.config import Config
from sim.indicators import REGISTRATION_BANDS, SPELL_BANDS
from sim.kernels import rng
from sim.kernels.gather import seekers_by_market
from sim.kernels.matching import match_week
from sim.kernels.tally import tally
from sim.population import EventQueue, Population, Status, World
from sim.week import Week

S_VACANCY = rng.stream_id("vacancies")
S_SEPARATION = rng.stream_id("separation")
SPELL_STARTS = np.array([lo for lo, _ in SPELL_BANDS.values()], dtype=np.int64)
REGISTRATION_STARTS = np.array([lo for lo, _ in REGISTRATION_BANDS], dtype=np.int64)


class Vacancies:
    """Open vacancies as columns, kept sorted by (market, occupation) for the kernel."""

    def __init__(self):
        self.id = np.empty(0, np.int64)  # a running number: names each vacancy's own draws
        self.market = np.empty(0, np.int32)
        self.occupation = np.empty(0, np.int32)
        self.threshold = np.empty(0, np.float64)
        self.wage = np.empty(0, np.float64)
        self.expiry = np.empty(0, np.int32)

    def __len__(self) -> int:
        return len(self.market)

    def add(self, ids, market, occupation, threshold, wage, expiry) -> None:
        self.id = np.concatenate([self.id, ids.astype(np.int64)])
        self.market = np.concatenate([self.market, market.astype(np.int32)])
        self.occupation = np.concatenate([self.occupation, occupation.astype(np.int32)])
        self.threshold = np.concatenate([self.threshold, threshold])
        self.wage = np.concatenate([self.wage, wage])
        self.expiry = np.concatenate([self.expiry, expiry.astype(np.int32)])
        order = np.lexsort((self.occupation, self.market))
        self.keep(order)

    def keep(self, index: np.ndarray) -> None:
        for name in ("id", "market", "occupation", "threshold", "wage", "expiry"):
            setattr(self, name, getattr(self, name)[index])

    def cell_ptr(self, n_markets: int, n_occ: int) -> np.ndarray:
        """CSR pointer: vacancies of (m, o) are rows ptr[m*n_occ+o] : ptr[m*n_occ+o+1]."""
        cell = self.market.astype(np.int64) * n_occ + self.occupation
        counts = np.bincount(cell, minlength=n_markets * n_occ)
        return np.r_[0, np.cumsum(counts)].astype(np.int64)


class LabourMarket:
    """Demand, separations and matching for every local labour market of the world."""

    def __init__(self, config: Config, world: World, population: Population, register,
                 seed: int):
        self.config, self.world, self.pop, self.seed = config, world, population, seed
        self.register = register  # its spell table holds the seekers' market, occupation, skill
        lm, n_occ = config.labour_market, config.world.occupations
        self.n_occ = n_occ
        self.vacancies = Vacancies()
        self.endings = EventQueue()  # scheduled job separations
        cell = population.market.astype(np.int64) * n_occ + population.occupation
        self.cell_labour_force = np.bincount(cell, minlength=world.n_markets * n_occ)
        a = config.world.occupation_similarity
        d = np.abs(np.subtract.outer(np.arange(n_occ), np.arange(n_occ)))
        self.similarity = np.where(d == 0, 1.0, a**d).astype(np.float64)
        self.weekly_vacancies = lm.vacancy_rate * self.cell_labour_force
        self.tiers = config.tiers
        self.expired = 0
        self.posted = 0  # vacancies posted so far: the next vacancy's id
        self._by_tier: deque = deque(maxlen=53)  # (week, seekers, hires) by tier, recent weeks
        # called as observe(week, kernel inputs, hired_vac) after each matching: measurements
        # such as sim/evidence/matching.py's, which change nothing
        self.observers: list = []

    def adopt(self, config: Config) -> None:
        """A reform's labour-market settings take effect (demand and flows)."""
        self.config = config
        self.weekly_vacancies = config.labour_market.vacancy_rate * self.cell_labour_force

    # ----------------------------------------------------------------------------- stages
    def demand(self, week: Week) -> None:
        week.row["demand_factor"] = self.demand_factor(week.number)
        week.row["vacancies_posted"] = self.post_vacancies(week.number)

    def separations(self, week: Week) -> None:
        week.separated = self.separate(week.number)
        week.row["separations"] = len(week.separated)

    def matching(self, week: Week) -> None:
        """This week's applications, screening and hires; their indicators."""
        week.hired, week.sent = self.match(week.number, week.seekers, week.applications,
                                           week.boost)
        week.is_hired = np.zeros(len(week.seekers), dtype=bool)  # `hired` are among them
        week.is_hired[np.searchsorted(week.seekers, week.hired)] = True
        self._record(week)

    def _record(self, week: Week) -> None:
        pop, row, seekers, hired = self.pop, week.row, week.seekers, week.hired
        start = self.register.spells(seekers)["spell_start"]
        week.counts = tally(seekers, week.is_hired, week.sent, start, week.number, pop.tier,
                            pop.treated, SPELL_STARTS, REGISTRATION_STARTS, self.tiers)
        by_band, _, by_tier, _ = week.counts
        row["seekers"] = len(seekers)
        row["hires"] = len(hired)
        row["applications"] = int(week.sent.sum())
        row["job_finding_rate"] = len(hired) / len(seekers) if len(seekers) else float("nan")
        for k, band in enumerate(SPELL_BANDS):
            row[f"seekers_{band}"] = int(by_band[0, k])
            row[f"hires_{band}"] = int(by_band[1, k])
        n, h = by_tier[0, 1:], by_tier[1, 1:]
        for t in range(1, self.tiers + 1):
            row[f"seekers_tier{t}"] = int(n[t - 1])
            row[f"hires_tier{t}"] = int(h[t - 1])
        self._by_tier.append((week.number, n, h))
        row["mean_wage_hired"] = float(pop.wage[hired].mean()) if len(hired) else float("nan")
        row["vacancies_filled"] = len(hired)
        row["vacancies_expired"] = self.expired

    def recent_by_tier(self, before_week: int, weeks: int) -> tuple[np.ndarray, np.ndarray]:
        """Seekers and hires by tier summed over the last `weeks` weeks before `before_week`."""
        recent = [(n, h) for w, n, h in self._by_tier if w < before_week][-weeks:]
        if not recent:
            return np.zeros(self.tiers), np.zeros(self.tiers)
        return (np.sum([n for n, _ in recent], axis=0).astype(float),
                np.sum([h for _, h in recent], axis=0).astype(float))

    # ----------------------------------------------------------------------------- demand
    def demand_factor(self, week: int) -> float:
        """Cycle times shock: 1.0 in a steady economy."""
        lm = self.config.labour_market
        f = 1.0 + lm.cycle_amplitude * math.sin(2 * math.pi * week / lm.cycle_weeks)
        if lm.shock_week >= 0 and lm.shock_week <= week < lm.shock_week + lm.shock_weeks:
            f *= 1.0 + lm.shock_size
        return f

    def post_vacancies(self, week: int) -> int:
        """New vacancies arrive per cell (Poisson); expired ones leave. Returns arrivals."""
        lm = self.config.labour_market
        gen = rng.generator(self.seed, S_VACANCY, week)
        counts = gen.poisson(self.weekly_vacancies * self.demand_factor(week))
        cells = np.repeat(np.arange(len(counts)), counts)
        n = len(cells)
        market, occ = cells // self.n_occ, cells % self.n_occ
        threshold = gen.normal(lm.threshold_mean, lm.threshold_sd, n)
        wage = np.maximum(
            0.3 * lm.wage_mean,
            gen.normal(lm.wage_mean, lm.wage_sd, n) + lm.wage_skill_gradient * threshold,
        )
        self.expired = int(np.sum(self.vacancies.expiry <= week))
        self.vacancies.keep(np.flatnonzero(self.vacancies.expiry > week))
        ids = np.arange(self.posted, self.posted + n, dtype=np.int64)
        self.posted += n
        self.vacancies.add(ids, market, occ, threshold, wage, np.full(n, week + lm.vacancy_weeks))
        return n

    # ------------------------------------------------------------------------ separations
    def schedule_separations(self, persons: np.ndarray, week: int) -> None:
        """Draw each new job's length (geometric, shorter for the less skilled) and queue it."""
        if len(persons) == 0:
            return
        lm = self.config.labour_market
        skill = self.pop.skill[persons]
        hazard = lm.separation_rate * np.exp(-lm.separation_skill_gradient * skill)
        hazard = np.clip(hazard, 1e-9, 0.999)
        u = rng.uniforms(self.seed, S_SEPARATION, week, persons)
        weeks = 1 + np.floor(np.log1p(-u) / np.log1p(-hazard)).astype(np.int64)
        when = week + np.minimum(weeks, 1_000_000)
        self.pop.separation_week[persons] = np.minimum(when, np.iinfo(np.int32).max)
        self.endings.schedule(when, persons)

    def separate(self, week: int) -> np.ndarray:
        """Persons whose job ends this week (still employed with that end date)."""
        due = self.endings.pop(week)
        pop = self.pop
        return due[(pop.status[due] == Status.EMPLOYED) & (pop.separation_week[due] == week)]

    # --------------------------------------------------------------------------- matching
    def match(self, week: int, seekers: np.ndarray, applications: np.ndarray, boost: np.ndarray):
        """Run the matching kernel for `seekers` (sorted person ids); return (hired, vacancy
        index, applications sent). Filled vacancies are removed."""
        lm, pop = self.config.labour_market, self.pop
        spells = self.register.spells(seekers)
        order, seeker_ptr, seeker_id, occ, skill, spell, applications, boost = \
            seekers_by_market(seekers, spells["market"], spells["occupation"], spells["skill"],
                              spells["spell_start"], week, applications, boost,
                              self.world.n_markets)
        vac = self.vacancies
        inputs = dict(
            seed=self.seed,
            week=week % (1 << 32),  # burn-in weeks are negative; the kernel's counters are not
            seeker_ptr=seeker_ptr,
            seeker_id=seeker_id,
            seeker_occ=occ,
            seeker_skill=skill,
            seeker_spell=spell,
            seeker_apps=applications,
            seeker_boost=boost,
            vac_ptr=vac.cell_ptr(self.world.n_markets, self.n_occ),
            vac_id=vac.id,
            vac_threshold=vac.threshold,
            vac_wage=vac.wage,
            similarity=self.similarity,
            noise_sd=lm.screening_noise,
            stigma_per_week=lm.stigma_per_week,
            stigma_cap_weeks=lm.stigma_cap_weeks,
            contacts=lm.employer_contacts,
        )
        hired_vac, n_apps, _ = match_week(**inputs)
        for observe in self.observers:
            observe(week, inputs, hired_vac)
        hit = hired_vac >= 0
        hired, filled = seeker_id[hit], hired_vac[hit]
        # the spell table's wage is left as it was: the hired leave the register this week
        # (`Register.hires`) before anyone reads it there
        pop.wage[hired] = vac.wage[filled]
        remaining = np.ones(len(vac), dtype=bool)
        remaining[filled] = False
        vac.keep(np.flatnonzero(remaining))
        sent = np.empty_like(n_apps)
        sent[order] = n_apps  # back in the order of `seekers`
        return hired, sent

