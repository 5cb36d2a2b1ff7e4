"""The compiled expressions made cheaper to call, with the very same values.

:func:`wargame.engine.expressions.compile_body` turns a checked syntax tree into a Python function,
and the rulebook's expressions are worked out millions of times in a study. A call to a helper
(``_div``, ``clamp``, ``min``...) costs more than the arithmetic it does, so where the result can be
written out in place with the same operations in the same order, it is (:func:`inline`):

- ``_div(a, C)``, ``_floordiv(a, C)``, ``_mod(a, C)`` with a constant ``C`` that is not 0: ``a / C``,
  ``a // C``, ``a % C`` (the helpers only differ from these when the divisor is 0);
- ``clamp(x, lo, hi)`` with constant bounds: ``lo if x < lo else hi if x > hi else x``, the
  helper's own comparisons, with ``x`` worked out once;
- ``min(a, b)`` and ``max(a, b)``: ``b if a > b else a`` and ``b if a < b else a``, what the
  built-ins return for two numbers (the first one when they are equal), each worked out once and
  in the same order.

Only the trees the :class:`~wargame.engine.expressions.Checker` built reach here (numbers, the
board's lookups, the listed functions); the batch engine reads the checker's tree, not this one.
"""

from __future__ import annotations

import ast

_OPERATORS: dict[str, type[ast.operator]] = {"_div": ast.Div, "_floordiv": ast.FloorDiv, "_mod": ast.Mod}


def _number(node: ast.expr) -> float | None:
    """The value of a constant number (or a negated one), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


class _Inliner(ast.NodeTransformer):
    def __init__(self) -> None:
        self.temps = 0

    def _temp(self) -> str:
        self.temps += 1
        return f"_t{self.temps}"  # G, T, O and the runtime's names never start so

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        args = node.args
        if fname in _OPERATORS and len(args) == 2 and _number(args[1]):
            return ast.BinOp(args[0], _OPERATORS[fname](), args[1])
        if fname == "clamp" and len(args) == 3 and _number(args[1]) is not None and _number(args[2]) is not None:
            x = self._temp()
            # lo if x < lo else (hi if x > hi else x)
            return ast.IfExp(
                ast.Compare(ast.NamedExpr(ast.Name(x, ast.Store()), args[0]), [ast.Lt()], [args[1]]), args[1],
                ast.IfExp(ast.Compare(ast.Name(x, ast.Load()), [ast.Gt()], [args[2]]), args[2], ast.Name(x, ast.Load())))
        if fname in ("min", "max") and len(args) == 2:
            a, b = self._temp(), self._temp()
            # a then b worked out, as the call would; b if it is strictly beyond a, else a
            beyond = ast.Gt() if fname == "min" else ast.Lt()
            return ast.IfExp(
                ast.Compare(ast.NamedExpr(ast.Name(a, ast.Store()), args[0]), [beyond],
                            [ast.NamedExpr(ast.Name(b, ast.Store()), args[1])]),
                ast.Name(b, ast.Load()), ast.Name(a, ast.Load()))
        return node


def inline(body: ast.expr) -> ast.expr:
    """``body`` (a checked expression's tree) with the helper calls written out in place, as above."""
    return _Inliner().visit(body)
