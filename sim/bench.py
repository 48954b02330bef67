"""`reformsim bench`: the performance figures we track (not timed unit tests).

Matching-kernel applications per second for the Numba kernel and its pure-Python twin on the
same inputs, and model weeks per second and peak memory on a scenario.
"""

from __future__ import annotations

import resource
import sys
import time

import numba

from sim.kernels.bench import bench_kernel


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_bench(scenario: str, weeks: int = 52) -> dict:
    from sim.model import ReformModel

    figures: dict = {"numba_threads": numba.get_num_threads()}
    k = bench_kernel()
    figures["kernel applications/s (200k seekers)"] = float(k["big_kernel_apps_per_s"])
    figures["kernel applications/s (20k seekers)"] = float(k["small_kernel_apps_per_s"])
    figures["twin applications/s (20k seekers)"] = float(k["small_twin_apps_per_s"])
    figures["kernel / twin speed ratio"] = float(k["kernel_over_twin"])
    figures["kernel equals twin on these inputs"] = bool(k["twin_identical"])

    t0 = time.perf_counter()
    model = ReformModel(scenario, seeker_agents=False)
    built = time.perf_counter()
    for _ in range(weeks):
        model.step()
    ran = time.perf_counter()
    figures["scenario"] = scenario
    figures["persons"] = int(model.population.n)
    figures["registered seekers (last week)"] = len(model.registered)
    figures["model build s"] = built - t0
    figures["model weeks/s"] = weeks / (ran - built)
    figures["peak memory MB (process)"] = peak_rss_mb()
    return figures
