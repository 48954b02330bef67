"""The public employment service's own service model as data: contact pattern, job-search
obligation, monitoring and sanctions (presets), and the offices' staffing and how seekers
respond (settings shared by every preset). evidence.md 4.2 and 6.

Presets (any field given in a scenario overrides its preset, so a hybrid is one line):
- `se_default`: the Swedish employment service's ordinary contact pattern. evidence.md has no
  figure for it: a first meeting within 2 weeks and a follow-up about every 3 months are [EST].
  Sweden's individual job-search requirement (the monthly activity report) is not switched on
  (`applications_required = 0`), so the calibrated Swedish baseline keeps its calibration; its
  sanction ladder, a warning then 1, 5 and 10 days without benefit (SFS 1997:238, 43 a §), is
  [UNVERIFIED] (not in evidence.md) and only applies once a requirement is set.
- `fi_pre2022`: Finland's TE services before 2 May 2022: a first interview within 2 weeks and
  contact about every 3 months (evidence.md 4.2); no numeric job-search requirement. Waiting periods
  were longer then (the maximum was 90 days, evidence.md 4.2); the 60 and 90 day steps are [EST].
- `fi_nordic`: the Nordic labour market service model from 2 May 2022 (evidence.md 4.2): an initial
  interview within 5 working days (1 week), meetings about every 2 weeks for the first 3 months,
  a 3-month break, an intensive month again at 6 months, then every 3 months [EST]; 4 job
  applications a month as the rule, fewer in a weak local market (2 [EST]); a first lapse gets
  a reminder, then 7 and 14 days without benefit, at most 45 days. In law a fourth lapse ends
  the entitlement until a work requirement is met; the model gives the 45-day maximum [EST].

A contact pattern is a list of [from spell week, weeks between meetings] rows; 0 weeks means no
scheduled meetings until the next row. After a meeting in spell week t the next falls at
t + interval, or at the start of the next row with meetings if that comes first. So the Nordic
pattern [[0, 2], [13, 0], [26, 2], [30, 13]] gives meetings in weeks 1, 3, .., 11, then 26, 28,
30, 43, 56, ... for a seeker met on time.

An obligation period is `obligation_weeks` long (4 weeks stand for a month [EST]) and starts at
the first meeting, where the job-search plan is made. At its end, fewer applications than
required is a lapse; it is detected with probability `detection_with_meeting` if the seeker met
a caseworker in the period, else `detection_without_meeting` [EST]. The n-th detected lapse
within `sanction_reset_weeks` of the previous one costs `sanction_ladder_days[n-1]` benefit days
(the last step repeats); days still to serve never exceed `sanction_max_days`.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass

import numpy as np

from sim.settings import Preset, setting

NORDIC_PATTERN = ((0, 2), (13, 0), (26, 2), (30, 13))
QUARTERLY = ((0, 13),)

PRESETS: dict[str, dict] = {
    "se_default": dict(
        first_meeting_weeks=2, contact_pattern=QUARTERLY, applications_required=0,
        applications_required_weak=0, obligation_weeks=4, detection_without_meeting=0.5,
        detection_with_meeting=0.9, sanction_ladder_days=(0, 1, 5, 10), sanction_max_days=45,
        sanction_reset_weeks=52, control_preset="se_default",
    ),
    "fi_pre2022": dict(
        first_meeting_weeks=2, contact_pattern=QUARTERLY, applications_required=0,
        applications_required_weak=0, obligation_weeks=4, detection_without_meeting=0.5,
        detection_with_meeting=0.9, sanction_ladder_days=(60, 90), sanction_max_days=90,
        sanction_reset_weeks=52, control_preset="fi_pre2022",
    ),
    "fi_nordic": dict(
        first_meeting_weeks=1, contact_pattern=NORDIC_PATTERN, applications_required=4,
        applications_required_weak=2, obligation_weeks=4, detection_without_meeting=0.5,
        detection_with_meeting=0.9, sanction_ladder_days=(0, 7, 14, 45), sanction_max_days=45,
        sanction_reset_weeks=52, control_preset="fi_pre2022",
    ),
}


@dataclass(frozen=True)
class ServiceModel(Preset):
    """Settings left out (None) are taken from the `preset`; the rest are shared by all presets.

    Seekers under the model are a random `treated_share` of persons; the others follow the
    `control_preset` as it stands (so a within-office trial, as Sweden's Progress experiment,
    is one setting). Both groups meet the same caseworkers and apply to the same vacancies.
    """

    PRESET_FIELD: typing.ClassVar[str] = "preset"
    PRESETS: typing.ClassVar[dict] = PRESETS

    preset: str = setting("se_default", choices=tuple(PRESETS))
    # -- the contact pattern, obligation and sanctions (from the preset unless given)
    first_meeting_weeks: int | None = setting(None, lo=0, hi=52)
    contact_pattern: tuple[tuple[int, ...], ...] | None = setting(None, lo=0, hi=520)
    applications_required: int | None = setting(None, lo=0, hi=100)
    applications_required_weak: int | None = setting(None, lo=0, hi=100)
    obligation_weeks: int | None = setting(None, lo=1, hi=52)
    detection_without_meeting: float | None = setting(None, lo=0.0, hi=1.0)
    detection_with_meeting: float | None = setting(None, lo=0.0, hi=1.0)
    sanction_ladder_days: tuple[int, ...] | None = setting(None, lo=0, hi=1000)
    sanction_max_days: int | None = setting(None, lo=0, hi=1000)
    sanction_reset_weeks: int | None = setting(None, lo=1, hi=1040)
    control_preset: str | None = setting(None, choices=tuple(PRESETS))
    # -- who is under the model
    treated_share: float = setting(1.0, lo=0.0, hi=1.0)
    # -- offices and caseworkers
    office: str = setting("municipality", choices=("municipality", "market"))
    staffing: str = setting("seekers", choices=("seekers", "labour_force"))
    caseworkers_per_1000: float = setting(10.0, lo=0.0, hi=1000.0)
    staffing_review_weeks: int = setting(13, lo=1, hi=520)
    caseworker_hours_week: float = setting(37.5, lo=0.0, hi=80.0)
    meeting_share: float = setting(0.5, lo=0.0, hi=1.0)
    meeting_hours: float = setting(0.75, lo=0.05, hi=20.0)
    first_meeting_hours: float = setting(1.5, lo=0.05, hi=20.0)
    priority: str = setting("overdue_first", choices=("overdue_first", "newest_first",
                                                      "farthest_first", "random"))
    staff_cost_per_hour: float = setting(0.0, lo=0.0, hi=1e5)
    staff_payer: str = setting("state", choices=("state", "municipality"))
    weak_market_vacancies_per_seeker: float = setting(0.05, lo=0.0, hi=100.0)
    # -- how seekers respond
    meeting_effort_gain: float = setting(0.4, lo=0.0, hi=10.0)
    meeting_effort_weeks: float = setting(2.0, lo=0.1, hi=520.0)
    obligation_compliance: float = setting(0.6, lo=0.0, hi=1.0)
    sanction_compliance_gain: float = setting(0.3, lo=0.0, hi=1.0)
    sanction_memory_weeks: float = setting(26.0, lo=0.1, hi=1040.0)

    def check(self):
        rows = self.contact_pattern
        if not rows or any(len(r) != 2 for r in rows) or rows[0][0] != 0 or any(
                a[0] >= b[0] for a, b in zip(rows, rows[1:], strict=False)):
            yield "contact_pattern", ("needs [from spell week, weeks between meetings] rows, "
                                      "the first from week 0, weeks rising")
        if not self.sanction_ladder_days:
            yield "sanction_ladder_days", "needs at least one step (days without benefit)"

    # ------------------------------------------------------------------------ the rules
    def control(self) -> ServiceModel:
        """The rules of seekers not under this model: the control preset as it stands, with
        this model's shared settings (staffing, responses)."""
        if self.control_preset == self.preset and not self.overrides():
            return self
        return dataclasses.replace(self, preset=self.control_preset,
                                   **{k: None for k in PRESETS[self.control_preset]})

    def next_meeting(self, spell_week: np.ndarray) -> np.ndarray:
        """Spell week of the next scheduled meeting after one held in `spell_week`; -1 if the
        pattern schedules no more."""
        t = np.asarray(spell_week, dtype=np.int64)
        starts = np.array([r[0] for r in self.contact_pattern], dtype=np.int64)
        gaps = np.array([r[1] for r in self.contact_pattern], dtype=np.int64)
        ends = np.r_[starts[1:], np.iinfo(np.int64).max]
        # the start of the first row with meetings after each row (-1: none)
        later = np.full(len(starts), -1, dtype=np.int64)
        for k in range(len(starts) - 2, -1, -1):
            later[k] = starts[k + 1] if gaps[k + 1] > 0 else later[k + 1]
        k = np.maximum(np.searchsorted(starts, t, side="right") - 1, 0)
        step = t + gaps[k]
        inside = (gaps[k] > 0) & (step < ends[k])
        return np.where(inside, step, later[k])

    def required(self, weak: np.ndarray) -> np.ndarray:
        """Applications required per obligation period, lower in a weak local market (never
        higher than the rule)."""
        weak_rule = min(self.applications_required_weak, self.applications_required)
        return np.where(weak, weak_rule, self.applications_required)

    def detection(self, met: np.ndarray) -> np.ndarray:
        """Probability a lapse is detected, by whether the seeker met a caseworker."""
        return np.where(met, self.detection_with_meeting, self.detection_without_meeting)

    def sanction(self, lapses: np.ndarray, weeks_since_lapse: np.ndarray,
                 pending_days: np.ndarray):
        """The ladder for detected lapses: (step 1.., days imposed, days then pending).

        `lapses` counts earlier lapses; `weeks_since_lapse` is the time since the last one
        (a negative value: none). A clean record for `sanction_reset_weeks` starts the ladder
        again. Days pending never exceed `sanction_max_days`.
        """
        ladder = np.asarray(self.sanction_ladder_days, dtype=np.int64)
        since = np.asarray(weeks_since_lapse, dtype=np.int64)
        fresh = (since < 0) | (since > self.sanction_reset_weeks)
        step = np.where(fresh, 0, np.asarray(lapses, dtype=np.int64)) + 1
        days = ladder[np.minimum(step, len(ladder)) - 1]
        pending = np.minimum(np.asarray(pending_days, dtype=np.int64) + days,
                             max(self.sanction_max_days, 0))
        return step, days, pending
