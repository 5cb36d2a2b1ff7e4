"""A doctrine bot gives the orders its doctrine ranks best: what :meth:`DoctrineBot.choose` gives,
with its shortcuts (the first round written apart, a kind's judge called without Judge.ranked, the
noise rolled only for an order that could still win, names and reasons worked out only when read),
is what the plain rule gives, round by round: judge every legal order, add its noise, take off the
penalties, give the best above the threshold (the first of equals), until none is left or the cell
has given all it may."""

from __future__ import annotations

import pytest

from wargame.bots import doctrine_bot
from wargame.bots.doctrine import POSTURES, Doctrine
from wargame.bots.doctrine_bot import DoctrineBot, Judge
from wargame.bots.doctrine_data import doctrine_book
from wargame.bots.judged import Judged
from wargame.bots.picture import Picture
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.dice import Dice, derive
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game
from wargame.engine.view import view

RULEBOOK = load_rulebook()
BOOK = doctrine_book(RULEBOOK)
DOCTRINES = [Doctrine(posture=p) for p in POSTURES] + [Doctrine(reform="crackdown", welcome=False, hunt=False)]


def _positions(seed: int):
    for t in play(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed), bots_for(parse_seats("all=doctrine:mixed"), seed, RULEBOOK)):
        yield t.orders_state


def plain_choice(bot: DoctrineBot, seen, legal, max_orders: int) -> tuple[tuple, tuple[str, ...]]:
    """The doctrine's rule, written plainly: every legal order judged and rolled for, each round."""
    d = bot.doctrine
    picture = Picture(seen, RULEBOOK)
    judge = Judge(BOOK, picture, d)
    cell = BOOK.cells.get(seen.seat)
    reserve = cell.reserve[d.boldness] if cell is not None else 0
    dice = Dice(derive(bot.seed, "bot"), seen.turn, seen.seat)
    orders, reasons, given, left = [], [], {}, picture.budget
    while len(orders) < max_orders:
        best, bar = None, BOOK.threshold[d.boldness]
        for order in legal(orders):
            found = judge.scored(order)
            if found is None or not found[0] + BOOK.noise > BOOK.threshold[d.boldness]:
                continue
            score = found[0] + dice.roll("doctrine.noise", f"{order.kind}|{order.theatre or ''}") * BOOK.noise
            if given.get(order.kind):
                score -= BOOK.repeat_penalty * given[order.kind]
            if left - RULEBOOK.order_kinds[order.kind].cost < reserve:
                score -= BOOK.reserve_penalty
            if score > bar:
                bar, best = score, (order, found)
        if best is None:
            break
        order, (score, case, names) = best
        orders.append(order)
        reasons.append(Judged(score, case, judge.names(order, names), picture, order).reason())
        given[order.kind] = given.get(order.kind, 0) + 1
        left -= RULEBOOK.order_kinds[order.kind].cost
    return tuple(orders), tuple(reasons)


def _legal_ways(state, cell):
    """The legal orders as the engine gives them; backwards (the first of equals is another);
    and one held back from the first round, offered only in the later ones."""
    def plain(pending):
        return legal_orders(RULEBOOK, state, cell, pending)

    def backwards(pending):
        return plain(pending)[::-1]

    def held_back(pending):
        found = plain(pending)
        return found[1:] if not pending else found

    return plain, backwards, held_back


@pytest.mark.parametrize("seed", [21, 22])
def test_a_doctrine_bot_gives_the_orders_its_doctrine_ranks_best_round_by_round(seed: int, monkeypatch) -> None:
    compared = 0
    late: list = []  # orders first judged after the first round (held back from it)
    ranked = doctrine_bot.Judge.ranked
    monkeypatch.setattr(doctrine_bot.Judge, "ranked", lambda judge, order: late.append(order) or ranked(judge, order))
    for state in _positions(seed):
        for cell in CELLS:
            seen = view(state, cell)
            for i, doctrine in enumerate(DOCTRINES):
                for legal in _legal_ways(state, cell):
                    bot = DoctrineBot(seed * 10 + i, rulebook=RULEBOOK, doctrine=doctrine)
                    want = plain_choice(bot, seen, legal, RULEBOOK.max_orders)
                    got = bot.choose(seen, legal, RULEBOOK.max_orders)
                    assert got.orders == want[0], (state.turn, cell, doctrine, legal.__name__)
                    assert tuple(got.reasons) == want[1]
                    compared += 1
    assert compared > 300 and late


def test_a_bot_that_judges_turn_after_turn_judges_each_turn_as_a_fresh_bot_would() -> None:
    """A bot keeps its doctrine's base names from turn to turn (by cell and budget): its choices
    and sentences are a fresh bot's, turn after turn, and after its doctrine is changed."""
    bot = DoctrineBot(5, rulebook=RULEBOOK)
    for n, state in enumerate(_positions(23)):
        if n == 4:
            bot.doctrine = Doctrine(posture="aggressive", press_is=False)
        for cell in CELLS:
            def legal(pending, c=cell, s=state):
                return legal_orders(RULEBOOK, s, c, pending)
            fresh = DoctrineBot(5, rulebook=RULEBOOK, doctrine=bot.doctrine)
            got, want = bot.choose(view(state, cell), legal, RULEBOOK.max_orders), fresh.choose(view(state, cell), legal, RULEBOOK.max_orders)
            assert got.orders == want.orders and tuple(got.reasons) == tuple(want.reasons)


def test_ranking_an_order_without_its_names_gives_its_score_and_case_in_any_order() -> None:
    """Judge.ranked shares one dict per order kind between orders (the names come later, for the
    orders given): each order's score and case are scored's, whichever orders were ranked before
    it, forwards, backwards and each twice over."""
    book = BOOK
    compared = 0
    for state in _positions(12):
        for cell in CELLS:
            picture = Picture(view(state, cell), RULEBOOK)
            for doctrine in [Doctrine(posture=p) for p in POSTURES] + [Doctrine(reform="crackdown", welcome=False)]:
                legal = legal_orders(RULEBOOK, state, cell)
                want = {o: doctrine_bot.Judge(book, picture, doctrine).scored(o) for o in legal}
                ranking = doctrine_bot.Judge(book, picture, doctrine)
                for order in legal + legal[::-1] + legal:
                    got, full = ranking.ranked(order), want[order]
                    assert (got is None) == (full is None), order
                    if got is not None:
                        assert got[:2] == full[:2] and type(got[0]) is type(full[0]), order
                        compared += 1
    assert compared > 1000
