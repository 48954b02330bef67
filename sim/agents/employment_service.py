"""EmploymentService: the state's agency (Arbetsförmedlingen / the TE services).

It registers the newly unemployed and profiles them into tiers 1..3 with a noisy statistical
profile (evidence.md 1.1: about 30 factors such as education, age and time unemployed decide the
level); its caseworkers meet seekers on the service model's contact pattern as far as their
hours allow; it sets the job-search effort and obligation of each seeker, checks the obligation
and sanctions lapses in benefit days lost (sim/rules/service_model.py, evidence.md 4.2). Benefits
themselves are paid by sim/public_finance.py, which withholds the `sanction_days` column.

Meetings and obligations work only through applications (Hägglund 2009: monitoring plus
job-search activities raised outflow to work; Behaghel et al. 2014: intensive counselling raised
exit rates by 15-35 %, evidence.md 6), so whatever the treated gain at the expense of others
competing for the same vacancies (Progress, IFAU 2019:27) comes out of the matching kernel.

Weekly order: `register` (stage 3), `hold_meetings` (after profiling: caseworker hours are
rationed by the priority rule, unmet meetings wait), `expected_applications` (effort, before
matching), `monitor` (after matching: applications counted, obligation periods checked,
sanctions imposed), `pay_staff` (stage 8: caseworker hours times their cost).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.agents.offices import Offices
from sim.agents.seeker import DISCOURAGEMENT_WEEKS
from sim.indicators import REGISTRATION_BANDS, band_name
from sim.kernels import rng
from sim.kernels.effort import expected_effort
from sim.kernels.meetings import draw_order, meetings_scan
from sim.kernels.register import reprofile_due
from sim.population import NO_WEEK, Status
from sim.week import Week

S_PROFILING = rng.stream_id("profiling")
S_ASSIGNMENT = rng.stream_id("service-model-assignment")
S_MEETINGS = rng.stream_id("meetings")
S_DETECTION = rng.stream_id("obligation-detection")
S_COMPLIANCE = rng.stream_id("obligation-compliance")


class EmploymentService(mesa.Agent):
    def __init__(self, model):
        super().__init__(model)
        self.registered_this_week = 0
        sm = model.config.service_model
        self.rules = sm
        self.regimes = (sm.control(), sm)  # indexed by the `treated` column
        self.obligations = any(r.applications_required > 0 for r in self.regimes)
        pop, world = model.population, model.world
        ids = np.arange(pop.n)
        pop.treated[:] = rng.uniforms(model.seed, S_ASSIGNMENT, 0, ids) < sm.treated_share
        self.offices = Offices(world, sm)
        self._started = False
        self.weak_market = np.zeros(world.n_markets, dtype=bool)
        self.stats: dict[str, float] = {}
        self._monitored = np.empty(0, dtype=np.int64)
        self._pending_after_monitor = 0

    def adopt(self, config) -> None:
        """A reform's service model takes effect: contact pattern, obligation, sanctions,
        staffing and who is under it (the same draw of persons, at the new share)."""
        sm = config.service_model
        self.rules = sm
        self.regimes = (sm.control(), sm)
        self.obligations = any(r.applications_required > 0 for r in self.regimes)
        self.offices.adopt(sm)
        pop, ids = self.model.population, np.arange(self.model.population.n)
        pop.treated[:] = rng.uniforms(self.model.seed, S_ASSIGNMENT, 0, ids) < sm.treated_share

    # --------------------------------------------------------------------------- stages
    def registration(self, week: Week) -> None:
        self.register(week.newly, week.number)

    def meetings(self, week: Week) -> None:
        self.reprofile(self.model.registered, week.number)
        self.hold_meetings(self.model.registered, week.number)

    def search(self, week: Week) -> None:
        """Every registered seeker's applications this week, before services add theirs."""
        week.seekers = self.model.registered
        week.applications = self.expected_applications(week.seekers)
        week.boost = np.zeros(len(week.seekers))

    def monitoring(self, week: Week) -> None:
        self.monitor(week.seekers, week.sent, week.hired, week.number)
        self._record_matching(week)

    def staff(self, week: Week) -> None:
        self.pay_staff(week.number)

    def _record_matching(self, week: Week) -> None:
        """Seekers, hires and applications of the treated and the untreated (displacement),
        and hires by weeks since registration."""
        row = week.row
        _, by_band, _, by_group = week.counts  # counted by the matching stage
        for k, name in ((1, "treated"), (0, "untreated")):
            row[f"employment_service.seekers_{name}"] = int(by_group[0, k])
            row[f"employment_service.hires_{name}"] = int(by_group[1, k])
            row[f"employment_service.applications_{name}"] = int(by_group[2, k])
        for k, (lo, hi) in enumerate(REGISTRATION_BANDS):
            row[f"employment_service.seekers_registered_{band_name(lo, hi)}"] = int(by_band[0, k])
            row[f"employment_service.hires_registered_{band_name(lo, hi)}"] = int(by_band[1, k])

    # ---------------------------------------------------------------------- registration
    def register(self, persons: np.ndarray, week: int) -> None:
        """Open a spell for each newly unemployed person: status, tier, first meeting."""
        pop = self.model.population
        pop.status[persons] = Status.REGISTERED
        pop.spell_weeks[persons] = 0
        pop.spell_start[persons] = week
        pop.hire_week[persons] = NO_WEEK
        pop.separation_week[persons] = NO_WEEK
        self.profile(persons, week)
        first = self._per_regime(persons, "first_meeting_weeks")
        pop.next_meeting_week[persons] = week + first
        pop.last_meeting_week[persons] = NO_WEEK
        pop.period_start_week[persons] = NO_WEEK
        pop.applications_period[persons] = 0
        pop.sanction_days[persons] = 0  # a waiting period does not outlive the spell [EST]
        self.registered_this_week = len(persons)

    def profile(self, persons: np.ndarray, week: int, skill: np.ndarray | None = None,
                spell_weeks: np.ndarray | None = None) -> None:
        """Tier from a noisy prediction of job chances; longer spells count against them.
        `skill` and `spell_weeks` are the persons', where the caller has them at hand (else
        read from the population)."""
        pop, p = self.model.population, self.model.config.profiling
        noise = rng.normals(self.model.seed, S_PROFILING, week, persons)
        score = (
            (pop.skill[persons] if skill is None else skill)
            - p.duration_weight * (pop.spell_weeks[persons] if spell_weeks is None
                                   else spell_weeks)
            + p.noise_sd * noise
        )
        # tier 1 above the first cut-off .. tier n below the last
        cutoffs = np.asarray(p.tier_cutoffs)[::-1]
        pop.tier[persons] = 1 + len(cutoffs) - np.searchsorted(cutoffs, score, side="right")

    def reprofile(self, seekers: np.ndarray, week: int) -> None:
        """Seekers whose spell has run another `reprofile_weeks` are profiled again, their
        skill and spell read from the spell table (a spell has run the weeks since its start
        until the week's spell clock)."""
        every = self.model.config.profiling.reprofile_weeks
        spells = self.model.register.spells(seekers)
        rows = reprofile_due(spells["spell_start"], week, every)
        self.profile(seekers[rows], week, spells["skill"][rows],
                     week - spells["spell_start"][rows].astype(np.int64))

    # ------------------------------------------------------------------------ the regimes
    def _per_regime(self, persons: np.ndarray, name: str) -> np.ndarray:
        """A scalar rule per person: the treated regime's or the control's."""
        control, treated = (getattr(r, name) for r in self.regimes)
        if control == treated:
            return np.full(len(persons), treated)
        return np.where(self.model.population.treated[persons], treated, control)

    def _groups(self, persons: np.ndarray):
        """(rules, mask) for the control and the treated among `persons`."""
        if self.regimes[0] is self.regimes[1]:
            yield self.regimes[1], np.ones(len(persons), dtype=bool)
            return
        treated = self.model.population.treated[persons]
        for rules, mask in ((self.regimes[0], ~treated), (self.regimes[1], treated)):
            if mask.any():
                yield rules, mask

    def _next_meeting_week(self, persons: np.ndarray, week: int,
                           spell_start: np.ndarray) -> np.ndarray:
        """The week of each person's next scheduled meeting after one (held or skipped) in
        `week` (NO_WEEK: the pattern schedules none); `spell_start` is theirs."""
        start = spell_start.astype(np.int64)
        spell = week - start
        out = np.full(len(persons), NO_WEEK, dtype=np.int64)
        for rules, mask in self._groups(persons):
            nxt = rules.next_meeting(spell[mask])
            out[mask] = np.where(nxt >= 0, start[mask] + nxt, NO_WEEK)
        return out

    # -------------------------------------------------------------------------- meetings
    def _start(self, seekers: np.ndarray, week: int) -> None:
        """The stock registered at the start has been met before: their last meeting is put
        at random within their current interval, and their obligation period starts now."""
        pop = self.model.population
        self._started = True
        start = pop.spell_start[seekers].astype(np.int64)
        spell = week - start
        first = self._per_regime(seekers, "first_meeting_weeks")
        met = spell >= first
        old = seekers[met]
        pop.next_meeting_week[seekers[~met]] = start[~met] + first[~met]
        gap = np.zeros(len(old), dtype=np.int64)
        for rules, mask in self._groups(old):
            nxt = rules.next_meeting(spell[met][mask])
            gap[mask] = np.where(nxt >= 0, nxt - spell[met][mask], 0)
        u = rng.uniforms(self.model.seed, S_MEETINGS, week, old, 1)
        last = week - np.floor(u * gap).astype(np.int64)
        last = np.maximum(last, start[met] + first[met])
        pop.last_meeting_week[old] = last
        pop.next_meeting_week[old] = np.where(gap > 0, last + gap, NO_WEEK)
        pop.period_start_week[old] = week
        pop.applications_period[old] = 0
        self.offices.staff_to(self._office(seekers))

    def _office(self, persons: np.ndarray) -> np.ndarray:
        return self.offices.of_municipality[self.model.population.municipality[persons]]

    def _update_weak_markets(self, seekers_by_market: np.ndarray) -> None:
        """A local labour market is weak when it has few open vacancies per seeker."""
        n = self.model.world.n_markets
        vacancies = np.bincount(self.model.labour_market.vacancies.market, minlength=n)
        ratio = vacancies / np.maximum(seekers_by_market, 1)
        self.weak_market = ratio < self.rules.weak_market_vacancies_per_seeker

    def hold_meetings(self, seekers: np.ndarray, week: int) -> None:
        """Meetings due this week (and those still waiting) are held as far as caseworker hours
        allow, in the order of the priority rule; the rest wait. Seekers in a provider's
        service are met there: their due meetings pass without drawing on caseworkers."""
        pop, sm = self.model.population, self.rules
        if not self._started:
            self._start(seekers, week)
        spells = self.model.register.spells(seekers)
        by_office, by_market, passed_rows, waiting_rows = meetings_scan(
            seekers, spells["municipality"], self.offices.of_municipality, spells["market"],
            pop.next_meeting_week, pop.status, week, int(Status.IN_SERVICE), int(NO_WEEK),
            self.offices.n, self.model.world.n_markets)
        passed, waiting = seekers[passed_rows], seekers[waiting_rows]
        start = spells["spell_start"]
        self.offices.review(by_office)
        self._update_weak_markets(by_market)
        self.stats = dict.fromkeys(
            ("meetings_held", "first_meetings", "first_on_time", "meetings_waiting",
             "delay_weeks", "hours_used", "checks", "lapses", "detected", "days_imposed",
             "benefit_days_lost"), 0.0)
        hours = self.offices.meeting_hours()
        self.stats["caseworkers"] = float(self.offices.caseworkers.sum())
        self.stats["hours_available"] = float(hours.sum())
        self.stats["registered"] = float(len(seekers))

        pop.next_meeting_week[passed] = self._next_meeting_week(passed, week,
                                                                start[passed_rows])
        if len(waiting) == 0:
            return
        first = pop.last_meeting_week[waiting] == NO_WEEK
        need = np.where(first, sm.first_meeting_hours, sm.meeting_hours)
        office = self.offices.of_municipality[spells["municipality"][waiting_rows]]
        order = draw_order(rng.uniforms(self.model.seed, S_MEETINGS, week, waiting, 0),
                           *self._priority(waiting), office)
        used = np.cumsum(need[order])
        counts = np.bincount(office, minlength=self.offices.n)
        before = np.r_[0.0, used][np.r_[0, np.cumsum(counts)][:-1]]  # hours of earlier offices
        fits = used - before[office[order]] <= hours[office[order]] + 1e-9
        held_mask = np.zeros(len(waiting), dtype=bool)
        held_mask[order[fits]] = True
        held = waiting[held_mask]
        delay = week - pop.next_meeting_week[held].astype(np.int64)
        first_held = first[held_mask]
        pop.last_meeting_week[held] = week
        new = held[first_held]
        pop.period_start_week[new] = week  # the job-search plan: the obligation starts
        pop.applications_period[new] = 0
        pop.next_meeting_week[held] = self._next_meeting_week(held, week,
                                                              start[waiting_rows[held_mask]])
        s = self.stats
        s["meetings_held"] = float(len(held))
        s["first_meetings"] = float(first_held.sum())
        s["first_on_time"] = float(np.sum(first_held & (delay == 0)))
        s["meetings_waiting"] = float(len(waiting) - len(held))
        s["delay_weeks"] = float(delay.sum())
        s["hours_used"] = float(need[held_mask].sum())

    def _priority(self, persons: np.ndarray) -> tuple[np.ndarray, ...]:
        """Sort keys (last key sorts first, within an office) of the priority rule."""
        pop, rule = self.model.population, self.rules.priority
        due = pop.next_meeting_week[persons].astype(np.int64)
        if rule == "overdue_first":
            return (due,)
        if rule == "newest_first":
            return (due, -pop.spell_start[persons].astype(np.int64))
        if rule == "farthest_first":
            return (due, -pop.tier[persons].astype(np.int64))
        return ()  # random

    # ------------------------------------------------------------------------------ effort
    def expected_applications(self, seekers: np.ndarray) -> np.ndarray:
        """Applications a week: the base rate by age, falling with spell length
        (discouragement), raised for a while after each meeting, and raised to the job-search
        requirement by those who comply. Whether a seeker complies is a lasting trait (a draw
        below `obligation_compliance`); a reminder or sanction brings more into compliance for
        a while (the threat effect, `sanction_compliance_gain`)."""
        pop, sm, lm = self.model.population, self.rules, self.model.config.labour_market
        week = self.model.week
        spells = self.model.register.spells(seekers)
        rate = expected_effort(seekers, spells["spell_start"], spells["age_band"], pop.status,
                               pop.last_meeting_week, int(Status.REGISTERED), int(NO_WEEK), week,
                               lm.applications, lm.effort_by_age, lm.effort_decline,
                               DISCOURAGEMENT_WEEKS, sm.meeting_effort_gain,
                               sm.meeting_effort_weeks)
        if not self.obligations:
            return rate
        open_search = pop.status[seekers] == Status.REGISTERED
        required = self._required(seekers)
        bound = open_search & (pop.period_start_week[seekers] != NO_WEEK) & (required > 0)
        if bound.any():
            target = required / self._per_regime(seekers, "obligation_weeks")
            lapse = pop.last_lapse_week[seekers].astype(np.int64)
            warned = lapse != NO_WEEK
            since = np.where(warned, week - lapse, 0)
            share = sm.obligation_compliance + np.where(
                warned, sm.sanction_compliance_gain * np.exp(-since / sm.sanction_memory_weeks),
                0.0)
            complies = rng.uniforms(self.model.seed, S_COMPLIANCE, 0, seekers) < share
            rate = np.where(bound & complies & (rate < target), target, rate)
        return rate

    def _required(self, persons: np.ndarray) -> np.ndarray:
        """Applications required per obligation period, by regime and local market."""
        weak = self.weak_market[self.model.population.market[persons]]
        out = np.zeros(len(persons), dtype=np.int64)
        for rules, mask in self._groups(persons):
            out[mask] = rules.required(weak[mask])
        return out

    # ----------------------------------------------------------------- obligations, sanctions
    def monitor(self, seekers: np.ndarray, sent: np.ndarray, hired: np.ndarray,
                week: int) -> None:
        """Count this week's applications; at the end of each obligation period check them
        against the requirement, and sanction detected lapses on the ladder."""
        pop, s = self.model.population, self.stats
        if not self.obligations:  # nothing to check, and no sanction is ever pending
            return
        pop.applications_period[seekers] += sent.astype(pop.applications_period.dtype)
        start = pop.period_start_week[seekers].astype(np.int64)
        length = self._per_regime(seekers, "obligation_weeks")
        still = np.ones(len(seekers), dtype=bool)
        still[np.searchsorted(seekers, hired)] = False  # `hired` are among the sorted seekers
        ends = (start != NO_WEEK) & (week - start + 1 >= length) & still
        ending = seekers[ends]
        check = ending[pop.status[ending] == Status.REGISTERED]  # not while in a service
        required = self._required(check)
        lapse = (required > 0) & (pop.applications_period[check] < required)
        met = pop.last_meeting_week[check] >= pop.period_start_week[check]
        p = np.zeros(len(check))
        for rules, mask in self._groups(check):
            p[mask] = rules.detection(met[mask])
        u = rng.uniforms(self.model.seed, S_DETECTION, week, check)
        caught = check[lapse & (u < p)]
        s["checks"] = float(np.sum(required > 0))
        s["lapses"] = float(lapse.sum())
        s["detected"] = float(len(caught))
        self.sanction(caught, week)
        pop.period_start_week[ending] = week + 1
        pop.applications_period[ending] = 0
        self._monitored = seekers
        self._pending_after_monitor = int(pop.sanction_days[seekers].sum())

    def sanction(self, persons: np.ndarray, week: int) -> None:
        """Detected lapses climb the sanction ladder: benefit days lost (`sanction_days`)."""
        pop, s = self.model.population, self.stats
        last = pop.last_lapse_week[persons].astype(np.int64)
        since = np.where(last != NO_WEEK, week - last, -1)
        for rules, mask in self._groups(persons):
            who = persons[mask]
            step, days, pending = rules.sanction(pop.lapses[who], since[mask],
                                                 pop.sanction_days[who])
            pop.lapses[who] = np.minimum(step, np.iinfo(pop.lapses.dtype).max)
            pop.sanction_days[who] = pending
            pop.last_lapse_week[who] = week
            for k in np.unique(np.minimum(step, len(rules.sanction_ladder_days))):
                key = f"sanctions_step{k}"
                s[key] = s.get(key, 0.0) + float(np.sum(
                    np.minimum(step, len(rules.sanction_ladder_days)) == k))
            s["days_imposed"] += float(days.sum())

    def benefit_days_lost(self) -> int:
        """Benefit days withheld this week: what the payments stage took off the sanction
        days pending after `monitor` (those who left the register keep theirs unserved)."""
        pop = self.model.population
        return self._pending_after_monitor - int(pop.sanction_days[self._monitored].sum())

    # ----------------------------------------------------------------------------- staff
    def pay_staff(self, week: int) -> None:
        """A week of caseworker time at its cost, paid as the service model says."""
        cost = self.offices.pay(self.model, week)
        self.stats["staff_cost"] = cost
