"""One run as a pure function of (resolved config, seed), and its results on disk.

`simulate` is what every engine calls; `write_run` puts a finished run under
`<root>/<run-id>/` atomically (a temporary folder renamed into place), so a crash never leaves a
half-written run and a finished run is never lost. The run id is a hash of the resolved config
and seed, so the same run always lands in the same place and a batch can skip it.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import sim
from sim.config import Config, override_config


@dataclass
class RunResult:
    """What one run produced: weekly indicators, the summary, the ledger and provenance."""

    config: Config
    seed: int
    weekly: pa.Table
    summary: dict
    ledger: pa.Table
    scenario: str = ""
    arm: str | None = None
    labels: dict = field(default_factory=dict)  # e.g. sweep values, replication index
    timings: dict = field(default_factory=dict)

    @property
    def run_id(self) -> str:
        return self.config.digest(self.seed)

    def manifest(self, engine: str = "local") -> dict:
        return {
            "run_id": self.run_id,
            "scenario": self.scenario,
            "arm": self.arm,
            "labels": self.labels,
            "seed": self.seed,
            "engine": engine,
            "timings": self.timings,
            "versions": versions(),
            "git_commit": git_commit(),
            "config": self.config.to_dict(),
        }


def simulate(
    config: Config,
    seed: int | None = None,
    *,
    weeks: int | None = None,
    scenario: str = "",
    arm: str | None = None,
    labels: dict | None = None,
    progress: bool = False,
) -> RunResult:
    """Build a model, run burn-in and the reported weeks, and collect the results."""
    from sim.model import ReformModel

    seed = config.run.seed if seed is None else seed
    if weeks is not None:  # part of the run's identity: recorded in the manifest and run id
        config = override_config(config, {"run.weeks": weeks}, "--weeks")
    t0 = time.perf_counter()
    model = ReformModel(config, seed=seed)
    t1 = time.perf_counter()
    total = config.run.burn_in_weeks + config.run.weeks
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="week", delay=2.0, leave=False, desc=arm or scenario)
    try:
        model.run(progress=bar)
    finally:
        if bar is not None:
            bar.close()
    t2 = time.perf_counter()
    model.ledger.check_balanced()
    return RunResult(
        config=config,
        seed=seed,
        weekly=model.metrics.table(),
        summary=model.metrics.summary(),
        ledger=model.ledger.table(),
        scenario=scenario,
        arm=arm,
        labels=dict(labels or {}),
        timings={"build_s": round(t1 - t0, 3), "run_s": round(t2 - t1, 3),
                 "weeks": total, "weeks_per_s": round(total / max(t2 - t1, 1e-9), 2)},
    )


def write_run(result: RunResult, root: str | Path, engine: str = "local") -> Path:
    """Write `result` to `<root>/<run-id>/` atomically; replace an earlier copy of the same run."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    final = root / result.run_id
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{result.run_id}-", dir=root))
    try:
        pq.write_table(result.weekly, tmp / "weekly.parquet")
        pq.write_table(result.ledger, tmp / "ledger.parquet")
        _write_json(tmp / "summary.json", result.summary)
        _write_json(tmp / "manifest.json", result.manifest(engine))
        if final.exists():
            old = root / f".old-{result.run_id}-{os.getpid()}"
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def is_finished(root: str | Path, run_id: str) -> bool:
    return (Path(root) / run_id / "manifest.json").is_file()


def read_summary(run_dir: str | Path) -> dict:
    return json.loads((Path(run_dir) / "summary.json").read_text())


def read_manifest(run_dir: str | Path) -> dict:
    return json.loads((Path(run_dir) / "manifest.json").read_text())


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, default=_jsonable) + "\n")


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def versions() -> dict:
    import mesa
    import numba
    import numpy

    return {"reformsim": sim.__version__, "python": platform.python_version(),
            "numpy": numpy.__version__, "numba": numba.__version__, "mesa": mesa.__version__}


def git_commit() -> str | None:
    """The commit of the checkout the package runs from (None outside a git checkout)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(sim.__file__).parent, capture_output=True,
            text=True, timeout=5, check=True,
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=Path(sim.__file__).parent, capture_output=True, text=True, timeout=5,
        ).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None
