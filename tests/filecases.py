"""Helpers shared by the tests of every file the product reads or writes (tests/test_files_*.py).

Each family checks the same promises: the exit code, one line on stderr naming the file or the
argument, no traceback, every file untouched (a hash of each before and after), no temporary
file or lock left behind, and bounded time and memory (the risky cases run in a subprocess
with a memory limit and a timeout: :func:`run_limited`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import wargame.cli.main as cli
from wargame.cli import terminal
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "save-v2.json"
GOLDEN_V1 = ROOT / "tests" / "golden" / "save-v1.json"
STAMP = "2026-01-01T00:00:00Z"
MEMORY = 1024 * 1024 * 1024  # what a subprocess may map: far more than wargame needs, far less than /dev/zero


def state_of(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (hidden ones too) with a hash of its contents, or what it is:
    equal before and after means nothing was written, replaced, made or removed. A pipe or a
    device is never opened."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            info = os.lstat(p)
            key = str(p.relative_to(folder))
            if stat.S_ISREG(info.st_mode):
                out[key] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif stat.S_ISLNK(info.st_mode):
                out[key] = "link -> " + os.readlink(p)
            elif stat.S_ISDIR(info.st_mode):
                out[key] = "folder"
            else:
                out[key] = f"special {stat.S_IFMT(info.st_mode):o} {info.st_rdev}"
    return out


def leftovers(folder: Path) -> list[str]:
    """Temporary files, locks and lock debris under ``folder``."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name.endswith((".tmp", ".lock", ".stale")))


def one_line(text: str, *names: str) -> str:
    """``text`` is one line, no traceback, and names each of ``names``."""
    text = text.strip()
    assert text, "expected a one-line reason, got nothing"
    assert "\n" not in text, f"expected one line, got:\n{text}"
    assert "Traceback" not in text and not re.match(r"\w+(Error|Exception):", text), text
    for name in names:
        assert str(name) in text, f"the reason does not name {name}: {text}"
    return text


def golden_dict(path: Path = GOLDEN) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def copy_golden(folder: Path, name: str = "g.json", source: Path = GOLDEN) -> Path:
    path = folder / name
    shutil.copyfile(source, path)
    return path


def make_cli(capsys, monkeypatch, rulebook, at_terminal: bool = True) -> Callable[..., tuple[int, str, str]]:
    """``wargame`` in this process: (exit code, stdout, stderr); any exception fails the test. The
    default rulebook is loaded once for the session; any other --rules/--decks is loaded for real.

    ``at_terminal``: whether standard output is taken for a terminal, as when a person types the
    command (``wargame report`` then writes its file beside the save), or for a pipe (it then
    writes the report to standard output). The output is captured either way."""
    real_load = cli._load
    monkeypatch.setattr(terminal, "output_at_terminal", lambda: at_terminal)

    def cached(rules: Path, decks: Path):
        if Path(rules).resolve() == RULES_DIR.resolve() and Path(decks).resolve() == DECKS_DIR.resolve():
            return rulebook
        return real_load(rules, decks)

    monkeypatch.setattr(cli, "_load", cached)

    def run(*argv: Any) -> tuple[int, str, str]:
        args = [str(a) for a in argv]
        capsys.readouterr()
        try:
            code = cli.main(args)
        except SystemExit as e:
            code = e.code
        except BaseException as e:  # noqa: BLE001 - the point: a user never sees this
            pytest.fail(f"`wargame {' '.join(args)}` raised {type(e).__name__}: {e} (a traceback, not one line)")
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _limits(memory: int, cpu: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))

    return apply


def run_limited(args: list[str], *, timeout: float = 60, memory: int = MEMORY, cwd: Path = ROOT,
                env: dict[str, str] | None = None, stdin: Any = subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """``python args...`` in a subprocess with a memory limit, a CPU limit and a timeout: a hang
    or a runaway read fails the test instead of the machine."""
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, **(env or {})}, stdin=stdin,
                          preexec_fn=_limits(memory, int(timeout) + 5))


def run_cases(script: str, cases: list[Any], tmp: Path, *, timeout: float = 90) -> list[Any]:
    """Run ``script`` (Python, reading the JSON ``cases`` from argv[1], printing one JSON result a
    line) in one limited subprocess: many risky cases for one process's start-up."""
    spec = tmp / "cases.json"
    spec.write_text(json.dumps(cases), encoding="utf-8")
    run = run_limited(["-c", script, str(spec)], timeout=timeout)
    assert run.returncode == 0, f"the cases' process failed ({run.returncode}):\n{run.stderr[-3000:]}"
    spec.unlink()
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


# In a subprocess: run the CLI in-process for each case, capturing its exit code, stdout and
# stderr, and turning any exception into a failure (a traceback) to report.
CLI_CASES = r"""
import contextlib, io, json, sys, time
import functools
import wargame.cli.main as cli
cli._load = functools.lru_cache(maxsize=4)(cli._load)  # the rulebook once, as in the tests' own process
cases = json.load(open(sys.argv[1]))
for argv in cases:
    out, err = io.StringIO(), io.StringIO()
    start = time.monotonic()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
    except SystemExit as e:
        code = e.code
    except BaseException as e:
        code = "raised " + type(e).__name__ + ": " + str(e)[:200]
    print(json.dumps({"argv": argv, "code": code, "out": out.getvalue()[-2000:], "err": err.getvalue(),
                      "seconds": time.monotonic() - start}))
"""
