"""Who pays: each arm's budget by payer and programme, and its difference to the baseline as
a waterfall (as PolicyEngine shows a reform's budget impact).

The table shows a transfer between governments once, on its own row, as spending in the
payer's column and income (negative) in the payee's, so it nets to zero in the total public
cost (sim/report/budget.py). The waterfall walks from the baseline's public cost to the
arm's: by programme (transfers net to zero there, so they are no step) and by payer (each
payer's net cost, transfers included), both ending at the same total, with its 95 % interval.
"""

from __future__ import annotations

import math

import numpy as np

from sim.compare import Summary
from sim.report import budget as bud
from sim.report.chart import Chart, millions_axis, new_figure
from sim.report.wording import money_unit

UP, DOWN, TOTAL_COLOUR = "#b2182b", "#2166ac", "0.45"


def _millions(value: float) -> str:
    return f"{round(value / 1e6, 1) or 0.0:,.1f}"  # no "-0.0"


def run_ids(summary: Summary, arm: str, point: tuple) -> list[str]:
    mask = summary.columns["arm"] == arm
    for k, v in zip(summary.sweep, point, strict=True):
        mask &= summary.columns[k] == v
    return summary.columns["run_id"][mask].tolist()


def tables(budget: bud.Budget, summary: Summary) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, body) per arm and sweep point: programme x payer, a year, the mean over
    replications; transfers between payers once, netted in the total."""
    out = []
    payers = budget.payers
    for point in summary.points():
        where = ", ".join(f"{k} = {v}" for k, v in zip(summary.sweep, point, strict=True))
        for arm in summary.arms:
            ids = run_ids(summary, arm, point)
            if not ids:
                continue
            mean = budget.mean(ids)
            body = []
            for programme in budget.programmes:
                values = [mean.get((p, programme), 0.0) for p in payers]
                total = sum(values)
                shown = ("0 (netted)" if programme in bud.BETWEEN_GOVERNMENTS
                         else _millions(total))
                body.append([bud.programme_label(programme), *map(_millions, values), shown])
            nets = [sum(mean.get((p, g), 0.0) for g in budget.programmes) for p in payers]
            body.append(["Net cost", *map(_millions, nets), _millions(sum(nets))])
            title = (f"Arm {arm}" + (f" at {where}" if where else "")
                     + f": who pays, million {summary.currency} a year "
                     f"(mean of {len(ids)} replications)")
            header = ["Programme", *(bud.payer_name(p, True) for p in payers),
                      "Public cost"]
            out.append((title, header, body))
    return out


def waterfall(rows: list[dict], summary: Summary, budget: bud.Budget) -> Chart | None:
    """The public cost of each arm against the baseline's, step by step."""
    by = {(r["outcome"], r["arm"], tuple(r.get(k) for k in summary.sweep)): r for r in rows}
    cases = [(arm, point) for point in summary.points() for arm in summary.arms
             if (bud.TOTAL, arm, point) in by and "diff" in by[(bud.TOTAL, arm, point)]]
    if not cases:
        return None
    cur = money_unit(summary.currency)
    baseline = next(r["baseline"] for r in rows if "diff" in r)
    title = f"Who pays: the change in public cost against {baseline}, step by step"
    fig = new_figure(11, 3.6 * len(cases), title)
    axes = fig.subplots(len(cases), 2, squeeze=False)
    programmes = [g for g in budget.programmes if g not in bud.BETWEEN_GOVERNMENTS]
    for (arm, point), (left, right) in zip(cases, axes, strict=True):
        where = ", ".join(f"{k.rsplit('.', 1)[-1]} = {v}"
                          for k, v in zip(summary.sweep, point, strict=True))
        total = by[(bud.TOTAL, arm, point)]
        steps = [(bud.programme_label(g).split(" (")[0],
                  by.get((f"{bud.TOTAL}.{g}", arm, point))) for g in programmes]
        _steps(left, steps, total)
        left.set_title(f"{arm} - {baseline}{' (' + where + ')' if where else ''}: by programme")
        steps = [(bud.payer_name(p, True), by.get((bud.NET + p, arm, point)))
                 for p in budget.payers]
        _steps(right, steps, total)
        right.set_title(f"{arm} - {baseline}: by payer (transfers included)")
        for ax in (left, right):
            ax.set_ylabel(f"Change, {cur} a year")
            ax.set_xlabel("Programme" if ax is left else "Payer")
    caption = ("Each bar is one programme's (left) or one payer's (right) change in spending a "
               "year against the baseline, mean over paired replications, stacked from zero to "
               "the change in total public cost (grey, with its 95 % interval); transfers "
               "between governments cancel in the total.")
    return Chart("who_pays.png", title, caption, fig)


def _steps(ax, steps: list[tuple[str, dict | None]], total: dict) -> None:
    names, starts, sizes = [], [], []
    level = 0.0
    for name, row in steps:
        diff = row.get("diff", math.nan) if row else math.nan
        if not math.isfinite(diff):
            continue
        names.append(name)
        starts.append(level)
        sizes.append(diff)
        level += diff
    x = np.arange(len(names) + 1)
    ax.bar(x[:-1], sizes, bottom=starts, color=[UP if s > 0 else DOWN for s in sizes],
           width=0.6)
    d, lo, hi = total["diff"], total.get("diff_ci_low"), total.get("diff_ci_high")
    err = None
    if lo is not None and math.isfinite(lo):
        err = [[d - lo], [hi - d]]
    ax.bar(x[-1:], [d], color=TOTAL_COLOUR, width=0.6, yerr=err, capsize=4)
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_xticks(x, [*names, "Public cost"], rotation=20, ha="right")
    millions_axis(ax)
    ax.grid(axis="y", alpha=0.3)
