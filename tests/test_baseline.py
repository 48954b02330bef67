"""The model's numbers on a fixed small world are what they were (tests/baseline/): an
unintended change of behaviour fails here; regenerate with `python -m tests.baseline.update`
when the change is intended, and say so in the commit."""

from __future__ import annotations

import json
import math

from tests.baseline.update import SUMMARY, pinned


def test_the_baseline_summary_is_unchanged():
    expected = json.loads(SUMMARY.read_text())
    got = pinned()
    assert got.keys() == expected.keys()
    changed = []
    for arm, values in expected.items():
        for key, value in values.items():
            new = got[arm].get(key)
            same = new is not None and (new == value or (math.isnan(new) and math.isnan(value))
                                        or math.isclose(new, value, rel_tol=1e-9))
            if not same:
                changed.append(f"{arm}: {key}: {value} -> {new}")
        changed += [f"{arm}: {k}: new key" for k in got[arm].keys() - values.keys()]
    assert not changed, "the model's numbers changed:\n" + "\n".join(changed[:20])
