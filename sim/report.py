"""A batch report for policy readers: `RESULTS/report.md` with PNG figures beside it.

Figures (matplotlib, drawn on `Figure` objects with the Agg canvas; no pyplot state):

- weekly outcomes (unemployment rate, long-term share, job-finding rate) per arm, the mean
  across replications with a band from the lowest to the highest replication;
- job finding and seekers by tier (1 near work .. 3 far from work);
- spending a year by category (run summaries) and by payer (run ledgers);
- each service scheme by tier (share served, hours, work within 12 months) and its provider
  market week by week (columns `services.<scheme>.providers_active`, `...hhi`, ...), when the
  runs have them;
- the comparison table of sim/compare.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from sim import coherence, indicators, store
from sim import compare as cmp

REPORT_FILE = "report.md"
WEEKLY = (
    ("unemployment_rate", "Unemployment rate (registered)", 1),
    ("long_term_share", "Long-term share (>= 52 weeks)", 1),
    ("job_finding_rate", "Weekly job-finding rate (4-week average)", 4),
)
PAYERS = {"state": "State", "municipality": "Municipalities"}
MSEK = FuncFormatter(lambda v, _: f"{v:,.0f}")
MAX_PROVIDER_PANELS = 6


def make_report(results: str | Path, baseline: str | None = None) -> tuple[Path, list[str]]:
    """Write report.md and its figures into the batch folder; return the report's path and
    warnings about runs left out (also in the report)."""
    summary = cmp.load_summary(results)
    folder = summary.folder
    manifest = store.read_batch_manifest(folder)
    rows = cmp.compare(summary, baseline=baseline)
    groups = _groups(summary)
    weekly = {g: [_weekly(folder, run_id) for run_id in ids] for g, ids in groups.items()}
    reps = len(set(summary.columns["replication"].tolist()))

    title = manifest.get("scenario") or folder.parent.name
    md = [f"# reformsim report: {title}", ""]
    if manifest.get("description"):
        md += [manifest["description"], ""]
    md += [_provenance(summary, manifest, reps), "", coherence.statement(summary) + ".", ""]
    md += [f"**Note:** {w}." for w in summary.warnings] + ([""] if summary.warnings else [])

    md += ["## Weekly outcomes", ""]
    if _weekly_figure(folder / "weekly_outcomes.png", weekly, reps):
        md += ["![Weekly outcomes by arm](weekly_outcomes.png)", "",
               "Lines are the mean across replications; bands run from the lowest to the "
               "highest replication. Weeks count from the end of burn-in.", ""]
    else:
        md += ["The runs have no weekly tables.", ""]

    md += ["## Outcomes by tier", ""]
    if _tier_figure(folder / "tiers.png", summary, groups):
        md += ["![Job finding and seekers by tier](tiers.png)", "",
               "Tier 1 is nearest to work and tier 3 farthest, as profiled by the employment "
               "service. Error bars are 95 % confidence intervals across replications.", ""]
    else:
        md += ["The run summaries have no outcomes by tier.", ""]

    md += ["## Costs", ""]
    if _cost_figure(folder / "costs.png", summary, groups):
        md += ["![Spending a year by category and by payer](costs.png)", "",
               "Average spending a year over the reported weeks, mean across replications: "
               "by category from the run summaries, by payer from the run ledgers (every "
               "payment of the run).", ""]
    else:
        md += ["The runs recorded no spending.", ""]

    md += ["## Services and the provider market", ""]
    drawn = False
    for scheme in service_schemes(summary):
        png = f"service_{scheme}_tiers.png"
        if _service_tier_figure(folder / png, summary, groups, scheme):
            md += [f"![The {scheme} service by tier]({png})", "",
                   "Parking shows as fewer hours for those far from work; creaming as a "
                   "smaller share of them taken in.", ""]
            drawn = True
    for prefix in provider_schemes(weekly):
        png = f"providers_{prefix.split('.')[1]}.png"
        if _provider_figure(folder / png, weekly, reps, prefix):
            md += [f"![The provider market]({png})", "",
                   "Mean across replications with the range across replications as a band; "
                   "entries, exits and exclusions count from the end of burn-in.", ""]
            drawn = True
    if not drawn:
        md += ["These runs have no service schemes or provider market: the public employment "
               "service serves every seeker.", ""]

    md += ["## Comparison", "", cmp.markdown_tables(rows, summary), "",
           "Rates in per cent, differences in percentage points (pp); spending in millions of "
           f"{summary.currency} a year. Replication r of every arm uses the same seed (common "
           "random numbers), so each difference is taken within a replication and its interval "
           "is a paired t interval; p is the two-sided p-value of 'no difference'. Outcomes equal "
           "in every run are left out; `reformsim compare` writes all of them to CSV.", ""]

    failures = manifest.get("failures") or []
    if failures:
        md += ["## Failed runs", "", "These runs raised and are not in the figures or tables; "
               "re-run the batch to retry them.", ""]
        md += [f"- `{f['run_id']}` (arm {f['arm']}, replication {f['replication']}): "
               f"{f.get('error')}" for f in failures]
        md += [""]
    path = folder / REPORT_FILE
    path.write_text("\n".join(md))
    return path, summary.warnings


# --------------------------------------------------------------------------------- data
def _groups(summary: cmp.Summary) -> dict[str, list[str]]:
    """Run ids of each arm x sweep point, labelled for a legend."""
    out: dict[str, list[str]] = {}
    arm_col, ids = summary.columns["arm"].tolist(), summary.columns["run_id"].tolist()
    for point in summary.points():
        for arm in summary.arms:
            mask = [a == arm for a in arm_col]
            for key, value in zip(summary.sweep, point, strict=True):
                col = summary.columns[key].tolist()
                mask = [m and c == value for m, c in zip(mask, col, strict=True)]
            where = ", ".join(f"{k.rsplit('.', 1)[-1]} = {v}"
                              for k, v in zip(summary.sweep, point, strict=True))
            name = f"{arm} ({where})" if where else arm
            chosen = [i for i, m in zip(ids, mask, strict=True) if m]
            if chosen:
                out[name] = chosen
    return out


def _weekly(folder: Path, run_id: str) -> dict[str, np.ndarray]:
    table = store.read_weekly(folder / store.RUNS_DIR / run_id)
    if "week" in table.column_names:
        table = table.filter(pc.greater_equal(table.column("week"), 0))
    return {k: np.array([np.nan if v is None else v for v in table.column(k).to_pylist()],
                        dtype=float)
            for k in table.column_names if pa.types.is_integer(table.schema.field(k).type)
            or pa.types.is_floating(table.schema.field(k).type)}


def _stack(runs: list[dict], key: str, smooth: int = 1):
    """(weeks, mean, low, high) across runs of one weekly column, or None if absent."""
    series = [r[key] for r in runs if key in r and "week" in r]
    if not series:
        return None
    n = min(len(s) for s in series)
    if n == 0:
        return None
    x = np.vstack([s[:n] for s in series])
    weeks = next(r["week"] for r in runs if key in r)[:n]
    if 1 < smooth <= n:  # trailing moving average: week t averages weeks t - smooth + 1 .. t
        kernel = np.ones(smooth) / smooth
        x = np.vstack([np.convolve(row, kernel, mode="valid") for row in x])
        weeks = weeks[smooth - 1:]
    return weeks, x.mean(axis=0), x.min(axis=0), x.max(axis=0)


def _provenance(summary: cmp.Summary, manifest: dict, reps: int) -> str:
    arms = ", ".join(summary.arms)
    points = len(summary.points())
    parts = [f"{summary.n} runs: arms {arms}; "
             + (f"{points} sweep points ({', '.join(summary.sweep)}); " if summary.sweep else "")
             + f"{reps} replications each."]
    if manifest:
        parts.append(f"Engine {manifest.get('engine')}, git commit "
                     f"`{manifest.get('git_commit')}`, reformsim "
                     f"{manifest.get('versions', {}).get('reformsim')}; batch started "
                     f"{manifest.get('started')}.")
    parts.append(f"Report written {datetime.now(UTC).isoformat(timespec='seconds')}.")
    return " ".join(parts)


# ------------------------------------------------------------------------------ figures
def _colours(n: int):
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


def _legend(ax, n: int):
    if n:
        ax.legend(frameon=False, fontsize="small")


def _weekly_figure(path: Path, weekly: dict, reps: int) -> bool:
    present = [(k, t, s) for k, t, s in WEEKLY
               if any(k in r for runs in weekly.values() for r in runs)]
    if not present:
        return False
    fig = Figure(figsize=(9, 3.0 * len(present)), layout="constrained")
    axes = fig.subplots(len(present), 1, sharex=True, squeeze=False)[:, 0]
    colours = _colours(len(weekly))
    for ax, (key, title, smooth) in zip(axes, present, strict=True):
        drawn = 0
        for (name, runs), colour in zip(weekly.items(), colours, strict=True):
            stacked = _stack(runs, key, smooth)
            if stacked is None:
                continue
            weeks, mean, low, high = stacked
            ax.plot(weeks, mean, color=colour, label=name, linewidth=1.5)
            ax.fill_between(weeks, low, high, color=colour, alpha=0.2, linewidth=0)
            drawn += 1
        ax.set_title(title)
        ax.set_ylabel("Per cent")
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(alpha=0.3)
        _legend(ax, drawn)
    axes[-1].set_xlabel("Week after burn-in")
    fig.suptitle(f"Weekly outcomes by arm: mean and range across {reps} replications")
    fig.savefig(path, dpi=110)
    return True


def _bars(ax, categories: list[str], groups: dict[str, list[tuple[float, float]]]):
    """Grouped bars: categories on the x axis, one bar per group, with error bars."""
    colours = _colours(len(groups))
    width = 0.8 / max(1, len(groups))
    x = np.arange(len(categories))
    for i, ((name, values), colour) in enumerate(zip(groups.items(), colours, strict=True)):
        means = [v[0] for v in values]
        errs = [v[1] if np.isfinite(v[1]) else 0.0 for v in values]
        ax.bar(x + (i - (len(groups) - 1) / 2) * width, means, width, yerr=errs, capsize=3,
               color=colour, label=name)
    ax.set_xticks(x, categories)
    ax.grid(axis="y", alpha=0.3)


def _mean_err(summary: cmp.Summary, ids: list[str], key: str) -> tuple[float, float]:
    mask = np.isin(summary.columns["run_id"], ids)
    n, mean, low, high = cmp.mean_ci(summary.columns[key][mask])
    return mean, (high - mean) if n > 1 else np.nan


def _tier_figure(path: Path, summary: cmp.Summary, groups: dict) -> bool:
    tiers = [t for t in (1, 2, 3) if f"job_finding_tier{t}" in summary.columns]
    if not tiers:
        return False
    names = [f"Tier {t}" + {1: "\n(near work)", 3: "\n(far from work)"}.get(t, "")
             for t in tiers]
    fig = Figure(figsize=(10, 4), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    _bars(ax1, names, {g: [_mean_err(summary, ids, f"job_finding_tier{t}") for t in tiers]
                       for g, ids in groups.items()})
    ax1.set_title("Weekly job-finding rate by tier")
    ax1.set_ylabel("Per cent of the tier's seekers a week")
    ax1.yaxis.set_major_formatter(PercentFormatter(1.0))
    if all(f"share_tier{t}" in summary.columns for t in tiers):
        _bars(ax2, names, {g: [_mean_err(summary, ids, f"share_tier{t}") for t in tiers]
                           for g, ids in groups.items()})
        ax2.set_title("Seekers by tier")
        ax2.set_ylabel("Per cent of registered seekers")
        ax2.yaxis.set_major_formatter(PercentFormatter(1.0))
    else:
        ax2.set_visible(False)
    ax1.set_xlabel("Tier (profiled distance from work)")
    ax2.set_xlabel("Tier (profiled distance from work)")
    ax1.legend(frameon=False, fontsize="small")
    fig.suptitle("Outcomes by tier: mean across replications with 95 % confidence intervals")
    fig.savefig(path, dpi=110)
    return True


def _payer_spend(folder: Path, run_id: str) -> dict[str, float]:
    """Spending a year by payer kind (state, municipalities, ...) from a run's ledger."""
    ledger = store.read_ledger(folder / store.RUNS_DIR / run_id, ["week", "payer", "amount"])
    ledger = ledger.filter(pc.greater_equal(ledger.column("week"), 0))
    weeks = len(set(ledger.column("week").to_pylist())) or 1
    out: dict[str, float] = {}
    for payer, amount in zip(ledger.column("payer").to_pylist(),
                             ledger.column("amount").to_pylist(), strict=True):
        kind = payer.split(":", 1)[0]
        name = PAYERS.get(kind, kind.replace("_", " ").capitalize())
        out[name] = out.get(name, 0.0) + amount
    return {k: v / (weeks / 52) for k, v in out.items()}


def _cost_figure(path: Path, summary: cmp.Summary, groups: dict) -> bool:
    categories = [k for k in summary.outcomes if k.startswith("spend_per_year.")]
    by_payer = {}
    for g, ids in groups.items():
        spends = [_payer_spend(summary.folder, i) for i in ids]
        payers = list(dict.fromkeys(p for s in spends for p in s))
        by_payer[g] = {p: float(np.mean([s.get(p, 0.0) for s in spends])) for p in payers}
    if not categories and not any(by_payer.values()):
        return False
    fig = Figure(figsize=(11, 4.5), layout="constrained")
    ax1, ax2 = fig.subplots(1, 2)
    names = list(groups)
    x = np.arange(len(names))

    def stacked(ax, parts: dict[str, list[float]]):
        bottom = np.zeros(len(names))
        for (part, values), colour in zip(parts.items(), _colours(len(parts)), strict=True):
            ax.bar(x, np.asarray(values) / 1e6, 0.6, bottom=bottom, label=part, color=colour)
            bottom += np.asarray(values) / 1e6
        ax.set_xticks(x, names, rotation=20 if len(names) > 3 else 0, ha="right"
                      if len(names) > 3 else "center")
        ax.set_xlabel("Arm")
        ax.set_ylabel(f"Million {summary.currency} a year")
        ax.yaxis.set_major_formatter(MSEK)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(frameon=False, fontsize="small", loc="upper center",
                  bbox_to_anchor=(0.5, -0.15), ncol=min(3, len(parts)))

    if categories:
        parts = {}
        for key in categories:
            parts[indicators.label_of(key).split(": ", 1)[-1].capitalize()] = [
                _mean_err(summary, ids, key)[0] for ids in groups.values()]
        stacked(ax1, parts)
        ax1.set_title("Spending a year by category")
    else:
        ax1.set_visible(False)
    payers = list(dict.fromkeys(p for d in by_payer.values() for p in d))
    if payers:
        stacked(ax2, {p: [by_payer[g].get(p, 0.0) for g in names] for p in payers})
        ax2.set_title("Spending a year by payer")
    else:
        ax2.set_visible(False)
    fig.suptitle("Public spending by arm (mean across replications)")
    fig.savefig(path, dpi=110)
    return True


def provider_schemes(weekly: dict) -> list[str]:
    """Prefixes of provider-market columns: `services.nacka.` for
    `services.nacka.providers_active`; one per service scheme of the runs."""
    names = {k for runs in weekly.values() for r in runs for k in r}
    return sorted(k[: -len("providers_active")] for k in names
                  if k.startswith("services.") and k.endswith(".providers_active"))


MARKET_PANELS = (  # (column after the scheme prefix, title, y label)
    ("providers_active", "Providers active", "Providers"),
    ("participants", "Participants in the service", "Participants"),
    ("hhi", "Market concentration (HHI)", "HHI (0-10,000; 10,000 = one provider)"),
    ("providers_entered", "Providers entered", "Providers since burn-in"),
    ("providers_exited", "Providers exited", "Providers since burn-in"),
    ("providers_excluded", "Providers excluded", "Providers since burn-in"),
)


def _provider_figure(path: Path, weekly: dict, reps: int, prefix: str) -> bool:
    """The provider market of one service scheme, week by week."""
    names = {k for runs in weekly.values() for r in runs for k in r}
    panels = [(prefix + k, t, y) for k, t, y in MARKET_PANELS if prefix + k in names]
    extra = sorted(k for k in names if k.startswith(prefix + "providers_")
                   and k not in {p[0] for p in panels})
    panels += [(k, indicators.label_of(k), "") for k in extra]
    panels = panels[:MAX_PROVIDER_PANELS]
    if not panels:
        return False
    cols = 2 if len(panels) > 1 else 1
    rows = (len(panels) + cols - 1) // cols
    fig = Figure(figsize=(5.5 * cols, 3.0 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    colours = _colours(len(weekly))
    for ax, (key, title, ylabel) in zip(axes, panels, strict=False):
        cumulative = key.endswith(("_entered", "_exited", "_excluded", "_tenders"))
        for (name, runs), colour in zip(weekly.items(), colours, strict=True):
            if cumulative:  # running totals since the run began: count from week 0
                runs = [{**r, key: r[key] - r[key][0]} for r in runs if len(r.get(key, ()))]
            stacked = _stack(runs, key)
            if stacked is None:
                continue
            weeks, mean, low, high = stacked
            ax.plot(weeks, mean, color=colour, label=name, linewidth=1.5)
            ax.fill_between(weeks, low, high, color=colour, alpha=0.2, linewidth=0)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("Week after burn-in")
        ax.grid(alpha=0.3)
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    axes[0].legend(frameon=False, fontsize="small")
    scheme = f" ({prefix.split('.')[1].replace('_', ' ').capitalize()} service)"
    fig.suptitle(f"The provider market{scheme}: mean and range across {reps} replications")
    fig.savefig(path, dpi=110)
    return True


SERVICE_PANELS = (  # (summary field before _tierN, title, y label)
    ("share_served", "Seekers in the service", "Per cent of the tier's seekers"),
    ("hours_per_week", "Service hours a week (parking shows as fewer)", "Hours per participant"),
    ("work_within_52w", "In work within 12 months of referral", "Per cent of referred"),
)


def service_schemes(summary: cmp.Summary) -> list[str]:
    return list(dict.fromkeys(k.split(".")[1] for k in summary.outcomes
                              if k.startswith("services.") and k.count(".") == 2))


def _service_tier_figure(path: Path, summary: cmp.Summary, groups: dict, scheme: str) -> bool:
    """Who the service reaches and what it does for them, by tier: parking and creaming."""
    base = f"services.{scheme}."
    panels = [(f, t, y) for f, t, y in SERVICE_PANELS
              if all(f"{base}{f}_tier{n}" in summary.columns for n in (1, 2, 3))]
    if not panels:
        return False
    names = ["Tier 1\n(near work)", "Tier 2", "Tier 3\n(far from work)"]
    fig = Figure(figsize=(5 * len(panels), 4), layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (field, title, ylabel) in zip(axes, panels, strict=True):
        keys = [f"{base}{field}_tier{n}" for n in (1, 2, 3)]
        _bars(ax, names, {g: [_mean_err(summary, ids, k) for k in keys]
                          for g, ids in groups.items()})
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("Tier (profiled distance from work)")
        if indicators.unit_of(keys[0]) == indicators.UNITS["share"]:
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    axes[0].legend(frameon=False, fontsize="small")
    fig.suptitle(f"{scheme.replace('_', ' ').capitalize()} service by tier: mean across "
                 "replications with 95 % confidence intervals")
    fig.savefig(path, dpi=110)
    return True
