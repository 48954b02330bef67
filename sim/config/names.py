"""Names that become folder and file names (scenarios, arms, batches) must be safe slugs.

A scenario's `name` is the folder its results go to (`results/<scenario>/...`), an arm's name a
file of the batch's weekly dataset and a batch's name a folder: a name such as `../../etc` or
`a/b` would write outside the results folder, so such names are refused, not cleaned.
"""

from __future__ import annotations

import re

from sim.config.build import ScenarioError

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
RULE = "1-100 letters, digits, '_', '-' or '.', starting with a letter or digit"


def is_slug(name: object) -> bool:
    return isinstance(name, str) and SLUG.fullmatch(name) is not None and ".." not in name


def safe_name(name: str, source: str, path: str) -> str:
    """`name` if it is a safe slug; else ScenarioError naming `source` and `path`."""
    if not is_slug(name):
        raise ScenarioError(source, path, f"{name!r} is not a safe name (it becomes a folder or "
                            f"file name); use {RULE}")
    return name


def slug(text: str) -> str:
    """A safe name made from `text` (e.g. a file name): other characters become '_'."""
    out = re.sub(r"[^A-Za-z0-9_.-]", "_", text).replace("..", "_").lstrip("._-")[:100]
    return out or "scenario"
