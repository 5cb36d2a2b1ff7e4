"""Boards for property checks: any board the model allows, and boards reached in play.

A designer's declaration (``rises_with``, ``never_above``, an invariant …) must hold on every
board, not only those the scenario's start leads to, so :func:`boards` moves any track anywhere
in its bounds. A board is drawn as changes from the scenario's start, so that Hypothesis,
shrinking a failure, walks it back towards the start: the board a designer is shown is the start
with as few changes as still break the declaration.
:func:`played_boards` are the boards bot games pass through, after every phase.

Hypothesis is used here at run time (``wargame check --deep``), not only in the tests.
"""

from __future__ import annotations

from random import Random

import attrs
from hypothesis import strategies as st

from wargame.bots.play import bots_for, parse_seats, play
from wargame.engine.board import flat_tracks
from wargame.engine.model import AlQaeda, Coalition, Governments, IslamicState, Leader, Offshoot, Relation, State, Theatre, tracks_of
from wargame.engine.rulebook import Rulebook
from wargame.engine.turn import new_game

FIXED_THEATRE_TRACKS = ("core", "assad")  # geography, not play: kept from the scenario
ORIGINS = ("defectors", "holdouts", "inspired")
MAX_DRAWN_OFFSHOOTS = 4


# (part of the State, or "theatre:<index>", field, lo, hi) of every track a board may change
def _tracks(state: State) -> list[tuple[str, str, int, int]]:
    out: list[tuple[str, str, int, int]] = []
    for attr, cls in PARTS:
        out += [(attr, n, lo, hi) for n, lo, hi in tracks_of(cls)]
    for attr in ("islamic_state", "al_qaeda"):
        out += [(f"{attr}.leader", n, lo, hi) for n, lo, hi in tracks_of(Leader)]
    for i, _ in enumerate(state.theatres):
        out += [(f"theatre:{i}", n, lo, hi) for n, lo, hi in tracks_of(Theatre) if n not in FIXED_THEATRE_TRACKS]
        # what the theatre held when the turn began: ground lost or gained this turn is the difference
        out.append((f"theatre:{i}", "turn_start_territory", 0, 10))
    return out


PARTS = (("islamic_state", IslamicState), ("al_qaeda", AlQaeda), ("coalition", Coalition),
         ("governments", Governments), ("relation", Relation))


def _set(state: State, where: str, moved: dict[str, int]) -> State:
    """``state`` with the tracks ``moved`` of one part (a theatre, a leader, a cell's tracks) set."""
    if where.startswith("theatre:"):
        i = int(where.split(":")[1])
        theatres = list(state.theatres)
        theatres[i] = attrs.evolve(theatres[i], **moved)
        return attrs.evolve(state, theatres=tuple(theatres))
    if where.endswith(".leader"):
        attr = where.removesuffix(".leader")
        part = getattr(state, attr)
        return attrs.evolve(state, **{attr: attrs.evolve(part, leader=attrs.evolve(part.leader, **moved))})
    return attrs.evolve(state, **{where: attrs.evolve(getattr(state, where), **moved)})


def _as_begun(state: State) -> State:
    """The board as a turn's events find it: no ground lost or gained yet this turn."""
    return attrs.evolve(state, theatres=tuple(attrs.evolve(t, turn_start_territory=t.territory) for t in state.theatres))


def boards(rulebook: Rulebook, scenario: str, phase: str = "orders") -> st.SearchStrategy[State]:
    """A board of ``scenario`` the model allows: the start with some tracks moved anywhere in their
    bounds, or (the ``background`` flag) with every track drawn at random, any turn, 0..4
    offshoots. Hypothesis shrinks a failing board towards the start: fewer and smaller changes,
    no background, no offshoots (so the board shown to the designer is the start plus what
    matters). Drawing only what changes keeps a board cheap: a few draws, not one a track."""
    start = new_game(rulebook, scenario, 0)
    tracks = _tracks(start)
    names = [t.name for t in start.theatres]
    change = st.tuples(st.integers(0, len(tracks) - 1), st.integers(0, 2**16))
    offshoot = st.tuples(st.sampled_from(names), st.sampled_from(ORIGINS), st.integers(1, 10), st.integers(0, 10))

    def build(drawn: tuple) -> State:
        seed, background, changes, offshoots, turn = drawn
        state = _as_begun(attrs.evolve(new_game(rulebook, scenario, seed), phase=phase,
                                       turn=min(start.last_turn, start.turn + turn)))
        values: dict[str, dict[str, int]] = {}
        if background:  # every track anywhere in its bounds
            rng = Random(seed)
            for where, name, lo, hi in tracks:
                values.setdefault(where, {})[name] = rng.randint(lo, hi)
        for i, k in changes:
            where, name, lo, hi = tracks[i]
            values.setdefault(where, {})[name] = lo + k % (hi - lo + 1)
        for where, moved in values.items():
            state = _set(state, where, moved)
        groups = tuple(Offshoot(id=f"offshoot-{i + 1}", theatre=th, origin=o, strength=s, brutality=b)
                       for i, (th, o, s, b) in enumerate(offshoots))
        return attrs.evolve(state, offshoots=groups)

    return st.tuples(st.integers(0, 2**32 - 1), st.booleans(), st.lists(change, max_size=len(tracks)),
                     st.lists(offshoot, max_size=MAX_DRAWN_OFFSHOOTS), st.integers(0, start.last_turn - 1)).map(build)


def played_boards(rulebook: Rulebook, scenario: str, games: int, seed: int = 0, seats: str = "all=doctrine:mixed") -> list[State]:
    """The boards ``games`` bot games of ``scenario`` pass through: each orders phase, in order."""
    out: list[State] = []
    for g in range(games):
        game_seed = seed * 1_000_003 + g
        state = new_game(rulebook, scenario, game_seed)
        for turn in play(rulebook, state, bots_for(parse_seats(seats), game_seed, rulebook)):
            if turn.state.phase != "over":
                out.append(attrs.evolve(turn.state, phase="orders"))
    return out


def simpler(rulebook: Rulebook, state: State, still_breaks) -> State:
    """``state`` with every change from the scenario's start taken back that ``still_breaks``
    does not need (a greedy pass after Hypothesis's own shrinking, which cannot undo a board drawn
    all at random): tracks one at a time, then offshoots, then the turn."""
    start = _as_begun(new_game(rulebook, state.scenario, state.seed))
    tracks = _tracks(start)
    for _ in range(2):  # a second pass: a change may become needless once another is taken back
        changed = False
        for where, name, _lo, _hi in tracks:
            now, then = _get(state, where, name), _get(start, where, name)
            if now != then:
                candidate = _set(state, where, {name: then})
                if still_breaks(candidate):
                    state, changed = candidate, True
        for i in reversed(range(len(state.offshoots))):
            candidate = attrs.evolve(state, offshoots=state.offshoots[:i] + state.offshoots[i + 1:])
            if still_breaks(candidate):
                state, changed = candidate, True
        if state.turn != start.turn:
            candidate = attrs.evolve(state, turn=start.turn)
            if still_breaks(candidate):
                state, changed = candidate, True
        if not changed:
            break
    return state


def _get(state: State, where: str, name: str) -> int:
    if where.startswith("theatre:"):
        return getattr(state.theatres[int(where.split(":")[1])], name)
    if where.endswith(".leader"):
        return getattr(getattr(state, where.removesuffix(".leader")).leader, name)
    return getattr(getattr(state, where), name)


def changes_from_start(rulebook: Rulebook, state: State) -> list[tuple[str, int, int]]:
    """(track, at the start, on this board) for every track that differs from the scenario's start
    (the board a failure is shown as). The turn and the offshoots are listed as tracks too."""
    start = _as_begun(new_game(rulebook, state.scenario, state.seed))
    before, after = flat_tracks(start), flat_tracks(state)
    # the tallies are the analysts' counters, not the board: a board from play differs in them only by being played
    out = [(n, before[n], after[n]) for n in after if before.get(n) != after[n] and not n.startswith("tally_")]
    if start.turn != state.turn:
        out.insert(0, ("turn", start.turn, state.turn))
    for t0, t1 in zip(start.theatres, state.theatres):
        names = [n for n, _, _ in tracks_of(Theatre)] + ["turn_start_territory"]
        out += [(f"{t1.name}.{n}", getattr(t0, n), getattr(t1, n)) for n in names if getattr(t0, n) != getattr(t1, n)]
    for o in state.offshoots:
        out.append((f"{o.id} ({o.origin} in {o.theatre})", 0, o.strength))
    return out
