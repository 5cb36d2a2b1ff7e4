"""Parts of a cell's screen in a networked exercise (:mod:`wargame.tui.screens.remote_seat`): a
cell's tracks for a narrow column, the confirmation before orders are given, and which keys start a
message (type-to-write: also the White Cell's console's)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Static

from wargame.tui.screens.white_console_words import SHORT, channel_title
from wargame.tui.widgets.board import CellPanel, cell_rows, titled
from wargame.tui.widgets.footer import KeysFooter


class SeatCellPanel(CellPanel):
    """A cell's tracks in one column whose names wrap, for the narrow column of a small terminal
    (the table's two pairs of columns cut names short there: "IS fight…")."""

    def show(self, view, cell: str, rulebook=None) -> None:
        rb = titled(rulebook)
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(style="bold", overflow="fold", ratio=1)
        table.add_column(justify="right", no_wrap=True)
        for name, value in cell_rows(view, cell, rb):
            table.add_row(name, value)
        self.update(table)
        self.border_title = rb.title(cell)


def bound_keys(screen: Screen) -> set[str]:
    """Every key the screen, the app or the focused widget binds, a command's key even while its
    command is unavailable (the console's a with no takeover asked for): such a key never types."""
    keys = {key for key in screen.app.active_bindings}
    for cls in (type(screen), type(screen.app)):
        for klass in cls.__mro__:
            for b in klass.__dict__.get("BINDINGS", ()):
                if isinstance(b, Binding):
                    keys.update(k.strip() for k in b.key.split(","))
    return keys


def typed_outside(screen: Screen, event: events.Key) -> str | None:
    """The character a key pressed outside any text box types into the message box (type-to-write),
    or None: a key some binding means (a command), a key typed in a box already, a space (a message
    starts with a word: a space in a list is no message), or not a character at all. A newcomer
    who starts typing a sentence anywhere writes it instead of pressing commands letter by letter."""
    if isinstance(screen.focused, Input) or not event.is_printable or not event.character:
        return None
    if event.character.isspace() or event.key in bound_keys(screen):
        return None
    return event.character


def type_into(screen: Screen, box: Input, character: str) -> None:
    """Focus the message box at once (the next key goes there, not to the list) and type there."""
    screen.set_focus(box)
    box.cursor_position = len(box.value)
    box.insert_text_at_cursor(character)


class ConfirmGiveScreen(ModalScreen[bool]):
    """Give these orders? Opens on Keep choosing: a stray Enter gives nothing. Tab then Enter, or g
    again, gives them; Esc goes back to choosing."""

    BINDINGS = [Binding("escape", "cancel", "Keep choosing"), Binding("g", "give", "Give them"),
                Binding("tab", "app.focus_next", "Next button", show=False),
                Binding("shift+tab", "app.focus_previous", "Previous button", show=False)]
    ABOUT = ("g (or Tab to Give, then Enter) gives the orders listed; Esc or Enter on Keep choosing goes back "
             "to choosing them. Until the last cell has given its orders, giving them again replaces them.")

    def __init__(self, lines: list[str]):
        super().__init__(classes="replay-modal")
        self.lines = lines

    def compose(self) -> ComposeResult:
        what = f"these {len(self.lines)} orders" if len(self.lines) > 1 else "this order" if self.lines else "no orders this turn"
        with Vertical(classes="replay-modal-box", id="remote-confirm"):
            yield Label(f"[b]Give {what}?[/]")
            yield Static("\n".join(escape(line) for line in self.lines) or "Giving no orders is allowed.")
            with Horizontal(classes="replay-buttons"):
                # Keep choosing first, with the focus: the orders cannot be taken back once the turn resolves
                yield Button("Keep choosing (Esc)", id="cancel", variant="primary")
                yield Button("Give (g)", id="give", variant="warning")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "give")

    def action_give(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


def said_line(m: dict[str, Any]) -> str:
    """A channel message as one entry of a log (Rich markup): its channel and sender in words."""
    who = SHORT.get(m["from"], m["from"])
    return f"[dim]{escape('[' + channel_title(m['channel']) + ']')}[/] [b]{escape(who)}[/]: {escape(m['text'])}"


def stand_in_words(seat: str, records: list[dict[str, Any]], timed_out: bool) -> str:
    """What a cell is told when a bot gave its orders for it: the orders carried out, from the
    records of that turn (a stand-in's orders are recorded as the cell's own orders)."""
    rb = titled(None)
    orders = [r for r in records if r.get("kind") == "order" and r.get("cell") == seat]
    listed = "; ".join(str(r.get("title") or rb.title(str(r.get("ref"))))
                       + (f" in {rb.where_title(r.get('theatre'))}" if r.get("theatre") else "") for r in orders)
    why = "Time was up" if timed_out else "The White Cell ended your orders phase"
    return f"{why}: your orders were given by a stand-in bot: {listed or 'no orders'}."
