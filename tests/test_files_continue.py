"""Kind 10: continuing a game never loses nor invents orders.

A save made mid-turn at the table keeps the orders already given; a save is locked while a
process plays it (two processes never both continue it and lose one continuation); a change of
seats is a logged command; a save of doctrine bots with postures continues headless; crashes
leave no temporary files behind for good.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.filecases import ROOT, copy_golden, leftovers, make_cli, one_line, run_limited, state_of
from wargame.engine.model import CELLS
from wargame.files import SaveLock, lock_path
from wargame.record.commands import GiveOrders, SetSeats
from wargame.record.document import SaveError
from wargame.record.game import replay
from wargame.record.load import load, read_document
from wargame.record.save import Autosave, document, write_save
from wargame.table.session import Session


@pytest.fixture
def wargame(capsys, monkeypatch, rulebook):
    return make_cli(capsys, monkeypatch, rulebook)


def orders_per_cell_and_turn(commands) -> dict[tuple[int, str], int]:
    out: dict[tuple[int, str], int] = {}
    for c in commands:
        if isinstance(c, GiveOrders):
            out[(c.turn, c.cell)] = out.get((c.turn, c.cell), 0) + 1
    return out


@pytest.mark.parametrize("given", [0, 1, 3])
def test_a_save_made_mid_turn_at_the_table_continues_headless_with_the_orders_already_given(
        wargame, rulebook, tmp_path, given) -> None:
    path = tmp_path / "table.json"
    session = Session.new(rulebook, "exercise", 11, {c: "human" for c in CELLS}, save=path)
    session.run_events()
    kept = {}
    for cell in CELLS[:given]:
        orders = session.legal(cell)[:1]
        session.submit(cell, orders)
        kept[cell] = tuple((o.kind, o.theatre) for o in orders)
    session.close()
    code, out, err = wargame("play", "--headless", "--load", path, "--seats", "all=random", "--turns", 1)
    assert code == 0, err
    doc, game, check = load(path, rulebook)
    assert check.verified, check.message
    assert all(n == 1 for n in orders_per_cell_and_turn(doc.commands).values()), "two orders for one cell"
    given_now = {c.cell: c.orders for c in doc.commands if isinstance(c, GiveOrders) and c.turn == 1}
    assert set(given_now) == set(CELLS) and all(given_now[c] == kept[c] for c in kept)
    assert len(game.digests) == 1 and [c.__class__.__name__ for c in doc.commands].count("RunEvents") == 1
    assert not leftovers(tmp_path)


def test_a_change_of_seats_is_a_logged_command_and_the_header_names_the_new_seats(wargame, rulebook,
                                                                                tmp_path) -> None:
    path = tmp_path / "g.json"
    assert wargame("play", "--headless", "--seed", 4, "--turns", 2, "--save", path)[0] == 0
    code, out, err = wargame("play", "--headless", "--load", path, "--seats", "is=doctrine:cautious,aq=doctrine",
                             "--turns", 1)
    assert code == 0, err
    doc, game, check = load(path, rulebook)
    assert check.verified, check.message
    assert doc.seats == {"is": "doctrine:cautious", "aq": "doctrine", "coalition": "random", "governments": "random"}
    changes = [c for c in doc.commands if isinstance(c, SetSeats)]
    assert len(changes) == 1 and changes[0].turn == 3 and changes[0].was["is"] == "random"
    # replayed, the game begins with the old seats and ends with the new; a fork before keeps the old
    assert game.header.seats == doc.seats
    assert game.fork(2, "child").header.seats["is"] == "random"
    # the same seats again: nothing to log
    before = len(doc.commands)
    assert wargame("play", "--headless", "--load", path, "--seats", "is=doctrine:cautious", "--turns", 1)[0] == 0
    after = read_document(path)
    assert sum(isinstance(c, SetSeats) for c in after.commands) == 1 and len(after.commands) > before
    # an edited header that names other seats than its log ends with is not verified
    text = path.read_text(encoding="utf-8").replace('"is": "doctrine:cautious"', '"is": "random"', 1)
    edited = tmp_path / "edited.json"
    edited.write_text(text, encoding="utf-8")
    assert not load(edited, rulebook)[2].verified


@pytest.mark.parametrize("seats", ["all=doctrine:cautious", "all=doctrine:mixed", "is=doctrine:aggressive,aq=random,"
                                   "coalition=doctrine:mixed,governments=doctrine"])
def test_a_save_of_doctrine_bots_with_postures_continues_headless_as_if_never_stopped(wargame, tmp_path,
                                                                                     seats) -> None:
    stopped, straight = tmp_path / "stopped.json", tmp_path / "straight.json"
    assert wargame("play", "--headless", "--seats", seats, "--seed", 6, "--turns", 2, "--save", stopped)[0] == 0
    code, out, err = wargame("play", "--headless", "--load", stopped, "--turns", 2)
    assert code == 0, err
    assert wargame("play", "--headless", "--seats", seats, "--seed", 6, "--turns", 4, "--save", straight)[0] == 0
    a, b = read_document(stopped), read_document(straight)
    assert a.commands == b.commands and a.final == b.final


# --- the lock ---------------------------------------------------------------------------------------


def test_a_save_in_use_by_a_live_process_is_refused_and_a_dead_ones_lock_is_taken_over(wargame, tmp_path) -> None:
    save = copy_golden(tmp_path)
    # a live process that waits on its standard input, which the test holds open
    holder = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        lock_path(save).write_text(f"{holder.pid}\n", encoding="ascii")
        before = state_of(tmp_path)
        for argv in (["play", "--headless", "--load", save, "--turns", 1],
                     ["play", "--headless", "--load", save, "--turns", 1, "--seats", "all=doctrine"]):
            code, out, err = wargame(*argv)
            assert code == 3 and str(holder.pid) in one_line(err, "g.json") and out == ""
            assert state_of(tmp_path) == before
    finally:
        holder.kill()
        holder.wait()
    # the holder died without removing its lock: the next process takes it over, and removes it
    code, out, err = wargame("play", "--headless", "--load", save, "--turns", 1)
    assert code == 0, err
    assert not lock_path(save).exists() and not leftovers(tmp_path)
    assert len(read_document(save).turns) == 4


def test_a_lock_is_exclusive_between_processes_and_reentrant_within_one(tmp_path) -> None:
    save = tmp_path / "g.json"
    with SaveLock(save) as outer, SaveLock(save):
        assert lock_path(save).read_text() == f"{os.getpid()}\n"
        other = run_limited(["-c", "import sys; from wargame.files import SaveLock; SaveLock(sys.argv[1]).acquire()",
                             str(save)], timeout=30)
        assert other.returncode != 0 and "in use by another wargame" in other.stderr
        assert outer.held
    assert not lock_path(save).exists()
    garbage = lock_path(save)
    garbage.write_text("not a pid", encoding="ascii")
    os.utime(garbage, (time.time() - 60, time.time() - 60))
    with SaveLock(save):  # a lock that holds no pid, and is old: debris, taken over
        assert garbage.read_text() == f"{os.getpid()}\n"
    assert not garbage.exists()


def test_two_processes_continuing_one_save_never_lose_a_continuation(tmp_path) -> None:
    save = copy_golden(tmp_path)
    argv = [sys.executable, "-m", "wargame", "play", "--headless", "--load", str(save), "--turns", "1"]
    procs = [subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    ok = [r for r in results if r[0] == 0]
    for code, _out, err in results:
        assert code in (0, 3), err
        if code == 3:
            assert "in use by another wargame" in one_line(err, "g.json")
    assert ok, "neither continued"
    # every continuation that said it succeeded is in the save: 3 turns + one per success
    assert len(read_document(save).turns) == 3 + len(ok)
    assert not leftovers(tmp_path)


def test_an_autosave_refuses_a_save_someone_else_continued_meanwhile(rulebook, tmp_path) -> None:
    save = copy_golden(tmp_path)
    doc, mine, _ = load(save, rulebook)
    doc2, theirs, _ = load(save, rulebook)
    theirs.on_change = Autosave(save, doc2.created)
    theirs.run_events()  # the other process moved on
    mine.on_change = Autosave(save, doc.created)
    before = save.read_bytes()
    with pytest.raises(SaveError) as e:
        mine.note("mine")
    assert "changed by someone else" in one_line(str(e.value), "g.json")
    assert save.read_bytes() == before


def test_a_crash_mid_write_leaves_no_temporary_file_for_good(wargame, tmp_path) -> None:
    save = copy_golden(tmp_path)
    crashed = tmp_path / ".g.json.999999999.tmp"  # what a process killed mid-write left
    crashed.write_text('{"format": "wargame-sa', encoding="utf-8")
    stale = lock_path(save)
    stale.write_text("999999999\n", encoding="ascii")
    code, out, err = wargame("play", "--headless", "--load", save, "--turns", 1)
    assert code == 0, err
    assert not leftovers(tmp_path), leftovers(tmp_path)


def test_a_terminated_headless_game_leaves_a_save_that_verifies_and_nothing_else(tmp_path, rulebook) -> None:
    save = tmp_path / "g.json"
    proc = subprocess.Popen([sys.executable, "-m", "wargame", "play", "--headless", "--seed", "3", "--save", str(save),
                             "--scenario", "spring-2016"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    for _ in range(400):  # until the first autosave, or four seconds
        if save.exists():
            break
        try:
            proc.wait(timeout=0.01)
        except subprocess.TimeoutExpired:
            pass
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    assert proc.returncode in (0, 143), err
    assert not leftovers(tmp_path), leftovers(tmp_path)
    if save.exists():
        assert load(save, rulebook)[2].verified
    # and its replay is the game it played, command by command
    doc = read_document(save)
    again = replay(rulebook, doc.header, doc.commands)
    assert again.digests == {t.turn: t.digest for t in doc.turns if t.digest}
    write_save(tmp_path / "copy.json", document(again), new=True)


def test_the_replay_viewer_shows_a_change_of_seats_and_who_sat_where_before(rulebook) -> None:
    import asyncio

    from textual.widgets import Static

    from tests.filecases import GOLDEN
    from wargame.tui.app import WargameApp

    _, game, check = load(GOLDEN, rulebook)
    assert check.verified
    change = next(i for i, s in enumerate(game.steps) if isinstance(s.command, SetSeats))
    first_is_orders = next(i for i, s in enumerate(game.steps) if isinstance(s.command, GiveOrders))

    async def scenario() -> None:
        app = WargameApp(game.rulebook, replay=(game, GOLDEN))
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            screen = app.screen
            screen.show_step(change)
            await pilot.pause()
            what = screen.query_one("#replay-what", Static).visual.plain
            assert "The seats changed" in what and "Islamic State: doctrine, cautious bot" in what
            assert "(were: Islamic State: random bot" in what
            screen.show_step(first_is_orders)
            await pilot.pause()
            assert "(random bot)" in screen.query_one("#replay-what", Static).visual.plain

    asyncio.run(scenario())
