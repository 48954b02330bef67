"""The week's matching counts in one pass over the registered seekers (Numba).

Why: the labour market and the employment service each report seekers, hires and applications
by spell band (two sets of bands), tier and treatment group; done with NumPy masks that was a
dozen passes over every seeker a week, and then two compiled ones, one for each. Counts are
integers, so one compiled pass gives exactly the same numbers; `tally_reference` is its NumPy
twin (tests/kernels/test_tally.py).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _band(starts, x):
    """Index of the last start <= x (as searchsorted(starts, x, 'right') - 1); -1 if none."""
    k = -1
    for j in range(starts.shape[0]):
        if starts[j] <= x:
            k = j
    return k


@njit(cache=True)
def tally(seekers, is_hired, sent, spell_start, week, tier, treated, band_starts,
          other_starts, n_tiers):
    """Seekers and hires by spell band (bands from `band_starts`, the last open-ended; again
    for `other_starts`) and by tier 0..n_tiers, and seekers, hires and applications sent of
    the untreated (0) and the treated (1). Returns (by_band (2, bands), by_other (2, other
    bands), by_tier (2, n_tiers + 1), by_group (3, 2)). A spell has run `week - spell_start`
    weeks (`spell_start` per seeker, the register's spell table)."""
    by_band = np.zeros((2, band_starts.shape[0]), np.int64)
    by_other = np.zeros((2, other_starts.shape[0]), np.int64)
    by_tier = np.zeros((2, n_tiers + 1), np.int64)
    by_group = np.zeros((3, 2), np.int64)
    for i in range(seekers.shape[0]):
        p = seekers[i]
        h = 1 if is_hired[i] else 0
        spell = week - np.int64(spell_start[i])
        b = _band(band_starts, spell)
        if b >= 0:
            by_band[0, b] += 1
            by_band[1, b] += h
        b = _band(other_starts, spell)
        if b >= 0:
            by_other[0, b] += 1
            by_other[1, b] += h
        t = tier[p]
        if 0 <= t <= n_tiers:
            by_tier[0, t] += 1
            by_tier[1, t] += h
        g = 1 if treated[p] else 0
        by_group[0, g] += 1
        by_group[1, g] += h
        by_group[2, g] += sent[i]
    return by_band, by_other, by_tier, by_group


def tally_reference(seekers, is_hired, sent, spell_start, week, tier, treated, band_starts,
                    other_starts, n_tiers):
    """`tally` in NumPy, as the stages counted before."""
    spell = week - spell_start.astype(np.int64)

    def by_bands(starts):
        band = np.searchsorted(starts, spell, side="right") - 1
        ok = band >= 0
        return np.stack([np.bincount(band[ok], minlength=len(starts)),
                         np.bincount(band[ok & is_hired], minlength=len(starts))])

    t = tier[seekers].astype(np.int64)
    inside = (t >= 0) & (t <= n_tiers)
    by_tier = np.stack([np.bincount(t[inside], minlength=n_tiers + 1),
                        np.bincount(t[inside & is_hired], minlength=n_tiers + 1)])
    g = treated[seekers].astype(np.int64)
    by_group = np.stack([np.bincount(g, minlength=2), np.bincount(g[is_hired], minlength=2),
                         np.bincount(g, weights=sent, minlength=2).astype(np.int64)])
    return by_bands(band_starts), by_bands(other_starts), by_tier, by_group
