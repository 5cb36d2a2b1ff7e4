"""Writing saves: a game as a JSON file a facilitator can open in an editor (:mod:`wargame.record.document`).

Writing goes through :func:`wargame.files.write_file`: atomic, and a save never replaces a file
that is not a save of this same game whose log it continues. :class:`Autosave` writes the game
after every command.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from wargame import __version__
from wargame.engine.model import digest
from wargame.files import FileProblem, Kind, SaveLock, refusal, write_file
from wargame.record import signing
from wargame.record.bundle import bundle_of
from wargame.record.document import CONVERTER, FORMAT, SCHEMA, RecordDoc, SaveDocument, SaveError, TurnDoc
from wargame.record.game import Game
from wargame.record.seal import UNSEALED, checksum_of, content_of


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
        drafts={c: tuple((o.kind, o.theatre) for o in orders) for c, orders in game.drafts.items()} or None,
    )


def _raw(doc: SaveDocument) -> dict[str, Any]:
    """The document as it goes into the file, without its checksum and signature."""
    raw = CONVERTER.unstructure(doc)
    raw["commands"] = [{"type": c.pop("type"), **c} for c in raw["commands"]]
    for key in ("white_lock", "rulebook_files", "drafts") + UNSEALED:
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
    if "drafts" in raw:
        out.append(f' "drafts": {line(raw["drafts"])},')
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
