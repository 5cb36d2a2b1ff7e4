"""Saved games: a JSON file a facilitator can open in an editor, and the log that rebuilds a game.

The file holds a header (format, schema version, engine version, the digest of the rules and
decks in force, scenario, seed, seats, exercise name, times, parent game if it was forked, and,
for a game with a White Cell passphrase, its salted hash ``white_lock``), the commands in order,
for every turn the digest of the state after it and the records as they were shown, the rules
and decks the game was played with (``rulebook_files``, see :mod:`wargame.record.bundle`), a
``checksum`` over all of it and, with a facilitator's key, a ``signature``
(:mod:`wargame.record.signing`). Loading replays the commands with the save's own rules and
checks every digest, every record, the checksum and the signature.

Writing goes through :func:`wargame.files.write_file`: atomic, and a save never replaces a file
that is not a save of this same game whose log it continues. Reading goes through
:func:`wargame.files.read_capped` (regular files only, at most 64 MiB) and refuses anything that
is not a save of ours, in one line, writing nothing.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import cattrs
from attrs import frozen
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from wargame import __version__
from wargame.engine.adjudication import Adjudication
from wargame.engine.model import digest
from wargame.files import SAVE_CAP, SAVE_FORMAT, FileProblem, Kind, SaveLock, loads_json, read_capped, refusal, write_file
from wargame.record import signing
from wargame.record.bundle import BundleError, RulebookError, bundle_of, rulebook_from
from wargame.record.game import (
    COMMAND_NAMES,
    COMMAND_TYPES,
    WHITE_ACTIONS,
    Command,
    CommandError,
    Game,
    Header,
    Parent,
    ReplayError,
    replay,
    seats_problem,
)
from wargame.record.lock import valid_lock

FORMAT = SAVE_FORMAT
SCHEMA = 2
MAX_BYTES = SAVE_CAP
UNSEALED = ("checksum", "signature")  # the fields the checksum and the signature do not cover (themselves)


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
            raise TypeError(f"expected {kind.__name__}, not {type(value).__name__} {_short(value)}")
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


# --- the checksum and the signature --------------------------------------------------------------


def content_of(raw: dict[str, Any]) -> bytes:
    """The canonical content of a save, as the checksum and the signature cover it: every field
    but those two, as compact JSON with sorted keys (so an editor's layout does not matter)."""
    sealed = {k: v for k, v in raw.items() if k not in UNSEALED}
    text = json.dumps(sealed, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


def checksum_of(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


@frozen
class Seal:
    """What the file's checksum and signature say (worked out from the file as read)."""

    checksum: str  # "matches", "differs" or "absent" (a save from before schema 2)
    signature: signing.SignatureCheck


def seal_of(raw: dict[str, Any]) -> Seal:
    content = content_of(raw)
    recorded = raw.get("checksum")
    checksum = "absent" if recorded is None else "matches" if recorded == checksum_of(content) else "differs"
    try:
        key = signing.current_key()
    except signing.KeyProblem:
        key = None
    return Seal(checksum, signing.check_signature(content, raw.get("signature"), key))


# --- writing -------------------------------------------------------------------------------------


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_game_id() -> str:
    return uuid.uuid4().hex[:12]


def document(game: Game, created: str = "", updated: str = "") -> SaveDocument:
    """The save of a game as it stands (its checksum and signature are made by :func:`dumps`)."""
    h = game.header
    turns = []
    by_turn = game.records_by_turn()
    for turn in sorted(game.digests):
        turns.append(TurnDoc(turn, game.digests[turn], tuple(RecordDoc.of(r) for r in by_turn.get(turn, ()))))
    # records of the turn under way (events run, orders not yet resolved) are kept too
    live = game.state.turn
    if live not in game.digests and by_turn.get(live):
        turns.append(TurnDoc(live, "", tuple(RecordDoc.of(r) for r in by_turn[live])))
    stamp = now()
    return SaveDocument(
        format=FORMAT, schema=SCHEMA, engine=__version__, rulebook=game.rulebook.digest, game=h.game,
        exercise=h.exercise, scenario=h.scenario, seed=h.seed, seats=dict(h.seats), created=created or stamp,
        updated=updated or stamp, parent=h.parent, commands=tuple(game.commands), turns=tuple(turns),
        final=digest(game.state), white_lock=h.white_lock, rulebook_files=bundle_of(game.rulebook),
    )


def _raw(doc: SaveDocument) -> dict[str, Any]:
    """The document as it goes into the file, without its checksum and signature."""
    raw = CONVERTER.unstructure(doc)
    raw["commands"] = [{"type": c.pop("type"), **c} for c in raw["commands"]]
    for key in ("white_lock", "rulebook_files") + UNSEALED:
        if raw.get(key) is None:
            raw.pop(key, None)
    for key in UNSEALED:
        raw.pop(key, None)
    return raw


def dumps(doc: SaveDocument) -> str:
    """The document as text: the header one key a line, then one command and one record a line,
    so that a facilitator can read it in an editor and a diff shows what changed; then the rules
    it was played with (one long line), the checksum, and the signature if there is a key."""
    raw = _raw(doc)
    content = content_of(raw)
    try:
        key = signing.current_key()
    except signing.KeyProblem as e:
        raise SaveError(f"{e}; the save is not written (fix the key, or move it away to save unsigned)") from None

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    out = ["{"]
    for k in ("format", "schema", "engine", "rulebook", "game", "exercise", "scenario", "seed", "seats",
              "created", "updated", "parent"):
        out.append(f" {line(k)}: {line(raw[k])},")
    if "white_lock" in raw:
        out.append(f' "white_lock": {line(raw["white_lock"])},')
    out.append(' "commands": [')
    commands = raw["commands"]
    out.extend(f"  {line(c)}{',' if i < len(commands) - 1 else ''}" for i, c in enumerate(commands))
    out.append(" ],")
    out.append(' "turns": [')
    for i, t in enumerate(raw["turns"]):
        out.append(f'  {{"turn": {t["turn"]}, "digest": {line(t["digest"])}, "records": [')
        out.extend(f"   {line(r)}{',' if j < len(t['records']) - 1 else ''}" for j, r in enumerate(t["records"]))
        out.append(f"  ]}}{',' if i < len(raw['turns']) - 1 else ''}")
    out.append(" ],")
    out.append(f' "final": {line(raw["final"])},')
    if "rulebook_files" in raw:
        out.append(f' "rulebook_files": {line(raw["rulebook_files"])},')
    if key is not None:
        out.append(f' "signature": {line(signing.sign(content, key))},')
    out.append(f' "checksum": {line(checksum_of(content))}')
    out.append("}")
    return "\n".join(out) + "\n"


def _continues(doc: SaveDocument) -> Callable[[list], bool]:
    """Does a log read from the file on disk begin this document's log? (Commands are only ever
    added: a log that is not a prefix of ours was written by someone else since.)"""
    ours: list | None = None

    def check(commands: list) -> bool:
        nonlocal ours
        if ours is None:
            ours = json.loads(json.dumps(_raw(attrs.evolve(doc, turns=(), rulebook_files=None))["commands"]))
        return len(commands) <= len(ours) and commands == ours[: len(commands)]

    return check


def save_kind(game_id: str, doc: SaveDocument | None = None, remake: bool = False) -> Kind:
    """What a save of ``game_id`` may replace: a save of the same game whose log ours continues
    (``remake``: any save of the same game, for `make saves`)."""
    continues = None if doc is None or remake else _continues(doc)
    return Kind("a save", game=game_id, continues=continues)


def save_refusal(path: Path | str, game_id: str, *, force: bool = False) -> str | None:
    """Why a game ``game_id`` may not be saved to ``path`` (checked before a game starts)."""
    return refusal(path, save_kind(game_id), force=force)


def write_save(path: Path | str, doc: SaveDocument, *, force: bool = False, remake: bool = False,
               new: bool = False, known=None):
    """Write atomically (:func:`wargame.files.write_file`). Refuses to replace anything but a save
    of this same game whose log this one continues; ``force`` lets it replace a file that is not
    a save, never a save of another game; ``new``: only a file that does not exist yet; ``known``:
    what the last write_save to ``path`` returned (see :func:`wargame.files.write_file`)."""
    path = Path(path)
    data = dumps(doc).encode("utf-8")
    try:
        return write_file(path, data, save_kind(doc.game, doc, remake), force=force, new=new, known=known)
    except FileProblem as e:
        raise SaveError(str(e)) from None


def free_path(path: Path) -> Path:
    """``path``, or ``path`` with -2, -3... added, so that no other game's save is overwritten."""
    n = 2
    candidate = path
    while candidate.exists() or candidate.is_symlink():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def fork_path(save: Path | None, game_id: str, turn: int, folder: Path) -> Path:
    """Where a fork at ``turn`` goes: ``<stem>-fork-t<turn>.json`` beside its parent's save (in
    ``folder`` if the parent has none), never over an existing file."""
    if save is not None:
        folder, stem = Path(save).parent, Path(save).stem
    else:
        stem = game_id or "game"
    return free_path(folder / f"{stem}-fork-t{turn}.json")


class Autosave:
    """Writes the game after every command (every set of orders, every turn adjudicated).

    ``written`` counts the writes that succeeded: a caller says "saved" only if there was one."""

    def __init__(self, path: Path | str, created: str = "", force: bool = False):
        self.path = Path(path)
        self.created = created or now()
        self.force = force
        self.written = 0
        self.known = None  # the file as this autosave last left it

    def __call__(self, game: Game) -> None:
        self.known = write_save(self.path, document(game, self.created), force=self.force, known=self.known)
        self.force = False  # once written, the file holds this game
        self.written += 1


def lock_save(path: Path | str) -> SaveLock:
    """Hold the save at ``path`` for this process (see :class:`wargame.files.SaveLock`); raises
    :class:`SaveError` in one line if another live process holds it."""
    try:
        return SaveLock(path).acquire()
    except FileProblem as e:
        raise SaveError(str(e)) from None


# --- reading -------------------------------------------------------------------------------------


def read_save(path: Path | str) -> tuple[SaveDocument, Seal]:
    """Read and check a save's structure (not yet its replay), and what its checksum and
    signature say. Raises :class:`SaveError`."""
    path = Path(path)
    try:
        data = read_capped(path, MAX_BYTES, "save")
    except FileProblem as e:
        raise SaveError(str(e)) from None
    if not data.strip():
        raise SaveError(f"{path}: empty file, not a save")
    try:
        text = data.decode("utf-8-sig")  # an editor's byte-order mark is fine
    except UnicodeDecodeError:
        raise SaveError(f"{path}: not a save (not UTF-8 text)") from None
    try:
        raw = loads_json(text)
    except json.JSONDecodeError as e:
        raise SaveError(f"{path}: not a save, or cut short (JSON error at line {e.lineno}: {e.msg})") from None
    except ValueError as e:  # nested too deeply, a number too long to read...
        raise SaveError(f"{path}: not a save ({_short(str(e), 80)})") from None
    doc = parse_document(raw, str(path))
    try:
        seal = seal_of(raw)
    except (ValueError, RecursionError):
        raise SaveError(f"{path}: not a save (a value that cannot be written back)") from None
    return doc, seal


def read_document(path: Path | str) -> SaveDocument:
    """Read and check a save's structure (not yet its replay). Raises :class:`SaveError`."""
    return read_save(path)[0]


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
        raise SaveError(f"{where}: the schema version {_short(schema)} is not a whole number from 1")
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
    commands = raw.get("commands")
    if isinstance(commands, list):
        for i, c in enumerate(commands):
            kind = c.get("type") if isinstance(c, dict) else None
            if not isinstance(kind, str) or kind not in COMMAND_TYPES:
                raise SaveError(f"{where}: command {i + 1} has no known type ({_short(kind)}; known: "
                                f"{', '.join(COMMAND_TYPES)})")
    seed = raw.get("seed")
    if type(seed) is int and not 0 <= seed < 2**63:
        raise SaveError(f"{where}: the seed {_short(seed)} is out of range (0 to 2**63-1)")
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
        raise SaveError(f"{where}: damaged or edited save: {_short(first, 160)}{more}") from None


def _short(value: Any, limit: int = 40) -> str:
    """A value for a one-line message, cut if long."""
    try:
        text = value if isinstance(value, str) else repr(value)
    except ValueError:  # an integer too long to print
        text = f"a {type(value).__name__} too long to show"
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@frozen
class Verification:
    """How a replay of the commands compares with what the save recorded, and what was checked."""

    turns: int  # turns played (resolved) in the save
    verified: bool
    rules_changed: bool  # the rules the replay used are not those the save was played with
    first_divergence: int | None  # the first turn whose state differs, if any
    message: str  # one line
    details: tuple[str, ...] = ()  # what was checked, a line each (for replay --verify)
    checksum: str = "absent"
    signature: signing.SignatureCheck = signing.SignatureCheck("not signed")
    rules: str = ""  # which rules the replay used, in words
    today_differs: bool = False  # today's rules are not those the save was played with


RULES_CHOICES = ("saved", "current")


def rules_for(doc: SaveDocument, rulebook, rules: str = "saved", where: str = "save"):
    """The rulebook to replay ``doc`` with, and which it is in words: the rules saved in it
    (``saved``), unless it has none or they no longer load; today's with ``current``."""
    same = doc.rulebook == rulebook.digest
    if rules == "current":
        return rulebook, "today's rules (--rules current)" + (", the same it was played with" if same else "")
    if same:
        if doc.rulebook_files is not None:
            return rulebook, "the rules and decks saved in it (the same as today's)"
        return rulebook, "today's rules, the same it was played with"
    if doc.rulebook_files is None:
        return rulebook, "today's rules: the save holds no copy of its own (a save from before schema 2)"
    try:
        return rulebook_from(doc.rulebook_files, doc.rulebook), "the rules and decks saved in it (today's differ)"
    except BundleError as e:
        raise SaveError(f"{where}: damaged or edited save: {e}") from None
    except RulebookError as e:
        first = e.problems[0] if getattr(e, "problems", None) else str(e)
        return rulebook, (f"today's rules: those saved in it no longer load with this wargame "
                          f"({_short(first, 80)})")


def load(path: Path | str, rulebook, rules: str = "saved") -> tuple[SaveDocument, Game, Verification]:
    """Read a save, replay its commands with its own rules (or today's, ``rules="current"``)
    and check every digest, every record, the checksum and the signature."""
    doc, seal = read_save(path)
    used, rules_words = rules_for(doc, rulebook, rules, str(path))
    if doc.scenario not in used.scenarios:
        raise SaveError(f"{path}: scenario {doc.scenario!r} is not in the rulebook (scenarios: {', '.join(used.scenarios)})")
    rules_changed = doc.rulebook != used.digest
    # A save played by another version of the engine (its dice, say) replays differently even
    # under its own rules: that is not damage, and the message says so.
    other_engine = doc.engine != __version__
    stopped = ""
    try:
        game = replay(used, doc.header, doc.commands)
    except ReplayError as e:
        if not rules_changed and not other_engine:
            raise SaveError(f"{path}: damaged or edited save: {e}") from None
        # The rules changed under the save: say where the replay parted from it.
        game, stopped = e.game, f"; then {e}"
    except CommandError as e:
        raise SaveError(f"{path}: damaged or edited save: {e}") from None
    recorded = {t.turn: t.digest for t in doc.turns if t.digest}
    diverged = {t for t in set(recorded) | set(game.digests) if recorded.get(t) != game.digests.get(t)}
    # The records as shown must be those the replay gives: an edited story is not verified.
    shown = {t.turn: t.records for t in doc.turns}
    by_turn = game.records_by_turn()
    diverged |= {t for t in game.digests
                 if tuple(RecordDoc.of(r) for r in by_turn.get(t, ())) != shown.get(t, ())}
    first = min(diverged) if diverged else None
    final_ok = digest(game.state) == doc.final and not stopped
    seats_ok = stopped != "" or dict(game.header.seats) == dict(doc.seats)
    replayed = first is None and final_ok and seats_ok
    turns = len(game.digests)
    sig = seal.signature
    verified = replayed and seal.checksum != "differs" and sig.status not in ("broken", "malformed")
    today_differs = doc.rulebook != rulebook.digest
    if not replayed:
        if first is None and final_ok:
            what = "the seats in its header are not those its log ends with"
        else:
            where = f"turn {first}" if first is not None else "the end of the log"
            what = f"the replay first differs at {where}"
        if other_engine:
            cause = (f"it was played with another engine (wargame {doc.engine}; this is wargame {__version__}), "
                     "whose dice or rules differ; its log is shown as it was played")
        elif rules_changed:
            cause = "the rules or decks have changed since the save was made"
        else:
            cause = "the save was edited or damaged"
        message = f"NOT verified: {what}: {cause}{stopped}"
    elif seal.checksum == "differs":
        message = ("NOT verified: the file was changed after it was written (its checksum does not match): "
                   "a header field, a seat, a time, a note or the rules in it was edited")
    elif not verified:
        message = f"NOT verified: {sig.words()}"
    else:
        message = f"verified: {_turns(turns)} replayed, every digest and record matches"
        if seal.checksum == "matches":
            message += "; its checksum matches over every field"
        else:
            message += "; no checksum (a save from before schema 2), so its header and notes are not checked"
        if sig.status == "this key":
            message += "; signed by this installation's key"
        elif sig.status == "another key":
            message += "; signed by another key than this installation's"
    details = [
        f"replay: {_turns(turns)} replayed with {rules_words}: "
        + ("every turn's state digest, the final state and every record as shown match"
           if replayed else message.removeprefix("NOT verified: ")),
        "checksum: " + {
            "matches": "matches: every field (header, seats, exercise, times, parent, notes, commands, records, "
                       "rules) is as it was written; a checksum shows a change, not who made it",
            "differs": "DOES NOT MATCH: the file was changed after it was written",
            "absent": "none (a save from before schema 2): its header, seats, times and notes are covered by nothing",
        }[seal.checksum],
        f"signature: {sig.words()}",
    ]
    return doc, game, Verification(turns, verified, rules_changed, first, message, tuple(details), seal.checksum,
                                   sig, rules_words, today_differs)


def _turns(n: int) -> str:
    return f"{n} turn{'' if n == 1 else 's'}"


def recorded_records(doc: SaveDocument) -> list[Adjudication]:
    """The records as they were shown when the game was played (whatever the rules are now)."""
    return [r.adjudication() for t in doc.turns for r in t.records]
