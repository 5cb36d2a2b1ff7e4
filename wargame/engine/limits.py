"""The limits: the most work a rulebook can ask of the engine (rules/README.md, "Limits").

A data file can never run code; these make sure it cannot make the engine slow either. Each is
checked at load, before the work it bounds is done, and reported in one line naming it.
"""

from __future__ import annotations

from pathlib import Path

MAX_FILE_BYTES = 2_000_000  # one *.toml file
MAX_FILES = 64  # *.toml files read from the rules and decks folders together
MAX_TOTAL_BYTES = 8_000_000  # all of them together
MAX_NESTING = 16  # tables and arrays inside one another, in any file
MAX_VALUES = 100_000  # values (numbers, texts, tables, arrays) in one file
MAX_RULES = 200
MAX_ORDERS = 100
MAX_OBJECTIVES = 40
MAX_SCENARIOS = 20
MAX_PARAMETERS = 100
MAX_FORMULAS = 40
MAX_DECKS = 12
MAX_CARDS = 100  # cards in one deck
MAX_EFFECTS = 12  # effects of one rule or card; success and failure effects of one order, each
MAX_DRAWS = 2  # draw(...) effects of one rule or order
MAX_REQUIRES = 8  # requirements of one order
MAX_CITES = 10  # paragraphs one entry cites
MAX_TITLE = 120  # characters of a title
MAX_INVARIANTS = 200  # [[invariant]] entries of rules/invariants.toml
MAX_TEXT = 1_500  # characters of a text (an order's, a card's, a claim...)
MAX_TURNS = 60  # turns of a scenario: at most 99, the bound of `turn` and `turns_left`
MAX_WORK = 40_000
"""The most evaluations (an expression worked out, a card looked at, a record written, the
totals and formulas brought up to date) one turn may take in the worst case the rulebook allows;
see :func:`wargame.engine.work.work_per_turn`."""


def too_many_files(rules_dir: Path, decks_dir: Path, rules_files: list[Path], deck_files: list[Path]) -> str | None:
    """The one line refusing folders with more files, decks or bytes than the limits, before any is read."""
    if len(deck_files) > MAX_DECKS:
        return f"{decks_dir}: {len(deck_files)} decks (*.toml files), more than the limit of {MAX_DECKS}"
    if len(rules_files) + len(deck_files) > MAX_FILES:
        return (f"{rules_dir}: {len(rules_files) + len(deck_files)} *.toml files with the decks', more than the "
                f"limit of {MAX_FILES}")
    total = 0
    for path in rules_files + deck_files:
        try:
            total += path.stat().st_size
        except OSError:
            pass  # reported when it is read
    if total > MAX_TOTAL_BYTES:
        return f"{rules_dir}: the rules and decks come to {total:,} bytes, more than the limit of {MAX_TOTAL_BYTES:,}"
    return None
