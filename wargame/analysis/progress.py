"""What a long run shows while it plays, on a plain terminal (rich, not Textual): a progress bar on
stderr, the console its tables print on, and the games per second at the end.

Everything goes to stderr but the tables, so ``--json`` output on stdout stays clean.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def progress_bar(total: int, what: str) -> Any:
    """A context manager for ``total`` games, labelled ``what``, that gives a function to call
    with the number of games each finished chunk held: a rich progress bar on stderr when it is a
    terminal; otherwise the function does nothing."""
    if not sys.stderr.isatty():
        return _NoProgress()
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    progress = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    return _RichProgress(progress, total)


class _NoProgress:
    def __enter__(self) -> Callable[[int], None]:
        return lambda n: None

    def __exit__(self, *exc: Any) -> None:
        return None


class _RichProgress:
    def __init__(self, progress: Any, total: int):
        self.progress = progress
        self.total = total

    def __enter__(self) -> Callable[[int], None]:
        self.progress.__enter__()
        task = self.progress.add_task("games", total=self.total)
        return lambda n: self.progress.advance(task, n)

    def __exit__(self, *exc: Any) -> None:
        self.progress.__exit__(*exc)


def console(width: int = 110) -> Any:
    """A rich console on stdout: as wide as the terminal, or ``width`` characters when stdout is
    not a terminal (a file or a pipe), so the tables print the same in any of them."""
    from rich.console import Console

    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else width, highlight=False)


def report_rate(games: int, elapsed: float, workers: int) -> None:
    """``games`` played in ``elapsed`` seconds by ``workers`` processes, as games per second on
    stderr (never mixed into --json)."""
    sys.stdout.flush()
    print(f"{games} game{'s' if games != 1 else ''} in {elapsed:.1f} s: {games / max(elapsed, 1e-9):.1f} games/s "
          f"({workers} worker{'s' if workers > 1 else ''})", file=sys.stderr)
