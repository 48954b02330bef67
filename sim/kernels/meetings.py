"""The meetings stage's pass over the registered seekers (Numba): seekers by office and by
local labour market, and whose meeting is due this week, split into those in a provider's
service (met there) and those waiting for a caseworker.

Why: the NumPy version (`meetings_scan_reference`, held equal to it bit for bit in
tests/kernels/test_meetings.py) gathered five population columns of millions of rows over the
~400,000 seekers of a national week, with a full-size temporary for each mask. One compiled pass
reads each seeker's row once. Only integers are read, counted and compared, so nothing changes.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def meetings_scan(seekers, municipality, office_of, market, next_meeting, status, week,
                  in_service, no_week, n_offices, n_markets):
    """(seekers by office, seekers by market, due and in service, due and waiting); the last
    two are persons in the order of `seekers`. `municipality` and `market` are per seeker (the
    register's spell table), `next_meeting` and `status` per person."""
    n = len(seekers)
    by_office = np.zeros(n_offices, np.int64)
    by_market = np.zeros(n_markets, np.int64)
    passed = np.empty(n, np.int64)
    waiting = np.empty(n, np.int64)
    n_passed = 0
    n_waiting = 0
    for i in range(n):
        p = seekers[i]
        by_office[office_of[municipality[i]]] += 1
        by_market[market[i]] += 1
        nxt = next_meeting[p]
        if nxt != no_week and nxt <= week:
            if status[p] == in_service:
                passed[n_passed] = p
                n_passed += 1
            else:
                waiting[n_waiting] = p
                n_waiting += 1
    return by_office, by_market, passed[:n_passed].copy(), waiting[:n_waiting].copy()


def meetings_scan_reference(seekers, municipality, office_of, market, next_meeting, status,
                            week, in_service, no_week, n_offices, n_markets):
    """The NumPy code `meetings_scan` replaced (EmploymentService.hold_meetings before)."""
    by_office = np.bincount(office_of[municipality], minlength=n_offices)
    by_market = np.bincount(market, minlength=n_markets)
    nxt = next_meeting[seekers]
    due = (nxt != no_week) & (nxt <= week)
    in_svc = status[seekers] == in_service
    return by_office, by_market, seekers[due & in_svc], seekers[due & ~in_svc]
