"""The White Cell's note pane: annotate the current turn, and bookmark it for the replay."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import Input, Label, Static

from wargame.record.commands import CommandError
from wargame.record.document import SaveError
from wargame.tui.widgets.white_pane import WhitePane


class NotePane(WhitePane):
    """Annotate the current turn; a bookmark name makes it a place the replay can jump to."""

    def compose(self) -> ComposeResult:
        yield Label("Annotate the current turn; give a bookmark name to make it a place the replay can jump to.",
                    classes="white-hint")
        with Horizontal(classes="white-row"):
            yield Label("Note:", classes="white-label")
            yield Input(placeholder="what to remember at the debrief", id="note-text", compact=True)
        with Horizontal(classes="white-row"):
            yield Label("Bookmark:", classes="white-label")
            yield Input(placeholder="a name (optional)", id="note-bookmark", compact=True)
        yield Static("", id="note-out", classes="white-out")
        yield Static("", id="note-list")

    def open(self) -> None:
        self.list_notes()
        self.query_one("#note-text", Input).focus()

    def list_notes(self) -> None:
        notes = self.session.game.notes()
        lines = ["[b]Notes so far[/]"] + [
            f"turn {n.turn}: {escape(n.text)}" + (f"  [b $accent]⚑ {escape(n.bookmark)}[/]" if n.bookmark else "")
            for n in notes[-8:]]
        self.query_one("#note-list", Static).update("\n".join(lines) if notes else "[$text-muted]No notes yet.[/]")

    @on(Input.Submitted, "#note-text")
    def _note_text(self) -> None:
        self.query_one("#note-bookmark", Input).focus()

    @on(Input.Submitted, "#note-bookmark")
    def _note(self) -> None:
        text = self.query_one("#note-text", Input).value.strip()
        bookmark = self.query_one("#note-bookmark", Input).value.strip() or None
        if not text:
            self.say("A note needs some text.", "Refused", "error")
            self.query_one("#note-text", Input).focus()
            return
        if bookmark is not None and bookmark in self.session.game.bookmarks():
            self.say(f"There is a bookmark {bookmark!r} already (turn {self.session.game.bookmarks()[bookmark]}): "
                     "choose another name.", "Refused", "error")
            return
        try:
            self.session.game.note(text, bookmark)
        except (CommandError, SaveError) as e:
            self.refused(e)
            return
        turn = self.session.state.turn
        self.query_one("#note-out", Static).update(
            f"[$success]Noted for turn {turn}[/]" + (f", bookmarked as [b]{escape(bookmark)}[/]." if bookmark else "."))
        self.query_one("#note-text", Input).value = ""
        self.query_one("#note-bookmark", Input).value = ""
        self.list_notes()
        self.query_one("#note-text", Input).focus()

