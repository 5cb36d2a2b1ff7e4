"""Hypothesis strategies for boards: any state the model allows, not only those play reaches."""

from __future__ import annotations

import attrs
from hypothesis import strategies as st

from wargame.engine.model import (
    AlQaeda,
    Coalition,
    Governments,
    IslamicState,
    Leader,
    Offshoot,
    Relation,
    State,
    Theatre,
    tracks_of,
)
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game

FIXED_THEATRE_TRACKS = ("core", "assad")  # geography, not play: kept from the scenario


def _tracks(cls: type, draw, skip: tuple[str, ...] = ()) -> dict[str, int]:
    return {n: draw(st.integers(lo, hi)) for n, lo, hi in tracks_of(cls) if n not in skip}


@st.composite
def states(draw, rulebook: Rulebook, scenario: str = "spring-2016", phase: str = "orders") -> State:
    """A random board of a scenario: every track anywhere in its bounds."""
    seed = draw(st.integers(0, 2**32))
    base = new_game(rulebook, scenario, seed)
    theatres = []
    for t in base.theatres:
        values = _tracks(Theatre, draw, FIXED_THEATRE_TRACKS)
        start = draw(st.integers(0, 10))
        theatres.append(attrs.evolve(t, turn_start_territory=start, **values))
    leaders = {
        name: attrs.evolve(getattr(base, name).leader, **_tracks(Leader, draw))
        for name in ("islamic_state", "al_qaeda")
    }
    offshoots = []
    for i in range(draw(st.integers(0, 4))):
        offshoots.append(
            Offshoot(
                id=f"offshoot-{i + 1}",
                theatre=draw(st.sampled_from([t.name for t in base.theatres])),
                origin=draw(st.sampled_from(["defectors", "holdouts", "inspired"])),
                strength=draw(st.integers(1, 10)),
                brutality=draw(st.integers(0, 10)),
            )
        )
    turn = draw(st.integers(1, base.last_turn))
    return attrs.evolve(
        base,
        turn=turn,
        phase=phase,
        theatres=tuple(theatres),
        islamic_state=IslamicState(leader=leaders["islamic_state"], **_tracks(IslamicState, draw)),
        al_qaeda=AlQaeda(leader=leaders["al_qaeda"], **_tracks(AlQaeda, draw)),
        coalition=Coalition(**_tracks(Coalition, draw)),
        governments=Governments(**_tracks(Governments, draw)),
        relation=Relation(**_tracks(Relation, draw)),
        offshoots=tuple(offshoots),
    )


def with_theatre(state: State, name: str, **changes: int) -> State:
    return attrs.evolve(
        state, theatres=tuple(attrs.evolve(t, **changes) if t.name == name else t for t in state.theatres)
    )


def with_part(state: State, part: str, **changes: int) -> State:
    return attrs.evolve(state, **{part: attrs.evolve(getattr(state, part), **changes)})
