"""ctrl+q during a game under way asks first, and says where the game is saved and the command
that continues it; ctrl+q again, or Enter on Quit, quits; Esc or Stay goes back to the game.
On the start screen and in a replay, where nothing is under way, it quits at once.

Driven with Textual's Pilot; every wait is on a condition (tests/pilot.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Button, Static
from textual.widgets._footer import FooterKey

from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.record.load import load
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp
from wargame.tui.screens.quit import QuitScreen

from .pilot import name, until

RULEBOOK = load_rulebook()
FACILITATED = Path(__file__).resolve().parent.parent / "saves" / "example-facilitated.json"
SIZE = (100, 32)


def people(tmp_path: Path) -> Session:
    """A game under way with people in every seat, saved in ``tmp_path``, at the Islamic State's handover."""
    session = Session.new(RULEBOOK, "exercise", 3, {c: HUMAN for c in CELLS}, save=tmp_path / "g.json")
    session.run_events()
    return session


def run(app: WargameApp, scenario, size=SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await scenario(pilot)

    asyncio.run(main())


async def asked(pilot) -> QuitScreen:
    """ctrl+q: the question, the program still running and nothing printed yet."""
    app = pilot.app
    await pilot.press("ctrl+q")
    await until(pilot, lambda: name(app) == "QuitScreen", "the question")
    assert app.is_running and not app.goodbye
    return app.screen


def test_quitting_a_game_under_way_asks_and_stays_on_esc_or_stay(tmp_path: Path) -> None:
    session = people(tmp_path)
    app = WargameApp(RULEBOOK, session=session)

    async def scenario(pilot) -> None:
        await until(pilot, lambda: name(app) == "HandoverScreen", "the handover")
        screen = await asked(pilot)
        said = screen.query_one("#quit-message", Static).visual.plain
        assert said.startswith(f"The game is saved in {session.save}")
        assert f"play --load {session.save.absolute()}" in said
        # the footer keeps ctrl+q Quit (and F1 Help) in sight on the question too
        shown = {key.action for key in screen.query(FooterKey)}
        assert {"quit", "help"} <= shown
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "HandoverScreen", "back at the handover")
        await asked(pilot)
        assert app.screen.focused is not None and app.screen.focused.id == "quit-stay"
        await pilot.press("enter")  # Enter at once is Stay: a habitual Enter never quits
        await until(pilot, lambda: name(app) == "HandoverScreen", "back at the handover")
        assert app.is_running and not app.goodbye

    run(app, scenario)
    session.close()


def test_ctrl_q_twice_quits_and_says_how_to_continue(tmp_path: Path) -> None:
    session = people(tmp_path)
    app = WargameApp(RULEBOOK, session=session)

    async def scenario(pilot) -> None:
        await until(pilot, lambda: name(app) == "HandoverScreen", "the handover")
        await asked(pilot)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: app.goodbye, "the goodbye")

    run(app, scenario)
    session.close()
    assert "To continue it: " in app.goodbye and f"play --load {session.save.absolute()}" in app.goodbye
    _, game, check = load(session.save, RULEBOOK)
    assert check.verified and game.state.turn == 1


def test_enter_on_quit_quits(tmp_path: Path) -> None:
    session = people(tmp_path)
    app = WargameApp(RULEBOOK, session=session)

    async def scenario(pilot) -> None:
        await until(pilot, lambda: name(app) == "HandoverScreen", "the handover")
        screen = await asked(pilot)
        await pilot.press("left")  # from Stay to Quit
        assert screen.focused is screen.query_one("#quit-yes", Button)
        await pilot.press("enter")
        await until(pilot, lambda: app.goodbye, "the goodbye")

    run(app, scenario)
    session.close()
    assert "play --load" in app.goodbye


def test_the_start_screen_quits_at_once() -> None:
    app = WargameApp(RULEBOOK, seed=7)

    async def scenario(pilot) -> None:
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, "the program to end")

    run(app, scenario)
    assert app.goodbye == ""  # no game: nothing to say


def test_the_replay_quits_at_once() -> None:
    _, game, check = load(FACILITATED, RULEBOOK)
    assert check.verified, check.message
    app = WargameApp(RULEBOOK, replay=(game, FACILITATED))

    async def scenario(pilot) -> None:
        await until(pilot, lambda: name(app) == "ReplayScreen", "the replay")
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, "the program to end")  # no question first

    run(app, scenario)
