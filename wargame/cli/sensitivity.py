"""``wargame sensitivity``: which parameters drive an outcome, as Sobol indices over their declared ranges.

The arguments are checked before any game (a wrong parameter, metric, scenario or seat list, or
one with no declared range, is one line on stderr and exit 2, listing the choices); the study is
run by :mod:`wargame.analysis.sensitivity`; the indices print as a table, sorted by total index
(``--json``: as JSON), with a bar chart drawn by plotext (``--chart``). Games per second go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import attrs

from wargame.cli import arguments
from wargame.cli.exits import fail
from wargame.engine.rulebook import Rulebook

RUNS_PER_POINT = 32
"""The default games a point. Game-to-game noise in a point's average shrinks as 1/runs: at 4 runs
it was ~800% of the variance between the points (rapprochement, three parameters); at 32 it is
~110%. With the points sharing batches the default study (5,120 games) takes ~21 s of one core,
less than its 640 games took a point at a time (~27 s); more runs lower the noise further."""


def samples_count(text: str) -> int:
    """--samples: a power of two (the Sobol sequence's balance holds only there), 2..4096."""
    value = arguments.bounded(4096)(text)
    if value < 2 or value & (value - 1):
        raise argparse.ArgumentTypeError(f"a power of two from 2 to 4096 (e.g. 16, 32, 64), not {value}")
    return value


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("sensitivity", help="which parameters drive an outcome: Sobol indices over their declared ranges")
    p.add_argument("--params", required=True,
                   help="the parameters to vary, e.g. talks_per_gap,ego_weight,gap_threshold (each with a range in "
                        "[parameter_ranges] of rules/parameters.toml)")
    p.add_argument("--metric", default="rapprochement",
                   help="the outcome, one number a game (default rapprochement; every one: wargame calibrate --metrics)")
    p.add_argument("--samples", type=samples_count, default=32,
                   help="Sobol base samples, a power of two (default 32): samples x (parameters + 2) points are played")
    p.add_argument("--runs-per-point", type=arguments.bounded(10_000), default=RUNS_PER_POINT,
                   help=f"bot games at each point, the metric averaged over them (default {RUNS_PER_POINT}); the output "
                        "says how large the game-to-game noise is beside the variance between the points: more runs "
                        "lower it and sharpen the indices")
    p.add_argument("--seed", type=arguments.seed, default=1,
                   help="master seed: the points, each game's seed and the bootstrap derive from it (default 1)")
    p.add_argument("--scenario", type=arguments.given, default="spring-2016", help="scenario id (default: spring-2016)")
    p.add_argument("--seats", type=arguments.given, default="all=doctrine", help="bots per seat (default all=doctrine)")
    p.add_argument("--workers", type=arguments.workers, default=None, help=arguments.WORKERS_HELP)
    arguments.scheduler_option(p)
    arguments.engine_option(p)
    shown = p.add_mutually_exclusive_group()  # (a chart after the JSON would make it unreadable as JSON)
    shown.add_argument("--json", action="store_true", help="print the indices as JSON")
    shown.add_argument("--chart", action="store_true", help="draw S1 and ST per parameter as a bar chart (plotext)")


def sensitivity_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame sensitivity``: returns the exit code (0; 2 for a wrong argument; 3 for bad ranges;
    1 for a study whose indices cannot be worked out)."""
    from wargame.analysis import sensitivity as sa
    from wargame.analysis.catalogue import metric_catalogue
    from wargame.analysis.pool import MAX_RUNS
    from wargame.analysis.progress import console, progress_bar, report_rate
    from wargame.bots.play import parse_seats
    from wargame.engine.parameters import declared_ranges

    ranges = declared_ranges(args.rules, rulebook.parameters)  # RulebookError: exit 3 (wargame.cli.main)
    names = [x.strip() for x in args.params.split(",") if x.strip()]
    args.metric = sa.METRIC_ALIASES.get(args.metric, args.metric)
    try:
        sa.choose(rulebook, ranges, names, args.metric, (n for n, _ in metric_catalogue(rulebook)))
    except sa.SensitivityError as e:
        return fail(str(e), e.code)
    if args.scenario not in rulebook.scenarios:
        return fail(f"no scenario {arguments.shown(args.scenario)!r} (scenarios: {', '.join(rulebook.scenarios)})")
    try:
        seats = parse_seats(args.seats)
    except ValueError as e:
        return fail(str(e))
    points = args.samples * (len(names) + 2)
    games = points * args.runs_per_point
    if games > MAX_RUNS:
        return fail(f"{args.samples} samples x {len(names) + 2} x {args.runs_per_point} runs per point is {games:,} games, "
                    f"more than {MAX_RUNS:,}: use fewer samples or runs per point")
    prob = sa.problem(ranges, names, [n for n in names if sa.whole(rulebook, n)])
    study = sa.GameStudy(rulebook, tuple(names), ranges, args.scenario, seats, args.metric, args.runs_per_point, args.seed,
                          args.engine)
    from wargame.analysis.sensitivity_runs import make_runner
    stats: dict[str, Any] = {}
    from wargame.analysis.cluster import ClusterError
    from wargame.cli.studies import connect

    try:
        cluster = connect(args, rulebook)  # before any game: a wrong address is one line
    except ClusterError as e:
        return fail(str(e), 2)
    start = time.perf_counter()
    try:
        with progress_bar(games, f"sensitivity {args.metric}") as advance:
            runner, workers = make_runner(rulebook, games, args.workers, args.rules, args.decks, advance, cluster,
                                          args.engine)
            if args.engine == "batch":  # the points' games in chunks, each one batch (see wargame.analysis.sensitivity)
                apart = sa.shares_batches(rulebook, names, ranges)
                if apart:
                    print(apart, file=sys.stderr)
                study = attrs.evolve(study, chunk=sa.chunk_games(games, workers), shared=apart is None)
            else:
                study = attrs.evolve(study, chunk=sa.chunk_games(games, workers, "scalar"), shared=False)
            _, ys, indices = sa.run_study(prob, args.samples, args.seed, sa.evaluate_games(study, runner, stats))
    except sa.SensitivityError as e:
        return fail(str(e), e.code)
    elapsed = time.perf_counter() - start
    summary = {
        "metric": args.metric, "scenario": args.scenario, "seats": seats, "seed": args.seed,
        "samples": args.samples, "points": points, "runs_per_point": args.runs_per_point, "games": games,
        "mean": float(ys.mean()), "variance": float(ys.var()), "noise": stats.get("noise"),
        "games_not_applying": stats.get("skipped", 0),
        "ranges": {n: {"value": rulebook.parameters[n], "range": list(ranges[n])} for n in names},
        "indices": [i.as_dict() for i in indices],
    }
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print_indices(console(), rulebook, summary, indices)
    if args.chart:
        print(bar_chart(indices))
    report_rate(games, elapsed, workers)
    return 0


def print_indices(out: Any, rulebook: Rulebook, summary: dict[str, Any], indices: list[Any]) -> None:
    """The table: a row a parameter, the largest total index first, with what it means below."""
    from rich.table import Table
    from rich.text import Text

    s = summary
    out.print(Text(f"Sensitivity of {s['metric']} ({s['scenario']}, {', '.join(f'{c}={k}' for c, k in s['seats'].items())}): "
                   f"{s['points']} points x {s['runs_per_point']} games = {s['games']} games, seed {s['seed']}", style="bold"))
    table = Table(title_justify="left")
    table.add_column("parameter", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("range", justify="right", no_wrap=True)
    table.add_column("S1 [95% CI]", justify="right", no_wrap=True)
    table.add_column("ST [95% CI]", justify="right", no_wrap=True)
    for i in indices:
        lo, hi = s["ranges"][i.name]["range"]
        table.add_row(i.name, f"{rulebook.parameters[i.name]:g}", f"{lo:g} .. {hi:g}", _ci(i.s1, i.s1_conf), _ci(i.st, i.st_conf))
    out.print(table)
    noise = s["noise"]
    out.print(f"{s['metric']}: mean {s['mean']:.3g}, variance {s['variance']:.3g} over the points"
              + (f"; game-to-game noise is about {noise:.0%} of that variance (it raises every ST)" if noise is not None else "")
              + (f"; {s['games_not_applying']} games where it does not apply left out" if s["games_not_applying"] else ""),
              highlight=False)
    out.print("S1: the share of the metric's variance a parameter explains alone; ST: with its interactions. Estimates "
              "with bootstrap intervals, not verdicts: an interval reaching 0 means no clear effect at these samples.",
              highlight=False)
    if any(not -0.05 <= v <= 1.05 for i in indices for v in (i.s1, i.st)):
        # a share is within 0..1; Saltelli's estimators are not bounded, and noise carries them past it
        out.print("An index below 0 or above 1 is an estimate carried past what a share can be by too few samples "
                  "or games a point: raise --samples or --runs-per-point.", highlight=False)


def _ci(value: float, conf: float) -> str:
    return f"{value:.3f} [{value - conf:.3f} .. {value + conf:.3f}]"


def bar_chart(indices: list[Any], width: int = 78, height: int = 16) -> str:
    """S1 and ST of each parameter as grouped bars, plain text (plotext, no colours)."""
    import re

    import plotext

    plotext.clear_figure()
    plotext.theme("clear")
    plotext.plot_size(width, height)
    labels = [i.name for i in indices]
    plotext.multiple_bar(labels, [[max(0.0, i.s1) for i in indices], [max(0.0, i.st) for i in indices]],
                         labels=["S1 (alone)", "ST (with interactions)"], marker=["░", "█"])
    plotext.title("Sobol indices, largest total first")
    text = re.sub(r"\x1b\[[0-9;]*m", "", plotext.build())
    plotext.clear_figure()
    return "\n".join(line.rstrip() for line in text.splitlines())
