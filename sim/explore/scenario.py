"""Scenarios as a reader changes them: shrunk to a quick size, settings changed in every arm or
in one, and a variant arm added; each result is a validated `ScenarioFile`, as from a file.

A change goes through the scenario file's own table (`ScenarioFile.raw`, the TOML with its
`extends` already merged) and `sim.config.from_dict`, so it is checked like a file and a
reform date still splits every arm into the shared history and the arm's rules.

Quick size (`shrink`): the world is scaled to about `persons` in the labour force and every
extensive quantity of a service market with it (places, provider capacity, fixed costs and
cash), so the market keeps its number of providers and their economics per participant; runs
are cut to a few months of burn-in and reported weeks. A shrunk scenario shows how the model
works and is fast; its numbers are not the scenario's answer (they are noisier and the long
spells have not built up).
"""

from __future__ import annotations

import copy
from typing import Any

from sim.config import ScenarioFile, deep_merge, from_dict, resolve_key

QUICK_PERSONS = 6000
QUICK_BURN_IN, QUICK_WEEKS = 30, 40
# settings of a service's providers that scale with the market's size (sim/rules/service.py)
EXTENSIVE = ("capacity_mean", "capacity_sd", "fixed_cost_week", "initial_cash", "exit_cash")

STUDIES = ("uncertain", "sensitivity", "calibrate", "calibrated")  # sim/studies/


def nested(settings: dict[str, Any]) -> dict:
    """{"a.b.c": v} -> {"a": {"b": {"c": v}}}."""
    out: dict = {}
    for key, value in settings.items():
        node = out
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def changed(scenario: ScenarioFile, settings: dict[str, Any] | None = None, *,
            arms: dict[str, dict[str, Any]] | None = None, keep: list[str] | None = None,
            name: str | None = None, replications: int | None = None) -> ScenarioFile:
    """The scenario with `settings` (dotted paths) changed for every arm, `arms` {name:
    settings} changed in (or added as) those arms, only the arms in `keep` (in that order),
    and its sweep dropped where its arms are now chosen by hand. The file's studies
    (`[uncertain]`, `[sensitivity]`, `[calibrate]`) name its own arms and are left out."""
    raw = {k: v for k, v in copy.deepcopy(scenario.raw).items() if k not in STUDIES}
    data = scenario.base.to_dict()
    settings = {resolve_key(k, scenario.source, data): v for k, v in (settings or {}).items()}
    raw = deep_merge(raw, nested(settings))
    all_arms = dict(raw.get("arms", {}))
    for arm, values in (arms or {}).items():
        values = {resolve_key(k, scenario.source, data): v for k, v in values.items()}
        all_arms[arm] = deep_merge(all_arms.get(arm, {}), nested(values))
    if keep is not None:
        all_arms = {a: all_arms.get(a, {}) for a in keep}
    if all_arms:
        raw["arms"] = all_arms
    if name is not None:
        raw["name"] = name
    if replications is not None:
        raw["replications"] = replications
    return from_dict(raw, source=scenario.source, default_name=scenario.name)


def quick_settings(scenario: ScenarioFile, persons: int = QUICK_PERSONS,
                   burn_in: int = QUICK_BURN_IN, weeks: int = QUICK_WEEKS) -> dict[str, Any]:
    """The settings that shrink `scenario` to about `persons` and `burn_in` + `weeks` weeks."""
    base = scenario.base
    out: dict[str, Any] = {"run.burn_in_weeks": burn_in, "run.weeks": weeks}
    if base.run.reform_week >= 0:  # the reform at the same share of the reported weeks
        share = base.run.reform_week / base.run.weeks
        out["run.reform_week"] = min(weeks - 1, max(1, round(share * weeks)))
    world = base.world
    listed = world.listed()  # a generated world is not shrunk (its size needs the seed)
    size = sum(m.labour_force for m in listed) or persons
    factor = min(1.0, persons / size)
    if world.from_data:
        out["world.labour_force_share"] = world.labour_force_share * factor
    elif listed:
        out["world.municipalities"] = [
            {**m.__dict__, "labour_force": max(100, round(m.labour_force * factor))}
            for m in listed]
    for scheme, service in base.services.items():
        out[f"services.{scheme}.referral.places"] = round(service.referral.places * factor)
        for key in EXTENSIVE:
            out[f"services.{scheme}.providers.{key}"] = getattr(service.providers, key) * factor
    return out


def shrink(scenario: ScenarioFile, **size) -> ScenarioFile:
    """`scenario` at a quick size (see the module)."""
    return changed(scenario, quick_settings(scenario, **size))

