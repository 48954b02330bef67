"""The model's matching function, measured as the literature measures it (evidence.md 5.3).

Why: the kernel builds hires from applications, employers' contacts and screening; that the
result behaves like the aggregate matching function the literature estimates (constant returns,
elasticity with respect to unemployment 0.5-0.7) is a property to check, and its estimator must
be right. Small design (three markets, short runs) so it stays quick; the full measurement is
`python -m sim.evidence.matching`.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.config import override_config
from sim.evidence.matching import blocks, estimate, ols_clustered

SMALL_DESIGN = dict(sizes=(6_000, 12_000, 24_000), burn_in=104, weeks=104,
                    vacancy_factors=(0.7, 1.0, 1.4), separation_factors=(0.8, 1.0, 1.25))


def test_clustered_ols_recovers_a_known_cobb_douglas():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(40), 25)
    log_u = rng.normal(8, 1, 40)[groups] + rng.normal(0, 0.1, 1000)
    log_v = 0.5 * log_u + rng.normal(0, 0.5, 40)[groups]
    y = 0.3 + 0.6 * log_u + 0.4 * log_v + rng.normal(0, 0.2, 40)[groups] + rng.normal(0, 0.05,
                                                                                      1000)
    x = np.column_stack([np.ones(1000), log_u, log_v])
    beta, cov = ols_clustered(y, x, groups)
    se = np.sqrt(np.diag(cov))
    assert abs(beta[1] - 0.6) < 3 * se[1] and abs(beta[2] - 0.4) < 3 * se[2]
    naive = np.sqrt(np.diag(np.linalg.inv(x.T @ x)) * np.var(y - x @ beta))
    assert se[1] > 2 * naive[1], "a shared shock per cluster widens the interval"


def test_blocks_sum_hires_and_average_stocks():
    panel = {"week": np.repeat(np.arange(8), 2), "market": np.tile([0, 1], 8),
             "seekers": np.arange(16.0), "vacancies": np.ones(16), "hires": np.ones(16)}
    b = blocks(panel, 4)
    assert b["hires"].tolist() == [4, 4, 4, 4]
    assert b["seekers"].tolist() == [3.0, 4.0, 11.0, 12.0]
    assert b["market"].tolist() == [0, 1, 0, 1]


@pytest.fixture(scope="module")
def measured(municipal_scenario):
    return estimate(municipal_scenario.base, **SMALL_DESIGN)


def test_the_calibrated_matching_function_is_in_the_literatures_range(measured):
    m = measured
    assert 0.5 <= m.technology_seekers[0] <= 0.7, m.lines()
    assert 0.5 <= m.elasticity_seekers <= 0.7, m.lines()
    assert m.elasticity_vacancies > 0.25 and m.technology_vacancies[0] > 0.25
    assert abs(m.returns_to_scale - 1.0) < 0.1 and abs(m.technology_scale[0] - 1.0) < 0.1
    assert m.beveridge_slope < -0.5, "more demand: more vacancies, fewer seekers"
    assert 0.5 < m.vacancy_fill_share < 0.95


def test_without_employers_search_hires_follow_the_seekers_almost_one_for_one(
        municipal_scenario, measured):
    alone = estimate(override_config(municipal_scenario.base,
                                     {"labour_market.employer_contacts": 0.0}),
                     vacancy_factors=(1.0,), separation_factors=(1.0,),
                     **{k: v for k, v in SMALL_DESIGN.items() if "factors" not in k})
    assert alone.technology_seekers[0] > 0.7, "above the literature's range"
    assert alone.technology_seekers[0] > measured.technology_seekers[0] + 0.05
    assert alone.technology_vacancies[0] < measured.technology_vacancies[0]
