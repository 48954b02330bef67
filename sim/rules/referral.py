"""Who is referred to a service, and for how long (evidence.md 1.1).

Rusta och matcha serves mostly seekers far from the labour market, decided by the statistical
profile; a service lasts 6 months and can be extended by 6. Places may be budgeted (the 2024
budget cut R&M from 74,000 to 50,000 places a month).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.settings import setting


@dataclass(frozen=True)
class ReferralRules:
    tiers: tuple[int, ...] = setting((), lo=1, hi=100)  # () = every tier
    min_spell_weeks: int = setting(4, lo=0, hi=520)
    weekly_rate: float = setting(0.10, lo=0.0, hi=1.0)
    places: int = setting(0, lo=0, hi=10_000_000)
    service_weeks: int = setting(26, lo=1, hi=520)
    extension_weeks: int = setting(26, lo=0, hi=520)
    extension_share: float = setting(0.5, lo=0.0, hi=1.0)
    # which benefits make a seeker eligible; "none": seekers drawing no benefit at all (a
    # seeker's benefit follows entitlement and take-up, sim/entitlement.py)
    benefits: tuple[str, ...] = setting(
        ("unemployment_insurance", "activity_support", "social_assistance", "none"),
        choices=("unemployment_insurance", "activity_support", "social_assistance", "none",
                 "basic_insurance"),
    )

