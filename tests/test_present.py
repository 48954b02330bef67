"""What the command line shows is built from the declarations, not from lists of keys.

Why: the model's outputs gain keys as the model grows (sim/indicators/); the CLI must show a
new indicator without an edit, with the label and unit it was declared with.
"""

from __future__ import annotations

import math

from sim import present


def test_tiers_of_one_declaration_share_a_line_with_its_unit():
    summary = {f"job_finding_tier{t}": v for t, v in ((1, 0.041), (2, 0.02), (3, 0.0105))}
    (line,) = present.rows(summary, list(summary), "SEK")
    assert line.split() == ["weekly", "job-finding,", "tier", "1", "/", "2", "/", "3",
                            "4.10", "/", "2.00", "/", "1.05", "%"]


def test_money_a_year_is_in_millions_and_a_scheme_section_drops_its_name():
    summary = {"services.nacka.service_spend_per_year": 12_345_678.0,
               "services.nacka.cost_per_job": 61_234.0,
               "services.nacka.parking_index": math.nan}
    lines = present.rows(summary, list(summary), "EUR", scheme="nacka")
    assert lines[0].split()[-4:] == ["12.3", "MEUR", "a", "year"]
    assert lines[1].split()[-2:] == ["61,234", "EUR"] and "nacka" not in lines[1].lower()
    assert lines[2].split()[-1] == "n/a" and lines[2].strip().startswith("parking index")


def test_a_key_nobody_declared_is_still_shown():
    (line,) = present.rows({"something_new": 3.0}, ["something_new"], "SEK")
    assert line.split() == ["something_new", "3"]
