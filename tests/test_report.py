"""The batch report: report.md and its titled figures, with or without a provider market."""

from __future__ import annotations

import shutil

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim import batch, store
from sim.cli import main
from sim.config import load
from sim.report import REPORT_FILE, make_report
from tests.test_batch import write_tiny

PNG = b"\x89PNG\r\n\x1a\n"
SWEEP = '\n[sweep]\n"labour_market.separation_rate" = [0.0014, 0.0016]\n'


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory):
    """Two arms x two sweep points x two replications of the tiny scenario, 8 weeks each."""
    tmp = tmp_path_factory.mktemp("report")
    scenario = load(write_tiny(tmp, extra=SWEEP))
    return batch.run_batch(scenario, out=tmp / "out", workers=1, weeks=8, progress=False).folder


def figures_in(md: str) -> list[str]:
    return [line.split("](", 1)[1].rstrip(")") for line in md.splitlines()
            if line.startswith("![")]


def test_report_writes_markdown_and_titled_figures(batch_folder, tmp_path, capsys):
    folder = tmp_path / "b"
    shutil.copytree(batch_folder, folder)
    assert main(["report", str(folder)]) == 0
    assert "report.md" in capsys.readouterr().out
    md = (folder / REPORT_FILE).read_text()
    assert md.startswith("# reformsim report: tiny_batch")
    pngs = figures_in(md)
    assert pngs == ["weekly_outcomes.png", "tiers.png", "costs.png"]
    for png in pngs:
        data = (folder / png).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000
    for heading in ("## Weekly outcomes", "## Outcomes by tier", "## Costs",
                    "## Services and the provider market", "## Comparison"):
        assert heading in md
    assert "no service schemes or provider market" in md
    # the comparison: one table per sweep point, high vs the baseline low
    assert md.count("**high vs low at labour_market.separation_rate = ") == 2
    assert "| Unemployment rate (registered) |" in md
    assert "8 runs: arms low, high; 2 sweep points (labour_market.separation_rate)" in md


def test_report_draws_the_provider_market_when_runs_have_one(batch_folder, tmp_path):
    """Runs with provider-market columns (`services.<scheme>.providers_active`, ...)
    and service outcomes by tier in their summaries get the market and service figures."""
    folder = tmp_path / "b"
    shutil.copytree(batch_folder, folder)
    for weekly in (folder / "runs").glob("*/weekly.parquet"):
        table = pq.read_table(weekly)
        n = table.num_rows
        market = "services.nacka."
        table = table.append_column(market + "providers_active", pa.array(np.arange(n) % 5 + 20))
        table = table.append_column(market + "hhi", pa.array(np.linspace(400.0, 500.0, n)))
        table = table.append_column(market + "providers_excluded", pa.array(np.arange(n) // 4))
        pq.write_table(table, weekly)
    summary = pq.read_table(folder / store.SUMMARY_FILE)
    for field in ("share_served", "hours_per_week", "work_within_52w"):
        for tier in (1, 2, 3):
            values = np.linspace(0.1, 0.3, summary.num_rows) / tier
            summary = summary.append_column(f"services.nacka.{field}_tier{tier}",
                                            pa.array(values))
    pq.write_table(summary, folder / store.SUMMARY_FILE)

    md = make_report(folder)[0].read_text()
    pngs = figures_in(md)
    assert "service_nacka_tiers.png" in pngs and "providers_nacka.png" in pngs
    for png in pngs:
        assert (folder / png).read_bytes().startswith(PNG)
    assert "no service schemes or provider market" not in md
    assert "Nacka: in work within 12 months, tier 3" in md  # in the comparison


def test_report_of_a_folder_without_a_batch_is_one_line_exit_2(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no summary.parquet here" in err and len(err.strip().splitlines()) == 1
