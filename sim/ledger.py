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
        self._rows: dict[tuple[int, str, str, str], int] = defaultdict(int)
        self._weeks: dict[int, list[tuple[str, str, str]]] = defaultdict(list)

    def pay(self, week: int, payer: str, payee: str, category: str, amount: float) -> None:
        """Book `amount` (currency units, rounded to the öre) from payer to payee."""
        if category not in CATEGORIES:
            raise ValueError(f"unknown ledger category {category!r}; allowed: {CATEGORIES}")
        if not np.isfinite(amount) or amount < 0:
            raise ValueError(f"a payment must be a finite amount >= 0, got {amount}")
        cents = int(round(float(amount) * CENTS))
        if cents:
            key = (week, payer, payee, category)
            if key not in self._rows:
                self._weeks[week].append(key[1:])
            self._rows[key] += cents

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
        for k in np.flatnonzero(cents).tolist():
            key = (week, payers[k], payees[k], category)
            if key not in self._rows:
                self._weeks[week].append(key[1:])
            self._rows[key] += int(cents[k])

    def rows(self, week: int | None = None):
        keys = (sorted(self._rows) if week is None
                else [(week, *k) for k in self._weeks.get(week, [])])
        return [(*key, self._rows[key] / CENTS) for key in keys]

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
        pos = {"payer": 1, "payee": 2, "category": 3}[by]
        out: dict[str, int] = defaultdict(int)
        keys = self._rows if week is None else [(week, *k) for k in self._weeks.get(week, [])]
        for key in keys:
            out[key[pos]] += self._rows[key]
        return dict(out)

    def totals(self, by: str = "payer", week: int | None = None) -> dict[str, float]:
        """Sum of amounts grouped by `payer`, `payee` or `category` (optionally one week)."""
        return {k: v / CENTS for k, v in self._cents(by, week).items()}

    def spend(self, week: int | None = None) -> dict[tuple[str, str], float]:
        """Amounts by (payer, category): who pays what."""
        out: dict[tuple[str, str], int] = defaultdict(int)
        keys = self._rows if week is None else [(week, *k) for k in self._weeks.get(week, [])]
        for key in keys:
            out[(key[1], key[3])] += self._rows[key]
        return {k: v / CENTS for k, v in out.items()}

    def _balance_cents(self, week: int | None) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        keys = self._rows if week is None else [(week, *k) for k in self._weeks.get(week, [])]
        for key in keys:
            out[key[1]] -= self._rows[key]
            out[key[2]] += self._rows[key]
        return dict(out)

    def balances(self, week: int | None = None) -> dict[str, float]:
        """Net position of each party: received minus paid."""
        return {k: v / CENTS for k, v in self._balance_cents(week).items()}
