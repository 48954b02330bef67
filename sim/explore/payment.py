"""Payment designs by two numbers a purchaser chooses: the result share and the tiering.

- **result share** s: the part of a provider's expected revenue per participant paid on
  results (a job that lasts the qualifying period) rather than as monthly base fees; KROM's
  is about 0.7 (evidence.md parameter table, [EST]);
- **tiering** g: how much more a result pays for the tier furthest from work than for the
  nearest: tier t of n pays (1 + g (t-1)/(n-1)) times tier 1's; KROM's 10,000 to 28,000 SEK is
  g = 1.8.

The expected revenue per participant is held at `revenue` (R&M: 15,000-25,000 SEK, midpoint
[EST], evidence.md parameter table), spread over `months` of service (R&M: 6), with results
expected for a `success` share of participants (R&M: 0.32, DN via Dagens PS 2025): so the
designs differ in how they pay, not in how much a purchaser expects to pay. What they cost in
the end depends on what providers do: that is what the model is for.
"""

from __future__ import annotations

from typing import Any

REVENUE = 20_000.0  # SEK per participant
MONTHS = 6.0
SUCCESS = 0.32


def tier_weights(tiering: float, tiers: int = 3) -> list[float]:
    """Result payment of each tier relative to the mean over tiers (they average 1)."""
    raw = [1.0 + tiering * t / max(1, tiers - 1) for t in range(tiers)]
    mean = sum(raw) / tiers
    return [w / mean for w in raw]


def payment_settings(scheme: str, result_share: float, tiering: float, tiers: int = 3, *,
                     revenue: float = REVENUE, months: float = MONTHS,
                     success: float = SUCCESS) -> dict[str, Any]:
    """Settings of `services.<scheme>.payment` for one design (dotted paths)."""
    if not 0.0 <= result_share <= 1.0:
        raise ValueError(f"result share {result_share} is outside 0..1")
    if tiering < 0:
        raise ValueError(f"tiering {tiering} is negative")
    base = (1.0 - result_share) * revenue / months
    result = result_share * revenue / success
    path = f"services.{scheme}.payment"
    return {f"{path}.design": "flat_result",
            f"{path}.base_fee_month": [round(base, 2)] * tiers,
            f"{path}.result_payment": [round(result * w, 2) for w in tier_weights(tiering, tiers)],
            f"{path}.result_basis": "job"}


def arm_name(result_share: float, tiering: float) -> str:
    """e.g. result70_tier1.8 (a plain name: batch folders and tables use it)."""
    return f"result{round(result_share * 100)}_tier{tiering:g}"


def frontier(xs: list[float], ys: list[float], lower_x: bool = True,
             higher_y: bool = True) -> list[int]:
    """Indexes of the designs no other design beats on both outcomes (at least as good on
    each, better on one): e.g. x a cost (lower is better), y jobs (higher is better)."""
    import math

    def at_least(a, b, lower):
        return a <= b if lower else a >= b

    out = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if math.isnan(x) or math.isnan(y):
            continue
        beaten = any(at_least(xs[j], x, lower_x) and at_least(ys[j], y, not higher_y)
                     and (xs[j], ys[j]) != (x, y) for j in range(len(xs)) if j != i)
        if not beaten:
            out.append(i)
    return out
