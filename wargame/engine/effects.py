"""Effects: the statements of the rulebook that change the board.

An *effect* is one statement: ``track = expr``, ``track += expr``, ``track -= expr`` or an
action such as ``spawn_offshoot("defectors", 2, is_brutality)``. Its expressions are checked and
compiled as :mod:`wargame.engine.expressions` checks any other; the target must be a track in
scope, and an action takes exactly its arguments.
"""

from __future__ import annotations

import ast
from typing import Any

from attrs import frozen

from wargame.engine.expressions import Checker, Expression, ExpressionError, Scope, compile_body, parse

ACTIONS: dict[str, tuple[str, ...]] = {
    # name: the kinds of its arguments, in order ("text" must be a quoted constant)
    "spawn_offshoot": ("text", "number", "number"),  # origin, strength, brutality
    "absorb_offshoot": (),  # AQ takes in the offshoot a rule is applied to
    "draw": ("text",),  # draw the next eligible card of a deck
}
ORIGINS = ("defectors", "holdouts", "inspired")


@frozen
class Effect:
    """One effect statement. ``op`` is "=", "+=" or "-=" for a track, or an action's name."""

    source: str
    op: str
    target: str  # the track, or the action's name
    where: str  # "G", "T" or "O" for a track; "" for an action
    args: tuple[Any, ...]  # one Expression for a track; an action's arguments


def compile_effect(source: Any, scope: Scope, decks: frozenset[str] = frozenset()) -> Effect:
    """Check and compile one effect statement; raise :class:`ExpressionError` with the reason."""
    tree = parse(source, "exec")
    if len(tree.body) != 1:  # type: ignore[attr-defined]
        raise ExpressionError("one effect per line")
    stmt = tree.body[0]  # type: ignore[attr-defined]
    if isinstance(stmt, ast.Assign):
        if len(stmt.targets) != 1:
            raise ExpressionError("assign one track at a time")
        return _track_effect(source, stmt.targets[0], "=", stmt.value, scope)
    if isinstance(stmt, ast.AugAssign):
        ops = {ast.Add: "+=", ast.Sub: "-="}
        if type(stmt.op) not in ops:
            raise ExpressionError("effects may only use =, += and -=")
        return _track_effect(source, stmt.target, ops[type(stmt.op)], stmt.value, scope)
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name):
        return _action(source, stmt.value, scope, decks)
    raise ExpressionError("an effect is 'track = ...', 'track += ...', 'track -= ...' or an action")


def _track_effect(source: str, target: ast.AST, op: str, value: ast.expr, scope: Scope) -> Effect:
    if not isinstance(target, ast.Name):
        raise ExpressionError("the left side of an effect must be a track's name")
    where = scope.lookup(target.id)
    if where is None:
        raise ExpressionError(f"unknown track {target.id!r}")
    if where[1].kind != "track":
        raise ExpressionError(f"{target.id!r} is computed or fixed, not a track an effect can change")
    checker = Checker(scope)
    body, bounds = checker.check(value)
    expr = Expression(ast.unparse(value), compile_body(body, source), bounds, frozenset(checker.names))
    return Effect(source, op, target.id, where[0], (expr,))


def _action(source: str, call: ast.Call, scope: Scope, decks: frozenset[str]) -> Effect:
    name = call.func.id  # type: ignore[attr-defined]
    if name not in ACTIONS:
        raise ExpressionError(f"unknown action {name!r} (allowed: {', '.join(sorted(ACTIONS))})")
    kinds = ACTIONS[name]
    if call.keywords or len(call.args) != len(kinds):
        raise ExpressionError(f"{name}() takes {len(kinds)} arguments")
    if name == "spawn_offshoot" and scope.kind == "global":
        raise ExpressionError("spawn_offshoot() needs a theatre: give the rule scope = \"theatre\"")
    if name == "absorb_offshoot" and scope.kind != "offshoot":
        raise ExpressionError("absorb_offshoot() needs an offshoot: give the rule scope = \"offshoot\"")
    args: list[Any] = []
    for kind, arg in zip(kinds, call.args):
        if kind == "text":
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise ExpressionError(f"{name}() takes a quoted text here")
            args.append(arg.value)
        else:
            checker = Checker(scope)
            body, bounds = checker.check(arg)
            args.append(Expression(ast.unparse(arg), compile_body(body, source), bounds, frozenset(checker.names)))
    if name == "spawn_offshoot" and args[0] not in ORIGINS:
        raise ExpressionError(f"an offshoot's origin is one of {', '.join(ORIGINS)}, not {args[0]!r}")
    if name == "draw" and args[0] not in decks:
        raise ExpressionError(f"no deck {args[0]!r} (decks: {', '.join(sorted(decks)) or 'none'})")
    return Effect(source, name, name, "", tuple(args))
