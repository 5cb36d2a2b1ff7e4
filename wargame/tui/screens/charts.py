"""The turn summary and the charts of the main tracks over time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from wargame.engine.board import GLOBAL_TRACKS, flat_tracks
from wargame.engine.model import State
from wargame.engine.position import formula_values
from wargame.engine.shown import series_visible
from wargame.engine.turn import new_game
from wargame.record.debrief import turn_states
from wargame.table.session import Session
from wargame.tui.screens.modals import WalkthroughScreen
from wargame.tui.widgets.lists import highlight_first

# (label, how to read it off a state and its named tracks and formulas, the names it reads: a
# series is shown to a seat only if the seat may always see all of them exactly, through the
# formulas they read; to the White Cell always, and to everyone once the game is over)
SERIES = (
    ("IS-held territory", lambda s, f, rb: sum(t.territory for t in s.theatres), ()),
    ("oil sites held by IS", lambda s, f, rb: sum(t.oil for t in s.theatres), ()),
    ("IS funds", lambda s, f, rb: f["is_funds"], ("is_funds",)),
    ("IS recruiting", lambda s, f, rb: f["is_recruitment"], ("is_recruitment",)),
    ("IS brutality", lambda s, f, rb: f["is_brutality"], ("is_brutality",)),
    ("AQ standing", lambda s, f, rb: f["aq_standing"], ("aq_standing",)),
    ("AQ affiliates", lambda s, f, rb: sum(t.aq_affiliate for t in s.theatres), ()),
    ("strength of IS", lambda s, f, rb: f.get("is_power", 0.0), ("is_power",)),
    ("strength of AQ", lambda s, f, rb: f.get("aq_power", 0.0), ("aq_power",)),
    ("grievance (average)", lambda s, f, rb: sum(t.grievance for t in s.theatres) / len(s.theatres), ()),
    ("reform (total)", lambda s, f, rb: sum(t.reform for t in s.theatres), ()),
    ("offshoot groups", lambda s, f, rb: len(s.offshoots), ()),
    ("coalition will", lambda s, f, rb: f["coalition_will"], ("coalition_will",)),
)


def series_for(session: Session, seat: str) -> list[tuple[str, list[float]]]:
    """The charts ``seat`` may see: those whose every input it may always see exactly (public
    tracks for the room, its own as well for a cell: see :func:`wargame.engine.shown.series_visible`),
    all for the White Cell (and for everyone once the game is over)."""
    h = session.game.header
    opening = new_game(session.rulebook, h.scenario, h.seed)  # the board before turn 1
    states: list[State] = [opening] + [s for _, s in turn_states(session.game)]
    rb = session.rulebook
    reveal = seat == "white" or session.state.over
    shown = [(label, read) for label, read, reads in SERIES
             if reveal or series_visible(rb, seat, [r for r in reads if r in rb.formula_reads or r in GLOBAL_TRACKS])]
    # each state's tracks and formulas are read once, for every series
    names = [{**flat_tracks(s), **formula_values(rb, s)} for s in states]
    return [(label, [float(read(s, f, rb)) for s, f in zip(states, names)]) for label, read in shown]


class ChartsScreen(Screen[None]):
    BINDINGS = [Binding("escape,enter,c", "close", "Close")]
    ABOUT = ("The main tracks turn by turn, as far as this seat may always see them exactly (the White Cell, "
             "and everyone once the game is over, sees them all).")

    def __init__(self, session: Session, seat: str = "public", heading: str = ""):
        super().__init__()
        self.session = session
        self.seat = seat
        self.heading = heading or "The main tracks, turn by turn"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self.heading, classes="screen-title")
        with VerticalScroll(id="charts"):
            for label, values in series_for(self.session, self.seat):
                last = values[-1] if values else 0
                with Horizontal(classes="chart-row"):
                    yield Label(f"{label}", classes="chart-label")
                    yield Sparkline(values, summary_function=max, classes="chart")
                    yield Label(f"{last:g}" if float(last).is_integer() else f"{last:.1f}", classes="chart-value")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Charts"
        self.sub_title = "what the whole room may see" if self.seat == "public" else self.seat

    def action_close(self) -> None:
        self.dismiss()


class SummaryScreen(Screen[None]):
    """After the walkthrough: what changed this turn, with the records behind each change, and
    the charts. Enter on a changed track lists the results that changed it (why?)."""

    BINDINGS = [
        Binding("enter", "why_track", "Why did it change?", show=True),
        Binding("c", "charts", "Charts"),
        Binding("escape,space", "close", "To the board"),
    ]
    ABOUT = ("What changed this turn on the board the room can see. Enter on a change lists the results that "
             "made it, one by one, with the rule and the article's reasoning. Then the room goes back to the "
             "board, where the next turn starts when someone presses space.")

    def __init__(self, session: Session, turn: int):
        super().__init__()
        self.session = session
        self.turn = turn
        self.auto_note = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Turn {self.turn} summary: {self.session.quarter(self.turn)}", classes="screen-title")
        yield Label("", id="summary-hint")
        with Horizontal(id="summary"):
            yield OptionList(id="changed")
            with VerticalScroll():
                yield Static(id="summary-charts")
        yield Footer()

    def refresh_record(self) -> None:
        """The hint (and auto-play's note, when it is on)."""
        hint = "Enter on a change: which results made it, and why.   Esc or space: back to the board."
        if self.auto_note:
            hint = f"[b $accent]{escape(self.auto_note)}[/]   " + hint
        self.query_one("#summary-hint", Label).update(hint)

    def on_mount(self) -> None:
        self.title = "Turn summary"
        self.refresh_record()
        s = self.session
        records = s.last_turn_for("room")
        changed: dict[str, tuple[int, int]] = {}
        for r in records:
            for name, before, after in r.changes:
                if before < 0 and after < 0:
                    continue  # hidden from the room
                first = changed.get(name, (before, after))[0]
                changed[name] = (first, after)
        options = self.query_one("#changed", OptionList)
        for name, (before, after) in changed.items():
            if before != after:
                options.add_option(Option(f"{escape(s.rulebook.title(name))}: {before} → {after}", id=name))
        if not options.option_count:
            options.add_option(Option("no track the room can see changed", disabled=True))
        charts = []
        for label, values in series_for(s, "public"):
            if len(values) >= 2:
                delta = values[-1] - values[-2]
                arrow = "▲" if delta > 0 else "▼" if delta < 0 else "·"
                charts.append(f"{arrow} {label}: {values[-2]:g} → {values[-1]:g}")
        self.query_one("#summary-charts", Static).update("\n".join(charts) or "The first turn: no trend yet.")
        highlight_first(options)
        options.focus()

    def action_why_track(self) -> None:
        options = self.query_one("#changed", OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        if option.disabled:
            return
        name = option.id
        records = [r for r in self.session.last_turn_for("room")
                   if any(c[0] == name for c in r.changes)]
        title = self.session.rulebook.title(name or "")
        self.app.push_screen(WalkthroughScreen(self.session.rulebook, f"What changed {title}", records))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_why_track()

    def action_charts(self) -> None:
        self.app.push_screen(ChartsScreen(self.session, "public"))

    def action_close(self) -> None:
        self.dismiss()
