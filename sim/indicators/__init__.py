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

import re
from dataclasses import replace

from sim.indicators.catalogue import SUMMARY, WEEKLY
from sim.indicators.core import (
    BAND_LABELS,
    GROUPS,
    HORIZONS,
    MAX_STARS,
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
)


def weekly(ctx: Context) -> list[Indicator]:
    """The weekly indicators of a run with context `ctx`, placeholders filled in."""
    return expand(WEEKLY, ctx)


def summary(ctx: Context) -> list[Indicator]:
    """The summary indicators of a run with context `ctx`, placeholders filled in."""
    return expand(SUMMARY, ctx)


# ------------------------------------------------------------------------ looking keys up
_PATTERNS: list[tuple[re.Pattern, Indicator]] = []


def _pattern(ind: Indicator) -> re.Pattern:
    parts = re.split(r"(\{\w+\})", ind.key)
    body = "".join(f"(?P<{p[1:-1]}_{i}>[^.]+?)" if p.startswith("{") else re.escape(p)
                   for i, p in enumerate(parts))
    return re.compile(f"^{body}$")


WINDOWS = {"pre_reform": "before the reform", "first_year": "first year from the reform",
           "later_years": "later years"}  # summary windows of the headline indicators


def find(key: str) -> Indicator | None:
    """The declaration a concrete key comes from (labels filled in), or None; a key in a
    summary window (`pre_reform.unemployment_rate`) is its indicator over that window."""
    window, _, rest = key.partition(".")
    if window in WINDOWS and rest:
        ind = find(rest)
        return replace(ind, key=key, label=f"{ind.label} ({WINDOWS[window]})") if ind else None
    if not _PATTERNS:
        _PATTERNS.extend((_pattern(ind), ind) for ind in (*SUMMARY, *WEEKLY))
    for pattern, ind in _PATTERNS:
        m = pattern.match(key)
        if m is None:
            continue
        fields = {name.rsplit("_", 1)[0]: value for name, value in m.groupdict().items()}
        label_fields = {**fields, "Scheme": fields.get("scheme", "").replace("_", " ")
                        .capitalize(), "category_label": fields.get("category", "")
                        .replace("_", " "), "band_label": BAND_LABELS.get(fields.get("band"),
                                                                          fields.get("band")),
                        "months": HORIZONS.get(_int(fields.get("horizon")), "")}
        try:
            label = ind.label.format(**label_fields)
        except (KeyError, IndexError):
            label = ind.label
        return replace(ind, key=key, label=label)
    return None


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def unit_of(key: str) -> Unit:
    ind = find(key)
    return UNITS[ind.unit] if ind else UNITS["number"]


def label_of(key: str) -> str:
    ind = find(key)
    return ind.label if ind else key.replace("_", " ").replace(".", ": ")


__all__ = [
    "BAND_LABELS", "GROUPS", "HORIZONS", "MAX_STARS", "PAYER_GROUPS", "PROVIDER_EVENTS",
    "REGISTRATION_BANDS", "SPELL_BANDS", "UNITS", "WEEKS_PER_MONTH", "Context", "Indicator",
    "SUMMARY", "Unit", "WEEKLY", "band_name", "expand", "find", "label_of", "summary", "unit_of",
    "weekly",
]


# ------------------------------------------------------------ declarations of concrete keys
def declaration_of(key: str) -> tuple[Indicator, dict[str, str]] | None:
    """The unfilled declaration a concrete key comes from and the fields its label template
    takes (placeholders and their label forms), or None: lets a presenter put the tiers or
    steps of one declaration on one line (sim/present.py)."""
    if find(key) is None:
        return None
    for pattern, ind in _PATTERNS:
        m = pattern.match(key)
        if m is None:
            continue
        fields = {name.rsplit("_", 1)[0]: value for name, value in m.groupdict().items()}
        scheme = fields.get("scheme", "")
        return ind, {**fields, "Scheme": scheme.replace("_", " ").capitalize(),
                     "category_label": fields.get("category", "").replace("_", " "),
                     "band_label": BAND_LABELS.get(fields.get("band"), fields.get("band")),
                     "months": HORIZONS.get(_int(fields.get("horizon")), "")}
    return None


_WEEKLY_PATTERNS: list[tuple[re.Pattern, Indicator]] = []


def weekly_missing(key: str) -> float:
    """The declared value of a weekly column where it never arose (NaN if undeclared); a
    weekly and a summary key may coincide (`services.{scheme}.participants`) with different
    values, so weekly keys are looked up among the weekly declarations only (sim/store)."""
    if not _WEEKLY_PATTERNS:
        _WEEKLY_PATTERNS.extend((_pattern(ind), ind) for ind in WEEKLY)
    for pattern, ind in _WEEKLY_PATTERNS:
        if pattern.match(key):
            return ind.missing
    return float("nan")
