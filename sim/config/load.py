"""Scenario files: TOML -> validated, frozen configuration (sim/config/schema.py).

A scenario file has the base settings as top-level tables (`[run]`, `[world]`, `[labour_market]`,
...), optional `[arms.NAME]` tables that override any of them for a named variant, an optional
`[sweep]` (a grid: `"labour_market.separation_rate" = [0.001, 0.002]`) and `replications`. A file
may `extends = "other.toml"`: its tables are merged over the other's.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sim.config.build import ScenarioError, _check_number, _expect, _unknown, build
from sim.config.names import safe_name, slug
from sim.config.overrides import flatten, override_config, reformed, resolve_key
from sim.config.schema import Config

TOP_LEVEL = ("name", "description", "replications", "arms", "sweep", "extends",
             "uncertain", "sensitivity", "calibrate", "calibrated")  # studies: sim/studies/


@dataclass(frozen=True)
class ScenarioFile:
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
        """The configuration of arm `name` (None: the first arm, or the base without arms)."""
        if name is None:
            return next(iter(self.arms.values())) if self.arms else self.base
        if name not in self.arms:
            allowed = ", ".join(self.arms) or "(this scenario has no arms)"
            raise ScenarioError(self.source, "--arm", f"unknown arm {name!r}; allowed: {allowed}")
        return self.arms[name]


def load(path: str | Path) -> ScenarioFile:
    """Read and validate a scenario file; raise ScenarioError with one clear line if it is bad."""
    path = Path(path)
    return from_dict(_read(path), source=str(path), default_name=slug(path.stem))


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
    for key in ("name", "description", "uncertain", "sensitivity", "calibrate"):
        base.pop(key, None)  # a file's own; a study's tables are not inherited
    for key in ("arms", "sweep"):  # inherited unless the file has its own, which replace them
        if key in data:
            base.pop(key, None)
    return deep_merge(base, data)


def from_dict(data: dict, source: str = "<dict>", default_name: str = "scenario") -> ScenarioFile:
    data = dict(data)
    base_keys = {f.name for f in dataclasses.fields(Config)}
    for key in data:
        if key not in base_keys and key not in TOP_LEVEL:
            _unknown(source, key, key, base_keys | set(TOP_LEVEL))
    name = safe_name(_expect(source, "name", data.get("name", default_name), str), source,
                     "name")
    description = _expect(source, "description", data.get("description", ""), str)
    base_data = {k: v for k, v in data.items() if k in base_keys}
    base = build(Config, base_data, source, "")
    reps = data.get("replications", base.run.replications)
    reps = _check_number(source, "replications", reps, int, 1, 10_000)

    arms: dict[str, Config] = {}
    arms_data = _expect(source, "arms", data.get("arms", {}), dict)
    for arm_name, override in arms_data.items():
        safe_name(arm_name, source, f"arms.{arm_name}")
        override = _expect(source, f"arms.{arm_name}", override, dict)
        arm = build(Config, deep_merge(base_data, override), source, f"arms.{arm_name}")
        if base.reforms:  # the base's rules until the reform week, the arm's from it
            arm = _with_reform(base, override, source, f"arms.{arm_name}")
        arms[arm_name] = arm

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
    scenario = ScenarioFile(name, source, base, arms, sweep, reps, description, data)
    from sim.studies.uncertain import check_tables  # here, not above: studies use config

    check_tables(data, scenario)
    return scenario


def _with_reform(base: Config, override: dict, source: str, where: str) -> Config:
    """An arm of a scenario with a reform date: the base, and the arm's settings pending."""
    reform = flatten(override)
    arm = dataclasses.replace(base, reform=reform)
    for key in reform:
        if key.split(".")[0] in ("run", "world"):
            raise ScenarioError(source, f"{where}.{key}", "arms share their history before "
                                "run.reform_week, so an arm cannot change run or world settings")
    reformed(arm, source)  # the arm's own settings are checked like any other
    return arm


def deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def scenario_path(text: str) -> Path:
    """A scenario named on the command line: a path, or the name of a shipped one."""
    path = Path(text)
    if path.is_file() or path.parent != Path("."):
        return path
    shipped = scenarios_folder() / (text if text.endswith(".toml") else f"{text}.toml")
    return shipped if shipped.is_file() else path


def scenarios_folder() -> Path:
    """`scenarios/` of the current directory, else of the source checkout."""
    here = Path.cwd() / "scenarios"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "scenarios"
