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
from collections.abc import Sequence
from pathlib import Path

from wargame import __version__
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, Rulebook, RulebookError, describe_names, load_rulebook

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
    p.add_argument("--key-file", type=_file_path, default=None, metavar="FILE",
                   help="the facilitator's signing key (default: ~/.config/wargame/key; see: wargame key)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a game")
    play.add_argument("--headless", action="store_true", help="no terminal UI: bots play and the account is printed")
    play.add_argument("--seats", default=None, help="who plays each cell: all=bot, or is=bot,coalition=human,... "
                      "(headless: all=bot; in the UI: humans in the coalition and governments seats)")
    play.add_argument("--scenario", default="exercise", help="scenario id (default: exercise)")
    play.add_argument("--seed", type=_seed, default=None, help="the game's seed (default: a fresh one, printed)")
    play.add_argument("--turns", type=_positive, default=None, help="stop after this many turns")
    play.add_argument("--verbose", action="store_true", help="also show rolls that failed")
    play.add_argument("--save", type=_file_path, help="autosave the game to this file after every command")
    play.add_argument("--load", type=_file_path, metavar="SAVE", help="continue a saved game where it stopped")
    play.add_argument("--exercise", default="", help="the exercise's name, kept in the save")
    play.add_argument("--force", action="store_true",
                      help="let --save replace a file that is not a save (never a save of another game)")
    _key_file(play)

    replay = sub.add_parser("replay", help="open a saved game in the replay viewer, print its log, or verify it")
    replay.add_argument("save", type=_file_path)
    replay.add_argument("--verify", action="store_true",
                        help="replay it and check every digest and record, the checksum and the signature")
    replay.add_argument("--log", action="store_true", help="print the log as it was played, once checked (no terminal UI)")
    replay.add_argument("--turn", type=_positive, help="with --log: only this turn")
    replay.add_argument("--rules", dest="replay_rules", choices=("saved", "current"), default="saved",
                        help="replay with the rules and decks saved in it (saved, the default) or today's (current), "
                             "naming the first turn that differs")
    _whose(replay, "with --log: ")
    _key_file(replay)

    report = sub.add_parser("report", help="write the after-action report of a saved game, for a cell or the facilitator")
    report.add_argument("save", type=_file_path)
    report.add_argument("--format", choices=("markdown", "json", "csv"), default="markdown")
    report.add_argument("--out", type=_file_path, help="where to write (default: beside the save; '-' for the terminal)")
    report.add_argument("--force", action="store_true",
                        help="replace an existing file that is not a report (never a save)")
    _whose(report, "")

    fork = sub.add_parser("fork", help="branch a saved game at the start of a turn into a new save")
    fork.add_argument("save", type=_file_path)
    fork.add_argument("--turn", type=_positive, required=True, help="the first turn the new game plays differently")
    fork.add_argument("--out", type=_file_path, required=True, help="the new save")
    fork.add_argument("--force", action="store_true",
                      help="replace an existing file that is not a save (never a save)")
    _key_file(fork)

    key = sub.add_parser("key", help="make the facilitator's signing key (outside the repository); saves are then signed")
    _key_file(key)

    check = sub.add_parser("check", help="check the rulebook and the decks, and say what was loaded")
    check.add_argument("paths", nargs="*", type=Path, help="a rules folder and a decks folder (default: rules/ decks/)")

    bench = sub.add_parser("bench", help="measure bot-only games per second on this core")
    bench.add_argument("--games", type=_bounded(MAX_BENCH_GAMES), default=100,
                       help=f"games per round (default 100, at most {MAX_BENCH_GAMES:,})")
    bench.add_argument("--rounds", type=_bounded(MAX_BENCH_ROUNDS), default=5,
                       help=f"rounds; the median is reported (default 5, at most {MAX_BENCH_ROUNDS})")
    bench.add_argument("--scenario", default="spring-2016")
    bench.add_argument("--seed", type=_seed, default=1)
    bench.add_argument("--saves", action="store_true",
                       help="instead: milliseconds to load and verify a full save, and a 10x longer one")

    sub.add_parser("names", help="list every name the rulebook's expressions may use")

    simulate = sub.add_parser("simulate", help="many bot-only games: outcomes with 95%% intervals, and charts")
    simulate.add_argument("--runs", type=_runs, default=200, help=f"games to play (default 200, at most {MAX_RUNS:,})")
    simulate.add_argument("--seed", type=_seed, default=1, help="master seed; game i's seed derives from it (default 1)")
    simulate.add_argument("--scenario", default="spring-2016", help="scenario id (default: spring-2016)")
    simulate.add_argument("--seats", default="all=doctrine", help="bots per seat, e.g. all=doctrine,aq=doctrine:cautious (default all=doctrine)")
    simulate.add_argument("--workers", type=_workers, default=None, help=WORKERS_HELP)
    simulate.add_argument("--json", action="store_true", help="print the results as JSON")

    claims = sub.add_parser("claims", help="the article's claims C1-C16 as paired experiments")
    claims.add_argument("--runs", type=_runs, default=200,
                        help=f"games per arm of each experiment (default 200, at most {MAX_RUNS:,})")
    claims.add_argument("--seed", type=_seed, default=1, help="master seed shared by every arm (default 1)")
    claims.add_argument("--scenario", default="spring-2016", help="scenario id (default: spring-2016)")
    claims.add_argument("--seats", default="all=doctrine", help="bots per seat (default all=doctrine)")
    claims.add_argument("--workers", type=_workers, default=None, help=WORKERS_HELP)
    claims.add_argument("--only", default="", help="only these claims or experiments, e.g. C8 or C1a,C13")
    calibrate = sub.add_parser("calibrate", help="play bot games and judge the balance targets (rules/targets.toml)")
    calibrate.add_argument("--targets", type=Path, default=None,
                           help="the targets file (default: targets.toml in the rules folder)")
    calibrate.add_argument("--runs", type=_runs, default=400, help=f"games per seat set (default 400, at most {MAX_RUNS:,})")
    calibrate.add_argument("--seed", type=_seed, default=1, help="master seed; game i's seed derives from it (default 1)")
    calibrate.add_argument("--workers", type=_workers, default=None, help=WORKERS_HELP)
    calibrate.add_argument("--only", default="", help="only these targets, e.g. talks-opened,is-ends-weaker")
    calibrate.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    calibrate.add_argument("--metrics", action="store_true", help="list every metric and stat a target may use, and stop")
    claims_format = claims.add_mutually_exclusive_group()
    claims_format.add_argument("--json", action="store_true", help="print the results as JSON")
    claims_format.add_argument("--markdown", action="store_true", help="print a Markdown report")
    return p


def _key_file(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: given after the command it counts, and its absence there does not undo one given before
    parser.add_argument("--key-file", type=_file_path, default=argparse.SUPPRESS, metavar="FILE",
                        help="the facilitator's signing key (default: ~/.config/wargame/key)")


def _file_path(text: str) -> Path:
    """A file name from the command line: not empty, no NUL byte ('-' is the terminal where allowed)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name")
    if "\0" in text:
        raise argparse.ArgumentTypeError("a file name with a NUL byte")
    return Path(text)


def _whose(parser: argparse.ArgumentParser, prefix: str) -> None:
    """--seat CELL or --facilitator: whose export it is (one of them is required, see _needs_whose)."""
    from wargame.engine.model import CELLS

    group = parser.add_mutually_exclusive_group()
    group.add_argument("--seat", choices=CELLS, metavar="CELL",
                       help=f"{prefix}only what this cell may see ({', '.join(CELLS)}): its debrief handout")
    group.add_argument("--facilitator", action="store_true",
                       help=f"{prefix}everything, every cell's secrets and the seed included: the White Cell's")


def _needs_whose(args: argparse.Namespace, what: str) -> str | None:
    """The one-line refusal when an export does not say whose it is (None: it does)."""
    if args.seat or args.facilitator:
        return None
    return (f"{what} shows secrets: choose whose it is, --seat CELL (is, aq, coalition, governments) for a cell's "
            "handout, or --facilitator for everything")


def _shown(text: str) -> str:
    """An argument as a message quotes it: cut if long (a 5,000-digit number is one line too)."""
    return text if len(text) <= 24 else text[:23] + "…"


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:  # not a number, or one too long to read
        raise argparse.ArgumentTypeError(f"a seed is a whole number, not {_shown(text)!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"a seed lies in 0..2**63-1, not {_shown(text)}")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:  # not a number, or one too long to read
        raise argparse.ArgumentTypeError(f"expected a whole number, not {_shown(text)!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {_shown(text)}")
    return value


MAX_RUNS = 1_000_000  # as wargame.analysis.studies.MAX_RUNS (not imported here: it would load the analysis on every command)
MAX_WORKERS = 1_024  # a number of worker processes past any machine's cores: a typo, refused
MAX_BENCH_GAMES = 100_000
MAX_BENCH_ROUNDS = 100
WORKERS_HELP = ("worker processes (default: one per core; never more than the cores, nor than the chunks of games "
                "to hand out)")


def _bounded(most: int, what: str = "a whole number"):
    """An argument type: a whole number 1..``most``."""

    def parse(text: str) -> int:
        shown = text if len(text) <= 24 else text[:23] + "…"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, not {shown!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected 1 or more, not {shown}")
        if value > most:
            raise argparse.ArgumentTypeError(f"expected at most {most:,}, not {shown}")
        return value

    return parse


def _runs(text: str) -> int:
    """--runs: 1..MAX_RUNS games (the memory a run takes does not grow with it)."""
    return _bounded(MAX_RUNS)(text)


def _workers(text: str) -> int:
    """--workers: 1 or more (and never absurd); fewer are started when there are fewer cores or
    chunks of games (wargame.analysis.studies.workers_for)."""
    return _bounded(MAX_WORKERS)(text)


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    line = " ".join(str(message).split())  # one line, whatever it quotes
    if len(line) > 600:
        line = line[:599] + "…"
    print(f"wargame: {line}", file=sys.stderr)
    return code


def _load(rules: Path, decks: Path) -> Rulebook:
    rulebook = load_rulebook(rules, decks)
    from wargame.record.bundle import remember_folders

    remember_folders(rules, decks)  # a save then carries these rules (wargame.record.bundle)
    return rulebook


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that temporary files and locks are cleaned up."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    import signal

    from wargame.files import FileProblem
    from wargame.record import signing

    args = _parser().parse_args(argv)
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # not the main thread
        pass
    try:
        signing.use_key_file(getattr(args, "key_file", None))
        return _run(args)
    except RulebookError as e:
        for line in e.problems:
            print(f"wargame: {line}", file=sys.stderr)
        return EXIT_BAD_DATA
    except FileProblem as e:  # a save, a key, a file written or read: one line
        return _fail(str(e), EXIT_BAD_DATA)
    except KeyboardInterrupt:
        return 130
    except _Terminated:
        return 143
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        signing.use_key_file(None)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    command = args.command or "play"
    if command == "key":
        return _key(args)
    if getattr(args, "key_file", None) is not None:
        from wargame.record.signing import KeyProblem, read_key

        try:
            read_key(args.key_file)
        except KeyProblem as e:
            return _fail(f"--key-file {e}")
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
    if command == "calibrate":
        from wargame.analysis.calibrate import calibrate_command

        return calibrate_command(rb, args)
    if command in ("simulate", "claims"):
        from wargame.analysis.studies import claims_command, simulate_command

        return (simulate_command if command == "simulate" else claims_command)(rb, args)
    if command in ("replay", "report", "fork"):
        from wargame.record.save import SaveError

        refusal = None
        if command == "report":
            refusal = _needs_whose(args, "a report")
        elif command == "replay" and not args.verify:
            printed = args.log or not _terminal()  # without a terminal, replay prints the log
            if printed:
                refusal = _needs_whose(args, "a log")
            elif args.seat:
                refusal = "the replay viewer is the facilitator's; for what a cell may see: --log --seat CELL"
        if refusal:
            return _fail(refusal)

        try:
            return {"replay": _replay, "report": _report, "fork": _fork}[command](rb, args)
        except SaveError as e:
            return _fail(str(e), EXIT_BAD_DATA)
    if args.command is None:
        from wargame.tui.app import WargameApp

        if not _terminal():
            return _fail("the terminal UI needs a terminal; for a game without one: wargame play --headless")
        WargameApp(rb).run()
        return 0
    return _play(rb, args)


def _play(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.record.save import SaveError

    try:
        if not args.headless:
            return _play_tui(rb, args)
        return _play_headless(rb, args)
    except SaveError as e:
        return _fail(str(e), EXIT_BAD_DATA)


def _terminal() -> bool:
    """Is there a person at a terminal? (Not in CI, a pipe or a test.)"""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _play_tui(rb: Rulebook, args: argparse.Namespace) -> int:
    if not _terminal():
        return _fail("the terminal UI needs a terminal; for a game without one: wargame play --headless")
    from wargame.record.save import SaveError, free_path, load, lock_save, new_game_id, save_refusal
    from wargame.table.session import Session, parse_seats
    from wargame.tui.app import WargameApp
    from wargame.tui.screens.start import DEFAULT_SEATS, SAVES

    if args.load:
        held = lock_save(args.load)  # before reading it: no other process continues it meanwhile
        try:
            doc, game, check = load(args.load, rb)
            if not check.verified:
                return _fail(f"{args.load}: {check.message}; see: wargame replay {args.load} --verify", EXIT_BAD_DATA)
            save = args.save or args.load
            why = save_refusal(save, doc.game, force=args.force)  # before the game is on screen
            if why:
                raise SaveError(why)
            session = Session(game.rulebook, game, save=save, created=doc.created, force=args.force)
        finally:
            held.release()  # the session holds its own lock now
    else:
        if args.scenario not in rb.scenarios:
            return _fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
        try:
            seats = parse_seats(args.seats or "", DEFAULT_SEATS)
        except ValueError as e:
            return _fail(str(e))
        seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(3), "big")
        # Named by the time it began, never by the secret (the table's screens show the file name).
        save = args.save or free_path(SAVES / f"{args.scenario}-{time.strftime('%Y%m%d-%H%M')}.json")
        game_id = new_game_id()
        why = save_refusal(save, game_id, force=args.force)
        if why:
            raise SaveError(why)
        session = Session.new(rb, args.scenario, seed, seats, args.exercise, save=save, game_id=game_id,
                              force=args.force)
    # a new game with people at the table: the facilitator sets the White Cell's passphrase first
    try:
        WargameApp(rb, session=session, ask_lock=not args.load).run()
    finally:
        session.close()
    return 0


def _is_bot(kind: str) -> bool:
    from wargame.bots.seats import HUMAN

    return kind != HUMAN


def _play_headless(rb: Rulebook, args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from wargame.bots.play import PlayedTurn, account, bots_for, final_account
    from wargame.engine.model import CELLS
    from wargame.engine.turn import legal_orders
    from wargame.engine.view import view
    from wargame.record.game import CommandError, Game, Header, seat_words, seats_in_full
    from wargame.record.save import Autosave, SaveError, load, lock_save, new_game_id, now, save_refusal

    with ExitStack() as held:
        autosave: Autosave | None = None
        if args.load:
            held.enter_context(lock_save(args.load))  # before reading it: nobody continues it meanwhile
            doc, game, check = load(args.load, rb)
            if not check.verified:
                return _fail(f"{args.load}: {check.message}; see: wargame replay {args.load} --verify", EXIT_BAD_DATA)
            rb = game.rulebook  # the rules the game was played with (saved in it)
            # The save's seats, unless --seats says otherwise; headless play needs a bot in each.
            from wargame.table.session import parse_seats as seat_list

            try:
                seats = seats_in_full(seat_list(args.seats or "", doc.seats))
            except ValueError as e:
                return _fail(str(e))
            people = [c for c in CELLS if not _is_bot(seats[c])]
            if people:
                return _fail(f"headless play needs a bot in every seat; the save has none for {', '.join(people)}: "
                             "give --seats, e.g. --seats all=bot")
            target = args.save or args.load
            why = save_refusal(target, doc.game, force=args.force)  # before a turn is played, not after
            if why:
                raise SaveError(why)
            if args.save:
                held.enter_context(lock_save(args.save))
            autosave = Autosave(target, doc.created, force=args.force)
            game.on_change = autosave
            print(f"Loaded {args.load}: {check.message}; continuing at turn {game.turn}.")
            if seats != seats_in_full(doc.seats) and not game.state.over:
                game.set_seats(seats, "continued headless with --seats")
                print(f"Seats changed from turn {game.turn} on (logged in the save): {seat_words(seats)}.")
            seed = doc.seed
        else:
            if args.scenario not in rb.scenarios:
                return _fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
            args.seats = args.seats or "all=bot"  # headless: bots in every seat unless told otherwise
            seats = _seats(args.seats)
            if seats is None:
                return EXIT_USAGE
            seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
            header = Header(args.scenario, seed, seats, args.exercise, new_game_id())
            game = Game(rb, header)
            if args.save:
                why = save_refusal(args.save, header.game, force=args.force)
                if why:
                    raise SaveError(why)
                held.enter_context(lock_save(args.save))
                autosave = Autosave(args.save, now(), force=args.force)
                game.on_change = autosave
            scenario = rb.scenarios[args.scenario]
            print(f"{scenario.title}: {scenario.label(1)} to {scenario.label(scenario.turns)}; seed {seed}; "
                  f"seats: {', '.join(f'{c}={k}' for c, k in seats.items())}")
            print(f"(replay this game with: wargame play --headless --scenario {args.scenario} --seed {seed} --seats {args.seats})")
        if game.state.over:
            print("The game is over: nothing to play.")
        bots = bots_for(seats, seed, rb)
        played = 0
        try:
            while not game.state.over and (args.turns is None or played < args.turns):
                if game.state.phase == "events":
                    events = game.run_events().records
                else:  # a save made mid-turn: its events were run before it was saved
                    events = tuple(r for r in game.records(game.turn) if r.phase == "events")
                state = game.state
                orders, reasons = {}, {}
                for cell in CELLS:
                    if cell in game.pending:  # given before the save was continued: kept, not given again
                        orders[cell], reasons[cell] = game.pending[cell], ("given before this game was continued",)
                        continue
                    choice = bots[cell].choose(view(state, cell), lambda p, c=cell, s=state: legal_orders(rb, s, c, p),
                                               rb.max_orders)
                    game.give_orders(cell, choice.orders)
                    orders[cell], reasons[cell] = choice.orders, choice.reasons
                step = game.resolve()
                turn = PlayedTurn(state.turn, tuple(events), orders, reasons, step.records, step.state)
                print("\n".join(account(rb, turn, args.verbose)))
                played += 1
        except CommandError as e:
            return _fail(str(e), EXIT_BAD_DATA)
        if game.state.over and played:
            print("\n".join(final_account(rb, game.state)))
        if autosave is not None:
            if autosave.written:
                print(f"Saved to {autosave.path}.")
            elif args.load and autosave.path == args.load:
                print(f"Nothing was played: {autosave.path} is unchanged.")
            else:
                print(f"Nothing was played, so nothing was written to {autosave.path}.")
    return 0


def _seats(text: str) -> dict[str, str] | None:
    from wargame.bots.play import parse_seats

    try:
        return parse_seats(text)
    except ValueError as e:
        _fail(str(e))
        return None


def _turn_refusal(args: argparse.Namespace, turns: set[int], last: int | None) -> str | None:
    """With --turn N: why turn N cannot be shown (None if it can)."""
    if not args.turn or args.turn in turns:
        return None
    held = f"turns {min(turns)} to {max(turns)}" if turns else "no turn yet"
    if last is not None and args.turn > last:
        return f"--turn {args.turn}: the game has {last} turns (this save holds {held})"
    return f"--turn {args.turn}: that turn is not in this save (it holds {held})"


def _replay(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.engine.model import STAGES
    from wargame.record.save import load, recorded_records

    rules = getattr(args, "replay_rules", "saved")
    if args.verify:
        doc, game, check = load(args.save, rb, rules)
        t = game.state.tally
        scenario = game.rulebook.scenarios[doc.scenario]
        print(f"{args.save}: {scenario.title}, seed {doc.seed}, game {doc.game}; {check.turns} of {scenario.turns} turns")
        print(f"outcome: relation {STAGES[game.state.relation.stage]}; "
              f"rapprochement {'turn ' + str(t.rapprochement_turn) if t.rapprochement_turn >= 0 else 'none'}; "
              f"offshoots {t.offshoots_formed}; second splits {t.second_splits}")
        if check.today_differs:
            print(f"the rules or decks have changed since this save was made; replayed with {check.rules}"
                  + ("" if check.rules_changed else " (--rules current replays it under today's)"))
        for line in check.details:
            print(line)
        print(check.message)
        return 0 if check.verified else 1
    if not args.log and _terminal():
        from wargame.tui.app import WargameApp

        doc, game, check = load(args.save, rb, rules)
        if not check.verified:
            print(f"wargame: {args.save}: {check.message}; showing the replay with {check.rules}", file=sys.stderr)
        WargameApp(game.rulebook, replay=(game, args.save)).run()
        return 0
    if args.seat:
        return _seat_log(rb, args)
    from wargame.record.game import Note, ResolveTurn, SetSeats, seat_words
    from wargame.record.report import unfinished_line

    doc, game, check = load(args.save, rb, rules)
    if check.verified:
        shown = "checked: " + check.message
        records = [r for rs in game.records_by_turn().values() for r in rs]
    elif check.rules_changed and check.checksum != "differs":
        # replayed with other rules than its own (an old save, or --rules current): what the
        # file holds is shown, and said to be unchecked
        shown = (f"{check.message}; replayed with {check.rules}. Below, the records as the file holds them, "
                 "not checked by the replay")
        records = recorded_records(doc)
    else:
        return _fail(f"{args.save}: {check.message}; its log is not printed (see: wargame replay {args.save} --verify)",
                     EXIT_BAD_DATA)
    notes: dict[int, list] = {}
    seat_changes: dict[int, list] = {}
    for c in doc.commands:
        if isinstance(c, Note):
            notes.setdefault(c.turn, []).append(c)
        elif isinstance(c, SetSeats):
            seat_changes.setdefault(c.turn, []).append(c)
    scenario = game.rulebook.scenarios.get(doc.scenario)
    turns = sorted({r.turn for r in records} | set(notes) | set(seat_changes))
    refusal = _turn_refusal(args, set(turns), scenario.turns if scenario else None)
    if refusal:
        return _fail(refusal)
    # the log as it was played: it says it is unfinished from the commands
    played = len({c.turn for c in doc.commands if isinstance(c, ResolveTurn)})
    if scenario is not None and played < scenario.turns:
        print(unfinished_line(played + 1, scenario.turns, played))
    print(shown)
    for turn in turns:
        if args.turn and turn != args.turn:
            continue
        print(f"== Turn {turn} ==")
        for c in seat_changes.get(turn, []):
            print(f"  seats  {seat_words(c.seats)} (were {seat_words(c.was)})" + (f": {c.note}" if c.note else ""))
        for n in notes.get(turn, []):
            print(f"  note   {n.text}" + (f" [bookmark: {n.bookmark}]" if n.bookmark else ""))
        for r in records:
            if r.turn == turn and (r.happened or r.kind == "order" or r.original is not None):
                print(f"  {r.phase[:6]:6} {r.line()}")
    return 0


def _seat_log(rb: Rulebook, args: argparse.Namespace) -> int:
    """The log as one cell may see it: the game is replayed to know what was secret when."""
    from wargame.engine.model import CELL_TITLES
    from wargame.record import fog
    from wargame.record.report import unfinished
    from wargame.record.save import load

    doc, game, check = load(args.save, rb, getattr(args, "replay_rules", "saved"))
    if not check.verified:
        return _fail(f"{args.save}: {check.message}; a cell's log needs a save that verifies "
                     f"(wargame replay {args.save} --log --facilitator prints it as it was recorded)", EXIT_BAD_DATA)
    seat = args.seat
    records = fog.seat_records(game, seat)
    told: dict[int, list] = {}
    for a in fog.announcements(game, seat):
        told.setdefault(a.turn, []).append(a)
    turns = sorted(set(records) | set(told))
    refusal = _turn_refusal(args, set(turns) | set(game.records_by_turn()), game.state.last_turn)
    if refusal:
        return _fail(refusal)
    stop = unfinished(game)
    if stop:
        print(stop)
    print(f"The log as the {CELL_TITLES[seat]} may see it: the other cells' secret tracks are hidden.")
    for turn in turns:
        if args.turn and turn != args.turn:
            continue
        print(f"== Turn {turn} ==")
        for a in told.get(turn, []):
            for line in a.lines():
                print(f"  white  {line}")
        for r in records.get(turn, []):
            if r.happened or r.kind == "order" or r.original is not None:
                print(f"  {r.phase[:6]:6} {r.line()}")
    return 0


def _report(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.files import FileProblem, Kind, refusal, write_file
    from wargame.record import report
    from wargame.record.save import load

    doc, game, check = load(args.save, rb)
    if not check.verified:
        return _fail(f"{args.save}: {check.message}; no report written (see: wargame replay {args.save} --verify)",
                     EXIT_BAD_DATA)
    seat = args.seat or report.FACILITATOR
    to_terminal = args.out is not None and str(args.out) == "-"
    outputs: list[tuple[Path, str, Kind]] = []
    stem = args.save.with_suffix("")
    suffix = f".{args.seat}" if args.seat else ""  # a cell's handout never overwrites the facilitator's report
    if args.format == "markdown":
        text = report.markdown(game, seat=seat)
        outputs.append((args.out or stem.with_name(stem.name + f".report{suffix}.md"), text,
                        Kind("a report", report.is_markdown_report)))
    elif args.format == "json":
        text = report.as_json(game, seat)
        outputs.append((args.out or stem.with_name(stem.name + f".report{suffix}.json"), text,
                        Kind("a JSON report", report.is_json_report)))
    else:
        if args.out and not to_terminal and (not args.out.name or args.out.is_dir() or str(args.out).endswith("/")):
            return _fail(f"--out {args.out}: a folder; for the CSV export --out names the files "
                         "(--out notes/game.csv writes notes/game.tracks.csv, notes/game.events.csv...)")
        base = args.out.with_suffix("") if args.out and not to_terminal else stem
        tracks = report.as_csv(report.tracks_per_turn(game, seat))
        files = [("tracks", tracks), ("events", report.as_csv(report.event_log(game, seat)))]
        if seat == report.FACILITATOR:  # the notes may speak of any cell's secrets
            files.append(("notes", report.as_csv(report.notes_rows(game), report.NOTES_COLUMNS)))
        if to_terminal:
            outputs.append((Path("-"), tracks, Kind("a CSV export")))
        else:
            for part, text in files:
                outputs.append((base.with_name(base.name + f"{suffix}.{part}.csv"), text,
                                Kind("a CSV export", report.same_header(text))))
        stop = report.unfinished(game)
        if stop:  # a CSV file has no room for it: said beside it
            print(stop, file=sys.stderr if to_terminal else sys.stdout)
    # every file is checked before any is written: a refusal writes none of them
    for path, _, kind in outputs:
        if str(path) != "-":
            why = refusal(path, kind, force=args.force)
            if why:
                return _fail(why, EXIT_BAD_DATA)
    for path, text, kind in outputs:
        if str(path) == "-":
            sys.stdout.write(text)
        else:
            try:
                write_file(path, text, kind, force=args.force)
            except FileProblem as e:
                return _fail(str(e), EXIT_BAD_DATA)
            print(f"wrote {path}")
    return 0


def _fork(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.record.game import CommandError
    from wargame.record.save import document, load, new_game_id, write_save

    doc, game, check = load(args.save, rb)
    if not check.verified:
        return _fail(f"{args.save}: {check.message}", EXIT_BAD_DATA)
    try:
        child = game.fork(args.turn, new_game_id(), str(args.save))
    except CommandError as e:
        return _fail(str(e))
    # a fork is a new game: never over an existing file (with --force, over one that is not a save)
    write_save(args.out, document(child), new=not args.force, force=args.force)
    print(f"wrote {args.out}: game {child.header.game}, forked from {doc.game} at turn {args.turn}; "
          f"continue it with: wargame play --headless --load {args.out}")
    return 0


def _key(args: argparse.Namespace) -> int:
    """``wargame key``: make the facilitator's signing key, outside the repository."""
    from wargame.engine.rulebook import ROOT
    from wargame.record import signing

    path = getattr(args, "key_file", None) or signing.default_key_path()
    if path is None:
        return _fail("no configuration folder to keep the key in (no home folder): give --key-file FILE")
    try:
        inside = Path(os.path.abspath(path)).is_relative_to(ROOT) or Path(path).resolve().is_relative_to(ROOT)
    except (OSError, RuntimeError):
        inside = False
    if inside:
        return _fail(f"--key-file {path}: inside the repository ({ROOT}); a key kept there is easily shared or "
                     "committed: keep it outside, e.g. in ~/.config/wargame/key")
    if os.path.lexists(path):
        key = signing.read_key(path)  # a file that is not a key: one line, exit 3
        print(f"a key is already at {path} (fingerprint {signing.fingerprint(key)}): kept as it is; nothing written")
        return 0
    fingerprint = signing.create_key(path)
    print(f"wrote a new signing key to {path} (mode 0600, fingerprint {fingerprint}); saves written with it are "
          "signed, and `wargame replay SAVE --verify` says whether this key signed one. Keep it private.")
    return 0


def _bench(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.bots.play import bots_for, parse_seats, play
    from wargame.engine.turn import new_game

    if args.saves:
        return _bench_saves(rb, args)
    if args.scenario not in rb.scenarios:
        return _fail(f"no scenario {args.scenario[:40]!r} (scenarios: {', '.join(rb.scenarios)})")
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
    from wargame.record.save import document, load, write_save
    from wargame.table.examples import random_choosers

    if args.scenario not in rb.scenarios:
        return _fail(f"no scenario {args.scenario[:40]!r} (scenarios: {', '.join(rb.scenarios)})")
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


if __name__ == "__main__":
    sys.exit(main())
