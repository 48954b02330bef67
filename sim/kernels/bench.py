"""Synthetic worlds and timings for the matching kernel.

Why: the kernel's speed decides how large a population and how many reform scenarios we can
afford, and the twin's speed tells how much the compiled path buys. Worlds are random but
plausible (uneven market sizes, occupation-skewed vacancies), so timings reflect realistic load
imbalance across threads.
"""

from __future__ import annotations

import time

import numba
import numpy as np

from sim.kernels.matching import match_week
from sim.kernels.reference import match_week_reference


def random_world(n_seekers, n_vacancies, n_markets, n_occ, seed, contacts=1.0) -> dict:
    """Keyword arguments for `match_week`: a random world with CSR-sorted seekers and vacancies."""
    rng = np.random.default_rng(seed)
    market_w = rng.lognormal(0.0, 1.0, n_markets)  # a few big cities, many small markets
    market_w /= market_w.sum()
    occ_w = rng.dirichlet(np.full(n_occ, 2.0))

    s_market = rng.choice(n_markets, n_seekers, p=market_w)
    s_occ = rng.choice(n_occ, n_seekers, p=occ_w)
    order = np.lexsort((s_occ, s_market))
    s_market, s_occ = s_market[order], s_occ[order]
    seeker_ptr = np.zeros(n_markets + 1, dtype=np.int64)
    seeker_ptr[1:] = np.cumsum(np.bincount(s_market, minlength=n_markets))
    # person ids: unique, sparse in a larger population, unrelated to row order
    seeker_id = rng.permutation(5 * n_seekers)[:n_seekers].astype(np.int64)

    v_market = rng.choice(n_markets, n_vacancies, p=market_w)
    v_occ = rng.choice(n_occ, n_vacancies, p=rng.dirichlet(np.full(n_occ, 2.0)))
    cell = np.sort(v_market * n_occ + v_occ)
    vac_ptr = np.zeros(n_markets * n_occ + 1, dtype=np.int64)
    vac_ptr[1:] = np.cumsum(np.bincount(cell, minlength=n_markets * n_occ))

    occ_idx = np.arange(n_occ)
    similarity = np.exp(-np.abs(occ_idx[:, None] - occ_idx[None, :]).astype(np.float64))

    return dict(
        seed=int(rng.integers(0, 2**31)),
        week=int(rng.integers(0, 520)),
        seeker_ptr=seeker_ptr,
        seeker_id=seeker_id,
        seeker_occ=s_occ.astype(np.int64),
        seeker_skill=rng.normal(0.0, 1.0, n_seekers),
        seeker_spell=rng.uniform(0.0, 150.0, n_seekers),
        seeker_apps=rng.uniform(0.0, 5.0, n_seekers),
        seeker_boost=rng.uniform(0.0, 0.2, n_seekers),
        vac_ptr=vac_ptr,
        vac_id=rng.permutation(3 * n_vacancies)[:n_vacancies].astype(np.int64),
        vac_threshold=rng.normal(-0.5, 0.7, n_vacancies),
        vac_wage=rng.lognormal(np.log(30_000.0), 0.3, n_vacancies),
        similarity=similarity,
        noise_sd=0.5,
        stigma_per_week=0.004,
        stigma_cap_weeks=104.0,
        contacts=contacts,
    )


def _best_time(fn, world, repeats):
    best = float("inf")
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn(**world)
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_kernel(
    n_seekers=200_000,
    n_vacancies=40_000,
    n_markets=60,
    n_occ=12,
    twin_seekers=20_000,
    repeats=5,
) -> dict:
    """Best-of-`repeats` timings: kernel on the big world; kernel vs twin on a small world.

    The small world scales vacancies with seekers so both worlds have the same tightness.
    """
    big = random_world(n_seekers, n_vacancies, n_markets, n_occ, seed=1)
    t_compile0 = time.perf_counter()
    match_week(**big)  # warm-up: compile or load from cache
    t_first = time.perf_counter() - t_compile0
    t_big, (hired_big, apps_big, _) = _best_time(match_week, big, repeats)

    n_vac_small = max(1, round(n_vacancies * twin_seekers / max(n_seekers, 1)))
    small = random_world(twin_seekers, n_vac_small, n_markets, n_occ, seed=2)
    t_ks, (hired_k, apps_k, contacts_k) = _best_time(match_week, small, repeats)
    t_tw, (hired_t, apps_t, contacts_t) = _best_time(match_week_reference, small, repeats)
    n_small = int(apps_k.sum())

    return {
        "threads": numba.get_num_threads(),
        "first_call_s": t_first,
        "big_seekers": n_seekers,
        "big_vacancies": n_vacancies,
        "big_applications": int(apps_big.sum()),
        "big_hires": int((hired_big >= 0).sum()),
        "big_kernel_s": t_big,
        "big_kernel_apps_per_s": int(apps_big.sum()) / t_big,
        "small_seekers": twin_seekers,
        "small_vacancies": n_vac_small,
        "small_applications": n_small,
        "small_kernel_s": t_ks,
        "small_twin_s": t_tw,
        "small_kernel_apps_per_s": n_small / t_ks,
        "small_twin_apps_per_s": n_small / t_tw,
        "kernel_over_twin": t_tw / t_ks,
        "twin_identical": bool(np.array_equal(hired_k, hired_t) and np.array_equal(apps_k, apps_t)
                              and np.array_equal(contacts_k, contacts_t)),
    }
