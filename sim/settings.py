"""`setting()`: a dataclass field that carries its allowed range or choices.

Every configuration class (sim/scenario.py, sim/rules/) declares its fields with it, so one
validator (sim/scenario.py) checks them all and `reformsim validate --list` can show them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any


def setting(default: Any = dataclasses.MISSING, *, lo=None, hi=None, choices=None, **kw):
    """A dataclass field with its allowed range (inclusive) or choices as metadata."""
    if isinstance(default, (list, dict, set)):
        raise TypeError("mutable defaults are not allowed; use a tuple")
    return field(default=default, metadata={"lo": lo, "hi": hi, "choices": choices}, **kw)
