"""A doctrine made ready to judge with: each order kind's entry of ``rules/doctrine.toml``
(:mod:`wargame.bots.doctrine_data`), its lets and cases as compiled functions, what each reads that
is worked out per order, and the whole entry written out in one Python function where it can be
(:meth:`Plan._code`). :class:`~wargame.bots.doctrine_bot.Judge` works a plan out on a seat's picture.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from wargame.bots.doctrine_data import Case, DoctrineBook
from wargame.engine.expressions import Expression, compile_written
from wargame.engine.rulebook import Rulebook

Fn = Callable[[Any, Any, Any], Any]


class Plan:
    """A book's entries made ready to judge with: for each order kind, its cell, the cell's lets,
    its ``when`` and its cases, each as the compiled function itself (no wrapper to call through),
    and what they read that is worked out per order (:meth:`_needs`). Built once per book (:func:`plan`)."""

    __slots__ = ("book", "entries", "chances", "reads", "needs")

    def __init__(self, book: DoctrineBook):
        self.book = book
        self.entries: dict[str, tuple[str, dict[str, Fn], Fn | None, tuple[tuple[Fn | None, Fn, Case], ...]]] = {}
        self.chances: dict[int, tuple[Rulebook, dict[str, Fn | None], dict[str, int], dict[str, tuple]]] = {}
        # each let's names, and those of the lets it reads, all the way down
        self.reads: dict[str, dict[str, frozenset[str]]] = {}
        for c, cell in book.cells.items():
            deep: dict[str, frozenset[str]] = {}
            for n, e in cell.lets.items():  # a let reads only the lets written before it
                deep[n] = e.names.union(*(deep[m] for m in e.names if m in deep))
            self.reads[c] = deep
        lets: dict[str, dict[str, Fn]] = {c: {n: e.fn for n, e in cell.lets.items()} for c, cell in book.cells.items()}
        for kind, entry in book.entries.items():
            self.entries[kind] = (entry.cell, lets.get(entry.cell, {}), None if entry.when is None else entry.when.fn,
                                  tuple((None if c.when is None else c.when.fn, c.score.fn, c) for c in entry.cases))
        self.needs = {kind: self._needs(kind) for kind in book.entries}

    def _deep(self, cell: str, names: frozenset[str]) -> frozenset[str]:
        deep = self.reads.get(cell, {})
        return names.union(*(deep[n] for n in names if n in deep))

    def _needs(self, kind: str) -> tuple[bool, tuple[str, ...], bool, tuple[str, ...]]:
        """What ``kind``'s entry reads of the names worked out per order, even through a let: does
        its ``when`` read the ``chance``, which lets (in the order written); then what its cases
        read besides."""
        entry = self.book.entries[kind]
        order = tuple(self.book.cells[entry.cell].lets) if entry.cell in self.book.cells else ()
        when = self._deep(entry.cell, entry.when.names) if entry.when is not None else frozenset()
        cases = frozenset().union(*(self._deep(entry.cell, e.names)
                                    for c in entry.cases for e in (c.when, c.score) if e is not None)) - when
        return ("chance" in when, tuple(n for n in order if n in when),
                "chance" in cases, tuple(n for n in order if n in cases))

    def kinds(self, rulebook: Rulebook) -> tuple[dict[str, Fn | None], dict[str, int], dict[str, tuple]]:
        """Each order kind's chance formula (None: it has none) and cost, in ``rulebook``; and per
        kind with an entry, what :meth:`Judge.scored` needs of it that is the same on every picture:
        its cell, the lets it reads that are the same for every order (they read no theatre's name,
        nor the order's chance or cost, even through another let), and the rest (:meth:`Judge._prepare`)."""
        found = self.chances.get(id(rulebook))
        if found is None or found[0] is not rulebook:
            kinds = rulebook.order_kinds
            chances = {k: None if o.chance is None else o.chance.fn for k, o in kinds.items()}
            costs = {k: o.cost for k, o in kinds.items()}
            per_order = set(rulebook.scope("theatre").theatre) | {"chance", "cost"}
            shared = {c: frozenset(n for n, names in deep.items() if per_order.isdisjoint(names))
                      for c, deep in self.reads.items()}
            ready: dict[str, tuple] = {}
            for kind, (cell, lets, when, cases) in self.entries.items():
                when_chance, when_lets, cases_chance, cases_lets = self.needs[kind]
                same = shared.get(cell, frozenset())
                when_own = tuple(n for n in when_lets if n not in same)
                cases_own = tuple(n for n in cases_lets if n not in same)
                code = self._code(rulebook, kind, when_chance, when_own, cases_chance and not when_chance, cases_own)
                ready[kind] = (cell, tuple((n, lets[n]) for n in when_lets + cases_lets if n in same), (
                    costs[kind], lets, chances[kind], when, cases,
                    when_chance, tuple((n, lets[n]) for n in when_own),
                    cases_chance and not when_chance, tuple((n, lets[n]) for n in cases_own), code))
            found = self.chances[id(rulebook)] = (rulebook, chances, costs, ready)
        return found[1], found[2], found[3]


    def _code(self, rulebook: Rulebook, kind: str, when_chance: bool, when_lets: tuple[str, ...], cases_chance: bool,
              cases_lets: tuple[str, ...]) -> Fn | None:
        """What :meth:`Judge.scored` works out for an order of ``kind`` (after its names are copied from
        ``base``), written out as one function of (G, T, names): the chance and the lets where they
        are first needed, then the ``when``, then the cases; it gives (score, the case's place) or
        None. The same expressions in the same order, without a call for each. None where an
        expression keeps no tree to write out (:attr:`~wargame.engine.expressions.Expression.body`)."""
        entry = self.book.entries[kind]
        lets = self.book.cells[entry.cell].lets if entry.cell in self.book.cells else {}
        chance = rulebook.order_kinds[kind].chance
        exprs = [lets[n] for n in when_lets + cases_lets] + [e for c in entry.cases for e in (c.when, c.score) if e]
        if any(e.body is None for e in exprs + [e for e in (entry.when, chance) if e is not None]):
            return None

        def text(e: Expression) -> str:
            return f"({ast.unparse(e.body)})"  # type: ignore[arg-type]

        worked = "1.0" if chance is None else f"float{text(chance)}"
        lines = ["def judge(G, T, O):"]
        if when_chance:
            lines.append(f"    O['chance'] = {worked}")
        lines += [f"    O[{n!r}] = {text(lets[n])}" for n in when_lets]
        if entry.when is not None:
            lines += [f"    if not {text(entry.when)}:", "        return None"]
        if cases_chance:
            lines.append(f"    O['chance'] = {worked}")
        lines += [f"    O[{n!r}] = {text(lets[n])}" for n in cases_lets]
        for i, case in enumerate(entry.cases):
            lines += [f"    if {'True' if case.when is None else text(case.when)}:", f"        return {text(case.score)}, {i}"]
        lines.append("    return None")
        return compile_written(lines, "judge", f"<doctrine of {kind}>")


_plans: dict[int, Plan] = {}


def plan(book: DoctrineBook) -> Plan:
    """``book``'s :class:`Plan`, made once per book (the last sixteen kept)."""
    found = _plans.get(id(book))
    if found is None or found.book is not book:
        if len(_plans) >= 16:
            _plans.clear()
        found = _plans[id(book)] = Plan(book)
    return found
