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

from wargame.bots import doctrine_plan
from wargame.bots.bot import Choice, Legal, Reasons
from wargame.bots.doctrine import Doctrine
from wargame.bots.doctrine_data import Case, DoctrineBook, doctrine_book
from wargame.bots.doctrine_plan import Fn
from wargame.bots.judged import Judged, Names
from wargame.bots.picture import Picture
from wargame.engine.dice import Dice, derive
from wargame.engine.model import Order
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import View


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    from wargame.engine.rulebook import load_rulebook

    return load_rulebook()


_NO_SCOPE: dict = {}  # no theatre, for a chance to read (never written to)


class Judge:
    """A doctrine worked out on one seat's picture of the board: ``judge(order)`` is the order's
    :class:`Judged`, or None where the doctrine would not give it (no entry, or no case holds)."""

    def __init__(self, book: DoctrineBook, picture: Picture, doctrine: Doctrine,
                 bases: dict[tuple[str, int], dict[str, Any]] | None = None):
        self.book, self.picture, self.doctrine = book, picture, doctrine
        # book.base(cell, doctrine, budget) by (cell, budget), kept by whoever judges with this
        # book and doctrine turn after turn (a bot): copied here, as this judge adds to its own
        self._bases = bases
        self._base: dict[str, dict[str, Any]] = {}
        self._plan = plan = doctrine_plan.plan(book)
        self._chances, self._costs, self._static = plan.kinds(picture.rulebook)
        # per order kind, all :meth:`scored` needs of it, gathered once per seat and turn
        self._ready: dict[str, tuple | None] = {}
        self._written: dict[str, tuple[Fn, dict[str, Any], tuple] | None] = {}  # per order kind: :meth:`written`

    def _prepare(self, kind: str) -> tuple | None:
        found = self._static.get(kind)
        if found is None:
            ready = None
        else:
            cell, shared, rest = found
            p = self.picture
            base = self._base.get(cell)
            if base is None:
                bases = self._bases
                if bases is None:
                    base = self.book.base(cell, self.doctrine, p.budget)
                else:
                    kept = bases.get((cell, p.budget))
                    if kept is None:
                        kept = bases[(cell, p.budget)] = self.book.base(cell, self.doctrine, p.budget)
                    base = dict(kept)
                self._base[cell] = base
            # What an order of this kind reads is worked out before it is read, not on a miss of a
            # lazy mapping: a let that is the same for every order once a seat and turn, in ``base``
            # (a let reads only lets written before it), the rest for each order, in the order written.
            for n, let in shared:
                if n not in base:
                    base[n] = let(p.g, _NO_SCOPE, base)
            ready = (base, *rest)
        self._ready[kind] = ready
        return ready

    def scored(self, order: Order) -> tuple[float, Case, dict[str, Any]] | None:
        """:meth:`__call__`'s score, case and names (a plain dict of what was read: see :meth:`names`),
        without the :class:`Judged` around them."""
        ready = self._ready.get(order.kind, _UNSEEN)
        if ready is _UNSEEN:
            ready = self._prepare(order.kind)
        if ready is None:
            return None
        base, cost, _, chance, when, cases, when_chance, when_lets, cases_chance, cases_lets, code = ready
        p = self.picture
        names = dict(base)
        names["cost"] = cost
        G = p.g
        T = p.theatres[order.theatre] if order.theatre else {}
        if code is not None:  # all of the below, written out in one function (Plan._code)
            found = code(G, T, names)
            return None if found is None else (found[0], cases[found[1]][2], names)
        if when is not None:
            if when_chance:
                names["chance"] = 1.0 if chance is None else float(chance(G, T, _NO_SCOPE))
            for n, let in when_lets:
                names[n] = let(G, T, names)
            if not when(G, T, names):
                return None
        if cases_chance:
            names["chance"] = 1.0 if chance is None else float(chance(G, T, _NO_SCOPE))
        for n, let in cases_lets:
            names[n] = let(G, T, names)
        for case_when, score, case in cases:
            if case_when is None or case_when(G, T, names):
                return score(G, T, names), case, names
        return None

    def ranked(self, order: Order) -> tuple[float, Case, dict[str, Any] | None] | None:
        """:meth:`scored`'s score and case, names None, where the kind's entry is written out in one
        function (:meth:`written`); else :meth:`scored` itself."""
        written = self._written.get(order.kind, _UNSEEN)
        if written is _UNSEEN:
            written = self.written(order.kind)
        if written is None:
            return self.scored(order)
        code, scratch, cases = written
        found = code(self.picture.g, self.picture.theatres[order.theatre] if order.theatre else _NO_SCOPE, scratch)
        return None if found is None else (found[0], cases[found[1]][2], None)

    def written(self, kind: str) -> tuple[Fn, dict[str, Any], tuple] | None:
        """For ``kind``, where its entry is written out in one function (:meth:`~wargame.bots.doctrine_plan.Plan._code`): that
        function, the one dict it is given for every order of the kind, and the kind's cases (the
        function gives (score, the case's place) or None). None where it is not written out, or
        the kind has no entry: ask :meth:`scored`. One dict per kind, not a copy of ``base`` per
        order, is sound: every order of a kind runs the same function, which writes each name
        worked out per order before reading it."""
        ready = self._ready.get(kind, _UNSEEN)
        if ready is _UNSEEN:
            ready = self._prepare(kind)
        if ready is None or ready[10] is None:
            written = None
        else:
            scratch = dict(ready[0])
            scratch["cost"] = ready[1]
            written = (ready[10], scratch, ready[5])
        self._written[kind] = written
        return written

    def names(self, order: Order, names: dict[str, Any]) -> Names:
        """What :meth:`scored` read for ``order``, as the lazy mapping a reason reads more of."""
        _, _, lets, chance, *_ = self._ready[order.kind]  # type: ignore[misc]
        lazy = Names(names)
        lazy.lets, lazy.chance = lets, chance
        lazy.G = self.picture.g
        lazy.T = self.picture.theatres[order.theatre] if order.theatre else {}
        return lazy

    def __call__(self, order: Order) -> Judged | None:
        found = self.scored(order)
        return None if found is None else Judged(found[0], found[1], self.names(order, found[2]), self.picture, order)


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
        self._bases: dict[tuple[str, int], dict[str, Any]] = {}  # see Judge: for this bot's doctrine
        self._book: tuple[Rulebook, Doctrine, DoctrineBook] | None = None  # what _bases were worked out for

    @property
    def rulebook(self) -> Rulebook:
        if self._rulebook is None:
            self._rulebook = _default_rulebook()
        return self._rulebook

    def choose(self, view: View, legal: Legal, max_orders: int) -> Choice:
        d = self.doctrine
        rulebook = self.rulebook
        if self._book is None or self._book[0] is not rulebook or self._book[1] is not d:
            self._book = (rulebook, d, doctrine_book(rulebook))
            self._bases.clear()
        book = self._book[2]
        picture = Picture(view, rulebook)
        judge_order = Judge(book, picture, d, self._bases)
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
        # per (kind, theatre): None where the doctrine would not give it, else [score, how it was
        # judged (see below), score with noise or None, cost]
        judged: dict[tuple[str, str | None], list | None] = {}
        chosen_kinds: dict[str, int] = {}
        orders: list[Order] = []
        reasons: list[Callable[[], str]] = []
        left = picture.budget
        # Each kind's entry written out in one function is called here, not through Judge.ranked
        # (the same call, without one of Python's calls per order: a bot judges forty a turn); what
        # it gives, (score, its case's place), is kept as it is: the case and the names are worked
        # out again only for an order whose reason is read (_Reason). A kind not written out is
        # judged by Judge.scored: (score, case, names).
        written = judge_order._written
        G, theatres = picture.g, picture.theatres
        first = True
        while len(orders) < max_orders:
            # the best order so far and the score to beat: the threshold, then the best's score
            best: tuple[Order, list] | None = None
            bar = threshold
            if first:
                # The first round, written apart from the others: every order is judged in it, none
                # has been given yet (so no kind repeats), nothing has been judged before it. The
                # same steps as the later rounds' loop below takes for an order not judged yet.
                first = False
                for order in legal(orders):
                    kind = order.kind
                    way = written.get(kind, _UNSEEN)
                    if way is _UNSEEN:
                        way = judge_order.written(kind)
                    found = (judge_order.scored(order) if way is None
                             else way[0](G, theatres[order.theatre] if order.theatre else _NO_SCOPE, way[1]))
                    if found is None or not found[0] + noise > threshold:
                        judged[(kind, order.theatre)] = None
                        continue
                    cost = costs[kind]
                    scored = judged[(kind, order.theatre)] = [found[0], found, None, cost]
                    short = left - cost < reserve  # a cautious cell keeps money back for what must be paid next turn
                    most = found[0] + noise
                    if short:
                        most -= reserve_penalty
                    if not most > bar:
                        continue
                    score = scored[2] = found[0] + dice.roll("doctrine.noise", f"{kind}|{order.theatre or ''}") * noise
                    if short:
                        score -= reserve_penalty
                    if score > bar:
                        bar, best = score, (order, scored)
            else:
                for order in legal(orders):
                    kind = order.kind
                    key = (kind, order.theatre)
                    scored = judged.get(key, _UNSEEN)
                    if scored is None:  # (most often: tested first)
                        continue
                    if scored is _UNSEEN:  # (an order the first round was not offered)
                        found = judge_order.ranked(order)
                        if found is None or not found[0] + noise > threshold:
                            judged[key] = None
                            continue
                        scored = judged[key] = [found[0], found, None, costs[kind]]
                    repeats = chosen_kinds.get(kind)
                    short = left - scored[3] < reserve
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
                        bar, best = score, (order, scored)
            if best is None:
                break
            order, scored = best
            orders.append(order)
            reasons.append(_Reason(judge_order, order, scored[1]))
            chosen_kinds[order.kind] = chosen_kinds.get(order.kind, 0) + 1
            left -= scored[3]
        return Choice(tuple(orders), Reasons(reasons))


class _Reason:
    """The sentence of an order a doctrine bot gave, written when someone reads it (bot.Reasons):
    a study plays many thousand games and reads none. Where the order was judged without the
    names it read (written out in one function), they are worked out again then, by
    :meth:`Judge.scored`: the same expressions on the same picture, so the same score and case."""

    __slots__ = ("judge", "order", "found")

    def __init__(self, judge: Judge, order: Order, found: tuple):
        self.judge, self.order, self.found = judge, order, found

    def __call__(self) -> str:
        judge, order = self.judge, self.order
        found = self.found  # (score, case, names), or without the names: (score, case, None) or (score, its case's place)
        score, case, names = found if len(found) == 3 and found[2] is not None else judge.scored(order)  # type: ignore[misc]
        return Judged(score, case, judge.names(order, names), judge.picture, order).reason()
