"""From TOML tables to the schema's dataclasses, checking keys, types, ranges and choices.

Every check names the file and the key path and says what is allowed, in one line, because the
people who edit scenario files are researchers and policy staff, not the authors of this module.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import types
import typing
from typing import Any


class ScenarioError(ValueError):
    """A bad scenario: one line with file, key path, the problem and what is allowed."""

    def __init__(self, source: str, path: str, problem: str):
        self.source, self.path, self.problem = source, path, problem
        where = f"{source}: {path}: " if path else f"{source}: "
        super().__init__(where + problem)


def build(cls, data: Any, source: str, path: str):
    """Build dataclass `cls` from a TOML table, checking keys, types, ranges and choices."""
    if isinstance(data, cls):
        return data
    data = _expect(source, path or "(top level)", data, dict)
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key in data:
        if key not in fields:
            _unknown(source, _join(path, key), key, fields)
    kwargs = {}
    for name, f in fields.items():
        sub = _join(path, name)
        if name in data:
            meta = {**f.metadata, "nonempty": _nonempty_default(f)}
            kwargs[name] = _convert(hints[name], data[name], meta, source, sub)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise ScenarioError(source, sub, "is required but missing")
        elif dataclasses.is_dataclass(f.default):  # an absent table still gets its checks
            kwargs[name] = build(type(f.default), {}, source, sub)
    try:
        obj = cls(**kwargs)
    except ScenarioError:
        raise
    except (ValueError, TypeError) as e:
        raise ScenarioError(source, path or "(top level)", str(e)) from None
    check = getattr(obj, "check", None)
    if check is not None:
        for key, problem in check():
            raise ScenarioError(source, _join(path, key), problem)
    return obj


def _convert(tp, value, meta, source, path):
    tp_inner = _strip_optional(tp)
    if value is None or (isinstance(value, str) and value == "none" and tp_inner is not tp):
        if tp_inner is not tp:
            return None
        raise ScenarioError(source, path, "must have a value")
    if dataclasses.is_dataclass(tp_inner):
        return build(tp_inner, value, source, path)
    origin = typing.get_origin(tp_inner)
    if origin is dict:
        item_tp = typing.get_args(tp_inner)[1]
        value = _expect(source, path, value, dict)
        return {k: _convert(item_tp, v, meta, source, f"{path}.{k}") for k, v in value.items()}
    if origin is tuple:
        args = typing.get_args(tp_inner)
        if not isinstance(value, (list, tuple)):
            raise ScenarioError(source, path, f"expected a list, got {_show(value)}")
        if not value and meta.get("nonempty"):
            raise ScenarioError(source, path, "must not be empty; give at least one value")
        item_tp = args[0]
        return tuple(
            _convert(item_tp, v, meta, source, f"{path}[{i}]") for i, v in enumerate(value)
        )
    if tp_inner is bool:
        if not isinstance(value, bool):
            raise ScenarioError(source, path, f"expected true or false, got {_show(value)}")
        return value
    if tp_inner in (int, float):
        return _check_number(source, path, value, tp_inner, meta.get("lo"), meta.get("hi"))
    if tp_inner is str:
        value = _expect(source, path, value, str)
        choices = meta.get("choices")
        if choices and value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            allowed = ", ".join(choices)
            raise ScenarioError(source, path, f"{value!r} is not allowed{hint}; allowed: {allowed}")
        return value
    if tp_inner is Any:
        return value
    raise TypeError(f"unsupported setting type {tp_inner!r} at {path}")


def _nonempty_default(f) -> bool:
    """A list setting whose default has values may not be emptied (a grid of service hours,
    the benefits referred): an empty list there is a mistake that would crash a run later."""
    return isinstance(f.default, tuple) and len(f.default) > 0


def _check_number(source, path, value, tp, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        kind = "a whole number" if tp is int else "a number"
        raise ScenarioError(source, path, f"expected {kind}, got {_show(value)}")
    if tp is int and not isinstance(value, int):
        if float(value).is_integer():
            value = int(value)
        else:
            raise ScenarioError(source, path, f"expected a whole number, got {value!r}")
    if value != value:
        raise ScenarioError(source, path, "must be a number, got nan")
    if not math.isfinite(value):
        raise ScenarioError(source, path, f"must be a finite number, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ScenarioError(source, path, f"{value!r} is out of range; allowed {_range(lo, hi)}")
    return tp(value)


def _range(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    return f">= {lo}" if lo is not None else f"<= {hi}"


def _expect(source, path, value, tp):
    if not isinstance(value, tp):
        kind = {dict: "a table", str: "a text string", list: "a list"}.get(tp, tp.__name__)
        raise ScenarioError(source, path, f"expected {kind}, got {_show(value)}")
    return value


def _unknown(source, path, key, allowed):
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(sorted(allowed))
    raise ScenarioError(source, path, f"unknown key {key!r}; {hint}")


def _show(value) -> str:
    return f"{value!r} ({type(value).__name__})"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _strip_optional(tp):
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp
