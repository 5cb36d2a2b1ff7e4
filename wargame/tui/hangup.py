"""Leaving when the terminal goes away: a closed window, a dropped SSH link, ``tmux kill-session``.

A process started under another (``make play``) is often not sent SIGHUP when its terminal
closes, and Textual's input thread then reads end-of-file over and over, at half a core, for
ever (Textual 8.2: its reader stops on an empty read only for the one call). So each of our apps
asks every second whether its terminal has hung up (``poll`` says POLLHUP or POLLERR on it), and
takes SIGHUP itself where it is sent: either way it leaves as ``ctrl+q`` would, its saves written
already (a game saves itself after every step) and their locks released, and prints nothing more.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
from typing import Any

CHECK_EVERY = 1.0
"""Seconds between two looks at the terminal."""


def terminal_fd() -> int | None:
    """The file descriptor of the terminal the app reads its keys from, or None if it reads none."""
    stream = sys.__stdin__
    try:
        fd = stream.fileno() if stream is not None else -1
    except (OSError, ValueError):
        return None
    return fd if fd >= 0 and os.isatty(fd) else None


def hung_up(fd: int) -> bool:
    """Whether the terminal on ``fd`` has gone away (its other end closed)."""
    poller = select.poll()
    poller.register(fd, select.POLLHUP | select.POLLERR)  # (POLLIN is not asked for: a key waiting is not news)
    try:
        return any(mask & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, mask in poller.poll(0))
    except OSError:
        return True


def watch_terminal(app: Any) -> None:
    """From an app's ``on_mount``: leave when its terminal goes away (see the module). Does nothing
    for an app run without a terminal (a test's ``run_test``, output piped)."""
    if app.is_headless:
        return
    fd = terminal_fd()
    if fd is None:
        return

    def gone() -> None:
        if not getattr(app, "hung_up", False):
            app.hung_up = True
            app.goodbye = ""  # no one is there to read it, and writing to a closed terminal fails
            app.exit()

    def look() -> None:
        if hung_up(fd):
            gone()

    app.set_interval(CHECK_EVERY, look, name="terminal watch")
    if sys.platform != "win32" and hasattr(signal, "SIGHUP"):  # (Windows' event loop takes no signal handlers)
        with contextlib.suppress(RuntimeError, ValueError):  # not the main thread, or no running loop
            import asyncio

            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, gone)
