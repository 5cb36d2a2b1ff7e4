"""Bot continuations of a board, played in a worker thread with a progress bar, cancelable.

:class:`FuturesRun` plays ``runs`` games on from a board to the end with
:func:`wargame.analysis.futures.futures` in a thread (the screen stays live: keys, resizing,
other screens), shows how far it has got, and posts :class:`FuturesRun.Done` with the games
played: all of them, or those played before :meth:`FuturesRun.cancel`. The futures are worked
out from the true board: only the White Cell's screens (the replay) and the end of the game show
them.
"""

from __future__ import annotations

import time

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, ProgressBar
from textual.worker import get_current_worker

from wargame.analysis.futures import Futures, futures
from wargame.engine.model import State
from wargame.engine.rulebook import Rulebook


class FuturesRun(Horizontal):
    """A progress bar and a line of words while bot games are played on from ``state``."""

    DEFAULT_CSS = """
    FuturesRun { height: 1; }
    FuturesRun ProgressBar { width: 38; margin-right: 1; }
    FuturesRun ProgressBar Bar { width: 30; }
    FuturesRun Label { width: 1fr; height: 1; }
    """

    class Done(Message):
        """The games are played (``cancelled``: stopped early; ``futures`` holds those played)."""

        def __init__(self, run: FuturesRun, result: Futures, cancelled: bool, seconds: float):
            super().__init__()
            self.run = run
            self.futures = result
            self.cancelled = cancelled
            self.seconds = seconds

        @property
        def control(self) -> FuturesRun:
            return self.run

    def __init__(self, rulebook: Rulebook, state: State, runs: int, *, what: str = "bot games", id: str | None = None):
        super().__init__(id=id)
        self.rulebook = rulebook
        self.state = state
        self.runs = runs
        self.what = what
        self.running = False
        self.stop = False
        self.result: Futures | None = None

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=self.runs, show_eta=False)
        yield Label("", classes="futures-status")

    def on_mount(self) -> None:
        self.start(self.runs)

    def start(self, runs: int) -> None:
        """Play ``runs`` games (again, if some were played before)."""
        self.runs = runs
        self.stop = False
        self.running = True
        self.result = None
        self.query_one(ProgressBar).update(total=runs, progress=0)
        self.say(f"0/{runs} {self.what} · Esc stops")
        self.play(runs)

    def cancel(self) -> None:
        """Stop after the game under way; those played so far are kept."""
        if self.running:
            self.stop = True
            self.say("stopping after the game under way…")

    def on_unmount(self) -> None:
        self.stop = True  # a screen closed while the games are played: the thread stops soon

    def say(self, text: str) -> None:
        self.query_one(".futures-status", Label).update(text)

    def _progress(self, done: int) -> None:
        if self.is_attached:
            self.query_one(ProgressBar).update(progress=done)
            if not self.stop:
                self.say(f"{done}/{self.runs} {self.what} · Esc stops")

    def _done(self, result: Futures, seconds: float) -> None:
        self.running = False
        self.result = result
        if not self.is_attached:
            return
        cancelled = result.runs < self.runs
        self.query_one(ProgressBar).update(total=max(1, self.runs), progress=result.runs)
        self.say(f"{result.runs} {self.what} played" + (f", stopped before {self.runs}" if cancelled else "") + ".")
        self.post_message(self.Done(self, result, cancelled, seconds))

    @work(thread=True, exclusive=True, group="futures")
    def play(self, runs: int) -> None:
        worker = get_current_worker()
        began = time.monotonic()

        def progress(done: int) -> None:
            self._call(self._progress, done)

        def cancelled() -> bool:
            return self.stop or worker.is_cancelled

        result = futures(self.rulebook, self.state, runs, progress=progress, cancelled=cancelled)
        self._call(self._done, result, time.monotonic() - began)

    def _call(self, fn, *args) -> None:
        """Run ``fn`` on the UI's thread (nothing, once the app has stopped)."""
        try:
            self.app.call_from_thread(fn, *args)
        except RuntimeError:  # the app is gone (quit while the games were played)
            self.stop = True
