"""The meetings stage's scan equals its NumPy twin (EmploymentService.hold_meetings's code
before) bit for bit: the same counts by office and market, the same due seekers in the same
order, including "never" (NO_WEEK) and meetings overdue from burn-in (negative) weeks."""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels.meetings import (
    draw_order,
    draw_order_reference,
    meetings_scan,
    meetings_scan_reference,
)
from sim.population import NO_WEEK, Status


@pytest.mark.parametrize("seed,n_pop,n_seekers,week", [
    (0, 1000, 300, 5), (1, 50_000, 4_000, -20), (2, 200, 0, 0), (3, 5000, 5000, 100)])
def test_scan_equals_numpy_twin(seed, n_pop, n_seekers, week):
    rng = np.random.default_rng(seed)
    n_muni, n_markets = 30, 12
    municipality = rng.integers(0, n_muni, n_pop).astype(np.int32)
    office_of = rng.integers(0, 9, n_muni).astype(np.int64)
    market = rng.integers(0, n_markets, n_pop).astype(np.int32)
    nxt = rng.integers(week - 30, week + 30, n_pop).astype(np.int32)
    nxt[rng.random(n_pop) < 0.2] = NO_WEEK
    status = rng.integers(0, 4, n_pop).astype(np.int8)
    seekers = np.sort(rng.choice(n_pop, n_seekers, replace=False)).astype(np.int64)
    args = (seekers, municipality[seekers], office_of, market[seekers], nxt, status, week,
            int(Status.IN_SERVICE), int(NO_WEEK), 9, n_markets)
    got, want = meetings_scan(*args), meetings_scan_reference(*args)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape
        assert g.tobytes() == w.tobytes()


@pytest.mark.parametrize("seed,n", [(0, 5000), (1, 1), (2, 0), (3, 300)])
def test_the_queue_order_equals_lexsort(seed, n):
    """The meeting queue's radix sort equals np.lexsort: ties in the draw kept in index order,
    keys of small and of huge ranges, negative keys, one key or none."""
    rng = np.random.default_rng(seed)
    draws = rng.random(n)
    draws[: n // 10] = draws[n // 10: 2 * (n // 10)]  # tied draws
    draws[: n // 20] = 0.0
    office = rng.integers(0, 40, n)
    due = rng.integers(-30, 30, n)
    huge = rng.integers(-2**40, 2**40, n)
    for keys in ((due, office), (due, -huge, office), (office,), ()):
        assert np.array_equal(draw_order(draws, *keys), draw_order_reference(draws, *keys))
    if n:
        with pytest.raises(ValueError):
            draw_order(-draws - 1.0, office)
