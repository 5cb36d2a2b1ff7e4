"""The White Cell's controls, driven with Pilot: the gate, injects, overrides, notes, pause and
rolling back. Every game is seeded and every seat a bot, so nothing here waits on a person."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from textual.widgets import ContentSwitcher, Input, OptionList, Static

from wargame.bots import RandomBot
from wargame.engine import legal_orders
from wargame.model import CELLS
from wargame.record.game import OverrideResult
from wargame.record.save import load, recorded_records
from wargame.rulebook import ROOT
from wargame.session import Session
from wargame.tui.app import WargameApp
from wargame.tui.screens.game import GameScreen
from wargame.tui.screens.white import WARNING, WhiteCellScreen, fork_path
from wargame.view import view

SIZE = (100, 32)


def orders_given(rulebook, tmp_path: Path) -> Session:
    """Turn 1 of a seeded all-bot game with every cell's orders given: the app, once started,
    resolves the turn and waits on the adjudication walkthrough."""
    session = Session.new(rulebook, "exercise", 7, {c: "random" for c in CELLS}, save=tmp_path / "g.json")
    session.run_events()
    for cell in CELLS:
        choice = session.bot_choice(cell)
        session.submit(cell, list(choice.orders), choice.reasons)
    return session


async def until(pilot, condition, what: str = "the condition", tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"timed out waiting for {what}")


def game_screen(app) -> GameScreen:
    return next(s for s in app.screen_stack if isinstance(s, GameScreen))


async def open_white(app, pilot, confirm: bool = True) -> WhiteCellScreen:
    game_screen(app).action_white_cell()
    await until(pilot, lambda: isinstance(app.screen, WhiteCellScreen) and app.screen.query("#white-no")
                and app.screen.query_one("#white-no").has_focus, "the White Cell screen")
    screen = app.screen
    if confirm:
        await pilot.press("y")
        await until(pilot, lambda: screen.query_one("#white-box", ContentSwitcher).current == "white-main",
                    "the controls behind the gate")
    return screen  # type: ignore[return-value]


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def recorder(app) -> list[tuple[str, str, str]]:
    """Every notification the app shows: (severity, title, message)."""
    seen: list[tuple[str, str, str]] = []
    original = app.notify

    def notify(message, *, title="", severity="information", timeout=None, markup=True):
        seen.append((severity, title, message))
        original(message, title=title, severity=severity, timeout=timeout, markup=markup)

    app.notify = notify
    return seen


def run(scenario) -> None:
    asyncio.run(scenario())


async def started(app, pilot) -> None:
    """The app has resolved turn 1 (the walkthrough of its adjudication is on screen)."""
    await until(pilot, lambda: game_screen(app).session.game.digests, "turn 1 to be resolved")


def test_the_gate_warns_and_shows_nothing_until_confirmed(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            commands = len(session.game.commands)
            screen = await open_white(app, pilot, confirm=False)
            assert screen.query_one("#white-box", ContentSwitcher).current == "white-gate"
            assert str(screen.query_one("#white-warning", Static).content) == WARNING
            assert text_of(screen, "#white-full") == ""  # the secrets are not even drawn yet
            await pilot.press("i")  # the controls' keys do nothing before the gate
            await pilot.pause()
            assert screen.query_one("#white-box", ContentSwitcher).current == "white-gate"
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, WhiteCellScreen), "the gate to close")
            assert len(session.game.commands) == commands

            screen = await open_white(app, pilot)
            full = text_of(screen, "#white-full")
            funds = session.state.islamic_state.funds
            assert "Islamic State" in full and f"funds [b]{funds}[/]" in full  # exact, secret value
            assert "to draw (next:" in full  # the order of the draw piles, for White only

    run(scenario)


def test_inject_a_card(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)
    deck = next(iter(rulebook.decks.values()))
    card = deck.cards[0]

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            screen = await open_white(app, pilot)
            await pilot.press("i")
            await until(pilot, lambda: screen.query_one("#inject-decks", OptionList).has_focus, "the decks")
            assert "results of turn 1 can no longer be overridden" in text_of(screen, "#inject-warn")
            await pilot.press("enter")  # the first deck
            cards = screen.query_one("#inject-cards", OptionList)
            await until(pilot, lambda: cards.has_focus and cards.option_count == len(deck.cards), "its cards")
            assert "eligible" in str(cards.get_option_at_index(0).prompt)
            await pilot.press("enter")  # the first card
            await until(pilot, lambda: screen.query_one("#inject-note", Input).has_focus, "the note")
            await pilot.press(*"a surprise", "enter")
            await until(pilot, lambda: "Injected:" in text_of(screen, "#inject-out"), "the inject's record")

            piles = next(p for p in session.state.decks if p.deck == deck.id)
            assert card.id in piles.discard and card.id not in piles.draw + piles.aside
            record = session.game.records()[-1]
            assert (record.kind, record.ref, record.justification) == ("inject", card.id, "a surprise")
            assert card.title in text_of(screen, "#inject-out")
            assert record in session.last_turn_records  # the room sees the card on the board
            await pilot.press("escape", "r")  # as it warned, turn 1's results are fixed now
            await until(pilot, lambda: "are fixed: an inject" in text_of(screen, "#result-head"), "the explanation")
            saved = json.loads((tmp_path / "g.json").read_text())
            assert saved["commands"][-1] == {"type": "inject", "turn": session.state.turn, "card": card.id,
                                             "note": "a surprise"}

    run(scenario)


def test_a_track_override_needs_a_justification(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            seen = recorder(app)
            screen = await open_white(app, pilot)
            before = session.state.islamic_state.funds
            new = 20 if before != 20 else 19
            await pilot.press("t")
            await until(pilot, lambda: screen.query_one("#track-target", Input).has_focus, "the track input")
            await pilot.press(*"is_fun")  # filters the list; Enter takes the one that matches
            await pilot.press("enter")
            await until(pilot, lambda: screen.query_one("#track-value", Input).has_focus, "the value")
            assert screen.query_one("#track-target", Input).value == "is_funds"
            assert f"now [b]{before}[/]; it runs from 0 to 20" in text_of(screen, "#track-info")
            await pilot.press(*str(new), "enter")
            await until(pilot, lambda: screen.query_one("#track-why", Input).has_focus, "the justification")
            commands = len(session.game.commands)

            await pilot.press("enter")  # no justification: refused
            await until(pilot, lambda: seen, "a notification")
            assert seen[-1][0] == "error" and "justification is required" in seen[-1][2]
            assert "justification is required" in text_of(screen, "#track-out")
            assert session.state.islamic_state.funds == before and len(session.game.commands) == commands

            await pilot.press(*"donors", "enter")
            await until(pilot, lambda: session.state.islamic_state.funds == new, "the track to change")
            saved = json.loads((tmp_path / "g.json").read_text())
            assert saved["commands"][-1] == {"type": "set", "turn": session.state.turn, "target": "is_funds",
                                             "value": new, "original": before, "justification": "donors"}
            assert "Facilitator override" in text_of(screen, "#track-out")

            # a value out of bounds: the engine refuses, in one line, and nothing changes
            screen.query_one("#track-value", Input).value = "99"
            screen.query_one("#track-why", Input).value = "too much"
            screen.query_one("#track-why", Input).focus()
            await pilot.press("enter")
            await until(pilot, lambda: seen[-1][1] == "Refused", "the refusal")
            assert "runs from 0 to 20" in seen[-1][2] and "\n" not in seen[-1][2]
            assert session.state.islamic_state.funds == new and len(session.game.commands) == commands + 1

    run(scenario)


def test_a_result_override_shows_in_the_replay(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            screen = await open_white(app, pilot)
            await pilot.press("r")
            results = screen.query_one("#result-list", OptionList)
            await until(pilot, lambda: results.has_focus and results.option_count > 1, "the results of turn 1")
            first = screen._record_of(results.get_option_at_index(0).id)
            assert first is not None and first.turn == 1 and first.chance is not None
            await pilot.press("enter")
            await until(pilot, lambda: screen.query_one("#result-why", Input).has_focus, "the justification")
            await pilot.press("enter")  # refused without one
            await pilot.pause()
            assert not any(isinstance(c, OverrideResult) for c in session.game.commands)
            await pilot.press(*"umpire", "enter")
            await until(pilot, lambda: isinstance(session.game.commands[-1], OverrideResult), "the override")

            def flipped(records):
                return [r for r in records if (r.ref, r.where) == (first.ref, first.where) and r.original is not None]

            now = flipped(session.game.records(1))
            assert now and now[-1].happened is not first.happened
            assert flipped(session.last_turn_records)  # the board shows the turn as resolved again
            assert "Overridden by the White Cell" in text_of(screen, "#result-out")

        doc, replayed, verification = load(tmp_path / "g.json", rulebook)
        assert verification.verified
        for records in (replayed.records(1), recorded_records(doc)):
            shown = flipped(records)
            assert shown and shown[-1].justification == "umpire"
            assert shown[-1].original is first.happened

    run(scenario)


def test_a_note_with_a_bookmark(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            seen = recorder(app)
            screen = await open_white(app, pilot)
            await pilot.press("a")
            await until(pilot, lambda: screen.query_one("#note-text", Input).has_focus, "the note")
            await pilot.press(*"talks", "enter", *"stall", "enter")
            await until(pilot, lambda: session.game.bookmarks(), "the bookmark")
            assert session.game.bookmarks() == {"stall": session.state.turn}
            assert session.game.notes()[-1].text == "talks"
            assert "stall" in text_of(screen, "#note-list")
            # the same bookmark name twice is refused
            await pilot.press(*"again", "enter", *"stall", "enter")
            await until(pilot, lambda: seen and seen[-1][1] == "Refused", "the refusal")
            assert len(session.game.notes()) == 1

    run(scenario)


def test_pause_toggles(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            board = game_screen(app)
            assert not board.paused
            await open_white(app, pilot)
            await pilot.press("p")
            await until(pilot, lambda: board.paused, "the pause")
            assert not isinstance(app.screen, WhiteCellScreen)
            screen = await open_white(app, pilot)
            menu = screen.query_one("#white-menu", OptionList)
            assert any("Resume the game" in str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count))
            assert "PAUSED" in str(screen.query_one("#white-title").content)
            footer = {b.binding.description for b in screen.active_bindings.values() if b.enabled}
            assert "Resume" in footer and "Pause" not in footer
            await pilot.press("p")
            await until(pilot, lambda: not board.paused, "the game to resume")

    run(scenario)


def test_roll_back_forks_into_a_new_save(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)
    parent = session.game.header.game

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            screen = await open_white(app, pilot)
            await pilot.press("f")
            await until(pilot, lambda: screen.query_one("#fork-turn", Input).has_focus, "the turn")
            await pilot.press("1")
            await until(pilot, lambda: "g-fork-t1.json" in text_of(screen, "#fork-preview"), "the preview")
            await pilot.press("enter")
            await until(pilot, lambda: any(isinstance(s, GameScreen) and s.session is not session
                                           for s in app.screen_stack), "the forked game")
            child = game_screen(app).session
            assert child.game.header.game != parent and child.save == tmp_path / "g-fork-t1.json"

        doc, game, verification = load(tmp_path / "g-fork-t1.json", rulebook)
        assert verification.verified
        assert doc.parent.game == parent and doc.parent.turn == 1 and doc.parent.save == str(tmp_path / "g.json")
        # the original save is left as it was: the whole of turn 1 is still in it
        original, _, _ = load(tmp_path / "g.json", rulebook)
        assert original.game == parent and any(t.turn == 1 and t.digest for t in original.turns)

    run(scenario)


def test_fork_names_never_overwrite(rulebook, tmp_path):
    session = Session.new(rulebook, "exercise", 7, {c: "random" for c in CELLS}, save=tmp_path / "g.json")
    assert fork_path(session, 3) == tmp_path / "g-fork-t3.json"
    (tmp_path / "g-fork-t3.json").write_text("{}")
    (tmp_path / "g-fork-t3-2.json").write_text("{}")
    assert fork_path(session, 3) == tmp_path / "g-fork-t3-3.json"
    unsaved = Session.new(rulebook, "exercise", 7, {c: "random" for c in CELLS})
    assert fork_path(unsaved, 1) == ROOT / "saves" / f"{unsaved.game.header.game}-fork-t1.json"


def test_results_of_an_earlier_turn_cannot_be_overridden(rulebook, tmp_path):
    # A human coalition, so that turn 2 waits for its orders whether or not its events drew a card.
    seats = {c: "random" for c in CELLS} | {"coalition": "human"}
    session = Session.new(rulebook, "exercise", 7, seats, save=tmp_path / "g.json")
    session.run_events()
    stand_in = RandomBot(7)
    for cell in CELLS:
        state = session.state
        choice = stand_in.choose(view(state, cell), lambda p, c=cell, s=state: legal_orders(rulebook, s, c, p),
                                 rulebook.max_orders)
        session.submit(cell, list(choice.orders), choice.reasons)
    session.resolve()

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            # the app runs turn 2's events and waits on their walkthrough, or on the coalition's
            # handover if they drew nothing: turn 1's results are fixed now
            await until(pilot, lambda: session.state.phase == "orders" and session.state.turn == 2
                        and len(app.screen_stack) > 2, "turn 2's events")
            screen = await open_white(app, pilot)
            await pilot.press("r")
            await until(pilot, lambda: "Roll back (f)" in text_of(screen, "#result-head"), "the explanation")
            results = screen.query_one("#result-list", OptionList)
            assert results.option_count == 1 and results.get_option_at_index(0).disabled

    run(scenario)
