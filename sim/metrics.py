"""Weekly indicators and the run summary, with the calibration targets beside the simulation.

Rates follow the Swedish employment service's definitions where DOMAIN.md uses them: the
unemployment rate is registered seekers over the labour force (employed plus registered), the
long-term share counts spells of 52 weeks or more, and the job-finding rate is the share of
registered seekers who got a job that week (DOMAIN.md 5.1: about 1.8 % a week).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from sim.population import Status

SPELL_BANDS = {"short": (0, 26), "medium": (26, 52), "long": (52, 10**9)}
TIERS = (1, 2, 3)
WEEKS_PER_MONTH = 52 / 12


def monthly(weekly_rate: float) -> float:
    """A weekly hazard as a monthly one."""
    return 1.0 - (1.0 - weekly_rate) ** WEEKS_PER_MONTH


def _ratio(a, b) -> float:
    return float(a) / float(b) if b else float("nan")


class Metrics:
    """Collects one row of indicators a week; `table()` and `summary()` at the end."""

    def __init__(self, model):
        self.model = model
        self.rows: list[dict] = []

    def start_week(self, week: int) -> dict:
        return {"week": week, "demand_factor": self.model.labour_market.demand_factor(week)}

    def record_matching(self, w: dict, seekers, hired, sent) -> None:
        pop = self.model.population
        is_hired = np.isin(seekers, hired)
        spell = pop.spell_weeks[seekers]
        w["seekers"] = len(seekers)
        w["hires"] = len(hired)
        w["applications"] = int(sent.sum())
        w["job_finding_rate"] = _ratio(len(hired), len(seekers))
        for band, (lo, hi) in SPELL_BANDS.items():
            m = (spell >= lo) & (spell < hi)
            w[f"seekers_{band}"] = int(m.sum())
            w[f"hires_{band}"] = int(is_hired[m].sum())
        tier = pop.tier[seekers]
        for t in TIERS:
            m = tier == t
            w[f"seekers_tier{t}"] = int(m.sum())
            w[f"hires_tier{t}"] = int(is_hired[m].sum())
        w["mean_wage_hired"] = float(pop.wage[hired].mean()) if len(hired) else float("nan")
        w["vacancies_filled"] = len(hired)
        w["vacancies_expired"] = self.model.labour_market.expired

    def end_week(self, w: dict) -> None:
        model, pop = self.model, self.model.population
        counts = model.status_counts()
        registered = counts["registered"] + counts["in_service"]
        w.update(counts)
        w["labour_force"] = counts["employed"] + registered
        w["unemployment_rate"] = _ratio(registered, w["labour_force"])
        spell = pop.spell_weeks[model.registered]
        w["long_term_share"] = _ratio(np.sum(spell >= 52), registered)
        w["vacancies_open"] = len(model.labour_market.vacancies)
        for category, amount in model.ledger.totals("category", w["week"]).items():
            w[f"spend_{category}"] = amount
        self.rows.append(w)

    def table(self) -> pa.Table:
        keys = list(dict.fromkeys(k for row in self.rows for k in row))
        return pa.table({k: [row.get(k, 0.0) for row in self.rows] for k in keys})

    def summary(self) -> dict:
        """Averages and totals over the reported weeks (week >= 0), and calibration."""
        rows = [r for r in self.rows if r["week"] >= 0] or self.rows
        col = {k: np.array([r.get(k, 0.0) for r in rows], dtype=float) for k in rows[0]}
        n_weeks = len(rows)
        years = n_weeks / 52
        s: dict = {"weeks": n_weeks, "persons": int(self.model.population.n)}
        s["unemployment_rate"] = float(col["unemployment_rate"].mean())
        s["long_term_share"] = float(col["long_term_share"].mean())
        s["registered"] = float((col["registered"] + col["in_service"]).mean())
        s["job_finding_rate"] = _ratio(col["hires"].sum(), col["seekers"].sum())
        for band in SPELL_BANDS:
            weekly = _ratio(col[f"hires_{band}"].sum(), col[f"seekers_{band}"].sum())
            s[f"monthly_hazard_{band}"] = monthly(weekly)
        for t in TIERS:
            s[f"job_finding_tier{t}"] = _ratio(col[f"hires_tier{t}"].sum(),
                                               col[f"seekers_tier{t}"].sum())
            s[f"share_tier{t}"] = _ratio(col[f"seekers_tier{t}"].sum(), col["seekers"].sum())
        s["hires_per_year"] = float(col["hires"].sum() / years)
        s["applications_per_seeker_month"] = (
            _ratio(col["applications"].sum(), col["seekers"].sum()) * WEEKS_PER_MONTH
        )
        s["vacancies_open"] = float(col["vacancies_open"].mean())
        s["vacancy_fill_share"] = _ratio(col["vacancies_filled"].sum(),
                                         col["vacancies_filled"].sum()
                                         + col["vacancies_expired"].sum())
        spend = {k[len("spend_"):]: float(col[k].sum() / years) for k in col
                 if k.startswith("spend_")}
        s["spend_per_year"] = spend
        s["calibration"] = self.calibration(s)
        last = int(col["week"][-1])
        s["services"] = {qm.name: qm.summary(rows, last) for qm in self.model.markets}
        return s

    def calibration(self, s: dict) -> list[dict]:
        """Simulated beside target for each calibration target of the scenario."""
        out = []
        for name, target, tol, source in self.model.config.calibration.targets():
            value = s[name]
            out.append({"indicator": name, "simulated": value, "target": target,
                        "tolerance": tol, "ok": bool(abs(value - target) <= tol),
                        "source": source})
        return out


def status_of(status: int) -> str:
    return Status(status).name.lower()
