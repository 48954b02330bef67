"""The co-financing kernel equals the NumPy passes it replaced, bit for bit: the same rows
counted, the same days in each band of accumulated benefit days, the same amounts and
municipal parts summed by kind and band, the same sums owed by each municipality, the same
days added to each person's count.

Why random states: what a loop and a vectorised version can disagree on are the edges (a week
that crosses a band, days already past the last band, people in service, municipalities the
rule does not cover, kinds not co-financed); drawing them all at once covers them, for both
Finnish co-financing presets.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels.cofinancing import cofinanced_week, cofinanced_week_reference
from sim.population import Benefit, Status
from sim.rules.funding import FundingRules

KINDS = np.array([Benefit.UNEMPLOYMENT_INSURANCE, Benefit.ACTIVITY_SUPPORT])


def numpy_passes(f, seekers, kind, days, cofinanced, muni, covered, status, cofinancing_days,
                 n_muni):
    """The co-financing stage as it was: NumPy passes over the registered seekers."""
    counted = np.isin(kind, KINDS) & covered[muni]
    if not f.count_service_days:
        counted &= status[seekers] != Status.IN_SERVICE
    who = seekers[counted]
    in_band = f.days_by_band(cofinancing_days[who] + 1, days[counted])
    money = in_band * cofinanced[counted][:, None]
    municipal = money * f.band_shares()
    cofinancing_days[who] += days[counted].astype(np.int32)
    sums = np.zeros((2, len(Benefit), len(f.band_starts())))
    for k in KINDS:
        mine = kind[counted] == k
        for j in range(sums.shape[2]):
            sums[0, k, j] = np.ascontiguousarray(money[mine][:, j]).sum()
            sums[1, k, j] = np.ascontiguousarray(municipal[mine][:, j]).sum()
    owed = np.bincount(muni[counted], weights=municipal.sum(axis=1), minlength=n_muni)
    return np.flatnonzero(counted), sums[0], sums[1], owed


@pytest.mark.parametrize("model", ["fi_2025", "fi_pre2025"])
@pytest.mark.parametrize("count_service_days", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_kernel_equals_the_numpy_passes(model, count_service_days, seed):
    rng = np.random.default_rng(seed)
    n_pop, n, n_muni = 5000, 1500, 9
    f = FundingRules(model=model, count_service_days=count_service_days)
    seekers = np.sort(rng.choice(n_pop, n, replace=False)).astype(np.int64)
    kind = rng.integers(0, len(Benefit), n).astype(np.int8)
    days = rng.integers(0, 6, n).astype(np.int64)
    cofinanced = np.round(rng.uniform(0.0, 900.0, n), 2)
    muni = rng.integers(0, n_muni, n).astype(np.int32)
    covered = rng.random(n_muni) < 0.7
    status = rng.integers(0, 4, n_pop).astype(np.int8)
    # accumulated days near every band edge, and far past the last one
    edges = np.concatenate([f.band_starts(), [1, 1200]])
    cofinancing_days = (rng.choice(edges, n_pop) + rng.integers(-6, 3, n_pop)).clip(0)
    cofinancing_days = cofinancing_days.astype(np.int32)
    lookup = np.zeros(len(Benefit), dtype=np.bool_)
    lookup[KINDS] = True

    before = cofinancing_days.copy()
    want = numpy_passes(f, seekers, kind, days, cofinanced, muni, covered, status, before,
                        n_muni)
    for kernel in (cofinanced_week, cofinanced_week.py_func, cofinanced_week_reference):
        after = cofinancing_days.copy()
        got = kernel(seekers, kind, days, cofinanced, muni, lookup, covered, status,
                     int(Status.IN_SERVICE), f.count_service_days, after, f.band_starts(),
                     f.band_shares(), n_muni)
        assert len(want[0]) > 100
        for a, b in zip(got, want, strict=True):
            assert a.shape == b.shape and np.array_equal(a.view(np.uint8), b.view(np.uint8))
        assert np.array_equal(after, before)
