"""Settings changed by path: `a.b.c`, `a__b__c` (keyword arguments) or a unique leaf name.

Used for scenario arms and sweeps, `--set` on the command line and keyword overrides of
`ReformModel`; a changed preset name resets the settings that came from the old preset.
"""

from __future__ import annotations

import dataclasses
import difflib
import typing
from typing import Any

from sim.config.build import ScenarioError, _strip_optional, build
from sim.config.schema import Config


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


def leaf_settings(services: bool = False) -> list[tuple[str, Any, dict]]:
    """(dotted path, default, metadata) for every setting: `reformsim validate --list`. With
    `services`, also the settings of a service scheme, as `services.<name>.…`."""
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
    if services:
        from sim.rules.service import ServiceScheme

        walk(ServiceScheme, ServiceScheme(), "services.<name>.")
    return out


def flatten(table: dict, prefix: str = "") -> dict[str, Any]:
    """A nested TOML table as dotted paths: {"a": {"b": 1}} -> {"a.b": 1}."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        else:
            out[path] = value
    return out


def history(config: Config) -> Config:
    """The rules before the reform: the configuration without the arm's reform settings."""
    return dataclasses.replace(config, reform={}) if config.reform else config


def reformed(config: Config, source: str = "<reform>") -> Config:
    """The rules from the reform week: the history's, with the arm's settings applied."""
    return override_config(history(config), config.reform, source) if config.reform \
        else config
