"""What one week's stages hand each other (sim/model.py runs them in a declared order).

A stage reads what earlier stages left here and adds its own: who registered, who searched
with how many applications, who was hired. The week's indicator values go into `row`, under
keys declared in sim/indicators.py. Person arrays hold population rows; `seekers` are sorted,
`hired` come in the order of local labour markets (the matching kernel's), and `applications`,
`boost` and `sent` run parallel to `seekers`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


def _none() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass
class Week:
    number: int
    row: dict = field(default_factory=dict)
    separated: np.ndarray = field(default_factory=_none)  # whose job ended
    newly: np.ndarray = field(default_factory=_none)  # registering: separated and returning
    tenure: np.ndarray = field(default_factory=_none)  # weeks in the job lost, per newly
    seekers: np.ndarray = field(default_factory=_none)  # registered at matching
    applications: np.ndarray = field(default_factory=_none)  # expected, per seeker
    boost: np.ndarray = field(default_factory=_none)  # productivity gain from services
    hired: np.ndarray = field(default_factory=_none)  # hired this week
    is_hired: np.ndarray = field(default_factory=_none)  # bool, per seeker: hired this week
    sent: np.ndarray = field(default_factory=_none)  # applications sent, per seeker
    left: np.ndarray = field(default_factory=_none)  # left the labour force
    counts: tuple = ()  # the matching counts (sim/kernels/tally.py), by the matching stage
