"""Scenario files: TOML -> validated, frozen configuration objects.

A scenario file has the base settings as top-level tables (`[run]`, `[world]`, `[labour_market]`,
...), optional `[arms.NAME]` tables that override any of them for a named variant, an optional
`[sweep]` (a grid: `"labour_market.separation_rate" = [0.001, 0.002]`) and `replications`.

Every check names the file and the key path and says what is allowed, in one line, because the
people who edit these files are researchers and policy staff, not the authors of this module. The
schema is the dataclasses below: a field's metadata holds its range or choices, so a new setting
is one line and is checked like every other.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.rules.benefits import BenefitRules
from sim.rules.funding import FundingRules, MunicipalBehaviour
from sim.rules.service import ServiceScheme
from sim.rules.service_model import ServiceModel
from sim.settings import setting


class ScenarioError(ValueError):
    """A bad scenario: one line with file, key path, the problem and what is allowed."""

    def __init__(self, source: str, path: str, problem: str):
        self.source, self.path, self.problem = source, path, problem
        where = f"{source}: {path}: " if path else f"{source}: "
        super().__init__(where + problem)


# ------------------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class RunSettings:
    """How long and how: `weeks` are reported after `burn_in_weeks` of unreported warm-up."""

    weeks: int = setting(260, lo=1, hi=5200)
    burn_in_weeks: int = setting(260, lo=0, hi=5200)
    seed: int = setting(20260101, lo=0, hi=2**63 - 1)
    replications: int = setting(1, lo=1, hi=10_000)
    seeker_agents: bool = setting(True)
    threads: int = setting(0, lo=0, hi=1024)

    def check(self):
        if self.burn_in_weeks >= 4 * self.weeks + 520:
            yield "burn_in_weeks", "is implausibly long for the run; allowed < 4 * weeks + 520"


@dataclass(frozen=True)
class MunicipalitySpec:
    """A municipality: its labour force (persons) and the local labour market it belongs to."""

    name: str = setting()
    labour_force: int = setting(lo=100, hi=20_000_000)
    market: str = setting()
    pilot: bool = setting(False)
    capability: float = setting(1.0, lo=0.0, hi=3.0)


@dataclass(frozen=True)
class GeneratedWorld:
    """A synthetic country: municipality sizes log-normal, grouped into local labour markets."""

    municipalities: int = setting(lo=1, hi=5000)
    labour_force: int = setting(lo=1000, hi=50_000_000)
    markets: int = setting(lo=1, hi=5000)
    size_sigma: float = setting(1.1, lo=0.0, hi=4.0)
    pilot_share: float = setting(0.0, lo=0.0, hi=1.0)


@dataclass(frozen=True)
class WorldSettings:
    """Who lives where and what they can do."""

    country: str = setting("se", choices=("se", "fi"))
    municipalities: tuple[MunicipalitySpec, ...] = setting(())
    generate: GeneratedWorld | None = setting(None)
    occupations: int = setting(12, lo=1, hi=64)
    occupation_similarity: float = setting(0.35, lo=0.0, hi=1.0)
    education_shares: tuple[float, ...] = setting((0.12, 0.43, 0.45))
    age_shares: tuple[float, ...] = setting((0.12, 0.66, 0.22))
    skill_by_education: tuple[float, ...] = setting((-0.5, 0.0, 0.3))
    skill_by_age: tuple[float, ...] = setting((-0.3, 0.1, -0.2))
    skill_sd: float = setting(0.4, lo=0.0, hi=5.0)

    def check(self):
        if bool(self.municipalities) == (self.generate is not None):
            yield "municipalities", "give either [[world.municipalities]] or [world.generate]"
        names = [m.name for m in self.municipalities]
        if len(set(names)) != len(names):
            yield "municipalities", "municipality names must be unique"
        yield from _shares(self, "education_shares", "age_shares")
        for key in ("skill_by_education", "skill_by_age"):
            if len(getattr(self, key)) != 3:
                yield key, "needs 3 values (one per band)"


@dataclass(frozen=True)
class LabourMarketSettings:
    """Flows of the labour market, all per week; see scenarios/ for sources and estimates."""

    initial_unemployment: float = setting(0.07, lo=0.0, hi=0.9)
    initial_skill_gradient: float = setting(1.5, lo=0.0, hi=10.0)
    initial_spell_weeks: float = setting(80.0, lo=1.0, hi=1000.0)
    separation_rate: float = setting(0.00145, lo=0.0, hi=0.2)
    separation_skill_gradient: float = setting(0.5, lo=0.0, hi=5.0)
    vacancy_rate: float = setting(0.0018, lo=0.0, hi=0.2)
    vacancy_weeks: int = setting(6, lo=1, hi=52)
    threshold_mean: float = setting(2.5, lo=-10.0, hi=10.0)
    threshold_sd: float = setting(0.8, lo=0.0, hi=10.0)
    wage_mean: float = setting(33_000.0, lo=0.0, hi=1e7)
    wage_sd: float = setting(7_000.0, lo=0.0, hi=1e7)
    wage_skill_gradient: float = setting(4_000.0, lo=0.0, hi=1e7)
    applications: float = setting(1.0, lo=0.0, hi=50.0)
    effort_decline: float = setting(0.4, lo=0.0, hi=1.0)
    effort_by_age: tuple[float, ...] = setting((1.1, 1.0, 0.7))
    screening_noise: float = setting(1.5, lo=0.0, hi=10.0)
    stigma_per_week: float = setting(0.002, lo=0.0, hi=1.0)
    stigma_cap_weeks: float = setting(78.0, lo=0.0, hi=1000.0)
    inactivity_rate: float = setting(0.006, lo=0.0, hi=0.5)
    reentry_weeks: float = setting(52.0, lo=1.0, hi=1000.0)
    cycle_amplitude: float = setting(0.0, lo=0.0, hi=0.9)
    cycle_weeks: int = setting(260, lo=2, hi=5200)
    shock_week: int = setting(-1, lo=-1, hi=5200)
    shock_size: float = setting(0.0, lo=-0.95, hi=5.0)
    shock_weeks: int = setting(0, lo=0, hi=5200)

    def check(self):
        if len(self.effort_by_age) != 3:
            yield "effort_by_age", "needs 3 values (ages 16-24, 25-54, 55-64)"
        if any(v < 0 for v in self.effort_by_age):
            yield "effort_by_age", "values must be >= 0"


@dataclass(frozen=True)
class ProfilingSettings:
    """Statistical profiling into tiers 1 (near work) .. 3 (far), as the Swedish PES does."""

    noise_sd: float = setting(0.5, lo=0.0, hi=10.0)
    tier_cutoffs: tuple[float, ...] = setting((0.2, -0.6))
    duration_weight: float = setting(0.003, lo=0.0, hi=1.0)
    reprofile_weeks: int = setting(13, lo=1, hi=520)

    def check(self):
        c = self.tier_cutoffs
        if len(c) != 2 or not c[0] > c[1]:
            yield "tier_cutoffs", "needs 2 values, tier 1 above the first, tier 3 below the second"


def _shares(obj, *keys):
    for key in keys:
        values = getattr(obj, key)
        if len(values) != 3 or any(v < 0 for v in values) or abs(sum(values) - 1) > 1e-6:
            yield key, f"needs 3 non-negative shares summing to 1, got {list(values)}"


@dataclass(frozen=True)
class CalibrationTargets:
    """Targets the baseline is checked against (simulated beside target in every summary).

    Defaults are the Swedish figures of DOMAIN.md 5.1 and the parameter table; tolerances are
    what `tests/test_calibration.py` holds the municipal scenario to."""

    unemployment_rate: float = setting(0.071, lo=0.0, hi=1.0)
    unemployment_rate_tolerance: float = setting(0.012, lo=0.0, hi=1.0)
    long_term_share: float = setting(0.40, lo=0.0, hi=1.0)
    long_term_share_tolerance: float = setting(0.06, lo=0.0, hi=1.0)
    job_finding_rate: float = setting(0.018, lo=0.0, hi=1.0)
    job_finding_rate_tolerance: float = setting(0.003, lo=0.0, hi=1.0)
    monthly_hazard_short: float = setting(0.12, lo=0.0, hi=1.0)
    monthly_hazard_short_tolerance: float = setting(0.03, lo=0.0, hi=1.0)
    monthly_hazard_long: float = setting(0.035, lo=0.0, hi=1.0)
    monthly_hazard_long_tolerance: float = setting(0.015, lo=0.0, hi=1.0)

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

    def check(self):
        names = {m.name for m in self.world.municipalities}
        for i, muni in enumerate(self.funding.municipalities):
            if names and muni not in names:
                yield (f"funding.municipalities[{i}]",
                       f"unknown municipality {muni!r}; allowed: {', '.join(sorted(names))}")
        for key, scheme in self.services.items():
            for i, muni in enumerate(scheme.municipalities):
                if names and muni not in names:
                    yield (f"services.{key}.municipalities[{i}]",
                           f"unknown municipality {muni!r}; allowed: {', '.join(sorted(names))}")

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


@dataclass(frozen=True)
class Scenario:
    """A scenario file: a base configuration, named arms, a sweep grid and replications."""

    name: str
    source: str
    base: Config
    arms: dict[str, Config]
    sweep: dict[str, tuple]
    replications: int
    description: str = ""
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    def arm(self, name: str | None) -> Config:
        if name is None:
            return next(iter(self.arms.values())) if self.arms else self.base
        if name not in self.arms:
            allowed = ", ".join(self.arms) or "(this scenario has no arms)"
            raise ScenarioError(self.source, "--arm", f"unknown arm {name!r}; allowed: {allowed}")
        return self.arms[name]


TOP_LEVEL = ("name", "description", "replications", "arms", "sweep", "extends")


# ----------------------------------------------------------------------------------- loading
def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise ScenarioError with one clear line if it is bad."""
    path = Path(path)
    return from_dict(_read(path), source=str(path), default_name=path.stem)


def _read(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    """The TOML table of `path`, merged over the file it `extends` (a path relative to it)."""
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, "", "file not found; `reformsim scenarios` lists shipped ones")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(source, "", f"not valid TOML: {e}") from None
    except UnicodeDecodeError:
        raise ScenarioError(source, "", "not a UTF-8 text file") from None
    parent = data.pop("extends", None)
    if parent is None:
        return data
    parent = _expect(source, "extends", parent, str)
    parent_path = (path.parent / parent).resolve()
    if parent_path in seen or parent_path == path.resolve():
        raise ScenarioError(source, "extends", f"{parent!r} extends itself in a cycle")
    base = _read(parent_path, (*seen, path.resolve()))
    for key in ("name", "description"):
        base.pop(key, None)
    for key in ("arms", "sweep"):  # inherited unless the file has its own, which replace them
        if key in data:
            base.pop(key, None)
    return deep_merge(base, data)


def from_dict(data: dict, source: str = "<dict>", default_name: str = "scenario") -> Scenario:
    data = dict(data)
    base_keys = {f.name for f in dataclasses.fields(Config)}
    for key in data:
        if key not in base_keys and key not in TOP_LEVEL:
            _unknown(source, key, key, base_keys | set(TOP_LEVEL))
    name = _expect(source, "name", data.get("name", default_name), str)
    description = _expect(source, "description", data.get("description", ""), str)
    base_data = {k: v for k, v in data.items() if k in base_keys}
    base = build(Config, base_data, source, "")
    reps = data.get("replications", base.run.replications)
    reps = _check_number(source, "replications", reps, int, 1, 10_000)

    arms: dict[str, Config] = {}
    arms_data = _expect(source, "arms", data.get("arms", {}), dict)
    for arm_name, override in arms_data.items():
        override = _expect(source, f"arms.{arm_name}", override, dict)
        arms[arm_name] = build(Config, deep_merge(base_data, override), source, f"arms.{arm_name}")

    sweep: dict[str, tuple] = {}
    for key, values in _expect(source, "sweep", data.get("sweep", {}), dict).items():
        if not isinstance(values, list) or not values:
            raise ScenarioError(source, f"sweep.{key}", "must be a non-empty list of values")
        try:
            resolve_key(key, source, base.to_dict())
        except ScenarioError as e:
            raise ScenarioError(source, f"sweep.{key}", e.problem) from None
        for i, value in enumerate(values):
            try:
                override_config(base, {key: value}, source)
            except ScenarioError as e:
                raise ScenarioError(source, f"sweep.{key}[{i}]", e.problem) from None
        sweep[key] = tuple(values)
    return Scenario(name, source, base, arms, sweep, reps, description, data)


def deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def override_config(config: Config, overrides: dict[str, Any], source="<overrides>",
                    where: str | None = None):
    """A copy of `config` with settings replaced; keys are dotted paths (`choice.regime`),
    double-underscore paths (`choice__regime`, for keyword arguments) or unique leaf names.
    `where`, if given, is the key path errors name (e.g. `sweep.labour_market.vacancy_rate[1]`).
    """
    if where is not None:
        try:
            return override_config(config, overrides, source)
        except ScenarioError as e:
            raise ScenarioError(source, where, e.problem) from None
    data = config.to_dict()
    for key, value in overrides.items():
        dotted = resolve_key(key, source, data)
        node = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            if node.get(part) is None:  # an absent optional table, e.g. world.generate
                node[part] = {}
            node = node[part]
        node[parts[-1]] = value
        cls = _class_at(parts[:-1])
        if getattr(cls, "PRESET_FIELD", None) == parts[-1]:
            # a new preset: settings that came from the old one follow the new one
            for name in cls.PRESETS.get(value, {}):
                node[name] = None
    return build(Config, data, source, "")


def _class_at(parts: list[str]):
    """The settings class at a dotted path of a Config (keys of dict fields skipped)."""
    cls, skip = Config, False
    for part in parts:
        if skip:
            skip = False
            continue
        tp = _strip_optional(typing.get_type_hints(cls).get(part))
        if typing.get_origin(tp) is dict:
            cls, skip = typing.get_args(tp)[1], True
        else:
            cls = tp
    return cls


def _path_in(data: dict, dotted: str) -> bool:
    node = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return not isinstance(node, dict)


def resolve_key(key: str, source: str = "<overrides>", data: dict | None = None) -> str:
    """Turn `a__b`, `a.b` or a unique leaf name into the dotted path of a setting."""
    dotted = key.replace("__", ".")
    leaves = _leaf_paths(Config)
    if dotted in leaves or (data is not None and _path_in(data, dotted)):
        return dotted
    matches = [p for p in leaves if p.rsplit(".", 1)[-1] == dotted]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ScenarioError(source, key, f"ambiguous setting; use one of {', '.join(matches)}")
    close = difflib.get_close_matches(dotted, leaves, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; see `reformsim validate --list`"
    raise ScenarioError(source, key, f"unknown setting{hint}")


def _leaf_paths(cls, prefix: str = "") -> list[str]:
    out = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        tp = _strip_optional(hints[f.name])
        path = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(tp):
            out += _leaf_paths(tp, path + ".")
        else:
            out.append(path)
    return out


def leaf_settings() -> list[tuple[str, Any, dict]]:
    """(dotted path, default, metadata) for every setting: `reformsim validate --list`."""
    out = []

    def walk(cls, obj, prefix):
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            tp = _strip_optional(hints[f.name])
            value = getattr(obj, f.name) if obj is not None else None
            if dataclasses.is_dataclass(tp):
                walk(tp, value, f"{prefix}{f.name}.")
            else:
                out.append((f"{prefix}{f.name}", value, dict(f.metadata)))

    walk(Config, Config(), "")
    return out


# ------------------------------------------------------------------------------ conversion
def build(cls, data: Any, source: str, path: str):
    """Build dataclass `cls` from a TOML table, checking keys, types, ranges and choices."""
    if isinstance(data, cls):
        return data
    data = _expect(source, path or "(top level)", data, dict)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            _unknown(source, _join(path, key), key, fields)
    kwargs = {}
    for name, f in fields.items():
        sub = _join(path, name)
        if name in data:
            kwargs[name] = _convert(hints[name], data[name], f.metadata, source, sub)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ScenarioError(source, sub, "is required but missing")
        elif dataclasses.is_dataclass(f.default):  # an absent table still gets its checks
            kwargs[name] = build(type(f.default), {}, source, sub)
    try:
        obj = cls(**kwargs)
    except ScenarioError:
        raise
    except (ValueError, TypeError) as e:
        raise ScenarioError(source, path or "(top level)", str(e)) from None
    check = getattr(obj, "check", None)
    if check is not None:
        for key, problem in check():
            raise ScenarioError(source, _join(path, key), problem)
    return obj


def _convert(tp, value, meta, source, path):
    tp_inner = _strip_optional(tp)
    if value is None or (isinstance(value, str) and value == "none" and tp_inner is not tp):
        if tp_inner is not tp:
            return None
        raise ScenarioError(source, path, "must have a value")
    if dataclasses.is_dataclass(tp_inner):
        return build(tp_inner, value, source, path)
    origin = typing.get_origin(tp_inner)
    if origin is dict:
        item_tp = typing.get_args(tp_inner)[1]
        value = _expect(source, path, value, dict)
        return {k: _convert(item_tp, v, meta, source, f"{path}.{k}") for k, v in value.items()}
    if origin is tuple:
        args = typing.get_args(tp_inner)
        if not isinstance(value, (list, tuple)):
            raise ScenarioError(source, path, f"expected a list, got {_show(value)}")
        item_tp = args[0]
        return tuple(
            _convert(item_tp, v, meta, source, f"{path}[{i}]") for i, v in enumerate(value)
        )
    if tp_inner is bool:
        if not isinstance(value, bool):
            raise ScenarioError(source, path, f"expected true or false, got {_show(value)}")
        return value
    if tp_inner in (int, float):
        return _check_number(source, path, value, tp_inner, meta.get("lo"), meta.get("hi"))
    if tp_inner is str:
        value = _expect(source, path, value, str)
        choices = meta.get("choices")
        if choices and value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            allowed = ", ".join(choices)
            raise ScenarioError(source, path, f"{value!r} is not allowed{hint}; allowed: {allowed}")
        return value
    if tp_inner is Any:
        return value
    raise TypeError(f"unsupported setting type {tp_inner!r} at {path}")


def _check_number(source, path, value, tp, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kind = "a whole number" if tp is int else "a number"
        raise ScenarioError(source, path, f"expected {kind}, got {_show(value)}")
    if tp is int and not isinstance(value, int):
        if float(value).is_integer():
            value = int(value)
        else:
            raise ScenarioError(source, path, f"expected a whole number, got {value!r}")
    if value != value:
        raise ScenarioError(source, path, "must be a number, got nan")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ScenarioError(source, path, f"{value!r} is out of range; allowed {_range(lo, hi)}")
    return tp(value)


def _range(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    return f">= {lo}" if lo is not None else f"<= {hi}"


def _expect(source, path, value, tp):
    if not isinstance(value, tp):
        kind = {dict: "a table", str: "a text string", list: "a list"}.get(tp, tp.__name__)
        raise ScenarioError(source, path, f"expected {kind}, got {_show(value)}")
    return value


def _unknown(source, path, key, allowed):
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(sorted(allowed))
    raise ScenarioError(source, path, f"unknown key {key!r}; {hint}")


def _show(value) -> str:
    return f"{value!r} ({type(value).__name__})"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _strip_optional(tp):
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp
