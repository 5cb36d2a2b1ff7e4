"""The loader's second pass: the designer's declarations and invariants, read and checked.

The entries' own loaders (:mod:`~wargame.engine.rules`, :mod:`~wargame.engine.orders`,
:mod:`~wargame.engine.decks`, :mod:`~wargame.engine.parameters`) leave the declaration keys
(:data:`~wargame.engine.declarations.ALL_KEYS`) to this pass, which runs once every entry is
known (a declaration may name another rule). ``rules/invariants.toml`` is optional: a rulebook
without it declares no invariants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wargame.engine.declarations import Declaration, DeclarationError, Invariant, declared
from wargame.engine.expressions import Expression, ExpressionError, Scope, compile_expression
from wargame.engine.limits import MAX_INVARIANTS, MAX_TITLE
from wargame.engine.reading import Problems, Table, entries
from wargame.engine.rules import CLAIMS, SCOPES

INVARIANTS_FILE = "invariants.toml"


def _reads(exprs: tuple[Expression | None, ...], formulas: Mapping[str, Expression]) -> frozenset[str]:
    """The names read, directly or through the formulas (every formula on the way included)."""
    out: set[str] = set()
    todo = [n for e in exprs if e is not None for n in e.names]
    while todo:
        n = todo.pop()
        if n not in out:
            out.add(n)
            if n in formulas:
                todo.extend(formulas[n].names)
    return frozenset(out)


def read_declarations(book: Any, raw: Mapping[str, Mapping[str, Any]], paths: Mapping[str, str],
                      scope_of: Callable[[str], Scope], problems: Problems) -> tuple[Declaration, ...]:
    """Every declaration of the loaded ``book`` (a Rulebook without declarations yet), from the
    ``raw`` TOML of each file (``paths`` names the adjudication, orders and parameters files;
    the decks are every other raw file with a ``[deck]``). Problems go to ``problems``."""
    fr = dict(book.formulas)
    rules = {r.id: r.scope for r in book.rules}
    params = tuple(book.parameters)
    out: list[Declaration] = []

    def take(where: str, subject: str, of: str, table: Any, scope: str, reads: frozenset[str],
             cites: tuple[int, ...], claims: tuple[str, ...] = ()) -> None:
        if not isinstance(table, dict):
            return
        try:
            out.extend(declared(subject, of, table, scope_of(scope), reads=reads, parameters=params, rules=rules,
                                cites=cites, claims=claims))
        except DeclarationError as e:
            problems.add(f"{where}: {subject} {of}", str(e))

    by_id = {r.id: r for r in book.rules}
    for table in raw.get(paths["adjudication"], {}).get("rule", []) or []:
        rule = by_id.get(table.get("id")) if isinstance(table, dict) else None
        if rule is not None:
            take(paths["adjudication"], "rule", rule.id, table, rule.scope, _reads((rule.when, rule.chance), fr),
                 rule.cites, rule.claims)
    kinds = book.order_kinds
    for table in raw.get(paths["orders"], {}).get("order", []) or []:
        kind = kinds.get(table.get("id")) if isinstance(table, dict) else None
        if kind is not None:
            take(paths["orders"], "order", kind.id, table, "theatre" if kind.target == "theatre" else "global",
                 _reads((kind.chance,), fr), kind.cites)
    formulas = fr
    props = raw.get(paths["parameters"], {}).get("formula_properties", {})
    if not isinstance(props, dict):
        problems.add(paths["parameters"], "[formula_properties] should be a table: formula = { rises_with = [...] }")
        props = {}
    for name, table in props.items():
        if name not in formulas:
            problems.add(paths["parameters"], f"formula_properties: there is no formula {name!r}")
            continue
        t = Table(table, f"{paths['parameters']}: formula_properties {name}", problems)
        cites = t.cites() if "cites" in t.data else ()
        take(paths["parameters"], "formula", name, table, "global", _reads((formulas[name],), fr), cites)
        unknown = set(t.data) - {"cites"} - set(table if isinstance(table, dict) else ())
        if unknown:
            t.fail(f"unknown keys {sorted(unknown)}")
    for path, data in raw.items():
        head = data.get("deck") if isinstance(data, dict) else None
        if not isinstance(head, dict):
            continue
        deck = next((d for d in book.decks.values() if d.id == (head.get("id") or _stem(path))), None)
        if deck is None:
            continue
        # a deck's declarations speak of every card, theatre cards too: a theatre's tracks may be named
        take(path, "deck", deck.id, head, "theatre", frozenset(), deck.cites)
        cards = {c.id: c for c in deck.cards}
        for table in data.get("card", []) or []:
            card = cards.get(table.get("id")) if isinstance(table, dict) else None
            if card is not None:
                take(path, "card", card.id, table, "theatre" if card.theatre else "global", frozenset(), card.cites)
    return tuple(out)


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-5] if name.endswith(".toml") else name


def read_invariants(data: Mapping[str, Any] | None, path: str, scope_of: Callable[[str], Scope],
                    problems: Problems) -> tuple[Invariant, ...]:
    """The ``[[invariant]]`` entries of ``rules/invariants.toml`` (None: there is no such file)."""
    if data is None:
        return ()
    out = []
    top = Table(data, path, problems)
    for t, ident in entries(top, "invariant", set(), MAX_INVARIANTS):
        title = t.text("title", most=MAX_TITLE) or ""
        kind = t.get("scope", str, "global")
        if kind not in SCOPES:
            t.fail(f"scope {kind!r} should be one of {', '.join(SCOPES)}")
            kind = "global"
        cites = t.cites()
        claims = tuple(t.text_list("claims", len(CLAIMS), "claims"))
        for c in claims:
            if c not in CLAIMS:
                t.fail(f"claim {c!r} is not one of C1..C16 (docs/claims.md)")
        source = t.get("holds", str, what="an expression over the board that is always true")
        holds = None
        if source is not None:
            try:
                holds = compile_expression(source, scope_of(kind))
            except ExpressionError as e:
                t.fail(f"holds: {e}")
        t.unknown_keys()
        if t.ok and holds is not None:
            out.append(Invariant(ident, title, kind, holds, cites, claims))
    top.unknown_keys()
    return tuple(out)
