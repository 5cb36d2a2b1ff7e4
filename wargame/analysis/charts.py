"""Terminal charts and tables for ``wargame simulate`` and ``wargame claims``.

Plain text with rich: bars for distributions, sparklines and a band chart for tracks over time,
so a facilitator can see at a glance when the rapprochement tends to come and how the war goes.
Everything here only draws what :mod:`wargame.analysis.studies` and :mod:`wargame.analysis.claims`
computed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from wargame.analysis.claims import ClaimResult
from wargame.analysis.experiments import Untestable

SPARKS = " ▁▂▃▄▅▆▇█"
BAR = "█"
PARTIAL = " ▏▎▍▌▋▊▉"
FLAG = "⚑"
SERIES_TITLES = {
    "territory": "IS territory (all theatres)",
    "power_gap": "Power gap (AQ - IS; >0: IS weaker)",
    "is_brutality": "IS brutality",
    "offshoots": "Offshoot groups in play",
    "stage": "AQ-IS relation (0 rivalry .. 4 split)",
    "faithful_reforms": "Theatres with faithful reform 5+",
    "avg_grievance": "Average grievance",
    "is_funds": "IS funds",
    "aq_affiliates": "AQ affiliate strength (all theatres)",
    "standing_gap": "Standing in the movement, AQ minus IS",
    "periphery": "IS territory outside Iraq and Syria",
}
"""The title of each track of :data:`wargame.analysis.metrics.SERIES` in the charts."""


def bar(value: float, most: float, width: int) -> str:
    """A horizontal bar of ``value`` out of ``most`` in ``width`` characters (eighths included)."""
    if most <= 0 or value <= 0:
        return ""
    cells = value / most * width
    full = int(cells)
    part = int((cells - full) * 8)
    return BAR * full + (PARTIAL[part] if part else "")


def sparkline(values: Sequence[float | None], lo: float | None = None, hi: float | None = None) -> str:
    """One character a value, from ``lo`` (lowest block) to ``hi`` (full block)."""
    xs = [v for v in values if v is not None]
    if not xs:
        return ""
    lo = min(xs) if lo is None else lo
    hi = max(xs) if hi is None else hi
    span = hi - lo
    out = []
    for v in values:
        if v is None:
            out.append(" ")
            continue
        level = 8 if span <= 0 else round((v - lo) / span * 7) + 1
        out.append(SPARKS[max(1, min(8, level))])
    return "".join(out)


def band_chart(p10: Sequence[float], p50: Sequence[float], p90: Sequence[float], height: int = 8,
               labels: Sequence[str] = ()) -> list[str]:
    """Tracks over time across runs: ``░`` spans the middle 80% of games each turn, ``█`` the median.

    Rows are value levels (top: highest), columns are turns."""
    values = [v for v in list(p10) + list(p90) if v is not None]
    if not values:
        return []
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1
    step = (hi - lo) / (height - 1)
    rows = []
    for r in range(height):
        level = hi - r * step
        line = []
        for a, m, b in zip(p10, p50, p90):
            if m is not None and abs(m - level) <= step / 2:
                line.append("█")
            elif a is not None and b is not None and a - step / 2 <= level <= b + step / 2:
                line.append("░")
            else:
                line.append(" ")
        rows.append(f"{level:7.1f} │" + "".join(ch * 2 for ch in line))
    rows.append(" " * 8 + "└" + "──" * len(p50))
    if labels:
        marks = [" "] * (2 * len(p50))
        for i, lab in enumerate(labels):
            if lab.endswith("Q1") or i == 0:
                year = lab[:4]
                for j, ch in enumerate(year):
                    if 2 * i + j < len(marks):
                        marks[2 * i + j] = ch
        rows.append(" " * 9 + "".join(marks))
    return rows


def _pct(v: float | None) -> str:
    return "-" if v is None else f"{v * 100:.1f}%"


def _num(v: float | None, digits: int = 2) -> str:
    if v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))):
        return "-"
    return f"{v:.{digits}f}"


def print_simulation(console: Console, summary: Mapping[str, Any]) -> None:
    """The outcomes table, rapprochement by year and by quarter, objectives, and the tracks."""
    seats = ", ".join(f"{c}={k}" for c, k in summary["seats"].items())
    console.print(Text(f"{summary['runs']} games of {summary['scenario']}, seed {summary['seed']}; seats: {seats}",
                       style="bold"))
    table = Table(title="Outcomes (95% intervals: Wilson for proportions, t for means)", title_justify="left")
    table.add_column("outcome")
    table.add_column("estimate", justify="right")
    table.add_column("95% CI", justify="right")
    table.add_column("", no_wrap=True)
    for e in summary["outcomes"]:
        if e["kind"] == "proportion":
            table.add_row(e["label"], _pct(e["value"]), f"{_pct(e['lo'])} .. {_pct(e['hi'])}",
                          bar(e["value"] or 0, 1, 20))
        else:
            table.add_row(e["label"], _num(e["value"]), f"{_num(e['lo'])} .. {_num(e['hi'])}", "")
    console.print(table)

    years = Table(title="Rapprochement by the end of each year (cumulative)", title_justify="left")
    years.add_column("year")
    years.add_column("share of games", justify="right")
    years.add_column("95% CI", justify="right")
    years.add_column("", no_wrap=True)
    for row in summary["rapprochement_by_year"]:
        years.add_row(str(row["year"]), _pct(row["value"]), f"{_pct(row['lo'])} .. {_pct(row['hi'])}",
                      bar(row["value"] or 0, 1, 30))
    console.print(years)

    rt = summary["rapprochement_turns"]
    hist = {int(k): v for k, v in rt["histogram"].items()}
    labels = {int(k): v for k, v in rt["labels"].items()}
    most = max(list(hist.values()) + [rt["never"], 1])
    console.print(Text("When the rapprochement came (games per quarter)", style="bold"))
    for t in sorted(hist):
        console.print(f"  {labels[t]:8} {hist[t]:5} {bar(hist[t], most, 50)}", highlight=False)
    console.print(f"  {'never':8} {rt['never']:5} {bar(rt['never'], most, 50)}", highlight=False)
    if rt.get("mean_turn") is not None:
        console.print(f"  mean turn when it came: {rt['mean_turn']:.1f}", highlight=False)

    obj = Table(title="Objectives per cell (points at the end; mean and 95% CI)", title_justify="left")
    obj.add_column("cell / objective")
    obj.add_column("mean", justify="right")
    obj.add_column("of", justify="right")
    obj.add_column("95% CI", justify="right")
    for cell in summary["objectives"].values():
        tot = cell["total"]
        obj.add_row(Text(cell["title"], style="bold"), _num(tot["value"]), str(cell["of"]),
                    f"{_num(tot['lo'])} .. {_num(tot['hi'])}")
        for o in cell["objectives"]:
            obj.add_row(f"  {o['title']}", _num(o["value"]), str(o["of"]), f"{_num(o['lo'])} .. {_num(o['hi'])}")
    console.print(obj)

    series, bands = summary["series"], summary.get("series_bands", {})
    turn_labels = [labels[t] for t in sorted(labels)]
    console.print(Text("Tracks over time (mean across games, turn by turn)", style="bold"))
    for k, values in series.items():
        if not values:
            continue
        console.print(f"  {SERIES_TITLES.get(k, k):42} {sparkline(values)}  {_num(values[0], 1)} → {_num(values[-1], 1)}",
                      highlight=False)
    for k in ("territory", "power_gap"):
        if k in bands and bands[k]["p50"]:
            console.print(Text(f"{SERIES_TITLES[k]}: median (█) and the middle 80% of games (░)", style="bold"))
            for line in band_chart(bands[k]["p10"], bands[k]["p50"], bands[k]["p90"], labels=turn_labels):
                console.print(line, highlight=False)


_VERDICT_STYLE = {"matches": "green", "contradicts": "red", "inconclusive": "yellow"}
_SIGN = {1: "+", -1: "-"}


def bound_text(r: ClaimResult) -> str:
    """The share of games at a bound, without / with the factor (an observation: of the baseline
    games), flagged when either is most games; "n/a" for a tally or a yes/no outcome."""
    if r.bound is None:
        return "n/a"
    pct = lambda v: "-" if v is None else f"{v * 100:.0f}%"  # noqa: E731
    text = pct(r.bound_treatment) if r.kind == "observation" else f"{pct(r.bound_control)} / {pct(r.bound_treatment)}"
    return f"{text} {FLAG}" if r.flagged else text


def bound_summary(results: Sequence[ClaimResult]) -> str:
    """One paragraph under the claims table: what "at a bound" means, and which results are flagged."""
    flagged = [r.id for r in results if r.flagged]
    return ("At a bound: the share of games in which the quantity an outcome is read from sits at the end of its range "
            "when it is read (without / with the factor); n/a for tallies of events and yes/no outcomes. "
            + (f"{FLAG} flags an arm at a bound in most games: {', '.join(flagged)}." if flagged
               else "No experiment has either arm at a bound in most games."))


def print_claims(console: Console, header: Mapping[str, Any], results: Sequence[ClaimResult],
                 untestable: Sequence[Untestable]) -> None:
    """The claims table: one row an experiment, the claim over the factor that was changed, and the
    share of games with its outcome at a bound."""
    console.print(Text(f"The article's claims as paired experiments: {header['runs']} games an arm, "
                       f"{header['scenario']}, seed {header['seed']}", style="bold"))
    table = Table(title_justify="left", show_lines=True)
    table.add_column("id", no_wrap=True)
    table.add_column("claim / factor (with vs without)", ratio=3)
    table.add_column("outcome", ratio=2)
    table.add_column("exp.", justify="center", no_wrap=True)
    table.add_column("without", justify="right", no_wrap=True)
    table.add_column("with", justify="right", no_wrap=True)
    table.add_column("effect", justify="right", no_wrap=True)
    table.add_column("95% CI", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("at a bound", justify="right", no_wrap=True)
    for r in results:
        if r.kind == "observation":
            effect, ci, without, with_ = _pct(r.effect), f"{_pct(r.lo)} .. {_pct(r.hi)}", "", _pct(r.treatment)
        else:
            effect, ci = f"{r.effect:+.2f}", f"{_num(r.lo)} .. {_num(r.hi)}"
            without, with_ = _num(r.control), _num(r.treatment)
        claim = Text(r.statement)
        claim.append("\n" + r.factor, style="dim")
        table.add_row(r.id, claim, r.metric_label, _SIGN.get(r.expected, "?"), without, with_, effect, ci,
                      Text(r.verdict, style=_VERDICT_STYLE.get(r.verdict, "")),
                      Text(bound_text(r), style="red" if r.flagged else ""))
    console.print(table)
    counts = {v: sum(1 for r in results if r.verdict == v) for v in ("matches", "inconclusive", "contradicts")}
    console.print(f"{counts['matches']} match the article, {counts['inconclusive']} inconclusive, "
                  f"{counts['contradicts']} contradict it.", highlight=False)
    console.print("Effect: the mean paired difference, with the factor minus without, over the same seeds "
                  "(observations: the share of baseline games). A claim matches when its whole 95% interval lies on "
                  "the side the article expects (exp.).", highlight=False)
    console.print(bound_summary(results), highlight=False)
    for u in untestable:
        console.print(f"Not testable by experiment: {u.claim} ({u.statement}): {u.reason}.", highlight=False)
