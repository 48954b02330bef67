"""Every money flow of a run: (week, payer, payee, category, amount).

Amounts are kept in whole öre/cents (integers), so totals by payer, by payee and by category
agree exactly by construction; what is checked is that the flows are the right ones: the audit
(sim/audit.py) rebuilds them from the paying stages' own records. Flows are aggregated per
week and key (a municipality's social assistance to its households is one row a week, not one
per person), which keeps national runs small while every krona is accounted for. Each flow
debits its payer and credits its payee.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

CATEGORIES = (
    # benefits to households (Sweden; Finland)
    "unemployment_insurance",
    "basic_insurance",
    "activity_support",
    "earnings_related_allowance",
    "basic_allowance",
    "labour_market_subsidy",
    "social_assistance",
    # services
    "provider_base_fee",
    "provider_result_payment",
    "in_house_service_cost",
    "employment_service_staff",
    # between governments
    "state_transfer",
    "municipal_cofinancing",
)
BENEFITS = CATEGORIES[:7]
SERVICES = ("provider_base_fee", "provider_result_payment", "in_house_service_cost")
CENTS = 100


class Ledger:
    def __init__(self):
        # week -> (payer, payee, category) -> öre, flows in the order first booked that week:
        # a week's flows are read without building a key for each
        self._weeks: dict[int, dict[tuple[str, str, str], int]] = defaultdict(dict)

    def pay(self, week: int, payer: str, payee: str, category: str, amount: float) -> None:
        """Book `amount` (currency units, rounded to the öre) from payer to payee."""
        if category not in CATEGORIES:
            raise ValueError(f"unknown ledger category {category!r}; allowed: {CATEGORIES}")
        if not np.isfinite(amount) or amount < 0:
            raise ValueError(f"a payment must be a finite amount >= 0, got {amount}")
        cents = int(round(float(amount) * CENTS))
        if cents:
            flows, flow = self._weeks[week], (payer, payee, category)
            flows[flow] = flows.get(flow, 0) + cents

    def pay_each(self, week: int, payers: list[str], payees: list[str], category: str,
                 amounts: np.ndarray) -> None:
        """`pay` for many flows of one category at once (a week's benefits by municipality):
        checked and rounded as arrays, the same öre as `pay` one by one."""
        if category not in CATEGORIES:
            raise ValueError(f"unknown ledger category {category!r}; allowed: {CATEGORIES}")
        amounts = np.asarray(amounts, dtype=np.float64)
        bad = ~np.isfinite(amounts) | (amounts < 0)
        if bad.any():
            amount = amounts[np.argmax(bad)]
            raise ValueError(f"a payment must be a finite amount >= 0, got {amount}")
        cents = np.rint(amounts * CENTS).astype(np.int64)  # round half to even, as round()
        flows, values = self._weeks[week], cents.tolist()
        for k in np.flatnonzero(cents).tolist():
            flow = (payers[k], payees[k], category)
            flows[flow] = flows.get(flow, 0) + values[k]

    def _flows(self, week: int | None):
        """(week, flows) of every week, or of one."""
        if week is None:
            return list(self._weeks.items())
        return [(week, self._weeks[week])] if week in self._weeks else []

    def rows(self, week: int | None = None):
        if week is None:
            return sorted((w, *flow, cents / CENTS) for w, flows in self._weeks.items()
                          for flow, cents in flows.items())
        return [(week, *flow, cents / CENTS) for flow, cents in self._weeks.get(week, {}).items()]

    def table(self) -> pa.Table:
        rows = self.rows()
        cols = list(zip(*rows, strict=True)) if rows else [[], [], [], [], []]
        return pa.table({
            "week": pa.array(cols[0], pa.int32()),
            "payer": pa.array(cols[1], pa.string()),
            "payee": pa.array(cols[2], pa.string()),
            "category": pa.array(cols[3], pa.string()),
            "amount": pa.array(cols[4], pa.float64()),
        })

    def _cents(self, by: str, week: int | None) -> dict[str, int]:
        pos = {"payer": 0, "payee": 1, "category": 2}[by]
        out: dict[str, int] = defaultdict(int)
        for _, flows in self._flows(week):
            for flow, cents in flows.items():
                out[flow[pos]] += cents
        return dict(out)

    def totals(self, by: str = "payer", week: int | None = None) -> dict[str, float]:
        """Sum of amounts grouped by `payer`, `payee` or `category` (optionally one week)."""
        return {k: v / CENTS for k, v in self._cents(by, week).items()}

    def spend(self, week: int | None = None) -> dict[tuple[str, str], float]:
        """Amounts by (payer, category): who pays what."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        for _, flows in self._flows(week):
            for (payer, _, category), cents in flows.items():
                out[(payer, category)] += cents
        return {k: v / CENTS for k, v in out.items()}

    def _balance_cents(self, week: int | None) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for _, flows in self._flows(week):
            for (payer, payee, _), cents in flows.items():
                out[payer] -= cents
                out[payee] += cents
        return dict(out)

    def balances(self, week: int | None = None) -> dict[str, float]:
        """Net position of each party: received minus paid."""
        return {k: v / CENTS for k, v in self._balance_cents(week).items()}

    def week_totals(self, week: int) -> tuple[dict[str, float], dict[str, float]]:
        """`totals("category", week)` and `balances(week)` in one pass over the week's flows
        (a national week books about a thousand, and the weekly row needs both)."""
        spent: dict[str, int] = defaultdict(int)
        net: dict[str, int] = defaultdict(int)
        for (payer, payee, category), cents in self._weeks.get(week, {}).items():
            spent[category] += cents
            net[payer] -= cents
            net[payee] += cents
        return ({k: v / CENTS for k, v in spent.items()}, {k: v / CENTS for k, v in net.items()})
