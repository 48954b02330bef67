"""`Ledger.pay_each` books the same öre as `pay` one flow at a time (rounding ties included);
`week_totals` is `totals` by category and `balances` of one week."""

from __future__ import annotations

import numpy as np
import pytest

from sim.ledger import Ledger


def test_pay_each_equals_pay_one_by_one():
    rng = np.random.default_rng(7)
    amounts = np.r_[rng.lognormal(8, 3, 500), 0.0, 0.004, 0.005, 0.015, 0.025, 1.005, 2.675]
    payees = [f"households:{k}" for k in range(len(amounts))]
    one, many = Ledger(), Ledger()
    for week in (-3, 0):
        for payee, amount in zip(payees, amounts, strict=True):
            one.pay(week, "state", payee, "social_assistance", amount)
        many.pay_each(week, ["state"] * len(amounts), payees, "social_assistance", amounts)
    assert one.rows() == many.rows() and one.rows(0) == many.rows(0)


@pytest.mark.parametrize("bad", [-1.0, np.nan, np.inf])
def test_pay_each_refuses_what_pay_refuses(bad):
    with pytest.raises(ValueError):
        Ledger().pay_each(0, ["state"], ["x"], "social_assistance", np.array([bad]))
    with pytest.raises(ValueError):
        Ledger().pay_each(0, ["state"], ["x"], "no_such_category", np.array([1.0]))


def test_week_totals_are_the_weeks_totals_by_category_and_balances():
    ledger = Ledger()
    ledger.pay(0, "state", "households:1", "social_assistance", 10.25)
    ledger.pay(0, "municipality:1", "households:1", "social_assistance", 3.5)
    ledger.pay(0, "municipality:1", "state", "municipal_cofinancing", 7.0)
    ledger.pay(1, "state", "households:2", "unemployment_insurance", 99.0)
    spent, net = ledger.week_totals(0)
    assert spent == ledger.totals("category", 0) == {"social_assistance": 13.75,
                                                     "municipal_cofinancing": 7.0}
    assert net == ledger.balances(0) == {"state": -3.25, "households:1": 13.75,
                                         "municipality:1": -10.5}
    assert ledger.week_totals(5) == ({}, {})
