"""The register's compiled passes equal their NumPy twins (sim/register.py's code before) bit for
bit: the same persons in the same order, the same spell weeks written back."""

from __future__ import annotations

import numpy as np
import pytest

from sim.kernels.register import (
    compact_rows,
    in_scheme,
    in_scheme_reference,
    insert_rows,
    join,
    leave,
    referable,
    referable_reference,
    reprofile_due,
    reprofile_due_reference,
    rows_of,
    service_clock,
    service_clock_reference,
    spell_clock,
    spell_clock_reference,
)
from sim.population import NO_WEEK, SEARCHING


@pytest.mark.parametrize("seed,n_pop,n_reg", [(0, 1000, 300), (1, 50_000, 4_000), (2, 100, 0),
                                              (3, 500, 500)])
def test_register_passes_equal_numpy_twins(seed, n_pop, n_reg):
    rng = np.random.default_rng(seed)
    status = rng.integers(0, 4, n_pop).astype(np.int8)
    registered = np.sort(rng.choice(n_pop, n_reg, replace=False)).astype(np.int64)
    spell = rng.integers(-5, 900, n_pop).astype(np.int32)
    for every in (1, 4, 13, 1000):
        start = (300 - spell[registered]).astype(np.int32)  # the week 300
        got = reprofile_due(start, 300, every)
        want = reprofile_due_reference(start, 300, every)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    twin = spell.copy()
    spell_clock(registered, spell)
    spell_clock_reference(registered, twin)
    assert spell.dtype == twin.dtype and spell.tobytes() == twin.tobytes()
    scheme = rng.integers(-1, 3, n_pop).astype(np.int8)
    for sid in (-1, 0, 2):
        got = in_scheme(registered, status, scheme, int(SEARCHING[1]), sid)
        want = in_scheme_reference(registered, status, scheme, int(SEARCHING[1]), sid)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    weeks = rng.integers(0, 30, n_pop).astype(np.int32)
    length = rng.choice(np.array([13, 26], np.int32), n_pop)
    twin = weeks.copy()
    got = service_clock(registered, weeks, length)
    want = service_clock_reference(registered, twin, length)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    assert weeks.tobytes() == twin.tobytes() and (n_reg == 0 or 0 < len(got) < n_reg)


@pytest.mark.parametrize("seed,week", [(0, 30), (1, -40), (2, 400)])
def test_referable_equals_numpy_twin(seed, week):
    rng = np.random.default_rng(seed)
    n_pop, n_muni, tiers = 20_000, 12, 3
    registered = np.sort(rng.choice(n_pop, 6_000, replace=False)).astype(np.int64)
    ended = rng.integers(week - 30, week + 2, n_pop).astype(np.int32)
    ended[rng.random(n_pop) < 0.6] = NO_WEEK
    args = (registered, rng.integers(0, 4, n_pop).astype(np.int8), 1,
            rng.integers(0, n_muni, n_pop).astype(np.int32)[registered], rng.random(n_muni) < 0.7,
            rng.integers(0, tiers + 1, n_pop).astype(np.int8), rng.random(tiers + 1) < 0.7,
            rng.integers(0, 120, n_pop).astype(np.int32), 26,
            rng.integers(0, 5, n_pop).astype(np.int8), rng.random(5) < 0.6, ended,
            int(NO_WEEK), week, 13)
    got, want = referable(*args), referable_reference(*args)
    assert len(want) > 50 and got.dtype == want.dtype and got.tobytes() == want.tobytes()


@pytest.mark.parametrize("seed,n,m", [(0, 1000, 300), (1, 0, 50), (2, 200, 0), (3, 5, 400)])
def test_table_moves_in_place_equal_numpy(seed, n, m):
    """The spell table's in-place passes (sim/spells.py) do what np.insert and a take do, for
    every column at once."""
    rng = np.random.default_rng(seed)
    dtypes = (np.float64, np.int32, np.int16, np.int8)
    old = [rng.integers(-100, 100, n).astype(d) for d in dtypes]
    at = np.sort(rng.integers(0, n + 1, m))
    values = [rng.integers(-100, 100, m).astype(d) for d in dtypes]
    columns = [np.zeros(n + m + 7, d) for d in dtypes]  # with headroom, as the table keeps it
    for column, o in zip(columns, old, strict=True):
        column[:n] = o
    insert_rows(tuple(zip(columns, values, strict=True)), n, at)
    for column, o, v in zip(columns, old, values, strict=True):
        assert column[:n + m].tobytes() == np.insert(o, at, v).tobytes()
    kept = np.flatnonzero(rng.random(n + m) < 0.6)
    want = [column[kept].copy() for column in columns]
    compact_rows(tuple(columns), kept)
    for column, w in zip(columns, want, strict=True):
        assert column[:len(kept)].tobytes() == w.tobytes()


@pytest.mark.parametrize("seed,n,m", [(0, 1000, 300), (1, 0, 50), (2, 200, 0), (3, 5, 400),
                                      (4, 3000, 3000)])
def test_joining_and_leaving_the_index_equal_numpy(seed, n, m):
    """A merge in (`join`) and a pass out (`leave`) do what searchsorted with np.insert, and
    a mask with a take, did; a person already in, not in, or listed twice is reported."""
    rng = np.random.default_rng(seed)
    people = rng.permutation(4 * (n + m) + 4)
    registered, new = np.sort(people[:n]), np.sort(people[n:n + m])
    after, at, clash = join(registered, new)
    want_at = np.searchsorted(registered, new)
    assert not clash and np.array_equal(at, want_at)
    assert np.array_equal(after, np.insert(registered, want_at, new))
    if n:
        assert join(registered, np.sort(np.r_[new, registered[n // 2]]))[2]
    leaving = np.sort(rng.choice(after, len(after) // 3, replace=False))
    rest, kept, found = leave(after, leaving)
    assert found == len(leaving) and np.array_equal(after[kept], rest)
    assert np.array_equal(rest, np.setdiff1d(after, leaving))
    stranger = np.sort(np.r_[leaving, len(people) + 5])  # never registered
    assert leave(after, stranger)[2] < len(stranger)
    if len(leaving):
        twice = np.sort(np.r_[leaving, leaving[:1]])
        assert leave(after, twice)[2] < len(twice)


def test_removals_between_reads_compose():
    """Rows removed twice before a read (the hired, then those leaving the labour force) are
    composed: the read equals both removals done in turn."""
    from sim.population import COLUMNS
    from sim.spells import SPELL_FIELDS, SpellTable

    class Pop:
        pass

    rng = np.random.default_rng(5)
    pop = Pop()
    for name in SPELL_FIELDS:
        setattr(pop, name, rng.integers(0, 100, 500).astype(COLUMNS[name]))
    table = SpellTable(pop)
    persons = np.sort(rng.choice(500, 200, replace=False))
    table.insert(np.zeros(len(persons), np.int64), persons)
    first = np.sort(rng.choice(200, 170, replace=False))
    second = np.sort(rng.choice(170, 130, replace=False))
    table.keep(first)
    table.keep(second)
    kept = persons[first][second]
    for name, column in table.view().items():
        assert column.tobytes() == getattr(pop, name)[kept].tobytes()


@pytest.mark.parametrize("n,k", [(1000, 300), (1000, 0), (0, 5), (50, 50), (7, 3)])
def test_rows_of_sorted_persons_are_searchsorted(n, k):
    rng = np.random.default_rng(n + k)
    registered = np.sort(rng.choice(10 * n + 10, n, replace=False)).astype(np.int64)
    inside = rng.choice(registered, min(k, n), replace=False) if n else np.empty(0, np.int64)
    persons = np.sort(np.r_[inside, rng.integers(-5, 10 * n + 20, k)]).astype(np.int64)
    want = np.searchsorted(registered, persons)
    assert np.array_equal(rows_of(registered, persons), want)
