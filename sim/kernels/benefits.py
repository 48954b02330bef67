"""A week of benefits for every registered seeker in one pass (Numba): entitlement, sanctions,
amounts, benefit days, and the sums by municipality the ledger books.

Why: payments were a dozen NumPy passes over the registered seekers a week, each gathering
from and scattering into population columns of millions of rows; at national scale that
bookkeeping, not the matching kernel, was the week's largest cost. One compiled pass reads each
seeker's row once and writes back what changes. It does exactly what the NumPy version did
(sim/kernels/benefits_reference.py, held equal to it bit for bit in tests/kernels): the same
decisions (entitlement.py's counter-based draws, stream "benefit-take-up"), the same
floating-point operations in the same order, and sums by municipality accumulated in seeker
order as `np.bincount` accumulates them, so no figure moves by a bit.

Rules come in as `BenefitArgs` (scalars and the insurance steps) built by `args_of`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.kernels.rng import uniform
from sim.kernels.threads import add_in_order, chunks, run_all

NONE, INSURANCE, FOLLOW_ON, ASSISTANCE, BASIC = 0, 1, 2, 3, 4  # sim.population.Benefit
SUB_FOLLOW_ON, SUB_ASSISTANCE = 1, 2  # sim.entitlement's sub-streams
CATEGORIES = 3  # insurance, basic, follow-on: the rows of `by_municipality`
NEVER = float(1 << 60)  # the day after the last insurance step


def args_of(b) -> tuple:
    """The benefit rules (sim/rules/benefits.py) as the kernel's scalar arguments."""
    return (np.asarray(b.insurance_steps, dtype=np.float64), float(b.workdays_per_month),
            float(b.insurance_base), float(b.insurance_share), int(b.insurance_days),
            float(b.basic_daily), int(b.basic_days), float(b.follow_on_rate),
            float(b.follow_on_cap), float(b.follow_on_floor), int(b.follow_on_wait_weeks),
            float(b.follow_on_take_up), bool(b.follow_on_after_basic),
            float(b.assistance_take_up), float(b.cofinanced_insurance_daily),
            int(b.days_per_week))


@njit(cache=True, inline="always")
def _step_of(steps, day):
    """The insurance step (row of `steps`) a benefit day falls in."""
    k = -1
    for s in range(steps.shape[0]):
        if steps[s, 0] <= day:
            k = s
    return k


@njit(cache=True)
def _insurance_daily(steps, wage, day, workdays, base, share):
    """sim.rules.benefits.insurance_daily for one person and day, the same operations."""
    k = _step_of(steps, day)
    daily_wage = wage / workdays
    full = base + share * max(0.0, daily_wage - base)
    return max(steps[k, 3], min(steps[k, 2], steps[k, 1] * full))


@njit(cache=True)
def _take_up_draw(seed, stream, start, person, sub):
    """sim.entitlement.Entitlement.draw for one person: keyed by the spell's start week."""
    key = ((np.uint64(np.int64(start) & 0xFFFFFFFF) << np.uint64(32))
           | np.uint64(person))
    return uniform(seed, stream, 0, key, sub)


@njit(cache=True, nogil=True)
def _benefit_rows(seekers, benefit, benefit_days, sanction_days, spell_start, week,
                  wage, insured, municipality, seed, stream, steps, workdays, base, share,
                  insurance_days, basic_daily, basic_days, follow_rate, follow_cap,
                  follow_floor, wait_weeks, follow_take_up, follow_after_basic,
                  assistance_take_up, cofinanced_insurance, days_per_week,
                  kind, days, amount, cofinanced, muni, by_muni, assisted):
    """`benefit_week` for one chunk of seekers: writes the chunk's rows of the per-seeker
    outputs and its own sums by municipality (`by_muni`, `assisted`, zeroed by the caller).
    `spell_start`, `wage`, `insured` and `municipality` are the chunk's, per seeker."""
    n = len(seekers)
    for i in range(n):
        p = seekers[i]
        # entitlement (sim/entitlement.py, Entitlement.update)
        k = benefit[p]
        used = benefit_days[p]
        exhausted = ((k == INSURANCE and used >= insurance_days)
                     or (k == BASIC and used >= basic_days))
        waited = ((k == NONE or k == ASSISTANCE)
                  and week - np.int64(spell_start[i]) >= wait_weeks)
        if exhausted or waited:
            takes = _take_up_draw(seed, stream, spell_start[i], p,
                                  SUB_FOLLOW_ON) < follow_take_up
            if not follow_after_basic and k == BASIC:
                takes = False
            k = FOLLOW_ON if takes else NONE
        if k == NONE or k == ASSISTANCE:
            drawn = _take_up_draw(seed, stream, spell_start[i], p, SUB_ASSISTANCE)
            k = ASSISTANCE if drawn < assistance_take_up else NONE
        benefit[p] = k
        kind[i] = k
        m = municipality[i]
        muni[i] = m
        # days without benefit: sanctions
        d = days_per_week
        lost = min(d, sanction_days[p])
        sanction_days[p] -= lost
        d -= lost
        if k == INSURANCE:
            d = min(d, max(0, insurance_days - used))
            total = 0.0
            daily, next_step = 0.0, -1  # the day the next step starts (-1: not yet known)
            for j in range(d):  # the daily amount changes only where a day starts a new step
                day = used + 1 + j
                if next_step < 0 or day >= next_step:
                    s = _step_of(steps, day)
                    daily = _insurance_daily(steps, wage[i], day, workdays, base, share)
                    next_step = steps[s + 1, 0] if s + 1 < steps.shape[0] else NEVER
                total += daily
            amount[i] = total
            cofinanced[i] = cofinanced_insurance
            benefit_days[p] += d
            by_muni[0, m] += total
        elif k == BASIC:
            d = min(d, max(0, basic_days - used))
            amount[i] = basic_daily * d
            cofinanced[i] = basic_daily
            benefit_days[p] += d
            by_muni[1, m] += amount[i]
        elif k == FOLLOW_ON:
            daily = follow_floor
            if insured[i] == 1:
                daily = max(follow_floor, min(follow_cap, follow_rate * (wage[i] / workdays)))
            amount[i] = daily * d
            cofinanced[i] = daily
            by_muni[2, m] += amount[i]
        elif k == ASSISTANCE:
            assisted[m] += 1
        days[i] = d


@njit(cache=True)
def by_kind(kind, amount, n_kinds):
    """Seekers and amounts by benefit kind: `np.bincount(kind)` and `np.bincount(kind,
    weights=amount)` in one pass, summed in seeker order as bincount sums, so the same bits
    (bincount first copies the int8 kinds to a full-size array of int64)."""
    count = np.zeros(n_kinds, np.int64)
    paid = np.zeros(n_kinds, np.float64)
    for i in range(len(kind)):
        count[kind[i]] += 1
        paid[kind[i]] += amount[i]
    return count, paid


def benefit_week(seekers, benefit, benefit_days, sanction_days, spell_start, week, wage,
                 insured, municipality, n_muni, seed, stream, *rules, threads=None):
    """This week's benefit of each seeker and what it pays. Updates `benefit`, `benefit_days`
    and `sanction_days` in place; returns per seeker (kind, days paid, amount, co-financed
    amount a day, municipality) and by municipality the amounts of the three state benefits
    (3, n_muni) and the number drawing social assistance. `rules` are `args_of`'s.
    `spell_start`, `wage`, `insured` and `municipality` are per seeker (the register's spell
    table, sim/spells.py), the other columns per person; a spell has run `week - spell_start`
    weeks.

    Seekers are independent, so fixed chunks of them run in threads (a chunk sums by
    municipality in seeker order; chunks' sums are added in chunk order): the numbers depend
    on the seekers alone, not on the thread count, and a world of one chunk sums exactly as
    one loop would."""
    n = len(seekers)
    kind, days = np.empty(n, np.int8), np.empty(n, np.int64)
    amount, cofinanced = np.zeros(n), np.zeros(n)
    muni = np.empty(n, np.int32)
    spans = chunks(n)
    by_muni = [np.zeros((CATEGORIES, n_muni)) for _ in spans]
    assisted = [np.zeros(n_muni, np.int64) for _ in spans]

    def run(k):
        lo, hi = spans[k]
        _benefit_rows(seekers[lo:hi], benefit, benefit_days, sanction_days,
                      spell_start[lo:hi], week, wage[lo:hi], insured[lo:hi],
                      municipality[lo:hi], seed, stream, *rules,
                      kind[lo:hi], days[lo:hi], amount[lo:hi], cofinanced[lo:hi],
                      muni[lo:hi], by_muni[k], assisted[k])

    run_all(run, len(spans), threads)
    return kind, days, amount, cofinanced, muni, add_in_order(by_muni), add_in_order(assisted)
