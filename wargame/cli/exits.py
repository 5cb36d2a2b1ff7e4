"""How a command ends: its exit code and, when it fails, one line on stderr that says why."""

from __future__ import annotations

import sys

EXIT_USAGE = 2
EXIT_BAD_DATA = 3


def fail(message: str, code: int = EXIT_USAGE) -> int:
    line = " ".join(str(message).split())  # one line, whatever it quotes
    if len(line) > 600:
        line = line[:599] + "…"
    print(f"wargame: {line}", file=sys.stderr)
    return code
