"""Charts on screen, drawn with plotext through textual-plotext: a track turn by turn
(:class:`ChartPlot`, drawn by :func:`wargame.record.plots.draw`, the same charts as the report's),
and how bot continuations of a game ended (:class:`DistributionPlot`), the game's own course marked.

Each is drawn again at its size whenever it is rendered, so the ticks on the x axis follow the
width it has (a narrow terminal gets fewer labels, never labels on top of each other).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from attrs import frozen
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from wargame.analysis.futures import Futures, Outcome
from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.numbers import number
from wargame.record.plots import Chart, draw

ACTUAL = "red"  # the game's own course, on a distribution
BARS = "blue"


class ChartPlot(PlotextPlot):
    """One chart of :func:`wargame.record.plots.charts`: axes, the quarters, its own range."""

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.chart: Chart | None = None

    def show(self, chart: Chart | None) -> None:
        self.chart = chart
        self.refresh()

    def render(self) -> RenderResult:
        self.plt.clear_figure()
        chart = self.chart
        if chart is not None:
            draw(self.plt, chart, self.size.width)
            if chart.values:  # the value now, in the title
                last = chart.quarters[-1]
                when = "at the start" if last == "start" else f"in {last}"
                self.plt.title(f"{chart.series.title} · {number(chart.values[-1])} {when}")
        return super().render()


@frozen
class Measure:
    """One way to read how a game ended: ``read`` gives a whole number, or None for what never
    happened (a turn of terms never reached). ``kind``: "count" (a number), "turn" (a turn, or
    never) or "yes" (0 no, 1 yes)."""

    id: str
    title: str
    axis: str
    read: Callable[[Outcome], int | None]
    kind: str = "count"

    def words(self, value: int | None) -> str:
        if self.kind == "turn":
            return "never" if value is None else f"turn {value}"
        if self.kind == "yes":
            return "yes" if value else "no"
        return number(value) if value is not None else "–"


def _points(cell: str) -> Callable[[Outcome], int | None]:
    return lambda o: o.points_of(cell)


MEASURES: tuple[Measure, ...] = (
    Measure("territory", "Ground IS holds at the end", "IS-held territory at the end, all theatres", lambda o: o.territory),
    Measure("terms", "When AQ and IS come to terms", "the turn they first came to terms", lambda o: o.terms_turn, "turn"),
    Measure("collapse", "When the caliphate collapses", "the turn it collapsed", lambda o: o.collapse_turn, "turn"),
    Measure("aq_weaker", "AQ the weaker group at the end", "AQ weaker than IS at the end", lambda o: int(o.aq_weaker),
            "yes"),
) + tuple(Measure(f"points_{c}", f"{CELL_TITLES[c]}: points", f"{CELL_TITLES[c]}'s points at the end", _points(c))
          for c in CELLS)


def bins(measure: Measure, futures: Futures, actual: Outcome | None) -> tuple[list[int], list[str], list[int], int | None]:
    """(x positions, their labels, the games at each, the x of the game's own course or None)."""
    values = [measure.read(o) for o in futures.outcomes]
    mine = measure.read(actual) if actual is not None else None
    if measure.kind == "turn":
        never = futures.last_turn + 1
        xs = list(range(max(1, futures.turn), never + 1))
        labels = [str(x) for x in xs[:-1]] + ["never"]
        placed = [never if v is None else v for v in values]
        at = (never if mine is None else mine) if actual is not None else None
    elif measure.kind == "yes":
        xs, labels = [0, 1], ["no", "yes"]
        placed = [int(bool(v)) for v in values]
        at = int(bool(mine)) if actual is not None else None
    else:
        known = [v for v in values if v is not None] + ([mine] if mine is not None else [])
        lo, hi = (min(known), max(known)) if known else (0, 1)
        xs = list(range(lo, hi + 1))
        labels = [str(x) for x in xs]
        placed = [v for v in values if v is not None]
        at = mine
    counts = [sum(1 for v in placed if v == x) for x in xs]
    return xs, labels, counts, at


def _ticks(xs: Sequence[int], labels: Sequence[str], most: int) -> tuple[list[int], list[str]]:
    step = max(1, -(-len(xs) // max(1, most)))
    keep = list(range(0, len(xs), step))
    if keep[-1] != len(xs) - 1:
        keep.append(len(xs) - 1)
    return [xs[i] for i in keep], [labels[i] for i in keep]


def draw_distribution(plt: Any, measure: Measure, futures: Futures, actual: Outcome | None, width: int = 80) -> None:
    """How ``futures`` ended by ``measure``, a bar a value, and the game's own course (``actual``)
    marked in its own colour, on a plotext figure (a PlotextPlot's ``plt``)."""
    plt.clear_figure()
    xs, labels, counts, at = bins(measure, futures, actual)
    mark = f" · this game: {measure.words(measure.read(actual))}" if actual is not None else ""
    plt.title(f"{measure.title}{mark}")
    plt.bar(xs, counts, color=BARS, width=0.6, label=f"{futures.runs} bot games")
    if at is not None:
        plt.bar([at], [counts[xs.index(at)]], color=ACTUAL, width=0.6, label="this game")
        plt.vline(at, ACTUAL)
    top = max(counts + [1])
    step = max(1, -(-top // 4))
    plt.yticks(list(range(0, top + step, step)))
    plt.ylim(0, top + step)
    plt.xticks(*_ticks(xs, labels, max(2, width // 6)))
    plt.xlim(xs[0] - 0.6, xs[-1] + 0.6)
    plt.xlabel(measure.axis)


class DistributionPlot(PlotextPlot):
    """How bot continuations ended, by one measure, the game's own course marked."""

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.what: tuple[Measure, Futures, Outcome | None] | None = None

    def show(self, measure: Measure, futures: Futures, actual: Outcome | None) -> None:
        self.what = (measure, futures, actual)
        self.refresh()

    def render(self) -> RenderResult:
        self.plt.clear_figure()
        if self.what is not None and self.what[1].runs:
            draw_distribution(self.plt, *self.what, width=self.size.width)
        return super().render()
