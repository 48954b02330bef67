"""The fused benefits kernel equals its NumPy twin (the payments stage before the fusion) bit
for bit: the same decisions, the same amounts, the same columns written back.

Why random states: the cases that differ between a loop and a vectorised version are the
edges (a week that crosses an insurance step or exhausts insurance, sanctions longer than a
week, spells started in burn-in weeks, which are negative); drawing them all at once, for both
countries' rules, covers them.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.kernels.benefits import args_of, benefit_week, by_kind
from sim.kernels.benefits_reference import benefit_week_reference
from sim.rules.benefits import BenefitRules

COLUMNS = ("benefit", "benefit_days", "sanction_days", "spell_start", "wage", "insured",
           "municipality")
WEEK = 600  # spells of 0 to 300 weeks
PER_SEEKER = ("spell_start", "wage", "insured", "municipality")  # the register's spell table


def random_state(seed: int, n: int, n_muni: int) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "benefit": rng.choice([0, 1, 2, 3, 4], n).astype(np.int8),
        "benefit_days": rng.integers(0, 460, n).astype(np.int32),
        "sanction_days": np.where(rng.random(n) < 0.2, rng.integers(0, 12, n), 0).astype(
            np.int32),
        "spell_start": rng.integers(WEEK - 300, WEEK + 1, n).astype(np.int32),
        "wage": rng.lognormal(np.log(30_000.0), 0.5, n),
        "insured": rng.integers(0, 3, n).astype(np.int8),
        "municipality": rng.integers(0, n_muni, n).astype(np.int32),
    }


def run_both(system: str, seed: int, n: int = 3000, n_muni: int = 7, **rules):
    b = BenefitRules(system=system, **rules)
    state = random_state(seed, n, n_muni)
    seekers = np.sort(np.random.default_rng(seed + 1).choice(n, n // 2, replace=False))
    out = {}
    for name, fn in (("kernel", benefit_week), ("twin", benefit_week_reference)):
        cols = {k: v.copy() for k, v in state.items()}
        args = [cols[c][seekers] if c in PER_SEEKER else cols[c] for c in COLUMNS]
        args.insert(COLUMNS.index("spell_start") + 1, WEEK)
        result = fn(seekers, *args, n_muni, 20260101 + seed, 12345, *args_of(b))
        out[name] = (cols, result)
    return out


def assert_bit_equal(out: dict) -> None:
    (cols_k, res_k), (cols_t, res_t) = out["kernel"], out["twin"]
    for c in COLUMNS:
        assert np.array_equal(cols_k[c], cols_t[c]), f"column {c} written differently"
    names = ("kind", "days", "amount", "cofinanced", "muni", "by_muni", "assisted")
    for name, a, b in zip(names, res_k, res_t, strict=True):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind == "f":
            a, b = a.view(np.uint64), b.view(np.uint64)
        assert np.array_equal(a.astype(np.int64), b.astype(np.int64)), f"{name} differs"


@pytest.mark.parametrize("system", ["se", "fi"])
def test_the_kernel_equals_its_twin(system):
    out = run_both(system, seed=1)
    assert_bit_equal(out)
    kind = out["kernel"][1][0]
    assert set(np.unique(kind)) == {0, 1, 2, 3, 4}, "every kind of benefit occurs"


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_chunks_sum_in_their_order_whatever_the_threads(monkeypatch, threads):
    """Seekers in many chunks (small ones here), run on 1 to 3 threads: the twin, which sums
    chunk by chunk in the same order, gives the same bits; the chunks' sums are the sums."""
    import sim.kernels.threads as threads_module

    monkeypatch.setattr(threads_module, "CHUNK", 97)
    out = run_both("fi", seed=4)
    assert len(threads_module.chunks(1500)) == 16
    monkeypatch.setattr(threads_module.numba, "get_num_threads", lambda: threads)
    again = run_both("fi", seed=4)
    assert_bit_equal(out)
    assert_bit_equal({"kernel": again["kernel"], "twin": out["twin"]})
    _, (kind, _, amount, _, muni, by_muni, assisted) = out["kernel"]
    for c, k in enumerate((1, 4, 2)):  # insurance, basic, follow-on: the ledger's categories
        sums = np.bincount(muni[kind == k], weights=amount[kind == k], minlength=7)
        assert np.allclose(by_muni[c], sums, rtol=1e-12, atol=0.0)
    assert assisted.tolist() == np.bincount(muni[kind == 3], minlength=7).tolist()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), system=st.sampled_from(["se", "fi"]),
       after_basic=st.booleans(), take_up=st.floats(0.0, 1.0))
def test_the_kernel_equals_its_twin_on_random_rules(seed, system, after_basic, take_up):
    assert_bit_equal(run_both(system, seed, n=400, follow_on_after_basic=after_basic,
                              assistance_take_up=take_up, follow_on_take_up=1.0 - take_up))


def test_sanctions_take_days_off_and_are_served():
    out = run_both("se", seed=3)
    cols, (kind, days, *_rest) = out["kernel"]
    assert (days <= 5).all() and (days >= 0).all()
    assert (cols["sanction_days"] >= 0).all()


def test_sums_by_kind_are_bincounts_bit_for_bit():
    rng = np.random.default_rng(7)
    kind = rng.integers(0, 5, 200_000).astype(np.int8)
    amount = rng.lognormal(6.0, 2.0, len(kind))  # wide range: the order of the sum shows
    count, paid = by_kind(kind, amount, 6)
    assert np.array_equal(count, np.bincount(kind, minlength=6))
    assert paid.tobytes() == np.bincount(kind, weights=amount, minlength=6).tobytes()
    assert by_kind(kind[:0], amount[:0], 6)[1].tolist() == [0.0] * 6
