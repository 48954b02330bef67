"""Every money flow of a run: (week, payer, payee, category, amount).

Flows are aggregated per week and key (a municipality's social assistance to its households is
one row a week, not one per person), which keeps national runs small while every krona is still
accounted for. Each flow is a debit to the payer and a credit to the payee, so balances across
all parties sum to zero: `check_balanced` is the invariant tests and runs assert.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow as pa

CATEGORIES = (
    "unemployment_insurance",
    "activity_support",
    "social_assistance",
    "provider_base_fee",
    "provider_result_payment",
    "in_house_service_cost",
)


class Ledger:
    def __init__(self):
        self._rows: dict[tuple[int, str, str, str], float] = defaultdict(float)

    def pay(self, week: int, payer: str, payee: str, category: str, amount: float) -> None:
        if category not in CATEGORIES:
            raise ValueError(f"unknown ledger category {category!r}; allowed: {CATEGORIES}")
        if amount < 0 or not np.isfinite(amount):
            raise ValueError(f"a payment must be a finite amount >= 0, got {amount}")
        if amount:
            self._rows[(week, payer, payee, category)] += float(amount)

    def rows(self):
        return [(*key, amount) for key, amount in sorted(self._rows.items())]

    def table(self) -> pa.Table:
        rows = self.rows()
        cols = list(zip(*rows, strict=True)) if rows else [[], [], [], [], []]
        return pa.table(
            {
                "week": pa.array(cols[0], pa.int32()),
                "payer": pa.array(cols[1], pa.string()),
                "payee": pa.array(cols[2], pa.string()),
                "category": pa.array(cols[3], pa.string()),
                "amount": pa.array(cols[4], pa.float64()),
            }
        )

    def totals(self, by: str = "payer", week: int | None = None) -> dict[str, float]:
        """Sum of amounts grouped by `payer`, `payee` or `category` (optionally one week)."""
        pos = {"payer": 1, "payee": 2, "category": 3}[by]
        out: dict[str, float] = defaultdict(float)
        for key, amount in self._rows.items():
            if week is None or key[0] == week:
                out[key[pos]] += amount
        return dict(out)

    def balances(self, week: int | None = None) -> dict[str, float]:
        """Net position of each party: received minus paid."""
        out: dict[str, float] = defaultdict(float)
        for (w, payer, payee, _), amount in self._rows.items():
            if week is None or w == week:
                out[payer] -= amount
                out[payee] += amount
        return dict(out)

    def check_balanced(self, week: int | None = None, tol: float = 1e-6) -> None:
        b = self.balances(week)
        total = sum(b.values())
        scale = max(1.0, sum(abs(v) for v in b.values()))
        if abs(total) > tol * scale:
            raise AssertionError(f"ledger does not balance in week {week}: {total}")
