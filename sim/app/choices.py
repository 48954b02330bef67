"""What a reader chooses on the page, and the scenario it makes (no interface code here).

The page offers the shipped scenarios that ask a policy question with arms, at the quick size
of sim/explore/scenario.py. A reader picks the arms to compare (the first is the baseline),
may move the reform date, and may add a **variant**: one arm's rules with the main settings
changed (choice regime, payment design or a result share with tiering, funding model). Every
choice becomes an ordinary, validated `ScenarioFile`; a choice the rules do not allow is the
same one-line `ScenarioError` a scenario file would give.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config import ScenarioFile, load
from sim.explore import payment
from sim.explore.scenario import changed, shrink
from sim.rules.choice import PRESETS as REGIMES
from sim.rules.funding import PRESETS as FUNDING_MODELS
from sim.rules.payments import DESIGNS

SCENARIOS = ("lov_vs_authorisation", "nacka_takeover", "finland_te24", "payment_design",
             "nordic_model")
VARIANT = "variant"
BY_RESULT_SHARE = "by result share"  # a payment design made from result share and tiering
KEEP = "as in the arm"
PERSONS = 4000  # the page's runs: small and short, so a reader waits seconds, not hours
BURN_IN, WEEKS = 26, 30


@dataclass(frozen=True)
class Choices:
    scenario: str = SCENARIOS[0]
    arms: tuple[str, ...] = ()  # the first is the baseline; () = the scenario's first two
    reform_week: int | None = None  # None: as the scenario (scaled to the quick size)
    variant_of: str | None = None  # add a variant of this arm
    regime: str = KEEP
    design: str = KEEP
    result_share: float = 0.7
    tiering: float = 1.0
    funding: str = KEEP
    replications: int = 2
    weeks: int = WEEKS


def options() -> dict[str, tuple[str, ...]]:
    """The values each main setting can take on the page."""
    return {"regime": (KEEP, *REGIMES), "design": (KEEP, *DESIGNS, BY_RESULT_SHARE),
            "funding": (KEEP, *FUNDING_MODELS)}


def shipped(name: str, folder=None) -> ScenarioFile:
    from sim.config import scenario_path

    return load(scenario_path(name) if folder is None else f"{folder}/{name}.toml")


def default_arms(scenario: ScenarioFile) -> tuple[str, ...]:
    return tuple(list(scenario.arms)[:2])


def scheme(scenario: ScenarioFile) -> str | None:
    """The service scheme the main settings apply to (the scenario's first), if any."""
    return next(iter(scenario.base.services), None)


def variant_settings(c: Choices, scenario: ScenarioFile) -> dict:
    """The variant's settings over its arm's (dotted paths)."""
    out: dict = {}
    name = scheme(scenario)
    if name is not None:
        if c.regime != KEEP:
            out[f"services.{name}.choice.regime"] = c.regime
        if c.design == BY_RESULT_SHARE:
            tiers = len(scenario.base.profiling.tier_cutoffs) + 1
            out.update(payment.payment_settings(name, c.result_share, c.tiering, tiers))
        elif c.design != KEEP:
            out[f"services.{name}.payment.design"] = c.design
    if c.funding != KEEP:
        out["funding.model"] = c.funding
    return out


def arm_settings(scenario: ScenarioFile, arm: str) -> dict:
    """An arm's own table in the scenario file, flattened (what it changes from the base)."""
    from sim.config import flatten

    return flatten(scenario.raw.get("arms", {}).get(arm, {}))


def build(c: Choices, folder=None) -> ScenarioFile:
    """The scenario the choices describe, at the page's quick size."""
    full = shipped(c.scenario, folder)
    arms = list(c.arms or default_arms(full))
    extra = {}
    if c.variant_of is not None:
        full.arm(c.variant_of)  # an unknown arm: one line naming the allowed ones
        extra[VARIANT] = {**arm_settings(full, c.variant_of), **variant_settings(c, full)}
        arms.append(VARIANT)
    for arm in arms:
        if arm != VARIANT:
            full.arm(arm)
    small = shrink(full, persons=PERSONS, burn_in=BURN_IN, weeks=c.weeks)
    settings = {}
    if c.reform_week is not None:
        settings["run.reform_week"] = c.reform_week
    return changed(small, settings, arms=extra, keep=arms, replications=c.replications)
