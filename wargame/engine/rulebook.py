"""The rulebook: loads and checks ``rules/`` and ``decks/``, compiles every expression once.

A game designer edits TOML files; nothing here runs what they write. Every problem found is
reported with the file, the rule, order or card id and what is wrong, all of them at once, so a
designer can fix a file in one pass. See ``rules/README.md`` for the format.

The files are read by :mod:`wargame.engine.reading`, within :mod:`wargame.engine.limits`; each
kind of entry is checked by its own module (:mod:`~wargame.engine.parameters`,
:mod:`~wargame.engine.scenarios`, :mod:`~wargame.engine.decks`, :mod:`~wargame.engine.rules`,
:mod:`~wargame.engine.orders`, :mod:`~wargame.engine.objectives`); this one puts them together.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.board import (
    COMPUTED,
    CONSTANTS,
    GLOBAL_TRACKS,
    OFFSHOOT_TRACKS,
    TEXT_NAMES,
    THEATRE_COMPUTED,
    THEATRE_TRACKS,
)
from wargame.engine.checks import global_names, scope_of
from wargame.engine.decks import Card, Deck, load_deck
from wargame.engine.declarations import Declaration, Invariant
from wargame.engine.declared import INVARIANTS_FILE, read_declarations, read_invariants
from wargame.engine.expressions import Expression, Scope
from wargame.engine.limits import MAX_WORK, too_many_files
from wargame.engine.model import CELLS
from wargame.engine.objectives import Objective, load_objectives
from wargame.engine.orders import OrderKind, load_orders
from wargame.engine.parameters import load_parameters
from wargame.engine.reading import Problems, RulebookError, one_line, read_toml_into
from wargame.engine.rules import CLAIMS, PHASES, Rule, load_rules
from wargame.engine.scenarios import Scenario, load_scenarios, raw_theatres
from wargame.engine.titles import TITLES_FILE, Titles, fallback, load_titles
from wargame.engine.work import work_per_turn

ROOT = Path(__file__).resolve().parent.parent.parent
_NAME = re.compile(r"(?<![\w.\"])[a-z_][a-z0-9_]*(?![\w\"])")
# the expression language's own words and functions, written as they are
_KEPT_WORDS = frozenset({"and", "or", "not", "if", "else", "abs", "ceil", "clamp", "floor", "max", "min", "draw",
                         "spawn_offshoot", "absorb_offshoot"})
RULES_DIR = ROOT / "rules"
DECKS_DIR = ROOT / "decks"
TARGETS_FILE = "targets.toml"
"""The balance targets in the rules folder: read by ``wargame calibrate``, not part of the
rulebook (nor of its digest), so editing them changes no game."""
DOCTRINE_FILE = "doctrine.toml"
"""How the doctrine bots judge each order: part of the rulebook (its digest, a save's bundle), read
here as it is written and checked and compiled by :mod:`wargame.bots.doctrine_data`."""


@frozen
class Rulebook:
    parameters: dict[str, float]
    formulas: tuple[tuple[str, Expression], ...]
    formula_text: dict[str, str]
    budgets: dict[str, str]  # cell -> the global track its orders are paid from
    max_orders: int
    rules: tuple[Rule, ...]
    orders: tuple[OrderKind, ...]
    decks: dict[str, Deck]
    scenarios: dict[str, Scenario]
    objectives: tuple[Objective, ...]
    digest: str  # of every file read: a save records it to notice a changed rulebook
    sources: tuple[str, ...]
    # What the designer declared must always hold (wargame.engine.declarations), and the
    # invariants of rules/invariants.toml: checked by `wargame check --deep`.
    declarations: tuple[Declaration, ...] = ()
    invariants: tuple[Invariant, ...] = ()
    # What a reader sees instead of the names (rules/titles.toml, wargame.engine.titles).
    titles: Titles = attrs.field(factory=Titles)
    # (path, table) of rules/doctrine.toml as read (None: the folder has none, as in a save from
    # before it existed); the bots layer checks and compiles it (wargame.bots.doctrine_data).
    doctrine: tuple[str, dict[str, Any]] | None = attrs.field(default=None, eq=False, repr=False)
    by_phase: dict[str, tuple[Rule, ...]] = attrs.field(init=False)
    order_kinds: dict[str, OrderKind] = attrs.field(init=False)
    cards: dict[str, Card] = attrs.field(init=False)
    rule_by_id: dict[str, Rule] = attrs.field(init=False)
    # formula -> every name it reads that is not itself a formula (through the formulas it reads)
    formula_reads: dict[str, frozenset[str]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "by_phase", {p: tuple(r for r in self.rules if r.phase == p) for p in PHASES})
        object.__setattr__(self, "order_kinds", {o.id: o for o in self.orders})
        object.__setattr__(self, "cards", {c.id: c for d in self.decks.values() for c in d.cards})
        object.__setattr__(self, "rule_by_id", {r.id: r for r in self.rules})
        object.__setattr__(self, "formula_reads", _formula_reads(self.formulas))

    def reads(self, names: Iterable[str]) -> frozenset[str]:
        """The names read through ``names`` (an expression's, a template's fields): each formula
        stands for the names it reads, down to the tracks, totals and parameters."""
        fr = self.formula_reads
        out: set[str] = set()
        for n in names:
            out |= fr.get(n, {n})
        return frozenset(out)

    def scope(self, kind: str) -> Scope:
        """The names an expression of scope ``kind`` ("global", "theatre", "offshoot") may use."""
        bounds = {n: e.bounds for n, e in self.formulas}
        return scope_of(kind, global_names(self.parameters, bounds))

    def rule(self, rule_id: str) -> Rule:
        return self.rule_by_id[rule_id]  # KeyError for an id the rulebook has not

    # --- titles: what a reader sees instead of the names ------------------------------------------

    def _entry(self, name: str) -> tuple[str, str] | None:
        """(title, text) of anything the rulebook names, or None: a name of the board, a cell, a
        theatre or an origin; an order, a rule, a card or a deck (their ids are dotted too, so
        they are looked up before a theatre's or an offshoot's track, ``iraq.grievance``)."""
        e = self.titles.entry(name)
        if e is not None:
            return e.title, e.text
        kind = self.order_kinds.get(name)
        if kind is not None:
            return kind.title, " ".join(kind.text.split())
        rule = self.rule_by_id.get(name)
        if rule is not None:
            return rule.title, rule.claim
        card = self.cards.get(name)
        if card is not None:
            return card.title, " ".join(card.text.split())
        deck = self.decks.get(name)
        if deck is not None:
            return deck.title, " ".join(deck.text.split())
        local = self.titles.local(name) if "." in name else None
        if local is not None:
            return local.title, local.text
        return None

    def title(self, name: str) -> str:
        """What a reader sees instead of ``name``: a track (``is_funds`` → "IS funds"), a theatre's or
        an offshoot's track as the records write it (``iraq.grievance`` → "Grievance in Iraq"), a
        computed name or formula, a cell, a theatre, an offshoot origin, an order, a rule, a card or
        a deck. A name the rulebook does not know is shown spaced (``lake_chad`` → "lake chad")."""
        found = self._entry(name)
        return found[0] if found is not None else fallback(name)

    def describe(self, name: str) -> str:
        """One line on what ``name`` means (see :meth:`title`); "" if the rulebook has none."""
        found = self._entry(name)
        return found[1] if found is not None else ""

    def readable(self, source: str) -> str:
        """An expression or effect of the rulebook for a reader: each name by its title, each
        parameter by its value ("clamp(0.3 + Coalition intelligence / 25, 0, 0.9)"); functions,
        words and numbers as written."""
        def word(m: re.Match[str]) -> str:
            name = m.group(0)
            if name in _KEPT_WORDS or name in CONSTANTS:
                return name
            if name in self.parameters:
                return f"{self.parameters[name]:g}"
            return self.title(name) if self._entry(name) is not None else name

        return _NAME.sub(word, source)

    def value_text(self, name: str, value: int) -> str:
        """A track's value for a reader: a stage of the relation by its title ("talks"), a track
        that is 0 or 1 as "no" or "yes", any other as its number."""
        local = name.rpartition(".")[2]
        if local == "relation_stage":
            return self.stage_title(value)
        bounds = GLOBAL_TRACKS.get(local) or (THEATRE_TRACKS.get(local) if "." in name else None)
        if bounds == (0, 1) and value in (0, 1):
            return "yes" if value else "no"
        return str(value)

    def stage_title(self, stage: int) -> str:
        """A stage of the AQ-IS relation by its number: "rivalry", "talks"..."""
        return self.titles.stage(stage).title

    def theatre_title(self, theatre: str | None) -> str:
        return self.titles.theatre(theatre) if theatre else ""

    def order_title(self, kind: str, theatre: str | None = None) -> str:
        """An order for a reader: "Air campaign in Iraq" (``coalition.air_campaign`` in ``iraq``)."""
        return self.title(kind) + (f" in {self.theatre_title(theatre)}" if theatre else "")

    def where_title(self, where: str | None) -> str:
        """What a record was applied to, for a reader: a theatre's title, "offshoot 3", or ""."""
        if not where:
            return ""
        return self.titles.theatre(where) if where in self.titles.theatres else fallback(where)

    def summary(self) -> str:
        decks = ", ".join(f"{d.title} {len(d.cards)}" for d in self.decks.values())
        return (
            f"{len(self.rules)} rules covering {len({c for r in self.rules for c in r.claims})} claims, "
            f"{len(self.orders)} orders, {len(self.objectives)} objectives, "
            f"{len(self.parameters)} parameters, {len(self.formulas)} formulas; "
            f"decks: {decks}; scenarios: {', '.join(self.scenarios)}"
        )


def _formula_reads(formulas: Iterable[tuple[str, Expression]]) -> dict[str, frozenset[str]]:
    """Each formula's reads, formulas expanded (a formula reads only those above it)."""
    out: dict[str, frozenset[str]] = {}
    for name, expr in formulas:
        reads: set[str] = set()
        for n in expr.names:
            reads |= out.get(n, {n})
        out[name] = frozenset(reads)
    return out


def _files(base: Path, pattern: str) -> list[Path]:
    return sorted(base.glob(pattern)) if base.is_dir() else ([base] if base.is_file() else [])


def load_rulebook(rules_dir: Path | str = RULES_DIR, decks_dir: Path | str = DECKS_DIR, *,
                  titles_required: bool = True) -> Rulebook:
    """Load and check a rulebook; raise :class:`RulebookError` listing every problem found.

    ``titles_required=False`` is for a rulebook saved in a game from before ``titles.toml``
    existed: without one, it takes this installation's titles, and a name they do not cover is
    shown as its name (:mod:`wargame.engine.titles`)."""
    rules_dir, decks_dir = Path(rules_dir), Path(decks_dir)
    problems = Problems()
    for d in (rules_dir, decks_dir):
        if not d.is_dir():
            raise RulebookError([f"{d}: {'not a folder' if d.exists() else 'no such folder'}"])
    digest = hashlib.sha256()
    read: dict[str, dict[str, Any]] = {}
    sources = []
    rules_files = [p for p in _files(rules_dir, "*.toml") if p.name != TARGETS_FILE]
    deck_files = _files(decks_dir, "*.toml")
    too_many = too_many_files(rules_dir, decks_dir, rules_files, deck_files)
    if too_many:
        raise RulebookError([too_many])
    for path in rules_files + deck_files:
        data = read_toml_into(path, problems)
        rel = f"{path.parent.name}/{path.name}"
        sources.append(rel)
        digest.update(rel.encode() + b"\0" + (path.read_bytes() if data is not None else b"") + b"\0")
        if data is not None:
            read[str(path)] = data
    if problems.lines:
        raise RulebookError(problems.lines)

    def part(name: str) -> tuple[str, dict[str, Any]]:
        path = str(rules_dir / f"{name}.toml")
        if path not in read:
            problems.add(path, "missing")
        return path, read.get(path, {})

    path, data = part("parameters")
    parameters, formulas, formula_text, fbounds, budgets, max_orders = load_parameters(data, path, problems)
    names = global_names(parameters, fbounds)
    path, data = part("scenarios")
    scenarios = load_scenarios(data, path, problems)
    theatre_ids = {t.name for s in scenarios.values() for t in s.initial.theatres} | raw_theatres(data)
    decks: dict[str, Deck] = {}
    card_ids: set[str] = set()
    for path_obj in _files(decks_dir, "*.toml"):
        p = str(path_obj)
        if p in read:
            deck = load_deck(read[p], p, names, theatre_ids, card_ids, problems)
            if deck.id in decks:
                problems.add(p, f"deck id {deck.id!r} is used twice")
            decks[deck.id] = deck
    deck_ids = frozenset(decks)
    path, data = part("adjudication")
    rules = load_rules(data, path, names, deck_ids, problems)
    path, data = part("orders")
    orders = load_orders(data, path, names, deck_ids, problems, _formula_reads(formulas))
    path, data = part("objectives")
    objectives = load_objectives(data, path, names, problems)
    path = str(rules_dir / TITLES_FILE)
    theatre_titles: dict[str, str] = {}
    for s in scenarios.values():
        for t in s.initial.theatres:
            theatre_titles.setdefault(t.name, t.title)
    for name in raw_theatres(read.get(str(rules_dir / "scenarios.toml"), {})):
        theatre_titles.setdefault(name, fallback(name))
    formula_names = [n for n, _ in formulas]
    if path in read or titles_required:
        titles = load_titles(read.get(path), path, problems, formula_names, theatre_titles, strict=titles_required)
    else:  # a rulebook from before titles: this installation's, where they fit
        shipped = RULES_DIR / TITLES_FILE
        quiet = Problems()
        titles = load_titles(read_toml_into(shipped, quiet) if shipped.is_file() else {}, str(shipped), quiet,
                             formula_names, theatre_titles, strict=False)
    # a roll is keyed by the rule's or order's id: the two must never share one
    for ident in sorted({r.id for r in rules} & {o.id for o in orders}):
        problems.add(str(rules_dir / "adjudication.toml"), f"rule {ident}: an order has the same id, and would roll the same dice")
    covered = {c for r in rules for c in r.claims}
    path = str(rules_dir / "adjudication.toml")
    if path in read and not read[path].get("rule"):
        problems.add(path, "no [[rule]] at all: every claim C1..C16 needs a rule (docs/claims.md)")
    for c in CLAIMS:
        if c not in covered and rules:
            problems.add(path, f"no rule for claim {c}")
    path = str(rules_dir / "orders.toml")
    if path in read and not read[path].get("order"):
        problems.add(path, f"no [[order]] at all: every cell ({', '.join(CELLS)}) needs an order")
    for cell in CELLS:
        if orders and not any(o.cell == cell for o in orders):
            problems.add(path, f"{cell} has no orders")
    if problems.lines:
        raise RulebookError(problems.lines)
    doctrine_path = str(rules_dir / DOCTRINE_FILE)
    book = Rulebook(
        parameters=parameters,
        formulas=formulas,
        formula_text=formula_text,
        budgets=budgets,
        max_orders=max_orders,
        rules=tuple(rules),
        orders=tuple(orders),
        decks=decks,
        scenarios=scenarios,
        objectives=tuple(objectives),
        digest=digest.hexdigest(),
        sources=tuple(sources),
        titles=titles,
        doctrine=(doctrine_path, read[doctrine_path]) if doctrine_path in read else None,
    )
    paths = {name: str(rules_dir / f"{name}.toml") for name in ("adjudication", "orders", "parameters")}
    declarations = read_declarations(book, read, paths, book.scope, problems)
    invariants = read_invariants(read.get(str(rules_dir / INVARIANTS_FILE)), str(rules_dir / INVARIANTS_FILE),
                                 book.scope, problems)
    if problems.lines:
        raise RulebookError(problems.lines)
    book = attrs.evolve(book, declarations=declarations, invariants=invariants)
    work, most = work_per_turn(book)
    if work > MAX_WORK:
        raise RulebookError([one_line(
            f"{rules_dir}: a turn could take up to {work:,} evaluations, more than the limit of {MAX_WORK:,} "
            f"(the most: {most}): use fewer rules, effects, draws or cards (rules/README.md, \"Limits\")")])
    return book


def describe_names(rulebook: Rulebook | None = None) -> Iterable[tuple[str, str]]:
    """(name, meaning) of every name an expression may use; for the designer's reference. With
    ``rulebook``, each name's title (rules/titles.toml) too."""
    def titled(n: str, what: str) -> str:
        return f"{what}; \"{rulebook.title(n)}\"" if rulebook is not None else what

    for n, (lo, hi) in GLOBAL_TRACKS.items():
        yield n, titled(n, f"track {lo}..{hi}")
    for n, (_lo, _hi, what) in COMPUTED.items():
        yield n, titled(n, f"computed: {what}")
    for n, (lo, hi) in THEATRE_TRACKS.items():
        yield n, titled(n, f"theatre track {lo}..{hi}")
    for n, (_lo, _hi, what) in THEATRE_COMPUTED.items():
        yield n, titled(n, f"theatre, computed: {what}")
    for n, (lo, hi) in OFFSHOOT_TRACKS.items():
        yield n, titled(n, f"offshoot track {lo}..{hi}")
    for n in TEXT_NAMES:
        yield n, "text: compare with == or != and a quoted id"
    if rulebook:
        for n, v in rulebook.parameters.items():
            yield n, f"parameter = {v}"
        for n, src in rulebook.formula_text.items():
            yield n, titled(n, f"formula = {src}")
