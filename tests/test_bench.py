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


def test_the_first_scenario_is_timed_again_with_seeker_agents(monkeypatch):
    import sim.bench as bench

    calls = []

    def fake_row(scenario, weeks, settings=None):
        calls.append(settings or {})
        agents = bool((settings or {}).get("run.seeker_agents"))
        return {"scenario": scenario.rsplit("/", 1)[-1].removesuffix(".toml"), "weeks": weeks,
                "s_per_week": 0.1 if agents else 0.05, "seeker_agents": agents, "threads": 2}

    monkeypatch.setattr(bench, "run_row", fake_row)
    monkeypatch.setattr(bench, "bench_kernel", lambda: {
        "big_seekers": 1, "big_kernel_apps_per_s": 1.0, "kernel_over_twin": 1.0, "threads": 2})
    monkeypatch.setattr(bench, "reference_step", lambda scenario: {
        "persons": 1, "weeks": 1, "step_s_per_week": 1.0, "step_over_reference": 1.0})
    monkeypatch.setattr(bench, "first_compile", lambda: {"compile_s": 1.0})
    rows = bench.run_bench(["national_fi", "national_se"], 3, scaling=False,
                           progress=lambda text: None)["rows"]
    assert [r["row"] for r in rows[3:]] == ["national_fi", "national_se",
                                            "national_fi, seeker agents"]
    assert rows[-1]["seeker_agents"] and calls[-1] == {"run.seeker_agents": True}
    assert not any(r["row"].endswith("seeker agents") for r in bench.run_bench(
        ["national_se"], 3, scaling=False, agents=False, progress=lambda text: None)["rows"])
