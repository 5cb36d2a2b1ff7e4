"""The facilitator's replay viewer: a game step by step, as the White Cell saw it.

The timeline on the left lists every step of the log: each command as it was applied (a turn's
events, each cell's orders, the adjudication, and the White Cell's injects, overrides and notes).
The right shows the step under the cursor: what it was, what changed on the board since the step
before, and every record it produced with its explanation; or (s) the whole board as it stood
after the step. 1 to 4 show beside it the step as one cell saw it (its estimates, what it was
told, its orders and why: :mod:`wargame.tui.screens.replay_seat`); below 120 columns one pane
at a time, e swapping the truth and the cell's view (:mod:`wargame.tui.screens.replay_panes`).
j, [ and ] jump to a turn, b to a bookmark (:mod:`wargame.tui.bookmarks`). ``f`` forks a new
game from the step (or from the start of its turn), with new seats
(:mod:`wargame.tui.screens.replay_fork`); ``n`` plays bot games on from the step and shows how
they ended (:mod:`wargame.tui.screens.futures`).

Stepping only redraws the panes on the right; the timeline is built once. What a step shows is
worked out the first time it is shown and kept.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.adjudication import Adjudication
from wargame.engine.rulebook import Rulebook
from wargame.record.game import Game
from wargame.tui import bookmarks
from wargame.tui.forks import ForkChoice
from wargame.tui.screens.replay_fork import ask_fork, fork_and_play
from wargame.tui.screens.replay_modals import REPLAY_ABOUT, BookmarkPicker, TurnPrompt
from wargame.tui.screens.replay_panes import ReplayBoard, panes, seat_line
from wargame.tui.screens.replay_seat import seat_pane
from wargame.tui.screens.replay_steps import StepView, StepViews, timeline_markup
from wargame.tui.screens.why import WhyScreen
from wargame.tui.widgets.board import TheatreTable
from wargame.tui.widgets.footer import KeysFooter


class ReplayScreen(Screen[None]):
    """A saved game, step by step: the timeline, each step's changes and records, the board."""

    BINDINGS = [
        Binding("left,h", "step(-1)", "Step", key_display="←→", priority=True, tooltip="Previous step"),
        Binding("right,l", "step(1)", "Next step", show=False, priority=True),
        Binding("home", "first", "First step", show=False, priority=True),
        Binding("end", "last", "Last step", show=False, priority=True),
        Binding("right_square_bracket", "turn_step(1)", "Next turn", show=False),
        Binding("left_square_bracket", "turn_step(-1)", "Previous turn", show=False),
        Binding("j", "jump_turn", "Turn", show=False, tooltip="Jump to a turn"),
        Binding("b", "bookmarks", "Bookmark", show=False, tooltip="Jump to a bookmark"),
        Binding("y", "why", "Why?"),
        Binding("s", "toggle_board", "Board"),
        Binding("1", "seat('is')", "Cells", key_display="1-4", tooltip="As the Islamic State saw it"),
        Binding("2", "seat('aq')", "As al-Qaeda saw it", show=False),
        Binding("3", "seat('coalition')", "As the Coalition saw it", show=False),
        Binding("4", "seat('governments')", "As the Local Governments saw it", show=False),
        Binding("0", "seat('')", "Truth only", show=False, tooltip="The White Cell's truth only (no cell's view beside it)"),
        Binding("e", "swap", "Swap", tooltip="Swap the truth and the cell's view (one pane at a time, below 120 columns)"),
        Binding("n", "futures", "What next", tooltip="What next from here: bot games played on from this step"),
        Binding("f", "fork", "Fork", tooltip="Fork a new game from here, choosing who sits in each seat"),
        Binding("escape", "back", "Back", show=False),
    ]
    ABOUT = REPLAY_ABOUT
    HELP_TITLE = "the replay viewer"
    # Below 120 columns the board takes the whole width when shown; from 180 it sits beside the step.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-normal"), (180, "-wide")]

    def __init__(self, rulebook: Rulebook, game: Game, path: Path | None):
        super().__init__()
        self.rulebook = rulebook
        self.game = game
        self.path = Path(path) if path is not None else None
        self.steps = game.steps
        self.index = 0
        self.seat: str | None = None  # the cell whose view is shown beside the truth (1-4), if any
        self.truth_first = False  # below 120 columns, one pane: the truth (e) rather than the cell's view
        self._seat_panes: dict[tuple[int, str], str] = {}
        self.records: tuple[Adjudication, ...] = ()
        self._views: dict[int, StepView] = {}
        self._record_options: dict[int, list[Option | None]] = {}
        self._board_shown_for: int | None = None
        self.step_views = StepViews(rulebook, game)
        self.scenario = rulebook.scenarios[game.header.scenario]
        self.turn_starts = bookmarks.turn_starts(self.steps)  # the first step of each turn

    # layout

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="replay-body"):
            with Vertical(id="replay-left"):
                yield Label("", id="replay-timeline-title")
                yield OptionList(id="replay-timeline")
            with Vertical(id="replay-right"):
                yield Static("", id="replay-heading")
                with Horizontal(id="replay-panes"):
                    with Vertical(id="replay-step"):
                        with VerticalScroll(id="replay-top"):
                            yield Static("", id="replay-what")
                            yield Static("", id="replay-changes")
                        yield Label("", id="replay-records-title")
                        yield OptionList(id="replay-records")
                    yield ReplayBoard(self.rulebook, id="replay-board")
                    with VerticalScroll(id="replay-seat"):
                        yield Static("", id="replay-seat-text")
        yield KeysFooter()  # Help and Quit stay in view at 60x20

    def on_mount(self) -> None:
        h = self.game.header
        self.title = h.exercise or self.scenario.title
        where = self.path.name if self.path is not None else "an unsaved game"
        fork = f", a fork of {h.parent.game} at turn {h.parent.turn}" if h.parent else ""
        self.sub_title = f"Replay of {where}{fork}"
        timeline = self.query_one("#replay-timeline", OptionList)
        options: list[Option | None] = []
        starts = set(self.turn_starts.values())
        for i, s in enumerate(self.steps):
            options.append(Option(timeline_markup(self.rulebook, s)))
            if i + 1 in starts:
                options.append(None)  # a rule between two turns
        timeline.add_options(options)
        self.query_one("#replay-timeline-title", Label).update(
            f"[b]Timeline[/] ({len(self.steps)} steps)")
        timeline.focus()
        if self.steps:
            timeline.highlighted = 0
        if self.steps:
            self.show_step(0)
        else:
            self.query_one("#replay-heading", Static).update("This game has no steps yet: nothing to replay.")

    # what a step shows (worked out by StepViews, kept here)

    def step_view(self, i: int) -> StepView:
        sv = self._views.get(i)
        if sv is None:
            sv = self._views[i] = self.step_views.make(i)
        return sv

    # showing a step

    def show_step(self, i: int) -> None:
        """Show step ``i``: the timeline's cursor, and the panes on the right (only those)."""
        if not self.steps:
            return
        i = max(0, min(i, len(self.steps) - 1))
        self.index = i
        timeline = self.query_one("#replay-timeline", OptionList)
        if timeline.highlighted != i:
            timeline.highlighted = i
        sv = self.step_view(i)
        self.show_heading()
        self.query_one("#replay-what", Static).update(sv.what)
        self.query_one("#replay-changes", Static).update(sv.changes)
        self.query_one("#replay-top", VerticalScroll).scroll_home(animate=False)
        self.records = sv.records
        n = len(sv.records)
        self.query_one("#replay-records-title", Label).update(
            f"[b]Results[/] ({n}): y or Enter on one for why?" if n else "[$text-muted]No results at this step.[/]")
        records = self.query_one("#replay-records", OptionList)
        records.clear_options()
        options = self._record_options.get(i)
        if options is None:  # kept: an option keeps its rendering for the next visit
            options = []
            for p in sv.prompts:
                options += [Option(p), None]
            options = self._record_options[i] = options[:-1]
        records.add_options(options)
        self.query_one("#replay-step").set_class(not n, "-no-records")
        if n:
            records.highlighted = 0
        if self.board_visible():
            self.show_board()
        self.show_seat()

    def show_heading(self) -> None:
        if not self.steps:
            return
        heading = self.step_view(self.index).heading
        if self.seat is not None:
            heading += seat_line(self.seat, self.has_class("-narrow"), self.truth_first)
        self.query_one("#replay-heading", Static).update(heading)

    def seat_text(self, i: int, seat: str) -> str:
        """Step ``i`` as ``seat`` saw it (worked out once)."""
        key = (i, seat)
        text = self._seat_panes.get(key)
        if text is None:
            text = self._seat_panes[key] = seat_pane(self.step_views, i, seat)
        return text

    def show_seat(self) -> None:
        if self.seat is None or not self.steps or not self.query_one("#replay-seat").display:
            return
        self.query_one("#replay-seat-text", Static).update(self.seat_text(self.index, self.seat))
        self.query_one("#replay-seat", VerticalScroll).scroll_home(animate=False)

    def apply_layout(self) -> None:
        """Show the panes :func:`~wargame.tui.screens.replay_panes.panes` says, for the width and what was asked."""
        shown = panes(self.has_class("-narrow"), self.has_class("-wide"), self.has_class("-show-board"),
                      self.seat is not None, self.truth_first)
        self.set_class(self.seat is not None, "-seat")
        self.query_one("#replay-step").display = shown.step
        self.query_one("#replay-board").display = shown.board
        self.query_one("#replay-seat").display = shown.seat
        self.query_one("#replay-left").display = shown.timeline
        self.show_heading()
        if shown.board:
            self.show_board()
        self.show_seat()

    def board_visible(self) -> bool:
        return bool(self.query_one("#replay-board").display)

    def show_board(self) -> None:
        if self._board_shown_for == self.index or not self.steps:
            return
        self._board_shown_for = self.index
        self.query_one("#replay-board", ReplayBoard).show(self.steps[self.index].state)

    @on(OptionList.OptionHighlighted, "#replay-timeline")
    def _timeline_moved(self, event: OptionList.OptionHighlighted) -> None:
        # the cursor as it is now: a message from a step already left behind is ignored
        now = event.option_list.highlighted
        if now is not None and now != self.index:
            self.show_step(now)

    @on(OptionList.OptionSelected, "#replay-timeline")
    def _timeline_selected(self, event: OptionList.OptionSelected) -> None:
        if self.records:
            self.query_one("#replay-records", OptionList).focus()

    @on(OptionList.OptionSelected, "#replay-records")
    def _record_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_why()

    # actions

    def action_step(self, delta: int) -> None:
        self.show_step(self.index + delta)

    def action_first(self) -> None:
        self.show_step(0)

    def action_last(self) -> None:
        self.show_step(len(self.steps) - 1)

    def action_turn_step(self, delta: int) -> None:
        if not self.steps:
            return
        i = bookmarks.turn_step(self.steps, self.turn_starts, self.index, delta)
        if i is not None:
            self.show_step(i)

    def jump_to_turn(self, turn: int) -> bool:
        i = self.turn_starts.get(turn)
        if i is None:
            reached = max(self.turn_starts, default=0)
            self.notify(f"Turn {turn} was not played in this game (it reached turn {reached}).", severity="warning")
            return False
        self.show_step(i)
        return True

    def action_jump_turn(self) -> None:
        if not self.steps:
            return
        current = self.steps[self.index].command.turn
        last = self.steps[-1].state.last_turn

        def chosen(turn: int | None) -> None:
            if turn is not None:
                self.jump_to_turn(turn)

        self.app.push_screen(TurnPrompt(last, current), chosen)

    def bookmark_steps(self) -> list[tuple[str, int, int, str]]:
        """(name, turn, step index, text) of each bookmark in ``game.bookmarks()``."""
        return bookmarks.bookmark_steps(self.game, self.turn_starts)

    def jump_to_bookmark(self, name: str) -> bool:
        for mark, _, index, _ in self.bookmark_steps():
            if mark == name:
                self.show_step(index)
                return True
        return False

    def action_bookmarks(self) -> None:
        marks = self.bookmark_steps()
        if not marks:
            self.notify("This game has no bookmarks (the White Cell adds them with a note during play).")
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.show_step(index)

        self.app.push_screen(BookmarkPicker(marks), chosen)

    def action_why(self) -> None:
        records = self.query_one("#replay-records", OptionList)
        k = records.highlighted
        if not self.records:
            self.notify("This step has no results to explain.")
            return
        record = self.records[k if k is not None and k < len(self.records) else 0]
        self.app.push_screen(WhyScreen(self.rulebook, record, "white"))

    def action_toggle_board(self) -> None:
        if self.has_class("-wide") and self.seat is None:
            self.query_one("#replay-theatres", TheatreTable).focus()
            return
        self.toggle_class("-show-board")
        if self.has_class("-narrow") and self.seat is not None:
            self.truth_first = True  # the board is the truth: shown in the one pane there is
        self.apply_layout()
        if not self.has_class("-show-board") and self.has_class("-narrow"):
            self.query_one("#replay-timeline", OptionList).focus()

    def on_resize(self) -> None:
        self.apply_layout()
        self.refresh_bindings()  # e (swap) only below 120 columns

    # a cell's view beside the truth

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "swap":  # one pane at a time: only below 120 columns, with a cell chosen
            return self.seat is not None and self.has_class("-narrow")
        if action == "futures":  # worked out from the true board: not beside a cell's view
            return self.seat is None
        return True

    def action_seat(self, seat: str) -> None:
        """Show the step as ``seat`` saw it beside the truth ("": the truth only); the same cell
        again: the truth only."""
        if not self.steps:
            return
        self.seat = None if not seat or (seat == self.seat and not self.truth_first) else seat
        self.truth_first = False
        self.apply_layout()
        self.refresh_bindings()

    def action_swap(self) -> None:
        if self.seat is None:
            return
        self.truth_first = not self.truth_first
        self.apply_layout()
        self.refresh_bindings()

    # what next, from the true board

    def action_futures(self) -> None:
        if not self.steps:
            return
        if self.seat is not None:  # from the true board: the White Cell's, not a cell's (0, then n)
            return
        if self.steps[self.index].state.over:
            self.notify("The game is over at this step: nothing is left to play.", title="What next")
            return
        from wargame.tui.screens.futures import FuturesScreen

        self.app.push_screen(FuturesScreen(self.rulebook, self.game, self.index))

    def action_fork(self) -> None:
        if self.steps:
            ask_fork(self, self.rulebook, self.game, self.path, self.index)

    def fork(self, choice: ForkChoice, lock: str | None = None) -> Path | None:
        """Branch the game as ``choice`` says, save the new game beside this one and play it."""
        return fork_and_play(self, self.rulebook, self.game, self.path, self.index, choice, lock)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()

