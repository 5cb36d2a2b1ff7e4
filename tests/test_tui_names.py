"""No internal name on any screen (issue 12, finding 3): a walk through the main screens (the
board, the orders, a walkthrough, the summary, the charts, the replay with each cell's view and
the White Cell's panes) collects the text every widget renders, and none of it may hold a
``snake_case.dotted`` id (``iraq.territory``, ``coalition.air_campaign``, ``offshoot-1.strength``)
nor a bare one (``is_funds``, ``lake_chad``, ``tally_cards_drawn``): a reader sees titles.

Driven with Textual's Pilot; every wait is on a condition.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
from pathlib import Path

from rich.console import Console
from textual.content import Content
from textual.screen import Screen
from textual.visual import RichVisual, Visual
from textual.widget import Widget
from textual.widgets import DataTable, Input, OptionList
from textual_plotext import PlotextPlot

from tests.pilot import name, until
from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.record.load import load
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp
from wargame.tui.screens.replay import ReplayScreen

RULEBOOK = load_rulebook()
SAVES = Path(__file__).resolve().parent.parent / "saves"

# an internal id: dotted (``iraq.territory``, ``offshoot-1.strength``, ``c1.talks-open``) or snake_case
DOTTED = re.compile(r"\b[a-z][a-z0-9]+(?:[-_][a-z0-9]+)*\.[a-z][a-z0-9_]*(?:-[a-z0-9]+)*\b")
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
FILES = {"json", "md", "txt", "svg", "html", "toml"}
PATHS = re.compile(r"\S*/\S*")  # a file's path (a save's): its own name, not the game's


def raw_names(text: str) -> list[str]:
    """The internal names in ``text``: dotted ids, then bare snake_case ones (a file's name is not one)."""
    text = PATHS.sub(" ", text)
    dotted = [m for m in DOTTED.findall(text) if m.rsplit(".", 1)[1] not in FILES]
    return dotted + SNAKE.findall(DOTTED.sub(" ", text))


def plain(value: object) -> str:
    """The words of what a widget renders: markup, Textual's content, or a Rich renderable."""
    if isinstance(value, Content):
        return value.plain
    if isinstance(value, str):
        return Content.from_markup(value).plain
    if isinstance(value, RichVisual):
        value = value._renderable
    elif isinstance(value, Visual):  # a blank, a gradient: no words
        return ""
    if hasattr(value, "plain"):
        return value.plain  # rich Text
    if not (hasattr(value, "__rich_console__") or hasattr(value, "__rich__")):
        return ""
    console = Console(width=200, color_system=None, record=True, file=io.StringIO())
    console.print(value)
    return console.export_text()


def widget_text(w: Widget) -> list[str]:
    """The text ``w`` renders, whether it is on screen now or scrolled out of sight."""
    out: list[str] = []
    if isinstance(w, OptionList):
        out += [plain(w.get_option_at_index(i).prompt) for i in range(w.option_count)]
    elif isinstance(w, DataTable):
        out += [str(c.label) for c in w.columns.values()]
        out += [str(cell) for row in w.ordered_rows for cell in w.get_row(row.key)]
    elif isinstance(w, Input):
        out += [w.value, w.placeholder]
    elif isinstance(w, PlotextPlot):
        out.append(w.render().plain)
    else:
        try:
            out.append(plain(w.render()))
        except Exception:  # noqa: BLE001 - a container: its children are read one by one
            pass
    for attr in ("border_title", "border_subtitle", "tooltip"):
        value = getattr(w, attr, None)
        if value:
            out.append(plain(value))
    return out


def screen_text(app, screen: Screen) -> str:
    texts = [str(screen.title or ""), str(screen.sub_title or "")]
    for w in screen.walk_children(with_self=False):
        texts += widget_text(w)
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.DOTALL)
    texts.append(html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " "))
    return "\n".join(texts)


class Walk:
    """Collects what each screen shows, by the screen's name."""

    def __init__(self, app):
        self.app = app
        self.seen: dict[str, list[str]] = {}

    async def look(self, pilot, label: str = "") -> None:
        await pilot.pause()
        screen = self.app.screen
        self.seen.setdefault(label or type(screen).__name__, []).append(screen_text(self.app, screen))

    def problems(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for label, texts in self.seen.items():
            found = {n for t in texts for n in raw_names(t)}
            if found:
                out[label] = found
        return out


def test_the_pattern_finds_internal_names_and_nothing_else() -> None:
    assert raw_names("iraq.territory 5 → 3 · is_funds 2") == ["iraq.territory", "is_funds"]
    assert raw_names("coalition.air_campaign in lake_chad; offshoot-1.strength") == [
        "coalition.air_campaign", "offshoot-1.strength", "lake_chad"]
    assert raw_names("IS-held territory in Iraq 5 → 3 · IS funds 2; e.g. saved: g.json in /tmp/a_b/g.json") == []


def test_no_screen_shows_an_internal_name(tmp_path: Path) -> None:
    seats = {c: "doctrine" for c in CELLS} | {"coalition": HUMAN}
    session = Session.new(RULEBOOK, "spring-2016", 5, seats, save=tmp_path / "game.json")
    app = WargameApp(RULEBOOK, session=session)
    walk = Walk(app)

    async def scenario() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            # a turn: the events, the coalition's orders, the adjudication, the summary, the charts
            for _ in range(2):
                for _ in range(3000):
                    if name(app) == "SummaryScreen":
                        break
                    if name(app) == "WalkthroughScreen":
                        await walk.look(pilot)
                        await pilot.press("a")  # every result at once
                        await walk.look(pilot)
                        # (not "why?": it writes the rule out as the rulebook has it, formulas and all)
                        await pilot.press("escape")
                    elif name(app) == "HandoverScreen":
                        await walk.look(pilot)
                        await pilot.press("space")
                    elif name(app) == "OrdersScreen":
                        await walk.look(pilot)
                        await pilot.press("enter")  # an order: its theatres
                        await walk.look(pilot)
                        await pilot.press("g")
                        await until(pilot, lambda: name(app) == "ConfirmOrdersScreen", "the confirmation")
                        await walk.look(pilot)
                        await pilot.press("enter")
                    elif name(app) == "GameScreen" and app.screen.waiting:
                        await pilot.press("space")
                    await pilot.pause(0.02)
                await until(pilot, lambda: name(app) == "SummaryScreen", "the summary")
                await walk.look(pilot)
                await pilot.press("c")
                await until(pilot, lambda: name(app) == "ChartsScreen" and app.screen.query("#chart"), "the charts")
                for _ in range(4):
                    await walk.look(pilot)
                    await pilot.press("down")
                await pilot.press("escape")
                await until(pilot, lambda: name(app) == "SummaryScreen", "the summary again")
                await pilot.press("escape")
                await until(pilot, lambda: name(app) == "GameScreen" and app.screen.waiting, "the board")
                await walk.look(pilot)
            # the White Cell: every pane
            await pilot.press("w")
            await until(pilot, lambda: name(app) == "WhiteCellScreen", "the White Cell")
            await pilot.press("w")
            white = app.screen
            await until(pilot, lambda: white.unlocked, "its controls")
            await walk.look(pilot, "White Cell")
            await pilot.press("i")
            await until(pilot, lambda: white.query_one("#inject-decks").has_focus, "the decks")
            for d in range(white.query_one("#inject-decks", OptionList).option_count):
                white.query_one("#inject-decks", OptionList).highlighted = d
                await pilot.press("enter")
                await pilot.press("down")  # a card's description
                await walk.look(pilot, "White Cell")
                white.query_one("#inject-decks").focus()
            for pane, keys in (("t", "territory"), ("d", ""), ("m", ""), ("f", "1")):
                white.action_pane({"t": "track", "d": "result", "m": "note", "f": "fork"}[pane])
                await pilot.pause()
                if keys:
                    await pilot.press(*keys)
                await walk.look(pilot, "White Cell")
            white.action_pane("overview")
            await pilot.press("escape")
            await until(pilot, lambda: name(app) == "GameScreen", "the board again")

            # the replay of this game, each step as the truth and as the coalition saw it
            app.push_screen(ReplayScreen(RULEBOOK, session.game, session.save))
            await until(pilot, lambda: name(app) == "ReplayScreen" and app.screen._views, "the replay")
            replay = app.screen
            for seat in ("", "coalition", "is"):
                replay.action_seat(seat)
                for i in range(len(replay.steps)):
                    replay.show_step(i)
                    await walk.look(pilot, "Replay")
            await pilot.press("0", "s")  # the board as it stood
            await walk.look(pilot, "Replay")

    asyncio.run(scenario())
    session.close()
    assert {"WalkthroughScreen", "OrdersScreen", "SummaryScreen", "ChartsScreen", "GameScreen", "White Cell",
            "Replay"} <= set(walk.seen)
    assert walk.problems() == {}


def test_the_replay_of_a_facilitated_game_shows_no_internal_name() -> None:
    """Injects, set tracks, overrides, offshoots and bookmarks: every step, as the truth (with the
    board beside it) and as each cell saw it."""
    path = SAVES / "example-facilitated.json"
    _, game, _ = load(path, RULEBOOK)
    app = WargameApp(RULEBOOK, replay=(game, path))
    walk = Walk(app)

    async def scenario() -> None:
        async with app.run_test(size=(200, 50)) as pilot:
            await until(pilot, lambda: name(app) == "ReplayScreen" and app.screen._views, "the replay")
            replay = app.screen
            for seat in ("",) + CELLS:
                replay.action_seat(seat)
                for i in range(len(replay.steps)):
                    replay.show_step(i)
                    await walk.look(pilot, f"Replay {seat or 'white'}")

    asyncio.run(scenario())
    assert walk.problems() == {}
