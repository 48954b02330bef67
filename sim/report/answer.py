"""The answer first: a few sentences per arm, generated from the comparison's rows.

Per arm against the baseline (and per sweep point): who pays most and what happens to jobs;
the public cost with each payer counted once and the other payers; and those furthest from
work (the last profiling tier) with the long-term share. The wording rules are in wording.py.
"""

from __future__ import annotations

import math
import re

from sim.compare import Summary
from sim.report import budget, wording
from sim.report.wording import arm_name, capital, change, noun, stated

JOBS = "unemployment_rate"
LONG_TERM = "long_term_share"


def farthest_tier(summary: Summary) -> int | None:
    """The last profiling tier (farthest from work) that the summary has outcomes for."""
    tiers = [int(m.group(1)) for k in summary.outcomes
             if (m := re.fullmatch(r"job_finding_tier(\d+)", k))]
    return max(tiers) if tiers else None


def furthest_keys(summary: Summary) -> list[tuple[str, str]]:
    """(outcome, subject) for those furthest from work: each service scheme's referrals in
    work within 12 months, then their weekly job finding."""
    tier = farthest_tier(summary)
    if tier is None:
        return []
    out = []
    for key in summary.outcomes:
        m = re.fullmatch(rf"services\.(\w+)\.work_within_52w_tier{tier}", key)
        if m:
            scheme = m.group(1).replace("_", " ").capitalize()
            out.append((key, f"the share of {scheme}'s referrals in work within 12 months"))
    out.append((f"job_finding_tier{tier}", "the weekly job-finding rate"))
    return out


def sentences(rows: list[dict], summary: Summary) -> list[str]:
    """Paragraphs of sentences: a note on replications where they limit the answer, then one
    paragraph per arm (and sweep point) against the baseline."""
    cur = summary.currency
    diffs = [r for r in rows if "diff" in r]
    if not diffs:
        return [_one_arm(rows, summary)]
    out = []
    note = wording.replication_note(max(r["n_pairs"] for r in diffs))
    if note:
        out.append(note)
    points = summary.points()
    for point in points:
        at = dict(zip(summary.sweep, point, strict=True))
        here = [r for r in diffs if all(r.get(k) == v for k, v in at.items())]
        where = ("At " + ", ".join(f"{k} = {v}" for k, v in at.items()) + ": ") if at else ""
        for arm in summary.arms:
            by = {r["outcome"]: r for r in here if r["arm"] == arm}
            if by:
                out.append(where + " ".join(_arm(by, arm, summary, cur)))
    return out


def _arm(by: dict[str, dict], arm: str, summary: Summary, cur: str) -> list[str]:
    base = next(iter(by.values()))["baseline"]
    payers = [(k[len(budget.NET):], r) for k, r in by.items() if k.startswith(budget.NET)
              and math.isfinite(r.get("diff", math.nan))]
    # the payer whose cost moves most, detectably if any does
    payers.sort(key=lambda p: (wording.verdict(p[1]) not in ("up", "down"), -abs(p[1]["diff"])))
    jobs = by.get(JOBS)
    said = []
    lead = payers[:1] if payers and wording.verdict(payers[0][1]) in ("up", "down") else []
    if lead:
        top, row = lead[0]
        first = stated(change(row, budget.payer_name(top), cur, base, spends=True))
        if jobs:
            jobs_text = change(jobs, noun(jobs["label"]), cur)
            first += (f", with {jobs_text}" if jobs_text.startswith("no detectable")
                      else f", and {jobs_text}")
        said.append(f"Under the {arm_name(arm)} arm, {first}.")
    elif jobs:
        jobs_text = stated(change(jobs, noun(jobs["label"]), cur))
        said.append(f"Under the {arm_name(arm)} arm, compared with the {arm_name(base)} arm, "
                    f"{jobs_text}.")
    total = by.get(budget.TOTAL)
    if total:
        parts = [change(total, "the public cost", cur)]
        parts += [change(r, budget.payer_name(p), cur, spends=True) for p, r in payers[len(lead):]]
        said.append("Counting each payer once (transfers between governments netted), "
                    + wording.joined(parts) + ".")
    far = [(by[k], subject) for k, subject in furthest_keys(summary)
           if k in by and math.isfinite(by[k].get("diff", math.nan))]
    tier = farthest_tier(summary)
    parts = []
    if far and tier is not None:
        parts.append(f"for those furthest from work (tier {tier}), "
                     + stated(change(far[0][0], far[0][1], cur)))
    if LONG_TERM in by:
        parts.append(("among all seekers, " if parts else "")
                     + stated(change(by[LONG_TERM], noun(by[LONG_TERM]["label"]), cur)))
    if parts:
        said.append(capital("; ".join(parts)) + ".")
    return said


def _one_arm(rows: list[dict], summary: Summary) -> str:
    """With one arm there is nothing to compare: its main levels with intervals."""
    from sim.report.tables import fmt, unit_text

    arm = summary.arms[0]
    found = {r["outcome"]: r for r in rows if r["arm"] == arm}
    parts = []
    for key in (JOBS, LONG_TERM, budget.TOTAL):
        r = found.get(key)
        if r is None or not math.isfinite(r["mean"]):
            continue
        u = unit_text(r["unit"], currency=summary.currency)
        text = f"{noun(r['label'])} averages {fmt(r['unit'], r['mean'])} {u}".rstrip()
        if math.isfinite(r["ci_low"]):
            text += (f" (95 % CI {fmt(r['unit'], r['ci_low'], scale=r['mean'])} to "
                     f"{fmt(r['unit'], r['ci_high'], scale=r['mean'])})")
        parts.append(text)
    return (f"This batch has one arm ({arm_name(arm)}), so there is nothing to compare it with"
            + (": " + "; ".join(parts) if parts else "") + ".")
