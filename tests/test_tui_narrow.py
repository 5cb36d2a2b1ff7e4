"""Small terminals (a newcomer's playtest at 60x20 and 80x24): on every screen the footer keeps
Help (F1) and Quit (ctrl+q) in sight, and no line is cut mid-word where the screen's own text
has the whole word (text wraps at word boundaries, or is shortened with an ellipsis).

A walk through the screens with Textual's Pilot, every wait on a condition; what each screen
draws is read line by line, and the words of every widget of the screens on the stack are what
"the whole word" is checked against.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from textual.widgets import Footer

from tests.pilot import name, until
from tests.test_tui_names import widget_text
from wargame.engine.model import CELLS, Leader
from wargame.engine.rulebook import load_rulebook
from wargame.record.game import play_bots
from wargame.record.load import load
from wargame.table.examples import random_choosers
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp
from wargame.tui.screens.replay_modals import BookmarkPicker, TurnPrompt
from wargame.tui.widgets.board import leader_now

RULEBOOK = load_rulebook()
FACILITATED = Path(__file__).resolve().parent.parent / "saves" / "example-facilitated.json"
SIZES = [(60, 20), (80, 24)]

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# what separates one widget's text from the next on a line: borders, scrollbars, input edges
EDGES = re.compile(r"[│┃║█▌▐▊▎▏╭╮╰╯─━┏┓┗┛┣┫┳┻╋┡┩╇┼├┤┬┴┌┐└┘▔▁▂▃▄▅▆▇▀]+")


def lines_of(app) -> list[str]:
    """The screen as drawn, one string a line. A modal screen's box only, and its footer: the
    screen under it shows round the box, its lines cut by the box (as they should be)."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    if not app.screen.is_modal:
        return lines
    box = next(w for w in app.screen.children if not isinstance(w, Footer)).region
    return [line[box.x:box.right] for line in lines[box.y:box.bottom]] + lines[-1:]


def words_of(app) -> set[str]:
    """Every word the widgets of the screens on the stack hold, whether drawn whole or not."""
    words: set[str] = set()
    for screen in app.screen_stack:
        for w in screen.walk_children(with_self=False):
            for text in widget_text(w):
                words.update(WORD.findall(text))
    return words


def cut_words(lines: list[str], words: set[str]) -> list[str]:
    """The words drawn cut short at the end of a widget's line: the last word before an edge (or
    the line's end) that is no word of the screen's text, but the start of a longer one."""
    cut = []
    for line in lines:
        for part in EDGES.split(line):
            m = re.search(r"([A-Za-z][A-Za-z'’]*)\s*$", part)
            if m is None or m.group(1) in words:
                continue
            w = m.group(1)
            if any(len(s) > len(w) and s.startswith(w) for s in words):
                cut.append(f"{w!r} in {line.strip()!r}")
    return cut


class Look:
    """What was wrong on each screen looked at."""

    def __init__(self, app, size: tuple[int, int]):
        self.app = app
        self.size = size
        self.seen: list[str] = []
        self.problems: list[str] = []

    async def at(self, pilot, label: str = "") -> list[str]:
        await pilot.pause()
        app = self.app
        label = label or type(app.screen).__name__
        # a screen just pushed draws its footer a frame later on a busy machine: looked at once drawn
        await until(pilot, lambda: lines_of(app)[-1].strip() != "", f"{label}'s footer drawn")
        self.seen.append(label)
        lines = lines_of(app)
        if self.size == (60, 20):
            footer = lines[-1]
            for key in ("f1 Help", "^q Quit"):
                if key not in footer:
                    self.problems.append(f"{label}: no {key!r} in the footer {footer.strip()!r}")
        self.problems += [f"{label}: cut {c}" for c in cut_words(lines, words_of(app))]
        return lines


def whole(text: str, lines: list[str]) -> list[str]:
    """The words of ``text`` not drawn whole on the screen (a wrapped text's words are)."""
    drawn = set(WORD.findall(" ".join(lines)))
    return [w for w in WORD.findall(text) if w not in drawn]


def test_the_pattern_finds_a_word_cut_at_an_edge() -> None:
    words = {"caliphate", "the", "events", "are", "not", "drawn"}
    assert cut_words(["│ Keep the calipha │ ok", "its events are not draw █"], words) == [
        "'calipha' in '│ Keep the calipha │ ok'", "'draw' in 'its events are not draw █'"]
    assert cut_words(["│ the caliphate │", "T1 orders: Coalit… "], words | {"Coalition"}) == []


@pytest.mark.parametrize("size", SIZES)
def test_the_start_screen_and_the_save_picker(size) -> None:
    app = WargameApp(RULEBOOK, seed=42)
    look = Look(app, size)

    async def scenario() -> None:
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
            lines = await look.at(pilot)
            scenario = RULEBOOK.scenarios["exercise"]
            first = scenario.text.split(". ")[0]
            if size == (80, 24):  # the scenario's description wraps: every word of it whole
                assert whole(first, lines) == []
            await pilot.press("ctrl+l")
            await until(pilot, lambda: name(app) == "SavePicker", "the save picker")
            await look.at(pilot)

    asyncio.run(scenario())
    assert look.problems == []


@pytest.mark.parametrize("size", SIZES)
def test_a_turn_the_board_and_the_white_cell(size, tmp_path: Path) -> None:
    seats = {c: "doctrine" for c in CELLS} | {"coalition": HUMAN}
    session = Session.new(RULEBOOK, "exercise", 5, seats, save=tmp_path / "game.json")
    app = WargameApp(RULEBOOK, session=session)
    look = Look(app, size)

    async def scenario() -> None:
        async with app.run_test(size=size) as pilot:
            for _ in range(3000):  # a turn: the events, the coalition's orders, the results
                if name(app) == "SummaryScreen":
                    break
                if name(app) == "WalkthroughScreen":
                    await look.at(pilot)
                    if "WhyScreen" not in look.seen:
                        await pilot.press("y")
                        await until(pilot, lambda: name(app) == "WhyScreen", "why?")
                        await look.at(pilot)
                        await pilot.press("escape")
                        await until(pilot, lambda: name(app) == "WalkthroughScreen", "the walkthrough")
                    await pilot.press("escape")
                elif name(app) == "HandoverScreen":
                    await look.at(pilot)
                    await pilot.press("space")
                elif name(app) == "OrdersScreen":
                    await pilot.press("enter")
                    await look.at(pilot)
                    await pilot.press("g")
                    await until(pilot, lambda: name(app) == "ConfirmOrdersScreen", "the confirmation")
                    await look.at(pilot)
                    await pilot.press("enter")
                elif name(app) == "GameScreen" and app.screen.waiting:
                    await pilot.press("space")
                await pilot.pause(0.02)
            await until(pilot, lambda: name(app) == "SummaryScreen", "the summary")
            await look.at(pilot)
            await pilot.press("c")
            await until(pilot, lambda: name(app) == "ChartsScreen" and app.screen.query("#chart"), "the charts")
            await look.at(pilot)
            await pilot.press("escape")
            await until(pilot, lambda: name(app) == "SummaryScreen", "the summary again")
            await pilot.press("escape")
            await until(pilot, lambda: name(app) == "GameScreen" and app.screen.waiting, "the board")
            await look.at(pilot)
            await pilot.press("o")
            await until(pilot, lambda: name(app) == "ObjectivesScreen", "the objectives")
            await look.at(pilot)
            await pilot.press("escape")
            await pilot.press("f1")
            await until(pilot, lambda: name(app) == "HelpScreen", "the help")
            await look.at(pilot)
            await pilot.press("escape")
            await pilot.press("w")
            await until(pilot, lambda: name(app) == "WhiteCellScreen", "the White Cell")
            lines = await look.at(pilot, "White Cell gate")
            if size == (80, 24):  # the confirmation's warning, whole
                from wargame.tui.screens.white import WARNING

                assert whole(WARNING, lines) == []
            await pilot.press("w")
            white = app.screen
            await until(pilot, lambda: white.unlocked, "its controls")
            lines = await look.at(pilot, "White Cell")
            if size == (80, 24):  # its header: where the turn stands, whole ("its events are not drawn yet")
                assert whole(str(white.query_one("#white-title").render()), lines) == []
            for pane in ("inject", "track", "result", "note", "fork"):
                white.action_pane(pane)
                await look.at(pilot, f"White Cell {pane}")

    asyncio.run(scenario())
    session.close()
    assert {"WalkthroughScreen", "WhyScreen", "HandoverScreen", "OrdersScreen", "ConfirmOrdersScreen",
            "SummaryScreen", "ChartsScreen", "GameScreen", "ObjectivesScreen", "HelpScreen"} <= set(look.seen)
    assert look.problems == []


@pytest.mark.parametrize("size", SIZES)
def test_the_end(size, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wargame.tui.screens import end

    monkeypatch.setattr(end, "ODDS_RUNS", 5)
    monkeypatch.setattr(end, "report_path", lambda session: tmp_path / "game.report.md")
    session = Session.new(RULEBOOK, "exercise", 4, {c: "random" for c in CELLS}, game_id="narrow")
    play_bots(session.game, random_choosers(RULEBOOK, 4))
    app = WargameApp(RULEBOOK, session=session)
    look = Look(app, size)

    async def scenario() -> None:
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: name(app) == "EndScreen" and app.screen.odds is not None, "the end")
            await look.at(pilot)

    asyncio.run(scenario())
    assert look.problems == []


@pytest.mark.parametrize("size", SIZES)
def test_the_replays_fork_what_next_and_its_small_screens(size, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from wargame.tui.screens import futures

    monkeypatch.setattr(futures, "RUNS", 5)
    shutil.copy(FACILITATED, tmp_path / "example.json")
    monkeypatch.chdir(tmp_path)
    _, game, _ = load(Path("example.json"), RULEBOOK)
    app = WargameApp(RULEBOOK, replay=(game, Path("example.json")))
    look = Look(app, size)

    async def scenario() -> None:
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: name(app) == "ReplayScreen", "the replay")
            app.screen.show_step(15)
            await pilot.press("f")
            await until(pilot, lambda: name(app) == "ForkScreen", "the fork")
            lines = await look.at(pilot)
            if size == (80, 24):  # the seats' names, whole
                from wargame.engine.model import CELL_TITLES

                assert whole(" ".join(CELL_TITLES.values()), lines) == []
            await pilot.press("escape")
            await until(pilot, lambda: name(app) == "ReplayScreen", "the replay again")
            await pilot.press("n")
            await until(pilot, lambda: name(app) == "FuturesScreen" and app.screen.futures is not None, "what next")
            await look.at(pilot)
            await pilot.press("escape")
            await until(pilot, lambda: name(app) == "ReplayScreen", "the replay again")
            for modal in (TurnPrompt(8, 3), BookmarkPicker([("heartland", 3, 15, "The cells agree IS is losing.")])):
                app.push_screen(modal)
                await until(pilot, lambda modal=modal: app.screen is modal, type(modal).__name__)
                await look.at(pilot)
                await pilot.press("escape")

    asyncio.run(scenario())
    assert look.problems == []


def test_the_leader_line_says_who_leads_now() -> None:
    """The scenario's name is the opening leader's: after his death the post is vacant while the
    vacuum lasts, then a successor holds it; never the dead man's name as if he led."""
    assert leader_now(Leader("Abu Bakr al-Baghdadi", hardline=9)) == "Abu Bakr al-Baghdadi"
    vacant = leader_now(Leader("Abu Bakr al-Baghdadi", hardline=9, vacuum=2, successions=1))
    assert vacant == "post vacant (2 quarters of vacuum left)"
    assert leader_now(Leader("Abu Bakr al-Baghdadi", hardline=10, successions=1)) == "Abu Bakr al-Baghdadi's successor"
    assert "successor" in leader_now(Leader("Ayman al-Zawahiri", hardline=7, successions=2))
