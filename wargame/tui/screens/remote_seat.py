"""A cell's own screen in a networked exercise (``wargame join`` with a cell's code): the board as
the seat sees it, its legal orders to pick and give (after a confirmation), whose orders are
awaited, the last turn's results as sentences, and the seat's channels. Everything on it comes from
the server's messages (docs/protocol.md) through a :class:`~wargame.net.client.Client`.

A one-line status at the top is always in sight, whatever the terminal's size: the turn, the time
left or the pause, a lost connection, and whose orders are awaited. Tab and Shift+Tab move between
the panes, the focused one's title lit; the screen opens on the orders list; **m** goes to the
message box and Esc leaves it, and while a message is being typed no letter is a command. A key
that is no command, pressed outside the box, starts a message there (type-to-write).
"""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, RichLog, Select, Static
from textual.widgets.option_list import Option

from wargame.engine.model import CELL_TITLES, CELLS
from wargame.net.client import Client, OrderEntry, view_from_payload
from wargame.net.server import CHANNEL_SEATS, WHITE, channel_name
from wargame.record.commands import RESOLUTION_PHASES
from wargame.tui.screens.remote_parts import (
    ConfirmGiveScreen,
    SeatCellPanel,
    said_line,
    stand_in_words,
    type_into,
    typed_outside,
)
from wargame.tui.screens.white_console_words import SHORT, channel_title, result_markup
from wargame.tui.widgets.board import CellPanel, TheatreTable, titled
from wargame.tui.widgets.countdown import Countdown
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import highlight_first

COMMANDS = ("give", "remove")  # the screen's letter keys: never while a message is typed


def seat_title(seat: str) -> str:
    return "the White Cell" if seat == WHITE else CELL_TITLES.get(seat, seat)


def seat_channels(seat: str) -> list[str]:
    """The channels a seat speaks on: with each other seat."""
    return [channel_name(f"{seat}-{other}")[0] for other in CHANNEL_SEATS if other != seat]


class RemoteScreen(Screen[None]):
    BINDINGS = [
        Binding("g", "give", "Give orders…"),
        Binding("x", "remove", "Remove last"),
        Binding("escape", "leave", "Leave the box"),
        # Tab moves the focus: the app's action (a screen of its own has none of that name)
        Binding("tab", "app.focus_next", "Next pane", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
    ]
    AUTO_FOCUS = "#remote-orders"
    ABOUT = ("Your seat in a networked exercise. The line at the top always shows the turn, the time left "
             "or the pause, a lost connection and whose orders are awaited. The board is as your seat sees it: "
             "a range (e.g. 3-5, est.) where it can only estimate. Tab moves between the panes (the one you are "
             "in has its title lit). In the orders list, Enter adds an order to yours, **x** removes the last, "
             "**g** gives them after you confirm (g again, or Tab then Enter); given again before the turn is resolved, they replace "
             "the earlier ones. The turn is resolved when every cell has given its orders; its results are "
             "shown as sentences. **m** takes you to the message box: pick the channel above it, type, Enter "
             "sends; Esc leaves the box (while you type, letters are text, never commands). A letter that is "
             "no command (not g, x or m), typed anywhere, starts a message in the box. A channel with a cell a "
             "bot plays says so (a bot: nobody reads it), from the first turn you see begin. "
             "When the White Cell sets a time limit, the time left is shown at the top: once it runs out, "
             "a stand-in bot gives the orders of a cell that has not given them, and you are told which.")
    HELP_TITLE = "your seat"

    def __init__(self, client: Client):
        super().__init__()
        self.client = client
        self.rulebook = titled(None)
        self.taken: dict[int, list[dict[str, Any]]] = {}  # turn -> the orders the server took from this seat
        self.stand_in: dict[int, str] = {}  # turn -> what a stand-in bot gave for the seat, in words
        # turns this screen sent the seat's orders in (the last cell's orders resolve the turn at
        # once: the server sends no ``given`` then); a refusal takes the turn out again
        self.sent: set[int] = set()
        # the client has just had its welcome: the awaiting that follows tells whether the seat had given already
        self.welcomed = True
        self.channel_labels: list[tuple[str, str]] = []  # the channel picker's choices, as last shown
        if client.given and self.turn() is not None:
            self.taken[self.turn()] = list(client.given)  # type: ignore[index]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="remote-line"):
            yield Static(id="remote-status")
            yield Countdown(id="remote-clock")
        with Horizontal(id="remote-top"):
            yield TheatreTable(id="remote-theatres")
            with VerticalScroll(id="remote-tracks"):
                for cell in CELLS:
                    yield SeatCellPanel(id=f"remote-cell-{cell}", classes="remote-cell")
        with Horizontal(id="remote-bottom"):
            with Vertical(id="remote-orders-pane", classes="remote-pane"):
                yield Label("Orders (Enter adds)", classes="list-title")
                yield OptionList(id="remote-orders")
                yield Static(id="remote-draft")
            with Vertical(id="remote-results-pane", classes="remote-pane"):
                yield Label("Latest results", id="remote-results-title", classes="list-title")
                yield RichLog(id="remote-results", wrap=True, markup=True, min_width=20)
            with Vertical(id="remote-channel-pane", classes="remote-pane"):
                yield Label("Channels (m writes)", id="remote-channel-title", classes="list-title")
                yield RichLog(id="remote-channel", wrap=True, markup=True, min_width=20)
                channels = seat_channels(self.client.seat or WHITE)
                self.channel_labels = self.channel_choices()
                yield Select(self.channel_labels, allow_blank=False, value=channels[0],
                             id="remote-to", compact=True)
                yield Input(placeholder="m: write here; Enter sends", id="remote-say", max_length=2000, compact=True,
                            select_on_focus=False)  # type-to-write goes on after the first letter
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show_all()

    def channel_choices(self) -> list[tuple[str, str]]:
        """The seat's channels in words, one with a bot's seat marked: a message there is read by nobody."""
        bots = getattr(self.app, "bots", set())
        return [(channel_title(c) + (" (a bot: nobody reads it)" if set(c.split("-")) & bots else ""), c)
                for c in seat_channels(self.client.seat or WHITE)]

    def show_channel_names(self) -> None:
        choices = self.channel_choices()
        if choices != self.channel_labels:
            self.channel_labels = choices
            to = self.query_one("#remote-to", Select)
            keep = to.value
            to.set_options(choices)
            to.value = keep

    # drawing what the client holds

    def show_all(self) -> None:
        self.show_view()
        self.show_status()
        self.show_results()
        self.show_channel()

    def turn(self) -> int | None:
        return (self.client.view or {}).get("turn")

    def show_view(self) -> None:
        c = self.client
        if c.view is None:
            return
        view = view_from_payload(c.view)
        self.title = f"{seat_title(view.seat)}: turn {view.turn} of {view.last_turn}, {view.phase}"
        self.sub_title = "networked exercise"
        self.query_one("#remote-theatres", TheatreTable).show(view)
        for cell in CELLS:
            panel = self.query_one(f"#remote-cell-{cell}", CellPanel)
            panel.show(view, cell, self.rulebook)
        titles = {t.name: t.title for t in view.theatres}
        orders = self.query_one("#remote-orders", OptionList)
        keep = orders.highlighted
        orders.clear_options()
        for i, o in enumerate(c.orders):
            odds = f", odds {escape(str(o['odds']))}" if o.get("odds") else ""  # the server's odds, as the table shows them
            orders.add_option(Option(escape(self.order_line(o, titles)) + f"  [$text-muted]cost {o.get('cost')}{odds}[/]", id=str(i)))
        highlight_first(orders, keep)
        self.show_draft()

    def order_line(self, o: Any, titles: dict[str, str] | None = None) -> str:
        kind, theatre = (o.kind, o.theatre) if isinstance(o, OrderEntry) else (o["kind"], o.get("theatre"))
        known = self.rulebook.order_kinds.get(kind)
        title = known.title if known is not None else kind
        if titles is None and self.client.view is not None:
            titles = {t["name"]: t["title"] for t in self.client.view["theatres"]}
        return title + (f" in {(titles or {}).get(theatre, theatre)}" if theatre else "")

    def gave(self) -> list[OrderEntry] | None:
        """The orders the server has from this seat this turn, or None if it has none yet."""
        c = self.client
        taken = self.taken.get(self.turn())  # type: ignore[arg-type]
        if taken is None and c.awaiting and c.seat not in c.awaiting and (c.view or {}).get("phase") == "orders":
            taken = c.given  # others are awaited, not this seat: it gave (before this screen was listening)
        return None if taken is None else [OrderEntry(g["kind"], g.get("theatre")) for g in taken]

    def show_draft(self) -> None:
        c = self.client
        lines = [f"{i + 1}. {escape(self.order_line(o))}" for i, o in enumerate(c.draft)]
        gave = self.gave()
        if c.seat not in CELLS:
            note = ""
        elif gave is not None and gave == c.draft:
            note = "[$success]given[/]"
        elif gave is not None:
            note = "[$warning]changed since given: g gives these[/]"
        else:
            note = "[$warning]not given yet (g gives)[/]"
        self.query_one("#remote-draft", Static).update("\n".join(lines) + ("\n" if lines else "Your orders: none yet. ") + note)

    def show_status(self) -> None:
        """The line at the top: the turn, whose orders are awaited, a lost connection, who is on."""
        c = self.client
        v = c.view or {}
        parts = []
        if c.ws is None:
            parts.append("[b $error]connection lost: joining again…[/]")
        review = getattr(self.app, "review", None)
        if v.get("phase") == "over":
            parts.append("[b]The game is over.[/]")
        elif review is not None:
            parts.append(f"[b]Turn {review} resolved[/]: waiting for the White Cell to start turn {review + 1}")
        else:
            parts.append(f"[b]Turn {v.get('turn', '?')}/{v.get('last_turn', '?')}[/]")
            if v.get("phase") == "orders":
                awaited = ["you" if s == c.seat else SHORT.get(s, s) for s in c.awaiting]
                parts.append(f"awaiting [b]{escape(', '.join(awaited))}[/]" if awaited else "all orders given")
            else:
                parts.append(escape(str(v.get("phase", ""))))
        if c.joined and c.ws is not None:
            parts.append(f"online: {escape(', '.join(SHORT.get(s, s) for s in c.joined))}")
        self.query_one("#remote-status", Static).update(" · ".join(parts))
        self.query_one("#remote-clock", Countdown).tick()

    def latest_results(self) -> list[dict[str, Any]]:
        """What the server last told the seat happened: its last ``results``, or, when they are
        empty (a welcome's turn so far, after joining again with a new code), the last it had."""
        seat, before = getattr(self.app, "seat_results", (None, []))
        return self.client.results or (before if seat == self.client.seat else [])

    def show_results(self) -> None:
        log = self.query_one("#remote-results", RichLog)
        log.clear()
        records = self.latest_results()
        turn = next((r.get("turn") for r in records if r.get("phase") in RESOLUTION_PHASES), None)
        # titled by what the pane holds: a turn's resolution, or the latest (events, a White Cell ruling)
        shown_turn = turn if turn is not None else next((r.get("turn") for r in records), None)
        self.query_one("#remote-results-title", Label).update(
            f"Results of turn {turn}" if turn is not None
            else f"Latest results (turn {shown_turn})" if shown_turn is not None else "Latest results")
        # read from the first line: a stand-in's orders, then what happened
        if turn in self.stand_in:
            log.write(f"[b yellow]{escape(self.stand_in[turn])}[/]", scroll_end=False)  # Rich markup: no theme names
        for r in records:
            log.write(result_markup(r), scroll_end=False)
        if not records:
            log.write("[dim]Nothing yet: the results come once every cell has given its orders.[/]", scroll_end=False)
        log.scroll_home(animate=False)

    def show_channel(self) -> None:
        log = self.query_one("#remote-channel", RichLog)
        log.clear()
        for m in self.client.said:
            log.write(said_line(m))

    # the server's messages

    def message(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if kind in ("welcome", "view"):
            if kind == "welcome":
                self.welcomed = True
                if self.client.given and self.turn() is not None:
                    self.taken[self.turn()] = list(self.client.given)  # type: ignore[index]
            self.show_view()
            self.show_status()
            if kind == "welcome":
                self.show_channel()
        elif kind == "given":
            if self.turn() is not None:
                self.taken[self.turn()] = list(m.get("orders", []))  # type: ignore[index]
            self.show_draft()
        elif kind == "review":
            self.show_status()
        elif kind in ("awaiting", "joined"):
            if kind == "awaiting" and self.welcomed:
                # the first awaiting after a welcome: a seat it leaves out had given its orders before the drop
                self.welcomed = False
                if self.client.seat not in m.get("cells", []) and self.turn() is not None:
                    self.taken.setdefault(self.turn(), list(self.client.given))  # type: ignore[arg-type]
            self.show_status()
            self.show_draft()
            self.show_channel_names()
        elif kind == "results":
            self.check_stand_in()
            self.show_results()
        elif kind == "said":
            self.query_one("#remote-channel", RichLog).write(said_line(self.client.said[-1]))
        elif kind == "error":
            self.sent.discard(self.turn())  # type: ignore[arg-type]
            self.notify(str(m.get("reason", "")), title="The server refused it", severity="error", markup=False)
        elif kind in ("paused", "deadline"):
            self.query_one("#remote-clock", Countdown).tick()
        elif kind == "closed":
            self.notify(str(m.get("reason", "")), title="Connection closed", severity="error", markup=False)
        elif kind == "connection":
            self.show_status()
            if m.get("up"):
                self.notify("Joined again: your seat is as it was.", timeout=3)

    def check_stand_in(self) -> None:
        """A turn was resolved without this seat's orders taken: a stand-in bot gave them (the time
        was up, or the White Cell ended the phase). Told once per turn, in words."""
        c = self.client
        records = c.results
        turn = next((r.get("turn") for r in records if r.get("phase") in RESOLUTION_PHASES), None)
        if c.seat not in CELLS or turn is None or turn in self.taken or turn in self.sent or turn in self.stand_in:
            return
        timed_out = bool(getattr(self.app, "clock_ran_out", False))
        self.stand_in[turn] = stand_in_words(str(c.seat), [r for r in records if r.get("turn") == turn], timed_out)
        self.notify(self.stand_in[turn], title="A stand-in gave your orders", severity="warning", timeout=30,
                    markup=False)

    # the seat's actions

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "remote-orders" or event.option.id is None:
            return
        o = self.client.orders[int(event.option.id)]
        entry = OrderEntry(o["kind"], o.get("theatre"))
        if entry in self.client.draft:
            self.notify("Already in your orders.", timeout=2)
            return
        self.client.draft.append(entry)
        self.show_draft()

    def typing(self) -> bool:
        return isinstance(self.focused, Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave":
            return self.typing()  # shown only in the message box
        if action in COMMANDS and self.typing():
            return None  # shown dimmed: while a message is typed, letters are text
        return True

    def action_leave(self) -> None:
        self.query_one("#remote-orders", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        character = typed_outside(self, event)
        if character is not None:
            event.stop()
            event.prevent_default()
            type_into(self, self.query_one("#remote-say", Input), character)

    def action_message(self) -> None:
        """To the message box (the app's **m**)."""
        self.query_one("#remote-say", Input).focus()

    def action_remove(self) -> None:
        if self.client.draft:
            self.client.draft.pop()
            self.show_draft()

    def action_give(self) -> None:
        c = self.client
        if c.seat not in CELLS:
            self.notify("The White Cell gives no orders.", timeout=3)
            return
        draft = list(c.draft)

        def given(ok: bool | None) -> None:
            if not ok:
                return
            if self.turn() is not None:
                self.sent.add(self.turn())  # type: ignore[arg-type]
            if c.ws is None:
                self.notify("Not connected: your orders will be sent when the connection is back.",
                            title="Orders kept", severity="warning", timeout=10)
            self.run_worker(c.give_orders(draft), exclusive=False)

        self.app.push_screen(ConfirmGiveScreen([self.order_line(o) for o in draft]), given)

    @on(events.DescendantFocus)
    @on(events.DescendantBlur)
    def _where_typing(self) -> None:
        # where the keys go, in words: the channel pane's title says when they are text
        self.call_after_refresh(self._title_typing)

    def _title_typing(self) -> None:
        self.query_one("#remote-channel-title", Label).update(
            "Typing here (Esc leaves)" if self.typing() else "Channels (m writes)")
        self.refresh_bindings()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        channel = self.query_one("#remote-to", Select).value
        event.input.clear()
        await self.client.say(str(channel), text)
