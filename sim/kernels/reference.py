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

from sim.kernels.matching import MAX_APPS, S_APP, S_CONTACT, S_CONTACT_SCREEN, S_SCREEN, SQRT3
from sim.kernels.rng import uniform_py


def _count(rate: float, seed: int, stream: int, week: int, index: int) -> int:
    if rate >= MAX_APPS:
        return MAX_APPS
    if not rate > 0.0:
        return 0
    fl = float(math.floor(rate))
    n = int(fl)
    frac = rate - fl
    if frac > 0.0 and uniform_py(seed, stream, week, index, 0) < frac:
        n += 1
    return n


def _noise(seed: int, stream: int, week: int, index: int, j: int) -> float:
    u = [uniform_py(seed, stream, week, index, 4 * j + k) for k in range(4)]
    return (u[0] + u[1] + u[2] + u[3] - 2.0) * SQRT3


def _screen(best: dict, threshold: list, i: int, v: int, p: float) -> None:
    """Seeker row i, perceived as p, is vacancy v's best candidate so far if p clears its
    threshold and beats (strictly) every earlier candidate."""
    if p >= threshold[v] and (v not in best or p > best[v][0]):
        best[v] = (p, i)


def _cumulative(weights: list[float]) -> list[float]:
    acc, out = 0.0, []
    for w in weights:
        if w > 0.0:
            acc += w
        out.append(acc)
    return out


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
    vac_id,
    vac_threshold,
    vac_wage,
    similarity,
    noise_sd,
    stigma_per_week,
    stigma_cap_weeks,
    contacts,
):
    """Same arguments and results as `match_week`: (hired_vac, n_apps, n_contacts), int64."""
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
    v_ids = [int(x) for x in np.asarray(vac_id).tolist()]
    threshold = [float(x) for x in np.asarray(vac_threshold).tolist()]
    wages = [float(x) for x in np.asarray(vac_wage).tolist()]
    sim = [[float(x) for x in row] for row in np.asarray(similarity).tolist()]
    noise_sd = float(noise_sd)
    stigma_per_week = float(stigma_per_week)
    cap = float(stigma_cap_weeks)
    contacts = float(contacts)

    n_markets = len(s_ptr) - 1
    n_occ = len(sim)
    if len(v_ptr) != n_markets * n_occ + 1:
        raise ValueError("vac_ptr must have n_markets * n_occ + 1 entries")
    hired = [-1] * len(ids)
    n_apps = [0] * len(ids)
    n_contacts = [0] * len(ids)

    def base(i):
        capped = spells[i] if spells[i] < cap else cap
        return (skill[i] + boost[i]) - stigma_per_week * capped

    for m in range(n_markets):
        s0, s1 = s_ptr[m], s_ptr[m + 1]
        if s1 <= s0:
            continue
        c0 = m * n_occ
        sizes = [v_ptr[c0 + b + 1] - v_ptr[c0 + b] for b in range(n_occ)]
        cum = [_cumulative([sim[a][b] * float(sizes[b]) for b in range(n_occ)])
               for a in range(n_occ)]

        best = {}  # vacancy row -> (perceived, seeker row); the first seen wins ties
        for i in range(s0, s1):  # applications
            pid = ids[i]
            n = _count(apps[i], seed, S_APP, week, pid) if cum[occ[i]][-1] > 0.0 else 0
            n_apps[i] = n
            for j in range(n):
                x = uniform_py(seed, S_APP, week, pid, 1 + 2 * j) * cum[occ[i]][-1]
                b = bisect_right(cum[occ[i]], x)  # first b with cum > x
                size = sizes[b]
                k = min(int(uniform_py(seed, S_APP, week, pid, 2 + 2 * j) * float(size)),
                        size - 1)
                p = base(i) + noise_sd * _noise(seed, S_SCREEN, week, pid, j)
                _screen(best, threshold, i, v_ptr[c0 + b] + k, p)

        if contacts > 0.0 and v_ptr[c0 + n_occ] > v_ptr[c0]:  # employers' contacts
            by_occ = [[i for i in range(s0, s1) if occ[i] == a] for a in range(n_occ)]
            reach = [_cumulative([sim[a][b] * float(len(by_occ[a])) for a in range(n_occ)])
                     for b in range(n_occ)]
            for b in range(n_occ):
                if not reach[b][-1] > 0.0:
                    continue
                for v in range(v_ptr[c0 + b], v_ptr[c0 + b + 1]):
                    vid = v_ids[v]
                    for j in range(_count(contacts, seed, S_CONTACT, week, vid)):
                        x = uniform_py(seed, S_CONTACT, week, vid, 1 + 2 * j) * reach[b][-1]
                        group = by_occ[bisect_right(reach[b], x)]
                        k = min(int(uniform_py(seed, S_CONTACT, week, vid, 2 + 2 * j)
                                    * float(len(group))), len(group) - 1)
                        i = group[k]
                        n_contacts[i] += 1
                        p = base(i) + noise_sd * _noise(seed, S_CONTACT_SCREEN, week, vid, j)
                        _screen(best, threshold, i, v, p)

        best_wage = {}
        for v in sorted(best):
            i = best[v][1]
            if hired[i] < 0 or wages[v] > best_wage[i]:
                hired[i] = v
                best_wage[i] = wages[v]

    return (np.array(hired, dtype=np.int64), np.array(n_apps, dtype=np.int64),
            np.array(n_contacts, dtype=np.int64))
