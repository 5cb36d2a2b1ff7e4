"""Interval analysis of the rulebook's expressions: the least and greatest value each part can take.

Every name of an expression lies within bounds (a track's range, a seat's estimate), so every
part of it does too. These work out a part's bounds from its operands' bounds; the checker of
:mod:`wargame.engine.expressions` applies them node by node, to refuse an expression that can
reach beyond its limits and, made precise, to give one seat's odds on its picture of a board.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Sequence

Interval = tuple[float, float]
UNBOUNDED: Interval = (-math.inf, math.inf)


def truth_of(b: Interval) -> bool | None:
    """Whether a value in ``b`` is surely true (not 0), surely false (0), or may be either."""
    if b[0] > 0 or b[1] < 0:
        return True
    if b[0] == b[1] == 0:
        return False
    return None


def boolop(op: ast.boolop, parts: list[Interval]) -> Interval:
    """``a and b and ...`` is the first false operand or the last; ``a or ...`` the first true
    operand or the last (Python's values, not only 0 and 1)."""
    out: list[Interval] = []
    for i, b in enumerate(parts):
        last = i == len(parts) - 1
        truth = truth_of(b)
        if last:
            out.append(b)
            break
        if isinstance(op, ast.And):
            if truth is False:
                out.append((0.0, 0.0))
                break
            if truth is None:
                out.append((0.0, 0.0))  # this operand may be the false one that is returned
        else:
            if truth:
                out.append(b)
                break
            if truth is None:
                out.append(b)  # this operand may be the true one that is returned
    return (min(b[0] for b in out), max(b[1] for b in out))


def compare_bounds(op: ast.cmpop, a: Interval, b: Interval) -> Interval:
    """1, 0, or 0..1 for a comparison of a value in ``a`` with one in ``b``."""
    if isinstance(op, (ast.Eq, ast.NotEq)):
        if a[0] == a[1] == b[0] == b[1]:
            same: bool | None = True
        elif a[1] < b[0] or b[1] < a[0]:
            same = False
        else:
            same = None
        result = same if isinstance(op, ast.Eq) or same is None else not same
    elif isinstance(op, ast.Lt):
        result = True if a[1] < b[0] else False if a[0] >= b[1] else None
    elif isinstance(op, ast.LtE):
        result = True if a[1] <= b[0] else False if a[0] > b[1] else None
    elif isinstance(op, ast.Gt):
        result = True if a[0] > b[1] else False if a[1] <= b[0] else None
    else:  # GtE
        result = True if a[0] >= b[1] else False if a[1] < b[0] else None
    return (0.0, 1.0) if result is None else (1.0, 1.0) if result else (0.0, 0.0)


def span(*xs: float) -> Interval:
    """From the least of ``xs`` to the greatest."""
    xs = tuple(0.0 if math.isnan(x) else x for x in xs)  # 0 * inf
    return (min(xs), max(xs))


def divide(a: Interval, b: Interval, whole_divisor: bool) -> Interval:
    """The bounds of ``a / b``, where dividing by 0 gives 0; ``whole_divisor``: ``b`` is a whole number."""
    if b[0] > 0 or b[1] < 0:
        return span(a[0] / b[0], a[0] / b[1], a[1] / b[0], a[1] / b[1])
    # The divisor can be 0 (the answer is then 0). A whole-number divisor that is not 0 is at
    # least 1 away from it; any other can come as near 0 as it likes.
    if whole_divisor:
        pieces = [(0.0, 0.0)]
        if b[1] >= 1:
            pieces.append(divide(a, (1.0, b[1]), True))
        if b[0] <= -1:
            pieces.append(divide(a, (b[0], -1.0), True))
        return (min(p[0] for p in pieces), max(p[1] for p in pieces))
    return UNBOUNDED


def function_bounds(fname: str, bs: Sequence[Interval]) -> Interval:
    """The bounds of one of the language's functions (abs, floor, ceil, min, max, clamp) called
    with arguments within ``bs``."""
    if fname == "abs":
        lo, hi = bs[0]
        bounds = (0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi)), max(abs(lo), abs(hi)))
    elif fname in ("floor", "ceil"):
        f = math.floor if fname == "floor" else math.ceil
        bounds = tuple(f(x) if math.isfinite(x) else x for x in bs[0])  # type: ignore[assignment]
    elif fname == "min":
        bounds = (min(b[0] for b in bs), min(b[1] for b in bs))
    elif fname == "max":
        bounds = (max(b[0] for b in bs), max(b[1] for b in bs))
    else:  # clamp(x, lo, hi): lo when x < lo, else hi when x > hi, else x
        (xlo, xhi), (llo, lhi), (hlo, hhi) = bs
        branches = []
        if xlo < lhi:  # x below lo: the answer is lo
            branches.append((max(llo, xlo), lhi))
        if xhi > hlo:  # x above hi (and not below lo): the answer is hi
            branches.append((hlo, min(hhi, xhi)))
        if max(xlo, llo) <= min(xhi, hhi):  # x in between: the answer is x
            branches.append((max(xlo, llo), min(xhi, hhi)))
        branches = branches or [(min(llo, hlo, xlo), max(lhi, hhi, xhi))]
        bounds = (min(b[0] for b in branches), max(b[1] for b in branches))
    return (float(bounds[0]), float(bounds[1]))
