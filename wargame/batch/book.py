"""The rulebook compiled once for a batch of one scenario: rules, orders, cards and formulas as
NumPy closures (:mod:`wargame.batch.compile`), with the names their dice are keyed by."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
from attrs import frozen

from wargame.batch.compile import ORIGINS, Compiler, Fn
from wargame.batch.dice import nm
from wargame.engine.board import COMPUTED, CONSTANTS, GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS
from wargame.engine.effects import Effect
from wargame.engine.expressions import Expression, Scope
from wargame.engine.resolver import RESOLUTION_ORDER
from wargame.engine.rulebook import Rulebook

_BOUNDS = {"G": GLOBAL_TRACKS, "T": THEATRE_TRACKS, "O": OFFSHOOT_TRACKS}


@frozen
class EffectCode:
    """One effect: ``kind`` "track" (``where`` G/T/O, ``target``, ``op`` =/+=/-=, bounds ``lo``..``hi``,
    ``fns[0]`` its value), "spawn" (``arg`` the origin's code, ``fns`` strength and brutality),
    "absorb", or "draw" (``arg`` the deck's position in the batch)."""

    kind: str
    where: str = ""
    target: str = ""
    op: str = ""
    lo: float = 0.0
    hi: float = 0.0
    fns: tuple[Fn, ...] = ()
    arg: int = 0


@frozen
class RuleCode:
    id: str
    index: int  # position in the rulebook: the column of the "fired" counts
    scope: str
    when: Fn | None
    chance: Fn | None
    effects: tuple[EffectCode, ...]
    reads_computed: bool
    # Theatres (or offshoots) may be swept side by side when the effects change only the
    # theatre's (offshoot's) own tracks: then no lane's result depends on another column's.
    wide: bool
    key: np.uint64  # name(rule id), for its dice
    # Whether it brings the board up to date first: it reads a total or a formula, or it may draw
    # a card (whose effects read them as they stood at the last refresh). ``reads_computed`` with
    # neither (a name only its text reads) is a refresh nobody reads: skipping it gives the same
    # game, since every refresh works out every total and formula from the board as it is then.
    refreshes: bool = True
    # what of a refresh it reads (wargame.batch.compute works out only that); None: everything,
    # for a rule that may draw a card
    reads: frozenset[str] | None = None


@frozen
class OrderCode:
    id: str
    cell: str
    cost: int
    chance: Fn | None
    success: tuple[EffectCode, ...]
    failure: tuple[EffectCode, ...]
    key: np.uint64
    refreshes: bool = True  # it reads a total or a formula, or may draw a card (see RuleCode)
    reads: frozenset[str] | None = None  # what of a refresh it reads; None: everything (see RuleCode)


@frozen
class CardCode:
    id: str
    deck: int
    column: int | None  # its theatre's column; None for a card of no theatre; -1: not in this scenario
    when: Fn | None
    effects: tuple[EffectCode, ...]
    number: int  # position among every card of the batch: the column of the "drawn" counts


class Book:
    """Everything a batch of games of one scenario evaluates, compiled once."""

    def __init__(self, rulebook: Rulebook, theatre_names: Sequence[str], deck_order: Sequence[str],
                 varying: frozenset[str] = frozenset()):
        """``varying``: the parameters read per game (``ctx.g``, a row of the boards) rather than
        compiled in as constants (:mod:`wargame.batch.parameters`)."""
        self.rulebook = rulebook
        self.varying = varying
        self.extras: dict[str, Any] = {}  # compiled on this book once (book_for, extra)
        constants = {k: v for k, v in rulebook.parameters.items() if k not in varying}
        self.compiler = Compiler({**constants, **CONSTANTS}, {t: j for j, t in enumerate(theatre_names)})
        self.deck_of = {d: k for k, d in enumerate(deck_order)}
        scopes = {k: rulebook.scope(k) for k in ("global", "theatre", "offshoot")}
        # what a refresh works out (wargame.batch.compute): the totals, each theatre's own, the formulas
        self.refreshed = frozenset((*COMPUTED, *THEATRE_COMPUTED, *(name for name, _ in rulebook.formulas))) - {
            "turn", "turns_left", "year"}
        self.formulas = tuple((name, self._expr(e, scopes["global"])) for name, e in rulebook.formulas)
        self.rules = tuple(self._rule(i, r, scopes[r.scope]) for i, r in enumerate(rulebook.rules))
        self.by_phase = {p: tuple(c for c in self.rules if rulebook.rules[c.index].phase == p) for p in rulebook.by_phase}
        self.orders = {o.id: OrderCode(o.id, o.cell, o.cost, self._expr(o.chance, scopes[_kind(o.target)]),
                                       self._effects(o.success, scopes[_kind(o.target)]),
                                       self._effects(o.failure, scopes[_kind(o.target)]), nm(o.id),
                                       *_reads_refreshed(self.refreshed, (o.chance,), (*o.success, *o.failure)))
                       for o in rulebook.orders}
        self.order_rank = {o.id: i for i, o in enumerate(rulebook.orders)}
        self.cell_rank = {c: i for i, c in enumerate(RESOLUTION_ORDER)}
        self.cards: list[list[CardCode]] = [[] for _ in deck_order]
        self.card_ids: list[str] = []
        for d in deck_order:
            for card in rulebook.decks[d].cards:
                scope = scopes["theatre" if card.theatre else "global"]
                column = None if card.theatre is None else self.compiler.theatres.get(card.theatre, -1)
                self.cards[self.deck_of[d]].append(CardCode(card.id, self.deck_of[d], column, self._expr(card.when, scope),
                                                            self._effects(card.effects, scope), len(self.card_ids)))
                self.card_ids.append(card.id)

    def _expr(self, e: Expression | None, scope: Scope) -> Fn | None:
        return None if e is None else self.compiler.expression(e.source, scope)

    def _effects(self, effects: Sequence[Effect], scope: Scope) -> tuple[EffectCode, ...]:
        out = []
        for e in effects:
            if e.where:
                lo, hi = _BOUNDS[e.where][e.target]
                out.append(EffectCode("track", e.where, e.target, e.op, float(lo), float(hi), (self._expr(e.args[0], scope),)))
            elif e.op == "spawn_offshoot":
                out.append(EffectCode("spawn", fns=(self._expr(e.args[1], scope), self._expr(e.args[2], scope)),
                                      arg=ORIGINS.index(e.args[0])))
            elif e.op == "absorb_offshoot":
                out.append(EffectCode("absorb"))
            else:
                out.append(EffectCode("draw", arg=self.deck_of[e.args[0]]))
        return tuple(out)

    def _rule(self, i: int, rule: Any, scope: Scope) -> RuleCode:
        effects = self._effects(rule.effects, scope)
        own = {"theatre": "T", "offshoot": "O"}.get(rule.scope)
        wide = own is not None and all(e.kind == "track" and e.where == own for e in effects)
        refreshes, reads = _reads_refreshed(self.refreshed, (rule.when, rule.chance), rule.effects)
        return RuleCode(rule.id, i, rule.scope, self._expr(rule.when, scope), self._expr(rule.chance, scope), effects,
                        rule.reads_computed, wide, nm(rule.id), rule.reads_computed and refreshes, reads)

    def order_key(self, kind: str, column: int | None) -> tuple[int, int, int, str]:
        """:func:`wargame.engine.resolver.order_key` for an order of ``kind`` in a theatre's column."""
        cell = self.orders[kind].cell
        return (self.cell_rank.get(cell, 99), self.order_rank.get(kind, 999), -1 if column is None else column, kind)


def _reads_refreshed(refreshed: frozenset[str], exprs: Sequence[Expression | None],
                     effects: Sequence[Effect]) -> tuple[bool, frozenset[str] | None]:
    """Whether expressions and effects read a name a refresh works out, or may draw a card; and
    which of those names they read (None for everything: a drawn card may read any)."""
    names: set[str] = set()
    for e in exprs:
        if e is not None:
            names |= e.names
    for effect in effects:
        if effect.op == "draw":
            return True, None
        names.update(n for a in effect.args if isinstance(a, Expression) for n in a.names)
    reads = frozenset(names & refreshed)
    return bool(reads), reads


def _kind(target: str) -> str:
    return "theatre" if target == "theatre" else "global"


class _Compiled:
    """The books compiled for one rulebook in this process, by scenario theatres and decks, and
    what the bots compile on a book (``extras``: its legality and doctrine, made once)."""

    def __init__(self, rulebook: Rulebook):
        self.ref = weakref.ref(rulebook)
        self.books: dict[tuple[tuple[str, ...], tuple[str, ...], frozenset[str]], Book] = {}


_COMPILED: dict[int, _Compiled] = {}  # by id(rulebook), checked against the weak reference
_LOCK = threading.Lock()


def book_for(rulebook: Rulebook, theatre_names: Sequence[str], deck_order: Sequence[str],
             varying: frozenset[str] = frozenset()) -> Book:
    """The :class:`Book` of ``rulebook`` for these theatres and decks (and these parameters read
    per game, ``varying``), compiled once per process and shared by every batch that plays them
    (a Book never changes once compiled: the same closures give the same values in every batch).
    Forgotten with the rulebook."""
    key = (tuple(theatre_names), tuple(deck_order), frozenset(varying))
    with _LOCK:
        entry = _COMPILED.get(id(rulebook))
        if entry is None or entry.ref() is not rulebook:
            entry = _COMPILED[id(rulebook)] = _Compiled(rulebook)
            for k in [k for k, e in _COMPILED.items() if e.ref() is None]:  # rulebooks gone since
                del _COMPILED[k]
        book = entry.books.get(key)
    if book is None:
        book = Book(rulebook, key[0], key[1], key[2])
        with _LOCK:
            book = entry.books.setdefault(key, book)
    return book


def extra(book: Book, name: str, make: Any) -> Any:
    """What ``make()`` builds once for ``book`` (the bots' legality, the doctrine compiled on it),
    kept with the book."""
    found = book.extras.get(name)
    if found is None:
        found = book.extras.setdefault(name, make())
    return found
