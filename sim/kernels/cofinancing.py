"""A week of co-financing in one pass (Numba): who counts, how many of their days fall in each
band of accumulated benefit days, what that is worth and the municipal part, summed by benefit
kind and band, and what each municipality owes the state.

Why: in Finland after TE24 this was a dozen NumPy passes over the registered seekers a week
(a set-membership test, a gather from a population column of millions of rows, a seekers x
bands clip, a scatter back, a gather and column sums per benefit kind, a sum over bands and a
bincount), the largest cost of `national_fi`'s payments. The pass does what
`FundingRules.days_by_band` and the stage's arithmetic after it did, with the same operations
in the same order: each kind's band column summed as `np.sum` sums it (sim/kernels/sums.py),
what a municipality owes accumulated in seeker order as `np.bincount` does.
tests/kernels/test_cofinancing.py holds it, its pure-Python twin `cofinanced_week.py_func` and
`cofinanced_week_reference` (the same in NumPy passes) equal bit for bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.kernels.sums import np_sum

OPEN_END = np.iinfo(np.int64).max // 2  # the last band's end: one past any benefit day


@njit(cache=True)
def cofinanced_week(seekers, kind, days, cofinanced, muni, cofinanced_kind, covered, status,
                    in_service, count_service_days, cofinancing_days, starts, shares, n_muni):
    """Rows of `seekers` counted this week; by benefit kind and band (columns as `starts`, the
    first day of each band) the co-financed amount and its municipal part; each
    municipality's total municipal part. A row counts when its benefit kind is co-financed,
    its municipality is covered and, unless service days count, it is not in service. Adds the
    week's days to the counted persons' `cofinancing_days`."""
    n, kinds, bands = len(seekers), len(cofinanced_kind), len(starts)
    rows = np.empty(n, np.int64)
    first = np.zeros(kinds + 1, np.int64)  # where each kind's rows start, grouped by kind
    c = 0
    for i in range(n):  # branch-free: which rows count is all but random
        counts = (cofinanced_kind[kind[i]] & covered[muni[i]]
                  & (count_service_days | (status[seekers[i]] != in_service)))
        rows[c] = i
        c += counts
        first[kind[i] + 1] += counts
    first = np.cumsum(first)
    slot = first[:-1].copy()
    money = np.empty((bands, c))  # by band, rows grouped by kind in seeker order
    municipal = np.empty((bands, c))
    owed = np.zeros(n_muni)
    for r in range(c):
        i = rows[r]
        p, k = seekers[i], kind[i]
        at = slot[k]
        slot[k] += 1
        lo = np.int64(cofinancing_days[p] + 1)
        hi = lo + np.int64(days[i])  # one past the last day
        total = 0.0
        for j in range(bands):
            end = starts[j + 1] if j + 1 < bands else OPEN_END
            inside = max(min(hi, end) - max(lo, starts[j]), 0)
            money[j, at] = inside * cofinanced[i]
            municipal[j, at] = money[j, at] * shares[j]
            total += municipal[j, at]
        owed[muni[i]] += total
        cofinancing_days[p] += days[i]
    money_sums = np.empty((kinds, bands))
    municipal_sums = np.empty((kinds, bands))
    for k in range(kinds):
        for j in range(bands):
            money_sums[k, j] = np_sum(money[j], first[k], first[k + 1] - first[k])
            municipal_sums[k, j] = np_sum(municipal[j], first[k], first[k + 1] - first[k])
    return rows[:c], money_sums, municipal_sums, owed


def cofinanced_week_reference(seekers, kind, days, cofinanced, muni, cofinanced_kind, covered,
                              status, in_service, count_service_days, cofinancing_days, starts,
                              shares, n_muni):
    """`cofinanced_week` as NumPy passes over the seekers (the stage's arithmetic before)."""
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
    municipal = money * shares
    cofinancing_days[who] += days[counted].astype(np.int32)
    money_sums = np.empty((len(cofinanced_kind), len(starts)))
    municipal_sums = np.empty_like(money_sums)
    for k in range(len(cofinanced_kind)):
        mine = kind[counted] == k
        for j in range(len(starts)):
            money_sums[k, j] = np.ascontiguousarray(money[mine][:, j]).sum()
            municipal_sums[k, j] = np.ascontiguousarray(municipal[mine][:, j]).sum()
    owed = np.bincount(muni[counted], weights=municipal.sum(axis=1), minlength=n_muni)
    return np.flatnonzero(counted), money_sums, municipal_sums, owed
