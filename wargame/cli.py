"""The ``wargame`` command.

Every failure a user can cause (a bad rule file, a wrong option) ends with one line on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Sequence

from wargame import __version__
from wargame.rulebook import DECKS_DIR, RULES_DIR, Rulebook, RulebookError, describe_names, load_rulebook

EXIT_USAGE = 2
EXIT_BAD_DATA = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="wargame", description="A seminar wargame on an al-Qaeda / Islamic State rapprochement.")
    p.add_argument("--version", action="version", version=f"wargame {__version__}")
    p.add_argument("--rules", type=Path, default=RULES_DIR, help="the rules folder (default: rules/)")
    p.add_argument("--decks", type=Path, default=DECKS_DIR, help="the decks folder (default: decks/)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a game")
    play.add_argument("--headless", action="store_true", help="no terminal UI: bots play and the account is printed")
    play.add_argument("--seats", default="all=bot", help="who plays each cell, e.g. all=bot or is=bot,aq=bot,... (default all=bot)")
    play.add_argument("--scenario", default="exercise", help="scenario id (default: exercise)")
    play.add_argument("--seed", type=_seed, default=None, help="the game's seed (default: a fresh one, printed)")
    play.add_argument("--turns", type=_positive, default=None, help="stop after this many turns")
    play.add_argument("--verbose", action="store_true", help="also show rolls that failed")

    check = sub.add_parser("check", help="check the rulebook and the decks, and say what was loaded")
    check.add_argument("paths", nargs="*", type=Path, help="a rules folder and a decks folder (default: rules/ decks/)")

    bench = sub.add_parser("bench", help="measure bot-only games per second on this core")
    bench.add_argument("--games", type=_positive, default=100, help="games per round (default 100)")
    bench.add_argument("--rounds", type=_positive, default=5, help="rounds; the median is reported (default 5)")
    bench.add_argument("--scenario", default="spring-2016")
    bench.add_argument("--seed", type=_seed, default=1)

    sub.add_parser("names", help="list every name the rulebook's expressions may use")
    return p


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a seed is a whole number, not {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"a seed lies in 0..2**63-1, not {value}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {value}")
    return value


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"wargame: {message}", file=sys.stderr)
    return code


def _load(rules: Path, decks: Path) -> Rulebook:
    return load_rulebook(rules, decks)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except RulebookError as e:
        for line in e.problems:
            print(f"wargame: {line}", file=sys.stderr)
        return EXIT_BAD_DATA
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: argparse.Namespace) -> int:
    command = args.command or "play"
    if command == "check":
        rules, decks = args.rules, args.decks
        if len(args.paths) > 2:
            return _fail("check takes at most two folders: the rules and the decks")
        if args.paths:
            rules = args.paths[0]
        if len(args.paths) == 2:
            decks = args.paths[1]
        rb = _load(rules, decks)
        print(f"ok: {rules} and {decks}")
        print(rb.summary())
        return 0
    rb = _load(args.rules, args.decks)
    if command == "names":
        for name, meaning in describe_names(rb):
            print(f"{name:28} {meaning}")
        return 0
    if command == "bench":
        return _bench(rb, args)
    if args.command is None:
        # No command: until the terminal UI lands, a headless bot game of the exercise.
        args = _parser().parse_args(["play", "--headless"])
    return _play(rb, args)


def _play(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.engine import new_game
    from wargame.headless import account, bots_for, final_account, parse_seats, play

    if not args.headless:
        return _fail("the terminal UI is not built yet: use --headless")
    if args.scenario not in rb.scenarios:
        return _fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
    try:
        seats = parse_seats(args.seats)
    except ValueError as e:
        return _fail(str(e))
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    scenario = rb.scenarios[args.scenario]
    state = new_game(rb, args.scenario, seed)
    print(f"{scenario.title}: {scenario.label(1)} to {scenario.label(scenario.turns)}; seed {seed}; "
          f"seats: {', '.join(f'{c}={k}' for c, k in seats.items())}")
    print(f"(replay this game with: wargame play --headless --scenario {args.scenario} --seed {seed} --seats {args.seats})")
    for turn in play(rb, state, bots_for(seats, seed), args.turns):
        print("\n".join(account(rb, turn, args.verbose)))
        state = turn.state
    print("\n".join(final_account(rb, state)))
    return 0


def _bench(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.engine import new_game
    from wargame.headless import bots_for, parse_seats, play

    if args.scenario not in rb.scenarios:
        return _fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
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


if __name__ == "__main__":
    sys.exit(main())
