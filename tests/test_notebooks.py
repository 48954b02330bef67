"""Notebooks are examples that double as tests: each runs top to bottom in quick mode, in
time, and is committed without outputs.

Quick mode is injected as papermill does: a cell after the one tagged `parameters` sets
QUICK = True and OUT to a temporary folder, so a test never writes into the project and a
notebook left with QUICK = False still runs quick here.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
LIMIT_S = 120  # each notebook, quick mode, on a loaded 2-core machine (issue 15)


def with_quick_parameters(nb, out: Path):
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "a notebook needs exactly one cell tagged `parameters`"
    cell = nbformat.v4.new_code_cell(f"QUICK = True\nOUT = {str(out)!r}")
    cell.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(tagged[0] + 1, cell)
    return nb


def test_there_are_the_four_notebooks_for_policy_staff():
    assert [p.stem for p in NOTEBOOKS] == ["01_quickstart", "02_lov_vs_authorisation",
                                           "03_funding_reforms", "04_payment_design"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"cells {dirty} have outputs: clear them before committing"
    assert nb.cells[0].cell_type == "markdown" and "**The question" in nb.cells[0].source


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom_in_quick_mode(path, tmp_path):
    nb = with_quick_parameters(nbformat.read(path, as_version=4), tmp_path / "results")
    client = NotebookClient(nb, timeout=LIMIT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.monotonic()
    client.execute()
    took = time.monotonic() - started
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors
    assert took < LIMIT_S, f"{path.name} took {took:.0f} s in quick mode; at most {LIMIT_S}"
    if not path.name.startswith("01_"):  # batches went where the test told them to
        assert list((tmp_path / "results").glob("*/*/summary.parquet"))
