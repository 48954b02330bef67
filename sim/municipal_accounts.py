"""Each municipality's week: capability, seekers, hires and money, as one long table.

Public finance records, every week at its payments stage, what only the population knows then
(registered seekers, hires, participants by scheme, capability, the caseworkers' cost); the
money comes from the ledger at the end, exactly: what the municipality paid for services, its
caseworkers, co-financing and social assistance, and the transfers it received. The state's
own spending on a municipality's seekers is attributed to it: the caseworkers' cost where the
state pays them, and a state-bought scheme's weekly spending in proportion to the
municipality's participants in it (by its registered seekers in a week without participants).

`table()` is the long format the run store writes as `municipalities.parquet` (one row per week
and municipality); `final_indicators` gives the summary's `funding.*` values: what the state
spends per registered seeker of the municipalities the funding rule covers, the reference an
allocation on the `state_spending` basis starts from (sim/rules/funding.py).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sim.ledger import SERVICES

COUNTS = ("registered", "hires", "participants")
MONEY = ("service_spend", "staff_cost", "cofinancing", "social_assistance", "transfer",
         "state_service_spend", "state_staff_cost")
FROM_LEDGER = {  # ledger category: (column, side of the flow the municipality is on)
    **{category: ("service_spend", 1) for category in SERVICES},
    "employment_service_staff": ("staff_cost", 1),
    "municipal_cofinancing": ("cofinancing", 1),
    "social_assistance": ("social_assistance", 1),
    "state_transfer": ("transfer", 2),
}


class MunicipalAccounts:
    def __init__(self, model):
        self.model = model
        self.n = len(model.world.municipalities)
        self.weeks: list[int] = []
        self._counts: list[np.ndarray] = []  # per week: (3, n) registered, hires, participants
        self._capability: list[np.ndarray] = []
        self._scheme_parts: list[np.ndarray] = []  # per week: (schemes, n)
        self._state_paid: list[list[bool]] = []  # per week: does the state pay each scheme
        self._state_staff: list[np.ndarray] = []  # caseworker cost the state pays, by municipality

    def record(self, week: int, seekers: np.ndarray, hired: np.ndarray | None) -> None:
        """The week's seekers, hires, participants and caseworker cost by municipality."""
        model, pop, n = self.model, self.model.population, self.n
        by_scheme = np.zeros((len(model.markets), n), dtype=np.int64)
        for market in model.schemes():  # participants are sorted: counted from the layout
            by_scheme[market.sid] = pop.count_by_municipality(market.participants(), n)
        hires = (np.bincount(pop.municipality[hired], minlength=n) if hired is not None
                 else np.zeros(n, dtype=np.int64))
        self.weeks.append(int(week))
        self._counts.append(np.stack([pop.count_by_municipality(seekers, n), hires,
                                      by_scheme.sum(axis=0)]))
        self._capability.append(np.array([m.capability for m in model.municipalities]))
        self._scheme_parts.append(by_scheme)
        self._state_paid.append([market.payer == "state" for market in model.markets])
        offices = model.employment_service.offices  # the rules in force this week (a reform)
        own = offices.municipal_payers(model.finance.covered)
        self._state_staff.append(offices.cost_by_municipality() * ~own)

    # --------------------------------------------------------------------------- columns
    def columns(self) -> dict[str, np.ndarray]:
        """Every column as a (weeks, municipalities) array."""
        model, n = self.model, self.n
        w = len(self.weeks)
        out = {"capability": np.array(self._capability).reshape(w, n)}
        counts = np.array(self._counts).reshape(w, 3, n)
        for k, name in enumerate(COUNTS):
            out[name] = counts[:, k, :]
        for name in MONEY:
            out[name] = np.zeros((w, n))
        row_of = {week: i for i, week in enumerate(self.weeks)}
        party = {m.payer: i for i, m in enumerate(model.municipalities)}
        for flow in model.ledger.rows():
            column = FROM_LEDGER.get(flow[3])
            i = row_of.get(flow[0])
            if column is None or i is None:
                continue
            who = party.get(flow[column[1]])
            if who is not None:
                out[column[0]][i, who] += flow[4]
        out["state_staff_cost"] = np.array(self._state_staff).reshape(w, n)
        out["state_service_spend"] = self._state_services(row_of, out["registered"])
        return out

    def _state_services(self, row_of: dict, registered: np.ndarray) -> np.ndarray:
        """The state's weekly spending on each scheme it pays for, attributed to
        municipalities by their participants (by registered seekers in the scheme's area when
        it had none that week)."""
        model = self.model
        out = np.zeros(registered.shape)
        spend = {r["week"]: r for r in model.metrics.rows}
        for s, market in enumerate(model.markets):
            key = f"services.{market.name}.service_spend"
            for week, i in row_of.items():
                paid = self._state_paid[i]
                total = spend.get(week, {}).get(key, 0.0)
                if s >= len(paid) or not paid[s] or not total:
                    continue
                weight = self._scheme_parts[i][s].astype(float)
                if not weight.sum():
                    weight = registered[i] * market.area
                if weight.sum():
                    out[i] += total * weight / weight.sum()
        return out

    def table(self) -> pa.Table:
        """One row per week and municipality: week, municipality, code, market, pilot,
        labour_force, capability, registered, hires, participants, and money (currency units
        a week): service_spend, staff_cost, cofinancing, social_assistance (what the
        municipality paid), transfer (received), state_service_spend and state_staff_cost
        (the state's spending on its seekers)."""
        specs = self.model.world.municipalities
        cols = self.columns()
        w, n = len(self.weeks), self.n
        out = {
            "week": pa.array(np.repeat(self.weeks, n), pa.int32()),
            "municipality": pa.array([m.name for m in specs] * w, pa.string()),
            "code": pa.array([m.code for m in specs] * w, pa.string()),
            "market": pa.array([m.market for m in specs] * w, pa.string()),
            "pilot": pa.array([m.pilot for m in specs] * w, pa.bool_()),
            "labour_force": pa.array(np.tile([m.labour_force for m in specs], w), pa.int64()),
            "capability": pa.array(cols["capability"].ravel(), pa.float64()),
        }
        for name in COUNTS:
            out[name] = pa.array(cols[name].ravel(), pa.int64())
        for name in MONEY:
            out[name] = pa.array(cols[name].ravel(), pa.float64())
        return pa.table(out)

    # --------------------------------------------------------------------------- summary
    def final_indicators(self, rows: list[dict], years: float) -> dict:
        """Per registered seeker-year of the covered municipalities, over the summarised
        weeks: the state's spending on their services and caseworkers, the transfer they
        received, and what they spent on services and caseworkers themselves."""
        cols = self.columns()
        weeks = {r["week"] for r in rows}
        keep = np.array([w in weeks for w in self.weeks], dtype=bool)
        covered = self.model.finance.covered

        def total(name):
            return float(cols[name][keep][:, covered].sum())

        seeker_years = total("registered") / 52
        per = (lambda x: x / seeker_years) if seeker_years else (lambda x: float("nan"))
        f = "funding."
        return {
            f + "registered_covered": total("registered") / max(int(keep.sum()), 1),
            f + "state_services_per_registered_year": per(total("state_service_spend")),
            f + "state_staff_per_registered_year": per(total("state_staff_cost")),
            f + "transfer_per_registered_year": per(total("transfer")),
            f + "municipal_services_staff_per_registered_year": per(
                total("service_spend") + total("staff_cost")),
        }
