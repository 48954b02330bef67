"""`setting()`: a dataclass field that carries its allowed range or choices.

Every configuration class (sim/config/schema.py, sim/rules/) declares its fields with it, so one
validator (sim/config/build.py) checks them all and `reformsim validate --list` can show them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any, ClassVar


def setting(default: Any = dataclasses.MISSING, *, lo=None, hi=None, choices=None,
            help: str | None = None, unit: str | None = None, **kw):
    """A dataclass field with its allowed range (inclusive) or choices as metadata, and what it
    means (`help`) and is measured in (`unit`), for `reformsim validate --list`."""
    if isinstance(default, (list, dict, set)):
        raise TypeError("mutable defaults are not allowed; use a tuple")
    return field(default=default, metadata={"lo": lo, "hi": hi, "choices": choices,
                                            "help": help, "unit": unit}, **kw)


class Preset:
    """Mixin for settings classes built on named presets (regimes, payment designs, funding
    models, benefit systems): fields left as None take the value of the preset named by
    `PRESET_FIELD`, so a scenario overrides any one setting of a preset and nothing else."""

    PRESET_FIELD: ClassVar[str]
    PRESETS: ClassVar[dict[str, dict]]

    def __post_init__(self):
        for key, value in self.PRESETS[getattr(self, self.PRESET_FIELD)].items():
            if getattr(self, key) is None:
                object.__setattr__(self, key, value)

    def overrides(self) -> dict:
        """Settings that differ from the preset: what makes this a hybrid."""
        preset = self.PRESETS[getattr(self, self.PRESET_FIELD)]
        return {k: v for k, v in dataclasses.asdict(self).items()
                if k in preset and v != preset[k]}
