"""``wargame play``: a game in the terminal UI, or headless with bots in every seat and its account printed.

With ``--load`` a saved game is continued where it stopped (checked first: a save that does not
verify is refused); with ``--save`` it is autosaved after every command.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from wargame.cli import arguments, terminal
from wargame.cli.exits import EXIT_BAD_DATA, EXIT_USAGE, fail
from wargame.engine.dice import fresh_seed
from wargame.engine.rulebook import Rulebook


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``play`` command to ``subparsers`` (what ``add_subparsers`` returned); the parser."""
    play = subparsers.add_parser("play", help="play a game")
    play.add_argument("--headless", action="store_true", help="no terminal UI: bots play and the account is printed")
    play.add_argument("--seats", type=arguments.given, default=None, help="who plays each cell: all=bot, or is=bot,coalition=human,... "
                      "(headless: all=bot; in the UI: humans in the coalition and governments seats)")
    play.add_argument("--scenario", type=arguments.given, default=None, help="scenario id (default: exercise)")
    play.add_argument("--seed", type=arguments.seed, default=None, help="the game's seed (default: a fresh one, printed)")
    play.add_argument("--turns", type=arguments.positive, default=None, help="stop after this many turns")
    play.add_argument("--verbose", action="store_true", help="also show rolls that failed")
    play.add_argument("--save", type=arguments.save_path, help="autosave the game to this file after every command")
    play.add_argument("--load", type=arguments.file_path, metavar="SAVE", help="continue a saved game where it stopped")
    play.add_argument("--exercise", type=arguments.title, default="", help="the exercise's name, kept in the save")
    play.add_argument("--force", action="store_true",
                      help="let --save replace a file that is not a save (never a save of another game)")
    arguments.key_file_option(play)
    return play


def play_command(rb: Rulebook, args: argparse.Namespace) -> int:
    """``wargame play``: 0, or one line on stderr and the exit code."""
    from wargame.record.document import SaveError

    if args.load is not None and arguments.kept_by_the_save(args):
        return fail(arguments.kept_by_the_save(args))  # type: ignore[arg-type]
    args.scenario = args.scenario or "exercise"
    try:
        if not args.headless:
            return _play_tui(rb, args)
        return _play_headless(rb, args)
    except SaveError as e:
        return fail(str(e), EXIT_BAD_DATA)


def _play_tui(rb: Rulebook, args: argparse.Namespace) -> int:
    if not terminal.at_terminal():
        return fail("the terminal UI needs a terminal; for a game without one: wargame play --headless")
    from wargame.record.document import SaveError
    from wargame.record.load import load
    from wargame.record.save import free_path, lock_save, new_game_id, save_refusal
    from wargame.table.session import Session, parse_seats
    from wargame.tui.app import WargameApp
    from wargame.tui.screens.start import DEFAULT_SEATS, SAVES

    if args.load:
        held = lock_save(args.load)  # before reading it: no other process continues it meanwhile
        try:
            doc, game, check = load(args.load, rb)
            if not check.verified:
                return fail(f"{args.load}: {check.message}; see: wargame replay {args.load} --verify", EXIT_BAD_DATA)
            save = args.save or args.load
            why = save_refusal(save, doc.game, force=args.force)  # before the game is on screen
            if why:
                raise SaveError(why)
            session = Session(game.rulebook, game, save=save, created=doc.created, force=args.force)
            session.resumed = True
        finally:
            held.release()  # the session holds its own lock now
    else:
        if args.scenario not in rb.scenarios:
            return fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
        try:
            seats = parse_seats(args.seats or "", DEFAULT_SEATS)
        except ValueError as e:
            return fail(str(e))
        seed = args.seed if args.seed is not None else fresh_seed()
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
    from wargame.engine.legality import legal_orders
    from wargame.engine.model import CELLS
    from wargame.engine.view import view
    from wargame.record.commands import CommandError
    from wargame.record.document import SaveError
    from wargame.record.game import Game, Header
    from wargame.record.load import load
    from wargame.record.save import Autosave, lock_save, new_game_id, now, save_refusal
    from wargame.record.seating import seat_words, seats_in_full

    with ExitStack() as held:
        autosave: Autosave | None = None
        if args.load:
            held.enter_context(lock_save(args.load))  # before reading it: nobody continues it meanwhile
            doc, game, check = load(args.load, rb)
            if not check.verified:
                return fail(f"{args.load}: {check.message}; see: wargame replay {args.load} --verify", EXIT_BAD_DATA)
            rb = game.rulebook  # the rules the game was played with (saved in it)
            # The save's seats, unless --seats says otherwise; headless play needs a bot in each.
            from wargame.table.session import parse_seats as seat_list

            try:
                seats = seats_in_full(seat_list(args.seats or "", doc.seats))
            except ValueError as e:
                return fail(str(e))
            people = [c for c in CELLS if not _is_bot(seats[c])]
            if people:
                return fail(f"headless play needs a bot in every seat; the save has none for {', '.join(people)}: "
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
                return fail(f"no scenario {args.scenario!r} (scenarios: {', '.join(rb.scenarios)})")
            args.seats = args.seats or "all=bot"  # headless: bots in every seat unless told otherwise
            seats = _seats(args.seats)
            if seats is None:
                return EXIT_USAGE
            seed = args.seed if args.seed is not None else fresh_seed()
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
            print(f"(replay this game with: {replay_command(args, seed)})")
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
            return fail(str(e), EXIT_BAD_DATA)
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
        fail(str(e))
        return None




def replay_command(args: argparse.Namespace, seed: int) -> str:
    """The command line that plays this headless game again, move for move: the same rules and
    decks folders (where they are not the default), scenario, seed, seats and number of turns."""
    import shlex

    from wargame.engine.rulebook import DECKS_DIR, RULES_DIR

    words = ["wargame"]
    for flag, given, default in (("--rules", getattr(args, "rules", None), RULES_DIR),
                                 ("--decks", getattr(args, "decks", None), DECKS_DIR)):
        if given is not None and os.path.abspath(given) != os.path.abspath(default):
            words += [flag, str(given)]
    words += ["play", "--headless", "--scenario", args.scenario, "--seed", str(seed), "--seats", args.seats]
    if args.turns is not None:
        words += ["--turns", str(args.turns)]
    return " ".join(shlex.quote(w) for w in words)
