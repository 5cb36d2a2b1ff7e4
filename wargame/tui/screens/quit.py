"""Quitting a game under way asks first: ctrl+q is one chord away from keys a player presses all
the time, and the facilitator should see, before the terminal is gone, where the game is saved
and the command that continues it.

ctrl+q again, or Enter on Quit, quits; Esc or Stay goes back to the game. Nothing is lost either
way (the game is saved after every step); on the start screen, in a replay or at the end of a
game ctrl+q quits at once (:meth:`wargame.tui.app.WargameApp.action_quit`).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from wargame.tui.widgets.footer import KeysFooter

UNSAVED = "This game has no save file: what was played ends when the program does."


class QuitScreen(ModalScreen[bool]):
    """Asks whether to quit the game under way; ``message``: where it is saved and the command
    that continues it (the app's goodbye). Dismissed with True to quit, False to stay."""

    BINDINGS = [
        Binding("escape", "stay", "Stay"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]
    ABOUT = ("The game is saved after every step: quitting loses nothing. ctrl+q again, or Enter on "
             "Quit, quits and prints the command that continues the game; Esc or Stay goes back to it.")
    HELP_TITLE = "quitting"

    def __init__(self, message: str):
        super().__init__(classes="replay-modal")
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="replay-modal-box", id="quit-box"):
            yield Label("[b]Quit?[/]")
            yield Static(escape(self.message or UNSAVED), id="quit-message")
            with Horizontal(classes="replay-buttons"):
                yield Button("Quit (ctrl+q)", id="quit-yes", variant="error")
                yield Button("Stay (Esc)", id="quit-stay", variant="primary")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        # Stay has the focus: a habitual Enter after a stray ctrl+q must not end the session
        self.query_one("#quit-stay", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "quit-yes")

    def action_stay(self) -> None:
        self.dismiss(False)
