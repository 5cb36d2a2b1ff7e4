"""The example saves shipped in ``saves/``: made by the engine, checked by the tests.

Run ``make saves`` (or ``python -m wargame.table.examples``) after changing the rules or decks: the
old examples then no longer verify, and the tests say so.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from wargame.bots.random_bot import RandomBot
from wargame.engine.legality import legal_orders
from wargame.engine.model import CELLS, Order, State
from wargame.engine.rulebook import ROOT, Rulebook, load_rulebook
from wargame.engine.view import view
from wargame.record.game import Game, Header, play_bots
from wargame.record.save import document, write_save
from wargame.record.signing import unsigned

SAVES = ROOT / "saves"
EXAMPLES = ("example-exercise.json", "example-spring-2016.json", "example-facilitated.json",
            "example-facilitated-fork.json")
"""The shipped examples' names in ``saves/``, which :func:`make_examples` writes. The games a
facilitator plays are saved in the same folder by default; they are the facilitator's, not
examples (git ignores them, and the tests check only these)."""


def shipped() -> list[Path]:
    """The shipped example saves, in the order of :data:`EXAMPLES`."""
    return [SAVES / n for n in EXAMPLES]
STAMP = "2026-11-24T00:00:00Z"  # fixed, so that remaking the examples changes nothing needlessly


def random_choosers(rulebook: Rulebook, seed: int) -> dict[str, Callable[[State], Sequence[Order]]]:
    def chooser(cell: str) -> Callable[[State], Sequence[Order]]:
        bot = RandomBot(seed)
        return lambda s: bot.choose(view(s, cell), lambda p: legal_orders(rulebook, s, cell, p),
                                    rulebook.max_orders).orders

    return {cell: chooser(cell) for cell in CELLS}


def _save(game: Game, name: str) -> Path:
    path = SAVES / name
    with unsigned():  # shipped: no one's key in them
        write_save(path, document(game, STAMP, STAMP), remake=True)
    return path


def make_examples(rulebook: Rulebook) -> list[Path]:
    seats = {c: "random" for c in CELLS}
    written = []

    # A bot-only exercise, start to finish.
    game = Game(rulebook, Header("exercise", 7, seats, "Example: bots play the exercise", "example-ex7"))
    play_bots(game, random_choosers(rulebook, 7))
    written.append(_save(game, "example-exercise.json"))

    # The full scenario, 2016 Q2 to 2021 Q4.
    game = Game(rulebook, Header("spring-2016", 2016, seats, "Example: the full scenario", "example-sp2016"))
    play_bots(game, random_choosers(rulebook, 2016))
    written.append(_save(game, "example-spring-2016.json"))

    # A facilitated exercise: a note and bookmark, an injected card, a track set by the White
    # Cell, and a result overridden, each with its justification; then a fork of it.
    choose = random_choosers(rulebook, 11)
    game = Game(rulebook, Header("exercise", 11, seats, "Example: a facilitated exercise", "example-white"))
    play_bots(game, choose, turns=2)
    game.note("The cells agree IS is losing the heartland; watch for defections.", bookmark="heartland")
    game.inject("tl-mosul", note="The exercise plan has Mosul fall in the third quarter.")
    game.set_track("coalition_will", 8, "A new administration recommits to the campaign.")
    game.run_events()
    for cell in CELLS:
        game.give_orders(cell, choose[cell](game.state))
    game.resolve()
    rolled = [r for r in game.records(3) if r.chance is not None and r.phase == "dynamics"]
    if rolled:
        r = rolled[0]
        game.override(r.ref, r.where, not r.happened,
                      "White Cell ruling: the players' discussion made the other outcome more plausible.")
    play_bots(game, choose)
    written.append(_save(game, "example-facilitated.json"))

    fork = game.fork(3, "example-fork", "saves/example-facilitated.json")
    fork.note("What if Mosul had not fallen on the plan's schedule?", bookmark="what-if")
    play_bots(fork, random_choosers(rulebook, 12))
    written.append(_save(fork, "example-facilitated-fork.json"))
    return written


def main() -> int:
    for path in make_examples(load_rulebook()):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
