"""Figures over time: the event study (paired difference to the baseline by week, with 95 %
intervals and the reform marked), levels with intervals, and each provider market."""

from __future__ import annotations

import numpy as np

from sim.compare import Summary
from sim.report.chart import Chart, colours, new_figure, percent_axis
from sim.report.weekly import Series, Weekly

PANELS = (  # (weekly column, title, trailing average in weeks)
    ("unemployment_rate", "Unemployment rate (registered)", 1),
    ("long_term_share", "Long-term share (>= 52 weeks)", 1),
    ("job_finding_rate", "Weekly job-finding rate (4-week average)", 4),
)
MARKET_PANELS = (  # (column after the scheme prefix, title, y label)
    ("providers_active", "Providers active", "Providers"),
    ("participants", "Participants in the service", "Participants (persons)"),
    ("hhi", "Market concentration (HHI)", "HHI (0-10,000; 10,000 = one provider)"),
    ("providers_entered", "Providers entered", "Providers (running total)"),
    ("providers_exited", "Providers exited", "Providers (running total)"),
    ("providers_excluded", "Providers excluded", "Providers (running total)"),
)


def weekly_keys(summary: Summary) -> list[str]:
    """The weekly columns these figures read."""
    keys = [k for k, _, _ in PANELS]
    for scheme in schemes(summary):
        keys += [f"services.{scheme}.{k}" for k, _, _ in MARKET_PANELS]
    return keys


def schemes(summary: Summary) -> list[str]:
    """Service schemes with a provider market in the summary (`services.<s>.providers_active`)."""
    return [k.split(".")[1] for k in summary.outcomes
            if k.startswith("services.") and k.endswith(".providers_active")]


def week_axis(ax, weekly: Weekly) -> None:
    if weekly.reform is not None:
        ax.axvspan(float(np.min(weekly.columns["week"])), 0, color="0.92", linewidth=0)
        ax.axvline(0, color="0.3", linewidth=1, linestyle="--")
        ax.set_xlabel("Week from the reform (0 = reform week)")
    else:
        ax.set_xlabel("Week after burn-in")


def _band(ax, s: Series, colour, name: str) -> None:
    ax.plot(s.weeks, s.mean, color=colour, label=name, linewidth=1.5)
    if np.isfinite(s.low).any():
        ax.fill_between(s.weeks, s.low, s.high, color=colour, alpha=0.2, linewidth=0)


def _lines(summary: Summary, baseline: str | None = None) -> list[tuple[str, str, tuple]]:
    """(legend name, arm, sweep point) of each line."""
    out = []
    for point in summary.points():
        where = ", ".join(f"{k.rsplit('.', 1)[-1]} = {v}"
                          for k, v in zip(summary.sweep, point, strict=True))
        for arm in summary.arms:
            if arm == baseline:
                continue
            name = f"{arm} - {baseline}" if baseline else arm
            out.append((f"{name} ({where})" if where else name, arm, point))
    return out


def differences(weekly: Weekly, summary: Summary, baseline: str) -> Chart | None:
    """The event study: arm - baseline by week, paired within replications."""
    panels = [p for p in PANELS if p[0] in weekly.keys]
    lines = _lines(summary, baseline)
    if not weekly or not panels or not lines:
        return None
    title = f"Difference to {baseline} by week: paired, with 95 % intervals"
    fig = new_figure(9, 2.8 * len(panels), title)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (key, name, smooth) in zip(axes, panels, strict=True):
        for (legend, arm, point), colour in zip(lines, colours(len(lines)), strict=True):
            s = weekly.difference(key, arm, baseline, point, smooth)
            if s is not None:
                _band(ax, s, colour, legend)
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set_title(name)
        ax.set_ylabel("Difference (pp)")
        percent_axis(ax, points=True)
        ax.grid(alpha=0.3)
        week_axis(ax, weekly)
    axes[0].legend(frameon=False, fontsize="small")
    reform = ("; the dashed line is the reform, before which the arms share their history"
              if weekly.reform is not None else "")
    caption = (f"Each line is an arm's paired difference to {baseline} week by week (same "
               f"replication, same random numbers), with its 95 % t interval across "
               f"replications as a band{reform}.")
    return Chart("differences.png", title, caption, fig)


def levels(weekly: Weekly, summary: Summary) -> Chart | None:
    panels = [p for p in PANELS if p[0] in weekly.keys]
    lines = _lines(summary)
    if not weekly or not panels:
        return None
    title = "Weekly outcomes by arm: mean with 95 % intervals across replications"
    fig = new_figure(9, 2.8 * len(panels), title)
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    clipped = False
    for ax, (key, name, smooth) in zip(axes, panels, strict=True):
        for (legend, arm, point), colour in zip(lines, colours(len(lines)), strict=True):
            s = weekly.level(key, arm, point, smooth)
            if s is not None:
                _band(ax, s, colour, legend)
                clipped |= s.clipped
        ax.set_title(name)
        ax.set_ylabel("Per cent")
        percent_axis(ax)
        ax.grid(alpha=0.3)
        week_axis(ax, weekly)
    axes[0].legend(frameon=False, fontsize="small")
    cut = (" (cut at 0 or 100 % where it reached past them: the true share lies inside)" if
           clipped else "")
    caption = ("Each arm's weekly level, the mean across replications with its 95 % t "
               f"interval as a band{cut}.")
    return Chart("weekly_outcomes.png", title, caption, fig)


def provider_market(weekly: Weekly, summary: Summary, scheme: str) -> Chart | None:
    """One service scheme's provider market, week by week, with 95 % intervals."""
    prefix = f"services.{scheme}."
    panels = [(prefix + k, t, y) for k, t, y in MARKET_PANELS if prefix + k in weekly.keys]
    lines = _lines(summary)
    if not weekly or not panels:
        return None
    name = scheme.replace("_", " ").capitalize()
    title = f"The provider market ({name} service): mean with 95 % intervals"
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + cols - 1) // cols
    fig = new_figure(5.5 * cols, 2.9 * rows, title)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (key, panel, ylabel) in zip(axes, panels, strict=False):
        for (legend, arm, point), colour in zip(lines, colours(len(lines)), strict=True):
            s = weekly.level(key, arm, point)
            if s is None:
                continue
            if ylabel.endswith("(running total)"):  # count from the first week shown
                s = Series(s.weeks, s.mean - s.mean[0], s.low - s.mean[0],
                           s.high - s.mean[0], s.n)
            _band(ax, s, colour, legend)
        ax.set_title(panel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        week_axis(ax, weekly)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    axes[0].legend(frameon=False, fontsize="small")
    caption = (f"Providers, participants and concentration in the {name} service week by week: "
               "the mean across replications with its 95 % t interval as a band; entries, "
               "exits and exclusions count from the first week shown.")
    return Chart(f"providers_{scheme}.png", title, caption, fig)

