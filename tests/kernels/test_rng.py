"""`rng.uniforms` gives the same bits through its compiled loop and its NumPy twin, and both
equal the plain-Python draw, for negative weeks (burn-in) and large or negative indices."""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels import rng


@pytest.mark.parametrize("week", [-260, 0, 517])
@pytest.mark.parametrize("seed", [0, 20260101, 2**40 + 7])
def test_compiled_and_numpy_uniforms_agree(seed, week):
    index = np.random.default_rng(seed % 1000).integers(-(2**40), 2**62, rng.COMPILED_FROM * 2)
    stream = rng.stream_id("inactivity")
    compiled = rng.uniforms(seed, stream, week, index, 3)
    numpy = rng.uniforms_np(seed, stream, week, index, 3)
    assert compiled.view(np.uint64).tolist() == numpy.view(np.uint64).tolist()
    some = index[:50].tolist()
    assert [rng.uniform_py(seed, stream, week & rng.MASK64, i & rng.MASK64, 3) for i in some] \
        == compiled[:50].tolist()
    assert ((compiled >= 0) & (compiled < 1)).all()
