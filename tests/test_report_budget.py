"""Who pays: the budget view against a direct sum of each run's ledger.parquet by payer.

Nacka's takeover (scenarios/nacka_takeover.toml, arms `state` and `municipal_takeover`) on a
6,000-person world, the reform 4 weeks into 10 reported weeks: the state's transfer to Nacka is
spending by the state and income of Nacka, so it appears once and nets to zero in the public
cost. Amounts are a year over the weeks from the reform (week 0 on).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow.parquet as pq
import pytest

from sim import batch, store
from sim.config import load
from sim.ledger import CATEGORIES
from sim.report import analyse, budget, who_pays
from tests.conftest import SCENARIOS

TAKEOVER = f"""\
extends = "{(SCENARIOS / 'nacka_takeover.toml').as_posix()}"
name = "tiny_takeover"
description = "Nacka's takeover on 6,000 persons."
replications = 2

[run]
weeks = 10
burn_in_weeks = 10
reform_week = 4
seed = 5

[[world.municipalities]]
name = "Nacka"
labour_force = 4000
market = "Stockholm"

[[world.municipalities]]
name = "Varmdo"
labour_force = 2000
market = "Stockholm"

[services.nacka.referral]
places = 60
"""
GOVERNMENTS = ("state", "municipality:Nacka", "municipality:Varmdo")


@pytest.fixture(scope="module")
def takeover(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("takeover")
    (tmp / "takeover.toml").write_text(TAKEOVER)
    scenario = load(tmp / "takeover.toml")
    folder = batch.run_batch(scenario, out=tmp / "out", workers=1, progress=False).folder
    return analyse(folder)


def direct(run_dir) -> tuple[dict[str, float], float, float]:
    """(net cost a year by payer, public cost a year, transfers a year) summed straight from
    ledger.parquet over the reported weeks."""
    ledger = pq.read_table(run_dir / store.LEDGER_FILE).to_pylist()
    rows = [r for r in ledger if r["week"] >= 0]
    years = len({r["week"] for r in rows}) / 52
    net: dict[str, float] = defaultdict(float)
    public = transfers = 0.0
    for r in rows:
        net[r["payer"]] += r["amount"]
        if r["payee"] in GOVERNMENTS:
            net[r["payee"]] -= r["amount"]
            transfers += r["amount"]
        else:
            public += r["amount"]
    return {k: v / years for k, v in net.items()}, public / years, transfers / years


def test_net_cost_by_payer_is_the_ledger_summed_by_payer(takeover):
    s = takeover.summary
    assert s.arms == ["state", "municipal_takeover"]
    for i, run_id in enumerate(s.columns["run_id"]):
        net, public, transfers = direct(s.folder / store.RUNS_DIR / run_id)
        for payer in GOVERNMENTS:
            assert s.columns[budget.NET + payer][i] == pytest.approx(net.get(payer, 0.0))
        assert s.columns[budget.TOTAL][i] == pytest.approx(public)
        if s.columns["arm"][i] == "municipal_takeover":
            assert transfers > 0  # the state pays Nacka 90 % of its allocation
            gross = sum(v for (p, g), v in takeover.budget.runs[run_id].items() if v > 0)
            assert gross == pytest.approx(public + transfers)  # what summing payers counted


def test_the_takeover_cost_difference_matches_the_ledger(takeover):
    s = takeover.summary
    by_rep = defaultdict(dict)
    for run_id, arm, rep in zip(s.columns["run_id"], s.columns["arm"], s.columns["replication"],
                                strict=True):
        by_rep[arm][rep] = direct(s.folder / store.RUNS_DIR / run_id)
    for key, pick in ((budget.TOTAL, lambda d: d[1]),
                      (budget.NET + "municipality:Nacka", lambda d: d[0]["municipality:Nacka"]),
                      (budget.NET + "state", lambda d: d[0]["state"])):
        diffs = [pick(by_rep["municipal_takeover"][r]) - pick(by_rep["state"][r])
                 for r in by_rep["state"]]
        (row,) = [r for r in takeover.rows if r["outcome"] == key
                  and r["arm"] == "municipal_takeover"]
        assert row["diff"] == pytest.approx(np.mean(diffs))
        assert row["unit"] == "money_per_year" and row["n_pairs"] == 2


def test_a_transfer_shows_once_and_nets_to_zero_in_the_public_cost(takeover):
    tables = who_pays.tables(takeover.budget, takeover.summary)
    (title, header, body), = [t for t in tables if t[0].startswith("Arm municipal_takeover")]
    assert header == ["Programme", "The state", "Nacka", "Varmdo", "Public cost"]
    (transfer,) = [line for line in body if line[0].startswith("Transfers")]
    state, nacka, varmdo = (float(v.replace(",", "")) for v in transfer[1:4])
    assert state > 0 and nacka == -state and varmdo == 0 and transfer[4] == "0 (netted)"
    net = body[-1]
    assert net[0] == "Net cost"
    payers = sum(float(v.replace(",", "")) for v in net[1:4])
    assert float(net[4].replace(",", "")) == pytest.approx(payers, abs=0.15)
    # the sentences name the payers and the currency
    text = " ".join(takeover.sentences)
    assert "MSEK a year" in text and "Nacka" in text and "the state" in text


def test_every_ledger_category_belongs_to_a_programme():
    assert budget.categories_in_programmes() == set(CATEGORIES)
    assert budget.payer_name("municipality:Nacka") == "Nacka"
    assert budget.payer_name("state", sentence_start=True) == "The state"
