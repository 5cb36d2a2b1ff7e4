"""Why a bot gave an order: what the report and the table share.

Two places work out a bot's reasons after the fact, each for its own reader:
:func:`wargame.record.debrief.bot_reasons` seats the bot again on the view it chose on (the
report), and :func:`wargame.table.reasons.order_reasons` works the doctrine out on the view of the
seat that is told (the room, a cell, the White Cell). Both start here: the bot a seat names, seated
as it was in the game (:func:`seated_bot`); the doctrine's sentence for an order on a picture of
the board (:func:`doctrine_reason`); the random bot's reason (:data:`RANDOM_REASON`); and the ¶ a
sentence rests on (:func:`with_cites`).
"""

from __future__ import annotations

from attrs import frozen

from wargame.bots.bot import Bot
from wargame.bots.doctrine import Doctrine
from wargame.bots.doctrine_bot import judge
from wargame.bots.picture import Picture
from wargame.bots.seats import HUMAN, make_bot, parse_bot
from wargame.engine.model import Order
from wargame.engine.rulebook import Rulebook

RANDOM_REASON = "picked at random from the orders it could give"
"""The random bot's reason, for everyone: it has no other."""


@frozen
class Seated:
    """A bot as it sat in a cell: its kind (``random``, ``doctrine``), the bot, and for a doctrine
    bot its doctrine (posture and knobs; ``doctrine:mixed`` drawn for the game and the cell)."""

    kind: str
    bot: Bot
    doctrine: Doctrine | None


def seated_bot(spec: str, seed: int, cell: str, rulebook: Rulebook) -> Seated | None:
    """The bot that ``spec`` (a seat list's entry: ``random``, ``doctrine:cautious``...) names, seated
    in ``cell`` of the game whose seed is ``seed``, as the game seated it; None for people, or for
    an entry no bot answers to."""
    if spec == HUMAN:
        return None
    try:
        kind, _ = parse_bot(spec)
        bot = make_bot(spec, seed, cell, **({"rulebook": rulebook} if kind == "doctrine" else {}))
    except ValueError:
        return None
    return Seated(kind, bot, getattr(bot, "doctrine", None))


def doctrine_reason(picture: Picture, order: Order, doctrine: Doctrine) -> str | None:
    """The doctrine's sentence for ``order`` worked out on ``picture`` (whose numbers it says are
    estimates: :class:`~wargame.bots.picture.Picture`); None where the doctrine would not judge the
    order on that picture (it would not give it there, or the picture lacks what it reads)."""
    try:
        judged = judge(picture.rulebook, picture, order, doctrine)
        return None if judged is None else judged.reason()
    except (KeyError, ValueError, ZeroDivisionError, TypeError):
        return None


def with_cites(rulebook: Rulebook, kind: str, reason: str) -> str:
    """A reason with the ¶ it rests on: the order's own, if the sentence cites none."""
    if "¶" in reason:
        return reason
    order = rulebook.order_kinds.get(kind)
    cites = ", ".join(f"¶{c}" for c in order.cites) if order else ""
    return f"{reason.rstrip('.')} ({cites})." if cites else reason
