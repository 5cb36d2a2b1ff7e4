"""What the White Cell's panes share: the game they act on, one-line notices, and who is told of an action.

Each pane (:mod:`~wargame.tui.widgets.white_inject`, ``white_track``, ``white_result``,
``white_note``, ``white_fork``) gives one kind of command to the game's log; the
:class:`~wargame.tui.screens.white.WhiteCellScreen` shows one pane at a time.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.markup import escape
from textual.widgets import Static

from wargame.engine.adjudication import Adjudication
from wargame.engine.model import CELL_TITLES, CELLS
from wargame.record import fog
from wargame.record.commands import ANNOTATIONS, RESOLUTION_PHASES, OverrideResult, ResolveTurn
from wargame.record.document import SaveError
from wargame.table.session import Session
from wargame.tui.widgets.board import record_markup

SECRET = "Secret: tell only the cells it concerns."


def resolved_turn(session: Session) -> int | None:
    """The last turn resolved, if its results may still be overridden (nothing but notes since)."""
    game = session.game
    if not game.digests:
        return None
    last = next((c for c in reversed(game.commands) if not isinstance(c, ANNOTATIONS)), None)  # a note or a message changes nothing
    if not isinstance(last, (ResolveTurn, OverrideResult)):
        return None
    return max(game.digests)


def overridable(session: Session, turn: int) -> list[Adjudication]:
    """The rolled results of ``turn`` that an override can flip, one per (rule or order, where)."""
    found: dict[tuple[str, str | None], Adjudication] = {}
    for r in session.game.records(turn):
        if r.chance is not None and r.phase in RESOLUTION_PHASES:
            found[(r.ref, r.where)] = r
    return list(found.values())


def markup(records) -> str:
    """Records as the board shows them, each with the facilitator's reason once (the board's
    rendering already carries it; added here only if it does not)."""
    out = []
    for r in records:
        text = record_markup(r)
        if r.justification and escape(r.justification) not in text:
            text += f"\n   [b $warning]White Cell:[/] {escape(r.justification)}"
        out.append(text)
    return "\n".join(out)


def told_markup(session: Session, step: int) -> str:
    """Who will be told of the White Cell's action at ``step``, and what the room will read."""
    game = session.game
    who = fog.told(game, step)
    room = fog.announcement(game, step, fog.ROOM)
    if room is not None:
        said = "\n".join(escape(line) for line in room.lines())
        return f"[$text-muted]The room is told at its next walkthrough:[/]\n{said}"
    cells = [CELL_TITLES[c] for c in CELLS if c in who]
    if not cells:
        return "[b $warning]Secret:[/] no cell would notice it; only the White Cell knows."
    return f"[b $warning]Secret:[/] told only to {escape(', '.join(cells))}, each when next at the keyboard."


class WhitePane(VerticalScroll):
    """One of the White Cell's panes, acting on ``session``."""

    def __init__(self, session: Session, *, id: str):
        super().__init__(id=id, classes="white-pane")
        self.session = session

    def open(self) -> None:
        """Show the pane as the game now stands, and put the focus where the facilitator starts:
        here, the pane's first widget that takes focus (each pane fills itself in first)."""
        first = next((w for w in self.query("*") if w.focusable), None)
        if first is not None:
            first.focus()

    def say(self, message: str, title: str = "White Cell", severity: str = "information") -> None:
        """A one-line notification, shown as written (no markup)."""
        line = message.splitlines()[0] if message else title
        self.notify(line, title=title, severity=severity, markup=False)  # type: ignore[arg-type]

    def refused(self, error: Exception) -> None:
        """One line, never a traceback: the game is as it was."""
        self.say(str(error) or type(error).__name__, "Not saved" if isinstance(error, SaveError) else "Refused",
                 "error")

    def fixes_results(self) -> str:
        """A warning for the panes whose command fixes the last turn's results."""
        turn = resolved_turn(self.session)
        if turn is None or not overridable(self.session, turn):
            return ""
        return (f"[b $warning]Once you do this, the results of turn {turn} can no longer be overridden[/] "
                "(override them first with d).")

    def warn(self, selector: str) -> None:
        text = self.fixes_results()
        warning = self.query_one(selector, Static)
        warning.update(text)
        warning.display = bool(text)

