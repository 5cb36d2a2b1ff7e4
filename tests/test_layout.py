"""The layers of the README are the layers of the code: the import contracts in pyproject.toml
hold (no layer imports one above it, only the terminal UI imports Textual, the analysis never
imports a user interface, no package imports in a circle), and every file does one job."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_the_import_contracts_hold():
    done = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "BROKEN" not in done.stdout and done.stdout.count("KEPT") >= 4


def test_a_broken_layer_is_caught(tmp_path):
    """The contracts can fail: a copy of the package whose engine imports the terminal UI breaks
    the layers (checked on a copy, so the working tree is never touched)."""
    shutil.copytree(ROOT / "wargame", tmp_path / "wargame", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "wargame" / "engine" / "layer_probe.py").write_text("import wargame.tui.app  # noqa: F401\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "Layers" in done.stdout and "BROKEN" in done.stdout and "layer_probe" in done.stdout


def test_the_layers_are_folders_named_for_the_game():
    packages = {p.name for p in (ROOT / "wargame").iterdir() if (p / "__init__.py").exists()}
    assert {"engine", "bots", "batch", "record", "analysis", "table", "net", "tui", "cli"} <= packages


def test_no_file_runs_past_about_four_hundred_lines_without_saying_why():
    """A file does one job: one over 400 lines opens with a comment saying why it is kept whole."""
    long = []
    for path in sorted((ROOT / "wargame").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > 400 and not (lines and lines[0].startswith("# Over 400 lines")):
            long.append(f"{path.relative_to(ROOT)} ({len(lines)} lines)")
    assert not long, "split these or say why at the top: " + ", ".join(long)
