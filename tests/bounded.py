"""Helpers for the bad-data tests (tests/test_bad_data_*.py): a copy of the rulebook to break, and
`wargame` run on it either in this process (fast, for Hypothesis) or in a subprocess whose memory
and CPU time are bounded with ``resource.setrlimit`` and whose wall time has a timeout (for the
inputs that could exhaust memory or hang: deep nesting, huge widths, big decks, huge --runs).

Every refusal is held to the README's promise: a non-zero exit (2 for the command line, 3 for a
bad rule, deck or targets file), one line on stderr naming the file or the argument, no traceback,
and nothing written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from attrs import frozen

from wargame.cli.main import main
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR

ROOT = Path(__file__).resolve().parent.parent
MEMORY = 768 * 2**20  # address space a bounded run may take
CPU_SECONDS = 60
TIMEOUT = 90.0


@frozen
class Done:
    code: int
    out: str
    err: str
    seconds: float


def copy_rulebook(base: Path) -> tuple[Path, Path]:
    """The shipped rules/ and decks/, copied under ``base`` to be broken."""
    rules, decks = base / "rules", base / "decks"
    shutil.copytree(RULES_DIR, rules)
    shutil.copytree(DECKS_DIR, decks)
    return rules, decks


def _limits(memory: int, cpu: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 2**20, 64 * 2**20))  # no file past 64 MiB

    return apply


def bounded(argv: Sequence[str], cwd: Path, timeout: float = TIMEOUT, memory: int = MEMORY,
            cpu: int = CPU_SECONDS) -> Done:
    """``python -m wargame ARGV`` in ``cwd`` with bounded memory, CPU time and file size; a run
    past ``timeout`` seconds fails the test (``subprocess.TimeoutExpired``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120"}
    env.pop("PYTHONHASHSEED", None)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wargame", *map(str, argv)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=_limits(memory, cpu), env=env)
    return Done(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def in_process(argv: Sequence[str], capsys=None) -> Done:
    """``wargame ARGV`` in this process (argparse's exit included), its output captured here (so
    it may run inside a Hypothesis test, where pytest's capsys is not reset between examples)."""
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return Done(code, out.getvalue(), err.getvalue(), time.perf_counter() - start)


def one_line(done: Done, code: int, *names: str) -> str:
    """The run was refused with ``code`` in one 'wargame: ...' line on stderr naming each of
    ``names``, no traceback and nothing on stdout; the line, without its 'wargame: '."""
    assert done.code == code, f"exit {done.code}, not {code}; stderr: {done.err[-2000:]!r}"
    assert "Traceback" not in done.err, done.err[-2000:]
    lines = done.err.splitlines()
    assert len(lines) == 1, done.err[-2000:]
    line = lines[0]
    assert line.startswith("wargame"), line
    assert len(line) <= 1_200, f"a line of {len(line)} characters"
    for name in names:
        assert name in line, f"{name!r} not in {line!r}"
    assert done.out == "", done.out[-2000:]
    return line.split(": ", 1)[1] if ": " in line else line


def files(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a digest of what it holds: to check nothing is written."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def fewer(share: int = 4):
    """Hypothesis settings with a ``share``-th of the profile's examples (at least 10): for a test
    whose every example loads a whole rulebook; ``HYPOTHESIS_PROFILE=soak`` still runs hundreds."""
    from hypothesis import settings

    return settings(max_examples=max(10, settings.default.max_examples // share))


@contextlib.contextmanager
def written(path: Path, text: str, append: bool = True):
    """``path`` with ``text`` added to its end (``append``; a new file if there is none) or in its
    place, for the block only: the file as it was, or no file, afterwards."""
    before = path.read_bytes() if path.exists() else None
    if append and before is not None:
        with path.open("a", encoding="utf-8") as f:
            f.write("\n" + text + "\n")
    else:
        path.write_text(text if not append else "\n" + text + "\n", encoding="utf-8")
    try:
        yield path
    finally:
        if before is None:
            path.unlink()
        else:
            path.write_bytes(before)


def appended(path: Path, text: str):
    """``text`` added to the end of ``path`` (a new file if there is none) for the block only."""
    return written(path, text, append=True)


def replaced(path: Path, text: str):
    """``path`` holding ``text`` alone for the block only."""
    return written(path, text, append=False)
