"""Why a bot gave its orders, as a seat may be told it.

A doctrine bot gives each order with a sentence that cites the article's ¶
(:class:`~wargame.bots.bot.Choice`): worked out from its cell's view, so the sentence may read
that cell's secret tracks. Every seat is told only what is worked out from what it may see:

- the White Cell (``white``) and the bot's own cell are told the bot's own sentence, worked out
  on the cell's view of the board the bot chose on (the same sentence the bot gave);
- anyone else (the room, ``public``, or another cell) is told the doctrine's sentence worked out
  on *its* view: its estimates of the cell's tracks (the middle of each range), its estimate of
  the cell's budget. Where that cannot be worked out (the doctrine would not judge the order on
  that picture), the seat is told that the reason reads what it cannot see.

A random bot's reason is the same for everyone: it picked the order at random.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import frozen

from wargame.bots.doctrine_bot import SCORERS
from wargame.bots.picture import Picture
from wargame.bots.seats import HUMAN, make_bot, parse_bot
from wargame.engine.model import Order, State
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import view

RANDOM = "picked at random from the orders it could give"
UNSEEN = "its reason reads what {whom} cannot see"


@frozen
class Reason:
    """Why a bot gave one order, as one seat is told it."""

    text: str
    own: bool  # the bot's own sentence (True), or the doctrine's on the seat's own picture


def _whom(seat: str) -> str:
    return "the room" if seat in ("public", "room") else "you"


def order_reasons(rulebook: Rulebook, state: State, seats: Mapping[str, str], seed: int, cell: str,
                  orders: Sequence[Order], seat: str) -> list[Reason | None]:
    """For each of ``orders`` that the bot in ``cell`` gave on ``state``, why, as ``seat`` may
    be told it (None for each order of a cell played by people)."""
    kind = seats.get(cell, HUMAN)
    if kind == HUMAN:
        return [None] * len(orders)
    try:
        bot_kind, _ = parse_bot(kind)
    except ValueError:
        return [None] * len(orders)
    if bot_kind != "doctrine":
        return [Reason(RANDOM, True)] * len(orders)
    doctrine = getattr(make_bot(kind, seed, cell), "doctrine", None)
    if doctrine is None:
        return [None] * len(orders)
    own = seat in ("white", cell)
    v = view(state, cell if own else ("public" if seat == "room" else seat))
    try:
        pic = Picture(v, rulebook)
    except (KeyError, ValueError, ZeroDivisionError):
        return [Reason(UNSEEN.format(whom=_whom(seat)), False)] * len(orders)
    if not own:  # the seat's estimate of the cell's budget, not the cell's own figure
        budget = rulebook.budgets.get(cell)
        est = v.tracks.get(budget) if budget else None
        pic.budget = int(round(est.mid)) if est is not None else 0
    out: list[Reason | None] = []
    for order in orders:
        scorer = SCORERS.get(order.kind)
        try:
            scored = scorer(pic, order, doctrine) if scorer is not None else None
        except (KeyError, ValueError, ZeroDivisionError, TypeError):
            scored = None
        if scored is None:
            out.append(Reason(UNSEEN.format(whom=_whom(seat)), False))
        else:
            out.append(Reason(scored[1], own))
    return out
