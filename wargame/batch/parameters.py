"""Parameter values per game: one batch whose games each play with their own values of some of
the rulebook's parameters (a sensitivity study's points side by side).

The batch compiles every parameter into its NumPy expressions as a constant
(:class:`wargame.batch.compile.Compiler`). A parameter whose value differs between the games is
compiled instead as a global name, ``ctx.g(name)``, read from a ``(n,)`` float64 row of the
boards (``Boards.G[name]``) like a track; the others stay constants, so a batch without per-game
values compiles and runs exactly as before. The scalar engine reads a parameter off the board's
``g`` mapping as a Python number; the batch's float64 is the same IEEE double whether folded in as
a constant or read from the row, and every operation on it is the same, in the same order.

What may differ between the games is the parameters' values only: the checker's rewrite of an
expression (guarded division and the rest) does not depend on them (bounds only refuse an
expression), so one compiled book plays every game. ``max_orders`` shapes the turn itself (how
many orders a cell gives), so it cannot vary within a batch; :func:`columns` refuses it, and any
other difference between rulebooks, with a ValueError that says why.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping, Sequence

import attrs
import numpy as np

from wargame.engine.rulebook import Rulebook

STRUCTURAL = frozenset({"max_orders"})
"""Parameters that shape the batch itself (the orders a cell may give a turn): one value a batch."""
_VALUES = frozenset({"parameters", "formulas", "formula_text", "max_orders"})  # what a point's rulebook changes


def per_game(rulebook: Rulebook, values: Mapping[str, Sequence[float]] | None, n: int) -> dict[str, np.ndarray]:
    """The parameters of ``values`` (name to one number a game, ``n`` of them) that differ from
    ``rulebook``'s value in some game, each as a ``(n,)`` float64 array; those equal to it in every
    game are left out (they stay compiled-in constants). Raises ValueError for a name that is not
    a parameter, a count that is not ``n``, a value that is not a finite number, or a parameter of
    :data:`STRUCTURAL` that varies."""
    out: dict[str, np.ndarray] = {}
    for name, vs in (values or {}).items():
        if name not in rulebook.parameters:
            raise ValueError(f"no parameter {name!r} to vary per game")
        if len(vs) != n:
            raise ValueError(f"{len(vs)} values of {name} for a batch of {n} games")
        if any(isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v) for v in vs):
            raise ValueError(f"a value of {name} is not a finite number")
        column = np.array([float(v) for v in vs], dtype=np.float64)
        if (column == float(rulebook.parameters[name])).all():
            continue
        if name in STRUCTURAL:
            raise ValueError(f"{name} shapes the turn: it cannot vary between the games of a batch")
        out[name] = column
    return out


def columns(base: Rulebook, rulebooks: Sequence[Rulebook]) -> dict[str, list[float | int]]:
    """Each game's values of the parameters where ``rulebooks`` (one a game) differ from ``base``,
    by name, for :class:`~wargame.batch.game.BatchGame`'s ``parameters``. Raises ValueError, saying
    why, unless every rulebook is ``base`` but for its parameters' values (each of the same kind,
    whole or not, as ``base``'s) and its formulas recompiled with them to the same code (as
    :func:`wargame.analysis.sensitivity.with_parameters` makes them), with ``max_orders`` the same."""
    names = tuple(base.parameters)
    changed: set[str] = set()
    trees: dict[int, bool] = {}
    for book in rulebooks:
        if book is base:
            continue
        for field in attrs.fields(type(base)):
            if field.name not in _VALUES:
                mine, theirs = getattr(book, field.name), getattr(base, field.name)
                if mine is not theirs and mine != theirs:
                    raise ValueError(f"the rulebooks differ in their {field.name}, not only in parameter values")
        if book.max_orders != base.max_orders:
            raise ValueError("max_orders shapes the turn: it cannot vary between the games of a batch")
        params = book.parameters
        if tuple(params) != names:
            raise ValueError("the rulebooks have different parameters")
        for name in names:
            v, w = params[name], base.parameters[name]
            if isinstance(v, int) != isinstance(w, int):
                raise ValueError(f"{name} is a whole number in one rulebook and not in another")
            if v != w:
                changed.add(name)
        if id(book.formulas) not in trees:  # each distinct set of formulas checked once
            trees[id(book.formulas)] = _same_formulas(base, book)
        if not trees[id(book.formulas)]:
            raise ValueError("the formulas compile to different code in the rulebooks")
    changed -= {n for n in changed if all(b.parameters[n] == base.parameters[n] for b in rulebooks)}
    return {name: [b.parameters[name] for b in rulebooks] for name in names if name in changed}


def _same_formulas(base: Rulebook, book: Rulebook) -> bool:
    """Whether ``book``'s formulas are ``base``'s, name for name, compiled to the same tree."""
    if book.formulas is base.formulas:
        return True
    if [n for n, _ in book.formulas] != [n for n, _ in base.formulas]:
        return False
    return all(a.source == b.source and _tree(a) == _tree(b) for (_, a), (_, b) in zip(book.formulas, base.formulas))


def _tree(expr) -> str:
    return ast.dump(expr.body) if getattr(expr, "body", None) is not None else expr.source
