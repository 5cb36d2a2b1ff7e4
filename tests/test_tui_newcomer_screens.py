"""Screens a newcomer found wanting at 80x24: the end of the game leads back to the start screen
for a second game, the board between turns shows its decks' box whole or not at all, the orders
screen's title is whole for the longest cell's name, the start screen's passphrase hints read
whole, and the board a cell opens from its orders keeps Help and Quit in sight on a small screen.

Driven with Textual's Pilot; every wait is on a condition (tests/pilot.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Footer, Input, Select

from tests.test_tui_keys import (
    RULEBOOK,
    ask_to_give,
    bots,
    name,
    orders_of,
    people,
    pilot_test,
    saves,
    table,
    to_the_board,
    until,
)
from tests.test_tui_narrow import Look, lines_of
from wargame.engine.model import CELLS
from wargame.record.game import play_bots
from wargame.table.examples import random_choosers
from wargame.table.session import HUMAN, Session
from wargame.tui.screens import end
from wargame.tui.screens.seat_board import SeatBoardScreen
from wargame.tui.widgets.board import DecksPanel
from wargame.tui.widgets.lists import Tick

__all__ = ["saves"]  # the fixture, for the start screen's tests

SMALL = (80, 24)


@pilot_test
async def test_the_end_screen_leads_back_to_the_start_screen_for_another_game(
        saves: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(end, "ODDS_RUNS", 5)
    monkeypatch.setattr(end, "report_path", lambda session: tmp_path / "game.report.md")
    session = Session.new(RULEBOOK, "exercise", 4, {c: "random" for c in CELLS}, save=tmp_path / "over.json")
    play_bots(session.game, random_choosers(RULEBOOK, 4))
    async with table(session, size=SMALL) as (pilot, app):
        await until(pilot, lambda: name(app) == "EndScreen" and app.screen.odds is not None, "the end")
        await until(pilot, lambda: "^n New game" in lines_of(app)[-1], "the key in the footer")
        await pilot.press("ctrl+n")
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        assert app.game_screen() is None  # the game over is left: w, quitting, speak of no game
        assert session.lock is None  # its save let go: another process may replay it now
        app.screen.query_one("#lock-solo", Tick).value = True  # people at the table: no lock, solo
        await pilot.press("ctrl+n")  # and a second game starts from it as the first did
        await until(pilot, lambda: app.game_screen() is not None, "the second game")
        assert app.game_screen().session is not session


@pytest.mark.parametrize("size", [SMALL, (100, 32)])
@pilot_test
async def test_the_board_between_turns_shows_the_decks_box_whole_or_not_at_all(
        size: tuple[int, int], tmp_path: Path) -> None:
    async with table(bots(tmp_path), size=size) as (pilot, app):
        await to_the_board(pilot, app)
        await pilot.pause()
        decks = app.screen.query_one(DecksPanel)
        footer = app.screen.query_one(Footer)
        await until(pilot, lambda: not decks.display or decks.region.bottom <= footer.region.y, "the decks' box")
        if size == SMALL:  # no room under the relation: no box begun and cut on the last line
            assert not decks.display
            assert "╭" not in lines_of(app)[-2][50:]
        else:
            assert decks.display and "Leader Death" in "\n".join(lines_of(app))


@pilot_test
async def test_the_orders_screens_title_is_whole_for_the_local_governments(tmp_path: Path) -> None:
    async with table(people(tmp_path, events=True), size=SMALL) as (pilot, app):
        for cell in ("IS", "AQ", "Coalition"):  # each gives no orders: the keyboard moves on
            await orders_of(pilot, app, cell)
            await ask_to_give(pilot, app)
            await pilot.press("enter")
            await until(pilot, lambda: name(app) == "HandoverScreen", "the next handover")
        orders = await orders_of(pilot, app, "Local Governments")
        assert orders.cell == "governments"
        await pilot.pause()
        header = lines_of(app)[0]
        assert f"{orders.title} — {orders.sub_title}" in header and "…" not in header
        assert "Local Governments" in header


@pilot_test
async def test_the_start_screens_passphrase_hints_read_whole(saves: Path) -> None:
    async with table(seed=3, size=SMALL) as (pilot, app):
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        start = app.screen
        start.query_one("#seat-coalition", Select).value = HUMAN
        await until(pilot, lambda: start.query_one("#start-lock-row").display, "the passphrase fields")
        start.query_one("#lock-pass", Input).focus()
        await pilot.pause()
        row = next(line for line in lines_of(app) if "White Cell passphrase" in line)
        for hint in (start.query_one("#lock-pass", Input).placeholder, start.query_one("#lock-again", Input).placeholder):
            assert hint in row, row


@pytest.mark.parametrize("size", [(60, 20), SMALL])
@pilot_test
async def test_the_board_a_cell_opens_from_its_orders_is_whole_on_a_small_screen(
        size: tuple[int, int], tmp_path: Path) -> None:
    async with table(people(tmp_path, events=True), size=size) as (pilot, app):
        await orders_of(pilot, app, "IS")
        look = Look(app, size)
        await look.at(pilot, "the orders")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SeatBoardScreen), "the cell's board")
        await look.at(pilot, "the cell's board")
        assert look.problems == []


def test_a_game_loaded_between_its_events_and_its_orders_shows_the_room_its_events_first() -> None:
    """Saved just after a turn's events (the room had seen one of them), then loaded: the room is
    shown this turn's events again, as it may see them, before the first handover; a game loaded
    in its events phase is not (tested elsewhere: it runs them)."""
    import asyncio

    from wargame.engine.model import CELLS
    from wargame.engine.rulebook import load_rulebook
    from wargame.table.session import HUMAN, Session
    from wargame.tui.app import WargameApp

    rulebook = load_rulebook()
    for seed in range(50):  # the first game whose first turn has events the room sees
        played = Session.new(rulebook, "exercise", seed, dict.fromkeys(CELLS, HUMAN))
        played.run_events()
        want = [r for r in played.events_of_this_turn("room") if r.kind != "budget"]
        if want:
            break
    assert want
    loaded = Session(rulebook, played.game, None)  # as a save read back gives it
    loaded.resumed = True
    assert loaded.state.phase == "orders"
    app = WargameApp(rulebook, session=loaded)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(50):
                if type(app.screen).__name__ in ("WalkthroughScreen", "HandoverScreen"):
                    break
                await pilot.pause()
            screen = app.screen
            assert type(screen).__name__ == "WalkthroughScreen", type(screen).__name__
            assert screen.records == want and screen.heading.endswith(": events")

    asyncio.run(run())
