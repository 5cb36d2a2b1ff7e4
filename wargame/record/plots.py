"""The charts of a game: the main tracks turn by turn, drawn with plotext, for a screen or a report.

One place says which series there are, which a seat may see (every input exactly and always: a
cell never learns another's secret track from a chart), what range each is drawn on (its bounds,
so a flat series is not stretched, nor drawn at the floor) and how each is drawn: axes, the
quarter of each turn on the x axis, the scale on the y axis. The terminal UI draws the same
charts in a plotext widget (:func:`draw` takes that widget's ``plt``); a report takes them as text
(:func:`text_chart`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import plotext
from attrs import frozen

from wargame.engine.board import GLOBAL_TRACKS, flat_tracks
from wargame.engine.model import State
from wargame.engine.position import formula_values
from wargame.engine.rulebook import Rulebook
from wargame.engine.shown import series_visible
from wargame.engine.turn import new_game
from wargame.record.debrief import turn_states
from wargame.record.game import Game

Reader = Callable[[State, dict[str, float]], float]


@frozen
class Series:
    """One chart: its title, how to read it off a state (and its named tracks and formulas), the
    names it reads (for who may see it) and the range it is drawn on."""

    title: str
    read: Reader
    reads: tuple[str, ...]
    lo: float
    hi: float


def _sum(field: str) -> Reader:
    return lambda s, f: sum(getattr(t, field) for t in s.theatres)


SERIES: tuple[Series, ...] = (
    Series("IS-held territory", _sum("territory"), (), 0, 40),
    Series("Oil sites held by IS", _sum("oil"), (), 0, 12),
    Series("IS funds", lambda s, f: f["is_funds"], ("is_funds",), 0, 20),
    Series("IS recruiting", lambda s, f: f["is_recruitment"], ("is_recruitment",), 0, 10),
    Series("IS brutality", lambda s, f: f["is_brutality"], ("is_brutality",), 0, 10),
    Series("AQ standing", lambda s, f: f["aq_standing"], ("aq_standing",), 0, 10),
    Series("AQ affiliates (strength, all theatres)", _sum("aq_affiliate"), (), 0, 40),
    Series("Strength of IS", lambda s, f: f.get("is_power", 0.0), ("is_power",), 0, 30),
    Series("Strength of AQ", lambda s, f: f.get("aq_power", 0.0), ("aq_power",), 0, 30),
    Series("Grievance (the theatres' average)", lambda s, f: sum(t.grievance for t in s.theatres) / len(s.theatres), (), 0, 10),
    Series("Reform (all theatres)", _sum("reform"), (), 0, 40),
    Series("Offshoot groups", lambda s, f: len(s.offshoots), (), 0, 12),
    Series("Coalition will", lambda s, f: f["coalition_will"], ("coalition_will",), 0, 10),
)


@frozen
class Chart:
    """A series over a game: the quarter of each point (the opening board first) and its values."""

    series: Series
    quarters: tuple[str, ...]
    values: tuple[float, ...]


def every_chart(rulebook: Rulebook, game: Game) -> list[Chart]:
    """Every chart of ``game``, whoever may see it (:func:`charts` keeps a seat's)."""
    h = game.header
    scenario = rulebook.scenarios[h.scenario]
    opening = new_game(rulebook, h.scenario, h.seed)  # the board before turn 1
    turns = turn_states(game)
    states = [opening] + [s for _, s in turns]
    quarters = ("start",) + tuple(scenario.label(t).replace("20", "", 1).replace(" ", "") for t, _ in turns)
    names = [{**flat_tracks(s), **formula_values(rulebook, s)} for s in states]
    return [Chart(series, quarters, tuple(float(series.read(s, f)) for s, f in zip(states, names))) for series in SERIES]


def charts(rulebook: Rulebook, game: Game, seat: str, every: Sequence[Chart] | None = None) -> list[Chart]:
    """The charts ``seat`` may see of ``game``: those whose every input it may always see exactly;
    all of them for the White Cell ("white"), and for everyone once the game is over. ``every``:
    :func:`every_chart` of the game when it is worked out already (one pass for all the seats)."""
    reveal = seat == "white" or game.state.over
    out = []
    for chart in every_chart(rulebook, game) if every is None else every:
        reads = [r for r in chart.series.reads if r in rulebook.formula_reads or r in GLOBAL_TRACKS]
        if reveal or series_visible(rulebook, seat, reads):
            out.append(chart)
    return out


def _ticks(quarters: Sequence[str], most: int) -> tuple[list[int], list[str]]:
    """At most ``most`` labelled ticks on the x axis, evenly spread, the last always shown."""
    n = len(quarters)
    step = max(1, -(-n // most))
    xs = list(range(0, n, step))
    if xs[-1] != n - 1:
        xs.append(n - 1)
    return xs, [quarters[i] for i in xs]


def draw(plt: Any, chart: Chart, width: int | None = None) -> None:
    """Draw ``chart`` on a plotext figure (the module, or a PlotextPlot widget's ``plt``)."""
    plt.clear_data()
    s = chart.series
    xs = list(range(len(chart.values)))
    plt.title(s.title)
    plt.plot(xs, list(chart.values), marker="braille")
    if len(xs) == 1:
        plt.scatter(xs, list(chart.values))
    lo = min(s.lo, min(chart.values, default=s.lo))
    hi = max(s.hi, max(chart.values, default=s.hi))
    plt.ylim(lo, hi)
    ticks = [lo + (hi - lo) * i / 4 for i in range(5)]
    plt.yticks(ticks, [f"{t:g}" if float(t).is_integer() else f"{t:.1f}" for t in ticks])
    positions, labels = _ticks(chart.quarters, max(2, (width or 80) // 9))
    plt.xticks(positions, labels)
    plt.xlim(-0.2, max(1, len(xs) - 1) + 0.2)
    plt.xlabel("quarter")


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def text_chart(chart: Chart, width: int = 72, height: int = 14) -> str:
    """``chart`` as plain text (no colours), ``width`` columns by ``height`` lines."""
    plotext.clear_figure()
    plotext.theme("clear")
    plotext.plot_size(width, height)
    draw(plotext, chart, width)
    text = _ANSI.sub("", plotext.build())
    plotext.clear_figure()
    return "\n".join(line.rstrip() for line in text.splitlines())
