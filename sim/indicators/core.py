"""Indicators: units, declarations, filling in placeholders, and looking keys up."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

WEEKS_PER_MONTH = 52 / 12


@dataclass(frozen=True)
class Unit:
    """How a unit is shown: `scale` times the value, with `symbol` (a difference: `delta`)."""

    symbol: str
    scale: float = 1.0
    delta: str | None = None
    bounds: tuple[float, float] | None = None  # the values it can take, e.g. shares 0..1

    def shown(self, difference: bool = False, currency: str = "SEK") -> str:
        text = (self.delta if difference and self.delta is not None else self.symbol)
        return text.format(currency=currency)


UNITS: dict[str, Unit] = {
    "share": Unit("%", 100.0, "pp", (0.0, 1.0)),
    "persons": Unit("persons"),
    "count": Unit(""),
    "money_per_year": Unit("M{currency} a year", 1e-6),
    "money": Unit("{currency}"),
    "hours": Unit("h"),
    "weeks": Unit("weeks"),
    "index": Unit(""),
    "number": Unit(""),
}


@dataclass(frozen=True)
class Indicator:
    key: str
    unit: str
    label: str
    description: str
    summary: str | None = None  # how weekly values make the run's value (see the module)
    missing: float = math.nan  # its value where it never arose
    headline: bool = False  # in the short table of the report

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"{self.key}: unknown unit {self.unit!r}")


SPELL_BANDS = {"short": (0, 26), "medium": (26, 52), "long": (52, 10**9)}
BAND_LABELS = {"short": "spells < 26 weeks", "medium": "spells 26-51 weeks",
               "long": "spells >= 52 weeks"}
REGISTRATION_BANDS = ((0, 4), (4, 13), (13, 26), (26, 52), (52, 10**9))
HORIZONS = {26: 6, 52: 12}  # weeks -> months
PROVIDER_EVENTS = ("entered", "exited", "excluded", "tenders", "switches")
GROUPS = ("treated", "untreated")
MAX_STARS = 4  # published ratings are 1-4 stars (evidence.md 1.3)
PAYER_GROUPS = ("state", "municipalities", "unemployment_funds")


def band_name(lo: int, hi: int) -> str:
    return f"{lo}-{hi}" if hi < 10**9 else f"{lo}+"


@dataclass(frozen=True)
class Context:
    """What a run's keys are made of: its schemes, tiers, ledger categories and parties."""

    schemes: tuple[str, ...] = ()
    tiers: int = 3
    categories: tuple[str, ...] = ()
    parties: tuple[str, ...] = ("state",)
    sanction_steps: int = 1
    cofbenefits: tuple[str, ...] = ()  # co-financed benefits, by ledger category
    cofbands: tuple[str, ...] = ()  # co-financing bands of benefit days ("101-200")

    @classmethod
    def of(cls, config, *also) -> Context:
        """The context of a run under `config`; `also`: the rules of a reform the run adopts
        later (None: none), whose co-financing bands, benefits and sanction steps are added."""
        from sim.ledger import CATEGORIES

        ladders = [ladder for c in (config, *also) if c is not None
                   for ladder in (c.service_model.sanction_ladder_days,
                                  c.service_model.control().sanction_ladder_days)]
        parties = ("state", *(f"municipality:{m}" for m in _municipality_names(config)))
        cofbenefits, cofbands = _cofinancing(config, *also)
        return cls(tuple(config.services), config.tiers, CATEGORIES, parties,
                   max(len(x) for x in ladders), cofbenefits, cofbands)


def _cofinancing(*configs) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Co-financed benefits (their ledger categories) and bands of benefit days under any of
    `configs` (None skipped), in order of first appearance."""
    benefits, bands = {}, {}
    for config in configs:
        if config is None:
            continue
        kinds = dict(zip(("insurance", "basic", "follow_on"), config.benefits.categories,
                         strict=True))
        benefits.update(dict.fromkeys(kinds[k] for k in config.funding.cofinanced))
        bands.update(dict.fromkeys(config.funding.band_names()))
    return tuple(benefits), tuple(bands)


def _municipality_names(config) -> list[str]:
    from sim.population import World

    return [m.name for m in World.from_config(config).municipalities]


_FIELD = re.compile(r"\{(\w+)\}")


def _values(ctx: Context) -> dict[str, list[dict]]:
    """Each placeholder's values, with the extra fields its labels use."""
    tiers = range(1, ctx.tiers + 1)
    return {
        "scheme": [{"scheme": s, "Scheme": s.replace("_", " ").capitalize()}
                   for s in ctx.schemes],
        "tier": [{"tier": t} for t in tiers],
        "category": [{"category": c, "category_label": c.replace("_", " ")}
                     for c in ctx.categories],
        "payer": [{"payer": p} for p in PAYER_GROUPS],
        "party": [{"party": p} for p in ctx.parties],
        "band": [{"band": b, "band_label": BAND_LABELS[b]} for b in SPELL_BANDS],
        "regband": [{"regband": band_name(lo, hi)} for lo, hi in REGISTRATION_BANDS],
        "step": [{"step": k} for k in range(1, ctx.sanction_steps + 1)],
        "group": [{"group": g} for g in GROUPS],
        "event": [{"event": e} for e in PROVIDER_EVENTS],
        "horizon": [{"horizon": h, "months": m} for h, m in HORIZONS.items()],
        "stars": [{"stars": k} for k in range(1, MAX_STARS + 1)],
        "cofbenefit": [{"cofbenefit": c} for c in ctx.cofbenefits],
        "cofband": [{"cofband": b} for b in ctx.cofbands],
    }


def _expand(ind: Indicator, values: dict[str, list[dict]]) -> list[Indicator]:
    fields = list(dict.fromkeys(_FIELD.findall(ind.key)))
    combos: list[dict] = [{}]
    for name in fields:
        combos = [{**c, **v} for c in combos for v in values[name]]
    out = []
    for c in combos:
        out.append(replace(ind, key=ind.key.format(**c), label=ind.label.format(**c),
                           summary=ind.summary.format(**c) if ind.summary else None))
    return out


def expand(declared: tuple[Indicator, ...], ctx: Context) -> list[Indicator]:
    """The concrete indicators of a run (placeholders filled in), in declaration order."""
    values = _values(ctx)
    return [x for ind in declared for x in _expand(ind, values)]
