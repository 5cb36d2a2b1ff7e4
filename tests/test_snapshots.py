"""Snapshots of the main screens at a fixed size, so an unintended change to what people see
fails a test. Deterministic: seeded games, no save path on screen, a cursor that does not blink.

After an intended change of a screen, look at the new picture and accept it with
`.venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import pytest

from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp

RULEBOOK = load_rulebook()


@pytest.fixture(autouse=True)
def colours(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pictures are taken in colour whatever the terminal the tests run from asks for."""
    monkeypatch.delenv("NO_COLOR", raising=False)


def humans_game(seed: int = 1) -> WargameApp:
    return WargameApp(RULEBOOK, session=Session.new(RULEBOOK, "exercise", seed, {c: HUMAN for c in CELLS}))


async def wait_for(pilot, name: str) -> None:
    for _ in range(200):
        if type(pilot.app.screen).__name__ == name:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"no {name}")


def test_the_start_screen(snap_compare) -> None:
    assert snap_compare(WargameApp(RULEBOOK, seed=42), terminal_size=(80, 24))


def test_the_events_walkthrough(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")

    assert snap_compare(humans_game(), terminal_size=(80, 24), run_before=ready)


def test_the_handover_hides_the_board(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")
        await pilot.press("escape")
        await wait_for(pilot, "HandoverScreen")

    assert snap_compare(humans_game(), terminal_size=(80, 24), run_before=ready)


def test_the_orders_screen(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")
        await pilot.press("escape")
        await wait_for(pilot, "HandoverScreen")
        await pilot.press("enter")
        await wait_for(pilot, "OrdersScreen")
        await pilot.press("enter")  # pick the first order: its theatres appear

    assert snap_compare(humans_game(), terminal_size=(100, 30), run_before=ready)


def test_the_game_board_between_cells(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")
        await pilot.press("escape")
        await wait_for(pilot, "HandoverScreen")
        pilot.app.pop_screen()  # what lies under the handover: the public board
        await pilot.pause()

    assert snap_compare(humans_game(), terminal_size=(100, 30), run_before=ready)
