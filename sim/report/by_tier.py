"""Figures by profiling tier (1 near work .. n far from work): job finding and the seekers of
each tier, and each service scheme's reach by tier, where parking (fewer hours for those far
from work) and creaming (fewer of them taken in) show. Bars are means across replications
with 95 % t intervals, cut at 0 and 100 % for shares (sim/compare.py)."""

from __future__ import annotations

import numpy as np

from sim import compare as cmp
from sim.compare import Summary
from sim.indicators import UNITS
from sim.report.answer import farthest_tier
from sim.report.chart import Chart, colours, new_figure, percent_axis

SERVICE_PANELS = (  # (summary field before _tierN, title, y label)
    ("share_served", "Seekers in the service", "Per cent of the tier's seekers"),
    ("hours_per_week", "Service hours a week (parking shows as fewer)", "Hours per participant"),
    ("work_within_52w", "In work within 12 months of referral", "Per cent of referred"),
)


def groups(summary: Summary) -> dict[str, list[str]]:
    """Run ids of each arm x sweep point, named for a legend."""
    out: dict[str, list[str]] = {}
    for point in summary.points():
        for arm in summary.arms:
            mask = summary.columns["arm"] == arm
            for key, value in zip(summary.sweep, point, strict=True):
                mask &= summary.columns[key] == value
            where = ", ".join(f"{k.rsplit('.', 1)[-1]} = {v}"
                              for k, v in zip(summary.sweep, point, strict=True))
            ids = summary.columns["run_id"][mask].tolist()
            if ids:
                out[f"{arm} ({where})" if where else arm] = ids
    return out


def tier_names(tiers: list[int]) -> list[str]:
    last = max(tiers)
    return [f"Tier {t}" + {1: "\n(near work)", last: "\n(far from work)"}.get(t, "")
            for t in tiers]


def _mean_err(summary: Summary, ids: list[str], key: str) -> tuple[float, float, float]:
    """(mean, error below, error above) with the interval cut at the unit's bounds."""
    mask = np.isin(summary.columns["run_id"], ids)
    n, mean, low, high = cmp.mean_ci(summary.columns[key][mask])
    if n < 2:
        return mean, 0.0, 0.0
    low, high, _ = cmp.clip(low, high, UNITS[summary.unit(key)].bounds)
    return mean, mean - low, high - mean


def _bars(ax, categories: list[str], values: dict[str, list[tuple[float, float, float]]]):
    """Grouped bars: categories on the x axis, one bar per group, with error bars."""
    width = 0.8 / max(1, len(values))
    x = np.arange(len(categories))
    for i, ((name, vals), colour) in enumerate(zip(values.items(), colours(len(values)),
                                                   strict=True)):
        ax.bar(x + (i - (len(values) - 1) / 2) * width, [v[0] for v in vals], width,
               yerr=[[v[1] for v in vals], [v[2] for v in vals]], capsize=3, color=colour,
               label=name)
    ax.set_xticks(x, categories)
    ax.grid(axis="y", alpha=0.3)


def tiers(summary: Summary) -> Chart | None:
    last = farthest_tier(summary)
    if last is None:
        return None
    ts = [t for t in range(1, last + 1) if f"job_finding_tier{t}" in summary.columns]
    named = groups(summary)
    title = "Outcomes by tier: mean across replications with 95 % intervals"
    fig = new_figure(10, 4, title)
    ax1, ax2 = fig.subplots(1, 2)
    _bars(ax1, tier_names(ts), {g: [_mean_err(summary, ids, f"job_finding_tier{t}")
                                    for t in ts] for g, ids in named.items()})
    ax1.set_title("Weekly job-finding rate by tier")
    ax1.set_ylabel("Per cent of the tier's seekers a week")
    percent_axis(ax1)
    if all(f"share_tier{t}" in summary.columns for t in ts):
        _bars(ax2, tier_names(ts), {g: [_mean_err(summary, ids, f"share_tier{t}") for t in ts]
                                    for g, ids in named.items()})
        ax2.set_title("Seekers by tier")
        ax2.set_ylabel("Per cent of registered seekers")
        percent_axis(ax2)
    else:
        ax2.set_visible(False)
    for ax in (ax1, ax2):
        ax.set_xlabel("Tier (profiled distance from work)")
    ax1.legend(frameon=False, fontsize="small")
    caption = (f"How often seekers of each tier find work a week, and how seekers divide into "
               f"tiers, by arm; tier 1 is nearest to work and tier {last} farthest.")
    return Chart("tiers.png", title, caption, fig)


def service_schemes(summary: Summary) -> list[str]:
    return list(dict.fromkeys(k.split(".")[1] for k in summary.outcomes
                              if k.startswith("services.") and k.count(".") == 2))


def service(summary: Summary, scheme: str) -> Chart | None:
    """Who the service reaches and what it does for them, by tier."""
    base = f"services.{scheme}."
    last = farthest_tier(summary) or 3
    ts = list(range(1, last + 1))
    panels = [(f, t, y) for f, t, y in SERVICE_PANELS
              if all(f"{base}{f}_tier{n}" in summary.columns for n in ts)]
    if not panels:
        return None
    name = scheme.replace("_", " ").capitalize()
    named = groups(summary)
    title = f"{name} service by tier: mean across replications with 95 % intervals"
    fig = new_figure(5 * len(panels), 4, title)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (field, panel, ylabel) in zip(axes, panels, strict=True):
        keys = [f"{base}{field}_tier{n}" for n in ts]
        _bars(ax, tier_names(ts), {g: [_mean_err(summary, ids, k) for k in keys]
                                   for g, ids in named.items()})
        ax.set_title(panel)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("Tier (profiled distance from work)")
        if UNITS[summary.unit(keys[0])] == UNITS["share"]:
            percent_axis(ax)
    axes[0].legend(frameon=False, fontsize="small")
    caption = (f"The share of each tier the {name} service reaches, the hours it gives them and "
               "how many are in work within 12 months: parking shows as fewer hours for those "
               "far from work, creaming as fewer of them taken in.")
    return Chart(f"service_{scheme}_tiers.png", title, caption, fig)
