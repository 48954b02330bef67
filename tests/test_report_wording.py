"""The wording rules of the generated sentences (sim/report/wording.py, answer.py)."""

from __future__ import annotations

import math

from sim.compare import compare, load_summary
from sim.report import answer, wording
from sim.report.wording import change, verdict
from tests.test_compare import synthetic


def row(diff, low, high, unit="share", n_pairs=10, **extra):
    return {"diff": diff, "diff_ci_low": low, "diff_ci_high": high, "unit": unit,
            "n_pairs": n_pairs, "baseline": "lov", **extra}


def test_an_interval_spanning_zero_says_no_detectable_difference():
    r = row(0.0005, -0.001, 0.002)
    assert verdict(r) == "none"
    assert change(r, "the unemployment rate", "SEK") == (
        "no detectable difference in the unemployment rate (-0.1 to +0.2 pp)")
    assert change(r, "the unemployment rate", "SEK", baseline="lov") == (
        "no detectable difference in the unemployment rate compared with the LOV arm "
        "(-0.1 to +0.2 pp)")


def test_money_names_its_payer_and_currency_in_millions_a_year():
    r = row(29e6, 25e6, 33e6, unit="money_per_year")
    assert change(r, "Nacka", "SEK", baseline="lov", spends=True) == (
        "Nacka spends 29 MSEK a year more than under the LOV arm (95 % CI 25 to 33)")
    r = row(-2.1e6, -2.6e6, -1.6e6, unit="money_per_year")
    assert change(r, "the state", "EUR", spends=True) == (
        "the state spends 2.1 M EUR a year less (95 % CI 1.6 to 2.6)")
    r = row(1e6, -3e6, 5e6, unit="money_per_year")
    assert change(r, "Varmdo", "SEK", spends=True) == (
        "no detectable difference in what Varmdo spends (-3 to +5 MSEK a year)")


def test_shares_move_in_percentage_points_with_sizes_in_the_stated_direction():
    r = row(-0.003, -0.005, -0.001)
    assert verdict(r) == "down"
    assert change(r, "the long-term share", "SEK") == (
        "the long-term share is 0.3 pp lower (95 % CI 0.1 to 0.5)")


def test_equal_in_every_replication_says_so():
    r = row(0.0, 0.0, 0.0)
    assert verdict(r) == "same"
    assert change(r, "the unemployment rate", "SEK", baseline="public_service") == (
        "the unemployment rate is the same in every replication as under the public service arm")


def test_one_replication_gives_no_interval_and_says_how_many_are_needed():
    r = row(0.004, math.nan, math.nan, n_pairs=1)
    assert verdict(r) == "few"
    assert change(r, "the unemployment rate", "SEK") == (
        "the unemployment rate is 0.40 pp higher (one replication: no interval)")
    note = wording.replication_note(1)
    assert "too few for an interval" in note and "at least 2 replications" in note
    assert "--reps 5" in note
    assert "12.7 standard errors" in wording.replication_note(2)
    assert wording.replication_note(5) is None


def test_no_detectable_differences_are_merged_into_one_clause():
    parts = ["no detectable difference in A (x)", "B is 1 higher (y)",
             "no detectable difference in C (z)"]
    assert wording.joined(parts) == (
        "B is 1 higher (y); there is no detectable difference in A (x) or C (z)")


def test_the_answer_is_generated_from_the_comparison(tmp_path):
    folder = synthetic(tmp_path / "b", {"public": 0.0, "lov": -0.004, "authorisation": 0.0})
    summary = load_summary(folder)
    text = answer.sentences(compare(summary), summary)
    assert len(text) == 2  # one paragraph per arm; 20 replications need no note
    assert text[0].startswith("Under the LOV arm, compared with the public arm, the "
                              "unemployment rate is 0.4")
    assert "pp lower (95 % CI" in text[0]
    assert text[1].startswith("Under the authorisation arm, compared with the public arm, "
                              "there is no detectable difference in the unemployment rate (")
    one = synthetic(tmp_path / "one", {"public": 0.0, "lov": -0.004}, reps=1)
    summary = load_summary(one)
    text = answer.sentences(compare(summary), summary)
    assert text[0].startswith("Each arm has 1 replication, too few for an interval")
    assert "(one replication: no interval)" in text[1]


def test_arm_names_read_as_words():
    assert wording.arm_name("lov") == "LOV"
    assert wording.arm_name("authorisation_open") == "authorisation open"
    assert wording.decimals(29.0, 25.0, 33.0) == 0
    assert wording.decimals(0.05, -0.1, 0.2) == 1


def test_one_arm_states_its_levels_with_intervals(tmp_path):
    summary = load_summary(synthetic(tmp_path / "one", {"base": 0.0}, reps=6))
    (text,) = answer.sentences(compare(summary), summary)
    assert text.startswith("This batch has one arm (base), so there is nothing to compare it "
                           "with: the unemployment rate averages ")
    assert "% (95 % CI " in text
