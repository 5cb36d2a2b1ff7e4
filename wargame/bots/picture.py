"""What a doctrine bot makes of its view: the board as its seat sees it, and how it judges an order on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wargame.bots.doctrine import Doctrine
from wargame.engine.board import GLOBAL_TRACKS, OWNER, Board
from wargame.engine.model import Order
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import Tracks, View


class Picture:
    """The board as one seat sees it: its estimates (the middle of each range), the public
    totals, and the rulebook's public formulas worked out on them.

    A sentence that quotes a number worked out on this picture (a chance, a formula such as the
    power gap, another cell's secret track) says whose estimate it is (:meth:`estimated`,
    :meth:`chance_text`, :meth:`track_text`), so that a reader never takes it for the true
    odds or the true value beside it. ``whose`` is the bot's own (``its``) unless the picture is
    another seat's (:mod:`wargame.table.reasons` works the doctrine out on the room's view)."""

    __slots__ = ("view", "rulebook", "g", "theatres", "budget", "_titles", "whose")

    def __init__(self, view: View, rulebook: Rulebook, whose: str = "its"):
        self.view = view
        self.rulebook = rulebook
        self.whose = whose
        # the seat's estimates: the middle of each range (0 for what it cannot see at all, e.g.
        # how long secret talks have lasted)
        seen = view.tracks
        if isinstance(seen, Tracks):  # the engine's own view: the middles without an Estimate each
            tracks: dict[str, float] = seen.mids(hidden=0)
        else:
            tracks = dict.fromkeys(GLOBAL_TRACKS, 0)
            for name, est in seen.items():
                if name in tracks:
                    tracks[name] = est.mid
        board = Board.seen(tracks, view.theatres, view.offshoots, view.turn, view.last_turn, rulebook.parameters,
                           rulebook.formulas, read_only=True)  # (the doctrine only reads a theatre)
        scenario = rulebook.scenarios.get(view.scenario)
        if scenario is not None:
            board.g["year"] = scenario.year(view.turn)  # a formula may read it
        board.update()  # the formulas (Board.seen worked out the public totals, shared by every seat)
        self.g = board.g
        self.theatres = {t["name"]: t for t in board.theatres}
        self._titles: dict[str, str] | None = None
        budget = rulebook.budgets.get(view.seat)
        if budget and OWNER.get(budget) == view.seat and isinstance(seen, Tracks):
            self.budget = int(tracks[budget])  # a cell knows its own exactly: its middle is its value
        else:
            self.budget = (int(seen.low(budget)) if isinstance(seen, Tracks) else int(seen[budget].lo)) if budget else 0

    def chance(self, order: Order) -> float:
        """The chance the public rules give an order, on this seat's picture of the board."""
        kind = self.rulebook.order_kinds[order.kind]
        if kind.chance is None:
            return 1.0
        T = self.theatres[order.theatre] if order.theatre else {}
        return float(kind.chance.fn(self.g, T, {}))

    def cost(self, order: Order) -> int:
        return self.rulebook.order_kinds[order.kind].cost

    def T(self, order: Order) -> dict[str, Any]:
        return self.theatres[order.theatre]  # type: ignore[index]

    @property
    def titles(self) -> dict[str, str]:
        """Each theatre's title by its name (worked out when a sentence first needs one)."""
        if self._titles is None:
            self._titles = {t.name: t.title for t in self.view.theatres}
        return self._titles

    def title(self, order: Order) -> str:
        return self.titles.get(order.theatre or "", "")

    @property
    def estimated(self) -> str:
        """Whose estimate a number worked out on this picture is: "by its estimate"."""
        return f"by {self.whose} estimate"

    def chance_text(self, chance: float) -> str:
        """A chance worked out on this picture, said to be an estimate: "by its estimate, a 40% chance".
        (The true odds are the engine's, on the true board; they are shown beside the reason.)"""
        return f"{self.estimated}, a {pct(chance)} chance"

    def track_text(self, name: str, value: float | None = None, spec: str = ".0f") -> str:
        """A global track's value as this picture has it (``value``: a number read off it, by
        default the track itself): as it is where the seat sees the track exactly, else "about 7,
        by its estimate"."""
        shown = format(self.g[name] if value is None else value, spec)
        est = self.view.tracks.get(name)
        return shown if est is not None and est.exact else f"about {shown}, {self.estimated}"


Scored = tuple[float, str] | None
"""A score (higher is better; 0 or less: not worth it) and the sentence that explains it."""
Scorer = Callable[[Picture, Order, Doctrine], Scored]


def pct(x: float) -> str:
    """A chance as a scoring sentence gives it: ``40%``."""
    return f"{x:.0%}"
