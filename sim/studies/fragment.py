"""A calibration's scenario fragment: the fitted settings as TOML tables a scenario can
`extends`, with a `[calibrated]` table saying which command made it and which targets it
used, so the evidence check (sim/evidence/targets.py) labels those targets calibrated."""

from __future__ import annotations

import os
from pathlib import Path

from sim.config import ScenarioFile, resolve_key
from sim.present import relative


def write_fragment(path: Path, scenario: ScenarioFile, fit, command: str,
                   targets: tuple[str, ...]) -> Path:
    """The scenario the fit was made on (`extends`, a relative path) with the fitted values."""
    path = Path(path)
    parent = os.path.relpath(Path(scenario.source).resolve(), path.parent.resolve())
    best = fit.best
    nested: dict = {}
    data = scenario.base.to_dict()
    held = {resolve_key(k, scenario.source, data): v for k, v in fit.fixed.items()}
    held = {k: v for k, v in held.items() if k.split(".")[0] != "run"}  # conditions of the fit
    for dotted, value in {**held, **best["values"]}.items():
        node = nested
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    lines = [
        f"# Fitted by the method of simulated moments (sim/studies/calibrate.py) to "
        f"{scenario.name}",
        f"# ({relative(scenario.source)}); made by:",
        f"#   {command}",
        f"# objective {best['objective']:.4g} after {len(fit.evaluations)} evaluations. It is "
        f"{scenario.name} with the",
        "# fitted values; a scenario uses them with `extends = \"<path to this file>\"`.",
        f"extends = {_toml(Path(parent).as_posix())}",
        "",
        "[calibrated]",
        f"scenario = {_toml(scenario.name)}",
        f"command = {_toml(command)}",
        f"targets = {_toml(list(targets))}",
        f"parameters = {_toml(list(best['values']))}",
        f"held = {_toml(list(held))}",
        f"objective = {best['objective']!r}",
        "",
    ]
    for row in fit.rows():
        lines.append(f"# {row['target']}: target {row['target_value']:.4g}, model "
                     f"{row['model']:.4g} (tolerance {row['tolerance']:.3g})")
    lines += _tables(nested, "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _tables(node: dict, prefix: str) -> list[str]:
    out = []
    leaves = {k: v for k, v in node.items() if not isinstance(v, dict)}
    if leaves:
        out += ["", f"[{prefix}]"] + [f"{k} = {_toml(v)}" for k, v in leaves.items()]
    for k, v in node.items():
        if isinstance(v, dict):
            out += _tables(v, f"{prefix}.{k}" if prefix else k)
    return out


def _toml(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float):
        text = f"{value:.6g}"
        return text if any(c in text for c in ".en") else text + ".0"
    return repr(value)
