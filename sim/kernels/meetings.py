"""The meetings stage's pass over the registered seekers (Numba): seekers by office and by
local labour market, and whose meeting is due this week, split into those in a provider's
service (met there) and those waiting for a caseworker; and the waiting queue's order
(`draw_order`, a radix sort equal to the np.lexsort it replaced).

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
    two are rows of `seekers`, in order, so the caller reads their spell table rows too.
    `municipality` and `market` are per seeker (the register's spell table), `next_meeting`
    and `status` per person.

    Seekers come municipality by municipality (persons are laid out so), so each run of one
    municipality is counted once, not a counter incremented per seeker (each increment waited
    for the one before it); and whether a meeting is due is added, not branched on, as it is a
    coin flip to the CPU: every seeker is written to both lists, and a list grows only by those
    who belong to it."""
    n = len(seekers)
    by_office = np.zeros(n_offices, np.int64)
    by_market = np.zeros(n_markets, np.int64)
    passed = np.empty(n + 1, np.int64)  # one spare row: a seeker is written before he counts
    waiting = np.empty(n + 1, np.int64)
    n_passed = 0
    n_waiting = 0
    i = 0
    while i < n:
        m, k = municipality[i], market[i]
        j = i
        while j < n and municipality[j] == m and market[j] == k:
            p = seekers[j]
            nxt = next_meeting[p]
            due = (nxt != no_week) & (nxt <= week)
            service = status[p] == in_service
            passed[n_passed] = j
            n_passed += due & service
            waiting[n_waiting] = j
            n_waiting += due & (not service)
            j += 1
        by_office[office_of[m]] += j - i
        by_market[k] += j - i
        i = j
    return by_office, by_market, passed[:n_passed].copy(), waiting[:n_waiting].copy()


def meetings_scan_reference(seekers, municipality, office_of, market, next_meeting, status,
                            week, in_service, no_week, n_offices, n_markets):
    """The NumPy code `meetings_scan` replaced (EmploymentService.hold_meetings before)."""
    by_office = np.bincount(office_of[municipality], minlength=n_offices)
    by_market = np.bincount(market, minlength=n_markets)
    nxt = next_meeting[seekers]
    due = (nxt != no_week) & (nxt <= week)
    in_svc = status[seekers] == in_service
    return by_office, by_market, np.flatnonzero(due & in_svc), np.flatnonzero(due & ~in_svc)


DIGIT = np.uint64(16)  # bits a radix pass sorts on
MASK = np.uint64(0xFFFF)


@njit(cache=True)
def _radix_pass(order, digits, shift, out, counts):
    """`order` stably sorted by the 16-bit digit of `digits[order]` at `shift`, into `out`."""
    counts[:] = 0
    for i in order:
        counts[((digits[i] >> shift) & MASK) + np.uint64(1)] += 1
    for d in range(1, counts.shape[0]):
        counts[d] += counts[d - 1]
    for i in order:
        d = (digits[i] >> shift) & MASK
        out[counts[d]] = i
        counts[d] += 1


@njit(cache=True)
def _radix_order(draw_bits, keys):
    n = draw_bits.shape[0]
    order = np.arange(n)
    out = np.empty(n, np.int64)
    counts = np.empty(65537, np.int64)
    for p in range(4):  # the draws' bits: for draws >= 0 their order is the numbers' order
        _radix_pass(order, draw_bits, np.uint64(p) * DIGIT, out, counts)
        order, out = out, order
    digits = np.empty(n, np.uint64)
    for r in range(keys.shape[0]):
        if n == 0:
            break
        lo = keys[r].min()
        span = np.uint64(keys[r].max() - lo)
        for i in range(n):
            digits[i] = np.uint64(keys[r, i] - lo)
        shift = np.uint64(0)
        while True:  # as many 16-bit passes as the key's range needs
            _radix_pass(order, digits, shift, out, counts)
            order, out = out, order
            shift += DIGIT
            if shift >= np.uint64(64) or (span >> shift) == np.uint64(0):
                break
    return order


def draw_order(draws, *keys):
    """`np.lexsort((draws, *keys))`: indices sorted by the last key, then the one before, ...,
    then by `draws` (floats >= 0), ties in index order. A stable LSD radix sort, so a pass
    costs O(n) rather than a comparison sort's O(n log n): the meeting queue's order (by
    office, priority, then a draw) was 4 ms of a national week as np.lexsort."""
    draws = np.ascontiguousarray(draws, dtype=np.float64)
    if np.any(draws < 0):
        raise ValueError("draw_order sorts draws >= 0 by their bits")
    stacked = (np.stack([np.asarray(k, dtype=np.int64) for k in keys]) if keys
               else np.empty((0, len(draws)), dtype=np.int64))
    return _radix_order(draws.view(np.uint64), stacked)


def draw_order_reference(draws, *keys):
    """The NumPy code `draw_order` replaced (EmploymentService.hold_meetings before)."""
    return np.lexsort((draws, *keys))
