"""Every output of a run, declared once: key, unit, label, how it aggregates, what it means.

As EMA Workbench declares its outcomes and Starsim its results, each indicator is declared
in `catalogue.py` and nowhere else. Processes write weekly values under declared keys
(sim/metrics.py refuses an undeclared one); the run summary is built from the declarations,
so every run of a scenario has every key (a value that never arose is 0 or NaN, as its
declaration says); compare, report, the CLI and the notebooks take labels and units from here.

A key may hold placeholders that a run's configuration fills in (`expand`):
`{scheme}` a service scheme (`[services.NAME]`), `{tier}` a profiling tier (1 near work ..
n far), `{category}` a ledger category, `{payer}` a payer group (state, municipalities,
unemployment funds), `{party}` a government (state, municipality:NAME), `{band}` a band of
spell length, `{regband}` a band of weeks since registration, `{step}` a step of the sanction
ladder, `{group}` seekers under the service model or not, `{event}` a provider-market event,
`{horizon}` weeks after referral.

How a summary value comes from the weekly values (`summary`):
`mean:K` the mean of weekly K; `ratio:A/B` sum of A over sum of B; `monthly:A/B` that ratio
as a monthly hazard; `per_year:K` the sum of K a year; `change:K` last minus first (for
running totals); `final` computed at the end of the run by the process that owns it.
"""

from sim.indicators.core import (
    BAND_LABELS,
    GROUPS,
    HORIZONS,
    PAYER_GROUPS,
    PROVIDER_EVENTS,
    REGISTRATION_BANDS,
    SPELL_BANDS,
    UNITS,
    WEEKS_PER_MONTH,
    Context,
    Indicator,
    Unit,
    band_name,
    expand,
    find,
    label_of,
    summary,
    unit_of,
    weekly,
)

__all__ = [
    "BAND_LABELS", "GROUPS", "HORIZONS", "PAYER_GROUPS", "PROVIDER_EVENTS",
    "REGISTRATION_BANDS", "SPELL_BANDS", "UNITS", "WEEKS_PER_MONTH", "Context", "Indicator",
    "Unit", "band_name", "expand", "find", "label_of", "summary", "unit_of", "weekly",
]
