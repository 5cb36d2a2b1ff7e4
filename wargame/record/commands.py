"""The commands of a game's log: every change to a game is one.

A cell's orders, running a turn's events, resolving a turn, and the facilitator's injects, track
overrides, result overrides, notes and bookmarks, and changes of seats. A save holds them in
order, each under its name in :data:`COMMAND_TYPES`; :class:`~wargame.record.game.Game` applies them.
"""

from __future__ import annotations

from attrs import frozen


@frozen
class GiveOrders:
    """A cell's orders for a turn (replacing any it gave before in that turn)."""

    turn: int
    cell: str
    orders: tuple[tuple[str, str | None], ...]  # (order kind, theatre)


@frozen
class RunEvents:
    turn: int


@frozen
class ResolveTurn:
    turn: int


@frozen
class InjectCard:
    turn: int
    card: str
    note: str = ""
    secret: bool = False  # told only to the cells it concerns (see wargame.record.fog)


@frozen
class SetTrack:
    turn: int
    target: str  # "is_funds", "iraq.territory", "offshoot-2.strength"
    value: int
    original: int
    justification: str
    secret: bool = False  # told only to the cells it concerns (see wargame.record.fog)


@frozen
class OverrideResult:
    """The facilitator overrides one result of the turn just resolved; the turn is resolved again
    with the same dice and this result forced."""

    turn: int
    ref: str  # the rule or order id
    where: str | None  # the theatre or offshoot id, if any
    happened: bool
    original: bool
    justification: str
    secret: bool = False  # told only to the cells it concerns (see wargame.record.fog)


@frozen
class Note:
    """A facilitator's annotation of a turn; with a ``bookmark`` name, a place to jump to."""

    turn: int
    text: str
    bookmark: str | None = None


@frozen
class SetSeats:
    """Who plays each cell from this command on (``was``: who played before), e.g. when a game
    is continued headless with bots in seats people held. The header names the seats in force."""

    turn: int
    seats: dict[str, str]
    was: dict[str, str]
    note: str = ""


Command = GiveOrders | RunEvents | ResolveTurn | InjectCard | SetTrack | OverrideResult | Note | SetSeats
# The White Cell's commands that change the game: each is announced (see wargame.record.fog).
WHITE_ACTIONS = (InjectCard, SetTrack, OverrideResult)
COMMAND_TYPES: dict[str, type] = {
    "orders": GiveOrders,
    "events": RunEvents,
    "resolve": ResolveTurn,
    "inject": InjectCard,
    "set": SetTrack,
    "override": OverrideResult,
    "note": Note,
    "seats": SetSeats,
}
COMMAND_NAMES = {cls: name for name, cls in COMMAND_TYPES.items()}


# Results of these phases can be overridden: the turn is resolved again with the result forced.
# An event's result is changed with an inject or a track override instead.
RESOLUTION_PHASES = ("adjudication", "dynamics", "assessment")


class CommandError(ValueError):
    """A command that cannot be applied here, with the reason; the game is left as it was."""
