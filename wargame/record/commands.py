"""The commands of a game's log: every change to a game is one.

A cell's orders, running a turn's events, resolving a turn, and the facilitator's injects, track
overrides, result overrides, notes and bookmarks, changes of seats, and the messages said on a
channel (:class:`Say`). A save holds them in
order, each under its name in :data:`COMMAND_TYPES`; :class:`~wargame.record.game.Game` applies them.
"""

from __future__ import annotations

from attrs import frozen

from wargame.engine.model import CELLS


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


# The seats of the channels: the four cells and the White Cell. A channel is two of them, named
# in this order ("is-aq", "coalition-white"): each pair of cells, and each cell with the White Cell.
WHITE = "white"
CHANNEL_SEATS: tuple[str, ...] = CELLS + (WHITE,)
MAX_SAY = 2000  # characters of one message


def channel_seats(channel: str) -> tuple[str, str]:
    """The two seats of a channel named in any order ("aq-is" or "is-aq"); ValueError if it is none."""
    parts = channel.split("-") if isinstance(channel, str) else []
    if len(parts) != 2 or parts[0] == parts[1] or not all(p in CHANNEL_SEATS for p in parts):
        raise ValueError(f"no channel {str(channel)[:40]!r}: a channel is two seats of {', '.join(CHANNEL_SEATS)}, "
                         "e.g. is-aq or is-white")
    a, b = sorted(parts, key=CHANNEL_SEATS.index)
    return a, b


def channel_of(channel: str) -> str:
    """A channel's name as the log keeps it: its two seats in the order of :data:`CHANNEL_SEATS`."""
    return "-".join(channel_seats(channel))


@frozen
class Say:
    """A message said on a channel (``sender``: one of its two seats) in ``turn`` and ``phase``,
    as the networked exercise relays it. It changes nothing; :mod:`wargame.record.fog` shows it
    to the channel's two seats and to the White Cell only."""

    turn: int
    phase: str
    channel: str  # "is-aq", "coalition-white": see channel_of
    sender: str
    text: str


Command = GiveOrders | RunEvents | ResolveTurn | InjectCard | SetTrack | OverrideResult | Note | SetSeats | Say
# Commands kept in the log that change nothing in the game (the last command that changed the
# game is the last one that is not one of these).
ANNOTATIONS = (Note, Say)
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
    "say": Say,
}
COMMAND_NAMES = {cls: name for name, cls in COMMAND_TYPES.items()}


# Results of these phases can be overridden: the turn is resolved again with the result forced.
# An event's result is changed with an inject or a track override instead.
RESOLUTION_PHASES = ("adjudication", "dynamics", "assessment")


class CommandError(ValueError):
    """A command that cannot be applied here, with the reason; the game is left as it was."""
