"""Whether a person is at a terminal: the terminal UI needs one; without one, a command prints."""

from __future__ import annotations

import sys


def at_terminal() -> bool:
    """Is there a person at a terminal? (Not in CI, a pipe or a test.)"""
    return sys.stdin.isatty() and sys.stdout.isatty()


def output_at_terminal() -> bool:
    """Does standard output go to a terminal, where a person reads it (not a pipe, a file or a
    test's capture)? ``wargame report`` without ``--out`` writes its file there and says where;
    anywhere else it writes the report to standard output (``wargame report SAVE | less``)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return False
