"""The `reformsim` command: run | scenarios | validate | bench | batch | compare | report |
sensitivity | calibrate | app.

Errors a user can fix (a bad scenario, a wrong option value) print one line and exit with code 2,
with nothing written; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tomllib
from pathlib import Path

import sim
from sim import cli_studies, present
from sim.config import (
    ScenarioError,
    leaf_settings,
    override_config,
    scenario_path,
    scenarios_folder,
)
from sim.config import load as load_file
from sim.config.resources import check_memory

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_PIPE = 141  # as a shell reports a process ended by SIGPIPE


def main(argv: list[str] | None = None) -> int:
    """Run a command; a user's mistake is one line on stderr and exit code 2, and output
    piped into a reader that stops early (`| head`) ends quietly."""
    try:
        args = _parser().parse_args(argv)
        try:
            code = args.func(args) or 0
        except ScenarioError as e:
            print(f"error: {e}", file=sys.stderr)
            code = EXIT_USAGE
        sys.stdout.flush()  # a closed pipe shows here, inside the try, not at exit
        return code
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to say, and no traceback at exit
        return EXIT_PIPE


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (usage is one `--help` away)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="reformsim", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"reformsim {sim.__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    scenario_help = "a scenario file, or the name of a shipped one (see `reformsim scenarios`)"

    r = sub.add_parser("run", help="run one scenario arm and print its summary")
    r.add_argument("scenario", help=scenario_help)
    r.add_argument("--arm", help="which arm of the scenario (default: the first, or the base)")
    r.add_argument("--seed", type=_setting("run.seed"),
                   help="random seed (default: the scenario's run.seed)")
    r.add_argument("--weeks", type=_setting("run.weeks"), help="reported weeks (after burn-in)")
    r.add_argument("--out", default="results", help="results root (default: results/)")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a setting, e.g. --set labour_market.vacancy_rate=0.002")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.set_defaults(func=cmd_run)

    s = sub.add_parser("scenarios", help="list the shipped scenario files")
    s.set_defaults(func=cmd_scenarios)

    v = sub.add_parser("validate", help="check scenario files without running them")
    v.add_argument("files", nargs="*", help="scenario files or names of shipped ones")
    v.add_argument("--list", action="store_true",
                   help="list every setting with its default, unit, range and meaning")
    v.add_argument("--evidence", action="store_true",
                   help="run the calibrated scenarios and hold the model to the evidence "
                   "(writes results/validation/)")
    v.add_argument("--quick", action="store_true",
                   help="with --evidence: fewer, shorter runs (what `make test` runs)")
    v.add_argument("--json", action="store_true", help="with --evidence: print JSON")
    v.add_argument("--workers", type=int, default=None,
                   help="with --evidence: processes (default: one per core)")
    v.set_defaults(func=cmd_validate)

    b = sub.add_parser("bench", help="benchmark the matching kernel and the model")
    b.add_argument("--weeks", type=_setting("run.weeks"), default=52,
                   help="weeks to time after each scenario's burn-in (default 52)")
    b.add_argument("--scenario", nargs="+", default=None,
                   help="scenarios to time (default: national_se national_fi)")
    b.add_argument("--no-scaling", action="store_true",
                   help="leave out the scaling rows (national_se at 1 %%, 10 %%, 100 %%)")
    b.add_argument("--no-agents", action="store_true",
                   help="leave out the first scenario's row with seeker agents materialised")
    b.add_argument("--out", default="results/bench", help="folder of the JSON (results/bench)")
    b.set_defaults(func=cmd_bench)

    ba = sub.add_parser(
        "batch", help="run every arm x sweep point x replication of a scenario (resumable)",
        description="Run every arm x sweep point x replication of a scenario into "
        "OUT/<scenario>/<name>/ (runs/, summary.parquet, weekly/, manifest.json). Re-running "
        "the same command skips finished runs. Exit code 1 if a run failed.")
    ba.add_argument("scenario", help=scenario_help)
    ba.add_argument("--reps", type=_setting("run.replications"),
                    help="replications (default: the scenario's)")
    ba.add_argument("--workers", type=_workers,
                    help="worker processes (default: one per core, as many as fit in memory)")
    ba.add_argument("--engine", choices=("local", "dask"), default="local",
                    help="local process pool (default) or dask.distributed")
    ba.add_argument("--scheduler", metavar="ADDR",
                    help="address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                    "(with --engine dask; default: a local Dask cluster)")
    ba.add_argument("--out", default="results", help="results root (default: results/)")
    ba.add_argument("--name", default="batch",
                    help="the batch's folder under OUT/<scenario>/ (default: batch)")
    ba.add_argument("--weeks", type=_setting("run.weeks"),
                    help="reported weeks of each run (after burn-in)")
    ba.add_argument("--arm", nargs="+", metavar="A", help="run only these arms")
    ba.add_argument("--wait", action="store_true",
                    help="if another batch is running in the same folder, wait for it "
                    "(default: refuse)")
    ba.set_defaults(func=cmd_batch)

    c = sub.add_parser("compare", help="paired differences between arms with 95 %% intervals")
    c.add_argument("results", help="a batch folder (with summary.parquet), e.g. "
                   "results/municipality_se/batch")
    c.add_argument("--baseline", metavar="ARM", help="the arm to compare against "
                   "(default: the scenario's first arm)")
    c.add_argument("--out", metavar="FILE.csv", help="CSV file (default: RESULTS/compare.csv)")
    c.add_argument("--all", action="store_true", help="print every outcome, not only the "
                   "headline indicators (the CSV always has every outcome)")
    c.set_defaults(func=cmd_compare)

    rp = sub.add_parser("report", help="a batch's report: report.html (one file, figures "
                        "embedded), report.md with PNG figures, compare.csv")
    rp.add_argument("results", help="a batch folder, e.g. results/municipality_se/batch")
    rp.add_argument("--baseline", metavar="ARM", help="the arm to compare against "
                    "(default: the scenario's first arm)")
    rp.add_argument("--files-only", action="store_true", help="print where the report is, "
                    "not the answer again (make run prints it with compare)")
    rp.set_defaults(func=cmd_report)
    cli_studies.register(sub)  # sensitivity, calibrate

    from sim.app.command import add_parser as add_app  # the web page (sim/app/)
    add_app(sub)
    return p


def _whole(text: str, lo: int, hi: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(f"{value} is out of range; allowed {lo} to {hi}")
    return value


def _setting(path: str):
    """An option checked against the range of the setting it stands for (sim/config)."""
    meta = next(m for p, _, m in leaf_settings() if p == path)

    def parse(text: str) -> int:
        return _whole(text, meta["lo"], meta["hi"])

    return parse


def _workers(text: str) -> int:
    from sim.batch import MAX_WORKERS

    return _whole(text, 1, MAX_WORKERS)


# ------------------------------------------------------------------------------ commands
def cmd_run(args) -> int:
    from sim import store
    from sim.run import simulate

    scenario = load(args.scenario)
    config = scenario.arm(args.arm)
    if args.set:
        config = override_config(config, parse_sets(args.set), "--set")
    if args.weeks is not None:
        config = override_config(config, {"run.weeks": args.weeks}, "--weeks")
    check_memory(config, scenario.source)
    store.check_writable(args.out)
    root = store.inside(args.out, Path(args.out) / scenario.name)
    arm = args.arm or (next(iter(scenario.arms)) if scenario.arms else None)
    result = simulate(config, args.seed, scenario=scenario.name, arm=arm,
                      progress=sys.stderr.isatty())
    out = store.write_run(result, root)
    if args.json:
        print(json.dumps(result.summary, indent=2))
    else:
        print(present.run_summary(result, out))
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
            print(f"{present.relative(path)}\n    {sc.description}\n    arms: {arms}; "
                  f"replications: {sc.replications}")
        except ScenarioError as e:
            print(f"{present.relative(path)}\n    INVALID: {e}")
    return 0


def cmd_validate(args) -> int:
    if args.evidence:
        from sim.evidence.run import main as evidence

        return evidence(quick=args.quick, as_json=args.json, workers=args.workers)
    if args.list:
        print("\n".join(present.settings_list(leaf_settings(services=True))))
        return 0
    if not args.files:
        raise ScenarioError("validate", "files", "name at least one scenario file, or --list")
    for path in args.files:
        sc = load(path)
        for config in (sc.base, *sc.arms.values()):
            check_memory(config, sc.source)
        print(f"{path}: ok ({len(sc.arms)} arms, {len(sc.sweep)} sweep keys, "
              f"{sc.replications} replications)")
    return 0


def cmd_bench(args) -> int:
    from sim.bench import run_bench, table, write

    report = run_bench(args.scenario, args.weeks, scaling=not args.no_scaling,
                       agents=not args.no_agents,
                       progress=lambda text: print(text, file=sys.stderr, flush=True))
    print(table(report))
    print(f"written: {write(report, args.out)}")
    return 0


def cmd_batch(args) -> int:
    from sim.batch import run_batch

    scenario = load(args.scenario)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the batch as Ctrl-C does
    try:
        outcome = run_batch(scenario, out=args.out, name=args.name, replications=args.reps,
                            arms=args.arm, weeks=args.weeks, engine=args.engine,
                            workers=args.workers, scheduler=args.scheduler, wait=args.wait)
    except KeyboardInterrupt:
        print("\ninterrupted: finished runs are kept; run the same command again to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
    out, err = present.batch_outcome(outcome)
    print("\n".join(out))
    if err:
        print("\n".join(err), file=sys.stderr)
    return 1 if outcome.failures else 0


def cmd_compare(args) -> int:
    from sim.coherence import statement
    from sim.compare import write_csv
    from sim.report import analyse

    a = analyse(args.results, baseline=args.baseline)
    for warning in a.summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    out = Path(args.out) if args.out else a.summary.folder / "compare.csv"
    write_csv(a.rows, out, a.summary)
    print(present.comparison(a, statement(a.summary), present.relative(out), args.all))
    return 0


def cmd_report(args) -> int:
    from sim.report import make_report

    written = make_report(args.results, baseline=args.baseline)
    for warning in written.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(present.report_written(written, answer=not args.files_only))
    return 0


# ------------------------------------------------------------------------------ helpers
def _interrupt(signum, frame):
    raise KeyboardInterrupt


def load(text: str):
    """A scenario by file path, or by the name of a shipped one (`lov_vs_authorisation`)."""
    return load_file(scenario_path(text))


if __name__ == "__main__":
    sys.exit(main())
