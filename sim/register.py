"""The register of job seekers: who is registered, who joins it and who leaves it each week.

The register owns the sorted index of registered persons (open search or in a service), the
Seeker agents that mirror it, and the flows in and out that are not a job: returns from
outside the labour force and exits to it (studies, care, illness), as events on a queue, so
a week costs O(seekers and events), not O(labour force). The employment service profiles the
newly registered (sim/agents/employment_service.py); benefits are public finance's.

It also keeps the spell table (sim/spells.py): the columns a spell does not change, dense in
the index's order, so the weekly passes over every seeker need not read them at scattered rows.
"""

from __future__ import annotations

import numpy as np

from sim.agents.seeker import Seeker
from sim.kernels import rng
from sim.kernels.register import join, leave, spell_clock
from sim.population import NO_WEEK, Benefit, EventQueue, Status
from sim.spells import Gathered, SpellTable
from sim.week import Week

S_INACTIVITY = rng.stream_id("inactivity")


class Register:
    def __init__(self, model):
        self.model = model
        self.pop = model.population
        self._registered = np.empty(0, dtype=np.int64)
        self.table = SpellTable(self.pop)
        self.seekers: dict[int, Seeker] = {}
        self.reentries = EventQueue()
        self.inactive = 0  # persons out of the labour force (kept by events)
        self._agents = model.config.run.seeker_agents

    # -------------------------------------------------------------------------- stages
    def inflow(self, week: Week) -> None:
        """The separated and those returning from outside the labour force register."""
        due = self.reentries.pop(week.number)
        returning = due[self.pop.status[due] == Status.INACTIVE]
        self.inactive -= len(returning)
        week.newly = np.sort(np.concatenate([week.separated, returning]))  # disjoint sets
        hired = self.pop.hire_week[week.newly].astype(np.int64)
        week.tenure = np.where(hired != NO_WEEK, week.number - hired, 0)
        week.row["registrations"] = len(week.newly)

    def enrol(self, week: Week) -> None:
        self.add(week.newly)

    def hires(self, week: Week) -> None:
        """The hired leave the register for their job."""
        pop = self.pop
        pop.status[week.hired] = Status.EMPLOYED
        pop.hire_week[week.hired] = week.number
        self.model.labour_market.schedule_separations(week.hired, week.number)
        self.remove(week.hired)

    def inactivity(self, week: Week) -> None:
        """Some seekers leave the labour force and return after a while."""
        lm, pop = self.model.config.labour_market, self.pop
        seekers = self.registered
        u = rng.uniforms(self.model.seed, S_INACTIVITY, week.number, seekers, 0)
        leaving = seekers[u < lm.inactivity_rate]
        pop.status[leaving] = Status.INACTIVE
        back = rng.uniforms(self.model.seed, S_INACTIVITY, week.number, leaving, 1)
        away = 1 + np.floor(-np.log1p(-back) * lm.reentry_weeks).astype(np.int64)
        self.reentries.schedule(week.number + away, leaving)
        self.inactive += len(leaving)
        self.remove(leaving)
        week.left = leaving
        week.row["exits_inactive"] = len(leaving)

    def spell_clock(self, week: Week) -> None:
        """Another week in every open spell."""
        spell_clock(self.registered, self.pop.spell_weeks)

    # ------------------------------------------------------------------------- the index
    @property
    def registered(self) -> np.ndarray:
        """Registered persons (open search or in a service), sorted."""
        return self._registered

    @registered.setter
    def registered(self, persons: np.ndarray) -> None:
        """A new index, as a test narrows the register: the spell table is copied anew."""
        self._registered = np.asarray(persons, dtype=np.int64)
        self.table = SpellTable(self.pop)
        self.table.insert(np.zeros(len(persons), dtype=np.int64), self._registered)

    def add(self, persons: np.ndarray) -> None:
        """Persons never already registered join the index: a merge of two sorted arrays, O(n)."""
        new = np.sort(persons).astype(np.int64)
        after, at, clash = join(self.registered, new)
        if clash:
            raise ValueError("only persons not registered can join the register")
        self.table.insert(at, new)
        self._moved(after, new[:0])
        if self._agents:
            for row in persons.tolist():
                self.seekers[row] = Seeker(self.model, row)

    def remove(self, persons: np.ndarray) -> None:
        """Persons who left a searching status (hired, or out of the labour force) leave the
        index; their spell's rows reset. Found by position, not by reading every seeker's
        status: the index is sorted."""
        pop = self.pop
        after, kept, found = leave(self.registered, np.sort(persons).astype(np.int64))
        if found != len(persons):
            raise ValueError("only registered persons can leave the register, once")
        self.table.keep(kept)
        self._moved(after, persons)
        pop.benefit[persons] = Benefit.NONE
        pop.tier[persons] = 0
        pop.provider[persons] = -1
        pop.scheme[persons] = -1
        pop.intensity[persons] = 0.0
        if self._agents:
            for row in persons.tolist():
                self.seekers.pop(row).remove()

    def _moved(self, after: np.ndarray, leaving: np.ndarray) -> None:
        """The index becomes `after`; the markets follow it with their participants."""
        before, self._registered = self._registered, after
        for market in self.model.markets:
            market.follow(before, after, leaving)

    # ------------------------------------------------------------------------ the spell table
    def spells(self, persons: np.ndarray):
        """The spell columns (sim/spells.py) of `persons`, by name, in their order: the table's
        when `persons` is the index itself, else gathered from the population as asked for."""
        if persons is self.registered:
            return self.table.view()
        return Gathered(self.pop, persons)

    def refresh(self, persons: np.ndarray, name: str) -> None:
        """Column `name` of registered `persons` was rewritten: the table copies it again."""
        self.table.refresh(np.searchsorted(self.registered, persons), persons, name)

    def status_counts(self) -> dict[str, int]:
        """Persons by status, from the index, the services' participants and event counts:
        no pass over the seekers (the markets keep their participants)."""
        in_service = sum(len(m.participants()) for m in self.model.schemes())
        registered = len(self.registered) - in_service
        employed = self.pop.n - len(self.registered) - self.inactive
        return {"employed": employed, "registered": registered, "in_service": in_service,
                "inactive": self.inactive}
