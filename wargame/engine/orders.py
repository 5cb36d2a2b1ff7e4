"""``rules/orders.toml``: the kinds of order each cell may give, checked."""

from __future__ import annotations

from typing import Any

from attrs import frozen

from wargame.engine.board import OWNER, hidden_from
from wargame.engine.checks import check_template, read_effects, read_expression, scope_of
from wargame.engine.declarations import DECLARATION_KEYS
from wargame.engine.effects import Effect
from wargame.engine.expressions import Expression, Name, Scope
from wargame.engine.limits import MAX_ORDERS, MAX_REQUIRES, MAX_TITLE
from wargame.engine.model import CELLS
from wargame.engine.reading import Problems, Table, entries, show


@frozen
class Requirement:
    when: Expression
    reason: str  # why the order is not available when ``when`` is false


@frozen
class OrderKind:
    """A kind of order a cell may give, with its cost, where it applies and what it does."""

    id: str
    cell: str
    title: str
    text: str
    cites: tuple[int, ...]
    cost: int
    target: str  # "theatre" or "none"
    requires: tuple[Requirement, ...]
    chance: Expression | None
    success: tuple[Effect, ...]
    failure: tuple[Effect, ...]
    explain: str
    explain_fail: str


def _secret_read(expr: Expression, scope: Scope, cell: str, formulas: dict[str, frozenset[str]]) -> str | None:
    """The first name ``expr`` reads (through formulas) that ``cell`` may not always see exactly:
    another cell's inner track, or, for an outsider, what secret AQ-IS talks hide. Theatre and
    offshoot names are public. None if it reads only what ``cell`` may see."""
    hidden = hidden_from(cell)
    for n in sorted(expr.names):
        where = scope.lookup(n)
        if where is None or where[0] != "G":
            continue
        for m in sorted(formulas.get(n, {n})):
            if m in hidden:
                return m
    return None


def load_orders(data: dict[str, Any], path: str, names: dict[str, Name], decks: frozenset[str], problems: Problems,
                 formulas: dict[str, frozenset[str]] | None = None):
    """The ``[[order]]`` entries of ``data`` (read from ``path``) that pass every check, in order, as
    :func:`~wargame.engine.rules.load_rules` reads rules; ``formulas`` maps a formula to the names it
    reads, so that a requirement reading what its cell may not see is refused."""
    formulas = formulas or {}
    orders = []
    top = Table(data, path, problems)
    for t, ident in entries(top, "order", set(), MAX_ORDERS):
        cell = t.get("cell", str)
        if cell is not None and cell not in CELLS:
            t.fail(f"cell {show(cell)} should be one of {', '.join(CELLS)}")
        target = t.get("target", str, "none")
        if target not in ("theatre", "none"):
            t.fail(f"target {show(target)} should be 'theatre' or 'none'")
            target = "none"
        scope = scope_of("theatre" if target == "theatre" else "global", names)
        cost = t.get("cost", int)
        if cost is not None and not 0 <= cost <= 20:
            t.fail(f"cost {cost} should lie in 0..20")
        requires = []
        raw_requires = t.get("requires", list, []) or []
        if len(raw_requires) > MAX_REQUIRES:
            t.fail(f"'requires' has {len(raw_requires)} requirements, more than the limit of {MAX_REQUIRES}")
            raw_requires = []
        for r in raw_requires:
            rt = Table(r, t.where + " requires", problems)
            when = read_expression(rt, "when", scope, required=True)
            reason = rt.text("reason")
            rt.unknown_keys()
            if when is not None and cell in CELLS:
                secret = _secret_read(when, scope, cell, formulas)
                if secret is not None:
                    rt.fail(f"'{when.source}' reads {secret}, which {cell} may not see"
                            + (f" (an inner track of {OWNER[secret]})" if secret in OWNER
                               else " (the AQ-IS relation as only the two groups know it)")
                            + f": a requirement may read only public names and {cell}'s own tracks")
            if when is not None and reason and rt.ok:
                requires.append(Requirement(when, reason))
            t.ok = t.ok and rt.ok
        order = OrderKind(
            id=ident,
            cell=cell or "is",
            title=t.text("title", most=MAX_TITLE) or "",
            text=t.text("text") or "",
            cites=t.cites(),
            cost=cost or 0,
            target=target,
            requires=tuple(requires),
            chance=read_expression(t, "chance", scope, chance=True),
            success=read_effects(t, "success", scope, decks),
            failure=read_effects(t, "failure", scope, decks),
            explain=t.get("explain", str) or "",
            explain_fail=t.get("explain_fail", str, ""),
        )
        for key in ("explain", "explain_fail"):
            check_template(getattr(order, key), scope, t, key)
        if order.chance is None and order.failure:
            t.fail("'failure' effects need a 'chance'")
        t.used.update(DECLARATION_KEYS)  # read in a second pass (wargame.engine.declarations)
        t.unknown_keys()
        if t.ok:
            orders.append(order)
    top.unknown_keys()
    return orders
