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


def bots_game(seed: int = 4) -> WargameApp:
    return WargameApp(RULEBOOK, session=Session.new(RULEBOOK, "exercise", seed, {c: "doctrine" for c in CELLS}))


async def skip_to(pilot, wanted) -> None:
    """Skip walkthroughs until ``wanted()`` (bots choose in threads meanwhile)."""
    for _ in range(600):
        if wanted():
            await pilot.pause()
            return
        if type(pilot.app.screen).__name__ == "WalkthroughScreen":
            await pilot.press("escape")
        await pilot.pause(0.02)
    raise AssertionError("never got there")


def adjudication(pilot) -> bool:
    screen = pilot.app.screen
    return type(screen).__name__ == "WalkthroughScreen" and "adjudication" in screen.heading


def test_the_start_screen_at_120_by_40(snap_compare) -> None:
    assert snap_compare(WargameApp(RULEBOOK, seed=42), terminal_size=(120, 40))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_adjudication_says_why_each_bot_gave_its_order(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: adjudication(pilot))
        screen = pilot.app.screen
        screen.index = next(i for i, r in enumerate(screen.records) if r.kind == "order")
        screen.refresh_record()
        await pilot.pause()

    assert snap_compare(bots_game(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20)])
def test_the_board_between_turns(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "SummaryScreen")
        await pilot.press("escape")
        await wait_for(pilot, "GameScreen")
        await pilot.pause()

    assert snap_compare(bots_game(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_help_of_the_board(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "SummaryScreen")
        await pilot.press("escape")
        await wait_for(pilot, "GameScreen")
        await pilot.press("f1")
        await wait_for(pilot, "HelpScreen")

    assert snap_compare(bots_game(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_giving_orders_asks_to_confirm(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "HandoverScreen")
        await pilot.press("enter")
        await wait_for(pilot, "OrdersScreen")
        await pilot.press("enter")  # the first order, in its first theatre
        await pilot.pause()
        if pilot.app.screen.query_one("#targets").has_focus:
            await pilot.press("enter")
        await pilot.press("g")
        await wait_for(pilot, "ConfirmOrdersScreen")

    assert snap_compare(humans_game(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_handover_offers_to_take_orders_back(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "HandoverScreen")
        await pilot.press("enter")
        await wait_for(pilot, "OrdersScreen")
        await pilot.press("g")
        await wait_for(pilot, "ConfirmOrdersScreen")
        await pilot.press("enter")
        await wait_for(pilot, "HandoverScreen")
        await pilot.pause()

    assert snap_compare(humans_game(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_white_cell_between_turns(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "SummaryScreen")
        await pilot.press("escape")
        await wait_for(pilot, "GameScreen")
        await pilot.press("w")
        await wait_for(pilot, "WhiteCellScreen")
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(bots_game(), terminal_size=size, run_before=ready)
