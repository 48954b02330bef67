"""Who pays: each run's public spending by payer and programme, from its ledger.

A ledger flow (sim/ledger.py) goes from a payer to a payee. The payers are governments: the
state, each municipality (`state`, `municipality:<name>`) and, where a scenario has them,
unemployment funds. A flow from one of them to another (the state's transfer under a
takeover or TE24, a municipality's co-financing of benefits, evidence.md 0 and 4.1) is spending
by one and income of the other: it is shown once, as spending in its payer's column and as
income in its payee's, and nets to zero in the total. The public cost is then what governments
pay to everyone else (households, providers, staff). Adding up every payer's spending instead
counts a transfer twice, which made Nacka's takeover look about 73 MSEK a year dearer rather
than the ~16 MSEK the ledger shows.

Amounts are a year over the weeks from week 0 on (the reported weeks; with a reform week, the
weeks after the reform).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc

from sim import store
from sim.compare import Summary
from sim.indicators import Indicator
from sim.ledger import BENEFITS, CATEGORIES, SERVICES

PAYER_KINDS = ("state", "municipality", "unemployment_fund", "unemployment_funds")
# a programme is a group of ledger categories, in the order a budget table shows them
PROGRAMMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "benefits": ("Unemployment benefits", tuple(c for c in BENEFITS
                                               if c != "social_assistance")),
    "social_assistance": ("Social assistance", ("social_assistance",)),
    "services": ("Services (providers and in-house)", SERVICES),
    "employment_service": ("Employment service staff", ("employment_service_staff",)),
    "cofinancing": ("Co-financing of benefits (municipality to state)",
                    ("municipal_cofinancing",)),
    "transfers": ("Transfers (state to municipalities)", ("state_transfer",)),
}
BETWEEN_GOVERNMENTS = ("cofinancing", "transfers")
PROGRAMME_OF = {c: p for p, (_, cats) in PROGRAMMES.items() for c in cats}
TOTAL = "public_cost_per_year"
NET = "net_cost_per_year."
WEEKS_PER_YEAR = 52


def is_payer(party: str) -> bool:
    """A government (or fund) whose spending the budget view counts."""
    return party.split(":", 1)[0] in PAYER_KINDS


def payer_name(party: str, sentence_start: bool = False) -> str:
    """`state` -> 'the state', `municipality:Nacka` -> 'Nacka'."""
    kind, _, name = party.partition(":")
    if name:
        return name.replace("_", " ")
    text = {"state": "the state"}.get(kind, kind.replace("_", " "))
    return text[0].upper() + text[1:] if sentence_start else text


def programme_of(category: str) -> str:
    return PROGRAMME_OF.get(category, category)


def programme_label(programme: str) -> str:
    return PROGRAMMES.get(programme, (programme.replace("_", " ").capitalize(),))[0]


# ---------------------------------------------------------------------------- one run
def run_budget(ledger, weeks: int) -> dict[tuple[str, str], float]:
    """{(payer, programme): amount a year} of one run's ledger table: spending positive; a
    flow between payers also as the payee's income (negative) under the same programme."""
    ledger = ledger.filter(pc.greater_equal(ledger.column("week"), 0))
    out: dict[tuple[str, str], float] = defaultdict(float)
    years = max(weeks, 1) / WEEKS_PER_YEAR
    for payer, payee, category, amount in zip(*(ledger.column(k).to_pylist() for k in
                                               ("payer", "payee", "category", "amount")),
                                              strict=True):
        programme = programme_of(category)
        out[(payer, programme)] += amount / years
        if is_payer(payee):
            out[(payee, programme)] -= amount / years
    return dict(out)


def net_costs(budget: dict[tuple[str, str], float]) -> dict[str, float]:
    """Each payer's net cost a year: what it pays minus what other payers pay it."""
    out: dict[str, float] = defaultdict(float)
    for (payer, _), amount in budget.items():
        out[payer] += amount
    return dict(out)


# --------------------------------------------------------------------------- a batch
@dataclass
class Budget:
    """Every run's budget, the payers and programmes that occur, in display order."""

    runs: dict[str, dict[tuple[str, str], float]]  # run id -> run_budget
    payers: list[str]
    programmes: list[str]

    def mean(self, run_ids: list[str]) -> dict[tuple[str, str], float]:
        """The mean budget over runs (replications of one arm)."""
        cells = {(p, g) for r in run_ids for p, g in self.runs[r]}
        return {c: float(np.mean([self.runs[r].get(c, 0.0) for r in run_ids])) for c in cells}


def reported_weeks(folder) -> dict[str, int]:
    """Weeks from week 0 on of each run, from the tidy weekly dataset ({} without one)."""
    table = store.read_weekly_dataset(folder, ["run_id", "week"])
    if table is None or "week" not in table.column_names:
        return {}
    out: dict[str, set] = defaultdict(set)
    for run_id, week in zip(table.column("run_id").to_pylist(),
                            table.column("week").to_pylist(), strict=True):
        if week is not None and week >= 0:
            out[run_id].add(week)
    return {k: len(v) for k, v in out.items()}


def load_budget(summary: Summary) -> Budget | None:
    """Every run's budget from its ledger; None where the runs' ledgers are not there (a
    summary made elsewhere)."""
    folder = summary.folder
    ids = list(dict.fromkeys(summary.columns["run_id"].tolist())) \
        if "run_id" in summary.columns else []
    if not ids or not all((folder / store.RUNS_DIR / i / store.LEDGER_FILE).is_file()
                          for i in ids):
        return None
    weeks = reported_weeks(folder)
    runs = {}
    for run_id in ids:
        ledger = store.read_ledger(folder / store.RUNS_DIR / run_id,
                                   ["week", "payer", "payee", "category", "amount"])
        n = weeks.get(run_id) or len(set(w for w in ledger.column("week").to_pylist() if w >= 0))
        runs[run_id] = run_budget(ledger, n)
    parties = {p for b in runs.values() for p, _ in b}
    payers = sorted(parties, key=lambda p: (p != "state", p))
    order = list(PROGRAMMES)
    programmes = sorted({g for b in runs.values() for _, g in b},
                        key=lambda g: (order.index(g) if g in order else len(order), g))
    return Budget(runs, payers, programmes)


def add_outcomes(summary: Summary, budget: Budget) -> list[str]:
    """Put the public cost, each payer's net cost and each programme's cost (transfers between
    payers netted) into the summary as derived outcomes, so compare gives them paired
    intervals; returns their keys."""
    keys = []

    def add(key, label, description, values):
        summary.add_outcome(Indicator(key, "money_per_year", label, description), values)
        keys.append(key)

    add(TOTAL, "Public cost a year (transfers netted)",
        "What governments pay households, providers and staff a year (ledger).",
        {r: sum(v for (p, g), v in b.items()) for r, b in budget.runs.items()})
    for payer in budget.payers:
        add(NET + payer, f"Net cost a year: {payer_name(payer)}",
            "What the payer pays a year minus what other payers pay it (ledger).",
            {r: net_costs(b).get(payer, 0.0) for r, b in budget.runs.items()})
    for programme in budget.programmes:
        if programme in BETWEEN_GOVERNMENTS:
            continue  # nets to zero over payers
        add(f"{TOTAL}.{programme}", f"Public cost a year: {programme_label(programme).lower()}",
            "All payers' spending a year on the programme (ledger).",
            {r: sum(v for (p, g), v in b.items() if g == programme)
             for r, b in budget.runs.items()})
    return keys


def categories_in_programmes() -> set[str]:
    """Every ledger category has a programme (a test holds this as categories are added)."""
    return {c for c in CATEGORIES if c in PROGRAMME_OF}
