"""Waiting on the terminal UI under Textual's Pilot: a test waits for what it expects to see, never
a fixed time (bots choose in threads, screens mount after a message or two).
"""

from __future__ import annotations

from collections.abc import Callable

# How long a wait may take at most: this many pauses of TICK seconds (30 seconds in all), long
# enough for a bot's turn on a slow machine, short enough that a hang fails the test.
STEPS = 1500
TICK = 0.02


async def until(pilot, condition: Callable[[], object], what: str, steps: int = STEPS) -> None:
    """Let the app run until ``condition()`` is true; AssertionError naming ``what`` was awaited
    if it is not after ``steps`` pauses."""
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(TICK)
    raise AssertionError(f"timed out waiting for: {what}")


def name(app) -> str:
    """The class name of the screen on top ("ReplayScreen"): what a test waits to see."""
    return type(app.screen).__name__
