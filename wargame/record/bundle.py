"""The rulebook a game was played with, carried in its save.

A save holds ``rulebook_files``: the text of every file of the rules and decks folders the game
was played with (``targets.toml`` aside: it is no part of the rulebook), as JSON, compressed with
zlib and written in base64. Loading a save rebuilds that rulebook, so an old game replays and
verifies after the rules or decks have changed; ``replay --rules current`` replays it under
today's rules instead.

The bundle is made only when the files on disk are exactly those the rulebook was loaded from
(their digest is the rulebook's), so a save never carries rules it was not played with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import tempfile
import zlib
from collections import OrderedDict
from pathlib import Path

from wargame.engine.reading import RulebookError
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, TARGETS_FILE, Rulebook, load_rulebook
from wargame.files import FileProblem, read_capped

MAX_UNPACKED = 16 * 1024 * 1024  # the files' text, decompressed: far more than any rulebook
MAX_FILE = 8 * 1024 * 1024  # one rules file read to bundle it (the rulebook refuses far smaller ones)
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")


class BundleError(ValueError):
    """A bundle that cannot be unpacked or does not match its digest; the message is one line."""


_bundles: dict[str, str] = {}  # rulebook digest -> bundle
_rulebooks: OrderedDict[str, Rulebook] = OrderedDict()  # bundle digest -> rulebook (a few)
_folders: list[tuple[Path, Path]] = [(RULES_DIR, DECKS_DIR)]  # where rulebooks were loaded from
_not_found: set[tuple[str, int]] = set()  # (digest, folders known) searched in vain


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def _digest(entries: list[tuple[str, str, bytes]]) -> str:
    """The rulebook's digest of these files, as :func:`wargame.engine.rulebook.load_rulebook` makes it."""
    h = hashlib.sha256()
    for _, rel, data in entries:
        h.update(rel.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def _read_folders(rules_dir: Path, decks_dir: Path) -> list[tuple[str, str, bytes]] | None:
    entries = []
    for role, folder in (("rules", rules_dir), ("decks", decks_dir)):
        for path in _files(folder):
            if role == "rules" and path.name == TARGETS_FILE:
                continue
            try:
                data = read_capped(path, MAX_FILE, "rules file")
            except FileProblem:
                return None
            entries.append((role, f"{path.parent.name}/{path.name}", data))
    return entries


def remember_folders(rules_dir: Path | str, decks_dir: Path | str) -> None:
    """Where a rulebook in use was loaded from (the default folders are always known)."""
    pair = (Path(rules_dir), Path(decks_dir))
    if pair not in _folders:
        _folders.append(pair)


def pack(entries: list[tuple[str, str, bytes]]) -> str:
    files = [[role, rel, data.decode("utf-8")] for role, rel, data in entries]
    raw = json.dumps({"files": files}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(raw, 9)).decode("ascii")


def bundle_of(rulebook: Rulebook) -> str | None:
    """The bundle of ``rulebook`` (None if its files cannot be found as they were)."""
    known = _bundles.get(rulebook.digest)
    if known is not None:
        return known
    searched = (rulebook.digest, len(_folders))
    if searched in _not_found:
        return None
    for rules_dir, decks_dir in list(_folders):
        entries = _read_folders(rules_dir, decks_dir)
        if entries is None or _digest(entries) != rulebook.digest:
            continue
        try:
            bundle = pack(entries)
        except UnicodeDecodeError:
            return None
        _bundles[rulebook.digest] = bundle
        return bundle
    _not_found.add(searched)  # not searched again until another folder is known
    return None


def unpack(bundle: str) -> list[tuple[str, str, bytes]]:
    """The files of a bundle: (role, "folder/name.toml", bytes). Raises :class:`BundleError`."""
    if not isinstance(bundle, str) or len(bundle) > MAX_UNPACKED:
        raise BundleError("the rules saved in it are not a bundle wargame makes")
    try:
        packed = base64.b64decode(bundle.encode("ascii"), validate=True)
        inflate = zlib.decompressobj()
        raw = inflate.decompress(packed, MAX_UNPACKED + 1)
        if len(raw) > MAX_UNPACKED or inflate.unconsumed_tail:
            raise BundleError(f"the rules saved in it unpack to more than {MAX_UNPACKED // (1024 * 1024)} MiB")
        doc = json.loads(raw.decode("utf-8"))
    except BundleError:
        raise
    except (binascii.Error, UnicodeError, zlib.error, ValueError, RecursionError):
        raise BundleError("the rules saved in it are damaged (not base64 of zlib of JSON)") from None
    files = doc.get("files") if isinstance(doc, dict) else None
    if not isinstance(files, list) or not files:
        raise BundleError("the rules saved in it hold no files")
    entries = []
    seen = set()
    for item in files:
        if not (isinstance(item, list) and len(item) == 3 and all(isinstance(x, str) for x in item)):
            raise BundleError("the rules saved in it are damaged (a file entry is not [role, name, text])")
        role, rel, text = item
        folder, _, name = rel.partition("/")
        if role not in ("rules", "decks") or not _NAME.fullmatch(folder) or not _NAME.fullmatch(name) \
                or not name.endswith(".toml") or (role, name) in seen:
            raise BundleError(f"the rules saved in it name a file wargame would not read ({rel[:60]!r})")
        seen.add((role, name))
        try:
            data = text.encode("utf-8")
        except UnicodeError:
            raise BundleError("the rules saved in it are not UTF-8 text") from None
        entries.append((role, rel, data))
    return entries


def rulebook_from(bundle: str, digest: str) -> Rulebook:
    """The rulebook a bundle holds, checked against the save's rulebook ``digest``. Raises
    :class:`BundleError` (damaged, or not the rules of that digest) or
    :class:`~wargame.engine.reading.RulebookError` (rules this engine no longer accepts)."""
    cached = _rulebooks.get(digest)
    if cached is not None:
        _rulebooks.move_to_end(digest)
        return cached
    entries = unpack(bundle)
    if _digest(entries) != digest:
        raise BundleError("the rules saved in it are not those its rulebook digest names (edited?)")
    folders = {role: {rel.partition("/")[0] for r, rel, _ in entries if r == role} for role in ("rules", "decks")}
    if len(folders["rules"]) != 1 or len(folders["decks"]) > 1:
        raise BundleError("the rules saved in it are damaged (files from several folders)")
    with tempfile.TemporaryDirectory(prefix="wargame-rules-") as tmp:
        rules_dir = Path(tmp) / "r" / next(iter(folders["rules"]))
        decks_dir = Path(tmp) / "d" / (next(iter(folders["decks"])) if folders["decks"] else "decks")
        rules_dir.mkdir(parents=True)
        decks_dir.mkdir(parents=True)
        for role, rel, data in entries:
            ((rules_dir if role == "rules" else decks_dir) / rel.partition("/")[2]).write_bytes(data)
        rulebook = load_rulebook(rules_dir, decks_dir, titles_required=False)  # saved before titles.toml: today's titles
    if rulebook.digest != digest:
        raise BundleError("the rules saved in it do not rebuild the rulebook its digest names")
    _rulebooks[digest] = rulebook
    _bundles.setdefault(digest, bundle)
    while len(_rulebooks) > 8:
        _rulebooks.popitem(last=False)
    return rulebook


__all__ = ["BundleError", "RulebookError", "bundle_of", "remember_folders", "rulebook_from", "unpack", "pack"]
