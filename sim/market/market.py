"""A service scheme's quasi-market: its stages in the order the week runs them.

A scheme is a purchaser (the state or the municipalities) buying services for the seekers of
some municipalities under rules (sim/rules/): who is referred, how seekers and providers meet,
how providers are paid. Two schemes in one world can run different regimes. The market asks
its agents (providers, municipalities) and rules; one module a stage does the work:

    intake           referral.py, choice.py      who is sent, and to which provider
    service          service.py                  providers' hours -> applications, productivity
    hires            outcomes.py                 result candidates, referral outcomes
    service_ends     service.py                  services that ran their length
    settlement       settlement.py, outcomes.py  base fees, result payments, providers' books
    provider_market  providers.py, ratings.py    exits, switching, tenders, stars, entry, reviews
    record                                       the week's indicators
"""

from __future__ import annotations

import functools
from collections import deque

import numpy as np

from sim.agents.provider import Provider
from sim.kernels import rng
from sim.kernels.register import in_scheme
from sim.market import choice, providers, ratings, referral, service, settlement
from sim.market.outcomes import Outcomes
from sim.population import Status
from sim.rules.service import ServiceScheme
from sim.week import Week

QUARTER = 13
PRIOR_JOB_CHANCE = ((1, 0.04), (2, 0.02), (3, 0.008))  # weekly, by position of tier [EST]


class Market:
    def __init__(self, model, name: str, scheme: ServiceScheme, sid: int):
        self.model, self.name, self.scheme, self.sid = model, name, scheme, sid
        self.payer = model.finance.services_payer(scheme.purchaser)
        self.municipality_pays = self.payer == "municipality"
        self.municipality_responds = self.municipality_pays and model.config.municipal.respond
        names = [m.name for m in model.world.municipalities]
        wanted = scheme.municipalities or tuple(names)
        self.area = np.isin(np.arange(len(names)), [names.index(n) for n in wanted])
        self.area_index = np.flatnonzero(self.area)
        self.stream = rng.stream_id(f"market:{name}")
        # the labour market's weekly job chance by tier: providers' prior, updated quarterly
        self.prior = prior_job_chances(model.config.tiers)
        self._industry: deque = deque(maxlen=QUARTER)  # (margin, participant-weeks) a week
        self.providers: list[Provider] = []
        self.outcomes = Outcomes(self)
        self.rotation = 0
        self._tender_due = True  # a tender regime holds its first tender at once
        self.events = {"entered": 0, "exited": 0, "excluded": 0, "tenders": 0, "switches": 0}
        self._intake = choice.no_intake(model.config.tiers)
        self.rank_correlations: list[float] = []  # stars vs effectiveness, each rating
        self._parts, self._parts_of = None, None  # participants, and the index they came from
        if scheme.choice.in_house:
            providers.add_in_house(self)
        if scheme.choice.entry == "free":
            providers.apply(self, scheme.providers.initial, model.week, screen=True)

    def adopt(self, scheme: ServiceScheme, week: int) -> None:
        """The reform's rules take effect: who pays, the regime's providers (an in-house
        service opens or closes; private providers' contracts end where the regime admits
        none, and incumbents must pass a stricter admission screen; a free-entry regime with
        no providers invites applicants), and the rules every provider works under.
        Participants of a provider that leaves return to open search."""
        model = self.model
        stricter = scheme.choice.admission_threshold > self.scheme.choice.admission_threshold
        self.scheme = scheme
        self.payer = model.finance.services_payer(scheme.purchaser)
        self.municipality_pays = self.payer == "municipality"
        self.municipality_responds = self.municipality_pays and model.config.municipal.respond
        c = scheme.choice
        for prov in self.active:
            if (prov.in_house and not c.in_house) or (not prov.in_house and c.entry == "none"):
                providers.remove(self, prov, week, "reform", count=False)
            else:
                prov.payment, prov.effect, prov.settings = (scheme.payment, scheme.effect,
                                                            scheme.providers)
        if stricter and c.entry == "free":  # incumbents must pass the new admission screen
            providers.rescreen(self, week)
        if c.in_house and not any(p.in_house for p in self.active):
            providers.add_in_house(self)
        if c.entry == "free" and not any(not p.in_house for p in self.active):
            providers.apply(self, scheme.providers.initial, week, screen=True)
        if c.entry == "tender":
            self._tender_due = True  # the first tender is held at once

    # --------------------------------------------------------------------------- stages
    def intake(self, week: Week) -> None:
        self._intake = choice.choose(self, week.number, referral.refer(self, week.number))

    def service(self, week: Week) -> None:
        service.serve(self, week)

    def hires(self, week: Week) -> None:
        self.outcomes.hires(week)

    def service_ends(self, week: Week) -> None:
        service.end_services(self, week)

    def settlement(self, week: Week) -> None:
        settlement.settle(self, week)
        self.outcomes.check_durations(week.number)

    def provider_market(self, week: Week) -> None:
        """Exits after losses, switching, tenders; quarterly learning, ratings and entry;
        reviews."""
        c, w = self.scheme.choice, week.number
        providers.exits(self, w)
        if c.switching_rate:
            ratings.switch(self, w)
        if c.entry == "tender" and (self._tender_due or w % c.tender_weeks == 0):
            self._tender_due = False
            providers.tender(self, w)
        if w % QUARTER == 0:
            self.learn(w)
            ratings.rate(self)
            if c.entry == "free":
                providers.enter(self, w)
        if c.review_weeks and w % c.review_weeks == 0 and w > self.model.week_zero:
            ratings.review(self, w)

    def learn(self, week: int) -> None:
        """Job chances by tier from the labour market's last quarter of hires (where a tier
        had enough seekers to tell); updated in place, as providers hold the same array."""
        seekers, hires = self.model.labour_market.recent_by_tier(week, QUARTER)
        known = seekers > 100
        self.prior[known] = hires[known] / seekers[known]

    def note_industry_week(self, margin: float, participant_weeks: float) -> None:
        """Private providers' revenue over the cost of their hours this week, and their
        participant-weeks: what would-be entrants see of the market."""
        self._industry.append((margin, participant_weeks))

    def recent_unit_margin(self) -> float | None:
        """The industry's margin per participant-week over the last quarter (None: none)."""
        weeks = sum(w for _, w in self._industry)
        return sum(m for m, _ in self._industry) / weeks if weeks else None

    # --------------------------------------------------------------------------- record
    def record(self, week: Week) -> None:
        pop, row, counts = self.model.population, week.row, self._intake
        parts = self.participants()
        n = f"services.{self.name}."
        row[n + "participants"] = len(parts)
        row[n + "participant_hires"] = self.outcomes.week_hires
        tiers = pop.tier[parts]
        for t in range(1, self.model.config.tiers + 1):
            mine = parts[tiers == t]
            row[f"{n}participants_tier{t}"] = len(mine)
            row[f"{n}hours_tier{t}"] = float(pop.intensity[mine].sum())
            row[f"{n}referred_tier{t}"] = int(counts["referred"][t - 1])
            row[f"{n}accepted_tier{t}"] = int(counts["accepted"][t - 1])
        row[n + "queued"] = int(counts["queued"])
        row[n + "accepted"] = int(counts["accepted"].sum())
        row[n + "staff_hours"] = float(sum(p.staff_hours for p in self.active if not p.in_house))
        row[n + "providers_active"] = sum(not p.in_house for p in self.active)
        for key, value in self.events.items():
            row[f"{n}providers_{key}"] = value
        loads = np.bincount(pop.provider[parts], minlength=len(self.providers)).astype(float)
        share = loads / loads.sum() if loads.sum() else loads
        row[n + "hhi"] = float(10_000 * np.sum(share**2))
        private = [p for p in self.providers if not p.in_house]  # cumulative, leavers included
        row[n + "provider_revenue"] = float(sum(p.revenue for p in private))
        row[n + "provider_costs"] = float(sum(p.costs for p in private))

    def final_indicators(self, col: dict, years: float, first_week: int, last_week: int) -> dict:
        """The scheme's summary values that are not one aggregation of a weekly column:
        parking, creaming, referral-cohort outcomes, revenue and margin."""
        n, tiers = f"services.{self.name}.", self.model.config.tiers
        s = self.outcomes.final_indicators(first_week, last_week, tiers)
        hours = [_ratio(col[f"{n}hours_tier{t}"].sum(), col[f"{n}participants_tier{t}"].sum())
                 for t in range(1, tiers + 1)]
        s[n + "parking_index"] = _ratio(hours[-1], hours[0])
        referred = np.array([col[f"{n}referred_tier{t}"].sum() for t in range(1, tiers + 1)])
        accepted = np.array([col[f"{n}accepted_tier{t}"].sum() for t in range(1, tiers + 1)])
        s[n + "creaming_index"] = _ratio(_ratio(accepted[-1], accepted.sum()),
                                         _ratio(referred[-1], referred.sum()))
        s[n + "refused_share"] = _ratio(referred.sum() - accepted.sum(), referred.sum())
        rev = col[n + "provider_revenue"][-1] - col[n + "provider_revenue"][0]
        cost = col[n + "provider_costs"][-1] - col[n + "provider_costs"][0]
        s[n + "provider_revenue_per_year"] = float(rev / years)
        s[n + "provider_margin"] = _ratio(rev - cost, rev)
        s[n + "stars_effectiveness_correlation"] = ratings.mean_rank_correlation(self)
        return s

    # -------------------------------------------------------------------------- helpers
    @property
    def active(self) -> list[Provider]:
        return [p for p in self.providers if p.active]

    def participants(self) -> np.ndarray:
        """Persons in this scheme's service (sorted, read-only). Kept as people enter and
        leave the service (`joined`, `left`) and the register (`follow`), and searched for
        again only when it is not known to be current: the stages ask a dozen times a week,
        and each search is a pass over every seeker."""
        registered = self.model.registered
        if self._parts_of is not registered:
            pop = self.model.population
            parts = in_scheme(registered, pop.status, pop.scheme, int(Status.IN_SERVICE),
                              self.sid)
            self._keep(parts, registered)
        return self._parts

    def joined(self, persons: np.ndarray) -> None:
        """`persons` (registered, none already in it) entered this service."""
        if self._parts_of is self.model.registered and len(persons):
            new = np.sort(persons)
            self._keep(np.insert(self._parts, np.searchsorted(self._parts, new), new),
                       self._parts_of)

    def left(self, persons: np.ndarray) -> None:
        """`persons` are no longer in this service (those who were not: no change)."""
        if self._parts_of is self.model.registered and len(persons) and len(self._parts):
            at = np.searchsorted(self._parts, persons)
            there = at < len(self._parts)
            there[there] = self._parts[at[there]] == persons[there]
            self._keep(np.delete(self._parts, at[there]), self._parts_of)

    def follow(self, before: np.ndarray, after: np.ndarray, leaving: np.ndarray) -> None:
        """The register's index went from `before` to `after`, `leaving` left it (whoever
        joins the register starts in open search, so no one joins a service so)."""
        if self._parts_of is before:
            self._parts_of = after
            self.left(leaving)

    def _keep(self, parts: np.ndarray, registered: np.ndarray) -> None:
        parts.flags.writeable = False
        self._parts, self._parts_of = parts, registered

    @functools.cached_property
    def payers_by_name(self) -> tuple[list, np.ndarray]:
        """The municipalities in the order of their payer names, and each one's place in it."""
        munis = self.model.municipalities
        order = sorted(range(len(munis)), key=lambda i: munis[i].payer)
        rank = np.empty(len(munis), dtype=np.int64)
        rank[order] = np.arange(len(munis))
        return [munis[i] for i in order], rank


def prior_job_chances(tiers: int) -> np.ndarray:
    """Weekly job chances by tier before any statistics: interpolated over the tiers."""
    position, chance = zip(*PRIOR_JOB_CHANCE, strict=True)
    where = 1 + 2 * np.arange(tiers) / max(tiers - 1, 1)
    return np.interp(where, position, chance)


def _ratio(a, b) -> float:
    return float(a) / float(b) if b else float("nan")
