"""``wargame brief``: the read-ahead a cell gets before an exercise (:mod:`wargame.table.brief`).

``wargame brief --seat is [--scenario exercise] [--format markdown|html] [--out FILE]``

- ``--scenario``: by default the scenario the start screen offers first
  (:func:`wargame.table.defaults.default_scenario`: ``exercise``), so the briefs a facilitator
  makes with the defaults are of the game the start screen starts.
- ``--seat`` is a cell (``is``, ``aq``, ``coalition``, ``governments``): its brief shows what that
  cell may see; or ``white``, the White Cell's, which shows everything and says it is not for the
  cells.
- ``--seed N``: the game's seed, when it is already chosen. A brief's estimates of the other
  cells' secret tracks are then the very ranges the cell sees on turn 1 of that game; with another
  seed they sit elsewhere around the same true values, and a cell that holds both could narrow
  them. Default 0. A brief never shows the seed.
- Markdown goes to the terminal unless ``--out FILE`` is given (``-`` is the terminal too); HTML is
  one self-contained file. A file is written through :func:`wargame.files.write_file`: atomic, and
  it replaces only an earlier brief (``--force``: any file but a save).

Every failure is one line on stderr, ``wargame: ...``, and an exit code, never a traceback:
:data:`EXIT_USAGE` (2) for what the command line says (an unknown seat, scenario or format, a file
name that cannot name a file), :data:`EXIT_BAD_DATA` (3) for what the file system refuses (``--out``
is a folder, a pipe, a device, a save, a file that is not a brief...), as for every command that
writes a file.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from wargame.cli.arguments import given, seed
from wargame.cli.exits import EXIT_BAD_DATA, fail
from wargame.engine.rulebook import Rulebook
from wargame.files import FileProblem, Kind, write_file
from wargame.table.brief import SEATS, brief, is_brief
from wargame.table.brief_render import render_html, render_markdown
from wargame.table.defaults import DEFAULT_SCENARIO, default_scenario

FORMATS = ("markdown", "html")
KIND = Kind("a brief", is_brief)


def _shown(text: Any) -> str:
    """An argument as a message quotes it: cut if long."""
    text = str(text)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def _out(text: str) -> str:
    """--out: a file name ('-': the terminal): not empty, no NUL byte, not a folder's name."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty file name")
    if "\0" in text:
        raise argparse.ArgumentTypeError("a file name with a NUL byte")
    if text != "-" and text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text[:60]!r} names a folder; give a file name, e.g. {text[:60]}brief.md")
    return text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``brief`` command to ``subparsers`` (what ``add_subparsers`` returned); the parser."""
    p = subparsers.add_parser(
        "brief", help="write a cell's read-ahead for an exercise: its situation as it may see it, its objectives and orders",
        description="A cell's read-ahead: the opening board as the cell may see it (the others' secret tracks as "
                    "ranges), its objectives and orders with the article's paragraphs, and what the other cells are "
                    "known to want. --seat white: the White Cell's, with everything.")
    p.add_argument("--seat", required=True, choices=SEATS, metavar="SEAT",
                   help="whose brief: is, aq, coalition or governments (what that cell may see), or white (the White "
                        "Cell's: everything, not for the cells)")
    p.add_argument("--scenario", type=given, default=None,
                   help=f"scenario id (default: {DEFAULT_SCENARIO}, the one the start screen offers first)")
    p.add_argument("--format", choices=FORMATS, default="markdown", help="markdown (default) or html: one self-contained file")
    p.add_argument("--out", type=_out, default=None, metavar="FILE",
                   help="the file to write (default: the terminal, as with '-'); replaces only an earlier brief")
    p.add_argument("--seed", type=seed, default=0,
                   help="the game's seed if chosen already: the estimates are then the ranges the cell sees on turn 1 "
                        "(default 0); never shown in the brief")
    p.add_argument("--force", action="store_true", help="replace an existing file that is not a brief (never a save)")
    return p


def brief_command(rulebook: Rulebook, args: argparse.Namespace) -> int:
    """``wargame brief``: write the brief; 0, or one line on stderr and the exit code."""
    seat = getattr(args, "seat", None)
    if seat not in SEATS:
        return fail(f"no seat {_shown(seat)} (seats: {', '.join(SEATS)})")
    form = getattr(args, "format", "markdown")
    if form not in FORMATS:
        return fail(f"no format {_shown(form)} (formats: {', '.join(FORMATS)})")
    scenario = getattr(args, "scenario", None)
    if scenario is None:
        scenario = default_scenario(rulebook)
    if scenario not in rulebook.scenarios:
        return fail(f"no scenario {_shown(scenario)} (scenarios: {', '.join(rulebook.scenarios)})")
    seed = getattr(args, "seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        return fail(f"a seed lies in 0..2**63-1, not {_shown(seed)}")
    out = getattr(args, "out", None)
    if out is not None and not isinstance(out, (str, Path)):
        return fail(f"--out {_shown(out)} is not a file name")
    made = brief(rulebook, scenario, seat, seed=seed)
    text = render_html(made) if form == "html" else render_markdown(made)
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        return 0
    try:
        write_file(Path(out), text, KIND, force=bool(getattr(args, "force", False)))
    except FileProblem as e:
        return fail(str(e), EXIT_BAD_DATA)
    print(f"wrote {out}")
    return 0
