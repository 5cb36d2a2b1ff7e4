"""Objectives, and the end of the game: every cell's score and the after-action report."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from wargame.engine.model import CELL_TITLES, CELLS, STAGES
from wargame.engine.rulebook import ROOT
from wargame.record import report
from wargame.table.session import Session


def objectives_rows(session: Session, seat: str = "public") -> list[tuple[str, str, str, str]]:
    """(cell, objective, points, what it asks) as ``seat`` can work them out from its view: a
    range of points where it cannot know (exact for the facilitator, and for everyone at the end)."""
    return [(CELL_TITLES[p.objective.cell], p.objective.title, str(p), p.objective.text)
            for cell in CELLS for p in session.objective_points(seat, cell)]


def objectives_table(session: Session, seat: str = "public") -> Table:
    """The objectives as a table whose long column wraps at word boundaries (never cut mid-word)."""
    table = Table(expand=True, show_lines=False, header_style="bold", pad_edge=False)
    table.add_column("Cell", no_wrap=True, ratio=None)
    table.add_column("Objective", ratio=2, overflow="fold")
    table.add_column("Points", no_wrap=True, justify="right")
    table.add_column("What it asks", ratio=4, overflow="fold")
    for cell, title, points, text in objectives_rows(session, seat):
        table.add_row(cell, title, points, text)
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
        yield Footer()

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
    """The game is over: scores per cell, the outcome, and the report written for the debrief."""

    BINDINGS = [Binding("r", "replay", "Replay this game"), Binding("q,escape", "app.quit", "Quit", show=False)]
    ABOUT = ("The game is over: the outcome, every cell's score (exact now), and where the after-action report "
             "was written for the debrief. r replays the game step by step, as the White Cell saw it.")

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("The game is over", classes="screen-title")
        with VerticalScroll():
            yield Static(id="outcome")
            yield Static(id="report")
            yield Static(id="objectives")
        yield Footer()

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
        self.query_one("#objectives", Static).update(objectives_table(s, "white"))  # the debrief: final and exact
        path = report_path(s)
        from wargame.files import FileProblem, Kind, write_file

        try:  # never over a file that is not an earlier report (a save, the facilitator's notes...)
            write_file(path, report.markdown(s.game), Kind("a report", report.is_markdown_report))
            self.written = path
            self.query_one("#report", Static).update(f"The after-action report is in {escape(str(path))}.")
        except FileProblem as e:
            self.query_one("#report", Static).update(f"Could not write the report: {escape(str(e))}")

    def action_replay(self) -> None:
        from wargame.tui.screens.lock import unlock_then
        from wargame.tui.screens.replay import ReplayScreen

        s = self.session
        unlock_then(self.app, s.game.header.white_lock,
                    lambda: self.app.push_screen(ReplayScreen(s.rulebook, s.game, s.save)),
                    "the replay (every cell's secrets)")
