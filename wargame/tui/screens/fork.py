"""The fork screen: where a new game starts, who sits in each seat (see :mod:`wargame.tui.forks`).

It offers to start right after the step on screen (say after a turn's events, before its
orders) or at the start of its turn, before its events; the seats as they were there, each of
which may be changed (a bot's seat taken over by people).
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.rulebook import Rulebook
from wargame.record.game import Game
from wargame.tui.forks import ForkChoice, ForkPoint, seats_at
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import seat_choices


class ForkScreen(ModalScreen[ForkChoice | None]):
    """Fork from the step on screen: where the new game starts, who sits in each seat, and where
    it is saved. Dismisses with the choice, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    ABOUT = ("A new game from here, in a new save beside this one (this save is never changed): it starts "
             "right after the step on screen (say after a turn's events, before the orders) or at the start "
             "of its turn, before its events, with the same dice. Choose who sits in each seat: a bot's seat can "
             "be taken over by people. Tab moves between the fields; Enter on Fork and play starts it.")
    HELP_TITLE = "a fork"

    def __init__(self, rulebook: Rulebook, game: Game, index: int, target: Path):
        super().__init__(classes="replay-modal")
        self.rulebook = rulebook
        self.game = game
        self.index = index
        self.target = target
        self.turn = game.steps[index].command.turn
        self.points = {"here": ForkPoint(game.steps[index].state.turn, index), "turn": ForkPoint(self.turn, None)}

    def compose(self) -> ComposeResult:
        game = self.game
        scenario = self.rulebook.scenarios[game.header.scenario]
        step = game.steps[self.index]
        state = step.state
        after = ("the cells give their orders next" if state.phase == "orders"
                 else f"turn {state.turn} ({scenario.label(state.turn)}) begins next")
        here = self.points["here"]
        seats = seats_at(game, here)
        with Vertical(classes="replay-modal-box", id="fork-box"):
            yield Label("[b]Fork a new game from here[/] (this save is not changed)")
            yield Static(f"Step {self.index + 1} of {len(game.steps)}: turn {self.turn}; after it, {after}.",
                         id="fork-where-text")
            with Horizontal(classes="fork-row"):
                yield Label("Starts:", classes="fork-label")
                yield Select([("right after this step", "here"),
                              (f"at the start of turn {self.turn}, before its events", "turn")],
                             value="here", allow_blank=False, compact=True, id="fork-where")
            yield Label("Who sits in each seat (people may take over a bot's seat):")
            for cell in CELLS:
                with Horizontal(classes="fork-row"):
                    yield Label(CELL_TITLES[cell], classes="fork-label")
                    yield Select(seat_choices(*seats.values()), value=seats[cell], allow_blank=False, compact=True,
                                 id=f"fork-seat-{cell}")
            yield Static(f"Saved to: [b]{escape(str(self.target))}[/]", id="fork-target")
            with Horizontal(classes="replay-buttons"):
                yield Button("Fork and play", id="fork", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeysFooter()  # its own keys, and Help and Quit (not those of the screen under it)

    def on_mount(self) -> None:
        self.query_one("#fork", Button).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "fork-where":
            point = self.points.get(str(event.value))
            if point is not None:  # the seats as they were there
                seats = seats_at(self.game, point)
                for cell in CELLS:
                    self.query_one(f"#fork-seat-{cell}", Select).value = seats[cell]

    def choice(self) -> ForkChoice:
        where = str(self.query_one("#fork-where", Select).value)
        seats = {cell: str(self.query_one(f"#fork-seat-{cell}", Select).value) for cell in CELLS}
        return ForkChoice(self.points[where], seats)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.choice() if event.button.id == "fork" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


