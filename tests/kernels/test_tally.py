"""The matching counts' kernel equals its NumPy twin on random seekers (bands, tiers, groups)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels.tally import tally, tally_reference


@pytest.mark.parametrize("seed", range(5))
def test_tally_equals_its_twin(seed):
    rng = np.random.default_rng(seed)
    n, tiers = 20_000, 4
    seekers = np.sort(rng.choice(n, n // 3, replace=False)).astype(np.int64)
    week = 400
    start = rng.integers(0, 400, len(seekers)).astype(np.int32)  # spells of 0 to 400 weeks
    args = (seekers, rng.random(len(seekers)) < 0.05, rng.integers(0, 9, len(seekers)),
            start, week, rng.integers(0, tiers + 1, n).astype(np.int8), rng.random(n) < 0.3)
    for starts, other in ((np.array([0, 26, 52]), np.array([0, 4, 13, 26, 52])),
                          (np.array([0, 4, 13, 26, 52]), np.array([10, 300]))):
        got = tally(*args, starts, other, tiers)
        want = tally_reference(*args, starts, other, tiers)
        for a, b in zip(got, want, strict=True):
            assert np.array_equal(a, b)
        assert got[0][0].sum() == len(seekers) - np.sum(week - start < starts[0])
        assert got[3][1].sum() == args[1].sum()
        assert got[1][0].sum() == np.sum(week - start >= other[0])
