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
# exits to work by weeks since registration (the service model's contact pattern is in weeks)
REGISTRATION_BANDS = ((0, 4), (4, 13), (13, 26), (26, 52), (52, 10**9))


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
        self._record_service_model_matching(w, seekers, is_hired, sent)

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
        net = model.ledger.balances(w["week"])
        w["net_state"] = net.get("state", 0.0)
        w["net_municipalities"] = sum(v for k, v in net.items() if k.startswith("municipality:"))
        self._record_employment_service(w)
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
        s.update(self.public_finance(rows, years))
        s["calibration"] = self.calibration(s)
        last = int(col["week"][-1])
        s["services"] = {qm.name: qm.summary(rows, last) for qm in self.model.markets}
        s["employment_service"] = self.employment_service_summary(rows)
        return s

    def public_finance(self, rows: list[dict], years: float) -> dict:
        """Who paid what a year, and each government's net position (received minus paid)."""
        ledger = self.model.ledger
        weeks = {r["week"] for r in rows}
        by_payer: dict = {}
        net: dict = {}
        for week in weeks:
            for (payer, category), amount in ledger.spend(week).items():
                group = "municipalities" if payer.startswith("municipality:") else payer
                by_payer.setdefault(group, {}).setdefault(category, 0.0)
                by_payer[group][category] += amount / years
            for party, amount in ledger.balances(week).items():
                if party == "state" or party.startswith("municipality:"):
                    net[party] = net.get(party, 0.0) + amount / years
        return {"spend_by_payer_per_year": by_payer, "net_position_per_year": net}

    def calibration(self, s: dict) -> list[dict]:
        """Simulated beside target for each calibration target of the scenario."""
        out = []
        for name, target, tol, source in self.model.config.calibration.targets():
            value = s[name]
            out.append({"indicator": name, "simulated": value, "target": target,
                        "tolerance": tol, "ok": bool(abs(value - target) <= tol),
                        "source": source})
        return out


    # ------------------------------------------------ the employment service (issue 6)
    def _record_service_model_matching(self, w: dict, seekers, is_hired, sent) -> None:
        """Seekers, hires and applications of the treated and the untreated (displacement),
        and hires by weeks since registration."""
        pop = self.model.population
        group = pop.treated[seekers].astype(np.int64)  # 1 treated, 0 untreated
        n = np.bincount(group, minlength=2)
        hires = np.bincount(group[is_hired], minlength=2)
        apps = np.bincount(group, weights=sent, minlength=2)
        for k, name in ((1, "treated"), (0, "untreated")):
            w[f"es_seekers_{name}"] = int(n[k])
            w[f"es_hires_{name}"] = int(hires[k])
            w[f"es_applications_{name}"] = int(apps[k])
        starts = np.array([lo for lo, _ in REGISTRATION_BANDS])
        band = np.searchsorted(starts, pop.spell_weeks[seekers], side="right") - 1
        n = np.bincount(band, minlength=len(starts))
        hires = np.bincount(band[is_hired], minlength=len(starts))
        for k, lo in enumerate(starts.tolist()):
            w[f"es_seekers_w{lo}"] = int(n[k])
            w[f"es_hires_w{lo}"] = int(hires[k])

    def _record_employment_service(self, w: dict) -> None:
        """Meetings, caseworkers, obligation checks and sanctions of the week."""
        es = self.model.employment_service
        for key, value in es.stats.items():
            w[f"es_{key}"] = value
        w["es_benefit_days_lost"] = es.benefit_days_lost()

    def employment_service_summary(self, rows: list[dict]) -> dict:
        """Meetings held and waiting, caseload, applications, sanctions by step, exits to work
        by weeks since registration, and the job finding of the treated and the untreated."""
        def col(key):
            return np.array([r.get(key, 0.0) for r in rows], dtype=float)

        years = len(rows) / 52
        sm = self.model.config.service_model
        registered = col("es_registered").sum()
        held = col("es_meetings_held").sum()
        s: dict = {"preset": sm.preset, "treated_share": sm.treated_share,
                   "caseworkers": float(col("es_caseworkers").mean())}
        s["caseload_per_caseworker"] = _ratio(registered, col("es_caseworkers").sum())
        s["meetings_held_per_week"] = float(held / len(rows))
        s["meetings_per_seeker_month"] = _ratio(held, registered) * WEEKS_PER_MONTH
        s["meetings_waiting_per_week"] = float(col("es_meetings_waiting").mean())
        s["mean_delay_weeks"] = _ratio(col("es_delay_weeks").sum(), held)
        s["first_meetings_on_time"] = _ratio(col("es_first_on_time").sum(),
                                             col("es_first_meetings").sum())
        s["caseworker_utilisation"] = _ratio(col("es_hours_used").sum(),
                                             col("es_hours_available").sum())
        for group in ("treated", "untreated"):
            seekers = col(f"es_seekers_{group}").sum()
            s[f"job_finding_{group}"] = _ratio(col(f"es_hires_{group}").sum(), seekers)
            s[f"applications_per_seeker_month_{group}"] = (
                _ratio(col(f"es_applications_{group}").sum(), seekers) * WEEKS_PER_MONTH)
        s["obligation_checks_per_year"] = float(col("es_checks").sum() / years)
        s["lapse_share"] = _ratio(col("es_lapses").sum(), col("es_checks").sum())
        s["detected_share"] = _ratio(col("es_detected").sum(), col("es_lapses").sum())
        steps = sorted({int(k[len("es_sanctions_step"):]) for r in rows for k in r
                        if k.startswith("es_sanctions_step")})
        s["sanctions_per_year_by_step"] = {
            str(k): float(col(f"es_sanctions_step{k}").sum() / years) for k in steps}
        s["sanction_days_imposed_per_year"] = float(col("es_days_imposed").sum() / years)
        s["benefit_days_lost_per_year"] = float(col("es_benefit_days_lost").sum() / years)
        s["staff_cost_per_year"] = float(col("es_staff_cost").sum() / years)
        s["monthly_exit_to_work_by_weeks_registered"] = {
            (f"{lo}-{hi}" if hi < 10**9 else f"{lo}+"): monthly(_ratio(
                col(f"es_hires_w{lo}").sum(), col(f"es_seekers_w{lo}").sum()))
            for lo, hi in REGISTRATION_BANDS}
        return s


def status_of(status: int) -> str:
    return Status(status).name.lower()
