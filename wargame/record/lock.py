"""The White Cell's lock: a passphrase only the facilitator knows, kept as a salted hash.

A game with people at the table keeps, in its save's header, ``white_lock``: the passphrase run
through scrypt with a random salt, never the passphrase itself. The terminal UI asks for the
passphrase before it opens the White Cell (or the replay viewer) of such a game. A game of bots
only has no lock; neither has an old save, whose header lacks the field.

The text is ``scrypt$<n>$<r>$<p>$<salt, hex>$<hash, hex>``; the parameters are read back from it,
within bounds, so that an edited save cannot make checking a passphrase take all the memory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

N, R, P = 2**14, 8, 1  # about 16 MiB and a few tens of milliseconds a check
_FORMAT = re.compile(r"scrypt\$(\d{1,7})\$(\d{1,2})\$(\d)\$([0-9a-f]{32})\$([0-9a-f]{64})")


def _hash(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=128 * r * (n + p + 2) + 1024 * 1024)


def make_lock(passphrase: str) -> str:
    """The header's ``white_lock`` for ``passphrase`` (a fresh salt each time)."""
    if not passphrase:
        raise ValueError("an empty passphrase locks nothing")
    salt = os.urandom(16)
    return f"scrypt${N}${R}${P}${salt.hex()}${_hash(passphrase, salt, N, R, P).hex()}"


def _parts(lock: str) -> tuple[int, int, int, bytes, bytes] | None:
    m = _FORMAT.fullmatch(lock) if isinstance(lock, str) else None
    if m is None:
        return None
    n, r, p = int(m[1]), int(m[2]), int(m[3])
    if not (2**10 <= n <= 2**17 and n & (n - 1) == 0 and 1 <= r <= 16 and 1 <= p <= 4):
        return None
    return n, r, p, bytes.fromhex(m[4]), bytes.fromhex(m[5])


def valid_lock(lock: str) -> bool:
    """Is this a lock this program made (and can check)?"""
    return _parts(lock) is not None


def check_lock(lock: str, passphrase: str) -> bool:
    """Does ``passphrase`` open ``lock``? (False for a lock that is not one of ours.)"""
    parts = _parts(lock)
    if parts is None:
        return False
    n, r, p, salt, expected = parts
    return hmac.compare_digest(_hash(passphrase, salt, n, r, p), expected)
