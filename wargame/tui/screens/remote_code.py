"""The join code first (``wargame join HOST:PORT`` without ``--code``, the browser's client of
``wargame serve --web``, and a seat whose code the White Cell revoked): Enter joins; a refused code
says why, and another can be typed."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, Static

from wargame.net.client import Client, ClientError
from wargame.tui.widgets.footer import KeysFooter


class CodeScreen(Screen[None]):
    """Asks for the join code of the server at ``url``; ``reason``: why it asks again (a revoked
    code), shown until a code is typed. Once joined, the app's ``joined(client)`` takes over."""

    ABOUT = ("Type your seat's join code, as the facilitator gave it, and press Enter. "
             "The code decides your seat: keep it to yourself.")
    HELP_TITLE = "joining"

    def __init__(self, url: str, reason: str = ""):
        super().__init__()
        self.url = url
        self.reason = reason

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
        self.app.joined(client)  # type: ignore[attr-defined]  # the RemoteApp's
