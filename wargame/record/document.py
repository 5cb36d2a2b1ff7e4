"""The save document: what a save file holds, and how JSON read from one becomes a :class:`SaveDocument`.

The file holds a header (format, schema version, engine version, the digest of the rules and
decks in force, scenario, seed, seats, exercise name, times, parent game if it was forked, and,
for a game with a White Cell passphrase, its salted hash ``white_lock``), the commands in order,
for every turn the digest of the state after it and the records as they were shown, the rules
and decks the game was played with (``rulebook_files``, see :mod:`wargame.record.bundle`), a
``checksum`` over all of it and, with a facilitator's key, a ``signature``
(:mod:`wargame.record.seal`, :mod:`wargame.record.signing`).

A document of an older schema is migrated step by step (:data:`MIGRATIONS`); every value is
checked for its exact type, and anything that is not a save of ours is refused in one line.
Writing it is :mod:`wargame.record.save`; reading and replaying it, :mod:`wargame.record.load`.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from attrs import frozen
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from wargame.engine.adjudication import Adjudication
from wargame.engine.reading import CONTROL
from wargame.files import SAVE_FORMAT, FileProblem
from wargame.record.commands import COMMAND_NAMES, COMMAND_TYPES, WHITE_ACTIONS, Command
from wargame.record.game import Header, Parent
from wargame.record.lock import valid_lock
from wargame.record.seating import seats_problem

FORMAT = SAVE_FORMAT
SCHEMA = 2


def _from_schema_1(raw: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 added, all optional: the rules and decks in the save, the checksum, the
    signature, and the command that changes the seats. A schema-1 save has none of them."""
    return raw


# Migrations from one schema version to the next: MIGRATIONS[n] turns a schema-n document (a
# dict, as read from JSON) into a schema n+1 one. Each old version keeps a golden save in
# tests/golden/ that must still load.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _from_schema_1}


class SaveError(FileProblem):
    """A save that cannot be read, written or trusted; the message is one line."""


@frozen
class RecordDoc:
    turn: int
    phase: str
    kind: str
    ref: str
    title: str
    cites: tuple[int, ...]
    text: str
    happened: bool = True
    cell: str | None = None
    theatre: str | None = None
    offshoot: str | None = None
    chance: float | None = None
    roll: float | None = None
    changes: tuple[tuple[str, int, int], ...] = ()
    original: bool | None = None
    justification: str = ""

    @classmethod
    def of(cls, r: Adjudication) -> RecordDoc:
        return cls(turn=r.turn, phase=r.phase, kind=r.kind, ref=r.ref, title=r.title, cites=r.cites, text=r.text,
                   happened=r.happened, cell=r.cell, theatre=r.theatre, offshoot=r.offshoot, chance=r.chance,
                   roll=r.roll, changes=r.changes, original=r.original, justification=r.justification)

    def adjudication(self) -> Adjudication:
        fields = attrs.asdict(self, recurse=False)
        text = fields.pop("text")
        return Adjudication.shown(text, **fields)


@frozen
class TurnDoc:
    turn: int
    digest: str
    records: tuple[RecordDoc, ...] = ()


@frozen
class SaveDocument:
    format: str
    schema: int
    engine: str
    rulebook: str
    game: str
    exercise: str
    scenario: str
    seed: int
    seats: dict[str, str]
    created: str
    updated: str
    parent: Parent | None
    commands: tuple[Command, ...]
    turns: tuple[TurnDoc, ...]
    final: str
    # Optional, after schema 1 was fixed: a save without it has no White Cell lock. Written only
    # when set, so that a save without one reads and writes back byte for byte as before.
    white_lock: str | None = None
    # Schema 2: the rules and decks it was played with (wargame.record.bundle), a checksum over
    # every other field, and the facilitator's signature (wargame.record.signing). Written only
    # when set; dumps() computes the last two.
    rulebook_files: str | None = None
    # The orders cells had picked but not yet given when the game was saved (Game.drafts), by
    # cell, as the commands write orders. Written only when there are some.
    drafts: dict[str, tuple[tuple[str, str | None], ...]] | None = None
    checksum: str | None = None
    signature: str | None = None

    @property
    def header(self) -> Header:
        return Header(self.scenario, self.seed, dict(self.seats), self.exercise, self.game, self.parent,
                      self.white_lock)


def _strict(kind: type) -> Callable[[Any, type], Any]:
    def structure(value: Any, _: type) -> Any:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) if kind is float else (
            type(value) is kind
        )
        if not ok:
            raise TypeError(f"expected {kind.__name__}, not {type(value).__name__} {shown(value)}")
        if kind is float:
            value = float(value)
            if not math.isfinite(value):
                raise ValueError(f"expected a finite number, not {value}")
        return value

    return structure


def _converter() -> cattrs.Converter:
    c = cattrs.Converter(forbid_extra_keys=True)
    for kind in (int, float, str, bool):
        c.register_structure_hook(kind, _strict(kind))
    # a White Cell action that is not secret is saved as it was before the field existed
    for cls in WHITE_ACTIONS:
        c.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, c, secret=override(omit_if_default=True)))
    configure_tagged_union(Command, c, tag_generator=lambda cls: COMMAND_NAMES[cls], tag_name="type")
    return c


CONVERTER = _converter()


_CONTAINERS: dict[str, type] = {"commands": list, "turns": list, "seats": dict, "drafts": dict, "parent": dict}
_JSON_NAMES: dict[type, str] = {list: "list", dict: "table ({...})", str: "text", int: "number", float: "number",
                                bool: "true or false"}
_HEADER_TEXT = ("format", "engine", "rulebook", "game", "exercise", "scenario", "created", "updated", "final")


def parse_document(raw: Any, where: str = "save") -> SaveDocument:
    try:
        return _parse(raw, where)
    except RecursionError:
        raise SaveError(f"{where}: not a save (nested too deeply)") from None


def _parse(raw: Any, where: str) -> SaveDocument:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SaveError(f"{where}: not a wargame save (no \"format\": \"{FORMAT}\")")
    schema = raw.get("schema")
    if type(schema) is not int or schema < 1:
        raise SaveError(f"{where}: the schema version {shown(schema)} is not a whole number from 1")
    if schema > SCHEMA:
        raise SaveError(f"{where}: made by a newer wargame (save schema {schema}; this one reads up to {SCHEMA})")
    while schema < SCHEMA:
        migrate = MIGRATIONS.get(schema)
        if migrate is None:
            raise SaveError(f"{where}: no migration from save schema {schema}")
        try:
            raw = migrate(dict(raw))
        except Exception as e:  # a damaged old save: the migration cannot find what it needs
            raise SaveError(f"{where}: damaged save of schema {schema}: cannot migrate it ({type(e).__name__})") from None
        schema += 1
        raw["schema"] = schema
    for name, kind in _CONTAINERS.items():  # (else cattrs would say what went wrong in its own code)
        value = raw.get(name)
        if value is not None and not isinstance(value, kind):
            raise SaveError(f"{where}: damaged or edited save: {name!r} should be a {_JSON_NAMES[kind]}, "
                            f"not {_JSON_NAMES.get(type(value), type(value).__name__)}")
    for name in _HEADER_TEXT:
        value = raw.get(name)
        if isinstance(value, str) and any(unicodedata.category(ch) == "Cc" for ch in value):
            # (a terminal would obey an escape sequence in a report's title)
            raise SaveError(f"{where}: damaged or edited save: its {name} holds control characters")
    commands = raw.get("commands")
    if isinstance(commands, list):
        for i, c in enumerate(commands):
            kind = c.get("type") if isinstance(c, dict) else None
            if not isinstance(kind, str) or kind not in COMMAND_TYPES:
                raise SaveError(f"{where}: command {i + 1} has no known type ({shown(kind)}; known: "
                                f"{', '.join(COMMAND_TYPES)})")
    seed = raw.get("seed")
    if type(seed) is int and not 0 <= seed < 2**63:
        raise SaveError(f"{where}: the seed {shown(seed)} is out of range (0 to 2**63-1)")
    lock = raw.get("white_lock")
    if isinstance(lock, str) and not valid_lock(lock):
        raise SaveError(f"{where}: damaged or edited save: the White Cell's lock is not one this program makes")
    seats = raw.get("seats")
    if isinstance(seats, dict):
        problem = seats_problem(seats)
        if problem:
            raise SaveError(f"{where}: damaged or edited save: {problem}")
    try:
        return CONVERTER.structure(raw, SaveDocument)
    except RecursionError:
        raise
    except Exception as e:  # cattrs reports a group of problems; the first says enough
        try:
            problems = (cattrs.transform_error(e) if isinstance(e, (cattrs.BaseValidationError, ExceptionGroup))
                        else [str(e)])
        except Exception:  # noqa: BLE001 - describing the problem must not fail in its turn
            problems = [type(e).__name__]
        first = problems[0] if problems else str(e)
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise SaveError(f"{where}: damaged or edited save: {shown(first, 160)}{more}") from None


def control_text(raw: Any) -> str | None:
    """Where the first text (or key) of a save's document holding a :data:`CONTROL` character
    is, or None: such a character would reach a terminal as a command (the rules' own texts
    are refused by the same rule when they are loaded). Walked without recursion."""
    stack: list[tuple[Any, str]] = [(raw, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            if CONTROL.search(value):
                return where or "a text"
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and CONTROL.search(key):
                    return f"a key in {where or 'the save'}"
                stack.append((item, f"{where}.{key}" if where else str(key)))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{i}]") for i, item in enumerate(value))
    return None


def shown(value: Any, limit: int = 40) -> str:
    """A value for a one-line message, cut if long."""
    try:
        text = value if isinstance(value, str) else repr(value)
    except ValueError:  # an integer too long to print
        text = f"a {type(value).__name__} too long to show"
    # one line whatever the save holds: every character Python splits lines at (\x0b, \x1c, \u2028...)
    # is whitespace to str.split, so this joins them all, not only \n and \r
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"

