# Over 400 lines, kept whole: the Checker is one walk over the syntax tree (each node refused or bounded and rewritten).
"""The rulebook's expression language: small, checked once, compiled once.

Conditions, chances and effects in ``rules/`` and ``decks/`` are written in a tiny subset of
Python's expression syntax: numbers, known names, arithmetic, comparisons, ``and``/``or``/``not``,
``x if c else y`` and a short list of functions. Everything else (attributes, subscripts, calls
to anything but the listed functions, lambdas, comprehensions, strings outside comparisons,
large powers) is refused when the rulebook loads, with the reason. Because only the nodes
listed here can reach the compiler, a data file can never run code, import, touch a file or
hang the engine: every name is a bounded number, division by zero gives 0, and ``**`` takes
only a small constant exponent.

>>> scope = Scope(globals={"is_funds": Name("track", 0, 20)})
>>> e = compile_expression("min(is_funds, 5) / 2", scope)
>>> e({"is_funds": 9}, {}, {})
2.5
>>> e.bounds
(0.0, 2.5)
>>> compile_expression("__import__('os')", scope)
Traceback (most recent call last):
...
wargame.engine.expressions.ExpressionError: unknown function '__import__' (allowed: abs, ceil, clamp, floor, max, min)

Effects (``track += expr``, actions) are checked in :mod:`wargame.engine.effects` and the log's
sentences in :mod:`wargame.engine.templates`; the bounds of each part are worked out by the
interval analysis of :mod:`wargame.engine.intervals`.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.inline import inline
from wargame.engine.intervals import Interval, boolop, compare_bounds, divide, function_bounds, span, truth_of

MAX_LENGTH = 400  # characters in one expression or effect
MAX_DEPTH = 24  # nesting of the syntax tree
MAX_CONSTANT = 1_000_000
MAX_EXPONENT = 4
MAX_MAGNITUDE = 1e9  # no part of an expression may reach beyond this, for any board


class ExpressionError(ValueError):
    """An expression or effect the rulebook refuses, with the reason."""


@frozen
class Name:
    """What a name in an expression stands for: a writable ``track``, a read-only ``value``
    (parameters, formulas, totals) or a ``text`` (a theatre's or an offshoot's id)."""

    kind: str
    lo: float
    hi: float
    # Only whole numbers? Every track is; computed values, parameters and formulas say so.
    integral: bool = attrs.field(default=attrs.Factory(lambda self: self.kind == "track", takes_self=True))


@frozen
class Scope:
    """The names an expression may use. ``globals`` are the whole board's; ``theatre`` and
    ``offshoot`` the names of the theatre or offshoot a rule is applied to, if any."""

    globals: dict[str, Name]
    theatre: dict[str, Name] = {}
    offshoot: dict[str, Name] = {}
    kind: str = "global"  # "global", "theatre" or "offshoot"

    def lookup(self, name: str) -> tuple[str, Name] | None:
        """Where a name lives (``O``, ``T`` or ``G``) and what it is; the innermost wins."""
        if name in self.offshoot:
            return "O", self.offshoot[name]
        if name in self.theatre:
            return "T", self.theatre[name]
        if name in self.globals:
            return "G", self.globals[name]
        return None


def _div(a: float, b: float) -> float:
    return a / b if b else 0.0


def _floordiv(a: float, b: float) -> float:
    return a // b if b else 0


def _mod(a: float, b: float) -> float:
    return a % b if b else 0


def _clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int]] = {
    # name: (function, fewest arguments, most arguments)
    "abs": (abs, 1, 1),
    "ceil": (math.ceil, 1, 1),
    "clamp": (_clamp, 3, 3),
    "floor": (math.floor, 1, 1),
    "max": (max, 2, 8),
    "min": (min, 2, 8),
}

_RUNTIME = {
    "__builtins__": {},
    "_div": _div,
    "_floordiv": _floordiv,
    "_mod": _mod,
    **{name: fn for name, (fn, _, _) in FUNCTIONS.items()},
}

_BINOPS: dict[type, str | None] = {
    ast.Add: None,
    ast.Sub: None,
    ast.Mult: None,
    ast.Div: "_div",
    ast.FloorDiv: "_floordiv",
    ast.Mod: "_mod",
    ast.Pow: None,
}
_COMPARE = (ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE)
# a binary operation on two single values, worked out exactly (precise intervals only)
_EXACT: dict[type, Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: _div,
    ast.FloorDiv: _floordiv,
    ast.Mod: _mod,
}



class Expression:
    """A checked and compiled expression: call it with the board's (G, T, O) mappings."""

    __slots__ = ("source", "fn", "bounds", "names", "body")

    def __init__(self, source: str, fn: Callable, bounds: Interval, names: frozenset[str], body: ast.expr | None = None):
        self.source = source
        self.fn = fn
        self.bounds = bounds  # the least and greatest value it can take, from the tracks' bounds
        self.names = names
        self.body = body  # the tree ``fn`` was compiled from (helpers written out), to write it out in a larger function

    def __call__(self, G: Any, T: Any, O: Any) -> Any:
        return self.fn(G, T, O)

    def __repr__(self) -> str:
        return f"Expression({self.source!r})"


class Checker:
    """Walks a parsed tree: refuses what is not allowed, computes each node's bounds, and
    rewrites names into lookups of the board's mappings."""

    def __init__(self, scope: Scope, precise: bool = False):
        self.scope = scope
        self.names: set[str] = set()
        # Precise: comparisons, conditions and and/or are decided where the bounds decide them
        # (for a seat's picture of one board, :func:`interval`); the loader's check over every
        # board takes either branch whatever the condition says.
        self.precise = precise

    def check(self, node: ast.AST, depth: int = 0) -> tuple[ast.expr, Interval]:
        try:
            out, (lo, hi) = self._check(node, depth)
        except (OverflowError, ZeroDivisionError):
            lo = hi = math.inf
            out = node  # type: ignore[assignment]
        if not (math.isfinite(lo) and math.isfinite(hi)) or max(abs(lo), abs(hi)) > MAX_MAGNITUDE:
            shown = ast.unparse(node) if isinstance(node, ast.AST) else str(node)
            raise ExpressionError(
                f"{shown[:60]!r} can reach values beyond ±{MAX_MAGNITUDE:g} on some board "
                "(a division by something that can be near 0, or powers of large numbers): bound it"
            )
        return out, (lo, hi)

    def _check(self, node: ast.AST, depth: int = 0) -> tuple[ast.expr, Interval]:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"nested too deeply (more than {MAX_DEPTH} levels)")
        d = depth + 1
        if isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                if isinstance(v, str):
                    raise ExpressionError(f"text {v!r} may only be compared with theatre or origin")
                if isinstance(v, bool):
                    return node, (float(v), float(v))
                raise ExpressionError(f"constant {v!r} is not a number")
            if not math.isfinite(v) or abs(v) > MAX_CONSTANT:
                raise ExpressionError(f"constant {v!r} is out of range (at most {MAX_CONSTANT})")
            return node, (float(v), float(v))
        if isinstance(node, ast.Name):
            where = self.scope.lookup(node.id)
            if where is None:
                raise ExpressionError(f"unknown name {node.id!r}")
            mapping, name = where
            if name.kind == "text":
                raise ExpressionError(f"{node.id!r} is a name, not a number: compare it with == or !=")
            self.names.add(node.id)
            return self._lookup(mapping, node.id), (name.lo, name.hi)
        if isinstance(node, ast.UnaryOp):
            operand, (lo, hi) = self.check(node.operand, d)
            if isinstance(node.op, ast.USub):
                return ast.UnaryOp(ast.USub(), operand), (-hi, -lo)
            if isinstance(node.op, ast.UAdd):
                return operand, (lo, hi)
            if isinstance(node.op, ast.Not):
                truth = truth_of((lo, hi)) if self.precise else None
                bounds = (0.0, 1.0) if truth is None else (0.0, 0.0) if truth else (1.0, 1.0)
                return ast.UnaryOp(ast.Not(), operand), bounds
            raise ExpressionError("bitwise operators are not allowed")
        if isinstance(node, ast.BinOp):
            return self._binop(node, d)
        if isinstance(node, ast.BoolOp):
            parts = [self.check(v, d) for v in node.values]
            if self.precise:
                return ast.BoolOp(node.op, [p for p, _ in parts]), boolop(node.op, [b for _, b in parts])
            lo = min(b[0] for _, b in parts)
            hi = max(b[1] for _, b in parts)
            return ast.BoolOp(node.op, [p for p, _ in parts]), (min(lo, 0.0), max(hi, 1.0))
        if isinstance(node, ast.Compare):
            return self._compare(node, d)
        if isinstance(node, ast.IfExp):
            test, t = self.check(node.test, d)
            body, b1 = self.check(node.body, d)
            orelse, b2 = self.check(node.orelse, d)
            truth = truth_of(t) if self.precise else None
            bounds = b1 if truth else b2 if truth is False else (min(b1[0], b2[0]), max(b1[1], b2[1]))
            return ast.IfExp(test, body, orelse), bounds
        if isinstance(node, ast.Call):
            return self._call(node, d)
        raise ExpressionError(f"{_describe(node)} is not allowed in the rulebook's expressions")

    def integral(self, node: ast.AST) -> bool:
        """Can this part only take whole-number values?"""
        if isinstance(node, ast.Constant):
            return type(node.value) in (int, bool)
        if isinstance(node, ast.Name):
            where = self.scope.lookup(node.id)
            return where is not None and where[1].integral
        if isinstance(node, ast.UnaryOp):
            return isinstance(node.op, ast.Not) or self.integral(node.operand)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.Pow)):
                return self.integral(node.left) and self.integral(node.right)
            return False
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            return isinstance(node, ast.Compare) or all(self.integral(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return self.integral(node.body) and self.integral(node.orelse)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("floor", "ceil"):
                return True
            return node.func.id in ("min", "max", "abs", "clamp") and all(self.integral(a) for a in node.args)
        return False

    def _lookup(self, mapping: str, name: str) -> ast.expr:
        return ast.Subscript(ast.Name(mapping, ast.Load()), ast.Constant(name), ast.Load())

    def _binop(self, node: ast.BinOp, d: int) -> tuple[ast.expr, Interval]:
        op = type(node.op)
        if op not in _BINOPS:
            raise ExpressionError("bitwise operators and @ are not allowed")
        left, a = self.check(node.left, d)
        if op is ast.Pow:
            e = node.right
            if not (isinstance(e, ast.Constant) and type(e.value) is int and 0 <= e.value <= MAX_EXPONENT):
                raise ExpressionError(f"** takes only a whole constant exponent from 0 to {MAX_EXPONENT}")
            n = e.value
            ends = [a[0] ** n, a[1] ** n] + ([0.0] if a[0] < 0 < a[1] else [])
            return ast.BinOp(left, ast.Pow(), e), (min(ends), max(ends))
        right, b = self.check(node.right, d)
        if self.precise and a[0] == a[1] and b[0] == b[1] and op in _EXACT:
            try:
                v = float(_EXACT[op](a[0], b[0]))
            except (OverflowError, ZeroDivisionError):
                v = math.inf
            node_out = ast.BinOp(left, node.op, right) if _BINOPS[op] is None else \
                ast.Call(ast.Name(_BINOPS[op], ast.Load()), [left, right], [])
            return node_out, (v, v)
        if op is ast.Add:
            return ast.BinOp(left, ast.Add(), right), (a[0] + b[0], a[1] + b[1])
        if op is ast.Sub:
            return ast.BinOp(left, ast.Sub(), right), (a[0] - b[1], a[1] - b[0])
        if op is ast.Mult:
            return ast.BinOp(left, ast.Mult(), right), span(a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1])
        call = ast.Call(ast.Name(_BINOPS[op], ast.Load()), [left, right], [])
        whole_divisor = self.integral(node.right)
        if op is ast.Div:
            return call, divide(a, b, whole_divisor)
        if op is ast.FloorDiv:
            lo, hi = divide(a, b, whole_divisor)
            if not (math.isfinite(lo) and math.isfinite(hi)):
                return call, (lo, hi)
            # With whole numbers // is exact; with fractions it can come out one below floor(a / b).
            slack = 0 if whole_divisor and self.integral(node.left) else 1
            return call, (math.floor(lo) - slack, math.floor(hi))
        # a % b lies between 0 and b (Python's sign rule), or is 0 when b is 0
        return call, (min(0.0, b[0]), max(0.0, b[1]))

    def _compare(self, node: ast.Compare, d: int) -> tuple[ast.expr, Interval]:
        operands = [node.left, *node.comparators]
        if len(node.ops) != 1:
            raise ExpressionError("chained comparisons are not allowed: use 'and'")
        if not isinstance(node.ops[0], _COMPARE):
            raise ExpressionError("'in' and 'is' are not allowed")
        texts = [self._text(o) for o in operands]
        if any(t is not None for t in texts):
            # a text comparison: a text name (theatre, origin) against a quoted constant
            if not isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
                raise ExpressionError("texts may only be compared with == or !=")
            if sum(1 for t in texts if t == "name") != 1 or sum(1 for t in texts if t == "const") != 1:
                raise ExpressionError("compare a text name (theatre, origin) with a quoted text")
            parts = []
            for o in operands:
                if isinstance(o, ast.Name):
                    mapping, _ = self.scope.lookup(o.id)  # type: ignore[misc]
                    self.names.add(o.id)
                    parts.append(self._lookup(mapping, o.id))
                else:
                    parts.append(o)
            return ast.Compare(parts[0], node.ops, [parts[1]]), (0.0, 1.0)
        left, a = self.check(node.left, d)
        right, b = self.check(node.comparators[0], d)
        bounds = compare_bounds(node.ops[0], a, b) if self.precise else (0.0, 1.0)
        return ast.Compare(left, node.ops, [right]), bounds

    def _text(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return "const"
        if isinstance(node, ast.Name):
            where = self.scope.lookup(node.id)
            if where is not None and where[1].kind == "text":
                return "name"
        return None

    def _call(self, node: ast.Call, d: int) -> tuple[ast.expr, Interval]:
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only the listed functions may be called")
        fname = node.func.id
        if fname not in FUNCTIONS:
            raise ExpressionError(f"unknown function {fname!r} (allowed: {', '.join(sorted(FUNCTIONS))})")
        if node.keywords:
            raise ExpressionError(f"{fname}() takes no keyword arguments")
        _, fewest, most = FUNCTIONS[fname]
        if not fewest <= len(node.args) <= most:
            raise ExpressionError(f"{fname}() takes {fewest}..{most} arguments, not {len(node.args)}")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError("* arguments are not allowed")
        parts = [self.check(a, d) for a in node.args]
        args = [p for p, _ in parts]
        bs = [b for _, b in parts]
        if self.precise and all(lo == hi for lo, hi in bs):
            v = float(FUNCTIONS[fname][0](*(lo for lo, _ in bs)))
            return ast.Call(ast.Name(fname, ast.Load()), args, []), (v, v)
        return ast.Call(ast.Name(fname, ast.Load()), args, []), function_bounds(fname, bs)


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access (a.b)",
        ast.Subscript: "indexing (a[b])",
        ast.Lambda: "lambda",
        ast.ListComp: "a comprehension",
        ast.SetComp: "a comprehension",
        ast.DictComp: "a comprehension",
        ast.GeneratorExp: "a generator",
        ast.List: "a list",
        ast.Tuple: "a tuple",
        ast.Dict: "a dict",
        ast.Set: "a set",
        ast.NamedExpr: "assignment (:=)",
        ast.JoinedStr: "an f-string",
        ast.Await: "await",
        ast.Yield: "yield",
        ast.Starred: "*",
    }
    return names.get(type(node), type(node).__name__)


def parse(source: Any, mode: str) -> ast.AST:
    """The syntax tree of ``source``: ``mode`` "eval" for an expression, "exec" for an effect. Raises
    :class:`ExpressionError` unless it is a text of at most :data:`MAX_LENGTH` characters Python reads."""
    if not isinstance(source, str):
        raise ExpressionError(f"expected an expression in quotes, not {type(source).__name__} {source!r}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters")
    if not source.strip():
        raise ExpressionError("empty expression")
    try:
        return ast.parse(source.strip(), mode=mode)
    except SyntaxError as e:
        raise ExpressionError(f"cannot read {source!r}: {e.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"cannot read {source[:40]!r}...: too complex") from None


def compile_body(body: ast.expr, source: str) -> Callable:
    """The function ``(G, T, O) -> value`` of a body the :class:`Checker` returned (``source`` names it)."""
    tree = ast.Expression(
        ast.Lambda(
            ast.arguments(
                posonlyargs=[],
                args=[ast.arg("G"), ast.arg("T"), ast.arg("O")],
                kwonlyargs=[],
                kw_defaults=[],
                defaults=[],
            ),
            inline(body),  # the helpers' calls written out in place: the same values, cheaper (wargame.engine.inline)
        )
    )
    ast.fix_missing_locations(tree)
    # Only nodes the checker built or let through reach here; _RUNTIME has no builtins.
    return eval(compile(tree, f"<rule: {source}>", "eval"), dict(_RUNTIME))


def compile_written(lines: list[str], name: str, where: str) -> Callable:
    """The function ``name`` that ``lines`` (Python source) define, written out of checked trees
    (:attr:`Expression.body`), compiled with the expressions' helpers, ``float`` and no builtins."""
    space = dict(_RUNTIME, float=float)
    exec(compile("\n".join(lines), where, "exec"), space)  # only the checker's trees reach here
    return space[name]


def compile_expression(source: Any, scope: Scope) -> Expression:
    """Check and compile one expression; raise :class:`ExpressionError` with the reason."""
    tree = parse(source, "eval")
    checker = Checker(scope)
    body, bounds = checker.check(tree.body)  # type: ignore[attr-defined]
    body = inline(body)  # (compile_body's own inline finds nothing more to write out)
    return Expression(source, compile_body(body, source), bounds, frozenset(checker.names), body)


@lru_cache(maxsize=4096)
def _parsed(source: str) -> ast.expr:
    return parse(source, "eval").body  # type: ignore[attr-defined]


def interval(source: str, scope: Scope) -> Interval:
    """The least and greatest value an expression of the rulebook can take when each name lies
    within the bounds ``scope`` gives it: for one seat's picture of one board (its estimates as
    ranges, what it knows as single values), the loader's interval check made precise, with
    comparisons and conditions decided wherever the ranges decide them. The expression must be
    one the rulebook accepted."""
    checker = Checker(scope, precise=True)
    _, bounds = checker.check(_parsed(source))
    return bounds

