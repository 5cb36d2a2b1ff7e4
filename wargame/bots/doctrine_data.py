"""The doctrine as data: ``rules/doctrine.toml`` read, checked and compiled (docs/designers-guide.md, "Doctrine").

Each order kind a cell may give has an entry: a ``score`` (an expression of the rulebook's language,
:mod:`wargame.engine.expressions`) over what the seat may see, an optional ``when`` (the order is
not worth considering otherwise: the bot never gives it), or several ``case``s (the first whose
``when`` holds wins), and a ``reason``: the sentence a player reads, a template
(:mod:`wargame.engine.templates`) or a list of templates, some only ``if`` a condition holds.

The names an expression may use (:func:`doctrine_scope`): the board as the seat sees it (every
global name of the rulebook: its estimates, the public totals, parameters and formulas; the
order's theatre's names where it has one), the names of :data:`DOCTRINE_NAMES` (the order's
``chance`` on that picture, its ``cost``, the cell's ``budget``, the posture and the knobs of
:class:`~wargame.bots.doctrine.Doctrine`), the cell's posture tables and its shared ``let``
sub-expressions. A reason's fields are any of these, an entry's ``fields`` and those of
:data:`REASON_FIELDS`. Everything is checked when the rulebook is first used by a command
(``wargame check`` among them); a problem is one line, exit 3, like every other data file's.
"""

from __future__ import annotations

import keyword
import re
from collections import OrderedDict
from typing import Any

from attrs import frozen

from wargame.bots.doctrine import POSTURES, Doctrine
from wargame.engine.board import GLOBAL_TRACKS
from wargame.engine.expressions import Expression, ExpressionError, Name, Scope, compile_expression
from wargame.engine.model import CELLS
from wargame.engine.reading import Problems, RulebookError, Table, read_toml, show
from wargame.engine.rulebook import DOCTRINE_FILE, RULES_DIR, Rulebook
from wargame.engine.templates import TemplateError, template_parts

DOCTRINE_NAMES: dict[str, tuple[float, float, str]] = {
    # name: (least, greatest, meaning)
    "chance": (0, 1, "the order's chance by the public rules, on the seat's picture (1 for an order with none)"),
    "cost": (0, 0, "the order's cost"),
    "budget": (0, 0, "what the cell has to spend (its own budget track, known exactly)"),
    "boldness": (0, 2, "the posture: 0 cautious, 1 standard, 2 aggressive"),
    "autonomy": (-1, 3, "AQ: the autonomy an experiment has it offer (-1: the doctrine decides)"),
    "autonomy_fixed": (0, 1, "AQ: 1 if an experiment fixes the autonomy offered"),
    "welcome": (0, 1, "AQ: 1 if it opens its doors to defectors (¶4)"),
    "press_is": (0, 1, "coalition: 1 if it presses IS militarily and financially (¶3, ¶4)"),
    "hunt": (0, 1, "coalition: 1 if it hunts IS's leadership when intelligence allows (¶8)"),
    "press_reform": (0, 1, "coalition: 1 if it presses governments for faithful reform (¶9, ¶10)"),
    "policy_faithful": (0, 1, "governments: 1 if their reform policy is faithful reform (¶9)"),
    "policy_cosmetic": (0, 1, "governments: 1 if it is reform on paper"),
    "policy_crackdown": (0, 1, "governments: 1 if it is crackdown"),
    "policy_fixed": (0, 1, "governments: 1 if an experiment fixes the policy (else the posture picks it)"),
}
"""The names the doctrine adds to the board's; ``cost`` and ``budget`` take their bounds from the
order kind and the cell's budget track."""

REASON_FIELDS: dict[str, str] = {
    "title": "the order's theatre, by its title",
    "estimated": "whose estimate the numbers are: \"by its estimate\"",
    "chance_text": "the order's chance, said to be an estimate: \"by its estimate, a 40% chance\"",
    "about_TRACK": "a global track as the seat knows it: \"3\" where it sees it exactly, else \"about 3, by its "
                   "estimate\" (format .0f unless given; the value is the entry's field of that name, if any)",
}
"""The fields a reason may print besides the names in scope and the entry's ``fields``."""

_TEXT_FIELDS = ("title", "estimated", "chance_text")
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,63}")
_CITE = re.compile(r"\(¶\d")
MAX_CASES = 8
MAX_PIECES = 12


@frozen
class Piece:
    """A part of a reason: a template, written only where ``when`` holds (always, if None)."""

    when: Expression | None
    template: str


@frozen
class Case:
    when: Expression | None
    score: Expression
    reason: tuple[Piece, ...]
    fields: dict[str, Expression]  # the entry's and the case's own: numbers the reason prints


@frozen
class Entry:
    """How the doctrine judges one order kind: ``when`` (None: always), then the first case that holds."""

    kind: str
    cell: str
    when: Expression | None
    cases: tuple[Case, ...]


@frozen
class CellDoctrine:
    reserve: tuple[int, ...]  # per posture: budget kept back for what must be paid next turn
    posture: dict[str, tuple[Any, ...]]  # name -> its value per posture
    lets: dict[str, Expression]  # shared sub-expressions, in the order written


@frozen
class DoctrineBook:
    """rules/doctrine.toml, compiled: what :class:`~wargame.bots.doctrine_bot.DoctrineBot` plays by."""

    threshold: tuple[float, ...]  # per posture: the least score worth an order
    noise: float  # spread of the bot's own tie-breaking noise
    repeat_penalty: float  # taken off a kind's score for each order of it already given this turn
    reserve_penalty: float  # taken off an order that would eat into the reserve
    cells: dict[str, CellDoctrine]
    entries: dict[str, Entry]
    not_played: frozenset[str]

    def base(self, cell: str, doctrine: Doctrine, budget: int) -> dict[str, Any]:
        """The names an order of ``cell`` is judged with that do not depend on the order."""
        policy = doctrine.reform_policy()
        b = doctrine.boldness
        out: dict[str, Any] = {
            "budget": budget, "boldness": b,
            "autonomy": -1 if doctrine.autonomy is None else doctrine.autonomy,
            "autonomy_fixed": int(doctrine.autonomy is not None), "welcome": int(doctrine.welcome),
            "press_is": int(doctrine.press_is), "hunt": int(doctrine.hunt), "press_reform": int(doctrine.press_reform),
            "policy_faithful": int(policy == "faithful"), "policy_cosmetic": int(policy == "cosmetic"),
            "policy_crackdown": int(policy == "crackdown"), "policy_fixed": int(doctrine.reform is not None),
        }
        known = self.cells.get(cell)
        if known is not None:
            out.update({name: values[b] for name, values in known.posture.items()})
        return out


_books: OrderedDict[str, DoctrineBook] = OrderedDict()


def doctrine_book(rulebook: Rulebook) -> DoctrineBook:
    """The doctrine of ``rulebook``, compiled once (per rulebook digest); a rulebook with no
    doctrine.toml (a save's from before it existed) takes this installation's. Raises
    :class:`~wargame.engine.reading.RulebookError`, one line a problem, for a doctrine it refuses."""
    book = _books.get(rulebook.digest)
    if book is None:
        if rulebook.doctrine is not None:
            path, data = rulebook.doctrine
        else:
            path = str(RULES_DIR / DOCTRINE_FILE)
            data = read_toml(path)
        book = load_doctrine(data, path, rulebook)
        _books[rulebook.digest] = book
        while len(_books) > 8:
            _books.popitem(last=False)
    return book


def load_doctrine(data: Any, path: str, rulebook: Rulebook) -> DoctrineBook:
    """Check and compile one doctrine file's table against ``rulebook``; raise RulebookError listing every problem."""
    problems = Problems()
    top = Table(data, path, problems)
    driver = Table(top.get("driver", dict, {}), f"{path}: driver", problems)
    threshold = _per_posture(driver, "threshold", (int, float))
    noise = _number(driver, "noise")
    repeat = _number(driver, "repeat_penalty")
    reserve_penalty = _number(driver, "reserve_penalty")
    driver.unknown_keys()
    g_scope = rulebook.scope("theatre")
    board_names = set(g_scope.globals) | set(g_scope.theatre)
    cells: dict[str, CellDoctrine] = {}
    let_theatre: dict[str, dict[str, bool]] = {}
    for cell, raw in (top.get("cell", dict, {}) or {}).items():
        table = Table(raw, f"{path}: cell {cell}", problems)
        if cell not in CELLS:
            table.fail(f"no cell {show(cell)} (cells: {', '.join(CELLS)})")
            continue
        cells[cell], let_theatre[cell] = _cell(table, cell, rulebook, g_scope, board_names)
    not_played = frozenset(top.text_list("not_played", what="order kinds"))
    for kind in sorted(not_played - set(rulebook.order_kinds)):
        top.fail(f"not_played: no order kind {show(kind)} in the rulebook")
    entries: dict[str, Entry] = {}
    for i, raw in enumerate(top.get("order", list, []) or []):
        kind = raw.get("kind") if isinstance(raw, dict) else None
        table = Table(raw, f"{path}: order {kind if isinstance(kind, str) else '#' + str(i + 1)}", problems)
        entry = _entry(table, rulebook, cells, let_theatre, board_names, entries, not_played)
        if entry is not None:
            entries[entry.kind] = entry
    top.unknown_keys()
    if problems.lines:
        raise RulebookError(problems.lines)
    return DoctrineBook(threshold, noise, repeat, reserve_penalty, cells, entries, not_played)  # type: ignore[arg-type]


def _number(table: Table, key: str) -> float:
    value = table.get(key, (int, float))
    if value is None:
        return 0
    if isinstance(value, bool) or not 0 <= value <= 100:
        table.fail(f"{key!r} should be a number from 0 to 100, not {show(value)}")
        return 0
    return value


def _per_posture(table: Table, key: str, kind: type | tuple[type, ...], default: Any = ...) -> tuple[Any, ...]:
    values = table.get(key, list, default)
    if values is None or values is default:
        return (0,) * len(POSTURES) if default is ... else default
    if len(values) != len(POSTURES) or not all(isinstance(v, kind) and not isinstance(v, bool) for v in values) \
            or not all(abs(v) <= 1_000_000 for v in values):
        table.fail(f"{key!r} should list one number per posture ({', '.join(POSTURES)}), not {show(values)}")
        return (0,) * len(POSTURES)
    return tuple(values)


def _new_name(table: Table, name: Any, taken: set[str], what: str) -> bool:
    """Is ``name`` a fresh name the doctrine may define? (Else the table fails with the reason.)"""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or keyword.iskeyword(name):
        table.fail(f"{what} {show(name)}: a name is lower case letters, digits and _")
        return False
    if name in taken or name in DOCTRINE_NAMES or name in _TEXT_FIELDS:
        table.fail(f"{what} {name!r}: the name is already taken (by the board, the doctrine or this cell)")
        return False
    return True


def _cell(table: Table, cell: str, rulebook: Rulebook, g_scope: Scope,
          board_names: set[str]) -> tuple[CellDoctrine, dict[str, bool]]:
    """A cell's reserve, posture tables and lets; and which lets read a theatre's names."""
    reserve = _per_posture(table, "reserve", int)
    names = _doctrine_names(rulebook, cell, None)
    posture: dict[str, tuple[Any, ...]] = {}
    for name, values in (table.get("posture", dict, {}) or {}).items():
        if _new_name(table, name, board_names | set(posture), "posture"):
            got = _per_posture(Table({name: values}, table.where + " posture", table.problems), name, (int, float))
            posture[name] = got
            names[name] = Name("value", min(got), max(got), all(isinstance(v, int) for v in got))
    lets: dict[str, Expression] = {}
    theatre: dict[str, bool] = {}
    for name, source in (table.get("let", dict, {}) or {}).items():
        if not _new_name(table, name, board_names | set(names), "let"):
            continue
        try:
            expr = compile_expression(source, Scope(g_scope.globals, g_scope.theatre, dict(names)))
        except ExpressionError as e:
            table.fail(f"let {name} {show(source, 440)}: {e}")
            continue
        lets[name] = expr
        theatre[name] = bool(expr.names & set(g_scope.theatre)) or any(theatre.get(n, False) for n in expr.names)
        names[name] = Name("value", *expr.bounds, False)
    table.unknown_keys()
    return CellDoctrine(reserve, posture, lets), theatre


def _doctrine_names(rulebook: Rulebook, cell: str, cost: int | None) -> dict[str, Name]:
    names = {n: Name("value", lo, hi, True) for n, (lo, hi, _) in DOCTRINE_NAMES.items()}
    names["chance"] = Name("value", 0, 1, False)
    track = rulebook.budgets.get(cell)
    names["budget"] = Name("value", *(GLOBAL_TRACKS.get(track, (0, 0)) if track else (0, 0)), True)
    names["cost"] = Name("value", cost or 0, cost or 0, True)
    return names


def _entry(table: Table, rulebook: Rulebook, cells: dict[str, CellDoctrine], let_theatre: dict[str, dict[str, bool]],
           board_names: set[str], entries: dict[str, Entry], not_played: frozenset[str]) -> Entry | None:
    kind_id = table.get("kind", str)
    kind = rulebook.order_kinds.get(kind_id) if kind_id else None
    if kind_id is None:
        return None
    if kind is None:
        table.fail(f"no order kind {show(kind_id)} in the rulebook (orders.toml)")
        return None
    if kind_id in entries or kind_id in not_played:
        table.fail("the order kind has a doctrine twice (another entry, or not_played)")
        return None
    cell = cells.get(kind.cell, CellDoctrine((0,) * len(POSTURES), {}, {}))
    full = rulebook.scope("theatre" if kind.target == "theatre" else "global")
    names = _doctrine_names(rulebook, kind.cell, kind.cost)
    names.update({n: Name("value", min(v), max(v), all(isinstance(x, int) for x in v)) for n, v in cell.posture.items()})
    names.update({n: Name("value", *e.bounds, False) for n, e in cell.lets.items()})
    scope = Scope(full.globals, full.theatre, names)
    off_theatre = {n for n, t in let_theatre.get(kind.cell, {}).items() if t} if kind.target != "theatre" else set()
    ctx = (table, scope, off_theatre, board_names | set(names))
    when = _expr(ctx, "when", table.data.get("when"))
    entry_fields = _fields(ctx, table.data.get("fields", {}), {}, "fields")
    raw_cases = table.data.get("case")
    table.used.update({"kind", "when", "fields", "case", "score", "reason"})
    if raw_cases is None:
        cases = [_case(ctx, table.data, entry_fields, "")]
    elif not isinstance(raw_cases, list) or not 1 <= len(raw_cases) <= MAX_CASES or "score" in table.data:
        table.fail(f"'case' should be a list of 1 to {MAX_CASES} [[order.case]] tables, in place of score and reason")
        return None
    else:
        cases = [_case(ctx, c, entry_fields, f"case {i + 1} ") for i, c in enumerate(raw_cases)]
    table.unknown_keys()
    if not table.ok or any(c is None for c in cases):
        return None
    return Entry(kind_id, kind.cell, when, tuple(cases))  # type: ignore[arg-type]


def _expr(ctx: tuple, key: str, source: Any, required: bool = False) -> Expression | None:
    table, scope, off_theatre, _ = ctx
    if source is None:
        if required:
            table.fail(f"missing {key!r}")
        return None
    try:
        expr = compile_expression(source, scope)
    except ExpressionError as e:
        table.fail(f"{key} {show(source, 440)}: {e}")
        return None
    if expr.names & off_theatre:
        table.fail(f"{key} {show(source, 440)}: reads {sorted(expr.names & off_theatre)[0]}, which reads a theatre's "
                   "names, but this order is given with no theatre")
        return None
    return expr


def _fields(ctx: tuple, raw: Any, inherited: dict[str, Expression], where: str) -> dict[str, Expression]:
    table, _, _, taken = ctx
    if not isinstance(raw, dict):
        table.fail(f"{where!r} should be a table of name = expression, not {show(raw)}")
        return dict(inherited)
    out = dict(inherited)
    for name, source in raw.items():
        if name.startswith("about_") and name[6:] not in GLOBAL_TRACKS:
            table.fail(f"{where} {name}: about_ names a global track (about_is_wages), not {name[6:]!r}")
        elif _new_name(table, name, taken, where):
            expr = _expr(ctx, f"{where} {name}", source, required=True)
            if expr is not None:
                out[name] = expr
    return out


def _case(ctx: tuple, raw: Any, inherited: dict[str, Expression], where: str) -> Case | None:
    table = ctx[0]
    if not isinstance(raw, dict):
        table.fail(f"{where}should be a table, not {show(raw)}")
        return None
    if where:
        extra = sorted(set(raw) - {"when", "score", "reason", "fields"})
        if extra:
            table.fail(f"{where}: unknown key {show(extra[0])}")
    when = _expr(ctx, where + "when", raw.get("when")) if where else None  # an entry's own: its when is the entry's
    score = _expr(ctx, where + "score", raw.get("score"), required=True)
    fields = _fields(ctx, raw.get("fields", {}), inherited, where + "fields") if where else inherited
    reason = _reason(ctx, raw.get("reason"), fields, where + "reason")
    if score is None or reason is None:
        return None
    return Case(when, score, reason, fields)


def _reason(ctx: tuple, raw: Any, fields: dict[str, Expression], where: str) -> tuple[Piece, ...] | None:
    table = ctx[0]
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_PIECES:
        table.fail(f"{where}: a text, or a list of up to {MAX_PIECES} texts and {{ if = ..., text = ... }} tables")
        return None
    pieces = []
    for item in items:
        when = None
        if isinstance(item, dict):
            if set(item) != {"if", "text"}:
                table.fail(f"{where}: a conditional part is {{ if = \"expression\", text = \"...\" }}, not {show(item)}")
                return None
            when, item = _expr(ctx, where + " if", item["if"], required=True), item["text"]
        if not _template_ok(ctx, item, fields, where):
            return None
        pieces.append(Piece(when, item))
    if not any(p.when is None and _CITE.search(p.template) for p in pieces):
        table.fail(f"{where}: the sentence cites no ¶ of the article, e.g. (¶4), in a part that is always written")
        return None
    return tuple(pieces)


def _template_ok(ctx: tuple, text: Any, fields: dict[str, Expression], where: str) -> bool:
    table, scope, off_theatre, _ = ctx
    try:
        parts = template_parts(text)
    except TemplateError as e:
        table.fail(f"{where}: {e}")
        return False
    for name, spec in parts:
        found = scope.lookup(name)
        if name in _TEXT_FIELDS or found is not None and found[1].kind == "text":
            if spec:
                table.fail(f"{where}: {{{name}:{spec}}}: {{{name}}} is a text, written as it is: give it no format")
                return False
        elif not (name in fields or found is not None or name.startswith("about_") and name[6:] in GLOBAL_TRACKS):
            table.fail(f"{where}: unknown name {{{name}}} in the template")
            return False
        elif name in off_theatre:
            table.fail(f"{where}: {{{name}}} reads a theatre's names, but this order is given with no theatre")
            return False
    return True
