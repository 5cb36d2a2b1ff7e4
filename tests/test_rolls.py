"""Rolls are shown on the scale of their odds, and never contradict the outcome (issue 12, finding 4).

"Odds 37%; the roll was 0.37, so it happened" read as a contradiction. A roll is now shown as a
d100 against the odds, "needed 37 or less, rolled 52", and the engine's rule (``roll < chance``,
:mod:`wargame.engine.resolver`) holds exactly when the face rolled is at most the face needed,
for every chance (0.375 too, which needs a decimal) and every roll, ties included.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.adjudication import Adjudication
from wargame.engine.numbers import d100, number, ordinal, percent
from wargame.engine.shown import render_records
from wargame.engine.turn import new_game

UNIT = 2.0**-53  # the dice's grain: a roll is a multiple of it in [0, 1) (wargame.engine.dice)

rolls = st.integers(0, 2**53 - 1).map(lambda k: k * UNIT)
chances = st.one_of(
    st.floats(0, 1),
    st.integers(0, 100).map(lambda k: k / 100),
    st.integers(0, 1000).map(lambda k: k / 1000),
    st.integers(0, 40).map(lambda k: k * 0.025),  # what clamp(0.3 + x / 20 + y / 40 ...) gives
    st.integers(1, 99).map(lambda k: 1 / k),
)


def value(text: str) -> Fraction:
    return Fraction(Decimal(text))


def near(chance: float, steps: int) -> float:
    """A roll ``steps`` grains from the chance (the ties rounding could hide)."""
    k = math.floor(chance / UNIT) + steps
    return min(max(k, 0), 2**53 - 1) * UNIT


@given(chance=chances, roll=rolls)
@example(chance=0.37, roll=0.36999999999999994)
@example(chance=0.375, roll=0.375)
@example(chance=0.375, roll=0.3749999999999999)
@example(chance=0.37, roll=near(0.37, 0))
@example(chance=0.37, roll=near(0.37, 1))
@example(chance=1 / 3, roll=near(1 / 3, 0))
@example(chance=0.0, roll=0.0)
@example(chance=1.0, roll=1 - UNIT)
@example(chance=5e-324, roll=0.0)
def test_rolled_at_most_needed_exactly_when_the_roll_beat_the_odds(chance: float, roll: float) -> None:
    shown = d100(chance, chance, roll)
    assert shown.beat == (roll < chance)
    assert (value(shown.rolled) <= value(shown.needed)) == (roll < chance), (chance, roll, shown)
    assert 0 < value(shown.rolled) <= 100 and 0 <= value(shown.needed) <= 100


@given(chance=chances, steps=st.integers(-3, 3))
def test_ties_are_never_hidden_by_rounding(chance: float, steps: int) -> None:
    roll = near(chance, steps)
    shown = d100(chance, chance, roll)
    assert (value(shown.rolled) <= value(shown.needed)) == (roll < chance), (chance, roll, shown)


@pytest.mark.parametrize("chance, needed", [(0.37, "37"), (0.375, "37.5"), (0.05, "5"), (0.0125, "1.25"),
                                            (0.3 + 0.075, "37.5"), (1.0, "100"), (0.6, "60")])
def test_needed_is_the_chance_as_it_was_designed(chance: float, needed: str) -> None:
    # a roll well away from the chance: the scale is the one the chance needs, no finer
    assert d100(chance, chance, 0.9 if chance < 0.8 else 0.1).needed == needed


@given(chance=chances)
def test_the_odds_and_the_face_needed_read_alike(chance: float) -> None:
    shown = d100(chance, chance, 0.999 if chance < 0.99 else 0.0)
    assert percent(chance) == shown.needed + "%" or percent(chance)[0] in "<>"


def test_the_issues_examples_read_without_contradiction() -> None:
    assert str(d100(0.37, 0.37, 0.3699)) == "needed 37 or less, rolled 37"
    assert str(d100(0.37, 0.37, 0.3701)) == "needed 37 or less, rolled 38"
    assert str(d100(0.65, 0.65, 0.65)) == "needed 65 or less, rolled 66"
    assert str(d100(0.375, 0.375, 0.3755)) == "needed 37.5 or less, rolled 37.6"


@given(lo=chances, width=st.floats(0, 1), roll=rolls, data=st.data())
def test_a_band_never_contradicts_the_engines_result(lo: float, width: float, roll: float, data) -> None:
    hi = min(1.0, lo + width)
    # the result the engine could have given for some chance in the band
    beat = data.draw(st.sampled_from([b for b in (True, False) if (roll < hi if b else roll >= lo)] or [roll < lo]))
    shown = d100(lo, hi, roll, beat)
    lo_text, _, hi_text = shown.needed.partition("–")
    needed_lo, needed_hi = value(lo_text), value(hi_text or lo_text)
    if beat:
        assert value(shown.rolled) <= needed_hi, (lo, hi, roll, shown)
    else:
        assert value(shown.rolled) > needed_lo, (lo, hi, roll, shown)


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (22, "22nd"), (101, "101st"), (111, "111th")])
def test_ordinals(n: int, text: str) -> None:
    assert ordinal(n) == text == number(n, "ordinal")


@pytest.mark.parametrize("x, text", [(7, "7"), (7.0, "7"), (6.333333, "6.33"), (19 / 3, "6.33"), (12.345, "12.3"),
                                     (0.25, "0.25"), (-1.5, "-1.5"), (2.10, "2.1")])
def test_numbers_for_people(x: float, text: str) -> None:
    assert number(x) == text


@pytest.mark.parametrize("p, text", [(0.37, "37%"), (0.375, "37.5%"), (0.3 + 0.075, "37.5%"), (1 / 3, "33.33%"),
                                     (0.4875, "48.75%"), (0.00004, "<0.01%"), (0.999999, ">99.99%"), (0.0, "0%"),
                                     (1.0, "100%")])
def test_percentages(p: float, text: str) -> None:
    assert percent(p) == text


# --- every roll the product shows -------------------------------------------------------------------

ROLLED = re.compile(r"needed ([\d.]+)(?:–([\d.]+))? or less, rolled ([\d.]+)")


def check_shown(r: Adjudication) -> None:
    """A record's roll, as the record says it, agrees with the engine's result."""
    if r.roll is None or not r.rolled:
        assert "rolled" not in r.odds
        return
    m = ROLLED.search(r.odds)
    assert m, r.odds
    lo, hi, rolled = value(m.group(1)), value(m.group(2) or m.group(1)), value(m.group(3))
    if r.engine_said:
        assert rolled <= hi, r.odds
    else:
        assert rolled > lo, r.odds
    if r.band is None:
        assert (rolled <= hi) == r.engine_said == (r.roll < r.chance)
    assert "so " + r.verdict in r.line()


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**32), seat=st.sampled_from(["white", "is", "aq", "coalition", "governments", "public"]))
def test_every_roll_of_a_game_as_each_seat_is_shown_it_agrees_with_its_outcome(rulebook, seed: int, seat: str) -> None:
    state = new_game(rulebook, "exercise", seed)
    seen = 0
    for turn in play(rulebook, state, bots_for(parse_seats("all=doctrine"), seed, rulebook), turns=4):
        base = turn.orders_state or turn.state
        for r in render_records(rulebook, turn.results, base, seat):
            check_shown(r)
            seen += r.roll is not None
    assert seen
