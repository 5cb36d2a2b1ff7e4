"""What a turn of the batch engine costs: microseconds per game-turn at several batch sizes.

``python -m wargame.batch.bench [SIZES...]`` plays spring-2016 games with no orders at all (every
cell gives none, so nothing but the engine is timed: no bot, no order list), ``begin_turn`` and
``resolve_turn`` for a few turns, and prints the cost of one game-turn at each size.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from wargame.batch.game import BatchGame
from wargame.engine.rulebook import Rulebook, load_rulebook


def per_game_turn(rulebook: Rulebook, size: int, turns: int = 8, scenario: str = "spring-2016") -> float:
    """Microseconds per game-turn (``begin_turn`` + ``resolve_turn``) for ``size`` games played
    ``turns`` turns from new, without orders; the setup (compiling, shuffling) is not counted."""
    games = BatchGame.new(rulebook, scenario, list(range(size)), keep_series=False)
    start = time.perf_counter()
    for _ in range(turns):
        games.begin_turn()
        games.resolve_turn(None)
    return (time.perf_counter() - start) / (size * turns) * 1e6


def main(argv: Sequence[str] = ()) -> None:
    sizes = [int(a) for a in argv] or [1, 100, 1000, 10000]
    rulebook = load_rulebook()
    for size in sizes:
        turns = 8 if size <= 1000 else 4
        print(f"{size:>6} games: {per_game_turn(rulebook, size, turns):10.1f} µs per game-turn")


if __name__ == "__main__":
    main(sys.argv[1:])
