"""When the terminal goes away (a window closed, an SSH link dropped), the game leaves by itself:
it does not spin on a dead terminal, and it keeps its save and lets go of its lock."""

from __future__ import annotations

import os
import pty
import select
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


def _wait_for_output(master: int, seen: bytearray, wanted: bytes, seconds: float) -> bool:
    """Read what the game draws until ``wanted`` is among it (True), or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)  # woken by output, not a fixed wait
        if ready:
            try:
                seen.extend(os.read(master, 65536))
            except OSError:
                return False
    return wanted in seen


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
        assert _wait_for_output(master, seen, b"Result", 60), seen[-400:]  # the first results are on screen
        assert save.exists() and (tmp_path / ".game.json.lock").exists()  # (saved before they are shown)
        os.close(master)  # the window is closed
        master = -1
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            raise AssertionError("still running with its terminal gone") from None
        assert save.exists() and not (tmp_path / ".game.json.lock").exists()
    finally:
        if master >= 0:
            os.close(master)
        if child.poll() is None:
            child.kill()
            child.wait()
