"""Write tests/golden/save-v1.json: the golden save of save schema 1.

Run once per schema version (and again only when the rules or decks change on purpose and
tests/test_saves.py says the golden save no longer verifies):

    .venv/bin/python tests/golden/make_golden.py

The game: the `exercise` scenario, seed 2016, random bots in every seat; two turns played, a
result of turn 2 overridden, a bookmarked note, a track set by the facilitator, a card
injected, then a third turn played. Every kind of command appears in it at least once.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from wargame.engine import legal_orders  # noqa: E402
from wargame.headless import bots_for  # noqa: E402
from wargame.model import CELLS  # noqa: E402
from wargame.record.game import Game, Header, play_bots  # noqa: E402
from wargame.record.save import SCHEMA, document, dumps  # noqa: E402
from wargame.rulebook import load_rulebook  # noqa: E402
from wargame.view import view  # noqa: E402

SEED = 2016
STAMP = "2026-01-01T00:00:00Z"
SEATS = {cell: "random" for cell in CELLS}


def choosers(rulebook, seed: int):
    bots = bots_for(SEATS, seed)

    def chooser(cell):
        return lambda state: bots[cell].choose(
            view(state, cell), lambda pending: legal_orders(rulebook, state, cell, pending), rulebook.max_orders
        ).orders

    return {cell: chooser(cell) for cell in CELLS}


def header() -> Header:
    return Header("exercise", SEED, dict(SEATS), "Golden save, schema 1", "golden-v1")


def facilitate(game: Game) -> Game:
    """Play the golden game's commands on ``game`` (a new game of the golden header)."""
    rulebook = game.rulebook
    play_bots(game, choosers(rulebook, SEED), 2)
    # The first order of turn 2 that was rolled for: the facilitator reverses it.
    rolled = next(r for r in game.records(2) if r.kind == "order" and r.chance is not None)
    game.override(rolled.ref, rolled.where, not rolled.happened, "The cell's plan was briefed better than the dice say.")
    game.note("Turn 2 reviewed with the cells.", bookmark="after-override")
    game.set_track("is_funds", 7, "A donor network seized in the Gulf.")
    game.inject(next(iter(sorted(rulebook.cards))), "Facilitator's inject for the debrief.")
    play_bots(game, choosers(rulebook, SEED), 1)
    return game


def golden_game(rulebook) -> Game:
    return facilitate(Game(rulebook, header()))


def main() -> None:
    game = golden_game(load_rulebook())
    out = HERE / f"save-v{SCHEMA}.json"
    out.write_text(dumps(document(game, STAMP, STAMP)), encoding="utf-8")
    print(f"wrote {out}: {len(game.commands)} commands, {len(game.digests)} turns")


if __name__ == "__main__":
    main()
