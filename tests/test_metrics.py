"""Per-game metrics: each one measured right on games built by hand, the meter fed turn by turn,
and every metric a target may name given by every game.

Nothing here depends on the rules' numbers: the turns are built by hand (``attrs.evolve`` on a
new game's state), and the ids of rules, cards and order kinds are read from the rulebook."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pytest

from wargame.analysis.bounds import BOUND_TRACKS, TRACKS
from wargame.analysis.catalogue import metric_catalogue, metric_maximum
from wargame.analysis.metrics import (
    IDLE_KINDS,
    NA,
    OFFSHOOT_WINDOW,
    SPLIT_WINDOW,
    GameMeter,
    option_counts,
    play_game,
)
from wargame.bots.play import PlayedTurn, parse_seats
from wargame.engine.adjudication import Adjudication
from wargame.engine.legality import legal_orders
from wargame.engine.model import ALLIANCE, CELLS, MERGER, RIVALRY, SPLIT, TALKS, Order, State
from wargame.engine.position import formula_values
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import begin_turn, new_game

RULEBOOK = load_rulebook()
OPENING = new_game(RULEBOOK, "spring-2016", 1)


def part(state: State, name: str, **changes: Any) -> State:
    return attrs.evolve(state, **{name: attrs.evolve(getattr(state, name), **changes)})


def at(turn: int, state: State = OPENING, **parts: Mapping[str, Any]) -> State:
    """The opening board at the end of ``turn``, with some parts changed: ``relation={...}``."""
    state = attrs.evolve(state, turn=turn)
    for name, changes in parts.items():
        state = part(state, name, **changes)
    return state


def turn_of(turn: int, state: State, orders: Mapping[str, Sequence[Order]] | None = None,
            records: Sequence[Adjudication] = ()) -> PlayedTurn:
    return PlayedTurn(turn, (), {c: tuple((orders or {}).get(c, ())) for c in CELLS}, {}, tuple(records), state)


def measure(turns: Sequence[PlayedTurn], options: Sequence[Mapping[str, int]] | None = None,
            opening: State = OPENING) -> dict[str, Any]:
    meter = GameMeter(RULEBOOK, opening)
    for i, t in enumerate(turns):
        meter.add(t, options[i] if options is not None else None)
    return meter.metrics()


def quiet(n: int, **parts: Mapping[str, Any]) -> list[PlayedTurn]:
    """``n`` turns in which nothing changes."""
    return [turn_of(t, at(t, **parts)) for t in range(1, n + 1)]


def record(kind: str, ref: str, happened: bool = True) -> Adjudication:
    return Adjudication(turn=1, phase="dynamics", kind=kind, ref=ref, title=ref, cites=(1,), happened=happened)


# --- every game gives every metric --------------------------------------------------------------


@pytest.fixture(scope="module")
def a_game():
    return play_game(RULEBOOK, "exercise", 7, parse_seats("all=doctrine"))


def test_a_game_gives_every_metric_of_the_catalogue_and_nothing_else(a_game) -> None:
    names = [n for n, _ in metric_catalogue(RULEBOOK)]
    assert len(names) == len(set(names))
    assert set(a_game.metrics) == set(names)
    for name, value in a_game.metrics.items():
        assert value is NA or (isinstance(value, float) and math.isfinite(value)), name


def test_the_families_cover_every_rule_card_order_objective_cell_and_track(a_game) -> None:
    m = a_game.metrics
    assert all(f"fired:{r.id}" in m for r in RULEBOOK.rules)
    assert all(f"drawn:{c}" in m for c in RULEBOOK.cards)
    assert all(f"ordered:{k.cell}:{k.id}" in m for k in RULEBOOK.orders)
    assert all(f"objective:{o.id}" in m for o in RULEBOOK.objectives)
    for cell in CELLS:
        for family in ("cell", "orders", "no_order_turns", "no_order_share", "options", "idle_turns", "idle_share",
                       "idle_run"):
            assert f"{family}:{cell}" in m
    for track in TRACKS:
        assert {f"at_bound:{track}", f"at_lo:{track}", f"at_hi:{track}"} <= set(m)


def test_a_played_game_is_measured_turn_by_turn(a_game) -> None:
    m = a_game.metrics
    turns = RULEBOOK.scenarios["exercise"].turns
    assert m["turns"] == turns and all(len(v) == turns for v in a_game.series.values())
    for cell in CELLS:
        assert 0 <= m[f"idle_turns:{cell}"] <= turns and m[f"idle_run:{cell}"] <= m[f"idle_turns:{cell}"]
        assert m[f"no_order_share:{cell}"] == m[f"no_order_turns:{cell}"] / turns
        assert m[f"cell:{cell}"] == sum(v for k, v in m.items() if k.startswith("objective:")
                                        and next(o for o in RULEBOOK.objectives if f"objective:{o.id}" == k).cell == cell)


def test_the_bound_tracks_leave_out_tallies_counters_and_switches() -> None:
    assert "is_brutality" in BOUND_TRACKS and "relation_stage" in BOUND_TRACKS
    for name, (lo, hi) in BOUND_TRACKS.items():
        assert not name.startswith("tally_") and hi - lo > 1
    assert not {"relation_turns", "is_leader_successions", "aq_leader_vacuum", "relation_known"} & set(BOUND_TRACKS)
    assert {"avg_grievance", "avg_governance", "avg_reform"} <= set(TRACKS)


def test_only_scores_have_a_maximum() -> None:
    cell = RULEBOOK.objectives[0].cell
    assert metric_maximum(RULEBOOK, f"cell:{cell}") == sum(o.points for o in RULEBOOK.objectives if o.cell == cell)
    assert metric_maximum(RULEBOOK, f"objective:{RULEBOOK.objectives[0].id}") == RULEBOOK.objectives[0].points
    assert metric_maximum(RULEBOOK, "talks_opened") is None


# --- orders and choices -------------------------------------------------------------------------


def test_idle_turns_are_those_with_fewer_than_two_kinds_of_legal_order_and_the_longest_run_is_kept() -> None:
    kinds = [3, 1, 1, 0, 2, 1, 1, 1, 1, 5]
    options = [{c: (k if c == "is" else 4) for c in CELLS} for k in kinds]
    m = measure(quiet(len(kinds)), options)
    assert IDLE_KINDS == 2
    assert m["idle_turns:is"] == 7 and m["idle_run:is"] == 4 and m["idle_share:is"] == 0.7
    assert m["options:is"] == sum(kinds) / len(kinds)
    assert m["idle_turns:aq"] == 0 and m["idle_run:aq"] == 0 and m["options:aq"] == 4


def test_a_turn_without_its_choices_known_does_not_count_towards_idleness() -> None:
    m = measure(quiet(3))  # no options given and no orders_state to work them out from
    assert m["options:is"] is NA and m["idle_run:is"] is NA and m["idle_share:is"] is NA
    assert m["turns"] == 3


def test_option_counts_are_the_distinct_kinds_of_legal_order_when_orders_are_due() -> None:
    state = begin_turn(RULEBOOK, OPENING).state
    counts = option_counts(RULEBOOK, state)
    for cell in CELLS:
        assert counts[cell] == len({o.kind for o in legal_orders(RULEBOOK, state, cell)})
    assert option_counts(RULEBOOK, OPENING) == dict.fromkeys(CELLS, 0)  # the events phase: nothing is legal
    broke = part(state, "islamic_state", funds=0)
    assert option_counts(RULEBOOK, broke)["is"] <= counts["is"]


def test_the_meter_works_out_the_choices_from_the_state_the_orders_were_given_in() -> None:
    ordered = begin_turn(RULEBOOK, OPENING).state
    turn = attrs.evolve(turn_of(1, at(1)), orders_state=ordered)
    m = measure([turn])
    for cell, n in option_counts(RULEBOOK, ordered).items():
        assert m[f"options:{cell}"] == n and m[f"idle_turns:{cell}"] == (n < IDLE_KINDS)


def test_orders_per_turn_turns_without_orders_and_each_kind_given_are_counted() -> None:
    is_kinds = [k.id for k in RULEBOOK.orders if k.cell == "is"]
    a, b = is_kinds[0], is_kinds[1]
    turns = [turn_of(1, at(1), {"is": [Order("is", a, "iraq"), Order("is", b)]}),
             turn_of(2, at(2)),
             turn_of(3, at(3), {"is": [Order("is", a, "syria")]})]
    m = measure(turns)
    assert m["orders:is"] == 1.0 and m["no_order_turns:is"] == 1 and m["no_order_share:is"] == pytest.approx(1 / 3)
    assert m["no_order_turns:aq"] == 3 and m["no_order_share:aq"] == 1.0
    assert m[f"ordered:is:{a}"] == 1.0 and m[f"ordered:is:{b}"] == 1.0
    assert all(m[f"ordered:is:{k}"] == 0.0 for k in is_kinds[2:])


# --- rules, cards ---------------------------------------------------------------------------------


def test_a_rule_fired_and_a_card_drawn_need_a_record_of_theirs_that_happened() -> None:
    fired, failed = RULEBOOK.rules[0].id, RULEBOOK.rules[1].id
    drawn, aside = list(RULEBOOK.cards)[:2]
    records = [record("rule", fired), record("rule", failed, happened=False), record("card", drawn),
               record("deck", aside, happened=False), record("order", RULEBOOK.rules[2].id)]
    m = measure([turn_of(1, at(1), records=records)])
    assert m[f"fired:{fired}"] == 1.0 and m[f"fired:{failed}"] == 0.0
    assert m[f"fired:{RULEBOOK.rules[2].id}"] == 0.0  # an order's record is not the rule's
    assert m[f"drawn:{drawn}"] == 1.0 and m[f"drawn:{aside}"] == 0.0


# --- tracks at their bounds ----------------------------------------------------------------------------


def test_a_track_at_a_bound_counts_the_share_of_turns_ending_there() -> None:
    lo, hi = BOUND_TRACKS["is_brutality"]
    values = [lo, hi, (lo + hi) // 2, hi]
    m = measure([turn_of(t, at(t, islamic_state={"brutality": v})) for t, v in enumerate(values, 1)])
    assert m["at_lo:is_brutality"] == 0.25 and m["at_hi:is_brutality"] == 0.5 and m["at_bound:is_brutality"] == 0.75


def test_an_averaged_theatre_track_is_at_a_bound_only_when_every_theatre_is() -> None:
    def grievance(state: State, value) -> State:
        return attrs.evolve(state, theatres=tuple(attrs.evolve(t, grievance=value(i)) for i, t in
                                                  enumerate(state.theatres)))

    turns = [turn_of(1, grievance(at(1), lambda i: 0)), turn_of(2, grievance(at(2), lambda i: 0 if i else 1)),
             turn_of(3, grievance(at(3), lambda i: 10)), turn_of(4, grievance(at(4), lambda i: 5))]
    m = measure(turns)
    assert m["at_lo:avg_grievance"] == 0.25 and m["at_hi:avg_grievance"] == 0.25 and m["at_bound:avg_grievance"] == 0.5


# --- the relation ------------------------------------------------------------------------------------


def relation_game(stages: Mapping[int, int], splits: Sequence[int] = (), last: int = 23, autonomy: int = 2
                  ) -> dict[str, Any]:
    """A game of ``last`` turns: the relation's stage changes at the turns of ``stages``, and a
    second split is tallied at each turn of ``splits``."""
    turns, stage, count = [], RIVALRY, 0
    for t in range(1, last + 1):
        stage = stages.get(t, stage)
        count += t in splits
        state = at(t, relation={"stage": stage, "autonomy": autonomy if stage in (ALLIANCE, MERGER) else 0})
        state = part(state, "tally", second_splits=count)
        turns.append(turn_of(t, state))
    return measure(turns)


def test_talks_opened_is_the_first_turn_in_talks_and_talks_turn_keeps_its_old_meaning() -> None:
    m = relation_game({4: TALKS, 6: ALLIANCE}, last=10)
    assert m["talks_opened"] == 1.0 and m["talks_opened_turn"] == 4 and m["talks_turn"] == 4
    never = relation_game({}, last=10)
    assert never["talks_opened"] == 0.0 and never["talks_opened_turn"] == -1
    assert never["talks_turn"] == OPENING.last_turn + 1  # never: the last turn + 1, as the C1 experiments read it


def test_a_merger_keeps_the_autonomy_of_the_first_rapprochement() -> None:
    m = relation_game({3: MERGER}, autonomy=1)
    assert m["merger"] == 1.0 and m["merger_autonomy"] == 1.0
    assert relation_game({3: ALLIANCE}, autonomy=3)["merger_autonomy"] == 3.0
    none = relation_game({3: TALKS})
    assert none["merger"] == 0.0 and none["merger_autonomy"] is NA


def test_a_second_split_counts_within_eight_quarters_of_the_first_rapprochement() -> None:
    assert SPLIT_WINDOW == 8
    assert relation_game({3: ALLIANCE, 9: SPLIT}, splits=[9])["split_within_8"] == 1.0
    assert relation_game({3: ALLIANCE, 11: SPLIT}, splits=[11])["split_within_8"] == 1.0  # the window's last quarter
    late = relation_game({3: ALLIANCE, 12: SPLIT}, splits=[12])
    assert late["split_within_8"] == 0.0 and late["split_turn"] == 12
    assert relation_game({3: ALLIANCE})["split_within_8"] == 0.0


def test_split_within_8_does_not_apply_without_a_rapprochement_or_when_the_game_ends_first() -> None:
    assert relation_game({}, last=23)["split_within_8"] is NA
    assert relation_game({20: MERGER}, last=23)["split_within_8"] is NA  # 3 quarters seen, none split: unknown
    # a window cut short counts for nothing, split or not: counting only the splits would bias the share
    assert relation_game({20: MERGER, 22: SPLIT}, splits=[22], last=23)["split_within_8"] is NA


# --- collapse and offshoots ------------------------------------------------------------------------------


def collapse_game(collapse: int, offshoots: Sequence[int], last: int = 23) -> dict[str, Any]:
    turns, formed = [], 0
    for t in range(1, last + 1):
        formed += t in offshoots
        state = part(at(t), "tally", collapse_turn=collapse if 0 <= collapse <= t else -1, offshoots_formed=formed)
        turns.append(turn_of(t, state))
    return measure(turns)


def test_a_collapse_followed_by_a_new_offshoot_within_four_quarters() -> None:
    assert OFFSHOOT_WINDOW == 4
    assert collapse_game(5, [9])["collapse_then_offshoot"] == 1.0
    assert collapse_game(5, [5])["collapse_then_offshoot"] == 1.0  # the turn of the collapse counts
    assert collapse_game(5, [2, 10])["collapse_then_offshoot"] == 0.0  # before, and too late
    assert collapse_game(5, [])["collapse_then_offshoot"] == 0.0


def test_collapse_then_offshoot_does_not_apply_without_a_collapse_or_a_whole_window() -> None:
    assert collapse_game(-1, [3])["collapse_then_offshoot"] is NA
    assert collapse_game(21, [], last=23)["collapse_then_offshoot"] is NA
    assert collapse_game(21, [23], last=23)["collapse_then_offshoot"] is NA  # a window cut short counts for nothing


# --- the balance of the groups, leaders, reform -------------------------------------------------------


def strong(state: State, group: str) -> State:
    """The board with one group at its strongest and the other at its weakest."""
    is_up = group == "is"
    state = attrs.evolve(state, theatres=tuple(attrs.evolve(t, territory=10 if is_up else 0, oil=3 if is_up else 0,
                                                            is_province=10 if is_up else 0,
                                                            aq_affiliate=0 if is_up else 10)
                                               for t in state.theatres))
    top, bottom = (20, 0) if is_up else (0, 20)
    state = part(state, "islamic_state", funds=top, fighters=top, cohesion=top // 2, standing=top // 2)
    return part(state, "al_qaeda", funds=bottom, discipline=bottom // 2, standing=bottom // 2,
                recruitment=bottom // 2)


def test_aq_weaker_after_4_counts_only_turns_after_the_first_year() -> None:
    # the premise, whatever the formulas' weights: more of everything is more power
    assert formula_values(RULEBOOK, strong(OPENING, "is"))["power_gap"] < 0 < \
        formula_values(RULEBOOK, strong(OPENING, "aq"))["power_gap"]

    def game(aq_weaker_at: int) -> list[PlayedTurn]:
        return [turn_of(t, strong(at(t), "is" if t == aq_weaker_at else "aq")) for t in range(1, 9)]

    assert measure(game(4))["aq_weaker_after_4"] == 0.0
    assert measure(game(5))["aq_weaker_after_4"] == 1.0
    assert measure(game(5))["is_weaker"] == 1.0  # it ended the weaker all the same


def test_leader_deaths_are_successions_during_the_game() -> None:
    leader = OPENING.islamic_state.leader
    turns = [turn_of(t, at(t, islamic_state={"leader": attrs.evolve(leader, successions=leader.successions + (t >= 3))}))
             for t in range(1, 6)]
    m = measure(turns)
    assert m["is_leader_died"] == 1.0 and m["is_leader_death_turn"] == 3
    assert m["aq_leader_died"] == 0.0 and m["aq_leader_death_turn"] == -1 and m["leader_deaths"] == 1


def test_iraq_reaches_faithful_reform_only_when_it_is_five_or_more_and_faithful() -> None:
    def iraq(state: State, reform: int, faithful: int) -> State:
        return attrs.evolve(state, theatres=tuple(attrs.evolve(t, reform=reform, faithful=faithful) if t.name == "iraq"
                                                  else t for t in state.theatres))

    m = measure([turn_of(1, iraq(at(1), 5, 0)), turn_of(2, iraq(at(2), 5, 1)), turn_of(3, iraq(at(3), 2, 1))])
    assert m["iraq_faithful_reform"] == 1.0 and m["iraq_faithful_turn"] == 2
    never = measure([turn_of(1, iraq(at(1), 9, 0)), turn_of(2, iraq(at(2), 4, 1))])
    assert never["iraq_faithful_reform"] == 0.0 and never["iraq_faithful_turn"] == -1
