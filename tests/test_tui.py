"""The terminal UI as the people in the room use it: driven with Textual's Pilot."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import pytest
from textual.widgets import Input, Select

from tests.pilot import until
from wargame.engine.model import CELLS
from wargame.engine.numbers import number
from wargame.engine.rulebook import load_rulebook
from wargame.record.load import load
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp
from wargame.tui.screens import start as start_screen

RULEBOOK = load_rulebook()
SIZE = (100, 32)


async def past_the_events(pilot, app) -> None:
    """Skip the events walkthrough, if the turn had events the room may see."""
    await until(pilot, lambda: screen_name(app) in ("WalkthroughScreen", "HandoverScreen", "OrdersScreen"),
                "the events or the first cell's turn")
    if screen_name(app) == "WalkthroughScreen" and "events" in app.screen.heading:
        await pilot.press("escape")


def screen_name(app) -> str:
    return type(app.screen).__name__


def screen_text(app) -> str:
    """The words on the screen, read off Textual's SVG screenshot."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


@pytest.fixture
def saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(start_screen, "SAVES", tmp_path)
    return tmp_path


async def give_orders(pilot, app, picks: int) -> None:
    """On an orders screen: pick ``picks`` orders (the first available, the first theatre), confirm."""
    for _ in range(picks):
        await pilot.press("enter")
        await pilot.pause()
        targets = app.screen.query_one("#targets")
        if app.screen.focused is targets:
            await pilot.press("enter")
            await pilot.pause()
    await confirm_orders(pilot, app)


async def confirm_orders(pilot, app) -> None:
    """On an orders screen: give the orders picked (g), and confirm them (Enter)."""
    await pilot.press("g")
    await until(pilot, lambda: screen_name(app) == "ConfirmOrdersScreen", "the confirmation")
    await pilot.press("enter")
    await until(pilot, lambda: screen_name(app) != "ConfirmOrdersScreen", "the orders given")


def test_a_full_hot_seat_turn_from_the_start_screen_to_the_summary(saves: Path) -> None:
    async def scenario() -> None:
        app = WargameApp(RULEBOOK, seed=5)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: screen_name(app) == "StartScreen", "the start screen")
            for cell in CELLS:
                app.screen.query_one(f"#seat-{cell}", Select).value = HUMAN
            await pilot.pause()
            # people at the table: the facilitator locks the White Cell with a passphrase
            app.screen.query_one("#lock-pass", Input).value = "umpire"
            app.screen.query_one("#lock-again", Input).value = "umpire"
            await pilot.press("ctrl+n")
            await past_the_events(pilot, app)
            for cell in CELLS:
                await until(pilot, lambda: screen_name(app) == "HandoverScreen", f"the handover to {cell}")
                await pilot.press("space")
                await until(pilot, lambda: screen_name(app) == "OrdersScreen", f"{cell}'s orders")
                assert app.screen.cell == cell
                await give_orders(pilot, app, picks=1)
            await until(pilot, lambda: screen_name(app) == "WalkthroughScreen", "the adjudication")
            assert "adjudication" in app.screen.heading
            assert app.screen.records, "the walkthrough shows the results"
            await pilot.press("right")
            await pilot.press("escape")
            await until(pilot, lambda: screen_name(app) == "SummaryScreen", "the turn summary")
            assert "Turn 1 summary" in screen_text(app)
            save = next(saves.glob("*.json"))
            doc, game, check = load(save, RULEBOOK)
            assert check.verified
            assert [c.cell for c in game.commands if type(c).__name__ == "GiveOrders"] == list(CELLS)
            assert sum(len(c.orders) for c in game.commands if type(c).__name__ == "GiveOrders") == 4

    asyncio.run(scenario())


def test_after_a_handover_nothing_of_the_previous_cells_orders_is_on_screen(tmp_path: Path) -> None:
    async def scenario() -> None:
        session = Session.new(RULEBOOK, "exercise", 3, {c: HUMAN for c in CELLS}, save=tmp_path / "g.json")
        app = WargameApp(RULEBOOK, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await past_the_events(pilot, app)
            await until(pilot, lambda: screen_name(app) == "HandoverScreen", "the handover to IS")
            await pilot.press("space")
            await until(pilot, lambda: screen_name(app) == "OrdersScreen", "IS's orders")
            orders = app.screen
            escalate = next(o for o in session.legal("is") if o.kind == "is.escalate")
            orders.add(escalate)
            await pilot.pause()
            assert "Escalate brutality" in screen_text(app)
            await confirm_orders(pilot, app)
            await until(pilot, lambda: screen_name(app) == "HandoverScreen", "the handover to AQ")
            text = screen_text(app)
            assert "al-Qaeda" in text
            assert "Escalate" not in text and "is.escalate" not in text
            await pilot.press("space")
            await until(pilot, lambda: screen_name(app) == "OrdersScreen", "AQ's orders")
            text = screen_text(app)
            assert "Escalate" not in text, "AQ cannot see IS's pending orders"
            assert "Islamic State" not in app.screen.query_one("#orders-cell").border_title
            # and AQ sees IS's secret tracks only as ranges (or not at all), never IS's own panel
            assert app.screen.cell == "aq"

    asyncio.run(scenario())


def test_a_bot_cell_plays_its_turn_without_freezing_the_screen(tmp_path: Path) -> None:
    async def scenario() -> None:
        seats = {"is": "random", "aq": HUMAN, "coalition": HUMAN, "governments": HUMAN}
        session = Session.new(RULEBOOK, "exercise", 8, seats, save=tmp_path / "g.json")
        app = WargameApp(RULEBOOK, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await past_the_events(pilot, app)
            # the IS bot chooses in a worker; the next human cell is then handed the keyboard
            await until(pilot, lambda: screen_name(app) == "HandoverScreen", "the handover after the bot")
            assert "is" in session.game.pending
            assert "al-Qaeda" in screen_text(app)

    asyncio.run(scenario())


def test_a_game_of_bots_runs_to_the_end_and_writes_the_report(tmp_path: Path) -> None:
    async def scenario() -> None:
        session = Session.new(RULEBOOK, "exercise", 4, {c: "random" for c in CELLS}, save=tmp_path / "g.json")
        app = WargameApp(RULEBOOK, session=session)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(200):
                if screen_name(app) == "EndScreen":
                    break
                if screen_name(app) in ("WalkthroughScreen", "SummaryScreen"):
                    await pilot.press("escape")
                elif screen_name(app) == "GameScreen" and app.screen.waiting:
                    await pilot.press("space")  # the room is ready for the next turn
                await pilot.pause(0.02)
            assert screen_name(app) == "EndScreen"
            text = screen_text(app)
            assert "The game is over" in text
            report = tmp_path / "g.report.md"
            assert report.exists() and "## Objectives" in report.read_text(encoding="utf-8")
            _, game, check = load(tmp_path / "g.json", RULEBOOK)
            assert check.verified and game.state.over

    asyncio.run(scenario())


def test_why_explains_a_result_with_the_rule_and_the_article(tmp_path: Path) -> None:
    async def scenario() -> None:
        session = Session.new(RULEBOOK, "exercise", 6, {c: "random" for c in CELLS}, save=tmp_path / "g.json")
        app = WargameApp(RULEBOOK, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await past_the_events(pilot, app)  # past the events: the bots choose, the turn resolves
            await until(pilot, lambda: screen_name(app) == "WalkthroughScreen"
                        and "adjudication" in app.screen.heading, "the first adjudication")
            walk = app.screen
            rules = [i for i, r in enumerate(walk.records) if r.kind == "rule"]
            assert rules
            walk.index = rules[0]
            walk.refresh_record()
            await pilot.press("y")
            await until(pilot, lambda: screen_name(app) == "WhyScreen", "the why screen")
            text = screen_text(app)
            rule = RULEBOOK.rule(walk.records[rules[0]].ref)
            assert "reasoning" in text and rule.title in text  # by its title (rules/titles.toml), not its id

    asyncio.run(scenario())


def test_help_and_the_command_palette_are_there(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = WargameApp(RULEBOOK, seed=1)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f1")
            await until(pilot, lambda: screen_name(app) == "HelpScreen", "help")
            assert "Keys: the start screen" in screen_text(app)
            await pilot.press("escape")
            await pilot.press("ctrl+p")
            await until(pilot, lambda: screen_name(app) == "CommandPalette", "the command palette")

    asyncio.run(scenario())


def white_cell_turn(path: Path) -> Session:
    """Turn 1 played by people with no orders, after the White Cell injected a card and set the
    coalition's will: the turn is resolved, the next one not begun."""
    session = Session.new(RULEBOOK, "exercise", 3, {c: HUMAN for c in CELLS}, save=path)
    session.run_events()
    cards = [card.id for deck in RULEBOOK.decks.values() for card in deck.cards]
    for card in cards:
        try:
            step = session.game.inject(card, "a surprise")
        except Exception:  # not eligible now: another
            continue
        if step.records and step.records[0].changes:
            break
    session.game.set_track("coalition_will", 9, "the capital's mood")
    for cell in CELLS:
        session.submit(cell, [])
    session.resolve()
    return session


def changed_in(records, name: str) -> tuple[int, int] | None:
    values = [(a, b) for r in records for n, a, b in r.changes if n == name and (a >= 0 or b >= 0)]
    return (values[0][0], values[-1][1]) if values else None


def test_the_summary_and_the_board_count_every_record_of_the_turn_also_after_a_load(tmp_path: Path) -> None:
    from wargame.tui.screens.charts import SummaryScreen, seat_charts

    session = white_cell_turn(tmp_path / "g.json")
    records = session.last_turn_for("room")
    kinds = {r.kind for r in records}
    assert {"inject", "override"} <= kinds, "the White Cell's inject and set track are the turn's records too"
    assert any(r.phase == "events" or r.kind == "card" for r in records) or "inject" in kinds

    async def summary() -> None:
        app = WargameApp(RULEBOOK, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.game_screen() is not None and screen_name(app) != "StartScreen", "the game")
            await pilot.pause()
            app.push_screen(SummaryScreen(session, 1))
            await until(pilot, lambda: screen_name(app) == "SummaryScreen", "the summary")
            await pilot.pause()
            screen = app.screen
            options = screen.query_one("#changed")
            left = {o.id: str(o.prompt) for o in (options.get_option_at_index(i) for i in range(options.option_count))
                    if o.id}
            right = str(screen.query_one("#summary-charts").render())
            checked = []
            for chart in seat_charts(session, "public"):
                reads = chart.series.reads
                if len(reads) == 1 and reads[0] in left and len(chart.values) >= 2:
                    first, last = number(chart.values[-2]), number(chart.values[-1])
                    assert left[reads[0]].endswith(f"{first} → {last}"), (left[reads[0]], first, last)
                    assert f"{first} → {last}" in right
                    checked.append(reads[0])
            assert "coalition_will" in checked, (left, checked)
            assert not re.search(r"\d\.\d{4}", right), "numbers for people: no long decimals"
            board = app.game_screen().query_one("#last-records")
            assert "no turn played yet" not in str(board.render())
        session.close()

    asyncio.run(summary())

    doc, game, check = load(tmp_path / "g.json", RULEBOOK)
    again = Session(game.rulebook, game, save=tmp_path / "g.json", created=doc.created)
    assert [(r.kind, r.ref, r.changes) for r in again.last_turn_for("room")] == \
        [(r.kind, r.ref, r.changes) for r in records], "a loaded game knows its last turn"

    async def loaded() -> None:
        app = WargameApp(RULEBOOK, session=again)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.game_screen() is not None and screen_name(app) != "StartScreen", "the game")
            await pilot.pause()
            text = str(app.game_screen().query_one("#last-records").render())
            assert "no turn played yet" not in text and "Last turn" in text
        again.close()

    asyncio.run(loaded())
