"""Configuration: the schema (frozen dataclasses), loading scenario files, and overrides."""

from sim.config.build import ScenarioError, build
from sim.config.load import (
    ScenarioFile,
    deep_merge,
    from_dict,
    load,
    scenario_path,
    scenarios_folder,
)
from sim.config.overrides import (
    flatten,
    history,
    leaf_settings,
    override_config,
    reformed,
    resolve_key,
)
from sim.config.schema import (
    CalibrationTargets,
    Config,
    GeneratedWorld,
    LabourMarketSettings,
    MunicipalitySpec,
    ProfilingSettings,
    RunSettings,
    WorldSettings,
)

__all__ = [
    "CalibrationTargets", "Config", "GeneratedWorld", "LabourMarketSettings", "MunicipalitySpec",
    "ProfilingSettings", "RunSettings", "ScenarioError", "ScenarioFile", "WorldSettings",
    "build", "deep_merge", "flatten", "from_dict", "history", "leaf_settings", "load",
    "override_config", "reformed", "resolve_key", "scenario_path", "scenarios_folder",
]
