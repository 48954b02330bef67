"""NumPy's summation order in a compiled kernel, so a sum taken inside a kernel is the sum
`np.sum` gives, bit for bit (tests/kernels/test_sums.py).

Why: NumPy sums a contiguous float array pairwise (blocks of at most 128 added with eight
accumulators, halves otherwise; numpy/_core/src/umath/loops_utils.h.src), not left to right.
A kernel that fuses a stage's passes must add in the same order, or the week's figures move
in their last bits.
"""

from __future__ import annotations

from numba import njit

BLOCK = 128  # NumPy's PW_BLOCKSIZE


@njit(cache=True)
def pairwise_sum(a, lo, n):
    """`a[lo:lo + n].sum()` as NumPy adds it (without its starting 0.0: see `np_sum`)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    if n <= BLOCK:
        r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
        r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
        whole = n - n % 8
        for i in range(lo + 8, lo + whole, 8):
            r0 += a[i]
            r1 += a[i + 1]
            r2 += a[i + 2]
            r3 += a[i + 3]
            r4 += a[i + 4]
            r5 += a[i + 5]
            r6 += a[i + 6]
            r7 += a[i + 7]
        res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        for i in range(lo + whole, lo + n):
            res += a[i]
        return res
    half = n // 2
    half -= half % 8
    return pairwise_sum(a, lo, half) + pairwise_sum(a, lo + half, n - half)


@njit(cache=True)
def np_sum(a, lo, n):
    """`np.sum(a[lo:lo + n])`: the reduction starts from add's identity, then the pairs."""
    return 0.0 + pairwise_sum(a, lo, n)
