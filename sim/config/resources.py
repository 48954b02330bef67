"""Will a world fit in memory? An estimate, checked before anything runs.

A population far too large for the machine would otherwise pass validation and then crash or
swap for hours. The estimate is deliberately generous: the person columns
(sim/population.py, about 110 bytes a person) plus what a run builds around them (matching
arrays, event queues, per-week indicators), measured at about 230 bytes a person on a
200,000- and an 800,000-person world, rounded up to 400; Seeker agents (Mesa objects for the
registered) add about 150 bytes a person; a run process starts at about 300 MiB (Python,
NumPy, Numba, Mesa and the compiled kernels).
"""

from __future__ import annotations

import psutil

from sim.config.build import ScenarioError

BASE_BYTES = 300 * 2**20
BYTES_PER_PERSON = 400
AGENT_BYTES_PER_PERSON = 150
GIB = 2**30


def persons(config) -> int:
    """Persons a world of this configuration holds (each generated municipality has >= 100)."""
    w = config.world
    if w.generate is not None:
        return w.generate.labour_force + 100 * w.generate.municipalities
    return sum(m.labour_force for m in w.listed())  # listed, or loaded from sim/data


def estimated_bytes(config) -> int:
    per = BYTES_PER_PERSON + (AGENT_BYTES_PER_PERSON if config.run.seeker_agents else 0)
    return BASE_BYTES + per * persons(config)


def available_bytes() -> int:
    """Memory the machine can give now without swapping (psutil: MemAvailable on Linux)."""
    return int(psutil.virtual_memory().available)


def runs_that_fit(config) -> int:
    """How many runs of `config` fit in memory side by side (0: not even one)."""
    return available_bytes() // estimated_bytes(config)


def check_memory(config, source: str, path: str = "world", copies: int = 1) -> None:
    """Refuse a world whose estimated memory (times `copies` side by side) exceeds what the
    machine has available; the message gives the estimate and the limit."""
    need, have = estimated_bytes(config) * copies, available_bytes()
    if need > have:
        side = f" x {copies} runs side by side" if copies > 1 else ""
        raise ScenarioError(source, path, f"{persons(config):,} persons need about "
                            f"{need / GIB:,.1f} GiB of memory{side} (estimate); this machine has "
                            f"{have / GIB:,.1f} GiB available; use a smaller world"
                            + (" or fewer workers" if copies > 1 else ""))
