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

The numbers a doctrine's sentence works out (a chance, the power gap, another cell's secret
track) say whose estimate they are: the bot's ("by its estimate") in its own sentence, the
seat's ("by the room's estimate", "by your estimate") in the sentence worked out on the seat's view.
What this shares with the report's reasons (:func:`wargame.record.debrief.bot_reasons`) is in
:mod:`wargame.bots.reasons`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import frozen

from wargame.bots.picture import Picture
from wargame.bots.reasons import RANDOM_REASON, doctrine_reason, seated_bot, with_cites
from wargame.bots.seats import HUMAN
from wargame.engine.model import Order, State
from wargame.engine.rulebook import Rulebook
from wargame.engine.view import view

RANDOM = RANDOM_REASON
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
    seated = seated_bot(seats.get(cell, HUMAN), seed, cell, rulebook)
    if seated is None:
        return [None] * len(orders)
    if seated.kind != "doctrine":
        return [Reason(RANDOM, True)] * len(orders)
    doctrine = seated.doctrine
    if doctrine is None:
        return [None] * len(orders)
    own = seat in ("white", cell)
    v = view(state, cell if own else ("public" if seat == "room" else seat))
    try:  # the numbers the sentence works out are the bot's estimates, or the seat's own
        pic = Picture(v, rulebook, whose="its" if own else ("the room's" if _whom(seat) == "the room" else "your"))
    except (KeyError, ValueError, ZeroDivisionError):
        return [Reason(UNSEEN.format(whom=_whom(seat)), False)] * len(orders)
    if not own:  # the seat's estimate of the cell's budget, not the cell's own figure
        budget = rulebook.budgets.get(cell)
        est = v.tracks.get(budget) if budget else None
        pic.budget = int(round(est.mid)) if est is not None else 0
    out: list[Reason | None] = []
    for order in orders:
        text = doctrine_reason(pic, order, doctrine)
        if text is None:
            out.append(Reason(UNSEEN.format(whom=_whom(seat)), False))
        else:
            out.append(Reason(with_cites(rulebook, order.kind, text), own))
    return out
