"""Where an expression is evaluated: some lanes (games) of the batch, a theatre, an offshoot.

A :class:`Ctx` plays the part of the scalar engine's ``(G, T, O)`` mappings for ``m`` lanes at
once. ``rows`` (``(m,)`` int) are the games; ``tj`` the theatre: ``None`` (a global rule), one
column for every lane (``int``), a column per lane (``(m,)`` int, an offshoot's home theatre) or
a column per lane and slot (``(m, S)``, offshoots swept side by side); ``slot`` the offshoot: a
slot per lane (``(m,)``) or :data:`ALL` (``(m, S)``). With ``wide`` set (theatres or offshoots
swept side by side) a global value comes back as ``(m, 1)`` to broadcast over the columns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ALL = slice(None)


class Ctx:
    __slots__ = ("b", "rows", "r", "tj", "slot", "wide")

    def __init__(self, board: Any, rows: np.ndarray, tj: Any = None, slot: Any = None, wide: bool = False):
        self.b = board
        self.rows = rows
        # every game of the batch (rows are sorted and distinct): index by a slice, which reads
        # views instead of gathering copies
        self.r = ALL if len(rows) == board.n else rows
        self.tj = tj
        self.slot = slot
        self.wide = wide

    # reads --------------------------------------------------------------------------------------

    def g(self, name: str) -> np.ndarray:
        v = self.b.G[name][self.r]
        return v[:, None] if self.wide else v

    def t(self, name: str) -> np.ndarray:
        arr = self.b.T[name]
        if self.tj is ALL:
            return arr[self.r]
        if isinstance(self.tj, np.ndarray):
            return arr[self.rows[:, None], self.tj] if self.tj.ndim == 2 else arr[self.rows, self.tj]
        return arr[self.r, self.tj]

    def o(self, name: str) -> np.ndarray:
        arr = self.b.O[name]
        if self.slot is ALL:
            return arr[self.r]
        return arr[self.rows, self.slot]

    def text(self, where: str, name: str) -> Any:
        """The code of a text name: a theatre's column, an offshoot's origin."""
        if where == "O":
            return self.o("origin")
        if self.tj is ALL:
            return np.arange(self.b.n_theatres, dtype=np.float64)[None, :]
        return np.asarray(self.tj, dtype=np.float64) if isinstance(self.tj, np.ndarray) else float(self.tj)

    def read(self, where: str, name: str) -> np.ndarray:
        return self.g(name) if where == "G" else self.t(name) if where == "T" else self.o(name)

    # writes -------------------------------------------------------------------------------------

    def write(self, where: str, name: str, values: np.ndarray) -> None:
        """Store ``values`` (the shape a read gives) into the lanes of this context."""
        if where == "G":
            self.b.G[name][self.r] = values[:, 0] if self.wide else values
        elif where == "T":
            arr = self.b.T[name]
            if self.tj is ALL:
                arr[self.r] = values
            elif isinstance(self.tj, np.ndarray):
                if self.tj.ndim == 2:
                    arr[self.rows[:, None], self.tj] = values
                else:
                    arr[self.rows, self.tj] = values
            else:
                arr[self.r, self.tj] = values
        else:
            arr = self.b.O[name]
            if self.slot is ALL:
                arr[self.r] = values
            else:
                arr[self.rows, self.slot] = values

    def sub(self, keep: np.ndarray) -> Ctx:
        """The same place for the lanes where ``keep`` (``(m,)`` bool) holds."""
        tj = self.tj[keep] if isinstance(self.tj, np.ndarray) else self.tj
        slot = self.slot[keep] if isinstance(self.slot, np.ndarray) else self.slot
        return Ctx(self.b, self.rows[keep], tj, slot, self.wide)

    def shape(self) -> tuple[int, ...]:
        m = len(self.rows)
        if self.wide:
            cols = self.b.n_theatres if self.tj is ALL else self.b.O["strength"].shape[1]
            return (m, cols)
        return (m,)
