"""A service scheme's quasi-market: referral, choice, service, provider pay, ratings, and the
entry, exit, exclusion and tendering of providers (DESIGN.md stages 4, 5, 6, 8 and 9).

A scheme is a purchaser (the state or the municipalities) buying services for the seekers of
some municipalities under a set of rules (sim/rules/): who is referred, how seekers and
providers meet, how providers are paid. Two schemes in one world can run different regimes.
Service works only through matching: hours raise a participant's perceived productivity and
applications, and own search falls while in service (lock-in), so effects on jobs, displacement
of non-participants and provider results all come out of the matching kernel.
"""

from __future__ import annotations

import numpy as np

from sim.agents.provider import Provider
from sim.kernels import rng
from sim.population import NO_WEEK, Benefit, EventQueue, Status
from sim.rules.service import ServiceScheme

TIERS = (1, 2, 3)
QUARTER = 13
DEFAULT_JOB_CHANCE = np.array([0.04, 0.02, 0.008])  # weekly, by tier, before any statistics


class QuasiMarket:
    """The running market of one scheme; the model calls its stages in the weekly order."""

    def __init__(self, model, name: str, scheme: ServiceScheme, sid: int):
        self.model, self.name, self.s, self.sid = model, name, scheme, sid
        self.payer = model.finance.services_payer(scheme.purchaser)
        behaviour = model.config.municipal
        self.responds = self.payer == "municipality" and behaviour.respond
        names = [m.name for m in model.world.municipalities]
        wanted = scheme.municipalities or tuple(names)
        self.area = np.isin(np.arange(len(names)), [names.index(n) for n in wanted])
        self.area_index = np.flatnonzero(self.area)
        self.providers: list[Provider] = []
        self.results = EventQueue()  # persons whose result payment falls due
        self.checks = EventQueue()  # referral-cohort hires whose job is checked for duration
        self._checking: dict[int, tuple[int, int]] = {}  # person -> (hire week, cohort row)
        self._pending: dict[int, tuple[int, int, int]] = {}  # person -> provider, hire wk, tier
        self.rotation = 0
        self.stream = rng.stream_id(f"market:{name}")
        self.refs: dict[str, list] = {"person": [], "week": [], "tier": [], "hire": [],
                                      "sustained": []}
        self._open_ref: dict[int, int] = {}
        self.tier_chance = DEFAULT_JOB_CHANCE.copy()
        self.events = {"entered": 0, "exited": 0, "excluded": 0, "tenders": 0, "switches": 0}
        c, p = scheme.choice, scheme.providers
        if c.in_house:
            self._add_provider(
                effectiveness=p.in_house_effectiveness, cost=p.in_house_cost_per_hour,
                capacity=10**9, mission=0.0, location=int(self.area_index[0]), cash=0.0,
                fixed_cost=0.0, in_house=True, fixed_hours=p.in_house_hours)
        if c.entry == "free":
            self._applicants(p.initial, model.week, screen=True)

    # ------------------------------------------------------------------------ providers
    @property
    def active(self) -> list[Provider]:
        return [p for p in self.providers if p.active]

    def _add_provider(self, *, effectiveness, cost, capacity, mission, location, cash,
                      fixed_cost, in_house=False, fixed_hours=None, fee_factor=1.0) -> Provider:
        prov = Provider(self.model, self.name, len(self.providers), effectiveness=effectiveness,
                        cost_per_hour=cost, capacity=int(capacity), mission_weight=mission,
                        location=location, cash=cash, fixed_cost_week=fixed_cost,
                        in_house=in_house, fixed_hours=fixed_hours, fee_factor=fee_factor)
        prov.obs = np.zeros(52)  # hires of participants, by week slot (for ratings)
        prov.exp = np.zeros(52)  # expected hires given participants' tiers
        prov.load = np.zeros(52)  # participant-weeks
        self.providers.append(prov)
        return prov

    def _draw_traits(self, n: int, week: int, sub: int) -> dict:
        p = self.s.providers
        gen = rng.generator(self.model.seed, self.stream + sub, week)
        eff = np.maximum(0.05, gen.normal(p.effectiveness_mean, p.effectiveness_sd, n))
        return dict(
            effectiveness=eff,
            cost=np.maximum(50.0, gen.normal(p.cost_per_hour, p.cost_sd, n)),
            capacity=np.maximum(5, np.round(gen.normal(p.capacity_mean, p.capacity_sd, n))),
            mission=np.where(gen.random(n) < p.mission_share, p.mission_value, 0.0),
            location=self.area_index[gen.integers(0, len(self.area_index), n)],
            signal=(eff - p.effectiveness_mean) / max(p.effectiveness_sd, 1e-9)
            + gen.normal(0.0, 1.0, n),
        )

    def _applicants(self, n: int, week: int, screen: bool) -> list[Provider]:
        """Would-be providers apply; admission screening sees their quality with noise."""
        t = self._draw_traits(n, week, sub=1)
        admitted = []
        for k in range(n):
            if screen and t["signal"][k] < self.s.choice.admission_threshold:
                continue
            admitted.append(self._add_provider(
                effectiveness=float(t["effectiveness"][k]), cost=float(t["cost"][k]),
                capacity=t["capacity"][k], mission=float(t["mission"][k]),
                location=int(t["location"][k]), cash=self.s.providers.initial_cash,
                fixed_cost=self.s.providers.fixed_cost_week))
        return admitted

    def participants_of(self) -> np.ndarray:
        """Persons in this scheme's service (sorted)."""
        pop, reg = self.model.population, self.model.registered
        return reg[(pop.status[reg] == Status.IN_SERVICE) & (pop.scheme[reg] == self.sid)]

    # ------------------------------------------------------------------ 4 referral
    def refer(self, week: int) -> np.ndarray:
        """Seekers referred this week: eligible by the referral rules, within budgeted places."""
        r, pop = self.s.referral, self.model.population
        reg = self.model.registered
        benefit_ok = np.isin(pop.benefit[reg], [Benefit[b.upper()] for b in r.benefits])
        rested = (pop.service_end_week[reg] == NO_WEEK) | (
            week - pop.service_end_week[reg].astype(np.int64) >= QUARTER)
        eligible = reg[(pop.status[reg] == Status.REGISTERED) & self.area[pop.municipality[reg]]
                       & np.isin(pop.tier[reg], r.tiers)
                       & (pop.spell_weeks[reg] >= r.min_spell_weeks) & benefit_ok & rested]
        if self.responds and self.model.config.municipal.budget_rule == "transfer":
            funded = np.array([m.budget > 0 for m in self.model.municipalities])
            eligible = eligible[funded[pop.municipality[eligible]]]
        u = rng.uniforms(self.model.seed, self.stream, week, eligible, 0)
        rate = np.full(len(eligible), r.weekly_rate)
        priority = self._priority(eligible)
        rate = np.minimum(1.0, rate * priority)
        chosen = u < rate
        referred, u = eligible[chosen], u[chosen]
        if r.places:
            free = max(0, r.places - len(self.participants_of()))
            order = np.lexsort((u, -priority[chosen]))  # priority first, then at random
            referred = referred[order[:free]]
        return np.sort(referred)

    def _priority(self, persons: np.ndarray) -> np.ndarray:
        """Referral weight: a cost-bearing municipality may favour seekers about to enter a
        higher co-financing band (the incentive TE24 creates, evidence.md 4.1)."""
        b, f = self.model.config.municipal, self.model.config.funding
        weight = np.ones(len(persons))
        if self.responds and b.targeting == "cofinancing_band" and f.cofinancing_bands:
            days = self.model.population.cofinancing_days[persons]
            near = f.next_band_day(days) - days <= b.targeting_horizon_days
            weight[near] = b.targeting_weight
        return weight

    # ------------------------------------------------------------------ 5 choice
    def choose(self, week: int, referred: np.ndarray) -> dict:
        """Referred seekers choose a provider (logit on rating and distance) or are given the
        default; a provider may refuse where the rules allow. Returns tier counts."""
        pop, c = self.model.population, self.s.choice
        counts = {"referred": np.zeros(3, int), "accepted": np.zeros(3, int), "queued": 0}
        providers = self.active
        if len(referred) == 0:
            return counts
        load = np.bincount(pop.provider[self.participants_of()], minlength=len(self.providers))
        spare = {p.index: p.capacity - load[p.index] for p in providers}
        active = rng.uniforms(self.model.seed, self.stream, 0, referred, 1) < c.active_choice_share
        u_choice = rng.uniforms(self.model.seed, self.stream, week, referred, 2)
        for k, person in enumerate(referred.tolist()):
            tier = int(pop.tier[person])
            order = self._preferences(person, providers, bool(active[k]), float(u_choice[k]), week)
            order = [prov for prov in order if spare[prov.index] > 0]
            if not order:
                counts["queued"] += 1  # no free place: stays in open search, not a refusal
                continue
            counts["referred"][tier - 1] += 1
            margin = self._expected_margin(tier)
            for prov in order:
                if not prov.accepts(np.array([margin[prov.index]]), c.refusal_allowed)[0]:
                    continue
                spare[prov.index] -= 1
                self._enter_service(person, prov, week)
                pop.active_chooser[person] = bool(active[k])
                counts["accepted"][tier - 1] += 1
                break
        return counts

    def _preferences(self, person: int, providers: list[Provider], active: bool, u: float,
                     week: int) -> list[Provider]:
        """Providers in the order this seeker would take them."""
        c, pop = self.s.choice, self.model.population
        if not providers:
            return []
        if c.default == "in_house" and not active:
            return [p for p in providers if p.in_house]
        private = [p for p in providers if not p.in_house] or providers
        muni = int(pop.municipality[person])
        dist = self._distance(muni, np.array([p.location for p in private]))
        if active:
            shown = np.array([p.stars if (c.published_ratings and p.stars) else 2.5
                              for p in private])
            ids = np.array([person * 100_003 + p.index for p in private])
            gen = rng.uniforms(self.model.seed, self.stream + 7, week, ids)
            gumbel = -np.log(-np.log(np.clip(gen, 1e-12, 1 - 1e-12)))
            utility = c.rating_weight * shown - c.distance_weight * dist + gumbel
            return [private[i] for i in np.argsort(-utility, kind="stable")]
        if c.default == "nearest":
            jitter = rng.uniforms(self.model.seed, self.stream + 3, week, np.arange(len(private)),
                                  person % 1_000_003)
            return [private[i] for i in np.lexsort((jitter, dist))]
        if c.default == "rotation":
            start = self.rotation % len(private)
            self.rotation += 1
            return private[start:] + private[:start]
        start = int(u * len(private))  # random
        return private[start:] + private[:start]

    def _distance(self, muni: int, locations: np.ndarray) -> np.ndarray:
        market = self.model.world.municipality_market
        return np.where(locations == muni, 0.0, np.where(market[locations] == market[muni], 1.0,
                                                         3.0))

    def _expected_margin(self, tier: int) -> np.ndarray:
        """Each provider's expected weekly margin on a participant of `tier` at minimum hours."""
        pay, eff = self.s.payment, self.s.effect
        fee = pay.weekly_base_fee(tier)
        result = pay.result(tier) * self.tier_chance[tier - 1]
        return np.array([fee * p.fee_factor + result - p.cost_per_hour * eff.min_hours
                         for p in self.providers])

    def _enter_service(self, person: int, prov: Provider, week: int) -> None:
        pop, r = self.model.population, self.s.referral
        pop.status[person] = Status.IN_SERVICE
        pop.provider[person] = prov.index
        pop.scheme[person] = self.sid
        pop.service_weeks[person] = 0
        pop.service_length[person] = r.service_weeks
        pop.referral_week[person] = week
        self._open_ref[person] = len(self.refs["person"])
        for key, value in (("person", person), ("week", week), ("tier", int(pop.tier[person])),
                           ("hire", NO_WEEK), ("sustained", False)):
            self.refs[key].append(value)

    # ------------------------------------------------------------------ 6 service
    def serve(self, week: int):
        """Providers set hours; returns (participants, boost, application factor) for matching
        and ends services that ran their length."""
        pop, e = self.model.population, self.s.effect
        parts = self.participants_of()
        hours = np.zeros(len(parts))
        grid = np.asarray(e.hours_grid)
        tiers = pop.tier[parts]
        chance = self.tier_chance[tiers - 1]
        result_pay = self.s.payment.result(tiers) if len(parts) else np.zeros(0)
        owner = pop.provider[parts]
        eff = np.array([p.effectiveness for p in self.providers]) if self.providers else np.ones(1)
        slot = week % 52
        for prov in self.providers:
            mine = np.flatnonzero(owner == prov.index)
            prov.obs[slot] = prov.exp[slot] = prov.load[slot] = 0.0
            if len(mine) == 0:
                prov.week_hours = 0.0
                continue
            lift = e.believed_lift * prov.effectiveness * e.shape(grid)
            hours[mine] = prov.choose_hours(grid, chance[mine], result_pay[mine], lift,
                                            e.min_hours)
            if prov.in_house:
                hours[mine] *= self._affordable(parts[mine], prov.cost_per_hour, hours[mine])
            prov.week_hours = float(hours[mine].sum())
            prov.exp[slot] = float(chance[mine].sum())
            prov.load[slot] = len(mine)
        pop.intensity[parts] = hours
        effect = e.shape(hours) * eff[owner] if len(parts) else np.zeros(0)
        if self.payer == "municipality" and len(parts):
            # a municipality's own service works as well as the municipality runs it
            capability = np.array([m.capability for m in self.model.municipalities])
            in_house = np.array([p.in_house for p in self.providers])[owner]
            effect = np.where(in_house, effect * capability[pop.municipality[parts]], effect)
            for m in np.unique(pop.municipality[parts]):
                self.model.municipalities[m].experience_weeks += 1
        boost = e.boost * effect
        apps_factor = (1.0 - e.lock_in) + e.applications_per_hour * hours
        if e.skill_gain_per_hour:
            pop.skill[parts] += e.skill_gain_per_hour * hours * eff[owner]
        return parts, boost, apps_factor

    def _affordable(self, persons: np.ndarray, cost_per_hour: float,
                    hours: np.ndarray) -> np.ndarray:
        """A budget-bound municipality runs its own service at the intensity its budget
        affords: planned hours, scaled down (to half at the least) when a quarter's worth of
        its budget would not cover them."""
        if not (self.responds and self.model.config.municipal.budget_rule == "transfer"):
            return np.ones(len(persons))
        muni = self.model.population.municipality[persons]
        planned = np.bincount(muni, weights=hours * cost_per_hour,
                              minlength=len(self.model.municipalities))
        available = np.array([max(m.budget, 0.0) / QUARTER for m in self.model.municipalities])
        factor = np.clip(available / np.maximum(planned, 1e-9), 0.5, 1.0)
        return factor[muni]

    def end_services(self, week: int) -> None:
        """Services that ran their length end (or are extended once); participants return to
        open search."""
        pop, r = self.model.population, self.s.referral
        parts = self.participants_of()
        pop.service_weeks[parts] += 1
        due = parts[pop.service_weeks[parts] >= pop.service_length[parts]]
        extend = (rng.uniforms(self.model.seed, self.stream, week, due, 4) < r.extension_share) & (
            pop.service_length[due] == r.service_weeks) & (r.extension_weeks > 0)
        pop.service_length[due[extend]] += r.extension_weeks
        self._leave_service(due[~extend], week)

    def _leave_service(self, persons: np.ndarray, week: int) -> None:
        pop = self.model.population
        pop.status[persons] = Status.REGISTERED
        pop.last_provider[persons] = pop.provider[persons]
        pop.service_end_week[persons] = week
        pop.provider[persons] = -1
        pop.intensity[persons] = 0.0

    # ------------------------------------------------------------------ hires and results
    def on_hires(self, hired: np.ndarray, week: int) -> None:
        """Before hired seekers leave the register: result candidates and referral outcomes."""
        pop, pay = self.model.population, self.s.payment
        mine = hired[pop.scheme[hired] == self.sid]
        in_service = mine[pop.status[mine] == Status.IN_SERVICE]
        recent = mine[(pop.status[mine] == Status.REGISTERED) & (pop.last_provider[mine] >= 0)
                      & (week - pop.service_end_week[mine].astype(np.int64)
                         <= pay.result_window_weeks)]
        self.week_hires = len(in_service) + len(recent)
        for persons, owner in ((in_service, pop.provider), (recent, pop.last_provider)):
            for person in persons.tolist():
                prov = self.providers[int(owner[person])]
                prov.obs[week % 52] += 1
                self._pending[person] = (prov.index, week, int(pop.tier[person]))
            self.results.schedule(np.full(len(persons), week + pay.qualifying_weeks), persons)
        checked = []
        for person in mine.tolist():
            k = self._open_ref.pop(person, None)
            if k is not None and week - self.refs["week"][k] <= 52:
                self.refs["hire"][k] = week
                self._checking[person] = (week, k)
                checked.append(person)
        self.checks.schedule(np.full(len(checked), week + pay.qualifying_weeks, dtype=np.int64),
                             np.array(checked, dtype=np.int64))
        pop.provider[mine] = -1
        pop.last_provider[mine] = -1
        pop.scheme[mine] = -1
        pop.intensity[mine] = 0.0

    # ------------------------------------------------------------------ 8 payments
    def pay(self, week: int, w: dict) -> None:
        """Base fees for this week's participants, result payments falling due, provider books."""
        pop, pay = self.model.population, self.s.payment
        parts = self.participants_of()
        payers = self._payers(parts)
        revenue = np.zeros(len(self.providers))
        owner = pop.provider[parts]
        fee_factor = np.array([p.fee_factor for p in self.providers] or [1.0])
        paying = pop.service_weeks[parts] >= pay.start_weeks
        fees = np.where(paying, pay.weekly_base_fee(pop.tier[parts]) if len(parts) else 0.0, 0.0)
        fees = fees * fee_factor[owner] if len(parts) else fees
        in_house_cost = np.zeros(len(self.providers))
        for prov in self.providers:
            mine = owner == prov.index
            if prov.in_house:
                cost = pop.intensity[parts[mine]] * prov.cost_per_hour
                self._ledger_by_payer(week, payers[mine], prov.name, "in_house_service_cost",
                                      cost)
                in_house_cost[prov.index] = cost.sum()
            else:
                self._ledger_by_payer(week, payers[mine], prov.name, "provider_base_fee",
                                      fees[mine])
                revenue[prov.index] += fees[mine].sum()
        results_paid, n_results, n_sustained = 0.0, 0, 0
        for person in self.results.pop(week).tolist():
            prov_index, hire_week, tier = self._pending.pop(person, (None, None, None))
            if prov_index is None:
                continue
            sustained = (pop.status[person] == Status.EMPLOYED
                         and pop.hire_week[person] == hire_week)
            n_sustained += int(sustained)
            prov = self.providers[prov_index]
            if sustained and prov.active and not prov.in_house:
                amount = float(pay.result(tier))
                payers = self._payers(np.array([person]))
                self._ledger_by_payer(week, payers, prov.name, "provider_result_payment",
                                      np.array([amount]))
                revenue[prov_index] += amount
                results_paid += amount
                n_results += 1
        self._check_durations(week)
        for prov in self.active:
            if prov.in_house:
                continue
            cost = prov.week_hours * prov.cost_per_hour + prov.fixed_cost_week
            prov.book(float(revenue[prov.index]), cost)
        n = f"services.{self.name}."
        w[n + "results_paid"] = n_results
        w[n + "sustained_jobs"] = n_sustained
        w[n + "service_spend"] = float(fees.sum() + in_house_cost.sum() + results_paid)
        w[n + "in_house_cost"] = float(in_house_cost.sum())

    def _check_durations(self, week: int) -> None:
        """Referral-cohort hires of `qualifying_weeks` ago: did the job last?"""
        pop = self.model.population
        for person in self.checks.pop(week).tolist():
            hire_week, k = self._checking.pop(person, (None, None))
            if k is not None:
                self.refs["sustained"][k] = bool(pop.status[person] == Status.EMPLOYED
                                                 and pop.hire_week[person] == hire_week)

    def _payers(self, persons: np.ndarray) -> np.ndarray:
        if self.payer == "state":
            return np.full(len(persons), "state", dtype=object)
        names = np.array([m.payer for m in self.model.municipalities], dtype=object)
        return names[self.model.population.municipality[persons]]

    def _ledger_by_payer(self, week, payers, payee, category, amounts) -> None:
        budgets = {m.payer: m for m in self.model.municipalities}
        for payer in np.unique(payers) if len(payers) else []:
            amount = float(amounts[payers == payer].sum())
            self.model.ledger.pay(week, payer, payee, category, amount)
            if payer in budgets:
                budgets[payer].budget -= amount

    # ------------------------------------------------------------------ 9 market
    def market(self, week: int) -> None:
        """Quarterly ratings; reviews and exclusions; exits after losses; entry; tenders."""
        c = self.s.choice
        for prov in self.active:
            if not prov.in_house and prov.cash < self.s.providers.exit_cash:
                self._remove(prov, week, "losses")
        if c.switching_rate:
            self._switch(week)
        if c.entry == "tender" and (self.events["tenders"] == 0 or week % c.tender_weeks == 0):
            self._tender(week)
        if week % QUARTER == 0:
            self._update_tier_chance()
            self._rate()
            if c.entry == "free":
                self._enter(week)
        if c.review_weeks and week % c.review_weeks == 0 and week > self.model.week_zero:
            self._review(week)

    def _switch(self, week: int) -> None:
        """Active choosers may switch provider (LOV: at any time, evidence.md 1.1): each week a
        share reconsiders and moves to a provider with published stars above their own
        provider's and a free place, the best-rated first."""
        c, pop = self.s.choice, self.model.population
        if not c.published_ratings:
            return
        parts = self.participants_of()
        movers = parts[pop.active_chooser[parts]]
        u = rng.uniforms(self.model.seed, self.stream, week, movers, 5)
        movers = movers[u < c.switching_rate]
        if len(movers) == 0:
            return
        load = np.bincount(pop.provider[parts], minlength=len(self.providers))
        ranked = sorted((p for p in self.active if not p.in_house and p.stars),
                        key=lambda p: (-p.stars, p.index))
        for person in movers.tolist():
            current = self.providers[int(pop.provider[person])]
            for prov in ranked:
                if prov.stars <= current.stars:
                    break
                if load[prov.index] < prov.capacity:
                    load[prov.index] += 1
                    load[current.index] -= 1
                    pop.provider[person] = prov.index
                    self.events["switches"] += 1
                    break

    def _update_tier_chance(self) -> None:
        rows = self.model.metrics.rows[-QUARTER:]
        for t in TIERS:
            hires = sum(r.get(f"hires_tier{t}", 0) for r in rows)
            seekers = sum(r.get(f"seekers_tier{t}", 0) for r in rows)
            if seekers > 100:
                self.tier_chance[t - 1] = hires / seekers

    def ratio(self, prov: Provider) -> float:
        """Results over expected results given the participant mix (last 52 weeks)."""
        return prov.obs.sum() / prov.exp.sum() if prov.exp.sum() > 0 else float("nan")

    def _rated(self) -> list[Provider]:
        need = self.s.choice.min_rated_participants * QUARTER
        return [p for p in self.active if not p.in_house and p.load.sum() >= need]

    def _rate(self) -> None:
        """1-4 stars by quartile of risk-adjusted results, as STOM's ratings (RiR 2020:13)."""
        rated = self._rated()
        if len(rated) < 2:
            return
        ratios = np.array([self.ratio(p) for p in rated])
        ranks = np.argsort(np.argsort(ratios, kind="stable"), kind="stable")
        for p, rank in zip(rated, ranks, strict=True):
            p.stars = 1 + int(4 * rank / len(rated))

    def _review(self, week: int) -> None:
        """Performance review: revoke poorly rated providers, or exclude the worst share."""
        c = self.s.choice
        rated = self._rated()
        if not rated:
            return
        out: list[Provider] = []
        if c.exclusion_stars:
            out += [p for p in rated if 0 < p.stars <= c.exclusion_stars
                    and self.ratio(p) < c.exclusion_max_ratio]
        if c.exclusion_share:
            n = int(np.floor(c.exclusion_share * c.review_weeks / 52 * len(rated) + 0.5))
            worst = sorted(rated, key=lambda p: (self.ratio(p), p.index))[:n]
            out += [p for p in worst if p not in out]
        for prov in out:
            self._remove(prov, week, "excluded")

    def _remove(self, prov: Provider, week: int, reason: str) -> None:
        prov.leave(week, reason)
        self.events["excluded" if reason == "excluded" else "exited"] += 1
        pop = self.model.population
        parts = self.participants_of()
        self._leave_service(parts[pop.provider[parts] == prov.index], week)

    def _enter(self, week: int) -> None:
        """Would-be providers enter when the expected quarterly profit is positive."""
        p = self.s.providers
        gen = rng.generator(self.model.seed, self.stream + 2, week)
        n = int(gen.poisson(p.entrants_per_quarter))
        if n == 0:
            return
        parts = len(self.participants_of())
        private = [q for q in self.active if not q.in_house]
        per_provider = parts / (len(private) + 1) if private else p.capacity_mean
        margin = float(np.mean(self._expected_margin_of_cost(p.cost_per_hour)))
        profit = QUARTER * (per_provider * margin - p.fixed_cost_week)
        if profit > 0:
            self.events["entered"] += len(self._applicants(n, week, screen=True))

    def _expected_margin_of_cost(self, cost: float) -> np.ndarray:
        pay, e = self.s.payment, self.s.effect
        tiers = np.array(TIERS)
        return (pay.weekly_base_fee(tiers) + pay.result(tiers) * self.tier_chance
                - cost * e.min_hours)

    def _tender(self, week: int) -> None:
        """A tender: incumbents and new bidders bid a price; the best price per quality win."""
        c, p, e = self.s.choice, self.s.providers, self.s.effect
        self.events["tenders"] += 1
        new = self._applicants(c.tender_winners * 3, week, screen=False)
        bidders = [q for q in self.active if not q.in_house]
        gen = rng.generator(self.model.seed, self.stream + 4, week)
        ref_cost = p.cost_per_hour * e.min_hours + p.fixed_cost_week / p.capacity_mean
        score = []
        for q in bidders:
            own = q.cost_per_hour * e.min_hours + q.fixed_cost_week / q.capacity
            q.fee_factor = (1 + p.tender_markup) * own / ref_cost
            signal = (q.effectiveness - p.effectiveness_mean) / max(p.effectiveness_sd, 1e-9)
            quality = 1.0 + 0.2 * (signal + gen.normal())
            ok = signal + gen.normal() >= c.admission_threshold
            score.append(q.fee_factor / max(quality, 0.1) if ok else np.inf)
        order = np.argsort(score, kind="stable")
        winners = {bidders[i].index for i in order[:c.tender_winners] if np.isfinite(score[i])}
        for q in bidders:
            if q.index not in winners:
                q.leave(week, "lost tender")
                if q not in new:
                    self.events["exited"] += 1
                pop = self.model.population
                parts = self.participants_of()
                self._leave_service(parts[pop.provider[parts] == q.index], week)

    # ------------------------------------------------------------------ 10 record
    def record(self, w: dict, counts: dict) -> None:
        pop = self.model.population
        parts = self.participants_of()
        n = f"services.{self.name}."
        w[n + "participants"] = len(parts)
        w[n + "participant_hires"] = getattr(self, "week_hires", 0)
        for t in TIERS:
            mine = parts[pop.tier[parts] == t]
            w[f"{n}participants_tier{t}"] = len(mine)
            w[f"{n}hours_tier{t}"] = float(pop.intensity[mine].sum())
            w[f"{n}referred_tier{t}"] = int(counts["referred"][t - 1])
            w[f"{n}accepted_tier{t}"] = int(counts["accepted"][t - 1])
        w[n + "queued"] = int(counts["queued"])
        active = [p for p in self.active if not p.in_house]
        w[n + "providers_active"] = len(active)
        for key, value in self.events.items():
            w[f"{n}providers_{key}"] = value
        loads = np.bincount(pop.provider[parts], minlength=len(self.providers)).astype(float)
        share = loads / loads.sum() if loads.sum() else loads
        w[n + "hhi"] = float(10_000 * np.sum(share**2))
        private = [p for p in self.providers if not p.in_house]  # cumulative, leavers included
        w[n + "provider_revenue"] = float(sum(p.revenue for p in private))
        w[n + "provider_costs"] = float(sum(p.costs for p in private))

    def final_indicators(self, col: dict, years: float, last_week: int) -> dict:
        """The scheme's summary values that are not one aggregation of a weekly column:
        parking, creaming, referral-cohort outcomes, revenue and margin."""
        n = f"services.{self.name}."
        s: dict = {}
        hours = {t: _ratio(col[f"{n}hours_tier{t}"].sum(), col[f"{n}participants_tier{t}"].sum())
                 for t in TIERS}
        s[n + "parking_index"] = _ratio(hours[TIERS[-1]], hours[1])
        referred = np.array([col[f"{n}referred_tier{t}"].sum() for t in TIERS])
        accepted = np.array([col[f"{n}accepted_tier{t}"].sum() for t in TIERS])
        s[n + "creaming_index"] = _ratio(_ratio(accepted[-1], accepted.sum()),
                                         _ratio(referred[-1], referred.sum()))
        s[n + "refused_share"] = _ratio(referred.sum() - accepted.sum(), referred.sum())
        refs = {k: np.array(v) for k, v in self.refs.items()}
        for horizon in (26, 52):
            done = (refs["week"] >= self.model.week_zero) & (refs["week"] <= last_week - horizon) \
                if len(refs["week"]) else np.zeros(0, bool)
            got = done & (refs["hire"] != NO_WEEK) & (refs["hire"] - refs["week"] <= horizon)
            sus = got & refs["sustained"].astype(bool)  # a job that lasted the qualifying period
            s[f"{n}work_within_{horizon}w"] = _ratio(got.sum(), done.sum())
            s[f"{n}sustained_work_within_{horizon}w"] = _ratio(sus.sum(), done.sum())
            for t in TIERS:
                m = done & (refs["tier"] == t)
                s[f"{n}work_within_{horizon}w_tier{t}"] = _ratio(got[m].sum(), m.sum())
                s[f"{n}sustained_work_within_{horizon}w_tier{t}"] = _ratio(sus[m].sum(), m.sum())
        rev = col[n + "provider_revenue"][-1] - col[n + "provider_revenue"][0]
        cost = col[n + "provider_costs"][-1] - col[n + "provider_costs"][0]
        s[n + "provider_revenue_per_year"] = float(rev / years)
        s[n + "provider_margin"] = _ratio(rev - cost, rev)
        return s


def _ratio(a, b) -> float:
    return float(a) / float(b) if b else float("nan")
