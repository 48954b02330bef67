"""One timed row of `reformsim bench`: a scenario built, burnt in and run, in its own process.

Why a process of its own: peak memory (ru_maxrss) only ever grows, so a row's peak is honest
only if nothing else ran in that process; and a national world should not share memory with
the next row. `python -m sim.bench_run SCENARIO WEEKS [setting=value ...]` prints one JSON row.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numba


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def time_scenario(scenario: str, weeks: int, overrides: dict | None = None) -> dict:
    """Build, burn in, then time `weeks` reported weeks; seeker agents not materialised
    unless the overrides say so. Returns the row's figures (seconds, MB)."""
    from sim.config import load
    from sim.model import ReformModel

    overrides = {"run.seeker_agents": False, "run.weeks": weeks, **(overrides or {})}
    if load(scenario).base.run.reform_week >= 0:  # a reform dated in the timed weeks
        overrides.setdefault("run.reform_week", weeks // 2)
    t0 = time.perf_counter()
    model = ReformModel(scenario, **{k.replace(".", "__"): v for k, v in overrides.items()})
    built = time.perf_counter()
    burn_in = model.first_reported - model.week
    model.run(until=model.first_reported)
    burnt = time.perf_counter()
    model.run()
    ran = time.perf_counter()
    run_s = ran - burnt
    peak_mb = peak_rss_mb()  # before the kernel's copy of a week's inputs
    kernel = kernel_on_a_week(model)
    return {
        "scenario": Path(scenario).stem,
        "persons": int(model.population.n),
        "registered": len(model.registered),
        "burn_in_weeks": int(burn_in),
        "weeks": int(weeks),
        "build_s": built - t0,
        "burn_in_s": burnt - built,
        "wall_s": run_s,
        "s_per_week": run_s / weeks,
        "weeks_per_s": weeks / run_s,
        "burn_in_plus_520_s": (burnt - t0) + 520 * run_s / weeks,
        "peak_mb": peak_mb,
        "threads": numba.get_num_threads(),
        "seeker_agents": bool(model.config.run.seeker_agents),
        "settings": {k: v for k, v in overrides.items() if k != "run.weeks"},
        **kernel,
    }


def kernel_on_a_week(model, repeats: int = 5) -> dict:
    """The matching kernel on the inputs of one more week of the model (after the timed
    weeks, so they are not slowed): best of `repeats`, applications a second. Why beside the
    synthetic world's row: a national week is not shaped like it. Its seekers send about one
    application each (2.5 in the synthetic world), so what a seeker costs whether or not they
    apply (keys, a count, their share of employers' contacts) weighs more against the
    applications counted, and few candidates pass a vacancy's threshold (about 2 % in
    `national_se`, 60 % in the synthetic world): the two run at different speeds."""
    import numpy as np

    import sim.labour_market as lm

    fast, week = lm.match_week, {}

    def keep(**inputs):
        week.update({k: v.copy() if isinstance(v, np.ndarray) else v for k, v in inputs.items()})
        return fast(**inputs)

    lm.match_week = keep
    try:
        model.step()
    finally:
        lm.match_week = fast
    if not week:
        return {}
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        _, apps, contacts = fast(**week)
        best = min(best, time.perf_counter() - t0)
    return {"kernel_seekers": len(week["seeker_id"]), "kernel_applications": int(apps.sum()),
            "kernel_contacts": int(contacts.sum()), "kernel_s": best,
            "kernel_apps_per_s": int(apps.sum()) / best}


def _value(text: str):
    """A command-line setting's value: JSON where it parses (numbers, true), else a string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


if __name__ == "__main__":
    scenario, weeks, *settings = sys.argv[1:]
    pairs = dict(s.split("=", 1) for s in settings)
    print(json.dumps(time_scenario(scenario, int(weeks), {k: _value(v)
                                                          for k, v in pairs.items()})))
