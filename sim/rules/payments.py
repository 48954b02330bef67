"""How providers are paid, and what triggers a payment: a base fee per participant-month and a
result payment per qualifying job, by tier, as presets with overridable settings (evidence.md
1.1, 1.3, 1.5, 3). The market asks these rules what is due; it never decides it itself.

- `krom`: the employment service's Rusta och matcha (KROM): levels A/B/C (our tiers 1..3),
  base payment "significantly lower", result payment "significantly higher" than before, paid
  after 6 months of work or studies. SEK amounts are [NOT FOUND]: the values here are [EST] from
  a cost of 15,000-25,000 SEK per participant and a 30:70 base:result split (evidence.md
  parameter table).
- `jobbpeng`: Nacka's jobbpeng: a running fee of 3,686 SEK/month (grund) or 4,858 (förstärkt);
  the third level's amount is [NOT FOUND], so tiers 1-2 get grund and tier 3 förstärkt [EST];
  a bonus for 6 months of self-sufficiency, amount [NOT FOUND], 20,000 SEK [EST]; payment
  starts after 14 days.
- `earnings`: pay by sustained earnings, as Riksrevisionen recommended (monthly income data
  for result payments, evidence.md 1.3): KROM's base fees, and a result of `earnings_share` of
  what the participant earned in the job over the qualifying period, if the job lasted it.
- `flat_fee`: a base fee only, the same for every tier (STOM-like daily fee without results).
- `flat_result`: the same result payment for every tier, with a small base fee.
- `in_house`: no payments to providers; the service's cost is booked as in-house cost.

Amounts are given per tier, 1 (near work) .. n (far); a scenario with other tiers than the
presets' three gives its own (the configuration checks the count).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

import numpy as np

from sim.settings import Preset, setting

DESIGNS: dict[str, dict] = {
    "krom": dict(base_fee_month=(1200.0, 1500.0, 1800.0),
                 result_payment=(10000.0, 17000.0, 28000.0), start_weeks=0, result_basis="job"),
    "jobbpeng": dict(base_fee_month=(3686.0, 3686.0, 4858.0),
                     result_payment=(20000.0, 20000.0, 20000.0), start_weeks=2,
                     result_basis="job"),
    "earnings": dict(base_fee_month=(1200.0, 1500.0, 1800.0),
                     result_payment=(0.0, 0.0, 0.0), start_weeks=0, result_basis="earnings"),
    "flat_fee": dict(base_fee_month=(3500.0, 3500.0, 3500.0),
                     result_payment=(0.0, 0.0, 0.0), start_weeks=0, result_basis="job"),
    "flat_result": dict(base_fee_month=(1000.0, 1000.0, 1000.0),
                        result_payment=(15000.0, 15000.0, 15000.0), start_weeks=0,
                        result_basis="job"),
    "in_house": dict(base_fee_month=(0.0, 0.0, 0.0), result_payment=(0.0, 0.0, 0.0),
                     start_weeks=0, result_basis="job"),
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
    result_basis: str | None = setting(None, choices=("job", "earnings"))
    earnings_share: float = setting(0.10, lo=0.0, hi=1.0)  # [EST] of the period's earnings
    qualifying_weeks: int = setting(26, lo=1, hi=104)
    result_window_weeks: int = setting(13, lo=0, hi=104)

    # -------------------------------------------------------------------- base fees
    def weekly_base_fee(self, tier):
        """Base fee a week for participants of `tier` (1..n, scalar or array)."""
        return np.asarray(self.base_fee_month)[np.asarray(tier) - 1] * 12 / 52

    def base_fee_due(self, tier: np.ndarray, service_weeks: np.ndarray) -> np.ndarray:
        """This week's base fee for each participant: none before payment starts."""
        return np.where(service_weeks >= self.start_weeks, self.weekly_base_fee(tier), 0.0)

    # -------------------------------------------------------------- result payments
    def counts_hire(self, weeks_since_service: np.ndarray) -> np.ndarray:
        """A hire counts towards a result if the seeker was in the service (0 weeks since)
        or left it no more than `result_window_weeks` ago."""
        return weeks_since_service <= self.result_window_weeks

    def result_due_week(self, hire_week: int) -> int:
        """When a result falls due: once the job has lasted the qualifying period."""
        return hire_week + self.qualifying_weeks

    def result(self, tier, monthly_wage=None):
        """The result payment for a job that lasted the qualifying period: the tier's amount,
        or on an earnings basis `earnings_share` of the period's earnings."""
        if self.result_basis == "earnings":
            months = self.qualifying_weeks * 12 / 52
            return self.earnings_share * months * np.asarray(monthly_wage, dtype=float)
        return np.asarray(self.result_payment)[np.asarray(tier) - 1]

    def result_value(self, tier: np.ndarray, monthly_wage: np.ndarray) -> np.ndarray:
        """What a provider expects a qualifying job of this participant to pay, valuing it
        at the participant's last wage where the result depends on earnings."""
        return self.result(tier, monthly_wage)
