"""An account printed where UTF-8 cannot be shown (a Latin-1 locale, an ASCII console) is printed
whole: what cannot be shown becomes "?", and the command ends as it would anywhere."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.bounded import ROOT


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
@pytest.mark.parametrize("argv", [
    ["play", "--headless", "--seats", "all=bot", "--seed", "1", "--turns", "2"],
    ["replay", "saves/example-exercise.json", "--log", "--facilitator"],
    ["simulate", "--runs", "2"],
])
def test_an_account_in_a_narrow_encoding_is_printed_whole(encoding: str, argv: list[str]) -> None:
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    done = subprocess.run([sys.executable, "-m", "wargame", *argv], cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")[-500:]
    assert b"Traceback" not in done.stderr and done.stdout
    done.stdout.decode(encoding)  # every byte is of that encoding
    utf8 = subprocess.run([sys.executable, "-m", "wargame", *argv], cwd=ROOT, capture_output=True, timeout=300)
    assert len(done.stdout.splitlines()) == len(utf8.stdout.splitlines())  # the same lines, none cut off
