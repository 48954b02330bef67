"""Plain threads around GIL-free kernels, with results that never depend on the thread count.

Why: the benefits pass does enough per seeker (entitlement, take-up draws, insurance steps,
sums by municipality) that two threads take it from 22 to 15 ms of a national week, and local
labour markets split the matching kernel. Passes that only gather and count (the matching
counts, the meetings scan, the matching inputs) measured no faster on two threads, so they stay
single passes. Work is cut into fixed chunks of seekers (by count, never by thread count), each
chunk writes its own rows and its own partial sums, and partial sums are added in chunk order,
so 1, 2 or 8 threads give the same bits. Plain threads, not Numba's parallel loops: the same
speed without their long first compile.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

CHUNK = 1 << 16  # seekers a chunk: six for a national week, which two threads share evenly


def chunks(n: int) -> list[tuple[int, int]]:
    """The (start, stop) rows of each chunk of `n` rows (one empty chunk for none)."""
    return [(lo, min(lo + CHUNK, n)) for lo in range(0, n, CHUNK)] or [(0, 0)]


def add_in_order(parts: list[np.ndarray]) -> np.ndarray:
    """Chunks' partial sums added in chunk order (one chunk: its sums as they are)."""
    total = parts[0].copy()
    for part in parts[1:]:
        total += part
    return total


def run_all(task, count: int, threads: int | None = None) -> None:
    """`task(k)` for k in 0..count-1, on up to `threads` threads (default: Numba's count)."""
    threads = numba.get_num_threads() if threads is None else threads
    if threads > 1 and count > 1:
        list(_pool(min(threads, count)).map(task, range(count)))
    else:
        for k in range(count):
            task(k)


@functools.cache
def _pool(threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="kernels")
