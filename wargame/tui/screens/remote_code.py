"""The join code first (``wargame join HOST:PORT`` without ``--code``, the browser's client of
``wargame serve --web``, and a seat whose code the White Cell revoked): Enter joins; a refused code
says why, and another can be typed. A code whose seat is held by another connection waits for it
(the server's reason shown); Esc or ctrl+q gives up the wait and quits, the connection closed."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from wargame.net.client import Client, ClientError
from wargame.tui.widgets.footer import KeysFooter


class CodeScreen(Screen[None]):
    """Asks for the join code of the server at ``url``; ``reason``: why it asks again (a revoked
    code), shown until a code is typed. Once joined, the app's ``joined(client)`` takes over."""

    BINDINGS = [Binding("escape", "give_up", "Give up waiting")]
    ABOUT = ("Type your seat's join code, as the facilitator gave it, and press Enter. "
             "The code decides your seat: keep it to yourself. If another connection holds the seat, "
             "this one waits for it (the White Cell may hand it over); Esc or ctrl+q gives up and quits.")
    HELP_TITLE = "joining"

    def __init__(self, url: str, reason: str = ""):
        super().__init__()
        self.url = url
        self.reason = reason
        self.joining: Client | None = None  # the client joining now (in a worker: the screen keeps answering keys)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="code-box"):
            yield Label("[b]Join the exercise[/]")
            yield Label(f"Your seat's join code (server {escape(self.url)}):")
            yield Input(placeholder="the code; Enter joins", id="code-input", max_length=200)
            yield Static(f"[$error]{escape(self.reason)}[/]" if self.reason else "", id="code-why")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.title, self.sub_title = "wargame", "join a networked exercise"
        self.query_one("#code-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        code = event.value.strip()
        why = self.query_one("#code-why", Static)
        if not code:
            why.update("[$warning]Type the code first.[/]")
            return
        why.update("Joining…")
        event.input.disabled = True
        self.joining = Client(self.url, code, listener=self._waiting)
        self.refresh_bindings()  # Esc gives up from now on
        # a join may wait for its seat for as long as the White Cell takes: not in this handler, which
        # would hold the screen (nothing drawn, no key answered, the app unable to quit)
        self.run_worker(self._join(self.joining), exclusive=True, group="join")

    def _waiting(self, message: dict[str, Any]) -> None:
        if message.get("waiting"):
            self.query_one("#code-why", Static).update(
                f"[$warning]{escape(str(message.get('why', 'waiting for the seat')))}[/]\nEsc or ctrl+q gives up and quits.")

    async def _join(self, client: Client) -> None:
        box = self.query_one("#code-input", Input)
        try:
            await client.join()
        except ClientError as e:
            self.joining = None
            self.refresh_bindings()
            self.query_one("#code-why", Static).update(f"[$error]{escape(str(e))}[/]\nCheck the code and try again.")
            box.disabled = False
            box.clear()
            box.focus()
            return
        self.joining = None
        self.app.joined(client)  # type: ignore[attr-defined]  # the RemoteApp's

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "give_up":
            return self.joining is not None  # Esc means something only while a join is under way
        return True

    async def give_up(self) -> None:
        """Stop the join under way, its connection closed (the server stops keeping it waiting)."""
        client, self.joining = self.joining, None
        self.workers.cancel_group(self, "join")
        if client is not None:
            await client.stop()

    async def action_give_up(self) -> None:
        await self.app.action_quit()
