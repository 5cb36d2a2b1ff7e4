"""``wargame serve --web`` (wargame.tui.web): the join client in a browser through textual-serve.
Its code-entry screen (wargame.tui.remote.CodeScreen) against the real server, and the command
serving the page beside the game server, then stopped with Ctrl+C."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import urllib.request

from tests.netcases import run as _run
from wargame.engine.model import CELLS
from wargame.net.server import ExerciseServer
from wargame.table.session import Session
from wargame.tui.web import WebServer, local_host

TIMEOUT = 20.0  # seconds: a browser session starts a process of its own


def test_the_code_screen_refuses_a_wrong_code_and_joins_with_the_right_one(rulebook):
    from textual.widgets import Input, Static

    from wargame.tui.remote import CodeScreen, RemoteApp, RemoteScreen
    from wargame.tui.widgets.board import TheatreTable

    server = ExerciseServer(Session.new(rulebook, "exercise", 5, dict.fromkeys(CELLS, "human")))

    async def main() -> None:
        await server.start()
        try:
            app = RemoteApp(url=f"ws://127.0.0.1:{server.port}")
            async with app.run_test(size=(160, 50)) as pilot:
                await pilot.pause()
                screen = app.screen
                assert isinstance(screen, CodeScreen)
                await pilot.press(*"guess", "enter")
                why = screen.query_one("#code-why", Static)
                for _ in range(500):
                    await pilot.pause(0.01)
                    if "refused" in str(why.render()):
                        break
                assert "refused the code" in str(why.render()) and "try again" in str(why.render())
                assert app.client is None and app.screen is screen
                code_input = screen.query_one("#code-input", Input)
                assert code_input.value == "" and code_input.has_focus and not code_input.disabled

                await pilot.press(*server.codes["aq"], "enter")
                for _ in range(500):
                    await pilot.pause(0.01)
                    if isinstance(app.screen, RemoteScreen):
                        break
                seat = app.screen
                assert isinstance(seat, RemoteScreen)
                assert app.client is not None and app.client.seat == "aq"
                await pilot.pause()
                assert seat.query_one("#remote-theatres", TheatreTable).row_count == len(app.client.view["theatres"])
                assert "turn 1" in seat.title
                await pilot.press("ctrl+q")
        finally:
            await server.close()

    _run(main())


def test_the_web_server_serves_the_page_on_a_free_port_and_closes():
    async def main() -> None:
        web = WebServer("true", "127.0.0.1", 0, title="wargame: a test")
        await web.start()
        try:
            assert web.port != 0 and web.url == f"http://127.0.0.1:{web.port}"
            page = await asyncio.to_thread(_get, web.url)
            assert "wargame: a test" in page and f"ws://127.0.0.1:{web.port}/ws" in page
        finally:
            await web.close()

    _run(main())
    assert local_host("0.0.0.0") == "127.0.0.1" and local_host("10.1.2.3") == "10.1.2.3"


def _words(screen: str) -> str:
    """A terminal's output without its escape sequences (for a failure's message)."""
    return " ".join(re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", " ", screen).split())


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        assert response.status == 200
        return response.read().decode()


def test_wargame_serve_web_prints_the_web_address_serves_the_client_and_stops_on_ctrl_c():
    proc = subprocess.Popen([sys.executable, "-m", "wargame", "serve", "--port", "0", "--seed", "3", "--web", "--web-port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        assert proc.stdout is not None
        while not lines or not lines[-1].startswith("Give each seat"):
            line = proc.stdout.readline()
            assert line, f"the server ended: {''.join(lines)} {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line)
        web = next(line for line in lines if line.startswith("In a browser: "))
        url = web.split()[3]
        assert url.startswith("http://127.0.0.1:")
        page = _get(url)
        assert "wargame: Exercise" in page

        # a browser session: textual-serve runs the join client, which asks for the code
        screen = _run(_browser_session(url))
        assert "Join the exercise" in screen

        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=TIMEOUT)
        assert proc.returncode == 130
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


async def _browser_session(url: str, code: str | None = None, until: str = "") -> str:
    """What a browser's terminal is sent, over textual-serve's websocket, until the code screen
    shows; with ``code``, that code is then typed and Enter pressed, and the screen read until
    ``until`` shows, or the join is refused (or the session ends, or stays quiet for TIMEOUT)."""
    import aiohttp

    seen = ""
    async with aiohttp.ClientSession() as session, session.ws_connect(url.replace("http", "ws", 1) + "/ws?width=100&height=30") as ws:
        await ws.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
        for wanted, typed in (("Join the exercise", code), (until, None)):
            while wanted not in seen and not (typed is None and "try again" in seen):  # joined, or refused
                try:
                    message = await asyncio.wait_for(ws.receive(), TIMEOUT)
                except TimeoutError:
                    return seen
                if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    return seen
                if message.type == aiohttp.WSMsgType.TEXT:
                    seen += message.data
                elif message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data.decode(errors="replace")
            if typed is None:
                return seen
            await ws.send_str(json.dumps(["stdin", typed + "\r"]))
    return seen


def test_wargame_serve_web_with_tls_lets_a_browser_join_over_wss(tmp_path):
    """With --cert and --key, each browser session's client joins the game server over wss:// on
    this machine: it trusts the server's own certificate (pinned), so a self-signed one works."""
    from tests.test_net_white import _self_signed

    cert, key = _self_signed(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "wargame", "serve", "--port", "0", "--seed", "3", "--web", "--web-port", "0",
                             "--cert", str(cert), "--key", str(key)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        assert proc.stdout is not None
        while not lines or not lines[-1].startswith("Give each seat"):
            line = proc.stdout.readline()
            assert line, f"the server ended: {''.join(lines)} {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line)
        assert lines[0].startswith("Serving") and "wss://127.0.0.1:" in lines[0]
        code = next(line.split()[1] for line in lines if line.split()[:1] == ["aq"])
        url = next(line for line in lines if line.startswith("In a browser: ")).split()[3]
        screen = _run(_browser_session(url, code, until="al-Qaeda: turn 1 of 8"))  # the seat's screen: joined
        assert "al-Qaeda: turn 1 of 8" in screen, _words(screen)[-600:]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=TIMEOUT)
        assert proc.returncode == 130
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_client_pinned_to_the_servers_certificate_trusts_it_and_no_other(rulebook, tmp_path, monkeypatch):
    """WARGAME_SERVER_CERT (set by serve --web --cert for the browser sessions): that certificate,
    self-signed, is trusted; another is not; a file with no certificate is one sentence."""
    import pytest

    from tests.test_net_white import _self_signed
    from wargame.cli.serve import tls_context
    from wargame.net.client import SERVER_CERT_ENV, Client, ClientError

    cert, key = _self_signed(tmp_path)
    (tmp_path / "other").mkdir()
    other, _ = _self_signed(tmp_path / "other")
    server = ExerciseServer(Session.new(rulebook, "exercise", 5, dict.fromkeys(CELLS, "human")),
                            ssl_context=tls_context(cert, key))

    async def main() -> None:
        await server.start()
        url = f"wss://127.0.0.1:{server.port}"
        try:
            monkeypatch.setenv(SERVER_CERT_ENV, str(cert))
            client = Client(url, server.codes["is"])
            assert (await client.join())["seat"] == "is"
            await client.stop()
            monkeypatch.setenv(SERVER_CERT_ENV, str(other))
            with pytest.raises(ClientError, match="certificate verify failed"):
                await Client(url, server.codes["aq"]).join()
            monkeypatch.setenv(SERVER_CERT_ENV, str(key.parent / "nothing.pem"))
            with pytest.raises(ClientError, match=SERVER_CERT_ENV):
                await Client(url, server.codes["aq"]).join()
        finally:
            await server.close()

    _run(main())
