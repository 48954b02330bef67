"""Results on disk: the layout, atomic writers and readers of run and batch folders.

A run's folder (`<root>/<run-id>/`) holds `weekly.parquet`, `ledger.parquet`,
`municipalities.parquet` (each municipality's week), `summary.json` and `manifest.json`. It is
written into a temporary folder and renamed into place, so a crash never leaves a half-written
run; a folder with a missing or unreadable file is *damaged* and counts as
not done, so a batch runs it again. A batch folder (`<out>/<scenario>/<batch>/`) holds `runs/`,
`failed/`, `summary.parquet` (one row per run), `weekly/` (the tidy weekly dataset; both in
sim/store/tables.py) and `manifest.json`; every file there is replaced atomically.

Readers say which file is damaged and what to do, in one line (`DamagedFile`), because the
person reading results is rarely the one who wrote them. Analysis (compare, report) reads
through this module only, never through sim/batch.py.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import subprocess
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

import sim
from sim.config import ScenarioError

WEEKLY_FILE, LEDGER_FILE = "weekly.parquet", "ledger.parquet"
MUNICIPAL_FILE = "municipalities.parquet"
RUN_SUMMARY_FILE, RUN_MANIFEST_FILE = "summary.json", "manifest.json"
RUN_FILES = (WEEKLY_FILE, LEDGER_FILE, MUNICIPAL_FILE, RUN_SUMMARY_FILE, RUN_MANIFEST_FILE)
RUNS_DIR, FAILED_DIR, WEEKLY_DIR = "runs", "failed", "weekly"
SUMMARY_FILE, MANIFEST_FILE = "summary.parquet", "manifest.json"
LOCK_FILE = ".lock"
METADATA_KEY = b"reformsim"  # Parquet schema metadata: which columns are what
ID_COLUMNS = ("run_id", "arm", "replication", "seed")
RERUN = "re-run the batch (or run) that made it: a damaged run counts as not done and runs again"


class ResultsError(ScenarioError):
    """Results that cannot be used as asked (missing, unknown arm, mixed): one line, exit 2."""

    def __init__(self, where: str, problem: str, option: str = ""):
        super().__init__(where, option, problem)


class DamagedFile(ResultsError):
    """A results file that exists but cannot be read (truncated, empty, not Parquet/JSON)."""

    def __init__(self, path: Path, error: BaseException, advice: str = RERUN):
        reason = " ".join(f"{type(error).__name__}: {error}".split())[:200]
        super().__init__(str(path), f"damaged or incomplete ({reason}); {advice}")


# ----------------------------------------------------------------------------- folders
def inside(root: str | Path, path: str | Path) -> Path:
    """`path` resolved, refused unless it lies inside `root` (nothing is written elsewhere)."""
    root_r, path_r = Path(root).resolve(), Path(path).resolve()
    if path_r != root_r and root_r not in path_r.parents:
        raise ResultsError(str(path), f"is outside the results folder {root}; refused")
    return path_r


def check_writable(out: str | Path, option: str = "--out") -> None:
    """Refuse, before anything runs, an `out` that is a file or a folder we cannot write."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ResultsError(option, f"{out} is a file, not a folder; give a folder")
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise ResultsError(option, f"{out} cannot be made: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ResultsError(option, f"{out} cannot be written: no write permission in {probe}")


def new_temporary(root: Path, stem: str) -> Path:
    """A fresh folder `.tmp-<stem>-<pid>-<random>` in `root`, with the umask's mode (not 700)."""
    path = root / f".tmp-{stem}-{os.getpid()}-{secrets.token_hex(4)}"
    path.mkdir()
    return path


def remove_temporaries(root: Path) -> None:
    """Remove what an interrupted writer left behind (`.tmp-*`, `.old-*`)."""
    for pattern in (".tmp-*", ".old-*"):
        for path in root.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


# ------------------------------------------------------------------------------ one run
def write_run(result, root: str | Path, engine: str = "local") -> Path:
    """Write a `sim.run.RunResult` to `<root>/<run-id>/` atomically; replace an earlier copy."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    final = inside(root, root / result.run_id)
    tmp = new_temporary(root, result.run_id)
    try:
        pq.write_table(result.weekly, tmp / WEEKLY_FILE)
        pq.write_table(result.ledger, tmp / LEDGER_FILE)
        pq.write_table(result.municipal, tmp / MUNICIPAL_FILE)
        (tmp / RUN_SUMMARY_FILE).write_text(dumps(result.summary))
        (tmp / RUN_MANIFEST_FILE).write_text(dumps(result.manifest(engine)))
        if final.exists():
            old = root / f".old-{result.run_id}-{os.getpid()}-{secrets.token_hex(4)}"
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def damage(run_dir: str | Path) -> str | None:
    """What is wrong with a run folder, or None if every file is there and readable."""
    run_dir = Path(run_dir)
    for name in RUN_FILES:
        path = run_dir / name
        if not path.is_file():
            return f"{name} is missing"
        try:
            if name.endswith(".parquet"):
                pq.read_metadata(path)
            else:
                json.loads(path.read_text())
        except (OSError, ValueError, pa.ArrowException) as e:
            return f"{name} is damaged ({type(e).__name__})"
    return None


def is_finished(root: str | Path, run_id: str) -> bool:
    """A run is finished when its folder has every file, each readable."""
    return damage(Path(root) / run_id) is None


def read_json(path: str | Path, advice: str = RERUN) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ResultsError(str(path), f"file not found; {advice}")
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise DamagedFile(path, e, advice) from None


def read_table(path: str | Path, columns: list[str] | None = None,
               advice: str = RERUN) -> pa.Table:
    path = Path(path)
    if not path.is_file():
        raise ResultsError(str(path), f"file not found; {advice}")
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, ValueError, pa.ArrowException) as e:
        raise DamagedFile(path, e, advice) from None


def read_summary(run_dir: str | Path) -> dict:
    return read_json(Path(run_dir) / RUN_SUMMARY_FILE)


def read_manifest(run_dir: str | Path) -> dict:
    return read_json(Path(run_dir) / RUN_MANIFEST_FILE)


def read_weekly(run_dir: str | Path) -> pa.Table:
    return read_table(Path(run_dir) / WEEKLY_FILE)


def read_ledger(run_dir: str | Path, columns: list[str] | None = None) -> pa.Table:
    return read_table(Path(run_dir) / LEDGER_FILE, columns)


def read_municipal(run_dir: str | Path) -> pa.Table:
    """Each municipality's week: capability, seekers, hires, spending, co-financing, ..."""
    return read_table(Path(run_dir) / MUNICIPAL_FILE)


# ---------------------------------------------------------------------- atomic writing
def dumps(data) -> str:
    return json.dumps(data, indent=2, default=_jsonable) + "\n"


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_json(path: Path, data) -> Path:
    """Write JSON atomically (a temporary file renamed over the old one)."""
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    tmp.write_text(dumps(data))
    os.replace(tmp, path)
    return path


def write_parquet(table: pa.Table, path: Path) -> Path:
    """Write a Parquet file atomically (a temporary file renamed over the old one)."""
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------------------- batches
def run_states(folder: Path, run_ids) -> dict[str, str]:
    """'finished', 'failed' or 'not run' for each run id, from the files alone (so counts are
    true after any interruption, whatever the last process believed)."""
    out = {}
    for run_id in run_ids:
        if is_finished(folder / RUNS_DIR, run_id):
            out[run_id] = "finished"
        elif (folder / FAILED_DIR / f"{run_id}.txt").is_file():
            out[run_id] = "failed"
        else:
            out[run_id] = "not run"
    return out


def stored_run_ids(folder: Path) -> list[str]:
    """Run ids with a folder under `runs/` (finished or damaged), temporaries left out."""
    runs = folder / RUNS_DIR
    if not runs.is_dir():
        return []
    return sorted(p.name for p in runs.iterdir() if p.is_dir() and not p.name.startswith("."))


def read_batch_summary(results: str | Path) -> tuple[Path, pa.Table, dict]:
    """(batch folder, summary table, its metadata) of a batch folder or its summary.parquet."""
    path = Path(results)
    if path.is_dir():
        path = path / SUMMARY_FILE
    if not path.is_file():
        raise ResultsError(str(results), f"no {SUMMARY_FILE} here; give a batch folder such "
                           "as results/<scenario>/batch (made by `reformsim batch`)")
    advice = "re-run the `reformsim batch` command that made it: it rewrites this file"
    table = read_table(path, advice=advice)
    try:
        meta = json.loads((table.schema.metadata or {}).get(METADATA_KEY, b"{}"))
    except ValueError as e:
        raise DamagedFile(path, e, advice) from None
    return path.parent, table, meta


def read_batch_manifest(folder: Path) -> dict:
    """The batch's manifest.json, or {} where there is none (a summary made elsewhere)."""
    path = folder / MANIFEST_FILE
    if not path.exists():
        return {}
    return read_json(path, "re-run the `reformsim batch` command that made it")


def versions() -> dict:
    import mesa
    import numba
    import numpy

    return {"reformsim": sim.__version__, "python": platform.python_version(),
            "numpy": numpy.__version__, "numba": numba.__version__, "mesa": mesa.__version__}


def git_commit() -> str | None:
    """The commit of the checkout the package runs from (None outside a git checkout)."""
    here = Path(sim.__file__).parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                             text=True, timeout=5, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=here, capture_output=True, text=True, timeout=5).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None
