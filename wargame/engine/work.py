"""How much work one turn can take with a rulebook: counted at load, refused past
:data:`~wargame.engine.limits.MAX_WORK` (rules/README.md, "Limits"), so no designer's rulebook can
make a turn hang."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wargame.engine.board import MAX_OFFSHOOTS, N_THEATRES_MAX
from wargame.engine.effects import Effect
from wargame.engine.model import CELLS


def work_per_turn(book: Any) -> tuple[int, str]:
    """The most evaluations one turn of a game can take with this rulebook (a Rulebook: typed
    loosely, as the rulebook counts it while it loads), on the largest board it
    allows, and what takes the most. An evaluation is an expression worked out, a card looked at
    or a record written; bringing the totals and formulas up to date counts one a formula, a
    theatre and an offshoot. The count is cautious: every rule's condition holds, every chance
    fires, every offshoot is in play, every cell gives its most orders, each the costliest, and
    every draw looks at every card of its deck twice (before and after the one reshuffle a draw
    may make)."""
    theatres = max((len(s.initial.theatres) for s in book.scenarios.values()), default=N_THEATRES_MAX)
    refresh = len(book.formulas) + theatres + MAX_OFFSHOOTS

    def cost(effects: Iterable[Effect]) -> int:
        n = 0
        for e in effects:
            if e.op == "draw":
                n += draws.get(e.args[0], 0)
            elif e.op == "spawn_offshoot":
                n += 3  # two arguments, and the weakest group folding
            else:
                n += 1
        return n

    draws: dict[str, int] = {}
    for d in book.decks.values():  # cards draw nothing: a deck's cost is its own
        worst = max((cost(c.effects) for c in d.cards), default=0)
        draws[d.id] = 2 * len(d.cards) * (2 + refresh) + worst + 2
    parts: list[tuple[int, str]] = []
    for r in book.rules:
        tries = 1 if r.scope == "global" else theatres if r.scope == "theatre" else MAX_OFFSHOOTS
        parts.append((refresh + tries * ((r.when is not None) + (r.chance is not None) + 1 + cost(r.effects)),
                      f"rule {r.id}"))
    for cell in CELLS:
        kinds = [o for o in book.orders if o.cell == cell]
        if kinds:
            worst = max(refresh + (o.chance is not None) + 1 + max(cost(o.success), cost(o.failure)) for o in kinds)
            parts.append((book.max_orders * worst, f"{cell}'s orders"))
    legality = sum((theatres if o.target == "theatre" else 1) * max(1, len(o.requires)) for o in book.orders)
    parts.append((refresh + legality, "the legal orders"))
    parts.append((refresh + len(book.objectives), "the objectives"))
    parts.append((refresh + len(CELLS), "the turn's bookkeeping"))  # what each cell paid; the tallies
    total = sum(n for n, _ in parts)
    return total, max(parts)[1]
