"""Shared fixtures: paths, the municipal scenario, and small worlds built from it.

Why small worlds: the engine's properties (reproducibility, conservation, the ledger) do not
depend on size, so most tests run a few thousand persons for a few dozen weeks, with the
municipal scenario's behavioural settings, and only the calibration tests run it full size.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.config import Config, ScenarioFile, load, override_config

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
MUNICIPAL = SCENARIOS / "municipality_se.toml"
BAD_SCENARIOS = Path(__file__).resolve().parent / "bad_scenarios"
REFORMSIM = REPO / ".venv" / "bin" / "reformsim"

# 5,500 persons: two municipalities sharing a local labour market and one on its own, so the
# matching kernel sees more than one market (it runs them in parallel).
SMALL_WORLD = (
    {"name": "Nacka", "labour_force": 3000, "market": "Stockholm"},
    {"name": "Varmdo", "labour_force": 1500, "market": "Stockholm"},
    {"name": "Visby", "labour_force": 1000, "market": "Gotland"},
)
SMALL_BURN_IN, SMALL_WEEKS = 20, 30

SMALL_SCENARIO_TOML = f"""\
# A small world with the default (municipal) behavioural settings, for fast tests.
name = "small_se"
description = "5,500 persons in two local labour markets."

[run]
weeks = {SMALL_WEEKS}
burn_in_weeks = {SMALL_BURN_IN}
seed = 4242

[[world.municipalities]]
name = "Nacka"
labour_force = 3000
market = "Stockholm"

[[world.municipalities]]
name = "Varmdo"
labour_force = 1500
market = "Stockholm"

[[world.municipalities]]
name = "Visby"
labour_force = 1000
market = "Gotland"
"""


@pytest.fixture(scope="session")
def municipal_scenario() -> ScenarioFile:
    """scenarios/municipality_se.toml, loaded and validated."""
    return load(MUNICIPAL)


@pytest.fixture(scope="session")
def small_config(municipal_scenario) -> Config:
    """The municipal scenario's settings on a 5,500-person world: 20 weeks burn-in, 30 reported."""
    return override_config(
        municipal_scenario.base,
        {
            "world.municipalities": [dict(m) for m in SMALL_WORLD],
            "run.burn_in_weeks": SMALL_BURN_IN,
            "run.weeks": SMALL_WEEKS,
        },
    )


@pytest.fixture(scope="session")
def small_scenario_file(tmp_path_factory) -> Path:
    """A small scenario TOML file on disk (for the CLI and `ReformModel(path, ...)`)."""
    path = tmp_path_factory.mktemp("scenarios") / "small_se.toml"
    path.write_text(SMALL_SCENARIO_TOML, encoding="utf-8")
    return path
