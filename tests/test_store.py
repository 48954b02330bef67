"""The results store: one tidy weekly dataset per batch, and analyses that say which runs
they used and refuse runs that do not belong together.

Why: researchers read a batch with their own tools (DuckDB, polars, pandas), so the weekly
results of every run must be one dataset with one schema, readable with one glob; and a batch
folder that holds runs of several commands (a trial `--weeks 3`, then the real batch) must
never be compared as if they were one experiment.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from sim import batch, store
from sim.cli import main
from sim.config import load
from tests.test_batch import write_tiny

# the high arm has a service scheme the low arm lacks: different weekly columns per run
SERVICE_ARM = '\n[arms.high.services.local]\nmunicipalities = ["Nacka"]\n'
SWEEP = '\n[sweep]\n"labour_market.separation_rate" = [0.0014, 0.0016]\n'


@pytest.fixture(scope="module")
def dataset_batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dataset")
    scenario = load(write_tiny(tmp, extra=SERVICE_ARM + SWEEP))
    return batch.run_batch(scenario, out=tmp / "out", workers=1, weeks=3, progress=False)


def test_the_weekly_dataset_has_one_schema_for_every_arm_and_reads_with_one_glob(
        dataset_batch):
    folder = dataset_batch.folder
    files = sorted((folder / store.WEEKLY_DIR).glob("*.parquet"))
    assert [f.stem for f in files] == ["high", "low"]
    schemas = [pq.read_schema(f).remove_metadata() for f in files]
    assert schemas[0].equals(schemas[1])
    assert schemas[0].names[:6] == ["run_id", "arm", "labour_market.separation_rate",
                                    "replication", "seed", "week"]
    assert "services.local.participants" in schemas[0].names  # declared, in both arms

    glob = (folder / store.WEEKLY_DIR / "*.parquet").as_posix()
    per_run = duckdb.sql(f"""
        SELECT arm, "labour_market.separation_rate" AS rate, replication, run_id,
               count(*) AS weeks, min(week) AS first, max(week) AS last,
               max("services.local.participants") AS participants
        FROM '{glob}' GROUP BY ALL ORDER BY ALL""").fetchall()
    assert len(per_run) == 2 * 2 * 2  # arms x sweep points x replications
    assert {(w, f, last) for *_, w, f, last, _ in per_run} == {(13, -10, 2)}  # burn-in < 0
    assert {r[3] for r in per_run} == {s.run_id for s in dataset_batch.specs}
    low = [r for r in per_run if r[0] == "low"]
    assert all(r[-1] == 0 for r in low)  # the declared value where a scheme never arose

    frame = pd.read_parquet(folder / store.WEEKLY_DIR)
    assert len(frame) == 8 * 13 and frame["arm"].nunique() == 2


def test_each_run_in_the_dataset_equals_its_own_weekly_table(dataset_batch):
    folder = dataset_batch.folder
    data = pq.read_table(folder / store.WEEKLY_DIR / "low.parquet")
    spec = next(s for s in dataset_batch.specs if s.arm == "low")
    rows = data.filter(pc.equal(data.column("run_id"), spec.run_id))
    own = store.read_weekly(folder / store.RUNS_DIR / spec.run_id)
    for name in own.column_names:
        a, b = rows.column(name).to_numpy(), own.column(name).to_numpy()
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), name


def test_compare_states_the_runs_it_used_and_warns_about_runs_left_out(tmp_path, capsys):
    scenario = write_tiny(tmp_path)
    out = str(tmp_path / "out")
    folder = tmp_path / "out" / "tiny_batch" / "batch"
    assert main(["batch", str(scenario), "--weeks", "3", "--workers", "1", "--out", out]) == 0
    assert main(["batch", str(scenario), "--weeks", "4", "--workers", "1", "--out", out]) == 0
    capsys.readouterr()
    assert len(store.stored_run_ids(folder)) == 8  # both commands' runs are on disk
    assert main(["compare", str(folder)]) == 0
    captured = capsys.readouterr()
    assert ("Runs used: 4 from summary.parquet (arms low, high; replications 0-1; "
            "4 reported weeks each)") in captured.out
    assert "runs also holds 4 run(s) not in summary.parquet" in captured.err
    # the weekly dataset holds the runs of the last command only: one length
    weeks = duckdb.sql(f"SELECT DISTINCT max(week) OVER (PARTITION BY run_id) FROM "
                       f"'{(folder / 'weekly').as_posix()}/*.parquet'").fetchall()
    assert weeks == [(3,)]
    assert main(["report", str(folder)]) == 0
    md = (folder / "report.md").read_text()
    assert "Runs used: 4 from summary.parquet" in md and "not in summary.parquet" in md
    capsys.readouterr()


def test_runs_of_different_lengths_are_refused_in_one_line(tmp_path, capsys):
    scenario = write_tiny(tmp_path, extra="\n[arms.high.run]\nweeks = 4\n")
    folder = batch.run_batch(load(scenario), out=tmp_path, workers=1, progress=False).folder
    for command in ("compare", "report"):
        assert main([command, str(folder)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1
        assert "mixes runs of different lengths (4 weeks in 2 run(s), 10 weeks in 2 run(s))" in err
