"""The game screen: the board as the room may see it, and the flow of a turn at one terminal."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from wargame.bots.bot import Choice
from wargame.engine.model import CELL_TITLES, CELLS, Order
from wargame.record import fog
from wargame.table.session import Session
from wargame.tui.screens.charts import ChartsScreen, SummaryScreen
from wargame.tui.screens.end import EndScreen
from wargame.tui.screens.modals import HandoverScreen, HelpScreen, WalkthroughScreen
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.widgets.board import DecksPanel, RelationPanel, TheatreTable, record_markup


class GameScreen(Screen[None]):
    """Shows the public board between cells' turns and runs the turn: events, each cell's orders
    (humans after a handover, bots in a worker), the adjudication walkthrough, the summary."""

    BINDINGS = [
        Binding("w", "white_cell", "White Cell"),
        Binding("c", "charts", "Charts"),
        Binding("o", "objectives", "Objectives"),
        Binding("f1", "help", "Help"),
        Binding("space", "continue", "Continue"),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.paused = False
        self.busy = False  # a modal or a bot is under way: advance() waits for it
        self.waiting = False  # a turn is over: the room waits on the board for the next one
        # The White Cell's actions are announced: to the room in its next walkthrough, and to a
        # cell on its own (a secret told to it alone, its own exact values) after its handover.
        # Steps of the log before these were told before (a game loaded from a save).
        steps = len(session.game.steps)
        self.announced = steps
        self.told = {cell: steps for cell in CELLS}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="status")
        yield TheatreTable(id="theatres")
        with Horizontal(id="panels"):
            with VerticalScroll(id="last-turn"):
                yield Static("", id="last-records")
            with Vertical(id="side"):
                yield RelationPanel(id="relation")
                yield DecksPanel(id="decks")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_board()
        self.call_later(self.advance)

    # the board

    def refresh_board(self) -> None:
        s = self.session
        v = s.view("public")
        self.title = f"{s.scenario.title}"
        self.sub_title = f"Turn {s.state.turn} of {s.state.last_turn}: {s.quarter()}"
        self.query_one(TheatreTable).show(v)
        self.query_one(RelationPanel).show(v)
        self.query_one(DecksPanel).show(v, {d.id: d.title for d in s.rulebook.decks.values()})
        records = s.last_turn_for("room")
        shown = [r for r in records if r.happened and r.kind in ("card", "rule", "inject", "override")][:12]
        body = "\n".join(record_markup(r).split("\n")[0] for r in shown)
        self.query_one("#last-records", Static).update(
            "[b]Last turn[/b]\n" + (body or "nothing yet") if records else "[b]The board[/b]: no turn played yet.")
        self.set_status()

    def set_status(self, text: str | None = None) -> None:
        s = self.session
        if text is None:
            if s.state.over:
                text = "The game is over."
            elif s.state.phase == "events":
                text = "Next: the events of the turn."
            else:
                nxt = s.next_cell()
                done = ", ".join(CELL_TITLES[c] for c in CELLS if c in s.submitted()) or "none"
                text = f"Orders given: {done}. Next: {s.seat_label(nxt) if nxt else 'adjudication'}."
            if self.paused:
                text = "PAUSED by the White Cell (press w to resume). " + text
        saved = f"  [$text-muted]saved to {s.save}[/]" if s.save else ""
        self.query_one("#status", Label).update(text + saved)

    # the flow of a turn

    def room_news(self) -> list[fog.Announcement]:
        """The White Cell's actions the room has not been told of yet (marked as told now)."""
        game = self.session.game
        news = fog.announcements(game, fog.ROOM, self.announced)
        self.announced = len(game.steps)
        return news

    def private_news(self, cell: str) -> list[fog.Announcement]:
        """What ``cell`` is to be told on its own, since it was last at the keyboard."""
        game = self.session.game
        news = fog.private_announcements(game, cell, self.told[cell])
        self.told[cell] = len(game.steps)
        return news

    def advance(self) -> None:
        if self.paused or self.busy or self.waiting or not self.is_current:
            return
        s = self.session
        rb = s.rulebook
        if s.state.over:
            self.busy = True
            news = self.room_news()
            if news:  # a ruling on the last turn: told before the end
                self.app.push_screen(WalkthroughScreen(rb, "The White Cell", [], announcements=news),
                                     lambda _: self.app.push_screen(EndScreen(s), self._done))
            else:
                self.app.push_screen(EndScreen(s), self._done)
            return
        if s.state.phase == "events":
            records = self.for_the_room(s.run_events())
            news = self.room_news()
            self.refresh_board()
            if not records and not news:
                self.notify(f"Turn {s.state.turn}: no events this quarter.")
                self.call_later(self.advance)
                return
            self.busy = True
            title = f"Turn {s.state.turn}, {s.quarter()}: events"
            self.app.push_screen(WalkthroughScreen(rb, title, records, announcements=news), self._done)
            return
        cell = s.next_cell()
        if cell is None:
            turn, quarter = s.state.turn, s.quarter()
            records = s.resolve()
            news = self.room_news()
            self.refresh_board()
            self.busy = True
            walk = WalkthroughScreen(rb, f"Turn {turn}, {quarter}: adjudication", self.for_the_room(records),
                                     announcements=news)
            self.app.push_screen(walk, lambda _: self.app.push_screen(SummaryScreen(s, turn), self._turn_over))
            return
        self.busy = True
        if s.is_human(cell):
            handover = HandoverScreen(CELL_TITLES[cell], f"Turn {s.state.turn}, {s.quarter()}")

            def orders(_: object = None) -> None:
                self.app.push_screen(OrdersScreen(s, cell), lambda given: self.submit(cell, given or []))

            def ready(_: object = None) -> None:
                news = self.private_news(cell)
                if news:  # only this cell is at the keyboard now
                    title = f"For the {CELL_TITLES[cell]} only: from the White Cell"
                    self.app.push_screen(WalkthroughScreen(rb, title, [], announcements=news), orders)
                else:
                    orders()

            self.app.push_screen(handover, ready)
        else:
            self.set_status(f"{s.seat_label(cell)} is choosing its orders…")
            self.run_bot(cell)

    def for_the_room(self, records) -> list:
        """What is announced to the whole room: every result it may see, less the bookkeeping of
        who paid what for their orders."""
        return [r for r in self.session.records_for("room", records) if r.kind != "budget"]

    def _done(self, _: object = None) -> None:
        self.busy = False
        self.refresh_board()
        self.call_later(self.advance)

    def _turn_over(self, _: object = None) -> None:
        """After the summary the room pauses on the board: a moment for discussion, and for the
        White Cell to override a result of the turn just played, before the next turn begins."""
        self.busy = False
        self.waiting = True
        self.refresh_board()
        self.set_status("Turn done. Space: start the next turn.   w: White Cell.   c: charts.   o: objectives.")

    def action_continue(self) -> None:
        if self.waiting:
            self.waiting = False
            self.set_status()
        self.advance()

    def submit(self, cell: str, orders: list[Order], reasons: tuple[str, ...] = ()) -> None:
        self.session.submit(cell, orders, reasons)
        self._done()

    @work(thread=True, exclusive=True, group="bots")
    def run_bot(self, cell: str) -> None:
        # The bot reads the state and its view only; the screen stays responsive meanwhile.
        choice: Choice = self.session.bot_choice(cell)
        self.app.call_from_thread(self.submit, cell, list(choice.orders), choice.reasons)

    # actions

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen())

    def action_charts(self) -> None:
        self.app.push_screen(ChartsScreen(self.session, seat="public"))

    def action_objectives(self) -> None:
        from wargame.tui.screens.end import ObjectivesScreen

        self.app.push_screen(ObjectivesScreen(self.session))

    def action_white_cell(self) -> None:
        """The White Cell, behind the facilitator's passphrase if the game has one."""
        from wargame.tui.screens.lock import unlock_then

        unlock_then(self.app, self.session.game.header.white_lock, self.open_white_cell)

    def open_white_cell(self) -> None:
        from wargame.tui.screens.white import WhiteCellScreen

        def after(result: str | None) -> None:
            if result == "pause":
                self.paused = not self.paused
            self.refresh_board()
            if result == "forked":
                return
            self.call_later(self.advance)

        self.app.push_screen(WhiteCellScreen(self.session, paused=self.paused), after)
