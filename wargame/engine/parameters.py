"""``rules/parameters.toml``: the rulebook's parameters, formulas and budgets, checked."""

from __future__ import annotations

import math
import re
from typing import Any

from wargame.engine.board import (
    COMPUTED,
    CONSTANTS,
    GLOBAL_TRACKS,
    OFFSHOOT_TRACKS,
    TEXT_NAMES,
    THEATRE_COMPUTED,
    THEATRE_TRACKS,
)
from wargame.engine.checks import TEMPLATE_EXTRAS, global_names, scope_of
from wargame.engine.expressions import Expression, ExpressionError, compile_expression
from wargame.engine.limits import MAX_FORMULAS, MAX_PARAMETERS
from wargame.engine.model import CELLS
from wargame.engine.reading import Problems, Table, show, too_many


def load_parameters(data: dict[str, Any], path: str, problems: Problems):
    """``(parameters, formulas, formula_text, formula_bounds, budgets, max_orders)`` of ``data`` (read from
    ``path``): the formulas compiled in order, each seeing those above it; ``budgets`` maps a cell to the
    track its orders are paid from. What is wrong goes to ``problems``; more parameters or formulas than
    the limits raise :class:`~wargame.engine.reading.RulebookError` at once."""
    table = Table(data, path, problems)
    raw = table.get("parameters", dict, {})
    if raw and len(raw) > MAX_PARAMETERS:
        too_many(path, f"{len(raw)} parameters, more than the limit of {MAX_PARAMETERS}")
    parameters: dict[str, float] = {}
    reserved = (set(GLOBAL_TRACKS) | set(COMPUTED) | set(CONSTANTS) | set(THEATRE_TRACKS) | set(THEATRE_COMPUTED)
                | set(OFFSHOOT_TRACKS) | set(TEXT_NAMES) | set(TEMPLATE_EXTRAS) | {"name", "id"})
    for name, value in (raw or {}).items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name) or name in reserved:
            table.fail(f"parameter {show(name)}: a parameter is a new lower-case name, not a track's")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > 1_000_000:
            table.fail(f"parameter {name!r} should be a number, at most 1000000 either way, not {show(value)}")
        else:
            parameters[name] = value
    formulas: list[tuple[str, Expression]] = []
    formula_text: dict[str, str] = {}
    bounds: dict[str, tuple[float, float]] = {}
    raw_formulas = table.get("formulas", dict, {}) or {}
    if len(raw_formulas) > MAX_FORMULAS:
        too_many(path, f"{len(raw_formulas)} formulas, more than the limit of {MAX_FORMULAS}")
    for name, source in raw_formulas.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name) or name in reserved or name in parameters:
            table.fail(f"formula {show(name)}: a formula is a new lower-case name")
            continue
        # A formula sees the board and the formulas above it, never itself or those below.
        scope = scope_of("global", global_names(parameters, bounds))
        try:
            expr = compile_expression(source, scope)
        except ExpressionError as e:
            table.fail(f"formula {name} {show(source, 440)}: {e}")
            continue
        formulas.append((name, expr))
        formula_text[name] = source
        bounds[name] = expr.bounds
    budgets: dict[str, str] = {}
    for cell, track in (table.get("budgets", dict, {}) or {}).items():
        if not isinstance(track, str):
            table.fail(f"budgets: {show(cell)} should name a track in quotes, not {show(track)}")
            budgets[cell] = "?"
        elif cell not in CELLS:
            table.fail(f"budgets: no cell {show(cell)} (cells: {', '.join(CELLS)})")
        elif track not in GLOBAL_TRACKS:
            table.fail(f"budgets: {cell} is paid from {show(track)}, which is not a track")
        else:
            budgets[cell] = track
    for cell in CELLS:
        if cell not in budgets:
            table.fail(f"budgets: no track given for {cell}'s orders")
    budgets = {c: t for c, t in budgets.items() if t != "?"}
    max_orders = parameters.get("max_orders")
    if not isinstance(max_orders, int) or not 1 <= max_orders <= 10:
        table.fail("parameters: max_orders (orders a cell may give a turn) should be a whole number 1..10")
        max_orders = 3
    table.used.add("formula_properties")  # read in a second pass (wargame.engine.declarations)
    table.unknown_keys()
    return parameters, tuple(formulas), formula_text, bounds, budgets, max_orders
