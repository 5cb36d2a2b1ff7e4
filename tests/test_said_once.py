"""What a line of the account says, it says once and whole: no clause left empty, no title said
twice, the command that plays a game again plays that game, and a missing save is said before
anything else is asked of the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tests.bounded import in_process, one_line
from wargame.cli.play import replay_command
from wargame.engine.adjudication import Adjudication
from wargame.engine.model import CELL_TITLES, CELLS
from wargame.engine.rulebook import DECKS_DIR, RULES_DIR, load_rulebook
from wargame.engine.view import orders_hidden, visible_record

RULEBOOK = load_rulebook()


def _record(**fields) -> Adjudication:
    base = dict(turn=1, phase="assessment", kind="rule", ref="assess.pressure-eases", title="Pressure shifts",
                cites=(3,), theatre="iraq", chance=0.3, roll=0.2, happened=True, changes=(("iraq.pressure", 7, 6),))
    return Adjudication(**{**base, **fields})


@pytest.mark.parametrize("template", ["", "Pressure moves elsewhere (¶3)."])
def test_a_rule_that_says_nothing_but_its_odds_leaves_no_empty_clause(template: str) -> None:
    line = _record(template=template).line(RULEBOOK)
    assert ";  " not in line and ": ;" not in line and not line.rstrip().endswith(";")
    assert "so it happened" in line and "7→6" in line
    if template:
        assert "so it happened; Pressure moves elsewhere (¶3)." in line
    quiet = _record(template="", chance=None, roll=None).line(RULEBOOK)
    assert "Pressure shifts in Iraq: (" in quiet and "  " not in quiet


@pytest.mark.parametrize("cell", CELLS)
def test_another_cells_orders_are_said_given_without_the_title_twice_and_without_what(cell: str) -> None:
    budget = RULEBOOK.budgets[cell]
    mine = Adjudication(turn=1, phase="adjudication", kind="budget", ref=budget,
                        title=f"{CELL_TITLES[cell]} orders", cites=(), cell=cell,
                        template=f"{CELL_TITLES[cell]} gave 2 orders: Air campaign in Iraq, Train and equip; cost 4.",
                        changes=((budget, 5, 1),))
    for seat in CELLS:
        seen = visible_record(mine, seat, talks_secret=False)
        if seat == cell:
            assert seen == mine
            continue
        assert seen == orders_hidden(mine) and seen.changes == ()
        line = seen.line(RULEBOOK, ref=False)
        assert line == f"{CELL_TITLES[cell]} orders: {CELL_TITLES[cell]} gave its orders."
        assert "Air campaign" not in line and "2" not in line and "cost" not in line


def test_the_replay_hint_names_everything_that_makes_the_game(tmp_path: Path) -> None:
    args = argparse.Namespace(rules=RULES_DIR, decks=DECKS_DIR, scenario="exercise", seats="all=doctrine,is=random",
                              turns=2)
    assert replay_command(args, 7) == ("wargame play --headless --scenario exercise --seed 7 "
                                       "--seats all=doctrine,is=random --turns 2")
    args.turns, args.rules = None, tmp_path / "my rules"
    assert replay_command(args, 7) == (f"wargame --rules '{tmp_path}/my rules' play --headless --scenario exercise "
                                       "--seed 7 --seats all=doctrine,is=random")


def test_the_hint_a_headless_game_prints_plays_the_same_game_again() -> None:
    first = in_process(["play", "--headless", "--seats", "all=doctrine", "--seed", "11", "--turns", "2"])
    hint = next(line for line in first.out.splitlines() if line.startswith("(replay this game with: "))
    argv = hint.removeprefix("(replay this game with: wargame ").removesuffix(")").split()
    again = in_process(argv)
    assert first.code == again.code == 0 and again.out == first.out and "--turns 2" in hint


@pytest.mark.parametrize("command", [["replay"], ["replay", "--log"], ["report"], ["fork", "--turn", "1", "--out", "x.json"]])
def test_a_missing_save_is_said_first(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "nosuch.json"
    done = in_process([command[0], str(missing), *command[1:]])
    assert "no such file" in one_line(done, 3, "nosuch.json")
    folder = in_process([command[0], str(tmp_path), *command[1:]])
    assert "a folder, not a save" in one_line(folder, 3)


def test_a_bots_reason_never_says_a_lead_that_is_not_one() -> None:
    """al-Qaeda's propaganda reason says its standing "leads IS's by only N" only where N is a
    lead (1 or more); level or behind is said so, never "leads by only -1"."""
    import re

    from wargame.bots.play import bots_for, parse_seats, play
    from wargame.engine.turn import new_game

    said = []
    for seed in range(40):
        for turn in play(RULEBOOK, new_game(RULEBOOK, "spring-2016", seed), bots_for(parse_seats("all=doctrine"), seed, RULEBOOK)):
            said += [r for r in turn.reasons["aq"] if r.startswith("Propaganda")]
    leads = [int(m.group(1)) for r in said for m in [re.search(r"leads IS's by only (-?\d+)", r)] if m]
    level = [r for r in said if "level with IS's or behind it" in r]
    assert said and leads and level, (len(said), len(leads), len(level))  # both are said in these games
    assert min(leads) >= 1
