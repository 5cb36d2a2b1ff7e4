"""A board is frozen into the model by quick builders (wargame.engine.builders): what they build is
of the class itself, equal and hashed as the constructor's, as frozen, and what the constructor
refuses they refuse with its very error."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wargame.engine.board import Board
from wargame.engine.builders import builder
from wargame.engine.model import Leader, Offshoot, State, Theatre
from wargame.engine.rulebook import load_rulebook
from wargame.engine.turn import new_game

RULEBOOK = load_rulebook()
OPENING = new_game(RULEBOOK, "spring-2016", 3)


def _fields(obj: object) -> list[object]:
    return [getattr(obj, a.name) for a in attrs.fields(type(obj))]


def _samples() -> list[object]:
    return [OPENING, OPENING.theatres[0], OPENING.islamic_state.leader, OPENING.islamic_state, OPENING.tally,
            Offshoot(id="offshoot-1", theatre="iraq", origin="holdouts", strength=3, brutality=7)]


def test_a_built_object_is_of_the_class_itself_equal_hashed_and_frozen_as_the_constructors() -> None:
    for want in _samples():
        cls = type(want)
        got = builder(cls)(*_fields(want))
        assert type(got) is cls and got.__class__ is cls
        assert got == want and hash(got) == hash(want) and repr(got) == repr(want)
        assert all(a is b for a, b in zip(_fields(got), _fields(want), strict=True))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(got, attrs.fields(cls)[0].name, None)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            delattr(got, attrs.fields(cls)[0].name)


def test_a_builder_takes_the_fields_by_name_as_the_constructor_does() -> None:
    fields = {a.name: getattr(OPENING, a.name) for a in attrs.fields(State)}
    got = builder(State)(**fields)
    assert type(got) is State and got == State(**fields)


def _error(call) -> tuple[type, str]:
    try:
        call()
    except Exception as e:  # noqa: BLE001 (whatever it raises, the builder raises alike)
        return type(e), str(e)
    return type(None), "taken"


class _Text(str):
    pass


@given(st.sampled_from(["events", "over", "x", "", 3, None, b"events", _Text("orders"), _Text("y")]),
       st.sampled_from(["defectors", "inspired", "rebels", 1.0, None, _Text("holdouts")]),
       st.sampled_from([0, 3, 10, 11, -1, 3.0, True, "3"]))
def test_a_value_from_a_list_or_out_of_bounds_is_refused_with_the_constructors_own_error(phase, origin, strength) -> None:
    state = {a.name: getattr(OPENING, a.name) for a in attrs.fields(State)} | {"phase": phase}
    assert _error(lambda: builder(State)(**state)) == _error(lambda: State(**state))
    group = ("offshoot-1", "iraq", origin, strength, 2)
    assert _error(lambda: builder(Offshoot)(*group)) == _error(lambda: Offshoot(*group))
    if _error(lambda: State(**state))[1] == "taken":
        assert type(builder(State)(**state)) is State


@pytest.mark.parametrize("value", [3.0, True, 11, -1, "3"])
def test_freezing_refuses_a_theatre_value_the_model_refuses(value) -> None:
    board = Board(OPENING, RULEBOOK.parameters, RULEBOOK.formulas)
    board.theatres[0]["faithful" if value is True else "territory"] = value
    with pytest.raises(ValueError, match="faithful|territory"):
        board.freeze(OPENING)


def test_freezing_keeps_each_unchanged_part_the_templates_own_object() -> None:
    board = Board(OPENING, RULEBOOK.parameters, RULEBOOK.formulas)
    board.theatres[1]["grievance"] = 10 - board.theatres[1]["grievance"]
    board.g["coalition_will"] = 10 - board.g["coalition_will"]
    new = board.freeze(OPENING, phase="orders")
    assert type(new) is State and new.phase == "orders"
    assert new.theatres[0] is OPENING.theatres[0] and new.theatres[1] is not OPENING.theatres[1]
    assert type(new.theatres[1]) is Theatre and type(new.coalition) is type(OPENING.coalition)
    assert new.islamic_state is OPENING.islamic_state and new.coalition is not OPENING.coalition
    assert all(a is b for a, b in zip(new.theatres[2:], OPENING.theatres[2:], strict=True))
    assert type(new.islamic_state.leader) is Leader


def test_freezing_with_a_name_a_state_has_not_is_refused_as_the_state_refuses_it() -> None:
    board = Board(OPENING, RULEBOOK.parameters, RULEBOOK.formulas)
    with pytest.raises(TypeError, match="unexpected keyword"):
        board.freeze(OPENING, weather="rain")
    with pytest.raises(ValueError, match="phase"):
        board.freeze(OPENING, phase="dusk")
