"""Weekly job matching: applications, employers' own search, screening and offers (Numba).

Why this shape: matching is the hot loop of the simulation, so it runs compiled and in parallel
over local labour markets, which never interact within a week. Every random number is a
counter-based draw named by (seed, stream, week, person or vacancy id, sub), so the result does
not depend on thread count or market order, and the pure-Python twin in `reference.py`
reproduces it bit for bit (the test suite checks this). Only +, -, *, /, comparisons, floor and
int conversion touch floats, in a fixed order, with no fastmath, so there is nothing for
compilers to reorder.

Both sides search. Seekers apply to vacancies; employers do not only wait for applications but
also look for candidates themselves: each open vacancy contacts `contacts` registered seekers a
week (searching the register's CVs, asking the employment service for candidates), drawn from
its market by occupational similarity and screened like an application. Why: with applications
alone, hires were limited by how many qualified applications arrive, so they rose almost one for
one with seekers (elasticity about 0.8 holding the pool's composition fixed) and hardly with
vacancies, against 0.5-0.7 for unemployment in the literature (Petrongolo & Pissarides 2001,
evidence.md 5.3). Employers' search makes hires grow with vacancies for a given pool, and
spreads each employer's contacts over more seekers when there are more of them: congestion on
the seekers' side. It is also the stock-flow channel of the Swedish evidence (Forslund &
Johansson 2007, evidence.md 5.3): a new vacancy meets the whole stock of seekers at once. A
seeker's own effort moves only the application channel, so extra search by some displaces part
of others' hires (Progress, evidence.md 6) instead of adding hires one for one.

Per market:
1. target weights: similarity[a, b] * (vacancies in cell (m, b)), as a cumulative sum over b;
2. each seeker sends n ~ floor(apps) + Bernoulli(frac(apps)) applications (at most MAX_APPS):
   target occupation by inverse CDF, vacancy uniformly within the cell; the employer perceives
   skill + boost - stigma * min(spell, cap) + noise_sd * z with z an Irwin-Hall(4) normal;
3. each vacancy (in row order) makes n ~ floor(contacts) + Bernoulli(frac) contacts: seeker
   occupation a by inverse CDF of similarity[a, b] * (seekers of occupation a in the market),
   seeker uniformly within it (row order), screened as in 2 with draws of its own streams;
4. each vacancy offers to its best candidate at or above its threshold (ties: the candidate
   seen first, applications in seeker-row order before the vacancy's own contacts);
5. each seeker accepts the best-paid offer (ties: lower vacancy row); declined vacancies stay
   open this week (a single round, no deferred acceptance).
A market's applications (and then its contacts) are first listed with their draws, then
screened in that order (`_listed`: why, there), so memory is O(seekers + vacancies +
applications + contacts) per market and time O((applications + contacts) * n_occ + seekers +
vacancies + n_occ^2).
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit

from sim.kernels.rng import key, stream_id, uniform_at
from sim.kernels.threads import run_all

S_APP = stream_id("applications")
S_SCREEN = stream_id("screening")
S_CONTACT = stream_id("employer-contacts")
S_CONTACT_SCREEN = stream_id("employer-contact-screening")
APP_STREAMS = np.array([S_APP, S_SCREEN], dtype=np.int64)
CONTACT_STREAMS = np.array([S_CONTACT, S_CONTACT_SCREEN], dtype=np.int64)
MAX_APPS = 64  # at most this many applications per seeker, and contacts per vacancy, a week
SQRT3 = 1.7320508075688772  # the double nearest sqrt(3); a literal so both twins share it


@njit(cache=True, inline="always")
def _draw_count(rate, k):
    """floor(rate) + Bernoulli(frac(rate)), at most MAX_APPS, none for a rate that is not
    positive (or NaN); draw sub 0 of key `k`. Without a branch: which seekers send none is
    all but random to the CPU."""
    r = rate if rate > 0.0 else 0.0
    r = r if r < MAX_APPS else np.float64(MAX_APPS)
    fl = np.floor(r)
    return int(fl) + int(uniform_at(k, 0) < r - fl)


@njit(cache=True, inline="always")
def _noise(k, j):
    """An Irwin-Hall(4) standard normal from draws 4j .. 4j+3 of key `k`."""
    q = 4 * j
    return (
        uniform_at(k, q)
        + uniform_at(k, q + 1)
        + uniform_at(k, q + 2)
        + uniform_at(k, q + 3)
        - 2.0
    ) * SQRT3


@njit(cache=True, inline="always")
def _consider(best, lv, i, p):
    """Candidate row `i`, scored `p`, becomes vacancy `lv`'s best if it passes the threshold
    and beats the best so far (strict: on ties the candidate seen first stays). `best` has a
    record a vacancy, (threshold, best row so far or -1, its score), so a candidate's screening
    reads one cache line, not three arrays; rows are exact as floats. Without a branch: a
    candidate who does not win is written to the spare record past the last vacancy. Why:
    whether a candidate passes is a coin flip to the CPU where many pass, and a mispredicted
    branch costs more than the screening itself (a conditional store, which is what selects
    of the old values become, is a branch again); where few pass, the spare costs a few per
    cent."""
    better = (p >= best[lv, 0]) & ((best[lv, 1] < 0.0) | (p > best[lv, 2]))
    slot = lv if better else best.shape[0] - 1
    best[slot, 1] = np.float64(i)
    best[slot, 2] = p


@njit(cache=True, inline="always")
def _base(skill, boost, spell, stigma_per_week, stigma_cap_weeks):
    """A seeker's productivity as employers perceive it before the screening noise."""
    capped = spell if spell < stigma_cap_weeks else stigma_cap_weeks
    return (skill + boost) - stigma_per_week * capped


@njit(cache=True, inline="always")
def _first_above(cum, a, x, n):
    """First b in 0..n-1 with cum[a, b] > x, else n - 1. Row a of `cum` never decreases, so
    that b is the number of entries at or below x: counted without branches, which for a
    dozen occupations beats a binary search whose every step is a coin flip to the CPU."""
    count = 0
    for b in range(n - 1):
        count += cum[a, b] <= x
    return count


@njit(cache=True)
def _reachable(cum):
    """Whether each row of cumulative weights reaches anything (a loop: array expressions
    cost seconds of compile for microseconds of work)."""
    n = cum.shape[1]
    out = np.empty(cum.shape[0], dtype=np.bool_)
    for a in range(cum.shape[0]):
        out[a] = cum[a, n - 1] > 0.0
    return out


@njit(cache=True, nogil=True)
def _count(seed, week, streams, ids, occ, rates, reachable, k_draw, k_screen, counts):
    """How many applications each seeker sends (or contacts each vacancy makes: `ids`,
    `rates`), none where `reachable[occ]` is false; each one's keys of the two `streams`
    (its own draws, its screening's). Returns the total. Three simple loops in a function of
    their own: LLVM vectorises each (fused, or inlined in the market's loop, it did not, and
    the pass took four times as long)."""
    for r in range(ids.shape[0]):
        k_draw[r] = key(seed, streams[0], week, ids[r])
        counts[r] = _draw_count(rates[r], k_draw[r])
    total = 0
    for r in range(ids.shape[0]):
        n = counts[r] if reachable[occ[r]] else 0
        counts[r] = n
        total += n
    for r in range(ids.shape[0]):
        k_screen[r] = key(seed, streams[1], week, ids[r])
    return total


@njit(cache=True, nogil=True)
def _listed(n_apps, k_app, k_screen, s0, total):
    """The applications of seeker rows s0.. (`n_apps` each, keys `k_app`, `k_screen` by
    row - s0) as one flat list in seeker-row order: each one's seeker row and its draws, the
    target occupation's and the vacancy's (or seeker's) uniforms and the screening noise.
    A vacancy's contacts are listed the same way, by vacancy row.

    Why flat: drawn seeker by seeker, every seeker's loop ends after a count the CPU cannot
    guess, and each misprediction threw away the work under way, so applications never
    overlapped; listed first, the draws are one loop the compiler vectorises and the screening
    one loop without a seeker's exit. Where each application starts is found without a
    branch: each seeker marks the slot of its first one and a running sum reads the marks."""
    mark = np.zeros(total + 1, dtype=np.int64)
    t = 0
    for r in range(n_apps.shape[0]):
        mark[t] += 1
        t += n_apps[r]
    row = np.empty(total, dtype=np.int64)
    j = np.empty(total, dtype=np.int64)
    ka = np.empty(total, dtype=np.uint64)
    ks = np.empty(total, dtype=np.uint64)
    r = -1
    first = 0
    for t in range(total):
        m = mark[t]
        r += m
        first = t if m > 0 else first
        row[t] = s0 + r
        j[t] = t - first
        ka[t] = k_app[r]
        ks[t] = k_screen[r]
    u_occ = np.empty(total)
    u_vac = np.empty(total)
    noise = np.empty(total)
    _draw_all(j, ka, ks, u_occ, u_vac, noise)
    return row, u_occ, u_vac, noise


@njit(cache=True, nogil=True)
def _draw_all(j, ka, ks, u_occ, u_vac, noise):
    """Each listed application's draws. A function of its own: LLVM vectorises the loop
    here, and did not where it was inlined among the arrays' allocations."""
    for t in range(j.shape[0]):
        u_occ[t] = uniform_at(ka[t], 1 + 2 * j[t])
        u_vac[t] = uniform_at(ka[t], 2 + 2 * j[t])
        noise[t] = _noise(ks[t], j[t])


@njit(cache=True, nogil=True)
def _match_markets(
    markets,
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
    hired_vac,
    n_apps,
    n_contacts,
):
    """Steps 1-5 for the markets listed, writing their seekers' rows of the three outputs.
    Serial and without the GIL: `match_week` runs disjoint lists in threads of its own."""
    n_occ = similarity.shape[0]
    for m in markets:
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
            best = np.empty((nv + 1, 3))  # `_consider`'s records; the last: who loses
            # set by a loop: slices of a 2-d array took 1.5 s to compile
            for lv in range(nv + 1):
                best[lv, 0] = vac_threshold[v0 + lv] if lv < nv else 0.0
                best[lv, 1] = -1.0

            # 2. applications: how many each seeker sends (none where no open cell is
            #    reachable), their draws as one flat list, then their screening in that order
            k_app = np.empty(s1 - s0, dtype=np.uint64)
            k_screen = np.empty(s1 - s0, dtype=np.uint64)
            total_apps = _count(seed, week, APP_STREAMS, seeker_id[s0:s1], seeker_occ[s0:s1],
                                seeker_apps[s0:s1], _reachable(cum), k_app, k_screen,
                                n_apps[s0:s1])
            app_row, u_occ, u_vac, noise = _listed(n_apps[s0:s1], k_app, k_screen, s0,
                                                   total_apps)
            for t in range(total_apps):
                i = app_row[t]
                a = seeker_occ[i]
                x = u_occ[t] * cum[a, n_occ - 1]
                cell = c0 + _first_above(cum, a, x, n_occ)
                start = vac_ptr[cell]
                size = vac_ptr[cell + 1] - start
                k = int(u_vac[t] * np.float64(size))
                if k > size - 1:
                    k = size - 1
                v = start + k
                base = _base(seeker_skill[i], seeker_boost[i], seeker_spell[i], stigma_per_week,
                             stigma_cap_weeks)
                p = base + noise_sd * noise[t]
                # seekers come in row order, so ties keep the lower row
                _consider(best, v - v0, i, p)

            # 3. employers' contacts: the market's seekers grouped by occupation (row order)
            if contacts > 0.0 and nv > 0:
                occ_start = np.zeros(n_occ + 1, dtype=np.int64)
                for i in range(s0, s1):
                    occ_start[seeker_occ[i] + 1] += 1
                for a in range(n_occ):
                    occ_start[a + 1] += occ_start[a]
                fill = occ_start[:n_occ].copy()
                rows = np.empty(s1 - s0, dtype=np.int32)
                for i in range(s0, s1):
                    a = seeker_occ[i]
                    rows[fill[a]] = i - s0
                    fill[a] += 1
                reach = np.empty((n_occ, n_occ), dtype=np.float64)  # from vacancy occ b
                for b in range(n_occ):
                    acc = 0.0
                    for a in range(n_occ):
                        w = similarity[a, b] * np.float64(occ_start[a + 1] - occ_start[a])
                        if w > 0.0:
                            acc += w
                        reach[b, a] = acc
                vac_occ = np.empty(nv, dtype=np.int64)
                for b in range(n_occ):
                    for v in range(vac_ptr[c0 + b], vac_ptr[c0 + b + 1]):
                        vac_occ[v - v0] = b
                n_made = np.empty(nv, dtype=np.int64)
                k_contact = np.empty(nv, dtype=np.uint64)
                k_screen = np.empty(nv, dtype=np.uint64)
                total_contacts = _count(seed, week, CONTACT_STREAMS, vac_id[v0:v1], vac_occ,
                                        np.full(nv, contacts), _reachable(reach),
                                        k_contact, k_screen, n_made)
                made_by, u_occ, u_pos, noise = _listed(n_made, k_contact, k_screen, v0,
                                                       total_contacts)
                # whom each contact reaches, then their screening: apart, the reads of
                # seekers scattered over the market overlap, where a contact's screening
                # waited for its seeker's row
                picked = np.empty(total_contacts, dtype=np.int64)
                for t in range(total_contacts):
                    b = vac_occ[made_by[t] - v0]
                    x = u_occ[t] * reach[b, n_occ - 1]
                    a = _first_above(reach, b, x, n_occ)
                    start = occ_start[a]
                    size = occ_start[a + 1] - start
                    k = int(u_pos[t] * np.float64(size))
                    if k > size - 1:
                        k = size - 1
                    picked[t] = s0 + rows[start + k]
                for t in range(total_contacts):  # vacancies in row order, as they draw
                    v = made_by[t]
                    i = picked[t]
                    n_contacts[i] += 1
                    base = _base(seeker_skill[i], seeker_boost[i], seeker_spell[i],
                                 stigma_per_week, stigma_cap_weeks)
                    p = base + noise_sd * noise[t]
                    _consider(best, v - v0, i, p)

            # 4.-5. offers: vacancies in row order, strict > keeps the lower vacancy row on ties
            best_wage = np.empty(s1 - s0, dtype=np.float64)
            for lv in range(nv):
                s = int(best[lv, 1])
                if s >= 0:
                    wage = vac_wage[v0 + lv]
                    if hired_vac[s] < 0 or wage > best_wage[s - s0]:
                        hired_vac[s] = v0 + lv
                        best_wage[s - s0] = wage


PARALLEL_FROM = 20_000  # seekers: below this one thread is faster than handing work out


def _balanced(seeker_ptr, vac_ptr, n_occ, parts):
    """Markets dealt to `parts` lists of about equal work (seekers plus vacancies), largest
    first to the least loaded: a few big cities must not end up on one thread."""
    n_markets = len(seeker_ptr) - 1
    work = np.diff(seeker_ptr) + np.diff(vac_ptr[::n_occ])
    lists, load = [[] for _ in range(parts)], np.zeros(parts)
    for m in np.argsort(-work, kind="stable"):
        k = int(np.argmin(load))
        lists[k].append(m)
        load[k] += work[m]
    return [np.sort(np.asarray(x, dtype=np.int64)) for x in lists if x] or [
        np.arange(n_markets, dtype=np.int64)]


def match_week(seed, week, seeker_ptr, seeker_id, seeker_occ, seeker_skill, seeker_spell,
               seeker_apps, seeker_boost, vac_ptr, vac_id, vac_threshold, vac_wage, similarity,
               noise_sd, stigma_per_week, stigma_cap_weeks, contacts, threads=None):
    """One week of matching; returns (hired_vac, n_apps, n_contacts), int64 per seeker row.

    hired_vac[i] is the vacancy row seeker row i accepted (-1 if none); n_apps[i] the number of
    applications actually sent (0 when no open cell is reachable from the seeker's occupation);
    n_contacts[i] the number of employers' contacts seeker row i received.

    Local labour markets never interact within a week, so they are dealt to `threads` threads
    (default: Numba's thread count; one for a small world). Every draw is named by its
    coordinates, so the result is the same for any thread count. Plain threads around a
    GIL-free serial kernel rather than a Numba parallel loop: the same speed, without a
    parallel compile that took longer than all the other kernels together.
    """
    n_markets = seeker_ptr.shape[0] - 1
    n_occ = similarity.shape[0]
    if vac_ptr.shape[0] != n_markets * n_occ + 1:
        raise ValueError("vac_ptr must have n_markets * n_occ + 1 entries")
    n_seekers = seeker_id.shape[0]
    hired_vac = np.full(n_seekers, -1, dtype=np.int64)
    n_apps = np.zeros(n_seekers, dtype=np.int64)
    n_contacts = np.zeros(n_seekers, dtype=np.int64)
    if threads is None:
        threads = numba.get_num_threads() if n_seekers >= PARALLEL_FROM else 1
    rest = (seed, week, seeker_ptr, seeker_id, seeker_occ, seeker_skill, seeker_spell,
            seeker_apps, seeker_boost, vac_ptr, vac_id, vac_threshold, vac_wage, similarity,
            float(noise_sd), float(stigma_per_week), float(stigma_cap_weeks), float(contacts),
            hired_vac, n_apps, n_contacts)
    lists = _balanced(seeker_ptr, vac_ptr, n_occ, max(1, min(threads, n_markets)))
    run_all(lambda k: _match_markets(lists[k], *rest), len(lists), len(lists))
    return hired_vac, n_apps, n_contacts
