"""Snapshots of the main screens at a fixed size, so an unintended change to what people see
fails a test. Deterministic: seeded games, no save path on screen, a cursor that does not blink.

After an intended change of a screen, look at the new picture and accept it with
`.venv/bin/python -m pytest tests/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wargame.engine.model import CELLS
from wargame.engine.rulebook import load_rulebook
from wargame.record.game import play_bots
from wargame.record.load import load
from wargame.table.examples import random_choosers
from wargame.table.session import HUMAN, Session
from wargame.tui.app import WargameApp

RULEBOOK = load_rulebook()


@pytest.fixture(autouse=True)
def colours(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pictures are taken in colour whatever the terminal the tests run from asks for."""
    monkeypatch.delenv("NO_COLOR", raising=False)


def humans_game(seed: int = 1) -> WargameApp:
    return WargameApp(RULEBOOK, session=Session.new(RULEBOOK, "exercise", seed, {c: HUMAN for c in CELLS}))


async def wait_for(pilot, name: str) -> None:
    for _ in range(200):
        if type(pilot.app.screen).__name__ == name:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"no {name}")


def test_the_start_screen(snap_compare) -> None:
    assert snap_compare(WargameApp(RULEBOOK, seed=42), terminal_size=(80, 24))


def test_the_events_walkthrough(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")

    assert snap_compare(humans_game(), terminal_size=(80, 24), run_before=ready)


def test_the_handover_hides_the_board(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")
        await pilot.press("escape")
        await wait_for(pilot, "HandoverScreen")

    assert snap_compare(humans_game(), terminal_size=(80, 24), run_before=ready)


def test_the_orders_screen(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")
        await pilot.press("escape")
        await wait_for(pilot, "HandoverScreen")
        await pilot.press("space")
        await wait_for(pilot, "OrdersScreen")
        await pilot.press("enter")  # pick the first order: its theatres appear

    assert snap_compare(humans_game(), terminal_size=(100, 30), run_before=ready)


def test_the_game_board_between_cells(snap_compare) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "WalkthroughScreen")
        await pilot.press("escape")
        await wait_for(pilot, "HandoverScreen")
        pilot.app.pop_screen()  # what lies under the handover: the public board
        await pilot.pause()

    assert snap_compare(humans_game(), terminal_size=(100, 30), run_before=ready)


def bots_game(seed: int = 4) -> WargameApp:
    return WargameApp(RULEBOOK, session=Session.new(RULEBOOK, "exercise", seed, {c: "doctrine" for c in CELLS}))


def without_toasts(app: WargameApp) -> WargameApp:
    """``app`` with its toasts muted, for a picture: a turn's toast ("no events this quarter")
    lasts a few seconds and is posted while the bots choose in their threads, so whether a picture
    caught it depended on the machine's load. The pictures are of the screen; a test of its own
    holds the toast."""
    app.notify = lambda *args, **kwargs: None  # type: ignore[method-assign]
    return app


async def skip_to(pilot, wanted) -> None:
    """Skip walkthroughs until ``wanted()`` (bots choose in threads meanwhile)."""
    for _ in range(600):
        if wanted():
            await pilot.pause()
            return
        if type(pilot.app.screen).__name__ == "WalkthroughScreen":
            await pilot.press("escape")
        await pilot.pause(0.02)
    raise AssertionError("never got there")


def adjudication(pilot) -> bool:
    screen = pilot.app.screen
    return type(screen).__name__ == "WalkthroughScreen" and "adjudication" in screen.heading


def test_the_start_screen_at_120_by_40(snap_compare) -> None:
    assert snap_compare(WargameApp(RULEBOOK, seed=42), terminal_size=(120, 40))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_adjudication_says_why_each_bot_gave_its_order(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: adjudication(pilot))
        screen = pilot.app.screen
        screen.index = next(i for i, r in enumerate(screen.records) if r.kind == "order")
        screen.refresh_record()
        await pilot.pause()

    assert snap_compare(without_toasts(bots_game()), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20)])
def test_the_board_between_turns(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "SummaryScreen")
        await pilot.press("escape")
        await wait_for(pilot, "GameScreen")
        await pilot.pause()

    assert snap_compare(without_toasts(bots_game()), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_help_of_the_board(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "SummaryScreen")
        await pilot.press("escape")
        await wait_for(pilot, "GameScreen")
        await pilot.press("f1")
        await wait_for(pilot, "HelpScreen")
        await pilot.pause()

    assert snap_compare(without_toasts(bots_game()), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_giving_orders_asks_to_confirm(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "HandoverScreen")
        await pilot.press("space")
        await wait_for(pilot, "OrdersScreen")
        await pilot.press("enter")  # the first order, in its first theatre
        await pilot.pause()
        if pilot.app.screen.query_one("#targets").has_focus:
            await pilot.press("enter")
        await pilot.press("g")
        await wait_for(pilot, "ConfirmOrdersScreen")

    assert snap_compare(humans_game(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_handover_offers_to_take_orders_back(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "HandoverScreen")
        await pilot.press("space")
        await wait_for(pilot, "OrdersScreen")
        await pilot.press("g")
        await wait_for(pilot, "ConfirmOrdersScreen")
        await pilot.press("enter")
        await wait_for(pilot, "HandoverScreen")
        await pilot.pause()

    assert snap_compare(humans_game(), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_white_cell_between_turns(snap_compare, size) -> None:
    async def ready(pilot) -> None:
        await skip_to(pilot, lambda: type(pilot.app.screen).__name__ == "SummaryScreen")
        await pilot.press("escape")
        await wait_for(pilot, "GameScreen")
        await pilot.press("w")
        await wait_for(pilot, "WhiteCellScreen")
        await pilot.press("w")
        # the bots choose their next orders in worker threads, and the pane's focus lands in a
        # scheduled callback: wait for both, or the picture depends on the machine's speed
        await pilot.app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(without_toasts(bots_game()), terminal_size=size, run_before=ready)


# --- the debrief: the replay as each cell saw it, a fork, what next, the odds, the charts ----------

FACILITATED = Path(__file__).resolve().parent.parent / "saves" / "example-facilitated.json"


def facilitated_replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WargameApp:
    """The example's replay from a copy in a folder of its own, opened by a short relative name
    (what a fork would write is named on screen)."""
    shutil.copy(FACILITATED, tmp_path / "example.json")
    monkeypatch.chdir(tmp_path)
    _, game, _ = load(Path("example.json"), RULEBOOK)
    return WargameApp(RULEBOOK, replay=(game, Path("example.json")))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_replay_as_a_cell_saw_it(snap_compare, size, tmp_path, monkeypatch) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "ReplayScreen")
        pilot.app.screen.show_step(21)  # the White Cell's override of turn 3: what the Coalition was told
        await pilot.press("3")  # as the Coalition saw it
        await pilot.pause()

    assert snap_compare(facilitated_replay(tmp_path, monkeypatch), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_a_fork_from_any_step_with_new_seats(snap_compare, size, tmp_path, monkeypatch) -> None:
    async def ready(pilot) -> None:
        await wait_for(pilot, "ReplayScreen")
        pilot.app.screen.show_step(15)  # turn 3's events, before its orders
        await pilot.press("f")
        await wait_for(pilot, "ForkScreen")
        await pilot.pause()

    assert snap_compare(facilitated_replay(tmp_path, monkeypatch), terminal_size=size, run_before=ready)


async def wait_until(pilot, condition) -> None:
    for _ in range(1500):
        if condition():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("never got there")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_what_next_from_here(snap_compare, size, tmp_path, monkeypatch) -> None:
    from wargame.tui.screens import futures

    monkeypatch.setattr(futures, "RUNS", 20)

    async def ready(pilot) -> None:
        await wait_for(pilot, "ReplayScreen")
        pilot.app.screen.show_step(15)  # turn 3's events, before its orders
        await pilot.press("n")
        await wait_for(pilot, "FuturesScreen")
        await wait_until(pilot, lambda: pilot.app.screen.futures is not None)

    assert snap_compare(facilitated_replay(tmp_path, monkeypatch), terminal_size=size, run_before=ready)


def finished_bots_game(seed: int = 4) -> Session:
    session = Session.new(RULEBOOK, "exercise", seed, {c: "random" for c in CELLS}, game_id=f"snap-{seed}")
    play_bots(session.game, random_choosers(RULEBOOK, seed))
    return session


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_end_against_the_odds(snap_compare, size, tmp_path, monkeypatch) -> None:
    from wargame.tui.screens import end

    monkeypatch.setattr(end, "ODDS_RUNS", 20)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(end, "report_path", lambda session: Path("game.report.md"))

    async def ready(pilot) -> None:
        await wait_for(pilot, "EndScreen")
        await wait_until(pilot, lambda: pilot.app.screen.odds is not None)

    assert snap_compare(WargameApp(RULEBOOK, session=finished_bots_game()), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_charts(snap_compare, size) -> None:
    session = Session.new(RULEBOOK, "exercise", 4, {c: "random" for c in CELLS}, game_id="snap-charts")
    play_bots(session.game, random_choosers(RULEBOOK, 4), turns=4)

    async def ready(pilot) -> None:
        from wargame.tui.screens.charts import ChartsScreen

        await wait_until(pilot, lambda: type(pilot.app.screen).__name__ in ("WalkthroughScreen", "GameScreen"))
        pilot.app.push_screen(ChartsScreen(session, "public"))
        await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "ChartsScreen" and pilot.app.screen.query("#chart"))
        await pilot.press("down", "down")  # IS funds: hidden from the room, so the third the room may see

    assert snap_compare(WargameApp(RULEBOOK, session=session), terminal_size=size, run_before=ready)


def test_a_quarter_without_events_says_so_in_a_toast(monkeypatch) -> None:
    """The toast the pictures above are taken without: a turn whose events phase brought nothing
    says so for a few seconds, and the game goes on to the orders."""
    import asyncio

    told: list[str] = []
    notify = WargameApp.notify
    monkeypatch.setattr(WargameApp, "notify", lambda self, message, *a, **k: told.append(str(message)) or notify(self, message, *a, **k))

    async def scenario() -> None:
        app = bots_game()
        async with app.run_test(size=(80, 24)) as pilot:
            await skip_to(pilot, lambda: "Turn 1: no events this quarter." in told)

    asyncio.run(scenario())
