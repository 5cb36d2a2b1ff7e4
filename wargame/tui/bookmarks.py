"""Where the replay viewer jumps to: the step each turn starts at, the turn before or after a step,
and the White Cell's bookmarks (a note with a name, written during play).

Nothing here draws on the screen: :class:`~wargame.tui.screens.replay.ReplayScreen` jumps where
these say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wargame.record.commands import Note
from wargame.record.game import Game, StepRecord


def turn_starts(steps: Sequence[StepRecord]) -> dict[int, int]:
    """The first step of each turn, for jumping (a note written later about an earlier turn is
    not where that turn starts)."""
    starts: dict[int, int] = {}
    for i, s in enumerate(steps):
        c = s.command
        if c.turn in starts or (isinstance(c, Note) and s.state.turn != c.turn):
            continue
        starts[c.turn] = i
    return starts


def turn_step(steps: Sequence[StepRecord], starts: Mapping[int, int], index: int, delta: int) -> int | None:
    """Where ] (``delta`` 1) or [ (-1) goes from step ``index``: the start of the next turn; back,
    first the start of this turn, then that of the turn before (None: nowhere to go)."""
    turn = steps[index].command.turn
    ordered = sorted(starts.items())
    if delta > 0:
        later = [i for t, i in ordered if t > turn]
        return later[0] if later else None
    start = starts.get(turn, index)
    if index > start:
        return start  # first back to the start of this turn
    earlier = [i for t, i in ordered if t < turn]
    return earlier[-1] if earlier else None


def bookmark_steps(game: Game, starts: Mapping[int, int]) -> list[tuple[str, int, int, str]]:
    """(name, turn, step index, text) of each bookmark in ``game.bookmarks()``, in the order of
    their steps: a bookmark written at its turn is its note's own step, one written later about an
    earlier turn the start of that turn."""
    steps = game.steps
    out = []
    for name, turn in game.bookmarks().items():
        note_step = None
        for i, s in enumerate(steps):
            c = s.command
            if isinstance(c, Note) and c.bookmark == name and c.turn == turn:
                note_step = (i, s)  # the last one with the name wins, as in bookmarks()
        if note_step is None:
            out.append((name, turn, starts.get(turn, 0), ""))
            continue
        i, s = note_step
        written_then = s.state.turn == turn  # written at that turn: the note's own step
        out.append((name, turn, i if written_then else starts.get(turn, i), s.command.text))
    return sorted(out, key=lambda m: (m[2], m[0]))
