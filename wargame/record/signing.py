"""The facilitator's signing key: who wrote a save, not only whether it changed.

A save carries a checksum (SHA-256 over its canonical content: every field but the checksum and
the signature), which catches damage and careless edits but proves nothing about who wrote it:
anyone can compute one. With a key, a save also carries ``signature``, an HMAC-SHA256 of the same
content under the facilitator's key, and ``replay --verify`` says whether this installation's
key signed it.

``wargame key`` makes the key: 32 random bytes, kept outside the repository in the user's
configuration folder (``$XDG_CONFIG_HOME/wargame/key``, else ``~/.config/wargame/key``), mode
0600; ``--key-file`` chooses another file (and the environment variable ``WARGAME_KEY_FILE``
does the same). Without a key file, saves are written unsigned.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path

from attrs import frozen

from wargame.files import FileProblem, Kind, read_capped, write_file

HEADER = "wargame-key 1"
_KEY_LINE = re.compile(r"[0-9a-f]{64}")
_SIGNATURE = re.compile(r"hmac-sha256:([0-9a-f]{16}):([0-9a-f]{64})")

_chosen: Path | None = None  # set by --key-file
_off = 0  # inside unsigned(): no key, whatever is on disk


class KeyProblem(FileProblem):
    """A key file that cannot be read or made; one line."""


def default_key_path() -> Path | None:
    config = os.environ.get("XDG_CONFIG_HOME")
    if config and os.path.isabs(config):
        return Path(config) / "wargame" / "key"
    try:
        return Path.home() / ".config" / "wargame" / "key"
    except (RuntimeError, KeyError):
        return None


def use_key_file(path: Path | str | None) -> None:
    """The key file to use from now on in this process (None: the default)."""
    global _chosen
    _chosen = Path(path) if path is not None else None


def key_path() -> Path | None:
    if _chosen is not None:
        return _chosen
    env = os.environ.get("WARGAME_KEY_FILE")
    if env:
        return Path(env)
    return default_key_path()


def fingerprint(key: bytes) -> str:
    """The key's public name: 16 hex digits, the same in every save it signs."""
    return hashlib.sha256(b"wargame-key-id\0" + key).hexdigest()[:16]


def read_key(path: Path | str) -> bytes:
    try:
        data = read_capped(path, 4096, "key file")
    except FileProblem as e:
        raise KeyProblem(str(e)) from None
    lines = data.decode("ascii", "replace").split()
    if len(lines) != 3 or " ".join(lines[:2]) != HEADER or not _KEY_LINE.fullmatch(lines[2]):
        raise KeyProblem(f"{path}: not a wargame key file (make one with: wargame key)")
    return bytes.fromhex(lines[2])


class unsigned:
    """``with unsigned():`` saves written meanwhile carry no signature (the shipped examples and
    the golden save: no developer's key in them)."""

    def __enter__(self) -> None:
        global _off
        _off += 1

    def __exit__(self, *exc: object) -> None:
        global _off
        _off -= 1


def current_key() -> bytes | None:
    """This installation's key, or None if there is none. Raises :class:`KeyProblem` for a key
    file that exists but cannot be used (or one chosen with --key-file that does not exist)."""
    if _off:
        return None
    path = key_path()
    if path is None:
        return None
    if not os.path.lexists(path) and _chosen is None and not os.environ.get("WARGAME_KEY_FILE"):
        return None
    return read_key(path)


def create_key(path: Path | str) -> str:
    """Make a new key at ``path`` (mode 0600, never over an existing file); its fingerprint."""
    path = Path(path)
    key = os.urandom(32)
    kind = Kind("a key file")
    try:
        write_file(path, f"{HEADER}\n{key.hex()}\n", kind, new=True, mode=0o600)
    except FileProblem as e:
        raise KeyProblem(str(e)) from None
    try:
        os.chmod(path, 0o600)
        parent = path.parent
        if parent.name == "wargame":
            os.chmod(parent, 0o700)
    except OSError:
        pass
    return fingerprint(key)


def sign(content: bytes, key: bytes) -> str:
    return f"hmac-sha256:{fingerprint(key)}:{hmac.new(key, content, hashlib.sha256).hexdigest()}"


@frozen
class SignatureCheck:
    status: str  # "this key", "another key", "not signed", "broken" (this key's name, but it does not match)
    fingerprint: str | None = None

    def words(self) -> str:
        if self.status == "this key":
            return f"signed by this installation's key ({self.fingerprint})"
        if self.status == "another key":
            return f"signed by another key ({self.fingerprint}), not this installation's: who signed it cannot be checked here"
        if self.status == "broken":
            return (f"the signature names this installation's key ({self.fingerprint}) but does not match: "
                    "changed after it was signed")
        if self.status == "malformed":
            return "the signature is not one wargame makes"
        return "not signed"


def check_signature(content: bytes, signature: str | None, key: bytes | None) -> SignatureCheck:
    if signature is None:
        return SignatureCheck("not signed")
    m = _SIGNATURE.fullmatch(signature) if isinstance(signature, str) else None
    if m is None:
        return SignatureCheck("malformed")
    if key is None or m[1] != fingerprint(key):
        return SignatureCheck("another key", m[1])
    expected = hmac.new(key, content, hashlib.sha256).hexdigest()
    return SignatureCheck("this key" if hmac.compare_digest(expected, m[2]) else "broken", m[1])
