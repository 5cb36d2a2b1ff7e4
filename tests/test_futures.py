"""What next from here: bot continuations of a board are the same for the same board, can be
cancelled, and place a played game honestly among them."""

from __future__ import annotations

import attrs
import pytest

from wargame.analysis.futures import Outcome, futures, outcome_of, placing
from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game

RULEBOOK = load_rulebook()


def played(seed: int, turns: int | None = None):
    state = new_game(RULEBOOK, "exercise", seed)
    for turn in play(RULEBOOK, state, bots_for(parse_seats("all=random"), seed, RULEBOOK), turns):
        state = turn.state
    return state


def test_the_same_board_gives_the_same_futures_and_another_key_others():
    board = played(3, turns=2)
    a, b = futures(RULEBOOK, board, runs=12), futures(RULEBOOK, board, runs=12)
    assert a == b and a.runs == 12 and a.turn == board.turn
    assert futures(RULEBOOK, board, runs=12, seed=1) != a
    assert len({o for o in a.outcomes}) > 1, "each continuation rolls dice of its own"


def test_a_finished_game_has_one_future_its_own_end():
    end = played(4)
    assert end.over
    f = futures(RULEBOOK, end, runs=5)
    assert set(f.outcomes) == {outcome_of(RULEBOOK, end)}


def test_cancelling_keeps_the_games_played_so_far_and_progress_counts_them():
    seen: list[int] = []
    f = futures(RULEBOOK, played(5, turns=1), runs=50, progress=seen.append, cancelled=lambda: len(seen) >= 3,
                engine="scalar")
    assert f.runs == 3 and seen == [1, 2, 3]


def test_the_batch_engine_plays_the_same_continuations_and_is_cancelled_between_batches():
    board = played(6, turns=2)
    for seats in ("all=doctrine:mixed", "all=random"):
        batch = futures(RULEBOOK, board, runs=20, seats=seats)
        assert batch == futures(RULEBOOK, board, runs=20, seats=seats, engine="scalar")
    seen: list[int] = []
    f = futures(RULEBOOK, board, runs=120, progress=seen.append, cancelled=lambda: len(seen) >= 1)
    assert seen == [50] and f.runs == 50  # told after each batch of 50, and stopped at the next


@pytest.mark.parametrize("runs", [0, -1, 10_001])
def test_a_number_of_runs_out_of_range_is_refused(runs):
    with pytest.raises(ValueError, match="runs lie in"):
        futures(RULEBOOK, played(1, turns=1), runs=runs)


def test_the_placing_of_a_game_is_counted_from_the_futures():
    start = new_game(RULEBOOK, "exercise", 9)
    among = futures(RULEBOOK, start, runs=20)
    best = attrs.evolve(among.outcomes[0], territory=999, points=tuple((c, 99) for c, _ in among.outcomes[0].points))
    worst = attrs.evolve(among.outcomes[0], territory=-1, points=tuple((c, -1) for c, _ in among.outcomes[0].points))
    assert "more ground than in 100%" in " ".join(placing(best, among))
    assert "more ground than in 0%" in " ".join(placing(worst, among))
    never = Outcome(None, None, False, 0, tuple((c, 0) for c, _ in among.outcomes[0].points))
    words = " ".join(placing(never, among))
    assert "did not come to terms" in words and "it never collapsed" in words
    share = among.share(lambda o: o.terms_turn is not None)
    assert f"they do in {share:.0%}" in words


def test_ties_are_said_in_the_words_of_what_is_compared():
    """How long IS held out ties "as long as"; ground and points tie "as much as"; never both at once."""
    start = new_game(RULEBOOK, "exercise", 9)
    among = futures(RULEBOOK, start, runs=20)
    level = among.outcomes[0]  # one of the games itself: it ties at least with itself on everything
    lines = placing(level, among)
    held = next(line for line in lines if line.startswith("IS held out"))
    assert ", as long as in " in held and "as much" not in held
    for line in lines:
        if "scored more than" in line or "more ground than" in line:
            assert ", as much as in " in line and "as long" not in line
    assert not any("as long or as much" in line for line in lines)
