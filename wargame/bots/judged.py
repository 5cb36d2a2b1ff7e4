"""A doctrine's judgement of one order, and the sentence that explains it (written when asked).

:class:`~wargame.bots.doctrine_bot.Judge` works out an order's score and case on a seat's
picture; a :class:`Judged` keeps them with the names they read, for the sentence of an order the
bot gives (:mod:`wargame.bots.reasons`, the table's reasons).
"""

from __future__ import annotations

from typing import Any

from wargame.bots.doctrine_data import Case
from wargame.bots.picture import Picture
from wargame.engine.board import GLOBAL_TRACKS
from wargame.engine.expressions import Expression
from wargame.engine.model import Order
from wargame.engine.templates import MISSING, Written, render_template


class Names(dict):
    """The doctrine's names for one order (posture, knobs, cost...) as a reason reads them:
    ``chance`` and the cell's ``let``s are worked out the first time they are read, if
    :meth:`~wargame.bots.doctrine_bot.Judge.scored` did not need them."""

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

    def __init__(self, score: float, case: Case, names: Names, picture: Picture, order: Order):
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
