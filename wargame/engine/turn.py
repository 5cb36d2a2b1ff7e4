"""The turn: a new game, then each turn's phases in order.

A turn goes:

1. ``events`` (:func:`begin_turn`): the rulebook's event rules run; they draw from the decks.
2. ``orders``: each cell chooses, in secret, from :func:`~wargame.engine.legality.legal_orders`.
3. ``adjudication`` (:func:`resolve_turn`): every cell pays for its orders, then the orders
   resolve cell by cell in a fixed order (:data:`~wargame.engine.resolver.RESOLUTION_ORDER`),
   kind by kind as the rulebook lists them, theatre by theatre as the scenario lists them,
   whatever order they were submitted in; then the adjudication rules run.
4. ``dynamics``: the systemic rules (revenue, defection, succession, ...).
5. ``assessment``: budgets refresh, outcomes are tallied; the next turn begins, or the game ends.

Dice: every roll is keyed by (the game's secret, turn, phase, the rule or order or deck that
rolls, the theatre or offshoot it rolls for): see :mod:`wargame.engine.dice`. No roll depends on how
many came before it, so any turn replays without stored generator state, nothing outside the
engine can move the game's dice, and overriding one result changes only what depends on it.

Every outcome is an :class:`~wargame.engine.adjudication.Adjudication`. The facilitator's hand (a card
played, a track set, a what-if) is :mod:`wargame.engine.facilitator`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
from attrs import frozen

from wargame.engine.adjudication import Adjudication
from wargame.engine.board import Board
from wargame.engine.dice import dice
from wargame.engine.legality import check_orders
from wargame.engine.model import CELL_TITLES, DeckPiles, Order, State
from wargame.engine.position import hand_over, position
from wargame.engine.resolver import RESOLUTION_ORDER, Forced, Resolver, literal, order_key, set_calendar
from wargame.engine.rulebook import Rulebook


class PhaseError(ValueError):
    """A call made in the wrong phase (e.g. resolving a turn whose events have not run)."""


@frozen
class Step:
    """What a phase produced: the new state and the records of what happened."""

    state: State
    records: tuple[Adjudication, ...]


def new_game(rulebook: Rulebook, scenario: str, seed: int) -> State:
    """The opening state of a scenario: decks shuffled with the game's seed."""
    if scenario not in rulebook.scenarios:
        raise KeyError(f"no scenario {scenario!r} (scenarios: {', '.join(rulebook.scenarios)})")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"a seed is a whole number 0 or more, not {seed!r}")
    initial = rulebook.scenarios[scenario].initial
    rng = dice(seed, 0, "decks")
    piles = []
    for deck in rulebook.decks.values():
        draw = [c.id for c in deck.cards]
        rng.shuffle(draw, deck.id)
        piles.append(DeckPiles(deck=deck.id, draw=tuple(draw)))
    return attrs.evolve(initial, seed=seed, decks=tuple(piles))


def begin_turn(rulebook: Rulebook, state: State) -> Step:
    """Run the events phase: the event rules, which draw from the decks. Then orders are due."""
    if state.phase != "events":
        raise PhaseError(f"the events phase has run already (the game is in {state.phase})")
    board = Board(state, rulebook.parameters, rulebook.formulas)
    for T in board.theatres:
        T["turn_start_territory"] = T["territory"]
    set_calendar(rulebook, board, state)
    resolver = Resolver(rulebook, board, state.turn, "events", state.seed, dice(state.seed, state.turn, "events"))
    resolver.run_rules(rulebook.by_phase["events"])
    new = board.freeze(state, phase="orders")
    hand_over(rulebook, new, board)  # the orders' position (legality, the bots) starts from this board
    return Step(new, tuple(resolver.records))


def resolve_turn(rulebook: Rulebook, state: State, orders: Mapping[str, Sequence[Order]],
                 forced: Mapping[tuple[str, str | None], Forced] | None = None) -> Step:
    """Adjudicate the cells' orders and run the rest of the turn.

    ``orders`` maps a cell to its orders; a missing cell gives none. The result does not depend
    on the order of the mapping or of each cell's orders. Raises :class:`~wargame.engine.legality.IllegalOrder`, leaving
    everything as it was, if any order is illegal.

    ``forced`` holds the facilitator's overrides of results, keyed by (rule or order id, theatre
    or offshoot id): the dice are rolled as always, and the record keeps the engine's own result
    beside the override.
    """
    if state.phase != "orders":
        raise PhaseError(f"orders are resolved in the orders phase, and the game is in {state.phase}")
    check_orders(rulebook, state, orders)
    # the board legality worked out for this state (totals and formulas too), copied: the same
    # values a fresh board's first update would work out, without working them out again
    board = position(rulebook, state).board.copy()
    set_calendar(rulebook, board, state)
    G = board.g
    turn = state.turn
    resolver = Resolver(rulebook, board, turn, "adjudication", state.seed, dice(state.seed, turn, "adjudication"))
    resolver.forced = forced or {}
    all_orders = sorted((o for given in orders.values() for o in given), key=order_key(rulebook, state))
    # Costs are paid before anything resolves: the orders were given at the same time.
    for cell in RESOLUTION_ORDER:
        mine = [o for o in all_orders if o.cell == cell]
        budget = rulebook.budgets[cell]
        cost = sum(rulebook.order_kinds[o.kind].cost for o in mine)
        if mine:
            before = G[budget]
            G[budget] = before - cost
            board.note(budget)
            resolver.record("budget", budget, f"{CELL_TITLES[cell]} orders", (), literal(
                f"{CELL_TITLES[cell]} gave {len(mine)} order{'s' if len(mine) > 1 else ''}: "
                + ", ".join(str(o) for o in mine) + f"; cost {cost}."), {}, {},
                [(budget, before, G[budget])] if cost else [], cell=cell)
    for order in all_orders:
        resolver.resolve_order(rulebook.order_kinds[order.kind], order)
    resolver.run_rules(rulebook.by_phase["adjudication"])
    resolver.set_phase("dynamics")
    resolver.run_rules(rulebook.by_phase["dynamics"])
    resolver.set_phase("assessment")
    resolver.run_rules(rulebook.by_phase["assessment"])
    _tally(board, turn)
    last = turn >= state.last_turn
    new = board.freeze(state, turn=turn if last else turn + 1, phase="over" if last else "events")
    return Step(new, tuple(resolver.records))


def _tally(board: Board, turn: int) -> None:
    """Outcomes the analysts keep, read off the board after every turn."""
    if board.dirty:
        board.update()
    G = board.g
    if G["relation_stage"] in (2, 3) and G["tally_rapprochement_turn"] < 0:
        G["tally_rapprochement_turn"] = turn
    if G["is_collapsed"] and G["tally_collapse_turn"] < 0:
        G["tally_collapse_turn"] = turn
    G["tally_peak_brutality"] = max(G["tally_peak_brutality"], G["is_brutality"], board.g.get("offshoot_brutality", 0))
