"""``rules/parameters.toml``: the rulebook's parameters, formulas and budgets, and the parameters' declared ranges, checked."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
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
from wargame.engine.reading import Problems, RulebookError, Table, read_toml_into, show, too_many


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
    reserved = _reserved()
    for name, value in (raw or {}).items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name) or name in reserved:
            table.fail(f"parameter {show(name)}: a parameter is a new lower-case name, not a track's")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > 1_000_000:
            table.fail(f"parameter {name!r} should be a number, at most 1000000 either way, not {show(value)}")
        else:
            parameters[name] = value
    raw_formulas = table.get("formulas", dict, {}) or {}
    if len(raw_formulas) > MAX_FORMULAS:
        too_many(path, f"{len(raw_formulas)} formulas, more than the limit of {MAX_FORMULAS}")
    formulas, formula_text, bounds = compile_formulas(raw_formulas, parameters, table.fail, reserved)
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
    check_ranges(table.get(RANGES, dict, {}) or {}, parameters, table.fail)
    table.used.add("formula_properties")  # read in a second pass (wargame.engine.declarations)
    table.unknown_keys()
    return parameters, tuple(formulas), formula_text, bounds, budgets, max_orders


def _reserved() -> set[str]:
    """The names a parameter or a formula may not take: the board's, and what templates fill in."""
    return (set(GLOBAL_TRACKS) | set(COMPUTED) | set(CONSTANTS) | set(THEATRE_TRACKS) | set(THEATRE_COMPUTED)
            | set(OFFSHOOT_TRACKS) | set(TEXT_NAMES) | set(TEMPLATE_EXTRAS) | {"name", "id"})


def compile_formulas(sources: Mapping[str, Any], parameters: Mapping[str, float], fail: Callable[[str], None],
                     reserved: set[str] | None = None) -> tuple[tuple[tuple[str, Expression], ...], dict[str, str],
                                                                 dict[str, tuple[float, float]]]:
    """``(formulas, formula_text, formula_bounds)``: the formulas compiled in order, each seeing the
    ``parameters`` (their values give the bounds) and the formulas above it; what is wrong goes to
    ``fail``. Run again with other parameter values (:func:`wargame.analysis.sensitivity.with_parameters`)
    it gives the bounds those values give."""
    reserved = _reserved() if reserved is None else reserved
    formulas: list[tuple[str, Expression]] = []
    formula_text: dict[str, str] = {}
    bounds: dict[str, tuple[float, float]] = {}
    for name, source in sources.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name) or name in reserved or name in parameters:
            fail(f"formula {show(name)}: a formula is a new lower-case name")
            continue
        # A formula sees the board and the formulas above it, never itself or those below.
        scope = scope_of("global", global_names(dict(parameters), bounds))
        try:
            expr = compile_expression(source, scope)
        except ExpressionError as e:
            fail(f"formula {name} {show(source, 440)}: {e}")
            continue
        formulas.append((name, expr))
        formula_text[name] = source
        bounds[name] = expr.bounds
    return tuple(formulas), formula_text, bounds


RANGES = "parameter_ranges"
"""The table of ``rules/parameters.toml`` that gives a parameter its plausible range, ``name = [lo, hi]``:
what ``wargame sensitivity`` varies it over (docs/designers-guide.md, "Sensitivity")."""


def _number(x: Any) -> bool:
    return not isinstance(x, bool) and isinstance(x, (int, float)) and math.isfinite(x)


def check_ranges(raw: Mapping[str, Any], parameters: Mapping[str, float],
                 fail: Callable[[str], None]) -> dict[str, tuple[float, float]]:
    """The declared ranges of ``raw`` (the ``[parameter_ranges]`` table), each a parameter's
    ``[lo, hi]``: two numbers, ``lo < hi``, the parameter's value between them, whole numbers for a
    whole-number parameter. What is wrong goes to ``fail``, one line a range, and is left out."""
    ranges: dict[str, tuple[float, float]] = {}
    for name, value in raw.items():
        where = f"{RANGES}: {show(name)}"
        if name not in parameters:
            fail(f"{where} is not a parameter (a range is given to a parameter of [parameters])")
            continue
        if not (isinstance(value, list) and len(value) == 2 and all(_number(x) for x in value)):
            fail(f"{where} should be two numbers [lo, hi], not {show(value)}")
            continue
        lo, hi = value
        v = parameters[name]
        if not lo < hi:
            fail(f"{where} = [{lo:g}, {hi:g}]: lo should be below hi")
        elif not lo <= v <= hi:
            fail(f"{where} = [{lo:g}, {hi:g}] leaves out the parameter's value {v:g}: lo <= value <= hi")
        elif isinstance(v, int) and not all(isinstance(x, int) for x in value):
            fail(f"{where} = {show(value)}: {name} is a whole number, so are the ends of its range")
        else:
            ranges[name] = (lo, hi)
    return ranges


def declared_ranges(rules_dir: Path, parameters: Mapping[str, float]) -> dict[str, tuple[float, float]]:
    """The ranges declared in ``rules_dir``'s ``parameters.toml`` for ``parameters`` (the rulebook
    loaded from there, which checked them); :class:`~wargame.engine.reading.RulebookError` with one
    line a problem if the file no longer reads or a range no longer holds."""
    problems = Problems()
    path = Path(rules_dir) / "parameters.toml"
    data = read_toml_into(path, problems) or {}
    raw = data.get(RANGES, {})
    if not isinstance(raw, dict):
        problems.add(str(path), f"{RANGES} should be a table, not {type(raw).__name__}")
        raw = {}
    ranges = check_ranges(raw, parameters, lambda what: problems.add(str(path), what))
    if problems.lines:
        raise RulebookError(problems.lines)
    return ranges
