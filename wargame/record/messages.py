"""Channel messages: what each seat may read of what was said between the cells (issue 14).

A message (:class:`~wargame.record.commands.Say`) is said on a channel, one per pair of cells and
one per cell with the White Cell; it is part of the game's log, with its turn and phase, and is
seen by the channel's two seats and the White Cell, never by another cell or the room. The
server (:mod:`wargame.net.server`), the replay and the reports all read it from here.
"""

from __future__ import annotations

from attrs import frozen

from wargame.engine.rulebook import Rulebook
from wargame.record.commands import Say, channel_seats
from wargame.record.game import Game

MESSAGES_HEAD = "Messages"


@frozen
class Message:
    """One message said on a channel, as a seat that may see it is shown it."""

    turn: int
    phase: str
    channel: str
    sender: str
    text: str
    step: int = -1  # its step in the log


def hears(seat: str, say: Say) -> bool:
    """May ``seat`` see the message ``say``? Its channel's two seats and the White Cell may."""
    return seat == "white" or seat in channel_seats(say.channel)


def messages(game: Game, seat: str, start: int = 0) -> list[Message]:
    """The channel messages ``seat`` may see, in order, from step ``start`` on: for the White Cell
    every one; for a cell those of its channels; for the room none."""
    out = []
    for i in range(start, len(game.steps)):
        c = game.steps[i].command
        if isinstance(c, Say) and hears(seat, c):
            out.append(Message(c.turn, c.phase, c.channel, c.sender, c.text, i))
    return out


def messages_by_turn(game: Game, seat: str) -> dict[int, list[Message]]:
    out: dict[int, list[Message]] = {}
    for m in messages(game, seat):
        out.setdefault(m.turn, []).append(m)
    return out


def speaker(rb: Rulebook, seat: str) -> str:
    return "White Cell" if seat == "white" else rb.title(seat)


def message_turns(game: Game, seat: str) -> list[tuple[int, str, list[tuple[str, str, str, str]]]]:
    """The channel messages ``seat`` may see, turn by turn: (turn, quarter, [(phase, channel,
    who said it, text)]); none for the room, every one for the facilitator."""
    rb = game.rulebook
    scenario = rb.scenarios[game.header.scenario]
    return [(turn, scenario.label(turn), [(m.phase, m.channel, speaker(rb, m.sender), m.text) for m in said])
            for turn, said in sorted(messages_by_turn(game, seat).items())]


def messages_section(game: Game, seat: str) -> list[str]:
    """The channel messages the seat may see, turn by turn (nothing if there are none)."""
    turns = message_turns(game, seat)
    if not turns:
        return []
    lines = [f"## {MESSAGES_HEAD}", ""]
    for turn, quarter, said in turns:
        lines.append(f"**Turn {turn} ({quarter})**")
        lines += [f"- {phase}, {channel}: {who}: " + " ".join(text.split()) for phase, channel, who, text in said]
        lines.append("")
    return lines
