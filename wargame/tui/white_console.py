"""The White Cell's console in a networked exercise (``wargame join`` with the White Cell's code).

The facilitator sees the whole board (the server sends the White Cell everything: each track
exact), who is connected, whose orders are awaited, every channel's messages grouped by channel
(replying on its own, ``<cell>-white``), the time limit counting down, and the results of the last
turn; and uses its powers, each a message of the protocol (docs/protocol.md): pause and resume,
a time limit, ending a cell's orders, revoking a code (the new code is shown), approving a
takeover, injecting a card, setting a track, overriding a result. What the server refuses comes
back as an ``error``, shown in words. The board is drawn by the table's own widgets
(:mod:`wargame.tui.widgets.board`); the requests' forms are in
:mod:`wargame.tui.screens.white_console_forms`.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, OptionList, RichLog, Static, TabbedContent, TabPane

from wargame.engine.model import CELLS
from wargame.net.client import Client, view_from_payload
from wargame.net.protocol import ApproveTakeover, ClientMessage, NextTurn, Pause, Resume
from wargame.net.server import CHANNEL_SEATS, WHITE
from wargame.tui.screens.white_console_channels import ConsoleChannels
from wargame.tui.screens.white_console_forms import (
    EndOrdersForm,
    InjectForm,
    OverrideForm,
    RevokeForm,
    TakeoverForm,
    TimeLimitForm,
    TrackForm,
    cells_owing,
    overridable,
    seats_with_codes,
)
from wargame.tui.screens.white_console_words import SHORT, all_channels, notice_of, result_markup, seat_row
from wargame.tui.widgets.board import CellPanel, DecksPanel, RelationPanel, TheatreTable, titled
from wargame.tui.widgets.countdown import Countdown
from wargame.tui.widgets.footer import KeysFooter


class WhiteConsoleScreen(ConsoleChannels, Screen[None]):
    """The White Cell's console: the board, the seats, the channels and the last turn in tabs,
    the clock and the turn above them, the White Cell's powers on keys."""

    BINDINGS = [
        # the footer keeps those that fit, in this order (a and o only while there is something to do)
        Binding("n", "next_turn", "Start next turn"),
        Binding("p", "pause", "Pause"),
        Binding("p", "resume", "Resume"),
        Binding("a", "approve", "Approve takeover"),
        Binding("l", "time_limit", "Time limit"),
        Binding("i", "inject", "Inject"),
        Binding("t", "track", "Set track"),
        Binding("o", "override", "Override"),
        Binding("e", "end_orders", "End orders"),
        Binding("r", "revoke", "Revoke code"),
        Binding("escape", "leave", "Leave the box"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
        Binding("1", "tab('wc-board')", "Board tab", show=False),
        Binding("2", "tab('wc-seats')", "Seats tab", show=False),
        Binding("3", "tab('wc-channels')", "Channels tab", show=False),
        Binding("4", "tab('wc-results')", "Results tab", show=False),
    ]
    ABOUT = ("The White Cell's console: you see everything, every cell's exact tracks included, so keep this "
             "screen to yourself. Tabs (1 to 4): the board; the seats (who is connected, whose orders are "
             "awaited, new join codes); every channel's messages (you reply on your own channels with each cell: "
             "**m** takes you to the message box, Esc leaves it: while you type, letters are text; a letter that is "
             "none of your keys, typed anywhere, starts a reply there; a dot (●) marks an unread channel, with messages you "
             "have not seen yet, gone once it is shown); the last turn's results. Tab moves between the panes. "
             "After each turn's resolution the cells wait for you: review the results, then **n** starts the next "
             "turn. Your powers are on keys: **p** pauses or resumes every table (p again undoes it), "
             "**l** sets a time limit per orders phase (the countdown is shown to every seat), **e** ends a "
             "cell's orders now (a bot gives them), **r** revokes a seat's code (the new one is shown), **a** "
             "approves a second connection's takeover of a seat, **i** injects a card, **t** sets a track, **o** "
             "overrides a result of the turn just resolved (between turns only, before n). Ending orders, revoking "
             "and overriding cannot be undone: their forms open on Cancel (Tab then Enter, or ctrl+s, sends). "
             "A request the server refuses is shown with its reason.")
    HELP_TITLE = "the White Cell's console"
    DEFAULT_CSS = """
    #wc-top { height: 1; padding: 0 1; }
    #wc-turn { width: 1fr; }
    #wc-status { height: auto; padding: 0 1; }
    #wc-review { height: auto; padding: 0 1; background: $warning 25%; text-style: bold; display: none; }
    #wc-tabs { height: 1fr; }
    #wc-cells { height: auto; layout: grid; grid-size: 2; grid-rows: auto; }
    .wc-cell { border: round $primary-darken-2; height: auto; }
    #wc-offshoots, #wc-relation, #wc-decks { height: auto; padding: 0 1; }
    #wc-seat-table { height: auto; }
    #wc-channel-list { width: 36; height: 1fr; }
    #wc-channel-pane { width: 1fr; }
    #wc-channel-log, #wc-result-log { height: 1fr; }
    #wc-channel-log:focus, #wc-result-log:focus, #wc-board-scroll:focus { background: $boost; }
    #wc-channel-pane:focus-within { background: $boost; }
    #wc-channel-pane:focus-within > #wc-channel-title { background: $accent; color: $background; text-style: bold; }
    #wc-codes-note { height: auto; }
    """

    def __init__(self, client: Client):
        super().__init__()
        self.client = client
        self.channel = all_channels()[0]
        self.unread: set[str] = set()
        self.turn_seen: object = (client.view or {}).get("turn")  # the turn last shown, or "over"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wc-top"):
            yield Static(id="wc-turn")
            yield Countdown("no time limit", id="wc-clock")
        yield Static(id="wc-status")
        yield Static(id="wc-review")  # between turns: the review, and how to end it
        with TabbedContent(initial="wc-board", id="wc-tabs"):
            with TabPane("1 Board", id="wc-board"), VerticalScroll(id="wc-board-scroll"):
                yield TheatreTable(id="wc-theatres")
                yield Static(id="wc-offshoots")
                with Container(id="wc-cells"):
                    for cell in CELLS:
                        yield CellPanel(id=f"wc-cell-{cell}", classes="wc-cell")
                yield RelationPanel(id="wc-relation")
                yield DecksPanel(id="wc-decks")
            with TabPane("2 Seats", id="wc-seats"):
                yield DataTable(id="wc-seat-table", cursor_type="row", zebra_stripes=True)
                yield Static("[$text-muted]A cell played by a bot is never connected: the server gives its orders.\n"
                             "r revokes the code of the seat picked here (↑↓), a approves a takeover, e ends a cell's orders now.\n"
                             "Join codes are shown once: the server prints them when it starts (—: not shown again); "
                             "a revoked seat's new code is shown here (new: …).[/]",
                             id="wc-seats-hint")
            with TabPane("3 Channels", id="wc-channels"), Horizontal():
                yield OptionList(id="wc-channel-list")
                with Vertical(id="wc-channel-pane"):
                    yield Label("", id="wc-channel-title", classes="list-title")
                    yield RichLog(id="wc-channel-log", wrap=True, markup=True, min_width=20)
                    yield Input(id="wc-reply", max_length=2000, select_on_focus=False)  # type-to-write goes on
            with TabPane("4 Results", id="wc-results"):
                yield RichLog(id="wc-result-log", wrap=True, markup=True, min_width=20)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one("#wc-seat-table", DataTable)
        for column in ("Seat", "Connected", "Orders this turn", "Join code"):
            table.add_column(column, key=column)
        self.show_all()

    # drawing what the client holds

    def show_all(self) -> None:
        self.show_view()
        self.show_status()
        self.show_results()
        self.show_channels()

    def show_view(self) -> None:
        if self.client.view is None:
            return
        view = view_from_payload(self.client.view)
        rb = titled(None)
        self.title = "White Cell console"
        self.sub_title = "you see everything: keep it to yourself"
        self.query_one("#wc-theatres", TheatreTable).show(view)
        offshoots = "; ".join(f"{escape(rb.title(o.id))} in {escape(rb.where_title(o.theatre))} "
                              f"(strength {o.strength}, brutality {o.brutality})" for o in view.offshoots)
        self.query_one("#wc-offshoots", Static).update(f"[b]Offshoots:[/] {offshoots or 'none in play'}")
        for cell in CELLS:
            self.query_one(f"#wc-cell-{cell}", CellPanel).show(view, cell, rb)
        self.query_one("#wc-relation", RelationPanel).show(view, rb)
        self.query_one("#wc-decks", DecksPanel).show(view, {d.id: d.title for d in rb.decks.values()})

    def phase_words(self) -> str:
        v = self.client.view or {}
        phase = v.get("phase")
        if phase == "over":
            return "[b]the game is over[/]"
        if phase == "orders":
            waiting = [SHORT[c] for c in CELLS if c in self.client.awaiting]
            return f"orders awaited from [b]{escape(', '.join(waiting))}[/]" if waiting else "all orders given"
        return f"{escape(str(phase or 'joining'))}"

    def show_status(self) -> None:
        c = self.client
        v = c.view or {}
        self.query_one("#wc-turn", Static).update(
            f"[b]Turn {v.get('turn', '?')} of {v.get('last_turn', '?')}[/]: {self.phase_words()}")
        connected = ", ".join(SHORT[s] for s in CHANNEL_SEATS if s in c.joined) or "nobody"
        # while the connection is down, who is connected is not known: the last list would mislead
        up = (f"Connected: {escape(connected)}" if c.ws is not None
              else "[b $error]connection lost: joining again…[/] (who is connected is not known meanwhile)")
        waiting = [SHORT[s] for s in self.app_takeovers()]
        takeover = f"  [b $warning]Takeover asked for: {escape(', '.join(waiting))} (a)[/]" if waiting else ""
        self.query_one("#wc-status", Static).update(f"{up}{takeover}")
        review = getattr(self.app, "review", None)
        line = self.query_one("#wc-review", Static)
        line.display = review is not None
        if review is not None:
            line.update(f"Turn {review} resolved: review the results (tab 4), o overrides one; "
                        f"n starts turn {review + 1} (the cells wait)")
        self.query_one("#wc-clock", Countdown).tick()
        self.show_seats()
        self.refresh_bindings()

    def app_takeovers(self) -> list[str]:
        return list(getattr(self.app, "takeovers", []))

    def show_seats(self) -> None:
        table = self.query_one("#wc-seat-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for seat in CHANNEL_SEATS:
            table.add_row(*seat_row(seat, self.client, self.app_takeovers(), getattr(self.app, "new_codes", {}),
                                    getattr(self.app, "coded", None)), key=seat)
        if keep < table.row_count:
            table.move_cursor(row=keep)

    def show_results(self) -> None:
        log = self.query_one("#wc-result-log", RichLog)
        log.clear()
        if not self.client.results:
            log.write("[dim]No results this turn yet: they come once every cell has given its orders.[/]")
        for r in self.client.results:
            log.write(result_markup(r, odds=True))

    # the server's messages

    def message(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if kind in ("welcome", "view"):
            self.show_view()
            self.show_status()
            if kind == "welcome":
                self.show_channels()
            v = self.client.view or {}
            if v.get("phase") == "over" and self.turn_seen != "over":
                self.notify("The game is over: the last results are in tab 4.", title="Game over", timeout=30)
            elif kind == "view" and v.get("turn") != self.turn_seen and v.get("phase") != "over":
                # a ruling sends a view too: only a new turn is announced
                self.notify(f"Turn {int(v.get('turn') or 1) - 1} resolved: its results are in tab 4.",
                            title="Turn resolved", timeout=8)
            self.turn_seen = "over" if v.get("phase") == "over" else v.get("turn")
        elif kind in ("awaiting", "joined", "paused", "deadline", "connection", "code", "takeover_requested",
                      "takeover_withdrawn", "review"):
            self.show_status()
            self.notice(m)
        elif kind == "results":
            self.show_results()
        elif kind == "said":
            said = self.client.said[-1]
            shown = said["channel"] == self.channel and self.query_one("#wc-tabs", TabbedContent).active == "wc-channels"
            if not shown and said["from"] != WHITE:  # the dot: messages not seen yet (its own are seen)
                self.unread.add(said["channel"])
            if said["channel"].endswith(f"-{WHITE}") and said["from"] != WHITE:
                self.notify(f"{SHORT.get(said['from'], said['from'])} to you: {said['text']}"[:200],
                            title="Channel message (tab 3)", markup=False)
            self.show_channels()
        elif kind == "error":
            self.notify(str(m.get("reason", "")), title="The server refused it", severity="error", markup=False)
        elif kind == "closed":
            self.notify(str(m.get("reason", "")), title="Connection closed", severity="error", markup=False)

    def notice(self, m: dict[str, Any]) -> None:
        found = notice_of(m)
        if found is not None:
            self.notify(found[0], markup=False, **found[1])

    # the White Cell's powers

    async def send(self, message: ClientMessage | None) -> None:
        if isinstance(message, ApproveTakeover):
            takeovers = getattr(self.app, "takeovers", [])
            if message.seat in takeovers:
                takeovers.remove(message.seat)
            self.show_status()
        if message is not None:
            await self.client.send(message)  # sent now, or on joining again if the connection is down

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.focused, Input)
        if action == "leave" or typing:  # while a message is typed letters are text: keys dimmed, Esc leaves
            return typing if action == "leave" else None
        paused = getattr(getattr(self.app, "game_clock", None), "paused", False)
        if action == "pause":
            return not paused
        if action == "resume":
            return paused
        if action == "approve":
            return bool(self.app_takeovers())
        if action == "next_turn":
            return getattr(self.app, "review", None) is not None
        return True

    async def action_pause(self) -> None:
        await self.send(Pause())
        # one key pauses every table: say at once how it is undone
        self.notify("Paused: p again resumes.", title="Every table paused", timeout=6)

    async def action_next_turn(self) -> None:
        if getattr(self.app, "review", None) is not None:
            await self.send(NextTurn())

    async def action_resume(self) -> None:
        await self.send(Resume())

    def ask(self, form) -> None:
        self.app.push_screen(form, lambda message: self.run_worker(self.send(message)))

    def action_time_limit(self) -> None:
        self.ask(TimeLimitForm())

    def action_end_orders(self) -> None:
        self.ask(EndOrdersForm(cells_owing(self.client.awaiting)))

    def action_revoke(self) -> None:
        table = self.query_one("#wc-seat-table", DataTable)
        on_tab = self.query_one("#wc-tabs", TabbedContent).active == "wc-seats"
        # the row's own key: the rows need not be in the seats' order (a sorted table)
        first = (str(table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value)
                 if on_tab and table.row_count else None)
        self.ask(RevokeForm(seats_with_codes(getattr(self.app, "coded", None)), first))

    def action_approve(self) -> None:
        waiting = self.app_takeovers()
        if waiting:
            self.ask(TakeoverForm(waiting))
        else:
            self.notify("No connection is waiting to take a seat over.", timeout=3)

    def action_inject(self) -> None:
        self.ask(InjectForm())

    def action_track(self) -> None:
        if self.client.view is not None:
            self.ask(TrackForm(view_from_payload(self.client.view)))

    def action_override(self) -> None:
        if getattr(self.app, "review", None) is None:
            # the next turn's events build on the results: once they have run, a result stays as it was
            self.notify("A result can be overridden between turns, while the cells wait for n.", timeout=5)
        elif overridable(self.client.results):
            self.ask(OverrideForm(self.client.results))
        else:
            self.notify("No result of the last turn to override (no dice rolled in it yet).", timeout=3)

    def action_tab(self, tab: str) -> None:
        self.query_one("#wc-tabs", TabbedContent).active = tab
        # the focus goes into the tab, so that ↑↓ move in it at once
        focus = {"wc-board": "#wc-board-scroll", "wc-seats": "#wc-seat-table", "wc-channels": "#wc-channel-list",
                 "wc-results": "#wc-result-log"}[tab]
        self.query_one(focus).focus()

    # the channels

    @on(TabbedContent.TabActivated, "#wc-tabs")
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        # a log written while its tab was hidden wrapped to a width it does not have: written again now
        if event.pane.id == "wc-channels":
            self.unread.discard(self.channel)
            self.call_after_refresh(self.show_channels)
        elif event.pane.id == "wc-results":
            self.call_after_refresh(self.show_results)

    @on(OptionList.OptionHighlighted, "#wc-channel-list")
    def _channel(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.channel:
            self.channel = event.option.id
            if self.channel in self.unread:
                self.unread.discard(self.channel)
                self.call_later(self.show_channels)
            self.show_channel()

    @on(OptionList.OptionSelected, "#wc-channel-list")
    def _reply_to(self, event: OptionList.OptionSelected) -> None:
        reply = self.query_one("#wc-reply", Input)
        if not reply.disabled:
            reply.focus()

    @on(Input.Submitted, "#wc-reply")
    async def _reply(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text and self.channel.endswith(f"-{WHITE}"):
            event.input.clear()
            await self.client.say(self.channel, text)
