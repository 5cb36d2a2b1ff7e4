"""What a seat is shown, worked out from what that seat may see.

:func:`wargame.engine.view.view` decides what a seat may see of a state. Everything else put before a
seat is computed here from that view alone, so that nothing it is shown depends on what it may
not see (tests/test_fog.py holds every function here to that):

- **records** (:func:`render_records`): its own tracks exactly; another cell's secret track, in a
  sentence, as the seat's estimate ("now 1–3 (by your last estimate)"), in the list of changes
  by name only, for every secret track the rule, order or card acts on (whether or not the value
  moved, which would give away a track at its bound); a formula counts as secret if it reads
  anything the seat may not see exactly. Records of secret AQ-IS talks are left out for
  outsiders, and so is a record that prints what a seat has no picture of at all (how long the
  relation's stage has lasted, for an outsider).
- **odds** (:func:`order_odds`, and the odds of a rendered record): exact when the seat knows
  every input of the chance; else a band, the least and greatest chance over the seat's
  estimate ranges, on its picture of the board (:mod:`wargame.engine.picture`). A record's band
  is worked out on the seat's picture of the board when the phase began.
- **orders** (:func:`order_menu`): availability and reasons already read only public names and
  the cell's own tracks (the rulebook refuses a requirement that reads more), plus the odds.
- **objectives** (:func:`objective_points`): points, or a range of points, on the seat's picture.

The facilitator (``white``) is shown everything as it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.adjudication import Adjudication, format_value
from wargame.engine.board import (
    GLOBAL_TRACKS,
    OFFSHOOT_TRACKS,
    PARTIES,
    PARTIES_ONLY,
    TALK_FIELDS,
    THEATRE_COMPUTED,
    THEATRE_TRACKS,
    hidden_from,
)
from wargame.engine.effects import Effect
from wargame.engine.expressions import Expression
from wargame.engine.legality import legal_orders, unavailable_orders
from wargame.engine.model import Order, State
from wargame.engine.numbers import d100
from wargame.engine.objectives import Objective
from wargame.engine.picture import Odds, Picture, picture
from wargame.engine.rulebook import Rulebook
from wargame.engine.templates import MISSING, Written, render_template, template_fields
from wargame.engine.view import TALK_REFS, View, orders_hidden, view

ROOM = "public"
# What a record about the AQ-IS talks changes or prints (TALK_REFS: the talks' rules and orders).
TALK_TRACKS = frozenset(TALK_FIELDS + PARTIES_ONLY + ("relation_known",))
_LOCAL = frozenset(THEATRE_TRACKS) | frozenset(THEATRE_COMPUTED) | frozenset(OFFSHOOT_TRACKS) | {
    "theatre", "origin", "name", "id", "title", "theatre_title", "roll", "cell"}


def seat_of(seat: str) -> str:
    """``room`` (everyone at the table) is the ``public`` seat."""
    return ROOM if seat == "room" else seat


# --- orders ------------------------------------------------------------------------------------


def order_odds(rulebook: Rulebook, v: View, order: Order) -> Odds:
    """The chance of an order as the seat of ``v`` can work it out (1 for an order that rolls
    no dice)."""
    kind = rulebook.order_kinds[order.kind]
    return picture(rulebook, v).odds(kind.chance, order.theatre)


@frozen
class MenuItem:
    """One order a cell could give, as the orders screen lists it."""

    order: Order
    reason: str | None  # why it is not available now; None if it is
    odds: str  # "35%", "20–40%" or "certain"

    @property
    def available(self) -> bool:
        return self.reason is None


def order_menu(rulebook: Rulebook, state: State, cell: str, pending: Sequence[Order] = ()) -> list[MenuItem]:
    """Every order of ``cell`` in the rulebook's order, whether it may be added to ``pending``
    now and why not, and its odds on the cell's picture. Availability reads only public names
    and the cell's own tracks (the rulebook refuses any other requirement), so none of this
    depends on what the cell may not see."""
    legal = set(legal_orders(rulebook, state, cell, pending))
    reasons = dict(unavailable_orders(rulebook, state, cell, pending))
    v = view(state, cell)
    pic = picture(rulebook, v)
    out = []
    for order in list(legal) + list(reasons):
        kind = rulebook.order_kinds[order.kind]
        odds = "certain" if kind.chance is None else str(pic.odds(kind.chance, order.theatre))
        out.append(MenuItem(order, reasons.get(order), odds))
    index = {k.id: i for i, k in enumerate(rulebook.orders)}
    theatres = {t.name: i for i, t in enumerate(state.theatres)}
    out.sort(key=lambda m: (index.get(m.order.kind, 999), theatres.get(m.order.theatre or "", -1)))
    return out


# --- objectives --------------------------------------------------------------------------------


@frozen
class Points:
    """An objective's points as a seat can work them out: exact (lo == hi) or a range."""

    objective: Objective
    lo: int
    hi: int

    @property
    def of(self) -> int:
        return self.objective.points

    def __str__(self) -> str:
        return f"{self.lo}/{self.of}" if self.lo == self.hi else f"{self.lo}–{self.hi}/{self.of}"


def _points(x: float, most: int) -> int:
    return max(0, min(most, math.floor(x + 0.5)))


def objective_points(rulebook: Rulebook, v: View, cell: str | None = None) -> list[Points]:
    """Each objective's points on the picture of ``v``: exact where the seat knows all the score
    reads, else the least and the most it could be worth."""
    pic = picture(rulebook, v)
    out = []
    for obj in rulebook.objectives:
        if cell is None or obj.cell == cell:
            lo, hi = pic.range(obj.score)
            out.append(Points(obj, _points(lo, obj.points), _points(hi, obj.points)))
    return out


# --- records -------------------------------------------------------------------------------------


def _chance_of(rulebook: Rulebook, record: Adjudication) -> Expression | None:
    if record.kind == "rule":
        try:
            return rulebook.rule(record.ref).chance
        except KeyError:
            return None
    if record.kind == "order":
        kind = rulebook.order_kinds.get(record.ref)
        return kind.chance if kind is not None else None
    return None


def _effects_of(rulebook: Rulebook, record: Adjudication) -> tuple[Effect, ...]:
    """The effects a record's rule, order or card applied (the branch its result took)."""
    if record.kind == "rule":
        try:
            return rulebook.rule(record.ref).effects if record.happened else ()
        except KeyError:
            return ()
    if record.kind == "order":
        kind = rulebook.order_kinds.get(record.ref)
        if kind is None:
            return ()
        return kind.success if record.happened else kind.failure
    if record.kind in ("card", "inject"):
        card = rulebook.cards.get(record.ref)
        return card.effects if card is not None else ()
    return ()


def _touches_talks(rulebook: Rulebook, record: Adjudication) -> bool:
    """Does the record speak of the AQ-IS talks: one of their rules or orders, or one that
    changes or prints the relation's stage, terms, autonomy, clock or whether it is known?"""
    if record.ref in TALK_REFS:
        return True
    if any(n in TALK_TRACKS for n, _, _ in record.changes):
        return True
    return bool(rulebook.reads(template_fields(record.template)) & TALK_TRACKS)


def render_record(rulebook: Rulebook, record: Adjudication, seat: str, pic: Picture | None,
                  talks_hidden: bool = False) -> Adjudication | None:
    """A record as ``seat`` is shown it, worked out from ``pic``, the seat's picture of the board
    when the record's phase began (see the module's docstring); None if the seat is not shown it
    at all. ``talks_hidden``: the record falls while AQ-IS talks are secret to outsiders (or ends
    talks that were). The facilitator (``white``) is shown every record as it is."""
    seat = seat_of(seat)
    if seat == "white" or pic is None:
        return record
    outsider = seat not in PARTIES
    if talks_hidden and outsider and _touches_talks(rulebook, record):
        return None
    v = pic.view
    if record.kind == "budget":
        if record.cell == seat:
            return record
        return orders_hidden(record)
    if record.kind == "override":
        target = record.ref
        if target in GLOBAL_TRACKS and target in pic.secret:
            return attrs.evolve(record, changes=((target, -1, -1),) if target in v.tracks else (),
                                template=f"The facilitator changed {_escape(rulebook.title(target))}.", values=())
        return record
    fields = template_fields(record.template)
    if any(f in GLOBAL_TRACKS and f not in v.tracks for f in fields):
        return None  # it would print what the seat has no picture of at all
    expr = _chance_of(rulebook, record)
    chance, band, estimates = record.chance, None, ()
    secret_chance = record.chance is not None and expr is not None and bool(pic.reads_secret(expr.names))
    if secret_chance:
        odds = pic.odds(expr, record.theatre, record.offshoot)
        lo, hi = odds.lo, odds.hi
        # The band is worked out on the seat's picture from when the phase began; public tracks
        # may have moved before the roll (ground lost earlier in the phase). The seat sees the roll
        # and the result, so a band that contradicts them is widened to agree: nothing is told
        # that the seat does not already see. (The engine's result, not a facilitator's ruling: the
        # roll is shown against the odds, and the ruling beside it.)
        if record.roll is not None:
            if record.engine_said and record.roll >= hi:
                lo, hi = max(lo, record.roll), min(1.0, max(hi, record.roll + 0.05))
            elif not record.engine_said and record.roll < lo:
                lo, hi = max(0.0, min(lo, record.roll - 0.05)), min(hi, record.roll)
        chance, band = None, (lo, hi)
        estimates = tuple((n, pic.estimate(n) if n in v.tracks else "unknown") for n in pic.hidden_inputs(expr))
    text = _render_text(record, pic, band if secret_chance else None)
    # the changes the seat may see, in order; then another cell's secret tracks by name only,
    # each one the outcome acts on, in the order of its effects (whether and where one moved
    # would give away a track at its bound)
    changes: list[tuple[str, int, int]] = []
    for n, a, b in record.changes:
        if n not in GLOBAL_TRACKS or n not in pic.secret:
            changes.append((n, a, b))
    for e in _effects_of(rulebook, record):
        n = e.target
        if e.where == "G" and n in pic.secret and n in v.tracks and (n, -1, -1) not in changes:
            changes.append((n, -1, -1))
    return attrs.evolve(record, chance=chance, band=band, estimates=estimates, changes=tuple(changes),
                        template=_escape(text), values=())


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _render_text(record: Adjudication, pic: Picture, band: tuple[float, float] | None) -> str:
    """The record's sentence with every value the seat may not know replaced by its estimate."""
    values = dict(record.values)

    def lookup(field: str, spec: str) -> Any:
        if field == "chance" and band is not None:
            return Written(str(Odds(*band)))
        if field == "roll" and band is not None and record.roll is not None:
            return Written(d100(band[0], band[1], record.roll, record.engine_said).rolled)
        if field not in _LOCAL and pic.reads_secret(pic.rulebook.reads([field]) | {field}):
            return Written(f"{pic.estimate(field, spec)} (by your last estimate)" if field in pic.bounds else "unknown")
        if field in values:
            value = values[field]
            try:
                return Written(format_value(value, spec))
            except ValueError:
                return Written(str(value))
        return MISSING

    return render_template(record.template, lookup)


def talks_hidden_flags(before: State, records: Sequence[Adjudication], came_to_light: bool = False) -> list[bool]:
    """For each record of a phase that began on ``before``: does it fall while AQ-IS talks are
    secret from outsiders? True when the talks are secret after it, or were before it and it
    ends them without their coming to light (the coalition learning of them, or an alliance or
    a merger): talks that end in secret leave no trace.

    ``came_to_light`` (a debrief, :func:`wargame.record.fog.talks_hidden`): the talks still secret
    after the last of these records came to light later, so their records are no longer hidden;
    the records of talks that ended here in secret stay hidden all the same."""
    stage, known = before.relation.stage, before.relation.known
    out = []
    ended = 0  # the records before this one belong to talks that ended in secret
    for k, r in enumerate(records):
        secret_before = stage == 1 and not known
        for n, _, b in r.changes:
            if n == "relation_stage":
                stage = b
            elif n == "relation_known":
                known = b
        secret_after = stage == 1 and not known
        lit = bool(known) or stage in (2, 3)
        out.append(secret_after or (secret_before and not lit))
        if secret_before and not secret_after and not lit:
            ended = k + 1
    if came_to_light:
        # Only the talks open at the end came to light: a later revelation must not lift the
        # secrecy of earlier talks, in the same phase, that had already ended unseen.
        out[ended:] = [False] * (len(out) - ended)
    return out


def render_records(rulebook: Rulebook, records: Sequence[Adjudication], before: State, seat: str) -> list[Adjudication]:
    """The records of one phase (or a whole turn's resolution) that began on ``before``, as
    ``seat`` is shown them: the one function every screen and account uses for a seat."""
    seat = seat_of(seat)
    if seat == "white":
        return list(records)
    pic = picture(rulebook, view(before, seat))
    out = []
    for r, hidden in zip(records, talks_hidden_flags(before, records)):
        shown = render_record(rulebook, r, seat, pic, hidden)
        if shown is not None:
            out.append(shown)
    return out


def series_visible(rulebook: Rulebook, seat: str, reads: Iterable[str]) -> bool:
    """May ``seat`` see, exactly and always, everything a series (a chart) reads?"""
    return not (rulebook.reads(reads) & hidden_from(seat_of(seat)))
