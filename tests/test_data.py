"""The package data (sim/data) against the known totals stated in sim/data/SOURCES.md.

Why: these files are the model's map of Sweden and Finland; a lost row, a code read as a
number (dropping its leading zero) or a file shipped without its source note would go
unnoticed in a simulation run.
"""

import re
from collections import Counter
from importlib import resources

import pytest

from sim import data


def test_sweden_has_290_municipalities_summing_to_the_scb_total_for_2024():
    munis = data.swedish_municipalities()
    assert len(munis) == 290
    assert len({m["kommunkod"] for m in munis}) == 290
    assert all(re.fullmatch(r"\d{4}", m["kommunkod"]) for m in munis)
    assert sum(m["befolkning_2024_12_31"] for m in munis) == 10_587_710
    by_county = Counter()
    for m in munis:
        by_county[m["lan_namn"]] += m["befolkning_2024_12_31"]
    assert len(by_county) == 21
    assert by_county["Stockholms län"] == 2_473_307
    assert by_county["Uppsala län"] == 407_912


def test_nacka_is_0182_with_112112_inhabitants_and_not_a_krom_pilot():
    nacka = [m for m in data.swedish_municipalities() if m["kommunkod"] == "0182"]
    assert len(nacka) == 1
    assert nacka[0]["kommun"] == "Nacka"
    assert nacka[0]["befolkning_2024_12_31"] == 112_112
    assert nacka[0]["krom_pilot_2020"] is False


def test_rusta_och_matcha_started_in_32_pilot_municipalities():
    pilots = [m for m in data.swedish_municipalities() if m["krom_pilot_2020"]]
    assert len(pilots) == 32
    assert sum(m["befolkning_2024_12_31"] for m in pilots) == 888_474
    assert {"Umeå", "Västerås", "Trollhättan", "Karlskrona"} <= {m["kommun"] for m in pilots}
    assert sum(m["krom_esf_extra_2021"] for m in data.swedish_municipalities()) == 4
    stages = data.krom_rollout_stages()
    assert [s["n_kommuner"] for s in stages] == [32, 53, 101, 104]
    assert sum(s["n_kommuner"] for s in stages) == 290


def test_local_labour_market_regions_partition_the_municipalities():
    regions = data.swedish_la_regions()
    munis = {m["kommunkod"]: m for m in data.swedish_municipalities()}
    assert len(regions) == 67
    members = [code for r in regions for code in r["kommunkoder"]]
    assert sorted(members) == sorted(munis)
    for r in regions:
        assert r["n_kommuner"] == len(r["kommunkoder"])
        assert all(munis[c]["la_region_kod"] == r["la_region_kod"] for c in r["kommunkoder"])
        assert r["befolkning_2024_12_31"] == sum(
            munis[c]["befolkning_2024_12_31"] for c in r["kommunkoder"]
        )


def test_finland_has_308_municipalities_of_which_292_are_in_te24():
    everyone = data.finnish_municipalities(include_aland=True)
    te24 = data.finnish_municipalities()
    assert len(everyone) == 308
    assert len({m["kuntanumero"] for m in everyone}) == 308
    assert all(re.fullmatch(r"\d{3}", m["kuntanumero"]) for m in everyone)
    assert len(te24) == 292
    assert all(m["te24_kuuluu"] for m in te24)
    aland = [m for m in everyone if not m["te24_kuuluu"]]
    assert len(aland) == 16
    assert {m["tyollisyysalue_koodi"] for m in aland} == {"46"}
    assert sum(m["vaesto_2022_12_31_alueella_2025"] for m in everyone) == 5_563_970
    assert sum(m["vaesto_2022_12_31_alueella_2025"] for m in te24) == 5_533_611


def test_te24_has_45_employment_areas_and_four_cities_organise_alone():
    areas = data.finnish_employment_areas()
    assert len(areas) == 45
    assert all(a["te24_kuuluu"] for a in areas)
    assert len(data.finnish_employment_areas(include_aland=True)) == 46
    alone = {a["tyollisyysalue_fi"] for a in areas if a["n_kunnat"] == 1}
    assert alone == {"Helsinki", "Vantaa", "Lahti", "Kouvola"}  # evidence.md 4.1


def test_employment_areas_agree_with_their_member_municipalities():
    munis = {m["kuntanumero"]: m for m in data.finnish_municipalities(include_aland=True)}
    areas = data.finnish_employment_areas(include_aland=True)
    members = [code for a in areas for code in a["kuntanumerot"]]
    assert sorted(members) == sorted(munis)
    for a in areas:
        assert a["n_kunnat"] == len(a["kuntanumerot"]) == len(a["kunnat_fi"])
        for code, name in zip(a["kuntanumerot"], a["kunnat_fi"], strict=True):
            assert munis[code]["tyollisyysalue_koodi"] == a["tyollisyysalue_koodi"]
            assert munis[code]["nimi_fi"] == name
        assert a["vaesto_2022_12_31"] == sum(
            munis[c]["vaesto_2022_12_31_alueella_2025"] for c in a["kuntanumerot"]
        )


def test_register_based_unemployment_series_covers_sweden_and_21_counties_monthly():
    rows = data.validation_series("se_bas_unemployment_20_64_monthly")
    periods = sorted({r["period"] for r in rows})
    assert len(rows) == 1078 == 22 * len(periods)
    assert periods[0] == "2020-01" and periods[-1] == "2024-01" and len(periods) == 49
    assert all(re.fullmatch(r"\d{4}-\d{2}", p) for p in periods)
    assert len({r["region_kod"] for r in rows}) == 22
    riket = [r for r in rows if r["region_kod"] == "00"]
    assert len(riket) == 49
    assert all(isinstance(r["arbetsloshet_procent"], float) for r in rows)
    assert all(0.0 < r["arbetsloshet_procent"] < 20.0 for r in rows)


def test_rusta_och_matcha_participant_series_runs_from_2020_04_to_2025_01():
    rows = data.validation_series("se_rusta_och_matcha_participants_monthly_total.csv")
    assert len(rows) == 58
    assert rows[0]["period"] == "2020-04" and rows[-1]["period"] == "2025-01"
    assert rows[-1]["deltagare_pagaende"] == 39413.0
    for r in rows:
        for key in ("n_leverantorer_i_filen", "deltagare_nya", "deltagare_pagaende",
                    "deltagare_avslutade"):
            assert isinstance(r[key], float) and r[key] >= 0.0


def test_an_unknown_validation_series_is_refused_with_the_allowed_names():
    with pytest.raises(ValueError, match="se_bas_unemployment_20_64_monthly"):
        data.validation_series("se_unemployment")


def test_every_data_file_is_described_in_sources_md_and_every_described_file_exists():
    sources = resources.files("sim.data").joinpath("SOURCES.md").read_text(encoding="utf-8")
    described = re.findall(r"^## (\S+\.csv)\b", sources, flags=re.MULTILINE)
    assert len(described) == len(set(described))
    assert sorted(described) == data.data_files()
