"""A week's search effort of every registered seeker in one compiled pass (Numba).

Why: the effort rule (base rate by age band, discouragement over the spell, the lift after a
meeting) ran as eight NumPy passes with full-size temporaries over the ~370,000 seekers of a
national week, gathering four columns at scattered rows: about 7 ms of a national week.

The lift after a meeting decays with the weeks since it, an integer, so it is tabulated once a
week with NumPy's own `exp` over every week it can still matter (`meeting_lift`): the kernel's
numbers are the NumPy twin's (`expected_effort_reference`, held equal in
tests/kernels/test_effort.py) bit for bit. Past the table the lift is below half an ulp of 1,
so `1.0 + lift` is exactly 1.0 there, as in the twin.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

NEGLIGIBLE = 40.0  # e**-40 < 2**-53: `1.0 + gain * e**-x` is exactly 1.0 past log(gain) + 40


def meeting_lift(gain: float, weeks: float) -> np.ndarray:
    """`gain * exp(-since / weeks)` for since = 0, 1, ... as long as `1.0 + lift` is not 1.0."""
    horizon = math.ceil(weeks * (math.log(max(gain, 1.0)) + NEGLIGIBLE)) + 1
    lift = gain * np.exp(-np.arange(horizon) / weeks)
    assert 1.0 + gain * np.exp(-horizon / weeks) == 1.0
    return lift


def expected_effort(seekers, spell_start, age_band, status, last_meeting_week, searching,
                    no_week, week, applications, effort_by_age, effort_decline, horizon, gain,
                    weeks):
    """Applications a week of each of `seekers`: `applications` times the age band's factor,
    falling by `effort_decline` over `horizon` weeks of spell, raised by `gain * exp(-weeks
    since the last meeting / weeks)` for those in open search who have met a caseworker.
    `spell_start` and `age_band` are per seeker (the register's spell table; a spell has run
    `week - spell_start` weeks), the other columns per person."""
    return _effort_rows(seekers, spell_start, age_band, status, last_meeting_week, searching,
                        no_week, week, applications, np.asarray(effort_by_age, np.float64),
                        effort_decline, horizon, np.r_[meeting_lift(gain, weeks), 0.0])


@njit(cache=True)
def _effort_rows(seekers, spell_start, age_band, status, last_meeting_week, searching, no_week,
                 week, applications, effort_by_age, effort_decline, horizon, lift):
    """`lift` ends in a 0.0 that every seeker without a lift reads: `rate * (1.0 + 0.0)` is
    `rate` exactly, and one multiplication for all costs less than a branch that is a coin
    flip to the CPU (met a caseworker or not)."""
    out = np.empty(len(seekers))
    none = len(lift) - 1
    for i in range(len(seekers)):
        p = seekers[i]
        spell = min(week - np.int64(spell_start[i]), horizon) / horizon
        rate = applications * effort_by_age[age_band[i]]
        rate = rate * (1.0 - effort_decline * spell)
        last = last_meeting_week[p]
        since = week - np.int64(last)  # a meeting held is never in the future
        lifted = (status[p] == searching) & (last != no_week) & (since < none)
        out[i] = rate * (1.0 + lift[since if lifted else none])
    return out


def expected_effort_reference(seekers, spell_start, age_band, status, last_meeting_week,
                              searching, no_week, week, applications, effort_by_age,
                              effort_decline, horizon, gain, weeks):
    """The NumPy code `expected_effort` replaced (seeker.search_effort and the meeting lift of
    EmploymentService.expected_applications): the exponential evaluated per seeker."""
    spell = np.minimum(week - spell_start.astype(np.int64), horizon) / horizon
    rate = applications * np.asarray(effort_by_age)[age_band]
    rate = rate * (1.0 - effort_decline * spell)
    last = last_meeting_week[seekers].astype(np.int64)
    met = (status[seekers] == searching) & (last != no_week)
    since = np.where(met, week - last, 0)
    return rate * (1.0 + np.where(met, gain * np.exp(-since / weeks), 0.0))
