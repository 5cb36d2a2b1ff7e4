"""What a newcomer's playtest found on screen, driven with Pilot: toasts that outlived the screen
they were about (and leaked to the next cell), tick-box labels cut mid-sentence, a pause that
still offered Space, a walkthrough footer out of step with its mode, a confirmation that spoke
of one order and gave "them", and a start screen that opened scrolled down with no field ready."""

from __future__ import annotations

from pathlib import Path

import attrs
from textual.widgets import Button, Select

from tests.test_tui_keys import (
    adjudication,
    ask_to_give,
    bots,
    name,
    open_white,
    orders_of,
    people,
    pilot_test,
    saves,
    screen_text,
    skip_to,
    table,
    to_the_board,
    until,
)
from wargame.record.lock import make_lock
from wargame.tui.screens.lock import WRONG
from wargame.tui.widgets.lists import Tick

__all__ = ["saves"]  # the fixture, for the start screen's test


def toasts(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pilot_test
async def test_a_cells_toast_does_not_follow_the_keyboard_to_the_next_cell(tmp_path: Path) -> None:
    async with table(people(tmp_path, events=True)) as (pilot, app):
        orders = await orders_of(pilot, app, "IS")
        orders.add(next(iter(app.screen.session.legal("is"))))
        await ask_to_give(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: name(app) == "HandoverScreen", "AQ's handover")
        await pilot.press("u")  # IS takes its orders back: told so on its own screen
        await until(pilot, lambda: name(app) == "HandoverScreen" and app.screen.again, "IS again")
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen" and any("Back:" in t for t in toasts(app)),
                    "IS's orders, and the toast that they are back")
        await ask_to_give(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: name(app) == "HandoverScreen" and not app.screen.again, "AQ's handover")
        assert toasts(app) == []  # the handover's words are not covered, nothing of IS's is told
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen", "AQ's orders")
        await pilot.pause()
        assert app.screen.cell == "aq" and toasts(app) == []
        assert "Back:" not in screen_text(app)


@pilot_test
async def test_a_wrong_passphrase_is_forgotten_once_the_right_one_opens_the_white_cell(tmp_path: Path) -> None:
    session = bots(tmp_path)
    session.game.header = attrs.evolve(session.game.header, white_lock=make_lock("umpire"))
    async with table(session) as (pilot, app):
        await to_the_board(pilot, app)
        await pilot.press("w")
        await until(pilot, lambda: name(app) == "PassphraseScreen", "the passphrase")
        await pilot.press(*"umpyre", "enter")
        await until(pilot, lambda: WRONG in toasts(app), "the refusal")
        await pilot.press(*"umpire", "enter")
        await until(pilot, lambda: name(app) == "WhiteCellScreen", "the White Cell")
        await pilot.pause()
        assert WRONG not in toasts(app) and WRONG not in screen_text(app)


@pilot_test
async def test_the_white_cells_tick_boxes_wrap_at_60_columns(tmp_path: Path) -> None:
    async with table(bots(tmp_path), size=(60, 20)) as (pilot, app):
        await to_the_board(pilot, app)
        white = await open_white(pilot, app)
        for key, tick in (("i", "#inject-secret"), ("t", "#track-secret")):
            await pilot.press(key)
            box = white.query_one(tick, Tick)
            await until(pilot, lambda box=box: box.size.height > 1, f"{tick} to wrap")
            words = str(box.label)
            assert words.endswith(".") and box.size.width <= 60
            # every word of it is drawn: its lines hold the whole label
            assert box.size.height * (box.size.width - 2) >= len(words) + 4


@pilot_test
async def test_the_walkthroughs_footer_follows_its_mode(tmp_path: Path) -> None:
    async with table(bots(tmp_path)) as (pilot, app):
        await skip_to(pilot, app, lambda: adjudication(app) and app.screen.records, "an adjudication")
        walk = app.screen

        def shown() -> set[str]:
            return {b.binding.description for b in walk.active_bindings.values()}

        assert {"Next", "Why?", "Show all"} <= shown() and not {"Go on", "One at a time"} & shown()
        await pilot.press("a")
        await until(pilot, lambda: walk.show_all, "all at once")
        assert {"Go on", "One at a time"} <= shown() and not {"Next", "Previous", "Why?", "Show all"} & shown()
        assert "Close" in shown() and "Skip the rest" not in shown(), "all shown: nothing is left to skip"
        await pilot.press("a")
        await until(pilot, lambda: not walk.show_all, "one at a time again")
        assert "Show all" in shown() and "One at a time" not in shown()
        assert "Skip the rest" in shown() and "Close" not in shown()
        await pilot.press("a", "enter")  # Enter in "show all" goes on
        await until(pilot, lambda: app.screen is not walk, "the walkthrough to close")


@pilot_test
async def test_the_confirmation_of_one_order_speaks_of_it(tmp_path: Path) -> None:
    async with table(people(tmp_path, events=True)) as (pilot, app):
        orders = await orders_of(pilot, app, "IS")
        orders.add(next(iter(orders.session.legal("is"))))
        await ask_to_give(pilot, app)
        assert "Give it (Enter)" in str(app.screen.query_one("#give", Button).label)
        assert "this order" in screen_text(app) and "take it back" in screen_text(app)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is orders, "back to choosing")
        await pilot.press("x")
        await ask_to_give(pilot, app)
        assert "Give no orders (Enter)" in str(app.screen.query_one("#give", Button).label)


@pilot_test
async def test_the_start_screen_opens_at_its_top_on_its_first_field(saves: Path) -> None:
    async with table(seed=3, size=(60, 20)) as (pilot, app):
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        await pilot.pause()
        start = app.screen
        assert start.focused is start.query_one("#scenario", Select)
        assert start.query_one("#start-box").scroll_y == 0
        assert "A seminar wargame" in screen_text(app)
        await pilot.press("enter")  # at once, no Tab first: the list opens
        await until(pilot, lambda: start.query_one("#scenario", Select).expanded, "the scenarios")
