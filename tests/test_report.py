"""The batch report: the answer first, who pays, differences with intervals, every figure
titled, labelled and captioned, report.md and one self-contained report.html."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim import batch, store
from sim.cli import main
from sim.compare import compare, load_summary
from sim.config import load
from sim.report import HTML_FILE, REPORT_FILE, analyse, make_report, over_time
from sim.report.weekly import Weekly
from tests.test_batch import write_tiny

PNG = b"\x89PNG\r\n\x1a\n"
SWEEP = '\n[sweep]\n"labour_market.separation_rate" = [0.0014, 0.0016]\n'


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory):
    """Two arms x two sweep points x two replications of the tiny scenario, 8 weeks each."""
    tmp = tmp_path_factory.mktemp("report")
    scenario = load(write_tiny(tmp, extra=SWEEP))
    return batch.run_batch(scenario, out=tmp / "out", workers=1, weeks=8, progress=False).folder


@pytest.fixture
def folder(batch_folder, tmp_path):
    """A copy of the batch folder a test may change."""
    copy = tmp_path / "b"
    shutil.copytree(batch_folder, copy)
    return copy


def figures_in(md: str) -> list[str]:
    return [line.split("](", 1)[1].rstrip(")") for line in md.splitlines()
            if line.startswith("![")]


def test_report_opens_with_the_answer_and_writes_md_html_csv(folder, capsys):
    assert main(["report", str(folder)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The answer\n  With 2 replications the intervals are wide")
    assert "Under the high arm" in out and "report.html" in out and "report.md" in out
    md = (folder / REPORT_FILE).read_text()
    assert md.startswith("# reformsim report: tiny_batch")
    headings = re.findall(r"^## (.+)$", md, re.M)
    assert headings == ["The answer", "Headline indicators", "Who pays",
                        "Differences over time", "Outcomes by tier",
                        "Services and the provider market", "The runs used",
                        "Appendix: every outcome"]
    answer = md.split("## The answer", 1)[1].split("##", 1)[0]
    assert "Under the high arm" in answer and "labour_market.separation_rate = 0.0014" in answer
    assert main(["report", str(folder), "--files-only"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Report: ") and "The answer" not in out
    pngs = figures_in(md)
    assert pngs == ["who_pays.png", "differences.png", "weekly_outcomes.png", "tiers.png"]
    for png in pngs:
        data = (folder / png).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000
    assert "no service schemes or provider market" in md
    # the headline table is short; the appendix has every outcome, per sweep point
    headline = md.split("## Headline indicators", 1)[1].split("## Who pays", 1)[0]
    assert 5 <= headline.count("\n| ") - 2 * headline.count("**high vs low") <= 2 * 15
    appendix = md.split("## Appendix: every outcome", 1)[1]
    assert appendix.count("**high vs low at labour_market.separation_rate = ") == 2
    assert "| Unemployment rate (registered) |" in appendix
    assert "8 runs: arms low, high; 2 sweep points (labour_market.separation_rate)" in md
    assert (folder / "compare.csv").is_file()
    # one self-contained HTML file: every figure embedded, nothing fetched
    html = (folder / HTML_FILE).read_text()
    assert html.count('<img class="chart" src="data:image/png;base64,') == len(pngs)
    assert not re.search(r"(src|href)=\"(https?:|//|[^\"#d])", html)
    assert "<h2>The answer</h2>" in html and "Under the high arm" in html


def test_every_figure_has_a_title_labelled_axes_and_a_caption(folder):
    written = make_report(folder)
    assert {c.name for c in written.charts} >= {"who_pays.png", "differences.png"}
    for chart in written.charts:
        assert chart.title and chart.figure.get_suptitle() == chart.title
        assert chart.caption.endswith(".") and chart.caption.count(". ") == 0  # one sentence
        assert chart.unlabelled_axes() == [], chart.name


def test_shares_stay_within_their_bounds_with_two_replications(batch_folder):
    a = analyse(batch_folder)
    shares = [r for r in a.rows if r["unit"] == "share"]
    assert shares
    for r in shares:
        for key in ("ci_low", "ci_high"):
            assert not r[key] < 0 and not r[key] > 1, r
        if "diff" in r:
            assert not r["diff_ci_low"] < -1 and not r["diff_ci_high"] > 1
    assert any(r["ci_clipped"] for r in shares)  # t with 1 degree of freedom runs past 0
    weekly = Weekly(a.summary, ["job_finding_rate"])
    series = weekly.level("job_finding_rate", "high", a.summary.points()[0])
    assert series.n == 2 and np.all(series.low >= 0) and np.all(series.high <= 1)


def test_a_reform_week_is_marked_and_differences_before_it_are_zero(tmp_path):
    """A scenario with `run.reform_week`: weeks count from the reform, the arms share their
    history before it, so their paired differences are exactly zero there."""
    path = write_tiny(tmp_path)
    path.write_text(path.read_text().replace("[run]\n", "[run]\nreform_week = 4\n"))
    folder = batch.run_batch(load(path), out=tmp_path / "out", workers=1, weeks=10,
                             progress=False).folder
    summary = load_summary(folder)
    weekly = Weekly(summary, ["unemployment_rate"])
    assert weekly.reform == 4
    d = weekly.difference("unemployment_rate", "high", "low")
    assert list(d.weeks) == list(range(-4, 6))  # the reported weeks, burn-in left out
    before = d.weeks < 0
    assert np.all(d.mean[before] == 0) and np.all(d.low[before] == 0)
    assert np.all(d.high[before] == 0) and np.any(d.mean[~before] != 0)
    chart = over_time.differences(weekly, summary, "low")
    ax = chart.figure.axes[0]
    assert ax.get_xlabel() == "Week from the reform (0 = reform week)"
    assert any(list(line.get_xdata()) == [0, 0] for line in ax.get_lines())  # the reform
    assert "dashed line is the reform" in chart.caption
    # the headline table is over the weeks from the reform, not the windows around it
    from sim.report import tables

    keys = [k for _, k in tables.headline(summary)]
    assert "unemployment_rate" in keys and not any(k.startswith("pre_reform.") for k in keys)
    pre = [r for r in compare(summary) if r["outcome"] == "pre_reform.unemployment_rate"
           and r["arm"] == "high"]
    assert pre and pre[0]["diff"] == 0 and pre[0]["diff_ci_high"] == 0


def test_report_draws_the_provider_market_when_runs_have_one(folder):
    """Runs with provider-market columns (`services.<scheme>.providers_active`, ...) and
    service outcomes by tier get the market and service figures."""
    market = "services.nacka."
    for path in (folder / "weekly").glob("*.parquet"):
        table = pq.read_table(path)
        n = table.num_rows
        table = table.append_column(market + "providers_active",
                                    pa.array((np.arange(n) % 5 + 20).astype(float)))
        table = table.append_column(market + "hhi", pa.array(np.linspace(400.0, 500.0, n)))
        table = table.append_column(market + "providers_excluded",
                                    pa.array((np.arange(n) // 4).astype(float)))
        pq.write_table(table, path)
    summary = pq.read_table(folder / store.SUMMARY_FILE)
    meta = summary.schema.metadata
    extra = {market + "providers_active": np.linspace(20, 25, summary.num_rows)}
    for field in ("share_served", "hours_per_week", "work_within_52w"):
        for tier in (1, 2, 3):
            extra[f"{market}{field}_tier{tier}"] = np.linspace(0.1, 0.3, summary.num_rows) / tier
    for key, values in extra.items():
        summary = summary.append_column(key, pa.array(values))
    pq.write_table(summary.replace_schema_metadata(meta), folder / store.SUMMARY_FILE)

    written = make_report(folder)
    pngs = figures_in(written.markdown.read_text())
    assert "service_nacka_tiers.png" in pngs and "providers_nacka.png" in pngs
    for png in pngs:
        assert (folder / png).read_bytes().startswith(PNG)
    md = written.markdown.read_text()
    assert "no service schemes or provider market" not in md
    assert "Nacka: in work within 12 months, tier 3" in md  # in the appendix


def test_report_of_a_folder_without_a_batch_is_one_line_exit_2(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no summary.parquet here" in err and len(err.strip().splitlines()) == 1
