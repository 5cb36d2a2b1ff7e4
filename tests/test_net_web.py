"""``wargame serve --web`` (wargame.tui.web): the join client in a browser through textual-serve.
Its code-entry screen (wargame.tui.remote.CodeScreen) against the real server, and the command
serving the page beside the game server, then stopped with Ctrl+C."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import urllib.request

from wargame.engine.model import CELLS
from wargame.net.server import ExerciseServer
from wargame.table.session import Session
from wargame.tui.web import WebServer, local_host

TIMEOUT = 20.0


def _run(coro):
    return asyncio.run(asyncio.wait_for(coro, 60))


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


async def _browser_session(url: str) -> str:
    """What a browser's terminal is sent, over textual-serve's websocket, until the code screen shows."""
    import aiohttp

    seen = ""
    async with aiohttp.ClientSession() as session, session.ws_connect(url.replace("http", "ws", 1) + "/ws?width=100&height=30") as ws:
        await ws.send_str(json.dumps(["resize", {"width": 100, "height": 30}]))
        while "Join the exercise" not in seen:
            message = await asyncio.wait_for(ws.receive(), TIMEOUT)
            if message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                break
            if message.type == aiohttp.WSMsgType.TEXT:
                seen += message.data
            elif message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data.decode(errors="replace")
    return seen
