"""The facilitator's hand: a card played now, a track set, a rule fired on a what-if.

Each writes its record, with the facilitator's note or justification, as any other outcome; none
moves the game's dice (what it rolls, it rolls with dice of its own: :mod:`wargame.engine.dice`).
"""

from __future__ import annotations

from wargame.engine.board import GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_TRACKS, Board
from wargame.engine.dice import Dice, dice
from wargame.engine.model import State
from wargame.engine.resolver import Resolver, literal, set_calendar
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import Step


class FacilitatorError(ValueError):
    """A facilitator command the engine refuses, with the reason."""


def inject_card(rulebook: Rulebook, state: State, card_id: str, note: str = "") -> Step:
    """The facilitator plays a card of their choosing now. It leaves whatever pile it was in for
    the discard pile, so every card stays in exactly one pile. A card that the rules would
    not play now (its condition fails) is still played: the record says so."""
    if state.over:
        raise FacilitatorError("the game is over")
    card = rulebook.cards.get(card_id)
    if card is None:
        raise FacilitatorError(f"there is no card {card_id!r}")
    board = Board(state, rulebook.parameters, rulebook.formulas)
    set_calendar(rulebook, board, state)
    board.refresh()
    T: dict = {}
    if card.theatre is not None:
        found = [t for t in board.theatres if t["name"] == card.theatre]
        if not found:
            raise FacilitatorError(f"{card.title} happens in {card.theatre}, which is not in this scenario")
        T = found[0]
    eligible = card.when is None or bool(card.when.fn(board.g, T, {}))
    for pile in board.piles[card.deck]:
        if card_id in pile:
            pile.remove(card_id)
    board.piles[card.deck][1].append(card_id)
    resolver = Resolver(rulebook, board, state.turn, state.phase, state.seed, dice(state.seed, state.turn, "inject"))
    changes = resolver.apply(card.effects, T, {}, card.id)
    text = card.text + ("" if eligible else " (Played by the facilitator although its condition does not hold now.)")
    resolver.record("inject", card.id, f"Injected: {card.title}", card.cites, text, T, {}, changes,
                    justification=note)
    return Step(board.freeze(state), tuple(resolver.records))


def set_track(rulebook: Rulebook, state: State, target: str, value: int, justification: str) -> Step:
    """The facilitator sets one track, e.g. ``is_funds`` or ``iraq.territory`` or
    ``offshoot-2.strength``, with a justification that stays in the record."""
    if not justification.strip():
        raise FacilitatorError("an override needs a justification")
    if state.over:
        raise FacilitatorError("the game is over")
    if isinstance(value, bool) or not isinstance(value, int):
        raise FacilitatorError(f"a track's value is a whole number, not {value!r}")
    board = Board(state, rulebook.parameters, rulebook.formulas)
    where, _, name = target.rpartition(".")
    if not where:
        if name not in GLOBAL_TRACKS:
            raise FacilitatorError(f"there is no track {target!r}")
        m, (lo, hi) = board.g, GLOBAL_TRACKS[name]
    elif name in THEATRE_TRACKS and any(t["name"] == where for t in board.theatres):
        m, (lo, hi) = board.theatre(where), THEATRE_TRACKS[name]
    elif name in OFFSHOOT_TRACKS and any(o["id"] == where for o in board.offshoots):
        m, (lo, hi) = next(o for o in board.offshoots if o["id"] == where), OFFSHOOT_TRACKS[name]
    else:
        raise FacilitatorError(f"there is no track {target!r}")
    if not lo <= value <= hi:
        raise FacilitatorError(f"{target} runs from {lo} to {hi}, not {value}")
    before = m[name]
    m[name] = value
    if where and m in board.offshoots and name == "strength" and value == 0:
        board.offshoots.remove(m)
    resolver = Resolver(rulebook, board, state.turn, state.phase, state.seed, dice(state.seed, state.turn, "override"))
    resolver.record("override", target, "Facilitator override", (), literal(f"The facilitator set {target} from {before} to {value}."),
                    {}, {}, [(target, before, value)], justification=justification)
    return Step(board.freeze(state), tuple(resolver.records))


def fire_rule(rulebook: Rulebook, state: State, rule_id: str, roll: float, theatre: str | None = None,
              offshoot: str | None = None) -> Step:
    """What a rule would do on this board with a given roll: the facilitator's what-if. The
    game's dice are not touched; cards its effects draw use a generator of their own."""
    rule = rulebook.rule(rule_id)
    board = Board(state, rulebook.parameters, rulebook.formulas)
    set_calendar(rulebook, board, state)
    board.refresh()
    resolver = Resolver(rulebook, board, state.turn, rule.phase, state.seed, dice(state.seed, state.turn, "what-if"))
    resolver.rng = _FixedRoll(roll, resolver.rng)
    T: dict = {}
    O: dict = {}
    if offshoot is not None:
        O = next(o for o in board.offshoots if o["id"] == offshoot)
        theatre = O["theatre"]
    if theatre is not None:
        T = board.theatre(theatre)
    resolver.try_rule(rule, T, O)
    return Step(board.freeze(state), tuple(resolver.records))


class _FixedRoll:
    """Dice whose every roll is given; shuffles come from other dice."""

    def __init__(self, roll: float, other: Dice):
        self._roll = roll
        self._other = other

    def roll(self, source: str, scope: str = "", index: int = 0) -> float:
        return self._roll

    def shuffle(self, items: list, source: str, scope: str = "") -> None:
        self._other.shuffle(items, source, scope)
