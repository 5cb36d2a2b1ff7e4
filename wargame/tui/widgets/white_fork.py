"""The White Cell's roll-back pane: fork a new game from the start of an earlier turn, into a new save
(``<game>-branch-1.json``, or the first free number, as every fork: :mod:`wargame.tui.screens.fork`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.validation import Integer
from textual.widgets import Input, Label, Static

from wargame.engine.rulebook import ROOT
from wargame.record.commands import CommandError
from wargame.record.document import SaveError
from wargame.record.load import load
from wargame.record.save import document, new_game_id, write_save
from wargame.table.session import Session
from wargame.tui.forks import ForkPoint, branch_game, branch_number, branch_path
from wargame.tui.widgets.white_pane import WhitePane


def fork_path(session: Session) -> Path:
    """``<stem>-branch-N.json`` beside the save (or in saves/ under the project), N the first
    number from 1 that no file has taken: never an existing file."""
    return branch_path(session.save, session.game.header.game, ROOT / "saves")


class ForkPane(WhitePane):
    """Roll back: a new game, forked from the start of an earlier turn, in a new save; ``forked``
    is given the new game's session once it is saved."""

    def __init__(self, session: Session, forked: Callable[[Session], None], *, id: str):
        super().__init__(session, id=id)
        self.forked = forked

    def compose(self) -> ComposeResult:
        yield Label("Roll back: a new game, forked from the start of an earlier turn, in a new save. "
                    "This game stays saved as it is.", classes="white-hint")
        with Horizontal(classes="white-row"):
            yield Label("Turn:", classes="white-label")
            yield Input(placeholder="", id="fork-turn", type="integer", compact=True,
                        valid_empty=True)
        yield Static("", id="fork-preview")

    def latest_fork_turn(self) -> int:
        state = self.session.state
        return max(1, min(state.turn, state.last_turn))

    def open(self) -> None:
        last = self.latest_fork_turn()
        turn = self.query_one("#fork-turn", Input)
        turn.placeholder = f"1 to {last}"
        turn.validators = [Integer(1, last, f"a turn from 1 to {last}")]
        self.preview_fork(turn.value)
        turn.focus()

    def preview_fork(self, raw: str) -> None:
        preview = self.query_one("#fork-preview", Static)
        last = self.latest_fork_turn()
        try:
            turn = int(raw)
        except ValueError:
            preview.update(f"[$text-muted]Which turn to start again from: 1 to {last}.[/]")
            return
        if not 1 <= turn <= last:
            preview.update(f"[$error]Turn {turn} cannot be forked: choose from 1 to {last}.[/]")
            return
        s = self.session
        path = fork_path(s)
        preview.update(f"Fork at the start of turn [b]{turn}[/] ({s.quarter(turn)}), before its events; the new game "
                       f"is saved to [b]{escape(str(path))}[/] and replaces this one on screen.\n"
                       "[b]Enter[/] to roll back, Esc to cancel.")

    @on(Input.Changed, "#fork-turn")
    def _fork_changed(self, event: Input.Changed) -> None:
        self.preview_fork(event.value)

    @on(Input.Submitted, "#fork-turn")
    def _fork(self, event: Input.Submitted) -> None:
        last = self.latest_fork_turn()
        try:
            turn = int(event.value)
        except ValueError:
            self.say(f"Give the turn to roll back to: 1 to {last}.", "Refused", "error")
            return
        s = self.session
        path = fork_path(s)
        try:
            if not 1 <= turn <= self.latest_fork_turn():
                raise CommandError(f"turn {turn} cannot be forked: choose from 1 to {self.latest_fork_turn()}")
            child = branch_game(s.game, ForkPoint(turn), s.game.header.seats, new_game_id(),
                                str(s.save) if s.save is not None else "", branch_number(path))
            write_save(path, document(child), new=True)
            _, _, verification = load(path, s.rulebook)
            session = Session(child.rulebook, child, save=path)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        if not verification.verified:
            self.say(f"The fork in {path} {verification.message}", "Fork not verified", "warning")
        self.say(f"Rolled back to turn {turn}: the new game is saved to {path}.", "White Cell")
        self.forked(session)

