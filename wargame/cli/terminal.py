"""Whether a person is at a terminal: the terminal UI needs one; without one, a command prints."""

from __future__ import annotations

import sys


def at_terminal() -> bool:
    """Is there a person at a terminal? (Not in CI, a pipe or a test.)"""
    return sys.stdin.isatty() and sys.stdout.isatty()
