"""The debrief a facilitator runs on a projector (issue 12): the replay as each cell saw it,
forks from any step that people take over, what next from here, the played game against the
odds at the end, and charts that can be read.

Driven with Textual's Pilot; nothing here sleeps a fixed time: every wait is on a condition.
The cell's pane of the replay is checked against the fog-of-war property of tests/test_fog.py:
it is the same on two games that differ only in what that cell may not see.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList, Select, Static

from wargame.analysis.futures import futures, outcome_of, placing
from wargame.bots.play import bots_for
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, Order, State
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game
from wargame.engine.view import view
from wargame.record import fog
from wargame.record.commands import GiveOrders, Note, ResolveTurn, RunEvents, SetSeats
from wargame.record.game import Game, Header, play_bots, replay
from wargame.record.load import load
from wargame.record.plots import charts
from wargame.table.examples import random_choosers
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp
from wargame.tui.forks import ForkPoint, branch_game, branch_path
from wargame.tui.keys import key_rows
from wargame.tui.screens import end as end_screen
from wargame.tui.screens import futures as futures_screen
from wargame.tui.screens.replay import ReplayScreen
from wargame.tui.screens.replay_seat import seat_pane, step_told
from wargame.tui.screens.replay_steps import StepViews
from wargame.tui.widgets.plots import MEASURES, ChartPlot, DistributionPlot

from .pilot import name, until
from .test_fog import common_orders, twin

RULEBOOK = load_rulebook()
SAVES = Path(__file__).resolve().parent.parent / "saves"
FACILITATED = SAVES / "example-facilitated.json"


def run(scenario) -> None:
    asyncio.run(scenario())


def plain(widget: Static) -> str:
    return widget.visual.plain


def bots_game(seed: int, turns: int | None, scenario: str = "exercise") -> Game:
    """A game of doctrine bots (their reasons cite the article), ``turns`` turns played (all: None)."""
    game = Game(RULEBOOK, Header(scenario, seed, {c: "doctrine" for c in CELLS}, "debrief", f"debrief-{seed}"))
    bots = bots_for({c: "doctrine" for c in CELLS}, seed, RULEBOOK)

    def chooser(cell: str) -> Callable[[State], list[Order]]:
        def choose(state: State) -> list[Order]:
            legal = lambda picked: legal_orders(RULEBOOK, state, cell, picked)  # noqa: E731
            return list(bots[cell].choose(view(state, cell), legal, RULEBOOK.max_orders).orders)

        return choose

    play_bots(game, {c: chooser(c) for c in CELLS}, turns=turns)
    return game


def saved(game: Game, path: Path) -> Path:
    from wargame.record.save import document, write_save

    write_save(path, document(game), new=True)
    return path


# --- the replay as each cell saw it: computed from what that cell may see -----------------------

def twin_games(seed: int, seat: str, turns: int) -> tuple[Game, Game]:
    """Two games with the same log that differ, from the orders of turn ``turns + 1`` on, only in
    what ``seat`` may not see (each other cell's secret tracks, within the seat's estimates)."""
    one = Game(RULEBOOK, Header("spring-2016", seed, {c: "doctrine" for c in CELLS}, "twins", f"twins-{seed}"))
    play_bots(one, random_choosers(RULEBOOK, seed), turns=turns)
    two = replay(RULEBOOK, one.header, one.commands)
    for g in (one, two):
        g.run_events()
    two.state = twin(one.state, seat, random.Random(seed))
    assert one.state != two.state
    orders = common_orders(one.state, two.state, seed)
    for cell in CELLS:
        for g in (one, two):
            g.give_orders(cell, orders[cell])
    for g in (one, two):
        g.resolve()
    return one, two


@pytest.mark.parametrize("seed", [3, 8])
def test_a_cells_pane_of_a_replay_step_is_the_same_on_twin_games(seed: int) -> None:
    compared_resolution = 0
    for seat in CELLS:
        one, two = twin_games(seed, seat, turns=2)
        a, b = StepViews(RULEBOOK, one), StepViews(RULEBOOK, two)
        first = len(one.steps) - 1 - len(CELLS)  # the orders of the twinned turn, then its resolution
        for i in range(first, len(one.steps)):
            assert type(one.steps[i].command) is type(two.steps[i].command)
            if isinstance(one.steps[i].command, ResolveTurn):
                # the resolution: what the seat was told of it (the results as it saw them, the bots'
                # reasons as it could work them out) is the same as long as the results are; they may
                # differ when the dice fall on a hidden value (the game, not a leak), and the next
                # turn's estimates may then differ too
                if fog.step_records(one, i, seat) != fog.step_records(two, i, seat):
                    continue  # the dice fell on a hidden value: the seat was told other results
                compared_resolution += 1
                assert step_told(a, i, seat) == step_told(b, i, seat), (seat, i)
                if view(one.steps[i].state, seat) != view(two.steps[i].state, seat):
                    continue
            assert seat_pane(a, i, seat) == seat_pane(b, i, seat), (seat, i)
        # and the truth differs: the panes are not the same because nothing differs
        assert view(one.steps[first].state, "white") != view(two.steps[first].state, "white")
    assert compared_resolution > 0


def test_a_cell_never_sees_another_cells_orders_before_the_turn_is_resolved() -> None:
    game = bots_game(5, 1)
    views = StepViews(RULEBOOK, game)
    for i, step in enumerate(game.steps):
        c = step.command
        if not isinstance(c, GiveOrders) or not c.orders:
            continue
        titles = [RULEBOOK.title(kind) for kind, _ in c.orders]
        for seat in CELLS:
            pane = seat_pane(views, i, seat)
            if seat == c.cell:
                assert all(t in pane for t in titles) and "why:" in pane
            else:
                assert "secret from" in pane and not any(f"• [b]{t}" in pane for t in titles)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
def test_the_replay_shows_a_cells_view_beside_the_truth_and_one_at_a_time_when_narrow(size) -> None:
    _, game, _ = load(FACILITATED, RULEBOOK)
    views = StepViews(RULEBOOK, game)
    app = WargameApp(RULEBOOK, replay=(game, FACILITATED))

    async def scenario() -> None:
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: name(app) == "ReplayScreen", "the replay")
            screen: ReplayScreen = app.screen
            seat_box, step_box = screen.query_one("#replay-seat"), screen.query_one("#replay-step")
            heading = screen.query_one("#replay-heading", Static)
            await pilot.press("right")  # T1 orders: IS
            await pilot.press("3")  # as the Coalition saw it
            await until(pilot, lambda: seat_box.display, "the Coalition's pane")
            pane = plain(screen.query_one("#replay-seat-text", Static))
            assert "As the Coalition saw it" in plain(heading)
            assert pane.startswith("As the Coalition saw it") and "secret from the Coalition" in pane
            assert screen.query_one("#replay-seat-text", Static).content == seat_pane(views, 1, "coalition")
            keys = {b.binding.action for b in screen.active_bindings.values()}
            assert "futures" not in keys  # what next: from the true board, the White Cell's view only
            if size[0] >= 120:  # two panes: the truth and the cell's view
                assert step_box.display and "swap" not in keys
            else:  # one pane; e swaps the truth and the cell's view
                assert not step_box.display and "swap" in keys
                await pilot.press("e")
                await until(pilot, lambda: step_box.display and not seat_box.display, "the truth")
                assert "Showing: the White Cell's truth" in plain(heading)
                await pilot.press("e")
                await until(pilot, lambda: seat_box.display and not step_box.display, "the cell again")
            await pilot.press("right")  # the next step, still as the Coalition saw it
            await until(pilot, lambda: screen.index == 2, "the next step")
            assert screen.query_one("#replay-seat-text", Static).content == seat_pane(views, 2, "coalition")
            await pilot.press("1")  # another cell
            await until(pilot, lambda: "As the Islamic State saw it" in plain(heading), "IS's view")
            await pilot.press("0")  # the truth only
            await until(pilot, lambda: not seat_box.display and step_box.display, "the truth only")
            assert "futures" in {b.binding.action for b in screen.active_bindings.values()}

    run(scenario)


# --- forks from any step, with new seats ---------------------------------------------------------

def test_a_branch_from_after_the_events_keeps_the_log_so_far_and_the_new_seats(tmp_path: Path) -> None:
    game = bots_game(6, 2)
    parent = saved(game, tmp_path / "all-bots.json")
    events = next(i for i, s in enumerate(game.steps) if isinstance(s.command, RunEvents) and s.command.turn == 2)
    seats = {**game.header.seats, "is": HUMAN}
    child = branch_game(game, ForkPoint(2, events), seats, "child", str(parent), "2")
    assert child.commands[: events + 1] == game.commands[: events + 1]
    assert isinstance(child.commands[events + 1], SetSeats) and isinstance(child.commands[-1], Note)
    assert child.state.turn == 2 and child.state.phase == "orders"  # after the events, before the orders
    assert child.header.seats["is"] == HUMAN and child.header.parent.turn == 2
    assert child.header.exercise == "debrief, branch 2"
    assert "all-bots.json" in child.commands[-1].text and "people" in child.commands[-1].text
    # names: <game>-branch-N, N the first number free from 1; a branch of a branch counts among
    # the first game's
    assert branch_path(parent, "x", tmp_path) == tmp_path / "all-bots-branch-1.json"
    (tmp_path / "all-bots-branch-1.json").write_text("{}")
    assert branch_path(parent, "x", tmp_path) == tmp_path / "all-bots-branch-2.json"
    (tmp_path / "all-bots-branch-3.json").write_text("{}")  # a gap before it: 2 is still the first free
    assert branch_path(parent, "x", tmp_path) == tmp_path / "all-bots-branch-2.json"
    (tmp_path / "all-bots-branch-2.json").write_text("{}")
    assert branch_path(parent, "x", tmp_path) == tmp_path / "all-bots-branch-4.json"
    assert branch_path(tmp_path / "all-bots-branch-1.json", "x", tmp_path) == tmp_path / "all-bots-branch-4.json"
    assert branch_path(None, "g1", tmp_path) == tmp_path / "g1-branch-1.json"


def test_people_take_over_a_bots_seat_in_a_fork_from_the_replay(tmp_path: Path) -> None:
    game = bots_game(6, 2)
    path = saved(game, tmp_path / "all-bots.json")
    before = path.read_bytes()
    events = next(i for i, s in enumerate(game.steps) if isinstance(s.command, RunEvents) and s.command.turn == 2)
    app = WargameApp(RULEBOOK, replay=(game, path))

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: name(app) == "ReplayScreen", "the replay")
            app.screen.show_step(events)
            await pilot.press("f")
            await until(pilot, lambda: name(app) == "ForkScreen", "the fork screen")
            fork = app.screen
            # no branch yet: the dialog proposes the first, -branch-1
            assert "all-bots-branch-1.json" in plain(fork.query_one("#fork-target", Static))
            assert fork.query_one("#fork-seat-is", Select).value == "doctrine"
            fork.query_one("#fork-seat-is", Select).value = HUMAN  # people take over IS
            await pilot.pause()
            await pilot.press("enter")  # Fork and play (the focused button)
            # people at the table and no lock: the facilitator sets one, or plays solo
            await until(pilot, lambda: name(app) == "LockSetupScreen", "the White Cell's lock")
            app.screen.query_one("#lock-solo").value = True
            app.screen.query_one("#lock-go").press()
            await until(pilot, lambda: name(app) == "HandoverScreen", "the keyboard to IS")
            session = app.game_screen().session
            assert session.save == tmp_path / "all-bots-branch-1.json" and session.is_human("is")
            assert session.state.turn == 2 and session.state.phase == "orders"

    run(scenario)
    assert path.read_bytes() == before  # the game forked from is not changed
    doc, child, check = load(tmp_path / "all-bots-branch-1.json", RULEBOOK)
    assert check.verified, check.message
    assert doc.commands[: events + 1] == tuple(game.commands[: events + 1])
    assert child.header.seats["is"] == HUMAN and doc.parent.game == game.header.game


# --- what next from here ---------------------------------------------------------------------------

def test_what_next_plays_bot_games_on_from_a_step_and_marks_the_game(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(futures_screen, "RUNS", 12)
    _, game, _ = load(FACILITATED, RULEBOOK)
    index = next(i for i, s in enumerate(game.steps) if isinstance(s.command, RunEvents) and s.command.turn == 4)
    want = futures(RULEBOOK, game.steps[index].state, 12)
    app = WargameApp(RULEBOOK, replay=(game, FACILITATED))

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: name(app) == "ReplayScreen", "the replay")
            app.screen.show_step(index)
            await pilot.press("n")
            await until(pilot, lambda: name(app) == "FuturesScreen", "what next")
            screen = app.screen
            await until(pilot, lambda: screen.futures is not None, "the games")
            assert screen.futures == want  # the same board gives the same futures
            text = plain(screen.query_one("#futures-text", Static))
            assert futures_screen.futures_lines(want)[0] in text and "The game as it was played" in text
            assert "by doctrine bots, postures drawn per game:" in text and "doctrine:mixed" not in text
            first = placing(outcome_of(RULEBOOK, game.state), want)[0]
            assert first.replace("from the same start", "from this step") in text.replace("\n", " ")
            plot = screen.query_one(DistributionPlot)
            await until(pilot, lambda: plot.what is not None, "the chart")
            assert plot.what[0] is MEASURES[0] and "this game" in plot.render().plain
            await pilot.press("down")  # another measure
            await until(pilot, lambda: plot.what[0] is MEASURES[1], "the next measure")
            assert "never" in plot.render().plain or "turn" in plot.render().plain
            await pilot.press("escape")  # the games are played: back to the replay
            await until(pilot, lambda: name(app) == "ReplayScreen", "back to the replay")

    run(scenario)


def test_what_next_can_be_stopped_and_keeps_the_games_played(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(futures_screen, "RUNS", 2000)
    _, game, _ = load(FACILITATED, RULEBOOK)
    app = WargameApp(RULEBOOK, replay=(game, FACILITATED))

    async def scenario() -> None:
        async with app.run_test(size=(100, 30)) as pilot:
            await until(pilot, lambda: name(app) == "ReplayScreen", "the replay")
            await pilot.press("n")
            await until(pilot, lambda: name(app) == "FuturesScreen", "what next")
            screen = app.screen
            run_widget = screen.query_one("#futures-run")
            await until(pilot, lambda: run_widget.query_one("ProgressBar").progress >= 1, "a game played")
            assert "stop" in {b.binding.action for b in screen.active_bindings.values()}
            await pilot.press("escape")  # stops: those played are kept
            await until(pilot, lambda: screen.futures is not None, "the games so far")
            assert 1 <= screen.futures.runs < 2000 and name(app) == "FuturesScreen"
            assert "stopped before 2000" in str(run_widget.query_one(".futures-status").render())
            await pilot.press("escape")
            await until(pilot, lambda: name(app) == "ReplayScreen", "back to the replay")

    run(scenario)


# --- the played game against the odds ---------------------------------------------------------------

def finished_session(tmp_path: Path) -> Session:
    game = bots_game(4, None)
    assert game.state.over
    return Session(RULEBOOK, game, save=saved(game, tmp_path / "over.json"))


def test_the_end_screen_places_the_game_among_bot_games_from_the_same_start(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(end_screen, "ODDS_RUNS", 10)
    session = finished_session(tmp_path)
    h = session.game.header
    want = placing(outcome_of(RULEBOOK, session.state), futures(RULEBOOK, new_game(RULEBOOK, h.scenario, h.seed), 10))
    app = WargameApp(RULEBOOK, session=session)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: name(app) == "EndScreen", "the end")
            screen = app.screen
            await until(pilot, lambda: screen.odds is not None, "the odds")
            text = plain(screen.query_one("#odds-text", Static))
            assert all(line in text.replace("\n", " ") for line in want)
            assert "IS held out longer than in" in text

    run(scenario)
    session.close()


def test_the_odds_at_the_end_can_be_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(end_screen, "ODDS_RUNS", 2000)
    session = finished_session(tmp_path)
    app = WargameApp(RULEBOOK, session=session)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: name(app) == "EndScreen", "the end")
            screen = app.screen
            await until(pilot, lambda: screen.query_one("#odds-run").query_one("ProgressBar").progress >= 1, "a game")
            await pilot.press("escape")  # stops the odds (does not quit)
            await until(pilot, lambda: screen.odds is not None, "the odds so far")
            assert name(app) == "EndScreen" and 1 <= screen.odds.runs < 2000
            assert "IS held out longer than in" in plain(screen.query_one("#odds-text", Static))
            await pilot.press("escape")  # the odds stopped: Esc does nothing, it never quits unasked
            await pilot.pause()
            assert name(app) == "EndScreen" and app.is_running and not app.goodbye
            rows = dict((what, keys) for keys, what in key_rows(screen))
            assert "q" in rows["Quit"].split() and "Stop the odds" not in rows  # the help: q quits, Esc no more
            await pilot.press("q")  # q quits, as the help says
            await until(pilot, lambda: app.goodbye, "the goodbye")

    run(scenario)
    session.close()


# --- charts that can be read ------------------------------------------------------------------------

@pytest.mark.parametrize("seat", ["public", "coalition"])
def test_the_charts_screen_draws_each_chart_it_may_show_with_axes_and_quarters(seat: str) -> None:
    from wargame.tui.screens.charts import ChartsScreen

    game = bots_game(2, 3)
    session = Session(RULEBOOK, game)
    want = charts(RULEBOOK, game, seat)
    app = WargameApp(RULEBOOK, session=session)

    async def scenario() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: name(app) in ("WalkthroughScreen", "GameScreen", "HandoverScreen"), "the game")
            app.push_screen(ChartsScreen(session, seat))
            await until(pilot, lambda: name(app) == "ChartsScreen" and app.screen.query("#chart"), "the charts")
            screen = app.screen
            listed = screen.query_one("#charts-list", OptionList)
            assert listed.option_count == len(want) and listed.highlighted == 0
            plot = screen.query_one(ChartPlot)
            for k in range(2):
                await until(pilot, lambda k=k: plot.chart == want[k], "the chart under the cursor")
                drawn = plot.render().plain
                assert want[k].series.title in drawn
                assert "start" in drawn and want[k].quarters[-1] in drawn and "quarter" in drawn
                assert "┤" in drawn  # a y axis with its scale
                await pilot.press("down")
            await pilot.press("escape")
            await until(pilot, lambda: name(app) != "ChartsScreen", "the charts to close")

    run(scenario)
