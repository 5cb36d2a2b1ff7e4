"""Reading and loading saves: the file read and checked, its commands replayed, every digest verified.

Reading goes through :func:`wargame.files.read_capped` (regular files only, at most 64 MiB) and
refuses anything that is not a save of ours, in one line, writing nothing. Loading replays the
commands with the save's own rules and checks every digest, every record, the checksum and the
signature (:class:`Verification`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from attrs import frozen

from wargame import __version__
from wargame.engine.adjudication import Adjudication
from wargame.engine.model import digest
from wargame.engine.reading import CONTROL
from wargame.files import SAVE_CAP, FileProblem, loads_json, read_capped
from wargame.record import signing
from wargame.record.bundle import BundleError, RulebookError, rulebook_from
from wargame.record.commands import CommandError
from wargame.record.document import RecordDoc, SaveDocument, SaveError, control_text, parse_document, shown
from wargame.record.game import Game, ReplayError, replay
from wargame.record.seal import Seal, seal_of

MAX_BYTES = SAVE_CAP
MAX_ENTRIES = 1_000_000
"""The most JSON objects and lists a save may hold (bounds the memory a save takes to read)."""
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_CONTROL_ESCAPE = re.compile(r"\\[bf]|\\u00[01][0-9a-fA-F]|\\u00[79][0-9a-fA-F]|\\u008[0-9a-fA-F]")
"""The JSON escapes that can write a control character (\\u0070-\\u007e match too: a false alarm
only costs the walk over the texts)."""


def _lone_surrogate(value: object) -> bool:
    """Does a string anywhere in ``value`` (JSON as read) hold half of a surrogate pair, which JSON's
    ``\\ud800`` can write but no UTF-8 file, terminal or report can hold?"""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if any("\ud800" <= ch <= "\udfff" for ch in v):
                return True
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


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
    # Python holds each JSON object or list in some hundred bytes: a file under the size cap made of
    # millions of them would take gigabytes before it could be refused, so they are counted first
    # (a long game's save holds a few hundred a turn)
    if data.count(b"{") + data.count(b"[") > MAX_ENTRIES:
        raise SaveError(f"{path}: not a save (more than {MAX_ENTRIES:,} entries)")
    try:
        raw = loads_json(text)
    except json.JSONDecodeError as e:
        raise SaveError(f"{path}: not a save, or cut short (JSON error at line {e.lineno}: {e.msg})") from None
    except ValueError as e:  # nested too deeply, a number too long to read...
        raise SaveError(f"{path}: not a save ({shown(str(e), 80)})") from None
    if _SURROGATE_ESCAPE.search(text) and _lone_surrogate(raw):  # (only JSON's \\uD800-\\uDFFF can write one)
        raise SaveError(f"{path}: not a save (it holds text that is not Unicode: a lone surrogate)")
    doc = parse_document(raw, str(path))
    # A control character in a decoded text was written raw (DEL, C1) or as an escape: only then
    # is every text walked (a long game's save holds thousands; the walk would double its reading)
    if (CONTROL.search(text) or _CONTROL_ESCAPE.search(text)) and (found := control_text(raw)):
        raise SaveError(f"{path}: damaged or edited save: {found} holds a control character")
    try:
        seal = seal_of(raw)
    except (ValueError, RecursionError):
        raise SaveError(f"{path}: not a save (a value that cannot be written back)") from None
    return doc, seal


def read_document(path: Path | str) -> SaveDocument:
    """Read and check a save's structure (not yet its replay). Raises :class:`SaveError`."""
    return read_save(path)[0]



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


@frozen
class TodayBroken:
    """Today's rules and decks, when they do not load (a designer's edit half done): a save is
    then replayed and reported with the rules it carries; ``problems`` are the loader's lines."""

    problems: tuple[str, ...]
    digest: None = None

    @property
    def first(self) -> str:
        return self.problems[0] if self.problems else "they do not load"


def rules_for(doc: SaveDocument, rulebook, rules: str = "saved", where: str = "save"):
    """The rulebook to replay ``doc`` with, and which it is in words: the rules saved in it
    (``saved``), unless it has none or they no longer load; today's with ``current``.
    ``rulebook`` may be :class:`TodayBroken`: then only the saved rules will do (SaveError if
    the save holds none that load, or ``current`` is asked for)."""
    if isinstance(rulebook, TodayBroken):
        if rules == "current":
            raise SaveError(f"today's rules do not load: {shown(rulebook.first, 160)}")
        if doc.rulebook_files is None:
            raise SaveError(f"{where}: holds no copy of its rules (a save from before schema 2), and today's do "
                            f"not load: {shown(rulebook.first, 120)}")
        try:
            return (rulebook_from(doc.rulebook_files, doc.rulebook),
                    f"the rules and decks saved in it (today's do not load: {shown(rulebook.first, 80)})")
        except BundleError as e:
            raise SaveError(f"{where}: damaged or edited save: {e}") from None
        except RulebookError as e:
            first = e.problems[0] if getattr(e, "problems", None) else str(e)
            raise SaveError(f"{where}: neither the rules saved in it ({shown(first, 60)}) nor today's "
                            f"({shown(rulebook.first, 60)}) load") from None
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
                          f"({shown(first, 80)})")


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
    if not stopped:
        game.restore_drafts(doc.drafts)  # the orders cells had picked but not yet given
    recorded = {t.turn: t.digest for t in doc.turns if t.digest}
    diverged = {t for t in set(recorded) | set(game.digests) if recorded.get(t) != game.digests.get(t)}
    # The records as shown must be those the replay gives: an edited story is not verified.
    shown = {t.turn: t.records for t in doc.turns}
    by_turn = game.records_by_turn()
    live = game.state.turn  # the turn under way (its events run, its orders not resolved), if it has records
    played = set(game.digests) | ({live} if by_turn.get(live) and live not in game.digests else set())
    diverged |= {t for t in played if tuple(RecordDoc.of(r) for r in by_turn.get(t, ())) != shown.get(t, ())}
    # a turn recorded twice, or one the replay never played, is a story edited in
    numbers = Counter(t.turn for t in doc.turns)
    diverged |= {n for n, k in numbers.items() if k > 1 or n not in played}
    first = min(diverged) if diverged else None
    final_ok = digest(game.state) == doc.final and not stopped
    seats_ok = stopped != "" or dict(game.header.seats) == dict(doc.seats)
    replayed = first is None and final_ok and seats_ok
    turns = len(game.digests)
    sig = seal.signature
    verified = replayed and seal.checksum not in ("differs", "missing") and sig.status not in ("broken", "malformed")
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
    elif seal.checksum == "missing":
        message = ("NOT verified: its checksum was taken out (every save of schema 2 or later is written with "
                   "one): the file was edited after it was written")
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
            "missing": "TAKEN OUT: a save of schema 2 or later is always written with one",
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
