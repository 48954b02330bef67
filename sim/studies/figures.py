"""Figures of a sensitivity study, in the report's style (sim/report/chart.py): a title, axes
labelled with units and a sentence saying what the figure shows. One panel per outcome, since
outcomes come in different units (shares, money a year)."""

from __future__ import annotations

import numpy as np

from sim import indicators
from sim.report.chart import Chart, colours, new_figure


def _short(path: str) -> str:
    """`services.nacka.effect.believed_lift` -> `effect.believed_lift`."""
    parts = path.split(".")
    return ".".join(parts[-2:])


def _scale(label: str) -> tuple[float, str]:
    """Shares in percentage points, money in millions: (factor, unit) of an outcome label."""
    ind = indicators.find(label.split(" (")[0])
    unit = ind.unit if ind is not None else ""
    if unit == "share":
        return 100.0, "pp"
    if unit.startswith("money"):
        return 1e-6, "millions" + (" a year" if unit.endswith("per_year") else "")
    return 1.0, "outcome units"


def _grid(n: int) -> tuple[int, int]:
    cols = min(n, 3)
    return (n + cols - 1) // cols, cols


def _panels(result, title: str):
    """A figure with a panel per outcome (spare panels hidden) and the settings' short names."""
    rows, cols = _grid(len(result.labels))
    fig = new_figure(5.2 * cols, 4.4 * rows + 0.8, title)
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax in axes[len(result.labels):]:
        ax.set_visible(False)
    return fig, axes, [_short(r.path) for r in result.ranges]


def morris_chart(result) -> Chart:
    """mu* against sigma: far right matters, high up acts non-linearly or with others."""
    labels = result.labels
    title = "Morris screen: which uncertain settings move the answer"
    fig, axes, names = _panels(result, title)
    palette = colours(len(names))
    for ax, label in zip(axes, labels, strict=False):
        factor, unit = _scale(label)
        idx = {k: np.asarray(v) * factor for k, v in result.indices[label].items()}
        for i, name in enumerate(names):
            ax.errorbar(idx["mu_star"][i], idx["sigma"][i], xerr=idx["mu_star_conf"][i],
                        fmt="o", color=palette[i], label=name, capsize=3)
        top = max(float(np.nanmax(idx["mu_star"])), float(np.nanmax(idx["sigma"])), 1e-12)
        ax.plot([0, top], [0, top], ls=":", color="grey", lw=1)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel(f"mu*: mean |effect| of the full range ({unit})")
        ax.set_ylabel(f"sigma: sd of the effects ({unit})")
    axes[0].legend(fontsize=7, loc="upper left")
    caption = ("Each point is an uncertain setting: mu* (with its 95 % bootstrap interval) is "
               "how much moving it across its range changes the outcome on average, sigma how "
               "much that change depends on the other settings (above the dotted line: "
               "mostly through interactions or non-linearly).")
    return Chart("sensitivity_morris.png", title, caption, fig)


def sobol_chart(result) -> Chart:
    """First-order and total indices with 95 % intervals, per outcome."""
    labels = result.labels
    title = "Sobol' indices: share of the answer's variance due to each setting"
    fig, axes, names = _panels(result, title)
    pos = np.arange(len(names))
    for ax, label in zip(axes, labels, strict=False):
        idx = result.indices[label]
        ax.barh(pos - 0.2, idx["S1"], 0.4, xerr=idx["S1_conf"], label="S1 (first order)",
                capsize=2)
        ax.barh(pos + 0.2, idx["ST"], 0.4, xerr=idx["ST_conf"], label="ST (total)", capsize=2)
        ax.set_yticks(pos, names, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("share of variance")
        ax.set_ylabel("uncertain setting")
    axes[0].legend(fontsize=7)
    caption = ("S1 is the share of the outcome's variance a setting explains alone, ST the "
               "share it takes part in (with interactions); bars are 95 % bootstrap intervals.")
    return Chart("sensitivity_sobol.png", title, caption, fig)


def chart(result) -> Chart:
    return morris_chart(result) if result.method == "morris" else sobol_chart(result)
