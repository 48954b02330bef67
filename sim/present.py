"""What the command line shows: a run's summary, the settings list, a batch's outcome.

Wording and formats live here so that sim/cli.py only parses, calls and prints. Values come
from the flat run summary and are labelled and scaled by their declarations (sim/indicators.py):
a share in per cent, money a year in millions; the tiers (or sanction steps) of one declared
indicator share a line. Nothing here lists summary keys by hand, so an indicator the model
gains shows up without a change here.
"""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

from sim import indicators
from sim.metrics import section

LABEL_WIDTH = 44
GROUPED = ("tier", "step", "regband")  # placeholders whose values share one line
PLACEHOLDER = re.compile(r"\{(\w+)\}")
HEADER_KEYS = ("weeks", "persons")  # said in the run's header line


def relative(path: Path | str) -> str:
    """A path relative to the current folder where it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _defined(value) -> bool:
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def number(key: str, value, currency: str, decimals: int | None = None) -> str:
    """`value` scaled into its declared unit, decimals by size unless given; 'n/a' where
    undefined."""
    if not _defined(value):
        return "n/a"
    scaled = value * indicators.unit_of(key).scale
    if decimals is None:
        decimals = _decimals([scaled])
    return f"{scaled:,.{decimals}f}"


def _decimals(scaled: list[float]) -> int:
    """Decimals for numbers shown side by side: whole numbers none, else by the largest."""
    if all(x == int(x) for x in scaled):
        return 0
    size = max(abs(x) for x in scaled)
    return 0 if size >= 100 else 1 if size >= 10 else 2


def _item(label: str, scheme_label: str = "") -> str:
    """A label as a line item: the scheme prefix dropped, lower case unless an acronym."""
    if scheme_label and label.startswith(scheme_label + ": "):
        label = label[len(scheme_label) + 2:]
    if len(label) > 1 and label[1].islower():
        label = label[0].lower() + label[1:]
    return label


def rows(summary: dict, keys: list[str], currency: str, scheme: str = "") -> list[str]:
    """Aligned lines `label  value unit` for `keys`; the tiers (steps, bands) of one
    declaration on one line, `1 / 2 / 3`."""
    groups: dict[tuple, list[str]] = {}
    for key in keys:
        found = indicators.declaration_of(key)
        if found is None:
            groups[(key,)] = [key]
            continue
        ind, fields = found
        last = next((p for p in reversed(PLACEHOLDER.findall(ind.key)) if p in GROUPED),
                    None)
        rest = tuple(sorted((k, v) for k, v in fields.items() if k != last))
        groups.setdefault((ind.key, rest, last), []).append(key)
    scheme_label = scheme.replace("_", " ").capitalize()
    lines = []
    for group, members in groups.items():
        unit = indicators.unit_of(members[0]).shown(False, currency)
        scaled = [summary[k] * indicators.unit_of(k).scale for k in members
                  if _defined(summary[k])]
        places = _decimals(scaled) if scaled else 0
        values = " / ".join(number(k, summary[k], currency, places) for k in members)
        ind, fields = indicators.declaration_of(members[0]) or (None, {})
        last = group[2] if len(group) == 3 else None
        if ind is None:
            label = members[0]
        elif last and len(members) > 1 and "{" + last + "}" in ind.label:
            joined = " / ".join(indicators.declaration_of(k)[1][last] for k in members)
            label = ind.label.format(**{**fields, last: joined})
        else:
            label = indicators.label_of(members[0])
        if all(number(k, summary[k], currency) == "n/a" for k in members):
            unit = ""
        lines.append(f"  {_item(label, scheme_label):<{LABEL_WIDTH}} {values} {unit}".rstrip())
    return lines


def run_summary(result, out: Path | None = None) -> str:
    """A readable run summary: outcomes, calibration beside targets, spending by payer, each
    service scheme and, where the scenario sets one, the employment service's model."""
    s, config = result.summary, result.config
    currency = config.benefits.currency
    top = [k for k in s if "." not in k and k not in HEADER_KEYS and k != "calibration"]
    lines = [
        f"reformsim run: {result.scenario}" + (f" / arm {result.arm}" if result.arm else ""),
        f"  seed {result.seed}, {s['persons']:,} persons, {s['weeks']} reported weeks after "
        f"{config.run.burn_in_weeks} weeks of burn-in "
        f"({result.timings['weeks_per_s']:.0f} weeks/s)",
        "",
        "Outcomes (averages over reported weeks)",
        *rows(s, top, currency),
        "",
        "Calibration (simulated vs target)",
    ]
    for c in s["calibration"]:
        mark = "ok " if c["ok"] else "OFF"
        lines.append(f"  {mark} {c['indicator']:<22} {c['simulated']:>8.4f} vs {c['target']:.4f}"
                     f" ± {c['tolerance']:.3f}   {c['source']}")
    lines += ["", f"Spending a year by payer and category (million {currency})"]
    for key, amount in sorted(section(s, "spend_by_payer_per_year").items()):
        if amount:
            payer, category = key.split(".", 1)
            lines.append(f"  {payer:<18} {category.replace('_', ' '):<32} {amount / 1e6:>10,.1f}")
    lines += ["", f"Net fiscal position a year (received - paid, million {currency})"]
    for party, amount in sorted(section(s, "net_position_per_year").items()):
        lines.append(f"  {party:<51} {amount / 1e6:>10,.1f}")
    for name, scheme in config.services.items():
        c, p = scheme.choice, scheme.payment
        hybrid = {**c.overrides(), **p.overrides()}
        lines += ["", f"Service '{name}': regime {c.regime}, payment {p.design}, purchaser "
                  f"{scheme.purchaser}" + (f" (overrides: {hybrid})" if hybrid else "")]
        lines += rows(s, [k for k in s if k.startswith(f"services.{name}.")], currency, name)
    lines += employment_service(s, config, currency)
    if out is not None:
        lines += ["", f"Results: {relative(out)}/ (manifest.json, summary.json, weekly.parquet, "
                      "ledger.parquet)"]
    return "\n".join(lines)


def employment_service(s: dict, config, currency: str) -> list[str]:
    """The employment service's meetings, obligation and sanctions (sim/rules/service_model.py),
    shown when the scenario's service model is not the default: the rules in force from the
    reform week, which the summary covers."""
    from sim.config import reformed
    from sim.rules.service_model import ServiceModel

    sm = reformed(config).service_model
    keys = [k for k in s if k.startswith("employment_service.")]
    if not keys or sm == ServiceModel():
        return []
    control = sm.control()
    who = (f"{sm.treated_share:.0%} of seekers under it, the rest under {control.preset}"
           if sm.treated_share < 1 else "all seekers under it")
    overrides = sm.overrides()
    ladder = control.sanction_ladder_days if sm.treated_share == 0 else sm.sanction_ladder_days
    steps = ", ".join(f"step {i}: " + ("reminder" if d == 0 else f"{d} days")
                      for i, d in enumerate(ladder, 1))
    return ["", f"Employment service: service model {sm.preset}"
            + (f" (overrides: {overrides})" if overrides else "") + f"; {who}",
            *rows(s, keys, currency), f"  (sanction ladder: {steps})"]


# ------------------------------------------------------------------------------ settings
def settings_list(settings) -> list[str]:
    """`reformsim validate --list`: each setting, its default, unit, range and description."""
    lines = []
    for path, default, meta in settings:
        allowed = meta.get("choices") or (
            _range(meta.get("lo"), meta.get("hi")) if meta.get("lo") is not None
            or meta.get("hi") is not None else "")
        notes = [f"[{meta['unit']}]" if meta.get("unit") else "",
                 f"allowed: {', '.join(allowed) if isinstance(allowed, tuple) else allowed}"
                 if allowed else "", meta.get("help") or ""]
        notes = [n for n in notes if n]
        lines.append(f"{path} = {default!r}" + (f"    # {'; '.join(notes)}" if notes else ""))
    return lines


def _range(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{lo} to {hi}"
    return f">= {lo}" if lo is not None else f"<= {hi}"


# -------------------------------------------------------------------------------- batches
def batch_outcome(outcome) -> tuple[list[str], list[str]]:
    """(stdout lines, stderr lines) after a batch: counts, where, what failed, what next."""
    folder = relative(outcome.folder)
    out = [f"{outcome.runs} runs: {outcome.count('ran')} ran, "
           f"{outcome.count('finished earlier')} finished earlier, "
           f"{len(outcome.failures)} failed ({outcome.seconds:.1f} s)",
           f"Results: {folder}/ (summary.parquet, weekly/, manifest.json, runs/)"]
    err = []
    if outcome.failures:
        err.append(f"error: {len(outcome.failures)} run(s) failed; tracebacks in {folder}/failed/")
        for spec in outcome.failures:
            err.append(f"  {spec.run_id} ({spec.describe()}): "
                       f"{outcome.statuses[spec.run_id].get('error')}")
        err.append("Re-run the same command to retry them; finished runs are kept.")
    else:
        out.append(f"Next: reformsim compare {folder}; reformsim report {folder}")
    return out, err


# -------------------------------------------------------------------- compare and report
def _paragraphs(texts: list[str], indent: str = "") -> str:
    return "\n\n".join(textwrap.fill(t, 100, initial_indent=indent, subsequent_indent=indent)
                       for t in texts)


def comparison(analysis, runs_used: str, csv: str, everything: bool = False) -> str:
    """`reformsim compare`: the runs used, the answer in words, the headline table (or every
    outcome), what the table means, and where the CSV is."""
    from sim.report import tables

    s = analysis.summary
    keys = None if everything else [k for _, k in tables.headline(s)]
    chunks = tables.tables(analysis.rows, s, keys)
    shown = len(tables.varying(s)) if everything else len(keys)
    return "\n\n".join([
        runs_used,
        "The answer\n" + _paragraphs(analysis.sentences, "  "),
        ("Every outcome" if everything else "Headline indicators") + f" ({shown})\n"
        + tables.plain(chunks),
        _paragraphs(tables.notes(analysis.rows, s)),
        f"Every outcome ({len(s.outcomes)}): {csv}"
        + ("" if everything else "; `reformsim compare --all` prints them here"),
    ])


def report_written(written, answer: bool = True) -> str:
    """`reformsim report`: the answer in words, then where the files are."""
    return "\n\n".join([
        *(["The answer\n" + _paragraphs(written.sentences, "  ")] if answer else []),
        f"Report: {relative(written.html)} (one file, opens in a browser), "
        f"{relative(written.markdown)} with {len(written.charts)} figure(s) beside it; "
        f"every outcome in {relative(written.csv)}",
    ])
