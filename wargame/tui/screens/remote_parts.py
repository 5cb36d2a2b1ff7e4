"""Parts of a cell's screen in a networked exercise (:mod:`wargame.tui.screens.remote_seat`): a
cell's tracks for a narrow column, and the confirmation before orders are given."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

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


class ConfirmGiveScreen(ModalScreen[bool]):
    """Give these orders? Enter gives them, Esc goes back to choosing."""

    BINDINGS = [Binding("escape", "cancel", "Keep choosing"), Binding("enter", "give", "Give them")]
    ABOUT = ("Enter gives the orders listed; Esc goes back to choosing them. Until the last cell has given "
             "its orders, giving them again replaces them.")

    def __init__(self, lines: list[str]):
        super().__init__(classes="replay-modal")
        self.lines = lines

    def compose(self) -> ComposeResult:
        what = f"these {len(self.lines)} orders" if len(self.lines) > 1 else "this order" if self.lines else "no orders this turn"
        with Vertical(classes="replay-modal-box", id="remote-confirm"):
            yield Label(f"[b]Give {what}?[/]")
            yield Static("\n".join(escape(line) for line in self.lines) or "Giving no orders is allowed.")
            with Horizontal(classes="replay-buttons"):
                yield Button("Give (Enter)", id="give", variant="primary")
                yield Button("Keep choosing (Esc)", id="cancel")
        yield KeysFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "give")

    def action_give(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
