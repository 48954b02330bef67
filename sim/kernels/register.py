"""The register's weekly passes over its index (Numba): another week in every open spell, who is
due to be profiled again, who is in a scheme and who may be referred to one; and the spell
table's moves in place (sim/spells.py).

Why: `spell_weeks[registered] += 1` and the selections gathered through full-size temporaries
over the ~400,000 seekers of a national week. One compiled loop reads each row once. Integers
only, the index is sorted and unique, so the results are the NumPy twins' (`*_reference`, held
equal in tests/kernels/test_register.py) exactly.
"""

from __future__ import annotations

import numpy as np
from numba import literal_unroll, njit


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
    and rested after any earlier service. `municipality` is per seeker (the register's spell
    table). Every test is read for every seeker, without a branch: who passes is all but
    random, and a mispredicted branch cost more than the reads it spared (1.8 -> 1.2 ms on
    a national_fi week)."""
    out = np.empty(len(registered), np.int64)
    n = 0
    for i in range(len(registered)):
        p = registered[i]
        ended = service_end_week[p]
        ok = ((status[p] == searching) & (spell_weeks[p] >= min_spell_weeks)
              & allowed[municipality[i]] & tier_ok[tier[p]] & benefit_ok[benefit[p]]
              & ((ended == no_week) | (week - np.int64(ended) >= rest_weeks)))
        out[n] = p
        n += ok
    return out[:n].copy()


@njit(cache=True)
def reprofile_due(spell_start, week, every):
    """The rows (in order) of the spells that have just run a whole number of `every` weeks in
    `week`: profiled again. `spell_start` is per seeker (the spell table), so the caller reads
    the profile's inputs there too. Whether a spell length is due is looked up, not divided
    out (an integer division a seeker cost more than the rest of the pass), and counted, not
    branched on (one seeker in `every` is due, a branch the CPU cannot foresee)."""
    earliest = week
    for start in spell_start:
        earliest = min(earliest, np.int64(start))
    due = np.zeros(week - earliest + 1, np.bool_)  # by spell length, 0 .. the longest
    due[every::every] = True
    out = np.empty(len(spell_start), np.int64)
    n = 0
    for i in range(len(spell_start)):
        out[n] = i
        n += due[max(week - np.int64(spell_start[i]), 0)]
    return out[:n].copy()


@njit(cache=True)
def rows_of(registered, persons):
    """`np.searchsorted(registered, persons)` for `persons` sorted too: one merge of the two
    instead of a binary search each, whose every step is a cache miss in a long index (a
    service's 50,000 participants among 200,000 seekers, every week)."""
    out = np.empty(len(persons), np.int64)
    i = 0
    for j in range(len(persons)):
        while i < len(registered) and registered[i] < persons[j]:
            i += 1
        out[j] = i
    return out


@njit(cache=True)
def join(registered, persons):
    """(the index with `persons` merged in, where each joined: np.searchsorted(registered,
    persons), whether any was already in it), for `persons` sorted: one merge of the two
    instead of a binary search each (whose every step is a cache miss) and np.insert."""
    out = np.empty(len(registered) + len(persons), np.int64)
    at = np.empty(len(persons), np.int64)
    clash = False
    i = 0
    for j in range(len(persons)):
        p = persons[j]
        while i < len(registered) and registered[i] < p:
            out[i + j] = registered[i]
            i += 1
        clash |= i < len(registered) and registered[i] == p
        at[j] = i
        out[i + j] = p
    for r in range(i, len(registered)):
        out[r + len(persons)] = registered[r]
    return out, at, clash


@njit(cache=True)
def leave(registered, persons):
    """(the index without `persons`, the rows that stay, how many of `persons` were found)
    for `persons` sorted: one pass, where a search for each, a mask, its positions and a copy
    took five."""
    n = max(len(registered) - len(persons), 0)
    out = np.empty(n, np.int64)
    kept = np.empty(n, np.int64)
    j = 0
    k = 0
    for i in range(len(registered)):
        p = registered[i]
        if j < len(persons) and p == persons[j]:
            j += 1
        elif k < n:
            out[k] = p
            kept[k] = i
            k += 1
    return out, kept, j


@njit(cache=True)
def compact_rows(columns, kept):
    """`column[:len(kept)] = column[kept]` in place for every column of `columns` (`kept`
    increasing, so no value is overwritten before it is read), in one pass: each row's
    source is read once, not once a column. (A list of the rows dropped instead, walked
    with a branch, measured slower.)"""
    for j in range(len(kept)):
        r = kept[j]
        for column in literal_unroll(columns):
            column[j] = column[r]


@njit(cache=True)
def insert_rows(columns, n, at):
    """For each (column, values) of `columns`: `column[:n + len(values)]` becomes
    np.insert(column[:n], at, values) in place (`at` increasing; the capacity holds them), in
    one merge from the end for all columns: where a row goes is worked out once."""
    i, j = n - 1, len(at) - 1
    for k in range(n + len(at) - 1, -1, -1):
        if j < 0:
            break
        if i >= at[j]:
            for c in literal_unroll(columns):
                c[0][k] = c[0][i]
            i -= 1
        else:
            for c in literal_unroll(columns):
                c[0][k] = c[1][j]
            j -= 1


@njit(cache=True)
def spell_clock(registered, spell_weeks):
    """Another week in every open spell (in place)."""
    for p in registered:
        spell_weeks[p] += 1


@njit(cache=True)
def service_clock(participants, service_weeks, service_length):
    """Another week in every participant's service (in place); the participants (in order)
    whose service has now run its length. One pass instead of a gather, a scatter and two
    gathers over population columns of millions of rows (about 50,000 participants a week in
    Finland's national run). Branch-free: which services end is all but random."""
    out = np.empty(len(participants), np.int64)
    n = 0
    for p in participants:
        weeks = service_weeks[p] + 1
        service_weeks[p] = weeks
        out[n] = p
        n += weeks >= service_length[p]
    return out[:n].copy()


def service_clock_reference(participants, service_weeks, service_length):
    """The NumPy code `service_clock` replaced (sim/market/service.py's `end_services`)."""
    service_weeks[participants] += 1
    return participants[service_weeks[participants] >= service_length[participants]]


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
    return reg[(status[reg] == searching) & allowed[municipality] & tier_ok[tier[reg]]
               & (spell_weeks[reg] >= min_spell_weeks) & benefit_ok[benefit[reg]] & rested]


def reprofile_due_reference(spell_start, week, every):
    """The NumPy code `reprofile_due` replaced (EmploymentService.reprofile before)."""
    spell = week - spell_start.astype(np.int64)
    return np.flatnonzero((spell % every == 0) & (spell > 0))


def spell_clock_reference(registered, spell_weeks):
    """The NumPy code `spell_clock` replaced."""
    spell_weeks[registered] += 1
