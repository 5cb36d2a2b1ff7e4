"""The terminal UI's keys, help, lists and flow, as a facilitator meets them (issue 12): one key
means one thing everywhere, the help of a screen lists exactly its keys, a cell's orders are
given deliberately and can be taken back, lists show their focus and answer Enter at once,
quitting says where the game is and how to go on, and a game of bots plays on by itself.

Driven with Textual's Pilot; nothing here sleeps a fixed time: every wait is on a condition."""

from __future__ import annotations

import asyncio
import functools
import html
import importlib
import inspect
import pkgutil
import re
import shlex
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList, Select

import wargame.tui.screens as screens_package
from tests.pilot import name, until
from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.record.commands import GiveOrders
from wargame.record.load import load
from wargame.table.reasons import order_reasons
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp
from wargame.tui.screens import start as start_screen
from wargame.tui.screens.modals import HelpScreen

RULEBOOK = load_rulebook()
SIZE = (100, 32)


async def skip_to(pilot, app, wanted: Callable[[], object], what: str) -> None:
    """Skip walkthroughs (Esc) until ``wanted`` holds (bots choose in threads meanwhile)."""
    for _ in range(1500):
        if wanted():
            return
        if name(app) == "WalkthroughScreen":
            await pilot.press("escape")
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for: {what}")


def adjudication(app) -> bool:
    return name(app) == "WalkthroughScreen" and "adjudication" in app.screen.heading


def screen_text(app) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def pilot_test(test: Callable[..., Awaitable[None]]) -> Callable[..., None]:
    """An async test, run to its end on an event loop of its own (its fixtures as they are)."""
    @functools.wraps(test)
    def run(*args, **kwargs) -> None:
        asyncio.run(test(*args, **kwargs))
    return run


def bots(tmp_path: Path, turns: int = 4) -> Session:
    """A new game with a doctrine bot in every seat, saved in ``tmp_path``."""
    return Session.new(RULEBOOK, "exercise", turns, {c: "doctrine" for c in CELLS}, save=tmp_path / "g.json")


def people(tmp_path: Path, turns: int = 3, events: bool = False) -> Session:
    """A new game with people in every seat, saved in ``tmp_path``; ``events``: the first turn's
    events run already (the game opens on Islamic State's handover)."""
    session = Session.new(RULEBOOK, "exercise", turns, {c: HUMAN for c in CELLS}, save=tmp_path / "g.json")
    if events:
        session.run_events()
    return session


@asynccontextmanager
async def table(session: Session | None = None, *, seed: int | None = None,
                size: tuple[int, int] = SIZE) -> AsyncIterator[tuple[Pilot, WargameApp]]:
    """The app at the table, driven by a Pilot: playing ``session``, or (none) at the start screen."""
    app = WargameApp(RULEBOOK, session=session, seed=seed)
    async with app.run_test(size=size) as pilot:
        yield pilot, app


async def orders_of(pilot, app, whose: str = "IS") -> Screen:
    """From a cell's handover, Space: the cell's orders screen."""
    await until(pilot, lambda: name(app) == "HandoverScreen", f"{whose}'s handover")
    await pilot.press("space")
    await until(pilot, lambda: name(app) == "OrdersScreen", f"{whose}'s orders")
    return app.screen


async def ask_to_give(pilot, app) -> None:
    """g on the orders screen: a confirmation first, nothing given yet."""
    await pilot.press("g")
    await until(pilot, lambda: name(app) == "ConfirmOrdersScreen", "the confirmation")


@pytest.fixture
def saves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(start_screen, "SAVES", tmp_path)
    return tmp_path


# --- one key, one meaning ----------------------------------------------------------------------

def all_screens() -> list[type[Screen]]:
    found = []
    for info in pkgutil.iter_modules(screens_package.__path__):
        module = importlib.import_module(f"wargame.tui.screens.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def bindings(cls: type) -> list[Binding]:
    out = []
    for klass in cls.__mro__:
        if klass.__module__.startswith("wargame."):
            out += [b for b in klass.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)]
    return out


# What each letter means wherever it is bound: the action, or (on the screen the key opened)
# closing that screen again.
MEANING = {
    "c": {"charts", "close@ChartsScreen", "close@RemoteChartsScreen"},  # a joined seat's charts: the same screen
    "o": {"objectives", "close@ObjectivesScreen", "close@RemoteObjectivesScreen"},
    "w": {"white_cell", "confirm@WhiteCellScreen", "close@WhiteCellScreen"},
    "y": {"why"},
    "p": {"autoplay", "pause@WhiteCellScreen", "resume@WhiteCellScreen"},  # pause / play on
    "f": {"fork", "pane('fork')@WhiteCellScreen"},  # roll back: a fork
    "g": {"give"},
    "x": {"remove"},
    "u": {"take_back"},
    "a": {"all", "one"},  # the walkthrough: all the results at once, or one at a time again
    "j": {"jump_turn"},
    "b": {"bookmarks"},
    "s": {"toggle_board"},
    "r": {"replay"},
    "q": {"app.quit"},
    "h": {"step(-1)"},
    "l": {"step(1)"},
    "v": {"pane('overview')@WhiteCellScreen"},
    "i": {"pane('inject')@WhiteCellScreen"},
    "t": {"pane('track')@WhiteCellScreen"},
    "d": {"pane('result')@WhiteCellScreen"},
    "m": {"pane('note')@WhiteCellScreen"},
    "e": {"swap"},  # the replay below 120 columns: the truth or a cell's view
    "n": {"futures"},  # what next from here
}


def test_one_key_means_one_thing_on_every_screen() -> None:
    seen: dict[str, set[str]] = {}
    for cls in all_screens() + [WargameApp]:
        for b in bindings(cls):
            for key in b.key.split(","):
                if len(key) == 1 and key.isalpha():
                    meaning = b.action if b.action in MEANING.get(key, ()) else f"{b.action}@{cls.__name__}"
                    assert meaning in MEANING.get(key, set()), f"{cls.__name__}: {key} -> {b.action} ({b.description})"
                    seen.setdefault(key, set()).add(meaning)
    # the keys the issue names are bound where they apply
    for key in ("c", "x", "a", "g", "u", "p", "w", "y"):
        assert key in seen, key
    # the orders screen never gives orders on a key that means charts elsewhere
    orders = next(c for c in all_screens() if c.__name__ == "OrdersScreen")
    assert {b.action for b in bindings(orders) if "c" in b.key.split(",")} == {"charts"}


# --- help: the keys of the screen it is opened on -----------------------------------------------

def expected_rows(screen: Screen) -> set[str]:
    """What a screen's help must list: every binding this program declares for the screen and
    the app that works there now, by what it does."""
    app = screen.app
    out = set()
    for node in (screen, app):
        for b in bindings(type(node)):
            if node is app and screen.is_modal and not b.priority:
                continue  # a modal screen stops the app's keys but those that come first
            if b.description and app._check_action_state(b.action, node) is not False:
                out.add(b.tooltip or b.description)
    return out | {"Commands: every command of this screen, by name"}


async def check_help(pilot, app, key: str = "f1") -> HelpScreen:
    screen = app.screen
    want = expected_rows(screen)
    await pilot.press(key)
    await until(pilot, lambda: name(app) == "HelpScreen", f"the help of {type(screen).__name__}")
    help_screen = app.screen
    assert isinstance(help_screen, HelpScreen) and help_screen.for_screen is screen
    assert {what for _, what in help_screen.rows} == want, type(screen).__name__
    text = help_screen.text()
    for keys, what in help_screen.rows:
        assert f"| **{keys.replace('|', chr(92) + '|')}** | {what} |" in text
    # each key is named in full (no footer short forms such as "←→" for two keys)
    assert "←→" not in text
    await pilot.press("escape")
    await until(pilot, lambda: app.screen is screen, "the help to close")
    return help_screen


@pilot_test
async def test_help_lists_exactly_the_keys_of_each_screen(saves: Path) -> None:
    async with table(seed=3) as (pilot, app):
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        start = await check_help(pilot, app)
        assert "ctrl+n" in start.text().lower() or "^n" in start.text()
        await check_help(pilot, app, "question_mark")  # ? too
        for cell in CELLS:
            app.screen.query_one(f"#seat-{cell}", Select).value = HUMAN
        app.screen.query_one("#lock-solo").value = True
        await pilot.press("ctrl+n")
        await until(pilot, lambda: name(app) in ("WalkthroughScreen", "HandoverScreen"), "the first turn")
        if name(app) == "WalkthroughScreen":
            walk = await check_help(pilot, app)
            assert {"Why?", "Show all", "Next"} <= {w for _, w in walk.rows}
            await pilot.press("escape")
        await until(pilot, lambda: name(app) == "HandoverScreen", "the handover")
        handover = await check_help(pilot, app)
        assert dict((what, keys) for keys, what in handover.rows)["I am this cell: show my screen"] == "space"
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen", "the orders screen")
        orders = await check_help(pilot, app)
        rows = dict((what, keys) for keys, what in orders.rows)
        assert rows["Give orders…"] == "g" and rows["Charts"] == "c" and "x" in rows["Remove last"]
        assert "Keep the orders given before" not in rows  # only for a cell that took them back
        await ask_to_give(pilot, app)
        await check_help(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "OrdersScreen", "back to choosing")
        await pilot.press("c")
        await until(pilot, lambda: name(app) == "ChartsScreen", "the cell's charts")
        await check_help(pilot, app)
        await pilot.press("c")
        await until(pilot, lambda: name(app) == "OrdersScreen", "back to the orders")
        await pilot.press("o")
        await until(pilot, lambda: name(app) == "ObjectivesScreen", "the objectives")
        await check_help(pilot, app)


@pilot_test
async def test_the_help_of_the_board_the_white_cell_and_the_replay(tmp_path: Path) -> None:
    session = bots(tmp_path)
    async with table(session) as (pilot, app):
        await skip_to(pilot, app, lambda: name(app) == "SummaryScreen", "the summary")
        summary = await check_help(pilot, app)
        assert "To the board" in {w for _, w in summary.rows}
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "GameScreen" and app.screen.waiting, "the board")
        board = await check_help(pilot, app)
        rows = {w: k for k, w in board.rows}
        assert rows["Auto-play"] == "p" and rows["Charts"] == "c" and rows["Continue"] == "space"
        await pilot.press("w")
        await until(pilot, lambda: name(app) == "WhiteCellScreen", "the White Cell")
        gate = await check_help(pilot, app)
        assert "Yes, show everything" in {w for _, w in gate.rows}
        await pilot.press("w")
        await until(pilot, lambda: app.screen.unlocked, "the controls")
        white = await check_help(pilot, app)
        rows = {w: k for k, w in white.rows}
        assert rows["Note"] == "m" and rows["Result"] == "d" and "Yes, show everything" not in rows
        await pilot.press("w")  # w again closes it
        await until(pilot, lambda: name(app) == "GameScreen", "the board again")

        from wargame.tui.screens.replay import ReplayScreen

        app.push_screen(ReplayScreen(RULEBOOK, session.game, session.save))
        await until(pilot, lambda: name(app) == "ReplayScreen", "the replay")
        replay = await check_help(pilot, app)
        rows = {w: k for k, w in replay.rows}
        assert rows["Jump to a turn"] == "j" and rows["Next turn"] == "]" and "Auto-play" not in rows
        assert rows["As the Coalition saw it"] == "3" and rows["What next from here: bot games played on from this step"] == "n"


@pilot_test
async def test_the_palette_lists_each_command_once_and_none_of_textuals_own(tmp_path: Path) -> None:
    async with table(bots(tmp_path)) as (pilot, app):
        await until(pilot, lambda: name(app) == "WalkthroughScreen", "a walkthrough")
        for screen in (app.screen, app.game_screen()):
            titles = [c.title for c in app.get_system_commands(screen)]
            assert len(titles) == len(set(titles)), titles
            assert {"Help", "Quit"} <= set(titles)
            assert not {"Keys", "Screenshot", "Maximize", "Minimize", "Theme"} & set(titles)
        assert "Why?" in [c.title for c in app.get_system_commands(app.screen)]


# --- a cell's orders: given deliberately, and taken back until the last cell has given -----------

@pilot_test
async def test_a_cell_confirms_its_orders_and_can_take_them_back(tmp_path: Path) -> None:
    session = people(tmp_path)
    async with table(session) as (pilot, app):
        await until(pilot, lambda: name(app) in ("WalkthroughScreen", "HandoverScreen"), "the turn")
        if name(app) == "WalkthroughScreen":
            await pilot.press("escape")
        await until(pilot, lambda: name(app) == "HandoverScreen", "IS's handover")
        assert "Take back orders" not in {b.binding.description for b in app.screen.active_bindings.values()}
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen", "IS's orders")
        orders = app.screen
        await pilot.press("c")  # c is charts here too: nothing is given
        await until(pilot, lambda: name(app) == "ChartsScreen", "IS's charts")
        assert "is" not in session.game.pending
        await pilot.press("escape")
        first = next(o for o in session.legal("is"))
        orders.add(first)
        await ask_to_give(pilot, app)
        await until(pilot, lambda: "take it back" in screen_text(app), "the confirmation's words")
        await pilot.press("escape")  # not yet
        await until(pilot, lambda: app.screen is orders, "back to choosing")
        assert "is" not in session.game.pending and session.draft("is") == [first]
        await ask_to_give(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: name(app) == "HandoverScreen", "AQ's handover")
        assert session.game.pending["is"] == (first,)
        await until(pilot, lambda: "u: a cell takes its" in screen_text(app), "the handover's words")
        assert "al-Qaeda" in screen_text(app)
        await pilot.press("u")  # IS takes its orders back: the keyboard goes back to it
        await until(pilot, lambda: name(app) == "HandoverScreen" and app.screen.again, "IS again")
        await until(pilot, lambda: "back to: Islamic State" in screen_text(app), "the keyboard back to IS")
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen", "IS's orders again")
        assert app.screen.chosen == [first] and app.screen.again
        await pilot.press("x")
        await ask_to_give(pilot, app)
        await pilot.press("enter")
        await until(pilot, lambda: name(app) == "HandoverScreen" and not app.screen.again, "AQ's handover")
        assert session.game.pending["is"] == ()
        given = [c for c in session.game.commands if isinstance(c, GiveOrders) and c.cell == "is"]
        assert [len(c.orders) for c in given] == [1, 0]  # the log keeps both; the last stands
        for cell in ("aq", "coalition"):
            await orders_of(pilot, app, cell)
            await ask_to_give(pilot, app)
            await pilot.press("enter")
            await until(pilot, lambda: name(app) == "HandoverScreen", "the next handover")
        await pilot.press("u")  # three cells may take theirs back: which?
        await until(pilot, lambda: name(app) == "TakeBackPicker", "the picker")
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "HandoverScreen", "the handover again")
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen", "the last cell's orders")
        await ask_to_give(pilot, app)
        await until(pilot, lambda: "You are the last cell" in screen_text(app), "the last cell's warning")
        await pilot.press("enter")
        await until(pilot, lambda: adjudication(app), "the adjudication: nothing can be taken back now")


# --- lists: focus you can see, Enter at once, nothing picked in silence ---------------------------

@pilot_test
async def test_a_double_enter_after_giving_orders_does_not_skip_the_handover(tmp_path: Path) -> None:
    """g, Enter (confirm), Enter again at once: the next cell's handover stays on screen; only
    Space, which it names, shows the next cell's screen."""
    async with table(people(tmp_path, events=True)) as (pilot, app):
        await until(pilot, lambda: name(app) == "HandoverScreen", "IS's handover")
        await pilot.press("enter")  # Enter is not the handover's key
        await pilot.pause()
        assert name(app) == "HandoverScreen"
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen", "IS's orders")
        await ask_to_give(pilot, app)
        await pilot.press("enter", "enter", "enter")  # a habitual double (or triple) Enter
        await until(pilot, lambda: name(app) == "HandoverScreen", "AQ's handover")
        await pilot.pause()
        assert name(app) == "HandoverScreen" and "al-Qaeda" in screen_text(app)
        assert "Space" in screen_text(app) and "look away" in screen_text(app)
        await pilot.press("space")
        await until(pilot, lambda: name(app) == "OrdersScreen", "AQ's orders")
        assert app.screen.cell == "aq"


def highlight(options: OptionList):
    s = options.get_component_styles("option-list--option-highlighted")
    return s.background, s.text_style


def clearly_different(a, b) -> bool:
    (bg1, style1), (bg2, style2) = a, b
    distance = sum(abs(x - y) for x, y in zip(bg1.rgb, bg2.rgb))
    return distance > 150 and style1 != style2


async def check_focus_shows(pilot, app, options: OptionList, elsewhere) -> None:
    options.focus()
    await until(pilot, lambda: options.has_focus, "the focus")
    focused = highlight(options)
    elsewhere.focus()
    await until(pilot, lambda: not options.has_focus, "the focus to go")
    assert clearly_different(focused, highlight(options)), options.id
    options.focus()
    await until(pilot, lambda: options.has_focus, "the focus back")


@pilot_test
async def test_lists_show_their_focus_and_answer_enter_at_once(saves: Path) -> None:
    game = Session.new(RULEBOOK, "exercise", 5, {c: "doctrine" for c in CELLS}, save=saves / "first.json")
    game.run_events()
    game.close()
    async with table(seed=3) as (pilot, app):
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        await pilot.press("ctrl+r")
        await until(pilot, lambda: name(app) == "SavePicker", "the replay list")
        picker = app.screen.query_one("#saves", OptionList)
        assert picker.highlighted == 0
        await check_focus_shows(pilot, app, picker, app.screen.query_one("#path", Input))
        await pilot.press("enter")  # at once: no Down first
        await until(pilot, lambda: name(app) == "ReplayScreen" and app.screen._views, "the replay")
        timeline = app.screen.query_one("#replay-timeline", OptionList)
        records = app.screen.query_one("#replay-records", OptionList)
        app.screen.show_step(1)
        await until(pilot, lambda: records.option_count, "a step with results")
        await check_focus_shows(pilot, app, timeline, records)
        await check_focus_shows(pilot, app, records, timeline)
        await pilot.press("escape")
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        await pilot.press("ctrl+l")
        await until(pilot, lambda: name(app) == "SavePicker", "the load list")
        assert app.screen.query_one("#saves", OptionList).highlighted == 0
        await pilot.press("enter")
        await skip_to(pilot, app, lambda: name(app) == "SummaryScreen", "the summary")
        changed = app.screen.query_one("#changed", OptionList)
        assert changed.highlighted == 0
        await check_focus_shows(pilot, app, changed, app.screen.query_one("#summary-charts").parent)
        await pilot.press("enter")
        await until(pilot, lambda: name(app) == "WalkthroughScreen" and "What changed" in app.screen.heading,
                    "why the first change")


@pilot_test
async def test_orders_that_cannot_be_given_are_dimmer_and_say_why(tmp_path: Path) -> None:
    session = people(tmp_path, events=True)
    async with table(session) as (pilot, app):
        orders = await orders_of(pilot, app)
        kinds = orders.query_one("#kinds", OptionList)
        for i in range(kinds.option_count):
            prompt = str(kinds.get_option_at_index(i).prompt)
            assert prompt.startswith("[$text-disabled]") == ("✗" in prompt)
            if not prompt.startswith("[$text-disabled]"):
                assert prompt.startswith("[b]")  # an order that can be given stands out
        # a theatre order picked twice in one theatre: the second is refused with its reason
        kind = next(k for k in RULEBOOK.orders if k.cell == "is" and k.target == "theatre"
                    and any(o.kind == k.id for o in session.legal("is")))
        seen = []
        app.notify = lambda message, **kw: seen.append((kw.get("title", ""), message))  # type: ignore[method-assign]
        index = [o.id for o in kinds._options].index(kind.id)
        kinds.highlighted = index
        await pilot.press("enter")
        targets = orders.query_one("#targets", OptionList)
        await until(pilot, lambda: targets.has_focus, "the theatres")
        picked = targets.get_option_at_index(targets.highlighted).id
        await pilot.press("enter")
        await until(pilot, lambda: len(orders.chosen) == 1, "the first order")
        kinds.highlighted = index
        await pilot.press("enter")
        await until(pilot, lambda: targets.has_focus, "the theatres again")
        assert targets.get_option_at_index(targets.highlighted).id == picked  # not another theatre
        await pilot.press("enter")
        await until(pilot, lambda: seen, "the refusal")
        assert len(orders.chosen) == 1 and "not available" in seen[-1][0]


@pilot_test
async def test_objectives_wrap_at_words(tmp_path: Path) -> None:
    from wargame.tui.screens.end import ObjectivesScreen, objectives_rows

    session = bots(tmp_path, turns=3)
    async with table(session, size=(80, 24)) as (pilot, app):
        await until(pilot, lambda: name(app) == "WalkthroughScreen", "a walkthrough")
        app.push_screen(ObjectivesScreen(session))
        await until(pilot, lambda: name(app) == "ObjectivesScreen", "the objectives")
        # the first objective's "what it asks", every word whole (wrapped, never cut mid-word)
        asks = set(re.findall(r"[A-Za-z]+", objectives_rows(session)[0][3]))
        await until(pilot, lambda: asks <= set(re.findall(r"[A-Za-z]+", screen_text(app))), "every word whole")


# --- the start screen -----------------------------------------------------------------------------

@pilot_test
async def test_the_start_screen_describes_the_scenario_and_says_what_the_seed_refuses(saves: Path) -> None:
    async with table(seed=42, size=(80, 24)) as (pilot, app):
        await until(pilot, lambda: name(app) == "StartScreen", "the start screen")
        start = app.screen
        exercise = RULEBOOK.scenarios["exercise"]
        text = str(start.query_one("#scenario-text").content)
        assert exercise.label(1) in text and exercise.label(exercise.turns) in text and "8 turns" in text
        start.query_one("#scenario", Select).value = "spring-2016"
        await until(pilot, lambda: "2021 Q4" in str(start.query_one("#scenario-text").content), "the other")
        seed = start.query_one("#seed", Input)
        seed.focus()
        await until(pilot, lambda: seed.has_focus, "the seed field")
        await pilot.press("end", "a")
        assert seed.value == "42"
        assert "Only digits" in str(start.query_one("#seed-hint").content)
        # the screen's keys stay on show and work while a field has the focus
        shown = {b.binding.description for b in start.active_bindings.values() if b.binding.show}
        assert {"New game", "Load a save", "Replay a save"} <= shown
        await pilot.press("7")
        assert seed.value == "427" and "Only digits" not in str(start.query_one("#seed-hint").content)
        # letters typed in a field are never taken for the screen's keys (l, r: not load, replay)
        exercise_name = start.query_one("#exercise", Input)
        exercise_name.focus()
        await pilot.press(*"replay lots")
        assert exercise_name.value == "replay lots" and name(app) == "StartScreen"
        start.query_one("#seat-is", Select).focus()
        await pilot.press("r", "l", "n")
        assert name(app) == "StartScreen"
        solo = start.query_one("#lock-solo")
        assert "X" not in str(solo.render())
        solo.value = True
        await pilot.pause()
        assert "X" in str(solo.render())


# --- quitting ---------------------------------------------------------------------------------------

@pilot_test
async def test_quitting_names_the_save_and_the_command_and_keeps_the_orders_being_chosen(tmp_path: Path) -> None:
    session = people(tmp_path, events=True)
    save = session.save
    first = session.legal("is")[0]
    async with table(session) as (pilot, app):
        await orders_of(pilot, app)
        app.screen.add(first)
        await pilot.press("ctrl+q", "ctrl+q")  # a game under way asks first: ctrl+q again quits
        await until(pilot, lambda: app.goodbye, "the goodbye")
    goodbye = app.goodbye
    session.close()
    assert str(save) in goodbye and f"play --load {save.absolute()}" in goodbye
    assert "Islamic State" in goodbye and "kept" in goodbye
    # the command it gives runs as it is printed, from any folder
    line = next(x for x in goodbye.splitlines() if x.startswith("To continue it: "))
    argv = shlex.split(line.removeprefix("To continue it: "))
    assert argv[-3:] == ["play", "--load", str(save.absolute())]
    done = subprocess.run([*argv[:-3], "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "usage" in done.stdout
    doc, game, check = load(save, RULEBOOK)
    assert check.verified and game.drafts == {"is": (first,)} and "is" not in game.pending

    again = Session(game.rulebook, game, save=save, created=doc.created)
    async with table(again) as (pilot, app):
        await orders_of(pilot, app)
        assert app.screen.chosen == [first]
        assert "Islamic State" in screen_text(app)
    again.close()


# --- auto-play --------------------------------------------------------------------------------------

@pilot_test
async def test_a_game_of_bots_plays_on_by_itself_and_pauses(tmp_path: Path) -> None:
    session = bots(tmp_path)
    async with table(session) as (pilot, app):
        await until(pilot, lambda: name(app) == "WalkthroughScreen", "the first walkthrough")
        board = app.game_screen()
        assert "Auto-play" in {b.binding.description for b in app.screen.active_bindings.values() if b.enabled}
        await pilot.press("p")
        assert board.autoplay
        await pilot.press("plus", "plus", "plus")  # the fastest pace
        await pilot.press("minus", "plus")
        assert board.pace == 0.5
        await until(pilot, lambda: session.state.turn >= 3, "two turns played by themselves", steps=3000)
        await pilot.press("p")
        assert not board.autoplay and board._auto_timer is None
        turn = session.state.turn
        # paused: it goes on only by hand now
        await until(pilot, lambda: name(app) in ("WalkthroughScreen", "SummaryScreen", "GameScreen"), "a screen")
        assert session.state.turn == turn and board._auto_timer is None


@pilot_test
async def test_auto_play_is_only_for_a_game_of_bots(tmp_path: Path) -> None:
    async with table(people(tmp_path, turns=4)) as (pilot, app):
        await until(pilot, lambda: name(app) in ("WalkthroughScreen", "HandoverScreen"), "the turn")
        assert "Auto-play" not in {b.binding.description for b in app.screen.active_bindings.values()}
        await pilot.press("p")
        assert not app.game_screen().autoplay


# --- the bots say why -------------------------------------------------------------------------------

@pilot_test
async def test_the_walkthrough_and_the_replay_say_why_a_bot_gave_each_order(tmp_path: Path) -> None:
    session = bots(tmp_path)
    async with table(session) as (pilot, app):
        await skip_to(pilot, app, lambda: adjudication(app), "the adjudication")
        walk = app.screen
        orders = [r for r in walk.records if r.kind == "order"]
        assert orders
        base = session.last_turn_base
        for r in orders:
            given = [o for o in session.game._resolved_orders[r.cell]]
            want = order_reasons(RULEBOOK, base, session.game.header.seats, 4, r.cell, given, "public")
            text = walk.markup(r)
            assert "Why, on the board when it chose, as the room can see it:" in text or "Why the bot gave it, when it chose" in text
            assert any(w is not None and w.text.split(":")[0] in text for w in want)
        assert any("¶" in walk.markup(r).split("Why")[-1] for r in orders)
        # the room's text says whose estimates they are
        assert "by your estimates" not in "".join(walk.markup(r) for r in walk.records)

        from wargame.tui.screens.replay import ReplayScreen

        app.push_screen(ReplayScreen(RULEBOOK, session.game, session.save))
        await until(pilot, lambda: name(app) == "ReplayScreen" and app.screen._views, "the replay")
        replay = app.screen
        step = next(i for i, s in enumerate(session.game.steps) if isinstance(s.command, GiveOrders))
        replay.show_step(step)
        what = str(replay.query_one("#replay-what").content)
        assert "why:" in what and "¶" in what


# --- the White Cell's edges -------------------------------------------------------------------------

async def to_the_board(pilot, app) -> None:
    await skip_to(pilot, app, lambda: name(app) == "SummaryScreen", "the summary")
    await pilot.press("escape")
    await until(pilot, lambda: name(app) == "GameScreen" and app.screen.waiting, "the board between turns")


async def open_white(pilot, app):
    await pilot.press("w")
    await until(pilot, lambda: name(app) == "WhiteCellScreen", "the White Cell")
    await pilot.press("w")
    await until(pilot, lambda: app.screen.unlocked, "its controls")
    return app.screen


@pilot_test
async def test_pause_and_resume_between_turns_stay_where_they_were(tmp_path: Path) -> None:
    session = bots(tmp_path)
    async with table(session) as (pilot, app):
        await to_the_board(pilot, app)
        board = app.screen
        turn, steps = session.state.turn, len(session.game.steps)
        white = await open_white(pilot, app)
        title = str(white.query_one("#white-title").content)
        assert "between turns" in title and "· events" not in title
        await pilot.press("escape")  # closed on the board between turns: nothing is drawn
        await until(pilot, lambda: app.screen is board, "the board")
        await pilot.pause()
        assert (session.state.turn, len(session.game.steps), board.waiting) == (turn, steps, True)
        await open_white(pilot, app)
        await pilot.press("p")  # pause
        await until(pilot, lambda: board.paused and app.screen is board, "the pause")
        shown = {b.binding.description for b in board.active_bindings.values()}
        assert "Continue" not in shown
        status = str(board.query_one("#status").content)
        assert "PAUSED" in status and "Space" not in status  # only the White Cell goes on now
        await pilot.press("space")  # does nothing while paused
        await pilot.pause()
        assert board.waiting and len(session.game.steps) == steps
        await open_white(pilot, app)
        await pilot.press("p")  # resume: back where it was, the room on the board
        await until(pilot, lambda: not board.paused and app.screen is board, "the resume")
        await pilot.pause()
        assert board.waiting and len(session.game.steps) == steps and session.state.phase == "events"
        assert "Continue" in {b.binding.description for b in board.active_bindings.values()}


@pilot_test
async def test_an_inject_is_printed_once_and_no_longer_eligible(tmp_path: Path) -> None:
    from wargame.tui.widgets.white_pane import markup

    session = bots(tmp_path)
    async with table(session) as (pilot, app):
        await to_the_board(pilot, app)
        white = await open_white(pilot, app)
        await pilot.press("i")
        decks = white.query_one("#inject-decks", OptionList)
        await until(pilot, lambda: decks.has_focus, "the decks")
        cards = white.query_one("#inject-cards", OptionList)
        pane = white.query_one("#pane-inject")
        chosen = None
        for d in range(decks.option_count):  # a deck with a card eligible now
            decks.highlighted = d
            await pilot.press("enter")
            await until(pilot, lambda: cards.has_focus, "its cards")
            eligible = [i for i in range(cards.option_count) if "eligible now" in str(cards.get_option_at_index(i).prompt)
                        and "not eligible" not in str(cards.get_option_at_index(i).prompt)]
            if eligible:
                chosen = eligible[0]
                break
            decks.focus()
        assert chosen is not None
        cards.highlighted = chosen
        card_id = cards.get_option_at_index(chosen).id
        await pilot.press("enter")
        await until(pilot, lambda: white.query_one("#inject-note", Input).has_focus, "the note")
        await pilot.press(*"a surprise for the debrief", "enter")
        await until(pilot, lambda: "Injected" in str(white.query_one("#inject-out").content), "the inject")
        prompt = str(cards.get_option_at_index(chosen).prompt)
        assert "eligible now" not in prompt and "played already" in prompt
        assert cards.get_option_at_index(chosen).id == card_id
        records = [r for r in session.game.steps[-1].records]
        assert markup(records).count("a surprise for the debrief") == len(records)
        assert pane.eligible  # worked out again


@pilot_test
async def test_a_refusal_is_not_left_standing(tmp_path: Path) -> None:
    async with table(bots(tmp_path)) as (pilot, app):
        await to_the_board(pilot, app)
        white = await open_white(pilot, app)
        await pilot.press("t")
        await until(pilot, lambda: white.query_one("#track-target", Input).has_focus, "the track")
        await pilot.press(*"coalition_will", "enter", "5", "enter", "enter")  # no justification
        error = white.query_one("#track-error")
        await until(pilot, lambda: "justification is required" in str(error.content), "the refusal")
        await pilot.press("x")  # typing a justification takes it away
        await until(pilot, lambda: not str(error.content), "the refusal to go")
        await pilot.press("backspace", "enter")  # refused again, then another pane and back: gone
        await until(pilot, lambda: "justification is required" in str(error.content), "the refusal again")
        white.action_pane("note")
        white.action_pane("track")
        await until(pilot, lambda: not str(error.content), "the refusal to go")
