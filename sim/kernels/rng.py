"""Counter-based random numbers: a draw is a hash of (seed, stream, week, index, sub).

Why: results must not depend on processing order, thread count or engine, the pure-Python twin
must reproduce the Numba kernel bit for bit, and a rule that changes one mechanism must not
reshuffle another's draws (common random numbers, as in Starsim). So nothing here carries state:
every draw is named by its coordinates. Each mechanism has its own stream, identified by a stable
hash of its name (`stream_id("separation")`), so adding a mechanism shifts no one else's numbers.

The mixer is SplitMix64's finaliser; uniforms take the top 53 bits. Only integer and
floating-point arithmetic is used (no log/exp/cos), so the three implementations below (Numba,
NumPy-vectorised, plain Python) agree to the last bit.
"""

from __future__ import annotations

import zlib

import numpy as np
from numba import njit

MASK64 = 0xFFFFFFFFFFFFFFFF
_GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
COMPILED_FROM = 1024  # `uniforms` of at least this many draws runs the compiled loop


def stream_id(name: str) -> int:
    """A stable 32-bit id for a named random stream (the same on every machine and run)."""
    return zlib.crc32(name.encode())


# ---------------------------------------------------------------- Numba (used inside kernels)
@njit(cache=True, inline="always")
def _mix(x):
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
    return x ^ (x >> np.uint64(31))


@njit(cache=True, inline="always")
def hash5(seed, stream, week, index, sub):
    """Hash of five non-negative integers to a uint64."""
    g = np.uint64(_GOLDEN)
    h = _mix(np.uint64(seed) + g)
    h = _mix(h ^ (np.uint64(stream) + g))
    h = _mix(h ^ (np.uint64(week) + g))
    h = _mix(h ^ (np.uint64(index) + g))
    return _mix(h ^ (np.uint64(sub) + g))


@njit(cache=True, inline="always")
def uniform(seed, stream, week, index, sub):
    """A uniform draw in [0, 1) named by its coordinates."""
    return np.float64(hash5(seed, stream, week, index, sub) >> np.uint64(11)) * _TO_UNIT


@njit(cache=True, inline="always")
def key(seed, stream, week, index):
    """The first four rounds of `hash5`: shared by every draw of one (stream, week, index), so
    a kernel taking many draws of one person or vacancy mixes it once (`uniform_at`)."""
    g = np.uint64(_GOLDEN)
    h = _mix(np.uint64(seed) + g)
    h = _mix(h ^ (np.uint64(stream) + g))
    h = _mix(h ^ (np.uint64(week) + g))
    return _mix(h ^ (np.uint64(index) + g))


@njit(cache=True, inline="always")
def uniform_at(k, sub):
    """`uniform(seed, stream, week, index, sub)` from `key(seed, stream, week, index)`: the
    same bits, one round of mixing instead of five."""
    h = _mix(k ^ (np.uint64(sub) + np.uint64(_GOLDEN)))
    return np.float64(h >> np.uint64(11)) * _TO_UNIT


# ---------------------------------------------------------------- plain Python (the twin's)
def _mix_py(x: int) -> int:
    x = ((x ^ (x >> 30)) * _M1) & MASK64
    x = ((x ^ (x >> 27)) * _M2) & MASK64
    return x ^ (x >> 31)


def hash5_py(seed: int, stream: int, week: int, index: int, sub: int) -> int:
    h = _mix_py((seed + _GOLDEN) & MASK64)
    h = _mix_py(h ^ ((stream + _GOLDEN) & MASK64))
    h = _mix_py(h ^ ((week + _GOLDEN) & MASK64))
    h = _mix_py(h ^ ((index + _GOLDEN) & MASK64))
    return _mix_py(h ^ ((sub + _GOLDEN) & MASK64))


def uniform_py(seed: int, stream: int, week: int, index: int, sub: int) -> float:
    return float(hash5_py(seed, stream, week, index, sub) >> 11) * _TO_UNIT


# ---------------------------------------------------------------- NumPy (model stages)
def _mix_np(x: np.ndarray) -> np.ndarray:
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
    return x ^ (x >> np.uint64(31))


@njit(cache=True)
def _uniforms_nb(seed, stream, week, index, sub):
    """Serial on purpose: a parallel region waits for every thread, which on a shared machine
    costs more than the draws themselves (a few nanoseconds each)."""
    out = np.empty(index.shape[0])
    for i in range(index.shape[0]):
        out[i] = uniform(seed, stream, week, index[i], sub)
    return out


def uniforms(seed: int, stream: int, week: int, index: np.ndarray, sub: int = 0) -> np.ndarray:
    """Uniform draws in [0, 1), one per entry of `index` (person or vacancy ids). Large
    arrays go through the compiled loop (one pass instead of a dozen temporary arrays: the
    draws over all seekers are a weekly cost at national scale); both give the same bits."""
    idx = np.asarray(index)
    if idx.ndim == 1 and len(idx) >= COMPILED_FROM:
        return _uniforms_nb(np.uint64(seed & MASK64), np.uint64(stream & MASK64),
                            np.uint64(week & MASK64), idx.astype(np.uint64), np.uint64(sub))
    return uniforms_np(seed, stream, week, index, sub)


def uniforms_np(seed: int, stream: int, week: int, index: np.ndarray, sub: int = 0) -> np.ndarray:
    """`uniforms` in NumPy (the vectorised twin of the compiled loop)."""
    g = np.uint64(_GOLDEN)
    with np.errstate(over="ignore"):
        h = _mix_np(np.uint64((seed + _GOLDEN) & MASK64))
        h = _mix_np(h ^ np.uint64((stream + _GOLDEN) & MASK64))
        h = _mix_np(h ^ np.uint64((week + _GOLDEN) & MASK64))
        idx = np.asarray(index).astype(np.uint64)
        h = _mix_np(h ^ (idx + g))
        h = _mix_np(h ^ np.uint64((sub + _GOLDEN) & MASK64))
    return (h >> np.uint64(11)).astype(np.float64) * _TO_UNIT


def normals(seed: int, stream: int, week: int, index: np.ndarray, sub: int = 0) -> np.ndarray:
    """Standard normal draws (inverse CDF of a counter-based uniform); for NumPy-side stages."""
    from scipy.special import ndtri

    u = uniforms(seed, stream, week, index, sub)
    return ndtri(np.clip(u, 1e-12, 1 - 1e-12))


def generator(seed: int, stream: int, week: int) -> np.random.Generator:
    """A NumPy Generator for aggregate draws (e.g. vacancy counts per cell) of one stream-week."""
    return np.random.default_rng([seed & MASK64, stream, week & MASK64])
