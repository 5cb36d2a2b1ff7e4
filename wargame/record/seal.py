"""A save's seal: the checksum over its content, and the facilitator's signature (:mod:`wargame.record.signing`)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from attrs import frozen

from wargame.record import signing

UNSEALED = ("checksum", "signature")  # the fields the checksum and the signature do not cover (themselves)


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

    checksum: str  # "matches", "differs", "absent" (a save from before schema 2) or "missing" (taken out of a later one)
    signature: signing.SignatureCheck


def seal_of(raw: dict[str, Any]) -> Seal:
    content = content_of(raw)
    recorded = raw.get("checksum")
    if recorded is None:
        # every save written since schema 2 carries one: without it, someone took it out
        checksum = "missing" if type(raw.get("schema")) is int and raw["schema"] >= 2 else "absent"
    else:
        checksum = "matches" if recorded == checksum_of(content) else "differs"
    try:
        key = signing.current_key()
    except signing.KeyProblem:
        key = None
    return Seal(checksum, signing.check_signature(content, raw.get("signature"), key))

