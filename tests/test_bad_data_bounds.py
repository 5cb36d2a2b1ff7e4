"""Bad data, kind 5: every assumption of the chance proof is a checked bound of the data. The loader
proves each chance within 0..1 (and each score within its points) from the ranges of the names it
reads; a computed name's range is only an assumption unless the data cannot break it. So a
scenario whose years leave the range of ``year`` is refused (``start = "2150Q1"`` with
``chance = "(year - 2000) / 100"`` once passed and rolled at 150%), and so is one with too many
theatres or turns; and on any scenario the loader accepts, every computed name stays within its
declared range and every chance within 0..1 in play.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.bounded import appended, fewer, in_process, one_line
from wargame.engine import board as board_module
from wargame.engine.board import COMPUTED, GLOBAL_TRACKS, MAX_OFFSHOOTS, N_THEATRES_MAX, THEATRE_COMPUTED, THEATRE_TRACKS
from wargame.engine.legality import legal_orders
from wargame.engine.limits import MAX_TURNS
from wargame.engine.model import CELLS, Theatre, tracks_of
from wargame.engine.position import scores
from wargame.engine.reading import RulebookError
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import begin_turn, new_game, resolve_turn

YEAR_LO, YEAR_HI = int(COMPUTED["year"][0]), int(COMPUTED["year"][1])


def years(start_year: int, quarter: int, turns: int) -> tuple[int, int]:
    return start_year, start_year + (quarter - 1 + turns - 1) // 4


@st.composite
def scenarios(draw, start_years=st.integers(YEAR_LO, YEAR_HI - MAX_TURNS // 4), theatres=st.integers(1, N_THEATRES_MAX)) -> tuple[str, dict]:
    """A scenario as TOML, any tracks anywhere in their bounds: (text, what it was made of)."""
    year, quarter = draw(start_years), draw(st.integers(1, 4))
    turns = draw(st.integers(1, MAX_TURNS))
    n = draw(theatres)
    lines = ["[scenario.made]", 'title = "Made"', f'start = "{year:04d}Q{quarter}"', f"turns = {turns}",
             "[scenario.made.islamic_state]"]
    from wargame.engine.model import AlQaeda, Coalition, Governments, IslamicState, Leader, Relation

    def tracks(cls) -> list[str]:
        return [f"{name} = {draw(st.integers(lo, hi))}" for name, lo, hi in tracks_of(cls)]

    lines += tracks(IslamicState)
    lines += ["[scenario.made.islamic_state.leader]", 'name = "A"', *tracks(Leader)]
    lines += ["[scenario.made.al_qaeda]", *tracks(AlQaeda)]
    lines += ["[scenario.made.al_qaeda.leader]", 'name = "B"', *tracks(Leader)]
    for part, cls in (("coalition", Coalition), ("governments", Governments), ("relation", Relation)):
        lines += [f"[scenario.made.{part}]", *tracks(cls)]
    names = ["iraq", "syria", "libya", "sinai", "yemen", "somalia", "afpak", "sahel", "lake_chad", "t10", "t11", "t12"]
    for name in names[:n]:
        lines += [f"[scenario.made.theatres.{name}]", f'title = "{name.title()}"', *tracks(Theatre)]
    return "\n".join(lines) + "\n", {"year": year, "quarter": quarter, "turns": turns, "theatres": n}


# --- the calendar --------------------------------------------------------------------------------------


@fewer(2)
@given(year=st.integers(0, 9999), quarter=st.integers(1, 4), turns=st.integers(1, MAX_TURNS))
@example(year=2150, quarter=1, turns=1)  # the issue's example
@example(year=2100, quarter=4, turns=1)  # the last quarter there is
@example(year=2100, quarter=4, turns=2)  # one past it
@example(year=1999, quarter=4, turns=8)
@example(year=2000, quarter=1, turns=60)
@example(year=2086, quarter=2, turns=60)
def test_a_scenario_is_refused_exactly_when_its_years_leave_the_range_of_year(book, year, quarter, turns):
    base, rules, decks = book
    first, last = years(year, quarter, turns)
    path = rules / "scenarios.toml"
    text = f'[scenario.when]\nbased_on = "spring-2016"\nstart = "{year:04d}Q{quarter}"\nturns = {turns}\n'
    with appended(path, text):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        if first >= YEAR_LO and last <= YEAR_HI:
            assert done.code == 0, done.err
        else:
            line = one_line(done, 3, str(path), "scenario when", "'year'")
            assert f"{first}..{last}" in line


def test_the_issues_chance_is_safe_because_the_year_is_bounded(book):
    """`(year - 2000) / 100` lies in 0..1 for every year the loader lets a scenario have."""
    base, rules, decks = book
    chance_rule = ('[[rule]]\nid = "t.late"\ntitle = "Late"\ncites = [4]\nclaim = "x"\nphase = "dynamics"\n'
                   'chance = "(year - 2000) / 100"\neffects = ["is_funds += 0"]\nexplain = ""\n')
    with appended(rules / "adjudication.toml", chance_rule):
        assert in_process(["--rules", rules, "--decks", decks, "check"]).code == 0
        with appended(rules / "scenarios.toml", '[scenario.late]\nbased_on = "spring-2016"\nstart = "2150Q1"\nturns = 4\n'):
            one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, "scenario late", "2150")


@pytest.mark.parametrize("turns", [0, MAX_TURNS + 1, 99, 100, 10**6])
def test_a_scenario_may_not_run_past_the_bounds_of_turn(book, turns):
    base, rules, decks = book
    assert COMPUTED["turn"][1] >= MAX_TURNS and COMPUTED["turns_left"][1] >= MAX_TURNS - 1
    with appended(rules / "scenarios.toml", f'[scenario.long]\nbased_on = "spring-2016"\nturns = {turns}\n'):
        one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, "scenario long", "turns")


@pytest.mark.parametrize("extra", [1, 4, 40])
def test_a_scenario_may_not_have_more_theatres_than_the_totals_assume(book, extra):
    """The base's nine theatres and ``extra`` more through based_on: 13 or more is refused."""
    base, rules, decks = book
    spring = load_rulebook(rules, decks).scenarios["spring-2016"]
    text = '[scenario.wide]\nbased_on = "spring-2016"\n' + "".join(
        f'[scenario.wide.theatres.extra{i}]\ntitle = "Extra {i}"\n' for i in range(extra))
    with appended(rules / "scenarios.toml", text):
        done = in_process(["--rules", rules, "--decks", decks, "check"])
        if len(spring.initial.theatres) + extra <= N_THEATRES_MAX:
            assert done.code == 0, done.err
        else:
            one_line(done, 3, "scenario wide", f"1..{N_THEATRES_MAX} theatres")


def test_turn_start_territory_is_the_engines_not_a_scenarios(book):
    base, rules, decks = book
    text = '[scenario.sly]\nbased_on = "spring-2016"\n[scenario.sly.theatres.iraq]\nturn_start_territory = 10\n'
    with appended(rules / "scenarios.toml", text):
        one_line(in_process(["--rules", rules, "--decks", decks, "check"]), 3, "turn_start_territory")


# --- in play, nothing leaves the ranges the proof assumed ---------------------------------------------


class Watch:
    """Checks, every time the engine brings the totals up to date, that each computed name and
    each track lies within its declared range, and counts the chances rolled outside 0..1."""

    def __init__(self, rulebook, monkeypatch):
        self.seen = 0
        real = board_module.Board.refresh

        def refresh(board) -> None:
            real(board)
            self.check(board)

        monkeypatch.setattr(board_module.Board, "refresh", refresh)
        for expr in [r.chance for r in rulebook.rules] + [o.chance for o in rulebook.orders]:
            if expr is not None:
                expr.fn = self.chance(expr.fn, expr.source)

    def chance(self, fn, source):
        def checked(G, T, O):
            v = fn(G, T, O)
            assert 0.0 <= v <= 1.0, f"chance {source!r} is {v}"
            return v

        return checked

    def check(self, board) -> None:
        g = board.g
        self.seen += 1
        for name, (lo, hi, _) in COMPUTED.items():
            if name in g:
                assert lo <= g[name] <= hi, f"{name} = {g[name]} outside {lo}..{hi}"
        for name, (lo, hi) in GLOBAL_TRACKS.items():
            assert lo <= g[name] <= hi, f"{name} = {g[name]}"
        assert len(board.offshoots) <= MAX_OFFSHOOTS
        for t in board.theatres:
            for name, (lo, hi, _) in THEATRE_COMPUTED.items():
                assert lo <= t[name] <= hi, f"{t['name']}.{name} = {t[name]} outside {lo}..{hi}"
            for name, (lo, hi) in THEATRE_TRACKS.items():
                assert lo <= t[name] <= hi, f"{t['name']}.{name} = {t[name]}"


@fewer(3)
@given(made=scenarios(), seed=st.integers(0, 2**32), turns=st.integers(1, 4))
def test_on_any_scenario_the_loader_accepts_every_name_stays_in_its_range(book, made, seed, turns):
    base, rules, decks = book
    text, spec = made
    with appended(rules / "scenarios.toml", text):
        rb = load_rulebook(rules, decks)
    with pytest.MonkeyPatch.context() as mp:
        watch = Watch(rb, mp)
        state = new_game(rb, "made", seed)
        import random

        rng = random.Random(seed)
        played = 0
        while not state.over and played < turns:
            state = begin_turn(rb, state).state
            orders = {}
            for cell in CELLS:
                mine = []
                for _ in range(rb.max_orders):
                    legal = legal_orders(rb, state, cell, mine)
                    if not legal:
                        break
                    mine.append(rng.choice(legal))
                orders[cell] = mine
            state = resolve_turn(rb, state, orders).state
            scores(rb, state)
            played += 1
        assert watch.seen > 0
    assert spec["theatres"] == len(state.theatres)


@fewer(4)
@given(made=scenarios(start_years=st.integers(0, 9999)))
def test_a_scenario_loads_exactly_when_its_calendar_is_in_range(book, made):
    base, rules, decks = book
    text, spec = made
    first, last = years(spec["year"], spec["quarter"], spec["turns"])
    with appended(rules / "scenarios.toml", text):
        try:
            load_rulebook(rules, decks)
            loaded = True
        except RulebookError as e:
            loaded = False
            assert len(e.problems) == 1 and "'year'" in e.problems[0], e.problems
    assert loaded == (first >= YEAR_LO and last <= YEAR_HI)
