"""Stage 8's public money: benefits, social assistance, co-financing and transfers -> ledger.

Who draws which benefit is entitlement and take-up (sim/entitlement.py, sim/rules/benefits.py);
what a benefit pays is the country's rules; who finally bears it follows the funding rules
(sim/rules/funding.py): the state pays benefits to households, a municipality pays social
assistance (in Finland with the state) and, under Finnish-style co-financing, reimburses the
state its share of each co-financed benefit day by band of accumulated benefit days. Under a
takeover or a transfer model the state pays each municipality its share of the allocation.
Changing who pays moves money between payers and changes no one's employment, unless a
behaviour responds to it (sim/agents/municipality.py).

Each week this stage also writes the co-financed amounts by benefit and band, the municipal
and the state part (`cofinancing.{benefit}.{band}.municipal|state`), the number of seekers
drawing each kind of benefit (`recipients.*`), what the benefits and the transfer paid as this
stage computed them (`paid.*`: the process record sim/audit.py holds the ledger to), and each
municipality's accounts (sim/municipal_accounts.py: `municipal_table()`).
"""

from __future__ import annotations

import numpy as np

from sim.entitlement import S_TAKE_UP, Entitlement
from sim.kernels.benefits import args_of, benefit_week, by_kind
from sim.kernels.cofinancing import cofinanced_week
from sim.municipal_accounts import MunicipalAccounts
from sim.population import Benefit, Status
from sim.week import Week

STATE = "state"
KINDS = {"insurance": Benefit.UNEMPLOYMENT_INSURANCE, "basic": Benefit.BASIC_INSURANCE,
         "follow_on": Benefit.ACTIVITY_SUPPORT}
RECIPIENTS = {"insurance": Benefit.UNEMPLOYMENT_INSURANCE, "basic": Benefit.BASIC_INSURANCE,
              "follow_on": Benefit.ACTIVITY_SUPPORT,
              "social_assistance": Benefit.SOCIAL_ASSISTANCE, "none": Benefit.NONE}


class PublicFinance:
    def __init__(self, model):
        self.model = model
        self.rules = model.config.benefits
        self.funding = model.config.funding
        self.labour_force = np.array([m.labour_force for m in model.world.municipalities])
        names = [m.name for m in model.world.municipalities]
        wanted = self.funding.municipalities or names
        self.covered = np.isin(names, wanted)  # municipalities the funding rule applies to
        self.rights = Entitlement(model)
        self.accounts = MunicipalAccounts(model)

    def adopt(self, config) -> None:
        """A reform's benefit and funding rules take effect."""
        self.rules, self.funding = config.benefits, config.funding
        names = [m.name for m in self.model.world.municipalities]
        self.covered = np.isin(names, self.funding.municipalities or names)
        self.rights.rules = config.benefits

    # ------------------------------------------------------------------------- stages
    def entitlement(self, week: Week) -> None:
        self.entitle(week.newly, week.tenure)

    def payments(self, week: Week) -> None:
        week.row.update(self.pay(week.number, week.hired))

    # ------------------------------------------------------------------ entitlement
    def entitle(self, persons: np.ndarray, tenure: np.ndarray) -> None:
        """The benefit a new spell starts on (sim/entitlement.py)."""
        self.rights.start(persons, tenure)

    # ------------------------------------------------------------------ weekly payments
    def pay(self, week: int, hired: np.ndarray | None = None) -> dict:
        """A week of benefits, assistance, co-financing and transfers; returns the week's
        indicator values (recipients, co-financing by band)."""
        model, pop, b = self.model, self.model.population, self.rules
        seekers = model.registered
        n_muni = len(model.municipalities)
        spells = model.register.spells(seekers)
        kind, days, amount, cofinanced, muni, by_muni, assisted = benefit_week(
            seekers, pop.benefit, pop.benefit_days, pop.sanction_days, spells["spell_start"],
            week, spells["wage"], spells["insured"], spells["municipality"], n_muni,
            model.seed, S_TAKE_UP, *args_of(b))
        households = [m.households for m in model.municipalities]
        for category, per in zip(b.categories, by_muni, strict=True):
            model.ledger.pay_each(week, [STATE] * n_muni, households, category, per)
        self._pay_social_assistance(week, assisted, households)

        drawing, paid = by_kind(kind, amount, len(Benefit))  # paid: the audit's record
        row = {f"recipients.{name}": int(drawing[k]) for name, k in RECIPIENTS.items()}
        row.update({f"paid.{name}": float(paid[k]) for name, k in KINDS.items()})
        row.update(self._cofinance(week, seekers, kind, days, cofinanced, muni, n_muni))
        staff = self._staff_taken_over()
        row["paid.state_transfer"] = float(self._transfer(week, muni, n_muni, staff).sum())
        self.accounts.record(week, seekers, hired)
        return row

    def _pay_social_assistance(self, week: int, assisted: np.ndarray, households: list) -> None:
        """A week of assistance for each resident seeker drawing it, paid by their
        municipality; where the state finances a share (Finland's basic social assistance,
        paid by Kela: about half, evidence.md 5.2), the state pays that share."""
        b, ledger, munis = self.rules, self.model.ledger, self.model.municipalities
        amount = assisted * b.social_assistance_week()
        share = b.social_assistance_state_share
        if share:
            ledger.pay_each(week, [STATE] * len(munis), households, "social_assistance",
                            amount * share)
        ledger.pay_each(week, [m.payer for m in munis], households, "social_assistance",
                        amount * (1.0 - share))

    def _cofinance(self, week, seekers, kind, days, cofinanced, muni, n_muni) -> dict:
        """Municipalities reimburse the state their share of co-financed benefit days; the
        co-financed amounts by benefit and band, municipal and state part, for the week's row."""
        f, pop = self.funding, self.model.population
        row = {}
        if not f.cofinanced:
            return row
        names = dict(zip(KINDS, self.rules.categories, strict=True))
        kinds = np.zeros(len(Benefit), dtype=np.bool_)
        kinds[[KINDS[k] for k in f.cofinanced]] = True
        counted, money, municipal, owed = cofinanced_week(
            seekers, kind, days, cofinanced, muni, kinds, self.covered, pop.status,
            int(Status.IN_SERVICE), f.count_service_days, pop.cofinancing_days, f.band_starts(),
            f.band_shares(), n_muni)
        for k in f.cofinanced:
            for j, band in enumerate(f.band_names()):
                key = f"cofinancing.{names[k]}.{band}"
                part = municipal[KINDS[k], j]
                row[key + ".municipal"] = float(part)
                row[key + ".state"] = float(money[KINDS[k], j] - part)
        if not len(counted):
            return row
        self.model.ledger.pay_each(week, [m.payer for m in self.model.municipalities],
                                   [STATE] * n_muni, "municipal_cofinancing", owed)
        return row

    def _staff_taken_over(self) -> np.ndarray:
        """This week's caseworker cost of each municipality that pays its own caseworkers
        (0 where the state pays them)."""
        offices = self.model.employment_service.offices
        return offices.cost_by_municipality() * offices.municipal_payers(self.covered)

    def _transfer(self, week, muni, n_muni, staff) -> np.ndarray:
        """The state's transfer to each municipality: a share of its allocation."""
        if not self.funding.transfer_share:
            return np.zeros(n_muni)
        registered = np.bincount(muni, minlength=n_muni)
        transfer = self.funding.weekly_transfer(registered, self.labour_force, staff) \
            * self.covered
        for m, value in zip(self.model.municipalities, transfer, strict=True):
            self.model.ledger.pay(week, STATE, m.payer, "state_transfer", value)
            m.receive(value)
        return transfer

    def services_payer(self, purchaser: str) -> str:
        """Who pays for a scheme's services: its own purchaser, or as the funding rule says."""
        return self.funding.services_payer if purchaser == "funding" else purchaser

    # ---------------------------------------------------------------------- outputs
    def municipal_table(self):
        """Each municipality's week, long format (sim/municipal_accounts.py)."""
        return self.accounts.table()

    def final_indicators(self, rows: list[dict], years: float) -> dict:
        """The summary's funding values (sim/municipal_accounts.py)."""
        return self.accounts.final_indicators(rows, years)
