"""What next from here: bot continuations of a board, and a played game set against the odds.

For a debrief: from any board of a game, ``runs`` games are played on to the end by bots, each
with dice of its own (keyed one-way from the game's secret, so the same board always gives the
same futures), and their outcomes are counted: how often AQ and IS come to terms, who ends the
weaker, how much ground IS keeps, each cell's points. :func:`placing` then says where the game
actually played falls among them ("IS held out longer than in 85 % of games").

The futures are worked out from the true board: only the White Cell, or everyone once the game is
over, may be shown them.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
from attrs import frozen

from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.dice import derive
from wargame.engine.model import CELL_TITLES, CELLS, State
from wargame.engine.position import formula_values, scores
from wargame.engine.rulebook import Rulebook

DEFAULT_RUNS = 200
MAX_RUNS = 10_000
ODDS_RUNS = 100
"""Bot games from the same start that a finished game is placed among, on the end screen and in
``wargame report --odds`` alike (so the two give the same percentages)."""


@frozen
class Outcome:
    """How one game ended. ``collapse_turn`` and ``terms_turn`` are None if it never happened."""

    terms_turn: int | None  # the turn AQ and IS first came to terms (an alliance or a merger)
    collapse_turn: int | None  # the turn the caliphate collapsed
    aq_weaker: bool  # AQ the weaker group at the end (its power below IS's)
    territory: int  # IS-held territory at the end, all theatres
    points: tuple[tuple[str, int], ...]  # each cell's points at the end

    def points_of(self, cell: str) -> int:
        return dict(self.points)[cell]


def outcome_of(rulebook: Rulebook, state: State) -> Outcome:
    """The outcome of a game that ended (or stands) on ``state``."""
    tally = state.tally
    points = {c: 0 for c in CELLS}
    for s in scores(rulebook, state):
        points[s.cell] += s.points
    return Outcome(
        terms_turn=tally.rapprochement_turn if tally.rapprochement_turn >= 0 else None,
        collapse_turn=tally.collapse_turn if tally.collapse_turn >= 0 else None,
        aq_weaker=formula_values(rulebook, state).get("power_gap", 0.0) < 0,
        territory=sum(t.territory for t in state.theatres),
        points=tuple(points.items()),
    )


@frozen
class Futures:
    """``runs`` bot continuations from the board of ``turn`` and their outcomes."""

    turn: int
    last_turn: int
    seats: str
    outcomes: tuple[Outcome, ...]

    @property
    def runs(self) -> int:
        return len(self.outcomes)

    def share(self, test: Callable[[Outcome], bool]) -> float:
        return sum(1 for o in self.outcomes if test(o)) / self.runs if self.runs else float("nan")

    def lines(self) -> list[str]:
        """The distribution in sentences, for a screen or a report."""
        if not self.runs:
            return ["No continuation was played."]
        n = self.runs
        out = [f"{n} bot games played on from turn {self.turn} to the end (turn {self.last_turn}), seats {self.seats}:"]
        out.append(f"AQ and IS come to terms in {self.share(lambda o: o.terms_turn is not None):.0%} of them.")
        out.append(f"The caliphate has collapsed by the end in {self.share(lambda o: o.collapse_turn is not None):.0%}.")
        out.append(f"AQ ends the weaker group in {self.share(lambda o: o.aq_weaker):.0%}.")
        ground = sorted(o.territory for o in self.outcomes)
        out.append(f"IS keeps {ground[n // 10]}–{ground[(9 * n) // 10]} territory at the end in the middle 80 % "
                   f"(median {ground[n // 2]}).")
        for cell in CELLS:
            pts = sorted(o.points_of(cell) for o in self.outcomes)
            out.append(f"{CELL_TITLES[cell]} scores {pts[n // 10]}–{pts[(9 * n) // 10]} points in the middle 80 % "
                       f"(median {pts[n // 2]}).")
        return out


BATCH = 50
"""Continuations played at once on the batch engine: progress is told, and a cancel heard,
between batches (a batch of 50 takes a second or two)."""
BATCH_FROM = 16
"""Fewer continuations than this are played one by one: a batch's fixed cost would not pay."""


def futures(rulebook: Rulebook, state: State, runs: int = DEFAULT_RUNS, seats: str = "all=doctrine:mixed",
            seed: int = 0, progress: Callable[[int], None] | None = None,
            cancelled: Callable[[], bool] | None = None, engine: str = "batch") -> Futures:
    """Play ``runs`` games on from ``state`` to the end with bots in ``seats``, each with dice
    keyed from the game's secret, ``seed`` and its number. ``progress(done)`` is called as games
    end; when ``cancelled()`` turns true, the games played so far are returned. ``engine``
    "batch" plays them :data:`BATCH` at a time on the batch engine (:mod:`wargame.batch`, the
    same games as the table's engine), "scalar" one by one. Raises ValueError for bad seats or a
    number of runs outside 1..MAX_RUNS."""
    if not 1 <= runs <= MAX_RUNS:
        raise ValueError(f"runs lie in 1..{MAX_RUNS}, not {runs}")
    spec = parse_seats(seats)
    keys = [derive(state.seed, f"future:{seed}:{state.turn}:{state.phase}:{i}") for i in range(runs)]
    outcomes: list[Outcome] = []
    if engine == "batch" and runs >= BATCH_FROM and not state.over:
        from wargame.batch.game import BatchGame
        from wargame.batch.play import play_on

        for first in range(0, runs, BATCH):
            if cancelled is not None and cancelled():
                break
            chunk = keys[first:first + BATCH]
            game = play_on(rulebook, BatchGame.from_states(rulebook, [attrs.evolve(state, seed=k) for k in chunk]), spec)
            outcomes.extend(outcome_of(rulebook, game.state(j)) for j in range(len(chunk)))
            if progress is not None:
                progress(len(outcomes))
        return Futures(state.turn, state.last_turn, seats, tuple(outcomes))
    for key in keys:
        if cancelled is not None and cancelled():
            break
        start = attrs.evolve(state, seed=key)
        end = start
        for turn in play(rulebook, start, bots_for(spec, key, rulebook)):
            end = turn.state
        outcomes.append(outcome_of(rulebook, end))
        if progress is not None:
            progress(len(outcomes))
    return Futures(state.turn, state.last_turn, seats, tuple(outcomes))


def placing(actual: Outcome, among: Futures) -> list[str]:
    """Where the game actually played falls among bot games from the same board, in sentences."""
    if not among.runs:
        return []
    out = []
    terms = among.share(lambda o: o.terms_turn is not None)
    came = "came" if actual.terms_turn is not None else "did not come"
    out.append(f"AQ and IS {came} to terms; in bot games from the same start they do in {terms:.0%}.")

    def held(o: Outcome) -> int:
        return o.collapse_turn if o.collapse_turn is not None else among.last_turn + 1

    def compared(more: float, same: float, tie: str = "as much") -> str:
        """"more than in 40% of them, as much as in 35%": ties said, not hidden ("as long" for
        how long IS held out, "as much" for ground and points)."""
        return f"{more:.0%} of them" + (f", {tie} as in {same:.0%}" if same >= 0.005 else "")

    longer = among.share(lambda o: held(actual) > held(o))
    level = among.share(lambda o: held(actual) == held(o))
    out.append(f"IS held out longer than in {compared(longer, level, 'as long')}" + (
        " (it never collapsed)." if actual.collapse_turn is None else f" (it collapsed in turn {actual.collapse_turn})."))
    more = among.share(lambda o: actual.territory > o.territory)
    same = among.share(lambda o: actual.territory == o.territory)
    out.append(f"IS ended with more ground than in {compared(more, same)}.")
    for cell in CELLS:
        mine = actual.points_of(cell)
        more = among.share(lambda o, c=cell, m=mine: m > o.points_of(c))
        same = among.share(lambda o, c=cell, m=mine: m == o.points_of(c))
        out.append(f"{CELL_TITLES[cell]} scored more than in {compared(more, same)} "
                   f"({mine} point{'' if mine == 1 else 's'}).")
    return out
