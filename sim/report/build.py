"""Write a batch's report: report.md with its PNG figures, report.html (one self-contained file,
figures embedded) and compare.csv (every outcome), all from one analysis of the batch.

Both reports open with the answer in words (answer.py), then the headline indicators, who
pays (who_pays.py), differences over time (over_time.py), outcomes by tier (by_tier.py), the
provider market, the runs used, and every outcome in an appendix. Templates are jinja2
(templates/, package data); figures are matplotlib `Figure` objects (chart.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from sim import coherence, store
from sim.compare import write_csv
from sim.report import budget as bud
from sim.report import by_tier, over_time, tables, who_pays
from sim.report.analysis import Analysis, analyse
from sim.report.chart import Chart
from sim.report.weekly import Weekly

REPORT_FILE, HTML_FILE, CSV_FILE = "report.md", "report.html", "compare.csv"
SECTIONS = ("who_pays", "over_time", "by_tier", "market")


@dataclass
class Written:
    """What `make_report` wrote, and what to tell the reader."""

    markdown: Path
    html: Path
    csv: Path
    sentences: list[str]
    warnings: list[str]
    charts: list[Chart] = field(default_factory=list)


def make_report(results: str | Path, baseline: str | None = None) -> Written:
    """Analyse the batch folder `results` and write its reports and figures into it."""
    a = analyse(results, baseline)
    folder = a.summary.folder
    charts = draw(a)
    for chart in (c for cs in charts.values() for c in cs):
        (folder / chart.name).write_bytes(chart.png())
    csv = write_csv(a.rows, folder / CSV_FILE, a.summary)
    context = content(a, charts)
    md = folder / REPORT_FILE
    md.write_text(_render("report.md.j2", context))
    html = folder / HTML_FILE
    html.write_text(_render("report.html.j2", context))
    return Written(md, html, csv, a.sentences, a.summary.warnings,
                   [c for cs in charts.values() for c in cs])


def draw(a: Analysis) -> dict[str, list[Chart]]:
    """Every figure the batch allows, by report section."""
    s = a.summary
    weekly = Weekly(s, over_time.weekly_keys(s))
    out: dict[str, list[Chart | None]] = {k: [] for k in SECTIONS}
    if a.budget is not None:
        out["who_pays"].append(who_pays.waterfall(a.rows, s, a.budget))
    if len(s.arms) > 1:
        out["over_time"].append(over_time.differences(weekly, s, a.baseline))
    out["over_time"].append(over_time.levels(weekly, s))
    out["by_tier"].append(by_tier.tiers(s))
    out["market"] += [by_tier.service(s, scheme) for scheme in by_tier.service_schemes(s)]
    out["market"] += [over_time.provider_market(weekly, s, scheme)
                      for scheme in over_time.schemes(s)]
    return {k: [c for c in v if c is not None] for k, v in out.items()}


def content(a: Analysis, charts: dict[str, list[Chart]]) -> dict:
    """What the templates show (`r`)."""
    s = a.summary
    manifest = store.read_batch_manifest(s.folder)
    keys = [k for _, k in tables.headline(s)]
    headline = tables.tables(a.rows, s, keys)
    appendix = tables.tables(a.rows, s)
    budget = who_pays.tables(a.budget, s) if a.budget is not None else []
    return {"r": {
        "title": manifest.get("scenario") or s.folder.parent.name,
        "description": manifest.get("description", ""),
        "sentences": a.sentences,
        "warnings": s.warnings,
        "headline": headline,
        "headline_markdown": tables.markdown(headline),
        "notes": tables.notes(a.rows, s),
        "csv_name": CSV_FILE,
        "budget": budget,
        "budget_markdown": tables.markdown(budget),
        "budget_text": (
            f"Spending a year from the reported weeks' ledgers, million {s.currency}, by payer "
            "and programme. A transfer between governments (the state's transfer to a "
            "municipality, a municipality's co-financing of benefits) is on its own row: "
            "spending in the payer's column, income (negative) in the payee's, so it nets to "
            "zero in the public cost. Payers listed: "
            + ", ".join(bud.payer_name(p) for p in a.budget.payers) + "."
            if a.budget is not None else ""),
        "no_budget": "The runs' ledgers are not in this folder, so spending by payer cannot be "
                     "shown (run the batch here to have them).",
        "charts": charts,
        "runs_used": coherence.statement(s) + ".",
        "provenance": provenance(s, manifest),
        "failures": manifest.get("failures") or [],
        "appendix": appendix,
        "appendix_markdown": tables.markdown(appendix),
        "appendix_count": len(tables.varying(s)),
        "hidden": len(s.outcomes) - len(tables.varying(s)),
    }}


def provenance(summary, manifest: dict) -> str:
    points = len(summary.points())
    parts = [f"{summary.n} runs: arms {', '.join(summary.arms)}; "
             + (f"{points} sweep points ({', '.join(summary.sweep)}); " if summary.sweep else "")
             + f"{summary.replications} replications each."]
    if manifest:
        parts.append(f"Engine {manifest.get('engine')}, git commit "
                     f"`{manifest.get('git_commit')}`, reformsim "
                     f"{manifest.get('versions', {}).get('reformsim')}; batch started "
                     f"{manifest.get('started')}.")
    parts.append(f"Report written {datetime.now(UTC).isoformat(timespec='seconds')}.")
    return " ".join(parts)


# ------------------------------------------------------------------------------ templates
def _code(text: str) -> Markup:
    """Escape, then show `backticked` text as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("sim.report", "templates"),
    autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
    undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    keep_trailing_newline=True)
_ENV.filters["code"] = _code


def _render(name: str, context: dict) -> str:
    return _ENV.get_template(name).render(**context)
