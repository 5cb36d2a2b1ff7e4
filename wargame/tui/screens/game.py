# Over 400 lines, kept whole: the flow of a turn at one terminal is this one screen's (advance).
"""The game screen: the board as the room may see it, and the flow of a turn at one terminal."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Label, Static

from wargame.bots.bot import Choice
from wargame.engine.model import CELL_TITLES, CELLS, Order
from wargame.record import fog
from wargame.record.debrief import weight
from wargame.table.session import Session
from wargame.tui.screens.charts import ChartsScreen, SummaryScreen
from wargame.tui.screens.end import EndScreen
from wargame.tui.screens.modals import HandoverScreen, WalkthroughScreen
from wargame.tui.screens.orders import OrdersScreen
from wargame.tui.widgets.board import THEATRE_LEGEND, DecksPanel, RelationPanel, TheatreTable, record_markup
from wargame.tui.widgets.footer import KeysFooter

HOW_TO_PLAY = """\
A turn is a quarter. Each turn:

1. **Events** are drawn from the decks (Leader Death, Territorial Loss, Reform).
2. **Orders**: each cell in turn gets the keyboard after a handover screen, and picks up to
   three legal orders within its budget, then gives them (**g**, and confirm). Until the last
   cell has given its orders, a cell may take them back to change them (**u** on the handover).
   Bots choose on their own, each order with its reason.
3. **Adjudication**: the results are shown one by one, with the odds, the roll, the rule and
   the paragraph of the article behind it. Press **y** on any result to ask *why?*
4. The **turn summary** shows what changed and why; then the room pauses on the board (a moment for
   discussion, and for the White Cell) until someone presses **space**.

A game of bots only can play on by itself: **p** starts and pauses auto-play, **+** and **-**
set its pace.

The board shows what the whole room may see: every cell's secret tracks as ranges (`6-9`), and
nothing of anyone's pending orders. Odds that read what a cell cannot know exactly are shown as
a band over its estimates (`20%-40%`), and so are the objectives' points (`0-1/2`).

The theatre table's columns (its tooltip says the same; on a narrow screen, Tab to the table and
← and → scroll to the columns that do not fit): {legend}.

**ctrl+q** quits (during a game it asks first: ctrl+q again or Quit): the game is saved after
every step (and a cell's orders as they are picked), and the command that continues it is printed.
""".replace("{legend}", "; ".join(f"**{head}** {meaning}" for head, meaning in THEATRE_LEGEND))

PACES = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0)  # seconds a screen stays up in auto-play


class GameScreen(Screen[None]):
    """Shows the public board between cells' turns and runs the turn: events, each cell's orders
    (humans after a handover, bots in a worker), the adjudication walkthrough, the summary."""

    BINDINGS = [
        Binding("space", "continue", "Continue"),
        Binding("w", "white_cell", "White Cell"),
        Binding("c", "charts", "Charts"),
        Binding("o", "objectives", "Objectives"),
    ]
    ABOUT = HOW_TO_PLAY
    HELP_TITLE = "the board"

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.paused = False
        self.busy = False  # a modal or a bot is under way: advance() waits for it
        # a turn is over (or a saved game was opened between turns): the room waits on the board
        # for the next one
        steps = len(session.game.steps)
        self.waiting = steps > 0 and session.state.phase == "events" and not session.state.over
        self.events_again = session.resumed and session.state.phase == "orders"  # saved after its events
        # The White Cell's actions are announced: to the room in its next walkthrough, and to a
        # cell on its own (a secret told to it alone, its own exact values) after its handover.
        # Steps of the log before these were told before (a game loaded from a save).
        self.announced = steps
        self.told = {cell: steps for cell in CELLS}
        self.autoplay = False
        self.pace_index = PACES.index(2.0)
        self._auto_timer: Timer | None = None

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
        yield KeysFooter()

    def on_mount(self) -> None:
        self.refresh_board()
        self.call_later(self.advance)

    def on_resize(self) -> None:
        self.call_after_refresh(self.query_one(DecksPanel).fit)  # the decks' box, if it fits whole

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":  # paused by the White Cell, nothing goes on until it resumes
            return not self.paused
        return True

    # the board

    def refresh_board(self) -> None:
        s = self.session
        v = s.view("public")
        self.title = f"{s.scenario.title}"
        self.sub_title = f"Turn {s.state.turn} of {s.state.last_turn}: {s.quarter()}"
        self.query_one(TheatreTable).show(v)
        self.query_one(RelationPanel).show(v)
        decks = self.query_one(DecksPanel)
        decks.show(v, {d.id: d.title for d in s.rulebook.decks.values()})
        self.call_after_refresh(decks.fit)  # the relation above it may have grown
        records = s.last_turn_for("room")
        # every record of the turn that did something, the most important first (as a debrief groups them)
        done = sorted((r for r in records if r.happened), key=weight)
        shown = done[:12]
        body = "\n".join(record_markup(r).split("\n")[0] for r in shown)
        if len(done) > len(shown):
            body += f"\n[$text-muted]… and {len(done) - len(shown)} more[/]"
        self.query_one("#last-records", Static).update(
            "[b]Last turn[/b]\n" + (body or "nothing yet") if records else "[b]The board[/b]: no turn played yet.")
        self.set_status()

    def set_status(self, text: str | None = None) -> None:
        s = self.session
        state = s.state
        turn = f"[b]Turn {state.turn}/{state.last_turn}[/] {s.quarter()} · "
        if text is None:
            if state.over:
                text = "The game is over."
            elif self.waiting and self.paused:  # only the White Cell goes on: Space does nothing now
                turn = ""
                text = (f"[b]Turn {state.turn - 1}/{state.last_turn} done.[/] Turn {state.turn} ({s.quarter()}) "
                        "starts once it resumes; meanwhile, talk it over (c charts, o objectives).")
            elif self.waiting:
                turn = ""
                text = (f"[b]Turn {state.turn - 1}/{state.last_turn} done.[/] Space starts turn {state.turn} "
                        f"({s.quarter()}); first, talk it over (w White Cell, c charts, o objectives).")
            elif state.phase == "events":
                text = "Next: the events of the turn."
            else:
                nxt = s.next_cell()
                done = ", ".join(CELL_TITLES[c] for c in CELLS if c in s.submitted()) or "none"
                text = f"Orders given: {done}. Next: {s.seat_label(nxt) if nxt else 'adjudication'}."
            if self.paused:
                text = "[b $warning]PAUSED by the White Cell[/]: nothing goes on until it resumes (w). " + text
            elif self.autoplay:
                text = f"[b $accent]{escape(self.auto_note())}[/]  " + text
        saved = f"  [$text-muted]saved: {escape(s.save.name)}[/]" if s.save else ""
        self.query_one("#status", Label).update(turn + text + saved)

    # auto-play: a game of bots only goes on by itself, a screen every few seconds

    @property
    def pace(self) -> float:
        return PACES[self.pace_index]

    def can_autoplay(self) -> bool:
        return not self.session.has_humans() and not self.session.state.over

    def autoplay_here(self, screen: Screen) -> bool:
        """Auto-play's keys work on the board and the screens of the turn it goes through."""
        return screen is self or isinstance(screen, (WalkthroughScreen, SummaryScreen))

    def auto_note(self) -> str:
        if not self.autoplay:
            return ""
        return f"Auto-play: on, {self.pace:g} s a screen (p pause, + faster, - slower)"

    def toggle_autoplay(self) -> None:
        if not self.can_autoplay():
            return
        self.autoplay = not self.autoplay
        if self.autoplay and self.paused:
            self.notify("The White Cell has paused the game: auto-play goes on once it resumes.")
        if not self.autoplay:
            self.notify("Auto-play paused: Enter and space go on by hand; p plays on.", title="Auto-play")
        self.show_auto_note()
        self.schedule_auto()

    def change_pace(self, step: int) -> None:
        self.pace_index = max(0, min(len(PACES) - 1, self.pace_index + step))
        if not self.autoplay:  # on, the pace is on screen already
            self.notify(f"Auto-play: {self.pace:g} s a screen (p starts it)", title="Auto-play")
        self.show_auto_note()
        self.schedule_auto()

    def show_auto_note(self) -> None:
        screen = self.app.screen
        if isinstance(screen, (WalkthroughScreen, SummaryScreen)):
            screen.auto_note = self.auto_note()
            screen.refresh_record()
        self.set_status()

    def schedule_auto(self) -> None:
        """(Re)start the countdown: the screen on now stays up for one pace."""
        if self._auto_timer is not None:
            self._auto_timer.stop()
            self._auto_timer = None
        if self.autoplay:
            self._auto_timer = self.app.set_timer(self.pace, self.auto_step)

    def auto_step(self) -> None:
        self._auto_timer = None
        if not self.autoplay:
            return
        screen = self.app.screen
        if isinstance(screen, EndScreen):  # played to its end
            self.autoplay = False
            return
        if not self.paused:
            if isinstance(screen, (WalkthroughScreen, SummaryScreen)):
                screen.dismiss()
            elif screen is self and self.waiting:
                self.action_continue()
        self.schedule_auto()

    def push(self, screen: Screen, callback=None) -> None:
        """Show a screen of the turn (auto-play shows it for one pace, all at once)."""
        if isinstance(screen, (WalkthroughScreen, SummaryScreen)):
            screen.auto_note = self.auto_note()
            if self.autoplay and isinstance(screen, WalkthroughScreen):
                screen.show_all = True
        self.app.push_screen(screen, callback)
        if self.autoplay:
            self.schedule_auto()

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
                self.push(WalkthroughScreen(rb, "The White Cell", [], announcements=news),
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
            self.push(WalkthroughScreen(rb, title, records, announcements=news), self._done)
            return
        records = [r for r in s.events_of_this_turn("room") if r.kind != "budget"] if self.events_again else []
        self.events_again = False
        if records:  # a game loaded between its events and its orders: the room sees the events first
            self.busy = True
            self.push(WalkthroughScreen(rb, f"Turn {s.state.turn}, {s.quarter()}: events", records), self._done)
            return
        cell = s.next_cell()
        if cell is None:
            turn, quarter = s.state.turn, s.quarter()
            reasons = s.order_reasons("room")  # worked out on the board the orders were given on
            records = s.resolve()
            news = self.room_news()
            self.refresh_board()
            self.busy = True
            walk = WalkthroughScreen(rb, f"Turn {turn}, {quarter}: adjudication", self.for_the_room(records),
                                     announcements=news, reasons=reasons)
            self.push(walk, lambda _: self.push(SummaryScreen(s, turn), self._turn_over))
            return
        self.busy = True
        if s.is_human(cell):
            again = s.reopened(cell)
            take_back = [] if again else [(c, CELL_TITLES[c]) for c in s.can_take_back()]
            handover = HandoverScreen(CELL_TITLES[cell], f"Turn {s.state.turn}, {s.quarter()}", take_back, again)

            def orders(_: object = None) -> None:
                self.app.push_screen(OrdersScreen(s, cell), lambda given: self.given(cell, given))

            def ready(back: str | None = None) -> None:
                if back:  # a cell takes its orders back: the keyboard goes to it first
                    s.take_back(back)
                    self._done()
                    return
                news = self.private_news(cell)
                if news:  # only this cell is at the keyboard now
                    title = f"For the {CELL_TITLES[cell]} only: from the White Cell"
                    self.app.push_screen(WalkthroughScreen(rb, title, [], announcements=news, seat=cell), orders)
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
        if self.session.state.over:  # the last turn: on to the end of the game
            self._done()
            return
        self.waiting = True
        self.refresh_board()
        self.refresh_bindings()
        if self.autoplay:
            self.schedule_auto()

    def action_continue(self) -> None:
        if self.paused:  # only the White Cell resumes a paused game
            return
        if self.waiting:
            self.waiting = False
            self.set_status()
        self.advance()

    def given(self, cell: str, orders: list[Order] | None) -> None:
        """The orders screen closed: orders given, or (None) a cell that took its orders back
        keeps those it gave before."""
        if orders is None:
            self.session.drop_draft(cell)
            self._done()
            return
        self.submit(cell, orders)

    def submit(self, cell: str, orders: list[Order], reasons: tuple[str, ...] = ()) -> None:
        self.session.submit(cell, orders, reasons)
        self._done()

    @work(thread=True, exclusive=True, group="bots")
    def run_bot(self, cell: str) -> None:
        # The bot reads the state and its view only; the screen stays responsive meanwhile.
        choice: Choice = self.session.bot_choice(cell)
        self.app.call_from_thread(self.submit, cell, list(choice.orders), choice.reasons)

    # actions

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
                if self.paused:
                    self.autoplay = False
            self.refresh_board()
            self.refresh_bindings()
            if result == "forked":
                return
            self.call_later(self.advance)  # only where it was: a turn waiting on the board stays waiting

        self.app.push_screen(WhiteCellScreen(self.session, paused=self.paused), after)
