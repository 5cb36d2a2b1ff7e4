"""The doctrine bot: plays whichever cell it is seated in by that cell's doctrine (:mod:`wargame.bots.doctrine`).

Each turn it weighs every legal order with its cell's scoring function, adds a little noise of its
own to break ties, and gives the best orders it can afford, each with its sentence.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from wargame.bots.bot import Choice, Legal, bot_dice
from wargame.bots.doctrine import Doctrine
from wargame.bots.doctrine_aq import AQ_SCORERS
from wargame.bots.doctrine_coalition import COALITION_SCORERS
from wargame.bots.doctrine_governments import GOVERNMENTS_SCORERS
from wargame.bots.doctrine_is import IS_SCORERS
from wargame.bots.picture import Picture, Scored, Scorer
from wargame.engine.model import Order
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import View

SCORERS: dict[str, Scorer] = {**IS_SCORERS, **AQ_SCORERS, **COALITION_SCORERS, **GOVERNMENTS_SCORERS}
"""The doctrine's judgement of each order kind. A kind the rulebook adds later and this table
does not know is never chosen (a doctrine bot only plays what its doctrine understands)."""

# Per posture: budget kept in reserve (in the cell's own currency), the least score worth an
# order, and the spread of the bot's own tie-breaking noise.
_RESERVE = {"is": (2, 1, 0), "aq": (3, 1, 0), "coalition": (1, 0, 0), "governments": (0, 0, 0)}
_THRESHOLD = (2.0, 1.0, 0.5)
_NOISE = 0.6
_REPEAT_PENALTY = 1.5  # a second order of the same kind in the same turn must be worth it


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    from wargame.engine.rulebook import load_rulebook

    return load_rulebook()


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
        picture = Picture(view, rulebook)
        rng = bot_dice(self.seed, view.turn, view.seat, salt="doctrine")
        reserve = _RESERVE.get(view.seat, (0, 0, 0))[d.boldness]
        threshold = _THRESHOLD[d.boldness]
        kinds = rulebook.order_kinds
        judged: dict[tuple[str, str | None], Scored] = {}
        chosen_kinds: dict[str, int] = {}
        orders: list[Order] = []
        reasons: list[str] = []
        left = picture.budget
        while len(orders) < max_orders:
            best: tuple[float, Order, str] | None = None
            for order in legal(orders):
                key = (order.kind, order.theatre)
                if key in judged:
                    scored = judged[key]
                else:
                    scorer = SCORERS.get(order.kind)
                    scored = scorer(picture, order, d) if scorer else None
                    # the bot's own noise breaks ties and varies play between games
                    if scored is not None:
                        scored = (scored[0] + rng.random() * _NOISE, scored[1])
                    judged[key] = scored
                if scored is None:
                    continue
                score = scored[0]
                repeats = chosen_kinds.get(order.kind)
                if repeats:
                    score -= _REPEAT_PENALTY * repeats
                if left - kinds[order.kind].cost < reserve:
                    score -= 3  # a cautious cell keeps money back for what must be paid next turn
                if score > threshold and (best is None or score > best[0]):
                    best = (score, order, scored[1])
            if best is None:
                break
            order = best[1]
            orders.append(order)
            reasons.append(best[2])
            chosen_kinds[order.kind] = chosen_kinds.get(order.kind, 0) + 1
            left -= kinds[order.kind].cost
        return Choice(tuple(orders), tuple(reasons))
