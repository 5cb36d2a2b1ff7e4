"""Whole games with bots, per second: ``python -m wargame.batch.bench_games [SIZES...]``.

Plays full spring-2016 games from new with the random bots and with the doctrine bots in every
seat (:func:`wargame.batch.play.play_batch`: bots, events and adjudication all in the batch), at
each batch size, and prints games per second; ``wargame.batch.bench`` times the engine alone.
Setting up a batch (its boards, shuffling, the dice keys) is counted: it is part of what a study
pays per batch. Compiling the rulebook and the doctrine is not: a process does it once for every
batch of a rulebook (:func:`wargame.batch.book.book_for`), here in the warm-up game, as a study
does for its first batch. A batch of fewer than ten games is played several times over.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from wargame.batch.play import play_batch
from wargame.engine.rulebook import Rulebook, load_rulebook

SEATS = ("all=random", "all=doctrine")


def games_per_second(rulebook: Rulebook, size: int, seats: str, scenario: str = "spring-2016") -> float:
    """Games played to the end per second of wall time in batches of ``size`` (seeds 0, 1, ...)."""
    rounds = max(1, 10 // size)
    start = time.perf_counter()
    for r in range(rounds):
        game = play_batch(rulebook, scenario, list(range(r * size, (r + 1) * size)), seats)
        assert game.over.all()
    return rounds * size / (time.perf_counter() - start)


def main(argv: Sequence[str] = ()) -> None:
    sizes = [int(a) for a in argv] or [1, 100, 1000, 10000]
    rulebook = load_rulebook()
    play_batch(rulebook, "spring-2016", [0], "all=doctrine", turns=1)  # warm: the doctrine's first compile
    for seats in SEATS:
        for size in sizes:
            rate = games_per_second(rulebook, size, seats)
            print(f"{seats:>13} {size:>6} games a batch: {rate:10.1f} games/s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
