"""The orders phase's time limit in a networked exercise, counting down on every seat's screen.

The server sends ``deadline`` (docs/protocol.md) when a limit is set, a new orders phase's clock
starts, or the game is paused or resumed with a limit: ``seconds_left`` is counted when it was
sent, so the screen counts down from the message's arrival (on the monotonic clock), once a
second. ``paused`` (from ``paused`` or ``deadline``) stops the count and says so. While the
connection is down the count goes on (the server's clock runs) but is marked "(server unreachable)":
what it shows may no longer be what the server has.
"""

from __future__ import annotations

import time
from typing import Any

from attrs import define
from textual.widgets import Static


@define
class GameClock:
    """What the seat has been told of the pause and the time limit (kept by the app, so that every
    screen shows the same). ``arrived``: when the last ``deadline`` came, on ``time.monotonic``."""

    paused: bool = False
    limit: float | None = None  # seconds per orders phase; None: no limit
    seconds_left: float | None = None  # as the server counted them when it sent the deadline
    arrived: float = 0.0
    offline: bool = False  # the connection is down (the client's ``connection`` message)

    def take(self, message: dict[str, Any], now: float | None = None) -> bool:
        """Take a ``paused`` or ``deadline`` message; True if it was one of them. A ``connection``
        or ``welcome`` message sets :attr:`offline` (and returns False)."""
        kind = message.get("type")
        if kind in ("connection", "welcome"):
            self.offline = kind == "connection" and not message.get("up")
            return False
        if kind == "paused":
            if message.get("paused") and not self.paused and self.seconds_left is not None:
                # the count stops where it stood (the server's own deadline message follows with its figure)
                self.seconds_left, self.arrived = self.left(now), now if now is not None else time.monotonic()
            self.paused = bool(message.get("paused"))
            return True
        if kind == "deadline":
            self.limit = message.get("limit")
            self.seconds_left = message.get("seconds_left")
            self.paused = bool(message.get("paused"))
            self.arrived = now if now is not None else time.monotonic()
            return True
        return False

    def left(self, now: float | None = None) -> float | None:
        """Seconds left of the orders phase (None: no limit running)."""
        if self.seconds_left is None:
            return None
        if self.paused:
            return self.seconds_left
        now = now if now is not None else time.monotonic()
        return max(0.0, self.seconds_left - (now - self.arrived))


def clock_words(clock: GameClock, now: float | None = None) -> str:
    """The clock in words (Textual markup): "Time left 4:05", "PAUSED (time left 4:05)", ""; with
    " (server unreachable)" after it while the connection is down."""
    words = _clock_words(clock, now)
    return words + " [$error](server unreachable)[/]" if words and clock.offline else words


def _clock_words(clock: GameClock, now: float | None = None) -> str:
    left = clock.left(now)
    count = ""
    if left is not None:
        whole = int(left + 0.999)  # 0.2 seconds left still reads 0:01: it is not up yet
        count = f"{whole // 60}:{whole % 60:02d}"
    if clock.paused:
        return "[b $warning]PAUSED[/]" + (f" (time left {count})" if count else "")
    if left is None:
        return ""
    if left <= 0:
        return "[b $error]Time is up[/]: bots give the missing orders"
    style = "$error" if left <= 30 else "$warning" if left <= 120 else "$success"
    return f"Time left [b {style}]{count}[/]"


class Countdown(Static):
    """The pause and the time left, redrawn every second from the app's :class:`GameClock`
    (``app.game_clock``); hidden when the game runs with no limit, unless there is an ``idle`` text to show then."""

    DEFAULT_CSS = """
    Countdown { width: auto; height: 1; padding: 0 1; }
    """

    def __init__(self, idle: str = "", *, id: str | None = None):
        super().__init__("", id=id)
        self.idle = idle

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1.0, self.tick)

    def tick(self) -> None:
        clock = getattr(self.app, "game_clock", None)
        text = clock_words(clock) if isinstance(clock, GameClock) else ""
        if not text and self.idle and isinstance(clock, GameClock) and clock.offline:
            text = self.idle + " [$error](server unreachable)[/]"
        self.update(text or self.idle)
        self.display = bool(text or self.idle)  # no empty line where there is nothing to count
