"""The rulebook's expressions compiled into NumPy operations over a batch of games.

Each expression is compiled from the very syntax tree the scalar engine compiles: its source is
parsed and walked again by :class:`wargame.engine.expressions.Checker`, which rewrites names into
``G[...]``/``T[...]``/``O[...]`` lookups and ``/``, ``//``, ``%`` into the guarded calls; here each
node of that tree becomes a closure ``fn(ctx) -> float64 array`` (or a Python float where the
node is constant), where ``ctx`` (:class:`wargame.batch.context.Ctx`) reads the lanes of the games
in play. Every value is a float64: the board's integers and the rulebook's constants are far
below 2**53, so IEEE arithmetic on them gives exactly what Python's int and float arithmetic
gives, operation for operation, in the same order (nothing is folded or reordered here).

Python's semantics are kept lane by lane: ``a and b`` is ``b`` where ``a`` is truthy else ``a``
(an operand, not a bool), ``a or b`` the other way, ``x if c else y``, a comparison is 0.0 or 1.0,
``/``, ``//`` and ``%`` by zero give 0, ``//`` and ``%`` round as Python's floats do (NumPy's
``floor_divide``/``remainder`` are the same algorithm as CPython's), min/max/clamp pick values.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from wargame.engine.expressions import Checker, Scope, parse

Fn = Callable[[Any], Any]
_ORIGINS = {"defectors": 0, "holdouts": 1, "inspired": 2}
ORIGINS = tuple(_ORIGINS)


def _f(x: Any) -> Any:
    """A comparison's result as 0.0/1.0: a float64 array, or a float where both sides were constant."""
    return np.asarray(x, dtype=np.float64) if isinstance(x, np.ndarray) else float(x)


def _truth(x: Any) -> Any:
    return x != 0


def _where(c: Any, a: Any, b: Any) -> Any:
    if isinstance(c, np.ndarray):
        return np.where(c, a, b)
    return a if c else b


def _safe(b: Any) -> tuple[Any, Any]:
    """(divisor with zeros replaced by 1, where it was not zero): division by zero gives 0."""
    if isinstance(b, np.ndarray):
        nz = b != 0
        return np.where(nz, b, 1.0), nz
    return (b if b else 1.0), bool(b)


def _div(a: Any, b: Any) -> Any:
    d, nz = _safe(b)
    return _where(nz, np.true_divide(a, d), 0.0)


def _floordiv(a: Any, b: Any) -> Any:
    d, nz = _safe(b)
    return _where(nz, np.floor_divide(a, d), 0.0)


def _mod(a: Any, b: Any) -> Any:
    d, nz = _safe(b)
    return _where(nz, np.remainder(a, d), 0.0)


def _clamp(x: Any, lo: Any, hi: Any) -> Any:
    return _where(x < lo, lo, _where(x > hi, hi, x))


def _min(*xs: Any) -> Any:
    out = xs[0]
    for x in xs[1:]:  # Python's min keeps the first of equals; equal floats are the same number
        out = np.minimum(out, x)
    return out


def _max(*xs: Any) -> Any:
    out = xs[0]
    for x in xs[1:]:
        out = np.maximum(out, x)
    return out


_CALLS: dict[str, Callable[..., Any]] = {
    "_div": _div, "_floordiv": _floordiv, "_mod": _mod, "clamp": _clamp, "min": _min, "max": _max,
    "abs": np.abs, "floor": np.floor, "ceil": np.ceil,
}
_BIN = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply}
_CMP = {ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
        ast.Gt: np.greater, ast.GtE: np.greater_equal}


def _and(*vals: Any) -> Any:
    out = vals[-1]
    for v in reversed(vals[:-1]):  # the first falsy operand, else the last
        out = _where(_truth(v), out, v)
    return out


def _or(*vals: Any) -> Any:
    out = vals[-1]
    for v in reversed(vals[:-1]):  # the first truthy operand, else the last
        out = _where(_truth(v), v, out)
    return out


def _zero(a: Any) -> float:
    return 0.0  # divided by a constant 0: _where(False, ..., 0.0)


# With a constant non-zero divisor _safe gives (divisor, True) and _where(True, q, 0.0) is q itself.
_CONST_DIV = {"_div": np.true_divide, "_floordiv": np.floor_divide, "_mod": np.remainder}
_ENV: dict[str, Any] = {"_f": _f, "_truth": _truth, "_where": _where, "_and": _and, "_or": _or, "_zero": _zero,
                        "_neg": np.negative, "_lnot": np.logical_not, "_pow": np.power}


class Compiler:
    """Compiles rewritten trees; ``constants`` are the names whose value never changes (the
    rulebook's parameters and the stage constants), ``theatres`` each theatre id's column."""

    def __init__(self, constants: Mapping[str, float], theatres: Mapping[str, int]):
        self.constants = constants
        self.theatres = theatres
        self._cache: dict[str, Fn] = {}

    def expression(self, source: str, scope: Scope) -> Fn:
        """``fn(ctx)`` for an expression the rulebook accepted, in the scope it was checked in."""
        body, _ = Checker(scope).check(parse(source, "eval").body)  # type: ignore[attr-defined]
        key = ast.dump(body)
        fn = self._cache.get(key)
        if fn is None:
            fn = self._cache[key] = self.generate(body)
        return fn

    def generate(self, n: ast.AST) -> Fn:
        """The tree as one generated function: the same NumPy calls as :meth:`node`'s closures,
        in the same order (arguments evaluate left to right), without a Python call per node."""
        env: dict[str, Any] = dict(_ENV)
        code = self._src(n, env)
        fn = eval(compile(f"lambda ctx: {code}", "<batch expression>", "eval"), env)  # noqa: S307
        return fn

    def _src(self, n: ast.AST, env: dict[str, Any]) -> str:
        def const(v: Any) -> str:
            k = f"_c{len(env)}"
            env[k] = v
            return k

        if isinstance(n, ast.Constant):
            return const(float(n.value))
        if isinstance(n, ast.Subscript):
            where, key = n.value.id, n.slice.value  # type: ignore[attr-defined]
            if where == "G" and key in self.constants:
                return const(float(self.constants[key]))
            return f"ctx.{where.lower()}({key!r})"
        if isinstance(n, ast.UnaryOp):
            x = self._src(n.operand, env)
            return f"_neg({x})" if isinstance(n.op, ast.USub) else f"_f(_lnot(_truth({x})))"
        if isinstance(n, ast.BinOp):
            a = self._src(n.left, env)
            if isinstance(n.op, ast.Pow):
                return f"_pow({a}, {const(float(n.right.value))})"  # type: ignore[attr-defined]
            op = const(_BIN[type(n.op)])
            return f"{op}({a}, {self._src(n.right, env)})"
        if isinstance(n, ast.Call):
            name = n.func.id  # type: ignore[attr-defined]
            args = [self._src(x, env) for x in n.args]
            d = n.args[1] if len(n.args) == 2 else None
            if name in _CONST_DIV and isinstance(d, ast.Constant):  # a constant divisor: _safe's answer known
                b = float(d.value)
                return f"{const(_CONST_DIV[name])}({args[0]}, {const(b)})" if b else f"_zero({args[0]})"
            return f"{const(_CALLS[name])}({', '.join(args)})"
        if isinstance(n, ast.BoolOp):
            parts = ", ".join(self._src(v, env) for v in n.values)
            return f"{'_and' if isinstance(n.op, ast.And) else '_or'}({parts})"
        if isinstance(n, ast.Compare):
            return f"_f({self._compare_src(n, env)})"
        if isinstance(n, ast.IfExp):
            # a comparison's 0.0/1.0 tested != 0 is the comparison itself: used as it is
            c = self._compare_src(n.test, env) if isinstance(n.test, ast.Compare) else f"_truth({self._src(n.test, env)})"
            a, b = (self._src(x, env) for x in (n.body, n.orelse))
            return f"_where({c}, {a}, {b})"
        raise TypeError(f"the batch engine cannot compile {ast.dump(n)[:80]}")

    def _compare_src(self, n: ast.Compare, env: dict[str, Any]) -> str:
        """A comparison as bools (a bool array, or a NumPy bool where both sides are constant)."""
        def const(v: Any) -> str:
            k = f"_c{len(env)}"
            env[k] = v
            return k

        op = const(_CMP[type(n.ops[0])])
        left, right = n.left, n.comparators[0]
        texts = [x for x in (left, right) if isinstance(x, ast.Constant) and isinstance(x.value, str)]
        if texts:
            name_node = right if left is texts[0] else left
            where, key = name_node.value.id, name_node.slice.value  # type: ignore[attr-defined]
            table = self.theatres if key == "theatre" else _ORIGINS
            code = float(table.get(texts[0].value, -1))
            return f"{op}(ctx.text({where!r}, {key!r}), {const(code)})"
        return f"{op}({self._src(left, env)}, {self._src(right, env)})"

    def node(self, n: ast.AST) -> Fn:
        if isinstance(n, ast.Constant):
            v = float(n.value)
            return lambda ctx: v
        if isinstance(n, ast.Subscript):
            where, key = n.value.id, n.slice.value  # type: ignore[attr-defined]
            if where == "G" and key in self.constants:
                c = float(self.constants[key])
                return lambda ctx: c
            if where == "G":
                return lambda ctx: ctx.g(key)
            if where == "T":
                return lambda ctx: ctx.t(key)
            return lambda ctx: ctx.o(key)
        if isinstance(n, ast.UnaryOp):
            f = self.node(n.operand)
            if isinstance(n.op, ast.USub):
                return lambda ctx: np.negative(f(ctx))
            return lambda ctx: _f(np.logical_not(_truth(f(ctx))))  # Not: the checker lets nothing else through
        if isinstance(n, ast.BinOp):
            a, b = self.node(n.left), self.node(n.right)
            if isinstance(n.op, ast.Pow):
                e = float(n.right.value)  # type: ignore[attr-defined]
                return lambda ctx: np.power(a(ctx), e)
            op = _BIN[type(n.op)]
            return lambda ctx: op(a(ctx), b(ctx))
        if isinstance(n, ast.Call):
            fn = _CALLS[n.func.id]  # type: ignore[attr-defined]
            args = [self.node(x) for x in n.args]
            return lambda ctx: fn(*(x(ctx) for x in args))
        if isinstance(n, ast.BoolOp):
            return self._boolop(n)
        if isinstance(n, ast.Compare):
            return self._compare(n)
        if isinstance(n, ast.IfExp):
            c, a, b = self.node(n.test), self.node(n.body), self.node(n.orelse)
            return lambda ctx: _where(_truth(c(ctx)), a(ctx), b(ctx))
        raise TypeError(f"the batch engine cannot compile {ast.dump(n)[:80]}")  # the checker refuses the rest

    def _boolop(self, n: ast.BoolOp) -> Fn:
        parts = [self.node(v) for v in n.values]
        is_and = isinstance(n.op, ast.And)

        def fn(ctx: Any) -> Any:
            vals = [p(ctx) for p in parts]
            out = vals[-1]
            for v in reversed(vals[:-1]):
                # and: the first falsy operand, else the last; or: the first truthy, else the last
                out = _where(_truth(v), out, v) if is_and else _where(_truth(v), v, out)
            return out
        return fn

    def _compare(self, n: ast.Compare) -> Fn:
        op = _CMP[type(n.ops[0])]
        left, right = n.left, n.comparators[0]
        texts = [x for x in (left, right) if isinstance(x, ast.Constant) and isinstance(x.value, str)]
        if texts:  # theatre == "iraq", origin != "holdouts": compared as codes
            name_node = right if left is texts[0] else left
            where, key = name_node.value.id, name_node.slice.value  # type: ignore[attr-defined]
            table = self.theatres if key == "theatre" else _ORIGINS
            code = float(table.get(texts[0].value, -1))  # a text no lane holds compares unequal everywhere
            return lambda ctx: _f(op(ctx.text(where, key), code))
        a, b = self.node(left), self.node(right)
        return lambda ctx: _f(op(a(ctx), b(ctx)))
