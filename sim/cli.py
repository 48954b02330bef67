"""The `reformsim` command: run | scenarios | validate | bench | batch | compare | report.

Errors a user can fix (a bad scenario, a wrong option value) print one line and exit with code 2,
with nothing written; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from pathlib import Path

from sim.config import ScenarioError, leaf_settings, load, override_config
from sim.metrics import section

EXIT_USAGE = 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except ScenarioError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="reformsim", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="run one scenario arm and print its summary")
    r.add_argument("scenario", help="a scenario TOML file (see `reformsim scenarios`)")
    r.add_argument("--arm", help="which arm of the scenario (default: the first, or the base)")
    r.add_argument("--seed", type=int, help="random seed (default: the scenario's run.seed)")
    r.add_argument("--weeks", type=_positive, help="reported weeks (after burn-in)")
    r.add_argument("--out", default="results", help="results root (default: results/)")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a setting, e.g. --set labour_market.vacancy_rate=0.002")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.set_defaults(func=cmd_run)

    s = sub.add_parser("scenarios", help="list the shipped scenario files")
    s.set_defaults(func=cmd_scenarios)

    v = sub.add_parser("validate", help="check scenario files without running them")
    v.add_argument("files", nargs="*", help="scenario files")
    v.add_argument("--list", action="store_true", help="list every setting with its default")
    v.set_defaults(func=cmd_validate)

    b = sub.add_parser("bench", help="benchmark the matching kernel and the model")
    b.add_argument("--weeks", type=_positive, default=52, help="model weeks to time")
    b.add_argument("--scenario", default=None, help="scenario to time (default: municipal)")
    b.set_defaults(func=cmd_bench)

    ba = sub.add_parser(
        "batch", help="run every arm x sweep point x replication of a scenario (resumable)",
        description="Run every arm x sweep point x replication of a scenario into "
        "OUT/<scenario>/<name>/ (runs/, summary.parquet, manifest.json). Re-running the same "
        "command skips finished runs. Exit code 1 if a run failed.")
    ba.add_argument("scenario", help="a scenario TOML file (see `reformsim scenarios`)")
    ba.add_argument("--reps", type=_positive, help="replications (default: the scenario's)")
    ba.add_argument("--workers", type=_positive,
                    help="worker processes (default: one per core)")
    ba.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local process pool (default) or dask.distributed")
    ba.add_argument("--scheduler", metavar="ADDR",
                    help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                    "(with --engine dask; default: a local Dask cluster)")
    ba.add_argument("--out", default="results", help="results root (default: results/)")
    ba.add_argument("--name", default="batch",
                    help="the batch's folder under OUT/<scenario>/ (default: batch)")
    ba.add_argument("--weeks", type=_positive, help="reported weeks of each run (after burn-in)")
    ba.add_argument("--arm", nargs="+", metavar="A", help="run only these arms")
    ba.set_defaults(func=cmd_batch)

    c = sub.add_parser("compare", help="paired differences between arms with 95 %% intervals")
    c.add_argument("results", help="a batch folder (with summary.parquet), e.g. "
                   "results/municipality_se/batch")
    c.add_argument("--baseline", metavar="ARM", help="the arm to compare against "
                   "(default: the scenario's first arm)")
    c.add_argument("--out", metavar="FILE.csv", help="CSV file (default: RESULTS/compare.csv)")
    c.set_defaults(func=cmd_compare)

    rp = sub.add_parser("report", help="a Markdown report with figures of a batch")
    rp.add_argument("results", help="a batch folder, e.g. results/municipality_se/batch")
    rp.add_argument("--baseline", metavar="ARM", help="the arm to compare against "
                    "(default: the scenario's first arm)")
    rp.set_defaults(func=cmd_report)
    return p


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


# ------------------------------------------------------------------------------ commands
def cmd_run(args) -> int:
    from sim.results import simulate, write_run

    scenario = load(args.scenario)
    config = scenario.arm(args.arm)
    if args.set:
        config = override_config(config, parse_sets(args.set), "--set")
    arm = args.arm or (next(iter(scenario.arms)) if scenario.arms else None)
    result = simulate(config, args.seed, weeks=args.weeks, scenario=scenario.name, arm=arm,
                      progress=sys.stderr.isatty())
    out = write_run(result, Path(args.out) / scenario.name)
    if args.json:
        print(json.dumps(result.summary, indent=2))
    else:
        print(format_summary(result, out))
    return 0


def parse_sets(items: list[str]) -> dict:
    """`key=value` pairs; values are read as TOML (numbers, booleans, lists, quoted text)."""
    out = {}
    for item in items:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise ScenarioError("--set", item, "expected KEY=VALUE, e.g. run.weeks=52")
        try:
            out[key.strip()] = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            out[key.strip()] = text  # bare text, e.g. --set choice.regime=lov
    return out


def cmd_scenarios(args) -> int:
    folder = scenarios_folder()
    files = sorted(folder.glob("*.toml"))
    if not files:
        print(f"no scenario files in {folder}")
        return 0
    for path in files:
        try:
            sc = load(path)
            arms = ", ".join(sc.arms) or "-"
            print(f"{_rel(path)}\n    {sc.description}\n    arms: {arms}; "
                  f"replications: {sc.replications}")
        except ScenarioError as e:
            print(f"{_rel(path)}\n    INVALID: {e}")
    return 0


def cmd_validate(args) -> int:
    if args.list:
        for path, default, meta in leaf_settings():
            allowed = meta.get("choices") or (
                f"{meta['lo']} to {meta['hi']}" if meta.get("lo") is not None else "")
            print(f"{path} = {default!r}" + (f"    # allowed: {allowed}" if allowed else ""))
        return 0
    if not args.files:
        raise ScenarioError("validate", "files", "name at least one scenario file, or --list")
    for path in args.files:
        sc = load(path)
        print(f"{path}: ok ({len(sc.arms)} arms, {len(sc.sweep)} sweep keys, "
              f"{sc.replications} replications)")
    return 0


def cmd_bench(args) -> int:
    from sim.bench import run_bench

    scenario = args.scenario or str(scenarios_folder() / "municipality_se.toml")
    figures = run_bench(scenario, args.weeks)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else f"{value}"
        print(f"{key:<{width}}  {shown}")
    return 0


def cmd_batch(args) -> int:
    from sim.batch import run_batch

    scenario = load(args.scenario)
    try:
        outcome = run_batch(scenario, out=args.out, name=args.name, replications=args.reps,
                            arms=args.arm, weeks=args.weeks, engine=args.engine,
                            workers=args.workers, scheduler=args.scheduler)
    except KeyboardInterrupt:
        print("\ninterrupted: finished runs are kept; run the same command again to resume",
              file=sys.stderr)
        return 130
    folder = _rel(outcome.folder)
    print(f"{outcome.runs} runs: {outcome.count('ran')} ran, "
          f"{outcome.count('finished earlier')} finished earlier, "
          f"{len(outcome.failures)} failed ({outcome.seconds:.1f} s)")
    print(f"Results: {folder}/ (summary.parquet, manifest.json, runs/)")
    if outcome.failures:
        print(f"error: {len(outcome.failures)} run(s) failed; tracebacks in {folder}/failed/",
              file=sys.stderr)
        for spec in outcome.failures:
            print(f"  {spec.run_id} ({spec.describe()}): "
                  f"{outcome.statuses[spec.run_id].get('error')}", file=sys.stderr)
        print("Re-run the same command to retry them; finished runs are kept.", file=sys.stderr)
        return 1
    print(f"Next: reformsim compare {folder}; reformsim report {folder}")
    return 0


def cmd_compare(args) -> int:
    from sim.compare import compare, format_table, load_summary, write_csv

    summary = load_summary(args.results)
    rows = compare(summary, baseline=args.baseline)
    print(format_table(rows, summary))
    out = Path(args.out) if args.out else summary.folder / "compare.csv"
    write_csv(rows, out, summary)
    print(f"\nCSV: {_rel(out)}")
    return 0


def cmd_report(args) -> int:
    from sim.report import make_report

    path = make_report(args.results, baseline=args.baseline)
    print(f"Report: {_rel(path)} (figures beside it)")
    return 0


# ------------------------------------------------------------------------------- output
def format_summary(result, out: Path | None = None) -> str:
    """A readable run summary: outcomes, calibration beside targets, spending by payer."""
    s = result.summary
    lines = [
        f"reformsim run: {result.scenario}" + (f" / arm {result.arm}" if result.arm else ""),
        f"  seed {result.seed}, {s['persons']:,} persons, {s['weeks']} reported weeks after "
        f"{result.config.run.burn_in_weeks} weeks of burn-in "
        f"({result.timings['weeks_per_s']:.0f} weeks/s)",
        "",
        "Outcomes (averages over reported weeks)",
        f"  registered unemployed          {s['registered']:>12,.0f}",
        f"  unemployment rate (registered) {s['unemployment_rate']:>12.1%}",
        f"  long-term share (>= 52 weeks)  {s['long_term_share']:>12.1%}",
        f"  weekly job-finding rate        {s['job_finding_rate']:>12.2%}",
        f"  hires a year                   {s['hires_per_year']:>12,.0f}",
        f"  applications per seeker-month  {s['applications_per_seeker_month']:>12.1f}",
        "  job-finding rate by tier       "
        + " / ".join(f"{s[f'job_finding_tier{t}']:.2%}" for t in (1, 2, 3))
        + "   (tier 1 near work .. 3 far)",
        "  share of seekers by tier       "
        + " / ".join(f"{s[f'share_tier{t}']:.0%}" for t in (1, 2, 3)),
        "",
        "Calibration (simulated vs target)",
    ]
    for c in s["calibration"]:
        mark = "ok " if c["ok"] else "OFF"
        lines.append(f"  {mark} {c['indicator']:<22} {c['simulated']:>8.4f} vs {c['target']:.4f}"
                     f" ± {c['tolerance']:.3f}   {c['source']}")
    currency = result.config.benefits.currency
    lines += ["", f"Spending a year by payer and category (million {currency})"]
    for key, amount in sorted(section(s, "spend_by_payer_per_year").items()):
        if amount:
            payer, category = key.split(".", 1)
            lines.append(f"  {payer:<15} {category.replace('_', ' '):<28} {amount / 1e6:>10,.1f}")
    lines += ["", f"Net fiscal position a year (received - paid, million {currency})"]
    for party, amount in sorted(section(s, "net_position_per_year").items()):
        lines.append(f"  {party:<44} {amount / 1e6:>10,.1f}")
    for name, scheme in result.config.services.items():
        lines += _format_service(name, section(s, f"services.{name}"), scheme)
    lines += _format_employment_service(section(s, "employment_service"), result.config)
    if out is not None:
        lines += ["", f"Results: {_rel(out)}/ (manifest.json, summary.json, weekly.parquet, "
                      "ledger.parquet)"]
    return "\n".join(lines)


def _format_service(name: str, sv: dict, scheme) -> list[str]:
    def tiers(key, fmt):
        values = [sv[f"{key}_tier{t}"] for t in (1, 2, 3)]
        return " / ".join("n/a" if v != v else format(v, fmt) for v in values)

    c, p = scheme.choice, scheme.payment
    hybrid = {**c.overrides(), **p.overrides()}
    return [
        "",
        f"Service '{name}': regime {c.regime}, payment {p.design}, purchaser {scheme.purchaser}"
        + (f" (overrides: {hybrid})" if hybrid else ""),
        f"  participants (average)         {sv['participants']:>12,.0f}",
        f"  share of seekers served        {tiers('share_served', '.0%')}   (tier 1 / 2 / 3)",
        f"  service hours a week           {tiers('hours_per_week', '.2f')}",
        f"  parking index (h tier 3 / 1)   {sv['parking_index']:>12.2f}   (< 1: the far parked)",
        f"  creaming index (tier 3 mix)    {sv['creaming_index']:>12.2f}   "
        "(accepted vs referred; < 1: creamed)",
        f"  referred but refused           {sv['refused_share']:>12.1%}",
        f"  work within 6 months           {tiers('work_within_26w', '.0%')}",
        f"  work within 12 months          {tiers('work_within_52w', '.0%')}",
        f"  sustained work within 6 m.     {tiers('sustained_work_within_26w', '.0%')}",
        f"  sustained work within 12 m.    {tiers('sustained_work_within_52w', '.0%')}",
        f"  providers active (average)     {sv['providers_active']:>12.1f}   "
        f"entered {sv['providers_entered']:.0f}, exited {sv['providers_exited']:.0f}, "
        f"excluded {sv['providers_excluded']:.0f}; switches {sv['providers_switches']:.0f}",
        f"  market concentration (HHI)     {sv['hhi']:>12,.0f}",
        f"  provider revenue a year (M)    {sv['provider_revenue_per_year'] / 1e6:>12,.1f}"
        f"   margin {sv['provider_margin']:.0%}",
        f"  service spending a year (M)    {sv['service_spend_per_year'] / 1e6:>12,.1f}",
        f"  cost per job / sustained job   {sv['cost_per_job']:>12,.0f} / "
        f"{sv['cost_per_sustained_job']:,.0f}",
    ]


def _format_employment_service(es: dict | None, config) -> list[str]:
    """The employment service's meetings, obligation and sanctions (sim/rules/service_model.py),
    shown when the scenario's service model is not the default."""
    from sim.rules.service_model import ServiceModel

    sm = config.service_model
    if not es or sm == ServiceModel():
        return []

    def pct(v, fmt=".0%"):
        return "n/a" if v != v else format(v, fmt)

    control = sm.control()
    ladder = control.sanction_ladder_days if sm.treated_share == 0 else sm.sanction_ladder_days
    def step(k: str) -> str:
        days = ladder[min(int(k), len(ladder)) - 1]
        return "reminder" if days == 0 else f"{days} d"

    steps = " / ".join(f"{step(k)} {n:,.0f}"
                       for k, n in section(es, "sanctions_per_year_by_step").items()
                       if n) or "none"
    exits = " / ".join(f"{band}: {pct(v, '.1%')}" for band, v in
                       section(es, "monthly_exit_to_work_by_weeks_registered").items())
    who = (f"{sm.treated_share:.0%} of seekers under it, the rest under {control.preset}"
           if sm.treated_share < 1 else "all seekers under it")
    overrides = sm.overrides()
    return [
        "",
        f"Employment service: service model {sm.preset}"
        + (f" (overrides: {overrides})" if overrides else "") + f"; {who}",
        f"  caseworkers (average)          {es['caseworkers']:>12,.1f}   "
        f"caseload {es['caseload_per_caseworker']:,.0f} seekers each, "
        f"{pct(es['caseworker_utilisation'])} of meeting hours used",
        f"  meetings per seeker-month      {es['meetings_per_seeker_month']:>12.2f}   "
        f"held {es['meetings_held_per_week']:,.0f} a week",
        f"  meetings waiting a week        {es['meetings_waiting_per_week']:>12,.1f}   "
        f"mean delay {es['mean_delay_weeks']:.2f} weeks; first meetings on time "
        f"{pct(es['first_meetings_on_time'])}",
        f"  applications per seeker-month  "
        f"{pct(es['applications_per_seeker_month_treated'], '.2f'):>12} / "
        f"{pct(es['applications_per_seeker_month_untreated'], '.2f')}   (treated / untreated)",
        f"  weekly job-finding rate        {pct(es['job_finding_treated'], '.2%'):>12} / "
        f"{pct(es['job_finding_untreated'], '.2%')}   (treated / untreated; the untreated "
        "against an arm without the model show displacement)",
        f"  obligation checks a year       {es['obligation_checks_per_year']:>12,.0f}   "
        f"lapses {pct(es['lapse_share'])}, detected {pct(es['detected_share'])} of them",
        f"  sanctions a year by step       {steps}",
        f"  benefit days lost a year       {es['benefit_days_lost_per_year']:>12,.0f}   "
        f"(imposed {es['sanction_days_imposed_per_year']:,.0f})",
        f"  staff cost a year (million)    {es['staff_cost_per_year'] / 1e6:>12,.1f}",
        f"  monthly exit to work by weeks registered   {exits}",
    ]


def scenarios_folder() -> Path:
    """`scenarios/` of the current directory, else of the source checkout."""
    here = Path.cwd() / "scenarios"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "scenarios"


def _rel(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
