"""Open referrals followed for a hire (Numba): a service's referrals of the last year, sorted by
person, merged with a week's new referrals and its hires in one pass each.

Why: in Finland's national week about 200,000 referrals are open. Opening a week's few thousand
took a search for each, a mask and three np.insert copies; closing the hired took a search for
each, a mask and three copies more (1.7 ms of the week). A merge of two sorted lists reads each
once. Integers only, so the results are the NumPy code's (sim/market/outcomes.py before; held
equal in tests/test_market.py) exactly.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PAST_ALL = np.iinfo(np.int64).max  # after every person: the merges' last step flushes the rest


@njit(cache=True)
def reopen(person, record, referred, persons, records, week, oldest):
    """The open referrals (`person`, `record`, `referred`: sorted by person) with `persons`
    (sorted, unique) opened in `week` as `records`, each replacing an open one of theirs, and
    those referred before `oldest` dropped."""
    n, m = len(person), len(persons)
    out_person = np.empty(n + m, np.int64)
    out_record = np.empty(n + m, np.int64)
    out_referred = np.empty(n + m, np.int64)
    i = 0
    k = 0
    for j in range(m + 1):
        p = persons[j] if j < m else PAST_ALL
        while i < n and person[i] < p:
            out_person[k] = person[i]
            out_record[k] = record[i]
            out_referred[k] = referred[i]
            k += referred[i] >= oldest  # kept unless too old: written either way, no branch
            i += 1
        if j < m:
            i += i < n and person[i] == p  # an open referral of theirs is replaced
            out_person[k] = p
            out_record[k] = records[j]
            out_referred[k] = week
            k += 1
    return out_person[:k], out_record[:k], out_referred[:k]


@njit(cache=True)
def close(person, record, referred, hired):
    """The open referrals without those of `hired` (sorted, unique), and for each hired
    person the position of their open referral in `person` (-1: none)."""
    n = len(person)
    out_person = np.empty(n, np.int64)
    out_record = np.empty(n, np.int64)
    out_referred = np.empty(n, np.int64)
    at = np.full(len(hired), -1, np.int64)
    i = 0
    k = 0
    for j in range(len(hired) + 1):
        p = hired[j] if j < len(hired) else PAST_ALL
        while i < n and person[i] < p:
            out_person[k] = person[i]
            out_record[k] = record[i]
            out_referred[k] = referred[i]
            k += 1
            i += 1
        if j < len(hired) and i < n and person[i] == p:
            at[j] = i
            i += 1
    return out_person[:k], out_record[:k], out_referred[:k], at
