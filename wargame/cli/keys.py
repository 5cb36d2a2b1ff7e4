"""``wargame key``: make the facilitator's signing key, outside the repository; saves are then signed."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from wargame.cli import arguments
from wargame.cli.exits import fail


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``key`` command to ``subparsers`` (what ``add_subparsers`` returned); the parser."""
    key = subparsers.add_parser("key", help="make the facilitator's signing key (outside the repository); saves are then signed")
    arguments.key_file_option(key)
    return key


def key_command(args: argparse.Namespace) -> int:
    """``wargame key``: make the facilitator's signing key, outside the repository."""
    from wargame.engine.rulebook import ROOT
    from wargame.record import signing

    path = getattr(args, "key_file", None) or signing.default_key_path()
    if path is None:
        return fail("no configuration folder to keep the key in (no home folder): give --key-file FILE")
    try:
        inside = Path(os.path.abspath(path)).is_relative_to(ROOT) or Path(path).resolve().is_relative_to(ROOT)
    except (OSError, RuntimeError):
        inside = False
    if inside:
        return fail(f"--key-file {path}: inside the repository ({ROOT}); a key kept there is easily shared or "
                     "committed: keep it outside, e.g. in ~/.config/wargame/key")
    if os.path.lexists(path):
        key = signing.read_key(path)  # a file that is not a key: one line, exit 3
        print(f"a key is already at {path} (fingerprint {signing.fingerprint(key)}): kept as it is; nothing written")
        return 0
    fingerprint = signing.create_key(path)
    print(f"wrote a new signing key to {path} (mode 0600, fingerprint {fingerprint}); saves written with it are "
          "signed, and `wargame replay SAVE --verify` says whether this key signed one. Keep it private.")
    return 0
