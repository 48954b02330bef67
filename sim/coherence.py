"""Which runs an analysis uses, and whether they belong together.

A batch folder can hold runs of several commands: a trial with `--weeks 8` and the real batch,
or runs made before the scenario file was edited. `summary.parquet` lists only the runs of the
last command's plan, so compare and report use those; this module states them, refuses a
summary that mixes runs of different lengths or repeats a replication (differences across
such runs would compare unlike with unlike), and warns about runs in the folder left out.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from sim import store


def check(summary) -> list[str]:
    """Refuse (ResultsError) a summary whose runs do not belong together; else warnings."""
    where = str(summary.folder / store.SUMMARY_FILE)
    if "weeks" in summary.columns:
        weeks = Counter(int(w) for w in summary.columns["weeks"] if np.isfinite(w))
        if len(weeks) > 1:
            mix = ", ".join(f"{w} weeks in {n} run(s)" for w, n in sorted(weeks.items()))
            raise store.ResultsError(where, f"mixes runs of different lengths ({mix}); "
                                     "paired differences need runs of one length: re-run the "
                                     "batch with one --weeks, or give each length its own --name")
    keys = ["arm", *summary.sweep, "replication"]
    rows = Counter(zip(*(summary.columns[k].tolist() for k in keys), strict=True))
    repeated = [k for k, n in rows.items() if n > 1]
    if repeated:
        raise store.ResultsError(where, f"{len(repeated)} arm x sweep point x replication(s) "
                                 f"appear more than once (first: {repeated[0]}): runs of "
                                 "different settings are mixed; re-run the batch to rewrite it")
    warnings = []
    used = set(summary.columns["run_id"].tolist()) if "run_id" in summary.columns else set()
    others = set(store.stored_run_ids(summary.folder)) - used
    if used and others:
        warnings.append(f"{summary.folder}/runs also holds {len(others)} run(s) not in "
                        "summary.parquet (an earlier command with other --weeks, arms or "
                        "settings); they are not used")
    manifest = store.read_batch_manifest(summary.folder)
    missing = (manifest.get("counts") or {}).get("runs", 0) - len(used)
    if used and missing > 0:
        warnings.append(f"{missing} planned run(s) of this batch are not finished (failed or "
                        "not run; see manifest.json): the results use the finished ones")
    return warnings


def statement(summary) -> str:
    """One line naming the runs used: how many, arms, replications, length, where from."""
    reps = sorted({int(r) for r in summary.columns["replication"].tolist()})
    span = f"{reps[0]}-{reps[-1]}" if len(reps) > 1 else f"{reps[0]}"
    weeks = ""
    if "weeks" in summary.columns and len(summary.columns["weeks"]):
        weeks = f"; {int(summary.columns['weeks'][0])} reported weeks each"
    points = f"; {len(summary.points())} sweep points" if summary.sweep else ""
    return (f"Runs used: {summary.n} from {store.SUMMARY_FILE} (arms {', '.join(summary.arms)}"
            f"{points}; replications {span}{weeks}); run ids in its run_id column")
