"""Paired comparison: identical arms differ by exactly zero; a known effect is recovered."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from sim import batch, indicators, store
from sim.cli import main
from sim.compare import Summary, compare, label, load_summary, mean_ci, paired_ci
from sim.config import load
from sim.report import tables
from sim.report.tables import cell
from tests.test_batch import write_tiny


def synthetic(folder, effects: dict[str, float], reps: int = 20, noise: float = 0.002,
              seed: int = 1, sweep: dict | None = None, metadata: bool = True):
    """A summary.parquet with a replication effect shared by the arms (as common random
    numbers give) plus a known effect per arm and independent noise."""
    rng = np.random.default_rng(seed)
    points = [(v,) for v in sweep["values"]] if sweep else [()]
    rows = []
    for p_i, point in enumerate(points):
        shared = 0.07 + rng.normal(0, 0.01, reps)  # replication effects, shared by arms
        spend = 1e8 + rng.normal(0, 1e7, reps)
        for arm, effect in effects.items():
            extra = effect * (p_i + 1)  # the effect grows with the sweep point
            for r in range(reps):
                row = {"run_id": f"{arm}-{p_i}-{r}", "arm": arm}
                if sweep:
                    row[sweep["key"]] = point[0]
                row.update({"replication": r, "seed": 100 + r,
                            "unemployment_rate": shared[r] + extra + rng.normal(0, noise),
                            "spend_per_year.social_assistance": spend[r],
                            "weeks": 52.0})
                rows.append(row)
    table = pa.Table.from_pylist(rows)
    if metadata:
        meta = {"sweep": [sweep["key"]] if sweep else [], "arms": list(effects),
                "outcomes": ["unemployment_rate", "spend_per_year.social_assistance", "weeks"]}
        table = table.replace_schema_metadata({store.METADATA_KEY: json.dumps(meta).encode()})
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / store.SUMMARY_FILE)
    return folder


def format_table(rows, summary) -> str:
    return tables.plain(tables.tables(rows, summary))


def row(rows, arm, outcome="unemployment_rate", **point):
    (hit,) = [r for r in rows if r["arm"] == arm and r["outcome"] == outcome
              and all(r.get(k) == v for k, v in point.items())]
    return hit


# --------------------------------------------------------------------------- statistics
def test_two_identical_arms_differ_by_exactly_zero(tmp_path):
    """A real batch whose two arms have the same settings: same seeds, same runs, zero."""
    path = write_tiny(tmp_path, reps=3,
                      extra="\n[arms.same]\nlabour_market.vacancy_rate = 0.0015\n")
    outcome = batch.run_batch(load(path), out=tmp_path, workers=1, weeks=4, arms=["low", "same"],
                              progress=False)
    summary = load_summary(outcome.folder)
    assert summary.arms == ["low", "same"] and summary.n == 6
    rows = compare(summary)
    diffs = [r for r in rows if r["arm"] == "same"]
    assert {r["outcome"] for r in diffs} == set(summary.outcomes)
    for r in diffs:
        if math.isnan(r["mean"]):
            continue  # an outcome undefined in these runs (e.g. no seekers of a kind)
        assert r["n_pairs"] == 3
        assert r["diff"] == 0.0 and r["diff_ci_low"] == 0.0 and r["diff_ci_high"] == 0.0
        assert r["diff_ci_low"] <= 0.0 <= r["diff_ci_high"] and r["p_value"] == 1.0
    same = row(rows, "same")
    assert same["mean"] == row(rows, "low")["mean"]
    assert same["ci_low"] < same["mean"] < same["ci_high"]  # replications do vary


def test_a_known_effect_is_recovered_with_the_paired_interval(tmp_path):
    folder = synthetic(tmp_path / "b", {"public": 0.0, "lov": -0.004, "authorisation": 0.003})
    summary = load_summary(folder)
    assert summary.arms == ["public", "lov", "authorisation"] and summary.sweep == []
    rows = compare(summary)
    lov, auth = row(rows, "lov"), row(rows, "authorisation")
    assert lov["baseline"] == "public" and lov["n_pairs"] == 20
    assert lov["diff_ci_low"] < -0.004 < lov["diff_ci_high"] and lov["diff_ci_high"] < 0
    assert auth["diff_ci_low"] < 0.003 < auth["diff_ci_high"] and auth["diff_ci_low"] > 0
    assert lov["p_value"] < 1e-3
    # the same as scipy's paired t-test
    base = summary.values("unemployment_rate", "public", ())
    arm = summary.values("unemployment_rate", "lov", ())
    test = stats.ttest_rel([arm[r] for r in range(20)], [base[r] for r in range(20)])
    ci = test.confidence_interval(0.95)
    assert lov["p_value"] == pytest.approx(test.pvalue)
    assert (lov["diff_ci_low"], lov["diff_ci_high"]) == pytest.approx((ci.low, ci.high))
    # pairing is what makes it visible: the replication spread (0.01) dwarfs the effect
    assert lov["ci_high"] - lov["ci_low"] > 2 * (lov["diff_ci_high"] - lov["diff_ci_low"])
    # the spend column has no effect at all: exactly zero difference
    spend = row(rows, "lov", "spend_per_year.social_assistance")
    assert spend["diff"] == 0.0 and spend["p_value"] == 1.0
    # another baseline
    rows = compare(summary, baseline="lov")
    assert row(rows, "public")["diff"] == pytest.approx(-lov["diff"])


def test_paired_intervals_cover_the_true_effect_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    covered = 0
    trials = 400
    for _ in range(trials):
        shared = rng.normal(0, 1, 8)
        diffs = (shared + 0.5 + rng.normal(0, 0.3, 8)) - (shared + rng.normal(0, 0.3, 8))
        _, _, low, high, _ = paired_ci(diffs)
        covered += low <= 0.5 <= high
    assert 0.92 <= covered / trials <= 0.98


def test_mean_intervals_need_two_replications():
    n, mean, low, high = mean_ci([0.5])
    assert (n, mean) == (1, 0.5) and math.isnan(low) and math.isnan(high)
    n, mean, low, high = mean_ci([1.0, 2.0, 3.0, float("nan")])
    assert (n, mean) == (3, 2.0) and low < 2.0 < high
    assert math.isnan(paired_ci([0.1])[4])  # no p-value from one pair


def test_sweep_points_are_compared_separately(tmp_path):
    key = "labour_market.vacancy_rate"
    folder = synthetic(tmp_path / "s", {"a": 0.0, "b": 0.002}, reps=12,
                       sweep={"key": key, "values": [0.0015, 0.002]})
    summary = load_summary(folder)
    assert summary.sweep == [key] and summary.points() == [(0.0015,), (0.002,)]
    rows = compare(summary)
    first, second = row(rows, "b", **{key: 0.0015}), row(rows, "b", **{key: 0.002})
    assert first["diff_ci_low"] < 0.002 < first["diff_ci_high"]
    assert second["diff_ci_low"] < 0.004 < second["diff_ci_high"]
    text = format_table(rows, summary)
    assert f"at {key} = 0.0015" in text and f"at {key} = 0.002" in text


def test_a_summary_without_our_metadata_is_read_by_column_names(tmp_path):
    key = "labour_market.vacancy_rate"
    folder = synthetic(tmp_path / "m", {"a": 0.0, "b": 0.002}, reps=5, metadata=False,
                       sweep={"key": key, "values": [0.0015]})
    summary = load_summary(folder / store.SUMMARY_FILE)
    assert summary.sweep == [key]
    assert summary.outcomes == ["unemployment_rate", "spend_per_year.social_assistance", "weeks"]


def test_one_arm_gives_means_with_intervals(tmp_path):
    summary = load_summary(synthetic(tmp_path / "one", {"base": 0.0}, reps=6))
    rows = compare(summary)
    only = row(rows, "base")
    assert only["n"] == 6 and only["ci_low"] < only["mean"] < only["ci_high"]
    assert "diff" not in only
    text = format_table(rows, summary)
    assert "means with 95% confidence intervals across 6 replications" in text
    assert "Unemployment rate (registered)" in text and "Difference" not in text


# -------------------------------------------------------------------------- presentation
def test_outcomes_are_labelled_and_formatted_for_policy_readers():
    """Labels and units come from the declarations (sim/indicators.py): a share in per cent
    and its difference in pp; money a year in millions; an undeclared key still reads."""
    assert label("spend_per_year.social_assistance") == "Spending a year: social assistance"
    assert label("services.nacka.work_within_52w_tier3") == (
        "Nacka: in work within 12 months, tier 3")
    assert label("job_finding_tier1") == "Weekly job-finding, tier 1"
    assert label("something_new.x_y") == "something new: x y"
    def shown(key, *args, **kw):
        return cell(indicators.find(key).unit, *args, **kw)

    assert shown("unemployment_rate", 0.0757, 0.0741, 0.0773) == "7.57 [7.41, 7.73] %"
    assert shown("unemployment_rate", -0.004, -0.005, -0.003, difference=True) == (
        "-0.40 [-0.50, -0.30] pp")
    assert shown("hires_per_year", 1234.0, None, None) == "1,234"
    assert shown("spend_per_year.provider_base_fee", 12.5e6, 11e6, 14e6, currency="EUR") == (
        "12.5 [11.0, 14.0] MEUR a year")
    assert shown("services.nacka.provider_revenue_per_year", 3e8, None, None).endswith(
        "MSEK a year")
    assert shown("services.nacka.provider_margin", 0.1, None, None) == "10.0 %"
    assert shown("services.nacka.cost_per_job", 61234.0, None, None) == "61,234 SEK"
    assert shown("unemployment_rate", 0.02, 0.0, 0.05, clipped=True) == "2.00 [0.00, 5.00]* %"


def test_compare_command_prints_the_table_and_writes_csv(tmp_path, capsys):
    folder = synthetic(tmp_path / "c", {"public": 0.0, "lov": -0.004})
    assert main(["compare", str(folder)]) == 0
    out = capsys.readouterr().out
    # the answer first, then the headline indicators, then where every outcome is
    assert out.index("The answer") < out.index("Headline indicators") < out.index(
        "Every outcome (3)")
    assert "Under the LOV arm, compared with the public arm, the unemployment rate is 0.4" \
        in " ".join(out.split())
    assert "lov vs public" in out and "Difference (lov - public)" in out
    assert "Unemployment rate (registered)" in out and " pp " in out
    assert "Spending a year: social assistance" not in out  # not a headline indicator
    assert main(["compare", str(folder), "--all"]) == 0
    out = capsys.readouterr().out
    assert "Spending a year: social assistance" in out and "MSEK" in out
    with (folder / "compare.csv").open() as f:
        lines = list(csv.DictReader(f))
    assert len(lines) == 3 * 2  # outcomes x arms
    lov = [r for r in lines if r["arm"] == "lov" and r["outcome"] == "unemployment_rate"][0]
    assert float(lov["diff_ci_low"]) < -0.004 < float(lov["diff_ci_high"])
    assert lov["label"] == "Unemployment rate (registered)"
    public = [r for r in lines if r["arm"] == "public" and r["outcome"] == "weeks"][0]
    assert public["diff"] == "" and public["mean"] == "52.0"
    # --out elsewhere, --baseline
    assert main(["compare", str(folder), "--baseline", "lov",
                 "--out", str(tmp_path / "x.csv")]) == 0
    assert "public vs lov" in capsys.readouterr().out and (tmp_path / "x.csv").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--baseline", "procurement"], "unknown arm 'procurement'; allowed: public, lov"),
        (["nowhere"], "no summary.parquet here"),
    ],
)
def test_compare_errors_are_one_line_exit_2(tmp_path, capsys, args, message):
    folder = synthetic(tmp_path / "e", {"public": 0.0, "lov": -0.004}, reps=3)
    target = [str(tmp_path / args[0])] if args[0] == "nowhere" else [str(folder), *args]
    assert main(["compare", *target]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_summary_values_are_matched_by_replication():
    cols = {"run_id": np.array(["a0", "a1", "b1", "b0"], dtype=object),
            "arm": np.array(["a", "a", "b", "b"], dtype=object),
            "replication": np.array([0, 1, 1, 0], dtype=object),
            "y": np.array([1.0, 2.0, 12.0, 11.0])}
    summary = Summary(Path("."), cols, ["a", "b"], [], ["y"])
    b = row(compare(summary), "b", "y")
    assert b["diff"] == 10.0 and b["p_value"] == 0.0 and b["diff_ci_low"] == 10.0


def test_a_batch_with_no_finished_runs_is_one_line_exit_2(tmp_path, capsys):
    empty = pa.table({"run_id": pa.array([], pa.string()), "arm": pa.array([], pa.string()),
                      "replication": pa.array([], pa.int64())})
    pq.write_table(empty, tmp_path / store.SUMMARY_FILE)
    assert main(["compare", str(tmp_path)]) == 2
    assert "no finished runs in this batch yet" in capsys.readouterr().err
