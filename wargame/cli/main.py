"""The ``wargame`` command: its parser, and which command runs.

Each command, or group of commands, has its module: :mod:`~wargame.cli.play`,
:mod:`~wargame.cli.records` (replay, report, fork), :mod:`~wargame.cli.keys`,
:mod:`~wargame.cli.bench`, :mod:`~wargame.cli.studies` (simulate, claims) and
:mod:`~wargame.cli.calibrate`; each adds its parser (``add_parser``) and runs it
(``..._command``). Every failure a user can cause (a bad rule file, a wrong option) ends with one
line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wargame import __version__
from wargame.cli import arguments, bench, brief, deep, join, keys, play, records, sensitivity, serve, terminal
from wargame.cli.exits import EXIT_BAD_DATA, EXIT_USAGE, fail
from wargame.engine.reading import RulebookError
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, Rulebook, describe_names, load_rulebook


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="wargame", description="A seminar wargame on an al-Qaeda / Islamic State rapprochement.")
    p.add_argument("--version", action="version", version=f"wargame {__version__}")
    p.add_argument("--rules", type=arguments.file_path, default=RULES_DIR, help="the rules folder (default: rules/)")
    p.add_argument("--decks", type=arguments.file_path, default=DECKS_DIR, help="the decks folder (default: decks/)")
    p.add_argument("--key-file", type=arguments.file_path, default=None, metavar="FILE",
                   help="the facilitator's signing key (default: ~/.config/wargame/key; see: wargame key)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    play.add_parser(sub)
    records.add_parsers(sub)
    keys.add_parser(sub)
    check = sub.add_parser("check", help="check the rulebook and the decks, and say what was loaded")
    check.add_argument("paths", nargs="*", type=arguments.file_path, help="a rules folder and a decks folder (default: rules/ decks/)")
    deep.add_options(check, arguments.bounded, arguments.seed)
    brief.add_parser(sub)
    bench.add_parser(sub)
    sub.add_parser("names", help="list every name the rulebook's expressions may use")
    _add_study_parsers(sub)
    sensitivity.add_parser(sub)
    serve.add_parser(sub)
    join.add_parser(sub)
    return p


def _add_study_parsers(subparsers: Any) -> None:
    """``simulate``, ``claims`` and ``calibrate`` (run by :mod:`wargame.cli.studies` and :mod:`wargame.cli.calibrate`)."""
    simulate = subparsers.add_parser("simulate", help="many bot-only games: outcomes with 95%% intervals, and charts")
    simulate.add_argument("--runs", type=arguments.runs, default=200, help=f"games to play (default 200, at most {arguments.MAX_RUNS:,})")
    simulate.add_argument("--seed", type=arguments.seed, default=1, help="master seed; game i's seed derives from it (default 1)")
    simulate.add_argument("--scenario", type=arguments.given, default="spring-2016", help="scenario id (default: spring-2016)")
    simulate.add_argument("--seats", type=arguments.given, default="all=doctrine",
                          help="bots per seat, e.g. all=doctrine,aq=doctrine:cautious (default all=doctrine)")
    simulate.add_argument("--workers", type=arguments.workers, default=None, help=arguments.WORKERS_HELP)
    simulate.add_argument("--json", action="store_true", help="print the results as JSON")
    arguments.table_options(simulate)
    arguments.scheduler_option(simulate)
    arguments.engine_option(simulate)

    claims = subparsers.add_parser("claims", help="the article's claims C1-C16 as paired experiments")
    claims.add_argument("--runs", type=arguments.runs, default=200,
                        help=f"games per arm of each experiment (default 200, at most {arguments.MAX_RUNS:,})")
    claims.add_argument("--seed", type=arguments.seed, default=1, help="master seed shared by every arm (default 1)")
    claims.add_argument("--scenario", type=arguments.given, default="spring-2016", help="scenario id (default: spring-2016)")
    claims.add_argument("--seats", type=arguments.given, default="all=doctrine", help="bots per seat (default all=doctrine)")
    claims.add_argument("--workers", type=arguments.workers, default=None, help=arguments.WORKERS_HELP)
    claims.add_argument("--only", type=arguments.names, default=None, help="only these claims or experiments, e.g. C8 or C1a,C13")
    arguments.scheduler_option(claims)
    arguments.engine_option(claims)
    claims_format = claims.add_mutually_exclusive_group()
    claims_format.add_argument("--json", action="store_true", help="print the results as JSON")
    claims_format.add_argument("--markdown", action="store_true", help="print a Markdown report")

    calibrate = subparsers.add_parser("calibrate", help="play bot games and judge the balance targets (rules/targets.toml)")
    calibrate.add_argument("--targets", type=arguments.file_path, default=None,
                           help="the targets file (default: targets.toml in the rules folder)")
    calibrate.add_argument("--runs", type=arguments.runs, default=400, help=f"games per seat set (default 400, at most {arguments.MAX_RUNS:,})")
    calibrate.add_argument("--seed", type=arguments.seed, default=1, help="master seed; game i's seed derives from it (default 1)")
    calibrate.add_argument("--workers", type=arguments.workers, default=None, help=arguments.WORKERS_HELP)
    calibrate.add_argument("--only", type=arguments.names, default=None,
                           help="only these targets, e.g. talks-opened,is-ends-weaker")
    arguments.scheduler_option(calibrate)
    arguments.engine_option(calibrate)
    calibrate.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    calibrate.add_argument("--metrics", action="store_true", help="list every metric and stat a target may use, and stop")


def _load(rules: Path, decks: Path) -> Rulebook:
    rulebook = load_rulebook(rules, decks)
    from wargame.bots.doctrine_data import doctrine_book

    doctrine_book(rulebook)  # rules/doctrine.toml checked with the rest: a problem is exit 3
    from wargame.record.bundle import remember_folders

    remember_folders(rules, decks)  # a save then carries these rules (wargame.record.bundle)
    return rulebook


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that temporary files and locks are cleaned up."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated()


def _readable_anywhere() -> None:
    """Output to a terminal or file that is not UTF-8 (a Latin-1 locale, an old console): each
    character it cannot show becomes ``?`` (→, ¶, a name in another script) rather than the
    account stopping with a traceback half-way."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "strict") == "strict":
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):  # (a stream already closed, or one that takes no such change)
                pass


def main(argv: Sequence[str] | None = None) -> int:
    import signal

    from wargame.files import FileProblem
    from wargame.record import signing

    _readable_anywhere()
    args = _parser().parse_args(argv)
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # not the main thread
        pass
    try:
        signing.use_key_file(getattr(args, "key_file", None))
        code = _run(args)
        sys.stdout.flush()  # a full disk or a closed reader is found here, not in Python's exit
        return code
    except RulebookError as e:
        for line in e.problems:
            print(f"wargame: {line}", file=sys.stderr)
        return EXIT_BAD_DATA
    except FileProblem as e:  # a save, a key, a file written or read: one line
        return fail(str(e), EXIT_BAD_DATA)
    except KeyboardInterrupt:
        print("wargame: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        return 143
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:  # e.g. the output sent to a full disk (> /dev/full): one line, not a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # what is left unwritten goes nowhere
        writing = e.errno in (errno.ENOSPC, errno.EFBIG, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC))
        where = f" ({e.filename})" if e.filename else " (writing its output)" if writing else ""
        return fail(f"stopped: {e.strerror or e}{where}")
    finally:
        signing.use_key_file(None)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    command = args.command or "play"
    if command == "key":
        return keys.key_command(args)
    if command == "join":  # the server has the rules: nothing to load here
        return join.join_command(args)
    if getattr(args, "key_file", None) is not None:
        from wargame.record.signing import KeyProblem, read_key

        try:
            read_key(args.key_file)
        except KeyProblem as e:
            return fail(f"--key-file {e}")
    if command == "check":
        rules, decks = args.rules, args.decks
        if len(args.paths) > 2:
            return fail("check takes at most two folders: the rules and the decks")
        if args.only and not (args.deep or args.mutate):
            return fail("--only chooses among --deep's properties or --mutate's entries: give one of them too")
        loose = deep.given_alone(args)
        if loose:
            return fail(f"{' and '.join(loose)} go{'es' if len(loose) == 1 else ''} with --deep or --mutate")
        if args.paths:
            rules = args.paths[0]
        if len(args.paths) == 2:
            decks = args.paths[1]
        rb = _load(rules, decks)
        print(f"ok: {rules} and {decks}")
        print(rb.summary())
        if args.deep or args.mutate:
            return deep.deep_command(rb, args)
        return 0
    if command in ("replay", "report") and getattr(args, "replay_rules", "saved") == "saved":
        try:
            rb = _load(args.rules, args.decks)
        except RulebookError as e:  # a save carries its own rules: it is replayed and reported with them
            from wargame.record.load import TodayBroken

            rb = TodayBroken(tuple(e.problems))  # type: ignore[assignment]
            print(f"wargame: note: today's rules do not load ({e.problems[0] if e.problems else ''}); "
                  "the save is read with the rules it carries", file=sys.stderr)
    else:
        rb = _load(args.rules, args.decks)
    if command == "names":
        for name, meaning in describe_names(rb):
            print(f"{name:28} {meaning}")
        return 0
    if command == "brief":
        return brief.brief_command(rb, args)
    if command == "bench":
        return bench.bench_command(rb, args)
    if command == "calibrate":
        from wargame.cli.calibrate import calibrate_command

        return calibrate_command(rb, args)
    if command == "sensitivity":
        return sensitivity.sensitivity_command(rb, args)
    if command == "serve":
        return serve.serve_command(rb, args)
    if command in ("simulate", "claims"):
        from wargame.cli.studies import claims_command, simulate_command

        return (simulate_command if command == "simulate" else claims_command)(rb, args)
    if command in records.COMMANDS:
        return records.records_command(rb, args)
    if args.command is None:
        from wargame.tui.app import WargameApp

        if not terminal.at_terminal():
            return fail("the terminal UI needs a terminal; for a game without one: wargame play --headless")
        WargameApp(rb).run()
        return 0
    return play.play_command(rb, args)


if __name__ == "__main__":
    sys.exit(main())
