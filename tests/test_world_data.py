"""Worlds of real municipalities (`world.from_data`): Sweden's 290 in 67 local labour markets,
mainland Finland's 292 in the 45 TE24 employment areas, and smaller real areas.

Why: the national scenarios and finland_te24 are built from sim/data; a lost municipality, a
wrong labour-force scaling, a pilot flag that does not say where it comes from, or a typo in an
area name that silently gives an empty world would change every national figure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import data
from sim.config import ScenarioError, from_dict, load
from sim.population import World

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def world(**settings):
    return World.from_config(from_dict({"world": settings}).base)


def test_sweden_is_290_municipalities_in_67_local_labour_markets_with_the_32_krom_pilots():
    w = world(from_data="se", labour_force_share=0.5)
    munis = w.municipalities
    assert len(munis) == 290 and w.n_markets == 67
    assert len({m.code for m in munis}) == 290
    population = {m["kommunkod"]: m["befolkning_2024_12_31"] for m in data.swedish_municipalities()}
    assert all(m.labour_force == max(100, round(0.5 * population[m.code])) for m in munis)
    assert sum(m.pilot for m in munis) == 32
    nacka = next(m for m in munis if m.name == "Nacka")
    assert (nacka.code, nacka.market, nacka.labour_force, nacka.pilot) == (
        "0182", "LA2301", 56_056, False)
    assert {m.name for m in munis if m.pilot} >= {"Umeå", "Västerås", "Karlskrona"}


def test_finland_is_292_mainland_municipalities_in_45_employment_areas_without_pilots():
    w = world(country="fi", from_data="fi", labour_force_share=0.475)
    assert len(w.municipalities) == 292 and w.n_markets == 45
    assert "Maarianhamina" not in {m.name for m in w.municipalities}, "Åland is left out"
    assert not any(m.pilot for m in w.municipalities), "the data flag no Finnish pilot"


def test_an_area_is_chosen_by_code_or_name_and_pilots_start_with_their_capability():
    by_name = world(country="fi", from_data="fi", areas=["Porvoon seutu"], pilot_codes=["638"],
                    capability_pilot=1.2, capability_other=0.8)
    by_code = world(country="fi", from_data="fi", areas=["30"], pilot_codes=["638"],
                    capability_pilot=1.2, capability_other=0.8)
    assert by_name.municipalities == by_code.municipalities
    munis = {m.name: m for m in by_name.municipalities}
    assert set(munis) == {"Askola", "Lapinjärvi", "Loviisa", "Myrskylä", "Pukkila", "Porvoo"}
    assert munis["Porvoo"].pilot and munis["Porvoo"].capability == 1.2
    assert not munis["Loviisa"].pilot and munis["Loviisa"].capability == 0.8
    codes = world(from_data="se", codes=["0182", "0120"])
    assert [m.name for m in codes.municipalities] == ["Värmdö", "Nacka"]


def test_hameenlinna_and_hattula_share_an_employment_area_and_janakkala_does_not():
    """nordic_model.toml calls the three one area; in the 2025 TE24 areas they are two."""
    area = {m["nimi_fi"]: m["tyollisyysalue_fi"] for m in data.finnish_municipalities()}
    assert area["Hämeenlinna"] == area["Hattula"] == "TyöHäme"
    assert area["Janakkala"] == "Etelä-Häme"


@pytest.mark.parametrize(("settings", "path", "fragment"), [
    ({"from_data": "se", "areas": ["LA9999"]}, "world.areas[0]",
     "unknown local labour market 'LA9999' in the se data"),
    ({"from_data": "se", "pilot_codes": ["182"]}, "world.pilot_codes[0]",
     "did you mean '0182'?"),
    ({"from_data": "fi"}, "world.from_data", "'fi' is not world.country 'se'"),
    ({"country": "fi", "from_data": "fi", "areas": ["30"], "codes": ["091"]}, "world.areas",
     "selects no municipality"),
    ({"areas": ["LA2301"], "municipalities": [{"name": "A", "labour_force": 500,
                                               "market": "M"}]},
     "world.areas", "need world.from_data"),
    ({"from_data": "se", "labour_force_share": 1.5}, "world.labour_force_share",
     "out of range"),
])
def test_a_bad_data_world_gives_one_line_naming_the_setting(settings, path, fragment):
    with pytest.raises(ScenarioError) as caught:
        from_dict({"world": settings})
    assert caught.value.path == path
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_the_national_scenarios_are_the_real_countries_scaled_to_their_labour_force():
    se = World.from_config(load(SCENARIOS / "national_se.toml").base)
    assert len(se.municipalities) == 290 and se.n_markets == 67
    assert sum(m.labour_force for m in se.municipalities) == pytest.approx(5.25e6, rel=0.01)
    fi = World.from_config(load(SCENARIOS / "national_fi.toml").base)
    assert len(fi.municipalities) == 292 and fi.n_markets == 45
    assert sum(m.labour_force for m in fi.municipalities) == pytest.approx(2.63e6, rel=0.01)
    pilots = {m.name for m in fi.municipalities if m.pilot}
    assert 110 <= len(pilots) <= 130, "about the 118 municipalities of the 2021-24 pilots"
    named = {"Helsinki", "Espoo", "Vantaa", "Kerava", "Porvoo", "Raasepori", "Hanko"}
    assert named <= pilots, "every municipality SOURCES.md names as a pilot is flagged"


def test_finland_te24_is_porvoon_seutu_with_porvoo_its_only_pilot():
    w = World.from_config(load(SCENARIOS / "finland_te24.toml").arm("fi_2025"))
    assert {m.market for m in w.municipalities} == {"Porvoon seutu"}
    assert len(w.municipalities) == 6
    assert [m.name for m in w.municipalities if m.pilot] == ["Porvoo"]
    assert sum(m.labour_force for m in w.municipalities) >= 20_000, (
        "a TE24 employment area has at least 20,000 in the labour force (evidence.md 4.1)")
