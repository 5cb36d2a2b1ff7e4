"""The designer's mutation check (``wargame check --deep --mutate``): which rules do the
declarations guard?

For every rule, order and formula, each input its chance (or value) reads directly is reversed in
turn (read as ``lo + hi - input``: its effect flipped, its range kept), and the declarations that
speak of that entry are checked on the mutated rulebook. A reversal no declaration notices is a
way the rule could be bent that nothing would catch: the designer sees which rules their
declarations leave unguarded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs
from attrs import frozen

from wargame.analysis.properties import check_one
from wargame.engine.declarations import Declaration, mutated
from wargame.engine.expressions import ExpressionError, Scope
from wargame.engine.rulebook import Rulebook


@frozen
class Mutant:
    """One input reversed in one entry's chance or formula, and the declarations that caught it."""

    subject: str  # "rule", "order" or "formula"
    of: str
    input: str
    caught_by: tuple[str, ...]  # ids of the declarations that failed on the mutant
    guarded: bool  # whether any declaration speaks of this entry at all

    @property
    def caught(self) -> bool:
        return bool(self.caught_by)


def _inputs(expr, scope: Scope, parameters: Iterable[str]) -> list[tuple[str, float, float]]:
    """The names an expression reads that move in play (tracks, totals, formulas), with bounds."""
    fixed = set(parameters)
    out = []
    for name in sorted(expr.names):
        found = scope.lookup(name)
        if found is None or name in fixed or found[1].kind == "text" or found[1].lo == found[1].hi:
            continue
        out.append((name, found[1].lo, found[1].hi))
    return out


def _entries(rulebook: Rulebook) -> Iterator[tuple[str, str, str, Any, Callable[[Any], Rulebook]]]:
    """(subject, entry id, scope, expression, how to put a bent expression back) of every
    entry whose chance (or value) reads the board."""
    for i, rule in enumerate(rulebook.rules):
        if rule.chance is not None:
            yield "rule", rule.id, rule.scope, rule.chance, lambda e, i=i, r=rule: attrs.evolve(
                rulebook, rules=rulebook.rules[:i] + (attrs.evolve(r, chance=e),) + rulebook.rules[i + 1:])
    for i, kind in enumerate(rulebook.orders):
        if kind.chance is not None:
            yield "order", kind.id, "theatre" if kind.target == "theatre" else "global", kind.chance, \
                lambda e, i=i, k=kind: attrs.evolve(
                    rulebook, orders=rulebook.orders[:i] + (attrs.evolve(k, chance=e),) + rulebook.orders[i + 1:])
    for i, (name, expr) in enumerate(rulebook.formulas):
        yield "formula", name, "global", expr, lambda e, i=i, n=name: attrs.evolve(
            rulebook, formulas=rulebook.formulas[:i] + ((n, e),) + rulebook.formulas[i + 1:])


def mutants(rulebook: Rulebook, scope_of: Callable[[str], Scope]) -> Iterator[tuple[str, str, str, Rulebook]]:
    """(subject, entry id, input, the rulebook with that input reversed in that entry)."""
    for subject, of, kind, expr, put_back in _entries(rulebook):
        scope = scope_of(kind)
        for name, lo, hi in _inputs(expr, scope, rulebook.parameters):
            try:
                bent = mutated(expr, name, lo, hi, scope)
            except ExpressionError:
                continue
            yield subject, of, name, put_back(bent)


def _speaks_of(d: Declaration, subject: str, of: str) -> bool:
    return d.of == of and d.subject == subject or d.subject == "rule" and subject == "rule" and d.argument == of


def run_mutants(rulebook: Rulebook, scope_of: Callable[[str], Scope], examples: int = 60, seed: int = 0,
                only: Iterable[str] | None = None, progress: Callable[[], None] | None = None) -> list[Mutant]:
    """Every mutant (or those whose entry id contains a word of ``only``) and what caught it."""
    wanted = list(only or ())
    out = []
    for subject, of, name, bent in mutants(rulebook, scope_of):
        if wanted and not any(w in of or w in f"{of} {name}" for w in wanted):
            continue
        watching = [d for d in bent.declarations if _speaks_of(d, subject, of)]
        caught = []
        for d in watching:
            for scenario in bent.scenarios:
                try:
                    broken = check_one(bent, d, scenario, examples, seed) is not None
                except Exception:  # noqa: BLE001 - a bent rule that makes the check fail is caught too
                    broken = True
                if broken:
                    caught.append(d.id)
                    break
        out.append(Mutant(subject, of, name, tuple(caught), bool(watching)))
        if progress is not None:
            progress()
    return out
