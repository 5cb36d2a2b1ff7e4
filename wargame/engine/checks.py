"""The checks every kind of entry shares: the names in scope, its expressions, effects and templates.

Each reads one key of a :class:`~wargame.engine.reading.Table`, compiles it against the names its
entry may use, and records what is wrong on the table (whose entry is then left out).
"""

from __future__ import annotations

from typing import Any

from wargame.engine.board import COMPUTED, CONSTANTS, GLOBAL_TRACKS, OFFSHOOT_TRACKS, THEATRE_COMPUTED, THEATRE_TRACKS
from wargame.engine.effects import Effect, compile_effect
from wargame.engine.expressions import ExpressionError, Name, Scope, compile_expression
from wargame.engine.limits import MAX_DRAWS, MAX_EFFECTS
from wargame.engine.reading import Table, show
from wargame.engine.templates import TemplateError, template_parts


def global_names(parameters: dict[str, float], formula_bounds: dict[str, tuple[float, float]]) -> dict[str, Name]:
    """Every global name an expression may use, with its bounds: the board's tracks and totals, the
    constants, the ``parameters`` and the formulas (``formula_bounds``: the least and greatest of each)."""
    names = {n: Name("track", lo, hi) for n, (lo, hi) in GLOBAL_TRACKS.items()}
    names.update({n: Name("value", lo, hi, not n.startswith("avg_")) for n, (lo, hi, _) in COMPUTED.items()})
    names.update({n: Name("value", v, v, True) for n, v in CONSTANTS.items()})
    names.update({n: Name("value", v, v, isinstance(v, int)) for n, v in parameters.items()})
    names.update({n: Name("value", lo, hi, False) for n, (lo, hi) in formula_bounds.items()})
    return names


def _theatre_names() -> dict[str, Name]:
    names = {n: Name("track", lo, hi) for n, (lo, hi) in THEATRE_TRACKS.items()}
    names.update({n: Name("value", lo, hi, True) for n, (lo, hi, _) in THEATRE_COMPUTED.items()})
    names["theatre"] = Name("text", 0, 0)
    return names


def _offshoot_names() -> dict[str, Name]:
    names = {n: Name("track", lo, hi) for n, (lo, hi) in OFFSHOOT_TRACKS.items()}
    names["origin"] = Name("text", 0, 0)
    return names


def scope_of(kind: str, globals_: dict[str, Name]) -> Scope:
    """The names an entry of scope ``kind`` ("global", "theatre" or "offshoot") may use, ``globals_`` among them."""
    if kind == "global":
        return Scope(globals=globals_, kind="global")
    if kind == "theatre":
        return Scope(globals=globals_, theatre=_theatre_names(), kind="theatre")
    return Scope(globals=globals_, theatre=_theatre_names(), offshoot=_offshoot_names(), kind="offshoot")


# Template fields: names in scope plus these, filled in by the engine.
TEMPLATE_EXTRAS = ("title", "theatre_title", "chance", "roll", "cell")


def check_template(text: Any, scope: Scope, table: Table, key: str) -> None:
    """A template (``explain``, ``explain_fail``, a card's ``text``): every field a plain name in
    scope (or one the engine fills in), a text field with no format spec, a number's with one of
    :data:`~wargame.engine.templates.NUMBER_SPECS` (rules/README.md, section 7)."""
    try:
        parts = template_parts(text)
    except TemplateError as e:
        table.fail(f"{key!r}: {e}")
        return
    for f, spec in parts:
        where = f not in TEMPLATE_EXTRAS and scope.lookup(f)
        if f not in TEMPLATE_EXTRAS and not where:
            table.fail(f"{key!r}: unknown name {{{f}}} in the template")
        elif spec and (f in TEMPLATE_EXTRAS or where and where[1].kind == "text"):
            table.fail(f"{key!r}: {{{f}:{spec}}}: {{{f}}} is a text, written as it is: give it no format")


def read_expression(table: Table, key: str, scope: Scope, *, required: bool = False, chance: bool = False):
    """The expression at ``key`` compiled in ``scope``, or None: absent (a failure if ``required``), or
    refused with the reason on ``table``. A ``chance`` must stay within 0..1 on every board."""
    source = table.get(key, str, ... if required else None)
    if source is None:
        return None
    try:
        expr = compile_expression(source, scope)
    except ExpressionError as e:
        table.fail(f"{key} {show(source, 440)}: {e}")
        return None
    if chance and not (expr.bounds[0] >= 0.0 and expr.bounds[1] <= 1.0):
        lo, hi = expr.bounds
        table.fail(
            f"chance {source!r} can reach {lo:g}..{hi:g}, outside 0..1 for some board; "
            "wrap it in clamp(..., 0, 1) or change it"
        )
        return None
    return expr


def read_effects(table: Table, key: str, scope: Scope, decks: frozenset[str]) -> tuple[Effect, ...]:
    """The effects listed at ``key`` compiled in ``scope`` (``decks``: the ids a draw may name); each one
    refused, or more draws than :data:`~wargame.engine.limits.MAX_DRAWS`, fails ``table``."""
    out = []
    for line in table.text_list(key, MAX_EFFECTS, "effects"):
        try:
            out.append(compile_effect(line, scope, decks))
        except ExpressionError as e:
            table.fail(f"{key} {show(line, 440)}: {e}")
    draws = sum(1 for e in out if e.op == "draw")
    if draws > MAX_DRAWS:
        table.fail(f"{key!r} draws {draws} cards, more than the limit of {MAX_DRAWS} draw(...) effects")
        return ()
    return tuple(out)
