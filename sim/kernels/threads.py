"""Plain threads around GIL-free kernels, with results that never depend on the thread count.

Why: a national week's passes over the registered seekers mostly wait on memory (population
columns of millions of rows read at the seekers' scattered rows), and two threads wait side by
side. Work is cut into fixed chunks of seekers (by count, never by thread count), each chunk
writes its own rows and its own partial sums, and partial sums are added in chunk order, so
1, 2 or 8 threads give the same bits. Plain threads, not Numba's parallel loops: the same
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
