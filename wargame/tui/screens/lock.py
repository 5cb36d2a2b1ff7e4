"""The White Cell's passphrase: set when a game with people at the table begins, asked for before
the White Cell (or the replay viewer, which shows every secret) opens.

Only a salted hash is kept, in the save's header (:mod:`wargame.record.lock`). A game of bots only
has no lock, nor has a game whose facilitator ticked "solo game: no White Cell lock".
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label

from wargame.record.lock import check_lock, make_lock
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import Tick

SOLO = "solo game: no White Cell lock"
MISSING = f"Set a White Cell passphrase (twice), or tick \"{SOLO}\"."
DIFFERENT = "The two passphrases differ: type the passphrase twice, the same."
WRONG = "Wrong passphrase: the White Cell stays closed."
TRIES = 3


def lock_choice(first: str, again: str, solo: bool) -> tuple[str | None, str | None]:
    """(the header's lock or None, a reason to refuse or None) from the start screen's fields."""
    if solo:
        return None, None
    if not first:
        return None, MISSING
    if first != again:
        return None, DIFFERENT
    return make_lock(first), None


class PassphraseScreen(ModalScreen[bool]):
    """Asks for the White Cell's passphrase; dismisses with True only for the right one. Nothing
    behind it is drawn until then: the screen that opens is pushed after it closes."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, lock: str, what: str = "the White Cell"):
        super().__init__()
        self.lock = lock
        self.what = what
        self.tries = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Label(f"The facilitator's passphrase opens {self.what}", classes="screen-title")
            yield Input(password=True, placeholder="passphrase, then Enter (Esc: cancel)", id="lock-passphrase")
            yield Label("", id="lock-error")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        field = self.query_one("#lock-passphrase", Input)
        if self.app.is_headless:
            field.cursor_blink = False
        field.focus()

    @on(Input.Submitted, "#lock-passphrase")
    def _submitted(self, event: Input.Submitted) -> None:
        if check_lock(self.lock, event.value):
            self.app.clear_notifications()  # a "wrong passphrase" before it no longer holds
            self.dismiss(True)
            return
        self.tries += 1
        event.input.value = ""
        self.query_one("#lock-error", Label).update(WRONG)
        self.notify(WRONG, title="White Cell", severity="error", markup=False, timeout=4)
        if self.tries >= TRIES:
            self.dismiss(False)

    def action_cancel(self) -> None:
        self.app.clear_notifications()  # the refusals were about this screen, now gone
        self.dismiss(False)


class LockSetupScreen(ModalScreen[str | None]):
    """For a new game started from the command line with people at the table: the facilitator
    sets the passphrase (twice) or ticks the solo box. Dismisses with the lock, or None (solo)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="lock-box"):
            yield Label("White Cell passphrase: the facilitator's, to open the White Cell", classes="screen-title")
            with Horizontal(classes="lock-row"):
                yield Input(password=True, placeholder="passphrase", id="lock-pass", compact=True)
                yield Input(password=True, placeholder="the passphrase again", id="lock-again", compact=True)
            yield Tick(SOLO, id="lock-solo", compact=True)
            yield Button("Start the game", id="lock-go", variant="primary")
            yield Label("", id="lock-error")
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        self.query_one("#lock-pass", Input).focus()

    @on(Input.Submitted, "#lock-pass")
    def _first(self) -> None:
        self.query_one("#lock-again", Input).focus()

    @on(Input.Submitted, "#lock-again")
    @on(Button.Pressed, "#lock-go")
    def _go(self) -> None:
        lock, error = lock_choice(self.query_one("#lock-pass", Input).value, self.query_one("#lock-again", Input).value,
                                  self.query_one("#lock-solo", Checkbox).value)
        if error:
            self.query_one("#lock-error", Label).update(error)
            return
        self.dismiss(lock)


def unlock_then(app: App, lock: str | None, then: Callable[[], None], what: str = "the White Cell",
                otherwise: Callable[[], None] | None = None) -> None:
    """Run ``then`` at once without a lock, or once the passphrase has been given."""
    if not lock:
        then()
        return

    def done(ok: bool | None) -> None:
        if ok:
            then()
        elif otherwise is not None:
            otherwise()

    app.push_screen(PassphraseScreen(lock, what), done)
