"""Write tests/golden/save-v<SCHEMA>.json: the golden save of the current save schema.

Run once per schema version (and again only when the rules or decks change on purpose and
tests/test_saves.py says the golden save was not played with today's rules):

    .venv/bin/python tests/golden/make_golden.py

The golden saves of older schemas stay as they were (save-v1.json: schema 1, before saves held
their rules, a checksum and the seat command): they prove old saves still load and show their log.

The game: the `exercise` scenario, seed 2016, random bots in every seat; two turns played, a
result of turn 2 overridden, a bookmarked note, a track set by the facilitator, a card
injected, the seats changed (logged), then a third turn played. Every kind of command appears in
it at least once.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from wargame.bots.play import bots_for  # noqa: E402
from wargame.engine.legality import legal_orders  # noqa: E402
from wargame.engine.model import CELLS  # noqa: E402
from wargame.engine.rulebook import load_rulebook  # noqa: E402
from wargame.engine.view import view  # noqa: E402
from wargame.record.document import SCHEMA  # noqa: E402
from wargame.record.game import Game, Header, play_bots  # noqa: E402
from wargame.record.save import document, write_save  # noqa: E402
from wargame.record.signing import unsigned  # noqa: E402

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
    return Header("exercise", SEED, dict(SEATS), f"Golden save, schema {SCHEMA}", f"golden-v{SCHEMA}")


def facilitate(game: Game) -> Game:
    """Play the golden game's commands on ``game`` (a new game of the golden header)."""
    rulebook = game.rulebook
    play_bots(game, choosers(rulebook, SEED), 2)
    # The first order of turn 2 that was rolled for: the facilitator reverses it.
    rolled = next(r for r in game.records(2) if r.kind == "order" and r.chance is not None)
    game.override(rolled.ref, rolled.where, not rolled.happened, "The cell's plan was briefed better than the dice say.")
    game.note("Turn 2 reviewed with the cells.", bookmark="after-override")
    game.say("is-aq", "is", "A word between the groups, for the debrief.")
    game.set_track("is_funds", 7, "A donor network seized in the Gulf.")
    game.inject(next(iter(sorted(rulebook.cards))), "Facilitator's inject for the debrief.")
    game.set_seats({**SEATS, "is": "doctrine:cautious"}, "The IS seat is handed to a cautious doctrine bot.")
    play_bots(game, choosers(rulebook, SEED), 1)
    return game


def golden_game(rulebook) -> Game:
    return facilitate(Game(rulebook, header()))


def main() -> None:
    game = golden_game(load_rulebook())
    out = HERE / f"save-v{SCHEMA}.json"
    with unsigned():  # no one's key in a golden save
        write_save(out, document(game, STAMP, STAMP), remake=True)
    print(f"wrote {out}: {len(game.commands)} commands, {len(game.digests)} turns")


if __name__ == "__main__":
    main()
