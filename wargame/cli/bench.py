"""``wargame bench``: bot-only games per second on one core, or how long a save takes to load and verify."""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from wargame.cli import arguments
from wargame.cli.exits import fail
from wargame.engine.rulebook import Rulebook


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``bench`` command to ``subparsers`` (what ``add_subparsers`` returned); the parser."""
    bench = subparsers.add_parser("bench", help="measure bot-only games per second on this core")
    bench.add_argument("--games", type=arguments.bounded(arguments.MAX_BENCH_GAMES), default=100,
                       help=f"games per round (default 100, at most {arguments.MAX_BENCH_GAMES:,})")
    bench.add_argument("--rounds", type=arguments.bounded(arguments.MAX_BENCH_ROUNDS), default=5,
                       help=f"rounds; the median is reported (default 5, at most {arguments.MAX_BENCH_ROUNDS})")
    bench.add_argument("--scenario", type=arguments.given, default="spring-2016", help="the scenario the games are played in (default spring-2016)")
    bench.add_argument("--seed", type=arguments.seed, default=1,
                       help="the first game's seed; the others follow it (default 1)")
    bench.add_argument("--engine", choices=("scalar", "batch"), default="scalar",
                       help="scalar: the table's engine, random bots (default); batch: the batch engine (wargame.batch) "
                            "with random and doctrine bots at each --sizes, beside the scalar engine in the same run")
    bench.add_argument("--sizes", type=_sizes, default=None,
                       help="with --engine batch: the batch sizes, e.g. 1,100,1000,10000 (the default)")
    bench.add_argument("--saves", action="store_true",
                       help="instead: milliseconds to load and verify a full save, and one up to 10x longer (as long as a game may run)")
    return bench


def _sizes(text: str) -> tuple[int, ...]:
    """--sizes: whole numbers 1..100,000, comma-separated."""
    try:
        sizes = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"batch sizes are whole numbers separated by commas, not {text[:40]!r}") from None
    if not sizes or any(not 1 <= n <= 100_000 for n in sizes):
        raise argparse.ArgumentTypeError("each batch size is from 1 to 100,000")
    return sizes


def _bench_batch(rb: Rulebook, args: argparse.Namespace) -> int:
    """Full games per second on this core with the batch engine at each batch size, for random and
    doctrine bots, and the ratio to the scalar engine measured in the same run (median of rounds)."""
    import resource

    from wargame.batch.bench_games import games_per_second
    from wargame.batch.play import play_batch
    from wargame.bots.play import bots_for, parse_seats, play
    from wargame.engine.turn import new_game

    play_batch(rb, args.scenario, [0], "all=doctrine", turns=1)  # the doctrine's first compile is not a game's cost
    for seats in ("all=random", "all=doctrine"):
        scalar = []
        for r in range(args.rounds):
            start = time.perf_counter()
            for g in range(args.games):
                seed = args.seed + r * args.games + g
                for _ in play(rb, new_game(rb, args.scenario, seed), bots_for(parse_seats(seats), seed, rb)):
                    pass
            scalar.append(args.games / (time.perf_counter() - start))
        base = statistics.median(scalar)
        print(f"{args.scenario}, {seats}, one core: scalar engine {base:.1f} games/s (median of {args.rounds} rounds of {args.games})",
              flush=True)
        for size in args.sizes or (1, 100, 1000, 10000):
            rates = [games_per_second(rb, size, seats, args.scenario) for _ in range(max(1, min(args.rounds, 3)))]
            rate = statistics.median(rates)
            print(f"  batch of {size:>6,}: {rate:10.1f} games/s, {rate / base:6.1f}x the scalar engine", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak memory of this process: {peak:.0f} MiB")
    return 0


def bench_command(rb: Rulebook, args: argparse.Namespace) -> int:
    """``wargame bench``: games per second (or, with --saves, load-and-verify times); 0, or one line on stderr."""
    from wargame.bots.play import bots_for, parse_seats, play
    from wargame.engine.turn import new_game

    if args.saves and (args.engine != "scalar" or args.sizes is not None):
        return fail("--saves measures loading and verifying saves: --engine and --sizes do not apply to it")
    if args.sizes is not None and args.engine != "batch":
        return fail("--sizes are the batch engine's batch sizes: give --engine batch with them")
    if args.saves:
        return _bench_saves(rb, args)
    if args.scenario not in rb.scenarios:
        return fail(f"no scenario {args.scenario[:40]!r} (scenarios: {', '.join(rb.scenarios)})")
    if args.engine == "batch":
        return _bench_batch(rb, args)
    seats = parse_seats("all=bot")
    rates, turn_us = [], []
    for r in range(args.rounds):
        turns = 0
        start = time.perf_counter()
        for g in range(args.games):
            seed = args.seed + r * args.games + g
            for _ in play(rb, new_game(rb, args.scenario, seed), bots_for(seats, seed)):
                turns += 1
        elapsed = time.perf_counter() - start
        rates.append(args.games / elapsed)
        turn_us.append(elapsed / turns * 1e6)
        print(f"round {r + 1}: {args.games / elapsed:8.1f} games/s, {elapsed / turns * 1e6:7.1f} µs per turn")
    print(
        f"{args.scenario}, random bots in every seat, one core: median {statistics.median(rates):.1f} games/s "
        f"(min {min(rates):.1f}, max {max(rates):.1f}); median {statistics.median(turn_us):.1f} µs per "
        f"adjudicated turn (bots' choices included)"
    )
    return 0


def _bench_saves(rb: Rulebook, args: argparse.Namespace) -> int:
    """Load-and-verify time of a full game's save, and of one ten times longer (or as long as the
    bounds of `turn` and `year` let a game run, if that is less)."""
    import tempfile

    import attrs

    from wargame.engine.model import CELLS
    from wargame.record.game import Game, Header, play_bots
    from wargame.record.load import load
    from wargame.record.save import document, write_save
    from wargame.table.examples import random_choosers

    if args.scenario not in rb.scenarios:
        return fail(f"no scenario {args.scenario[:40]!r} (scenarios: {', '.join(rb.scenarios)})")
    from wargame.engine.board import COMPUTED

    base = rb.scenarios[args.scenario]
    # The longer game: ten times as long, but never past what the rules' chances are proved for
    # (the bounds of `turn` and of `year`).
    longest = int(COMPUTED["turn"][1])
    while longest > base.turns and base.year(longest) > COMPUTED["year"][1]:
        longest -= 1
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for turns in dict.fromkeys((base.turns, max(base.turns, min(10 * base.turns, longest)))):
            scenario = attrs.evolve(base, turns=turns, initial=attrs.evolve(base.initial, last_turn=turns))
            book = attrs.evolve(rb, scenarios={**rb.scenarios, args.scenario: scenario})
            game = Game(book, Header(args.scenario, args.seed, {c: "random" for c in CELLS}, "bench", f"bench{turns}"))
            play_bots(game, random_choosers(book, args.seed))
            path = Path(folder) / f"bench-{turns}.json"
            write_save(path, document(game))
            times = []
            for _ in range(max(3, args.rounds)):
                start = time.perf_counter()
                _, _, check = load(path, book)
                times.append((time.perf_counter() - start) * 1000)
                assert check.verified
            median = statistics.median(times)
            results.append((turns, median))
            print(f"{turns:4} turns, {path.stat().st_size // 1024} KiB: load and verify median {median:.1f} ms "
                  f"(min {min(times):.1f}), {median / turns:.2f} ms per turn")
    (t1, m1), (t10, m10) = results[0], results[-1]
    if t10 > t1:
        print(f"a {t10 / t1:.1f}x longer game takes {m10 / m1:.1f}x as long to load and verify")
    return 0
