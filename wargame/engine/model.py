"""The game's state: small frozen value types, every track bounded.

A *track* is an integer with a lower and an upper bound, like a marker on a printed track of a
board game. Tracks are declared with :func:`track`, which records the bounds in the field's
metadata so that the rulebook can check expressions against them and the engine can clamp
effects to them. Constructing a value with a track out of bounds raises ``ValueError``.

>>> Theatre(name="iraq", title="Iraq", territory=11)
Traceback (most recent call last):
...
ValueError: territory must lie in 0..10, not 11

The state is never changed in place: the engine builds a new ``State`` after each phase.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import attrs
from attrs import field, frozen

CELLS: tuple[str, ...] = ("is", "aq", "coalition", "governments")
"""The four player cells, in the order they are listed and asked for orders. (Orders resolve in
``wargame.engine.resolver.RESOLUTION_ORDER``: coalition, governments, IS, AQ.)"""

CELL_TITLES = {
    "is": "Islamic State",
    "aq": "al-Qaeda",
    "coalition": "Coalition",
    "governments": "Local Governments",
}

# Stages of the AQ-IS relation (¶1, ¶2, ¶5). Named in expressions as RIVALRY, TALKS, ...
RIVALRY, TALKS, ALLIANCE, MERGER, SPLIT = range(5)
STAGES = ("rivalry", "talks", "alliance", "merger", "second split")

PHASES = ("events", "orders", "over")
"""A turn starts in ``events`` (decks drawn), waits in ``orders`` for the cells, and the game
is ``over`` once the last turn has been adjudicated."""


def _in_bounds(lo: int, hi: int):
    def check(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if type(value) is not int or not lo <= value <= hi:
            raise ValueError(f"{attribute.name} must lie in {lo}..{hi}, not {value!r}")

    return check


def track(lo: int, hi: int, default: int = 0):
    """A bounded integer track; its bounds live in the field's metadata."""
    return field(default=default, validator=_in_bounds(lo, hi), metadata={"track": (lo, hi)})


def tracks_of(cls: type) -> Iterator[tuple[str, int, int]]:
    """(name, lo, hi) for every track of an attrs class, in declaration order."""
    for a in attrs.fields(cls):
        bounds = a.metadata.get("track")
        if bounds is not None:
            yield a.name, bounds[0], bounds[1]


@frozen
class Theatre:
    """One theatre of the war: a country or region and its tracks."""

    name: str = field(validator=attrs.validators.instance_of(str))
    title: str = field(validator=attrs.validators.instance_of(str))
    territory: int = track(0, 10)  # IS-held territory
    oil: int = track(0, 3)  # oil sites IS holds (Iraq, Syria, Libya: ¶4)
    is_province: int = track(0, 10)  # strength of the IS province here
    aq_affiliate: int = track(0, 10)  # strength of AQ's affiliate here (none in Iraq: ¶4)
    grievance: int = track(0, 10)  # Sunni / local grievance (¶9)
    governance: int = track(0, 10)
    pressure: int = track(0, 10)  # coalition pressure (¶3)
    reform: int = track(0, 10)  # reform progress (¶9)
    faithful: int = track(0, 1)  # 1 if reform is carried out faithfully, 0 if on paper (¶9)
    peace: int = track(0, 5)  # peace-talks progress (Afghan talks, Syrian ceasefires: ¶9)
    settled: int = track(0, 1)  # a negotiated settlement has been reached (¶9)
    core: int = track(0, 1)  # Iraq and Syria, the caliphate's heartland (¶3)
    assad: int = track(0, 1)  # Assad stays as an authority (Syria: ¶9)
    outreach: int = track(0, 3)  # AQ reaching out to defectors here (¶4)
    # IS territory here when the turn began: what "lost this turn" is measured from. Kept by
    # the engine, not a track rules may set.
    turn_start_territory: int = field(default=0, validator=_in_bounds(0, 10))


@frozen
class Leader:
    """A group's leader. Only the traits the article reasons about are kept (¶8)."""

    name: str = field(validator=attrs.validators.instance_of(str))
    hardline: int = track(0, 10)  # a successor is never more conciliatory (¶8)
    vacuum: int = track(0, 4)  # turns of leadership vacuum left after a death
    successions: int = track(0, 99)


@frozen
class IslamicState:
    leader: Leader
    funds: int = track(0, 20)
    fighters: int = track(0, 20)
    wages: int = track(0, 5)  # wage level it can pay (¶4)
    services: int = track(0, 5)  # public services it can provide (¶4)
    acceptance: int = track(0, 10)  # acceptance by locals (¶4)
    recruitment: int = track(0, 10)
    cohesion: int = track(0, 10)
    brutality: int = track(0, 10)  # escalates after defeats (¶6)
    ego: int = track(0, 10)  # the main barrier to talks (¶2)
    standing: int = track(0, 10)  # standing in the movement
    setbacks: int = track(0, 10)  # recent defeats, decaying (¶6)
    collapsed: int = track(0, 1)


@frozen
class AlQaeda:
    leader: Leader
    funds: int = track(0, 20)
    standing: int = track(0, 10)
    ego: int = track(0, 10)
    discipline: int = track(0, 10)  # its hold over partners and franchises (¶5)
    recruitment: int = track(0, 10)


@frozen
class Coalition:
    will: int = track(0, 10)  # political will
    budget: int = track(0, 10)  # spent on orders, refreshed each turn from will
    intel: int = track(0, 10)  # sharpens its estimates of the groups (view)


@frozen
class Governments:
    """One cell for all local governments; per-theatre tracks live on the theatres."""

    capacity: int = track(0, 10)  # spent on orders, refreshed each turn


@frozen
class Relation:
    """The AQ-IS relation: rivalry, talks, alliance or merger, and perhaps a second split."""

    stage: int = track(0, 4)
    autonomy: int = track(0, 3)  # what AQ granted IS in an alliance or merger (¶5)
    strain: int = track(0, 10)  # pressure towards a second split (¶5)
    known: int = track(0, 1)  # talks revealed to the coalition
    offered: int = track(0, 1)  # AQ has put terms (an autonomy level) on the table
    turns: int = track(0, 99)  # turns spent in the current stage


@frozen
class Offshoot:
    """An independent group outside IS leadership (¶4, ¶6, ¶7)."""

    id: str = field(validator=attrs.validators.instance_of(str))
    theatre: str = field(validator=attrs.validators.instance_of(str))
    origin: str = field(validator=attrs.validators.in_(("defectors", "holdouts", "inspired")))
    strength: int = track(0, 10)
    brutality: int = track(0, 10)


@frozen
class DeckPiles:
    """Where each card of one deck lies. Every card is in exactly one pile."""

    deck: str
    draw: tuple[str, ...] = ()
    discard: tuple[str, ...] = ()
    aside: tuple[str, ...] = ()  # ineligible when drawn; back in at the next reshuffle

    def cards(self) -> tuple[str, ...]:
        return self.draw + self.discard + self.aside


@frozen
class Tally:
    """Outcomes recorded for analysis and scoring. -1 means "not (yet)"."""

    rapprochement_turn: int = track(-1, 999, -1)
    collapse_turn: int = track(-1, 999, -1)
    offshoots_formed: int = track(0, 999)
    offshoots_absorbed: int = track(0, 999)
    second_splits: int = track(0, 9)
    peak_brutality: int = track(0, 10)
    cards_drawn: int = track(0, 9999)
    # The opening board's totals, so that objectives can score change since the start rather
    # than levels that saturate (set once from the scenario; see ``opening_tally``).
    opening_territory: int = track(0, 120)
    opening_provinces: int = track(0, 120)
    opening_affiliates: int = track(0, 120)
    opening_governance: int = track(0, 120)
    opening_grievance: int = track(0, 120)


def opening_tally(theatres: tuple[Theatre, ...], tally: Tally = Tally()) -> Tally:
    """``tally`` with the opening totals of these theatres recorded (see :class:`Tally`)."""
    return attrs.evolve(
        tally,
        opening_territory=sum(t.territory for t in theatres),
        opening_provinces=sum(t.is_province for t in theatres),
        opening_affiliates=sum(t.aq_affiliate for t in theatres),
        opening_governance=sum(t.governance for t in theatres),
        opening_grievance=sum(t.grievance for t in theatres),
    )


@frozen
class State:
    """The whole board between two phases."""

    scenario: str
    seed: int
    turn: int
    last_turn: int
    phase: str = field(validator=attrs.validators.in_(PHASES))
    theatres: tuple[Theatre, ...]
    islamic_state: IslamicState
    al_qaeda: AlQaeda
    coalition: Coalition
    governments: Governments
    relation: Relation
    offshoots: tuple[Offshoot, ...] = ()
    decks: tuple[DeckPiles, ...] = ()
    tally: Tally = Tally()

    def theatre(self, name: str) -> Theatre:
        for t in self.theatres:
            if t.name == name:
                return t
        raise KeyError(name)

    @property
    def over(self) -> bool:
        return self.phase == "over"


@frozen(order=True)
class Order:
    """One order of one cell: a kind from the rulebook, and a theatre if the kind needs one."""

    cell: str
    kind: str
    theatre: str | None = None

    def __str__(self) -> str:
        return f"{self.kind} in {self.theatre}" if self.theatre else self.kind


def digest(state: State) -> str:
    """A fingerprint of the whole state, the same on every machine and in every process."""
    text = json.dumps(attrs.asdict(state, recurse=True), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
