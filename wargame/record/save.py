"""Saved games: a JSON file a facilitator can open in an editor, and the log that rebuilds a game.

The file holds a header (format, schema version, engine version, the digest of the rules and
decks in force, scenario, seed, seats, exercise name, times, parent game if it was forked, and,
for a game with a White Cell passphrase, its salted hash ``white_lock``), the commands in order, and for every turn the digest of the state after it and the records as they
were shown. Loading replays the commands and checks every digest.

Writing is atomic (a temporary file, flushed, then renamed over the old one): a crash or a full
disk mid-write leaves the previous save as it was. A save never silently overwrites a file that
holds another game. Reading refuses anything that is not a save of ours, in one line, and
writes nothing.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import attrs
import cattrs
from attrs import frozen
from cattrs.gen import make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from wargame import __version__
from wargame.adjudication import Adjudication
from wargame.model import digest
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
)
from wargame.record.lock import valid_lock

FORMAT = "wargame-save"
SCHEMA = 1
MAX_BYTES = 64 * 1024 * 1024

# Migrations from one schema version to the next: MIGRATIONS[n] turns a schema-n document (a
# dict, as read from JSON) into a schema n+1 one. Each old version keeps a golden save in
# tests/golden/ that must still load.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class SaveError(Exception):
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
    def of(cls, r: Adjudication) -> "RecordDoc":
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
            raise TypeError(f"expected {kind.__name__}, not {type(value).__name__} {value!r:.40}")
        return float(value) if kind is float else value

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


# --- writing -------------------------------------------------------------------------------------


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_game_id() -> str:
    return uuid.uuid4().hex[:12]


def document(game: Game, created: str = "", updated: str = "") -> SaveDocument:
    """The save of a game as it stands."""
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
        final=digest(game.state), white_lock=h.white_lock,
    )


def dumps(doc: SaveDocument) -> str:
    """The document as text: the header one key a line, then one command and one record a line,
    so that a facilitator can read it in an editor and a diff shows what changed."""
    raw = CONVERTER.unstructure(doc)

    def line(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    out = ["{"]
    for key in ("format", "schema", "engine", "rulebook", "game", "exercise", "scenario", "seed", "seats",
                "created", "updated", "parent"):
        out.append(f" {line(key)}: {line(raw[key])},")
    if raw.get("white_lock") is not None:
        out.append(f' "white_lock": {line(raw["white_lock"])},')
    out.append(' "commands": [')
    commands = [{"type": c.pop("type"), **c} for c in raw["commands"]]
    out.extend(f"  {line(c)}{',' if i < len(commands) - 1 else ''}" for i, c in enumerate(commands))
    out.append(" ],")
    out.append(' "turns": [')
    for i, t in enumerate(raw["turns"]):
        out.append(f'  {{"turn": {t["turn"]}, "digest": {line(t["digest"])}, "records": [')
        out.extend(f"   {line(r)}{',' if j < len(t['records']) - 1 else ''}" for j, r in enumerate(t["records"]))
        out.append(f"  ]}}{',' if i < len(raw['turns']) - 1 else ''}")
    out.append(" ],")
    out.append(f' "final": {line(raw["final"])}')
    out.append("}")
    return "\n".join(out) + "\n"


def write_save(path: Path | str, doc: SaveDocument, *, replace_other_game: bool = False) -> None:
    """Write atomically. Refuses to overwrite a file that is not a save of this same game."""
    path = Path(path)
    if path.exists() and not replace_other_game:
        other = _peek_game(path)
        if other != doc.game:
            what = f"a save of another game ({other})" if other else "not a save of this game"
            raise SaveError(f"{path} is {what}: not overwritten; choose another name")
    data = dumps(doc).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        reason = e.strerror or (os.strerror(e.errno) if e.errno else str(e))
        raise SaveError(f"could not write {path}: {reason}; the previous save is intact") from None
    try:  # make the rename itself durable
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def _peek_game(path: Path) -> str | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(raw, dict) and raw.get("format") == FORMAT and isinstance(raw.get("game"), str):
        return raw["game"]
    return None


def free_path(path: Path) -> Path:
    """``path``, or ``path`` with -2, -3... added, so that no other game's save is overwritten."""
    n = 2
    candidate = path
    while candidate.exists():
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
    """Writes the game after every command (every set of orders, every turn adjudicated)."""

    def __init__(self, path: Path | str, created: str = "", replace_other_game: bool = False):
        self.path = Path(path)
        self.created = created or now()
        self.replace_other_game = replace_other_game

    def __call__(self, game: Game) -> None:
        write_save(self.path, document(game, self.created), replace_other_game=self.replace_other_game)
        self.replace_other_game = False  # once written, the file holds this game


# --- reading -------------------------------------------------------------------------------------


def read_document(path: Path | str) -> SaveDocument:
    """Read and check a save's structure (not yet its replay). Raises :class:`SaveError`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SaveError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MiB, not a save")
        data = path.read_bytes()
    except FileNotFoundError:
        raise SaveError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SaveError(f"{path}: a folder, not a save") from None
    except OSError as e:
        raise SaveError(f"{path}: cannot read: {e.strerror or e}") from None
    if not data.strip():
        raise SaveError(f"{path}: empty file, not a save")
    try:
        raw = json.loads(data.decode("utf-8-sig"))  # an editor's byte-order mark is fine
    except UnicodeDecodeError:
        raise SaveError(f"{path}: not a save (not UTF-8 text)") from None
    except json.JSONDecodeError as e:
        raise SaveError(f"{path}: not a save, or cut short (JSON error at line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise SaveError(f"{path}: not a save (nested too deeply)") from None
    return parse_document(raw, str(path))


def parse_document(raw: Any, where: str = "save") -> SaveDocument:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SaveError(f"{where}: not a wargame save (no \"format\": \"{FORMAT}\")")
    schema = raw.get("schema")
    if type(schema) is not int or schema < 1:
        raise SaveError(f"{where}: the schema version {schema!r} is not a whole number from 1")
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
    try:
        return CONVERTER.structure(raw, SaveDocument)
    except Exception as e:  # cattrs reports a group of problems; the first says enough
        problems = cattrs.transform_error(e) if isinstance(e, (cattrs.BaseValidationError, ExceptionGroup)) else [str(e)]
        first = problems[0] if problems else str(e)
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise SaveError(f"{where}: damaged or edited save: {_short(first, 160)}{more}") from None


def _short(value: Any, limit: int = 40) -> str:
    """A value for a one-line message, cut if long."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@frozen
class Verification:
    """How a replay of the commands compares with the digests the save recorded."""

    turns: int  # turns played (resolved) in the save
    verified: bool
    rules_changed: bool
    first_divergence: int | None  # the first turn whose state differs, if any
    message: str


def load(path: Path | str, rulebook) -> tuple[SaveDocument, Game, Verification]:
    """Read a save, replay its commands with ``rulebook`` and check every digest."""
    doc = read_document(path)
    if doc.scenario not in rulebook.scenarios:
        raise SaveError(f"{path}: scenario {doc.scenario!r} is not in the rulebook (scenarios: {', '.join(rulebook.scenarios)})")
    rules_changed = doc.rulebook != rulebook.digest
    stopped = ""
    try:
        game = replay(rulebook, doc.header, doc.commands)
    except ReplayError as e:
        if not rules_changed:
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
    verified = first is None and final_ok
    turns = len(game.digests)
    if verified:
        message = f"verified: {turns} turns replayed, every digest and record matches"
    else:
        where = f"turn {first}" if first is not None else "the end of the log"
        cause = ("the rules or decks have changed since the save was made" if rules_changed
                 else "the save was edited or damaged")
        message = f"NOT verified: the replay first differs at {where}: {cause}{stopped}"
    return doc, game, Verification(turns, verified, rules_changed, first, message)


def recorded_records(doc: SaveDocument) -> list[Adjudication]:
    """The records as they were shown when the game was played (whatever the rules are now)."""
    return [r.adjudication() for t in doc.turns for r in t.records]
