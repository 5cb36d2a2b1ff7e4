"""``wargame check --deep``: every property the designer declared, checked on boards.

Exit 0 when every declaration and invariant held on every board tried, and the scenarios passed
the conformance harness; 1 when one failed (one line each, the board with ``--boards``); 3 when
the rulebook or a declaration is refused (by the loader, before anything runs).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wargame.analysis.boards import played_boards
from wargame.analysis.mutation import run_mutants
from wargame.analysis.properties import Failure, check_all, everything
from wargame.cli.exits import fail
from wargame.engine.rulebook import Rulebook
from wargame.record.conformance import conform

MAX_EXAMPLES = 100_000
MAX_PLAYED = 1_000
EXAMPLES_DEFAULT = 100
PLAYED_DEFAULT = 4


def add_options(check: argparse.ArgumentParser, bounded: Callable[..., Callable[[str], int]],
                seed: Callable[[str], int]) -> None:
    """The options of ``check`` that belong to ``--deep``."""
    check.add_argument("--deep", action="store_true",
                       help="check every property declared in the rulebook on boards, and every scenario's conformance")
    check.add_argument("--examples", type=bounded(MAX_EXAMPLES), default=None,
                       help=f"boards tried for each property (default 100, at most {MAX_EXAMPLES:,})")
    check.add_argument("--seed", type=seed, default=None, help="the search's seed: the same seed, the same boards (default 0)")
    check.add_argument("--played", type=bounded(MAX_PLAYED, "a number of games", least=0), default=None,
                       help=f"bot games per scenario whose boards are tried when no drawn board breaks a property "
                            f"(default 4, 0 for none, at most {MAX_PLAYED})")
    check.add_argument("--only", action="append", default=[], metavar="WORD",
                       help="only the properties (or, with --mutate, the entries) whose id contains WORD (repeatable)")
    check.add_argument("--boards", action="store_true", help="print each failure's board as its changes from the start")
    check.add_argument("--mutate", action="store_true",
                       help="reverse each input of each rule in turn and report which declarations catch it")


def _bar(total: int, what: str, quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None
    progress = Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=True)
    return progress, progress.add_task(what, total=total)


def _board_lines(f: Failure) -> list[str]:
    if not f.changes:
        return ["    (the scenario's start itself)"]
    return [f"    {name}: {before} → {after}" for name, before, after in f.changes]


def given_alone(args: argparse.Namespace) -> list[str]:
    """The options of ``--deep`` given without it (or ``--mutate``); then each option not given
    is set to its default."""
    alone = [] if args.deep or args.mutate else \
        [o for o, v in (("--examples", args.examples), ("--played", args.played), ("--seed", args.seed),
                        ("--boards", args.boards or None)) if v is not None]
    args.examples = EXAMPLES_DEFAULT if args.examples is None else args.examples
    args.played = PLAYED_DEFAULT if args.played is None else args.played
    args.seed = 0 if args.seed is None else args.seed
    return alone


def deep_command(rulebook: Rulebook, args: argparse.Namespace) -> int:
    """Run the deep check; print a summary line per failure. Returns the exit code."""
    if args.mutate:
        return _mutate(rulebook, args)
    props = [d for d in everything(rulebook) if not args.only or any(w in d.id for w in args.only)]
    if args.only and not props:  # nothing checked is not "every property held"
        return fail(f"no declared property's id contains {' or '.join(repr(w) for w in args.only)} (see wargame names)")
    reached = [s for scenario in rulebook.scenarios for s in played_boards(rulebook, scenario, args.played, args.seed)]
    bar = _bar(len(props), "properties", False)
    if bar:
        bar[0].start()
    try:
        failures = check_all(rulebook, args.examples, args.seed, reached, args.only,
                             progress=(lambda: bar[0].advance(bar[1])) if bar else None)
    finally:
        if bar:
            bar[0].stop()
    problems = [] if args.only else conform(rulebook, games=2, seed=args.seed)
    for f in failures:
        print(f"FAIL {f.line()}")
        if args.boards:
            print("\n".join(_board_lines(f)))
    for p in problems:
        print(f"FAIL conformance: {p}")
    held = len(props) - len(failures)
    conformance = "not run (--only)" if args.only else "passed" if not problems else f"{len(problems)} problems"
    played = f", then boards of {args.played} bot games a scenario" if args.played else ""
    print(f"{held} of {len(props)} declared properties held on {args.examples} drawn boards each (shared among "
          f"the scenarios){played} (seed {args.seed}); conformance: {conformance}")
    if failures and not args.boards:
        print("run again with --boards to see each failing board")
    return 1 if failures or problems else 0


def _mutate(rulebook: Rulebook, args: argparse.Namespace) -> int:
    results = run_mutants(rulebook, rulebook.scope, examples=args.examples, seed=args.seed, only=args.only)
    if args.only and not results:  # nothing reversed is not "every reversal caught"
        return fail(f"no entry's id contains {' or '.join(repr(w) for w in args.only)} (see wargame names)")
    caught = [m for m in results if m.caught]
    for m in results:
        if m.caught:
            verdict = "caught by " + "; ".join(m.caught_by)
        elif m.guarded:
            verdict = "NOT caught: its declarations do not notice this reversal"
        else:
            verdict = "unguarded: nothing is declared of it"
        print(f"{m.subject} {m.of}: {m.input} reversed — {verdict}")
    print(f"{len(caught)} of {len(results)} reversals caught by the declarations")
    return 0
