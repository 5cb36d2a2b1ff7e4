"""``wargame simulate`` and ``wargame claims``: the command line's side of the Monte Carlo studies.

Each command checks its arguments (a wrong scenario, seat list or claim, a table's file name
without a known suffix, a scheduler that cannot be reached: one line on stderr and exit 2, before
any game), plays the games over worker processes or a Dask cluster
(:mod:`wargame.analysis.cluster`), sums them as they come back, and prints a table, Markdown or JSON
on stdout; games per second go to stderr. ``simulate --games-out`` and ``--series-out`` also write
every game, and every turn of it, to a table (:mod:`wargame.analysis.tables`) as the games come.
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from wargame.analysis.arms import BASELINE
from wargame.analysis.charts import bound_summary, bound_text, print_claims, print_simulation
from wargame.analysis.claims import ClaimResult, arms_of, chosen_claims, claims_games, run_claims, untestable
from wargame.analysis.cluster import Cluster, ClusterError, stream_chunks
from wargame.analysis.experiments import EXPERIMENTS, Untestable
from wargame.analysis.pool import Batch, scalar_note, workers_for
from wargame.analysis.progress import console, progress_bar, report_rate
from wargame.analysis.studies import SimulationTally
from wargame.analysis.tables import GAMES, SERIES, TableWriter, game_columns, game_row, series_columns, series_rows, table_format
from wargame.bots.play import parse_seats
from wargame.cli.exits import fail
from wargame.engine.rulebook import Rulebook
from wargame.files import StreamedFile


def _seats_or_complain(rulebook: Rulebook, args: Any) -> dict[str, str] | None:
    """The scenario and seats of a command line, or None after a one-line complaint."""
    if args.scenario not in rulebook.scenarios:
        print(f"wargame: no scenario {_short(repr(args.scenario))} (scenarios: {', '.join(rulebook.scenarios)})",
              file=sys.stderr)
        return None
    try:
        return parse_seats(args.seats)
    except ValueError as e:
        print(f"wargame: {_short(str(e), 300)}", file=sys.stderr)
        return None


def _short(text: str, most: int = 60) -> str:
    """An argument as a complaint shows it: one line, cut short."""
    text = " ".join(text.split())  # every line-breaking character (\u2028, \x1c...), not only \n and \r
    return text if len(text) <= most else text[: most - 1] + "…"


def connect(args: Any, rulebook: Rulebook) -> Cluster | None:
    """The Dask cluster of ``--scheduler``, connected (None without it); :class:`ClusterError` if
    it cannot be used. Its workers load ``rulebook`` from its files, sent to them once (its bundle,
    as a save carries it), or are sent the object where its files are not at hand."""
    address = getattr(args, "scheduler", None)
    if not address:
        return None
    from wargame.record.bundle import bundle_of, rulebook_from

    bundle = bundle_of(rulebook)
    return Cluster(address, (rulebook_from, (bundle, rulebook.digest)) if bundle else None)


def _tables(args: Any) -> list[tuple[Path, str, str]] | str:
    """(file, suffix, what) of each table simulate is asked to write, or the one-line complaint."""
    outs = [(args.games_out, "games"), (args.series_out, "series")]
    chosen = []
    for path, what in outs:
        if path is None:
            continue
        try:
            chosen.append((path, table_format(path), what))
        except ValueError as e:
            return str(e)
    if len(chosen) == 2 and Path(chosen[0][0]).absolute() == Path(chosen[1][0]).absolute():
        return f"--games-out and --series-out name the same file {_short(str(chosen[0][0]))}: give each its own"
    return chosen


def simulate_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame simulate``: bot-only games, outcomes with 95% intervals, charts; games/s on stderr;
    with ``--games-out``/``--series-out``, every game (and turn) written to a table as it comes.
    Returns the exit code: 0, or 2 for a wrong scenario, seat list, table name or scheduler."""
    seats = _seats_or_complain(rulebook, args)
    if seats is None:
        return 2
    tables = _tables(args)
    if isinstance(tables, str):
        return fail(tables)
    wanted = {what for _, _, what in tables}
    batches = [Batch(args.scenario, seats, BASELINE, args.runs, args.seed, tracks="series" in wanted, engine=args.engine)]
    start = time.perf_counter()
    tally = SimulationTally(rulebook, args.scenario)  # the games are summed as they come, not kept
    columns = {"games": lambda: game_columns(rulebook), "series": lambda: series_columns(rulebook, args.scenario)}
    try:
        with contextlib.ExitStack() as stack:
            writers = {}
            for path, suffix, what in tables:  # refused here, before any game, if it may not be written
                out = stack.enter_context(StreamedFile(path, GAMES if what == "games" else SERIES, force=args.force))
                writers[what] = TableWriter(out, suffix, columns[what](), what)
                stack.callback(writers[what].close)  # before its file is let go of, if the run fails
            cluster = connect(args, rulebook)
            advance = stack.enter_context(progress_bar(args.runs, f"simulate {args.scenario}"))
            games = stack.enter_context(stream_chunks(rulebook, batches, args.workers, cluster, args.rules, args.decks,
                                                      advance))
            for _, results in games:
                for r in results:
                    tally.add(r)
                    if "games" in writers:
                        writers["games"].write(game_row(r, args.scenario, seats))
                    if "series" in writers:
                        for row in series_rows(r):
                            writers["series"].write(row)
            for writer in writers.values():
                writer.finish()
    except ClusterError as e:
        return fail(str(e))
    elapsed = time.perf_counter() - start
    summary = {"seed": args.seed, "seats": seats, **tally.summary()}
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print_simulation(console(), summary)
    report_rate(args.runs, elapsed, games.workers)
    return 0


def claims_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame claims``: the article's claims as paired experiments. Returns the exit code: 0, or
    2 for a wrong scenario, seat list or claim."""
    seats = _seats_or_complain(rulebook, args)
    if seats is None:
        return 2
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    known = {getattr(e, "id", e.claim) for e in EXPERIMENTS} | {e.claim for e in EXPERIMENTS}
    unknown = [x for x in only or () if x not in known]
    if unknown:
        shown = ", ".join(x[:40] for x in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        print(f"wargame: no claim or experiment {shown} (see wargame claims --help)", file=sys.stderr)
        return 2
    batches = [Batch(args.scenario, seats, arm, args.runs, args.seed, engine=args.engine)
               for arm in arms_of(chosen_claims(only))]
    workers = workers_for(batches, args.workers)
    start = time.perf_counter()
    total = claims_games(args.runs, only)
    try:
        cluster = connect(args, rulebook)
        workers = cluster.threads if cluster else workers
        note = scalar_note(batches)  # once the run is sure to start
        if note:
            print(f"wargame: {note}", file=sys.stderr)
        with progress_bar(total, "claims") as advance:
            results = run_claims(rulebook, args.runs, args.seed, args.scenario, seats, workers, args.rules, args.decks,
                                 advance, only, cluster, args.engine)
    except ClusterError as e:
        return fail(str(e))
    elapsed = time.perf_counter() - start
    header = {"scenario": args.scenario, "runs": args.runs, "seed": args.seed, "seats": seats}
    if args.json:
        print(json.dumps({**header, "claims": [r.as_dict() for r in results],
                          "flagged": [r.id for r in results if r.flagged],
                          "untestable": [attrs.asdict(u) for u in untestable(only)]}, indent=2, ensure_ascii=False))
    elif args.markdown:
        print(claims_markdown(header, results, untestable(only)))
    else:
        print_claims(console(150), header, results, untestable(only))
    report_rate(total, elapsed, workers)
    return 0


_SIGN = {1: "+", -1: "-"}


def _fmt(v: float | None, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    if isinstance(v, float) and math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.{digits}f}"


def claims_markdown(header: Mapping[str, Any], results: Sequence[ClaimResult],
                    gone: Sequence[Untestable] = ()) -> str:
    """The claims as a Markdown table (``wargame claims --markdown``), with the verdicts counted and
    the claims no experiment can test (``gone``) listed with the reason."""
    lines = [
        f"# The article's claims as experiments ({header['scenario']}, {header['runs']} paired games, seed {header['seed']})",
        "",
        "Each experiment plays the same seeds twice, with and without one factor (common random numbers); the "
        "effect is the mean paired difference (with the factor minus without) with its 95% t interval. "
        "Observations are proportions over the baseline games with their 95% Wilson interval. A claim *matches* "
        "when the whole interval lies on the side the article expects.",
        "",
        "| id | claim | factor | outcome | expected | without | with | effect | 95% CI | verdict | at a bound |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.id} | {r.statement} | {r.factor} | {r.metric_label} | {_SIGN[r.expected]} | "
            f"{_fmt(r.control)} | {_fmt(r.treatment)} | {_fmt(r.effect)} | {_fmt(r.lo)} .. {_fmt(r.hi)} | {r.verdict} | "
            f"{bound_text(r)} |")
    counts = {v: sum(1 for r in results if r.verdict == v) for v in ("matches", "inconclusive", "contradicts")}
    lines += ["", f"{counts['matches']} match the article, {counts['inconclusive']} inconclusive, "
                  f"{counts['contradicts']} contradict it.", "", bound_summary(results)]
    if gone:
        lines += ["", "Not testable by experiment:", ""]
        lines += [f"- {u.claim} ({u.statement}): {u.reason}" for u in gone]
    return "\n".join(lines)
