"""Figures of the evidence report: each target beside its evidence, by study."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from sim.evidence.table import SCALE


def draw(rows: list, out: Path) -> list[tuple[str, str]]:
    """One panel per study: simulated value and interval against the target range."""
    drawn = []
    for study in dict.fromkeys(r.target.study for r in rows):
        mine = [r for r in rows if r.target.study == study]
        fig = Figure(figsize=(8, 0.55 * len(mine) + 1.4), layout="constrained")
        ax = fig.subplots()
        for i, r in enumerate(mine):
            t, (scale, _) = r.target, SCALE[r.target.unit]
            lo, hi = (t.target if isinstance(t.target, tuple) else (t.target, t.target))
            ref = max(abs(hi), abs(lo), 1e-9) * scale
            ax.barh(i, (hi - lo + 2 * t.tolerance) * scale / ref, left=(lo - t.tolerance)
                    * scale / ref, height=0.5, color="0.85")
            low, high = r.interval
            colour = {"pass": "tab:green", "known gap": "tab:orange"}.get(r.status, "tab:red")
            if np.isfinite(low):
                ax.plot([low * scale / ref, high * scale / ref], [i, i], color=colour, lw=2)
            ax.plot(r.mean * scale / ref, i, "o", color=colour)
        ax.set_yticks(range(len(mine)), [r.target.label for r in mine], fontsize="small")
        ax.invert_yaxis()
        ax.set_xlabel("Simulated relative to the evidence (1 = the target; grey: the target "
                      "range with its tolerance)")
        ax.set_title(f"{study.capitalize()}: the model against the evidence")
        name = f"evidence_{study.replace(' ', '_').lower()}.png"
        fig.savefig(out / name, dpi=110)
        drawn.append((name, f"{study.capitalize()}: each target's range and tolerance (grey) "
                      "and the model's mean with its 95 % interval (green pass, orange known "
                      "gap, red fail)."))
    return drawn
