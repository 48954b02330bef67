"""The register's weekly passes over its index (Numba): who is still searching after some left,
another week in every open spell, who is due to be profiled again, who is in a scheme and who
may be referred to one.

Why: `registered[np.isin(status[registered], SEARCHING)]` (twice a week, after hires and exits
to inactivity) and `spell_weeks[registered] += 1` each gathered through full-size temporaries
over the ~400,000 seekers of a national week. One compiled loop reads each row once. Integers
only, the index is sorted and unique, so the results are the NumPy twins' (`*_reference`, held
equal in tests/kernels/test_register.py) exactly.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def still_searching(registered, status, searching, in_service):
    """The persons of `registered` (in order) whose status is one of the two searching ones."""
    out = np.empty(len(registered), np.int64)
    n = 0
    for p in registered:
        s = status[p]
        if s == searching or s == in_service:
            out[n] = p
            n += 1
    return out[:n].copy()


@njit(cache=True)
def in_scheme(registered, status, scheme, in_service, sid):
    """The persons of `registered` (in order) in service in scheme `sid`: a market's
    participants, asked for several times a week as its stages move people in and out."""
    out = np.empty(len(registered), np.int64)
    n = 0
    for p in registered:
        if status[p] == in_service and scheme[p] == sid:
            out[n] = p
            n += 1
    return out[:n].copy()


@njit(cache=True)
def referable(registered, status, searching, municipality, allowed, tier, tier_ok, spell_weeks,
              min_spell_weeks, benefit, benefit_ok, service_end_week, no_week, week,
              rest_weeks):
    """The persons of `registered` (in order) a scheme may refer this week: in open search,
    unemployed long enough, in a municipality it takes from, of a tier and a benefit it takes,
    and rested after any earlier service. Each test reads its column only for those who passed
    the tests before it."""
    out = np.empty(len(registered), np.int64)
    n = 0
    for p in registered:
        if status[p] != searching or spell_weeks[p] < min_spell_weeks:
            continue
        if not (allowed[municipality[p]] and tier_ok[tier[p]] and benefit_ok[benefit[p]]):
            continue
        ended = service_end_week[p]
        if ended != no_week and week - np.int64(ended) < rest_weeks:
            continue
        out[n] = p
        n += 1
    return out[:n].copy()


@njit(cache=True)
def reprofile_due(registered, spell_weeks, every):
    """The persons of `registered` (in order) whose spell has just run a whole number of
    `every` weeks: profiled again this week."""
    out = np.empty(len(registered), np.int64)
    n = 0
    for p in registered:
        spell = spell_weeks[p]
        if spell > 0 and spell % every == 0:
            out[n] = p
            n += 1
    return out[:n].copy()


@njit(cache=True)
def spell_clock(registered, spell_weeks):
    """Another week in every open spell (in place)."""
    for p in registered:
        spell_weeks[p] += 1


def still_searching_reference(registered, status, searching, in_service):
    """The NumPy code `still_searching` replaced (sim/register.py's `remove` before)."""
    return registered[np.isin(status[registered], (searching, in_service))]


def in_scheme_reference(registered, status, scheme, in_service, sid):
    """The NumPy code `in_scheme` replaced (sim/market/market.py's `participants` before)."""
    return registered[(status[registered] == in_service) & (scheme[registered] == sid)]


def referable_reference(registered, status, searching, municipality, allowed, tier, tier_ok,
                        spell_weeks, min_spell_weeks, benefit, benefit_ok, service_end_week,
                        no_week, week, rest_weeks):
    """The NumPy code `referable` replaced (sim/market/referral.py's `refer` before)."""
    reg = registered
    rested = (service_end_week[reg] == no_week) | (
        week - service_end_week[reg].astype(np.int64) >= rest_weeks)
    return reg[(status[reg] == searching) & allowed[municipality[reg]] & tier_ok[tier[reg]]
               & (spell_weeks[reg] >= min_spell_weeks) & benefit_ok[benefit[reg]] & rested]


def reprofile_due_reference(registered, spell_weeks, every):
    """The NumPy code `reprofile_due` replaced (EmploymentService.reprofile before)."""
    spell = spell_weeks[registered]
    return registered[(spell % every == 0) & (spell > 0)]


def spell_clock_reference(registered, spell_weeks):
    """The NumPy code `spell_clock` replaced."""
    spell_weeks[registered] += 1
