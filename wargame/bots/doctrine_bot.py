"""The doctrine bot: plays whichever cell it is seated in by that cell's doctrine (:mod:`wargame.bots.doctrine`).

How it judges each order is data, ``rules/doctrine.toml`` (:mod:`wargame.bots.doctrine_data`),
worked out here on the seat's picture of the board (:class:`Judge`). Each turn the bot weighs
every legal order so, adds a little noise of its own to break ties, and gives the best orders it
can afford, each with its sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from wargame.bots.bot import Choice, Legal
from wargame.bots.doctrine import Doctrine
from wargame.bots.doctrine_data import Case, DoctrineBook, doctrine_book
from wargame.bots.picture import Picture
from wargame.engine.board import GLOBAL_TRACKS
from wargame.engine.dice import Dice, derive
from wargame.engine.expressions import Expression
from wargame.engine.model import Order
from wargame.engine.rulebook import Rulebook
from wargame.engine.templates import MISSING, Written, render_template
from wargame.engine.view import View


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    from wargame.engine.rulebook import load_rulebook

    return load_rulebook()


Fn = Callable[[Any, Any, Any], Any]


class _Plan:
    """A book's entries made ready to judge with: for each order kind, its cell, the cell's lets,
    its ``when`` and its cases, each as the compiled function itself (no wrapper to call through).
    Built once per book (:func:`_plan`)."""

    __slots__ = ("book", "entries", "chances")

    def __init__(self, book: DoctrineBook):
        self.book = book
        self.entries: dict[str, tuple[str, dict[str, Fn], Fn | None, tuple[tuple[Fn | None, Fn, Case], ...]]] = {}
        self.chances: dict[int, tuple[Rulebook, dict[str, Fn | None], dict[str, int]]] = {}
        lets: dict[str, dict[str, Fn]] = {c: {n: e.fn for n, e in cell.lets.items()} for c, cell in book.cells.items()}
        for kind, entry in book.entries.items():
            self.entries[kind] = (entry.cell, lets.get(entry.cell, {}), None if entry.when is None else entry.when.fn,
                                  tuple((None if c.when is None else c.when.fn, c.score.fn, c) for c in entry.cases))

    def kinds(self, rulebook: Rulebook) -> tuple[dict[str, Fn | None], dict[str, int]]:
        """Each order kind's chance formula (None: it has none) and cost, in ``rulebook``."""
        found = self.chances.get(id(rulebook))
        if found is None or found[0] is not rulebook:
            kinds = rulebook.order_kinds
            found = self.chances[id(rulebook)] = (rulebook, {k: None if o.chance is None else o.chance.fn
                                                             for k, o in kinds.items()},
                                                  {k: o.cost for k, o in kinds.items()})
        return found[1], found[2]


_plans: dict[int, _Plan] = {}


def _plan(book: DoctrineBook) -> _Plan:
    plan = _plans.get(id(book))
    if plan is None or plan.book is not book:
        if len(_plans) >= 16:
            _plans.clear()
        plan = _plans[id(book)] = _Plan(book)
    return plan




class _Names(dict):
    """The doctrine's names for one order (posture, knobs, cost...): ``chance`` and the cell's
    ``let``s are worked out the first time they are read, as a Python scorer would."""

    __slots__ = ("lets", "G", "T", "chance")

    def __missing__(self, name: str) -> Any:
        if name == "chance":
            # Picture.chance, with the order kind's formula looked up once per rulebook
            fn = self.chance
            value = 1.0 if fn is None else float(fn(self.G, self.T, {}))
        else:
            value = self.lets[name](self.G, self.T, self)
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
                       if piece.when is None or piece.when.fn(G, T, names))


class Judge:
    """A doctrine worked out on one seat's picture of the board: ``judge(order)`` is the order's
    :class:`Judged`, or None where the doctrine would not give it (no entry, or no case holds)."""

    def __init__(self, book: DoctrineBook, picture: Picture, doctrine: Doctrine):
        self.book, self.picture, self.doctrine = book, picture, doctrine
        self._base: dict[str, dict[str, Any]] = {}
        plan = _plan(book)
        self._entries = plan.entries
        self._chances, self._costs = plan.kinds(picture.rulebook)

    def __call__(self, order: Order) -> Judged | None:
        kind = order.kind
        found = self._entries.get(kind)
        if found is None:
            return None
        cell, lets, when, cases = found
        p = self.picture
        base = self._base.get(cell)
        if base is None:
            base = self._base[cell] = self.book.base(cell, self.doctrine, p.budget)
        names = _Names(base)
        names["cost"] = self._costs[kind]
        names.lets, names.chance = lets, self._chances[kind]
        G = names.G = p.g
        T = names.T = p.theatres[order.theatre] if order.theatre else {}
        if when is not None and not when(G, T, names):
            return None
        for case_when, score, case in cases:
            if case_when is None or case_when(G, T, names):
                return Judged(score(G, T, names), case, names, p, order)
        return None


_UNSEEN: Any = object()


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
        costs = judge_order._costs
        # the bot's own noise (bot.bot_roll's dice, made once for the turn) breaks ties and varies
        # play between games; keyed by the order, so it does not depend on the order in which
        # orders are judged, nor on which were rolled for: an order is rolled for only when it
        # could still win with the most noise it could draw (the penalties only take off), so an
        # order that could not is never given, rolled for or not.
        dice = Dice(derive(self.seed, "bot"), view.turn, view.seat)
        judged: dict[tuple[str, str | None], list | None] = {}  # [score, judged, score with noise or None]
        chosen_kinds: dict[str, int] = {}
        orders: list[Order] = []
        reasons: list[str] = []
        left = picture.budget
        while len(orders) < max_orders:
            # the best order so far and the score to beat: the threshold, then the best's score
            best: tuple[Order, Judged] | None = None
            bar = threshold
            for order in legal(orders):
                kind = order.kind
                key = (kind, order.theatre)
                scored = judged.get(key, _UNSEEN)
                if scored is _UNSEEN:
                    found = judge_order(order)
                    scored = judged[key] = (None if found is None or not found.score + noise > threshold
                                            else [found.score, found, None])
                if scored is None:
                    continue
                repeats = chosen_kinds.get(kind) if chosen_kinds else None
                short = left - costs[kind] < reserve  # a cautious cell keeps money back for what must be paid next turn
                score = scored[2]
                if score is None:
                    most = scored[0] + noise
                    if repeats:
                        most -= repeat_penalty * repeats
                    if short:
                        most -= reserve_penalty
                    if not most > bar:
                        continue
                    score = scored[2] = scored[0] + dice.roll("doctrine.noise", f"{kind}|{order.theatre or ''}") * noise
                if repeats:
                    score -= repeat_penalty * repeats
                if short:
                    score -= reserve_penalty
                if score > bar:
                    bar, best = score, (order, scored[1])
            if best is None:
                break
            order = best[0]
            orders.append(order)
            reasons.append(best[1].reason())
            chosen_kinds[order.kind] = chosen_kinds.get(order.kind, 0) + 1
            left -= costs[order.kind]
        return Choice(tuple(orders), tuple(reasons))
