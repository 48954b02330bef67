"""Tests for the matching kernel: bit-identical to its pure-Python twin, invariants, behaviour.

Why: the twin is the readable specification, so equality on many random worlds (including empty
markets, empty cells, zero and fractional application counts, ties) is the main guarantee; the
invariant and behaviour tests catch errors that both implementations might share.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels.bench import random_world
from sim.kernels.matching import MAX_APPS, S_SCREEN, SQRT3, match_week
from sim.kernels.reference import match_week_reference
from sim.kernels.rng import uniform_py

# ------------------------------------------------------------------------------------ helpers


def _csr(groups: np.ndarray, n_groups: int) -> np.ndarray:
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(groups, minlength=n_groups))
    return ptr


def _markets_of_rows(ptr: np.ndarray, n_rows: int) -> np.ndarray:
    """Group index of each row of a CSR layout."""
    return np.searchsorted(ptr, np.arange(n_rows), side="right") - 1


def _base(w: dict) -> np.ndarray:
    """Perceived productivity without noise, with the kernel's operation order."""
    capped = np.minimum(w["seeker_spell"], w["stigma_cap_weeks"])
    return (w["seeker_skill"] + w["seeker_boost"]) - w["stigma_per_week"] * capped


def check_invariants(w: dict, hired: np.ndarray, n_apps: np.ndarray,
                     n_contacts: np.ndarray) -> None:
    n_occ = w["similarity"].shape[0]
    n_markets = w["seeker_ptr"].shape[0] - 1
    n_seekers = w["seeker_id"].shape[0]
    assert hired.dtype == n_apps.dtype == n_contacts.dtype == np.int64
    assert hired.shape == n_apps.shape == n_contacts.shape == (n_seekers,)
    assert (n_contacts >= 0).all()
    n_vac = w["vac_threshold"].shape[0]
    assert n_contacts.sum() <= n_vac * min(np.ceil(w["contacts"]), MAX_APPS)
    if w["contacts"] == 0.0:
        assert (n_contacts == 0).all()
    assert ((n_apps >= 0) & (n_apps <= MAX_APPS)).all()
    apps = w["seeker_apps"]
    expected = np.minimum(np.floor(apps), MAX_APPS)
    sent = n_apps > 0
    assert (n_apps[sent] >= expected[sent]).all()
    assert (n_apps[sent] <= np.minimum(np.ceil(apps[sent]), MAX_APPS)).all()

    got = hired[hired >= 0]
    assert len(np.unique(got)) == len(got), "a vacancy hired twice"
    rows = np.flatnonzero(hired >= 0)
    assert (n_apps[rows] + n_contacts[rows] >= 1).all(), "hired without being screened"
    seeker_market = _markets_of_rows(w["seeker_ptr"], n_seekers)
    cells = _markets_of_rows(w["vac_ptr"], w["vac_threshold"].shape[0])[got]
    assert (cells // n_occ == seeker_market[rows]).all(), "hired outside own market"
    assert (w["similarity"][w["seeker_occ"][rows], cells % n_occ] > 0).all()
    # noise is bounded: |z| <= 2 * sqrt(3)
    slack = w["noise_sd"] * 2.0 * SQRT3 * (1 + 1e-12)
    assert (_base(w)[rows] + slack >= w["vac_threshold"][got]).all()
    if w["noise_sd"] == 0.0:
        assert (_base(w)[rows] >= w["vac_threshold"][got]).all()
    # seekers with no reachable open cell send nothing and are contacted by no one
    sizes = np.diff(w["vac_ptr"]).reshape(n_markets, n_occ) if n_markets else None
    for i in range(n_seekers):
        weight = (w["similarity"][w["seeker_occ"][i]] * sizes[seeker_market[i]]).sum()
        if weight == 0:
            assert n_apps[i] == 0
        reached = (w["similarity"][w["seeker_occ"][i]] * sizes[seeker_market[i]] > 0).any()
        if not reached:
            assert n_contacts[i] == 0


@st.composite
def small_worlds(draw) -> dict:
    n_markets = draw(st.integers(1, 4))
    n_occ = draw(st.integers(1, 5))
    n_seekers = draw(st.integers(0, 40))
    n_vac = draw(st.integers(0, 30))
    apps_mode = draw(st.sampled_from(["fractional", "integer", "zero", "mixed", "large"]))
    contacts = draw(st.sampled_from([0.0, 0.3, 1.0, 2.75, 100.0]))
    sim_mode = draw(st.sampled_from(["random", "identity", "sparse", "zero_row", "ones"]))
    ties = draw(st.booleans())  # values from tiny sets, so perceived productivities and wages tie
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    s_market = np.sort(rng.integers(0, n_markets, n_seekers))
    cells = np.sort(rng.integers(0, n_markets * n_occ, n_vac))
    if apps_mode == "fractional":
        apps = rng.uniform(0.0, 6.0, n_seekers)
    elif apps_mode == "integer":
        apps = rng.integers(0, 6, n_seekers).astype(np.float64)
    elif apps_mode == "zero":
        apps = np.zeros(n_seekers)
    elif apps_mode == "mixed":
        apps = rng.choice([0.0, 0.5, 1.0, 2.25, 3.0, 7.9], n_seekers)
    else:
        apps = rng.choice([63.5, 64.0, 100.0, 1e30], n_seekers)

    if sim_mode == "random":
        sim = rng.uniform(0.0, 1.0, (n_occ, n_occ))
    elif sim_mode == "identity":
        sim = np.eye(n_occ)
    elif sim_mode == "sparse":
        sim = rng.uniform(0.0, 1.0, (n_occ, n_occ)) * (rng.uniform(size=(n_occ, n_occ)) < 0.3)
    elif sim_mode == "zero_row":
        sim = rng.uniform(0.0, 1.0, (n_occ, n_occ))
        sim[rng.integers(0, n_occ)] = 0.0
    else:
        sim = np.ones((n_occ, n_occ))

    if ties:
        skill = rng.choice([0.0, 1.0], n_seekers)
        threshold = rng.choice([-1.0, 0.0, 1.0], n_vac)
        wage = rng.choice([1.0, 2.0], n_vac)
    else:
        skill = rng.normal(0.0, 1.0, n_seekers)
        threshold = rng.normal(-0.5, 1.0, n_vac)
        wage = rng.lognormal(0.0, 0.3, n_vac)

    return dict(
        seed=draw(st.integers(0, 2**63 - 1)),
        week=draw(st.integers(0, 10_000)),
        seeker_ptr=_csr(s_market, n_markets),
        seeker_id=rng.choice(10_000, n_seekers, replace=False).astype(np.int64),
        seeker_occ=rng.integers(0, n_occ, n_seekers).astype(np.int64),
        seeker_skill=skill,
        seeker_spell=rng.choice([0.0, 10.0, 104.0, 200.0], n_seekers)
        if ties
        else rng.uniform(0.0, 200.0, n_seekers),
        seeker_apps=apps,
        seeker_boost=rng.choice([0.0, 0.25], n_seekers),
        vac_ptr=_csr(cells, n_markets * n_occ),
        vac_id=rng.choice(10_000, n_vac, replace=False).astype(np.int64),
        vac_threshold=threshold,
        vac_wage=wage,
        similarity=sim,
        noise_sd=draw(st.sampled_from([0.0, 0.3, 2.0])),
        stigma_per_week=draw(st.sampled_from([0.0, 0.004, 0.05])),
        stigma_cap_weeks=draw(st.sampled_from([0.0, 52.0, 104.0])),
        contacts=contacts,
    )


def _empty_world(n_markets: int, n_occ: int) -> dict:
    f = np.zeros(0)
    i = np.zeros(0, dtype=np.int64)
    return dict(
        seed=1,
        week=0,
        seeker_ptr=np.zeros(n_markets + 1, dtype=np.int64),
        seeker_id=i,
        seeker_occ=i,
        seeker_skill=f,
        seeker_spell=f,
        seeker_apps=f,
        seeker_boost=f,
        vac_ptr=np.zeros(n_markets * n_occ + 1, dtype=np.int64),
        vac_id=i,
        vac_threshold=f,
        vac_wage=f,
        similarity=np.ones((n_occ, n_occ)),
        noise_sd=0.5,
        stigma_per_week=0.004,
        stigma_cap_weeks=104.0,
        contacts=1.0,
    )


def _tiny_world(skill, threshold, wage, apps=100.0, contacts=0.0) -> dict:
    """One market, one occupation, noise off: every seeker applies (often) to every vacancy."""
    ns, nv = len(skill), len(threshold)
    return dict(
        seed=7,
        week=3,
        seeker_ptr=np.array([0, ns], dtype=np.int64),
        seeker_id=np.arange(ns, dtype=np.int64) + 100,
        seeker_occ=np.zeros(ns, dtype=np.int64),
        seeker_skill=np.asarray(skill, dtype=np.float64),
        seeker_spell=np.zeros(ns),
        seeker_apps=np.full(ns, apps),
        seeker_boost=np.zeros(ns),
        vac_ptr=np.array([0, nv], dtype=np.int64),
        vac_id=np.arange(nv, dtype=np.int64) + 50,
        vac_threshold=np.asarray(threshold, dtype=np.float64),
        vac_wage=np.asarray(wage, dtype=np.float64),
        similarity=np.ones((1, 1)),
        noise_sd=0.0,
        stigma_per_week=0.0,
        stigma_cap_weeks=0.0,
        contacts=contacts,
    )


def _both(w: dict):
    hk, ak, ck = match_week(**w)
    ht, at, ct = match_week_reference(**w)
    assert np.array_equal(hk, ht) and np.array_equal(ak, at), "kernel and twin differ"
    assert np.array_equal(ck, ct), "kernel and twin differ in employers' contacts"
    return hk, ak, ck


@pytest.fixture(scope="module")
def big_world() -> dict:
    return random_world(20_000, 4_000, 8, 6, seed=11)


def _hire_rate(hired: np.ndarray, mask: np.ndarray) -> float:
    return float((hired[mask] >= 0).mean())


# ------------------------------------------------------------------------------ equivalence


@settings(max_examples=60, deadline=None, database=None)
@given(small_worlds())
def test_kernel_equals_twin(w):
    check_invariants(w, *_both(w))


def test_medium_world_equals_twin():
    w = random_world(2_000, 400, 5, 7, seed=5)
    hired, n_apps, n_contacts = _both(w)
    assert (hired >= 0).sum() > 0 and n_contacts.sum() > 0
    check_invariants(w, hired, n_apps, n_contacts)


@pytest.mark.parametrize("n_markets,n_occ", [(0, 3), (3, 1), (2, 4)])
def test_empty_worlds(n_markets, n_occ):
    hired, n_apps, n_contacts = _both(_empty_world(n_markets, n_occ))
    assert hired.shape == n_apps.shape == n_contacts.shape == (0,)


def test_no_vacancies_anywhere():
    w = random_world(200, 50, 3, 4, seed=1)
    w.update(vac_ptr=np.zeros_like(w["vac_ptr"]), vac_id=np.zeros(0, dtype=np.int64),
             vac_threshold=np.zeros(0), vac_wage=np.zeros(0))
    hired, n_apps, n_contacts = _both(w)
    assert (hired == -1).all() and (n_apps == 0).all() and (n_contacts == 0).all()


def test_zero_similarity_and_zero_apps():
    w = random_world(300, 100, 3, 4, seed=2)
    w["similarity"] = w["similarity"].copy()
    w["similarity"][0] = 0.0
    w["seeker_apps"] = w["seeker_apps"].copy()
    w["seeker_apps"][::3] = 0.0
    w["contacts"] = 0.0
    hired, n_apps, _ = _both(w)
    dead = (w["seeker_occ"] == 0) | (w["seeker_apps"] == 0.0)
    assert (n_apps[dead] == 0).all() and (hired[dead] == -1).all()
    assert (n_apps[~dead] > 0).any()


def test_bad_vac_ptr_rejected():
    w = _empty_world(2, 3)
    w["vac_ptr"] = np.zeros(4, dtype=np.int64)
    with pytest.raises(ValueError):
        match_week(**w)
    with pytest.raises(ValueError):
        match_week_reference(**w)


def test_perceived_productivity_is_exact_to_the_bit():
    """Thresholds set exactly at the specified perceived productivity: hired iff p >= threshold.

    Catches any reordering of the float operations (a one-ulp change flips a hire), which
    equality of kernel and twin alone would rarely see. One seeker, one vacancy per market, one
    application each, so the application's target is known.
    """
    n = 300
    rng = np.random.default_rng(3)
    ids = rng.choice(10**6, n, replace=False).astype(np.int64)
    w = dict(
        seed=123456789,
        week=77,
        seeker_ptr=np.arange(n + 1, dtype=np.int64),
        seeker_id=ids,
        seeker_occ=np.zeros(n, dtype=np.int64),
        seeker_skill=rng.normal(0.0, 1.0, n),
        seeker_spell=rng.uniform(0.0, 150.0, n),
        seeker_apps=np.ones(n),
        seeker_boost=rng.uniform(0.0, 0.3, n),
        vac_ptr=np.arange(n + 1, dtype=np.int64),
        vac_wage=np.ones(n),
        similarity=np.full((1, 1), 0.7),
        noise_sd=0.37,
        stigma_per_week=0.0123,
        stigma_cap_weeks=104.0,
    )
    p = np.empty(n)
    for i in range(n):
        spell = float(w["seeker_spell"][i])
        capped = spell if spell < 104.0 else 104.0
        base = (float(w["seeker_skill"][i]) + float(w["seeker_boost"][i])) - 0.0123 * capped
        u = [uniform_py(123456789, S_SCREEN, 77, int(ids[i]), k) for k in range(4)]
        p[i] = base + 0.37 * ((u[0] + u[1] + u[2] + u[3] - 2.0) * SQRT3)
    hired, n_apps, _ = _both(dict(w, vac_threshold=p, vac_id=np.arange(n, dtype=np.int64),
                                  contacts=0.0))
    assert (n_apps == 1).all() and (hired == np.arange(n)).all()
    hired, _, _ = _both(dict(w, vac_threshold=np.nextafter(p, np.inf),
                             vac_id=np.arange(n, dtype=np.int64), contacts=0.0))
    assert (hired == -1).all()


# ------------------------------------------------------------------------------ rules


def test_tie_in_screening_goes_to_lower_seeker_row():
    hired, _, _ = _both(_tiny_world(skill=[0.0, 0.0], threshold=[-1.0], wage=[1.0]))
    assert hired.tolist() == [0, -1]


def test_below_threshold_is_never_hired():
    hired, n_apps, _ = _both(_tiny_world(skill=[0.0, 2.0], threshold=[1.0], wage=[1.0]))
    assert hired.tolist() == [-1, 0] and n_apps.tolist() == [MAX_APPS, MAX_APPS]


def test_best_wage_accepted_and_declined_vacancy_stays_open():
    # both vacancies prefer seeker 1; it takes the better wage; the other stays open although
    # seeker 0 qualified (single round)
    hired, _, _ = _both(_tiny_world(skill=[0.0, 1.0], threshold=[-1.0, -1.0], wage=[1.0, 2.0]))
    assert hired.tolist() == [-1, 1]


def test_wage_tie_goes_to_lower_vacancy_row():
    hired, _, _ = _both(_tiny_world(skill=[1.0], threshold=[-1.0, -1.0, -1.0],
                                    wage=[1.0, 2.0, 2.0]))
    assert hired.tolist() == [1]


@pytest.mark.parametrize("threads", [1, 2, 3, 7])
def test_same_result_on_any_number_of_threads(big_world, threads):
    """Markets are dealt to threads; no thread count, nor the default, changes a number."""
    default = match_week(**big_world)
    dealt = match_week(**big_world, threads=threads)
    assert all(np.array_equal(a, b) for a, b in zip(default, dealt, strict=True))


def test_invariants_on_big_world(big_world):
    hired, n_apps, n_contacts = match_week(**big_world)
    check_invariants(big_world, hired, n_apps, n_contacts)
    assert 0.05 < (hired >= 0).mean() < 0.5


# ------------------------------------------------------------------------------ behaviour


def test_higher_skill_more_hires(big_world):
    hired, _, _ = match_week(**big_world)
    skill = big_world["seeker_skill"]
    q1, q3 = np.quantile(skill, [0.25, 0.75])
    assert _hire_rate(hired, skill >= q3) > _hire_rate(hired, skill <= q1) + 0.05
    better = dict(big_world, seeker_skill=skill + 0.5)
    hired_better, _, _ = match_week(**better)
    assert (hired_better >= 0).sum() > (hired >= 0).sum()


def test_stigma_reduces_hires_of_long_spells(big_world):
    long_spell = big_world["seeker_spell"] > 104.0
    short_spell = big_world["seeker_spell"] < 20.0
    no_stigma, _, _ = match_week(**dict(big_world, stigma_per_week=0.0))
    stigma, _, _ = match_week(**dict(big_world, stigma_per_week=0.01))
    assert _hire_rate(stigma, long_spell) < _hire_rate(no_stigma, long_spell) - 0.02
    assert _hire_rate(stigma, long_spell) < _hire_rate(stigma, short_spell) - 0.02


def test_common_random_numbers(big_world):
    """More applications from one seeker leave everyone else's draws alone."""
    hired, n_apps, n_contacts = match_week(**big_world)
    ptr = big_world["seeker_ptr"]
    i = int(ptr[0])  # first seeker of market 0
    apps = big_world["seeker_apps"].copy()
    apps[i] += 10.0
    hired2, n_apps2, n_contacts2 = match_week(**dict(big_world, seeker_apps=apps))
    assert n_apps2[i] > n_apps[i]
    others = np.ones(len(apps), dtype=bool)
    others[i] = False
    assert np.array_equal(n_apps[others], n_apps2[others])
    assert np.array_equal(n_contacts, n_contacts2), "employers contact the same seekers"
    outside = slice(int(ptr[1]), None)
    assert np.array_equal(hired[outside], hired2[outside])


# --------------------------------------------------------------------- employers' own search


def test_an_employer_contact_alone_can_hire_a_seeker_who_never_applies():
    w = _tiny_world(skill=[0.0, 2.0], threshold=[1.0], wage=[1.0], apps=0.0, contacts=5.0)
    hired, n_apps, n_contacts = _both(w)
    assert n_apps.tolist() == [0, 0] and n_contacts.sum() == 5
    assert n_contacts[1] > 0, "five contacts over two seekers reach both (for this seed)"
    assert hired.tolist() == [-1, 0], "the one above the threshold is hired without applying"


def test_contacts_reach_only_seekers_of_similar_occupations_in_the_same_market():
    w = random_world(3_000, 600, 4, 5, seed=8, contacts=3.0)
    w["similarity"] = np.eye(5)
    w["seeker_apps"] = np.zeros(3_000)
    hired, n_apps, n_contacts = _both(w)
    assert n_apps.sum() == 0 and n_contacts.sum() > 0 and (hired >= 0).sum() > 0
    check_invariants(w, hired, n_apps, n_contacts)
    rows = np.flatnonzero(hired >= 0)
    cells = _markets_of_rows(w["vac_ptr"], w["vac_threshold"].shape[0])[hired[rows]]
    assert (cells % 5 == w["seeker_occ"][rows]).all(), "identity similarity: own occupation"


def _thin(w: dict, keep_seekers: float, keep_vacancies: float, seed: int = 0) -> dict:
    """The same world with a random share of its seekers and of its vacancies kept."""
    rng = np.random.default_rng(seed)
    out = dict(w)
    ks = rng.random(len(w["seeker_id"])) < keep_seekers
    kv = rng.random(len(w["vac_id"])) < keep_vacancies
    s_group = _markets_of_rows(w["seeker_ptr"], len(ks))
    v_group = _markets_of_rows(w["vac_ptr"], len(kv))
    out["seeker_ptr"] = _csr(s_group[ks], len(w["seeker_ptr"]) - 1)
    out["vac_ptr"] = _csr(v_group[kv], len(w["vac_ptr"]) - 1)
    for name in ("seeker_id", "seeker_occ", "seeker_skill", "seeker_spell", "seeker_apps",
                 "seeker_boost"):
        out[name] = w[name][ks]
    for name in ("vac_id", "vac_threshold", "vac_wage"):
        out[name] = w[name][kv]
    return out


def _elasticities(w: dict) -> tuple[float, float]:
    """Hires' elasticity with respect to seekers and to vacancies (thinned to 70 %)."""
    full = (match_week(**w)[0] >= 0).sum()
    seekers = (match_week(**_thin(w, 0.7, 1.0))[0] >= 0).sum()
    vacancies = (match_week(**_thin(w, 1.0, 0.7))[0] >= 0).sum()
    return np.log(seekers / full) / np.log(0.7), np.log(vacancies / full) / np.log(0.7)


def test_employers_search_makes_hires_grow_with_vacancies_and_less_with_seekers():
    """Employers' own search moves weight from seekers to vacancies at about constant returns
    (evidence.md 5.3). A world like the municipal scenario's: high thresholds, noisy screening,
    ten seekers per open vacancy, about one application a week."""
    n, nv = 60_000, 6_000
    r = np.random.default_rng(1)
    w = random_world(n, nv, 6, 12, seed=4, contacts=0.0)
    w.update(seeker_apps=np.full(n, 0.9), seeker_skill=r.normal(0.0, 0.5, n),
             seeker_boost=np.zeros(n), vac_threshold=r.normal(2.5, 0.8, nv), noise_sd=1.5,
             stigma_per_week=0.002, stigma_cap_weeks=78.0,
             similarity=0.35 ** np.abs(np.subtract.outer(np.arange(12), np.arange(12))))
    alone_s, alone_v = _elasticities(w)
    both_s, both_v = _elasticities(dict(w, contacts=2.0))
    assert both_s < alone_s - 0.1 and both_v > alone_v + 0.08
    for s, v in ((alone_s, alone_v), (both_s, both_v)):
        assert 0.9 < s + v < 1.2, "about constant returns"
