"""The replay viewer shows the messages said on the channels of a networked exercise, each at its
step, to whoever may see it: the White Cell's timeline and truth every message, a cell's view
(1-4) those of its own channels and no trace of any other.

The save is made here: three turns of a game with messages said in turn 3, saved and loaded back
as the facilitator would open it.
"""

from __future__ import annotations

from pathlib import Path

from tests.test_tui_replay import open_replay, text
from tests.test_tui_replay import run as replay_run
from wargame.engine.model import CELLS
from wargame.record.commands import Say
from wargame.record.game import Game, Header, play_bots
from wargame.record.save import document, write_save
from wargame.tui.app import WargameApp
from wargame.tui.screens.replay import ReplayScreen
from wargame.tui.screens.replay_seat import seat_pane
from wargame.tui.screens.replay_steps import StepViews, step_label

STAMP = "2026-01-01T00:00:00Z"
TALK = "shall we talk? heron-7"  # words found nowhere else in the game
REMINDER = "the deadline is [b]Friday[/b]. heron-8"  # markup in a message is its words, never drawn as markup
NOTHING = {cell: (lambda state: ()) for cell in CELLS}  # every cell gives no orders: the game is the messages


def talks(rulebook, channel: str = "aq-is", sender: str = "is", text: str = TALK) -> Game:
    """Two turns played, then in turn 3's orders a message on ``channel`` and the White Cell's
    reminder to the Coalition, then turn 3 resolved."""
    game = Game(rulebook, Header("exercise", 7, {cell: "human" for cell in CELLS}, "Talks", "talks"))
    play_bots(game, NOTHING, 2)
    game.run_events()
    game.say(channel, sender, text)
    game.say("coalition-white", "white", REMINDER)
    play_bots(game, NOTHING, 1)
    return game


def saved(rulebook, tmp_path: Path) -> Path:
    path = tmp_path / "talks.json"
    write_save(path, document(talks(rulebook), STAMP, STAMP))
    return path


def run(app: WargameApp, scenario, size=(130, 40)) -> None:
    replay_run(app, scenario, size)


def said_at(screen: ReplayScreen, words: str) -> int:
    return next(i for i, s in enumerate(screen.steps) if isinstance(s.command, Say) and s.command.text == words)


async def step_to(pilot, index: int) -> None:
    """Walk the timeline to step ``index`` with the arrow keys, as the facilitator does."""
    screen = pilot.app.screen
    await pilot.press("home")
    for _ in range(index):
        await pilot.press("right")
    assert screen.index == index


def test_the_timeline_names_each_message_by_its_channel_and_who_said_it_to_whom(rulebook) -> None:
    game = talks(rulebook)
    labels = [step_label(rulebook, s) for s in game.steps if isinstance(s.command, Say)]
    assert labels == [f"T3 is-aq: IS to AQ: “{TALK}”", f"T3 coalition-white: White Cell to Coalition: “{REMINDER}”"]


def test_the_white_cell_sees_a_message_at_its_step_and_steps_past_it_with_the_keys(rulebook, tmp_path) -> None:
    app = open_replay(rulebook, saved(rulebook, tmp_path))

    async def scenario(pilot) -> None:
        screen: ReplayScreen = pilot.app.screen
        said = said_at(screen, TALK)
        await step_to(pilot, said)
        assert f"T3 is-aq: IS to AQ: “{TALK}”" in text(screen, "#replay-heading")
        what = text(screen, "#replay-what")
        assert "Channel is-aq, turn 3 orders: the Islamic State to al-Qaeda:" in what
        assert f"“{TALK}”" in what
        assert "seen by the Islamic State, al-Qaeda and the White Cell only" in what
        assert "Nothing changed on the board" in text(screen, "#replay-changes")
        await pilot.press("right")  # past it: the White Cell's reminder, then the orders
        assert screen.index == said + 1
        assert f"“{REMINDER}”" in text(screen, "#replay-what") and TALK not in text(screen, "#replay-what")
        await pilot.press("right")
        assert screen.index == said + 2
        assert "T3 orders" in text(screen, "#replay-heading")
        assert "Channel" not in text(screen, "#replay-what")
        await pilot.press("left", "left")
        assert screen.index == said
        assert f"“{TALK}”" in text(screen, "#replay-what")

    run(app, scenario)


def test_a_cell_not_on_the_channel_sees_no_trace_of_the_message(rulebook, tmp_path) -> None:
    app = open_replay(rulebook, saved(rulebook, tmp_path))

    async def scenario(pilot) -> None:
        screen: ReplayScreen = pilot.app.screen
        said = said_at(screen, TALK)
        await step_to(pilot, said)
        await pilot.press("3")  # as the Coalition saw it
        pane = text(screen, "#replay-seat-text")
        assert pane.startswith("As the Coalition saw it")
        assert "At this step\nNothing that it could see." in pane
        for trace in ("heron-7", "talk", "is-aq", "channel", "Channel", "message"):
            assert trace not in pane, trace
        await pilot.press("right")  # its own channel with the White Cell: it sees that one
        pane = text(screen, "#replay-seat-text")
        assert f"On its channel with the White Cell (coalition-white), turn 3 orders, the White Cell said to it:\n  “{REMINDER}”" in pane
        await pilot.press("left", "1")  # as the Islamic State saw it: its own words
        pane = text(screen, "#replay-seat-text")
        assert screen.index == said
        assert f"On its channel with al-Qaeda (is-aq), turn 3 orders, it said:\n  “{TALK}”" in pane
        await pilot.press("2")  # and al-Qaeda, who was told
        pane = text(screen, "#replay-seat-text")
        assert f"On its channel with the Islamic State (is-aq), turn 3 orders, the Islamic State said to it:\n  “{TALK}”" in pane
        await pilot.press("4")  # the Local Governments: on neither channel
        pane = text(screen, "#replay-seat-text")
        assert "heron" not in pane and "is-aq" not in pane
        await pilot.press("right")
        assert "heron" not in text(screen, "#replay-seat-text")

    run(app, scenario)


def test_a_cells_view_is_the_same_whatever_was_said_on_channels_it_is_not_on(rulebook) -> None:
    """Twin games whose only difference is a message the Coalition may not see (its words, its
    channel, who said it) show the Coalition the same at every step; the Islamic State, on one of
    the channels, is shown the difference."""
    one = StepViews(rulebook, talks(rulebook))
    other = StepViews(rulebook, talks(rulebook, "aq-governments", "governments", "we will hold Mosul. heron-9"))
    assert len(one.steps) == len(other.steps)
    for i in range(len(one.steps)):
        assert seat_pane(one, i, "coalition") == seat_pane(other, i, "coalition"), i
    said = next(i for i, s in enumerate(one.steps) if isinstance(s.command, Say))
    assert seat_pane(one, said, "is") != seat_pane(other, said, "is")
    assert seat_pane(one, said, "governments") != seat_pane(other, said, "governments")
