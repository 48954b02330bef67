"""The labour force as columns (NumPy arrays), and the calendar of scheduled events.

One row per person; the columns are the single source of truth, so kernels and stages work on
whole arrays and Seeker agents are only views. Events (job separations, returns to the labour
force) are scheduled when they become known, so each week costs O(events due), not O(persons).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from sim.config import Config, MunicipalitySpec
from sim.kernels import rng


class Status(IntEnum):
    """Each person is in exactly one status."""

    EMPLOYED = 0
    REGISTERED = 1  # registered unemployed, in open job search
    IN_SERVICE = 2  # registered and in a service (programme, provider)
    INACTIVE = 3  # out of the labour force


class Benefit(IntEnum):
    NONE = 0
    UNEMPLOYMENT_INSURANCE = 1
    ACTIVITY_SUPPORT = 2
    SOCIAL_ASSISTANCE = 3
    BASIC_INSURANCE = 4


SEARCHING = (Status.REGISTERED, Status.IN_SERVICE)
NO_WEEK = np.iinfo(np.int32).min  # "never" for week columns (burn-in weeks are negative)

# name -> dtype: the columns of the population, in one place.
COLUMNS: dict[str, type] = {
    # int16 codes: at most 5,000 generated municipalities and markets, 64 occupations (the
    # schema's bounds; the real countries have about 300 and 70). Narrow columns make the
    # weekly gathers at scattered seekers read fewer cache lines: about 10 % of a national week.
    "municipality": np.int16,
    "market": np.int16,
    "occupation": np.int16,
    "education": np.int8,
    "age_band": np.int8,
    "skill": np.float64,
    "status": np.int8,
    "spell_weeks": np.int16,  # at most 400 + 5,200 + 5,200 weeks (initial spell, burn-in, run)
    "spell_start": np.int32,
    "benefit": np.int8,
    "benefit_days": np.int32,
    "cofinancing_days": np.int32,
    "ui_member": np.bool_,
    "insured": np.int8,  # what the spell started on: 0 nothing, 1 income-related, 2 basic
    "tier": np.int8,
    "scheme": np.int8,
    # a market's providers (at most MAX_PROVIDERS, sim/market/providers.py) and weeks of a
    # service (at most 520 and one extension of 520, the referral rules' bounds): int16, as
    # a service's passes gather them at its participants every week
    "provider": np.int16,
    "last_provider": np.int16,
    "referral_week": np.int32,
    "service_weeks": np.int16,
    "service_length": np.int16,
    "service_end_week": np.int32,
    "intensity": np.float64,
    "active_chooser": np.bool_,
    "wage": np.float64,
    "hire_week": np.int32,
    "separation_week": np.int32,
    # the employment service's contact and job-search obligation (sim/rules/service_model.py)
    "treated": np.bool_,
    "next_meeting_week": np.int32,
    "last_meeting_week": np.int32,
    "period_start_week": np.int32,
    "applications_period": np.int16,
    "lapses": np.int8,
    "last_lapse_week": np.int32,
    "sanction_days": np.int32,
}


@dataclass
class World:
    """Municipalities and local labour markets (static geography): listed in the scenario,
    generated, or real ones from the package data (sim/geography.py)."""

    municipalities: list[MunicipalitySpec]
    market_names: list[str]
    municipality_market: np.ndarray  # int32 per municipality

    @classmethod
    def from_config(cls, config: Config) -> World:
        w = config.world
        specs = list(w.listed())
        if w.generate is not None:
            specs = _generated_municipalities(config)
        markets = list(dict.fromkeys(m.market for m in specs))
        index = {name: i for i, name in enumerate(markets)}
        mm = np.array([index[m.market] for m in specs], dtype=np.int32)
        return cls(specs, markets, mm)

    @property
    def n_markets(self) -> int:
        return len(self.market_names)


def _generated_municipalities(config: Config) -> list[MunicipalitySpec]:
    """A synthetic country: log-normal sizes summing to the labour force, markets by size rank.

    Each market gets a large centre and smaller municipalities around it, roughly as Swedish
    local labour markets (lokala arbetsmarknader) group municipalities around a centre.
    """
    g = config.world.generate
    gen = rng.generator(config.run.seed, rng.stream_id("world"), 0)
    sizes = gen.lognormal(0.0, g.size_sigma, g.municipalities)
    sizes = np.maximum(100, np.round(sizes / sizes.sum() * g.labour_force)).astype(np.int64)
    sizes[np.argmax(sizes)] += g.labour_force - sizes.sum()
    order = np.argsort(-sizes, kind="stable")
    market_of = np.empty(g.municipalities, dtype=np.int64)
    n_markets = min(g.markets, g.municipalities)
    market_of[order[:n_markets]] = np.arange(n_markets)
    market_of[order[n_markets:]] = gen.integers(0, n_markets, g.municipalities - n_markets)
    pilot = gen.random(g.municipalities) < g.pilot_share
    return [
        MunicipalitySpec(
            name=f"M{i:03d}",
            labour_force=int(sizes[i]),
            market=f"LLM{market_of[i]:03d}",
            pilot=bool(pilot[i]),
        )
        for i in range(g.municipalities)
    ]


class Population:
    """Columnar state of every person in the simulated labour force."""

    def __init__(self, n: int):
        self.n = n
        for name, dtype in COLUMNS.items():
            setattr(self, name, np.zeros(n, dtype=dtype))
        self.provider[:] = -1
        self.last_provider[:] = -1
        self.scheme[:] = -1
        self.referral_week[:] = NO_WEEK
        self.service_end_week[:] = NO_WEEK
        self.hire_week[:] = NO_WEEK
        self.separation_week[:] = NO_WEEK
        for name in ("next_meeting_week", "last_meeting_week", "period_start_week",
                     "last_lapse_week"):
            getattr(self, name)[:] = NO_WEEK

    @classmethod
    def build(cls, config: Config, world: World, seed: int) -> Population:
        """Draw persons for every municipality: education, age, occupation, skill."""
        w = config.world
        sizes = np.array([m.labour_force for m in world.municipalities])
        pop = cls(int(sizes.sum()))
        pop.municipality[:] = np.repeat(np.arange(len(sizes)), sizes)
        pop.market[:] = world.municipality_market[pop.municipality]
        ids = np.arange(pop.n)
        s = rng.stream_id("population")
        pop.education[:] = _categorical(rng.uniforms(seed, s, 0, ids, 0), w.education_shares)
        pop.age_band[:] = _categorical(rng.uniforms(seed, s, 0, ids, 1), w.age_shares)
        occ_u = rng.uniforms(seed, s, 0, ids, 2)
        pop.occupation[:] = np.minimum((occ_u * w.occupations).astype(np.int32), w.occupations - 1)
        pop.skill[:] = (
            np.asarray(w.skill_by_education)[pop.education]
            + np.asarray(w.skill_by_age)[pop.age_band]
            + w.skill_sd * rng.normals(seed, s, 0, ids, 3)
        )
        ui_share = config.benefits.member_share
        pop.ui_member[:] = rng.uniforms(seed, s, 0, ids, 4) < ui_share
        return pop

    def count_by_municipality(self, persons: np.ndarray, n: int) -> np.ndarray:
        """How many of `persons` (sorted) live in each of the `n` municipalities: `build` lays
        persons out municipality by municipality, so this is a search for where each one's
        rows start, not a read of every person's row."""
        # keys of the column's own type: other keys would copy the column to search it
        firsts = np.arange(n + 1, dtype=self.municipality.dtype)
        starts = np.searchsorted(self.municipality, firsts)
        return np.diff(np.searchsorted(persons, starts))

    def searching(self) -> np.ndarray:
        """Boolean mask of registered job seekers (open search or in a service)."""
        return (self.status == Status.REGISTERED) | (self.status == Status.IN_SERVICE)

    def status_counts(self) -> dict[str, int]:
        counts = np.bincount(self.status, minlength=len(Status))
        return {s.name.lower(): int(counts[s]) for s in Status}


def _categorical(u: np.ndarray, shares) -> np.ndarray:
    return np.searchsorted(np.cumsum(shares)[:-1], u, side="right").astype(np.int8)


class EventQueue:
    """Persons due for an event, bucketed by week: O(events) to schedule and to pop.

    Events beyond the blocks of `BLOCK` weeks already reached wait in their block and are
    sorted into weeks when it is reached. Why: a week's hires spread their job endings over
    thousands of future weeks, and a bucket for each of those weeks was most of the cost of
    scheduling them (4 ms of a national week); now a schedule touches one bucket per block.
    """

    BLOCK = 64  # weeks

    def __init__(self):
        self._due: dict[int, list[np.ndarray]] = defaultdict(list)
        self._far: dict[int, list[tuple[np.ndarray, np.ndarray]]] = defaultdict(list)
        self._reached: int | None = None  # the last block sorted into weeks (None: none yet)

    def schedule(self, weeks: np.ndarray, persons: np.ndarray) -> None:
        if len(persons) == 0:
            return
        weeks = np.asarray(weeks, dtype=np.int64)
        block = weeks // self.BLOCK
        if self._reached is not None:
            near = block <= self._reached
            self._into_weeks(weeks[near], persons[near])
            weeks, persons, block = weeks[~near], persons[~near], block[~near]
        order = np.argsort(block, kind="stable")
        for a, b in _runs(block[order]):
            self._far[int(block[order[a]])].append((weeks[order[a:b]], persons[order[a:b]]))

    def pop(self, week: int) -> np.ndarray:
        block = week // self.BLOCK
        if self._reached is None or block > self._reached:
            for b in sorted(k for k in self._far if k <= block):
                waiting = self._far.pop(b)
                self._into_weeks(np.concatenate([w for w, _ in waiting]),
                                 np.concatenate([p for _, p in waiting]))
            self._reached = block
        chunks = self._due.pop(week, None)
        if not chunks:
            return np.empty(0, dtype=np.int64)
        return np.sort(np.concatenate(chunks))

    def _into_weeks(self, weeks: np.ndarray, persons: np.ndarray) -> None:
        order = np.argsort(weeks, kind="stable")
        weeks, persons = weeks[order], persons[order]
        for a, b in _runs(weeks):
            self._due[int(weeks[a])].append(persons[a:b])

    def __len__(self) -> int:
        return (sum(len(c) for chunks in self._due.values() for c in chunks)
                + sum(len(p) for waiting in self._far.values() for _, p in waiting))


def _runs(sorted_keys: np.ndarray):
    """(start, stop) of each run of equal values in `sorted_keys`."""
    if len(sorted_keys) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    return zip(starts.tolist(), np.r_[starts[1:], len(sorted_keys)].tolist(), strict=True)
