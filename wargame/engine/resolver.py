"""The resolver: one phase of a turn worked out on a working board.

A :class:`Resolver` applies the rulebook's rules, orders and cards to a
:class:`~wargame.engine.board.Board`, rolling the phase's dice (:mod:`wargame.engine.dice`), and
writes an :class:`~wargame.engine.adjudication.Adjudication` for everything that happened (or was
rolled for and did not). :data:`RESOLUTION_ORDER` and :func:`order_key` say in which order the
orders of a turn resolve; legality checks them in that order too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from attrs import frozen

from wargame.engine.adjudication import Adjudication, build_record
from wargame.engine.board import COMPUTED, GLOBAL_TRACKS, MAX_OFFSHOOTS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS, Board
from wargame.engine.decks import Card
from wargame.engine.dice import Dice, dice
from wargame.engine.effects import Effect
from wargame.engine.expressions import Expression
from wargame.engine.model import Order, State
from wargame.engine.numbers import d100, percent
from wargame.engine.orders import OrderKind
from wargame.engine.rulebook import Rulebook
from wargame.engine.rules import Rule
from wargame.engine.sweep import phase_rules
from wargame.engine.templates import template_fields

RESOLUTION_ORDER = ("coalition", "governments", "is", "aq")
"""The order in which cells' orders resolve: the coalition's pressure lands first (it is IS's
main opponent, ¶3), then the governments', then the two groups answer."""


@frozen
class Forced:
    """A facilitator's override of one result: what should have happened, and why."""

    happened: bool
    justification: str


def literal(text: str) -> str:
    """A text the engine writes into a record's template (a title, a list of orders): shown as
    it is, never read as fields."""
    return text.replace("{", "{{").replace("}", "}}")


def rounded(x: float) -> int:
    """``x`` rounded half up to a whole number, as a track takes it."""
    return math.floor(x + 0.5)


_TRACK_BOUNDS = {"G": GLOBAL_TRACKS, "T": THEATRE_TRACKS, "O": OFFSHOOT_TRACKS}
_NONE: dict = {}  # no theatre or offshoot, for a condition to read (never written to)


class Resolver:
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
        """Go on to ``phase``, with its own dice."""
        self.phase = phase
        self.rng = dice(self.seed, self.turn, phase)
        self.reshuffles = {}

    # effects

    def apply(self, effects: Sequence[Effect], T: dict, O: dict, cause: str) -> list[tuple[str, int, int]]:
        """Apply ``effects`` in theatre ``T`` and offshoot ``O`` (each ``{}`` if none), each track kept
        within its bounds; ``cause`` (a rule, order or card id) draws any card. Returns the changes,
        ``(track, before, after)``."""
        board = self.board
        G = board.g
        changes: list[tuple[str, int, int]] = []
        for e in effects:
            where = e.where
            if where:
                target = e.target
                m = G if where == "G" else T if where == "T" else O
                lo, hi = _TRACK_BOUNDS[where][target]
                v = e.args[0].fn(G, T, O)
                old = m[target]
                op = e.op
                new = math.floor((v if op == "=" else old + v if op == "+=" else old - v) + 0.5)  # rounded(), written out
                new = lo if new < lo else hi if new > hi else new
                if new != old:
                    m[target] = new
                    if m is G:
                        board.note(target)
                    else:
                        board.dirty = board.moved = True  # a theatre's or an offshoot's totals follow (Board.update)
                    label = target if where == "G" else f"{T['name'] if where == 'T' else O['id']}.{target}"
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
        strength = max(0, min(10, rounded(e.args[1].fn(G, T, O))))
        brutality = max(0, min(10, rounded(e.args[2].fn(G, T, O))))
        if strength == 0:
            return []
        changes = []
        if len(board.offshoots) >= MAX_OFFSHOOTS:
            weakest = min(board.offshoots, key=lambda o: o["strength"])
            changes.extend(self._remove_offshoot(weakest, absorbed=False))
        formed = G["tally_offshoots_formed"] + 1
        G["tally_offshoots_formed"] = min(formed, GLOBAL_TRACKS["tally_offshoots_formed"][1])
        board.note("tally_offshoots_formed")
        taken = {o["id"] for o in board.offshoots}
        oid = f"offshoot-{formed}"
        while oid in taken:  # only past the tally's cap: ids stay unique
            formed += 1
            oid = f"offshoot-{formed}"
        board.offshoots.append(
            {"id": oid, "theatre": T["name"], "origin": e.args[0], "strength": strength, "brutality": brutality}
        )
        board.dirty = board.moved = True
        changes.append((f"{oid}.strength", 0, strength))
        return changes

    def _remove_offshoot(self, O: dict, absorbed: bool) -> list[tuple[str, int, int]]:
        board = self.board
        if O in board.offshoots:
            board.offshoots.remove(O)
            board.dirty = board.moved = True
            if absorbed:
                G = board.g
                G["tally_offshoots_absorbed"] = min(G["tally_offshoots_absorbed"] + 1, 999)
                board.note("tally_offshoots_absorbed")
            return [(f"{O['id']}.strength", O["strength"], 0)]
        return []

    # records

    def record(self, kind: str, ref: str, title: str, cites: tuple[int, ...], template: str, T: dict, O: dict,
               changes: list, chance: float | None = None, roll: float | None = None, happened: bool = True,
               cell: str | None = None, at: int | None = None, original: bool | None = None,
               justification: str = "") -> None:
        """Write the record of one outcome (at position ``at`` of the phase's records, else last),
        capturing the values its template's fields show now."""
        G = self.board.g
        values = []
        # (a cell's orders, new each turn and with no field, would only miss template_fields' cache)
        for f in template_fields(template) if "{" in template else ():
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
                v = "certain" if chance is None else percent(chance)
            elif f == "roll":  # on the scale of the odds: the d100's face (wargame.engine.numbers)
                v = "-" if roll is None or chance is None else d100(chance, chance, roll).rolled
            elif f == "cell":
                v = self.rulebook.title(cell) if cell else ""
            else:
                continue
            values.append((f, v))
        records = self.records
        made = build_record(self.turn, self.phase, kind, ref, title, cites, cell, T.get("name") if T else None,
                            O.get("id") if O else None, chance, roll, happened, tuple(changes), template,
                            tuple(values), original, justification, None, ())
        if at is None or at == len(records):  # (a rule's own slot is last unless its effects drew a card)
            records.append(made)
        else:
            records.insert(at, made)

    # rules

    def run_rules(self, rules: Iterable[Rule]) -> None:
        """Try each rule in order: once, in each theatre or for each offshoot, as its scope says."""
        board = self.board
        G = board.g
        apply = self._apply_rule
        for rule, scope, reads_computed, when, sweep in phase_rules(rules):
            # Totals and formulas are read as they stood when the rule began its sweep over the
            # theatres or offshoots; tracks are always read as they are.
            if board.dirty and reads_computed:
                board.update()
            # (try_rule, its condition tried here: most rules do not apply in most places)
            if scope == "global":
                if when is None or when(G, _NONE, _NONE):
                    apply(rule, {}, {})
            elif scope == "theatre":
                if sweep is not None:  # the loop below, the condition written out in it
                    sweep(G, board.theatres, _NONE, apply, rule)
                    continue
                for T in board.theatres:
                    if when is None or when(G, T, _NONE):
                        apply(rule, T, {})
            else:
                by_name = {t["name"]: t for t in board.theatres}
                for O in list(board.offshoots):
                    if O in board.offshoots:
                        T = by_name[O["theatre"]]
                        if when is None or when(G, T, O):
                            apply(rule, T, O)

    def try_rule(self, rule: Rule, T: dict, O: dict) -> None:
        """Try one rule in theatre ``T`` and offshoot ``O``: its condition, its roll, its effects."""
        if rule.when is not None and not rule.when.fn(self.board.g, T, O):
            return
        self._apply_rule(rule, T, O)

    def _apply_rule(self, rule: Rule, T: dict, O: dict) -> None:
        """A rule whose condition holds: its roll, then its effects and its record."""
        chance = roll = None
        happened = True
        if rule.chance is not None:
            chance = float(rule.chance.fn(self.board.g, T, O))
            if chance <= 0.0:
                return  # a rule that cannot fire is not news (nor is its roll: no roll moves another)
            roll = self.rng.roll(rule.id, O and O.get("id") or T and T.get("name") or "")  # (not asking {} for them)
            happened = roll < chance
        original: bool | None = None
        why = ""
        if self.forced:
            happened, original, why = self._force(rule.id, O.get("id") or T.get("name"), happened)
        if not happened:
            if rule.explain_fail or original is not None:
                self.record("rule", rule.id, rule.title, rule.cites, rule.explain_fail or f"{literal(rule.title)}: not this time.",
                            T, O, [], chance, roll, False, None, None, original, why)
            return
        # The rule's record goes before those of any cards its effects draw.
        slot = len(self.records)
        changes = self.apply(rule.effects, T, O, rule.id)
        self.record("rule", rule.id, rule.title, rule.cites, rule.explain, T, O, changes, chance, roll, True, None, slot,
                    original, why)
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
                                f"No card of the {literal(deck.title)} deck can be played now.", {}, {}, [])
                    return
                draw.extend(discard + aside)
                discard.clear()
                aside.clear()
                n = self.reshuffles[deck_id] = self.reshuffles.get(deck_id, 0) + 1
                self.rng.shuffle(draw, deck_id, f"reshuffle-{n}")
                reshuffled = True
                self.record("deck", deck_id, deck.title, deck.cites,
                            f"The {literal(deck.title)} deck is reshuffled ({len(draw)} cards).", {}, {}, [])
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
            board.note("tally_cards_drawn")
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
            self.board.update()
        return bool(card.when.fn(self.board.g, T, {}))  # type: ignore[union-attr]

    # orders

    def resolve_order(self, kind: OrderKind, order: Order) -> None:
        """Resolve one order (its cost is paid already): its roll, then its success or failure effects."""
        board = self.board
        G = board.g
        T = board.theatre(order.theatre) if order.theatre else {}
        # brought up to date only for an order that reads what it works out: a later reader's
        # update covers every change since, and gives the same values (Board.update)
        if board.dirty and _order_reads(self.rulebook)[kind.id]:
            board.update()
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


def order_key(rulebook: Rulebook, state: State):
    """The sort key that puts orders in the order they resolve: by cell as in :data:`RESOLUTION_ORDER`,
    then kind by kind as the rulebook lists them, then theatre by theatre as the scenario lists them."""
    kinds = _kind_index(rulebook)
    theatres = {t.name: i for i, t in enumerate(state.theatres)}

    def key(o: Order) -> tuple:
        cell = RESOLUTION_ORDER.index(o.cell) if o.cell in RESOLUTION_ORDER else 99
        return (cell, kinds.get(o.kind, 999), theatres.get(o.theatre, -1) if o.theatre else -1, o.kind)

    return key


_kind_indexes: list = [None, {}]  # [rulebook, each order kind's place in it]: the last rulebook asked about


def _kind_index(rulebook: Rulebook) -> dict[str, int]:
    rb, index = _kind_indexes
    if rb is not rulebook:
        index = {k.id: i for i, k in enumerate(rulebook.orders)}
        _kind_indexes[:] = [rulebook, index]
    return index


_order_reading: list = [None, {}]  # [rulebook, per order kind: does it read a computed name]: the last rulebook asked about


def _order_reads(rulebook: Rulebook) -> dict[str, bool]:
    """Per order kind: does it read a name the board works out (a total, a formula, ``lost_here``...),
    in its chance, its effects or its sentences, or draw a card (whose effects may)? As a rule's
    ``reads_computed`` says for a rule."""
    rb, reads = _order_reading
    if rb is not rulebook:
        values = {n for n, v in rulebook.scope("theatre").globals.items() if v.kind == "value"}
        computed = set(COMPUTED) | set(THEATRE_COMPUTED) | values
        reads = {}
        for k in rulebook.orders:
            used = set(k.chance.names) if k.chance is not None else set()
            draws = False
            for e in k.success + k.failure:
                draws = draws or e.op == "draw"
                for arg in e.args:
                    if isinstance(arg, Expression):
                        used |= arg.names
            for template in (k.explain, k.explain_fail):
                used.update(template_fields(template))
            reads[k.id] = draws or bool(used & computed)
        _order_reading[:] = [rulebook, reads]
    return reads


def set_calendar(rulebook: Rulebook, board: Board, state: State) -> None:
    """Set the board's ``year`` to the year of ``state``'s turn in its scenario."""
    board.g["year"] = rulebook.scenarios[state.scenario].year(state.turn)
