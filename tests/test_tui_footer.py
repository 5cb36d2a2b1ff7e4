"""The footer on a small terminal (60x20) shows as many of a screen's keys as fit, in order of
importance: the screen's main key, Help and Quit always, then the others with their words while
they fit, then those left by the key alone after a bar; F1 lists every key with what it does.

Driven with Textual's Pilot; every wait is on a condition (tests/pilot.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.binding import Binding
from textual.widgets._footer import FooterKey

from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp
from wargame.tui.keys import key_rows
from wargame.tui.widgets.footer import Key, pick

from .pilot import name, until

RULEBOOK = load_rulebook()
SMALL = (60, 20)


def key(action: str, on_screen: bool = True) -> Key:
    return Key(Binding(action[0], action, action.title()), True, "", on_screen)


def test_the_main_key_help_and_quit_come_first_then_the_others_whole_then_alone() -> None:
    keys = [key("main"), key("along"), key("broad"), key("help", False), key("quit", False), key("c")]
    widths = [10, 10, 20, 8, 8, 5]
    bare = [2, 2, 2, 2, 2, 2]
    # 26 for the main key, Help and Quit; "along" and "c" fit whole (41); "broad" alone after the bar (44)
    assert pick(keys, widths, 45, bare) == ([0, 1, 3, 4, 5], [2])
    assert pick(keys, widths, 43, bare) == ([0, 1, 3, 4, 5], [])  # no room even for its key
    # in a narrower line "along" is left out whole and "c" still fits whole (31); then "along",
    # first in importance, alone after the bar (34); "broad" has no room left even so
    assert pick(keys, widths, 35, bare) == ([0, 3, 4, 5], [1])
    # the main key, Help and Quit are shown even with no room at all
    assert pick(keys, widths, 0, bare) == ([0, 3, 4], [])


def footer_line(app) -> str:
    return app.screen._compositor.render_strips()[-1].text


def shown(app) -> dict[str, str]:
    """The footer's keys: action → the words shown with the key ("" for a key shown alone)."""
    return {k.action: k.description for k in app.screen.query(FooterKey)}


def listed(app) -> set[str]:
    return {what for _, what in key_rows(app.screen)}


def test_a_key_without_room_for_its_words_is_shown_alone_and_the_help_lists_it() -> None:
    app = WargameApp(RULEBOOK, seed=7)

    async def main() -> None:
        async with app.run_test(size=SMALL) as pilot:
            await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
            await until(pilot, lambda: "replay" in shown(app), "the footer's keys")
            keys = shown(app)
            assert keys["new_game"] == "New game" and keys["help"] == "Help" and keys["quit"] == "Quit"
            assert keys["replay"] == ""  # no room for "Replay a save": the key alone, at the end
            line = footer_line(app)
            assert "f1 Help" in line and "^q Quit" in line and line.rstrip().endswith("▏^r")
            assert "Replay a save" in listed(app)  # F1 says what it does

    asyncio.run(main())


def test_the_orders_screen_at_60_columns_keeps_objectives_in_the_footer(tmp_path: Path) -> None:
    session = Session.new(RULEBOOK, "exercise", 3, {c: HUMAN for c in CELLS}, save=tmp_path / "g.json")
    session.run_events()
    app = WargameApp(RULEBOOK, session=session)

    async def main() -> None:
        async with app.run_test(size=SMALL) as pilot:
            await until(pilot, lambda: name(app) == "HandoverScreen", "the handover")
            await pilot.press("space")
            await until(pilot, lambda: name(app) == "OrdersScreen", "the orders")
            await until(pilot, lambda: "objectives" in shown(app), "the footer's keys")
            keys = shown(app)
            assert keys["give"] == "Give orders…" and keys["objectives"] == ""
            assert footer_line(app).rstrip().endswith("▏c o")
            assert "Objectives" in listed(app)
            await pilot.press("o")  # it works from the footer's key alone
            await until(pilot, lambda: name(app) != "OrdersScreen", "the objectives")

    asyncio.run(main())
    session.close()


def test_a_wide_footer_shows_every_key_with_its_words() -> None:
    app = WargameApp(RULEBOOK, seed=7)

    async def main() -> None:
        async with app.run_test(size=(120, 30)) as pilot:
            await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
            await until(pilot, lambda: "replay" in shown(app), "the footer's keys")
            assert shown(app)["replay"] == "Replay a save"
            assert "▏^r" not in footer_line(app)

    asyncio.run(main())
