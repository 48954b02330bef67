"""Uncertain settings and their ranges: a scenario's `[uncertain]` table (and the parameters
of `[calibrate]`), and a configuration at a point of the ranges.

A range is a setting's dotted path (as `--set` and `[sweep]` take it, sim/config/overrides.py)
with `[low, high]`: two finite numbers, low < high, both allowed values of the setting. The
file should say on the same line where the range comes from (evidence.md) or `[EST]`. A bad
range is refused in one line naming the file, the key path, what is wrong and what is allowed,
before anything runs, because a study of hours can fail at its last design point.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.config import Config, ScenarioError, ScenarioFile, flatten, override_config, resolve_key

ALLOWED = "[low, high]: two finite numbers, low < high, within the setting's range"


@dataclass(frozen=True)
class Range:
    """One uncertain setting: its dotted path and the interval it is varied over."""

    path: str
    low: float
    high: float
    whole: bool = False  # a whole-number setting: values are rounded

    def at(self, unit: float) -> float | int:
        """The value at `unit` in [0, 1] of the range."""
        value = self.low + unit * (self.high - self.low)
        return round(value) if self.whole else float(value)


def read_ranges(table: Any, scenario: ScenarioFile, where: str) -> list[Range]:
    """Validated ranges of a TOML table `where` (e.g. 'uncertain') of `scenario`'s file."""
    source = scenario.source
    if not isinstance(table, dict) or not table:
        raise ScenarioError(source, where, f"expected a table of setting = {ALLOWED}")
    data = scenario.base.to_dict()
    out = []
    for key, value in _items(table):
        path = f"{where}.{key}"
        try:
            dotted = resolve_key(key, source, data)
        except ScenarioError as e:
            raise ScenarioError(source, path, e.problem) from None
        out.append(_range(scenario.base, dotted, value, source, path))
        _check_cited(source, key, path)
    if len({r.path for r in out}) < len(out):
        raise ScenarioError(source, where, "names a setting twice; each setting once")
    return out


CITES = ("evidence.md", "[EST]", "sim/data/", "SOURCES.md")


def _check_cited(source: str, key: str, path: str) -> None:
    """A range's line must say where it comes from: a comment citing evidence.md (or the
    package data's sources) or marking it [EST]. Only files on disk are checked."""
    try:
        lines = Path(source).read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    leaf = key.rsplit(".", 1)[-1]
    mine = [ln for ln in lines if "=" in ln and ln.split("=", 1)[0].strip().strip('"\'')
            in (key, leaf)]
    if mine and not any("#" in ln and any(c in ln.split("#", 1)[1] for c in CITES)
                        for ln in mine):
        raise ScenarioError(source, path, "has no source: end its line with a comment citing "
                            "evidence.md (e.g. # evidence.md 1.4) or saying # [EST]")


def _items(table: dict):
    """Key paths and values: `"a.b.c" = [..]` and nested `[uncertain.a.b] c = [..]` alike."""
    for key, value in table.items():
        if isinstance(value, dict):
            for sub, v in flatten(value).items():
                yield f"{key}.{sub}", v
        else:
            yield key, value


def _range(base: Config, dotted: str, value, source: str, path: str) -> Range:
    def bad(problem: str):
        return ScenarioError(source, path, f"{problem}; allowed {ALLOWED}")

    current = _value_at(base.to_dict(), dotted)
    if isinstance(current, bool) or not isinstance(current, (int, float)):
        raise ScenarioError(source, path, f"is not a numeric setting (it is {current!r}); "
                            "only number settings can be uncertain")
    if not isinstance(value, list) or len(value) != 2:
        raise bad(f"expected [low, high], got {value!r}")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise bad(f"expected numbers, got {v!r}")
        if not math.isfinite(v):
            raise bad(f"{v!r} is not a finite number")
    low, high = float(value[0]), float(value[1])
    if low >= high:
        raise bad(f"low {value[0]!r} >= high {value[1]!r}")
    whole = isinstance(current, int)
    for end in (low, high):
        try:
            override_config(base, {dotted: round(end) if whole else end}, source)
        except ScenarioError as e:
            raise ScenarioError(source, path, f"{end!r} is not a value of the setting: "
                                f"{e.problem}") from None
    return Range(dotted, low, high, whole)


def _value_at(data: dict, dotted: str):
    node = data
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def at_point(config: Config, values: dict[str, Any], source: str = "<design>") -> Config:
    """`config` with `values` set; for an arm of a scenario with a reform date, set in its
    shared history and kept after the reform too (as a sweep value is: sim/plan.py)."""
    out = override_config(config, values, source)
    if out.reform:  # run and world settings are the history's, which the reform keeps
        data = config.to_dict()
        kept = {k: v for k, v in values.items()
                if resolve_key(k, source, data).split(".")[0] not in ("run", "world")}
        out = dataclasses.replace(out, reform={**out.reform, **kept})
    return out


def check_tables(data: dict, scenario: ScenarioFile) -> None:
    """Validate the study tables a scenario file may carry (called by the loader)."""
    if "uncertain" in data:
        read_ranges(data["uncertain"], scenario, "uncertain")
    if "sensitivity" in data:
        from sim.studies.sensitivity import read_study

        read_study(data["sensitivity"], scenario)
    calibrate = data.get("calibrate")
    if calibrate is not None:
        from sim.studies.calibrate_spec import read_spec

        read_spec(calibrate, scenario)
