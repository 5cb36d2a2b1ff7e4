"""The turn summary and the charts of the main tracks over time.

The charts are :func:`wargame.record.plots.charts` (which series there are, and which a seat may
see: never one that reads another cell's secret track), each drawn with plotext on its own range,
with axes, the scale and the quarter of each turn: a list of the series on the left, the one
under the cursor drawn large on the right.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.engine.numbers import number
from wargame.record.plots import Chart, charts
from wargame.table.session import Session
from wargame.tui.screens.modals import WalkthroughScreen
from wargame.tui.widgets.changes import Change, Changes, ChangesStatic, values_width
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import highlight_first
from wargame.tui.widgets.plots import ChartPlot


def seat_charts(session: Session, seat: str) -> list[Chart]:
    """The charts ``seat`` may see of the game (the room: ``public``)."""
    return charts(session.rulebook, session.game, "public" if seat == "room" else seat)


class ChartsScreen(Screen[None]):
    BINDINGS = [Binding("escape,c", "close", "Close")]
    ABOUT = ("The main tracks turn by turn, as far as this seat may always see them exactly (the White Cell, "
             "and everyone once the game is over, sees them all). ↑↓ pick a track on the left; it is drawn on "
             "the right on its own scale, with the quarter of each turn under it.")

    def __init__(self, session: Session, seat: str = "public", heading: str = ""):
        super().__init__()
        self.session = session
        self.seat = seat
        self.heading = heading or "The main tracks, turn by turn"
        self.charts = seat_charts(session, seat)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self.heading, classes="screen-title")
        with Horizontal(id="charts-body"):
            yield OptionList(*[Option(escape(c.series.title)) for c in self.charts], id="charts-list")
            yield ChartPlot(id="chart")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title = "Charts"
        seat = self.session.rulebook.title(self.seat) if self.seat not in ("public", "room", "white") else ""
        self.sub_title = {"white": "the White Cell: every track"}.get(self.seat, seat or "what the whole room may see")
        options = self.query_one("#charts-list", OptionList)
        if not self.charts:
            options.add_option(Option("no chart this seat may see", disabled=True))
        highlight_first(options)
        options.focus()
        self.show_chart()

    def show_chart(self) -> None:
        k = self.query_one("#charts-list", OptionList).highlighted
        chart = self.charts[k] if k is not None and k < len(self.charts) else None
        self.query_one("#chart", ChartPlot).show(chart)

    @on(OptionList.OptionHighlighted, "#charts-list")
    def _moved(self) -> None:
        self.show_chart()

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
                yield ChangesStatic(id="summary-charts")
                yield Static("", id="summary-charts-note")
        yield KeysFooter()

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
        # a change reads "name: a → b" and never breaks inside "a → b": the values are a column
        rows = [(name, Change(s.rulebook.title(name), str(before), str(after)))
                for name, (before, after) in changed.items() if before != after]
        width = values_width([c for _, c in rows])
        for name, change in rows:
            options.add_option(Option(Changes([change], width), id=name))
        if not options.option_count:
            options.add_option(Option("no track the room can see changed", disabled=True))
        trends = []
        for chart in seat_charts(s, "public"):
            values = chart.values
            if len(values) >= 2:
                delta = values[-1] - values[-2]
                arrow = "▲" if delta > 0 else "▼" if delta < 0 else "·"
                trends.append(Change(f"{arrow} {chart.series.title}", number(values[-2]), number(values[-1])))
        self.query_one("#summary-charts", ChangesStatic).update(Changes(trends, expand=False) if trends else "The first turn: no trend yet.")
        self.query_one("#summary-charts-note", Static).update("\n[$text-muted]c: the charts[/]" if trends else "")
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
