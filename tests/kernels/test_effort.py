"""The compiled search-effort pass equals its NumPy twin (the code it replaced) bit for bit,
over the whole range of the meeting lift's settings, meetings long ago and never."""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels.effort import expected_effort, expected_effort_reference, meeting_lift
from sim.population import NO_WEEK, Status


@pytest.mark.parametrize("seed,gain,weeks", [(0, 0.4, 2.0), (1, 0.0, 2.0), (2, 10.0, 0.1),
                                             (3, 10.0, 520.0), (4, 1e-9, 3.7), (5, 2.5, 1.0)])
def test_effort_equals_numpy_twin(seed, gain, weeks):
    rng = np.random.default_rng(seed)
    n_pop, week = 30_000, 300
    seekers = np.sort(rng.choice(n_pop, 9_000, replace=False)).astype(np.int64)
    spell = rng.integers(0, 600, n_pop).astype(np.int16)
    age = rng.integers(0, 3, n_pop).astype(np.int8)
    status = rng.integers(0, 4, n_pop).astype(np.int8)
    last = (week - np.minimum(rng.geometric(0.02, n_pop), 30_000)).astype(np.int32)
    last[rng.random(n_pop) < 0.3] = NO_WEEK
    last[:50] = week  # met this week
    start = (week - spell[seekers]).astype(np.int32)
    args = (seekers, start, age[seekers], status, last, int(Status.REGISTERED), int(NO_WEEK),
            week, 1.3, (1.2, 1.0, 0.7), 0.4, 104, gain, weeks)
    got, want = expected_effort(*args), expected_effort_reference(*args)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    assert (got > 0).all()


def test_the_lift_table_ends_where_it_no_longer_counts():
    lift = meeting_lift(0.4, 2.0)
    assert lift[0] == 0.4 and (np.diff(lift) < 0).all()
    assert 1.0 + 0.4 * np.exp(-len(lift) / 2.0) == 1.0  # past the table: no lift at all
    assert len(meeting_lift(10.0, 520.0)) < 25_000
