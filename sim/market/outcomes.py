"""Outcomes: what became of those referred, which results fall due, and whether jobs lasted.

Every referral opens a record (week, tier); a hire within 52 weeks of it is noted and checked
after the qualifying period (did the job last?), as R&M and Nacka judge results after 6 months
(evidence.md 1.1, 3). A hire of a participant, or of a recent leaver within the result window,
is a result candidate of its provider, paid if the job lasts (sim/market/settlement.py).
"""

from __future__ import annotations

import numpy as np

from sim.indicators import MAX_STARS
from sim.kernels.follow import close, reopen
from sim.population import NO_WEEK, EventQueue, Status
from sim.week import Week

HORIZONS = (26, 52)  # weeks after referral within which a job counts
STAR_HORIZON = 26  # results by the provider's stars at referral, as RiR 2020:13 compared them
FOLLOW_WEEKS = 52  # a referral's hire is recorded up to this long after it


class Outcomes:
    def __init__(self, market):
        self.market = market
        self.results = EventQueue()  # persons whose result payment falls due
        self.checks = EventQueue()  # referral-cohort hires whose job is checked for duration
        self._checking: dict[int, tuple[int, int]] = {}  # person -> (hire week, record)
        self._pending: dict[int, tuple[int, int, int]] = {}  # person -> provider, hire wk, tier
        # open referrals, sorted by person: their record and referral week; a referral
        # older than FOLLOW_WEEKS can no longer count a hire and is dropped
        self._open = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64))
        self.records: dict[str, list] = {"person": [], "week": [], "tier": [], "stars": [],
                                         "hire": [], "sustained": []}
        self.week_hires = 0

    def referred(self, persons: np.ndarray, week: int, tiers: np.ndarray, stars: list) -> None:
        """Referrals' records, in order: who, when, their tier and their provider's stars then."""
        first = len(self.records["person"])
        self._follow(persons, np.arange(first, first + len(persons)), week)
        who, n = persons.tolist(), len(persons)
        for key, values in (("person", who), ("week", [week] * n), ("tier", tiers.tolist()),
                            ("stars", stars), ("hire", [NO_WEEK] * n),
                            ("sustained", [False] * n)):
            self.records[key].extend(values)

    def hires(self, week: Week) -> None:
        """Before the hired leave the register: result candidates and referral outcomes."""
        market = self.market
        pop, pay = market.model.population, market.scheme.payment
        hired = week.hired
        mine = hired[pop.scheme[hired] == market.sid]
        in_service = mine[pop.status[mine] == Status.IN_SERVICE]
        left = mine[(pop.status[mine] == Status.REGISTERED) & (pop.last_provider[mine] >= 0)]
        recent = left[pay.counts_hire(week.number
                                      - pop.service_end_week[left].astype(np.int64))]
        self.week_hires = len(in_service) + len(recent)
        due = pay.result_due_week(week.number)
        for persons, owner in ((in_service, pop.provider), (recent, pop.last_provider)):
            owners = owner[persons].astype(np.int64)
            tiers = pop.tier[persons].astype(np.int64)
            for index in np.unique(owners).tolist():
                market.providers[index].observe_hires(tiers[owners == index], week.number)
            hired = zip(owners.tolist(), [week.number] * len(persons), tiers.tolist(),
                        strict=True)
            self._pending.update(zip(persons.tolist(), hired, strict=True))
            self.results.schedule(np.full(len(persons), due), persons)
        checked, k = self._close(mine, week.number)
        record_hire = self.records["hire"]
        for record in k.tolist():
            record_hire[record] = week.number
        hire_records = zip([week.number] * len(k), k.tolist(), strict=True)
        self._checking.update(zip(checked.tolist(), hire_records, strict=True))
        self.checks.schedule(np.full(len(checked), due, dtype=np.int64), checked)
        pop.provider[mine] = -1
        pop.last_provider[mine] = -1
        pop.scheme[mine] = -1
        pop.intensity[mine] = 0.0
        market.left(mine)

    def _follow(self, persons: np.ndarray, records: np.ndarray, week: int) -> None:
        """Open `persons`' referral records (a new referral replaces an open one); drop those
        too old to count a hire from this week on."""
        order = np.argsort(persons, kind="stable")
        self._open = reopen(*self._open, persons[order].astype(np.int64),
                            records[order].astype(np.int64), week, week - FOLLOW_WEEKS)

    def _close(self, hired: np.ndarray, week: int) -> tuple[np.ndarray, np.ndarray]:
        """The hired with an open referral record, closed: those referred at most
        FOLLOW_WEEKS ago and their records, in person order."""
        person, record, referred = self._open
        hired = np.sort(hired).astype(np.int64)
        *still_open, at = close(person, record, referred, hired)
        self._open = tuple(still_open)
        found = at >= 0
        counts = found.copy()
        counts[found] = week - referred[at[found]] <= FOLLOW_WEEKS
        return hired[counts], record[at[counts]]

    def results_due(self, week: int) -> tuple[np.ndarray, ...]:
        """Persons, provider indices, hire weeks and tiers of the result candidates due now."""
        due = [(person, *pending) for person in self.results.pop(week).tolist()
               if (pending := self._pending.pop(person, None)) is not None]
        return tuple(np.array(due, dtype=np.int64).reshape(-1, 4).T)

    def check_durations(self, week: int) -> None:
        """Referral-cohort hires of a qualifying period ago: did the job last?"""
        pop = self.market.model.population
        due = [(person, *checking) for person in self.checks.pop(week).tolist()
               if (checking := self._checking.pop(person, None)) is not None]
        persons, hire_week, k = np.array(due, dtype=np.int64).reshape(-1, 3).T
        lasted = (pop.status[persons] == Status.EMPLOYED) & (pop.hire_week[persons] == hire_week)
        sustained = self.records["sustained"]
        for record, value in zip(k.tolist(), lasted.tolist(), strict=True):
            sustained[record] = value

    def final_indicators(self, first_week: int, last_week: int, tiers: int) -> dict:
        """Work (and sustained work) within 6 and 12 months of referral, overall and by tier,
        for referrals in the reported weeks old enough to have had the whole horizon."""
        n = f"services.{self.market.name}."
        refs = {k: np.array(v) for k, v in self.records.items()}
        s: dict = {}
        for horizon in HORIZONS:
            done = (refs["week"] >= first_week) & (refs["week"] <= last_week - horizon) \
                if len(refs["week"]) else np.zeros(0, bool)
            got = done & (refs["hire"] != NO_WEEK) & (refs["hire"] - refs["week"] <= horizon)
            sus = got & refs["sustained"].astype(bool)  # a job that lasted the qualifying period
            s[f"{n}work_within_{horizon}w"] = _ratio(got.sum(), done.sum())
            s[f"{n}sustained_work_within_{horizon}w"] = _ratio(sus.sum(), done.sum())
            for t in range(1, tiers + 1):
                m = done & (refs["tier"] == t)
                s[f"{n}work_within_{horizon}w_tier{t}"] = _ratio(got[m].sum(), m.sum())
                s[f"{n}sustained_work_within_{horizon}w_tier{t}"] = _ratio(sus[m].sum(), m.sum())
            if horizon == STAR_HORIZON:
                by_stars = {k: _ratio(got[done & (refs["stars"] == k)].sum(),
                                      (done & (refs["stars"] == k)).sum())
                            for k in range(1, MAX_STARS + 1)}
                for k, rate in by_stars.items():
                    s[f"{n}work_within_{horizon}w_stars{k}"] = rate
                s[f"{n}star_gap_{horizon}w"] = by_stars[MAX_STARS] - by_stars[1]
        return s


def _ratio(a, b) -> float:
    return float(a) / float(b) if b else float("nan")
