"""``wargame calibrate``: play what the balance targets need, judge every target, print the report.

The targets are read by :mod:`wargame.analysis.targets` and judged by
:mod:`wargame.analysis.calibrate`. Each (scenario, seat set) the targets need is played once, N
games with seeds derived from a master seed (the same results whatever the number of workers).
The exit code is :data:`EXIT_MISSED` if any target is missed, :data:`EXIT_BAD_DATA` for a targets
file that cannot be used, :data:`EXIT_USAGE` for an unknown target, else 0.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from wargame.analysis.arms import BASELINE
from wargame.analysis.calibrate import EXEMPT, MET, MISSED, TOO_FEW, Estimate, Feed, Outcome, Row, feed, rows, tallies
from wargame.analysis.catalogue import metric_catalogue
from wargame.analysis.cluster import ClusterError, stream_chunks
from wargame.analysis.pool import Batch
from wargame.analysis.progress import console, progress_bar, report_rate
from wargame.analysis.targets import FAMILIES, PERCENT_STATS, STATS, Target, TargetsError, load_targets
from wargame.cli.exits import EXIT_BAD_DATA, EXIT_USAGE, fail
from wargame.cli.studies import connect
from wargame.engine.rulebook import TARGETS_FILE, Rulebook

EXIT_MISSED = 1
"""The exit code when a target is missed (a verdict, not an error: the report is printed)."""


def _fmt(target: Target, v: float) -> str:
    if math.isnan(v):
        return "-"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if target.stat in PERCENT_STATS:
        return f"{v * 100:.1f}%"
    if target.stat == "distinct":
        return f"{v:g}"
    return f"{v:.2f}"


def _value(target: Target, e: Estimate) -> str:
    if math.isnan(e.value):
        return "-"
    if target.stat == "distinct" or e.lo == e.hi == e.value:
        return _fmt(target, e.value)
    return f"{_fmt(target, e.value)} [{_fmt(target, e.lo)} .. {_fmt(target, e.hi)}]"


def _band(target: Target) -> str:
    return f"{_fmt(target, target.band[0])} .. {_fmt(target, target.band[1])}"


def _verdict_text(o: Outcome | Row) -> str:
    if isinstance(o, Row):
        v = o.verdict
        return v if v != TOO_FEW else "too few games"
    if o.verdict == TOO_FEW:
        return f"too few games (n={o.estimate.n})"
    if o.verdict == EXEMPT:
        return "exempt"
    return f"{o.verdict}" + (", CI in band" if o.inside else "")


_STYLE = {MET: "green", MISSED: "bold red", TOO_FEW: "yellow", EXEMPT: "dim"}


def print_report(console: Any, header: Mapping[str, Any], rows: Sequence[Row]) -> None:
    """The rich table: a row a target (and seat set); families show the count met, then only the
    items missed (and those exempt, with the reason)."""
    from rich.table import Table
    from rich.text import Text

    console.print(Text(f"Balance targets ({header['targets']}): {header['runs']} games per seat set, "
                       f"seed {header['seed']}", style="bold"))
    for name, seats in header["seat_sets"].items():
        console.print(f"  seat set {name}: " + ", ".join(f"{c}={k}" for c, k in seats.items()), highlight=False)
    table = Table(title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("target, and where its band comes from", ratio=1, overflow="fold")
    table.add_column("seats", no_wrap=True)
    table.add_column("value [95% CI]", justify="right", no_wrap=True)
    table.add_column("band", justify="right", no_wrap=True)
    table.add_column("n", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for row in rows:
        t = row.target
        title = Text(t.title)
        title.append(f"\n{t.source}", style="dim")
        if t.each is None:
            o = row.outcomes[0]
            table.add_row(t.id, title, row.seats, _value(t, o.estimate), _band(t), str(o.estimate.n),
                          Text(_verdict_text(o), style=_STYLE.get(o.verdict, "")))
            continue
        judged = len(row.judged)
        summary = f"{row.count(MET)}/{judged} met" + (f", {row.count(TOO_FEW)} too few" if row.count(TOO_FEW) else "")
        table.add_row(t.id, title, row.seats, summary, _band(t), "",
                      Text(_verdict_text(row), style=_STYLE.get(row.verdict, "")))
        for o in row.outcomes:
            if o.verdict == MISSED:
                table.add_row(Text(f"  └ {o.item}", style="red"), Text(o.metric, style="dim"), o.seats,
                              _value(t, o.estimate), "", str(o.estimate.n),
                              Text(_verdict_text(o), style=_STYLE[MISSED]))
            elif o.verdict == EXEMPT:
                table.add_row(Text(f"  └ {o.item}", style="dim"), Text(f"exempt: {o.reason}", style="dim"),
                              "", "", "", "", Text("exempt", style="dim"))
    console.print(table)
    counts = {v: sum(1 for r in rows if r.verdict == v) for v in (MET, MISSED, TOO_FEW)}
    console.print(f"{counts[MET]} met, {counts[MISSED]} missed, {counts[TOO_FEW]} with too few games "
                  f"(fewer than min_n games count; neither met nor missed).", highlight=False)
    console.print("A target is met when its estimate lies in the band; 'CI in band' when its whole 95% interval "
                  "does too. Family targets list only the items missed. --json gives every figure and each target's statistic.", highlight=False)


def metrics_command(rulebook: Rulebook, as_json: bool) -> int:
    """``wargame calibrate --metrics``: every metric a target may name, and the stats, as text or
    JSON on stdout; returns 0."""
    catalogue = metric_catalogue(rulebook)
    if as_json:
        print(json.dumps({"metrics": dict(catalogue), "stats": STATS, "families": list(FAMILIES)}, indent=2,
                         ensure_ascii=False))
        return 0
    width = max(len(n) for n, _ in catalogue)
    print("Metrics (one value per game; n/a where it does not apply; -1 for a turn that never came):")
    for name, meaning in catalogue:
        print(f"  {name:{width}}  {meaning}")
    print("\nStats:")
    for name, meaning in STATS.items():
        print(f"  {name:14}  {meaning}")
    print(f"\nFamilies (each = ...): {', '.join(FAMILIES)}; the metric then holds {{cell}}, {{objective}}, "
          "{rule}, {card}, {track}, or {cell} and {order}.")
    return 0


def calibrate_command(rulebook: Rulebook, args: Any) -> int:
    """``wargame calibrate``: play what the targets need, judge every target; returns the exit code
    (:data:`EXIT_MISSED` if any is missed)."""
    if args.metrics:
        return metrics_command(rulebook, args.json)
    path = Path(args.targets) if args.targets else Path(args.rules) / TARGETS_FILE
    try:
        targets = load_targets(path, rulebook)
    except TargetsError as e:
        print(f"wargame: {e}", file=sys.stderr)
        return EXIT_BAD_DATA
    chosen = list(targets.targets)
    if args.only:
        wanted = [x.strip() for x in args.only.split(",") if x.strip()]
        known = {t.id for t in chosen}
        unknown = [x for x in wanted if x not in known]
        if unknown:
            shown = ", ".join(x[:40] for x in unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            print(f"wargame: no target {shown} in {path} (see wargame calibrate --help)", file=sys.stderr)
            return EXIT_USAGE
        chosen = [t for t in chosen if t.id in wanted]
    needed: list[tuple[str, str]] = []
    for t in chosen:
        for s in t.seats:
            if (t.scenario, s) not in needed:
                needed.append((t.scenario, s))
    batches = [Batch(scenario, targets.seat_sets[s], BASELINE, args.runs, args.seed, engine=args.engine)
               for scenario, s in needed]
    total = args.runs * len(batches)
    # Each game goes into the tallies of the targets judged on its (scenario, seat set), and is
    # not kept: memory does not grow with --runs.
    fed = [tallies(t, rulebook, targets.seat_sets) for t in chosen]
    by_batch: list[list[Feed]] = [[] for _ in needed]
    for t, f in zip(chosen, fed):
        for (s, _), one in f.items():
            by_batch[needed.index((t.scenario, s))].append(one)
    start = time.perf_counter()
    try:  # here (--workers processes) or on the Dask cluster of --scheduler
        with (progress_bar(total, "calibrate") as advance,
              stream_chunks(rulebook, batches, args.workers, connect(args, rulebook), args.rules, args.decks, advance) as games):
            for b, results in games:
                for r in results:
                    feed(by_batch[b], r)
    except ClusterError as e:
        return fail(str(e))
    workers = games.workers
    elapsed = time.perf_counter() - start
    found = [row for t, f in zip(chosen, fed)
             for row in rows(t, rulebook, targets.seat_sets, {k: tally.estimate() for k, (tally, _, _) in f.items()})]
    header = {"targets": str(path), "runs": args.runs, "seed": args.seed,
              "seat_sets": {s: dict(targets.seat_sets[s]) for s in dict.fromkeys(s for _, s in needed)}}
    missed = sum(1 for r in found if r.verdict == MISSED)
    if args.json:
        print(json.dumps({**header, "missed": missed, "results": [r.as_dict() for r in found]},
                         indent=2, ensure_ascii=False))
    else:
        print_report(console(160), header, found)
    report_rate(total, elapsed, workers)
    return EXIT_MISSED if missed else 0
