"""Who pays what: funding rules as presets with overridable settings (evidence.md 0, 3, 4.1).

- `state`: Sweden today. The state buys services and pays unemployment benefits; municipalities
  pay social assistance.
- `municipal_takeover`: Nacka's proposal (op-ed of 22 January 2020). The municipality runs
  services and receives a share (90 %) of the state's allocation for them; what it saves on
  social assistance stays with it. The allocation per registered seeker is [EST] from the
  2025 budget: 7.00 bn SEK for programmes over about 377,000 registered is 18,600 SEK a year.
- `fi_2025`: Finland from 1 January 2025 (TE24). Municipalities run services, funded by a
  central-government transfer (allocated 50/50 on working-age population and unemployment), and
  co-finance the labour market subsidy, the basic allowance and the basic part of the
  earnings-related allowance from benefit day 101, days in services counted. The step
  percentages (10 % from day 101, 20 % from 201, 30 % from 301) are [UNVERIFIED] (evidence.md 4.1).
- `fi_pre2025`: the old Finnish model: the labour market subsidy only, 50 % from day 301, 70 %
  after day 1,000, days in activation services not counted; the state runs services.

A band is [first benefit day, municipal share]. The benefits a band applies to are named by kind:
`insurance` (its basic part: `benefits.cofinanced_insurance_daily` a day), `basic`, `follow_on`.

What the allocation is (`allocation_basis`):
- `budget`: `allocation_per_registered_year` per registered seeker plus
  `allocation_per_labour_force_year` per person in the labour force, figures from a budget.
- `state_spending`: what the state itself spends on the tasks it hands over, so that a share of
  90 % is 10 % less than the state spends, by construction: `state_services_per_registered_year`
  per registered seeker (the services the state bought for the municipality's seekers, measured
  in a run where the state pays: the summary's `funding.state_services_per_registered_year`),
  plus, where the municipality takes over the caseworkers too, what they cost the state that
  week (the offices' cost for the municipality's seekers, computed in the run).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

import numpy as np

from sim.settings import Preset, setting

PRESETS: dict[str, dict] = {
    "state": dict(services_payer="state", transfer_share=0.0, cofinancing_bands=(),
                  cofinanced=(), count_service_days=False),
    "municipal_takeover": dict(services_payer="municipality", transfer_share=0.90,
                               cofinancing_bands=(), cofinanced=(), count_service_days=False),
    "fi_2025": dict(services_payer="municipality", transfer_share=1.0,
                    cofinancing_bands=((101, 0.10), (201, 0.20), (301, 0.30)),
                    cofinanced=("insurance", "basic", "follow_on"), count_service_days=True),
    "fi_pre2025": dict(services_payer="state", transfer_share=0.0,
                       cofinancing_bands=((301, 0.50), (1001, 0.70)),
                       cofinanced=("follow_on",), count_service_days=False),
}


@dataclass(frozen=True)
class FundingRules(Preset):
    """Settings left out (None) are taken from the `model` preset."""

    PRESET_FIELD: typing.ClassVar[str] = "model"
    PRESETS: typing.ClassVar[dict] = PRESETS

    model: str = setting("state", choices=tuple(PRESETS))
    services_payer: str | None = setting(None, choices=("state", "municipality"))
    transfer_share: float | None = setting(None, lo=0.0, hi=2.0)
    cofinancing_bands: tuple[tuple[float, ...], ...] | None = setting(None)
    cofinanced: tuple[str, ...] | None = setting(None, choices=("insurance", "basic",
                                                                "follow_on"))
    count_service_days: bool | None = setting(None)
    municipalities: tuple[str, ...] = setting(())
    allocation_per_registered_year: float = setting(18_600.0, lo=0.0, hi=1e8)
    allocation_per_labour_force_year: float = setting(0.0, lo=0.0, hi=1e8)
    allocation_basis: str = setting("budget", choices=("budget", "state_spending"))
    state_services_per_registered_year: float = setting(0.0, lo=0.0, hi=1e8)

    def check(self):
        days = [b[0] for b in self.cofinancing_bands]
        if any(len(b) != 2 for b in self.cofinancing_bands) or days != sorted(days):
            yield "cofinancing_bands", "needs [first benefit day, municipal share] rows, in order"
        elif any(not 0 <= b[1] <= 1 for b in self.cofinancing_bands):
            yield "cofinancing_bands", "municipal shares must be 0 to 1"

    def municipal_share(self, days: np.ndarray) -> np.ndarray:
        """The municipality's share of a co-financed benefit on accumulated benefit day `days`."""
        if not self.cofinancing_bands:
            return np.zeros(len(days))
        bands = np.asarray(self.cofinancing_bands, dtype=float)
        k = np.searchsorted(bands[:, 0], days, side="right") - 1
        return np.where(k >= 0, bands[np.maximum(k, 0), 1], 0.0)

    def share_of_days(self, first_day: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Summed municipal share over `days` days from accumulated day `first_day`, day by
        day, so a week that crosses a band is exact: multiply by the daily amount."""
        total = np.zeros(len(first_day))
        for j in range(int(days.max()) if len(days) else 0):
            on = j < days
            total[on] += self.municipal_share(first_day[on] + j)
        return total

    def band_names(self) -> tuple[str, ...]:
        """Names of the co-financing bands by benefit day ("101-200", "301+"), with the days
        before the first band ("1-100") where the state pays all."""
        starts = [int(b[0]) for b in self.cofinancing_bands]
        if not starts:
            return ()
        if starts[0] > 1:
            starts = [1, *starts]
        ends = [f"{b - 1}" for b in starts[1:]] + [""]
        return tuple(f"{a}-{e}" if e else f"{a}+" for a, e in zip(starts, ends, strict=True))

    def days_by_band(self, first_day: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Days in each band (columns as `band_names`) of `days` days from accumulated day
        `first_day`, per person."""
        names, starts = self.band_names(), self.band_starts().tolist()
        lo = np.asarray(first_day, dtype=np.int64)[:, None]
        hi = lo + np.asarray(days, dtype=np.int64)[:, None]  # one past the last day
        a = np.asarray(starts, dtype=np.int64)[None, :]
        b = np.r_[starts[1:], np.iinfo(np.int64).max // 2][None, :]
        out = np.clip(np.minimum(hi, b) - np.maximum(lo, a), 0, None)
        return out.reshape(len(lo), len(names))

    def band_starts(self) -> np.ndarray:
        """The first benefit day of each band (as `band_names`)."""
        starts = [int(b[0]) for b in self.cofinancing_bands]
        if starts and starts[0] > 1:
            starts = [1, *starts]  # the days before the first band, where the state pays all
        return np.asarray(starts, dtype=np.int64)

    def band_shares(self) -> np.ndarray:
        """The municipal share of each band (as `band_names`)."""
        shares = [float(b[1]) for b in self.cofinancing_bands]
        starts = [int(b[0]) for b in self.cofinancing_bands]
        return np.asarray(shares if not starts or starts[0] <= 1 else [0.0, *shares])

    def next_band_day(self, days: np.ndarray) -> np.ndarray:
        """The first day of the next co-financing band (inf past the last)."""
        starts = np.array([b[0] for b in self.cofinancing_bands] + [np.inf])
        return starts[np.searchsorted(starts, days, side="right")]

    def weekly_transfer(self, registered: np.ndarray, labour_force: np.ndarray,
                        staff_cost=0.0) -> np.ndarray:
        """The state's transfer to each municipality this week: a share of its allocation.
        `staff_cost` is this week's caseworker cost the municipality took over from the
        state (counted under the `state_spending` basis)."""
        if self.allocation_basis == "state_spending":
            allocation = self.state_services_per_registered_year * registered / 52 + staff_cost
        else:
            allocation = (self.allocation_per_registered_year * registered
                          + self.allocation_per_labour_force_year * labour_force) / 52
        return self.transfer_share * allocation


@dataclass(frozen=True)
class MunicipalBehaviour:
    """How a municipality that bears costs responds (evidence.md 0 and 4.1): it may target its
    services on seekers nearing a co-financing band, it learns to run services (capability grows
    with experience; municipalities that ran the employment pilots start ahead: the "same
    starting line" question), and with `budget_rule = "transfer"` it sizes its services to the
    money it receives: no new intake while its budget is spent, and its own service run at the
    intensity the budget affords (down to half the planned hours).
    `respond = false` switches every response off, so a funding change moves only money.
    Pilot municipalities gain that experience for `pilot_weeks` before the reform, so at the
    reform date they stand at different places and the others catch up, or not."""

    respond: bool = setting(True)
    targeting: str = setting("none", choices=("none", "cofinancing_band"))
    targeting_horizon_days: int = setting(60, lo=0, hi=2000)
    targeting_weight: float = setting(4.0, lo=1.0, hi=100.0)
    learning_weeks: float = setting(104.0, lo=1.0, hi=5200.0)
    capability_max: float = setting(1.0, lo=0.0, hi=5.0)
    # pilot municipalities ran services this many weeks before week 0 (the reform), gaining
    # experience the others lack (Finland's 2021-24 pilots: from 1 March 2021, evidence.md 4.3)
    pilot_weeks: int = setting(0, lo=0, hi=5200)
    budget_rule: str = setting("places", choices=("places", "transfer"))
