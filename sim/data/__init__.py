"""Real municipalities of Sweden and Finland, and validation series, as package data.

The CSV files beside this module are described in `SOURCES.md` (columns, sources, licences,
transformations and checks). The loaders read them with `importlib.resources`, so they work
from a source tree, an editable install and a wheel alike, and return plain lists of dicts keyed
by the files' own column names (Swedish or Finnish, as documented in SOURCES.md):

- codes stay text, so leading zeros survive (`kommunkod` "0114", `kuntanumero` "005",
  `lan_kod` "01", `tyollisyysalue_koodi` "08", classification codes such as `degurba`);
- populations and counts are `int`; 0/1 flags are `bool`;
- ";"-separated member lists (`kommunkoder`, `kuntanumerot`, `kunnat_fi`) become lists of str;
- in the validation series `period` is "YYYY-MM" text and every measured value is `float`.

Each call reads the file again and returns new objects; callers may modify what they get.
"""

from __future__ import annotations

import csv
import io
from importlib import resources

__all__ = [
    "VALIDATION_SERIES",
    "data_files",
    "finnish_employment_areas",
    "finnish_municipalities",
    "krom_rollout_stages",
    "swedish_la_regions",
    "swedish_municipalities",
    "validation_series",
]

#: Names accepted by `validation_series`: the files in `validation/` without ".csv".
VALIDATION_SERIES = (
    "se_bas_unemployment_20_64_monthly",
    "se_rusta_och_matcha_participants_monthly_total",
)

# Text columns of the validation series; every other column is a measured number.
_VALIDATION_TEXT = frozenset({"period", "region_kod", "region", "alder"})


def _rows(name: str) -> list[dict[str, str]]:
    """The rows of package data file `name` (a path relative to this package), as text."""
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _convert(
    rows: list[dict[str, str]],
    ints: tuple[str, ...] = (),
    flags: tuple[str, ...] = (),
    lists: tuple[str, ...] = (),
) -> list[dict]:
    """Convert the named columns in place: ints to int, 0/1 flags to bool, ";" lists to lists."""
    for row in rows:
        for col in ints:
            row[col] = int(row[col])
        for col in flags:
            if row[col] not in ("0", "1"):
                raise ValueError(f"{col} must be 0 or 1, got {row[col]!r}")
            row[col] = row[col] == "1"
        for col in lists:
            row[col] = row[col].split(";") if row[col] else []
    return rows


def data_files() -> list[str]:
    """Every CSV file shipped in this package, as paths relative to it (sorted)."""
    root = resources.files(__name__)
    found = [f.name for f in root.iterdir() if f.name.endswith(".csv")]
    found += [
        "validation/" + f.name for f in root.joinpath("validation").iterdir()
        if f.name.endswith(".csv")
    ]
    return sorted(found)


def swedish_municipalities() -> list[dict]:
    """All 290 Swedish municipalities (kommuner), in code order.

    Keys: `kommunkod`, `kommun`, `kommun_fullnamn`, `lan_kod`, `lan_namn`, `la_region_kod`
    (local labour market, e.g. "LA2301"), `fa_region_kod`, `kommungrupp_skr`, `degurba`
    (all text); `befolkning_2024_12_31` (population on 31 Dec 2024, int); `krom_pilot_2020`
    (one of the 32 municipalities where Rusta och matcha started in March 2020, bool);
    `krom_esf_extra_2021` (bool).
    """
    return _convert(
        _rows("se_municipalities.csv"),
        ints=("befolkning_2024_12_31",),
        flags=("krom_pilot_2020", "krom_esf_extra_2021"),
    )


def swedish_la_regions() -> list[dict]:
    """The 67 Swedish local labour-market regions (LA), derived from the municipalities.

    Keys: `la_region_kod` (text), `n_kommuner` and `befolkning_2024_12_31` (int),
    `kommunkoder` (the member municipalities' codes, list of str).
    """
    return _convert(
        _rows("se_la_regions.csv"),
        ints=("n_kommuner", "befolkning_2024_12_31"),
        lists=("kommunkoder",),
    )


def krom_rollout_stages() -> list[dict]:
    """The four stages in which Rusta och matcha reached all 290 municipalities (2020-2021).

    Keys: `stage`, `start` (as AF dates it: "YYYY-MM" or "YYYY-MM-DD"), `source_url` (text);
    `n_kommuner` (int); `n_leveransomraden` (delivery areas, int, or None where AF gave none).
    """
    rows = _convert(_rows("se_krom_rollout_stages.csv"), ints=("n_kommuner",))
    for row in rows:
        areas = row["n_leveransomraden"]
        row["n_leveransomraden"] = int(areas) if areas else None
    return rows


def finnish_municipalities(include_aland: bool = False) -> list[dict]:
    """Finland's municipalities (kunnat) on the 2025 division, in code order.

    By default only the 292 municipalities of the TE24 reform (every mainland municipality);
    `include_aland=True` adds the 16 Åland municipalities (308 in all), which keep their own
    employment services.

    Keys (text unless noted): `kuntanumero`, `nimi_fi`, `nimi_sv`, `maakunta_koodi`,
    `maakunta_fi`, `maakunta_sv`, `seutukunta_koodi`, `seutukunta_fi`, `ely_koodi`, `ely_fi`,
    `hyvinvointialue_koodi`, `hyvinvointialue_fi`, `kielisuhde_fi`, `kuntaryhmitys_fi`,
    `tyollisyysalue_koodi` (the TE24 employment area), `tyollisyysalue_fi`,
    `tyollisyysalue_sv`; `te24_kuuluu` (bool); `vaesto_2022_12_31_alueella_2025` (population
    on 31 Dec 2022 within the 2025 boundaries, int).
    """
    rows = _convert(
        _rows("fi_municipalities_2025.csv"),
        ints=("vaesto_2022_12_31_alueella_2025",),
        flags=("te24_kuuluu",),
    )
    return rows if include_aland else [r for r in rows if r["te24_kuuluu"]]


def finnish_employment_areas(include_aland: bool = False) -> list[dict]:
    """Finland's employment areas (työllisyysalueet) of 2025, in code order.

    By default the 45 TE24 areas; `include_aland=True` adds Åland (code "46", not in TE24).

    Keys: `tyollisyysalue_koodi`, `tyollisyysalue_fi`, `tyollisyysalue_sv` (text);
    `te24_kuuluu` (bool); `n_kunnat` and `vaesto_2022_12_31` (summed over the members, int);
    `kuntanumerot` and `kunnat_fi` (the member municipalities' codes and names, lists of str).
    """
    rows = _convert(
        _rows("fi_employment_areas_2025.csv"),
        ints=("n_kunnat", "vaesto_2022_12_31"),
        flags=("te24_kuuluu",),
        lists=("kuntanumerot", "kunnat_fi"),
    )
    return rows if include_aland else [r for r in rows if r["te24_kuuluu"]]


def validation_series(name: str) -> list[dict]:
    """A validation series from `validation/`, by file name (with or without ".csv").

    - "se_bas_unemployment_20_64_monthly": SCB's register-based unemployment rate, ages
      20-64, for Sweden (`region_kod` "00") and its 21 counties, 2020-01 to 2024-01;
      keys `period`, `region_kod`, `region`, `alder` (text), `arbetsloshet_procent` (float).
    - "se_rusta_och_matcha_participants_monthly_total": Rusta och matcha participants per
      month summed over providers, 2020-04 to 2025-01 (lower bounds, see SOURCES.md); keys
      `period` (text), `n_leverantorer_i_filen`, `deltagare_nya`, `deltagare_pagaende`,
      `deltagare_avslutade` (float).
    """
    stem = name.removesuffix(".csv")
    if stem not in VALIDATION_SERIES:
        raise ValueError(
            f"unknown validation series {name!r}; allowed: {', '.join(VALIDATION_SERIES)}"
        )
    rows = _rows(f"validation/{stem}.csv")
    for row in rows:
        for col, value in row.items():
            if col not in _VALIDATION_TEXT:
                row[col] = float(value)
    return rows
