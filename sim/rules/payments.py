"""How providers are paid: a base fee per participant-month and a result payment per sustained
job, both by tier, as presets with overridable settings (evidence.md 1.1, 1.5, 3).

- `krom`: the employment service's Rusta och matcha (KROM): levels A/B/C (our tiers 1..3),
  base payment "significantly lower", result payment "significantly higher" than before, paid
  after 6 months of work or studies. SEK amounts are [NOT FOUND]: the values here are [EST] from
  a cost of 15,000-25,000 SEK per participant and a 30:70 base:result split (evidence.md table).
- `jobbpeng`: Nacka's jobbpeng: a running fee of 3,686 SEK/month (grund) or 4,858 (förstärkt);
  the third level's amount is [NOT FOUND], so tiers 1-2 get grund and tier 3 förstärkt [EST];
  a bonus for 6 months of self-sufficiency, amount [NOT FOUND], 20,000 SEK [EST]; payment
  starts after 14 days.
- `flat_fee`: a base fee only, the same for every tier (STOM-like daily fee without results).
- `flat_result`: the same result payment for every tier, with a small base fee.
- `in_house`: no payments to providers; the service's cost is booked as in-house cost.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from sim.settings import Preset, setting

DESIGNS: dict[str, dict] = {
    "krom": dict(base_fee_month=(1500.0, 2000.0, 2500.0),
                 result_payment=(8000.0, 14000.0, 22000.0), start_weeks=0),
    "jobbpeng": dict(base_fee_month=(3686.0, 3686.0, 4858.0),
                     result_payment=(20000.0, 20000.0, 20000.0), start_weeks=2),
    "flat_fee": dict(base_fee_month=(3500.0, 3500.0, 3500.0),
                     result_payment=(0.0, 0.0, 0.0), start_weeks=0),
    "flat_result": dict(base_fee_month=(1000.0, 1000.0, 1000.0),
                        result_payment=(15000.0, 15000.0, 15000.0), start_weeks=0),
    "in_house": dict(base_fee_month=(0.0, 0.0, 0.0), result_payment=(0.0, 0.0, 0.0),
                     start_weeks=0),
}


@dataclass(frozen=True)
class PaymentRules(Preset):
    """Settings left out (None) are taken from the `design` preset."""

    PRESET_FIELD: typing.ClassVar[str] = "design"
    PRESETS: typing.ClassVar[dict] = DESIGNS

    design: str = setting("krom", choices=tuple(DESIGNS))
    base_fee_month: tuple[float, ...] | None = setting(None, lo=0.0, hi=1e6)
    result_payment: tuple[float, ...] | None = setting(None, lo=0.0, hi=1e7)
    start_weeks: int | None = setting(None, lo=0, hi=52)
    qualifying_weeks: int = setting(26, lo=1, hi=104)
    result_window_weeks: int = setting(13, lo=0, hi=104)

    def check(self):
        for key in ("base_fee_month", "result_payment"):
            if len(getattr(self, key)) != 3:
                yield key, "needs 3 amounts, one per tier (1 near work .. 3 far)"

    def weekly_base_fee(self, tier):
        """Base fee a week for participants of `tier` (array of 1..3)."""
        import numpy as np

        return np.asarray(self.base_fee_month)[np.asarray(tier) - 1] * 12 / 52

    def result(self, tier):
        import numpy as np

        return np.asarray(self.result_payment)[np.asarray(tier) - 1]
