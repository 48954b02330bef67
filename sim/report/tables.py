"""The comparison as tables: the short headline table and the full one (appendix, CLI --all).

Cells are 'mean [low, high] unit' in the outcome's declared unit (shares in per cent and their
differences in percentage points, money a year in millions); an interval cut at a bound (a share
at 0 or 100 %, sim/compare.py) is marked with an asterisk and a note under the table.
"""

from __future__ import annotations

import math
import re

import numpy as np

from sim import indicators
from sim.compare import LEVEL, Summary
from sim.indicators import UNITS
from sim.report import budget
from sim.report.answer import farthest_tier

HEADLINE_THEMES = ("Jobs and time to work", "Those furthest from work", "Who pays",
                   "The provider market")
MAX_HEADLINE = 15


# ------------------------------------------------------------------------------- cells
def fmt(unit: str, value: float, difference: bool = False, scale: float | None = None) -> str:
    """A value (or a difference, signed) in its unit, without the unit: shares in per cent
    (differences in pp), money a year in millions. `scale` (the largest magnitude shown beside
    it) picks the decimals, so a cell's numbers line up."""
    if value is None or not math.isfinite(value):
        return "-"
    factor = UNITS[unit].scale
    size = abs((value if scale is None else scale) * factor)
    decimals = 0 if size >= 100 else 1 if size >= 10 else 2
    return f"{value * factor:{'+' if difference else ''},.{decimals}f}"


def unit_text(unit: str, difference: bool = False, currency: str = "SEK") -> str:
    return UNITS[unit].shown(difference, currency)


def cell(unit: str, value, low, high, difference: bool = False, currency: str = "SEK",
         clipped: bool = False) -> str:
    """'7.57 [7.41, 7.73] %'; without an interval when there is one replication; '*' after
    an interval cut at its bound."""
    if value is None or not math.isfinite(value):
        return "-"
    scale = max(abs(v) for v in (value, low, high) if v is not None and math.isfinite(v))
    text = fmt(unit, value, difference, scale)
    if low is not None and math.isfinite(low):
        text += f" [{fmt(unit, low, difference, scale)}, {fmt(unit, high, difference, scale)}]"
        text += "*" if clipped else ""
    return f"{text} {unit_text(unit, difference, currency)}".rstrip()


def p_text(p) -> str:
    if p is None or not math.isfinite(p):
        return "-"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


# ----------------------------------------------------------------------------- choosing
def varying(summary: Summary) -> list[str]:
    """Outcomes that differ between runs (constants such as `weeks` say nothing)."""
    out = []
    for outcome in summary.outcomes:
        x = summary.columns[outcome]
        x = x[np.isfinite(x)]
        if len(x) and np.ptp(x) > 0:
            out.append(outcome)
    return out


def headline(summary: Summary) -> list[tuple[str, str]]:
    """(theme, outcome) of the 10-15 headline indicators: the declared headline ones (the
    longest horizon of each), those furthest from work, each payer's net cost and the public
    cost; outcomes equal in every run left out. Over the weeks from week 0 (the reform):
    the windows before it, in its first year and later are in the appendix."""
    shown = set(varying(summary))
    tier = farthest_tier(summary)
    keys: list[tuple[str, str]] = []
    declared = [k for k in summary.outcomes if (d := summary.declaration(k)) and d.headline
                and k.split(".", 1)[0] not in indicators.WINDOWS]  # not `first_year.` etc.
    longest = {}
    for k in declared:  # `work_within_{horizon}w`: the longest horizon only
        m = re.fullmatch(r"(.*_within_)(\d+)(w.*)", k)
        if m:
            stem = m.group(1) + m.group(3)
            longest[stem] = max(longest.get(stem, 0), int(m.group(2)))
    for k in declared:
        m = re.fullmatch(r"(.*_within_)(\d+)(w.*)", k)
        if m and int(m.group(2)) != longest[m.group(1) + m.group(3)]:
            continue
        theme = HEADLINE_THEMES[3] if k.startswith("services.") and "within" not in k \
            else HEADLINE_THEMES[0]
        keys.append((theme, k))
    if tier is not None:
        far = [f"job_finding_tier{tier}"] + [k for k in summary.outcomes if re.fullmatch(
            rf"services\.\w+\.work_within_52w_tier{tier}", k)]
        keys += [(HEADLINE_THEMES[1], k) for k in far]
    keys += [(HEADLINE_THEMES[2], k) for k in summary.outcomes
             if k == budget.TOTAL or k.startswith(budget.NET)]
    keys = [(t, k) for t, k in keys if k in shown]
    order = {t: i for i, t in enumerate(HEADLINE_THEMES)}
    keys.sort(key=lambda tk: order[tk[0]])  # stable: declaration order within a theme
    return keys[:MAX_HEADLINE]


# ------------------------------------------------------------------------------ tables
def tables(rows: list[dict], summary: Summary, keys: list[str] | None = None
           ) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, body) for each comparison (arm vs baseline, per sweep point), over
    `keys` (default: every outcome that varies)."""
    shown = keys if keys is not None else varying(summary)
    cur = summary.currency
    reps = summary.replications
    pct = f"{LEVEL:.0%}"
    out = []
    for point in summary.points():
        at = dict(zip(summary.sweep, point, strict=True))
        where = (" at " + ", ".join(f"{k} = {v}" for k, v in at.items())) if at else ""
        here = [r for r in rows if all(r.get(k) == v for k, v in at.items())]
        by = {(r["outcome"], r["arm"]): r for r in here}
        if len(summary.arms) == 1:
            arm = summary.arms[0]
            body = [[r["label"], _level(r, cur)] for o in shown if (r := by.get((o, arm)))]
            out.append((f"Arm {arm}{where}: means with {pct} confidence intervals across "
                        f"{reps} replications", ["Outcome", arm], body))
            continue
        baseline = here[0]["baseline"] if here else summary.arms[0]
        for arm in summary.arms:
            if arm == baseline:
                continue
            body = []
            for o in shown:
                b, r = by.get((o, baseline)), by.get((o, arm))
                if b is None or r is None:
                    continue
                body.append([r["label"], _level(b, cur), _level(r, cur),
                             cell(r["unit"], r["diff"], r["diff_ci_low"], r["diff_ci_high"],
                                  True, cur, r.get("ci_clipped", False)),
                             p_text(r["p_value"])])
            title = (f"{arm} vs {baseline}{where}: means and paired difference with {pct} "
                     f"confidence intervals ({reps} replications)")
            out.append((title, ["Outcome", baseline, arm, f"Difference ({arm} - {baseline})",
                                "p"], body))
    return out


def _level(r: dict, cur: str) -> str:
    return cell(r["unit"], r["mean"], r["ci_low"], r["ci_high"], False, cur,
                r.get("ci_clipped", False) and "diff" not in r)


def notes(rows: list[dict], summary: Summary) -> list[str]:
    """What a reader needs to read the tables: units, pairing, cut intervals."""
    cur = summary.currency
    out = [f"Rates in per cent, differences in percentage points (pp); money a year in millions "
           f"of {cur}."]
    if len(summary.arms) > 1:
        out.append("Differences are paired: replication r of every arm shares its seed (common "
                   "random numbers), so each difference is taken within a replication; p is the "
                   "two-sided p-value of 'no difference'.")
    if any(r.get("ci_clipped") for r in rows):
        out.append("* The t interval reached past the quantity's bounds (a share below 0 % or "
                   "above 100 %) and is cut there: the true value lies inside, so the cut "
                   "interval keeps its coverage. Few replications make such wide intervals.")
    return out


def plain(chunks: list[tuple[str, list[str], list[list[str]]]]) -> str:
    """Tables as aligned plain text."""
    out = []
    for title, header, body in chunks:
        widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
        lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        for line in body:
            first, *rest = line
            lines.append("  ".join([first.ljust(widths[0])]
                                   + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]))
        out.append("\n".join(lines))
    return "\n\n".join(out)


def markdown(chunks: list[tuple[str, list[str], list[list[str]]]]) -> str:
    out = []
    for title, header, body in chunks:
        lines = [f"**{title}**", "", "| " + " | ".join(header) + " |",
                 "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
        lines += ["| " + " | ".join(line) + " |" for line in body]
        out.append("\n".join(lines))
    return "\n\n".join(out)
