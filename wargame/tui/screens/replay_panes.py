"""The replay viewer's right-hand panes: the whole board after a step (s), and which panes show
at each width beside the step (the truth) and a cell's view (1-4).

Below 120 columns one pane shows at a time (e swaps the truth and the cell's view); from 180
columns the board sits beside the step. :class:`~wargame.tui.screens.replay.ReplayScreen` asks
:func:`panes` what to show and :class:`ReplayBoard` draws the board.
"""

from __future__ import annotations

from attrs import frozen
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.markup import escape
from textual.widgets import Static

from wargame.engine.model import CELLS, State
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import View, view
from wargame.tui.screens.replay_seat import seat_heading
from wargame.tui.widgets.board import CellPanel, DecksPanel, RelationPanel, TheatreTable


@frozen
class Panes:
    """Which panes show: the step, the board, the cell's view, the timeline on the left."""

    step: bool
    board: bool
    seat: bool
    timeline: bool


def panes(narrow: bool, wide: bool, board: bool, seat: bool, truth_first: bool) -> Panes:
    """Which panes show below 120 columns (``narrow``), from 180 (``wide``) or between, with the
    board asked for (s) or not, a cell's view chosen (1-4) or not, and (below 120 columns) the
    truth rather than the cell's view (e)."""
    seat_shown = seat and not (narrow and truth_first)
    if narrow and seat_shown:
        step_shown, board_shown = False, False
    elif seat or not wide:
        step_shown, board_shown = not board, board
    else:
        step_shown, board_shown = True, True
    return Panes(step_shown, board_shown, seat_shown, not (narrow and board and not seat_shown))


def seat_line(seat: str, narrow: bool, truth_first: bool) -> str:
    """The heading's second line with a cell's view chosen: what shows where, and the keys."""
    name = escape(seat_heading(seat))
    if not narrow:
        return (f"\n[$text-muted]Left: the White Cell's truth · right:[/] [b $accent]{name}[/]"
                " [$text-muted]· 0: the truth only[/]")
    if truth_first:
        return (f"\n[$text-muted]Showing:[/] [b $accent]the White Cell's truth[/] [$text-muted]· e: "
                f"{name[0].lower()}{name[1:]} · 0: truth only[/]")
    return f"\n[$text-muted]Showing:[/] [b $accent]{name}[/] [$text-muted]· e: the truth · 0: truth only[/]"


def offshoots_markup(rulebook: Rulebook, v: View) -> str:
    if not v.offshoots:
        return "[b]Offshoots:[/] none in play"
    rb = rulebook
    return "[b]Offshoots:[/] " + " · ".join(
        f"{escape(rb.title(o.id))} in {escape(rb.where_title(o.theatre))} ({escape(rb.title(o.origin).lower())}), "
        f"strength {o.strength}, brutality {o.brutality}"
        for o in v.offshoots)


class ReplayBoard(VerticalScroll):
    """The whole board as it stood after a step, as the White Cell saw it: the theatres, the
    offshoots, the relation, the decks and each cell's tracks."""

    def __init__(self, rulebook: Rulebook, *, id: str):
        super().__init__(id=id)
        self.rulebook = rulebook
        self.deck_titles = {d.id: d.title for d in rulebook.decks.values()}

    def compose(self) -> ComposeResult:
        yield TheatreTable(id="replay-theatres")
        yield Static("", id="replay-offshoots")
        with Horizontal(id="replay-rel-decks"):
            yield RelationPanel(id="replay-relation")
            yield DecksPanel(id="replay-decks")
        with Grid(id="replay-cells"):
            for cell in CELLS:
                yield CellPanel(id=f"replay-cell-{cell}", classes="replay-cell")

    def show(self, state: State) -> None:
        v = view(state, "white")
        self.query_one("#replay-theatres", TheatreTable).show(v)
        self.query_one("#replay-offshoots", Static).update(offshoots_markup(self.rulebook, v))
        self.query_one("#replay-relation", RelationPanel).show(v)
        self.query_one("#replay-decks", DecksPanel).show(v, self.deck_titles)
        for cell in CELLS:
            self.query_one(f"#replay-cell-{cell}", CellPanel).show(v, cell)
