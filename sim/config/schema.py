"""The configuration schema: frozen dataclasses whose fields carry their ranges or choices.

A scenario file (sim/config/load.py) is validated into these classes; a new setting is one line
with `setting(default, lo=..., hi=...)` and is checked like every other (sim/config/build.py).
Sources of defaults are cited in the scenario files (scenarios/evidence.md).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sim import geography
from sim.rules.benefits import BenefitRules
from sim.rules.funding import FundingRules, MunicipalBehaviour
from sim.rules.service import ServiceScheme
from sim.rules.service_model import ServiceModel
from sim.settings import setting


@dataclass(frozen=True)
class RunSettings:
    """How long and how: `weeks` are reported after `burn_in_weeks` of unreported warm-up."""

    weeks: int = setting(260, lo=1, hi=5200, unit="weeks",
                         help="Weeks reported after burn-in (the run's length).")
    burn_in_weeks: int = setting(
        260, lo=0, hi=5200, unit="weeks",
        help="Unreported warm-up weeks, so the run starts from the model's own steady state.")
    seed: int = setting(20260101, lo=0, hi=2**63 - 1,
                        help="Random seed; replication r of a batch uses seed + r.")
    replications: int = setting(1, lo=1, hi=10_000,
                                help="Default replications of a batch (reformsim batch --reps).")
    seeker_agents: bool = setting(
        True,
        help="Make a Mesa agent per registered seeker (off at national scale; results identical).")
    threads: int = setting(0, lo=0, hi=1024,
                           help="Numba threads for the matching kernel (0: Numba's default).")
    reform_week: int = setting(
        -1, lo=-1, hi=5200, unit="weeks",
        help="Reported week an arm's rules take effect; before it every arm runs the base's "
             "rules (one shared history) and weeks are counted from it. -1: each arm's rules "
             "from the start.")

    def check(self):
        if self.burn_in_weeks >= 4 * self.weeks + 520:
            yield "burn_in_weeks", "is implausibly long for the run; allowed < 4 * weeks + 520"


@dataclass(frozen=True)
class MunicipalitySpec:
    """A municipality: its labour force (persons) and the local labour market it belongs to;
    `code` is its official code where it is a real one (kommunkod, kuntanumero)."""

    name: str = setting(help="The municipality's name.")
    labour_force: int = setting(lo=100, hi=20_000_000, unit="persons",
                                help="Persons in the labour force.")
    market: str = setting(help="The local labour market it belongs to (shared vacancies).")
    pilot: bool = setting(False,
                          help="Ran the employment pilots (starts ahead in running services).")
    capability: float = setting(1.0, lo=0.0, hi=3.0, unit="index",
                                help="How well it runs services (1 = as well as the state).")
    code: str = setting("", help="Its official code where it is real (kommunkod, kuntanumero).")


@dataclass(frozen=True)
class GeneratedWorld:
    """A synthetic country: municipality sizes log-normal, grouped into local labour markets."""

    municipalities: int = setting(lo=1, hi=5000, help="Municipalities to generate.")
    labour_force: int = setting(lo=1000, hi=50_000_000, unit="persons",
                                help="Labour force of the whole generated country.")
    markets: int = setting(lo=1, hi=5000, help="Local labour markets to group them into.")
    size_sigma: float = setting(1.1, lo=0.0, hi=4.0,
                                help="Spread of municipality sizes (log-normal sigma).")
    pilot_share: float = setting(0.0, lo=0.0, hi=1.0, unit="share",
                                 help="Share of municipalities that ran the pilots.")


@dataclass(frozen=True)
class WorldSettings:
    """Who lives where and what they can do.

    A world is one of: listed municipalities (`[[world.municipalities]]`), a generated country
    (`[world.generate]`), or a country's real municipalities from the package data
    (`from_data = "se" | "fi"`, sim/geography.py): all of them, or those of some local labour
    markets (`areas`: LA region codes in Sweden, employment-area codes or names in Finland)
    and/or some municipality codes (`codes`); each with its population times
    `labour_force_share` in the labour force. Pilots are the data's flag (Sweden: the 32 KROM
    pilots) plus `pilot_codes` and the municipalities of `pilot_areas`; pilots start with
    `capability_pilot`, the others with `capability_other`.
    """

    country: str = setting("se", choices=("se", "fi"), help="Country whose rules and data apply.")
    municipalities: tuple[MunicipalitySpec, ...] = setting(
        (),
        help="The municipalities ([[world.municipalities]]), or give [world.generate].")
    generate: GeneratedWorld | None = setting(None)
    from_data: str | None = setting(
        None, choices=geography.COUNTRIES,
        help="Load the country's real municipalities from the package data (sim/data).")
    areas: tuple[str, ...] = setting(
        (), help="With from_data: only these local labour markets (codes or names).")
    codes: tuple[str, ...] = setting(
        (), help="With from_data: only these municipalities (official codes).")
    labour_force_share: float = setting(
        0.5, lo=0.0001, hi=1.0, unit="share",
        help="With from_data: persons in the labour force per inhabitant.")
    pilot_codes: tuple[str, ...] = setting(
        (), help="With from_data: municipalities (codes) flagged as pilots.")
    pilot_areas: tuple[str, ...] = setting(
        (), help="With from_data: local labour markets whose municipalities are pilots.")
    capability_pilot: float = setting(1.0, lo=0.0, hi=3.0, unit="index",
                                      help="With from_data: pilots' starting capability.")
    capability_other: float = setting(1.0, lo=0.0, hi=3.0, unit="index",
                                      help="With from_data: other municipalities' capability.")
    occupations: int = setting(12, lo=1, hi=64, help="Occupation groups.")
    occupation_similarity: float = setting(
        0.35, lo=0.0, hi=1.0, unit="share",
        help="Chance an application goes to a neighbouring occupation.")
    education_shares: tuple[float, ...] = setting(
        (0.12, 0.43, 0.45), unit="share",
        help="Shares with low, middle, high education (sum to 1).")
    age_shares: tuple[float, ...] = setting((0.12, 0.66, 0.22), unit="share",
                                            help="Shares aged 16-24, 25-54, 55-64 (sum to 1).")
    skill_by_education: tuple[float, ...] = setting((-0.5, 0.0, 0.3), unit="sd",
                                                    help="Skill shift by education band.")
    skill_by_age: tuple[float, ...] = setting((-0.3, 0.1, -0.2), unit="sd",
                                              help="Skill shift by age band.")
    skill_sd: float = setting(0.4, lo=0.0, hi=5.0, unit="sd", help="Spread of skill within a band.")

    def check(self):
        kinds = bool(self.municipalities) + (self.generate is not None) + bool(self.from_data)
        if kinds != 1:
            yield "municipalities", ("give one world: either [[world.municipalities]] or "
                                     "[world.generate], or world.from_data = \"se\" | \"fi\"")
        if self.from_data:
            if self.from_data != self.country:
                yield "from_data", (f"{self.from_data!r} is not world.country "
                                    f"{self.country!r}; set both to the same country")
            yield from geography.problems(self.from_data, self.areas, self.codes,
                                          self.pilot_codes, self.pilot_areas)
        elif self.areas or self.codes or self.pilot_codes or self.pilot_areas:
            yield "areas", "areas, codes, pilot_codes and pilot_areas need world.from_data"
        names = [m.name for m in self.municipalities]
        if len(set(names)) != len(names):
            yield "municipalities", "municipality names must be unique"
        yield from _shares(self, "education_shares", "age_shares")
        for key in ("skill_by_education", "skill_by_age"):
            if len(getattr(self, key)) != 3:
                yield key, "needs 3 values (one per band)"

    def listed(self) -> tuple[MunicipalitySpec, ...]:
        """The municipalities as listed or loaded from the data (none for a generated world,
        which needs the run's seed: sim/population.py)."""
        if not self.from_data:
            return self.municipalities
        return tuple(
            MunicipalitySpec(**m, capability=self.capability_pilot if m["pilot"]
                             else self.capability_other)
            for m in geography.municipalities(self.from_data, self.areas, self.codes,
                                              self.labour_force_share, self.pilot_codes,
                                              self.pilot_areas))


@dataclass(frozen=True)
class LabourMarketSettings:
    """Flows of the labour market, all per week; see scenarios/ for sources and estimates."""

    initial_unemployment: float = setting(0.07, lo=0.0, hi=0.9, unit="share",
                                          help="Unemployment at the start of burn-in.")
    initial_skill_gradient: float = setting(
        1.5, lo=0.0, hi=10.0,
        help="How strongly the initially unemployed are the least skilled.")
    initial_spell_weeks: float = setting(80.0, lo=1.0, hi=1000.0, unit="weeks",
                                         help="Mean spell of the initially unemployed.")
    separation_rate: float = setting(0.00145, lo=0.0, hi=0.2, unit="per week",
                                     help="Chance a job ends in a week.")
    separation_skill_gradient: float = setting(
        0.5, lo=0.0, hi=5.0,
        help="How much more often the less skilled lose jobs.")
    vacancy_rate: float = setting(0.0018, lo=0.0, hi=0.2, unit="per week",
                                  help="New vacancies a week per person in the labour force.")
    vacancy_weeks: int = setting(6, lo=1, hi=52, unit="weeks", help="Weeks a vacancy stays open.")
    threshold_mean: float = setting(2.5, lo=-10.0, hi=10.0, unit="sd",
                                    help="Mean hiring threshold on perceived productivity.")
    threshold_sd: float = setting(0.8, lo=0.0, hi=10.0, unit="sd",
                                  help="Spread of hiring thresholds.")
    wage_mean: float = setting(33_000.0, lo=0.0, hi=1e7, unit="currency a month",
                               help="Mean monthly wage.")
    wage_sd: float = setting(7_000.0, lo=0.0, hi=1e7, unit="currency a month",
                             help="Spread of monthly wages.")
    wage_skill_gradient: float = setting(4_000.0, lo=0.0, hi=1e7, unit="currency a month",
                                         help="Wage per unit of skill.")
    applications: float = setting(1.0, lo=0.0, hi=50.0, unit="per week",
                                  help="Applications a seeker sends a week at full effort.")
    effort_decline: float = setting(0.4, lo=0.0, hi=1.0, unit="share",
                                    help="How far search effort falls over a long spell.")
    effort_by_age: tuple[float, ...] = setting(
        (1.1, 1.0, 0.7), unit="index",
        help="Search effort by age band (16-24, 25-54, 55-64).")
    screening_noise: float = setting(1.5, lo=0.0, hi=10.0, unit="sd",
                                     help="Noise in employers' view of an applicant.")
    stigma_per_week: float = setting(
        0.002, lo=0.0, hi=1.0, unit="sd per week",
        help="Duration stigma: perceived productivity lost per week unemployed.")
    stigma_cap_weeks: float = setting(78.0, lo=0.0, hi=1000.0, unit="weeks",
                                      help="Spell length after which the stigma stops growing.")
    employer_contacts: float = setting(
        0.0, lo=0.0, hi=64.0, unit="per week",
        help="Registered seekers each open vacancy's employer contacts a week [EST].")
    inactivity_rate: float = setting(0.006, lo=0.0, hi=0.5, unit="per week",
                                     help="Chance a seeker leaves the labour force in a week.")
    reentry_weeks: float = setting(52.0, lo=1.0, hi=1000.0, unit="weeks",
                                   help="Mean time outside the labour force before returning.")
    cycle_amplitude: float = setting(0.0, lo=0.0, hi=0.9, unit="share",
                                     help="Business-cycle swing in vacancies.")
    cycle_weeks: int = setting(260, lo=2, hi=5200, unit="weeks",
                               help="Length of one business cycle.")
    shock_week: int = setting(-1, lo=-1, hi=5200, unit="week",
                              help="Week a demand shock starts (-1: none).")
    shock_size: float = setting(0.0, lo=-0.95, hi=5.0, unit="share",
                                help="Change in vacancies during the shock (-0.2: 20 % fewer).")
    shock_weeks: int = setting(0, lo=0, hi=5200, unit="weeks", help="How long the shock lasts.")

    def check(self):
        if len(self.effort_by_age) != 3:
            yield "effort_by_age", "needs 3 values (ages 16-24, 25-54, 55-64)"
        if any(v < 0 for v in self.effort_by_age):
            yield "effort_by_age", "values must be >= 0"


@dataclass(frozen=True)
class ProfilingSettings:
    """Statistical profiling into tiers 1 (near work) .. n (far), as the Swedish PES does
    (three levels A, B, C in KROM, evidence.md 1.1): n - 1 cut-offs on the profile score."""

    noise_sd: float = setting(0.5, lo=0.0, hi=10.0, unit="sd",
                              help="Noise in the employment service's profile of a seeker.")
    tier_cutoffs: tuple[float, ...] = setting(
        (0.2, -0.6), unit="sd",
        help="Profile cut-offs between tiers, highest first (tiers = cut-offs + 1).")
    duration_weight: float = setting(0.003, lo=0.0, hi=1.0, unit="sd per week",
                                     help="How much a long spell lowers the profile.")
    reprofile_weeks: int = setting(13, lo=1, hi=520, unit="weeks",
                                   help="Weeks between re-profiling a seeker.")

    def check(self):
        c = self.tier_cutoffs
        if not c or any(a <= b for a, b in zip(c, c[1:], strict=False)):
            yield "tier_cutoffs", ("needs 1 or more falling values: tier 1 above the first, "
                                   "tier n below the last")


def _per_tier(path: str, scheme, tiers: int):
    """A scheme's amounts by tier match the profiling's tiers; referred tiers exist."""
    for key in ("base_fee_month", "result_payment"):
        if len(getattr(scheme.payment, key)) != tiers:
            yield (f"{path}.payment.{key}", f"needs {tiers} amounts, one per tier (1 near work "
                   f".. {tiers} far), as profiling.tier_cutoffs makes {tiers} tiers")
    for i, t in enumerate(scheme.referral.tiers):
        if not 1 <= t <= tiers:
            yield f"{path}.referral.tiers[{i}]", f"{t} is not a tier; allowed: 1 to {tiers}"
    for i, t in enumerate(scheme.providers.refused_tiers):
        if not 1 <= t <= tiers:
            yield (f"{path}.providers.refused_tiers[{i}]",
                   f"{t} is not a tier; allowed: 1 to {tiers}")


def _shares(obj, *keys):
    for key in keys:
        values = getattr(obj, key)
        if len(values) != 3 or any(v < 0 for v in values) or abs(sum(values) - 1) > 1e-6:
            yield key, f"needs 3 non-negative shares summing to 1, got {list(values)}"


@dataclass(frozen=True)
class CalibrationTargets:
    """Targets the baseline is checked against (simulated beside target in every summary).

    Defaults are the Swedish figures of evidence.md 5.1 and the parameter table; tolerances are
    what `tests/test_calibration.py` holds the municipal scenario to."""

    unemployment_rate: float = setting(0.071, lo=0.0, hi=1.0,
                                         help="Calibration target (shown beside the run).")
    unemployment_rate_tolerance: float = setting(0.012, lo=0.0, hi=1.0,
                                                 help="Tolerance of the target.")
    long_term_share: float = setting(0.40, lo=0.0, hi=1.0,
                                       help="Calibration target (shown beside the run).")
    long_term_share_tolerance: float = setting(0.06, lo=0.0, hi=1.0,
                                               help="Tolerance of the target.")
    job_finding_rate: float = setting(0.018, lo=0.0, hi=1.0,
                                        help="Calibration target (shown beside the run).")
    job_finding_rate_tolerance: float = setting(0.003, lo=0.0, hi=1.0,
                                                help="Tolerance of the target.")
    monthly_hazard_short: float = setting(0.12, lo=0.0, hi=1.0,
                                            help="Calibration target (shown beside the run).")
    monthly_hazard_short_tolerance: float = setting(0.03, lo=0.0, hi=1.0,
                                                    help="Tolerance of the target.")
    monthly_hazard_long: float = setting(0.035, lo=0.0, hi=1.0,
                                           help="Calibration target (shown beside the run).")
    monthly_hazard_long_tolerance: float = setting(0.015, lo=0.0, hi=1.0,
                                                   help="Tolerance of the target.")

    sources: tuple[str, ...] = setting((
        "AF Dec 2024: 7.1 % registered",
        "AF Dec 2023/2024: 40 % unemployed >= 12 months",
        "AF weekly statistics: 6,643 / 370,386 = 1.8 %/week",
        "[EST] 0.12/month for spells < 6 months",
        "[EST] 0.03-0.04/month for spells >= 12 months",
    ))

    INDICATORS = ("unemployment_rate", "long_term_share", "job_finding_rate",
                  "monthly_hazard_short", "monthly_hazard_long")

    def check(self):
        if len(self.sources) != len(self.INDICATORS):
            yield "sources", f"needs {len(self.INDICATORS)} texts, one per target, in order"

    def targets(self):
        """(indicator, target, tolerance, source) for each target."""
        for name, source in zip(self.INDICATORS, self.sources, strict=True):
            yield name, getattr(self, name), getattr(self, name + "_tolerance"), source


@dataclass(frozen=True)
class Config:
    """A fully resolved configuration: everything one run needs besides its seed."""

    run: RunSettings = setting(RunSettings())
    world: WorldSettings = setting(WorldSettings())
    labour_market: LabourMarketSettings = setting(LabourMarketSettings())
    profiling: ProfilingSettings = setting(ProfilingSettings())
    benefits: BenefitRules = setting(BenefitRules())
    funding: FundingRules = setting(FundingRules())
    municipal: MunicipalBehaviour = setting(MunicipalBehaviour())
    calibration: CalibrationTargets = setting(CalibrationTargets())
    services: dict[str, ServiceScheme] = setting(default_factory=dict)
    service_model: ServiceModel = setting(ServiceModel())
    reform: dict[str, Any] = setting(
        default_factory=dict,
        help="An arm's settings (dotted paths) that take effect at run.reform_week; the rest "
             "of the configuration is the shared history's rules.")

    def check(self):
        names = {m.name for m in self.world.listed()}
        for i, muni in enumerate(self.funding.municipalities):
            if names and muni not in names:
                yield (f"funding.municipalities[{i}]",
                       f"unknown municipality {muni!r}; allowed: {', '.join(sorted(names))}")
        for key in self.reform:
            if key.split(".")[0] in ("run", "world"):
                yield (f"reform.{key}", "arms share their history before the reform, so an "
                       "arm cannot change run or world settings")
        for key, scheme in self.services.items():
            for i, muni in enumerate(scheme.municipalities):
                if names and muni not in names:
                    yield (f"services.{key}.municipalities[{i}]",
                           f"unknown municipality {muni!r}; allowed: {', '.join(sorted(names))}")
            yield from _per_tier(f"services.{key}", scheme, self.tiers)

    @property
    def reforms(self) -> bool:
        """Whether an arm's rules take effect mid-run, after a shared history."""
        return self.run.reform_week >= 0

    @property
    def pre_reform_weeks(self) -> int:
        """Reported weeks before the reform (weeks are counted from the reform)."""
        return max(self.run.reform_week, 0)

    @property
    def tiers(self) -> int:
        """Profiling tiers, 1 (near work) .. n (far): one more than the cut-offs."""
        return len(self.profiling.tier_cutoffs) + 1

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def digest(self, seed: int | None = None) -> str:
        """A short, stable hash of this configuration (and seed): the run id."""
        payload = json.dumps({"config": self.to_dict(), "seed": seed}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]
