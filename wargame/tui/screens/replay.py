"""The facilitator's replay viewer: a game step by step, as the White Cell saw it.

The timeline on the left lists every step of the log: each command as it was applied (a turn's
events, each cell's orders, the adjudication, and the White Cell's injects, overrides and notes).
The right shows the step under the cursor: what it was, what changed on the board since the step
before, and every record it produced with its explanation; or (s) the whole board as it stood
after the step. ``f`` forks a new game from the beginning of the step's turn and plays it on.

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
from wargame.engine.model import CELLS
from wargame.engine.rulebook import ROOT, Rulebook
from wargame.engine.view import view
from wargame.record.commands import Note
from wargame.record.document import SaveError
from wargame.record.game import Game
from wargame.record.save import document, fork_path, new_game_id, write_save
from wargame.tui.screens.modals import WhyScreen
from wargame.tui.screens.replay_modals import REPLAY_ABOUT, BookmarkPicker, ForkPrompt, TurnPrompt
from wargame.tui.screens.replay_steps import StepView, StepViews, timeline_markup
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
        Binding("j", "jump_turn", "Turn"),
        Binding("b", "bookmarks", "Bookmark"),
        Binding("y", "why", "Why?"),
        Binding("s", "toggle_board", "Board"),
        Binding("f", "fork", "Fork"),
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
        self.query_one("#replay-heading", Static).update(sv.heading)
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

    def board_visible(self) -> bool:
        return self.has_class("-show-board") or self.has_class("-wide")

    def show_board(self) -> None:
        if self._board_shown_for == self.index or not self.steps:
            return
        self._board_shown_for = self.index
        v = view(self.steps[self.index].state, "white")
        self.query_one("#replay-theatres", TheatreTable).show(v)
        if v.offshoots:
            offshoots = "[b]Offshoots:[/] " + " · ".join(
                f"{escape(o.id)} in {escape(o.theatre)} ({o.origin}), strength {o.strength}, brutality {o.brutality}"
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
        if self.has_class("-wide"):
            self.query_one("#replay-theatres", TheatreTable).focus()
            return
        self.toggle_class("-show-board")
        if self.has_class("-show-board"):
            self.show_board()
        elif self.has_class("-narrow"):
            self.query_one("#replay-timeline", OptionList).focus()

    def on_resize(self) -> None:
        if self.board_visible():
            self.call_after_refresh(self.show_board)

    def fork_path(self, turn: int) -> Path:
        """A new file beside the save, never one that exists: <stem>-fork-t<turn>[-2, -3…].json."""
        return fork_path(self.path, self.game.header.game, turn, ROOT / "saves")

    def action_fork(self) -> None:
        if not self.steps:
            return
        turn = self.steps[self.index].command.turn
        target = self.fork_path(turn)
        if turn > 1:
            kept = (f"It keeps this game up to the end of turn {turn - 1}, White Cell changes included; "
                    f"then turn {turn} is played again from its events, with the same seats and dice. "
                    f"What the White Cell did during turn {turn} is not carried over.")
        else:
            kept = "It starts this game again from the first turn, with the same seats and dice."
        text = (f"[b]Fork a new game from the start of turn {turn}[/] ({self.scenario.label(turn)})?\n\n{kept}\n\n"
                f"This save is not changed. The new game is saved to:\n[b]{escape(str(target))}[/]\n\n"
                "[$text-muted]Enter: fork and play it · Escape: cancel[/]")

        def chosen(ok: bool | None) -> None:
            if ok:
                self.fork(turn)

        self.app.push_screen(ForkPrompt(text), chosen)

    def fork(self, turn: int) -> Path | None:
        """Fork at the start of ``turn``, save the new game beside this one and play it."""
        from wargame.record.commands import CommandError
        from wargame.table.session import Session

        target = self.fork_path(turn)
        try:
            child = self.game.fork(turn, new_game_id(), str(self.path) if self.path is not None else "")
            doc = document(child)
            write_save(target, doc, new=True)
            session = Session(child.rulebook, child, save=target, created=doc.created)
        except (CommandError, SaveError) as e:
            self.notify(f"Could not fork: {e}", severity="error", timeout=10, markup=False)
            return None
        app = self.app
        app.play(session)
        app.notify(f"Forked at turn {turn}: the new game is saved to {target}", title="Fork", timeout=10)
        return target

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 2:
            self.dismiss()

