"""Scenario files: a bad file gives one line naming the file, the key path and what is allowed,
exit code 2 and nothing written; settings can be overridden by dotted path, double-underscore
path or unique name; every shipped scenario validates.

Why: the people who edit scenario files are researchers and policy staff. Each file in
tests/bad_scenarios/ is one mistake they will make, with the error it must give (DESIGN.md,
Invariants: "a bad scenario gives one clear message naming the key and the allowed values, exit
code 2, no traceback, and writes nothing").
"""

from __future__ import annotations

import dataclasses
import pickle
import subprocess
from pathlib import Path

import pytest

from sim.cli import main
from sim.config import Config, ScenarioError, leaf_settings, load, override_config, resolve_key

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BAD = HERE / "bad_scenarios"
SHIPPED = sorted((REPO / "scenarios").glob("*.toml"))
REFORMSIM = REPO / ".venv" / "bin" / "reformsim"

# file -> (key path the error must name, or None for a file-level error; text it must contain)
CASES: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "unknown_key.toml": (
        "labour_market.separaton_rate", ("unknown key", "did you mean 'separation_rate'?")),
    "unknown_municipality_key.toml": (
        "world.municipalities[0].labour_forse", ("did you mean 'labour_force'?",)),
    "unknown_table.toml": ("weather", ("unknown key 'weather'", "allowed:", "labour_market")),
    "misspelt_table.toml": ("labour_markt", ("did you mean 'labour_market'?",)),
    "string_for_number.toml": (
        "labour_market.vacancy_rate", ("expected a number", "'high'")),
    "bool_for_number.toml": ("run.weeks", ("expected a whole number", "True")),
    "list_for_number.toml": ("labour_market.vacancy_rate", ("expected a number",)),
    "out_of_range.toml": (
        "labour_market.separation_rate", ("0.5 is out of range", "allowed 0.0 to 0.2")),
    "not_a_number.toml": ("labour_market.separation_rate", ("must be a number", "nan")),
    "fractional_whole_number.toml": ("run.weeks", ("expected a whole number", "2.5")),
    "negative_weeks.toml": ("run.weeks", ("-4 is out of range", "allowed 1 to 5200")),
    "zero_replications.toml": ("replications", ("out of range", "allowed 1 to 10000")),
    "bad_choice.toml": (
        "world.country", ("'se2' is not allowed", "did you mean 'se'?", "allowed: se, fi")),
    "shares_not_summing.toml": (
        "world.education_shares", ("3 non-negative shares summing to 1", "[0.5, 0.3, 0.1]")),
    "wrong_tuple_length.toml": ("labour_market.effort_by_age", ("needs 3 values",)),
    "bad_tier_cutoffs.toml": ("profiling.tier_cutoffs", ("falling values", "tier 1 above")),
    "bad_ui_steps.toml": (
        "benefits.insurance_steps", ("[first day, factor, daily cap, daily floor]",)),
    "invalid_toml.toml": (None, ("not valid TOML", "line 3")),
    "missing_required.toml": (
        "world.municipalities[0].labour_force", ("is required but missing",)),
    "duplicate_municipality.toml": ("world.municipalities", ("must be unique",)),
    "both_world_kinds.toml": (
        "world.municipalities", ("either [[world.municipalities]] or [world.generate]",)),
    "no_world.toml": (
        "world.municipalities", ("either [[world.municipalities]] or [world.generate]",)),
    "municipalities_not_a_list.toml": ("world.municipalities", ("expected a list",)),
    "unknown_data_area.toml": (
        "world.areas[0]", ("unknown local labour market 'Porvon seutu'",
                           "did you mean 'Porvoon seutu'?")),
    "data_world_and_listed.toml": (
        "world.municipalities", ("either [[world.municipalities]] or [world.generate]",
                                 "world.from_data")),
    "table_expected.toml": ("labour_market", ("expected a table", "3 (int)")),
    "arm_not_a_table.toml": ("arms.lov", ("expected a table",)),
    "bad_arm_key.toml": (
        "arms.lov.labour_market.vacancy_rte", ("did you mean 'vacancy_rate'?",)),
    "bad_arm_value.toml": (
        "arms.lov.labour_market.vacancy_rate", ("2.0 is out of range", "allowed 0.0 to 0.2")),
    "bad_sweep_key.toml": (
        "sweep.labour_market.vacancy_rte", ("did you mean 'labour_market.vacancy_rate'?",)),
    "bad_sweep_value.toml": (
        "sweep.labour_market.vacancy_rate[1]", ("5.0 is out of range", "allowed 0.0 to 0.2")),
    "sweep_not_a_list.toml": (
        "sweep.labour_market.vacancy_rate", ("must be a non-empty list of values",)),
    # issue 16: numbers that are not finite, empty or ill-shaped lists, names used as paths
    "infinity_in_list.toml": ("world.skill_by_age[1]", ("must be a finite number", "inf")),
    "nan_in_nested_list.toml": ("benefits.insurance_steps[0][2]", ("must be a number", "nan")),
    "infinite_number.toml": ("labour_market.wage_mean", ("must be a finite number", "inf")),
    "empty_hours_grid.toml": (
        "services.nacka.effect.hours_grid", ("must not be empty", "at least one value")),
    "empty_sweep.toml": (
        "sweep.labour_market.vacancy_rate", ("must be a non-empty list of values",)),
    "unsafe_name.toml": ("name", ("'../../outside' is not a safe name", "letters, digits")),
    "unsafe_arm_name.toml": ("arms.a/b", ("'a/b' is not a safe name",)),
}
BAD_FILES = sorted(CASES)


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {len(lines)}:\n{text}"
    return lines[0]


# ------------------------------------------------------------------------ bad scenario files
def test_every_bad_scenario_file_states_the_error_it_must_give():
    on_disk = {p.name for p in BAD.glob("*.toml")}
    assert len(on_disk) >= 12
    assert on_disk == set(CASES), "add each new bad scenario file to CASES, and only those"


@pytest.mark.parametrize("name", BAD_FILES, ids=[n.removesuffix(".toml") for n in BAD_FILES])
def test_bad_scenario_error_names_the_file_the_key_path_and_what_is_allowed(name):
    key_path, fragments = CASES[name]
    source = str(BAD / name)
    with pytest.raises(ScenarioError) as caught:
        load(source)
    error = caught.value
    message = _one_line(str(error))
    assert message.startswith(source + ": ")
    if key_path is None:
        assert error.path == ""
    else:
        assert error.path == key_path
        assert f": {key_path}: " in message
    for fragment in fragments:
        assert fragment in message


@pytest.mark.parametrize("name", BAD_FILES, ids=[n.removesuffix(".toml") for n in BAD_FILES])
def test_running_a_bad_scenario_prints_one_line_exits_2_and_writes_nothing(name, tmp_path, capsys):
    key_path, fragments = CASES[name]
    out = tmp_path / "results"
    path = str(BAD / name)

    code = main(["run", path, "--out", str(out), "--weeks", "2"])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    line = _one_line(captured.err)
    assert line.startswith("error: ") and path in line
    if key_path is not None:
        assert f": {key_path}: " in line
    for fragment in fragments:
        assert fragment in line
    assert not out.exists(), "a refused scenario must write nothing"


@pytest.mark.parametrize("name", ["unknown_key.toml", "bad_arm_key.toml"])
def test_validate_command_refuses_a_bad_file_without_a_traceback(name, tmp_path):
    done = subprocess.run(
        [str(REFORMSIM), "validate", str(BAD / name)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    line = _one_line(done.stderr)
    assert CASES[name][0] in line and "did you mean" in line
    assert list(tmp_path.iterdir()) == []


def test_missing_file_is_refused_in_one_line(tmp_path, capsys):
    missing = tmp_path / "no_such_scenario.toml"
    code = main(["run", str(missing), "--out", str(tmp_path / "results")])
    line = _one_line(capsys.readouterr().err)
    assert code == 2
    assert str(missing) in line and "file not found" in line
    assert "reformsim scenarios" in line  # says where to look instead
    assert not (tmp_path / "results").exists()


def test_validate_stops_at_the_first_bad_file_with_exit_code_2(capsys):
    code = main(["validate", str(SHIPPED[0]), str(BAD / "out_of_range.toml")])
    assert code == 2
    assert "out_of_range.toml" in _one_line(capsys.readouterr().err)


# ------------------------------------------------------------------------ shipped scenarios
def test_there_are_shipped_scenarios_including_the_municipal_one():
    assert "municipality_se.toml" in {p.name for p in SHIPPED}


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_scenario_validates(path):
    scenario = load(path)
    assert scenario.name == path.stem
    assert scenario.description, "a shipped scenario says what it is"
    assert scenario.replications >= 1


def test_validate_command_accepts_every_shipped_scenario(capsys):
    assert main(["validate", *map(str, SHIPPED)]) == 0
    out = capsys.readouterr().out
    assert out.count(": ok (") == len(SHIPPED)


# --------------------------------------------------------------------------------- overrides
@pytest.mark.parametrize(
    "key", ["labour_market.vacancy_rate", "labour_market__vacancy_rate", "vacancy_rate"],
    ids=["dotted", "double_underscore", "unique_leaf_name"],
)
def test_override_by_dotted_path_double_underscore_or_unique_name(municipal_scenario, key):
    base = municipal_scenario.base
    changed = override_config(base, {key: 0.0031})
    assert changed.labour_market.vacancy_rate == 0.0031
    expected = dataclasses.replace(
        base, labour_market=dataclasses.replace(base.labour_market, vacancy_rate=0.0031)
    )
    assert changed == expected, "only the named setting changes"
    assert base.labour_market.vacancy_rate != 0.0031, "the original config is untouched"


def test_every_listed_setting_resolves_to_itself():
    for path, _, _ in leaf_settings():
        assert resolve_key(path) == path
        assert resolve_key(path.replace(".", "__")) == path


def test_ambiguous_leaf_name_lists_the_settings_it_could_mean(municipal_scenario):
    with pytest.raises(ScenarioError) as caught:
        override_config(municipal_scenario.base, {"municipalities": 3})
    message = _one_line(str(caught.value))
    assert "ambiguous" in message
    assert "world.municipalities" in message and "world.generate.municipalities" in message


def test_unknown_override_suggests_the_closest_setting(municipal_scenario):
    with pytest.raises(ScenarioError) as caught:
        override_config(municipal_scenario.base, {"labour_market.vacancy_rte": 0.002})
    assert caught.value.path == "labour_market.vacancy_rte"
    assert "did you mean 'labour_market.vacancy_rate'?" in str(caught.value)


def test_override_values_are_checked_like_file_values(municipal_scenario):
    with pytest.raises(ScenarioError) as caught:
        override_config(municipal_scenario.base, {"vacancy_rate": 5.0})
    assert caught.value.path == "labour_market.vacancy_rate"
    assert "allowed 0.0 to 0.2" in str(caught.value)


def test_override_inside_an_absent_optional_table_is_a_scenario_error(municipal_scenario):
    # The municipal world lists municipalities, so [world.generate] is absent (None).
    with pytest.raises(ScenarioError) as caught:
        override_config(municipal_scenario.base, {"world.generate.municipalities": 10})
    assert caught.value.path.startswith("world")


# ------------------------------------------------------------------------ arms, sweep, config
ARMS_TOML = """\
name = "two_arms"
replications = 3

[labour_market]
vacancy_rate = 0.0020

[[world.municipalities]]
name = "Nacka"
labour_force = 5000
market = "Stockholm"

[arms.lov.labour_market]
vacancy_rate = 0.0025

[arms.authorisation]

[sweep]
"labour_market.separation_rate" = [0.001, 0.002]
applications = [1, 2.5]
"""


@pytest.fixture
def two_arms(tmp_path):
    path = tmp_path / "two_arms.toml"
    path.write_text(ARMS_TOML, encoding="utf-8")
    return load(path)


def test_an_arm_overrides_only_what_it_names(two_arms):
    lov, auth = two_arms.arms["lov"], two_arms.arms["authorisation"]
    assert two_arms.base.labour_market.vacancy_rate == 0.0020
    assert lov.labour_market.vacancy_rate == 0.0025
    assert auth == two_arms.base
    assert dataclasses.replace(lov, labour_market=two_arms.base.labour_market) == two_arms.base


def test_the_default_arm_is_the_first_and_an_unknown_arm_lists_the_arms(two_arms):
    assert two_arms.arm(None) is two_arms.arms["lov"]
    with pytest.raises(ScenarioError, match="allowed: lov, authorisation"):
        two_arms.arm("procurment")


def test_sweep_keys_are_kept_as_written_with_their_values(two_arms):
    assert two_arms.sweep == {
        "labour_market.separation_rate": (0.001, 0.002),
        "applications": (1, 2.5),
    }
    assert two_arms.replications == 3


def test_a_whole_number_written_as_a_float_is_accepted(tmp_path):
    path = tmp_path / "weeks_float.toml"
    path.write_text(ARMS_TOML.replace("replications = 3", "replications = 3\n[run]\nweeks = 52.0"))
    weeks = load(path).base.run.weeks
    assert weeks == 52 and isinstance(weeks, int)


def test_config_is_frozen_picklable_and_its_digest_tracks_every_setting(municipal_scenario):
    config = municipal_scenario.base
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.run.weeks = 1  # type: ignore[misc]
    copy = pickle.loads(pickle.dumps(config))
    assert copy == config and copy.digest(1) == config.digest(1)
    assert config.digest(1) != config.digest(2), "the run id depends on the seed"
    nudged = override_config(config, {"labour_market.separation_rate": 0.00146})
    assert nudged.digest(1) != config.digest(1), "the run id depends on every setting"
    assert isinstance(config, Config)
