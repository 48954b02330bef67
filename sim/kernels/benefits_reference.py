"""The NumPy twin of `benefits.benefit_week`: the payments stage as it was before the fused
kernel (Entitlement.update, then PublicFinance.pay's benefit part), kept as the reference the
kernel is held equal to bit for bit (tests/kernels/test_benefits.py). Not used by the model.
"""

from __future__ import annotations

import numpy as np

from sim.kernels import rng
from sim.kernels.benefits import (
    ASSISTANCE,
    BASIC,
    CATEGORIES,
    FOLLOW_ON,
    INSURANCE,
    NONE,
)
from sim.kernels.threads import add_in_order, chunks

NO_STATE_BENEFIT = (NONE, ASSISTANCE)


def _draw(seed, stream, spell_start, persons, sub):
    """Take-up draws of `persons`, whose spells started in `spell_start` (per person)."""
    start = spell_start.astype(np.int64) & 0xFFFFFFFF
    key = (start << 32) | persons.astype(np.int64)
    return rng.uniforms(seed, stream, 0, key, sub)


def _insurance_daily(steps, wage, day, workdays, base, share):
    k = np.searchsorted(steps[:, 0], day, side="right") - 1
    daily_wage = wage / workdays
    full = base + share * np.maximum(0.0, daily_wage - base)
    return np.maximum(steps[k, 3], np.minimum(steps[k, 2], steps[k, 1] * full))


def benefit_week_reference(seekers, benefit, benefit_days, sanction_days, spell_start,
                           week, wage, insured, municipality, n_muni, seed, stream,
                           steps, workdays, base, share, insurance_days, basic_daily,
                           basic_days, follow_rate, follow_cap, follow_floor, wait_weeks,
                           follow_take_up, follow_after_basic, assistance_take_up,
                           cofinanced_insurance, days_per_week):
    """Same arguments, effects and results as `benefit_week`, vectorised (`spell_start`,
    `wage`, `insured` and `municipality` per seeker)."""
    # entitlement
    kind = benefit[seekers]
    used = benefit_days[seekers]
    exhausted = ((kind == INSURANCE) & (used >= insurance_days)) | (
        (kind == BASIC) & (used >= basic_days))
    waited = np.isin(kind, NO_STATE_BENEFIT) & (week - spell_start.astype(np.int64) >= wait_weeks)
    moving = exhausted | waited
    if moving.any():
        who = seekers[moving]
        takes = _draw(seed, stream, spell_start[moving], who, 1) < follow_take_up
        if not follow_after_basic:
            takes &= benefit[who] != BASIC
        benefit[who] = np.where(takes, FOLLOW_ON, NONE)
    left_out = np.isin(benefit[seekers], NO_STATE_BENEFIT)
    without = seekers[left_out]
    if len(without):
        assisted = _draw(seed, stream, spell_start[left_out], without, 2) < assistance_take_up
        benefit[without] = np.where(assisted, ASSISTANCE, NONE)
    # payments
    kind = benefit[seekers]
    days = np.full(len(seekers), days_per_week, dtype=np.int64)
    lost = np.minimum(days, sanction_days[seekers])
    sanction_days[seekers] -= lost.astype(sanction_days.dtype)
    days -= lost
    amount = np.zeros(len(seekers))
    cofinanced = np.zeros(len(seekers))
    w = wage
    ins = kind == INSURANCE
    d = np.minimum(days[ins], np.maximum(0, insurance_days - benefit_days[seekers[ins]]))
    first = benefit_days[seekers[ins]] + 1
    total = np.zeros(int(ins.sum()))
    for j in range(int(d.max()) if len(d) else 0):
        on = j < d
        total[on] += _insurance_daily(steps, w[ins][on], first[on] + j, workdays, base, share)
    amount[ins] = total
    cofinanced[ins] = cofinanced_insurance
    days[ins] = d
    basic = kind == BASIC
    d = np.minimum(days[basic], np.maximum(0, basic_days - benefit_days[seekers[basic]]))
    amount[basic] = basic_daily * d
    cofinanced[basic] = basic_daily
    days[basic] = d
    follow = kind == FOLLOW_ON
    daily_wage = w[follow] / workdays
    related = np.maximum(follow_floor, np.minimum(follow_cap, follow_rate * daily_wage))
    daily = np.where(insured[follow] == 1, related, follow_floor)
    amount[follow] = daily * days[follow]
    cofinanced[follow] = daily
    benefit_days[seekers[ins | basic]] += days[ins | basic].astype(benefit_days.dtype)
    muni = municipality.astype(np.int32)
    by_muni, assisted = [], []
    for lo, hi in chunks(len(seekers)):  # sums by chunk, added in chunk order, as the kernel
        part = np.zeros((CATEGORIES, n_muni))
        m = muni[lo:hi]
        for c, mask in enumerate((ins[lo:hi], basic[lo:hi], follow[lo:hi])):
            part[c] = np.bincount(m[mask], weights=amount[lo:hi][mask], minlength=n_muni)
        by_muni.append(part)
        assisted.append(np.bincount(m[kind[lo:hi] == ASSISTANCE], minlength=n_muni))
    return (kind, days, amount, cofinanced, muni, add_in_order(by_muni),
            add_in_order(assisted))
