"""A theatre rule's sweep over the theatres written out as one function, its condition in place.

:meth:`~wargame.engine.resolver.Resolver.run_rules` tries a rule of scope ``theatre`` in each
theatre in turn: its condition, and where it holds the rule itself. Most conditions fail in most
theatres, and a call of the condition's compiled function costs more than the condition, so the
loop is written out once per rule with the condition's tree in place (:func:`theatre_sweep`): the
same condition, asked in the same theatres in the same order, each after the rule was applied in
the theatres before it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from wargame.engine.expressions import compile_written
from wargame.engine.rules import Rule

_sweeps: dict[int, tuple[Rule, Callable | None]] = {}


def theatre_sweep(rule: Rule) -> Callable | None:
    """``sweep(G, theatres, O, apply)``: ``apply(rule, T, {})`` for each theatre ``T`` in turn where
    the rule's condition holds (``O`` is the no-offshoot mapping the condition reads). None for a
    rule with no condition, or one whose condition keeps no tree to write out."""
    found = _sweeps.get(id(rule))
    if found is not None and found[0] is rule:
        return found[1]
    body: Any = None if rule.when is None else rule.when.body
    sweep = None
    if body is not None:
        sweep = compile_written(["def sweep(G, TS, O, apply, rule):", "    for T in TS:",
                                 f"        if {ast.unparse(body)}:", "            apply(rule, T, {})"],
                                "sweep", f"<sweep of {rule.id}>")
    if len(_sweeps) > 4096:
        _sweeps.clear()
    _sweeps[id(rule)] = (rule, sweep)  # the rule kept beside it: its id() stays its own
    return sweep


_phases: dict[int, tuple[tuple[Rule, ...], list]] = {}


def phase_rules(rules: Iterable[Rule]) -> list[tuple[Rule, str, bool, Callable | None, Callable | None]]:
    """``(rule, scope, reads_computed, condition, sweep)`` for each rule, as
    :meth:`~wargame.engine.resolver.Resolver.run_rules` reads them: the condition's function (None
    for none) and, for a theatre rule, its :func:`theatre_sweep`. Worked out once for a tuple of
    rules (a phase's, which a game runs every turn), else each time."""
    found = _phases.get(id(rules)) if type(rules) is tuple else None
    if found is not None and found[0] is rules:
        return found[1]
    run = [(r, r.scope, r.reads_computed, None if r.when is None else r.when.fn,
            theatre_sweep(r) if r.scope == "theatre" else None) for r in rules]
    if type(rules) is tuple:
        if len(_phases) > 64:
            _phases.clear()
        _phases[id(rules)] = (rules, run)  # the rules kept beside it: their id() stays theirs
    return run
