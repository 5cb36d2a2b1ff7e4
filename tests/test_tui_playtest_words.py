"""A newcomer's second playtest: changes split from their arrows on a narrow summary, a board whose
columns were never explained (and cut off at 60x20), jargon in the Why? dialog and What next,
rolls shown with mixed precision, and the end screen's odds from another number of bot games
than the facilitator's report."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from rich.console import Console

from tests.test_tui_keys import adjudication, bots, name, pilot_test, skip_to, table, to_the_board, until
from wargame.cli.records import ODDS_DEFAULT
from wargame.engine.numbers import d100
from wargame.tui.screens import end
from wargame.tui.screens.futures import seats_words
from wargame.tui.screens.game import HOW_TO_PLAY
from wargame.tui.screens.start import StartScreen
from wargame.tui.screens.why import WhyScreen
from wargame.tui.widgets.board import THEATRE_COLUMNS, THEATRE_LEGEND, TheatreTable
from wargame.tui.widgets.changes import Change, Changes


def drawn(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


def test_a_change_never_breaks_inside_its_values() -> None:
    rows = [Change("▲ AQ standing", "6", "9"), Change("· IS brutality", "7", "7"),
            Change("AQ outreach to defectors in Iraq", "0", "1"), Change("▲ Grievance (average)", "6.33", "6.67")]
    for width in (20, 28, 40, 60):
        lines = drawn(Changes(rows), width)
        for r in rows:
            assert any(r.values in line for line in lines), (width, r, lines)
        assert not any(line.rstrip().endswith("→") or line.lstrip().startswith("→") for line in lines), lines
    assert str(Changes(rows)).splitlines()[0] == "▲ AQ standing: 6 → 9"
    assert drawn(Changes(rows[2:3]), 60)[0].startswith("AQ outreach to defectors in Iraq:")  # one line where it fits


@pilot_test
async def test_the_boards_columns_are_explained_and_a_narrow_board_says_more_are_there(tmp_path: Path) -> None:
    heads = [head for head, _ in THEATRE_COLUMNS[1:]]
    assert [head for head, _ in THEATRE_LEGEND] == heads
    for head, meaning in THEATRE_LEGEND:
        assert f"**{head}** {meaning}" in HOW_TO_PLAY
    async with table(bots(tmp_path), size=(60, 20)) as (pilot, app):
        await to_the_board(pilot, app)
        theatres = app.screen.query_one(TheatreTable)
        assert all(head in str(theatres.tooltip) for head in heads)
        await until(pilot, lambda: "more columns" in str(theatres.border_subtitle), "the note of hidden columns")
        theatres.focus()
        await pilot.press("right", "right", "right", "right", "right")
        await until(pilot, lambda: theatres.scroll_x > 0, "the table to scroll to the right")


def test_what_next_says_who_played_in_words() -> None:
    assert seats_words("all=doctrine:mixed") == "doctrine bots, postures drawn per game"
    assert seats_words("all=doctrine:cautious,is=random") == "doctrine bots, cautious; is: random bots"


def test_the_start_screens_help_names_the_article() -> None:
    assert "What An al-Qaeda-Islamic State Rapprochement Could Look Like" in StartScreen.ABOUT
    assert "¶3" in StartScreen.ABOUT


@pilot_test
async def test_why_puts_the_chance_and_the_effects_on_lines_of_their_own(tmp_path: Path) -> None:
    async with table(bots(tmp_path)) as (pilot, app):
        await skip_to(pilot, app, lambda: adjudication(app) and app.screen.records, "an adjudication")
        walk = app.screen
        rules = [r for r in walk.records if r.kind == "rule" and walk.rulebook.rule(r.ref).chance is not None]
        text = WhyScreen(walk.rulebook, rules[0] if rules else walk.records[0]).explanation() if rules else ""
        seen = name(app)
    assert seen == "WalkthroughScreen" and text, "a rule with a chance among the first results"
    assert "**Chance, as the rules compute it:**" in text and "claims C" not in text
    assert "\n\n**Effects:**" in text, text  # a paragraph of its own, not run on after the formula


def test_a_roll_has_the_decimals_of_the_face_it_needed() -> None:
    for chance, roll in ((1 / 3, 0.76795), (0.37, 0.12), (0.375, 0.9), (0.0125, 0.0084), (1 / 3, 1 / 3)):
        shown = d100(chance, chance, roll)
        places = [len(x.partition(".")[2]) for x in (shown.needed, shown.rolled)]
        assert places[0] == places[1], shown
        # a roll that failed never reads as the face it needed
        assert (Decimal(shown.rolled) <= Decimal(shown.needed)) == (roll < chance), shown
    assert str(d100(1 / 3, 1 / 3, 0.76795)) == "needed 33.33 or less, rolled 76.80"
    assert str(d100(0.37, 0.37, 0.125)) == "needed 37 or less, rolled 13"
    assert re.fullmatch(r"\d+", d100(0.5, 0.5, 0.7).rolled)


def test_the_end_screen_and_the_report_place_a_game_among_as_many_bot_games() -> None:
    # the same number of bot games on the end screen and in `wargame report`, so the same odds
    from wargame.analysis.futures import ODDS_RUNS

    assert end.ODDS_RUNS == ODDS_RUNS == ODDS_DEFAULT
