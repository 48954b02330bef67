"""Regenerate tests/baseline/summary.json after an intended change of behaviour:

    .venv/bin/python -m tests.baseline.update

The baseline pins the summary of a small world with a provider market and a reform date
(tests/baseline/scenario.toml, one seed), as Starsim pins its baselines: an unintended change
of the model's numbers fails tests/test_baseline.py loudly; an intended one is committed with
the regenerated file and says so.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "scenario.toml"
SUMMARY = HERE / "summary.json"
SEED = 11


def pinned() -> dict:
    """The baseline run's numeric summary, rounded to 10 significant digits."""
    from sim.config import load
    from sim.run import simulate

    scenario = load(SCENARIO)
    out = {}
    for arm in scenario.arms:
        summary = simulate(scenario.arm(arm), SEED).summary
        out[arm] = {k: float(f"{v:.10g}") for k, v in summary.items()
                    if isinstance(v, (int, float))}
    return out


if __name__ == "__main__":
    SUMMARY.write_text(json.dumps(pinned(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {SUMMARY}")
