"""What next from here: bot continuations of a step of a replayed game, and how they ended.

From any step of the replay (the White Cell's truth: the games are played on from the true
board), ``runs`` games (200 unless asked otherwise) are played to the end by doctrine bots in a
worker thread, with a progress bar; Esc stops them early and keeps those played. Then how they
ended, in sentences (:meth:`wargame.analysis.futures.Futures.lines`), and one measure at a time as
a chart of how many games ended each way, the game's own course marked on it (a game that has
ended is also placed among them: :func:`wargame.analysis.futures.placing`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.validation import Integer
from textual.widgets import Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from wargame.analysis.futures import DEFAULT_RUNS, MAX_RUNS, Futures, outcome_of, placing
from wargame.engine.rulebook import Rulebook
from wargame.record.game import Game
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.futures import FuturesRun
from wargame.tui.widgets.lists import highlight_first
from wargame.tui.widgets.plots import MEASURES, DistributionPlot

RUNS = DEFAULT_RUNS  # how many games are played unless the facilitator asks for another number

_POSTURES = {"mixed": "postures drawn per game", "cautious": "cautious", "standard": "standard",
             "aggressive": "aggressive"}


def bot_words(spec: str) -> str:
    """A bot of a seat list in words: ``doctrine:mixed`` -> "doctrine bots, postures drawn per game"."""
    kind, _, posture = spec.partition(":")
    kind = {"bot": "random", "human": "people"}.get(kind, kind)
    words = "people" if kind == "people" else f"{kind} bots"
    return f"{words}, {_POSTURES.get(posture, posture)}" if posture else words


def seats_words(seats: str) -> str:
    """A seat list in words: ``all=doctrine:mixed`` -> "doctrine bots, postures drawn per game";
    ``all=doctrine:mixed,is=random`` -> "doctrine bots, postures drawn per game; is: random bots"."""
    parts = []
    for entry in filter(None, (e.strip() for e in seats.split(","))):
        cell, sep, spec = entry.partition("=")
        if not sep:
            cell, spec = "all", entry
        parts.append(bot_words(spec) if cell == "all" else f"{cell}: {bot_words(spec)}")
    return "; ".join(parts) or seats


def futures_lines(f: Futures) -> list[str]:
    """How the games ended, in sentences, the seats they were played with in words (not a seat list)."""
    lines = f.lines()
    raw = f", seats {f.seats}:"
    if lines and lines[0].endswith(raw):
        lines[0] = lines[0][: -len(raw)] + f" by {seats_words(f.seats)}:"
    return lines


class FuturesScreen(Screen[None]):
    """Bot continuations of step ``index`` of ``game`` and how they ended, the game's own course marked."""

    BINDINGS = [
        Binding("escape", "stop", "Stop the games"),
        Binding("escape", "close", "Back to the replay"),
    ]
    ABOUT = ("What next from here: bot games played on from this step to the end, from the true board (the "
             "White Cell's view), each with dice of its own. ↑↓ pick a measure on the left: the chart shows how "
             "many games ended each way, the game as it was played marked in red. Type another number of games "
             "and Enter to play them again. Esc stops the games early (those played are kept), then goes back.")
    HELP_TITLE = "what next from here"

    def __init__(self, rulebook: Rulebook, game: Game, index: int, runs: int | None = None):
        super().__init__()
        self.rulebook = rulebook
        self.game = game
        self.index = index
        self.state = game.steps[index].state
        self.runs = runs or RUNS
        self.futures: Futures | None = None
        # the game's own course: how it ended (or stands, if it has not ended)
        self.actual = outcome_of(rulebook, game.state)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="futures-title", classes="screen-title")
        with Horizontal(id="futures-top"):
            yield FuturesRun(self.rulebook, self.state, self.runs, id="futures-run")
            yield Label("Games:", id="futures-runs-label")
            yield Input(str(self.runs), type="integer", id="futures-runs", compact=True,
                        validators=[Integer(1, MAX_RUNS)], max_length=5)
        with Horizontal(id="futures-body"):
            with VerticalScroll(id="futures-left"):
                yield OptionList(*[Option(m.title, id=m.id) for m in MEASURES], id="futures-measures")
                yield Static("", id="futures-text")
            yield DistributionPlot(id="futures-plot")
        yield KeysFooter()

    def on_mount(self) -> None:
        scenario = self.rulebook.scenarios[self.game.header.scenario]
        state = self.state
        self.title = "What next from here"
        self.sub_title = "White Cell: from the true board"
        when = (f"turn {state.turn} ({scenario.label(state.turn)}), "
                + ("before its events" if state.phase == "events" else "orders being given"))
        self.query_one("#futures-title", Label).update(
            f"What next from step {self.index + 1} of {len(self.game.steps)}: {escape(when)}")
        measures = self.query_one("#futures-measures", OptionList)
        highlight_first(measures)
        measures.focus()
        self.query_one("#futures-text", Static).update("[$text-muted]The games are being played…[/]")
        if self.app.is_headless:
            self.query_one("#futures-runs", Input).cursor_blink = False
        self.call_after_refresh(self.refresh_bindings)  # the games are under way: Esc stops them

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self.query_one(FuturesRun).running if self.is_mounted else False
        if action == "stop":
            return running
        if action == "close":
            return not running
        return True

    # the games

    @on(FuturesRun.Done)
    def _played(self, event: FuturesRun.Done) -> None:
        self.futures = event.futures
        self.refresh_bindings()
        self.show_results()

    def show_results(self) -> None:
        f = self.futures
        if f is None:
            return
        lines = [escape(line) for line in futures_lines(f)]
        mine = self.actual
        if self.game.state.over:
            lines += ["", "[b]The game as it was played[/] (marked in red on the chart):"]
            # (placing() speaks of games "from the same start": these start from this step)
            lines += [f"  {escape(line.replace('from the same start', 'from this step'))}" for line in placing(mine, f)]
        else:
            lines += ["", "[$text-muted]This game has not ended: its course so far is marked, not placed.[/]"]
        self.query_one("#futures-text", Static).update("\n".join(lines))
        self.show_measure()

    def show_measure(self) -> None:
        if self.futures is None or not self.futures.runs:
            return
        options = self.query_one("#futures-measures", OptionList)
        k = options.highlighted or 0
        self.query_one(DistributionPlot).show(MEASURES[k], self.futures, self.actual)

    @on(OptionList.OptionHighlighted, "#futures-measures")
    def _measure(self) -> None:
        self.show_measure()

    @on(Input.Submitted, "#futures-runs")
    def _again(self, event: Input.Submitted) -> None:
        run = self.query_one(FuturesRun)
        try:
            runs = int(event.value)
        except ValueError:
            runs = 0
        if not 1 <= runs <= MAX_RUNS:
            self.notify(f"From 1 to {MAX_RUNS} games, please.", severity="warning")
            return
        if run.running:
            self.notify("The games are still being played: Esc stops them first.")
            return
        self.runs = runs
        self.futures = None
        self.query_one("#futures-text", Static).update("[$text-muted]The games are being played…[/]")
        run.start(runs)
        self.refresh_bindings()
        self.query_one("#futures-measures", OptionList).focus()

    # actions

    def action_stop(self) -> None:
        self.query_one(FuturesRun).cancel()

    def action_close(self) -> None:
        self.dismiss()
