"""`reformsim sensitivity` and `reformsim calibrate`: studies over a scenario's uncertain
settings, run as batches (sim/studies/). Registered by sim/cli.py; errors a user can fix are
ScenarioErrors (one line, exit code 2), as everywhere in the command."""

from __future__ import annotations

import shlex
import signal
import sys
import tomllib
from pathlib import Path

from sim.config import ScenarioError, override_config

SCENARIO_HELP = "a scenario file, or the name of a shipped one"


def register(sub) -> None:
    from sim.cli import _setting, _workers

    s = sub.add_parser(
        "sensitivity", help="global sensitivity (SALib: Morris or Sobol') of a scenario's "
        "answer to its [uncertain] settings",
        description="Vary the scenario's [uncertain] settings over their ranges (a Morris screen "
        "or Sobol' indices), run every design point's arms as one resumable batch with common "
        "random numbers, and rank the settings by how much they move the [sensitivity] "
        "outcomes (arm minus baseline). Writes ranking.csv, indices.csv, design.csv and a "
        "figure into OUT/<scenario>/<name>/.")
    s.add_argument("scenario", help=SCENARIO_HELP)
    s.add_argument("--method", choices=("morris", "sobol"), default="morris")
    s.add_argument("--params", metavar="FILE", help="a TOML file whose [uncertain] table "
                   "(and [sensitivity], if any) replaces the scenario's")
    s.add_argument("--reps", type=_setting("run.replications"), default=1,
                   help="replications per design point (default 1)")
    s.add_argument("--trajectories", type=_setting("run.replications"),
                   help="Morris trajectories (default: [sensitivity] trajectories, else 10)")
    s.add_argument("--samples", type=_setting("run.replications"),
                   help="Sobol' base sample, a power of 2 (default: [sensitivity], else 64)")
    _batch_options(s, _workers, _setting, "sensitivity_<method>")
    s.set_defaults(func=cmd_sensitivity)

    c = sub.add_parser(
        "calibrate", help="fit a scenario's [calibrate] parameters to its targets "
        "(method of simulated moments)",
        description="Fit the [calibrate] parameters to the targets it names (the calibration "
        "table's figures and the monitored register series) by the method of simulated "
        "moments: a quasi-random start (scipy.stats.qmc) evaluated as one batch, then "
        "Nelder-Mead (scipy.optimize). Writes fit.csv and calibrated.toml, a scenario fragment "
        "to extend, into OUT/<scenario>/<name>/.")
    c.add_argument("scenario", help=SCENARIO_HELP)
    c.add_argument("--reps", type=_setting("run.replications"),
                   help="replications per evaluation (default: [calibrate] reps)")
    c.add_argument("--starts", type=_setting("run.replications"),
                   help="quasi-random starting points (default: [calibrate] starts)")
    c.add_argument("--evaluations", type=_setting("run.replications"),
                   help="most evaluations of the local search (default: [calibrate])")
    c.add_argument("--fragment", metavar="FILE.toml",
                   help="also write the scenario fragment here (e.g. scenarios/calibrated/x.toml)")
    _batch_options(c, _workers, _setting, "calibrate")
    c.set_defaults(func=cmd_calibrate)


def _batch_options(p, workers, setting, name) -> None:
    p.add_argument("--workers", type=workers, help="worker processes (default: one per core)")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", metavar="ADDR", help="a Dask scheduler (with --engine dask)")
    p.add_argument("--weeks", type=setting("run.weeks"), help="reported weeks of every run")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="a setting for every run, e.g. --set run.burn_in_weeks=104")
    p.add_argument("--out", default="results", help="results root (default: results/)")
    p.add_argument("--name", help=f"the study's folder under OUT/<scenario>/ (default: {name})")


def _options(args, name: str, reps: int):
    from sim.studies.design import Options

    return Options(out=args.out, name=args.name or name, reps=reps, weeks=args.weeks,
                   engine=args.engine, workers=args.workers, scheduler=args.scheduler,
                   progress=sys.stderr.isatty())


def _fixed(args, scenario) -> dict:
    """`--set` values, checked against the scenario's base."""
    from sim.cli import parse_sets

    sets = parse_sets(args.set)
    override_config(scenario.base, sets, "--set")
    return sets


def _interruptible(run):
    """Run a study; `kill` stops it as Ctrl-C does, and finished runs are kept (as batch)."""
    from sim.cli import EXIT_INTERRUPTED, _interrupt

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run()
    except KeyboardInterrupt:
        print("\ninterrupted: finished runs are kept; run the same command again to resume",
              file=sys.stderr)
        raise SystemExit(EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


def command_line(args) -> str:
    """The command that made a study, from its parsed options (not sys.argv: also right when
    called as `main([...])`)."""
    words = ["reformsim", args.command, args.scenario]
    for key, value in vars(args).items():
        if key in ("command", "scenario", "func") or value in (None, [], False):
            continue
        option = "--" + key.replace("_", "-")
        for v in value if isinstance(value, list) else [value]:
            words += [option] if value is True else [option, str(v)]
    return " ".join(shlex.quote(w) for w in words)


def cmd_sensitivity(args) -> int:
    import dataclasses

    from sim.cli import load
    from sim.studies import figures, sensitivity, tables
    from sim.studies.design import StudyError
    from sim.studies.uncertain import read_ranges

    scenario = load(args.scenario)
    tables_of = dict(scenario.raw)
    holder = scenario
    if args.params:
        tables_of = _read_params(args.params)
        holder = dataclasses.replace(scenario, source=args.params)
    if "uncertain" not in tables_of:
        raise ScenarioError(holder.source, "uncertain", "no [uncertain] table: declare the "
                            "settings to vary as setting = [low, high], or give --params FILE")
    ranges = read_ranges(tables_of["uncertain"], holder, "uncertain")
    if "sensitivity" in tables_of:
        study = sensitivity.read_study(tables_of["sensitivity"], holder)
    else:  # the scenario's own, named as its file's
        study = sensitivity.read_study(scenario.raw.get("sensitivity", {"outcomes": []}),
                                       scenario)
    if args.trajectories:
        study = dataclasses.replace(study, trajectories=args.trajectories)
    if args.samples:
        study = dataclasses.replace(study, samples=args.samples)
    fixed = _fixed(args, scenario)
    opt = _options(args, f"sensitivity_{args.method}", args.reps)
    try:
        result = _interruptible(lambda: sensitivity.run(scenario, ranges, study, args.method,
                                                        opt, fixed))
    except StudyError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    written = tables.write(result, result.folder, command_line(args))
    chart = figures.chart(result)
    png = Path(result.folder) / chart.name
    png.write_bytes(chart.png())
    print(tables.plain(result))
    print(f"\nWritten: {', '.join(str(p) for p in [*written, png])}")
    return 0


def _read_params(path: str) -> dict:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(path, "", "file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ScenarioError(path, "", f"not valid TOML: {e}") from None
    return data if "uncertain" in data else {"uncertain": data}


def cmd_calibrate(args) -> int:
    from sim.cli import load
    from sim.studies import calibrate
    from sim.studies.calibrate_spec import read_spec
    from sim.studies.design import StudyError

    scenario = load(args.scenario)
    if "calibrate" not in scenario.raw:
        raise ScenarioError(scenario.source, "calibrate", "no [calibrate] table: declare "
                            "parameters = {setting = [low, high]} and targets = [...]")
    spec = read_spec(scenario.raw["calibrate"], scenario)
    spec = spec.with_options(reps=args.reps, starts=args.starts, evaluations=args.evaluations)
    fixed = _fixed(args, scenario)
    opt = _options(args, "calibrate", spec.reps)
    try:
        fit = _interruptible(lambda: calibrate.run(scenario, spec, opt, fixed))
    except StudyError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    written = calibrate.write(fit, scenario, command_line(args), args.fragment)
    print(calibrate.plain(fit))
    print(f"\nWritten: {', '.join(str(p) for p in written)}")
    return 0
