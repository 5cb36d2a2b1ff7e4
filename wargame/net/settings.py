"""The served exercise's own settings, kept beside its save so that a restarted server loses nothing.

The save (:mod:`wargame.record.save`) holds the game: every command, the orders given and not yet
resolved, the drafts, the channel messages. What only the server knows is kept here, in
``STEM.exercise.json`` beside ``STEM.json`` (as a report is ``STEM.report.md``): whether the White
Cell has paused the game, the time limit per orders phase and how much of the phase under way is
left, which seats had a takeover waiting for the White Cell's approval, and the join codes, as
SHA-256 digests only (a code is 128 random bits, so its digest gives nothing away; whoever reads
the file cannot join). The file is written atomically (:func:`wargame.files.write_file`, mode 0600)
whenever one of these changes, and read back by ``wargame serve --load``.

The clock: while it runs the file holds the wall-clock time the phase ends (``ends_at``); when the
game is paused or the server stops normally, the seconds left (``seconds_left``). So a server
stopped with Ctrl+C gives the phase what it had left (the clock stood still while it was down),
and after a crash the time the server was down counts against the phase.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

from attrs import field, frozen

from wargame.files import FileProblem, Kind, loads_json, read_capped, write_file

FORMAT = "wargame-exercise"
VERSION = 1
CAP = 64 * 1024  # bytes: a few dozen fields; anything larger is not a settings file
DIGEST = "sha256:"


class SettingsError(ValueError):
    """A settings file that cannot be used (unreadable, corrupt, of another game): one line, naming it."""


@frozen
class Clock:
    """The time limit's clock of one orders phase: exactly one of ``seconds_left`` (stopped:
    paused, or the server stopped normally) and ``ends_at`` (running: wall-clock seconds since the
    epoch) is set."""

    turn: int
    seconds_left: float | None = None
    ends_at: float | None = None


@frozen
class Settings:
    """What the server of one game (``game``: its id) keeps beside the save.

    ``time_limit``: seconds per orders phase, or None; ``clock``: the phase under way's, or None;
    ``codes``: seat -> ``"sha256:HEX"`` of its join code; ``contested``: the cells a second
    connection was waiting to take over when this was written; ``review``: the turn whose results
    the White Cell was reviewing (the next turn not begun), or None."""

    game: str
    paused: bool = False
    time_limit: float | None = None
    clock: Clock | None = None
    codes: dict[str, str] = field(factory=dict)
    contested: tuple[str, ...] = ()
    review: int | None = None


def settings_path(save: Path | str) -> Path:
    """Where the settings of the exercise saved at ``save`` are kept: ``STEM.exercise.json``."""
    save = Path(save)
    return save.with_name(save.stem + ".exercise.json")


def is_settings(data: bytes) -> bool:
    """Is this a settings file wargame wrote (of any game)? It may then be replaced."""
    try:
        raw = loads_json(data)
    except ValueError:
        return False
    return isinstance(raw, dict) and raw.get("format") == FORMAT


KIND = Kind("an exercise settings file", is_settings)


def to_json(s: Settings) -> str:
    clock = None
    if s.clock is not None:
        clock = {"turn": s.clock.turn, "seconds_left": s.clock.seconds_left, "ends_at": s.clock.ends_at}
    raw = {"format": FORMAT, "version": VERSION, "game": s.game, "paused": s.paused, "time_limit": s.time_limit,
           "clock": clock, "codes": dict(s.codes), "contested": list(s.contested),
           "review": s.review}
    return json.dumps(raw, indent=1) + "\n"


def write_settings(path: Path | str, s: Settings, known=None):
    """Write ``s`` to ``path`` atomically (mode 0600: the digests are nobody else's business).
    Raises :class:`wargame.files.FileProblem` (one line); returns the file's status for ``known``."""
    return write_file(path, to_json(s), KIND, mode=0o600, known=known)


def read_settings(path: Path | str, game: str, seats: tuple[str, ...]) -> Settings | None:
    """The settings at ``path`` for game ``game`` whose seats with a code are ``seats``; None if
    there is no file. Raises :class:`SettingsError` (one line naming the file) for anything else
    that is not such a file: unreadable, not JSON, not a settings file, another game's, another
    version's, a field missing or of the wrong type or out of range."""
    name = str(path)
    try:
        data = read_capped(path, CAP, "settings file")
    except FileProblem as e:
        if str(e).endswith("no such file"):
            return None
        raise SettingsError(str(e)) from None
    try:
        raw = loads_json(data)
    except ValueError:
        raise SettingsError(f"{name}: not JSON, not an exercise settings file") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SettingsError(f"{name}: not an exercise settings file (no \"format\": \"{FORMAT}\")")
    if raw.get("version") != VERSION:
        raise SettingsError(f"{name}: settings of version {raw.get('version')!r}; this wargame reads version {VERSION}")
    if raw.get("game") != game:
        raise SettingsError(f"{name}: the settings of another game ({str(raw.get('game'))[:40]!r}), not of this save's "
                            f"({game!r}); move it away to start with none")
    try:
        return _settings(raw, game, seats)
    except (TypeError, ValueError, KeyError) as e:
        raise SettingsError(f"{name}: damaged exercise settings file: {' '.join(str(e).split())[:200]}") from None


def _number(value: Any, what: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{what} is {value!r:.40}, not a number {lo:g} to {hi:g}")
    return float(value)


def _settings(raw: dict[str, Any], game: str, seats: tuple[str, ...]) -> Settings:
    known = {"format", "version", "game", "paused", "time_limit", "clock", "codes", "contested", "review"}
    extra = set(raw) - known
    if extra:
        raise ValueError(f"unknown field {sorted(extra)[0]!r:.40}")
    paused = raw["paused"]
    if not isinstance(paused, bool):
        raise ValueError("paused is not true or false")
    limit = raw["time_limit"]
    limit = None if limit is None else _number(limit, "time_limit", 0, 86400) or None
    clock = None
    if raw["clock"] is not None:
        c = raw["clock"]
        if not isinstance(c, dict) or set(c) != {"turn", "seconds_left", "ends_at"}:
            raise ValueError("clock is not {turn, seconds_left, ends_at}")
        turn = c["turn"]
        if isinstance(turn, bool) or not isinstance(turn, int) or turn < 1:
            raise ValueError("clock.turn is not a turn")
        left = None if c["seconds_left"] is None else _number(c["seconds_left"], "clock.seconds_left", 0, 86400)
        ends = None if c["ends_at"] is None else _number(c["ends_at"], "clock.ends_at", 0, 1e11)
        if (left is None) == (ends is None):
            raise ValueError("a clock has one of seconds_left and ends_at")
        clock = Clock(turn, left, ends)
    codes = raw["codes"]
    if not isinstance(codes, dict) or set(codes) != set(seats):
        raise ValueError(f"codes are not one per seat of this game ({', '.join(seats)})")
    for seat, digest in codes.items():
        if not (isinstance(digest, str) and digest.startswith(DIGEST) and len(digest) == len(DIGEST) + 64
                and all(ch in "0123456789abcdef" for ch in digest[len(DIGEST):])):
            raise ValueError(f"the code of {seat} is not a sha256 digest")
    contested = raw["contested"]
    if not isinstance(contested, list) or not all(isinstance(s, str) and s in seats for s in contested):
        raise ValueError("contested is not a list of this game's seats")
    review = raw.get("review")  # absent in the files of the first servers that kept settings: no review
    if review is not None and (isinstance(review, bool) or not isinstance(review, int) or review < 1):
        raise ValueError("review is not a turn")
    return Settings(game, paused, limit, clock, dict(codes), tuple(contested), review)


def code_digest(code: str) -> str:
    """What the settings keep of a join code: ``"sha256:HEX"``."""
    return DIGEST + hashlib.sha256(code.encode()).hexdigest()
