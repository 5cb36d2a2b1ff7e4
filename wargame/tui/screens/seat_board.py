"""The board as one cell sees it, opened from its orders screen (s): the theatres, the AQ-IS
relation and the decks, so a cell chooses "where" with the board in front of it, not from memory.

Everything on it is drawn from that cell's own view (:meth:`Session.view`): what the whole room
sees, and of the AQ-IS relation only what this cell may know; never another cell's secrets."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label

from wargame.engine.model import CELL_TITLES
from wargame.table.session import Session
from wargame.tui.widgets.board import DecksPanel, RelationPanel, TheatreTable
from wargame.tui.widgets.footer import KeysFooter


class SeatBoardScreen(Screen[None]):
    """The board between turns, as ``cell`` may see it; s or Esc goes back to its orders."""

    BINDINGS = [Binding("s,escape", "toggle_board", "Back to the orders")]
    ABOUT = ("The board as your cell sees it: every theatre's ground, oil, groups, grievance, governance, "
             "pressure, reform and peace talks, the AQ-IS relation and the decks. Nothing here is another "
             "cell's secret. s or Esc goes back to your orders.")
    HELP_TITLE = "the board, as your cell sees it"

    def __init__(self, session: Session, cell: str):
        super().__init__()
        self.session = session
        self.cell = cell

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Your cell's view: no other cell's secrets", classes="screen-title")
        yield TheatreTable(id="seat-theatres")
        # the rest scrolls on a short terminal: the theatres, the reason this screen is opened, stay whole
        with VerticalScroll(id="seat-side"), Horizontal(id="seat-panels"):
            yield RelationPanel(id="seat-relation")
            yield DecksPanel(id="seat-decks")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = f"{CELL_TITLES[self.cell]}: the board, {self.session.quarter()}"
        self.sub_title = "for your eyes only"
        self.query_one(TheatreTable).focus()  # ←→ scroll to the columns a narrow terminal cannot show at once

    def on_screen_resume(self) -> None:
        # drawn each time it comes back on top: the White Cell, opened from here, may have changed the board
        self.show_board()

    def show_board(self) -> None:
        """The theatres, the relation and the decks, from the cell's view of the board now."""
        s = self.session
        view = s.view(self.cell)  # the cell's own view: its secrets and the room's, nobody else's
        self.query_one(TheatreTable).show(view)
        self.query_one(RelationPanel).show(view)
        self.query_one(DecksPanel).show(view, {d.id: d.title for d in s.rulebook.decks.values()})

    def action_toggle_board(self) -> None:
        """Back to the cell's orders."""
        self.dismiss()
