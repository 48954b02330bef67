"""The matching kernel's seeker inputs in one pass (Numba): the week's seekers put in order of
local labour market, and their occupation, skill and spell gathered in that order.

Why: the NumPy version (`seekers_by_market_reference`, held equal to it bit for bit in
tests/kernels/test_gather.py) gathered the market column twice, sorted, and gathered three
more population columns of millions of rows through temporaries, each a pass over the ~400,000
seekers of a national week. A stable counting sort by market gives `np.argsort(kind="stable")`'s
order exactly, and the gathers only copy values (int32 to int64 and float64 are exact), so
nothing the matching kernel sees changes. Market, occupation, skill and the spell's start come
from the register's spell table (sim/spells.py), dense in the seekers' order.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def seekers_by_market(seekers, market, occupation, skill, spell_start, week, applications,
                      boost, n_markets):
    """(order, seeker_ptr, seeker_id, occupation, skill, spell, applications, boost) of
    `seekers` sorted (stably) by market: `order` indexes `seekers`, `seeker_ptr` (n_markets
    + 1) each market's range; a spell has run `week - spell_start` weeks. Every column is per
    seeker (in `seekers` order)."""
    n = len(seekers)
    key = np.empty(n, np.int64)
    ptr = np.zeros(n_markets + 1, np.int64)
    for i in range(n):
        k = market[i]
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
    ids = np.empty(n, np.int64)
    occ = np.empty(n, np.int64)
    sk = np.empty(n, np.float64)
    spell = np.empty(n, np.float64)
    apps = np.empty(n, np.float64)
    lift = np.empty(n, np.float64)
    for j in range(n):
        i = order[j]
        p = seekers[i]
        ids[j] = p
        occ[j] = occupation[i]
        sk[j] = skill[i]
        spell[j] = week - np.int64(spell_start[i])
        apps[j] = applications[i]
        lift[j] = boost[i]
    return order, ptr, ids, occ, sk, spell, apps, lift


def seekers_by_market_reference(seekers, market, occupation, skill, spell_start, week,
                                applications,
                                boost, n_markets):
    """The NumPy code `seekers_by_market` replaced (sim/labour_market.py's match before)."""
    order = np.argsort(market, kind="stable")
    counts = np.bincount(market, minlength=n_markets)
    seeker_ptr = np.r_[0, np.cumsum(counts)].astype(np.int64)
    seekers = seekers[order]
    return (order, seeker_ptr, seekers.astype(np.int64), occupation[order].astype(np.int64),
            skill[order], (week - spell_start[order].astype(np.int64)).astype(np.float64),
            applications[order].astype(np.float64), boost[order].astype(np.float64))
