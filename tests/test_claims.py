"""The article's claims C1..C16 as properties of the rulebook.

Most of what each claim asks of its rules is declared beside the rules, in the rulebook's data
(``rises_with``, ``never_above``, ``implies`` … and rules/invariants.toml), and checked by
``wargame check --deep``: the first test here runs that check on the repository's rulebook. What
follows it is what a declaration cannot say: an offshoot formed with a given origin, a track
moved by exactly one step, a fact of a scenario's start, an outcome over whole games. Each test
holds a random board fixed but for one thing; the boards are any the model allows.
"""

from __future__ import annotations

import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.bounded import in_process
from wargame.engine.facilitator import fire_rule
from wargame.engine.model import MERGER, RIVALRY, State
from wargame.engine.position import formula_values, rule_chance
from wargame.engine.rulebook import load_rulebook

from .strategies import states, with_part, with_theatre

RULEBOOK = load_rulebook()
THEATRES = [t.name for t in RULEBOOK.scenarios["spring-2016"].initial.theatres]
PERIPHERY = [t.name for t in RULEBOOK.scenarios["spring-2016"].initial.theatres if not t.core]
theatres = st.sampled_from(THEATRES)
EPS = 1e-9


def test_the_rulebook_keeps_every_declared_property_and_every_scenario_conforms(capsys) -> None:
    """``wargame check --deep`` on the repository's rulebook: every declaration and invariant holds
    on the boards tried, and the conformance harness passes (exit 0)."""
    examples = max(20, settings().max_examples // 4)
    done = in_process(["check", "--deep", "--examples", str(examples), "--played", "2"], capsys)
    assert done.code == 0, done.out[-3000:]
    held = re.search(r"(\d+) of (\d+) declared properties held", done.out)
    assert held and held.group(1) == held.group(2) and int(held.group(2)) >= 150
    assert "conformance: passed" in done.out


def test_every_claim_is_declared_somewhere_in_the_rulebook() -> None:
    """Each claim C1..C16 has at least one declaration or invariant that carries it."""
    carried = {c for d in RULEBOOK.declarations for c in d.claims} | {c for i in RULEBOOK.invariants for c in i.claims}
    assert carried == {f"C{i}" for i in range(1, 17)}


def chance(state: State, rule_id: str, theatre: str | None = None, offshoot: str | None = None) -> float:
    return rule_chance(RULEBOOK, state, rule_id, theatre, offshoot)


def formula(state: State, name: str) -> float:
    return formula_values(RULEBOOK, state)[name]


# C1 -----------------------------------------------------------------------------------------


@given(state=states(RULEBOOK), theatre=theatres, loss=st.integers(1, 10))
def test_c1_a_weaker_is_never_less_likely_to_seek_talks(state: State, theatre: str, loss: int) -> None:
    # IS the weaker group on both boards (its inner strength drained), as the article reasons
    state = with_part(state, "relation", stage=RIVALRY)
    state = with_part(state, "islamic_state", leader=state.islamic_state.leader, funds=0, fighters=0, cohesion=0)
    t = state.theatre(theatre)
    weaker = with_theatre(state, theatre, territory=max(0, t.territory - loss))
    assume(formula(state, "power_gap") >= 0)
    assert formula(weaker, "power_gap") >= formula(state, "power_gap") - EPS
    assert chance(weaker, "c1.talks-open") >= chance(state, "c1.talks-open") - EPS


# C2 -----------------------------------------------------------------------------------------


@given(state=states(RULEBOOK))
def test_c2_when_aq_falls_behind_its_network_recovers(state: State) -> None:
    gap = formula(state, "power_gap")
    recovery = chance(state, "c2.franchises-recover")
    if gap < 0:
        assert recovery > 0, "AQ weaker than IS does not last: its franchises recover"
    else:
        assert recovery == 0


def test_c2_aq_rarely_ends_weaker_than_is() -> None:
    """Over seeded bot games of the full scenario, AQ ends the weaker group in few of them."""
    from wargame.bots.play import bots_for, parse_seats, play
    from wargame.engine.turn import new_game

    aq_weaker = 0
    games = 20
    for seed in range(games):
        state = new_game(RULEBOOK, "spring-2016", seed)
        for turn in play(RULEBOOK, state, bots_for(parse_seats("all=bot"), seed)):
            state = turn.state
        aq_weaker += formula(state, "power_gap") < 0
    assert aq_weaker <= games // 4, f"AQ ended weaker in {aq_weaker} of {games} games"


# C6 -----------------------------------------------------------------------------------------


@given(state=states(RULEBOOK), theatre=theatres)
def test_c6_defectors_form_a_group_outside_is(state: State, theatre: str) -> None:
    t = state.theatre(theatre)
    assume(chance(state, "c6.defection", theatre) > 0 and len(state.offshoots) < 12)
    after = fire_rule(RULEBOOK, state, "c6.defection", 0.0, theatre).state
    assert len(after.offshoots) == len(state.offshoots) + 1
    new = after.offshoots[-1]
    assert new.origin == "defectors" and new.theatre == theatre
    assert after.theatre(theatre).is_province == t.is_province - 1


# C7 -----------------------------------------------------------------------------------------


def test_c7_iraq_starts_without_an_aq_affiliate() -> None:
    assert RULEBOOK.scenarios["spring-2016"].initial.theatre("iraq").aq_affiliate == 0


# C9 -----------------------------------------------------------------------------------------


@given(state=states(RULEBOOK), theatre=theatres)
def test_c9_holdouts_of_a_merger_are_more_brutal_than_is(state: State, theatre: str) -> None:
    state = with_part(state, "relation", stage=MERGER, turns=0)
    assume(state.theatre(theatre).is_province >= 2 and len(state.offshoots) < 12 and state.islamic_state.brutality < 10)
    after = fire_rule(RULEBOOK, state, "c9.holdouts", 0.0, theatre).state
    new = after.offshoots[-1]
    assert new.origin == "holdouts"
    assert new.brutality > state.islamic_state.brutality


# C10 ----------------------------------------------------------------------------------------


@given(state=states(RULEBOOK))
def test_c10_escalation_raises_brutality(state: State) -> None:
    assume(chance(state, "c10.escalation") > 0 and state.islamic_state.brutality < 10)
    after = fire_rule(RULEBOOK, state, "c10.escalation", 0.0).state
    assert after.islamic_state.brutality == state.islamic_state.brutality + 1


# C11 ----------------------------------------------------------------------------------------


@given(state=states(RULEBOOK), theatre=theatres)
def test_c11_inspired_offshoots_follow_a_collapse(state: State, theatre: str) -> None:
    standing = with_part(state, "islamic_state", collapsed=0)
    assert chance(standing, "c11.inspired-offshoots", theatre) == 0
    fallen = with_theatre(with_part(state, "islamic_state", collapsed=1), theatre, grievance=8, governance=2)
    assert chance(fallen, "c11.inspired-offshoots", theatre) > 0


# C14 ----------------------------------------------------------------------------------------


def test_c14_afghan_talks_start_in_their_infancy() -> None:
    afpak = RULEBOOK.scenarios["spring-2016"].initial.theatre("afpak")
    assert afpak.peace == 1 and afpak.settled == 0
    assert RULEBOOK.scenarios["spring-2016"].initial.theatre("syria").assad == 1


# C16 ----------------------------------------------------------------------------------------


@given(state=states(RULEBOOK))
def test_c16_root_causes_weaken_is_and_aq_alike(state: State) -> None:
    for t in state.theatres:
        if chance(state, "c16.root-causes", t.name) > 0:
            after = fire_rule(RULEBOOK, state, "c16.root-causes", 0.0, t.name).state.theatre(t.name)
            assert after.is_province == max(0, t.is_province - 1)
            assert after.aq_affiliate == max(0, t.aq_affiliate - 1)
            break
