"""Objectives, and the end of the game: every cell's score and the after-action report."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Header, Label, Static

from wargame.analysis.futures import ODDS_RUNS, Futures, outcome_of, placing
from wargame.engine.model import CELL_TITLES, CELLS, STAGES
from wargame.engine.rulebook import ROOT
from wargame.engine.turn import new_game
from wargame.record import report
from wargame.table.session import Session
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.futures import FuturesRun


def objectives_rows(session: Session, seat: str = "public") -> list[tuple[str, str, str, str]]:
    """(cell, objective, points, what it asks) as ``seat`` can work them out from its view: a
    range of points where it cannot know (exact for the facilitator, and for everyone at the end)."""
    return [(CELL_TITLES[p.objective.cell], p.objective.title, str(p), p.objective.text)
            for cell in CELLS for p in session.objective_points(seat, cell)]


def longest_word(*texts: str) -> int:
    """The width of the longest word in ``texts``: a column at least this wide wraps between
    words and never folds one in two ("calipha/te")."""
    return max((len(w) for t in texts for w in t.split()), default=1)


def objectives_table(session: Session, seat: str = "public") -> Table:
    """The objectives as a table whose columns wrap at word boundaries (never cut mid-word): each
    column is at least as wide as its longest word, its header's included."""
    rows = objectives_rows(session, seat)
    table = Table(expand=True, show_lines=False, header_style="bold", pad_edge=False)
    # no ratios: Rich then narrows the widest wrapping column first, down to its longest word
    for i, head in enumerate(("Cell", "Objective", "Points", "What it asks")):
        table.add_column(head, min_width=longest_word(head, *(r[i] for r in rows)), no_wrap=head == "Points",
                         justify="right" if head == "Points" else "left")
    for row in rows:
        table.add_row(*row)
    return table


class ObjectivesScreen(Screen[None]):
    """Every cell's objectives, with the points they would score on the board now, as ``seat``
    (by default the whole room) can work them out: a range where it cannot know."""

    BINDINGS = [Binding("escape,enter,o", "close", "Close")]
    ABOUT = ("Every cell's objectives, with the points each would score if the game ended now, as far as this "
             "seat can work them out: a range where it cannot know.")

    def __init__(self, session: Session, seat: str = "public"):
        super().__init__()
        self.session = session
        self.seat = seat

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Objectives: points if the game ended now (a range where it cannot be known)",
                    classes="screen-title")
        with VerticalScroll(id="objectives-box"):
            yield Static(id="objectives")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Objectives"
        self.query_one("#objectives", Static).update(objectives_table(self.session, self.seat))

    def action_close(self) -> None:
        self.dismiss()


def report_path(session: Session) -> Path:
    if session.save is not None:
        return session.save.with_name(session.save.stem + ".report.md")
    return ROOT / "saves" / f"{session.game.header.game or 'game'}.report.md"



class EndScreen(Screen[None]):
    """The game is over: scores per cell, the outcome, the game against the odds (bot games from
    the same start, played in a worker), and the report written for the debrief."""

    BINDINGS = [
        Binding("r", "replay", "Replay this game"),
        # as on the start screen, where it leads: a second game without restarting the program
        Binding("ctrl+n", "new_game", "New game", tooltip="Back to the start screen, for another game"),
        Binding("escape", "stop_odds", "Stop the odds", tooltip="Stop playing the bot games (those played are kept)"),
        # q quits (as ctrl+q); Esc never does: a habitual Esc must not close the program unasked
        Binding("q", "app.quit", "Quit", show=False),
    ]
    ABOUT = ("The game is over: the outcome, every cell's score (exact now), the game against the odds (where it "
             "falls among bot games played from the same start: Esc stops them early), and where the after-action "
             "report was written for the debrief. r replays the game step by step, as the White Cell saw it. "
             "ctrl+n goes back to the start screen for another game (this one stays saved). q quits the program; Esc does not.")

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.written: Path | None = None
        self.odds: Futures | None = None

    def compose(self) -> ComposeResult:
        s = self.session
        h = s.game.header
        yield Header()
        yield Label("The game is over", classes="screen-title")
        with VerticalScroll():
            yield Static(id="outcome")
            yield Label("Against the odds: the game as played, among bot games from the same start", id="odds-title")
            yield FuturesRun(s.rulebook, new_game(s.rulebook, h.scenario, h.seed), ODDS_RUNS,  # as many as report --odds
                             what="games", id="odds-run")
            yield Static("", id="odds-text")
            yield Static(id="report")
            yield Static(id="objectives")
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_odds":  # else Esc does nothing (q quits)
            return self.is_mounted and self.query_one("#odds-run", FuturesRun).running
        return True

    @on(FuturesRun.Done, "#odds-run")
    def _odds(self, event: FuturesRun.Done) -> None:
        self.odds = event.futures
        self.refresh_bindings()
        text = self.query_one("#odds-text", Static)
        if not event.futures.runs:
            text.update("[$text-muted]No bot game was played.[/]")
            return
        s = self.session
        lines = placing(outcome_of(s.rulebook, s.state), event.futures)
        text.update("\n".join(f"• {escape(line)}" for line in lines))

    def action_stop_odds(self) -> None:
        self.query_one("#odds-run", FuturesRun).cancel()

    def on_mount(self) -> None:
        s = self.session
        self.title = "End of the game"
        t = s.state.tally
        totals = {c: sum(x.points for x in s.scores(c)) for c in CELLS}
        most = {c: sum(x.of for x in s.scores(c)) for c in CELLS}
        lines = [
            f"AQ–IS relation at the end: [b]{STAGES[s.state.relation.stage]}[/b]"
            + (f" (autonomy {s.state.relation.autonomy})" if s.state.relation.stage in (2, 3) else ""),
            "Rapprochement: " + (f"turn {t.rapprochement_turn} ({s.quarter(t.rapprochement_turn)})"
                                 if t.rapprochement_turn >= 0 else "none"),
            f"Offshoots formed {t.offshoots_formed}, absorbed by AQ {t.offshoots_absorbed}; second splits "
            f"{t.second_splits}; peak brutality {t.peak_brutality}",
            "",
            "Scores: " + "; ".join(f"{CELL_TITLES[c]} {totals[c]}/{most[c]}" for c in CELLS),
        ]
        self.query_one("#outcome", Static).update("\n".join(lines))
        self.call_after_refresh(self.refresh_bindings)  # the odds are being played: Esc stops them
        self.query_one("#objectives", Static).update(objectives_table(s, "white"))  # the debrief: final and exact
        path = report_path(s)
        from wargame.files import FileProblem, Kind, write_file

        try:  # never over a file that is not an earlier report (a save, the facilitator's notes...)
            write_file(path, report.markdown(s.game), Kind("a report", report.is_markdown_report))
            self.written = path
            self.query_one("#report", Static).update(f"The after-action report is in {escape(str(path))}.")
        except FileProblem as e:
            self.query_one("#report", Static).update(f"Could not write the report: {escape(str(e))}")

    def action_new_game(self) -> None:
        """Back to the start screen for another game: this one is saved, and its save is let go
        (the odds being played stop with this screen)."""
        from wargame.tui.screens.start import StartScreen

        app = self.app
        self.session.close()
        app.switch_to(StartScreen(app.rulebook, app.start_seed))  # type: ignore[attr-defined]

    def action_replay(self) -> None:
        from wargame.tui.screens.lock import unlock_then
        from wargame.tui.screens.replay import ReplayScreen

        s = self.session
        unlock_then(self.app, s.game.header.white_lock,
                    lambda: self.app.push_screen(ReplayScreen(s.rulebook, s.game, s.save)),
                    "the replay (every cell's secrets)")
