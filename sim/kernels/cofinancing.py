"""A week's co-financed benefit days in one pass (Numba): who counts, how many of their days
fall in each band of accumulated benefit days, what that is worth, and the municipal part.

Why: in Finland after TE24 this was a dozen NumPy passes over the registered seekers a week
(a set-membership test, a gather from a population column of millions of rows, a seekers x
bands clip, a scatter back), the largest cost of `national_fi`'s payments. The pass does what
`FundingRules.days_by_band` and the arithmetic after it do, with the same operations in the
same order (tests/kernels/test_cofinancing.py holds the two equal bit for bit); its pure-Python
twin is `cofinanced_days.py_func`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

OPEN_END = np.iinfo(np.int64).max // 2  # the last band's end: one past any benefit day


@njit(cache=True)
def cofinanced_days(seekers, kind, days, cofinanced, muni, cofinanced_kind, covered,
                    status, in_service, count_service_days, cofinancing_days, starts, shares):
    """Rows (of `seekers`) that count, and by band (columns as `starts`, the first day of
    each band) their co-financed amount and its municipal part. A row counts when its benefit
    kind is co-financed, its municipality is covered and, unless service days count, it is
    not in service. Adds the week's days to the counted persons' `cofinancing_days`."""
    n = len(seekers)
    rows = np.empty(n, np.int64)
    c = 0
    for i in range(n):
        if (cofinanced_kind[kind[i]] and covered[muni[i]]
                and (count_service_days or status[seekers[i]] != in_service)):
            rows[c] = i
            c += 1
    rows = rows[:c]
    bands = len(starts)
    money = np.empty((c, bands))
    municipal = np.empty((c, bands))
    for r in range(c):
        i = rows[r]
        p = seekers[i]
        lo = np.int64(cofinancing_days[p] + 1)
        hi = lo + np.int64(days[i])  # one past the last day
        for j in range(bands):
            end = starts[j + 1] if j + 1 < bands else OPEN_END
            inside = max(min(hi, end) - max(lo, starts[j]), 0)
            money[r, j] = inside * cofinanced[i]
            municipal[r, j] = money[r, j] * shares[j]
        cofinancing_days[p] += days[i]
    return rows, money, municipal
