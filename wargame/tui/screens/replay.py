# Over 400 lines: one Screen class whose stepping, seat views, board, forks and what-next share its state (to split next: forks and bookmarks).
"""The facilitator's replay viewer: a game step by step, as the White Cell saw it.

The timeline on the left lists every step of the log: each command as it was applied (a turn's
events, each cell's orders, the adjudication, and the White Cell's injects, overrides and notes).
The right shows the step under the cursor: what it was, what changed on the board since the step
before, and every record it produced with its explanation; or (s) the whole board as it stood
after the step. 1 to 4 show beside it the step as one cell saw it (its estimates, what it was
told, its orders and why: :mod:`wargame.tui.screens.replay_seat`); below 120 columns one pane
at a time, e swapping the truth and the cell's view. ``f`` forks a new game from the step (or
from the start of its turn), with new seats (:mod:`wargame.tui.screens.fork`); ``n`` plays bot
games on from the step and shows how they ended (:mod:`wargame.tui.screens.futures`).

Stepping only redraws the panes on the right; the timeline is built once. What a step shows is
worked out the first time it is shown and kept.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.adjudication import Adjudication
from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.rulebook import ROOT, Rulebook
from wargame.engine.view import view
from wargame.record.commands import Note
from wargame.record.document import SaveError
from wargame.record.game import Game
from wargame.record.save import document, new_game_id, write_save
from wargame.tui.forks import ForkChoice, branch_game, branch_number, branch_path, has_people
from wargame.tui.screens.fork import ForkScreen
from wargame.tui.screens.replay_modals import REPLAY_ABOUT, BookmarkPicker, TurnPrompt
from wargame.tui.screens.replay_seat import seat_heading, seat_pane
from wargame.tui.screens.replay_steps import StepView, StepViews, step_label, timeline_markup
from wargame.tui.screens.why import WhyScreen
from wargame.tui.widgets.board import CellPanel, DecksPanel, RelationPanel, TheatreTable


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
        self.deck_titles = {d.id: d.title for d in rulebook.decks.values()}
        # the first step of each turn, for jumping (a note written later about an earlier turn
        # is not where that turn starts)
        self.turn_starts: dict[int, int] = {}
        for i, s in enumerate(self.steps):
            c = s.command
            if c.turn in self.turn_starts or (isinstance(c, Note) and s.state.turn != c.turn):
                continue
            self.turn_starts[c.turn] = i

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
                    with VerticalScroll(id="replay-board"):
                        yield TheatreTable(id="replay-theatres")
                        yield Static("", id="replay-offshoots")
                        with Horizontal(id="replay-rel-decks"):
                            yield RelationPanel(id="replay-relation")
                            yield DecksPanel(id="replay-decks")
                        with Grid(id="replay-cells"):
                            for cell in CELLS:
                                yield CellPanel(id=f"replay-cell-{cell}", classes="replay-cell")
                    with VerticalScroll(id="replay-seat"):
                        yield Static("", id="replay-seat-text")
        yield Footer(compact=True)

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
            seat = escape(seat_heading(self.seat))
            if not self.has_class("-narrow"):
                heading += (f"\n[$text-muted]Left: the White Cell's truth · right:[/] [b $accent]{seat}[/]"
                            " [$text-muted]· 0: the truth only[/]")
            elif self.truth_first:
                heading += (f"\n[$text-muted]Showing:[/] [b $accent]the White Cell's truth[/] [$text-muted]· e: "
                            f"{seat[0].lower()}{seat[1:]} · 0: truth only[/]")
            else:
                heading += f"\n[$text-muted]Showing:[/] [b $accent]{seat}[/] [$text-muted]· e: the truth · 0: truth only[/]"
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
        """Which panes show, for the width and what was asked: the step (the truth), the board
        (s), a cell's view (1-4); below 120 columns one pane at a time (e swaps the truth and the
        cell's view), from 180 the board beside the step."""
        narrow, wide = self.has_class("-narrow"), self.has_class("-wide")
        board = self.has_class("-show-board")
        seat = self.seat is not None
        seat_shown = seat and not (narrow and self.truth_first)
        if narrow and seat_shown:
            step_shown, board_shown = False, False
        elif seat or not wide:
            step_shown, board_shown = not board, board
        else:
            step_shown, board_shown = True, True
        self.set_class(seat, "-seat")
        self.query_one("#replay-step").display = step_shown
        self.query_one("#replay-board").display = board_shown
        self.query_one("#replay-seat").display = seat_shown
        self.query_one("#replay-left").display = not (narrow and board and not seat_shown)
        self.show_heading()
        if board_shown:
            self.show_board()
        self.show_seat()

    def board_visible(self) -> bool:
        return bool(self.query_one("#replay-board").display)

    def show_board(self) -> None:
        if self._board_shown_for == self.index or not self.steps:
            return
        self._board_shown_for = self.index
        v = view(self.steps[self.index].state, "white")
        rb = self.rulebook
        self.query_one("#replay-theatres", TheatreTable).show(v)
        if v.offshoots:
            offshoots = "[b]Offshoots:[/] " + " · ".join(
                f"{escape(rb.title(o.id))} in {escape(rb.where_title(o.theatre))} ({escape(rb.title(o.origin).lower())}), "
                f"strength {o.strength}, brutality {o.brutality}"
                for o in v.offshoots)
        else:
            offshoots = "[b]Offshoots:[/] none in play"
        self.query_one("#replay-offshoots", Static).update(offshoots)
        self.query_one("#replay-relation", RelationPanel).show(v)
        self.query_one("#replay-decks", DecksPanel).show(v, self.deck_titles)
        for cell in CELLS:
            self.query_one(f"#replay-cell-{cell}", CellPanel).show(v, cell)

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
        turn = self.steps[self.index].command.turn
        starts = sorted(self.turn_starts.items())
        if delta > 0:
            later = [i for t, i in starts if t > turn]
            if later:
                self.show_step(later[0])
        else:
            start = self.turn_starts.get(turn, self.index)
            if self.index > start:
                self.show_step(start)  # first back to the start of this turn
            else:
                earlier = [i for t, i in starts if t < turn]
                if earlier:
                    self.show_step(earlier[-1])

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
        out = []
        for name, turn in self.game.bookmarks().items():
            note_step = None
            for i, s in enumerate(self.steps):
                c = s.command
                if isinstance(c, Note) and c.bookmark == name and c.turn == turn:
                    note_step = (i, s)  # the last one with the name wins, as in bookmarks()
            text = note_step[1].command.text if note_step else ""
            if note_step is not None and note_step[1].state.turn == turn:
                index = note_step[0]  # written at that turn: the note's own step
            else:
                index = self.turn_starts.get(turn, note_step[0] if note_step else 0)
            out.append((name, turn, index, text))
        return sorted(out, key=lambda m: (m[2], m[0]))

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

    def branch_path(self) -> Path:
        """A new file beside the save, never one that exists: <stem>-branch-2.json (-3, -4…)."""
        return branch_path(self.path, self.game.header.game, ROOT / "saves")

    def action_fork(self) -> None:
        if not self.steps:
            return

        def chosen(choice: ForkChoice | None) -> None:
            if choice is None:
                return
            if has_people(choice.seats) and not self.game.header.white_lock:
                from wargame.tui.screens.lock import LockSetupScreen

                # people will sit at the table: the facilitator locks the White Cell (or plays solo)
                self.app.push_screen(LockSetupScreen(), lambda lock: self.fork(choice, lock))
            else:
                self.fork(choice)

        self.app.push_screen(ForkScreen(self.rulebook, self.game, self.index, self.branch_path()), chosen)

    def fork(self, choice: ForkChoice, lock: str | None = None) -> Path | None:
        """Branch the game as ``choice`` says, save the new game beside this one and play it."""
        from wargame.record.commands import CommandError
        from wargame.table.session import Session

        target = self.branch_path()
        try:
            where = choice.point.words(self.game, step_label(self.rulebook, self.steps[self.index]))
            child = branch_game(self.game, choice.point, choice.seats, new_game_id(),
                                str(self.path) if self.path is not None else "", branch_number(target), lock, where)
            if child.state.over:
                self.notify("The game is over there: nothing is left to play.", severity="warning")
                return None
            doc = document(child)
            write_save(target, doc, new=True)
            session = Session(child.rulebook, child, save=target, created=doc.created)
        except (CommandError, SaveError) as e:
            self.notify(f"Could not fork: {e}", severity="error", timeout=10, markup=False)
            return None
        app = self.app
        app.play(session)
        taken = [CELL_TITLES[c] for c in CELLS if session.is_human(c)]
        people = f"; people play {', '.join(taken)}" if taken else ""
        app.notify(f"Forked at {where}{people}: the new game is saved to {target}",
                   title="Fork", timeout=10, markup=False)
        return target

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()

