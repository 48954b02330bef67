"""`Ledger.pay_each` books the same öre as `pay` one flow at a time (rounding ties included)."""

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
