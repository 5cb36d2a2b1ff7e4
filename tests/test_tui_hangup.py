"""When the terminal goes away (a window closed, an SSH link dropped), the game leaves by itself:
it does not spin on a dead terminal, and it keeps its save and lets go of its lock."""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path

from wargame.tui.hangup import hung_up


def test_a_terminal_is_hung_up_once_its_other_end_closes() -> None:
    master, slave = pty.openpty()
    try:
        assert not hung_up(slave)
        os.write(master, b"x")  # a key waiting is not a hang-up
        assert not hung_up(slave)
        os.close(master)
        assert hung_up(slave)
    finally:
        os.close(slave)


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)  # (a poll of the child's state, not a wait for a fixed time)
    return predicate()


def test_a_game_whose_terminal_closes_ends_and_keeps_its_save(tmp_path: Path) -> None:
    """Started the way ``make play`` starts it (a child that is not sent SIGHUP: ignored here, as a
    parent that does not pass it on leaves it), the game sees its terminal gone and ends."""
    save = tmp_path / "game.json"
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30")
    child = subprocess.Popen(
        [sys.executable, "-m", "wargame", "play", "--seats", "all=bot", "--seed", "3", "--save", str(save)],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    os.close(slave)
    seen = bytearray()
    try:
        def drawn() -> bool:
            try:
                seen.extend(os.read(master, 65536))
            except OSError:
                return True
            return b"Result" in seen or b"Turn" in seen
        assert _wait(drawn, 60), seen[-400:]
        assert _wait(save.exists, 30) and (tmp_path / ".game.json.lock").exists()
        os.close(master)  # the window is closed
        master = -1
        assert _wait(lambda: child.poll() is not None, 20), "still running with its terminal gone"
        assert save.exists() and not (tmp_path / ".game.json.lock").exists()
    finally:
        if master >= 0:
            os.close(master)
        if child.poll() is None:
            child.kill()
            child.wait()
