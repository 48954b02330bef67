"""`reformsim bench`: the performance figures we track (not timed unit tests).

Why: researchers run hundreds of national runs, so the cost of a simulated week is a result
we watch across commits. Rows: the matching kernel against its pure-Python twin on the same
inputs; the weekly step against the reference step (the same model with the per-seeker Python
twins of its kernels and a Seeker agent per registered person); a first run's compile time
(empty Numba cache); scenarios timed after their burn-in, each followed by the matching
kernel on one of its weeks; the first of them again with a Seeker agent per registered
person (issue 17 allows a run with them three times the time); and the scaling rows
(`national_se` at 1 %, 10 % and 100 % of its labour force).
Each scenario row runs in a fresh process (sim/bench_run.py) so its peak memory is its own.
The table is printed and written as JSON under results/bench/.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numba
import numpy as np

from sim.config import scenario_path
from sim.kernels.bench import bench_kernel

NATIONAL = ("national_se", "national_fi")
SCALING = (0.01, 0.1, 1.0)  # shares of national_se's labour force: about 50k, 500k, 5M
SE_SHARE = 0.496  # national_se's world.labour_force_share
SCALING_WEEKS = 26  # timed weeks of a scaling row, after a burn-in of as many
COLUMNS = ("row", "persons", "weeks", "wall_s", "weeks_per_s", "s_per_week",
           "burn_in_plus_520_s", "peak_mb", "vs_twin", "threads")


def run_row(scenario: str, weeks: int, settings: dict | None = None) -> dict:
    """One scenario row in a fresh process (its own peak memory)."""
    args = [f"{k}={json.dumps(v)}" for k, v in (settings or {}).items()]
    out = subprocess.run([sys.executable, "-m", "sim.bench_run", scenario, str(weeks), *args],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.splitlines()[-1])


def reference_step(scenario: str, weeks: int = 4, burn_in: int = 8) -> dict:
    """Seconds a week of the model's step and of the reference step on the same small world,
    after the same burn-in; the reference also shows the numbers are the same."""
    timings, tables = {}, {}
    for name in ("step", "reference"):
        with _per_seeker_python(name == "reference"):
            timings[name], tables[name], persons = _time_weeks(scenario, weeks, burn_in,
                                                               agents=name == "reference")
    return {"persons": persons, "weeks": weeks,
            "step_s_per_week": timings["step"], "reference_s_per_week": timings["reference"],
            "step_over_reference": timings["reference"] / timings["step"],
            "identical": same_bits(tables["step"], tables["reference"])}


def first_compile(scenarios=NATIONAL, share=0.005) -> dict:
    """Seconds a first run spends compiling (and caching) the kernels: small runs of the
    national scenarios (`share` of the labour force, the reform dated inside the run, so
    every kernel is called) in fresh processes with an empty Numba cache, minus the same runs
    with the cache they filled. Imports and the runs themselves cost the same in both."""
    def runs(env) -> float:
        t0 = time.perf_counter()
        for scenario in scenarios:
            subprocess.run([sys.executable, "-m", "sim.bench_run", str(scenario_path(scenario)),
                            "4", "run.burn_in_weeks=2", f"world.labour_force_share={share}"],
                           check=True, capture_output=True, env=env)
        return time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold, warm = runs(env), runs(env)
    return {"cold_s": cold, "warm_s": warm, "compile_s": cold - warm}


def _time_weeks(scenario, weeks, burn_in, agents):
    from sim.model import ReformModel

    model = ReformModel(scenario, run__burn_in_weeks=burn_in, run__weeks=weeks,
                        run__seeker_agents=agents)
    model.run(until=model.first_reported)
    t0 = time.perf_counter()
    model.run()
    return (time.perf_counter() - t0) / weeks, model.metrics.table(), int(model.population.n)


@contextlib.contextmanager
def _per_seeker_python(on: bool):
    """The reference step's slow path: the matching kernel's pure-Python twin, and the
    payments and matching counts' kernels run as plain Python, a loop over the seekers."""
    import sim.kernels.benefits as benefits
    import sim.labour_market as lm
    from sim.kernels.reference import match_week_reference

    slots = [(lm, "match_week", match_week_reference),
             (benefits, "_benefit_rows", benefits._benefit_rows.py_func),
             (lm, "tally", lm.tally.py_func)]
    saved = [(obj, attr, obj.__dict__[attr]) for obj, attr, _ in slots]
    try:
        if on:
            for obj, attr, slow in slots:
                setattr(obj, attr, slow)
        yield
    finally:
        for obj, attr, fast in saved:
            setattr(obj, attr, fast)


def same_bits(a, b) -> bool:
    """Two weekly tables equal bit for bit (NaN equals NaN: a week without hires)."""
    if a.schema != b.schema or a.num_rows != b.num_rows:
        return False
    for name in a.column_names:
        x, y = a[name].to_numpy(zero_copy_only=False), b[name].to_numpy(zero_copy_only=False)
        if x.dtype.kind == "f":
            x, y = x.view(np.uint64), y.view(np.uint64)
        if not np.array_equal(x, y):
            return False
    return True


def run_bench(scenarios: list[str] | None = None, weeks: int = 52, scaling: bool = True,
              agents: bool = True, progress=print) -> dict:
    """Every row of the bench; `scenarios` default to the national ones. With `agents`, the
    first scenario is timed again with seeker agents materialised (Mesa agents made and
    removed as people register and leave: a cost in Python a person, not in the kernels)."""
    report: dict = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "numba_threads": numba.get_num_threads(), "rows": []}
    progress("matching kernel vs its twin ...")
    k = bench_kernel()
    report["kernel"] = k
    report["rows"].append({"row": "matching kernel (apps/s)", "persons": k["big_seekers"],
                           "apps_per_s": k["big_kernel_apps_per_s"],
                           "vs_twin": k["kernel_over_twin"], "threads": k["threads"]})
    progress("weekly step vs the reference step ...")
    ref = reference_step(str(scenario_path("municipality_se")))
    report["reference"] = ref
    report["rows"].append({"row": "step vs reference (municipality_se)",
                           "persons": ref["persons"], "weeks": ref["weeks"],
                           "s_per_week": ref["step_s_per_week"],
                           "vs_twin": ref["step_over_reference"],
                           "threads": report["numba_threads"]})
    progress("first compile: small national runs with an empty Numba cache, then warm ...")
    c = first_compile()
    report["compile"] = c
    report["rows"].append({"row": "first compile (s, empty cache)", "wall_s": c["compile_s"],
                           "threads": report["numba_threads"]})
    if scaling:
        for share in SCALING:
            progress(f"scaling: national_se at {share:.0%} of its labour force ...")
            row = run_row(str(scenario_path("national_se")), SCALING_WEEKS,
                          {"world.labour_force_share": SE_SHARE * share,
                           "run.burn_in_weeks": SCALING_WEEKS})
            row["row"] = f"scaling national_se x{share:g}"
            report["rows"].append(row)
    for scenario in scenarios if scenarios is not None else NATIONAL:
        progress(f"{scenario}: burn-in and {weeks} weeks ...")
        row = run_row(str(scenario_path(scenario)), weeks)
        row["row"] = row["scenario"]
        report["rows"].append(row)
        if "kernel_apps_per_s" in row:
            report["rows"].append({"row": f"matching kernel, a {scenario} week (apps/s)",
                                   "persons": row["kernel_seekers"],
                                   "apps_per_s": row["kernel_apps_per_s"],
                                   "threads": row["threads"]})
    if agents:
        scenario = (scenarios or NATIONAL)[0]
        progress(f"{scenario} with seeker agents: burn-in and {weeks} weeks ...")
        row = run_row(str(scenario_path(scenario)), weeks, {"run.seeker_agents": True})
        row["row"] = f"{row['scenario']}, seeker agents"
        report["rows"].append(row)
    return report


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(report: dict) -> str:
    """The rows as a Markdown table (the README's performance section shows one)."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS)]
    for row in report["rows"]:
        cells = [_cell(row.get(c)) for c in COLUMNS]
        if "apps_per_s" in row:
            cells[COLUMNS.index("weeks_per_s")] = f"{row['apps_per_s'] / 1e6:.1f} M apps/s"
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(report: dict, folder: str | Path = "results/bench") -> Path:
    """The report as JSON, named by time and commit so runs compare across commits."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "nogit"
    report["commit"] = commit
    stamp = report["date"].replace(":", "").replace("-", "")[:15]
    path = folder / f"bench-{stamp}-{commit}.json"
    path.write_text(json.dumps(report, indent=1))
    return path
