"""What an exercise starts with when nobody says otherwise: one definition for every way in.

The start screen (:mod:`wargame.tui.screens.start`) offers :func:`default_scenario` first, and
``wargame brief`` (:mod:`wargame.cli.brief`) writes the brief of the same scenario by default, so a
facilitator who takes the defaults hands out briefs of the game the room will play.
"""

from __future__ import annotations

from wargame.engine.rulebook import Rulebook

DEFAULT_SCENARIO = "exercise"
"""The scenario an exercise plays unless one is chosen: eight quarters, one session of about three
hours (docs/facilitators-guide.md, "Choose the scenario")."""


def default_scenario(rulebook: Rulebook) -> str:
    """:data:`DEFAULT_SCENARIO` if ``rulebook`` has it, else its first scenario (a designer's
    rulebook may have others only)."""
    return DEFAULT_SCENARIO if DEFAULT_SCENARIO in rulebook.scenarios else next(iter(rulebook.scenarios))
