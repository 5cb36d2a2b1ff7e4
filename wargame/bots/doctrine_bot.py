"""The doctrine bot: plays whichever cell it is seated in by that cell's doctrine (:mod:`wargame.bots.doctrine`).

How it judges each order is data, ``rules/doctrine.toml`` (:mod:`wargame.bots.doctrine_data`),
worked out here on the seat's picture of the board (:class:`Judge`). Each turn the bot weighs
every legal order so, adds a little noise of its own to break ties, and gives the best orders it
can afford, each with its sentence.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from wargame.bots.bot import Choice, Legal, bot_roll
from wargame.bots.doctrine import Doctrine
from wargame.bots.doctrine_data import Case, DoctrineBook, doctrine_book
from wargame.bots.picture import Picture
from wargame.engine.board import GLOBAL_TRACKS
from wargame.engine.expressions import Expression
from wargame.engine.model import Order
from wargame.engine.rulebook import Rulebook
from wargame.engine.templates import MISSING, Written, render_template
from wargame.engine.view import View


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    from wargame.engine.rulebook import load_rulebook

    return load_rulebook()


class _Names(dict):
    """The doctrine's names for one order (posture, knobs, cost...): ``chance`` and the cell's
    ``let``s are worked out the first time they are read, as a Python scorer would."""

    __slots__ = ("lets", "G", "T", "picture", "order")

    def __missing__(self, name: str) -> Any:
        value = self.picture.chance(self.order) if name == "chance" else self.lets[name](self.G, self.T, self)
        self[name] = value
        return value


class Judged:
    """An order's score by the doctrine, and the sentence that explains it (written when asked)."""

    __slots__ = ("score", "case", "names", "picture", "order")

    def __init__(self, score: float, case: Case, names: _Names, picture: Picture, order: Order):
        self.score, self.case, self.names, self.picture, self.order = score, case, names, picture, order

    def reason(self) -> str:
        names, p = self.names, self.picture
        G, T = names.G, names.T
        fields = self.case.fields

        def lookup(name: str, spec: str) -> Any:
            if name == "title":
                return p.title(self.order)
            if name == "estimated":
                return p.estimated
            if name == "chance_text":
                return p.chance_text(names["chance"])
            field: Expression | None = fields.get(name)
            if name.startswith("about_") and name[6:] in GLOBAL_TRACKS:
                value = None if field is None else field(G, T, names)
                return Written(p.track_text(name[6:], value, spec or ".0f"))
            if field is not None:
                return field(G, T, names)
            for where in (names, T, G):
                try:
                    return where[name]
                except KeyError:
                    pass
            return MISSING

        return "".join(render_template(piece.template, lookup) for piece in self.case.reason
                       if piece.when is None or piece.when(G, T, names))


class Judge:
    """A doctrine worked out on one seat's picture of the board: ``judge(order)`` is the order's
    :class:`Judged`, or None where the doctrine would not give it (no entry, or no case holds)."""

    def __init__(self, book: DoctrineBook, picture: Picture, doctrine: Doctrine):
        self.book, self.picture, self.doctrine = book, picture, doctrine
        self._base: dict[str, dict[str, Any]] = {}

    def __call__(self, order: Order) -> Judged | None:
        entry = self.book.entries.get(order.kind)
        if entry is None:
            return None
        p = self.picture
        base = self._base.get(entry.cell)
        if base is None:
            base = self._base[entry.cell] = self.book.base(entry.cell, self.doctrine, p.budget)
        names = _Names(base)
        names["cost"] = p.cost(order)
        cell = self.book.cells.get(entry.cell)
        names.lets = cell.lets if cell is not None else {}
        names.G, names.T = p.g, p.theatres[order.theatre] if order.theatre else {}
        names.picture, names.order = p, order
        G, T = names.G, names.T
        if entry.when is not None and not entry.when(G, T, names):
            return None
        for case in entry.cases:
            if case.when is None or case.when(G, T, names):
                return Judged(case.score(G, T, names), case, names, p, order)
        return None


def judge(rulebook: Rulebook, picture: Picture, order: Order, doctrine: Doctrine) -> Judged | None:
    """One order judged by ``rulebook``'s doctrine on ``picture`` (see :class:`Judge`)."""
    return Judge(doctrine_book(rulebook), picture, doctrine)(order)


class DoctrineBot:
    """Plays whichever cell it is seated in, by that cell's doctrine (see :mod:`wargame.bots.doctrine`)."""

    name = "doctrine"

    def __init__(self, seed: int = 0, posture: str = "standard", rulebook: Rulebook | None = None,
                 doctrine: Doctrine | None = None, **knobs: Any):
        self.seed = seed
        self.doctrine = doctrine if doctrine is not None else Doctrine(posture=posture, **knobs)
        self._rulebook = rulebook

    @property
    def rulebook(self) -> Rulebook:
        if self._rulebook is None:
            self._rulebook = _default_rulebook()
        return self._rulebook

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice:
        d = self.doctrine
        rulebook = self.rulebook
        book = doctrine_book(rulebook)
        picture = Picture(view, rulebook)
        judge_order = Judge(book, picture, d)
        cell = book.cells.get(view.seat)
        reserve = cell.reserve[d.boldness] if cell is not None else 0
        threshold = book.threshold[d.boldness]
        noise, repeat_penalty, reserve_penalty = book.noise, book.repeat_penalty, book.reserve_penalty
        kinds = rulebook.order_kinds
        judged: dict[tuple[str, str | None], tuple[float, Judged] | None] = {}
        chosen_kinds: dict[str, int] = {}
        orders: list[Order] = []
        reasons: list[str] = []
        left = picture.budget
        while len(orders) < max_orders:
            best: tuple[float, Order, Judged] | None = None
            for order in legal(orders):
                key = (order.kind, order.theatre)
                if key in judged:
                    scored = judged[key]
                else:
                    found = judge_order(order)
                    # the bot's own noise breaks ties and varies play between games; keyed by the
                    # order, so it does not depend on the order in which orders are judged
                    scored = None if found is None else (
                        found.score + bot_roll(self.seed, view.turn, view.seat, "doctrine.noise",
                                               f"{order.kind}|{order.theatre or ''}") * noise, found)
                    judged[key] = scored
                if scored is None:
                    continue
                score = scored[0]
                repeats = chosen_kinds.get(order.kind)
                if repeats:
                    score -= repeat_penalty * repeats
                if left - kinds[order.kind].cost < reserve:
                    score -= reserve_penalty  # a cautious cell keeps money back for what must be paid next turn
                if score > threshold and (best is None or score > best[0]):
                    best = (score, order, scored[1])
            if best is None:
                break
            order = best[1]
            orders.append(order)
            reasons.append(best[2].reason())
            chosen_kinds[order.kind] = chosen_kinds.get(order.kind, 0) + 1
            left -= kinds[order.kind].cost
        return Choice(tuple(orders), tuple(reasons))
