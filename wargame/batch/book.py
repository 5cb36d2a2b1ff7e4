"""The rulebook compiled once for a batch of one scenario: rules, orders, cards and formulas as
NumPy closures (:mod:`wargame.batch.compile`), with the names their dice are keyed by."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from attrs import frozen

from wargame.batch.compile import ORIGINS, Compiler, Fn
from wargame.batch.dice import nm
from wargame.engine.board import CONSTANTS, GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_TRACKS
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


@frozen
class OrderCode:
    id: str
    cell: str
    cost: int
    chance: Fn | None
    success: tuple[EffectCode, ...]
    failure: tuple[EffectCode, ...]
    key: np.uint64


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

    def __init__(self, rulebook: Rulebook, theatre_names: Sequence[str], deck_order: Sequence[str]):
        self.rulebook = rulebook
        self.compiler = Compiler({**rulebook.parameters, **CONSTANTS}, {t: j for j, t in enumerate(theatre_names)})
        self.deck_of = {d: k for k, d in enumerate(deck_order)}
        scopes = {k: rulebook.scope(k) for k in ("global", "theatre", "offshoot")}
        self.formulas = tuple((name, self._expr(e, scopes["global"])) for name, e in rulebook.formulas)
        self.rules = tuple(self._rule(i, r, scopes[r.scope]) for i, r in enumerate(rulebook.rules))
        self.by_phase = {p: tuple(c for c in self.rules if rulebook.rules[c.index].phase == p) for p in rulebook.by_phase}
        self.orders = {o.id: OrderCode(o.id, o.cell, o.cost, self._expr(o.chance, scopes[_kind(o.target)]),
                                       self._effects(o.success, scopes[_kind(o.target)]),
                                       self._effects(o.failure, scopes[_kind(o.target)]), nm(o.id))
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
        return RuleCode(rule.id, i, rule.scope, self._expr(rule.when, scope), self._expr(rule.chance, scope), effects,
                        rule.reads_computed, wide, nm(rule.id))

    def order_key(self, kind: str, column: int | None) -> tuple[int, int, int, str]:
        """:func:`wargame.engine.resolver.order_key` for an order of ``kind`` in a theatre's column."""
        cell = self.orders[kind].cell
        return (self.cell_rank.get(cell, 99), self.order_rank.get(kind, 999), -1 if column is None else column, kind)


def _kind(target: str) -> str:
    return "theatre" if target == "theatre" else "global"
