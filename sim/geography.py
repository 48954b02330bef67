"""Real municipalities as the model's world: who, how many in the labour force, which local
labour market, which were pilots (`world.from_data`).

The municipalities come from the package data (sim/data, sources in sim/data/SOURCES.md):
- Sweden (`"se"`): the 290 municipalities (kommuner) with their population on 31 Dec 2024, in
  SCB's 67 local labour markets (LA regions, e.g. "LA2301"); the pilot flag is
  `krom_pilot_2020`, the 32 municipalities where Rusta och matcha started (evidence.md 1.1).
- Finland (`"fi"`): the 292 mainland municipalities of the TE24 reform (Åland keeps its own
  services and is left out) with their population on 31 Dec 2022, in the 45 TE24 employment
  areas (työllisyysalueet), which serve as local labour markets (evidence.md 4.1). The data do
  not say which municipalities ran the 2021-24 municipal pilots (SOURCES.md, "not found"), so
  no Finnish municipality is a pilot unless a scenario names it (`pilot_codes`,
  `pilot_areas`), with its reasoning.

A municipality's labour force is its population times `labour_force_share` (rounded, at least
100 persons, the schema's smallest municipality); the scenario states the share and its source.
Nothing here imports the configuration, so the schema can validate against the data.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from sim import data

COUNTRIES = ("se", "fi")
MIN_LABOUR_FORCE = 100


@lru_cache(maxsize=2)
def _table(country: str) -> tuple[dict, ...]:
    """Every municipality of `country` as {name, code, population, market, area_code,
    data_pilot}, in code order."""
    if country == "se":
        return tuple(
            dict(name=m["kommun"], code=m["kommunkod"], population=m["befolkning_2024_12_31"],
                 market=m["la_region_kod"], area_code=m["la_region_kod"],
                 data_pilot=m["krom_pilot_2020"])
            for m in data.swedish_municipalities())
    if country == "fi":
        return tuple(
            dict(name=m["nimi_fi"], code=m["kuntanumero"],
                 population=m["vaesto_2022_12_31_alueella_2025"], market=m["tyollisyysalue_fi"],
                 area_code=m["tyollisyysalue_koodi"], data_pilot=False)
            for m in data.finnish_municipalities())
    raise ValueError(f"unknown country {country!r}; allowed: {', '.join(COUNTRIES)}")


def _in_areas(row: dict, areas) -> bool:
    return row["area_code"] in areas or row["market"] in areas


def area_names(country: str) -> list[str]:
    """The local labour markets' codes and names, as `areas` accepts them."""
    out = []
    for row in _table(country):
        out += [row["area_code"], row["market"]]
    return sorted(set(out))


def problems(country: str, areas=(), codes=(), pilot_codes=(), pilot_areas=()):
    """(setting, problem) for each area or code the data do not know, and an empty world."""
    table = _table(country)
    known_areas = area_names(country)
    known_codes = sorted(row["code"] for row in table)
    for key, values, known, what in (("areas", areas, known_areas, "local labour market"),
                                      ("pilot_areas", pilot_areas, known_areas,
                                       "local labour market"),
                                      ("codes", codes, known_codes, "municipality code"),
                                      ("pilot_codes", pilot_codes, known_codes,
                                       "municipality code")):
        for i, value in enumerate(values):
            if value not in known:
                yield f"{key}[{i}]", (f"unknown {what} {value!r} in the {country} data; "
                                      + _hint(value, known, table))
                return
    if not _select(table, areas, codes):
        yield "areas", "selects no municipality: areas and codes have none in common"


def _hint(value: str, known: list[str], table) -> str:
    """What was probably meant: a code that lost its leading zeros, a municipality's code
    given its name, or the closest spelling."""
    codes = {row["code"] for row in table}
    width = len(next(iter(codes)))
    if value.isdigit() and value.zfill(width) in known:
        return f"did you mean {value.zfill(width)!r}? (codes keep their leading zeros)"
    by_name = {row["name"]: row["code"] for row in table}
    if value in by_name and by_name[value] in known:
        return f"did you mean {by_name[value]!r} ({value}'s code)?"
    close = difflib.get_close_matches(value, known, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"see sim/data ({len(known)} known, e.g. {known[0]!r})"


def _select(table, areas, codes) -> list[dict]:
    return [row for row in table
            if (not areas or _in_areas(row, areas)) and (not codes or row["code"] in codes)]


def municipalities(country: str, areas=(), codes=(), labour_force_share: float = 0.5,
                   pilot_codes=(), pilot_areas=()) -> list[dict]:
    """The selected municipalities of `country` (all, or those in `areas` and/or `codes`) as
    {name, code, labour_force, market, pilot}, in code order. A municipality is a pilot if the
    data flag it, if its code is in `pilot_codes` or if its area is in `pilot_areas`."""
    out = []
    for row in _select(_table(country), areas, codes):
        pilot = bool(row["data_pilot"] or row["code"] in pilot_codes
                     or (pilot_areas and _in_areas(row, pilot_areas)))
        out.append(dict(name=row["name"], code=row["code"], market=row["market"], pilot=pilot,
                        labour_force=max(MIN_LABOUR_FORCE,
                                         round(row["population"] * labour_force_share))))
    return out
