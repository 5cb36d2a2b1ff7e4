"""``simulate``'s figures: many bot-only games of one scenario summed as they come back
(:class:`SimulationTally`, which keeps no game), their outcomes as proportions (Wilson intervals)
and means (t intervals), when the rapprochement came, each cell's points, and the charted tracks
turn by turn. The games are played by :mod:`wargame.analysis.pool`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wargame.analysis.metrics import SERIES, GameResult
from wargame.analysis.statistics import Estimate, Moments, Proportion, Quantiles, json_number, wilson
from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.rulebook import Rulebook

OUTCOMES: tuple[tuple[str, str, bool], ...] = (
    ("rapprochement", "Rapprochement (alliance or merger) by the end", True),
    ("talks", "AQ-IS talks at some point", True),
    ("is_weaker", "IS ends the weaker group (power gap > 0)", True),
    ("power_gap", "Power gap at the end (AQ - IS)", False),
    ("is_collapse", "The caliphate collapses", True),
    ("offshoots_formed", "Offshoot groups formed", False),
    ("offshoots_absorbed", "Offshoots absorbed by AQ", False),
    ("defectors_formed", "... of them defectors' groups formed", False),
    ("holdouts_formed", "... holdouts' groups formed", False),
    ("inspired_formed", "... inspired groups formed", False),
    ("second_split", "A second split", True),
    ("second_splits", "Second splits (count)", False),
    ("allied_turns", "Quarters allied or merged", False),
    ("peak_brutality", "Peak brutality (IS or offshoots)", False),
    ("reform_achieved", "Reform achieved (a theatre with faithful reform 5+)", True),
    ("faithful_reforms", "Theatres with faithful reform 5+ at the end", False),
    ("territory", "IS territory at the end", False),
    ("avg_grievance", "Average grievance at the end", False),
)
SIGNED = frozenset({"power_gap"})
"""The outcomes that may be below 0. Every other one counts or measures something never below 0,
so its mean is not either: the part of a t interval below 0 (a few games, a skewed count) is cut."""


class SimulationTally:
    """What ``simulate`` reports, kept as running sums over the games fed to it (in game order):
    proportions and means with their intervals, when the rapprochement came, each cell's points,
    and each charted track turn by turn (its mean and a :class:`Quantiles` sketch of its 10th, 50th
    and 90th percentiles). Its memory does not depend on the number of games."""

    def __init__(self, rulebook: Rulebook, scenario: str):
        self.rulebook = rulebook
        self.scenario = scenario
        self.runs = 0
        self.outcomes = {k: Proportion() if prop else Moments() for k, _, prop in OUTCOMES}
        self.turns: dict[int, int] = {}  # rapprochement turn (-1: never) -> games
        self.reached = Moments()
        self.cells = {cell: Moments() for cell in CELLS}
        self.objectives = {o.id: Moments() for o in rulebook.objectives}
        self.length: int | None = None  # turns every game's series has (the shortest)
        self.sums: dict[str, list[float]] = {k: [] for k in SERIES}
        self.sketches: dict[str, list[Quantiles]] = {k: [] for k in SERIES}

    def add(self, result: GameResult) -> None:
        """One more game (fed in game order: the quantile sketches depend on the order)."""
        m = result.metrics
        self.runs += 1
        for k, tally in self.outcomes.items():
            if m[k] is not None:
                tally.add(m[k])
        t = int(m["rapprochement_turn"])
        self.turns[t] = self.turns.get(t, 0) + 1
        if t >= 0:
            self.reached.add(t)
        for cell, tally in self.cells.items():
            v = m.get(f"cell:{cell}", 0.0)
            if v is not None:
                tally.add(v)
        for oid, tally in self.objectives.items():
            v = m.get(f"objective:{oid}", 0.0)
            if v is not None:
                tally.add(v)
        for k in SERIES:
            values = result.series[k]
            self.length = len(values) if self.length is None else min(self.length, len(values))
            sums, sketches = self.sums[k], self.sketches[k]
            for i, v in enumerate(values[: self.length]):
                if i == len(sums):
                    sums.append(0.0)
                    sketches.append(Quantiles())
                sums[i] += v
                sketches[i].add(v)

    def _estimate(self, name: str, label: str, tally: Moments | Proportion) -> Estimate:
        if isinstance(tally, Proportion):
            p, lo, hi = wilson(tally.k, tally.n)
            return Estimate(name, label, "proportion", tally.n, p, lo, hi)
        m, lo, hi = tally.mean_ci()
        if name not in SIGNED:
            lo = max(lo, 0.0)
        return Estimate(name, label, "mean", tally.n, m, lo, hi)

    def summary(self) -> dict[str, Any]:
        """Every outcome of the run with its 95% interval, by-year rapprochement, objectives, tracks."""
        sc = self.rulebook.scenarios[self.scenario]
        labels = {k: label for k, label, _ in OUTCOMES}
        outcomes = [self._estimate(k, labels[k], tally) for k, tally in self.outcomes.items()]
        by_year = []
        for y in sorted({sc.year(t) for t in range(1, sc.turns + 1)}):
            last = max(t for t in range(1, sc.turns + 1) if sc.year(t) == y)
            p, lo, hi = wilson(sum(n for t, n in self.turns.items() if 0 <= t <= last), self.runs)
            by_year.append({"year": y, "value": json_number(p), "lo": json_number(lo), "hi": json_number(hi)})
        histogram = {t: self.turns.get(t, 0) for t in range(1, sc.turns + 1)}
        objectives = {}
        for cell in CELLS:
            objs = [o for o in self.rulebook.objectives if o.cell == cell]
            objectives[cell] = {
                "title": CELL_TITLES[cell],
                "of": sum(o.points for o in objs),
                "total": self._estimate(f"cell:{cell}", CELL_TITLES[cell], self.cells[cell]).as_dict(),
                "objectives": [{"id": o.id, "title": o.title, "of": o.points,
                                **self._estimate(o.id, o.title, self.objectives[o.id]).as_dict()} for o in objs],
            }
        n = self.length or 0
        series = {k: [json_number(total / self.runs) for total in self.sums[k][:n]] for k in SERIES}
        bands = {k: {f"p{q}": [json_number(sk.quantile(q / 100)) for sk in self.sketches[k][:n]] for q in (10, 50, 90)}
                 for k in SERIES}
        return {
            "scenario": self.scenario,
            "runs": self.runs,
            "outcomes": [e.as_dict() for e in outcomes],
            "rapprochement_by_year": by_year,
            "rapprochement_turns": {"histogram": histogram, "never": self.runs - self.reached.n,
                                    "labels": {t: sc.label(t) for t in range(1, sc.turns + 1)},
                                    "mean_turn": json_number(self.reached.mean) if self.reached.n else None},
            "objectives": objectives,
            "series": series,
            "series_bands": bands,
        }


def summarise(rulebook: Rulebook, scenario: str, results: Iterable[GameResult]) -> dict[str, Any]:
    """Every outcome of a run with its 95% interval, by-year rapprochement, objectives, tracks
    (:class:`SimulationTally` over ``results``)."""
    tally = SimulationTally(rulebook, scenario)
    for r in results:
        tally.add(r)
    return tally.summary()
