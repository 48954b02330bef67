"""`reformsim bench`'s rows: a scenario row carries the matching kernel timed on one of its
weeks, and the table shows it beside the synthetic world's kernel row. (Timings themselves are
the bench's to report, not a test's.)"""

from __future__ import annotations

from sim.bench import table
from sim.bench_run import time_scenario


def test_a_scenario_row_times_the_kernel_on_one_of_its_weeks():
    row = time_scenario("scenarios/national_se.toml", 2,
                        {"world.labour_force_share": 0.004, "run.burn_in_weeks": 2})
    assert row["weeks"] == 2 and row["s_per_week"] > 0 and row["peak_mb"] > 0
    # one more week than timed, with about the registered stock as seekers
    assert 0.5 * row["registered"] < row["kernel_seekers"] < 2 * row["registered"]
    assert 0 < row["kernel_applications"] and 0 < row["kernel_contacts"]
    assert row["kernel_apps_per_s"] == row["kernel_applications"] / row["kernel_s"]


def test_kernel_rows_show_applications_a_second():
    report = {"rows": [{"row": "national_se", "persons": 5_000_000, "s_per_week": 0.05},
                       {"row": "matching kernel, a national_se week (apps/s)",
                        "persons": 400_000, "apps_per_s": 37.5e6, "threads": 2}]}
    lines = table(report).splitlines()
    assert lines[3].startswith("| matching kernel, a national_se week (apps/s) | 400,000 |")
    assert "37.5 M apps/s" in lines[3] and "37.5 M" not in lines[2]
