"""The matching inputs' gather kernel equals its NumPy twin (sim/labour_market.py's code before)
bit for bit: the same stable order by market, the same pointers, the same values and dtypes,
including markets with no seekers and seekers all in one market."""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels.gather import seekers_by_market, seekers_by_market_reference


@pytest.mark.parametrize("seed,n_pop,n_seekers,n_markets", [
    (0, 1000, 300, 7), (1, 50_000, 4_000, 60), (2, 200, 0, 5), (3, 500, 120, 1),
    (4, 5000, 5000, 300)])
def test_gather_equals_numpy_twin(seed, n_pop, n_seekers, n_markets):
    rng = np.random.default_rng(seed)
    market = rng.integers(0, max(1, n_markets // 2 + 1), n_pop).astype(np.int32)  # gaps
    occupation = rng.integers(0, 40, n_pop).astype(np.int32)
    skill = rng.normal(size=n_pop)
    spell = rng.integers(-3, 400, n_pop).astype(np.int32)
    seekers = np.sort(rng.choice(n_pop, n_seekers, replace=False)).astype(np.int64)
    apps = rng.uniform(0.0, 5.0, n_seekers).astype(np.float32)
    boost = rng.uniform(0.0, 0.3, n_seekers)
    per_seeker = (market[seekers], occupation[seekers], skill[seekers])
    start, week = (50 - spell[seekers]).astype(np.int32), 50
    got = seekers_by_market(seekers, *per_seeker, start, week, apps, boost, n_markets)
    want = seekers_by_market_reference(seekers, *per_seeker, start, week, apps, boost,
                                       n_markets)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        assert g.tobytes() == w.tobytes()
