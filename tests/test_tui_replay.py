"""The facilitator's replay viewer, driven with Textual's Pilot on the example saves.

pytest-asyncio is not installed: each test is a plain function that runs its scenario with
``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from textual.widgets import OptionList, Select, Static

from wargame.record.commands import InjectCard, Note, OverrideResult, SetTrack
from wargame.record.load import load
from wargame.tui.app import WargameApp
from wargame.tui.screens.fork import ForkScreen
from wargame.tui.screens.replay import ReplayScreen
from wargame.tui.screens.replay_modals import BookmarkPicker, TurnPrompt
from wargame.tui.screens.replay_steps import step_label
from wargame.tui.screens.why import WhyScreen
from wargame.tui.widgets.board import TheatreTable

SAVES = Path(__file__).resolve().parent.parent / "saves"
FACILITATED = SAVES / "example-facilitated.json"
FORK = SAVES / "example-facilitated-fork.json"
LONG = SAVES / "example-spring-2016.json"
SIZE = (100, 32)


def open_replay(rulebook, path: Path) -> WargameApp:
    _, game, check = load(path, rulebook)
    assert check.verified, check.message
    return WargameApp(rulebook, replay=(game, path))


def run(app: WargameApp, scenario, size=SIZE) -> None:
    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await scenario(pilot)

    asyncio.run(main())


def text(screen, selector: str) -> str:
    return screen.query_one(selector, Static).visual.plain


def heading(screen: ReplayScreen) -> str:
    return text(screen, "#replay-heading")


def step_index(screen: ReplayScreen, kind: type) -> int:
    return next(i for i, s in enumerate(screen.steps) if isinstance(s.command, kind))


def the_override(rulebook) -> tuple[OverrideResult, str]:
    """The example's White Cell override of turn 3, and the label the timeline gives it: which
    rule it overrode depends on the rulebook, so it is read from the save, not written here."""
    _, game, _ = load(FACILITATED, rulebook)
    command = next(s.command for s in game.steps if isinstance(s.command, OverrideResult))
    titles = {t.name: t.title for t in game.steps[0].state.theatres}  # a theatre by its title, never its id
    where = f" ({titles.get(command.where, command.where)})" if command.where else ""
    return command, f"T3 override: {rulebook.rule(command.ref).title}{where}"


def test_the_timeline_lists_every_step_with_a_label(rulebook):
    _, game, _ = load(FACILITATED, rulebook)
    labels = [step_label(rulebook, s) for s in game.steps]
    assert labels[0] == "T1 events"
    assert "T1 orders: Coalition" in labels
    assert "T1 resolved" in labels
    assert "T3 White Cell: set Coalition will 7→8" in labels
    assert "T3 White Cell: inject Mosul falls" in labels
    assert any(lab.startswith("T3 ★ heartland: The cells agree") for lab in labels)
    assert any(lab.startswith(the_override(rulebook)[1]) for lab in labels)

    app = open_replay(rulebook, FACILITATED)

    async def scenario(pilot):
        screen = pilot.app.screen
        assert isinstance(screen, ReplayScreen)
        timeline = screen.query_one("#replay-timeline", OptionList)
        assert timeline.option_count == len(game.steps)
        assert timeline.highlighted == 0
        assert screen.sub_title == "Replay of example-facilitated.json"

    run(app, scenario)


def test_stepping_forward_and_back_changes_the_turn_and_the_state(rulebook):
    app = open_replay(rulebook, FACILITATED)

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        assert screen.index == 0
        assert heading(screen).startswith("Turn 1 of 8 (2016 Q2)")
        assert "T1 events" in heading(screen)
        await pilot.press("right")
        assert screen.index == 1
        assert "T1 orders: IS" in heading(screen)
        given = len(screen.steps[1].command.orders)  # as many as the save says the bot gave
        assert f"Islamic State (random bot) gave {given} order{'s' if given != 1 else ''}" in text(screen, "#replay-what")
        await pilot.press("l", "l", "l", "l")  # to "T1 resolved"
        assert "T1 resolved" in heading(screen)
        await pilot.press("right")
        assert heading(screen).startswith("Turn 2 of 8")
        await pilot.press("left", "h")
        assert screen.index == 4
        assert heading(screen).startswith("Turn 1 of 8")

        # the inject of turn 3: what changed, and the board as it stood, step by step
        inject = step_index(screen, InjectCard)
        await pilot.press("home")
        assert screen.index == 0
        for _ in range(inject):
            await pilot.press("right")
        assert screen.index == inject
        changes = text(screen, "#replay-changes")
        # every track by its title (rulebook.title), never its internal name
        assert f"{rulebook.title('iraq.territory')} 5 → 3" in changes and "iraq.territory" not in changes
        # Mosul falls costs IS 2 funds, whatever it had
        before, after = map(int, re.search(rf"{rulebook.title('is_funds')} (\d+) → (\d+)", changes).groups())
        assert "is_funds" not in changes
        assert before - after == 2
        assert "Territorial Loss card played: Mosul falls" in changes
        await pilot.press("s")  # the board
        await pilot.pause()
        table = screen.query_one("#replay-theatres", TheatreTable)
        assert table.get_cell("iraq", "Held") == "3"
        await pilot.press("left")
        await pilot.pause()
        assert screen.index == inject - 1
        assert table.get_cell("iraq", "Held") == "5"
        assert screen.query_one("#replay-cell-is").border_title == "Islamic State"
        await pilot.press("s")
        await pilot.press("end")
        assert screen.index == len(screen.steps) - 1
        assert "after it: the game is over" in heading(screen)
        await pilot.press("right")  # nothing after the last step
        assert screen.index == len(screen.steps) - 1

    run(app, scenario)


def test_jump_to_a_turn(rulebook):
    app = open_replay(rulebook, FACILITATED)

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        await pilot.press("j")
        assert isinstance(pilot.app.screen, TurnPrompt)
        await pilot.press("1", "2", "enter")  # not a turn of this game: asked again
        assert isinstance(pilot.app.screen, TurnPrompt)
        assert "from 1 to 8" in text(pilot.app.screen, "#replay-turn-error")
        await pilot.press("backspace", "backspace", "5", "enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        assert heading(screen).startswith("Turn 5 of 8")
        assert "T5 events" in heading(screen)
        assert screen.steps[screen.index].command.turn == 5
        assert screen.query_one("#replay-timeline", OptionList).highlighted == screen.index
        await pilot.press("right_square_bracket")  # the next turn
        assert "T6 events" in heading(screen)
        await pilot.press("left_square_bracket", "left_square_bracket")  # back to turn 5's start (there: to turn 4)
        assert "T4 events" in heading(screen)
        await pilot.press("j", "escape")
        assert pilot.app.screen is screen
        assert "T4 events" in heading(screen)

    run(app, scenario)


def test_jump_to_the_bookmark(rulebook):
    app = open_replay(rulebook, FACILITATED)

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        await pilot.press("b")
        picker = pilot.app.screen
        assert isinstance(picker, BookmarkPicker)
        assert [m[0] for m in picker.marks] == ["heartland"]
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is screen
        step = screen.steps[screen.index]
        assert isinstance(step.command, Note) and step.command.bookmark == "heartland"
        assert "★ heartland" in heading(screen)
        assert heading(screen).startswith("Turn 3 of 8")
        assert "watch for defections" in text(screen, "#replay-what")

    run(app, scenario)


def test_the_white_cell_override_shows_in_the_replay(rulebook):
    app = open_replay(rulebook, FACILITATED)
    justification = "White Cell ruling: the players' discussion made the other outcome more plausible."
    command, label = the_override(rulebook)
    title = rulebook.rule(command.ref).title

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        await pilot.press("j", "3", "enter")
        while not isinstance(screen.steps[screen.index].command, OverrideResult):
            await pilot.press("right")
        assert label in heading(screen)
        what = text(screen, "#replay-what")
        assert "The White Cell overrode a result of turn 3" in what
        assert justification in what
        records = screen.query_one("#replay-records", OptionList)
        first = records.get_option_at_index(0).prompt
        assert "Overridden by the White Cell" in first and title in first
        assert screen.records[0].original is command.original and screen.records[0].happened is command.happened
        assert command.happened is not command.original
        assert screen.records[0].justification == justification
        # the first resolution of the turn says it was replaced
        await pilot.press("left")
        assert "T3 resolved" in heading(screen)
        assert "A White Cell override at step" in text(screen, "#replay-what")
        # the track override earlier in the turn
        while not isinstance(screen.steps[screen.index].command, SetTrack):
            await pilot.press("left")
        assert f"{rulebook.title('coalition_will')} 7 → 8" in text(screen, "#replay-changes")
        assert "coalition_will" not in text(screen, "#replay-changes") + text(screen, "#replay-what")
        assert "A new administration recommits to the campaign." in text(screen, "#replay-what")

    run(app, scenario)


def test_why_opens_the_rule_and_its_reasoning(rulebook):
    app = open_replay(rulebook, FACILITATED)

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        target = step_index(screen, OverrideResult)
        screen.show_step(target)
        await pilot.pause()
        await pilot.press("y")
        why = pilot.app.screen
        assert isinstance(why, WhyScreen)
        ref = the_override(rulebook)[0].ref
        assert why.record.ref == ref
        explanation = why.explanation()
        assert rulebook.rule(ref).claim in explanation
        assert "**The reasoning:**" in explanation
        assert "Overridden by the White Cell" in explanation
        await pilot.press("escape")
        assert pilot.app.screen is screen
        # Enter on the timeline moves to the results; Enter on a result asks why
        await pilot.press("enter")
        assert screen.query_one("#replay-records", OptionList).has_focus
        await pilot.press("down", "enter")
        why = pilot.app.screen
        assert isinstance(why, WhyScreen)
        assert why.record == screen.records[1]
        await pilot.press("escape")
        # a step with no results says so instead
        screen.show_step(1)
        await pilot.pause()
        await pilot.press("y")
        assert pilot.app.screen is screen

    run(app, scenario)


def test_fork_from_the_start_of_a_turn_writes_a_new_save_and_plays_it(rulebook, tmp_path):
    source = tmp_path / "facilitated.json"
    shutil.copy(FACILITATED, source)
    before = source.read_bytes()
    (tmp_path / "facilitated-branch-1.json").write_text("not ours")  # never overwritten: the next number is proposed
    app = open_replay(rulebook, source)

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        await pilot.press("j", "4", "enter")
        await pilot.press("f")
        prompt = pilot.app.screen
        assert isinstance(prompt, ForkScreen)
        assert "facilitated-branch-2.json" in text(prompt, "#fork-target")
        await pilot.press("escape")  # cancelled: nothing written
        assert pilot.app.screen is screen
        assert not (tmp_path / "facilitated-branch-2.json").exists()
        await pilot.press("f")
        prompt = pilot.app.screen
        prompt.query_one("#fork-where", Select).value = "turn"  # from the start of turn 4, before its events
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        names = [s.__class__.__name__ for s in pilot.app.screen_stack]
        assert "GameScreen" in names and "ReplayScreen" not in names
        assert pilot.app.screen.__class__.__name__ in ("GameScreen", "WalkthroughScreen")

    run(app, scenario)
    forked = tmp_path / "facilitated-branch-2.json"
    assert forked.exists()
    assert source.read_bytes() == before
    assert (tmp_path / "facilitated-branch-1.json").read_text() == "not ours"
    doc, child, check = load(forked, rulebook)
    assert check.verified, check.message
    assert doc.parent is not None
    assert doc.parent.game == "example-white"
    assert doc.parent.save == str(source)
    assert doc.parent.turn == 4
    assert doc.game != "example-white"
    assert doc.exercise.endswith(", branch 2")
    # the override and the inject of turn 3 are in the new game; nothing of turn 4 was kept
    assert any(isinstance(c, OverrideResult) for c in doc.commands)
    assert child.bookmarks() == {"heartland": 3}
    assert not any(c.turn == 4 and not isinstance(c, Note) for c in doc.commands)
    assert "facilitated.json" in doc.commands[-1].text  # the note says where it came from


def test_a_fork_shows_its_parent_and_its_bookmark(rulebook):
    app = open_replay(rulebook, FORK)

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        assert "a fork of example-white at turn 3" in screen.sub_title
        await pilot.press("b", "enter")
        assert "★ what-if" in heading(screen)

    run(app, scenario)


def test_stepping_a_long_game_only_redraws_the_step(rulebook):
    app = open_replay(rulebook, LONG)

    async def scenario(pilot):
        screen: ReplayScreen = pilot.app.screen
        timeline = screen.query_one("#replay-timeline", OptionList)
        options = list(timeline.options)
        assert len(options) == len(screen.steps) > 100
        await pilot.press("end")
        for _ in range(5):
            await pilot.press("left")
        await pilot.press("j", "1", "2", "enter")
        assert screen.steps[screen.index].command.turn == 12
        assert list(timeline.options) == options
        assert all(a is b for a, b in zip(timeline.options, options))  # the timeline was not rebuilt
        assert len(screen._views) <= 8  # only the steps shown were worked out

    run(app, scenario)


def test_readable_at_80_by_24(rulebook):
    app = open_replay(rulebook, FACILITATED)

    async def scenario(pilot):
        wanted = ("Timeline", "Turn&#160;1", "Step", "Why?", "Board", "Cells", "What&#160;next", "Fork", "Help")
        for _ in range(100):  # (under load the footer is drawn a few frames after the rest)
            svg = pilot.app.export_screenshot()
            if all(words in svg for words in wanted):
                break
            await pilot.pause()
        for words in wanted:
            assert words in svg, words
        await pilot.press("s")  # the board takes the whole width
        await pilot.pause()
        screen = pilot.app.screen
        assert not screen.query_one("#replay-left").display
        svg = pilot.app.export_screenshot()
        assert "Theatre" in svg and "Lake&#160;Chad" in svg

    run(app, scenario, size=(80, 24))


def test_screenshot(rulebook, tmp_path):
    app = open_replay(rulebook, FACILITATED)

    async def scenario(pilot):
        await pilot.press("b", "enter")
        await pilot.pause()
        pilot.app.save_screenshot(path=str(tmp_path), filename="replay.svg")

    run(app, scenario)
    svg = (tmp_path / "replay.svg").read_text(encoding="utf-8")
    assert "heartland" in svg
    assert "Turn&#160;3" in svg
