"""Weekly job matching: applications, screening and offers in local labour markets (Numba).

Why this shape: matching is the hot loop of the simulation, so it runs compiled and in parallel
over local labour markets, which never interact within a week. Every random number is a
counter-based draw named by (seed, stream, week, person id, sub), so the result does not depend
on thread count or market order, and the pure-Python twin in `reference.py` reproduces it bit for
bit (the test suite checks this). Only +, -, *, /, comparisons, floor and int conversion touch
floats, in a fixed order, with no fastmath, so there is nothing for compilers to reorder.

Per market:
1. target weights: similarity[a, b] * (vacancies in cell (m, b)), as a cumulative sum over b;
2. each seeker sends n ~ floor(apps) + Bernoulli(frac(apps)) applications (at most MAX_APPS):
   target occupation by inverse CDF, vacancy uniformly within the cell; the employer perceives
   skill + boost - stigma * min(spell, cap) + noise_sd * z with z an Irwin-Hall(4) normal;
3. each vacancy offers to its best applicant at or above its threshold (ties: lower seeker row);
4. each seeker accepts the best-paid offer (ties: lower vacancy row); declined vacancies stay
   open this week (a single round, no deferred acceptance).
Applications are screened as they are generated, so memory is O(seekers + vacancies) per market
and time O(applications * log(n_occ) + seekers + vacancies + n_occ^2).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.kernels.rng import stream_id, uniform

S_APP = stream_id("applications")
S_SCREEN = stream_id("screening")
MAX_APPS = 64
SQRT3 = 1.7320508075688772  # the double nearest sqrt(3); a literal so both twins share it


@njit(cache=True, parallel=True)
def match_week(
    seed,
    week,
    seeker_ptr,
    seeker_id,
    seeker_occ,
    seeker_skill,
    seeker_spell,
    seeker_apps,
    seeker_boost,
    vac_ptr,
    vac_threshold,
    vac_wage,
    similarity,
    noise_sd,
    stigma_per_week,
    stigma_cap_weeks,
):
    """One week of matching; returns (hired_vac, n_apps), both int64 per seeker row.

    hired_vac[i] is the vacancy row seeker row i accepted (-1 if none); n_apps[i] the number of
    applications actually sent (0 when no open cell is reachable from the seeker's occupation).
    """
    n_markets = seeker_ptr.shape[0] - 1
    n_occ = similarity.shape[0]
    n_seekers = seeker_id.shape[0]
    if vac_ptr.shape[0] != n_markets * n_occ + 1:
        raise ValueError("vac_ptr must have n_markets * n_occ + 1 entries")
    hired_vac = np.full(n_seekers, -1, dtype=np.int64)
    n_apps = np.zeros(n_seekers, dtype=np.int64)

    for m in prange(n_markets):
        s0 = seeker_ptr[m]
        s1 = seeker_ptr[m + 1]
        c0 = m * n_occ
        v0 = vac_ptr[c0]
        v1 = vac_ptr[c0 + n_occ]
        if s1 > s0:
            # 1. cumulative target weights per origin occupation (only positive terms, so the
            #    inverse CDF never lands on an empty cell)
            cum = np.empty((n_occ, n_occ), dtype=np.float64)
            for a in range(n_occ):
                acc = 0.0
                for b in range(n_occ):
                    w = similarity[a, b] * np.float64(vac_ptr[c0 + b + 1] - vac_ptr[c0 + b])
                    if w > 0.0:
                        acc += w
                    cum[a, b] = acc
            nv = v1 - v0
            best_val = np.empty(nv, dtype=np.float64)
            best_row = np.full(nv, -1, dtype=np.int64)

            # 2.-3. applications, screened as they are drawn
            for i in range(s0, s1):
                pid = seeker_id[i]
                a = seeker_occ[i]
                total = cum[a, n_occ - 1]
                n = 0
                if total > 0.0:
                    r = seeker_apps[i]
                    if r >= MAX_APPS:
                        n = MAX_APPS
                    elif r > 0.0:
                        fl = np.floor(r)
                        n = int(fl)
                        frac = r - fl
                        if frac > 0.0 and uniform(seed, S_APP, week, pid, 0) < frac:
                            n += 1
                n_apps[i] = n
                spell = seeker_spell[i]
                capped = spell if spell < stigma_cap_weeks else stigma_cap_weeks
                base = (seeker_skill[i] + seeker_boost[i]) - stigma_per_week * capped
                for j in range(n):
                    x = uniform(seed, S_APP, week, pid, 1 + 2 * j) * total
                    lo = 0
                    hi = n_occ - 1
                    while lo < hi:  # first b with cum[a, b] > x
                        mid = (lo + hi) // 2
                        if cum[a, mid] > x:
                            hi = mid
                        else:
                            lo = mid + 1
                    cell = c0 + lo
                    start = vac_ptr[cell]
                    size = vac_ptr[cell + 1] - start
                    k = int(uniform(seed, S_APP, week, pid, 2 + 2 * j) * np.float64(size))
                    if k > size - 1:
                        k = size - 1
                    v = start + k
                    q = 4 * j
                    z = (
                        uniform(seed, S_SCREEN, week, pid, q)
                        + uniform(seed, S_SCREEN, week, pid, q + 1)
                        + uniform(seed, S_SCREEN, week, pid, q + 2)
                        + uniform(seed, S_SCREEN, week, pid, q + 3)
                        - 2.0
                    ) * SQRT3
                    p = base + noise_sd * z
                    if p >= vac_threshold[v]:
                        lv = v - v0
                        # seekers come in row order, so strict > keeps the lower row on ties
                        if best_row[lv] < 0 or p > best_val[lv]:
                            best_row[lv] = i
                            best_val[lv] = p

            # 4. offers: vacancies in row order, strict > keeps the lower vacancy row on ties
            best_wage = np.empty(s1 - s0, dtype=np.float64)
            for lv in range(nv):
                s = best_row[lv]
                if s >= 0:
                    wage = vac_wage[v0 + lv]
                    if hired_vac[s] < 0 or wage > best_wage[s - s0]:
                        hired_vac[s] = v0 + lv
                        best_wage[s - s0] = wage
    return hired_vac, n_apps
