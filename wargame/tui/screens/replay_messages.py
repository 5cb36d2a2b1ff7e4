"""A channel message in the replay viewer: its line in the timeline, the step as the White Cell
saw it, and the step as one cell saw it.

A message (:class:`~wargame.record.commands.Say`) is a step of the log of its own, where it was
said, so stepping through the replay meets it in its place among the turn's steps. The timeline
and the truth are the White Cell's, who sees every channel; a cell's view (1-4) shows a message
only if the cell may see it (:func:`wargame.record.messages.hears`: the channel's two seats),
and of one it may not, nothing at all: not its text, not its channel, not that there was one.

Nothing here draws on the screen: :mod:`wargame.tui.screens.replay_steps` and
:mod:`wargame.tui.screens.replay_seat` put these into the panes.
"""

from __future__ import annotations

from textual.markup import escape

from wargame.record import fog
from wargame.record.commands import Say, channel_seats
from wargame.record.messages import hears

WHITE = "white"
# a seat as the timeline's short line names it
SHORT = {"is": "IS", "aq": "AQ", "coalition": "Coalition", "governments": "Govts", WHITE: "White Cell"}
NOTHING_SEEN = "[$text-muted]Nothing that it could see.[/]"


def the(seat: str) -> str:
    """``is`` → "the Islamic State", ``white`` → "the White Cell" (a seat as a sentence names it)."""
    return "the White Cell" if seat == WHITE else fog.TOLD_TO[seat]


def listener(say: Say) -> str:
    """The other seat of the message's channel: the one it was said to."""
    a, b = channel_seats(say.channel)
    return b if say.sender == a else a


def when(say: Say) -> str:
    """When it was said: "turn 3 orders", "turn 2 events" (before that turn's events were drawn)."""
    if say.phase == "over":
        return f"turn {say.turn}, after the game ended"
    return f"turn {say.turn} {say.phase}"


def quoted(text: str) -> str:
    """The message's words on one line, in quotes (plain text: escape it for markup)."""
    return f"“{' '.join(text.split())}”"


def say_label(say: Say, words: str) -> str:
    """The timeline's line (plain text): "T3 is-aq: IS to AQ: “shall we talk?”"; ``words``: the
    message's words as the timeline has room for them."""
    who = f"{SHORT.get(say.sender, say.sender)} to {SHORT.get(listener(say), listener(say))}"
    return f"T{say.turn} {say.channel}: {who}: “{words}”"


def say_markup(say: Say) -> str:
    """What the step was, as the White Cell saw it (markup): the channel, when, who said it to
    whom, the words, and who could see it."""
    a, b = channel_seats(say.channel)
    seen = [the(s) for s in (a, b) if s != WHITE] + ["the White Cell"]
    return (f"[b]Channel {escape(say.channel)}[/], {escape(when(say))}: "
            f"[b]{escape(the(say.sender))} to {escape(the(listener(say)))}[/]:\n"
            f"  {escape(quoted(say.text))}\n"
            f"[$text-muted]A message, seen by {escape(', '.join(seen[:-1]))} and {escape(seen[-1])} only; "
            "it changed nothing on the board.[/]")


def say_told(say: Say, seat: str) -> list[str]:
    """What the cell ``seat`` was shown of the message (markup lines): the message on its own
    channel, else the same words as any step it saw nothing of."""
    if not hears(seat, say):
        return [NOTHING_SEEN]
    other = listener(say) if say.sender == seat else say.sender
    said = "it said" if say.sender == seat else f"{the(say.sender)} said to it"
    return [f"On its channel with {escape(the(other))} ({escape(say.channel)}), {escape(when(say))}, "
            f"{escape(said)}:", f"  {escape(quoted(say.text))}"]
