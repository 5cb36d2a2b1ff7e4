"""The terminal UI of one seat in a networked exercise (``wargame join``): the board as the seat
sees it, its legal orders to pick and give (after a confirmation), whose orders are awaited, the
last turn's results as sentences, and the seat's channels. Everything on it comes from the
server's messages (docs/protocol.md) through a :class:`~wargame.net.client.Client`, which joins
again by itself when the connection drops (the orders being chosen are kept). A time limit counts
down on it. The White Cell's code opens its console instead (:mod:`wargame.tui.white_console`).
The cell's screen is :mod:`wargame.tui.screens.remote_seat`, the code screen
:mod:`wargame.tui.screens.remote_code` (also shown when the White Cell revokes the seat's code)."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from wargame.net.client import Client, JoinRefused, Revoked
from wargame.net.server import WHITE
from wargame.tui.hangup import watch_terminal
from wargame.tui.screens.remote_code import CodeScreen
from wargame.tui.screens.remote_parts import ConfirmGiveScreen
from wargame.tui.screens.remote_seat import RemoteScreen, seat_channels, seat_title
from wargame.tui.widgets.board import titled
from wargame.tui.widgets.countdown import GameClock

__all__ = ["CodeScreen", "ConfirmGiveScreen", "RemoteApp", "RemoteScreen", "seat_channels", "seat_screen", "seat_title"]


def seat_screen(client: Client) -> Screen[None]:
    """The screen of the seat the client joined: the White Cell's console, or a cell's screen."""
    if client.seat == WHITE:
        from wargame.tui.white_console import WhiteConsoleScreen

        return WhiteConsoleScreen(client)
    return RemoteScreen(client)


MORE = ("charts", "objectives", "walkthrough")  # the app's keys to the screens of remote_more
MORE_SCREENS = ("RemoteChartsScreen", "RemoteObjectivesScreen", "RemoteWalkthroughScreen")


class RemoteApp(App[None]):
    """One seat's terminal, joined already (``client`` has had its welcome), or, given the server's
    ``url`` instead, asking for the join code first (:class:`CodeScreen`)."""

    CSS_PATH = "wargame.tcss"
    CSS = """
    #remote-line { height: 1; background: $boost; }
    #remote-status { width: 1fr; height: 1; padding: 0 1; }
    #remote-top { height: 2fr; }
    #remote-theatres { width: 2fr; max-height: 100%; }
    #remote-tracks { width: 1fr; min-width: 24; }
    #remote-tracks:focus { background: $boost; }
    .remote-cell { border: round $primary-darken-2; height: auto; }
    #remote-bottom { height: 3fr; }
    #remote-bottom > Vertical { width: 1fr; }
    #remote-orders { height: 1fr; }
    #remote-draft { height: auto; max-height: 8; padding: 0 1; }
    #remote-results, #remote-channel { height: 1fr; }
    #remote-results:focus, #remote-channel:focus { background: $boost; }
    /* the pane with the focus: its title lit, so that a newcomer sees where the keys go */
    /* (a rule on the pane itself too: Textual restyles a pane's children on a focus change only then) */
    .remote-pane:focus-within { background: $boost; }
    .remote-pane:focus-within > .list-title { background: $accent; color: $background; text-style: bold; }
    #remote-say:focus { background: $accent 30%; }
    #code-box { height: auto; max-width: 80; padding: 1 2; border: round $primary; }
    #code-why { height: auto; }
    """
    TITLE = "wargame"
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # the networked seats' own key (a cell's screen and the White Cell's console): to the message box.
        # Bound here, not on the screens: at the table m is the White Cell's note (tests/test_tui_keys.py)
        Binding("m", "message", "Message"),
        # the table's other screens of a seat, from what the server sent it (wargame.tui.screens.remote_more);
        # on the White Cell's console its own o (override) and r (revoke) come first
        Binding("c", "charts", "Charts"),
        Binding("o", "objectives", "Objectives"),
        Binding("r", "walkthrough", "Results one by one"),
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
        self.clock_ran_out = False  # the last phase's time was up when its results (or the next phase's clock) came
        self.last_kind: object = None  # the type of the server's last message
        self.coded: list[str] | None = None  # to the White Cell: the seats with a join code (its welcome's)
        # the turn just resolved while the server waits for the White Cell to start the next (its review), or None
        self.review: int | None = None
        self.bots: set[str] = set(client.bots) if client is not None else set()  # the cells a bot plays (welcome)
        self.seat_results: tuple[str | None, list[dict[str, Any]]] = (None, [])  # (seat, its last results shown)
        if client is not None:
            client.listener = self.on_client_message
            self.coded = client.coded

    def on_mount(self) -> None:
        watch_terminal(self)
        if self.client is None:
            self.push_screen(CodeScreen(self.url))
            return
        self.push_screen(seat_screen(self.client))
        self.run_worker(self.keep_reading(), exclusive=True, group="client")

    def joined(self, client: Client) -> None:
        """The code screen's client has joined: its seat's screen replaces the code screen."""
        self.client = client
        client.listener = self.on_client_message
        self.coded = client.coded
        self.bots = set(client.bots)
        self.switch_screen(seat_screen(client))
        self.run_worker(self.keep_reading(), exclusive=True, group="client")

    async def keep_reading(self) -> None:
        client = self.client
        assert client is not None
        while True:
            try:
                await client.run()
                return
            except Revoked as e:
                if client.seat is not None and self.new_codes.get(client.seat) == client.code:
                    continue  # the White Cell revoked its own code and was sent the new one: it joins with it
                # the seat asks the White Cell for its new code and types it here, rather than starting again
                while len(self.screen_stack) > 2:
                    await self.pop_screen()
                await self.switch_screen(CodeScreen(client.url, str(e)))
                return
            except JoinRefused as e:
                self.goodbye = f"wargame: {e}"
                self.exit()
                return

    def on_client_message(self, message: dict[str, Any]) -> None:
        self.keep(message)
        screen = next((s for s in self.screen_stack if callable(getattr(s, "message", None))), None)
        if screen is not None and screen.is_mounted:
            screen.message(message)  # type: ignore[attr-defined]

    def keep(self, message: dict[str, Any]) -> None:
        """What the client does not keep itself: the clock (and whether it had run out when the next
        phase's came), and the White Cell's takeovers and new codes."""
        kind = message.get("type")
        # a phase's time ran out: its results come right after the next phase's clock (a deadline,
        # then results), or, while the White Cell reviews the turn, with no new clock before them
        if kind in ("deadline", "results"):
            left = self.game_clock.left()
            ran_out = left is not None and left <= 2.0 and not self.game_clock.paused
            self.clock_ran_out = ran_out or (kind == "results" and self.last_kind == "deadline" and self.clock_ran_out)
        self.learn_bots(message)
        self.last_kind = kind
        self.game_clock.take(message)
        if kind in ("welcome", "view"):
            # a review is said after the view it follows (and again after a ruling's): a view ends it
            self.review = None
        elif kind == "review":
            self.review = message.get("turn")
        if kind == "welcome":
            self.coded = message.get("coded")
        elif kind == "takeover_requested" and message["seat"] not in self.takeovers:
            self.takeovers.append(message["seat"])
        elif kind == "results" and message.get("records") and self.client is not None:
            # the last results the seat was shown: a new code's welcome brings only the turn so far
            self.seat_results = (self.client.seat, list(message["records"]))
        elif kind == "takeover_withdrawn":  # the waiting connection left: nothing to approve any more
            self.takeovers = [s for s in self.takeovers if s != message["seat"]]
        elif kind == "code":
            self.new_codes[message["seat"]] = message["code"]
            if self.client is not None and message["seat"] == self.client.seat:
                self.client.code = message["code"]  # the White Cell revoked its own: it joins again with the new one
            self.takeovers = [s for s in self.takeovers if s != message["seat"]]
        elif kind == "joined" and self.client is not None:
            # a takeover approved (or given up) shows as the seat's connection changing: ask again if still wanted
            self.takeovers = [s for s in self.takeovers if s in message["seats"]]

    def learn_bots(self, message: dict[str, Any]) -> None:
        """Which cells a bot plays: every ``welcome`` says (``bots``)."""
        if message.get("type") == "welcome":
            self.bots = set(message.get("bots", []))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MORE:
            joined = self.client is not None and self.client.seat is not None and self.client.view is not None
            return None if isinstance(self.focused, Input) else joined and type(self.screen).__name__ not in MORE_SCREENS
        if action == "message":
            if isinstance(self.focused, Input):
                return None  # typing already: m is text, the key shown dimmed
            return callable(getattr(self.screen, "action_message", None))  # the code screen has no box
        return True

    def action_charts(self) -> None:
        from wargame.tui.screens.remote_more import RemoteChartsScreen

        self.push_screen(RemoteChartsScreen(self.client, self.rulebook))

    def action_objectives(self) -> None:
        from wargame.tui.screens.remote_more import RemoteObjectivesScreen

        self.push_screen(RemoteObjectivesScreen(self.client, self.rulebook))

    def action_walkthrough(self) -> None:
        from wargame.tui.screens.remote_more import RemoteWalkthroughScreen

        if not self.client.results:
            self.notify("No results yet: the first come when this turn is resolved.", timeout=4)
            return
        self.push_screen(RemoteWalkthroughScreen(self.client, self.rulebook))

    def action_message(self) -> None:
        to_box = getattr(self.screen, "action_message", None)
        if callable(to_box):
            to_box()

    def action_help(self) -> None:
        from wargame.tui.screens.modals import toggle_help

        toggle_help(self)

    async def action_quit(self) -> None:
        if self.client is not None:
            await self.client.stop()
        for screen in self.screen_stack:
            if isinstance(screen, CodeScreen):
                await screen.give_up()  # a join still waiting for its seat: its connection closed too
        self.exit()
