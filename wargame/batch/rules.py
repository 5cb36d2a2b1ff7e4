"""One phase of a turn over a batch: the rules in rulebook order, each sweeping its scope, and the
orders (``wargame.engine.resolver.Resolver``, lane by lane).

A rule of global scope is one NumPy pass over the games in play. A rule of theatre scope visits
the theatres in scenario order, or all of them at once when its effects touch only the theatre's
own tracks (then no theatre's result can depend on another's: the totals it reads were fixed when
its sweep began). A rule of offshoot scope visits each game's offshoots in list order as the list
stood when the sweep began, skipping one taken out meanwhile; side by side likewise when it
changes only the offshoot's own tracks. Rolls are keyed exactly as the scalar dice key them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from wargame.batch import dice
from wargame.batch.book import Book, RuleCode
from wargame.batch.compute import refresh
from wargame.batch.context import ALL, Ctx
from wargame.batch.decks import draw
from wargame.batch.effects import apply, remove

OFFSHOOT_NAMES = dice.OFFSHOOT_NAMES  # an offshoot's dice name by its code: offshoot-N by N, other ids by theirs


def _lanes(x: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``x`` (a truth per lane, or one for all) as an array of ``shape``: a view, not a copy."""
    if type(x) is np.ndarray and x.shape == shape:
        return x  # (most are: np.broadcast_to costs more than the test)
    return np.broadcast_to(x, shape)


class Runner:
    """The phase's dice (``keys``: ``(n,)`` uint64 phase keys) and reshuffle counts, and what the
    metrics keep: ``fired`` ``(n, rules)`` and ``drawn`` ``(n, cards)`` counts (owned by the game)."""

    def __init__(self, boards: Any, book: Book, fired: np.ndarray, drawn: np.ndarray, game_keys: np.ndarray):
        self.boards = boards
        self.book = book
        self.fired = fired
        self.drawn = drawn
        self.game_keys = game_keys
        self.keys = game_keys
        self.reshuffles: list[np.ndarray] = []
        # what the metrics may also keep (BatchGame sets them): offshoots formed by rules and cards,
        # ``(n, origins)``; a rule's firings by theatre, ``{rule index: (n, theatres)}``
        self.formed: np.ndarray | None = None
        self.at: dict[int, np.ndarray] = {}
        self.in_order = False  # an order's effects are being applied (its own spawns are not counted)
        # per deck, per card: does drawing it read its condition (and so refresh the board)?
        self.card_checks = [np.array([c.when is not None and c.column != -1 for c in cards], dtype=bool) for cards in book.cards]
        self.theatre_keys = np.array([dice.nm(t) for t in boards.theatre_names], dtype=dice.U64)

    def set_phase(self, phase: str) -> None:
        """Go on to ``phase``: its own dice, and no reshuffle yet."""
        self.keys = dice.phase_keys(self.game_keys, self.boards.turn, phase)
        self.reshuffles = [np.zeros(self.boards.n, dtype=np.int64) for _ in self.boards.decks]

    def draw(self, deck: int, rows: np.ndarray) -> None:
        draw(self, deck, rows)

    # rules --------------------------------------------------------------------------------------

    def run_rules(self, rules: Sequence[RuleCode], rows: np.ndarray) -> None:
        """Each rule in order over the games ``rows``."""
        for rule in rules:
            if not len(rows):
                return
            if rule.refreshes:
                refresh(self.boards, self.book, rows, rule.reads)
            if rule.scope == "global":
                self._try(rule, Ctx(self.boards, rows), dice.nm(""))
            elif rule.scope == "theatre":
                if rule.wide:
                    self._wide(rule, Ctx(self.boards, rows, ALL, wide=True), self.theatre_keys[None, :])
                else:
                    for j in range(self.boards.n_theatres):
                        self._try(rule, Ctx(self.boards, rows, j), self.theatre_keys[j])
            else:
                self._offshoots(rule, rows)

    def _happened(self, rule: RuleCode, ctx: Ctx, scope: Any) -> tuple[Ctx, Any]:
        """The lanes where the rule's condition holds and its roll beats its chance."""
        if rule.when is not None:
            ok = _lanes(rule.when(ctx) != 0, ctx.rows.shape)
            if not ok.all():
                ctx = ctx.sub(ok)
                scope = scope[ok] if isinstance(scope, np.ndarray) and scope.ndim else scope
        if rule.chance is not None and len(ctx.rows):
            chance = rule.chance(ctx)
            roll = dice.rolls(dice.source_keys(self.keys[ctx.rows], rule.id), scope)
            # a chance of 0 or less never beats a roll in [0, 1): the rule does nothing
            ok = _lanes(roll < chance, ctx.rows.shape)
            if not ok.all():
                ctx = ctx.sub(ok)
        return ctx, scope

    def _try(self, rule: RuleCode, ctx: Ctx, scope: Any) -> None:
        ctx, _ = self._happened(rule, ctx, scope)
        if not len(ctx.rows):
            return
        self.fired[ctx.rows, rule.index] += 1
        at = self.at.get(rule.index)
        if at is not None and ctx.tj is not None:
            at[ctx.rows, ctx.tj] += 1  # one lane a game: no index repeats
        apply(self, rule.effects, ctx)
        if ctx.slot is not None:  # an offshoot brought to strength 0 dissolves
            b = self.boards
            gone = b.o_active[ctx.rows, ctx.slot] & (b.O["strength"][ctx.rows, ctx.slot] == 0)
            remove(b, ctx.rows[gone], ctx.slot[gone], absorbed=False)

    def _wide(self, rule: RuleCode, ctx: Ctx, scope: np.ndarray, live: np.ndarray | None = None) -> None:
        """The rule in every column (theatre or offshoot slot) of every game at once."""
        shape = ctx.shape()
        happened = np.ones(shape, dtype=bool) if live is None else live.copy()
        if rule.when is not None:
            happened &= rule.when(ctx) != 0  # (broadcast over the columns)
        if rule.chance is not None:
            roll = dice.rolls(dice.source_keys(self.keys[ctx.rows], rule.id)[:, None], scope)
            happened &= roll < rule.chance(ctx)
        if not happened.any():
            return
        self.fired[ctx.rows, rule.index] += happened.sum(1)
        at = self.at.get(rule.index)
        if at is not None:
            if ctx.tj is ALL:
                at[ctx.rows] += happened
            else:
                r, s = np.nonzero(happened)
                np.add.at(at, (ctx.rows[r], ctx.tj[r, s]), 1)
        apply(self, rule.effects, ctx, happened)
        if ctx.slot is ALL:
            b = self.boards
            gone = happened & b.o_active[ctx.rows] & (b.O["strength"][ctx.rows] == 0)
            r, s = np.nonzero(gone)
            remove(b, ctx.rows[r], s, absorbed=False)

    def _offshoots(self, rule: RuleCode, rows: np.ndarray) -> None:
        b = self.boards
        active = b.o_active[rows]
        if not active.any():
            return
        if rule.wide:
            ctx = Ctx(b, rows, b.o_theatre[rows], ALL, wide=True)
            self._wide(rule, ctx, OFFSHOOT_NAMES[b.o_id[rows]], live=active)
            return
        order = np.argsort(np.where(active, b.o_seq[rows], np.iinfo(np.int64).max), axis=1, kind="stable")
        count = active.sum(1)
        ids = np.take_along_axis(b.o_id[rows], order, axis=1)
        for k in range(int(count.max())):
            sel = k < count
            r, slot, oid = rows[sel], order[sel, k], ids[sel, k]
            # still in play, and the same group (a slot freed this sweep may hold a new one)
            still = b.o_active[r, slot] & (b.o_id[r, slot] == oid)
            r, slot, oid = r[still], slot[still], oid[still]
            if len(r):
                self._try(rule, Ctx(b, r, b.o_theatre[r, slot], slot), OFFSHOOT_NAMES[oid])

    # orders -------------------------------------------------------------------------------------

    def resolve_order(self, kind: str, column: int | None, rows: np.ndarray) -> None:
        """One order given in the games ``rows`` (its cost paid already): its roll, then its success
        or failure effects. The board is brought up to date first, as the scalar resolver does (where
        the order reads what that works out: ``OrderCode.refreshes``)."""
        code = self.book.orders[kind]
        if code.refreshes:
            refresh(self.boards, self.book, rows, code.reads)
        ctx = Ctx(self.boards, rows, column)
        self.in_order = True
        try:
            if code.chance is None:
                apply(self, code.success, ctx)
                return
            scope = self.theatre_keys[column] if column is not None else dice.nm("")
            roll = dice.rolls(dice.source_keys(self.keys[rows], kind), scope)
            ok = _lanes(roll < code.chance(ctx), rows.shape)
            apply(self, code.success, ctx.sub(ok))
            apply(self, code.failure, ctx.sub(~ok))
        finally:
            self.in_order = False
