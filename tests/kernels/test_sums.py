"""The compiled sum adds in NumPy's order: equal to `np.sum` bit for bit at every length that
takes a different path (under 8, one block, halves, NumPy's buffer size and past it), and on
a slice inside a longer array, for values of very different sizes (where order shows)."""

from __future__ import annotations

import numpy as np

from sim.kernels.sums import np_sum


def test_the_sum_is_numpys_bit_for_bit():
    rng = np.random.default_rng(7)
    lengths = [*range(0, 300), 1000, 4097, 8191, 8192, 8193, 16_385, 123_457]
    differ = 0
    for n in lengths:
        a = rng.random(n + 20) * 10.0 ** rng.integers(-3, 6, n + 20)
        want = a[5:5 + n].sum()
        got = np_sum(a, 5, n)
        assert np_sum.py_func(a, 5, n) == got
        assert np.float64(got).view(np.uint64) == want.view(np.uint64), n
        differ += got != np.sum(np.sort(a[5:5 + n]))  # order matters for these values
    assert differ > 100
