"""A served exercise restarted from its save loses nothing: the pause, the time limit and how much
of the phase's clock is left, waiting takeovers and the join codes (as digests: a revoked code
stays refused) are kept beside the save (wargame.net.settings) and restored; a corrupt or foreign
settings file is one line and exit 3. Over real sockets on localhost; clocks are injected (the
test moves them on), never slept for."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect

from tests.netcases import TIMEOUT, joined, message, recv, recv_type, run
from wargame.engine.model import CELLS
from wargame.net.server import WHITE, ExerciseServer
from wargame.net.settings import SettingsError, read_settings, settings_path
from wargame.record.load import load
from wargame.table.session import Session

HUMANS = dict.fromkeys(CELLS, "human")
SEATS = CELLS + (WHITE,)


class Clocks:
    """A monotonic clock and a wall clock the test moves on together."""

    def __init__(self) -> None:
        self.now, self.epoch = 100.0, 1_800_000_000.0

    def mono(self) -> float:
        return self.now

    def wall(self) -> float:
        return self.epoch + self.now

    def server(self, session: Session) -> ExerciseServer:
        return ExerciseServer(session, clock=self.mono, wall=self.wall)


def _again(rulebook, save, clocks: Clocks, codes: bool = True) -> ExerciseServer:
    """A new server of the game saved at ``save``, with what the last one kept beside it."""
    _doc, game, check = load(save, rulebook)
    assert check.verified
    server = clocks.server(Session(game.rulebook, game, save=save))
    kept = read_settings(settings_path(save), game.header.game, SEATS)
    assert kept is not None
    server.restore(kept, codes=codes)
    return server


def test_the_pause_the_clock_takeovers_and_revoked_codes_survive_a_restart(rulebook, tmp_path):
    save = tmp_path / "ex.json"
    clocks = Clocks()
    first = clocks.server(Session.new(rulebook, "exercise", 5, HUMANS, save=save))
    old: dict[str, str] = {}

    async def before() -> None:
        await first.start()
        old.update(first.codes)
        try:
            white, _ = await joined(first.port, old[WHITE])
            cell, _ = await joined(first.port, old["is"])
            await cell.send(message("give_orders", orders=[]))  # given before the stop: in the save
            await recv_type(white, "awaiting")
            await white.send(message("set_time_limit", seconds=300))
            assert (await recv_type(white, "deadline"))["seconds_left"] == 300.0
            clocks.now += 100
            await white.send(message("pause"))
            await recv_type(white, "paused")
            second = await connect(f"ws://127.0.0.1:{first.port}")  # the coalition's connection: seated
            await second.send(message("join", code=old["coalition"]))
            await recv_type(second, "awaiting")
            third = await connect(f"ws://127.0.0.1:{first.port}")  # and a second connection for it: a takeover waits
            await third.send(message("join", code=old["coalition"]))
            assert "already connected" in (await recv(third))["reason"]
            assert await recv_type(white, "takeover_requested") == {"v": 1, "type": "takeover_requested", "seat": "coalition"}
            await white.send(message("revoke", seat="aq"))
            issued = await recv_type(white, "code")
            assert issued["seat"] == "aq"
            old["aq-new"] = issued["code"]
            kept = json.loads(settings_path(save).read_text())
            assert kept["paused"] and kept["time_limit"] == 300 and kept["clock"] == {"turn": 1, "seconds_left": 200.0,
                                                                                       "ends_at": None}
            assert kept["contested"] == ["coalition"]
            # the server stops with the takeover still waiting (had the coalition's connection
            # dropped first, the waiting one would have taken the seat: tests/test_net_takeover.py)
            await first.close()
            for ws in (white, cell, second, third):
                await ws.close()
        finally:
            await first.close()
        first.session.close()

    run(before())
    path = settings_path(save)
    assert path.name == "ex.exercise.json" and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text()
    assert all(code not in text for code in old.values())  # digests only: the file lets no one join
    clocks.now += 5000  # the server was down a long while: a paused clock does not run
    again = _again(rulebook, save, clocks)
    assert again.codes == {}

    async def after() -> None:
        await again.start()
        try:
            assert again.paused and again.time_limit == 300
            white, welcome = await joined(again.port, old[WHITE])  # the last run's code still works
            assert welcome["seat"] == WHITE
            async with connect(f"ws://127.0.0.1:{again.port}") as revoked:  # a revoked code stays refused
                await revoked.send(message("join", code=old["aq"]))
                assert (await recv(revoked))["reason"] == "wrong code"
            aq, welcome = await joined(again.port, old["aq-new"])  # and the code the White Cell was sent works
            assert welcome["seat"] == "aq"
            cell, welcome = await joined(again.port, old["is"])
            assert welcome["given"] == []  # its orders (none) were given before the stop: kept
            assert again.awaiting() == ["aq", "coalition", "governments"]
            await cell.send(message("give_orders", orders=[]))
            assert (await recv(cell))["reason"].startswith("paused")  # still paused
            # the waiting takeover: the seat is not simply handed to the next comer
            contender = await connect(f"ws://127.0.0.1:{again.port}")
            await contender.send(message("join", code=old["coalition"]))
            assert "takeover waiting when the server stopped" in (await recv(contender))["reason"]
            assert (await recv_type(white, "takeover_requested"))["seat"] == "coalition"
            await white.send(message("approve_takeover", seat="coalition"))
            assert (await recv(contender))["seat"] == "coalition"
            assert "coalition" in again.connections and not again.contested
            # resumed: the clock goes on from the 200 seconds it had
            await white.send(message("resume"))
            deadline = await recv_type(white, "deadline")
            assert deadline["seconds_left"] == 200.0 and deadline["limit"] == 300.0 and not deadline["paused"]
            for ws in (white, cell, contender, aq):
                await ws.close()
        finally:
            await again.close()
        again.session.close()

    run(after())


def test_a_running_clock_stands_still_over_a_clean_stop_and_runs_over_a_crash(rulebook, tmp_path):
    save = tmp_path / "clock.json"
    clocks = Clocks()
    first = clocks.server(Session.new(rulebook, "exercise", 5, HUMANS, save=save))
    crashed = tmp_path / "crash.exercise.json"

    async def before() -> None:
        await first.start()
        try:
            white, _ = await joined(first.port, first.codes[WHITE])
            await white.send(message("set_time_limit", seconds=60))
            await recv_type(white, "deadline")
            clocks.now += 10
            # what the file holds while the clock runs (a crash now would leave it so): the end, in wall time
            running = json.loads(settings_path(save).read_text())
            assert running["clock"] == {"turn": 1, "seconds_left": None, "ends_at": clocks.wall() + 50}
            crashed.write_text(settings_path(save).read_text())
            await white.close()
        finally:
            await first.close()  # a clean stop: the 50 seconds left are kept
        first.session.close()

    run(before())
    assert json.loads(settings_path(save).read_text())["clock"] == {"turn": 1, "seconds_left": 50.0, "ends_at": None}
    clocks.now += 1000
    again = _again(rulebook, save, clocks)
    assert not again.paused and again.deadline == clocks.now + 50  # the clock stood still while it was down
    again.session.close()
    os.replace(crashed, settings_path(save))  # as a crash 20 seconds ago would have left it
    clocks.now -= 1000 - 20
    crash = _again(rulebook, save, clocks)
    assert crash.deadline == clocks.now + 30  # the time it was down counts
    crash.session.close()
    clocks.now += 100  # down longer than the phase had: the bots play the cells at once on start
    late = _again(rulebook, save, clocks)
    assert late.deadline == clocks.now

    async def expire() -> None:
        await late.start()
        try:
            await late.tick()
            assert late.session.state.turn == 2
        finally:
            await late.close()
        late.session.close()

    run(expire())


def test_new_codes_on_request_and_bad_settings_files_are_one_line(rulebook, tmp_path):
    save = tmp_path / "ex.json"
    session = Session.new(rulebook, "exercise", 5, HUMANS, save=save)
    first = ExerciseServer(session)

    async def serve_once() -> None:
        await first.start()
        await first.close()

    run(serve_once())
    session.close()
    game = session.game.header.game
    assert read_settings(tmp_path / "none.json", game, SEATS) is None
    fresh = _again(rulebook, save, Clocks(), codes=False)
    assert set(fresh.codes) == set(SEATS) and fresh.codes[WHITE] != first.codes[WHITE]
    fresh.session.close()
    good = settings_path(save).read_text()
    raw = json.loads(good)
    bad = {"not JSON": "{", "not an exercise settings file": "[]",
           "another game": json.dumps({**raw, "game": "abc"}),
           "version": json.dumps({**raw, "version": 2}),
           "paused": json.dumps({**raw, "paused": "yes"}),
           "time_limit": json.dumps({**raw, "time_limit": -1}),
           "one per seat": json.dumps({**raw, "codes": {"is": raw["codes"]["is"]}}),
           "sha256": json.dumps({**raw, "codes": {**raw["codes"], "is": "plain"}}),
           "clock": json.dumps({**raw, "clock": {"turn": 1, "seconds_left": 5, "ends_at": 5}}),
           "unknown field": json.dumps({**raw, "extra": 1})}
    for why, text in bad.items():
        settings_path(save).write_text(text)
        with pytest.raises(SettingsError, match=why) as e:
            read_settings(settings_path(save), game, SEATS)
        assert "\n" not in str(e.value) and str(settings_path(save)) in str(e.value)
    # the command: one line, exit 3 (bad data), no traceback
    settings_path(save).write_text(json.dumps({**raw, "game": "abc"}))
    done = subprocess.run([sys.executable, "-m", "wargame", "serve", "--port", "0", "--load", str(save)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3 and done.stderr.count("\n") == 1 and "another game" in done.stderr, done.stderr
    only = subprocess.run([sys.executable, "-m", "wargame", "serve", "--port", "0", "--new-codes"],
                          capture_output=True, text=True, timeout=60)
    assert only.returncode == 2 and "--load" in only.stderr and "Traceback" not in only.stderr


def test_wargame_serve_load_restores_a_paused_game_with_its_codes(rulebook, tmp_path):
    save = tmp_path / "ex.json"
    session = Session.new(rulebook, "exercise", 5, HUMANS, save=save)
    first = ExerciseServer(session)

    async def pause() -> None:
        await first.start()
        try:
            white, _ = await joined(first.port, first.codes[WHITE])
            await white.send(message("set_time_limit", seconds=600))
            await recv_type(white, "deadline")
            await white.send(message("pause"))
            await recv_type(white, "paused")
            await white.close()
        finally:
            await first.close()

    run(pause())
    session.close()
    proc = subprocess.Popen([sys.executable, "-m", "wargame", "serve", "--port", "0", "--load", str(save)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines: list[str] = []
        assert proc.stdout is not None
        while not lines or not lines[-1].startswith("Give each seat"):
            line = proc.stdout.readline()
            assert line, f"the server ended: {''.join(lines)} {proc.stderr.read() if proc.stderr else ''}"
            lines.append(line)
        out = "".join(lines)
        assert "The game is paused" in out and "Time limit: 600 seconds" in out
        assert "(the code of the last run: it still works)" in out and first.codes[WHITE] not in out
        port = int(lines[0].split("ws://127.0.0.1:")[1].split(",")[0].split()[0])

        async def rejoin() -> None:
            white, _ = await joined(port, first.codes[WHITE])
            ws = await connect(f"ws://127.0.0.1:{port}")
            await ws.send(message("join", code=first.codes["is"]))
            welcome = await recv(ws)
            assert welcome["type"] == "welcome"
            rest = [await recv(ws)]
            while rest[-1]["type"] != "awaiting":
                rest.append(await recv(ws))
            assert [m["type"] for m in rest] == ["results", "charts", "paused", "deadline", "awaiting"]  # the turn so far, then
            assert 590 < rest[3]["seconds_left"] <= 600 and rest[3]["paused"]  # what was left at the pause
            await ws.close()
            await white.close()

        run(rejoin())
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=TIMEOUT)
        assert proc.stderr is not None and "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
