"""The batch engine's shortcuts give the values of the long way round: a rule or an order that
reads only some totals and formulas has exactly those worked out (the rest may lag, unread); the
doctrine bot's picks worked out a block of games at a time are each game's own; a rulebook's
compiled book is shared by every batch of one process, and never by another rulebook's."""

from __future__ import annotations

import attrs
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from wargame.batch import bots
from wargame.batch.book import book_for
from wargame.batch.compute import refresh
from wargame.batch.game import BatchGame
from wargame.batch.play import Players, play_batch
from wargame.engine.board import THEATRE_COMPUTED

SCENARIO = "spring-2016"


def _shaken(rulebook, seed: int, turns: int) -> BatchGame:
    """Games some turns in, then tracks of some games moved by hand (marked dirty), as effects do."""
    game = play_batch(rulebook, SCENARIO, list(range(seed, seed + 12)), "all=random", turns=turns)
    b = game.boards
    rng = np.random.default_rng(seed)
    moved = rng.random(b.n) < 0.5
    for name in ("territory", "oil", "is_province", "grievance", "reform"):
        b.T[name][moved] = rng.integers(0, 6, size=(int(moved.sum()), b.n_theatres))
    for name in ("is_funds", "aq_funds", "is_cohesion", "aq_standing"):
        b.G[name][moved] = rng.integers(0, 10, size=int(moved.sum()))
    b.O["strength"][moved] = np.where(b.o_active[moved], rng.integers(1, 6, size=b.o_active[moved].shape), 0)
    b.dirty[moved] = True
    return game


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), turns=st.integers(0, 6), picks=st.data())
def test_what_a_rule_reads_is_what_a_full_refresh_gives(rulebook, seed, turns, picks):
    """A refresh asked for only some names (one rule's, then another's, on some of the games)
    leaves those names where a refresh of everything would put them, on every game it covers."""
    game = _shaken(rulebook, seed, turns)
    b, book = game.boards, game.book
    readers = [r for r in book.rules if r.refreshes and r.reads] + [o for o in book.orders.values() if o.refreshes and o.reads]
    for _ in range(3):
        who = picks.draw(st.sampled_from(readers))
        mask = picks.draw(st.integers(1, 2**b.n - 1))
        rows = np.array([i for i in range(b.n) if mask >> i & 1], dtype=np.int64)
        twin = _shaken(rulebook, seed, turns)  # the same boards, worked out in full
        for name in ("GG", "TT", "OO", "o_active", "o_theatre"):
            getattr(twin.boards, name)[...] = getattr(b, name)
        twin.boards.dirty[:] = True
        refresh(twin.boards, twin.book, np.arange(b.n))
        refresh(b, book, rows, who.reads)
        for name in who.reads:
            if name in THEATRE_COMPUTED:
                assert (b.T[name][rows] == twin.boards.T[name][rows]).all(), (who.id, name)
            else:
                assert (b.G[name][rows] == twin.boards.G[name][rows]).all(), (who.id, name)


def test_doctrine_picks_a_block_at_a_time_are_each_games_own(rulebook, monkeypatch):
    """The doctrine bots play the same games whether their picks are worked out 5 games at a
    time or all at once."""
    seeds = list(range(40, 63))
    whole = play_batch(rulebook, SCENARIO, seeds, "all=doctrine:mixed", turns=4)
    monkeypatch.setattr(bots, "LANES", 5)
    blocks = play_batch(rulebook, SCENARIO, seeds, "all=doctrine:mixed", turns=4)
    for i in range(len(seeds)):
        assert whole.state(i) == blocks.state(i), f"game {i}"


def test_a_compiled_book_serves_its_rulebook_only(rulebook):
    """Two batches of one rulebook share its book; a changed rulebook gets a book of its own,
    and plays its own rules."""
    one = BatchGame.new(rulebook, SCENARIO, [1], keep_series=False)
    two = BatchGame.new(rulebook, SCENARIO, [2], keep_series=False)
    assert one.book is two.book
    assert book_for(rulebook, one.boards.theatre_names, [p.deck for p in one.boards.decks]) is one.book
    changed = attrs.evolve(rulebook, max_orders=1)
    other = BatchGame.new(changed, SCENARIO, [1], keep_series=False)
    assert other.book is not one.book
    players = Players(changed, other, "all=random")
    assert players.legality.max_orders == 1
    assert Players(rulebook, one, "all=random").legality.max_orders == rulebook.max_orders > 1
    rows, chosen = players.choose()
    assert all((picks[:, 1:] < 0).all() for picks in chosen.values())  # one order a cell at most
