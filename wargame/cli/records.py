"""``wargame replay``, ``report`` and ``fork``: what a saved game holds, checked by replaying it first.

``replay`` opens the replay viewer, prints the log (the facilitator's, or a cell's with ``--seat``)
or verifies the save (``--verify``); ``report`` writes the after-action report for a cell or the
facilitator (Markdown, one printable HTML page, JSON or CSV; a finished game's report places it
among bot games from the same start, ``--odds``); ``fork`` branches the game at the start of a
turn into a new save.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from wargame.cli import arguments, terminal
from wargame.cli.exits import EXIT_BAD_DATA, fail
from wargame.engine.rulebook import Rulebook

COMMANDS = ("replay", "report", "fork")
FORMATS = ("markdown", "html", "json", "csv")
# --odds: bot games played from the same start to place a finished game among (a report of the
# longest scenario with 100 takes some 6 seconds more on a laptop): the end screen's number too,
# wargame.analysis.futures.ODDS_RUNS, and at most its MAX_RUNS (not imported here: it would load
# the analysis on every command; a test holds the two equal).
ODDS_DEFAULT = 100
ODDS_MAX = 10_000


def odds_runs(text: str) -> int:
    """--odds: 0 (none) to ODDS_MAX bot games."""
    return arguments.bounded(ODDS_MAX, "a whole number of games", least=0)(text)


def add_parsers(subparsers: Any) -> None:
    """Add the ``replay``, ``report`` and ``fork`` commands to ``subparsers`` (what ``add_subparsers`` returned)."""
    replay = subparsers.add_parser("replay", help="open a saved game in the replay viewer, print its log, or verify it")
    replay.add_argument("save", type=arguments.file_path)
    replay.add_argument("--verify", action="store_true",
                        help="replay it and check every digest and record, the checksum and the signature")
    replay.add_argument("--log", action="store_true", help="print the log as it was played, once checked (no terminal UI)")
    replay.add_argument("--turn", type=arguments.positive, help="with --log: only this turn")
    replay.add_argument("--rules", dest="replay_rules", choices=("saved", "current"), default="saved",
                        help="replay with the rules and decks saved in it (saved, the default) or today's (current), "
                             "naming the first turn that differs")
    arguments.whose_options(replay, "with --log: ")
    arguments.key_file_option(replay)

    report = subparsers.add_parser("report", help="write the after-action report of a saved game, for a cell or the facilitator")
    report.add_argument("save", type=arguments.file_path)
    report.add_argument("--format", choices=FORMATS, default="markdown",
                        help="markdown (the default), html (one self-contained page to print or project), json or csv")
    report.add_argument("--odds", type=odds_runs, default=None, metavar="N",
                        help=f"markdown and html, a finished game: place it among N bot games played from the same start "
                             f"(default {ODDS_DEFAULT}; 0 for none; at most {ODDS_MAX:,})")
    report.add_argument("--out", type=arguments.file_path,
                        help="where to write ('-': standard output); by default beside the save when standard output is a "
                             "terminal, else to standard output (wargame report SAVE | less)")
    report.add_argument("--force", action="store_true",
                        help="replace an existing file that is not a report (never a save)")
    arguments.whose_options(report, "")

    fork = subparsers.add_parser("fork", help="branch a saved game at the start of a turn into a new save")
    fork.add_argument("save", type=arguments.file_path)
    fork.add_argument("--turn", type=arguments.positive, required=True, help="the first turn the new game plays differently")
    fork.add_argument("--out", type=arguments.save_path, required=True, help="the new save")
    fork.add_argument("--force", action="store_true",
                      help="replace an existing file that is not a save (never a save)")
    arguments.key_file_option(fork)


def records_command(rb: Rulebook, args: argparse.Namespace) -> int:
    """``wargame replay``, ``report`` or ``fork`` (``args.command``): 0, or one line on stderr and the exit code."""
    from wargame.record.document import SaveError

    command = args.command
    # A save that is not there is said first: choosing whose log it is would not help
    if not os.path.lexists(args.save):
        return fail(f"{args.save}: no such file", EXIT_BAD_DATA)
    if os.path.isdir(args.save):
        return fail(f"{args.save}: a folder, not a save", EXIT_BAD_DATA)
    refusal = None
    if command == "report":
        refusal = arguments.needs_whose(args, "a report")
    elif command == "replay" and args.verify:
        # (what --verify does not use is said, not passed over)
        loose = [o for o, v in (("--turn", args.turn), ("--seat", args.seat), ("--facilitator", args.facilitator)) if v]
        if args.log:
            refusal = "--verify checks the save and --log prints it: give one of them"
        elif loose:
            refusal = f"{' and '.join(loose)} go{'es' if len(loose) == 1 else ''} with the log, not with --verify"
    elif command == "replay":
        printed = args.log or not terminal.at_terminal()  # without a terminal, replay prints the log
        if printed:
            refusal = arguments.needs_whose(args, "a log")
        elif args.seat:
            refusal = "the replay viewer is the facilitator's; for what a cell may see: --log --seat CELL"
        elif args.turn:
            refusal = "--turn goes with --log (the replay viewer moves between turns by itself)"
    if refusal:
        return fail(refusal)

    try:
        return {"replay": _replay, "report": _report, "fork": _fork}[command](rb, args)
    except SaveError as e:
        return fail(str(e), EXIT_BAD_DATA)


def _turn_refusal(args: argparse.Namespace, turns: set[int], last: int | None) -> str | None:
    """With --turn N: why turn N cannot be shown (None if it can)."""
    if not args.turn or args.turn in turns:
        return None
    held = f"turns {min(turns)} to {max(turns)}" if turns else "no turn yet"
    if last is not None and args.turn > last:
        return f"--turn {args.turn}: the game has {last} turns (this save holds {held})"
    return f"--turn {args.turn}: that turn is not in this save (it holds {held})"


def _replay(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.record.load import load, recorded_records

    rules = getattr(args, "replay_rules", "saved")
    if args.verify:
        doc, game, check = load(args.save, rb, rules)
        t = game.state.tally
        scenario = game.rulebook.scenarios[doc.scenario]
        print(f"{args.save}: {scenario.title}, seed {doc.seed}, game {doc.game}; {check.turns} of {scenario.turns} turns")
        print(f"outcome: relation {game.rulebook.stage_title(game.state.relation.stage)}; "
              f"rapprochement {'turn ' + str(t.rapprochement_turn) if t.rapprochement_turn >= 0 else 'none'}; "
              f"offshoots {t.offshoots_formed}; second splits {t.second_splits}")
        if check.today_differs:
            print(f"the rules or decks have changed since this save was made; replayed with {check.rules}"
                  + ("" if check.rules_changed else " (--rules current replays it under today's)"))
        for line in check.details:
            print(line)
        print(check.message)
        return 0 if check.verified else 1
    if not args.log and terminal.at_terminal():
        from wargame.tui.app import WargameApp

        doc, game, check = load(args.save, rb, rules)
        if not check.verified:
            print(f"wargame: {args.save}: {check.message}; showing the replay with {check.rules}", file=sys.stderr)
        WargameApp(game.rulebook, replay=(game, args.save)).run()
        return 0
    if args.seat:
        return _seat_log(rb, args)
    from wargame.record.commands import Note, ResolveTurn, SetSeats
    from wargame.record.report import unfinished_line
    from wargame.record.seating import seat_words

    doc, game, check = load(args.save, rb, rules)
    if check.verified:
        shown = "checked: " + check.message
        records = [r for rs in game.records_by_turn().values() for r in rs]
    elif check.rules_changed and check.checksum not in ("differs", "missing"):
        # replayed with other rules than its own (an old save, or --rules current): what the
        # file holds is shown, and said to be unchecked
        shown = (f"{check.message}; replayed with {check.rules}. Below, the records as the file holds them, "
                 "not checked by the replay")
        records = recorded_records(doc)
    else:
        return fail(f"{args.save}: {check.message}; its log is not printed (see: wargame replay {args.save} --verify)",
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
        return fail(refusal)
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
                print(f"  {r.phase[:6]:6} {r.line(game.rulebook)}")
    return 0


def _seat_log(rb: Rulebook, args: argparse.Namespace) -> int:
    """The log as one cell may see it: the game is replayed to know what was secret when."""
    from wargame.record import fog
    from wargame.record.load import load
    from wargame.record.report import unfinished

    doc, game, check = load(args.save, rb, getattr(args, "replay_rules", "saved"))
    if not check.verified:
        return fail(f"{args.save}: {check.message}; a cell's log needs a save that verifies "
                     f"(wargame replay {args.save} --log --facilitator prints it as it was recorded)", EXIT_BAD_DATA)
    seat = args.seat
    records = fog.seat_records(game, seat)
    told: dict[int, list] = {}
    for a in fog.announcements(game, seat):
        told.setdefault(a.turn, []).append(a)
    turns = sorted(set(records) | set(told))
    refusal = _turn_refusal(args, set(turns) | set(game.records_by_turn()), game.state.last_turn)
    if refusal:
        return fail(refusal)
    stop = unfinished(game)
    if stop:
        print(stop)
    print(f"The log as the {game.rulebook.title(seat)} may see it: the other cells' secret tracks are hidden.")
    for turn in turns:
        if args.turn and turn != args.turn:
            continue
        print(f"== Turn {turn} ==")
        for a in told.get(turn, []):
            for line in a.lines():
                print(f"  white  {line}")
        for r in records.get(turn, []):
            if r.happened or r.kind == "order" or r.original is not None:
                print(f"  {r.phase[:6]:6} {r.line(game.rulebook, ref=False)}")
    return 0


def _report(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.files import FileProblem, Kind, refusal, write_file
    from wargame.record import report
    from wargame.record.load import load

    if args.odds and args.format not in ("markdown", "html"):
        return fail(f"--odds: for --format markdown or html, not {args.format}")
    doc, game, check = load(args.save, rb)
    if not check.verified:
        return fail(f"{args.save}: {check.message}; no report written (see: wargame replay {args.save} --verify)",
                     EXIT_BAD_DATA)
    seat = args.seat or report.FACILITATOR
    # To standard output with --out -, or without --out when it is not a terminal (a pipe, a file):
    # ``wargame report SAVE | head`` shows the report. At a terminal, the file beside the save.
    to_terminal = str(args.out) == "-" if args.out is not None else not terminal.output_at_terminal()
    out = Path("-") if to_terminal else args.out
    outputs: list[tuple[Path, str, Kind]] = []
    stem = args.save.with_suffix("")
    suffix = f".{args.seat}" if args.seat else ""  # a cell's handout never overwrites the facilitator's report
    if args.format in ("markdown", "html"):
        odds = _odds(game, args)
        if isinstance(odds, str):
            return fail(odds)
        dates = (doc.created, doc.updated) if doc.created else None
        if args.format == "markdown":
            text = report.markdown(game, seat=seat, odds=odds, dates=dates)
            outputs.append((out or stem.with_name(stem.name + f".report{suffix}.md"), text,
                            Kind("a report", report.is_markdown_report)))
        else:
            from wargame.record import report_html

            text = report_html.html(game, seat=seat, odds=odds, dates=dates)
            outputs.append((out or stem.with_name(stem.name + f".report{suffix}.html"), text,
                            Kind("an HTML report", report_html.is_html_report)))
    elif args.format == "json":
        text = report.as_json(game, seat)
        outputs.append((out or stem.with_name(stem.name + f".report{suffix}.json"), text,
                        Kind("a JSON report", report.is_json_report)))
    else:
        if out and not to_terminal and (not out.name or out.is_dir() or str(out).endswith("/")):
            return fail(f"--out {out}: a folder; for the CSV export --out names the files "
                         "(--out notes/game.csv writes notes/game.tracks.csv, notes/game.events.csv...)")
        base = out.with_suffix("") if out and not to_terminal else stem
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
                return fail(why, EXIT_BAD_DATA)
    for path, text, kind in outputs:
        if str(path) == "-":
            sys.stdout.write(text)
        else:
            try:
                write_file(path, text, kind, force=args.force)
            except FileProblem as e:
                return fail(str(e), EXIT_BAD_DATA)
            print(f"wrote {path}")
    return 0


def _odds(game: Any, args: argparse.Namespace) -> list[str] | str:
    """Where the finished game falls among ``--odds`` bot games from the same start, in sentences
    (the record layer may not play them: the analysis is above it); [] for none, or the one-line
    refusal of an --odds the game cannot have. They are worked out from the true board, so a
    cell is shown them only once the game is over, as everyone is."""
    runs = ODDS_DEFAULT if args.odds is None else args.odds
    state = game.state
    if not runs or not state.over:
        if args.odds and not state.over:
            return (f"--odds: the game is not over (turn {state.turn} of {state.last_turn}): only a finished game is "
                    "placed among bot games (they are played from the true board); --odds 0 for the report without")
        return []
    from wargame.analysis.futures import futures, outcome_of, placing
    from wargame.analysis.progress import progress_bar
    from wargame.engine.turn import new_game

    rb = game.rulebook
    h = game.header
    opening = new_game(rb, h.scenario, h.seed)
    seats = "all=doctrine:mixed"
    with progress_bar(runs, f"--odds {runs}: bot games from the same start") as advance:
        among = futures(rb, opening, runs, seats, progress=lambda done: advance(1))
    return [f"Where this game falls among {among.runs} bot games played from the same start ({seats} in every "
            "seat, each with dice of its own):"] + placing(outcome_of(rb, state), among)


def _fork(rb: Rulebook, args: argparse.Namespace) -> int:
    from wargame.record.commands import CommandError
    from wargame.record.load import load
    from wargame.record.save import document, new_game_id, write_save

    doc, game, check = load(args.save, rb)
    if not check.verified:
        return fail(f"{args.save}: {check.message}", EXIT_BAD_DATA)
    try:
        child = game.fork(args.turn, new_game_id(), str(args.save))
    except CommandError as e:
        return fail(str(e))
    # a fork is a new game: never over an existing file (with --force, over one that is not a save)
    write_save(args.out, document(child), new=not args.force, force=args.force)
    print(f"wrote {args.out}: game {child.header.game}, forked from {doc.game} at turn {args.turn}; "
          f"continue it with: wargame play --headless --load {args.out}")
    return 0
