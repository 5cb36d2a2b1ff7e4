"""``rules/adjudication.toml``: the adjudication rules, each a claim of the article, checked."""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen

from wargame.engine.board import COMPUTED, THEATRE_COMPUTED
from wargame.engine.checks import check_template, read_effects, read_expression, scope_of
from wargame.engine.declarations import DECLARATION_KEYS
from wargame.engine.effects import Effect
from wargame.engine.expressions import Expression, Name
from wargame.engine.limits import MAX_RULES, MAX_TITLE
from wargame.engine.reading import Problems, Table, entries, show
from wargame.engine.templates import template_fields

PHASES = ("events", "adjudication", "dynamics", "assessment")
"""When rules run in a turn. Orders resolve at the start of ``adjudication``."""
SCOPES = ("global", "theatre", "offshoot")
CLAIMS = tuple(f"C{i}" for i in range(1, 17))


@frozen
class Rule:
    """One adjudication rule: a claim of the article as a condition, a chance and effects."""

    id: str
    title: str
    claims: tuple[str, ...]
    cites: tuple[int, ...]
    claim: str  # the article's reasoning in our own words
    phase: str
    scope: str
    when: Expression | None
    chance: Expression | None
    effects: tuple[Effect, ...]
    explain: str  # a sentence for when it happens
    explain_fail: str  # a sentence for when the roll fails
    # Whether it reads totals or formulas, which the engine must bring up to date first.
    reads_computed: bool = True


def _reads_computed(rule: Rule, names: dict[str, Name]) -> bool:
    """Does the rule read a name the engine computes (a total, a formula, lost_here, ...)?"""
    used: set[str] = set()
    for expr in (rule.when, rule.chance):
        if expr is not None:
            used |= expr.names
    for effect in rule.effects:
        for arg in effect.args:
            if isinstance(arg, Expression):
                used |= arg.names
    for key in (rule.explain, rule.explain_fail):
        used |= set(template_fields(key))  # a broken template is reported by check_template
    computed = set(COMPUTED) | set(THEATRE_COMPUTED) | {n for n, v in names.items() if v.kind == "value"}
    return bool(used & computed)


def load_rules(data: dict[str, Any], path: str, names: dict[str, Name], decks: frozenset[str], problems: Problems):
    """The ``[[rule]]`` entries of ``data`` (read from ``path``) that pass every check, in order: their
    expressions see the global ``names``, a draw names one of ``decks``. What is wrong goes to ``problems``;
    more rules than the limit raise :class:`~wargame.engine.reading.RulebookError` at once."""
    rules = []
    top = Table(data, path, problems)
    for t, ident in entries(top, "rule", set(), MAX_RULES):
        phase = t.get("phase", str)
        if phase is not None and phase not in PHASES:
            t.fail(f"phase {show(phase)} should be one of {', '.join(PHASES)}")
        kind = t.get("scope", str, "global")
        if kind not in SCOPES:
            t.fail(f"scope {show(kind)} should be one of {', '.join(SCOPES)}")
            kind = "global"
        claims = tuple(t.text_list("claims", len(CLAIMS), "claims"))
        for c in claims:
            if c not in CLAIMS:
                t.fail(f"claim {show(c)} is not one of C1..C16 (docs/claims.md)")
        scope = scope_of(kind, names)
        rule = Rule(
            id=ident,
            title=t.text("title", most=MAX_TITLE) or "",
            claims=claims,
            cites=t.cites(),
            claim=t.text("claim", what="the article's reasoning in our own words") or "",
            phase=phase or "dynamics",
            scope=kind,
            when=read_expression(t, "when", scope),
            chance=read_expression(t, "chance", scope, chance=True),
            effects=read_effects(t, "effects", scope, decks),
            explain=t.get("explain", str) or "",
            explain_fail=t.get("explain_fail", str, ""),
        )
        for key in ("explain", "explain_fail"):
            check_template(getattr(rule, key), scope, t, key)
        rule = attrs.evolve(rule, reads_computed=_reads_computed(rule, names))
        if not t.data.get("effects"):
            t.fail("a rule needs at least one effect")
        t.used.update(DECLARATION_KEYS)  # read in a second pass (wargame.engine.declarations)
        t.unknown_keys()
        if t.ok:
            rules.append(rule)
    top.unknown_keys()
    return rules
