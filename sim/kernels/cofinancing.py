"""A week's co-financed benefit days in one pass (Numba): who counts, how many of their days
fall in each band of accumulated benefit days, what that is worth, and the municipal part.

Why: in Finland after TE24 this was a dozen NumPy passes over the registered seekers a week
(a set-membership test, a gather from a population column of millions of rows, a seekers x
bands clip, a scatter back), the largest cost of `national_fi`'s payments. The pass does what
`FundingRules.days_by_band` and the arithmetic after it do, with the same operations in the
same order (tests/kernels/test_cofinancing.py holds the two equal bit for bit); its pure-Python
twin is `cofinanced_days.py_func`, and `cofinanced_days_reference` the same in NumPy passes.
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


def cofinanced_days_reference(seekers, kind, days, cofinanced, muni, cofinanced_kind, covered,
                              status, in_service, count_service_days, cofinancing_days, starts,
                              shares):
    """`cofinanced_days` as NumPy passes over the seekers (the stage's arithmetic before)."""
    counted = cofinanced_kind[kind] & covered[muni]
    if not count_service_days:
        counted &= status[seekers] != in_service
    who = seekers[counted]
    first = cofinancing_days[who].astype(np.int64)[:, None] + 1
    last = first + days[counted][:, None]
    ends = np.r_[starts[1:], OPEN_END]
    in_band = np.clip(np.minimum(last, ends[None, :]) - np.maximum(first, starts[None, :]), 0,
                      None)
    money = in_band * cofinanced[counted][:, None]
    cofinancing_days[who] += days[counted].astype(np.int32)
    return np.flatnonzero(counted), money, money * shares
