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
    play.add_argument("--seats", default=None, help="who plays each cell: all=bot, or is=bot,coalition=human,... "
                      "(headless: all=bot; in the UI: humans in the coalition and governments seats)")
    play.add_argument("--scenario", default="exercise", help="scenario id (default: exercise)")
    play.add_argument("--seed", type=_seed, default=None, help="the game's seed (default: a fresh one, printed)")
    play.add_argument("--turns", type=_positive, default=None, help="stop after this many turns")
    play.add_argument("--verbose", action="store_true", help="also show rolls that failed")
    play.add_argument("--save", type=Path, help="autosave the game to this file after every command")
    play.add_argument("--load", type=Path, metavar="SAVE", help="continue a saved game where it stopped")
    play.add_argument("--exercise", default="", help="the exercise's name, kept in the save")

    replay = sub.add_parser("replay", help="open a saved game in the replay viewer, print its log, or verify it")
    replay.add_argument("save", type=Path)
    replay.add_argument("--verify", action="store_true", help="replay it with the current rules and check every digest")
    replay.add_argument("--log", action="store_true", help="print the log as it was played (no terminal UI)")
    replay.add_argument("--turn", type=_positive, help="with --log: only this turn")
    _whose(replay, "with --log: ")

    report = sub.add_parser("report", help="write the after-action report of a saved game, for a cell or the facilitator")
    report.add_argument("save", type=Path)
    report.add_argument("--format", choices=("markdown", "json", "csv"), default="markdown")
    report.add_argument("--out", type=Path, help="where to write (default: beside the save; '-' for the terminal)")
    _whose(report, "")

    fork = sub.add_parser("fork", help="branch a saved game at the start of a turn into a new save")
    fork.add_argument("save", type=Path)
    fork.add_argument("--turn", type=_positive, required=True, help="the first turn the new game plays differently")
    fork.add_argument("--out", type=Path, required=True, help="the new save")

    check = sub.add_parser("check", help="check the rulebook and the decks, and say what was loaded")
    check.add_argument("paths", nargs="*", type=Path, help="a rules folder and a decks folder (default: rules/ decks/)")

    bench = sub.add_parser("bench", help="measure bot-only games per second on this core")
    bench.add_argument("--games", type=_positive, default=100, help="games per round (default 100)")
    bench.add_argument("--rounds", type=_positive, default=5, help="rounds; the median is reported (default 5)")
    bench.add_argument("--scenario", default="spring-2016")
    bench.add_argument("--seed", type=_seed, default=1)
    bench.add_argument("--saves", action="store_true",
                       help="instead: milliseconds to load and verify a full save, and a 10x longer one")

    sub.add_parser("names", help="list every name the rulebook's expressions may use")

    simulate = sub.add_parser("simulate", help="many bot-only games: outcomes with 95%% intervals, and charts")
    simulate.add_argument("--runs", type=_positive, default=200, help="games to play (default 200)")
    simulate.add_argument("--seed", type=_seed, default=1, help="master seed; game i's seed derives from it (default 1)")
    simulate.add_argument("--scenario", default="spring-2016", help="scenario id (default: spring-2016)")
    simulate.add_argument("--seats", default="all=doctrine", help="bots per seat, e.g. all=doctrine,aq=doctrine:cautious (default all=doctrine)")
    simulate.add_argument("--workers", type=_positive, default=None, help="worker processes (default: one per core)")
    simulate.add_argument("--json", action="store_true", help="print the results as JSON")

    claims = sub.add_parser("claims", help="the article's claims C1-C16 as paired experiments")
    claims.add_argument("--runs", type=_positive, default=200, help="games per arm of each experiment (default 200)")
    claims.add_argument("--seed", type=_seed, default=1, help="master seed shared by every arm (default 1)")
    claims.add_argument("--scenario", default="spring-2016", help="scenario id (default: spring-2016)")
    claims.add_argument("--seats", default="all=doctrine", help="bots per seat (default all=doctrine)")
    claims.add_argument("--workers", type=_positive, default=None, help="worker processes (default: one per core)")
    claims.add_argument("--only", default="", help="only these claims or experiments, e.g. C8 or C1a,C13")
    calibrate = sub.add_parser("calibrate", help="play bot games and judge the balance targets (rules/targets.toml)")
    calibrate.add_argument("--targets", type=Path, default=None,
                           help="the targets file (default: targets.toml in the rules folder)")
    calibrate.add_argument("--runs", type=_positive, default=400, help="games per seat set (default 400)")
    calibrate.add_argument("--seed", type=_seed, default=1, help="master seed; game i's seed derives from it (default 1)")
    calibrate.add_argument("--workers", type=_positive, default=None, help="worker processes (default: one per core)")
    calibrate.add_argument("--only", default="", help="only these targets, e.g. talks-opened,is-ends-weaker")
    calibrate.add_argument("--json", action="store_true", help="print the verdicts as JSON")
    calibrate.add_argument("--metrics", action="store_true", help="list every metric and stat a target may use, and stop")
    claims_format = claims.add_mutually_exclusive_group()
    claims_format.add_argument("--json", action="store_true", help="print the results as JSON")
    claims_format.add_argument("--markdown", action="store_true", help="print a Markdown report")
    return p


def _whose(parser: argparse.ArgumentParser, prefix: str) -> None:
    """--seat CELL or --facilitator: whose export it is (one of them is required, see _needs_whose)."""
    from wargame.model import CELLS

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
    if command == "calibrate":
        from wargame.calibrate import calibrate_command

        return calibrate_command(rb, args)
    if command in ("simulate", "claims"):
        from wargame.analysis import claims_command, simulate_command

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
    from wargame.record.save import load
    from wargame.session import Session, parse_seats
    from wargame.tui.app import WargameApp
    from wargame.record.save import free_path
    from wargame.tui.screens.start import DEFAULT_SEATS, SAVES

    if args.load:
        doc, game, check = load(args.load, rb)
        if not check.verified:
            return _fail(f"{args.load}: {check.message}; see: wargame replay {args.load} --verify", EXIT_BAD_DATA)
        session = Session(rb, game, save=args.save or args.load, created=doc.created)
    else:
        if args.scenario not in rb.scenarios:
            return _fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
        try:
            seats = parse_seats(args.seats or "", DEFAULT_SEATS)
        except ValueError as e:
            return _fail(str(e))
        seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(3), "big")
        save = args.save or free_path(SAVES / f"{args.scenario}-seed{seed}.json")
        session = Session.new(rb, args.scenario, seed, seats, args.exercise, save=save)
    # a new game with people at the table: the facilitator sets the White Cell's passphrase first
    WargameApp(rb, session=session, ask_lock=not args.load).run()
    return 0


def _play_headless(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.engine import legal_orders
    from wargame.headless import PlayedTurn, account, bots_for, final_account
    from wargame.model import CELLS
    from wargame.record.game import CommandError, Game, Header
    from wargame.record.save import Autosave, load, new_game_id, now
    from wargame.view import view

    if args.load:
        doc, game, check = load(args.load, rb)
        if not check.verified:
            return _fail(f"{args.load}: {check.message}; see: wargame replay {args.load} --verify", EXIT_BAD_DATA)
        # The save's seats, unless --seats says otherwise; headless play needs a bot in each.
        from wargame.bots import BOTS
        from wargame.session import parse_seats as seat_list

        try:
            seats = seat_list(args.seats or "", doc.seats)
        except ValueError as e:
            return _fail(str(e))
        people = [c for c in CELLS if seats.get(c) not in BOTS]
        if people:
            return _fail(f"headless play needs a bot in every seat; the save has none for {', '.join(people)}: "
                         "give --seats, e.g. --seats all=bot")
        game.on_change = Autosave(args.save or args.load, doc.created)
        print(f"Loaded {args.load}: {check.message}; continuing at turn {game.turn}.")
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
            game.on_change = Autosave(args.save, now())
        scenario = rb.scenarios[args.scenario]
        print(f"{scenario.title}: {scenario.label(1)} to {scenario.label(scenario.turns)}; seed {seed}; "
              f"seats: {', '.join(f'{c}={k}' for c, k in seats.items())}")
        print(f"(replay this game with: wargame play --headless --scenario {args.scenario} --seed {seed} --seats {args.seats})")
    if game.state.over:
        print("The game is over.")
    bots = bots_for(seats, seed)
    played = 0
    try:
        while not game.state.over and (args.turns is None or played < args.turns):
            events = game.run_events().records if game.state.phase == "events" else ()
            state = game.state
            orders, reasons = {}, {}
            for cell in CELLS:
                choice = bots[cell].choose(view(state, cell), lambda p, c=cell: legal_orders(rb, state, c, p),
                                           rb.max_orders)
                game.give_orders(cell, choice.orders)
                orders[cell], reasons[cell] = choice.orders, choice.reasons
            step = game.resolve()
            turn = PlayedTurn(state.turn, tuple(events), orders, reasons, step.records, step.state)
            print("\n".join(account(rb, turn, args.verbose)))
            played += 1
    except CommandError as e:
        return _fail(str(e), EXIT_BAD_DATA)
    if game.state.over:
        print("\n".join(final_account(rb, game.state)))
    if game.on_change is not None:
        print(f"Saved to {game.on_change.path}.")
    return 0


def _seats(text: str) -> dict[str, str] | None:
    from wargame.headless import parse_seats

    try:
        return parse_seats(text)
    except ValueError as e:
        _fail(str(e))
        return None


def _replay(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.record.save import load, read_document, recorded_records

    if args.verify:
        doc, game, check = load(args.save, rb)
        t = game.state.tally
        scenario = rb.scenarios[doc.scenario]
        print(f"{args.save}: {scenario.title}, seed {doc.seed}, game {doc.game}; {check.turns} of {scenario.turns} turns")
        print(f"outcome: relation {__import__('wargame.model', fromlist=['STAGES']).STAGES[game.state.relation.stage]}; "
              f"rapprochement {'turn ' + str(t.rapprochement_turn) if t.rapprochement_turn >= 0 else 'none'}; "
              f"offshoots {t.offshoots_formed}; second splits {t.second_splits}")
        if check.rules_changed:
            print("the rules or decks have changed since this save was made")
        print(check.message)
        return 0 if check.verified else 1
    if not args.log and _terminal():
        from wargame.tui.app import WargameApp

        doc, game, check = load(args.save, rb)
        if not check.verified:
            print(f"wargame: {args.save}: {check.message}; showing the replay with the current rules "
                  f"(wargame replay {args.save} --log prints the log as it was played)", file=sys.stderr)
        WargameApp(rb, replay=(game, args.save)).run()
        return 0
    if args.seat:
        return _seat_log(rb, args)
    from wargame.record.game import Note, ResolveTurn
    from wargame.record.report import unfinished_line

    doc = read_document(args.save)
    records = recorded_records(doc)
    notes = {}
    for c in doc.commands:
        if isinstance(c, Note):
            notes.setdefault(c.turn, []).append(c)
    # the log as it was played, without replaying it: it says it is unfinished from the commands
    scenario = rb.scenarios.get(doc.scenario)
    played = len({c.turn for c in doc.commands if isinstance(c, ResolveTurn)})
    if scenario is not None and played < scenario.turns:
        print(unfinished_line(played + 1, scenario.turns, played))
    turns = sorted({r.turn for r in records} | set(notes))
    for turn in turns:
        if args.turn and turn != args.turn:
            continue
        print(f"== Turn {turn} ==")
        for n in notes.get(turn, []):
            print(f"  note   {n.text}" + (f" [bookmark: {n.bookmark}]" if n.bookmark else ""))
        for r in records:
            if r.turn == turn and (r.happened or r.kind == "order" or r.original is not None):
                print(f"  {r.phase[:6]:6} {r.line()}")
    return 0


def _seat_log(rb: Rulebook, args: argparse.Namespace) -> int:
    """The log as one cell may see it: the game is replayed to know what was secret when."""
    from wargame.model import CELL_TITLES
    from wargame.record import fog
    from wargame.record.report import unfinished
    from wargame.record.save import load

    doc, game, check = load(args.save, rb)
    if not check.verified:
        return _fail(f"{args.save}: {check.message}; a cell's log needs a save that verifies "
                     f"(wargame replay {args.save} --log --facilitator prints it as it was recorded)", EXIT_BAD_DATA)
    seat = args.seat
    stop = unfinished(game)
    if stop:
        print(stop)
    print(f"The log as the {CELL_TITLES[seat]} may see it: the other cells' secret tracks are hidden.")
    records = fog.seat_records(game, seat)
    told: dict[int, list] = {}
    for a in fog.announcements(game, seat):
        told.setdefault(a.turn, []).append(a)
    for turn in sorted(set(records) | set(told)):
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
    from wargame.record import report
    from wargame.record.save import load

    doc, game, check = load(args.save, rb)
    if not check.verified:
        return _fail(f"{args.save}: {check.message}; no report written (see: wargame replay {args.save} --verify)",
                     EXIT_BAD_DATA)
    seat = args.seat or report.FACILITATOR
    outputs: list[tuple[Path | None, str]] = []
    stem = args.save.with_suffix("")
    suffix = f".{args.seat}" if args.seat else ""  # a cell's handout never overwrites the facilitator's report
    if args.format == "markdown":
        outputs.append((args.out or stem.with_name(stem.name + f".report{suffix}.md"), report.markdown(game, seat=seat)))
    elif args.format == "json":
        outputs.append((args.out or stem.with_name(stem.name + f".report{suffix}.json"), report.as_json(game, seat)))
    else:
        base = args.out.with_suffix("") if args.out and str(args.out) != "-" else stem
        tracks = report.as_csv(report.tracks_per_turn(game, seat))
        events = report.as_csv(report.event_log(game, seat))
        if args.out and str(args.out) == "-":
            outputs.append((Path("-"), tracks))
        else:
            outputs.append((base.with_name(base.name + f"{suffix}.tracks.csv"), tracks))
            outputs.append((base.with_name(base.name + f"{suffix}.events.csv"), events))
        stop = report.unfinished(game)
        if stop:  # a CSV file has no room for it: said beside it
            print(stop, file=sys.stderr if args.out and str(args.out) == "-" else sys.stdout)
    for path, text in outputs:
        if str(path) == "-":
            sys.stdout.write(text)
        else:
            _write_text(path, text)
            print(f"wrote {path}")
    return 0


def _write_text(path: Path, text: str) -> None:
    """Atomic, like saves: a report is never left half-written."""
    from wargame.record.save import SaveError

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise SaveError(f"could not write {path}: {e.strerror or e}") from None


def _fork(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.record.game import CommandError
    from wargame.record.save import SaveError, document, load, new_game_id, write_save

    doc, game, check = load(args.save, rb)
    if not check.verified:
        return _fail(f"{args.save}: {check.message}", EXIT_BAD_DATA)
    if args.out.exists():
        raise SaveError(f"{args.out} exists already: a fork is a new game, choose another name")
    try:
        child = game.fork(args.turn, new_game_id(), str(args.save))
    except CommandError as e:
        return _fail(str(e))
    write_save(args.out, document(child))
    print(f"wrote {args.out}: game {child.header.game}, forked from {doc.game} at turn {args.turn}; "
          f"continue it with: wargame play --headless --load {args.out}")
    return 0


def _bench(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.engine import new_game
    from wargame.headless import bots_for, parse_seats, play

    if args.saves:
        return _bench_saves(rb, args)
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


def _bench_saves(rb: Rulebook, args: argparse.Namespace) -> int:
    """Load-and-verify time of a full game's save, and of one ten times longer."""
    import tempfile

    import attrs

    from wargame.examples import random_choosers
    from wargame.model import CELLS
    from wargame.record.game import Game, Header, play_bots
    from wargame.record.save import document, load, write_save

    base = rb.scenarios[args.scenario]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for factor in (1, 10):
            turns = base.turns * factor
            scenario = attrs.evolve(base, turns=turns, initial=attrs.evolve(base.initial, last_turn=turns))
            book = attrs.evolve(rb, scenarios={**rb.scenarios, args.scenario: scenario})
            game = Game(book, Header(args.scenario, args.seed, {c: "random" for c in CELLS}, "bench", f"bench{factor}"))
            play_bots(game, random_choosers(book, args.seed))
            path = Path(folder) / f"bench-{factor}.json"
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
    (t1, m1), (t10, m10) = results
    print(f"a {t10 // t1}x longer game takes {m10 / m1:.1f}x as long to load and verify")
    return 0


if __name__ == "__main__":
    sys.exit(main())
