"""A batch's tables: `summary.parquet` (one row per run) and the tidy weekly dataset.

Both are rebuilt from the run folders at the end of every batch command, for the runs of that
command's plan (arms x sweep points x replications), so they never mix runs of another length
or other settings that an earlier command left in `runs/`.

- `summary.parquet`: `run_id`, `arm`, one column per sweep setting, `replication`, `seed`, then
  each numeric outcome of the run summaries (`unemployment_rate`,
  `spend_per_year.social_assistance`, ...). Schema metadata (`METADATA_KEY`) says which columns
  are sweep settings and outcomes, the arms in order and the currency.
- `weekly/<arm>.parquet`: the weekly tables of the arm's runs stacked, with the same schema in
  every arm: the id columns above, `week` (negative during burn-in), then every declared weekly
  indicator (sim/indicators.py). A column one arm's runs lack (a service scheme another arm
  has) holds its declared value for "never arose". Read the batch with one glob:
  `duckdb: SELECT * FROM 'weekly/*.parquet'`, `polars.read_parquet('weekly/*.parquet')`,
  `pandas.read_parquet('weekly/')`.
"""

from __future__ import annotations

import json
import math
import os
import secrets
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from sim import indicators
from sim.store.files import (
    METADATA_KEY,
    RUNS_DIR,
    SUMMARY_FILE,
    WEEKLY_DIR,
    WEEKLY_FILE,
    ResultsError,
    read_summary,
    read_table,
    read_weekly,
    write_parquet,
)


def outcomes(summary: dict, prefix: str = "") -> dict[str, float]:
    """The numeric outcomes of a run summary (nested dicts joined with dots; lists skipped)."""
    out: dict[str, float] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(outcomes(value, name + "."))
        elif value is None:
            out[name] = math.nan
        elif isinstance(value, (bool, int, float)):
            out[name] = float(value)
    return out


def missing_value(key: str) -> float:
    """The declared value of a summary indicator where it never arose (NaN if undeclared)."""
    ind = indicators.find(key)
    return ind.missing if ind is not None else math.nan


def id_table(specs) -> pa.Table:
    """run_id, arm, a column per sweep setting, replication, seed: one row per spec (any
    object with those attributes, e.g. sim.batch.RunSpec)."""
    keys = sweep_keys(specs)
    columns = {"run_id": pa.array([s.run_id for s in specs], pa.string()),
               "arm": pa.array([s.arm for s in specs], pa.string())}
    for key in keys:
        columns[key] = _sweep_column([s.sweep.get(key) for s in specs])
    columns["replication"] = pa.array([s.replication for s in specs], pa.int64())
    columns["seed"] = pa.array([s.seed for s in specs], pa.int64())
    return pa.table(columns)


def sweep_keys(specs) -> list[str]:
    return list(dict.fromkeys(k for s in specs for k in s.sweep))


def _sweep_column(values: list) -> pa.Array:
    try:
        if any(isinstance(v, (list, tuple, dict)) for v in values):
            raise pa.ArrowInvalid("nested")
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([json.dumps(v) for v in values], pa.string())


# ----------------------------------------------------------------------- summary.parquet
def summary_table(specs, runs_dir: Path, finished: set[str], currency: str) -> pa.Table:
    """One row per spec whose run is finished, in plan order (see the module docstring)."""
    runs_dir = Path(runs_dir)
    rows = [s for s in specs if s.run_id in finished]
    cache: dict[str, dict] = {}
    for s in rows:
        if s.run_id not in cache:
            cache[s.run_id] = outcomes(read_summary(runs_dir / s.run_id))
    names = list(dict.fromkeys(k for flat in cache.values() for k in flat))
    table = id_table(rows)
    for key in names:
        fill = missing_value(key)
        table = table.append_column(key, pa.array(
            [cache[s.run_id].get(key, fill) for s in rows], pa.float64()))
    meta = {"sweep": sweep_keys(specs), "outcomes": names,
            "arms": list(dict.fromkeys(s.arm for s in specs)), "currency": currency,
            "runs": len(rows)}
    return table.replace_schema_metadata({METADATA_KEY: json.dumps(meta).encode()})


def write_summary(folder: Path, specs, finished: set[str], currency: str) -> Path:
    return write_parquet(summary_table(specs, folder / RUNS_DIR, finished, currency),
                         folder / SUMMARY_FILE)


# ------------------------------------------------------------------ the weekly dataset
def weekly_schema(specs, runs_dir: Path) -> pa.Schema:
    """Id columns, then the union of the runs' weekly columns in first-seen order; a column
    whose type differs between runs, or that some runs lack and fills with NaN, is float64."""
    ids = id_table(specs).schema
    fields: dict[str, pa.DataType] = {}
    seen_in: dict[str, int] = {}
    unique = list(dict.fromkeys(s.run_id for s in specs))
    for run_id in unique:
        for f in pq.read_schema(runs_dir / run_id / WEEKLY_FILE):
            seen_in[f.name] = seen_in.get(f.name, 0) + 1
            if f.name not in fields:
                fields[f.name] = f.type
            elif fields[f.name] != f.type:
                fields[f.name] = pa.float64()
    for name in fields:
        if seen_in[name] < len(unique) and math.isnan(indicators.weekly_missing(name)):
            fields[name] = pa.float64()
    ordered = ["week", *(k for k in fields if k != "week")] if "week" in fields else list(fields)
    return pa.schema([*ids, *(pa.field(k, fields[k]) for k in ordered if k not in ids.names)])


def write_weekly(folder: Path, specs, finished: set[str]) -> list[Path]:
    """`weekly/<arm>.parquet` for each arm with finished runs; files of other arms removed.
    Streams one run at a time (a row group each), so memory stays that of one run."""
    runs_dir, out = folder / RUNS_DIR, folder / WEEKLY_DIR
    rows = [s for s in specs if s.run_id in finished]
    out.mkdir(exist_ok=True)
    arms = list(dict.fromkeys(s.arm for s in rows))
    for stale in out.glob("*.parquet"):
        if stale.stem not in arms:
            stale.unlink()
    if not rows:
        return []
    schema = weekly_schema(rows, runs_dir)
    ids = id_table(rows)
    paths = []
    for arm in arms:
        index = [i for i, s in enumerate(rows) if s.arm == arm]
        meta = {"runs": [rows[i].run_id for i in index], "columns": schema.names}
        tagged = schema.with_metadata({METADATA_KEY: json.dumps(meta).encode()})
        path = out / f"{arm}.parquet"
        if _current(path, tagged):
            paths.append(path)
            continue
        tmp = out / f".tmp-{arm}-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            with pq.ParquetWriter(tmp, tagged) as writer:
                for i in index:
                    writer.write_table(_conform(read_weekly(runs_dir / rows[i].run_id),
                                                ids.slice(i, 1), tagged))
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        paths.append(path)
    return paths


def _current(path: Path, schema: pa.Schema) -> bool:
    """The file already holds these runs with this schema (a resumed batch with no news)."""
    try:
        return path.is_file() and pq.read_schema(path).equals(schema, check_metadata=True)
    except (OSError, ValueError, pa.ArrowException):
        return False


def _conform(weekly: pa.Table, ids: pa.Table, schema: pa.Schema) -> pa.Table:
    """One run's weekly table with its id columns in front, in the dataset's schema."""
    n = weekly.num_rows
    columns = []
    for f in schema:
        if f.name in ids.column_names:
            columns.append(pa.repeat(ids.column(f.name)[0], n).cast(f.type))
        elif f.name in weekly.column_names:
            columns.append(weekly.column(f.name).cast(f.type))
        else:
            fill = indicators.weekly_missing(f.name)
            columns.append(pa.array([fill] * n, pa.float64()).cast(f.type))
    return pa.Table.from_arrays(columns, schema=schema)


def read_weekly_dataset(folder: Path, columns: list[str] | None = None) -> pa.Table | None:
    """The batch's tidy weekly dataset (every `weekly/<arm>.parquet` stacked), only `columns`
    that it has; None where the batch has none (a summary made elsewhere)."""
    paths = sorted((Path(folder) / WEEKLY_DIR).glob("*.parquet"))
    if not paths:
        return None
    advice = "re-run the `reformsim batch` command that made it: it rewrites this file"
    tables = []
    for path in paths:
        names = pq.read_schema(path).names if path.is_file() else []
        wanted = None if columns is None else [c for c in columns if c in names]
        tables.append(read_table(path, wanted, advice))
    try:
        return pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        raise ResultsError(str(Path(folder) / WEEKLY_DIR), f"arms' weekly files do not stack "
                           f"({e}); {advice}") from None
