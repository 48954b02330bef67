"""The spell table: the columns a registered person's spell does not change, kept dense.

Why: the weekly passes over every registered seeker (meetings, search effort, the matching
inputs, benefits, municipal accounts) read these columns at the seekers' rows. At national scale
those rows are scattered over a labour force of 5 million, so each read streams a whole column
through memory: about 1 ms a week for a small column and 3 ms for a float one, read by several
passes. Here they are one contiguous array each, in the register's order (~370,000 values), kept
in step with the register's index in place: one compiled pass drops those who left and one
merges in those who joined, each moving all columns at once, without allocating.

The columns are set before a person registers and not changed while registered, except `wage`
(set at hire, the week the person leaves) and `skill` (raised in a service): those writers call
`refresh`. A spell's length needs no column of its own here: until the week's spell clock it is
`week - spell_start`, and the passes compute it so. ReformModel.check_invariants holds the table
equal to the population's columns, and `spell_weeks` to the weeks since `spell_start`.
"""

from __future__ import annotations

import numpy as np

from sim.kernels.register import compact_rows, insert_rows
from sim.population import COLUMNS

SPELL_FIELDS = ("skill", "wage", "spell_start", "municipality", "market", "occupation",
                "age_band", "insured")
HEADROOM = 1.25  # capacity grown to this multiple of what is needed, so growth is rare


class SpellTable:
    def __init__(self, population):
        self.pop = population
        self.n = 0
        self._columns = {name: np.empty(0, COLUMNS[name]) for name in SPELL_FIELDS}
        self._kept = None  # rows still registered since the last read, when some have left

    def view(self) -> dict[str, np.ndarray]:
        """Each column's values, one per registered person in the register's order."""
        if self._kept is not None:
            compact_rows(tuple(self._columns.values()), self._kept)
            self.n, self._kept = len(self._kept), None
        return {name: column[:self.n] for name, column in self._columns.items()}

    def keep(self, kept: np.ndarray) -> None:
        """Only rows `kept` (increasing) stay: applied at the next read, once for any number
        of removals in between."""
        self._kept = kept if self._kept is None else self._kept[kept]

    def insert(self, at: np.ndarray, persons: np.ndarray) -> None:
        """`persons` join before rows `at` (increasing, as np.insert takes them)."""
        self.view()
        need = self.n + len(persons)
        for name, column in self._columns.items():
            if len(column) < need:
                grown = np.empty(int(need * HEADROOM), column.dtype)
                grown[:self.n] = column[:self.n]
                self._columns[name] = grown
        insert_rows(tuple((column, getattr(self.pop, name)[persons])
                          for name, column in self._columns.items()), self.n, at)
        self.n = need

    def refresh(self, rows: np.ndarray, persons: np.ndarray, name: str) -> None:
        """Column `name` of `persons` (at `rows`) was rewritten: copy it again."""
        self.view()[name][rows] = getattr(self.pop, name)[persons]


class Gathered(dict):
    """Spell columns of persons other than the registered, gathered when asked for."""

    def __init__(self, population, persons: np.ndarray):
        super().__init__()
        self.pop, self.persons = population, persons

    def __missing__(self, name: str) -> np.ndarray:
        self[name] = getattr(self.pop, name)[self.persons]
        return self[name]
