"""The employment service's offices: where caseworkers sit, how many, and what they cost.

An office serves a municipality or a whole local labour market (`service_model.office`). Its
caseworkers are fixed by the labour force (a budget) or sized to the seekers it had on
average over the last review period (`staffing`); a share of their hours goes to meetings.
Their time costs `staff_cost_per_hour` (a full cost: the agency's administration spread over
its caseworkers' hours, derived in each scenario), paid by the state or, after a transfer such
as TE24 or a municipal takeover, by the office's municipalities that the funding rule covers, in
proportion to their labour force (evidence.md 4.1, 4.2); a municipality pays from the budget
its transfers fill.
"""

from __future__ import annotations

import numpy as np

STATE = "state"
STAFF = "employment_service_staff"


class Offices:
    def __init__(self, world, rules):
        self.rules = rules
        if rules.office == "municipality":
            self.of_municipality = np.arange(len(world.municipalities))
        else:
            self.of_municipality = world.municipality_market.astype(np.int64)
        self.n = int(self.of_municipality.max()) + 1
        self.municipal_labour_force = np.array([m.labour_force for m in world.municipalities],
                                               dtype=float)
        self.labour_force = np.bincount(self.of_municipality,
                                        weights=self.municipal_labour_force, minlength=self.n)
        self.caseworkers = np.zeros(self.n)
        if rules.staffing == "labour_force":
            self.caseworkers[:] = rules.caseworkers_per_1000 * self.labour_force / 1000
        self._seeker_weeks = np.zeros(self.n)  # for re-sizing staff to seekers
        self._review_weeks = 0

    def adopt(self, rules) -> None:
        """A reform's staffing rules: a fixed staff moves to the new level at once."""
        self.rules = rules
        if rules.staffing == "labour_force":
            self.caseworkers[:] = rules.caseworkers_per_1000 * self.labour_force / 1000

    def staff_to(self, office_of_seekers: np.ndarray) -> None:
        """At the start, offices staffed by seekers are sized to those registered."""
        if self.rules.staffing == "seekers":
            counts = np.bincount(office_of_seekers, minlength=self.n)
            self.caseworkers[:] = self.rules.caseworkers_per_1000 * counts / 1000

    def review(self, seekers_by_office: np.ndarray) -> None:
        """Staffing by seekers is re-sized every review period to the average registered
        (`seekers_by_office`: this week's count at each office)."""
        r = self.rules
        if r.staffing != "seekers":
            return
        self._seeker_weeks += seekers_by_office
        self._review_weeks += 1
        if self._review_weeks >= r.staffing_review_weeks:
            mean = self._seeker_weeks / self._review_weeks
            self.caseworkers[:] = r.caseworkers_per_1000 * mean / 1000
            self._seeker_weeks[:] = 0
            self._review_weeks = 0

    def meeting_hours(self) -> np.ndarray:
        """Caseworker hours for meetings this week, by office."""
        return self.caseworkers * self.rules.caseworker_hours_week * self.rules.meeting_share

    def cost_by_municipality(self) -> np.ndarray:
        """This week's caseworker cost by municipality: each office's cost shared over its
        municipalities by labour force."""
        r = self.rules
        cost = self.caseworkers * r.caseworker_hours_week * r.staff_cost_per_hour
        office = self.of_municipality
        return cost[office] * self.municipal_labour_force / self.labour_force[office]

    def municipal_payers(self, covered: np.ndarray) -> np.ndarray:
        """Which municipalities pay their caseworkers: those the funding rule covers, where
        the service model puts the staff with the municipalities."""
        return covered & (self.rules.staff_payer == "municipality")

    def pay(self, model, week: int, covered: np.ndarray | None = None) -> float:
        """A week of caseworker time at its cost per hour, to the ledger; returns the cost.
        `covered`: the municipalities the funding rule applies to (default: public finance's)."""
        covered = model.finance.covered if covered is None else covered
        cost = self.cost_by_municipality()
        if not cost.any():
            return 0.0
        own = self.municipal_payers(covered)
        if not own.all():
            model.ledger.pay(week, STATE, STAFF, STAFF, float(cost[~own].sum()))
        for m in np.flatnonzero(own):
            muni = model.municipalities[m]
            model.ledger.pay(week, muni.payer, STAFF, STAFF, float(cost[m]))
            muni.spend(float(cost[m]))
        return float(cost.sum())
