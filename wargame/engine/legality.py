"""Legal orders: the one definition of what a cell may order now, and why not.

An order is legal in the orders phase when it is one of its cell's kinds, aimed where its kind
says, within the cell's orders and budget for the turn, and every requirement of its kind holds on
the board (:class:`~wargame.engine.position.Position`). :func:`why_illegal` says so order by order;
the rest ask it, or give the same verdicts in bulk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wargame.engine.model import CELL_TITLES, CELLS, Order, State
from wargame.engine.position import position
from wargame.engine.resolver import order_key
from wargame.engine.rulebook import Rulebook


class IllegalOrder(ValueError):
    """An order the engine refuses, with the reason; the state is left as it was."""


def why_illegal(rulebook: Rulebook, state: State, order: Order, pending: Sequence[Order] = ()) -> str | None:
    """Why ``order`` cannot be given now, after the cell's ``pending`` orders; None if it can.

    This is the one definition of a legal order: :func:`legal_orders`, the bots, the UI and the
    tests all ask it.
    """
    if state.phase != "orders":
        return f"orders are given in the orders phase, and the game is in {state.phase}"
    if order.cell not in CELLS:
        return f"there is no cell {order.cell!r}"
    kind = rulebook.order_kinds.get(order.kind)
    if kind is None:
        return f"there is no order {order.kind!r}"
    if kind.cell != order.cell:
        return f"{kind.title} is an order of {CELL_TITLES[kind.cell]}, not of {CELL_TITLES[order.cell]}"
    if kind.target == "theatre":
        if order.theatre is None:
            return f"{kind.title} needs a theatre"
        if not any(t.name == order.theatre for t in state.theatres):
            return f"there is no theatre {order.theatre!r} in this scenario"
    elif order.theatre is not None:
        return f"{kind.title} is not given in a theatre"
    mine = [o for o in pending if o.cell == order.cell]
    if order in mine:
        return "already ordered this turn"
    if len(mine) >= rulebook.max_orders:
        return f"a cell gives at most {rulebook.max_orders} orders a turn"
    pos = position(rulebook, state)
    budget = rulebook.budgets[order.cell]
    spent = sum(rulebook.order_kinds[o.kind].cost for o in mine if o.kind in rulebook.order_kinds)
    left = pos.board.g[budget] - spent
    if kind.cost > left:
        return f"costs {kind.cost} {budget.split('_', 1)[1]}, and only {left} is left"
    return pos.refused(rulebook, order)


def legal_orders(rulebook: Rulebook, state: State, cell: str, pending: Sequence[Order] = ()) -> list[Order]:
    """Every order ``cell`` may add to its ``pending`` orders now, in the rulebook's order.

    The same verdicts as :func:`why_illegal` (a test holds them to it), worked out in bulk."""
    if state.phase != "orders" or cell not in CELLS:
        return []
    pos = position(rulebook, state)
    left = pos.board.g[rulebook.budgets[cell]]
    if not pending and rulebook.max_orders > 0:  # a bot's first question each turn: nothing to take off (as below)
        return [o for o, cost, _ in pos.allowed(rulebook, cell) if cost <= left]
    mine = [o for o in pending if o.cell == cell]
    if len(mine) >= rulebook.max_orders:
        return []
    kinds = rulebook.order_kinds
    for o in mine:  # (a loop, not sum() over a generator: this is asked for every order a bot gives)
        if o.kind in kinds:
            left -= kinds[o.kind].cost
    if not mine:
        return [o for o, cost, _ in pos.allowed(rulebook, cell) if cost <= left]
    # an order of this cell equals a pending one exactly when its kind and theatre do
    taken = {(o.kind, o.theatre) for o in mine}
    return [o for o, cost, key in pos.allowed(rulebook, cell) if cost <= left and key not in taken]


def unavailable_orders(rulebook: Rulebook, state: State, cell: str, pending: Sequence[Order] = ()) -> list[tuple[Order, str]]:
    """The orders ``cell`` cannot add now, each with the reason (for a UI to show)."""
    if state.phase != "orders":
        return []
    out = []
    for o in position(rulebook, state).requirements(rulebook, cell):
        reason = why_illegal(rulebook, state, o, pending)
        if reason is not None:
            out.append((o, reason))
    return out


def check_orders(rulebook: Rulebook, state: State, orders: Mapping[str, Sequence[Order]]) -> None:
    """Raise :class:`IllegalOrder` unless every cell's set of orders is legal as a whole."""
    pos = position(rulebook, state) if state.phase == "orders" else None
    key_of = None
    for cell, given in orders.items():
        if cell not in CELLS:
            raise IllegalOrder(f"there is no cell {cell!r}")
        if not given:
            continue  # nothing to check: no orders is always legal
        if key_of is None:
            key_of = order_key(rulebook, state)  # one sort key for every cell
        # What why_illegal would say of an order that is plainly legal, said at once: one of the
        # cell's orders its requirements allow, not given yet, within its orders and its budget.
        # Anything else is asked of why_illegal, which gives the reason.
        allowed = pos.allowed_costs(rulebook, cell) if pos is not None else {}
        left = pos.board.g[rulebook.budgets[cell]] if pos is not None else 0
        taken: set[tuple[str, str | None]] = set()
        # Check in a canonical order so the verdict does not depend on the submission order.
        accepted: list[Order] = []
        for order in sorted(given, key=key_of):
            if order.cell != cell:
                raise IllegalOrder(f"{order} was given under {cell} but is an order of {order.cell}")
            key = (order.kind, order.theatre)
            cost = allowed.get(key)
            if not (type(order) is Order and cost is not None and key not in taken and cost <= left
                    and len(accepted) < rulebook.max_orders):
                reason = why_illegal(rulebook, state, order, accepted)
                if reason is not None:
                    raise IllegalOrder(f"{CELL_TITLES[cell]}: {order}: {reason}")
                cost = rulebook.order_kinds[order.kind].cost
            accepted.append(order)
            taken.add(key)
            left -= cost
