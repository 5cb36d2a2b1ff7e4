"""The orders screen as a newcomer met it at 80x24: a track the White Cell set shows once it closes,
the right-hand heading follows the order under the cursor, the board as the cell sees it is a key
away (never another cell's secrets), and which list has the keyboard is plain to see.

Driven with Textual's Pilot; every wait is on a condition (tests/pilot.py)."""

from __future__ import annotations

import re
from pathlib import Path

from textual.color import Color
from textual.widgets import Input, Label, OptionList, Static

from tests.test_tui_keys import RULEBOOK, check_help, name, orders_of, people, pilot_test, table, until
from wargame.tui.screens.seat_board import SeatBoardScreen
from wargame.tui.widgets.board import DecksPanel, RelationPanel, TheatreTable, relation_lines, theatre_rows

SMALL = (80, 24)


def lines_of(app) -> list[str]:
    """The screen as drawn, one string a line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def shown_value(app, track: str) -> int:
    """The value the orders screen's own panel draws for ``track`` (by its title)."""
    found = [m for line in lines_of(app) if (m := re.search(rf"{re.escape(track)}\s+(\d+)", line))]
    assert found, f"{track} is not drawn"
    return int(found[0].group(1))


@pilot_test
async def test_the_orders_screen_shows_a_track_the_white_cell_set_once_it_closes(tmp_path: Path) -> None:
    session = people(tmp_path, events=True)
    async with table(session, size=SMALL) as (pilot, app):
        orders = await orders_of(pilot, app, "IS")
        before = session.state.islamic_state.funds
        new = before + 1 if before < 20 else before - 1
        assert shown_value(app, "IS funds") == before
        await pilot.press("w")
        await until(pilot, lambda: name(app) == "WhiteCellScreen", "the White Cell")
        white = app.screen
        await pilot.press("w")
        await until(pilot, lambda: white.unlocked, "its controls")
        await pilot.press("t")
        await until(pilot, lambda: white.query_one("#track-target", Input).has_focus, "the track input")
        await pilot.press(*"is_funds", "enter")
        await until(pilot, lambda: white.query_one("#track-value", Input).has_focus, "the value")
        await pilot.press(*str(new), "enter")
        await until(pilot, lambda: white.query_one("#track-why", Input).has_focus, "the justification")
        await pilot.press(*"donors", "enter")
        await until(pilot, lambda: session.state.islamic_state.funds == new, "the track to change")
        for _ in range(5):  # Esc: from the form to the White Cell's overview, then closed
            if app.screen is orders:
                break
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is orders or name(app) == "WhiteCellScreen", "a screen")
        await until(pilot, lambda: app.screen is orders, "the orders screen again")
        await pilot.pause()
        assert shown_value(app, "IS funds") == new
        track, budget = session.budget("is")
        assert f"Budget:[/b] {budget} (" in str(orders.query_one("#orders-budget", Static).content)


@pilot_test
async def test_the_where_heading_follows_the_order_under_the_cursor(tmp_path: Path) -> None:
    session = people(tmp_path, events=True)
    async with table(session, size=SMALL) as (pilot, app):
        orders = await orders_of(pilot, app, "IS")
        kinds = orders.query_one("#kinds", OptionList)
        heading = orders.query_one("#targets-title", Label)
        mine = [k for k in RULEBOOK.orders if k.cell == "is"]
        assert {k.target for k in mine} >= {"theatre", None} or any(k.target != "theatre" for k in mine)
        for i, kind in enumerate(mine):
            if i:
                await pilot.press("down")
            await until(pilot, lambda i=i: kinds.highlighted == i, kind.title)
            await pilot.pause()
            words = str(heading.content)
            if kind.target == "theatre":
                assert words == f"Where: {kind.title}", words
            else:
                assert words == f"{kind.title}: no theatre", words
                targets = orders.query_one("#targets", OptionList)
                assert [str(o.prompt) for o in targets.options] == ["[$text-muted]This order needs no theatre.[/]"]
                assert targets.get_option_at_index(0).disabled


@pilot_test
async def test_the_orders_screen_shows_the_board_as_the_cell_sees_it_on_s(tmp_path: Path) -> None:
    session = people(tmp_path, events=True)
    async with table(session, size=SMALL) as (pilot, app):
        orders = await orders_of(pilot, app, "IS")
        await pilot.pause()
        assert "s Board" in lines_of(app)[-1]  # said in the footer
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SeatBoardScreen), "the cell's board")
        board = app.screen
        await pilot.pause()
        seen = session.view("is")  # the cell's own view, nothing more
        rows = board.query_one(TheatreTable)
        assert [tuple(str(c) for c in rows.get_row(t.name)) for t in seen.theatres] == theatre_rows(seen)
        relation = str(board.query_one(RelationPanel).content)
        assert relation == "\n".join(relation_lines(seen, RULEBOOK))
        assert "Leader Death" in str(board.query_one(DecksPanel).content)
        # every column fits at 80 columns: ground, pressure and grievance side by side with the theatre
        heads = next(line for line in lines_of(app) if "Theatre" in line)
        assert all(h in heads for h in ("Held", "Griev", "Press", "Peace"))
        # secrecy: no other cell's tracks on it at all, only the theatres, the relation and the decks
        text = "\n".join(lines_of(app))
        for other in ("Coalition will", "AQ funds", "Government capacity"):
            assert other not in text
        help_rows = {what: keys for keys, what in (await check_help(pilot, app)).rows}
        assert help_rows["Back to the orders"] == "s esc"
        await pilot.press("s")
        await until(pilot, lambda: app.screen is orders, "back to the orders")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SeatBoardScreen), "the board again")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is orders, "back to the orders (Esc)")


@pilot_test
async def test_tab_goes_between_the_lists_and_the_focused_ones_heading_is_lit(tmp_path: Path) -> None:
    session = people(tmp_path, events=True)
    async with table(session, size=SMALL) as (pilot, app):
        orders = await orders_of(pilot, app, "IS")
        kinds = orders.query_one("#kinds", OptionList)
        targets = orders.query_one("#targets", OptionList)
        kinds_title, targets_title = orders.query(".list-title").results(Label)
        accent = Color.parse(app.current_theme.accent)

        def accented(title: Label) -> bool:  # as the theme blends it: a shade off at most
            background = title.styles.background
            return background.a > 0 and sum(abs(a - b) for a, b in zip(background.rgb, accent.rgb)) < 8

        async def lit(title: Label, other: Label) -> None:
            """The heading of the list with the keyboard in the accent colour, the other's not."""
            await until(pilot, lambda: accented(title) and not accented(other), f"{title.content} lit")

        await until(pilot, lambda: kinds.has_focus, "the orders list")
        await lit(kinds_title, targets_title)
        await pilot.press("shift+tab")  # back a stop: the other list, never the Give button
        await until(pilot, lambda: targets.has_focus, "the theatres")
        await lit(targets_title, kinds_title)
        await pilot.press("tab")
        await until(pilot, lambda: kinds.has_focus, "the orders again")
        await pilot.press("shift+tab", "down", "down", "enter")  # the newcomer's keys: a pick, not "give"
        await pilot.pause()
        assert name(app) == "OrdersScreen"


def test_an_order_kind_that_cannot_be_given_says_the_reason_most_of_its_theatres_give() -> None:
    """Air campaign ordered in one theatre, and too little money left for any other: its line says
    the money, not "already ordered this turn" (the one theatre's reason)."""
    from types import SimpleNamespace as Entry

    from wargame.engine.model import Order
    from wargame.tui.screens.orders import _kind_reason

    menu = [Entry(order=Order("coalition", "coalition.air", "iraq"), available=False, reason="already ordered this turn")]
    menu += [Entry(order=Order("coalition", "coalition.air", t), available=False, reason="costs 3 budget, and only 1 is left")
             for t in ("syria", "libya", "yemen")]
    menu += [Entry(order=Order("coalition", "coalition.intel", None), available=True, reason=None)]
    assert _kind_reason(menu, "coalition.air") == "costs 3 budget, and only 1 is left"
    assert _kind_reason(menu, "coalition.intel") == "not available"
