"""The engine: a turn's phases, the legal orders, adjudication and the dice.

A turn goes:

1. ``events`` (:func:`begin_turn`): the rulebook's event rules run; they draw from the decks.
2. ``orders``: each cell chooses, in secret, from :func:`legal_orders`.
3. ``adjudication`` (:func:`resolve_turn`): every cell pays for its orders, then the orders
   resolve in the fixed order of ``CELLS`` (coalition first... see below), kind by kind as the
   rulebook lists them, theatre by theatre as the scenario lists them, whatever order they were
   submitted in; then the adjudication rules run.
4. ``dynamics``: the systemic rules (revenue, defection, succession, ...).
5. ``assessment``: budgets refresh, outcomes are tallied; the next turn begins, or the game ends.

Dice: every roll is keyed by (the game's secret, turn, phase, the rule or order or deck that
rolls, the theatre or offshoot it rolls for): see :mod:`wargame.engine.dice`. No roll depends on how
many came before it, so any turn replays without stored generator state, nothing outside the
engine can move the game's dice, and overriding one result changes only what depends on it.

Every outcome is an :class:`~wargame.engine.adjudication.Adjudication`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.adjudication import Adjudication, template_fields
from wargame.engine.board import GLOBAL_TRACKS, MAX_OFFSHOOTS, OFFSHOOT_TRACKS, THEATRE_TRACKS, Board
from wargame.engine.dice import Dice
from wargame.engine.expressions import Effect
from wargame.engine.model import CELL_TITLES, CELLS, DeckPiles, Order, State
from wargame.engine.rulebook import Card, OrderKind, Rule, Rulebook

RESOLUTION_ORDER = ("coalition", "governments", "is", "aq")
"""The order in which cells' orders resolve: the coalition's pressure lands first (it is IS's
main opponent, ¶3), then the governments', then the two groups answer."""


class IllegalOrder(ValueError):
    """An order the engine refuses, with the reason; the state is left as it was."""


class PhaseError(ValueError):
    """A call made in the wrong phase (e.g. resolving a turn whose events have not run)."""


def dice(seed: int, turn: int, phase: str) -> Dice:
    """The dice of one phase of one turn of one game (``seed`` is the game's secret)."""
    return Dice(seed, turn, phase)


@frozen
class Forced:
    """A facilitator's override of one result: what should have happened, and why."""

    happened: bool
    justification: str


@frozen
class Step:
    """What a phase produced: the new state and the records of what happened."""

    state: State
    records: tuple[Adjudication, ...]


# --- a new game ------------------------------------------------------------------------------


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


# --- the resolver: one phase on a working board ------------------------------------------------


def _literal(text: str) -> str:
    """A text the engine writes into a record's template (a title, a list of orders): shown as
    it is, never read as fields."""
    return text.replace("{", "{{").replace("}", "}}")


def _round(x: float) -> int:
    return math.floor(x + 0.5)


_TRACK_BOUNDS = {"G": GLOBAL_TRACKS, "T": THEATRE_TRACKS, "O": OFFSHOOT_TRACKS}


class _Resolver:
    """Applies rules, orders and cards to a :class:`Board`, rolling the phase's dice."""

    def __init__(self, rulebook: Rulebook, board: Board, turn: int, phase: str, seed: int, rng: Dice):
        self.rulebook = rulebook
        self.board = board
        self.turn = turn
        self.phase = phase
        self.seed = seed
        self.rng = rng
        self.reshuffles: dict[str, int] = {}  # per deck, in this phase: keys each reshuffle's dice
        self.records: list[Adjudication] = []
        self.titles = {t["name"]: t["title"] for t in board.theatres}
        self.forced: Mapping[tuple[str, str | None], Forced] = {}

    def _force(self, ref: str, where: str | None, happened: bool) -> tuple[bool, bool | None, str]:
        """The result after any facilitator override: (happened, the engine's own result, why)."""
        forced = self.forced.get((ref, where))
        if forced is None or forced.happened == happened:
            return happened, None, ""
        return forced.happened, happened, forced.justification

    def set_phase(self, phase: str) -> None:
        self.phase = phase
        self.rng = dice(self.seed, self.turn, phase)
        self.reshuffles = {}

    # effects

    def apply(self, effects: Sequence[Effect], T: dict, O: dict, cause: str) -> list[tuple[str, int, int]]:
        board = self.board
        G = board.g
        changes: list[tuple[str, int, int]] = []
        for e in effects:
            if e.where:
                m = G if e.where == "G" else T if e.where == "T" else O
                lo, hi = _TRACK_BOUNDS[e.where][e.target]
                v = e.args[0].fn(G, T, O)
                old = m[e.target]
                new = v if e.op == "=" else old + v if e.op == "+=" else old - v
                new = _round(new)
                new = lo if new < lo else hi if new > hi else new
                if new != old:
                    m[e.target] = new
                    board.dirty = True
                    label = e.target if e.where == "G" else f"{T['name'] if e.where == 'T' else O['id']}.{e.target}"
                    changes.append((label, old, new))
            elif e.op == "spawn_offshoot":
                changes.extend(self._spawn(e, T, O))
            elif e.op == "absorb_offshoot":
                changes.extend(self._remove_offshoot(O, absorbed=True))
            elif e.op == "draw":
                self.draw(e.args[0], cause)
        return changes

    def _spawn(self, e: Effect, T: dict, O: dict) -> list[tuple[str, int, int]]:
        board = self.board
        G = board.g
        strength = max(0, min(10, _round(e.args[1].fn(G, T, O))))
        brutality = max(0, min(10, _round(e.args[2].fn(G, T, O))))
        if strength == 0:
            return []
        changes = []
        if len(board.offshoots) >= MAX_OFFSHOOTS:
            weakest = min(board.offshoots, key=lambda o: o["strength"])
            changes.extend(self._remove_offshoot(weakest, absorbed=False))
        formed = G["tally_offshoots_formed"] + 1
        G["tally_offshoots_formed"] = min(formed, GLOBAL_TRACKS["tally_offshoots_formed"][1])
        taken = {o["id"] for o in board.offshoots}
        oid = f"offshoot-{formed}"
        while oid in taken:  # only past the tally's cap: ids stay unique
            formed += 1
            oid = f"offshoot-{formed}"
        board.offshoots.append(
            {"id": oid, "theatre": T["name"], "origin": e.args[0], "strength": strength, "brutality": brutality}
        )
        board.dirty = True
        changes.append((f"{oid}.strength", 0, strength))
        return changes

    def _remove_offshoot(self, O: dict, absorbed: bool) -> list[tuple[str, int, int]]:
        board = self.board
        if O in board.offshoots:
            board.offshoots.remove(O)
            board.dirty = True
            if absorbed:
                G = board.g
                G["tally_offshoots_absorbed"] = min(G["tally_offshoots_absorbed"] + 1, 999)
            return [(f"{O['id']}.strength", O["strength"], 0)]
        return []

    # records

    def record(self, kind: str, ref: str, title: str, cites: tuple[int, ...], template: str, T: dict, O: dict,
               changes: list, chance: float | None = None, roll: float | None = None, happened: bool = True,
               cell: str | None = None, at: int | None = None, original: bool | None = None,
               justification: str = "") -> None:
        G = self.board.g
        values = []
        for f in template_fields(template):
            if f in O:
                v = O[f]
            elif f in T:
                v = T[f]
            elif f in G:
                v = G[f]
            elif f == "title":
                v = title
            elif f == "theatre_title":
                v = self.titles.get(T.get("name"), "")
            elif f == "chance":
                v = "certain" if chance is None else f"{chance:.0%}"
            elif f == "roll":
                v = "-" if roll is None else f"{roll:.2f}"
            elif f == "cell":
                v = CELL_TITLES.get(cell or "", "")
            else:
                continue
            values.append((f, v))
        self.records.insert(
            len(self.records) if at is None else at,
            Adjudication(
                turn=self.turn, phase=self.phase, kind=kind, ref=ref, title=title, cites=cites, cell=cell,
                theatre=T.get("name"), offshoot=O.get("id"), chance=chance, roll=roll, happened=happened, changes=tuple(changes),
                template=template, values=tuple(values), original=original, justification=justification,
            )
        )

    # rules

    def run_rules(self, rules: Iterable[Rule]) -> None:
        board = self.board
        for rule in rules:
            # Totals and formulas are read as they stood when the rule began its sweep over the
            # theatres or offshoots; tracks are always read as they are.
            if board.dirty and rule.reads_computed:
                board.refresh()
            if rule.scope == "global":
                self.try_rule(rule, {}, {})
            elif rule.scope == "theatre":
                for T in board.theatres:
                    self.try_rule(rule, T, {})
            else:
                by_name = {t["name"]: t for t in board.theatres}
                for O in list(board.offshoots):
                    if O in board.offshoots:
                        self.try_rule(rule, by_name[O["theatre"]], O)

    def try_rule(self, rule: Rule, T: dict, O: dict) -> None:
        G = self.board.g
        if rule.when is not None and not rule.when.fn(G, T, O):
            return
        chance = roll = None
        happened = True
        if rule.chance is not None:
            chance = float(rule.chance.fn(G, T, O))
            roll = self.rng.roll(rule.id, O.get("id") or T.get("name") or "")
            happened = roll < chance
            if chance <= 0.0:
                return  # a rule that cannot fire is not news
        original: bool | None = None
        why = ""
        if self.forced:
            happened, original, why = self._force(rule.id, O.get("id") or T.get("name"), happened)
        if not happened:
            if rule.explain_fail or original is not None:
                self.record("rule", rule.id, rule.title, rule.cites, rule.explain_fail or f"{_literal(rule.title)}: not this time.",
                            T, O, [], chance, roll, False, original=original, justification=why)
            return
        # The rule's record goes before those of any cards its effects draw.
        slot = len(self.records)
        changes = self.apply(rule.effects, T, O, rule.id)
        self.record("rule", rule.id, rule.title, rule.cites, rule.explain, T, O, changes, chance, roll, True, at=slot,
                    original=original, justification=why)
        if O and O["strength"] == 0:
            self._remove_offshoot(O, absorbed=False)

    # cards

    def draw(self, deck_id: str, cause: str) -> None:
        """Draw the deck's next eligible card and play it. Ineligible cards are set aside until
        the next reshuffle; when the draw pile runs out, the discards and the set-aside cards are
        shuffled into a new one (at most once a draw, so a deck of ineligible cards ends it)."""
        board = self.board
        draw, discard, aside = board.piles[deck_id]
        deck = self.rulebook.decks[deck_id]
        reshuffled = False
        while True:
            if not draw:
                if reshuffled or not (discard or aside):
                    self.record("deck", deck_id, deck.title, deck.cites,
                                f"No card of the {_literal(deck.title)} deck can be played now.", {}, {}, [])
                    return
                draw.extend(discard + aside)
                discard.clear()
                aside.clear()
                n = self.reshuffles[deck_id] = self.reshuffles.get(deck_id, 0) + 1
                self.rng.shuffle(draw, deck_id, f"reshuffle-{n}")
                reshuffled = True
                self.record("deck", deck_id, deck.title, deck.cites,
                            f"The {_literal(deck.title)} deck is reshuffled ({len(draw)} cards).", {}, {}, [])
            card_id = draw.pop(0)
            card = self.rulebook.cards[card_id]
            T = self._card_theatre(card)
            if T is None or (card.when is not None and not self._holds(card, T)):
                aside.append(card_id)
                self.record("deck", card.id, card.title, card.cites,
                            "Drawn but not in play now: set aside until the deck is reshuffled.", {}, {}, [],
                            happened=False)
                continue
            discard.append(card_id)
            board.g["tally_cards_drawn"] = min(board.g["tally_cards_drawn"] + 1, 9999)
            changes = self.apply(card.effects, T, {}, card.id)
            self.record("card", card.id, card.title, card.cites, card.text, T, {}, changes)
            return

    def _card_theatre(self, card: Card) -> dict | None:
        if card.theatre is None:
            return {}
        for T in self.board.theatres:
            if T["name"] == card.theatre:
                return T
        return None  # the theatre is not in this scenario

    def _holds(self, card: Card, T: dict) -> bool:
        if self.board.dirty:
            self.board.refresh()
        return bool(card.when.fn(self.board.g, T, {}))  # type: ignore[union-attr]

    # orders

    def resolve_order(self, kind: OrderKind, order: Order) -> None:
        board = self.board
        G = board.g
        T = board.theatre(order.theatre) if order.theatre else {}
        if board.dirty:
            board.refresh()
        chance = roll = None
        happened = True
        if kind.chance is not None:
            chance = float(kind.chance.fn(G, T, {}))
            roll = self.rng.roll(kind.id, order.theatre or "")
            happened = roll < chance
        original: bool | None = None
        why = ""
        if self.forced:
            happened, original, why = self._force(kind.id, order.theatre, happened)
        slot = len(self.records)
        changes = self.apply(kind.success if happened else kind.failure, T, {}, kind.id)
        template = kind.explain if happened else (kind.explain_fail or kind.explain)
        self.record("order", kind.id, kind.title, kind.cites, template, T, {}, changes, chance, roll, happened,
                    cell=order.cell, at=slot, original=original, justification=why)


# --- legality ----------------------------------------------------------------------------------


class _Position:
    """A state read for legality: its board, and per cell the orders its requirements allow."""

    __slots__ = ("state", "board", "base")

    def __init__(self, rulebook: Rulebook, state: State):
        self.state = state
        self.board = Board(state, rulebook.parameters, rulebook.formulas)
        _calendar(rulebook, self.board, state)
        self.board.refresh()
        self.base: dict[str, dict[Order, str | None]] = {}

    def requirements(self, rulebook: Rulebook, cell: str) -> dict[Order, str | None]:
        """Every order of a cell, with the reason it is refused by its requirements, or None."""
        if cell not in self.base:
            G = self.board.g
            theatres = {T["name"]: T for T in self.board.theatres}
            out: dict[Order, str | None] = {}
            for order, kind in _candidates(rulebook, tuple(theatres), cell):
                T = theatres[order.theatre] if order.theatre else _NO_SCOPE
                reason = None
                for req in kind.requires:
                    if not req.when.fn(G, T, _NO_SCOPE):
                        reason = req.reason
                        break
                out[order] = reason
            self.base[cell] = out
        return self.base[cell]


_NO_SCOPE: dict = {}
_candidate_cache: dict[tuple, tuple[Rulebook, tuple[tuple[Order, OrderKind], ...]]] = {}


def _candidates(rulebook: Rulebook, theatres: tuple[str, ...], cell: str) -> tuple[tuple[Order, OrderKind], ...]:
    """Every order a cell could give on a board with these theatres, before any requirement."""
    key = (id(rulebook), theatres, cell)
    cached = _candidate_cache.get(key)
    if cached is None or cached[0] is not rulebook:
        out = []
        for kind in rulebook.orders:
            if kind.cell == cell:
                for where in (theatres if kind.target == "theatre" else (None,)):
                    out.append((Order(cell, kind.id, where), kind))
        if len(_candidate_cache) > 64:
            _candidate_cache.clear()
        _candidate_cache[key] = (rulebook, tuple(out))
    return _candidate_cache[key][1]


_position_cache: list[Any] = [None, None]  # [rulebook, _Position]: the last state asked about


def _position(rulebook: Rulebook, state: State) -> _Position:
    rb, pos = _position_cache
    if rb is rulebook and pos is not None and pos.state is state:
        return pos
    pos = _Position(rulebook, state)
    _position_cache[0], _position_cache[1] = rulebook, pos
    return pos


def why_illegal(rulebook: Rulebook, state: State, order: Order, pending: Sequence[Order] = ()) -> str | None:
    """Why ``order`` cannot be given now, after the cell's ``pending`` orders; None if it can.

    This is the one definition of a legal order: :func:`legal_orders`, the bots, the UI and the
    tests all ask it.
    """
    if state.phase != "orders":
        return f"orders are given in the orders phase, and the game is in {state.phase}"
    if order.cell not in CELLS:
        return f"there is no cell {order.cell!r}"
    kind = rulebook.order_kinds.get(order.kind)
    if kind is None:
        return f"there is no order {order.kind!r}"
    if kind.cell != order.cell:
        return f"{kind.title} is an order of {CELL_TITLES[kind.cell]}, not of {CELL_TITLES[order.cell]}"
    if kind.target == "theatre":
        if order.theatre is None:
            return f"{kind.title} needs a theatre"
        if not any(t.name == order.theatre for t in state.theatres):
            return f"there is no theatre {order.theatre!r} in this scenario"
    elif order.theatre is not None:
        return f"{kind.title} is not given in a theatre"
    mine = [o for o in pending if o.cell == order.cell]
    if order in mine:
        return "already ordered this turn"
    if len(mine) >= rulebook.max_orders:
        return f"a cell gives at most {rulebook.max_orders} orders a turn"
    pos = _position(rulebook, state)
    budget = rulebook.budgets[order.cell]
    spent = sum(rulebook.order_kinds[o.kind].cost for o in mine if o.kind in rulebook.order_kinds)
    left = pos.board.g[budget] - spent
    if kind.cost > left:
        return f"costs {kind.cost} {budget.split('_', 1)[1]}, and only {left} is left"
    return pos.requirements(rulebook, order.cell)[order]


def legal_orders(rulebook: Rulebook, state: State, cell: str, pending: Sequence[Order] = ()) -> list[Order]:
    """Every order ``cell`` may add to its ``pending`` orders now, in the rulebook's order.

    The same verdicts as :func:`why_illegal` (a test holds them to it), worked out in bulk."""
    if state.phase != "orders" or cell not in CELLS:
        return []
    mine = [o for o in pending if o.cell == cell]
    if len(mine) >= rulebook.max_orders:
        return []
    pos = _position(rulebook, state)
    kinds = rulebook.order_kinds
    left = pos.board.g[rulebook.budgets[cell]] - sum(kinds[o.kind].cost for o in mine if o.kind in kinds)
    return [o for o, reason in pos.requirements(rulebook, cell).items()
            if reason is None and kinds[o.kind].cost <= left and o not in mine]


def unavailable_orders(rulebook: Rulebook, state: State, cell: str, pending: Sequence[Order] = ()) -> list[tuple[Order, str]]:
    """The orders ``cell`` cannot add now, each with the reason (for a UI to show)."""
    if state.phase != "orders":
        return []
    out = []
    for o in _position(rulebook, state).requirements(rulebook, cell):
        reason = why_illegal(rulebook, state, o, pending)
        if reason is not None:
            out.append((o, reason))
    return out


def check_orders(rulebook: Rulebook, state: State, orders: Mapping[str, Sequence[Order]]) -> None:
    """Raise :class:`IllegalOrder` unless every cell's set of orders is legal as a whole."""
    for cell, given in orders.items():
        if cell not in CELLS:
            raise IllegalOrder(f"there is no cell {cell!r}")
        # Check in a canonical order so the verdict does not depend on the submission order.
        accepted: list[Order] = []
        for order in sorted(given, key=_order_key(rulebook, state)):
            if order.cell != cell:
                raise IllegalOrder(f"{order} was given under {cell} but is an order of {order.cell}")
            reason = why_illegal(rulebook, state, order, accepted)
            if reason is not None:
                raise IllegalOrder(f"{CELL_TITLES[cell]}: {order}: {reason}")
            accepted.append(order)


def _order_key(rulebook: Rulebook, state: State):
    kinds = {k.id: i for i, k in enumerate(rulebook.orders)}
    theatres = {t.name: i for i, t in enumerate(state.theatres)}

    def key(o: Order) -> tuple:
        cell = RESOLUTION_ORDER.index(o.cell) if o.cell in RESOLUTION_ORDER else 99
        return (cell, kinds.get(o.kind, 999), theatres.get(o.theatre, -1) if o.theatre else -1, o.kind)

    return key


# --- the turn ----------------------------------------------------------------------------------


def begin_turn(rulebook: Rulebook, state: State) -> Step:
    """Run the events phase: the event rules, which draw from the decks. Then orders are due."""
    if state.phase != "events":
        raise PhaseError(f"the events phase has run already (the game is in {state.phase})")
    board = Board(state, rulebook.parameters, rulebook.formulas)
    for T in board.theatres:
        T["turn_start_territory"] = T["territory"]
    _calendar(rulebook, board, state)
    resolver = _Resolver(rulebook, board, state.turn, "events", state.seed, dice(state.seed, state.turn, "events"))
    resolver.run_rules(rulebook.by_phase["events"])
    return Step(board.freeze(state, phase="orders"), tuple(resolver.records))


# --- the facilitator's hand ----------------------------------------------------------------------


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
    _calendar(rulebook, board, state)
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
    resolver = _Resolver(rulebook, board, state.turn, state.phase, state.seed, dice(state.seed, state.turn, "inject"))
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
    resolver = _Resolver(rulebook, board, state.turn, state.phase, state.seed, dice(state.seed, state.turn, "override"))
    resolver.record("override", target, "Facilitator override", (), _literal(f"The facilitator set {target} from {before} to {value}."),
                    {}, {}, [(target, before, value)], justification=justification)
    return Step(board.freeze(state), tuple(resolver.records))


def _calendar(rulebook: Rulebook, board: Board, state: State) -> None:
    board.g["year"] = rulebook.scenarios[state.scenario].year(state.turn)


def resolve_turn(rulebook: Rulebook, state: State, orders: Mapping[str, Sequence[Order]],
                 forced: Mapping[tuple[str, str | None], Forced] | None = None) -> Step:
    """Adjudicate the cells' orders and run the rest of the turn.

    ``orders`` maps a cell to its orders; a missing cell gives none. The result does not depend
    on the order of the mapping or of each cell's orders. Raises :class:`IllegalOrder`, leaving
    everything as it was, if any order is illegal.

    ``forced`` holds the facilitator's overrides of results, keyed by (rule or order id, theatre
    or offshoot id): the dice are rolled as always, and the record keeps the engine's own result
    beside the override.
    """
    if state.phase != "orders":
        raise PhaseError(f"orders are resolved in the orders phase, and the game is in {state.phase}")
    check_orders(rulebook, state, orders)
    board = Board(state, rulebook.parameters, rulebook.formulas)
    _calendar(rulebook, board, state)
    G = board.g
    turn = state.turn
    resolver = _Resolver(rulebook, board, turn, "adjudication", state.seed, dice(state.seed, turn, "adjudication"))
    resolver.forced = forced or {}
    all_orders = sorted((o for given in orders.values() for o in given), key=_order_key(rulebook, state))
    # Costs are paid before anything resolves: the orders were given at the same time.
    for cell in RESOLUTION_ORDER:
        mine = [o for o in all_orders if o.cell == cell]
        budget = rulebook.budgets[cell]
        cost = sum(rulebook.order_kinds[o.kind].cost for o in mine)
        if mine:
            before = G[budget]
            G[budget] = before - cost
            board.dirty = True
            resolver.record("budget", budget, f"{CELL_TITLES[cell]} orders", (), _literal(
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
        board.refresh()
    G = board.g
    if G["relation_stage"] in (2, 3) and G["tally_rapprochement_turn"] < 0:
        G["tally_rapprochement_turn"] = turn
    if G["is_collapsed"] and G["tally_collapse_turn"] < 0:
        G["tally_collapse_turn"] = turn
    G["tally_peak_brutality"] = max(G["tally_peak_brutality"], G["is_brutality"], board.g.get("offshoot_brutality", 0))


# --- objectives --------------------------------------------------------------------------------


@frozen
class Score:
    objective: str
    cell: str
    title: str
    text: str
    points: int
    of: int


def scores(rulebook: Rulebook, state: State, cell: str | None = None) -> list[Score]:
    """Each objective's points on this board (shown from turn 1, final at the end)."""
    board = _position(rulebook, state).board
    out = []
    for obj in rulebook.objectives:
        if cell is None or obj.cell == cell:
            pts = max(0, min(obj.points, _round(obj.score.fn(board.g, {}, {}))))
            out.append(Score(obj.id, obj.cell, obj.title, obj.text, pts, obj.points))
    return out


def formula_values(rulebook: Rulebook, state: State) -> dict[str, float]:
    """The rulebook's formulas (e.g. each group's strength) on this board."""
    g = _position(rulebook, state).board.g
    return {name: g[name] for name, _ in rulebook.formulas}



# --- asking the rules (for the UI's odds, the facilitator's what-ifs and the tests) ------------


def _scope_dicts(pos: _Position, theatre: str | None, offshoot: str | None) -> tuple[dict, dict]:
    T: dict = {}
    O: dict = {}
    if offshoot is not None:
        O = next(o for o in pos.board.offshoots if o["id"] == offshoot)
        theatre = O["theatre"]
    if theatre is not None:
        T = pos.board.theatre(theatre)
    return T, O


def rule_chance(rulebook: Rulebook, state: State, rule_id: str, theatre: str | None = None,
                offshoot: str | None = None) -> float:
    """The chance that a rule fires on this board (in that theatre or for that offshoot):
    0 if its condition does not hold, 1 if it holds and the rule rolls no dice."""
    rule = rulebook.rule(rule_id)
    pos = _position(rulebook, state)
    T, O = _scope_dicts(pos, theatre, offshoot)
    G = pos.board.g
    if rule.when is not None and not rule.when.fn(G, T, O):
        return 0.0
    return 1.0 if rule.chance is None else float(rule.chance.fn(G, T, O))


def order_chance(rulebook: Rulebook, state: State, order: Order) -> float:
    """The chance of success the rules give an order on this board (1 if it rolls no dice)."""
    kind = rulebook.order_kinds[order.kind]
    if kind.chance is None:
        return 1.0
    pos = _position(rulebook, state)
    T, _ = _scope_dicts(pos, order.theatre, None)
    return float(kind.chance.fn(pos.board.g, T, {}))


def fire_rule(rulebook: Rulebook, state: State, rule_id: str, roll: float, theatre: str | None = None,
              offshoot: str | None = None) -> Step:
    """What a rule would do on this board with a given roll: the facilitator's what-if. The
    game's dice are not touched; cards its effects draw use a generator of their own."""
    rule = rulebook.rule(rule_id)
    board = Board(state, rulebook.parameters, rulebook.formulas)
    _calendar(rulebook, board, state)
    board.refresh()
    resolver = _Resolver(rulebook, board, state.turn, rule.phase, state.seed, dice(state.seed, state.turn, "what-if"))
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
