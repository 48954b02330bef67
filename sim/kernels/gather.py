"""The matching kernel's seeker inputs in one pass (Numba): the week's seekers put in order of
local labour market, and their occupation, skill and spell gathered in that order.

Why: the NumPy version (`seekers_by_market_reference`, held equal to it bit for bit in
tests/kernels/test_gather.py) gathered the market column twice, sorted, and gathered three
more population columns of millions of rows through temporaries, each a pass over the ~400,000
seekers of a national week. A stable counting sort by market gives `np.argsort(kind="stable")`'s
order exactly, and the gathers only copy values (int32 to int64 and float64 are exact), so
nothing the matching kernel sees changes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.kernels.threads import chunks, run_all


@njit(cache=True, nogil=True)
def _market_order(seekers, market, n_markets):
    """A stable counting sort of `seekers` by market: (order, seeker_ptr)."""
    n = len(seekers)
    key = np.empty(n, np.int64)
    ptr = np.zeros(n_markets + 1, np.int64)
    for i in range(n):
        k = market[seekers[i]]
        key[i] = k
        ptr[k + 1] += 1
    for k in range(n_markets):
        ptr[k + 1] += ptr[k]
    fill = ptr[:-1].copy()
    order = np.empty(n, np.int64)
    for i in range(n):
        k = key[i]
        order[fill[k]] = i
        fill[k] += 1
    return order, ptr


@njit(cache=True, nogil=True)
def _gather_rows(order, seekers, occupation, skill, spell_weeks, applications, boost, ids, occ,
                 sk, spell, apps, lift):
    """Rows of the market-ordered inputs for one chunk of `order`."""
    for j in range(len(order)):
        i = order[j]
        p = seekers[i]
        ids[j] = p
        occ[j] = occupation[p]
        sk[j] = skill[p]
        spell[j] = spell_weeks[p]
        apps[j] = applications[i]
        lift[j] = boost[i]


def seekers_by_market(seekers, market, occupation, skill, spell_weeks, applications, boost,
                      n_markets):
    """(order, seeker_ptr, seeker_id, occupation, skill, spell, applications, boost) of
    `seekers` sorted (stably) by market: `order` indexes `seekers`, `seeker_ptr` (n_markets
    + 1) each market's range; `applications` and `boost` are per seeker (in `seekers` order).
    The gathers run in fixed chunks on threads (sim/kernels/threads.py): they only copy."""
    order, ptr = _market_order(seekers, market, n_markets)
    n = len(seekers)
    out = (np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.float64),
           np.empty(n, np.float64), np.empty(n, np.float64), np.empty(n, np.float64))
    spans = chunks(n)

    def run(k):
        lo, hi = spans[k]
        _gather_rows(order[lo:hi], seekers, occupation, skill, spell_weeks, applications, boost,
                     *(column[lo:hi] for column in out))

    run_all(run, len(spans))
    return (order, ptr, *out)


def seekers_by_market_reference(seekers, market, occupation, skill, spell_weeks, applications,
                                boost, n_markets):
    """The NumPy code `seekers_by_market` replaced (sim/labour_market.py's match before)."""
    order = np.argsort(market[seekers], kind="stable")
    seekers = seekers[order]
    counts = np.bincount(market[seekers], minlength=n_markets)
    seeker_ptr = np.r_[0, np.cumsum(counts)].astype(np.int64)
    return (order, seeker_ptr, seekers.astype(np.int64), occupation[seekers].astype(np.int64),
            skill[seekers], spell_weeks[seekers].astype(np.float64),
            applications[order].astype(np.float64), boost[order].astype(np.float64))
