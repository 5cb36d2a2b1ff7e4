"""The rulebook: loads and checks ``rules/`` and ``decks/``, compiles every expression once.

A game designer edits TOML files; nothing here runs what they write. Every problem found is
reported with the file, the rule, order or card id and what is wrong, all of them at once, so a
designer can fix a file in one pass. See ``rules/README.md`` for the format.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from wargame.engine.board import (
    COMPUTED,
    CONSTANTS,
    GLOBAL_TRACKS,
    MAX_OFFSHOOTS,
    N_THEATRES_MAX,
    OFFSHOOT_TRACKS,
    OWNER,
    TEXT_NAMES,
    THEATRE_COMPUTED,
    THEATRE_TRACKS,
    hidden_from,
)
from wargame.engine.expressions import (
    Effect,
    Expression,
    ExpressionError,
    Name,
    Scope,
    TemplateError,
    compile_effect,
    compile_expression,
    template_fields,
    template_parts,
)
from wargame.engine.model import (
    CELLS,
    AlQaeda,
    Coalition,
    Governments,
    IslamicState,
    Leader,
    Relation,
    State,
    Theatre,
    opening_tally,
)
from wargame.files import FileProblem, read_capped

ROOT = Path(__file__).resolve().parent.parent.parent
RULES_DIR = ROOT / "rules"
DECKS_DIR = ROOT / "decks"
TARGETS_FILE = "targets.toml"
"""The balance targets in the rules folder: read by ``wargame calibrate``, not part of the
rulebook (nor of its digest), so editing them changes no game."""

PHASES = ("events", "adjudication", "dynamics", "assessment")
"""When rules run in a turn. Orders resolve at the start of ``adjudication``."""
SCOPES = ("global", "theatre", "offshoot")
CLAIMS = tuple(f"C{i}" for i in range(1, 17))
MAX_FILE_BYTES = 2_000_000

# --- limits: the most work a rulebook can ask of the engine (rules/README.md, "Limits") ------------
#
# A data file can never run code; these make sure it cannot make the engine slow either. Each is
# checked at load, before the work it bounds is done, and reported in one line naming it.
MAX_FILES = 64  # *.toml files read from the rules and decks folders together
MAX_TOTAL_BYTES = 8_000_000  # all of them together
MAX_NESTING = 16  # tables and arrays inside one another, in any file
MAX_VALUES = 100_000  # values (numbers, texts, tables, arrays) in one file
MAX_RULES = 200
MAX_ORDERS = 100
MAX_OBJECTIVES = 40
MAX_SCENARIOS = 20
MAX_PARAMETERS = 100
MAX_FORMULAS = 40
MAX_DECKS = 12
MAX_CARDS = 100  # cards in one deck
MAX_EFFECTS = 12  # effects of one rule or card; success and failure effects of one order, each
MAX_DRAWS = 2  # draw(...) effects of one rule or order
MAX_REQUIRES = 8  # requirements of one order
MAX_CITES = 10  # paragraphs one entry cites
MAX_TITLE = 120  # characters of a title
MAX_TEXT = 1_500  # characters of a text (an order's, a card's, a claim...)
MAX_TURNS = 60  # turns of a scenario: at most 99, the bound of `turn` and `turns_left`
MAX_WORK = 40_000
"""The most evaluations (an expression worked out, a card looked at, a record written, the
totals and formulas brought up to date) one turn may take in the worst case the rulebook allows;
see :func:`work_per_turn`."""


class RulebookError(Exception):
    """Everything wrong with a rulebook, one problem a line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


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


@frozen
class Requirement:
    when: Expression
    reason: str  # why the order is not available when ``when`` is false


@frozen
class OrderKind:
    """A kind of order a cell may give, with its cost, where it applies and what it does."""

    id: str
    cell: str
    title: str
    text: str
    cites: tuple[int, ...]
    cost: int
    target: str  # "theatre" or "none"
    requires: tuple[Requirement, ...]
    chance: Expression | None
    success: tuple[Effect, ...]
    failure: tuple[Effect, ...]
    explain: str
    explain_fail: str


@frozen
class Card:
    id: str
    deck: str
    title: str
    text: str
    cites: tuple[int, ...]
    theatre: str | None
    when: Expression | None
    effects: tuple[Effect, ...]


@frozen
class Deck:
    id: str
    title: str
    text: str
    cites: tuple[int, ...]
    cards: tuple[Card, ...]


@frozen
class Objective:
    id: str
    cell: str
    title: str
    text: str
    cites: tuple[int, ...]
    points: int  # the most it can score
    score: Expression


@frozen
class Scenario:
    id: str
    title: str
    text: str
    start_year: int
    start_quarter: int
    turns: int
    initial: State  # decks not yet shuffled: the engine does that with the game's seed

    def label(self, turn: int) -> str:
        """The quarter a turn stands for, e.g. ``2016 Q2`` for turn 1 of spring-2016."""
        q = self.start_quarter - 1 + turn - 1
        return f"{self.start_year + q // 4} Q{q % 4 + 1}"

    def year(self, turn: int) -> int:
        return self.start_year + (self.start_quarter - 1 + turn - 1) // 4

    def turn_of(self, quarter: str) -> int:
        """The turn that stands for a quarter written ``2017Q4`` (or ``2017 Q4``); raises
        ValueError with the reason if it is not a quarter of this scenario."""
        m = re.fullmatch(r"(\d{4}) ?Q([1-4])", quarter.strip()) if isinstance(quarter, str) else None
        if m is None:
            raise ValueError(f"{quarter!r} is not a quarter like 2017Q4")
        turn = (int(m.group(1)) - self.start_year) * 4 + int(m.group(2)) - self.start_quarter + 1
        if not 1 <= turn <= self.turns:
            first, last = self.label(1).replace(" ", ""), self.label(self.turns).replace(" ", "")
            raise ValueError(f"no quarter {quarter!r} in scenario {self.id} (it runs {first}..{last})")
        return turn


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
    by_phase: dict[str, tuple[Rule, ...]] = attrs.field(init=False)
    order_kinds: dict[str, OrderKind] = attrs.field(init=False)
    cards: dict[str, Card] = attrs.field(init=False)
    # formula -> every name it reads that is not itself a formula (through the formulas it reads)
    formula_reads: dict[str, frozenset[str]] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "by_phase", {p: tuple(r for r in self.rules if r.phase == p) for p in PHASES})
        object.__setattr__(self, "order_kinds", {o.id: o for o in self.orders})
        object.__setattr__(self, "cards", {c.id: c for d in self.decks.values() for c in d.cards})
        object.__setattr__(self, "formula_reads", _formula_reads(self.formulas))

    def reads(self, names: Iterable[str]) -> frozenset[str]:
        """The names read through ``names`` (an expression's, a template's fields): each formula
        stands for the names it reads, down to the tracks, totals and parameters."""
        fr = self.formula_reads
        out: set[str] = set()
        for n in names:
            out |= fr.get(n, {n})
        return frozenset(out)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

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


# --- reading files -----------------------------------------------------------------------------


class _Problems:
    """Collects problems as 'file: id: what is wrong' lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.lines.append(_one_line(f"{where}: {what}"))


MAX_LINE = 1_000  # characters of one problem line


def _one_line(text: str) -> str:
    """A problem as one line of bounded length: control characters (a newline in a quoted TOML
    key) written as escapes, and the end cut off past :data:`MAX_LINE` characters."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= MAX_LINE else text[: MAX_LINE - 1] + "…"


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _show(value: Any, most: int = 60) -> str:
    """A value from a data file as a problem shows it: its repr, cut short."""
    if isinstance(value, str):
        return repr(_cut(value, most))
    text = repr(value) if not isinstance(value, (list, dict)) or len(value) <= 20 else \
        f"<{type(value).__name__} of {len(value)} items>"
    return _cut(text, most)


MAX_KEY_PARTS = 64
_KEY_PART = r"""(?:[A-Za-z0-9_-]++|"(?:[^"\\\n]|\\.)*+"|'[^'\n]*+')"""
_LONG_KEY = re.compile(rf"""(?<![A-Za-z0-9_.\-"'])(?>{_KEY_PART}(?:[ \t]*+\.[ \t]*+{_KEY_PART}){{{MAX_KEY_PARTS},}})""")
"""A dotted key (``a.b.c = 1``, ``[a.b.c]``, ``{a.b.c = 1}``) of more than :data:`MAX_KEY_PARTS`
parts, found in linear time before the file is parsed."""


def _shape_problem(data: Any) -> str | None:
    """What is wrong with the shape of a parsed file: tables and arrays nested more than
    :data:`MAX_NESTING` deep, or more than :data:`MAX_VALUES` values. Walked without recursion,
    so no depth can overflow the stack here (nothing else is read before this has passed)."""
    stack = [(data, 1)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return f"more than {MAX_VALUES} values in one file (the limit)"
        if isinstance(value, (dict, list)):
            if depth > MAX_NESTING:
                return f"nested too deeply: more than {MAX_NESTING} levels of tables and arrays (the limit)"
            items = value.values() if isinstance(value, dict) else value
            stack.extend((v, depth + 1) for v in items)
            if isinstance(value, dict):
                count += len(value)  # the keys
    return None


def _read_toml(path: Path, problems: _Problems) -> dict[str, Any] | None:
    # Only a regular file, and never more than the cap read, whatever its size claims: a pipe,
    # a device or a file that grows while read cannot hang or flood the loader.
    try:
        data = read_capped(path, MAX_FILE_BYTES, "regular file")
    except FileProblem as e:
        text = str(e)
        problems.add(str(path), text[len(str(path)) + 2:] if text.startswith(f"{path}: ") else text)
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.add(str(path), f"larger than {MAX_FILE_BYTES} bytes")
        return None
    try:
        text = data.decode("utf-8-sig")  # an editor's byte-order mark is fine
        if _LONG_KEY.search(text):  # tomllib takes time quadratic in a dotted key's length
            problems.add(str(path), f"nested too deeply: a dotted key of more than {MAX_KEY_PARTS} parts "
                                    f"(tables nest at most {MAX_NESTING} levels, the limit)")
            return None
        parsed = tomllib.loads(text)
    except UnicodeDecodeError:
        problems.add(str(path), "not UTF-8 text")
    except tomllib.TOMLDecodeError as e:
        problems.add(str(path), f"not valid TOML: {e}")
    except RecursionError:
        problems.add(str(path), f"nested too deeply: more than {MAX_NESTING} levels of tables and arrays (the limit)")
    except (ValueError, MemoryError) as e:  # e.g. an integer of more than 4300 digits
        problems.add(str(path), f"not valid TOML: {_cut(str(e), 120)}")
    else:
        shape = _shape_problem(parsed)
        if shape is None:
            return parsed
        problems.add(str(path), shape)
    return None


def read_toml(path: Path | str) -> dict[str, Any]:
    """One TOML data file read as the rulebook's are: a regular file, at most
    :data:`MAX_FILE_BYTES`, UTF-8, valid TOML. Raises :class:`RulebookError` with one line,
    ``path: what is wrong``."""
    problems = _Problems()
    data = _read_toml(Path(path), problems)
    if data is None:
        raise RulebookError(problems.lines)
    return data


_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,63}$")


class _Table:
    """Typed access to one TOML table that records what was wrong instead of raising."""

    def __init__(self, data: Any, where: str, problems: _Problems):
        self.ok = isinstance(data, dict)
        self.data = data if self.ok else {}
        self.where = where
        self.problems = problems
        self.used: set[str] = set()
        if not self.ok:
            problems.add(where, f"expected a table, not {type(data).__name__}")

    def fail(self, what: str) -> None:
        self.ok = False
        self.problems.add(self.where, what)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ..., *, what: str = "") -> Any:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                self.fail(f"missing {key!r}{' (' + what + ')' if what else ''}")
                return None
            return default
        value = self.data[key]
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            self.fail(f"{key!r} should be {names}, not {type(value).__name__} {_show(value)}")
            return None if default is ... else default
        return value

    def text(self, key: str, default: Any = ..., *, most: int = MAX_TEXT, what: str = "") -> str | None:
        """A text shown as it is written (a title, an order's text, a claim): at most ``most``
        characters, and no braces, which would read as a template's fields."""
        value = self.get(key, str, default, what=what)
        if not isinstance(value, str):
            return value
        if len(value) > most:
            self.fail(f"{key!r} is {len(value)} characters long, more than the limit of {most}")
            return value[:most]
        if "{" in value or "}" in value:
            self.fail(f"{key!r} is shown as it is written: keep braces {{ }} out of it")
        return value

    def text_list(self, key: str, most: int | None = None, what: str = "entries") -> list[str]:
        items = self.get(key, list, [])
        if items is None:
            return []
        if most is not None and len(items) > most:
            self.fail(f"{key!r} has {len(items)} {what}, more than the limit of {most}")
            return []
        if not all(isinstance(x, str) for x in items):
            self.fail(f"{key!r} should be a list of quoted texts")
            return []
        return items

    def cites(self) -> tuple[int, ...]:
        cites = self.get("cites", list, what="the article's paragraphs, e.g. [4, 6]")
        if cites is None:
            return ()
        if not cites or len(cites) > MAX_CITES or not all(type(c) is int and 1 <= c <= 10 for c in cites):
            self.fail(f"'cites' should list paragraphs of the article, 1 to 10, not {_show(cites)}")
            return ()
        return tuple(cites)

    def unknown_keys(self) -> None:
        extra = sorted(set(self.data) - self.used)
        if extra:
            shown = ", ".join(_show(k, 40) for k in extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
            self.fail(f"unknown key{'s' if len(extra) > 1 else ''} {shown}")


# --- scopes ----------------------------------------------------------------------------------


def _global_names(parameters: dict[str, float], formula_bounds: dict[str, tuple[float, float]]) -> dict[str, Name]:
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


def _scope(kind: str, globals_: dict[str, Name]) -> Scope:
    if kind == "global":
        return Scope(globals=globals_, kind="global")
    if kind == "theatre":
        return Scope(globals=globals_, theatre=_theatre_names(), kind="theatre")
    return Scope(globals=globals_, theatre=_theatre_names(), offshoot=_offshoot_names(), kind="offshoot")


# Template fields: names in scope plus these, filled in by the engine.
TEMPLATE_EXTRAS = ("title", "theatre_title", "chance", "roll", "cell")


def _check_template(text: Any, scope: Scope, table: _Table, key: str) -> None:
    """A template (``explain``, ``explain_fail``, a card's ``text``): every field a plain name in
    scope (or one the engine fills in), a text field with no format spec, a number's with one of
    :data:`~wargame.engine.expressions.NUMBER_SPECS` (rules/README.md, section 7)."""
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


def _expression(table: _Table, key: str, scope: Scope, *, required: bool = False, chance: bool = False):
    source = table.get(key, str, ... if required else None)
    if source is None:
        return None
    try:
        expr = compile_expression(source, scope)
    except ExpressionError as e:
        table.fail(f"{key} {_show(source, 440)}: {e}")
        return None
    if chance and not (expr.bounds[0] >= 0.0 and expr.bounds[1] <= 1.0):
        lo, hi = expr.bounds
        table.fail(
            f"chance {source!r} can reach {lo:g}..{hi:g}, outside 0..1 for some board; "
            "wrap it in clamp(..., 0, 1) or change it"
        )
        return None
    return expr


def _effects(table: _Table, key: str, scope: Scope, decks: frozenset[str]) -> tuple[Effect, ...]:
    out = []
    for line in table.text_list(key, MAX_EFFECTS, "effects"):
        try:
            out.append(compile_effect(line, scope, decks))
        except ExpressionError as e:
            table.fail(f"{key} {_show(line, 440)}: {e}")
    draws = sum(1 for e in out if e.op == "draw")
    if draws > MAX_DRAWS:
        table.fail(f"{key!r} draws {draws} cards, more than the limit of {MAX_DRAWS} draw(...) effects")
        return ()
    return tuple(out)


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
        used |= set(template_fields(key))  # a broken template is reported by _check_template
    computed = set(COMPUTED) | set(THEATRE_COMPUTED) | {n for n, v in names.items() if v.kind == "value"}
    return bool(used & computed)


def _too_many(where: str, what: str) -> None:
    """Refuse the rulebook at once, in one line: a file with more entries than a limit allows is
    not read further (reading it is the work the limit bounds), and nothing else is reported."""
    raise RulebookError([_one_line(f"{where}: {what}")])


def _entries(top: _Table, key: str, seen: set[str], most: int) -> Iterator[tuple[_Table, str]]:
    """Each table of an array such as ``[[rule]]`` with its id; one that is not a table is
    reported and skipped. ``seen`` collects the ids, to report one used twice. More than
    ``most`` entries are refused at once, before any is read."""
    raw_all = top.get(key, list, []) or []
    if len(raw_all) > most:
        _too_many(top.where, f"{len(raw_all)} [[{key}]] entries, more than the limit of {most}")
    for raw in raw_all:
        t = _Table(raw, f"{top.where}: {key}", top.problems)
        if t.ok:
            yield t, _id(t, seen)


def _id(table: _Table, seen: set[str]) -> str:
    ident = table.get("id", str) or "?"
    if ident != "?" and not _ID.match(ident):
        table.fail(f"id {_show(ident)} should be lower case letters, digits, '-', '_' or '.', at most 64 characters")
        ident = _cut(ident, 64)
    table.where = f"{table.where} {ident}"
    if ident in seen:
        table.fail(f"id {ident!r} is used twice")
    seen.add(ident)
    return ident


# --- the parts of the rulebook ---------------------------------------------------------------


def _load_parameters(data: dict[str, Any], path: str, problems: _Problems):
    table = _Table(data, path, problems)
    raw = table.get("parameters", dict, {})
    if raw and len(raw) > MAX_PARAMETERS:
        _too_many(path, f"{len(raw)} parameters, more than the limit of {MAX_PARAMETERS}")
    parameters: dict[str, float] = {}
    reserved = (set(GLOBAL_TRACKS) | set(COMPUTED) | set(CONSTANTS) | set(THEATRE_TRACKS) | set(THEATRE_COMPUTED)
                | set(OFFSHOOT_TRACKS) | set(TEXT_NAMES) | set(TEMPLATE_EXTRAS) | {"name", "id"})
    for name, value in (raw or {}).items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name) or name in reserved:
            table.fail(f"parameter {_show(name)}: a parameter is a new lower-case name, not a track's")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > 1_000_000:
            table.fail(f"parameter {name!r} should be a number, at most 1000000 either way, not {_show(value)}")
        else:
            parameters[name] = value
    formulas: list[tuple[str, Expression]] = []
    formula_text: dict[str, str] = {}
    bounds: dict[str, tuple[float, float]] = {}
    raw_formulas = table.get("formulas", dict, {}) or {}
    if len(raw_formulas) > MAX_FORMULAS:
        _too_many(path, f"{len(raw_formulas)} formulas, more than the limit of {MAX_FORMULAS}")
    for name, source in raw_formulas.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,63}", name) or name in reserved or name in parameters:
            table.fail(f"formula {_show(name)}: a formula is a new lower-case name")
            continue
        # A formula sees the board and the formulas above it, never itself or those below.
        scope = _scope("global", _global_names(parameters, bounds))
        try:
            expr = compile_expression(source, scope)
        except ExpressionError as e:
            table.fail(f"formula {name} {_show(source, 440)}: {e}")
            continue
        formulas.append((name, expr))
        formula_text[name] = source
        bounds[name] = expr.bounds
    budgets: dict[str, str] = {}
    for cell, track in (table.get("budgets", dict, {}) or {}).items():
        if not isinstance(track, str):
            table.fail(f"budgets: {_show(cell)} should name a track in quotes, not {_show(track)}")
            budgets[cell] = "?"
        elif cell not in CELLS:
            table.fail(f"budgets: no cell {_show(cell)} (cells: {', '.join(CELLS)})")
        elif track not in GLOBAL_TRACKS:
            table.fail(f"budgets: {cell} is paid from {_show(track)}, which is not a track")
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
    table.unknown_keys()
    return parameters, tuple(formulas), formula_text, bounds, budgets, max_orders


def _load_rules(data: dict[str, Any], path: str, names: dict[str, Name], decks: frozenset[str], problems: _Problems):
    rules = []
    top = _Table(data, path, problems)
    for t, ident in _entries(top, "rule", set(), MAX_RULES):
        phase = t.get("phase", str)
        if phase is not None and phase not in PHASES:
            t.fail(f"phase {_show(phase)} should be one of {', '.join(PHASES)}")
        kind = t.get("scope", str, "global")
        if kind not in SCOPES:
            t.fail(f"scope {_show(kind)} should be one of {', '.join(SCOPES)}")
            kind = "global"
        claims = tuple(t.text_list("claims", len(CLAIMS), "claims"))
        for c in claims:
            if c not in CLAIMS:
                t.fail(f"claim {_show(c)} is not one of C1..C16 (docs/claims.md)")
        scope = _scope(kind, names)
        rule = Rule(
            id=ident,
            title=t.text("title", most=MAX_TITLE) or "",
            claims=claims,
            cites=t.cites(),
            claim=t.text("claim", what="the article's reasoning in our own words") or "",
            phase=phase or "dynamics",
            scope=kind,
            when=_expression(t, "when", scope),
            chance=_expression(t, "chance", scope, chance=True),
            effects=_effects(t, "effects", scope, decks),
            explain=t.get("explain", str) or "",
            explain_fail=t.get("explain_fail", str, ""),
        )
        for key in ("explain", "explain_fail"):
            _check_template(getattr(rule, key), scope, t, key)
        rule = attrs.evolve(rule, reads_computed=_reads_computed(rule, names))
        if not t.data.get("effects"):
            t.fail("a rule needs at least one effect")
        t.unknown_keys()
        if t.ok:
            rules.append(rule)
    top.unknown_keys()
    return rules


def _secret_read(expr: Expression, scope: Scope, cell: str, formulas: dict[str, frozenset[str]]) -> str | None:
    """The first name ``expr`` reads (through formulas) that ``cell`` may not always see exactly:
    another cell's inner track, or, for an outsider, what secret AQ-IS talks hide. Theatre and
    offshoot names are public. None if it reads only what ``cell`` may see."""
    hidden = hidden_from(cell)
    for n in sorted(expr.names):
        where = scope.lookup(n)
        if where is None or where[0] != "G":
            continue
        for m in sorted(formulas.get(n, {n})):
            if m in hidden:
                return m
    return None


def _load_orders(data: dict[str, Any], path: str, names: dict[str, Name], decks: frozenset[str], problems: _Problems,
                 formulas: dict[str, frozenset[str]] | None = None):
    formulas = formulas or {}
    orders = []
    top = _Table(data, path, problems)
    for t, ident in _entries(top, "order", set(), MAX_ORDERS):
        cell = t.get("cell", str)
        if cell is not None and cell not in CELLS:
            t.fail(f"cell {_show(cell)} should be one of {', '.join(CELLS)}")
        target = t.get("target", str, "none")
        if target not in ("theatre", "none"):
            t.fail(f"target {_show(target)} should be 'theatre' or 'none'")
            target = "none"
        scope = _scope("theatre" if target == "theatre" else "global", names)
        cost = t.get("cost", int)
        if cost is not None and not 0 <= cost <= 20:
            t.fail(f"cost {cost} should lie in 0..20")
        requires = []
        raw_requires = t.get("requires", list, []) or []
        if len(raw_requires) > MAX_REQUIRES:
            t.fail(f"'requires' has {len(raw_requires)} requirements, more than the limit of {MAX_REQUIRES}")
            raw_requires = []
        for r in raw_requires:
            rt = _Table(r, t.where + " requires", problems)
            when = _expression(rt, "when", scope, required=True)
            reason = rt.text("reason")
            rt.unknown_keys()
            if when is not None and cell in CELLS:
                secret = _secret_read(when, scope, cell, formulas)
                if secret is not None:
                    rt.fail(f"'{when.source}' reads {secret}, which {cell} may not see"
                            + (f" (an inner track of {OWNER[secret]})" if secret in OWNER
                               else " (the AQ-IS relation as only the two groups know it)")
                            + f": a requirement may read only public names and {cell}'s own tracks")
            if when is not None and reason and rt.ok:
                requires.append(Requirement(when, reason))
            t.ok = t.ok and rt.ok
        order = OrderKind(
            id=ident,
            cell=cell or "is",
            title=t.text("title", most=MAX_TITLE) or "",
            text=t.text("text") or "",
            cites=t.cites(),
            cost=cost or 0,
            target=target,
            requires=tuple(requires),
            chance=_expression(t, "chance", scope, chance=True),
            success=_effects(t, "success", scope, decks),
            failure=_effects(t, "failure", scope, decks),
            explain=t.get("explain", str) or "",
            explain_fail=t.get("explain_fail", str, ""),
        )
        for key in ("explain", "explain_fail"):
            _check_template(getattr(order, key), scope, t, key)
        if order.chance is None and order.failure:
            t.fail("'failure' effects need a 'chance'")
        t.unknown_keys()
        if t.ok:
            orders.append(order)
    top.unknown_keys()
    return orders


def _load_deck(data: dict[str, Any], path: str, names: dict[str, Name], theatres: set[str], seen: set[str], problems: _Problems):
    top = _Table(data, path, problems)
    head = _Table(top.get("deck", dict, {}), path + ": [deck]", problems)
    deck_id = head.get("id", str, None) or Path(path).stem  # optional: the file's name
    if not _ID.match(deck_id):
        head.fail(f"id {_show(deck_id)} should be lower case letters, digits, '-', '_' or '.'")
    title = head.text("title", None, most=MAX_TITLE) or deck_id  # optional: the id
    text = head.text("text", "")
    cites = head.cites()
    head.unknown_keys()
    cards = []
    for t, ident in _entries(top, "card", seen, MAX_CARDS):
        theatre = t.get("theatre", str, None)
        if theatre is not None and theatre not in theatres:
            t.fail(f"theatre {_show(theatre)} is not a theatre of any scenario ({_cut(', '.join(sorted(theatres)), 200)})")
        scope = _scope("theatre" if theatre else "global", names)
        _check_template(t.get("text", str) or "", scope, t, "text")
        card = Card(
            id=ident,
            deck=deck_id,
            title=t.text("title", most=MAX_TITLE) or "",
            text=t.get("text", str) or "",
            cites=t.cites(),
            theatre=theatre,
            when=_expression(t, "when", scope),
            effects=_effects(t, "effects", scope, frozenset()),
        )
        if not t.data.get("effects"):
            t.fail("a card needs at least one effect")
        t.unknown_keys()
        if t.ok:
            cards.append(card)
    top.unknown_keys()
    if not cards:
        problems.add(path, "a deck needs at least one card")
    return Deck(id=deck_id, title=title, text=text, cites=cites, cards=tuple(cards))


def _load_objectives(data: dict[str, Any], path: str, names: dict[str, Name], problems: _Problems):
    objectives = []
    top = _Table(data, path, problems)
    for t, ident in _entries(top, "objective", set(), MAX_OBJECTIVES):
        cell = t.get("cell", str)
        if cell is not None and cell not in CELLS:
            t.fail(f"cell {_show(cell)} should be one of {', '.join(CELLS)}")
        points = t.get("points", int)
        score = _expression(t, "score", _scope("global", names), required=True)
        if score is not None and points is not None and not (score.bounds[0] >= 0 and score.bounds[1] <= points):
            t.fail(f"score {_show(score.source, 440)} can reach {score.bounds[0]:g}..{score.bounds[1]:g}, outside 0..{points}")
        obj = Objective(
            id=ident,
            cell=cell or "is",
            title=t.text("title", most=MAX_TITLE) or "",
            text=t.text("text") or "",
            cites=t.cites(),
            points=points or 0,
            score=score,  # type: ignore[arg-type]
        )
        t.unknown_keys()
        if t.ok:
            objectives.append(obj)
    top.unknown_keys()
    for cell in CELLS:
        if not any(o.cell == cell for o in objectives):
            problems.add(path, f"{cell} has no objective")
    return objectives


def _build(cls: type, table: _Table, extra: dict[str, Any] | None = None) -> Any:
    """An attrs value from a TOML table, with out-of-bounds and unknown keys reported."""
    fields = {a.name for a in attrs.fields(cls)}
    kwargs = dict(extra or {})
    for key, value in table.data.items():
        if key in kwargs:
            continue
        table.used.add(key)
        if key not in fields:
            table.fail(f"unknown key {key!r} (known: {', '.join(sorted(fields - set(kwargs)))})")
            continue
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as e:
        table.fail(str(e))
        return None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _load_scenarios(data: dict[str, Any], path: str, problems: _Problems) -> dict[str, Scenario]:
    top = _Table(data, path, problems)
    raw_all = top.get("scenario", dict, {}) or {}
    top.unknown_keys()
    scenarios: dict[str, Scenario] = {}
    if len(raw_all) > MAX_SCENARIOS:
        _too_many(path, f"{len(raw_all)} scenarios, more than the limit of {MAX_SCENARIOS}")
    for sid, raw in raw_all.items():
        if not _ID.match(sid):
            problems.add(f"{path}: scenario {_show(sid)}", "a scenario's id should be lower case letters, digits, '-', '_' or '.'")
            continue
        if isinstance(raw, dict) and "based_on" in raw:
            if not isinstance(raw["based_on"], str):
                problems.add(f"{path}: scenario {sid}", f"based_on should name a scenario in quotes, not {_show(raw['based_on'])}")
                continue
            base = raw_all.get(raw["based_on"])
            if not isinstance(base, dict) or "based_on" in base:
                problems.add(f"{path}: scenario {sid}", f"based_on {_show(raw['based_on'])} is not a scenario of its own")
                continue
            # Both are at most MAX_NESTING deep (checked when the file was read): so is the merge.
            raw = _merge(base, {k: v for k, v in raw.items() if k != "based_on"})
        where = f"{path}: scenario {sid}"
        t = _Table(raw, where, problems)
        if not t.ok:
            continue
        title = t.text("title", most=MAX_TITLE) or sid
        text = t.text("text", "")
        start = t.get("start", str) or "2016Q2"
        m = re.fullmatch(r"(\d{4})Q([1-4])", start)
        if not m:
            t.fail(f"start {_show(start)} should look like 2016Q2")
            m = re.fullmatch(r"(\d{4})Q([1-4])", "2016Q2")
        turns = t.get("turns", int)
        if turns is None:
            turns = 1
        elif not 1 <= turns <= MAX_TURNS:
            t.fail(f"turns {turns} should lie in 1..{MAX_TURNS}")
            turns = 1
        calendar = Scenario(sid, "", "", int(m.group(1)), int(m.group(2)), turns, None)  # type: ignore[arg-type]
        first, last = calendar.year(1), calendar.year(turns)
        lo, hi = int(COMPUTED["year"][0]), int(COMPUTED["year"][1])
        if not (lo <= first and last <= hi):
            t.fail(f"its years {first}..{last} (from {start}, {turns} turns) leave {lo}..{hi}, the range of 'year' "
                   "that every chance and score is proved against: start it and end it within those years")
        parts = {}
        for key, cls in (("islamic_state", IslamicState), ("al_qaeda", AlQaeda)):
            pt = _Table(t.get(key, dict, {}), f"{where} {key}", problems)
            lt = _Table(pt.get("leader", dict, {}), f"{where} {key}.leader", problems)
            if isinstance(lt.data.get("name"), str):
                lt.text("name", most=MAX_TITLE)
            leader = _build(Leader, lt) if lt.ok else None
            parts[key] = _build(cls, pt, {"leader": leader}) if leader else None
        for key, cls in (("coalition", Coalition), ("governments", Governments), ("relation", Relation)):
            parts[key] = _build(cls, _Table(t.get(key, dict, {}), f"{where} {key}", problems))
        theatres = []
        raw_theatres = t.get("theatres", dict, {}) or {}
        n_theatres = len(raw_theatres)
        if n_theatres > N_THEATRES_MAX:
            raw_theatres = {}  # refused below, before any is read
        for name, traw in raw_theatres.items():
            tt = _Table(traw, f"{where} theatre {_cut(name, 64)}", problems)
            if not _ID.match(name):
                tt.fail("a theatre's id should be lower case letters, digits, '-', '_' or '.'")
            if tt.ok and "turn_start_territory" in tt.data:
                tt.fail("turn_start_territory is kept by the engine: a scenario does not set it")
            if tt.ok:
                tt.text("title", most=MAX_TITLE)
            if tt.ok:
                theatres.append(_build(Theatre, tt, {"name": name}))
        if not 1 <= n_theatres <= N_THEATRES_MAX:
            t.fail(f"a scenario needs 1..{N_THEATRES_MAX} theatres, not {n_theatres}")
        t.used.update({"islamic_state", "al_qaeda", "coalition", "governments", "relation", "theatres"})
        t.unknown_keys()
        if not t.ok or any(p is None for p in parts.values()) or any(th is None for th in theatres):
            continue
        initial = State(
            scenario=sid,
            seed=0,
            turn=1,
            last_turn=turns,
            phase="events",
            theatres=tuple(theatres),
            tally=opening_tally(tuple(theatres)),
            **parts,
        )
        scenarios[sid] = Scenario(sid, title, text, int(m.group(1)), int(m.group(2)), turns, initial)
    if not scenarios:
        problems.add(path, "no scenario")
    return scenarios


def _raw_theatres(data: dict[str, Any]) -> set[str]:
    """Theatre names as written in the scenarios file, whether or not the scenarios loaded."""
    out: set[str] = set()
    scen = data.get("scenario")
    if isinstance(scen, dict):
        for raw in scen.values():
            if isinstance(raw, dict) and isinstance(raw.get("theatres"), dict):
                out.update(raw["theatres"])
    return out


def _files(base: Path, pattern: str) -> list[Path]:
    return sorted(base.glob(pattern)) if base.is_dir() else ([base] if base.is_file() else [])


def load_rulebook(rules_dir: Path | str = RULES_DIR, decks_dir: Path | str = DECKS_DIR) -> Rulebook:
    """Load and check a rulebook; raise :class:`RulebookError` listing every problem found."""
    rules_dir, decks_dir = Path(rules_dir), Path(decks_dir)
    problems = _Problems()
    for d in (rules_dir, decks_dir):
        if not d.is_dir():
            raise RulebookError([f"{d}: no such folder"])
    digest = hashlib.sha256()
    read: dict[str, dict[str, Any]] = {}
    sources = []
    rules_files = [p for p in _files(rules_dir, "*.toml") if p.name != TARGETS_FILE]
    deck_files = _files(decks_dir, "*.toml")
    too_many = _too_many_files(rules_dir, decks_dir, rules_files, deck_files)
    if too_many:
        raise RulebookError([too_many])
    for path in rules_files + deck_files:
        data = _read_toml(path, problems)
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
    parameters, formulas, formula_text, fbounds, budgets, max_orders = _load_parameters(data, path, problems)
    names = _global_names(parameters, fbounds)
    path, data = part("scenarios")
    scenarios = _load_scenarios(data, path, problems)
    theatre_ids = {t.name for s in scenarios.values() for t in s.initial.theatres} | _raw_theatres(data)
    decks: dict[str, Deck] = {}
    card_ids: set[str] = set()
    for path_obj in _files(decks_dir, "*.toml"):
        p = str(path_obj)
        if p in read:
            deck = _load_deck(read[p], p, names, theatre_ids, card_ids, problems)
            if deck.id in decks:
                problems.add(p, f"deck id {deck.id!r} is used twice")
            decks[deck.id] = deck
    deck_ids = frozenset(decks)
    path, data = part("adjudication")
    rules = _load_rules(data, path, names, deck_ids, problems)
    path, data = part("orders")
    orders = _load_orders(data, path, names, deck_ids, problems, _formula_reads(formulas))
    path, data = part("objectives")
    objectives = _load_objectives(data, path, names, problems)
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
    )
    work, most = work_per_turn(book)
    if work > MAX_WORK:
        raise RulebookError([_one_line(
            f"{rules_dir}: a turn could take up to {work:,} evaluations, more than the limit of {MAX_WORK:,} "
            f"(the most: {most}): use fewer rules, effects, draws or cards (rules/README.md, \"Limits\")")])
    return book


def _too_many_files(rules_dir: Path, decks_dir: Path, rules_files: list[Path], deck_files: list[Path]) -> str | None:
    """The one line refusing folders with more files, decks or bytes than the limits, before any is read."""
    if len(deck_files) > MAX_DECKS:
        return f"{decks_dir}: {len(deck_files)} decks (*.toml files), more than the limit of {MAX_DECKS}"
    if len(rules_files) + len(deck_files) > MAX_FILES:
        return (f"{rules_dir}: {len(rules_files) + len(deck_files)} *.toml files with the decks', more than the "
                f"limit of {MAX_FILES}")
    total = 0
    for path in rules_files + deck_files:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # reported when it is read
    if total > MAX_TOTAL_BYTES:
        return f"{rules_dir}: the rules and decks come to {total:,} bytes, more than the limit of {MAX_TOTAL_BYTES:,}"
    return None


def work_per_turn(book: Rulebook) -> tuple[int, str]:
    """The most evaluations one turn of a game can take with this rulebook, on the largest board it
    allows, and what takes the most. An evaluation is an expression worked out, a card looked at
    or a record written; bringing the totals and formulas up to date counts one a formula, a
    theatre and an offshoot. The count is cautious: every rule's condition holds, every chance
    fires, every offshoot is in play, every cell gives its most orders, each the costliest, and
    every draw looks at every card of its deck twice (before and after the one reshuffle a draw
    may make)."""
    theatres = max((len(s.initial.theatres) for s in book.scenarios.values()), default=N_THEATRES_MAX)
    refresh = len(book.formulas) + theatres + MAX_OFFSHOOTS

    def cost(effects: Iterable[Effect]) -> int:
        n = 0
        for e in effects:
            if e.op == "draw":
                n += draws.get(e.args[0], 0)
            elif e.op == "spawn_offshoot":
                n += 3  # two arguments, and the weakest group folding
            else:
                n += 1
        return n

    draws: dict[str, int] = {}
    for d in book.decks.values():  # cards draw nothing: a deck's cost is its own
        worst = max((cost(c.effects) for c in d.cards), default=0)
        draws[d.id] = 2 * len(d.cards) * (2 + refresh) + worst + 2
    parts: list[tuple[int, str]] = []
    for r in book.rules:
        tries = 1 if r.scope == "global" else theatres if r.scope == "theatre" else MAX_OFFSHOOTS
        parts.append((refresh + tries * ((r.when is not None) + (r.chance is not None) + 1 + cost(r.effects)),
                      f"rule {r.id}"))
    for cell in CELLS:
        kinds = [o for o in book.orders if o.cell == cell]
        if kinds:
            worst = max(refresh + (o.chance is not None) + 1 + max(cost(o.success), cost(o.failure)) for o in kinds)
            parts.append((book.max_orders * worst, f"{cell}'s orders"))
    legality = sum((theatres if o.target == "theatre" else 1) * max(1, len(o.requires)) for o in book.orders)
    parts.append((refresh + legality, "the legal orders"))
    parts.append((refresh + len(book.objectives), "the objectives"))
    parts.append((refresh + len(CELLS), "the turn's bookkeeping"))  # what each cell paid; the tallies
    total = sum(n for n, _ in parts)
    return total, max(parts)[1]


def describe_names(rulebook: Rulebook | None = None) -> Iterable[tuple[str, str]]:
    """(name, meaning) of every name an expression may use; for the designer's reference."""
    for n, (lo, hi) in GLOBAL_TRACKS.items():
        yield n, f"track {lo}..{hi}"
    for n, (_lo, _hi, what) in COMPUTED.items():
        yield n, f"computed: {what}"
    for n, (lo, hi) in THEATRE_TRACKS.items():
        yield n, f"theatre track {lo}..{hi}"
    for n, (_lo, _hi, what) in THEATRE_COMPUTED.items():
        yield n, f"theatre, computed: {what}"
    for n, (lo, hi) in OFFSHOOT_TRACKS.items():
        yield n, f"offshoot track {lo}..{hi}"
    for n in TEXT_NAMES:
        yield n, "text: compare with == or != and a quoted id"
    if rulebook:
        for n, v in rulebook.parameters.items():
            yield n, f"parameter = {v}"
        for n, src in rulebook.formula_text.items():
            yield n, f"formula = {src}"
