"""The command line's argument types and the options several commands share.

Each type turns one argument into a value or refuses it with a one-line reason (argparse prints it
and exits 2): a seed, a count of games or workers within its bounds, a file name.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def key_file_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: given after the command it counts, and its absence there does not undo one given before
    parser.add_argument("--key-file", type=file_path, default=argparse.SUPPRESS, metavar="FILE",
                        help="the facilitator's signing key (default: ~/.config/wargame/key)")


def file_path(text: str) -> Path:
    """A file name from the command line: not empty, no NUL byte ('-' is the terminal where allowed)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name")
    if "\0" in text:
        raise argparse.ArgumentTypeError("a file name with a NUL byte")
    return Path(text)


def given(text: str) -> str:
    """A name or a list from the command line (a scenario, the seats): not empty, which would
    otherwise quietly mean the default."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty value")
    return text


def kept_by_the_save(args: argparse.Namespace) -> str | None:
    """With ``--load``: the refusal of options that start a new game (``--seed``, ``--scenario``,
    ``--exercise``), said rather than passed over; None where none is given."""
    named = [o for o, v in (("--seed", args.seed), ("--scenario", args.scenario), ("--exercise", args.exercise or None))
             if v is not None]
    if not named:
        return None
    return f"{' and '.join(named)} start{'s' if len(named) == 1 else ''} a new game; a game continued with --load keeps its own"


def save_path(text: str) -> Path:
    """A save's file name (``--save``, ``--out`` of fork): as :func:`file_path`, and not ``-``,
    which elsewhere means the terminal: a save is a file a facilitator keeps."""
    if text.strip() == "-":
        raise argparse.ArgumentTypeError("a save is a file: give its name ('-' would be the terminal)")
    return file_path(text)


def whose_options(parser: argparse.ArgumentParser, prefix: str) -> None:
    """--seat CELL or --facilitator: whose export it is (one of them is required, see needs_whose)."""
    from wargame.engine.model import CELLS

    group = parser.add_mutually_exclusive_group()
    group.add_argument("--seat", choices=CELLS, metavar="CELL",
                       help=f"{prefix}only what this cell may see ({', '.join(CELLS)}): its debrief handout")
    group.add_argument("--facilitator", action="store_true",
                       help=f"{prefix}everything, every cell's secrets and the seed included: the White Cell's")


def needs_whose(args: argparse.Namespace, what: str) -> str | None:
    """The one-line refusal when an export does not say whose it is (None: it does)."""
    if args.seat or args.facilitator:
        return None
    return (f"{what} shows secrets: choose whose it is, --seat CELL (is, aq, coalition, governments) for a cell's "
            "handout, or --facilitator for everything")


def shown(text: str) -> str:
    """An argument as a message quotes it: cut if long (a 5,000-digit number is one line too)."""
    return text if len(text) <= 24 else text[:23] + "…"


def seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:  # not a number, or one too long to read
        raise argparse.ArgumentTypeError(f"a seed is a whole number, not {shown(text)!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"a seed lies in 0..2**63-1, not {shown(text)}")
    return value


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:  # not a number, or one too long to read
        raise argparse.ArgumentTypeError(f"expected a whole number, not {shown(text)!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {shown(text)}")
    return value


MAX_RUNS = 1_000_000  # as wargame.analysis.pool.MAX_RUNS (not imported here: it would load the analysis on every command)
MAX_WORKERS = 1_024  # a number of worker processes past any machine's cores: a typo, refused
MAX_BENCH_GAMES = 100_000
MAX_BENCH_ROUNDS = 100
WORKERS_HELP = ("worker processes (default: one per core, or none besides this one for fewer than 200 games; never "
                "more than the cores, nor than the chunks of games to hand out)")


def bounded(most: int, what: str = "a whole number", least: int = 1):
    """An argument type: a whole number ``least``..``most`` (0 reads "none" where it is allowed)."""

    def parse(text: str) -> int:
        shown = text if len(text) <= 24 else text[:23] + "…"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, not {shown!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"expected {least} or more, not {shown}")
        if value > most:
            raise argparse.ArgumentTypeError(f"expected at most {most:,}, not {shown}")
        return value

    return parse


def title(text: str) -> str:
    """--exercise: a name kept in the save and printed in its reports: printable Unicode text (not
    bytes the terminal could not decode, nor a control character a terminal would obey)."""
    import unicodedata

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError("the name is not text this terminal's encoding can read (UTF-8)") from None
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise argparse.ArgumentTypeError("the name holds a control character (a tab, a new line, an escape...)")
    return text


def names(text: str) -> str:
    """--only: one or more names separated by commas ("C8", "C1a,C13"); nothing but commas and
    spaces names nothing, refused rather than taken as "all" or as "none"."""
    if not any(x.strip() for x in text.split(",")):
        raise argparse.ArgumentTypeError(f"name one or more, separated by commas, not {text!r}")
    return text


def runs(text: str) -> int:
    """--runs: 1..MAX_RUNS games (the memory a run takes does not grow with it)."""
    return bounded(MAX_RUNS)(text)


def workers(text: str) -> int:
    """--workers: 1 or more (and never absurd); fewer are started when there are fewer cores or
    chunks of games (wargame.analysis.pool.workers_for)."""
    return bounded(MAX_WORKERS)(text)


def scheduler(text: str) -> str:
    """--scheduler: a Dask scheduler's address (tcp://host:8786, or host:8786); whether one answers
    there is found out on connecting (wargame.analysis.cluster)."""
    address = text.strip()
    if not address or any(c.isspace() or not c.isprintable() for c in address) or len(address) > 300:
        raise argparse.ArgumentTypeError(f"a scheduler's address looks like tcp://host:8786, not {shown(text)!r}")
    return address


SCHEDULER_HELP = ("play the games on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786; started with "
                  "`dask scheduler`, workers with `dask worker ADDRESS`); the same results as here")


def scheduler_option(parser: argparse.ArgumentParser) -> None:
    """--scheduler ADDRESS, for the commands that play many games (simulate, claims, calibrate, ...)."""
    parser.add_argument("--scheduler", type=scheduler, default=None, metavar="ADDRESS", help=SCHEDULER_HELP)


ENGINE_HELP = ("batch (default): play the games in batches with the batch engine (NumPy, games side by side); "
               "scalar: game by game with the table's engine. The results are the same either way")


def engine_option(parser: argparse.ArgumentParser) -> None:
    """--engine batch|scalar, for the commands that play many games (simulate, claims, calibrate, sensitivity)."""
    parser.add_argument("--engine", choices=("batch", "scalar"), default="batch", help=ENGINE_HELP)


def table_options(parser: argparse.ArgumentParser) -> None:
    """--games-out, --series-out and --force: simulate's tables of games (wargame.analysis.tables)."""
    parser.add_argument("--games-out", type=file_path, default=None, metavar="FILE",
                        help="write a row a game (seed, seats, every metric, each objective's points) to FILE: "
                             ".parquet, .csv or .jsonl (see docs/analysts-guide.md)")
    parser.add_argument("--series-out", type=file_path, default=None, metavar="FILE",
                        help="write a row a game and turn (every track at the end of the turn) to FILE: "
                             ".parquet, .csv or .jsonl")
    parser.add_argument("--force", action="store_true",
                        help="replace a file of that name that wargame did not write (never a save)")
