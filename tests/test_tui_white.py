"""The White Cell's controls, driven with Pilot: the gate, injects, overrides, notes, pause and
rolling back. Every game is seeded and every seat a bot, so nothing here waits on a person."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import attrs
from textual.widgets import Checkbox, ContentSwitcher, Input, OptionList, Select, Static

from tests.pilot import until
from wargame.bots.random_bot import RandomBot
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS
from wargame.engine.rulebook import ROOT
from wargame.engine.view import view
from wargame.record.commands import OverrideResult, SetTrack
from wargame.record.load import load, read_document, recorded_records
from wargame.record.lock import check_lock, make_lock
from wargame.table.session import Session
from wargame.tui.app import WargameApp
from wargame.tui.screens import start as start_screen
from wargame.tui.screens.game import GameScreen
from wargame.tui.screens.lock import DIFFERENT, MISSING, WRONG, PassphraseScreen
from wargame.tui.screens.modals import WalkthroughScreen
from wargame.tui.screens.replay import ReplayScreen
from wargame.tui.screens.start import StartScreen
from wargame.tui.screens.white import WARNING, WhiteCellScreen
from wargame.tui.widgets.white_fork import fork_path
from wargame.tui.widgets.white_result import ResultPane

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


def game_screen(app) -> GameScreen:
    return next(s for s in app.screen_stack if isinstance(s, GameScreen))


async def open_white(app, pilot, confirm: bool = True) -> WhiteCellScreen:
    game_screen(app).action_white_cell()
    await until(pilot, lambda: isinstance(app.screen, WhiteCellScreen) and app.screen.query("#white-no")
                and app.screen.query_one("#white-no").has_focus, "the White Cell screen")
    screen = app.screen
    if confirm:
        await pilot.press("w")
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
            # the room sees the card on the board
            assert ("inject", card.id, "a surprise") in [(r.kind, r.ref, r.justification)
                                                         for r in session.last_turn_for("room")]
            await pilot.press("escape", "d")  # as it warned, turn 1's results are fixed now
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
            assert screen.query_one("#track-target", Input).value == "IS funds"  # by its title
            assert f"now [b]{before}[/]; it runs from 0 to 20" in text_of(screen, "#track-info")
            await pilot.press(*str(new), "enter")
            await until(pilot, lambda: screen.query_one("#track-why", Input).has_focus, "the justification")
            commands = len(session.game.commands)

            await pilot.press("enter")  # no justification: refused
            await until(pilot, lambda: seen, "a notification")
            assert seen[-1][0] == "error" and "justification is required" in seen[-1][2]
            assert "justification is required" in text_of(screen, "#track-error")
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
            await pilot.press("d")
            results = screen.query_one("#result-list", OptionList)
            await until(pilot, lambda: results.has_focus and results.option_count > 1, "the results of turn 1")
            first = screen.query_one(ResultPane)._record_of(results.get_option_at_index(0).id)
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
            assert flipped(session.last_turn_for("room"))  # the board shows the turn as resolved again
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
            await pilot.press("m")
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
            await until(pilot, lambda: "g-branch-1.json" in text_of(screen, "#fork-preview"), "the preview")
            await pilot.press("enter")
            await until(pilot, lambda: any(isinstance(s, GameScreen) and s.session is not session
                                           for s in app.screen_stack), "the forked game")
            child = game_screen(app).session
            assert child.game.header.game != parent and child.save == tmp_path / "g-branch-1.json"

        doc, game, verification = load(tmp_path / "g-branch-1.json", rulebook)
        assert verification.verified
        assert doc.parent.game == parent and doc.parent.turn == 1 and doc.parent.save == str(tmp_path / "g.json")
        # the original save is left as it was: the whole of turn 1 is still in it
        original, _, _ = load(tmp_path / "g.json", rulebook)
        assert original.game == parent and any(t.turn == 1 and t.digest for t in original.turns)

    run(scenario)


def test_fork_names_never_overwrite(rulebook, tmp_path):
    session = Session.new(rulebook, "exercise", 7, {c: "random" for c in CELLS}, save=tmp_path / "g.json")
    assert fork_path(session) == tmp_path / "g-branch-1.json"
    (tmp_path / "g-branch-1.json").write_text("{}")
    (tmp_path / "g-branch-2.json").write_text("{}")
    (tmp_path / "g-branch-3.json").write_text("{}")
    assert fork_path(session) == tmp_path / "g-branch-4.json"
    # a branch of a branch is numbered among the first game's branches
    branch = Session.new(rulebook, "exercise", 7, {c: "random" for c in CELLS}, save=tmp_path / "g-branch-3.json",
                         force=True)
    assert fork_path(branch) == tmp_path / "g-branch-4.json"
    branch.close()
    unsaved = Session.new(rulebook, "exercise", 7, {c: "random" for c in CELLS})
    assert fork_path(unsaved) == ROOT / "saves" / f"{unsaved.game.header.game}-branch-1.json"


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
            # opened between turns, the room waits on the board; space runs turn 2's events and
            # the app waits on their walkthrough, or on the coalition's handover if they drew
            # nothing: turn 1's results are fixed now
            await until(pilot, lambda: game_screen(app).waiting, "the board between turns")
            assert session.state.turn == 2 and session.state.phase == "events"
            await pilot.press("space")
            await until(pilot, lambda: session.state.phase == "orders" and session.state.turn == 2
                        and len(app.screen_stack) > 2, "turn 2's events")
            screen = await open_white(app, pilot)
            await pilot.press("d")
            await until(pilot, lambda: "Roll back (f)" in text_of(screen, "#result-head"), "the explanation")
            results = screen.query_one("#result-list", OptionList)
            assert results.option_count == 1 and results.get_option_at_index(0).disabled

    run(scenario)


# --- the White Cell is the facilitator's ----------------------------------------------------------


def locked(session: Session, passphrase: str = "umpire") -> Session:
    session.game.header = attrs.evolve(session.game.header, white_lock=make_lock(passphrase))
    return session


def test_the_white_cell_opens_only_with_the_facilitators_passphrase(rulebook, tmp_path):
    session = locked(orders_given(rulebook, tmp_path))

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            seen = recorder(app)
            await pilot.press("w")  # the key, from the walkthrough on screen
            await until(pilot, lambda: isinstance(app.screen, PassphraseScreen), "the passphrase")
            ask = app.screen
            await pilot.press(*"umpyre", "enter")
            await until(pilot, lambda: seen and seen[-1][2] == WRONG, "the refusal")
            assert isinstance(app.screen, PassphraseScreen) and str(ask.query_one("#lock-error").content) == WRONG
            assert not any(isinstance(s, WhiteCellScreen) for s in app.screen_stack)
            assert ask.query_one("#lock-passphrase", Input).value == ""
            await pilot.press("w")  # no second prompt over the first; typed into the field instead
            assert sum(isinstance(s, PassphraseScreen) for s in app.screen_stack) == 1
            ask.query_one("#lock-passphrase", Input).value = ""
            await pilot.press("escape")  # cancelled: back to the game, nothing opened
            await until(pilot, lambda: not isinstance(app.screen, PassphraseScreen), "the prompt to close")
            assert not any(isinstance(s, WhiteCellScreen) for s in app.screen_stack)

            await pilot.press("w")
            await until(pilot, lambda: isinstance(app.screen, PassphraseScreen), "the passphrase again")
            await pilot.press(*"umpire", "enter")
            await until(pilot, lambda: isinstance(app.screen, WhiteCellScreen), "the White Cell")
            screen = app.screen
            await pilot.press("w")
            await until(pilot, lambda: "Everything" in text_of(screen, "#white-full"), "the full view")

    run(scenario)


def test_a_game_of_bots_has_no_white_cell_lock(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)  # every seat a bot

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            screen = await open_white(app, pilot)
            assert not any(isinstance(s, PassphraseScreen) for s in app.screen_stack)
            assert screen.unlocked

    assert read_document(tmp_path / "g.json").white_lock is None
    run(scenario)


def test_a_game_with_people_at_the_table_needs_a_passphrase_set_twice(rulebook, tmp_path, monkeypatch):
    monkeypatch.setattr(start_screen, "SAVES", tmp_path)

    async def scenario():
        app = WargameApp(rulebook, seed=5)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
            start = app.screen
            seen = recorder(app)
            assert start.query_one("#start-lock-row").display  # humans in the default seats
            assert start.query_one("#lock-pass", Input).password and start.query_one("#lock-again", Input).password
            await pilot.press("ctrl+n")
            await until(pilot, lambda: seen, "the refusal")
            assert seen[-1][2] == MISSING and isinstance(app.screen, StartScreen)
            assert start.query_one("#lock-pass", Input).has_focus  # where to type it
            await pilot.press(*"umpire", "enter", *"umpyre", "enter")  # Enter in the second starts
            await until(pilot, lambda: seen[-1][2] == DIFFERENT, "the second refusal")
            assert isinstance(app.screen, StartScreen) and not list(tmp_path.iterdir())
            start.query_one("#lock-again", Input).value = "umpire"
            start.query_one("#new").focus()
            await pilot.press("ctrl+n")
            await until(pilot, lambda: list(tmp_path.glob("*.json")), "the game to start and save itself")

        save = next(tmp_path.glob("*.json"))
        doc, game, check = load(save, rulebook)
        assert check.verified and doc.white_lock and check_lock(doc.white_lock, "umpire")
        assert b"umpire" not in save.read_bytes()

    run(scenario)


def test_a_solo_game_or_a_game_of_bots_starts_without_a_lock(rulebook, tmp_path, monkeypatch):
    monkeypatch.setattr(start_screen, "SAVES", tmp_path)

    async def scenario(bots: bool):
        app = WargameApp(rulebook, seed=6 if bots else 5)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, StartScreen), "the start screen")
            start = app.screen
            if bots:
                for cell in CELLS:
                    start.query_one(f"#seat-{cell}", Select).value = "random"
                await until(pilot, lambda: not start.query_one("#start-lock-row").display, "the lock to go")
            else:
                start.query_one("#lock-solo", Checkbox).value = True
            await pilot.press("ctrl+n")
            await until(pilot, lambda: any(isinstance(s, GameScreen) for s in app.screen_stack), "the game")

    for bots in (False, True):
        run(lambda bots=bots: scenario(bots))
    saves = sorted(tmp_path.glob("*.json"))
    assert len(saves) == 2 and all(read_document(p).white_lock is None for p in saves)


# --- the White Cell's actions are announced ------------------------------------------------------


def walk_news(app) -> str:
    screen = app.screen
    assert isinstance(screen, WalkthroughScreen)
    return str(screen.query_one("#walk-news", Static).content)


async def to_the_next_walkthrough(app, pilot) -> None:
    """From the adjudication walkthrough, through the summary and the pause, to the next turn's."""
    first = app.screen
    await pilot.press("escape")
    await until(pilot, lambda: type(app.screen).__name__ == "SummaryScreen", "the summary")
    await pilot.press("escape")
    await until(pilot, lambda: game_screen(app).waiting, "the pause between turns")
    await pilot.press("space")
    await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen) and app.screen is not first,
                "the next walkthrough")


def test_the_white_cells_actions_are_announced_in_the_rooms_next_walkthrough(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)
    game = session.game
    card = next(iter(rulebook.cards.values()))

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            flip = next(r for r in game.records(1) if r.kind == "order" and r.chance is not None)
            game.override(flip.ref, flip.where, not flip.happened, "the umpire's ruling")
            will = session.state.coalition.will
            new_will = will + 1 if will < 10 else will - 1
            game.set_track("coalition_will", new_will, "a new administration")
            funds = session.state.islamic_state.funds
            game.set_track("is_funds", 1 if funds != 1 else 2, "a secret donor", secret=True)
            game.inject(card.id, "the exercise plan")
            await to_the_next_walkthrough(app, pilot)
            news = walk_news(app)
            outcome = "it happened after all" if not flip.happened else "it did not happen after all"
            assert f"White Cell: overrode {flip.title}" in news and f"{outcome} — the umpire's ruling" in news
            assert "Changed by the White Cell's ruling:" in news
            assert f"White Cell: set {rulebook.title('coalition_will')} {will} → {new_will} — a new administration" in news
            assert f"White Cell: injected {card.title} — the exercise plan" in news
            assert "a secret donor" not in news and "funds" not in news  # secret: not for the room
            # told once: the walkthrough after this one has no news of them
            app.screen.action_done()
            await until(pilot, lambda: not isinstance(app.screen, WalkthroughScreen) or not app.screen.announcements,
                        "the walkthrough to close")

    run(scenario)


def test_a_secret_announcement_reaches_only_the_cell_it_concerns(rulebook, tmp_path):
    seats = {c: "random" for c in CELLS} | {"is": "human"}
    session = Session.new(rulebook, "exercise", 7, seats, save=tmp_path / "g.json")

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: type(app.screen).__name__ in ("WalkthroughScreen", "HandoverScreen"),
                        "the events or the handover")
            if isinstance(app.screen, WalkthroughScreen):
                await pilot.press("escape")
            await until(pilot, lambda: type(app.screen).__name__ == "HandoverScreen", "the handover to IS")
            # the White Cell sets IS's funds in secret, through its form, with the box ticked
            screen = await open_white(app, pilot)
            funds = session.state.islamic_state.funds
            new = 3 if funds != 3 else 4
            await pilot.press("t")
            await until(pilot, lambda: screen.query_one("#track-target", Input).has_focus, "the track input")
            await pilot.press(*"is_funds", "enter")
            await until(pilot, lambda: screen.query_one("#track-value", Input).has_focus, "the value")
            await pilot.press(*str(new), "enter")
            await until(pilot, lambda: screen.query_one("#track-why", Input).has_focus, "the justification")
            screen.query_one("#track-secret", Checkbox).value = True
            await pilot.press(*"donors", "enter")
            await until(pilot, lambda: session.state.islamic_state.funds == new, "the track to change")
            assert session.game.commands[-1] == SetTrack(1, "is_funds", new, funds, "donors", True)
            assert "told only to Islamic State" in text_of(screen, "#track-out")
            assert not screen.query_one("#track-secret", Checkbox).value  # ticked for one action only
            await pilot.press("escape", "escape")
            await until(pilot, lambda: type(app.screen).__name__ == "HandoverScreen", "back to the handover")

            await pilot.press("space")  # IS at the keyboard: told on its own
            await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen), "IS's private notice")
            assert "For the Islamic State only" in app.screen.heading
            assert f"White Cell: your {rulebook.title('is_funds')} were set to {new} — donors" in walk_news(app)
            await pilot.press("enter")
            await until(pilot, lambda: type(app.screen).__name__ == "OrdersScreen", "IS's orders")
            await pilot.press("g")
            await until(pilot, lambda: type(app.screen).__name__ == "ConfirmOrdersScreen", "the confirmation")
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, WalkthroughScreen)
                        and "adjudication" in app.screen.heading, "the room's walkthrough")
            assert not app.screen.announcements, "the room is told nothing of a secret set of IS's funds"

    run(scenario)


def test_announcements_and_rulings_show_in_the_replay(rulebook, tmp_path):
    session = orders_given(rulebook, tmp_path)
    game = session.game
    game.resolve()
    flip = next(r for r in game.records(1) if r.kind == "order" and r.chance is not None)
    game.override(flip.ref, flip.where, not flip.happened, "the umpire's ruling")
    game.set_track("is_funds", 1 if session.state.islamic_state.funds != 1 else 2, "a secret donor", secret=True)
    _, replayed, check = load(tmp_path / "g.json", rulebook)
    assert check.verified

    async def scenario():
        app = WargameApp(rulebook, replay=(replayed, tmp_path / "g.json"))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ReplayScreen), "the replay")
            screen = app.screen
            steps = screen.steps
            override = next(i for i, s in enumerate(steps) if isinstance(s.command, OverrideResult))
            secret = next(i for i, s in enumerate(steps) if isinstance(s.command, SetTrack))
            timeline = screen.query_one("#replay-timeline", OptionList)
            labels = [str(timeline.get_option_at_index(i).prompt) for i in range(timeline.option_count)]
            assert any(f"White Cell: set {rulebook.title('is_funds')}" in lab and "(secret)" in lab for lab in labels)
            screen.show_step(override)
            await pilot.pause()
            what = screen.query_one("#replay-what", Static).visual.plain
            assert "Announced to the room: White Cell: overrode" in what and "Changed by the White Cell's ruling" in what
            assert any("changed by the White Cell's ruling" in p for p in screen.step_view(override).prompts)
            screen.show_step(secret)
            await pilot.pause()
            what = screen.query_one("#replay-what", Static).visual.plain
            assert "Secret: told only to Islamic State" in what
            assert f"Told the Islamic State: White Cell: your {rulebook.title('is_funds')} were set to" in what

    run(scenario)


def test_a_locked_games_replay_asks_for_the_passphrase(rulebook, tmp_path):
    session = locked(orders_given(rulebook, tmp_path), "umpire")
    session.resolve()
    _, game, _ = load(tmp_path / "g.json", rulebook)
    assert game.header.white_lock

    async def scenario():
        app = WargameApp(rulebook, replay=(game, tmp_path / "g.json"))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, PassphraseScreen), "the passphrase")
            assert not any(isinstance(s, ReplayScreen) for s in app.screen_stack)
            await pilot.press(*"umpire", "enter")
            await until(pilot, lambda: isinstance(app.screen, ReplayScreen), "the replay")

    run(scenario)


def test_a_new_game_from_the_command_line_with_people_asks_for_the_passphrase_first(rulebook, tmp_path):
    seats = {c: "random" for c in CELLS} | {"coalition": "human"}
    session = Session.new(rulebook, "exercise", 7, seats, save=tmp_path / "g.json")

    async def scenario():
        app = WargameApp(rulebook, session=session, ask_lock=True)  # as `wargame play --seats ...` opens it
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: type(app.screen).__name__ == "LockSetupScreen", "the passphrase to set")
            assert not any(isinstance(s, GameScreen) for s in app.screen_stack)  # nothing played yet
            assert not session.game.commands
            await pilot.press(*"umpire", "enter", *"umpire", "enter")
            await until(pilot, lambda: session.game.commands, "the game to begin")
        assert check_lock(read_document(tmp_path / "g.json").white_lock, "umpire")

    run(scenario)


def test_the_leader_line_shows_who_leads_now_never_a_dead_leader(rulebook, tmp_path):
    """After a leader's death the full view says the post is vacant (then that a successor holds
    it), read from the state: never the dead leader's name as if he still led."""
    session = orders_given(rulebook, tmp_path)
    killed = rulebook.cards["ld-baghdadi-killed"]

    async def scenario():
        app = WargameApp(rulebook, session=session)
        async with app.run_test(size=SIZE) as pilot:
            await started(app, pilot)
            screen = await open_white(app, pilot)
            leaders = next(line for line in text_of(screen, "#white-full").splitlines() if "Leaders" in line)
            assert "Abu Bakr al-Baghdadi" in leaders and "Ayman al-Zawahiri" in leaders
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, WhiteCellScreen), "the White Cell closed")
            session.game.inject(killed.id, "the raid", False)
            assert session.state.islamic_state.leader.vacuum > 0
            screen = await open_white(app, pilot)
            leaders = next(line for line in text_of(screen, "#white-full").splitlines() if "Leaders" in line)
            assert "Abu Bakr al-Baghdadi" not in leaders and "vacant" in leaders
            assert "Ayman al-Zawahiri" in leaders  # al-Qaeda's leader lives on

    run(scenario)
