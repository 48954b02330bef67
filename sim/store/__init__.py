"""Results on disk: the layout, atomic writers and readers that run, batch, compare and report use.

`sim.store.files`: run folders (written atomically, checked for damage), readers that name a
damaged file and say what to do, atomic JSON and Parquet writers, provenance (versions, git
commit) and the constants of the layout. `sim.store.tables`: the batch's `summary.parquet` and
its tidy weekly dataset. Analysis (compare, report) reads results through this package, never
through sim/batch.py. The layout is described in results/README.md.
"""

from sim.store.files import (
    FAILED_DIR,
    ID_COLUMNS,
    LEDGER_FILE,
    LOCK_FILE,
    MANIFEST_FILE,
    METADATA_KEY,
    RUN_FILES,
    RUN_MANIFEST_FILE,
    RUN_SUMMARY_FILE,
    RUNS_DIR,
    SUMMARY_FILE,
    WEEKLY_DIR,
    WEEKLY_FILE,
    DamagedFile,
    ResultsError,
    check_writable,
    damage,
    dumps,
    git_commit,
    inside,
    is_finished,
    new_temporary,
    read_batch_manifest,
    read_batch_summary,
    read_json,
    read_ledger,
    read_manifest,
    read_municipal,
    read_summary,
    read_table,
    read_weekly,
    remove_temporaries,
    run_states,
    stored_run_ids,
    versions,
    write_json,
    write_parquet,
    write_run,
)
from sim.store.tables import (
    id_table,
    missing_value,
    outcomes,
    read_weekly_dataset,
    summary_table,
    weekly_schema,
    write_summary,
    write_weekly,
)

__all__ = [
    "FAILED_DIR", "ID_COLUMNS", "LEDGER_FILE", "LOCK_FILE", "MANIFEST_FILE", "METADATA_KEY",
    "RUN_FILES", "RUN_MANIFEST_FILE", "RUN_SUMMARY_FILE", "RUNS_DIR", "SUMMARY_FILE",
    "WEEKLY_DIR", "WEEKLY_FILE", "DamagedFile", "ResultsError", "check_writable", "damage",
    "dumps", "git_commit", "id_table", "inside", "is_finished", "missing_value",
    "new_temporary", "outcomes", "read_batch_manifest", "read_batch_summary", "read_json",
    "read_ledger", "read_manifest", "read_municipal", "read_summary", "read_table", "read_weekly",
    "read_weekly_dataset",
    "remove_temporaries", "run_states", "stored_run_ids", "summary_table", "versions",
    "weekly_schema", "write_json", "write_parquet", "write_run", "write_summary",
    "write_weekly",
]
