"""Weekly indicators and the run summary, with the calibration targets beside the simulation.

Every value is a declared indicator (sim/indicators.py): processes write their weekly values
into the week's row under declared keys, this module completes the row (status counts, money
from the ledger), refuses keys nobody declared, and at the end builds the summary from the
declarations, so every run of a scenario has the same keys.

Rates follow the Swedish employment service's definitions where the evidence file uses them
(scenarios/evidence.md 5.1): the unemployment rate is registered seekers over the labour force
(employed plus registered), the long-term share counts spells of 52 weeks or more, and the
job-finding rate is the share of registered seekers who got a job that week (about 1.8 %).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sim import indicators
from sim.agents.municipality import pilot_indicators
from sim.indicators import WEEKS_PER_MONTH
from sim.week import Week


def monthly(weekly_rate: float) -> float:
    """A weekly hazard as a monthly one."""
    return 1.0 - (1.0 - weekly_rate) ** WEEKS_PER_MONTH


def ratio(a, b) -> float:
    return float(a) / float(b) if b else float("nan")


def section(summary: dict, prefix: str) -> dict:
    """The part of a flat summary under `prefix` (e.g. 'services.nacka'), keys shortened."""
    start = prefix.rstrip(".") + "."
    return {k[len(start):]: v for k, v in summary.items() if k.startswith(start)}


class Metrics:
    """Collects one row of declared indicators a week; `table()` and `summary()` at the end."""

    def __init__(self, model):
        self.model = model
        self.context = indicators.Context.of(model.config, getattr(model, "reform", None))
        self.declared = {i.key: i for i in indicators.weekly(self.context)}
        self.rows: list[dict] = []

    def redeclare(self) -> None:
        """Declare the indicators of the model's rules as they are now: a history snapshot
        (sim/run.py) is taken before an arm's reform is known, and the reform may add
        indicators (e.g. co-financing bands); earlier rows get their missing values, as in a
        run that knew the reform from the start."""
        self.context = indicators.Context.of(self.model.config, getattr(self.model, "reform",
                                                                        None))
        self.declared = {i.key: i for i in indicators.weekly(self.context)}
        self.rows = [{k: row.get(k, ind.missing) for k, ind in self.declared.items()}
                     for row in self.rows]

    def record(self, week: Week) -> None:
        """Complete the week's row and keep it: stage 10."""
        pilot_indicators(self.model, week)
        self.end_week(week.row)

    def end_week(self, w: dict) -> None:
        model = self.model
        counts = model.status_counts()
        registered = counts["registered"] + counts["in_service"]
        w.update(counts)
        w["labour_force"] = counts["employed"] + registered
        w["unemployment_rate"] = ratio(registered, w["labour_force"])
        # the spell clock has run: a spell has lasted week + 1 - spell_start weeks
        start = model.register.spells(model.registered)["spell_start"]
        w["long_term_share"] = ratio(np.count_nonzero(start <= w["week"] + 1 - 52), registered)
        w["vacancies_open"] = len(model.labour_market.vacancies)
        spent, net = model.ledger.week_totals(w["week"])
        for category, amount in spent.items():
            w[f"spend.{category}"] = amount
        w["net.state"] = net.get("state", 0.0)
        w["net.municipalities"] = sum(v for k, v in net.items() if k.startswith("municipality:"))
        for key, value in model.employment_service.stats.items():
            w[f"employment_service.{key}"] = value
        w["employment_service.benefit_days_lost"] = model.employment_service.benefit_days_lost()
        undeclared = [k for k in w if k not in self.declared]
        if undeclared:
            raise KeyError(f"weekly values not declared in sim/indicators.py: {undeclared}")
        self.rows.append({k: w.get(k, ind.missing) for k, ind in self.declared.items()})

    def table(self) -> pa.Table:
        """One row a week, a column for every declared weekly indicator."""
        return pa.table({k: [row[k] for row in self.rows] for k in self.declared})

    # ---------------------------------------------------------------------------- summary
    def summary(self) -> dict:
        """The declared summary indicators over the weeks from week 0 (the reform week, or
        the first reported week without one), flat (`services.nacka.work_within_52w`); the
        headline indicators also over the reported weeks before the reform (`pre_reform.`),
        the first year from week 0 (`first_year.`) and the years after it (`later_years.`);
        and the calibration beside its targets."""
        reported = [r for r in self.rows if r["week"] >= self.model.first_reported]
        post = [r for r in reported if r["week"] >= 0] or reported
        s = self._summarise(post)
        headline = [ind for ind in indicators.summary(self.context) if ind.headline]
        for window, rows in (("pre_reform", [r for r in reported if r["week"] < 0]),
                             ("first_year", [r for r in post if r["week"] < 52]),
                             ("later_years", [r for r in post if r["week"] >= 52])):
            if rows and (window == "pre_reform" or len(rows) < len(post)):
                values = self._summarise(rows, headline)
                s.update({f"{window}.{ind.key}": values[ind.key] for ind in headline})
        s["calibration"] = self.calibration(s)
        return s

    def _summarise(self, rows: list[dict], only: list | None = None) -> dict:
        """The summary indicators (or `only` these) over `rows`, a run of consecutive weeks."""
        col = {k: np.array([r[k] for r in rows], dtype=float) for k in self.declared}
        years = len(rows) / 52
        finals = self._finals(rows, col, years)
        s: dict = {}
        for ind in only or indicators.summary(self.context):
            if ind.summary == "final":
                s[ind.key] = finals.pop(ind.key, ind.missing)
            else:
                s[ind.key] = aggregate(ind.summary, col, years)
        if finals and only is None:
            raise KeyError(f"summary values not declared in sim/indicators.py: {list(finals)}")
        return s

    def _finals(self, rows: list[dict], col: dict, years: float) -> dict:
        """The summary values computed here and by each process, not from one aggregation."""
        model = self.model
        f: dict = {"weeks": len(rows), "persons": int(model.population.n)}
        f["registered"] = float((col["registered"] + col["in_service"]).mean())
        f["applications_per_seeker_month"] = (
            ratio(col["applications"].sum(), col["seekers"].sum()) * WEEKS_PER_MONTH)
        f["vacancy_fill_share"] = ratio(col["vacancies_filled"].sum(),
                                        col["vacancies_filled"].sum()
                                        + col["vacancies_expired"].sum())
        f.update(self.public_finance(rows, years))
        f.update(model.finance.final_indicators(rows, years))
        f.update(self._employment_service_finals(col))
        f.update(capability_gaps(self.rows))
        first, last = int(col["week"][0]), int(col["week"][-1])
        for qm in model.markets:
            f.update(qm.final_indicators(col, years, first, last))
        return f

    def public_finance(self, rows: list[dict], years: float) -> dict:
        """Who paid what a year, and each government's net position (received minus paid)."""
        ledger = self.model.ledger
        out: dict = {}
        for week in {r["week"] for r in rows}:
            for (payer, category), amount in ledger.spend(week).items():
                group = "municipalities" if payer.startswith("municipality:") else payer
                key = f"spend_by_payer_per_year.{group}.{category}"
                out[key] = out.get(key, 0.0) + amount / years
            for party, amount in ledger.balances(week).items():
                if party == "state" or party.startswith("municipality:"):
                    key = f"net_position_per_year.{party}"
                    out[key] = out.get(key, 0.0) + amount / years
        return out

    def calibration(self, s: dict) -> list[dict]:
        """Simulated beside target for each calibration target of the scenario."""
        out = []
        for name, target, tol, source in self.model.config.calibration.targets():
            value = s[name]
            out.append({"indicator": name, "simulated": value, "target": target,
                        "tolerance": tol, "ok": bool(abs(value - target) <= tol),
                        "source": source})
        return out

    # ------------------------------------------------------------- the employment service
    def _employment_service_finals(self, col: dict) -> dict:
        es = "employment_service."
        sm = self.model.config.service_model
        f = {es + "treated_share": sm.treated_share}
        f[es + "meetings_per_seeker_month"] = ratio(col[es + "meetings_held"].sum(),
                                                    col[es + "registered"].sum()) \
            * WEEKS_PER_MONTH
        for group in indicators.GROUPS:
            f[f"{es}applications_per_seeker_month_{group}"] = ratio(
                col[f"{es}applications_{group}"].sum(),
                col[f"{es}seekers_{group}"].sum()) * WEEKS_PER_MONTH
        return f


def aggregate(spec: str, col: dict[str, np.ndarray], years: float) -> float:
    """A summary value from weekly columns by its declared aggregation (sim/indicators.py)."""
    how, _, what = spec.partition(":")
    if how in ("ratio", "monthly"):
        a, b = what.split("/")
        r = ratio(col[a].sum(), col[b].sum())
        return monthly(r) if how == "monthly" else r
    x = col[what]
    if how == "mean":
        return float(x.mean())
    if how == "per_year":
        return float(x.sum() / years)
    if how == "change":
        return float(x[-1] - (x[0] if len(x) > 1 else 0.0))
    raise ValueError(f"unknown aggregation {spec!r}")


def capability_gaps(rows: list[dict]) -> dict:
    """Pilots' capability minus the others' at the reform (week 0) and 104 weeks on."""
    at = {r["week"]: r["pilots.capability"] - r["others.capability"] for r in rows}
    return {"capability_gap.at_reform": at.get(0, float("nan")),
            "capability_gap.two_years_on": at.get(104, float("nan"))}
