"""Customer-choice regimes as data: who may provide, who chooses, and how providers are held
to account (evidence.md sections 1-3).

A regime is a named preset of settings; any setting given in a scenario overrides the preset, so
hybrids are one line (`choice.refusal_allowed = true` under LOV). Agents ask these settings; no
code branches on a regime's name.

- `public`: the employment service's own (in-house) service only.
- `lov`: the Act on System of Choice (lagen om valfrihetssystem, LOV 2008:962): every provider
  meeting the basic requirements is admitted, the authority sets one price, seekers choose, those
  who do not are given the nearest provider (the R&M default), ratings are published, providers
  must accept whoever chooses them; STOM excluded about 10 % of providers a year.
- `authorisation`: Nacka's customer choice based on authorisation (kundval med auktorisation,
  outside LOU and LOV: C-410/14 Falk Pharma): every provider meeting the authorisation
  conditions is admitted, but the conditions are stricter and the municipality reviews providers
  and revokes the authorisation of poorly rated providers whose results fall clearly short of
  what their participant mix predicts (`exclusion_max_ratio`).
- `procurement`: a tender (LOU) every few years picks a few winners on price and quality; seekers
  are allocated by rotation among them, with no choice.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass

from sim.settings import Preset, setting

PRESETS: dict[str, dict] = {
    "public": dict(
        entry="none", in_house=True, admission_threshold=-99.0, review_weeks=0,
        exclusion_share=0.0, exclusion_stars=0, price_setter="authority",
        active_choice_share=0.0, default="in_house", published_ratings=False,
        refusal_allowed=False, switching_rate=0.0, tender_weeks=0, tender_winners=0,
    ),
    "lov": dict(
        entry="free", in_house=False, admission_threshold=-1.0, review_weeks=52,
        exclusion_share=0.10, exclusion_stars=0, price_setter="authority",
        active_choice_share=0.75, default="nearest", published_ratings=True,
        refusal_allowed=False, switching_rate=0.005, tender_weeks=0, tender_winners=0,
    ),
    "authorisation": dict(
        entry="free", in_house=False, admission_threshold=-0.3, review_weeks=52,
        exclusion_share=0.0, exclusion_stars=1, price_setter="authority",
        active_choice_share=0.75, default="nearest", published_ratings=True,
        refusal_allowed=False, switching_rate=0.005, tender_weeks=0, tender_winners=0,
    ),
    "procurement": dict(
        entry="tender", in_house=False, admission_threshold=-1.0, review_weeks=0,
        exclusion_share=0.0, exclusion_stars=0, price_setter="tender",
        active_choice_share=0.0, default="rotation", published_ratings=False,
        refusal_allowed=False, switching_rate=0.0, tender_weeks=104, tender_winners=3,
    ),
}


@dataclass(frozen=True)
class ChoiceRules(Preset):
    """Settings left out (None) are taken from the `regime` preset."""

    PRESET_FIELD: typing.ClassVar[str] = "regime"
    PRESETS: typing.ClassVar[dict] = PRESETS

    regime: str = setting("lov", choices=tuple(PRESETS))
    entry: str | None = setting(None, choices=("free", "tender", "none"))
    in_house: bool | None = setting(None)
    admission_threshold: float | None = setting(None, lo=-99.0, hi=99.0)
    review_weeks: int | None = setting(None, lo=0, hi=520)
    exclusion_share: float | None = setting(None, lo=0.0, hi=1.0)
    exclusion_stars: int | None = setting(None, lo=0, hi=4)
    price_setter: str | None = setting(None, choices=("authority", "tender"))
    active_choice_share: float | None = setting(None, lo=0.0, hi=1.0)
    default: str | None = setting(None, choices=("nearest", "rotation", "random", "in_house"))
    published_ratings: bool | None = setting(None)
    refusal_allowed: bool | None = setting(None)
    switching_rate: float | None = setting(None, lo=0.0, hi=1.0)  # a week; [EST] [NOT FOUND]
    tender_weeks: int | None = setting(None, lo=0, hi=1040)
    tender_winners: int | None = setting(None, lo=0, hi=1000)
    rating_weight: float = setting(1.0, lo=0.0, hi=20.0)
    distance_weight: float = setting(1.5, lo=0.0, hi=20.0)
    min_rated_participants: int = setting(8, lo=0, hi=10_000)
    exclusion_max_ratio: float = setting(0.8, lo=0.0, hi=100.0)

    def check(self):
        if self.entry == "tender" and (self.tender_weeks < 1 or self.tender_winners < 1):
            yield "tender_weeks", "a tender regime needs tender_weeks >= 1 and tender_winners >= 1"
        if self.default == "in_house" and not self.in_house:
            yield "default", "'in_house' default needs in_house = true"
        if self.entry == "none" and not self.in_house:
            yield "entry", "with entry = 'none' there must be an in-house service (in_house = true)"
