"""Paired comparison of a batch's arms: means and differences with 95 % confidence intervals.

Reads a batch's `summary.parquet` through sim.store. For each sweep point and each
numeric outcome it reports every arm's mean across replications with a t interval, and for each
arm but the baseline the **paired** difference arm - baseline: replication r of the arm and of
the baseline share a seed (common random numbers), so the difference is taken within each
replication and the interval is a one-sample t interval of those differences (equivalently a
paired t-test; scipy.stats.t). Pairing removes the noise the arms share, which is most of it,
so intervals are much narrower than those of two independent means.

Labels and units come from the indicators' declarations (sim/indicators.py): shares are shown
in per cent and their differences in percentage points; money a year in millions of the
scenario's currency (SEK or EUR).
"""

from __future__ import annotations

import csv
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import stats

from sim import coherence, indicators
from sim.config import leaf_settings
from sim.store import ID_COLUMNS, SUMMARY_FILE, ResultsError, read_batch_summary

LEVEL = 0.95


# ------------------------------------------------------------------------------- reading
@dataclass
class Summary:
    """A batch summary: columns as NumPy arrays and which columns are arms, sweep, outcomes."""

    folder: Path
    columns: dict[str, np.ndarray]
    arms: list[str]
    sweep: list[str]
    outcomes: list[str]
    currency: str = "SEK"
    warnings: list[str] = field(default_factory=list)  # runs left out (sim/coherence.py)

    @property
    def n(self) -> int:
        return len(self.columns["arm"])

    def points(self) -> list[tuple]:
        """The distinct sweep points, in order of first appearance (() without a sweep)."""
        keys = zip(*(self.columns[k].tolist() for k in self.sweep), strict=True)
        return list(dict.fromkeys(keys)) if self.sweep else [()]

    def values(self, outcome: str, arm: str, point: tuple) -> dict[int, float]:
        """{replication: value} of one outcome for one arm at one sweep point."""
        mask = self.columns["arm"] == arm
        for key, value in zip(self.sweep, point, strict=True):
            mask &= self.columns[key] == value
        reps = self.columns["replication"][mask].tolist()
        vals = self.columns[outcome][mask].tolist()
        return {int(r): (math.nan if v is None else float(v)) for r, v in zip(reps, vals,
                                                                              strict=True)}


def load_summary(results: str | Path) -> Summary:
    """A batch folder (or its summary.parquet) -> Summary."""
    folder, table, meta = read_batch_summary(results)
    path = folder / SUMMARY_FILE
    names = table.column_names
    for key in ("arm", "replication"):
        if key not in names:
            raise ResultsError(str(path), f"not a batch summary: it has no {key!r} column")
    if "sweep" in meta:
        sweep = [k for k in meta["sweep"] if k in names]
    else:  # written by someone else: columns named like a setting are sweep values
        settings = {p for p, _, _ in leaf_settings()}
        sweep = [k for k in names if k in settings]
    numeric = [k for k in names if k not in ID_COLUMNS and k not in sweep
               and (table.schema.field(k).type.id in _NUMERIC_TYPES)]
    outcomes = [k for k in meta.get("outcomes", numeric) if k in numeric]
    outcomes += [k for k in numeric if k not in outcomes]
    columns = {}
    for k in names:
        col = table.column(k)
        if k in outcomes:
            columns[k] = np.array([math.nan if v is None else v for v in col.to_pylist()],
                                  dtype=float)
        else:
            columns[k] = np.array(col.to_pylist(), dtype=object)
    if not table.num_rows:
        raise ResultsError(str(path), "no finished runs in this batch yet (see its "
                           "manifest.json for failures)")
    arm_order = list(dict.fromkeys(columns["arm"].tolist()))
    arms = [a for a in meta.get("arms", []) if a in arm_order]
    arms += [a for a in arm_order if a not in arms]
    summary = Summary(folder, columns, arms, sweep, outcomes, meta.get("currency", "SEK"))
    summary.warnings = coherence.check(summary)
    return summary


def _numeric_type_ids():
    import pyarrow as pa

    types = (pa.int8(), pa.int16(), pa.int32(), pa.int64(), pa.uint8(), pa.uint16(),
             pa.uint32(), pa.uint64(), pa.float16(), pa.float32(), pa.float64(), pa.bool_())
    return {t.id for t in types}


_NUMERIC_TYPES = _numeric_type_ids()


# ---------------------------------------------------------------------------- statistics
def mean_ci(values, level: float = LEVEL) -> tuple[int, float, float, float]:
    """(n, mean, low, high): a t interval for the mean of the finite values."""
    x = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    n = len(x)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n == 1:
        return 1, mean, math.nan, math.nan
    se = float(x.std(ddof=1)) / math.sqrt(n)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * se
    return n, mean, mean - half, mean + half


def paired_ci(diffs, level: float = LEVEL) -> tuple[int, float, float, float, float]:
    """(n, mean difference, low, high, two-sided p-value of 'no difference')."""
    n, mean, low, high = mean_ci(diffs, level)
    if n < 2:
        return n, mean, low, high, math.nan
    x = np.asarray([v for v in diffs if np.isfinite(v)], dtype=float)
    se = float(x.std(ddof=1)) / math.sqrt(n)
    if se == 0.0:  # every replication differs by exactly the same amount (e.g. 0)
        return n, mean, mean, mean, (1.0 if mean == 0.0 else 0.0)
    p = float(2 * stats.t.sf(abs(mean / se), n - 1))
    return n, mean, low, high, p


def compare(summary: Summary, baseline: str | None = None, level: float = LEVEL) -> list[dict]:
    """One row per sweep point x outcome x arm: mean with interval; for arms other than the
    baseline also the paired difference to it with interval, relative difference and p."""
    if baseline is None:
        baseline = summary.arms[0]
    elif baseline not in summary.arms:
        raise ResultsError(str(summary.folder), f"unknown arm {baseline!r}; allowed: "
                           f"{', '.join(summary.arms)}", "--baseline")
    rows = []
    for point in summary.points():
        for outcome in summary.outcomes:
            base = summary.values(outcome, baseline, point)
            for arm in summary.arms:
                vals = summary.values(outcome, arm, point)
                if not vals:
                    continue
                n, mean, low, high = mean_ci(vals.values(), level)
                row = {**dict(zip(summary.sweep, point, strict=True)), "outcome": outcome,
                       "label": label(outcome), "arm": arm, "n": n, "mean": mean,
                       "ci_low": low, "ci_high": high, "baseline": baseline}
                if arm != baseline:
                    pairs = sorted(set(vals) & set(base))
                    diffs = [vals[r] - base[r] for r in pairs]
                    n_pairs, diff, d_low, d_high, p = paired_ci(diffs, level)
                    base_mean = mean_ci([base[r] for r in pairs], level)[1]
                    rel = diff / base_mean if base_mean else math.nan
                    row.update({"n_pairs": n_pairs, "diff": diff, "diff_ci_low": d_low,
                                "diff_ci_high": d_high, "diff_relative": rel, "p_value": p})
                rows.append(row)
    return rows


# -------------------------------------------------------------------------- presentation
def label(outcome: str) -> str:
    """A name for a policy reader, from the indicator's declaration (sim/indicators.py)."""
    return indicators.label_of(outcome)


def fmt(outcome: str, value: float, difference: bool = False, scale: float | None = None) -> str:
    """A value (or a difference, signed) in the outcome's declared unit, without the unit:
    shares in per cent (differences in pp), money a year in millions. `scale` (the largest
    magnitude shown beside it) picks the decimals, so a cell's numbers line up."""
    if value is None or not math.isfinite(value):
        return "-"
    factor = indicators.unit_of(outcome).scale
    size = abs((value if scale is None else scale) * factor)
    decimals = 0 if size >= 100 else 1 if size >= 10 else 2
    return f"{value * factor:{'+' if difference else ''},.{decimals}f}"


def unit(outcome: str, difference: bool = False, currency: str = "SEK") -> str:
    return indicators.unit_of(outcome).shown(difference, currency)


def cell(outcome: str, value, low, high, difference: bool = False, currency: str = "SEK") -> str:
    """'7.57 [7.41, 7.73] %'; without an interval when there is one replication."""
    if value is None or not math.isfinite(value):
        return "-"
    scale = max(abs(v) for v in (value, low, high) if v is not None and math.isfinite(v))
    text = fmt(outcome, value, difference, scale)
    if low is not None and math.isfinite(low):
        text += (f" [{fmt(outcome, low, difference, scale)}, "
                 f"{fmt(outcome, high, difference, scale)}]")
    return f"{text} {unit(outcome, difference, currency)}".rstrip()


def p_text(p) -> str:
    if p is None or not math.isfinite(p):
        return "-"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def varying(rows: list[dict], summary: Summary) -> list[str]:
    """Outcomes that differ between runs (constants such as `weeks` say nothing)."""
    out = []
    for outcome in summary.outcomes:
        x = summary.columns[outcome]
        x = x[np.isfinite(x)]
        if len(x) and np.ptp(x) > 0:
            out.append(outcome)
    return out


def tables(rows: list[dict], summary: Summary) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, body) for each comparison (arm vs baseline, per sweep point)."""
    shown = varying(rows, summary)
    cur = summary.currency
    reps = len(set(summary.columns["replication"].tolist()))
    pct = f"{LEVEL:.0%}"
    out = []
    for point in summary.points():
        at = {k: v for k, v in zip(summary.sweep, point, strict=True)}
        where = (" at " + ", ".join(f"{k} = {v}" for k, v in at.items())) if at else ""
        here = [r for r in rows if all(r.get(k) == v for k, v in at.items())]
        by = {(r["outcome"], r["arm"]): r for r in here}
        if len(summary.arms) == 1:
            arm = summary.arms[0]
            body = [[label(o), cell(o, r["mean"], r["ci_low"], r["ci_high"], False, cur)]
                    for o in shown if (r := by.get((o, arm)))]
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
                body.append([label(o), cell(o, b["mean"], b["ci_low"], b["ci_high"], False, cur),
                             cell(o, r["mean"], r["ci_low"], r["ci_high"], False, cur),
                             cell(o, r["diff"], r["diff_ci_low"], r["diff_ci_high"], True, cur),
                             p_text(r["p_value"])])
            title = (f"{arm} vs {baseline}{where}: means and paired difference with {pct} "
                     f"confidence intervals ({reps} replications)")
            out.append((title, ["Outcome", baseline, arm, f"Difference ({arm} - {baseline})",
                                "p"], body))
    return out


def format_table(rows: list[dict], summary: Summary) -> str:
    """The comparison as aligned plain-text tables."""
    chunks = []
    for title, header, body in tables(rows, summary):
        widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
        lines = [title, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
        lines.append("  ".join("-" * w for w in widths))
        for line in body:
            first, *rest = line
            lines.append("  ".join([first.ljust(widths[0])]
                                   + [c.rjust(w) for c, w in zip(rest, widths[1:], strict=True)]))
        chunks.append("\n".join(lines))
    hidden = len(summary.outcomes) - len(varying(rows, summary))
    if len(summary.arms) > 1:
        note = ("Rates in per cent, differences in percentage points (pp); spending in millions "
                f"of {summary.currency} a year. Differences are paired: same replication, same "
                "random numbers.")
    else:
        note = f"Rates in per cent; spending in millions of {summary.currency} a year."
    if hidden:
        note += f" {hidden} outcome(s) equal in every run are not shown (they are in the CSV)."
    return "\n\n".join([*chunks, textwrap.fill(note, 100)])


def markdown_tables(rows: list[dict], summary: Summary) -> str:
    chunks = []
    for title, header, body in tables(rows, summary):
        lines = [f"**{title}**", "", "| " + " | ".join(header) + " |",
                 "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
        lines += ["| " + " | ".join(line) + " |" for line in body]
        chunks.append("\n".join(lines))
    return "\n\n".join(chunks)


CSV_COLUMNS = ("outcome", "label", "arm", "n", "mean", "ci_low", "ci_high", "baseline",
               "n_pairs", "diff", "diff_ci_low", "diff_ci_high", "diff_relative", "p_value")


def write_csv(rows: list[dict], path: str | Path, summary: Summary) -> Path:
    """The comparison in long form: one line per sweep point x outcome x arm (raw units)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [*summary.sweep, *CSV_COLUMNS]
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])
    return path


def _csv_value(value):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return repr(value) if isinstance(value, float) else value
