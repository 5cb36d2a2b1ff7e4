"""The conformance harness every scenario must pass (as OpenSpiel asks of every game).

From each scenario's start, games of random legal play are played through the record, and after
every phase the board is checked: every invariant holds (the designer's, from
``rules/invariants.toml``, and the engine's own: every card in exactly one pile of its deck, every
offshoot based in a theatre of the board, no more offshoots than the board holds); every rule's
chance and every legal order's chance lies in 0..1; every order offered as legal is accepted. At
the end, the game written as a save and read back replays to the same final state.

Used by ``wargame check --deep`` and by the tests, on any rulebook a designer writes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from wargame.bots.random_bot import RandomBot
from wargame.engine.board import MAX_OFFSHOOTS
from wargame.engine.legality import legal_orders, why_illegal
from wargame.engine.model import CELLS, State, digest
from wargame.engine.position import order_chance, rule_chance, where_broken
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import view
from wargame.record.document import parse_document
from wargame.record.game import Game, Header, replay
from wargame.record.save import document, dumps
from wargame.record.signing import unsigned


def engine_problems(rulebook: Rulebook, state: State) -> Iterator[str]:
    """What the engine itself promises of every board, broken."""
    for piles in state.decks:
        cards = sorted(piles.draw + piles.discard + piles.aside)
        if cards != sorted(c.id for c in rulebook.decks[piles.deck].cards):
            yield f"deck {piles.deck}: its cards are not each in exactly one pile"
    names = {t.name for t in state.theatres}
    for o in state.offshoots:
        if o.theatre not in names:
            yield f"offshoot {o.id} is based in {o.theatre!r}, not a theatre of the board"
    if len(state.offshoots) > MAX_OFFSHOOTS:
        yield f"{len(state.offshoots)} offshoots, more than the board holds ({MAX_OFFSHOOTS})"


def board_problems(rulebook: Rulebook, state: State) -> Iterator[str]:
    """Every invariant and chance that fails on one board, as readable lines."""
    yield from engine_problems(rulebook, state)
    for inv in rulebook.invariants:
        where = where_broken(rulebook, inv, state)
        if where is not None:
            yield f"invariant {inv.id} ({inv.title}) fails in {where}"
    for rule in rulebook.rules:
        scopes = ([(None, None)] if rule.scope == "global" else [(t.name, None) for t in state.theatres]
                  if rule.scope == "theatre" else [(None, o.id) for o in state.offshoots])
        for theatre, offshoot in scopes:
            p = rule_chance(rulebook, state, rule.id, theatre, offshoot)
            if not 0 <= p <= 1:
                yield f"rule {rule.id} has chance {p} in {theatre or offshoot or 'the board'}, outside 0..1"


def conform_scenario(rulebook: Rulebook, scenario: str, seed: int) -> list[str]:
    """One game of random legal play of ``scenario``; every problem found, each once."""
    problems: list[str] = []

    seen: set[str] = set()

    def note(where: str, found: Iterator[str]) -> None:
        for p in found:  # each problem once, where it first showed
            if p not in seen:
                seen.add(p)
                problems.append(f"{scenario}, {where}: {p}")

    seats = {c: "random" for c in CELLS}
    game = Game(rulebook, Header(scenario, seed, seats, "conformance", f"conformance-{scenario}-{seed}"))
    bots = {c: RandomBot(seed + i) for i, c in enumerate(CELLS)}
    note("the start", board_problems(rulebook, game.state))
    while not game.state.over and len(problems) < 20:
        turn = game.state.turn
        if game.state.phase == "events":
            game.run_events()
            note(f"turn {turn} after events", board_problems(rulebook, game.state))
        state = game.state
        for cell in CELLS:
            offered = legal_orders(rulebook, state, cell)
            for order in offered:
                reason = why_illegal(rulebook, state, order)
                if reason is not None:
                    note(f"turn {turn}", iter([f"order {order} was offered as legal but is refused: {reason}"]))
                p = order_chance(rulebook, state, order)
                if not 0 <= p <= 1:
                    note(f"turn {turn}", iter([f"order {order} has chance {p}, outside 0..1"]))
            choice = bots[cell].choose(view(state, cell), lambda pending, c=cell, s=state: legal_orders(rulebook, s, c, pending),
                                       rulebook.max_orders)
            game.give_orders(cell, choice.orders)
        game.resolve()
        note(f"turn {turn} after orders", board_problems(rulebook, game.state))
    with unsigned():
        text = dumps(document(game))
    again = replay(rulebook, parse_document(json.loads(text)).header, parse_document(json.loads(text)).commands)
    if digest(again.state) != digest(game.state):
        problems.append(f"{scenario}: the game written as a save and read back does not replay to the same state")
    return problems


def conform(rulebook: Rulebook, games: int = 2, seed: int = 0) -> list[str]:
    """``games`` games of every scenario; every problem found (none: the rulebook conforms)."""
    out: list[str] = []
    for scenario in rulebook.scenarios:
        for g in range(games):
            out += conform_scenario(rulebook, scenario, seed * 1_000 + g)
    return out
