"""Pure-Python twin of `matching.match_week`: the specification the compiled kernel must meet.

Why: a compiled, parallel kernel is hard to read and easy to get subtly wrong. This version is
plain loops over Python ints and floats, using `uniform_py` (bit-identical to the Numba
`uniform`) and the same floating-point operations in the same order, so its output must equal
the kernel's exactly; the tests compare them on many random worlds. It is slow (~100x), meant
for tests, debugging and small worlds only. See `matching.py` for the algorithm.
"""

from __future__ import annotations

import math
from bisect import bisect_right

import numpy as np

from sim.kernels.matching import MAX_APPS, S_APP, S_SCREEN, SQRT3
from sim.kernels.rng import uniform_py


def match_week_reference(
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
    """Same arguments and results as `match_week`: (hired_vac, n_apps) as int64 arrays."""
    seed = int(seed)
    week = int(week)
    s_ptr = [int(x) for x in np.asarray(seeker_ptr).tolist()]
    ids = [int(x) for x in np.asarray(seeker_id).tolist()]
    occ = [int(x) for x in np.asarray(seeker_occ).tolist()]
    skill = [float(x) for x in np.asarray(seeker_skill).tolist()]
    spells = [float(x) for x in np.asarray(seeker_spell).tolist()]
    apps = [float(x) for x in np.asarray(seeker_apps).tolist()]
    boost = [float(x) for x in np.asarray(seeker_boost).tolist()]
    v_ptr = [int(x) for x in np.asarray(vac_ptr).tolist()]
    threshold = [float(x) for x in np.asarray(vac_threshold).tolist()]
    wages = [float(x) for x in np.asarray(vac_wage).tolist()]
    sim = [[float(x) for x in row] for row in np.asarray(similarity).tolist()]
    noise_sd = float(noise_sd)
    stigma_per_week = float(stigma_per_week)
    cap = float(stigma_cap_weeks)

    n_markets = len(s_ptr) - 1
    n_occ = len(sim)
    if len(v_ptr) != n_markets * n_occ + 1:
        raise ValueError("vac_ptr must have n_markets * n_occ + 1 entries")
    hired = [-1] * len(ids)
    n_apps = [0] * len(ids)

    for m in range(n_markets):
        s0, s1 = s_ptr[m], s_ptr[m + 1]
        if s1 <= s0:
            continue
        c0 = m * n_occ
        v0 = v_ptr[c0]
        sizes = [v_ptr[c0 + b + 1] - v_ptr[c0 + b] for b in range(n_occ)]
        cum = []
        for a in range(n_occ):
            acc = 0.0
            row = []
            for b in range(n_occ):
                w = sim[a][b] * float(sizes[b])
                if w > 0.0:
                    acc += w
                row.append(acc)
            cum.append(row)

        best = {}  # local vacancy -> (perceived, seeker row)
        for i in range(s0, s1):
            pid = ids[i]
            total = cum[occ[i]][n_occ - 1]
            n = 0
            if total > 0.0:
                r = apps[i]
                if r >= MAX_APPS:
                    n = MAX_APPS
                elif r > 0.0:
                    fl = float(math.floor(r))
                    n = int(fl)
                    frac = r - fl
                    if frac > 0.0 and uniform_py(seed, S_APP, week, pid, 0) < frac:
                        n += 1
            n_apps[i] = n
            spell = spells[i]
            capped = spell if spell < cap else cap
            base = (skill[i] + boost[i]) - stigma_per_week * capped
            for j in range(n):
                x = uniform_py(seed, S_APP, week, pid, 1 + 2 * j) * total
                b = bisect_right(cum[occ[i]], x)  # first b with cum > x
                start = v_ptr[c0 + b]
                size = sizes[b]
                k = min(int(uniform_py(seed, S_APP, week, pid, 2 + 2 * j) * float(size)), size - 1)
                v = start + k
                z = (
                    uniform_py(seed, S_SCREEN, week, pid, 4 * j)
                    + uniform_py(seed, S_SCREEN, week, pid, 4 * j + 1)
                    + uniform_py(seed, S_SCREEN, week, pid, 4 * j + 2)
                    + uniform_py(seed, S_SCREEN, week, pid, 4 * j + 3)
                    - 2.0
                ) * SQRT3
                p = base + noise_sd * z
                if p >= threshold[v]:
                    lv = v - v0
                    if lv not in best or p > best[lv][0]:
                        best[lv] = (p, i)

        best_wage = {}
        for lv in sorted(best):
            i = best[lv][1]
            wage = wages[v0 + lv]
            if hired[i] < 0 or wage > best_wage[i]:
                hired[i] = v0 + lv
                best_wage[i] = wage

    return np.array(hired, dtype=np.int64), np.array(n_apps, dtype=np.int64)
