"""The terminal UI of one seat in a networked exercise (``wargame join``): the board as the seat
sees it, its legal orders to pick and give (after a confirmation), whose orders are awaited, the
last turn's results as sentences, and the seat's channels. Everything on it comes from the
server's messages (docs/protocol.md) through a :class:`~wargame.net.client.Client`, which joins
again by itself when the connection drops (the orders being chosen are kept). A time limit counts
down on it. The White Cell's code opens its console instead (:mod:`wargame.tui.white_console`)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Header, Input, Label, OptionList, RichLog, Select, Static
from textual.widgets.option_list import Option

from wargame.engine.model import CELL_TITLES, CELLS
from wargame.net.client import Client, ClientError, JoinRefused, OrderEntry, view_from_payload
from wargame.net.server import CHANNEL_SEATS, WHITE, channel_name
from wargame.tui.widgets.board import CellPanel, TheatreTable, titled
from wargame.tui.widgets.countdown import Countdown, GameClock
from wargame.tui.widgets.footer import KeysFooter
from wargame.tui.widgets.lists import highlight_first


def seat_title(seat: str) -> str:
    return "the White Cell" if seat == WHITE else CELL_TITLES.get(seat, seat)


def seat_channels(seat: str) -> list[str]:
    """The channels a seat speaks on: with each other seat."""
    return [channel_name(f"{seat}-{other}")[0] for other in CHANNEL_SEATS if other != seat]


class ConfirmGiveScreen(ModalScreen[bool]):
    """Give these orders? Enter gives them, Esc goes back to choosing."""

    BINDINGS = [Binding("escape", "cancel", "Keep choosing"), Binding("enter,y", "give", "Give them")]
    ABOUT = ("Enter gives the orders listed; Esc goes back to choosing them. Until the last cell has given "
             "its orders, giving them again replaces them.")

    def __init__(self, lines: list[str]):
        super().__init__(classes="replay-modal")
        self.lines = lines

    def compose(self) -> ComposeResult:
        what = f"these {len(self.lines)} orders" if len(self.lines) > 1 else "this order" if self.lines else "no orders this turn"
        with Vertical(classes="replay-modal-box", id="remote-confirm"):
            yield Label(f"[b]Give {what}?[/]")
            yield Static("\n".join(escape(line) for line in self.lines) or "Giving no orders is allowed.")
            with Horizontal(classes="replay-buttons"):
                yield Button("Give (Enter)", id="give", variant="primary")
                yield Button("Keep choosing (Esc)", id="cancel")
        yield KeysFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "give")

    def action_give(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class RemoteScreen(Screen[None]):
    BINDINGS = [
        Binding("g", "give", "Give orders…"),
        Binding("x", "remove", "Remove last"),
        Binding("tab", "focus_next", "Next pane", show=False),
    ]
    ABOUT = ("Your seat in a networked exercise. The board is as your seat sees it: a range (e.g. 3-5, est.) "
             "where it can only estimate. Pick an order (Enter) to add it to your orders, **x** removes the "
             "last, **g** gives them after you confirm; given again before the turn is resolved, they replace "
             "the earlier ones. The turn is resolved when every cell has given its orders; its results are "
             "shown as sentences. Type a message below the channel pane, pick its channel, and press Enter. "
             "When the White Cell sets a time limit, the time left is shown under the board: once it runs out, "
             "a bot gives the orders of a cell that has not given them.")
    HELP_TITLE = "your seat"

    def __init__(self, client: Client):
        super().__init__()
        self.client = client
        self.rulebook = titled(None)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="remote-top"):
            with Vertical(id="remote-board"):
                yield TheatreTable(id="remote-theatres")
                yield Countdown(id="remote-clock")
                yield Static(id="remote-status")
            with VerticalScroll(id="remote-tracks"):
                for cell in CELLS:
                    yield CellPanel(id=f"remote-cell-{cell}", classes="remote-cell")
        with Horizontal(id="remote-bottom"):
            with Vertical(id="remote-orders-pane"):
                yield Label("Orders (Enter adds, g gives)", classes="list-title")
                yield OptionList(id="remote-orders")
                yield Static(id="remote-draft")
            with Vertical(id="remote-results-pane"):
                yield Label("Last turn", classes="list-title")
                yield RichLog(id="remote-results", wrap=True, markup=True, min_width=20)
            with Vertical(id="remote-channel-pane"):
                yield Label("Channels", classes="list-title")
                yield RichLog(id="remote-channel", wrap=True, markup=True, min_width=20)
                channels = seat_channels(self.client.seat or WHITE)
                yield Select([(c, c) for c in channels], allow_blank=False, value=channels[0], id="remote-to")
                yield Input(placeholder="a message; Enter sends it", id="remote-say", max_length=2000)
        yield KeysFooter()

    def on_mount(self) -> None:
        self.show_all()

    # drawing what the client holds

    def show_all(self) -> None:
        self.show_view()
        self.show_status()
        self.show_results()
        self.show_channel()

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

    def show_draft(self) -> None:
        c = self.client
        lines = [f"{i + 1}. {escape(self.order_line(o))}" for i, o in enumerate(c.draft)]
        given = [OrderEntry(g["kind"], g.get("theatre")) for g in c.given]
        note = ("[$success]given[/]" if c.seat not in c.awaiting and c.draft == given and c.seat in CELLS
                else "[$warning]not given yet (g)[/]" if c.seat in CELLS else "")
        self.query_one("#remote-draft", Static).update("\n".join(lines) + ("\n" if lines else "Your orders: none yet. ") + note)

    def show_status(self, connection: str = "") -> None:
        c = self.client
        awaiting = ", ".join(seat_title(s) for s in c.awaiting) or "nobody"
        up = "" if c.ws is not None else "[$error]connection lost: joining again…[/]\n"
        over = c.view is not None and c.view.get("phase") == "over"
        text = "[b]The game is over.[/]" if over else f"Awaiting orders from: [b]{escape(awaiting)}[/]"
        if c.joined:
            text += f"   Connected: {escape(', '.join(seat_title(s) for s in c.joined))}"
        self.query_one("#remote-status", Static).update(up + connection + text)

    def show_results(self) -> None:
        log = self.query_one("#remote-results", RichLog)
        log.clear()
        for r in self.client.results:
            mark = "[green]✔[/]" if r.get("happened") else "[red]✘[/]"  # a RichLog reads Rich markup
            log.write(f"{mark} [b]{escape(str(r.get('title', '')))}[/]: {escape(str(r.get('text', '')))}")

    def show_channel(self) -> None:
        log = self.query_one("#remote-channel", RichLog)
        log.clear()
        for m in self.client.said:
            log.write(f"[dim]{escape(m['channel'])}[/] [b]{escape(m['from'])}[/]: {escape(m['text'])}")

    def message(self, m: dict[str, Any]) -> None:
        kind = m.get("type")
        if kind in ("welcome", "view"):
            self.show_view()
            self.show_status()
            if kind == "welcome":
                self.show_channel()
        elif kind in ("awaiting", "joined"):
            self.show_status()
            self.show_draft()
        elif kind == "results":
            self.show_results()
        elif kind == "said":
            m = self.client.said[-1]
            self.query_one("#remote-channel", RichLog).write(
                f"[dim]{escape(m['channel'])}[/] [b]{escape(m['from'])}[/]: {escape(m['text'])}")
        elif kind == "error":
            self.notify(str(m.get("reason", "")), title="The server refused it", severity="error", markup=False)
        elif kind in ("paused", "deadline"):
            self.query_one("#remote-clock", Countdown).tick()
        elif kind == "closed":
            self.notify(str(m.get("reason", "")), title="Connection closed", severity="error", markup=False)
        elif kind == "connection":
            self.show_status()
            if m.get("up"):
                self.notify("Joined again: your seat is as it was.", timeout=3)

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
            if ok:
                self.run_worker(c.give_orders(draft), exclusive=False)

        self.app.push_screen(ConfirmGiveScreen([self.order_line(o) for o in draft]), given)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        channel = self.query_one("#remote-to", Select).value
        event.input.clear()
        await self.client.say(str(channel), text)


class CodeScreen(Screen[None]):
    """The join code first (``wargame join HOST:PORT`` without ``--code``, and the browser's client
    of ``wargame serve --web``): Enter joins; a refused code says why, and another can be typed."""

    ABOUT = ("Type your seat's join code, as the facilitator gave it, and press Enter. "
             "The code decides your seat: keep it to yourself.")
    HELP_TITLE = "joining"

    def __init__(self, url: str):
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="code-box"):
            yield Label("[b]Join the exercise[/]")
            yield Label(f"Your seat's join code (server {escape(self.url)}):")
            yield Input(placeholder="the code; Enter joins", id="code-input", max_length=200)
            yield Static(id="code-why")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title, self.sub_title = "wargame", "join a networked exercise"
        self.query_one("#code-input", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        why = self.query_one("#code-why", Static)
        if not code:
            why.update("[$warning]Type the code first.[/]")
            return
        why.update("Joining…")
        event.input.disabled = True
        client = Client(self.url, code, listener=lambda m: m.get("waiting") and why.update(escape(m["why"])))
        try:
            await client.join()
        except ClientError as e:
            why.update(f"[$error]{escape(str(e))}[/]\nCheck the code and try again.")
            event.input.disabled = False
            event.input.clear()
            event.input.focus()
            return
        app = self.app
        assert isinstance(app, RemoteApp)
        app.joined(client)


def seat_screen(client: Client) -> Screen[None]:
    """The screen of the seat the client joined: the White Cell's console, or a cell's screen."""
    if client.seat == WHITE:
        from wargame.tui.white_console import WhiteConsoleScreen

        return WhiteConsoleScreen(client)
    return RemoteScreen(client)


class RemoteApp(App[None]):
    """One seat's terminal, joined already (``client`` has had its welcome), or, given the server's
    ``url`` instead, asking for the join code first (:class:`CodeScreen`)."""

    CSS_PATH = "wargame.tcss"
    CSS = """
    #remote-top { height: 1fr; }
    #remote-board { width: 2fr; }
    #remote-tracks { width: 1fr; }
    .remote-cell { border: round $primary-darken-2; height: auto; }
    #remote-status { height: auto; padding: 0 1; }
    #remote-bottom { height: 1fr; }
    #remote-bottom > Vertical { width: 1fr; }
    #remote-orders { height: 1fr; }
    #remote-draft { height: auto; max-height: 8; padding: 0 1; }
    #remote-results, #remote-channel { height: 1fr; }
    #code-box { height: auto; max-width: 80; padding: 1 2; border: round $primary; }
    #code-why { height: auto; }
    """
    TITLE = "wargame"
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def __init__(self, client: Client | None = None, url: str = ""):
        super().__init__()
        assert client is not None or url, "a joined client, or the server's url to ask for a code"
        self.client = client
        self.url = url
        self.rulebook = titled(None)
        self.goodbye = ""
        self.game_clock = GameClock()  # the pause and the time limit, as the server last said (every screen's countdown)
        self.takeovers: list[str] = []  # to the White Cell: seats a second connection asks for
        self.new_codes: dict[str, str] = {}  # to the White Cell: the new code of each seat it revoked
        if client is not None:
            client.listener = self.on_client_message

    def on_mount(self) -> None:
        if self.client is None:
            self.push_screen(CodeScreen(self.url))
            return
        self.push_screen(seat_screen(self.client))
        self.run_worker(self.keep_reading(), exclusive=True, group="client")

    def joined(self, client: Client) -> None:
        """The code screen's client has joined: its seat's screen replaces the code screen."""
        self.client = client
        client.listener = self.on_client_message
        self.switch_screen(seat_screen(client))
        self.run_worker(self.keep_reading(), exclusive=True, group="client")

    async def keep_reading(self) -> None:
        assert self.client is not None
        try:
            await self.client.run()
        except JoinRefused as e:
            self.goodbye = f"wargame: {e}"
            self.exit()

    def on_client_message(self, message: dict[str, Any]) -> None:
        self.keep(message)
        screen = next((s for s in self.screen_stack if callable(getattr(s, "message", None))), None)
        if screen is not None and screen.is_mounted:
            screen.message(message)  # type: ignore[attr-defined]

    def keep(self, message: dict[str, Any]) -> None:
        """What the client does not keep itself: the clock, and the White Cell's takeovers and new codes."""
        self.game_clock.take(message)
        kind = message.get("type")
        if kind == "takeover_requested" and message["seat"] not in self.takeovers:
            self.takeovers.append(message["seat"])
        elif kind == "code":
            self.new_codes[message["seat"]] = message["code"]
            if self.client is not None and message["seat"] == self.client.seat:
                self.client.code = message["code"]  # the White Cell revoked its own: it joins again with the new one
            self.takeovers = [s for s in self.takeovers if s != message["seat"]]
        elif kind == "joined" and self.client is not None:
            # a takeover approved (or given up) shows as the seat's connection changing: ask again if still wanted
            self.takeovers = [s for s in self.takeovers if s in message["seats"]]

    def action_help(self) -> None:
        from wargame.tui.screens.modals import toggle_help

        toggle_help(self)

    async def action_quit(self) -> None:
        if self.client is not None:
            await self.client.stop()
        self.exit()
