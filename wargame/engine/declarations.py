"""What a designer declares must always hold of a rule, an order, a card or a formula.

Beside an entry of the rulebook a designer may write, in the entry's own table:

``rises_with = ["pressure"]`` / ``falls_with = ["governance"]``
    The chance (of a rule firing, of an order succeeding) or the formula's value never goes the
    other way when that input alone moves up. For a rule the chance is that of it firing: 0 where
    its condition does not hold.
``never_above = "0.5"`` / ``never_below = "0.05"``
    An expression the chance or value stays under or over. For a rule or an order, wherever its
    condition holds (a chance that cannot be rolled has no size).
``never_less_likely_than = ["other.rule"]`` (rules)
    Wherever both rules' conditions hold, on the same board and in the same theatre, this rule's
    chance is at least the other's.
``excludes = ["other.rule"]`` / ``implies = ["other.rule"]`` (rules)
    The two can never both fire on one board (in one theatre); or wherever this one can fire, the
    other can too.
``never_raises = ["is_ego"]`` / ``never_lowers = ["is_leader_hardline"]`` (rules, cards, decks)
    When it fires (a card: when it is played), the track never goes up / down. On a deck's
    header it is declared of every card of the deck.

Formulas, which are one line each in ``[formulas]``, are declared in ``[formula_properties]`` of
the same file: ``is_revenue = { falls_with = ["…"], cites = [4] }``.

Invariants of the whole board after any phase live in ``rules/invariants.toml`` (see
:class:`Invariant`). Everything here is checked when the rulebook loads: a name that is not in
the entry's scope, a parameter (fixed in play), an input the entry never reads (the declaration
could never fail), an unknown rule, or an expression the rulebook refuses is one problem line,
and the loader exits 3. ``wargame check --deep`` then checks every declaration on boards
(:mod:`wargame.analysis.properties`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.expressions import Expression, ExpressionError, Scope, compile_expression

MONOTONE = ("rises_with", "falls_with")
BOUNDS = ("never_above", "never_below")
BETWEEN = ("never_less_likely_than", "excludes", "implies")
EFFECTS = ("never_raises", "never_lowers")
KEYS: dict[str, tuple[str, ...]] = {
    "rule": MONOTONE + BOUNDS + BETWEEN + EFFECTS,
    "order": MONOTONE + BOUNDS,
    "formula": MONOTONE + BOUNDS,
    "card": EFFECTS,
    "deck": EFFECTS,
}
ALL_KEYS = frozenset(k for keys in KEYS.values() for k in keys)
DECLARATION_KEYS = ALL_KEYS  # the keys an entry's loader leaves to this module
MAX_PER_KEY = 16  # names or rules one key may list: a longer list is a typo, not a design

# How each declaration reads, for the designer: {of} the entry, {arg} the name, rule or bound.
SENTENCES = {
    "rises_with": "the chance of {of} never falls when {arg} alone rises",
    "falls_with": "the chance of {of} never rises when {arg} alone rises",
    "never_above": "the chance of {of} never exceeds {arg}",
    "never_below": "the chance of {of} is never below {arg}",
    "never_less_likely_than": "{of} is never less likely than {arg} where both may fire",
    "excludes": "{of} and {arg} never both fire on one board",
    "implies": "wherever {of} can fire, {arg} can fire too",
    "never_raises": "{of} never raises {arg}",
    "never_lowers": "{of} never lowers {arg}",
}
FORMULA_SENTENCES = {
    "rises_with": "formula {of} never falls when {arg} alone rises",
    "falls_with": "formula {of} never rises when {arg} alone rises",
    "never_above": "formula {of} never exceeds {arg}",
    "never_below": "formula {of} is never below {arg}",
}


class DeclarationError(ValueError):
    """A declaration the rulebook refuses, with the reason (the loader adds where it is)."""


@frozen
class Declaration:
    """One property declared of one entry of the rulebook.

    ``subject`` is "rule", "order", "formula", "card" or "deck"; ``of`` the entry's id (a
    formula's name); ``key`` one of :data:`ALL_KEYS`; ``argument`` the input, the bound's source,
    the other rule or the track; ``bound`` the compiled bound (never_above/never_below only);
    ``scope`` the entry's scope ("global", "theatre", "offshoot"); ``cites`` and ``claims`` those
    of the entry (the article's ¶ and the claims C1..C16 it carries)."""

    subject: str
    of: str
    key: str
    argument: str
    scope: str
    cites: tuple[int, ...]
    claims: tuple[str, ...] = ()
    bound: Expression | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.of} {self.key} {self.argument}"

    def sentence(self) -> str:
        table = FORMULA_SENTENCES if self.subject == "formula" else SENTENCES
        return table[self.key].format(of=self.of, arg=self.argument)


@frozen
class Invariant:
    """What holds of every board after every phase: ``holds``, an expression over the board, true
    everywhere in ``scope`` ("global": once; "theatre": in each theatre; "offshoot": for each
    group). From ``rules/invariants.toml``."""

    id: str
    title: str
    scope: str
    holds: Expression
    cites: tuple[int, ...]
    claims: tuple[str, ...] = ()


def _names(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise DeclarationError(f"{key!r} should list names in quotes, e.g. {key} = [\"pressure\"]")
    if len(value) > MAX_PER_KEY:
        raise DeclarationError(f"{key!r} lists {len(value)} entries, more than the limit of {MAX_PER_KEY}")
    if len(set(value)) != len(value):
        raise DeclarationError(f"{key!r} lists a name twice")
    return [v.strip() for v in value]


def declared(subject: str, of: str, table: Mapping[str, Any], scope: Scope, *, reads: frozenset[str],
             parameters: Iterable[str], rules: Mapping[str, str], cites: tuple[int, ...],
             claims: tuple[str, ...] = ()) -> tuple[Declaration, ...]:
    """The declarations in one entry's ``table`` (its other keys are ignored here).

    ``reads`` are the names the entry's chance or formula reads, formulas expanded down to tracks
    and totals (and the formulas themselves); ``rules`` maps every rule id to its scope. Raises
    :class:`DeclarationError` on the first problem."""
    out: list[Declaration] = []
    allowed = KEYS[subject]
    fixed = frozenset(parameters)
    for key in (k for k in table if k in ALL_KEYS):
        if key not in allowed:
            article = "an" if subject[0] in "aeiou" else "a"
            raise DeclarationError(f"{key!r} cannot be declared of {article} {subject} (it may declare {', '.join(allowed)})")
        value = table[key]
        if key in BOUNDS:
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                raise DeclarationError(f"{key!r} should be an expression in quotes, e.g. {key} = \"0.5\"")
            try:
                bound = compile_expression(str(value), scope)
            except ExpressionError as e:
                raise DeclarationError(f"{key}: {e}") from None
            out.append(Declaration(subject, of, key, str(value), scope.kind, cites, claims, bound))
            continue
        for name in _names(value, key):
            if key in BETWEEN:
                if name not in rules:
                    raise DeclarationError(f"{key}: there is no rule {name!r}")
                if name == of:
                    raise DeclarationError(f"{key}: a rule is declared against another rule, not itself")
            else:
                _check_input(key, name, scope, fixed, reads if key in MONOTONE else None, subject)
            out.append(Declaration(subject, of, key, name, scope.kind, cites, claims))
    return tuple(out)


def _check_input(key: str, name: str, scope: Scope, fixed: frozenset[str], reads: frozenset[str] | None,
                 subject: str) -> None:
    found = scope.lookup(name)
    if found is None:
        where = {"global": "the board", "theatre": "a theatre or the board", "offshoot": "an offshoot, its theatre or the board"}
        raise DeclarationError(f"{key}: {name!r} is not a name of {where[scope.kind]}")
    _, what = found
    if what.kind == "text":
        raise DeclarationError(f"{key}: {name!r} is a name, not a number")
    if key in EFFECTS and what.kind != "track":
        raise DeclarationError(f"{key}: {name!r} is computed from the board, not a track an effect can change")
    if name in fixed:
        raise DeclarationError(f"{key}: {name!r} is a parameter, fixed in play: it never moves")
    if reads is not None and name not in reads:
        it = "formula" if subject == "formula" else "chance"
        raise DeclarationError(f"{key}: its {it} never reads {name!r}, so the declaration could never fail")


def mutated(expr: Expression, name: str, lo: float, hi: float, scope: Scope) -> Expression:
    """``expr`` with ``name`` read backwards (as ``lo + hi - name``): its effect reversed, its
    range kept. For the designer's mutation check (``wargame check --deep --mutate``)."""
    mirror = int(lo + hi) if float(lo + hi).is_integer() else lo + hi

    class _Flip(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if node.id != name:
                return node
            return ast.BinOp(ast.Constant(mirror), ast.Sub(), ast.Name(name, ast.Load()))

    tree = ast.parse(expr.source, mode="eval")
    source = ast.unparse(_Flip().visit(tree))
    return compile_expression(source, scope)
